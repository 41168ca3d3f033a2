/* rms_config.c -- config defaults and validation, state allocation, and the
 * step driver that owns the step counter (bias correction needs t). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms.h"

rms_cfg rms_cfg_default(void)
{
    rms_cfg c;
    memset(&c, 0, sizeof c);
    c.lr = 1e-3;
    c.beta = 0.9;
    c.eps = 1e-8;
    c.bc_scale = 1.0;
    return c;
}

static int bad(char *err, size_t len, const char *fmt, double x)
{
    if (err && len)
        snprintf(err, len, fmt, x);
    return -1;
}

int rms_cfg_validate(const rms_cfg *c, char *err, size_t len)
{
    if (!isfinite(c->lr) || c->lr <= 0.0)
        return bad(err, len, "lr = %g must be finite and > 0", c->lr);
    if (!isfinite(c->beta) || c->beta < 0.0 || c->beta >= 1.0)
        return bad(err, len, "beta = %g is outside [0, 1)", c->beta);
    if (!isfinite(c->eps) || c->eps < 0.0)
        return bad(err, len, "eps = %g must be finite and >= 0", c->eps);
    if (!isfinite(c->v0) || c->v0 < 0.0)
        return bad(err, len, "v0 = %g must be finite and >= 0", c->v0);
    if (!isfinite(c->momentum) || c->momentum < 0.0 || c->momentum >= 1.0)
        return bad(err, len, "momentum = %g is outside [0, 1)", c->momentum);
    if (!isfinite(c->weight_decay) || c->weight_decay < 0.0)
        return bad(err, len, "weight_decay = %g must be finite and >= 0",
                   c->weight_decay);
    if (c->nesterov && c->momentum == 0.0)
        return bad(err, len, "nesterov needs momentum > 0 (momentum = %g)",
                   c->momentum);
    return 0;
}

void *rms_alloc(size_t n, size_t sz)
{
    if (sz && n > (SIZE_MAX - 64) / sz)
        return NULL;
    size_t bytes = (n * sz + 63) & ~(size_t)63;
    if (bytes == 0)
        bytes = 64;
    return aligned_alloc(64, bytes);
}

void rms_free(void *p) { free(p); }

#define STATE_INIT(T, S)                                                      \
    int S##_init(S *s, size_t n, const rms_cfg *c)                            \
    {                                                                         \
        memset(s, 0, sizeof *s);                                              \
        s->n = n;                                                             \
        s->v = rms_alloc(n, sizeof(T));                                       \
        if (c->centered) s->m = rms_alloc(n, sizeof(T));                      \
        if (c->momentum > 0.0) s->buf = rms_alloc(n, sizeof(T));              \
        if (!s->v || (c->centered && !s->m) || (c->momentum > 0.0 && !s->buf)) { \
            S##_free(s);                                                      \
            return -1;                                                        \
        }                                                                     \
        for (size_t i = 0; i < n; i++) s->v[i] = (T)c->v0;                    \
        if (s->m) memset(s->m, 0, n * sizeof(T));                             \
        if (s->buf) memset(s->buf, 0, n * sizeof(T));                         \
        return 0;                                                             \
    }                                                                         \
    void S##_free(S *s)                                                       \
    {                                                                         \
        rms_free(s->v); rms_free(s->m); rms_free(s->buf);                     \
        s->v = s->m = s->buf = NULL;                                          \
    }

STATE_INIT(float, rms_state_f32)
STATE_INIT(double, rms_state_f64)

static double bc_scale(const rms_cfg *c, long t)
{
    return c->bias_correction ? 1.0 / (1.0 - pow(c->beta, (double)t)) : 1.0;
}

void rms_step_f32(const rms_kernel *k, rms_state_f32 *s, float *theta,
                  const float *g, const rms_cfg *c)
{
    rms_cfg cc = *c;
    s->t++;
    cc.bc_scale = bc_scale(c, s->t);
    k->f32(s->n, theta, s->v, s->m, s->buf, g, &cc);
}

void rms_step_f64(rms_state_f64 *s, double *theta, const double *g,
                  const rms_cfg *c)
{
    rms_cfg cc = *c;
    s->t++;
    cc.bc_scale = bc_scale(c, s->t);
    rms_step_ref64(s->n, theta, s->v, s->m, s->buf, g, &cc);
}
