/* rms_config.c -- config defaults and validation (from the option table),
 * state allocation, and the step driver that owns the step counter and the
 * bias-correction scale (the one place that computes it). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms.h"
#include "rms_lp.h"
#include "rms_opt.h"

rms_cfg rms_cfg_default(void)
{
    return (rms_cfg){ RMS_CFG_DEFAULTS };
}

/* Each option's range from its row ("beta = 1 is outside [0, 1)"), then the
 * rules that join two options. */
int rms_cfg_validate(const rms_cfg *c, char *err, size_t len)
{
    size_t n;
    const rms_opt *o = rms_opts(&n);
    char why[128], name[64];
    for (size_t i = 0; i < n; i++, o++) {
        double v = rms_opt_get(c, o);
        if (!rms_opt_check(o, v, why, sizeof why))
            continue;
        if (!err || !len)
            return -1;
        if (o->kind == RMS_REAL && isfinite(o->hi))
            snprintf(err, len, "%s = %g is outside %s%g, %g%s", o->key, v,
                     o->lo_open ? "(" : "[", o->lo, o->hi, o->hi_open ? ")" : "]");
        else if (o->kind == RMS_REAL)
            snprintf(err, len, "%s = %g must be finite and %s %g", o->key, v,
                     o->lo_open ? ">" : ">=", o->lo);
        else
            snprintf(err, len, "%s = %s: %s", o->key,
                     o->kind == RMS_ENUM && rms_opt_enum_name(o, (int)v, name, sizeof name)
                         ? name : (snprintf(name, sizeof name, "%g", v), name), why);
        return -1;
    }
    return rms_cfg_validate_joint(c, err, len);
}

/* The rules that join options, each valid alone (a sweep leaves a grid
 * point that breaks one of these out instead of failing). */
int rms_cfg_validate_joint(const rms_cfg *c, char *err, size_t len)
{
    const char *why = NULL;
    char buf[160];
    if (c->nesterov && c->momentum == 0.0)
        why = (snprintf(buf, sizeof buf, "nesterov needs momentum > 0 (momentum = %g)",
                        c->momentum), buf);
    else if (c->state == RMS_STATE_F32 && c->state_rounding != RMS_ROUND_NEAREST)
        why = "state_rounding = stochastic needs state bf16, f16 or q8 (f32 state is not "
              "rounded)";
    else if (c->state != RMS_STATE_Q8 && c->state_block != RMS_Q8_BLOCK_DEFAULT)
        why = (snprintf(buf, sizeof buf, "state_block = %d needs state q8 (only q8 has "
                        "blocks; the others keep 256)", c->state_block), buf);
    if (!why)
        return 0;
    if (err && len)
        snprintf(err, len, "%s", why);
    return -1;
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

double rms_bc_scale(const rms_cfg *c, long t)
{
    return c->bias_correction ? 1.0 / (1.0 - pow(c->beta, (double)t)) : 1.0;
}

rms_cfg rms_cfg_at_step(const rms_cfg *c, long t)
{
    rms_cfg at = *c;
    at.bc_scale = rms_bc_scale(c, t);
    return at;
}

/* The one step counter: t counts the steps of this state. */
void rms_step_f32(const rms_kernel *k, rms_state_f32 *s, float *theta,
                  const float *g, const rms_cfg *c)
{
    rms_cfg at = rms_cfg_at_step(c, ++s->t);
    k->f32(s->n, theta, s->v, s->m, s->buf, g, &at);
}

void rms_step_f64(rms_state_f64 *s, double *theta, const double *g,
                  const rms_cfg *c)
{
    rms_cfg at = rms_cfg_at_step(c, ++s->t);
    rms_step_ref64(s->n, theta, s->v, s->m, s->buf, g, &at);
}
