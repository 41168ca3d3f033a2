/* rms_avx512_fast.c -- AVX-512F, 16 floats per vector, with the square root
 * and the division done by rsqrt14 estimate plus one Newton-Raphson
 * step on the FMA pipes (kernels/rms_fast_impl.h has the method).  Not the
 * bits of fused: within the bound its registry row states. */
#include <float.h>
#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "rms.h"
#include "rms_prefetch.h"

#define VT __m512
#define W 16
#define MT __mmask16
#define ALIGN 64
#define FN(name) avx512_fast_##name
#define KERNEL_NAME rms_step_avx512_fast
#define V_SET1 _mm512_set1_ps
#define V_LOADU _mm512_loadu_ps
#define V_LOAD _mm512_load_ps
#define V_STORE _mm512_store_ps
#define V_STOREU _mm512_storeu_ps
#define V_MASK_FIRST(r) ((__mmask16)((1u << (r)) - 1u))
#define V_MLOAD(mk, p) _mm512_mask_loadu_ps(_mm512_set1_ps(1.0f), mk, p)
#define V_MSTORE(p, mk, x) _mm512_mask_storeu_ps(p, mk, x)
#define V_ADD _mm512_add_ps
#define V_SUB _mm512_sub_ps
#define V_MUL _mm512_mul_ps
#define V_MAX _mm512_max_ps
#define V_SQRT _mm512_sqrt_ps
#define V_DIV _mm512_div_ps
#define V_FMA _mm512_fmadd_ps
#define V_FNMA _mm512_fnmadd_ps
#define V_FMS _mm512_fmsub_ps
#define V_NEG(x) _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(x), \
                                                      _mm512_set1_epi32(INT32_MIN)))
#define V_RSQRT _mm512_rsqrt14_ps
/* x in [lo, FLT_MAX]: the bits minus lo's, unsigned, below the span up to
 * FLT_MAX (zero, denormals, negatives, inf and NaN all fall outside) */
#define NT __mmask16
#define V_INRANGE(x, lo) _mm512_cmplt_epu32_mask(                                   \
    _mm512_sub_epi32(_mm512_castps_si512(x), _mm512_castps_si512(lo)),              \
    _mm512_sub_epi32(_mm512_set1_epi32(0x7f800000), _mm512_castps_si512(lo)))
#define V_ALL(ok) ((ok) == 0xffff)
#define V_PICK(ok, a, b) _mm512_mask_blend_ps(ok, b, a)
/* The line filter: the range masks of the line's vectors and-ed (a compare
 * into a mask register runs beside the FMA ports here) */
#define LT __mmask16
#define L_NONE(k) ((__mmask16)0xffff)
#define L_ADD(acc, x, k) ((__mmask16)((acc) & V_INRANGE(x, (k)->lo_out)))
#define L_ALLIN(acc, k) V_ALL(acc)

#include "rms_fast_impl.h"

/* The low-precision state step (rms_lp.h, `--kernel avx512_fast --state ...`)
 * on this kernel's quotient: v, m and their stored bits are the scalar
 * reference's (the lp body keeps its order, no FMA there), theta is within
 * this kernel's bound (docs/lowprec.md says why the state's own rounding
 * makes that the right trade). */
#define STEP16_COEF_EXTRA FN(coef) fast;
#define STEP16_COEF_EXTRA_OF(q, c) ((q).fast = FN(coef_of)(c))
#define STEP16_QUOT(a, x, ein, k) FN(quotient)(a, x, ein, &(k)->fast)
#define LP_STEP_NAME rms_lp_step_avx512_fast
#include "rms_avx512_lp_impl.h"
