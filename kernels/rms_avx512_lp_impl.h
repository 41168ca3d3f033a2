/* rms_avx512_lp_impl.h -- the body of the low-precision state step,
 * AVX-512F, 16 lanes; included by rms_avx512_lp.c (exact quotient) and
 * rms_avx512_fast.c (its rsqrt + Newton quotient), which name the step
 * LP_STEP_NAME.  Not a header of an API.  The operations of rms_lp_ref.c /
 * rms_lp_bits.h lane by lane in the same order (no FMA in v, m), so v and
 * its stored bits are the reference's; theta too with the exact quotient
 * (step16_plain/general of rms_avx512_step.h), within the fast kernels' bound
 * with theirs.  bf16 by integer shifts and adds on the fp32 pattern; f16
 * through the grid rounding then vcvtps2ph (exact on a grid value) and
 * vcvtph2ps; q8 codes by E5M3 bit arithmetic.  A tail shorter than a vector
 * goes through a zero-padded copy on the stack, keeping its global indices. */
#include <immintrin.h>
#include <string.h>
#include "rms_avx512_step.h"
#include "rms_lp.h"
#include "rms_lp_bits.h"
#include "rms_lp_tail.h"

#ifndef W
#define W 16
#endif

typedef struct lanes {
    coef16 k;
    __m512i iota;
    lp_key kv, km, kb;
    rms_rounding mode;
    int bf, cent, mom, plain;
} lanes;

static inline __m512i mix16(__m512i x)
{
    x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 16));
    x = _mm512_mullo_epi32(x, _mm512_set1_epi32(0x7feb352d));
    x = _mm512_xor_si512(x, _mm512_srli_epi32(x, 15));
    x = _mm512_mullo_epi32(x, _mm512_set1_epi32((int)0x846ca68bu));
    return _mm512_xor_si512(x, _mm512_srli_epi32(x, 16));
}

/* lp_hash for the 16 indices i .. i+15 */
static inline __m512i hash16(lp_key k, __m512i idx)
{
    __m512i x = mix16(_mm512_xor_si512(idx, _mm512_set1_epi32((int)k.k1)));
    return mix16(_mm512_add_epi32(x, _mm512_set1_epi32((int)k.k2)));
}

static inline __m512 pow2_16(__m512i e)
{
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(e, _mm512_set1_epi32(127)), 23));
}

/* lp_rint: q rounded to an integer, to nearest or stochastically. */
static inline __m512 rint16(__m512 q, rms_rounding mode, __m512i r)
{
    if (mode != RMS_ROUND_STOCHASTIC)
        return _mm512_roundscale_ps(q, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 fl = _mm512_roundscale_ps(q, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    __m512 u = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(r, 8)),
                             _mm512_set1_ps(0x1p-24f));
    __mmask16 up = _mm512_cmp_ps_mask(u, _mm512_sub_ps(q, fl), _CMP_LT_OQ);
    return _mm512_mask_add_ps(fl, up, fl, _mm512_set1_ps(1.0f));
}

/* lp_grid on 16 lanes (a >= 0). */
static inline __m512 grid16(__m512 a, int p, int emin, rms_rounding mode, __m512i r)
{
    __m512i e = _mm512_sub_epi32(_mm512_srli_epi32(_mm512_castps_si512(a), 23),
                                 _mm512_set1_epi32(127));
    e = _mm512_max_epi32(e, _mm512_set1_epi32(emin));
    __m512 q = _mm512_mul_ps(a, pow2_16(_mm512_sub_epi32(_mm512_set1_epi32(p), e)));
    __m512 y;
    y = rint16(q, mode, r);
    return _mm512_mul_ps(y, pow2_16(_mm512_sub_epi32(e, _mm512_set1_epi32(p))));
}

static inline __m512 load16bit(const uint16_t *p, int bf)
{
    __m256i h = _mm256_loadu_si256((const __m256i *)p);
    if (bf)
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    return _mm512_cvtph_ps(h);
}

static inline void store16bit(uint16_t *p, __m512 x, int bf, rms_rounding mode, __m512i r)
{
    __m512i b = _mm512_castps_si512(x);
    const __m512i absmask = _mm512_set1_epi32(0x7fffffff);
    if (bf) {
        __m512i bias = mode == RMS_ROUND_STOCHASTIC
            ? _mm512_srli_epi32(r, 16)
            : _mm512_add_epi32(_mm512_set1_epi32(0x7fff),
                               _mm512_and_si512(_mm512_srli_epi32(b, 16), _mm512_set1_epi32(1)));
        __mmask16 nan = _mm512_cmpgt_epi32_mask(_mm512_and_si512(b, absmask),
                                                _mm512_set1_epi32(0x7f800000));
        __m512i h = _mm512_srli_epi32(_mm512_add_epi32(b, bias), 16);
        h = _mm512_mask_or_epi32(h, nan, _mm512_srli_epi32(b, 16), _mm512_set1_epi32(0x40));
        _mm256_storeu_si256((__m256i *)p, _mm512_cvtepi32_epi16(h));
        return;
    }
    __m512i sign = _mm512_andnot_si512(absmask, b);
    __m512 y = grid16(_mm512_castsi512_ps(_mm512_and_si512(b, absmask)), 10, -14, mode, r);
    y = _mm512_castsi512_ps(_mm512_or_si512(_mm512_castps_si512(y), sign));
    _mm256_storeu_si256((__m256i *)p, _mm512_cvtps_ph(y, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

/* 16 elements at global index i of 16-bit state (pointers at element i). */
static inline void vec16bit(size_t i, float *th, const float *g, uint16_t *v,
                            uint16_t *m, uint16_t *b, const rms_cfg *c, const lanes *L)
{
    __m512i idx = _mm512_add_epi32(_mm512_set1_epi32((int)(uint32_t)i), L->iota);
    int sr = L->mode == RMS_ROUND_STOCHASTIC;
    __m512 tt = _mm512_loadu_ps(th), vv = load16bit(v, L->bf);
    __m512 mm = L->cent ? load16bit(m, L->bf) : L->k.zero;
    __m512 bb = L->mom ? load16bit(b, L->bf) : L->k.zero;
    if (L->plain)   /* fused's plain order: the bits of the f32 kernels */
        step16_plain(&tt, &vv, _mm512_loadu_ps(g), &L->k);
    else
        step16_general(&tt, &vv, &mm, &bb, _mm512_loadu_ps(g), c, &L->k);
    _mm512_storeu_ps(th, tt);
    store16bit(v, vv, L->bf, L->mode, sr ? hash16(L->kv, idx) : idx);
    if (L->cent)
        store16bit(m, mm, L->bf, L->mode, sr ? hash16(L->km, idx) : idx);
    if (L->mom)
        store16bit(b, bb, L->bf, L->mode, sr ? hash16(L->kb, idx) : idx);
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

/* The block's decode multipliers: a code c read as the fp32 pattern c << 20
 * is 2^((c>>3)-127) (1 + (c&7)/8) for c >= 8 and the denormal c 2^-129
 * below, exactly 2^-96 times E5M3's value (lp_q8_value) either way, so the
 * value is that pattern times 2^96 times the scale: one exact product and
 * one rounding, as the reference's x * 2^ks.  When 2^96 scale is a float
 * (scale <= 2^31) that is one multiply (m2 = 1 is then not applied). */
typedef struct q8_mul { __m512 m1, m2; int two; } q8_mul;

static inline q8_mul q8_mul_of(float scale)
{
    q8_mul q;
    q.two = !(scale <= 0x1p31f);
    q.m1 = _mm512_set1_ps(q.two ? 0x1p96f : scale * 0x1p96f);
    q.m2 = _mm512_set1_ps(scale);
    return q;
}

static inline __m512 q8_value16(__m128i codes, const q8_mul *q)
{
    __m512 x = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu8_epi32(codes), 20));
    x = _mm512_mul_ps(x, q->m1);
    return q->two ? _mm512_mul_ps(x, q->m2) : x;
}

/* lp_q8_code on 16 lanes.  Below 2^-30, nearest rounds x / 2^-33 by adding 2^-10 (whose ulp is
 * 2^-33: the sum is 2^-10 + rint(x / 2^-33) 2^-33, ties to even) and
 * taking the pattern's difference; stochastic as lp_rint. */
static inline __m128i q8_code16(__m512 v, __m512 inv, rms_rounding mode, __m512i r)
{
    __m512 x = _mm512_mul_ps(v, inv);
    __m512i b = _mm512_castps_si512(x);
    __m512i bias = mode == RMS_ROUND_STOCHASTIC
        ? _mm512_srli_epi32(r, 12)
        : _mm512_add_epi32(_mm512_set1_epi32(0x7ffff),
                           _mm512_and_si512(_mm512_srli_epi32(b, 20), _mm512_set1_epi32(1)));
    __m512i norm = _mm512_sub_epi32(_mm512_srli_epi32(_mm512_add_epi32(b, bias), 20),
                                    _mm512_set1_epi32(768));
    __m512i sub;
    if (mode != RMS_ROUND_STOCHASTIC) {
        const __m512 magic = _mm512_set1_ps(0x1p-10f);
        sub = _mm512_sub_epi32(_mm512_castps_si512(_mm512_add_ps(x, magic)),
                               _mm512_castps_si512(magic));
    } else {
        sub = _mm512_cvttps_epi32(rint16(_mm512_mul_ps(x, _mm512_set1_ps(0x1p33f)), mode, r));
    }
    __mmask16 big = _mm512_cmp_ps_mask(x, _mm512_set1_ps(0x1p-30f), _CMP_GE_OQ);
    /* codes >= 0; vpmovusdb saturates at 255 (lp_q8_code's clamp) */
    return _mm512_cvtusepi32_epi8(_mm512_mask_blend_epi32(big, sub, norm));
}

/* 16 elements: update from codes under `scale`; new clamped v into nv. */
static inline __m512 vec_q8_update(size_t i, float *th, const float *g, const uint8_t *q,
                                   float *m, float *b, const q8_mul *scale, float *nv,
                                   const rms_cfg *c, const lanes *L)
{
    (void)i;
    __m512 tt = _mm512_loadu_ps(th);
    __m512 vv = q8_value16(_mm_loadu_si128((const __m128i *)q), scale);
    __m512 mm = L->cent ? _mm512_loadu_ps(m) : L->k.zero;
    __m512 bb = L->mom ? _mm512_loadu_ps(b) : L->k.zero;
    if (L->plain)   /* fused's plain order: the bits of the f32 kernels */
        step16_plain(&tt, &vv, _mm512_loadu_ps(g), &L->k);
    else
        step16_general(&tt, &vv, &mm, &bb, _mm512_loadu_ps(g), c, &L->k);
    _mm512_storeu_ps(th, tt);
    if (L->cent)
        _mm512_storeu_ps(m, mm);
    if (L->mom)
        _mm512_storeu_ps(b, bb);
    /* vminps returns its second operand when the first is NaN: lp_q8_clamp */
    vv = _mm512_min_ps(vv, _mm512_set1_ps(FLT_MAX));
    _mm512_storeu_ps(nv, vv);
    return vv;
}

/* A block of len <= RMS_LP_BLOCK_MAX elements at b0; len % W may be non-zero
 * only for the last block of the array (a padded copy for its tail). */
static void block_q8(size_t b0, size_t len, float *theta, const float *g,
                     rms_state_lp *s, float *scale_p, const rms_cfg *c, const lanes *L)
{
    float nv[RMS_LP_BLOCK_MAX + W];
    const q8_mul qm = q8_mul_of(*scale_p), *scale = &qm;
    __m512 vmax = L->k.zero;
    size_t j = 0;
    for (; j + W <= len; j += W) {
        size_t i = b0 + j;
        vmax = _mm512_max_ps(vmax, vec_q8_update(i, theta + i, g + i, s->q + i,
                                                 L->cent ? s->m + i : NULL,
                                                 L->mom ? s->buf + i : NULL, scale, nv + j, c, L));
    }
    size_t r = len - j;
    if (r) {
        size_t i = b0 + j;
        lp_pad p;
        lp_pad_in(&p, i, r, theta, g, s, L->cent, L->mom);
        __m512 v = vec_q8_update(i, p.th, p.g, p.q, p.m, p.b, scale, nv + j, c, L);
        vmax = _mm512_max_ps(vmax, _mm512_maskz_mov_ps((__mmask16)((1u << r) - 1u), v));
        lp_pad_out(&p, i, r, theta, s, L->cent, L->mom);
    }
    int ks = lp_q8_exponent(_mm512_reduce_max_ps(vmax));
    *scale_p = lp_pow2(ks);
    __m512 inv = _mm512_set1_ps(lp_pow2(-ks));
    int sr = L->mode == RMS_ROUND_STOCHASTIC;
    for (j = 0; j < len; j += W) {
        lp_prefetch(b0 + j, s->n, theta, g, s);   /* this pass loads nothing */
        __m512i idx = _mm512_add_epi32(_mm512_set1_epi32((int)(uint32_t)(b0 + j)), L->iota);
        __m128i codes = q8_code16(_mm512_loadu_ps(nv + j), inv, L->mode,
                                  sr ? hash16(L->kv, idx) : idx);
        if (j + W <= len) {
            _mm_storeu_si128((__m128i *)(s->q + b0 + j), codes);
        } else {
            uint8_t qq[W];
            _mm_storeu_si128((__m128i *)qq, codes);
            memcpy(s->q + b0 + j, qq, len - j);
        }
    }
}

void LP_STEP_NAME(size_t lo, size_t hi, float *theta, const float *g,
                        rms_state_lp *s, const rms_cfg *c, long t)
{
    lanes L;
    L.k = coef16_of(c);
    L.iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
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
