/* rms_avx512_lp_impl.h -- the low-precision state step on AVX-512F, 16
 * lanes: the width macros and helpers of rms_lp_simd_impl.h (the body, read
 * its notes), then that body.  Included by rms_avx512_lp.c (exact quotient)
 * and rms_avx512_fast.c (its rsqrt + Newton quotient), which name the step
 * LP_STEP_NAME.  Not a header of an API.  Masks make the selects and the
 * narrowing stores single instructions (vpmovdw, vpmovusdb, vcvtps2ph). */
#include <float.h>
#include <immintrin.h>
#include "rms_avx512_step.h"

#define W 16
#define VT __m512
#define VI __m512i
#define COEF coef16
#define COEF_OF coef16_of
#define STEP_PLAIN step16_plain
#define STEP_GENERAL step16_general
#define F_SET1 _mm512_set1_ps
#define F_LOADU _mm512_loadu_ps
#define F_STOREU _mm512_storeu_ps
#define F_ADD _mm512_add_ps
#define F_SUB _mm512_sub_ps
#define F_MUL _mm512_mul_ps
#define F_MIN _mm512_min_ps
#define F_MAX _mm512_max_ps
#define F_CVTI _mm512_cvtepi32_ps
#define F_CVTTI _mm512_cvttps_epi32
#define F_TOI _mm512_castps_si512
#define I_TOF _mm512_castsi512_ps
#define I_SET1 _mm512_set1_epi32
#define I_ADD _mm512_add_epi32
#define I_SUB _mm512_sub_epi32
#define I_AND _mm512_and_si512
#define I_ANDNOT _mm512_andnot_si512
#define I_OR _mm512_or_si512
#define I_XOR _mm512_xor_si512
#define I_SRLI _mm512_srli_epi32
#define I_SLLI _mm512_slli_epi32
#define I_MULLO _mm512_mullo_epi32
#define I_MAX _mm512_max_epi32
/* The width's helpers: the lane indices, rounding, selects (b in the lanes
 * where the compare holds, else a), and the state loads and stores (u16:
 * values < 2^16 into 16 bits; f16: values on the binary16 grid; u8: codes
 * >= 0 saturated at 255 by vpmovusdb, in the 16 bytes). */
#define W_IOTA() _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define W_ROUND_NEAREST(q) _mm512_roundscale_ps(q, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define W_FLOOR(q) _mm512_roundscale_ps(q, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)
#define W_ADD_ONE_IF_LT(fl, u, d)                                              \
    _mm512_mask_add_ps(fl, _mm512_cmp_ps_mask(u, d, _CMP_LT_OQ), fl, F_SET1(1.0f))
#define W_PICK_GT(x, lim, a, b) _mm512_mask_blend_epi32(_mm512_cmpgt_epi32_mask(x, lim), a, b)
#define W_PICK_GE(x, lim, a, b)                                                \
    _mm512_mask_blend_epi32(_mm512_cmp_ps_mask(x, lim, _CMP_GE_OQ), a, b)
#define W_LOAD_U16(p) _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p)))
#define W_STORE_U16(p, h) _mm256_storeu_si256((__m256i *)(p), _mm512_cvtepi32_epi16(h))
#define W_LOAD_F16(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p)))
#define W_STORE_F16(p, y)                                                      \
    _mm256_storeu_si256((__m256i *)(p), _mm512_cvtps_ph(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC))
#define W_LOAD_U8(p) _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define W_PACK_U8(c) _mm512_cvtusepi32_epi8(c)
#define W_STORE_U8(p, codes) _mm_storeu_si128((__m128i *)(p), codes)
#define W_HMAX(x) _mm512_reduce_max_ps(x)

#include "rms_lp_simd_impl.h"
