/* rms_avx2_fast.c -- AVX2 + FMA, 8 floats per vector, with the square root
 * and the division done by the rsqrtps estimate plus one
 * Newton-Raphson step on the FMA pipes (kernels/rms_fast_impl.h has the
 * method).  Not the bits of fused: within the bound its registry row states. */
#include <float.h>
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "rms.h"
#include "rms_prefetch.h"

#define VT __m256
#define W 8
#define MT __m256i
#define ALIGN 32
#define FN(name) avx2_fast_##name
#define KERNEL_NAME rms_step_avx2_fast
#define V_SET1 _mm256_set1_ps
#define V_LOADU _mm256_loadu_ps
#define V_LOAD _mm256_load_ps
#define V_STORE _mm256_store_ps
#define V_STOREU _mm256_storeu_ps
#define V_MASK_FIRST(r) _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(r)), \
                                           _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define V_MLOAD(mk, p) _mm256_blendv_ps(_mm256_set1_ps(1.0f), _mm256_maskload_ps(p, mk), \
                                        _mm256_castsi256_ps(mk))
#define V_MSTORE(p, mk, x) _mm256_maskstore_ps(p, mk, x)
#define V_ADD _mm256_add_ps
#define V_SUB _mm256_sub_ps
#define V_MUL _mm256_mul_ps
#define V_MAX _mm256_max_ps
#define V_SQRT _mm256_sqrt_ps
#define V_DIV _mm256_div_ps
#define V_FMA _mm256_fmadd_ps
#define V_FNMA _mm256_fnmadd_ps
#define V_FMS _mm256_fmsub_ps
#define V_NEG(x) _mm256_xor_ps(x, _mm256_set1_ps(-0.0f))
#define V_RSQRT _mm256_rsqrt_ps
/* x in [lo, FLT_MAX]: the bits minus lo's, unsigned, below the span up to
 * FLT_MAX (zero, denormals, negatives, inf and NaN all fall outside), as in
 * rms_avx512_fast.c; AVX2 has no unsigned compare, so both sides are biased
 * by 2^31 and compared signed: one add and one compare (the constants are
 * loop-invariant), against two FP compares and an and. */
#define NT __m256i
#define V_INRANGE(x, lo) _mm256_cmpgt_epi32(                                        \
    _mm256_sub_epi32(_mm256_set1_epi32((int)0xff800000u), _mm256_castps_si256(lo)),  \
    _mm256_add_epi32(_mm256_castps_si256(x),                                        \
                     _mm256_sub_epi32(_mm256_set1_epi32(INT32_MIN), _mm256_castps_si256(lo))))
#define V_ALL(ok) (_mm256_movemask_ps(_mm256_castsi256_ps(ok)) == 0xff)
#define V_PICK(ok, a, b) _mm256_blendv_ps(b, a, _mm256_castsi256_ps(ok))
/* The line filter: the bits of x minus win_lo's, or-ed over the line, with
 * no bit of win_mask set (one vptest) means every x of the line is in the
 * window [win_lo, win_lo 2^128) (rms_fast_impl.h, FN(coef_of)).  Per vector
 * a subtract and an or, which any vector port runs, against a compare that
 * only the two FMA ports run (V_INRANGE) and half a movemask: the FMA ports
 * are what bounds this kernel (docs/perf.md). */
#define LT __m256i
#define L_NONE(k) _mm256_setzero_si256()
#define L_ADD(acc, x, k) _mm256_or_si256(acc, _mm256_sub_epi32(_mm256_castps_si256(x),   \
                                                               _mm256_castps_si256((k)->win_lo)))
#define L_ALLIN(acc, k) _mm256_testz_si256(acc, _mm256_castps_si256((k)->win_mask))

#include "rms_fast_impl.h"

/* No low-precision state step of its own: `--kernel avx2_fast --state ...`
 * runs avx2's exact one (rms_lp.c, docs/lowprec.md: at this width the
 * state step is bound by its vector ports, where the estimate costs more
 * than the divide it saves). */
