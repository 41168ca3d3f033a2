/* rms_avx2_lp_impl.h -- the body of the low-precision state step, AVX2 +
 * F16C, 8 lanes; included by rms_avx2_lp.c (exact quotient) and
 * rms_avx2_fast.c (its rsqrt + Newton quotient), which name the step
 * LP_STEP_NAME.  Not a header of an API.  The same shape as
 * rms_avx512_lp_impl.h (read its notes), with blends for masks and packs
 * for the narrowing stores. */
#include <immintrin.h>
#include <string.h>
#include "rms_avx2_step.h"
#include "rms_lp.h"
#include "rms_lp_bits.h"
#include "rms_lp_tail.h"

#ifndef W
#define W 8
#endif

typedef struct lanes {
    coef8 k;
    __m256i iota;
    lp_key kv, km, kb;
    rms_rounding mode;
    int bf, cent, mom, plain;
} lanes;

static inline __m256i mix8(__m256i x)
{
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
    x = _mm256_mullo_epi32(x, _mm256_set1_epi32(0x7feb352d));
    x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
    x = _mm256_mullo_epi32(x, _mm256_set1_epi32((int)0x846ca68bu));
    return _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
}

static inline __m256i hash8(lp_key k, __m256i idx)
{
    __m256i x = mix8(_mm256_xor_si256(idx, _mm256_set1_epi32((int)k.k1)));
    return mix8(_mm256_add_epi32(x, _mm256_set1_epi32((int)k.k2)));
}

static inline __m256 pow2_8(__m256i e)
{
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(e, _mm256_set1_epi32(127)), 23));
}

/* lp_rint: q rounded to an integer, to nearest or stochastically. */
static inline __m256 rint8(__m256 q, rms_rounding mode, __m256i r)
{
    if (mode != RMS_ROUND_STOCHASTIC)
        return _mm256_round_ps(q, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 fl = _mm256_floor_ps(q);
    __m256 u = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_srli_epi32(r, 8)),
                             _mm256_set1_ps(0x1p-24f));
    __m256 up = _mm256_cmp_ps(u, _mm256_sub_ps(q, fl), _CMP_LT_OQ);
    return _mm256_add_ps(fl, _mm256_and_ps(up, _mm256_set1_ps(1.0f)));
}

/* lp_grid on 8 lanes (a >= 0). */
static inline __m256 grid8(__m256 a, int p, int emin, rms_rounding mode, __m256i r)
{
    __m256i e = _mm256_sub_epi32(_mm256_srli_epi32(_mm256_castps_si256(a), 23),
                                 _mm256_set1_epi32(127));
    e = _mm256_max_epi32(e, _mm256_set1_epi32(emin));
    __m256 q = _mm256_mul_ps(a, pow2_8(_mm256_sub_epi32(_mm256_set1_epi32(p), e)));
    __m256 y;
    y = rint8(q, mode, r);
    return _mm256_mul_ps(y, pow2_8(_mm256_sub_epi32(e, _mm256_set1_epi32(p))));
}

static inline __m256 load16bit(const uint16_t *p, int bf)
{
    __m128i h = _mm_loadu_si128((const __m128i *)p);
    if (bf)
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    return _mm256_cvtph_ps(h);
}

static inline void store16bit(uint16_t *p, __m256 x, int bf, rms_rounding mode, __m256i r)
{
    __m256i b = _mm256_castps_si256(x);
    const __m256i absmask = _mm256_set1_epi32(0x7fffffff);
    if (bf) {
        __m256i bias = mode == RMS_ROUND_STOCHASTIC
            ? _mm256_srli_epi32(r, 16)
            : _mm256_add_epi32(_mm256_set1_epi32(0x7fff),
                               _mm256_and_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(1)));
        __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(b, absmask),
                                         _mm256_set1_epi32(0x7f800000));
        __m256i h = _mm256_srli_epi32(_mm256_add_epi32(b, bias), 16);
        __m256i hn = _mm256_or_si256(_mm256_srli_epi32(b, 16), _mm256_set1_epi32(0x40));
        h = _mm256_blendv_epi8(h, hn, nan);
        _mm_storeu_si128((__m128i *)p, _mm_packus_epi32(_mm256_castsi256_si128(h),
                                                        _mm256_extracti128_si256(h, 1)));
        return;
    }
    __m256i sign = _mm256_andnot_si256(absmask, b);
    __m256 y = grid8(_mm256_castsi256_ps(_mm256_and_si256(b, absmask)), 10, -14, mode, r);
    y = _mm256_castsi256_ps(_mm256_or_si256(_mm256_castps_si256(y), sign));
    _mm_storeu_si128((__m128i *)p, _mm256_cvtps_ph(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

static inline void vec16bit(size_t i, float *th, const float *g, uint16_t *v,
                            uint16_t *m, uint16_t *b, const rms_cfg *c, const lanes *L)
{
    __m256i idx = _mm256_add_epi32(_mm256_set1_epi32((int)(uint32_t)i), L->iota);
    int sr = L->mode == RMS_ROUND_STOCHASTIC;
    __m256 tt = _mm256_loadu_ps(th), vv = load16bit(v, L->bf);
    __m256 mm = L->cent ? load16bit(m, L->bf) : L->k.zero;
    __m256 bb = L->mom ? load16bit(b, L->bf) : L->k.zero;
    if (L->plain)   /* fused's plain order: the bits of the f32 kernels */
        step8_plain(&tt, &vv, _mm256_loadu_ps(g), &L->k);
    else
        step8_general(&tt, &vv, &mm, &bb, _mm256_loadu_ps(g), c, &L->k);
    _mm256_storeu_ps(th, tt);
    store16bit(v, vv, L->bf, L->mode, sr ? hash8(L->kv, idx) : idx);
    if (L->cent)
        store16bit(m, mm, L->bf, L->mode, sr ? hash8(L->km, idx) : idx);
    if (L->mom)
        store16bit(b, bb, L->bf, L->mode, sr ? hash8(L->kb, idx) : idx);
}

static void step16bit(size_t lo, size_t hi, float *theta, const float *g,
                      rms_state_lp *s, const rms_cfg *c, const lanes *L)
{
    size_t i = lo;
    for (; i + W <= hi; i += W) {
        lp_prefetch(i, hi, theta, g, s);
        vec16bit(i, theta + i, g + i, s->v16 + i, L->cent ? s->m16 + i : NULL,
                 L->mom ? s->buf16 + i : NULL, c, L);
    }
    size_t r = hi - i;
    if (r == 0)
        return;
    lp_pad p;
    lp_pad_in(&p, i, r, theta, g, s, L->cent, L->mom);
    vec16bit(i, p.th, p.g, p.v16, p.m16, p.b16, c, L);
    lp_pad_out(&p, i, r, theta, s, L->cent, L->mom);
}

/* ---- q8 */

/* The block's decode multipliers, as rms_avx512_lp_impl.h's q8_mul: the
 * code's pattern c << 20 is 2^-96 times its E5M3 value (a denormal below
 * code 8), times 2^96 scale in one multiply when that is a float. */
typedef struct q8_mul { __m256 m1, m2; int two; } q8_mul;

static inline q8_mul q8_mul_of(float scale)
{
    q8_mul q;
    q.two = !(scale <= 0x1p31f);
    q.m1 = _mm256_set1_ps(q.two ? 0x1p96f : scale * 0x1p96f);
    q.m2 = _mm256_set1_ps(scale);
    return q;
}

static inline __m256 q8_value8(__m128i codes, const q8_mul *q)
{
    __m256 x = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu8_epi32(codes), 20));
    x = _mm256_mul_ps(x, q->m1);
    return q->two ? _mm256_mul_ps(x, q->m2) : x;
}

/* lp_q8_code on 8 lanes: 8 codes in the low 8 bytes. */
static inline __m128i q8_code8(__m256 v, __m256 inv, rms_rounding mode, __m256i r)
{
    __m256 x = _mm256_mul_ps(v, inv);
    __m256i b = _mm256_castps_si256(x);
    __m256i bias = mode == RMS_ROUND_STOCHASTIC
        ? _mm256_srli_epi32(r, 12)
        : _mm256_add_epi32(_mm256_set1_epi32(0x7ffff),
                           _mm256_and_si256(_mm256_srli_epi32(b, 20), _mm256_set1_epi32(1)));
    __m256i norm = _mm256_sub_epi32(_mm256_srli_epi32(_mm256_add_epi32(b, bias), 20),
                                    _mm256_set1_epi32(768));
    __m256i sub;   /* below 2^-30: nearest by adding 2^-10, as the avx512 body */
    if (mode != RMS_ROUND_STOCHASTIC) {
        const __m256 magic = _mm256_set1_ps(0x1p-10f);
        sub = _mm256_sub_epi32(_mm256_castps_si256(_mm256_add_ps(x, magic)),
                               _mm256_castps_si256(magic));
    } else {
        sub = _mm256_cvttps_epi32(rint8(_mm256_mul_ps(x, _mm256_set1_ps(0x1p33f)), mode, r));
    }
    __m256 big = _mm256_cmp_ps(x, _mm256_set1_ps(0x1p-30f), _CMP_GE_OQ);
    __m256i c = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(sub),
                                                     _mm256_castsi256_ps(norm), big));
    /* codes >= 0: the saturating packs clamp at 255 (lp_q8_code's clamp) */
    __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(c), _mm256_extracti128_si256(c, 1));
    return _mm_packus_epi16(w, w);
}

static inline __m256 vec_q8_update(float *th, const float *g, const uint8_t *q,
                                   float *m, float *b, const q8_mul *scale, float *nv,
                                   const rms_cfg *c, const lanes *L)
{
    __m256 tt = _mm256_loadu_ps(th);
    __m256 vv = q8_value8(_mm_loadl_epi64((const __m128i *)q), scale);
    __m256 mm = L->cent ? _mm256_loadu_ps(m) : L->k.zero;
    __m256 bb = L->mom ? _mm256_loadu_ps(b) : L->k.zero;
    if (L->plain)   /* fused's plain order: the bits of the f32 kernels */
        step8_plain(&tt, &vv, _mm256_loadu_ps(g), &L->k);
    else
        step8_general(&tt, &vv, &mm, &bb, _mm256_loadu_ps(g), c, &L->k);
    _mm256_storeu_ps(th, tt);
    if (L->cent)
        _mm256_storeu_ps(m, mm);
    if (L->mom)
        _mm256_storeu_ps(b, bb);
    vv = _mm256_min_ps(vv, _mm256_set1_ps(FLT_MAX));   /* NaN -> FLT_MAX: lp_q8_clamp */
    _mm256_storeu_ps(nv, vv);
    return vv;
}

static void block_q8(size_t b0, size_t len, float *theta, const float *g,
                     rms_state_lp *s, float *scale_p, const rms_cfg *c, const lanes *L)
{
    float nv[RMS_LP_BLOCK_MAX + W];
    const q8_mul qm = q8_mul_of(*scale_p), *scale = &qm;
    __m256 vmax = L->k.zero;
    size_t j = 0;
    for (; j + W <= len; j += W) {
        size_t i = b0 + j;
        vmax = _mm256_max_ps(vmax, vec_q8_update(theta + i, g + i, s->q + i,
                                                 L->cent ? s->m + i : NULL,
                                                 L->mom ? s->buf + i : NULL, scale, nv + j, c, L));
    }
    size_t r = len - j;
    if (r) {
        size_t i = b0 + j;
        lp_pad p;
        lp_pad_in(&p, i, r, theta, g, s, L->cent, L->mom);
        vec_q8_update(p.th, p.g, p.q, p.m, p.b, scale, nv + j, c, L);
        for (size_t k = 0; k < r; k++)
            vmax = _mm256_max_ps(vmax, _mm256_set1_ps(nv[j + k]));
        lp_pad_out(&p, i, r, theta, s, L->cent, L->mom);
    }
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(vmax), _mm256_extractf128_ps(vmax, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_shuffle_ps(m4, m4, 1));
    int ks = lp_q8_exponent(_mm_cvtss_f32(m4));
    *scale_p = lp_pow2(ks);
    __m256 inv = _mm256_set1_ps(lp_pow2(-ks));
    int sr = L->mode == RMS_ROUND_STOCHASTIC;
    for (j = 0; j < len; j += W) {
        lp_prefetch(b0 + j, s->n, theta, g, s);   /* this pass loads nothing */
        __m256i idx = _mm256_add_epi32(_mm256_set1_epi32((int)(uint32_t)(b0 + j)), L->iota);
        __m128i codes = q8_code8(_mm256_loadu_ps(nv + j), inv, L->mode,
                                 sr ? hash8(L->kv, idx) : idx);
        if (j + W <= len) {
            _mm_storel_epi64((__m128i *)(s->q + b0 + j), codes);
        } else {
            uint8_t qq[16];
            _mm_storeu_si128((__m128i *)qq, codes);
            memcpy(s->q + b0 + j, qq, len - j);
        }
    }
}

void LP_STEP_NAME(size_t lo, size_t hi, float *theta, const float *g,
                      rms_state_lp *s, const rms_cfg *c, long t)
{
    lanes L;
    L.k = coef8_of(c);
    L.iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    L.kv = lp_key_of(s->o.seed, t, 0);
    L.km = lp_key_of(s->o.seed, t, 1);
    L.kb = lp_key_of(s->o.seed, t, 2);
    L.mode = s->o.rounding;
    L.bf = s->o.type == RMS_STATE_BF16;
    L.cent = c->centered != 0;
    L.mom = c->momentum > 0.0;
    L.plain = rms_cfg_is_plain(c);
    if (s->o.type != RMS_STATE_Q8) {
        step16bit(lo, hi, theta, g, s, c, &L);
        return;
    }
    const size_t B = s->o.block;
    for (size_t b0 = lo; b0 < hi; b0 += B)
        block_q8(b0, (hi - b0 < B ? hi : b0 + B) - b0, theta, g, s, &s->scale[b0 / B], c, &L);
}
