/* rms_naive.c -- the textbook two-pass step: first all of v (and m), then
 * all of theta.  It reads g and the state twice, so it is the slow baseline
 * the one-pass kernels are measured against.  Same operation order and the
 * same float coefficients as fused, so the two agree bit for bit. */
#include <math.h>
#include "rms.h"

/* The gradient as the update sees it: sign for maximize, coupled decay on
 * the old theta.  Both passes recompute it (theta is still old in pass 2
 * until this element is written). */
static inline float naive_grad(float gv, float th, const rms_cfg *c,
                               const rms_coef_f32 *k)
{
    float gi = c->maximize ? -gv : gv;
    if (c->weight_decay > 0.0 && !c->wd_decoupled)
        gi += k->wd * th;
    return gi;
}

static void naive_general(size_t n, float *restrict theta, float *restrict v,
                          float *restrict m, float *restrict buf,
                          const float *restrict g, const rms_cfg *c)
{
    const rms_coef_f32 k = rms_coef_f32_of(c);
    for (size_t i = 0; i < n; i++) {
        float gi = naive_grad(g[i], theta[i], c, &k);
        v[i] = k.beta * v[i] + k.one_minus_beta * (gi * gi);
        if (c->centered)
            m[i] = k.beta * m[i] + k.one_minus_beta * gi;
    }
    for (size_t i = 0; i < n; i++) {
        float gi = naive_grad(g[i], theta[i], c, &k);
        float th = theta[i];
        if (c->weight_decay > 0.0 && c->wd_decoupled)
            th -= k.lr_wd * th;
        float var = v[i];
        if (c->centered) {
            var = v[i] - m[i] * m[i];
            if (var < 0.0f)
                var = 0.0f;   /* rounding can make v - m^2 negative */
        }
        if (c->bias_correction)
            var = var * k.bc_scale;
        float den = c->eps_in_sqrt ? sqrtf(var + k.eps) : sqrtf(var) + k.eps;
        float step = gi / den;
        if (c->momentum > 0.0) {
            float s = c->lr_in_momentum ? k.lr * step : step;
            float b = k.mu * buf[i] + s;
            buf[i] = b;
            float upd = c->nesterov ? s + k.mu * b : b;
            th -= c->lr_in_momentum ? upd : k.lr * upd;
        } else {
            th -= k.lr * step;
        }
        theta[i] = th;
    }
}

/* restrict: the kernel contract says the arrays do not overlap, and without
 * it the compiler would not vectorise the passes.  Cloned for AVX-512 and
 * AVX2 like fused (rms_fused.c says why the bits stay the same), so that
 * naive against fused measures the second pass, not the vector width: built
 * for baseline SSE, naive took 4.7x fused's time in L1 (0.65 against 0.14
 * ns/element); at the same width it takes 1.2-1.4x in cache and 1.5x at
 * 2^24, where it moves 28 bytes per element to fused's 20. */
RMS_TARGET_CLONES
void rms_step_naive(size_t n, float *restrict theta, float *restrict v,
                    float *restrict m, float *restrict buf,
                    const float *restrict g, const rms_cfg *c)
{
    if (!rms_cfg_is_plain(c)) {
        naive_general(n, theta, v, m, buf, g, c);
        return;
    }
    const rms_coef_f32 k = rms_coef_f32_of(c);
    for (size_t i = 0; i < n; i++)
        v[i] = k.beta * v[i] + k.one_minus_beta * (g[i] * g[i]);
    for (size_t i = 0; i < n; i++)
        theta[i] -= k.lr * g[i] / (sqrtf(v[i]) + k.eps);
}
