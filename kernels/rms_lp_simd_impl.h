/* rms_lp_simd_impl.h -- the body of the SIMD low-precision state step,
 * written once over the width macros and helpers that rms_avx512_lp_impl.h
 * (16 lanes) and rms_avx2_lp_impl.h (8 lanes) define; they are included by
 * the exact kernels (rms_*_lp.c) and by rms_avx512_fast.c (its quotient),
 * which name the step LP_STEP_NAME.  Not a header of an API.
 *
 * The operations of rms_lp_ref.c / rms_lp_bits.h lane by lane in the same
 * order (no FMA in v, m), so v and its stored bits are the reference's;
 * theta too with the exact quotient, within the fast kernels' bound with
 * theirs.  bf16 by integer shifts and adds on the fp32 pattern; f16 through
 * the grid rounding then the hardware conversion (exact on a grid value);
 * q8 codes by E5M3 bit arithmetic.  A tail shorter than a vector goes
 * through a zero-padded copy on the stack, keeping its global indices.
 *
 * Speed (docs/lowprec.md, Performance): the plain rule, the hot case, runs
 * a loop of its own per state format and rounding (constant arguments of
 * always-inline bodies, so no per-vector option tests), 32 elements per
 * iteration (one 64-byte line of 16-bit state, two of theta and g) with the
 * software prefetch of rms_prefetch.h once per line of every stream, the
 * narrower streams the same elements ahead as theta.  Every other option
 * takes the general loop, with its tests per vector.
 *
 * The including file defines:
 *   W, VT, VI          floats per vector, the float and int vector types
 *   COEF, COEF_OF, STEP_PLAIN, STEP_GENERAL   the fp32 step of its width
 *                      (rms_avx512_step.h / rms_avx2_step.h)
 *   F_SET1, F_LOADU, F_STOREU, F_ADD, F_SUB, F_MUL, F_MIN, F_MAX,
 *   F_CVTI (int to float), F_CVTTI (float to int, truncating),
 *   F_TOI, I_TOF (pattern casts), I_SET1, I_ADD, I_SUB, I_AND, I_ANDNOT,
 *   I_OR, I_XOR, I_SRLI, I_SLLI, I_MULLO, I_MAX (32-bit lanes)
 *   W_IOTA(), W_ROUND_NEAREST(q), W_FLOOR(q), W_ADD_ONE_IF_LT(fl, u, d),
 *   W_PICK_GT(x, lim, a, b) (int compare), W_PICK_GE(x, lim, a, b) (float),
 *   W_LOAD_U16, W_STORE_U16, W_LOAD_F16, W_STORE_F16, W_LOAD_U8,
 *   W_PACK_U8 (codes to bytes, saturating), W_STORE_U8, W_HMAX
 *   LP_STEP_NAME       the exported step (from the .c file) */
#include <string.h>
#include "rms_lp.h"
#include "rms_lp_bits.h"
#include "rms_lp_tail.h"
#include "rms_prefetch.h"

#define LP_ALWAYS static inline __attribute__((always_inline))
#define LP_GROUP 32   /* elements per plain iteration: a line of 16-bit state */
/* bytes ahead of a 16-bit / 8-bit stream: the elements RMS_PREFETCH_AHEAD
 * bytes of theta are ahead */
#define LP_AHEAD16 (RMS_PREFETCH_AHEAD / 2)
#define LP_AHEAD8 (RMS_PREFETCH_AHEAD / 4)

typedef struct lanes {
    COEF k;
    VI iota;
    lp_key kv, km, kb;
    rms_rounding mode;
    int bf, cent, mom, plain;
} lanes;

LP_ALWAYS VI simd_mix(VI x)
{
    x = I_XOR(x, I_SRLI(x, 16));
    x = I_MULLO(x, I_SET1(0x7feb352d));
    x = I_XOR(x, I_SRLI(x, 15));
    x = I_MULLO(x, I_SET1((int)0x846ca68bu));
    return I_XOR(x, I_SRLI(x, 16));
}

/* lp_hash for the W indices in idx */
LP_ALWAYS VI simd_hash(lp_key k, VI idx)
{
    VI x = simd_mix(I_XOR(idx, I_SET1((int)k.k1)));
    return simd_mix(I_ADD(x, I_SET1((int)k.k2)));
}

LP_ALWAYS VI simd_index(size_t i, const lanes *L)
{
    return I_ADD(I_SET1((int)(uint32_t)i), L->iota);
}

LP_ALWAYS VT simd_pow2(VI e)
{
    return I_TOF(I_SLLI(I_ADD(e, I_SET1(127)), 23));
}

/* lp_rint: q rounded to an integer, to nearest or stochastically. */
LP_ALWAYS VT simd_rint(VT q, rms_rounding mode, VI r)
{
    if (mode != RMS_ROUND_STOCHASTIC)
        return W_ROUND_NEAREST(q);
    VT fl = W_FLOOR(q);
    VT u = F_MUL(F_CVTI(I_SRLI(r, 8)), F_SET1(0x1p-24f));
    return W_ADD_ONE_IF_LT(fl, u, F_SUB(q, fl));
}

/* lp_grid (a >= 0). */
LP_ALWAYS VT simd_grid(VT a, int p, int emin, rms_rounding mode, VI r)
{
    VI e = I_SUB(I_SRLI(F_TOI(a), 23), I_SET1(127));
    e = I_MAX(e, I_SET1(emin));
    VT q = F_MUL(a, simd_pow2(I_SUB(I_SET1(p), e)));
    return F_MUL(simd_rint(q, mode, r), simd_pow2(I_SUB(e, I_SET1(p))));
}

LP_ALWAYS VT load16bit(const uint16_t *p, int bf)
{
    return bf ? I_TOF(I_SLLI(W_LOAD_U16(p), 16)) : W_LOAD_F16(p);
}

/* x rounded to bf16 or f16 into p; r: the random words (stochastic). */
LP_ALWAYS void store16bit(uint16_t *p, VT x, int bf, rms_rounding mode, VI r)
{
    VI b = F_TOI(x);
    const VI absmask = I_SET1(0x7fffffff);
    if (bf) {
        VI bias = mode == RMS_ROUND_STOCHASTIC
            ? I_SRLI(r, 16)
            : I_ADD(I_SET1(0x7fff), I_AND(I_SRLI(b, 16), I_SET1(1)));
        VI h = I_SRLI(I_ADD(b, bias), 16);
        /* a NaN stays a quiet NaN */
        h = W_PICK_GT(I_AND(b, absmask), I_SET1(0x7f800000), h,
                      I_OR(I_SRLI(b, 16), I_SET1(0x40)));
        W_STORE_U16(p, h);
        return;
    }
    VI sign = I_ANDNOT(absmask, b);
    VT y = simd_grid(I_TOF(I_AND(b, absmask)), 10, -14, mode, r);
    W_STORE_F16(p, I_TOF(I_OR(F_TOI(y), sign)));
}

/* W elements at global index i of 16-bit state, any option (pointers at
 * element i). */
static inline void vec16bit(size_t i, float *th, const float *g, uint16_t *v,
                            uint16_t *m, uint16_t *b, const rms_cfg *c, const lanes *L)
{
    VI idx = simd_index(i, L);
    int sr = L->mode == RMS_ROUND_STOCHASTIC;
    VT tt = F_LOADU(th), vv = load16bit(v, L->bf);
    VT mm = L->cent ? load16bit(m, L->bf) : L->k.zero;
    VT bb = L->mom ? load16bit(b, L->bf) : L->k.zero;
    if (L->plain)
        STEP_PLAIN(&tt, &vv, F_LOADU(g), &L->k);
    else
        STEP_GENERAL(&tt, &vv, &mm, &bb, F_LOADU(g), c, &L->k);
    F_STOREU(th, tt);
    store16bit(v, vv, L->bf, L->mode, sr ? simd_hash(L->kv, idx) : idx);
    if (L->cent)
        store16bit(m, mm, L->bf, L->mode, sr ? simd_hash(L->km, idx) : idx);
    if (L->mom)
        store16bit(b, bb, L->bf, L->mode, sr ? simd_hash(L->kb, idx) : idx);
}

/* The hints of the group at i: its two lines of theta and of g, its line
 * of 16-bit v (m16, buf16 are the general loop's own). */
LP_ALWAYS void prefetch_group(size_t i, const float *theta, const float *g, const uint16_t *v)
{
    rms_prefetch(theta + i);
    rms_prefetch(theta + i + 16);
    rms_prefetch(g + i);
    rms_prefetch(g + i + 16);
    rms_prefetch_ahead(v + i, LP_AHEAD16);
}

/* The plain rule on [i, end) in whole groups, for one format (bf) and
 * rounding (sr), both constants where it is called: fused's plain order,
 * the bits of the f32 kernels.  Returns where it stopped. */
LP_ALWAYS size_t plain16(size_t i, size_t end, float *theta, const float *g, uint16_t *v,
                         const lanes *L, int bf, int sr)
{
    const rms_rounding mode = sr ? RMS_ROUND_STOCHASTIC : RMS_ROUND_NEAREST;
    for (; i + LP_GROUP <= end; i += LP_GROUP) {
        prefetch_group(i, theta, g, v);
        for (size_t u = i; u < i + LP_GROUP; u += W) {
            VT tt = F_LOADU(theta + u), vv = load16bit(v + u, bf);
            STEP_PLAIN(&tt, &vv, F_LOADU(g + u), &L->k);
            F_STOREU(theta + u, tt);
            VI idx = simd_index(u, L);
            store16bit(v + u, vv, bf, mode, sr ? simd_hash(L->kv, idx) : idx);
        }
    }
    return i;
}

static void step16bit(size_t lo, size_t hi, float *theta, const float *g,
                      rms_state_lp *s, const rms_cfg *c, const lanes *L)
{
    size_t i = lo;
    const int sr = L->mode == RMS_ROUND_STOCHASTIC;
    if (L->plain) {
        if (L->bf)
            i = sr ? plain16(i, hi, theta, g, s->v16, L, 1, 1)
                   : plain16(i, hi, theta, g, s->v16, L, 1, 0);
        else
            i = sr ? plain16(i, hi, theta, g, s->v16, L, 0, 1)
                   : plain16(i, hi, theta, g, s->v16, L, 0, 0);
    } else {
        for (; i + LP_GROUP <= hi; i += LP_GROUP) {
            prefetch_group(i, theta, g, s->v16);
            if (L->cent)
                rms_prefetch_ahead(s->m16 + i, LP_AHEAD16);
            if (L->mom)
                rms_prefetch_ahead(s->buf16 + i, LP_AHEAD16);
            for (size_t u = i; u < i + LP_GROUP; u += W)
                vec16bit(u, theta + u, g + u, s->v16 + u, L->cent ? s->m16 + u : NULL,
                         L->mom ? s->buf16 + u : NULL, c, L);
        }
    }
    for (; i + W <= hi; i += W)
        vec16bit(i, theta + i, g + i, s->v16 + i, L->cent ? s->m16 + i : NULL,
                 L->mom ? s->buf16 + i : NULL, c, L);
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
typedef struct q8_mul { VT m1, m2; int two; } q8_mul;

static inline q8_mul q8_mul_of(float scale)
{
    q8_mul q;
    q.two = !(scale <= 0x1p31f);
    q.m1 = F_SET1(q.two ? 0x1p96f : scale * 0x1p96f);
    q.m2 = F_SET1(scale);
    return q;
}

LP_ALWAYS VT q8_value(const uint8_t *p, const q8_mul *q)
{
    VT x = I_TOF(I_SLLI(W_LOAD_U8(p), 20));
    x = F_MUL(x, q->m1);
    return q->two ? F_MUL(x, q->m2) : x;
}

/* lp_q8_code on W lanes, the codes in the low W bytes.  Below 2^-30,
 * nearest rounds x / 2^-33 by adding 2^-10 (whose ulp is 2^-33: the sum is
 * 2^-10 + rint(x / 2^-33) 2^-33, ties to even) and taking the pattern's
 * difference; stochastic as lp_rint.  Codes are >= 0; the saturating
 * narrowing clamps them at 255 (lp_q8_code's clamp). */
LP_ALWAYS __m128i q8_code(VT v, VT inv, rms_rounding mode, VI r)
{
    VT x = F_MUL(v, inv);
    VI b = F_TOI(x);
    /* ((b + bias) >> 20) - 768 as (b - (768 << 20) + bias) >> 20: equal where
     * x >= 2^-30 (b >= 0x30800000, so nothing wraps), the only lanes kept */
    VI bm = I_ADD(b, I_SET1(mode == RMS_ROUND_STOCHASTIC ? -(768 << 20) : 0x7ffff - (768 << 20)));
    VI norm = mode == RMS_ROUND_STOCHASTIC
        ? I_SRLI(I_ADD(bm, I_SRLI(r, 12)), 20)
        : I_SRLI(I_ADD(bm, I_AND(I_SRLI(b, 20), I_SET1(1))), 20);
    VI sub;
    if (mode != RMS_ROUND_STOCHASTIC) {
        const VT magic = F_SET1(0x1p-10f);
        sub = I_SUB(F_TOI(F_ADD(x, magic)), F_TOI(magic));
    } else {
        sub = F_CVTTI(simd_rint(F_MUL(x, F_SET1(0x1p33f)), mode, r));
    }
    return W_PACK_U8(W_PICK_GE(x, F_SET1(0x1p-30f), sub, norm));
}

/* W elements: update from codes under `scale`; the new clamped v into nv. */
LP_ALWAYS VT vec_q8_update(float *th, const float *g, const uint8_t *q, float *m, float *b,
                           const q8_mul *scale, float *nv, const rms_cfg *c, const lanes *L,
                           int plain)
{
    VT tt = F_LOADU(th);
    VT vv = q8_value(q, scale);
    if (plain) {   /* fused's plain order: the bits of the f32 kernels */
        STEP_PLAIN(&tt, &vv, F_LOADU(g), &L->k);
    } else {
        VT mm = L->cent ? F_LOADU(m) : L->k.zero;
        VT bb = L->mom ? F_LOADU(b) : L->k.zero;
        STEP_GENERAL(&tt, &vv, &mm, &bb, F_LOADU(g), c, &L->k);
        if (L->cent)
            F_STOREU(m, mm);
        if (L->mom)
            F_STOREU(b, bb);
    }
    F_STOREU(th, tt);
    /* vminps returns its second operand when the first is NaN: lp_q8_clamp */
    vv = F_MIN(vv, F_SET1(FLT_MAX));
    F_STOREU(nv, vv);
    return vv;
}

/* A block whose new fp32 v is known (pass 1 done) and whose codes are not
 * yet written: its start, length, new v (on the stack) and 1 / new scale. */
typedef struct q8_pending { size_t b0, len; const float *nv; VT inv; } q8_pending;

/* Encode vectors [j, j1) of a pending block (j, j1 multiples of W, j1 <=
 * its length rounded down to W). */
LP_ALWAYS void encode_q8(const q8_pending *p, size_t j, size_t j1, uint8_t *q,
                         const lanes *L, int sr)
{
    const rms_rounding mode = sr ? RMS_ROUND_STOCHASTIC : RMS_ROUND_NEAREST;
    for (; j < j1; j += W) {
        VI idx = simd_index(p->b0 + j, L);
        W_STORE_U8(q + p->b0 + j, q8_code(F_LOADU(p->nv + j), p->inv, mode,
                                          sr ? simd_hash(L->kv, idx) : idx));
    }
}

/* The rest of a pending block from vector j on, with its partial last vector. */
LP_ALWAYS void encode_q8_rest(const q8_pending *p, size_t j, uint8_t *q, const lanes *L,
                              int sr)
{
    const size_t whole = p->len / W * W;
    encode_q8(p, j < whole ? j : whole, whole, q, L, sr);
    if (whole < p->len) {
        VI idx = simd_index(p->b0 + whole, L);
        uint8_t qq[16];
        _mm_storeu_si128((__m128i *)qq, q8_code(F_LOADU(p->nv + whole), p->inv,
                                                sr ? RMS_ROUND_STOCHASTIC : RMS_ROUND_NEAREST,
                                                sr ? simd_hash(L->kv, idx) : idx));
        memcpy(q + p->b0 + whole, qq, p->len - whole);
    }
}

/* Pass 1 of a block of len <= RMS_LP_BLOCK_MAX elements at b0 (len % 16 may
 * be non-zero only for the last block of the array: a padded copy for its
 * tail): update theta (and m, buf) from the codes under the block's old
 * scale, keep the new fp32 v in nv and set the block's new scale.  Pass 2
 * (the encoding, which reads only nv) needs the whole block's maximum, so
 * it cannot follow element by element; done after pass 1 it would leave the
 * divider idle (pass 1 is bound by vsqrtps + vdivps, pass 2 by integer
 * work).  So pass 2 of the previous block (prev, if any) is interleaved
 * here, 16 elements per 16 of this block: both kinds of work are in flight
 * together.  plain and sr are constants where called. */
LP_ALWAYS void block_q8(size_t b0, size_t len, float *theta, const float *g,
                        rms_state_lp *s, float *scale_p, float *nv, const q8_pending *prev,
                        const rms_cfg *c, const lanes *L, int plain, int sr)
{
    const q8_mul qm = q8_mul_of(*scale_p), *scale = &qm;
    const size_t pw = prev ? prev->len / W * W : 0;   /* prev's whole vectors */
    for (size_t o = 0; o < len; o += 64)   /* the block's codes, once per line */
        rms_prefetch_ahead(s->q + b0 + o, LP_AHEAD8);
    VT vmax = L->k.zero;
    size_t j = 0;
    for (; j + 16 <= len; j += 16) {   /* a line of theta and g */
        size_t i = b0 + j;
        rms_prefetch(theta + i);
        rms_prefetch(g + i);
        if (!plain && L->cent)
            rms_prefetch(s->m + i);
        if (!plain && L->mom)
            rms_prefetch(s->buf + i);
        for (size_t u = i; u < i + 16; u += W)
            vmax = F_MAX(vmax, vec_q8_update(theta + u, g + u, s->q + u,
                                             L->cent ? s->m + u : NULL,
                                             L->mom ? s->buf + u : NULL, scale,
                                             nv + (u - b0), c, L, plain));
        if (j + 16 <= pw)
            encode_q8(prev, j, j + 16, s->q, L, sr);
    }
    for (; j < len; j += W) {   /* the array's last block: whole vectors, then a pad */
        size_t i = b0 + j, r = len - j < W ? len - j : W;
        lp_pad p;
        float *th = theta + i, *m = L->cent ? s->m + i : NULL, *b = L->mom ? s->buf + i : NULL;
        const float *gg = g + i;
        const uint8_t *q = s->q + i;
        if (r < W) {
            lp_pad_in(&p, i, r, theta, g, s, L->cent, L->mom);
            th = p.th, gg = p.g, q = p.q, m = p.m, b = p.b;
        }
        /* a pad's lanes past r have g = v = 0, so their new v is 0: no
         * effect on the maximum of v >= 0 */
        vmax = F_MAX(vmax, vec_q8_update(th, gg, q, m, b, scale, nv + j, c, L, plain));
        if (r < W)
            lp_pad_out(&p, i, r, theta, s, L->cent, L->mom);
    }
    if (prev)   /* what the interleave left of prev (this block is shorter, or odd) */
        encode_q8_rest(prev, len / 16 * 16 < pw ? len / 16 * 16 : pw, s->q, L, sr);
    int ks = lp_q8_exponent(W_HMAX(vmax));
    *scale_p = lp_pow2(ks);
}

/* The blocks of [lo, hi), for one rule (plain) and rounding (sr): pass 1 of
 * each block with pass 2 of the one before, then pass 2 of the last. */
LP_ALWAYS void blocks_q8(size_t lo, size_t hi, float *theta, const float *g,
                         rms_state_lp *s, const rms_cfg *c, const lanes *L, int plain, int sr)
{
    const size_t B = s->o.block;
    float nv[2][RMS_LP_BLOCK_MAX + W];   /* this block's new v and the previous one's */
    q8_pending pend;
    int have = 0, cur = 0;
    for (size_t b0 = lo; b0 < hi; b0 += B, cur ^= 1) {
        size_t len = (hi - b0 < B ? hi : b0 + B) - b0;
        float *scale_p = &s->scale[b0 / B];
        block_q8(b0, len, theta, g, s, scale_p, nv[cur], have ? &pend : NULL, c, L, plain, sr);
        pend.b0 = b0;
        pend.len = len;
        pend.nv = nv[cur];
        pend.inv = F_SET1(1.0f / *scale_p);   /* exact: a power of two in [2^-126, 2^126] */
        have = 1;
    }
    if (have)
        encode_q8_rest(&pend, 0, s->q, L, sr);
}

void LP_STEP_NAME(size_t lo, size_t hi, float *theta, const float *g,
                  rms_state_lp *s, const rms_cfg *c, long t)
{
    lanes L;
    L.k = COEF_OF(c);
    L.iota = W_IOTA();
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
    const int sr = L.mode == RMS_ROUND_STOCHASTIC;
    if (L.plain && sr)
        blocks_q8(lo, hi, theta, g, s, c, &L, 1, 1);
    else if (L.plain)
        blocks_q8(lo, hi, theta, g, s, c, &L, 1, 0);
    else
        blocks_q8(lo, hi, theta, g, s, c, &L, 0, sr);
}
