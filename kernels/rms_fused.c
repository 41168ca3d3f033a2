/* rms_fused.c -- one pass, scalar C that the compiler vectorises.  The plain
 * rule is the fast path; every option goes through the general element
 * function.  Coefficients come from rms_coef_f32_of so all float kernels
 * round the same way. */
#include <math.h>
#include "rms.h"

static inline void fused_elem_plain(float *tp, float *vp, float gv, float lr,
                                    float beta, float omb, float eps)
{
    float vn = beta * *vp + omb * (gv * gv);
    *vp = vn;
    *tp -= lr * gv / (sqrtf(vn) + eps);
}

static inline void fused_elem(float *tp, float *vp, float *mp, float *bp,
                              float gv, const rms_cfg *c, rms_coef_f32 k)
{
    float gi = c->maximize ? -gv : gv;
    if (c->weight_decay > 0.0 && !c->wd_decoupled)
        gi += k.wd * *tp;
    if (c->weight_decay > 0.0 && c->wd_decoupled)
        *tp -= k.lr_wd * *tp;
    float vn = k.beta * *vp + k.one_minus_beta * (gi * gi);
    *vp = vn;
    float var;
    if (c->centered) {
        float mn = k.beta * *mp + k.one_minus_beta * gi;
        *mp = mn;
        var = vn - mn * mn;
        if (var < 0.0f)
            var = 0.0f;
    } else {
        var = vn;
    }
    if (c->bias_correction)
        var = var * k.bc_scale;
    float den = c->eps_in_sqrt ? sqrtf(var + k.eps) : sqrtf(var) + k.eps;
    float step = gi / den;
    if (c->momentum > 0.0) {
        float s = c->lr_in_momentum ? k.lr * step : step;
        float b = k.mu * *bp + s;
        *bp = b;
        float upd = c->nesterov ? s + k.mu * b : b;
        *tp -= c->lr_in_momentum ? upd : k.lr * upd;
    } else {
        *tp -= k.lr * step;
    }
}

void rms_step_fused(size_t n, float *restrict theta, float *restrict v,
                    float *restrict m, float *restrict buf,
                    const float *restrict g, const rms_cfg *c)
{
    const rms_coef_f32 k = rms_coef_f32_of(c);
    if (rms_cfg_is_plain(c)) {
        for (size_t i = 0; i < n; i++)
            fused_elem_plain(&theta[i], &v[i], g[i], k.lr, k.beta,
                             k.one_minus_beta, k.eps);
        return;
    }
    for (size_t i = 0; i < n; i++)
        fused_elem(&theta[i], &v[i], c->centered ? &m[i] : NULL,
                   c->momentum > 0.0 ? &buf[i] : NULL, g[i], c, k);
}
