/* rms_lp_ref.c -- the scalar reference of the low-precision state step: the
 * definition the SIMD versions are tested against bit for bit.  Decode the
 * stored state to fp32, run rms.h's update in fused's order (lp_update:
 * plain or general), round the new state (rms_lp_bits.h). */
#include "rms_lp.h"
#include "rms_lp_bits.h"

/* The plain rule in fused_elem_plain's order: the bits of the fp32 kernels. */
static inline void lp_update_plain(float *tp, float *vp, float gv, const rms_coef_f32 *k)
{
    float vn = k->beta * *vp + k->one_minus_beta * (gv * gv);
    *vp = vn;
    *tp = *tp - k->lr * gv / (sqrtf(vn) + k->eps);
}

/* fused_elem's arithmetic on fp32 values (the fp32 kernels' order). */
static inline void lp_update(float *tp, float *vp, float *mp, float *bp, float gv,
                             const rms_cfg *c, const rms_coef_f32 *k)
{
    if (rms_cfg_is_plain(c)) {
        lp_update_plain(tp, vp, gv, k);
        return;
    }
    float gi = c->maximize ? -gv : gv;
    if (c->weight_decay > 0.0 && !c->wd_decoupled)
        gi += k->wd * *tp;
    if (c->weight_decay > 0.0 && c->wd_decoupled)
        *tp -= k->lr_wd * *tp;
    float vn = k->beta * *vp + k->one_minus_beta * (gi * gi);
    *vp = vn;
    float var = vn;
    if (c->centered) {
        float mn = k->beta * *mp + k->one_minus_beta * gi;
        *mp = mn;
        var = vn - mn * mn;
        if (var < 0.0f)
            var = 0.0f;
    }
    if (c->bias_correction)
        var = var * k->bc_scale;
    float den = c->eps_in_sqrt ? sqrtf(var + k->eps) : sqrtf(var) + k->eps;
    float step = gi / den;
    if (c->momentum > 0.0) {
        float s = c->lr_in_momentum ? k->lr * step : step;
        float b = k->mu * *bp + s;
        *bp = b;
        float upd = c->nesterov ? s + k->mu * b : b;
        *tp -= c->lr_in_momentum ? upd : k->lr * upd;
    } else {
        *tp -= k->lr * step;
    }
}

static void step16bit(size_t lo, size_t hi, float *theta, const float *g,
                      rms_state_lp *s, const rms_cfg *c, long t)
{
    const rms_coef_f32 k = rms_coef_f32_of(c);
    const rms_rounding mode = s->o.rounding;
    const int bf = s->o.type == RMS_STATE_BF16, cent = c->centered,
              mom = c->momentum > 0.0;
    const lp_key kv = lp_key_of(s->o.seed, t, 0), km = lp_key_of(s->o.seed, t, 1),
                 kb = lp_key_of(s->o.seed, t, 2);
    for (size_t i = lo; i < hi; i++) {
        float v = bf ? lp_bf16_value(s->v16[i]) : lp_f16_value(s->v16[i]);
        float m = cent ? (bf ? lp_bf16_value(s->m16[i]) : lp_f16_value(s->m16[i])) : 0.0f;
        float b = mom ? (bf ? lp_bf16_value(s->buf16[i]) : lp_f16_value(s->buf16[i])) : 0.0f;
        lp_update(&theta[i], &v, &m, &b, g[i], c, &k);
        uint32_t ri = (uint32_t)i;
        int sr = mode == RMS_ROUND_STOCHASTIC;
        uint32_t rv = sr ? lp_hash(kv, ri) : 0;
        s->v16[i] = bf ? lp_bf16_round(v, mode, rv) : lp_f16_round(v, mode, rv);
        if (cent) {
            uint32_t rm = sr ? lp_hash(km, ri) : 0;
            s->m16[i] = bf ? lp_bf16_round(m, mode, rm) : lp_f16_round(m, mode, rm);
        }
        if (mom) {
            uint32_t rb = sr ? lp_hash(kb, ri) : 0;
            s->buf16[i] = bf ? lp_bf16_round(b, mode, rb) : lp_f16_round(b, mode, rb);
        }
    }
}

/* q8: per block, update every element with the fp32 v decoded under the old
 * scale, keep the new fp32 v on the stack, then choose the new scale from
 * their max and store the codes. */
static void step_q8(size_t lo, size_t hi, float *theta, const float *g,
                    rms_state_lp *s, const rms_cfg *c, long t)
{
    const rms_coef_f32 k = rms_coef_f32_of(c);
    const size_t B = s->o.block;
    const lp_key kv = lp_key_of(s->o.seed, t, 0);
    float nv[RMS_LP_BLOCK_MAX];
    for (size_t b0 = lo; b0 < hi; b0 += B) {
        size_t b1 = hi - b0 < B ? hi : b0 + B;
        int ks = (int)(lp_f2u(s->scale[b0 / B]) >> 23) - 127;
        float vmax = 0.0f;
        for (size_t i = b0; i < b1; i++) {
            float v = lp_q8_value(s->q[i], ks);
            float m = c->centered ? s->m[i] : 0.0f, b = c->momentum > 0.0 ? s->buf[i] : 0.0f;
            lp_update(&theta[i], &v, &m, &b, g[i], c, &k);
            if (c->centered)
                s->m[i] = m;
            if (c->momentum > 0.0)
                s->buf[i] = b;
            v = lp_q8_clamp(v);
            nv[i - b0] = v;
            vmax = v > vmax ? v : vmax;
        }
        ks = lp_q8_exponent(vmax);
        s->scale[b0 / B] = lp_pow2(ks);
        for (size_t i = b0; i < b1; i++)
            s->q[i] = lp_q8_code(nv[i - b0], ks, s->o.rounding,
                                 s->o.rounding == RMS_ROUND_STOCHASTIC ? lp_hash(kv, (uint32_t)i) : 0);
    }
}

void rms_lp_step_ref(size_t lo, size_t hi, float *theta, const float *g,
                     rms_state_lp *s, const rms_cfg *c, long t)
{
    if (s->o.type == RMS_STATE_Q8)
        step_q8(lo, hi, theta, g, s, c, t);
    else
        step16bit(lo, hi, theta, g, s, c, t);
}
