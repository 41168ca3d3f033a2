/* rms_avx2_lp_impl.h -- the low-precision state step on AVX2 + F16C, 8
 * lanes: the width macros and helpers of rms_lp_simd_impl.h (the body, read
 * its notes), then that body.  Included by rms_avx2_lp.c, which names the
 * step LP_STEP_NAME (avx2_fast runs this step too: rms_lp.c).  Not a header
 * of an API.  Blends stand for masks and packs for the narrowing stores. */
#include <float.h>
#include <immintrin.h>
#include "rms_avx2_step.h"

#define W 8
#define VT __m256
#define VI __m256i
#define COEF coef8
#define COEF_OF coef8_of
#define STEP_PLAIN step8_plain
#define STEP_GENERAL step8_general
#define F_SET1 _mm256_set1_ps
#define F_LOADU _mm256_loadu_ps
#define F_STOREU _mm256_storeu_ps
#define F_ADD _mm256_add_ps
#define F_SUB _mm256_sub_ps
#define F_MUL _mm256_mul_ps
#define F_MIN _mm256_min_ps
#define F_MAX _mm256_max_ps
#define F_CVTI _mm256_cvtepi32_ps
#define F_CVTTI _mm256_cvttps_epi32
#define F_TOI _mm256_castps_si256
#define I_TOF _mm256_castsi256_ps
#define I_SET1 _mm256_set1_epi32
#define I_ADD _mm256_add_epi32
#define I_SUB _mm256_sub_epi32
#define I_AND _mm256_and_si256
#define I_ANDNOT _mm256_andnot_si256
#define I_OR _mm256_or_si256
#define I_XOR _mm256_xor_si256
#define I_SRLI _mm256_srli_epi32
#define I_SLLI _mm256_slli_epi32
#define I_MULLO _mm256_mullo_epi32
#define I_MAX _mm256_max_epi32
/* The width's helpers: the lane indices, rounding, selects (b in the lanes
 * where the compare holds, else a), and the state loads and stores (u16:
 * values < 2^16 into 16 bits; f16: values on the binary16 grid). */
#define W_IOTA() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define W_ROUND_NEAREST(q) _mm256_round_ps(q, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define W_FLOOR(q) _mm256_floor_ps(q)
#define W_ADD_ONE_IF_LT(fl, u, d)                                              \
    _mm256_add_ps(fl, _mm256_and_ps(_mm256_cmp_ps(u, d, _CMP_LT_OQ), F_SET1(1.0f)))
#define W_PICK_GT(x, lim, a, b) _mm256_blendv_epi8(a, b, _mm256_cmpgt_epi32(x, lim))
#define W_PICK_GE(x, lim, a, b)                                                \
    _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), \
                                         _mm256_cmp_ps(x, lim, _CMP_GE_OQ)))
#define W_LOAD_U16(p) _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p)))
#define W_STORE_U16(p, h)                                                      \
    _mm_storeu_si128((__m128i *)(p), _mm_packus_epi32(_mm256_castsi256_si128(h), \
                                                      _mm256_extracti128_si256(h, 1)))
#define W_LOAD_F16(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))
#define W_STORE_F16(p, y)                                                      \
    _mm_storeu_si128((__m128i *)(p), _mm256_cvtps_ph(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC))
#define W_LOAD_U8(p) _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(p)))
#define W_STORE_U8(p, codes) _mm_storel_epi64((__m128i *)(p), codes)

/* codes >= 0, saturated at 255 by the packs, in the low 8 bytes */
static inline __m128i w_pack_u8(VI c)
{
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1));
    return _mm_packus_epi16(w, w);
}

static inline float w_hmax(VT x)
{
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
    return _mm_cvtss_f32(m4);
}

#define W_PACK_U8 w_pack_u8
#define W_HMAX w_hmax

#include "rms_lp_simd_impl.h"
