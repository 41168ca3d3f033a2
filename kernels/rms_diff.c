/* rms_diff.c -- differential runs of a float kernel against ref64 and the
 * table of option combinations (rms_check.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "rms_check.h"
#include "rms_opt.h"
#include "rms_util.h"   /* the seeded RNG (splitmix64) */

/* uniform in [-1, 1) */
static float unit(uint64_t *s)
{
    return (float)((double)(rms_rng_next(s) >> 40) * 0x1p-23 - 1.0);
}

/* Gradients over a wide range of magnitudes (2^-12 .. 2^4), both signs,
 * and an exact zero now and then, so v and the denominator see small and
 * large values and eps matters for some elements. */
static float gradient(uint64_t *s)
{
    uint64_t r = rms_rng_next(s);
    if ((r & 63) == 0)
        return 0.0f;
    return ldexpf(unit(s), (int)((r >> 8) % 17) - 12);
}

/* The tags (rms_options.def) of the options not at their default, joined
 * by '+', e.g. "mom+wd+dec+cent"; "plain" when there are none. */
static void label_of(char *out, const rms_cfg *c)
{
    size_t n, used = 0;
    const rms_opt *o = rms_opts(&n);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        if (o[i].tag && !rms_opt_is_default(c, &o[i]) && used < RMS_COMBO_LABEL)
            used += (size_t)snprintf(out + used, RMS_COMBO_LABEL - used, "%s%s",
                                     used ? "+" : "", o[i].tag);
    if (!out[0])
        snprintf(out, RMS_COMBO_LABEL, "plain");
}

static size_t put(const rms_cfg *c, rms_cfg *out, char (*labels)[RMS_COMBO_LABEL],
                  size_t i, size_t max)
{
    if (i < max) {
        out[i] = *c;
        if (labels)
            label_of(labels[i], c);
    }
    return i + 1;
}

size_t rms_option_combos(const rms_cfg *base, rms_cfg *out,
                         char (*labels)[RMS_COMBO_LABEL], size_t max)
{
    /* momentum variants: off, then 0.9 x lr_in_momentum x nesterov */
    static const struct { double mu; int lr_in, nest; } MOM[] = {
        { 0.0, 0, 0 }, { 0.9, 0, 0 }, { 0.9, 0, 1 }, { 0.9, 1, 0 }, { 0.9, 1, 1 },
    };
    static const struct { double wd; int dec; } WD[] = { { 0.0, 0 }, { 0.01, 0 }, { 0.01, 1 } };
    size_t i = 0;
    for (int sq = 0; sq < 2; sq++)
        for (int ce = 0; ce < 2; ce++)
            for (size_t mo = 0; mo < sizeof MOM / sizeof MOM[0]; mo++)
                for (size_t w = 0; w < sizeof WD / sizeof WD[0]; w++)
                    for (int bc = 0; bc < 2; bc++)
                        for (int mx = 0; mx < 2; mx++) {
                            rms_cfg c = *base;
                            c.eps_in_sqrt = sq;
                            c.centered = ce;
                            c.momentum = MOM[mo].mu;
                            c.lr_in_momentum = MOM[mo].lr_in;
                            c.nesterov = MOM[mo].nest;
                            c.weight_decay = WD[w].wd;
                            c.wd_decoupled = WD[w].dec;
                            c.bias_correction = bc;
                            c.maximize = mx;
                            i = put(&c, out, labels, i, max);
                        }
    return i;
}

size_t rms_option_combos_brief(const rms_cfg *base, rms_cfg *out,
                               char (*labels)[RMS_COMBO_LABEL], size_t max)
{
    size_t i = 0;
    rms_cfg c = *base;
    i = put(&c, out, labels, i, max);                       /* plain */
    c.centered = 1; c.momentum = 0.9; c.nesterov = 1;
    c.weight_decay = 0.01; c.bias_correction = 1; c.maximize = 1;
    i = put(&c, out, labels, i, max);
    c = *base;
    c.eps_in_sqrt = 1; c.momentum = 0.9; c.lr_in_momentum = 1;
    c.weight_decay = 0.01; c.wd_decoupled = 1; c.v0 = 1.0;
    i = put(&c, out, labels, i, max);
    return i;
}


/* How much the step s = g/den can be off for a correct float kernel,
 * relative to its own rounding: 1, except when centered, where var = v - m^2
 * may cancel.  The float v carries an error of about ulp(v), which moves var
 * by that much: the step's relative error grows by v/var (eps inside the
 * root: (v+eps)/(var+eps); outside: v/(sqrt(var)(sqrt(var)+eps))).  Capped
 * at 2^24, where the whole step is allowed to be off. */
static double centered_cond(const rms_cfg *c, double v, double m)
{
    if (!c->centered)
        return 1.0;
    double var = v - m * m, cond;
    if (var < 0.0)
        var = 0.0;
    if (c->eps_in_sqrt)
        cond = var + c->eps > 0.0 ? (v + c->eps) / (var + c->eps) : INFINITY;
    else
        cond = var > 0.0 ? v / (sqrt(var) * (sqrt(var) + c->eps)) : INFINITY;
    return fmin(fmax(cond, 1.0), 0x1p24);
}

static const char *const OUTPUT_NAMES[4] = { "theta", "v", "m", "buf" };

/* The scale of output j (0 theta, 1 v, 2 m, 3 buf) of element i: its old
 * value, and for theta and buf also the size of the terms that the step adds
 * (which may cancel against the old value), times centered_cond.
 * With momentum theta moves by lr*(s [+ mu*b]), s = b - mu*b_old: terms
 * bounded by (1+mu)(|b_old| + |b|), times lr unless lr is inside b. */
static double output_scale(const rms_cfg *c, int j, size_t i, float *const *olda,
                           double *const *da)
{
    double old = fabs((double)olda[j][i]);
    if (j == 1 || j == 2)
        return old;
    double cond = centered_cond(c, da[1][i], c->centered ? da[2][i] : 0.0);
    if (j == 3)   /* buf: b = mu*b_old + s */
        return fmax(old, cond * fabs(da[3][i] - c->momentum * (double)olda[3][i]));
    double terms = fabs(da[0][i] - (double)olda[0][i]);
    if (c->momentum > 0.0) {
        double lr_out = c->lr_in_momentum ? 1.0 : c->lr;
        terms = fmax(terms, lr_out * (1.0 + c->momentum) *
                                (fabs((double)olda[3][i]) + fabs(da[3][i])));
    }
    return fmax(old, cond * terms);
}

void rms_diff_step(const rms_cfg *c, size_t n, float *const out[4], float *const in[4],
                   double *const ref[4], long step, rms_diff *d)
{
    const int used[4] = { 1, 1, c->centered, c->momentum > 0.0 };
    for (int j = 0; j < 4; j++)
        for (size_t i = 0; used[j] && i < n; i++) {
            double e = rms_ulp_err(out[j][i], ref[j][i], output_scale(c, j, i, in, ref));
            d->compared++;
            if (e > d->worst_ulp || (isnan(e) && !isnan(d->worst_ulp))) {
                d->worst_ulp = e;
                d->array = OUTPUT_NAMES[j];
                d->index = i;
                d->step = step;
                d->got = out[j][i];
                d->want = ref[j][i];
            }
        }
}

int rms_diff_run(const rms_kernel *k, const rms_cfg *c, size_t n,
                 size_t offset, long steps, uint64_t seed, rms_diff *out)
{
    memset(out, 0, sizeof *out);
    out->array = "-";
    const int use_m = c->centered, use_b = c->momentum > 0.0;
    /* GUARD sentinel floats after the n elements (and the offset ones
     * before) must survive: a head/tail that writes past n shows here */
    enum { GUARD = 16 };
    const float sentinel = 1234.5f;
    const size_t cap = n + offset + GUARD;
    /* float arrays: theta v m buf g, each cap long; their inputs; doubles */
    float *fa[5] = { 0 }, *olda[4] = { 0 };
    double *da[5] = { 0 };
    int ok = 1;
    for (int j = 0; j < 5; j++) {
        fa[j] = rms_alloc(cap, sizeof(float));
        da[j] = rms_alloc(n, sizeof(double));
        if (j < 4)
            olda[j] = rms_alloc(n, sizeof(float));
        ok = ok && fa[j] && da[j] && (j == 4 || olda[j]);
    }
    if (!ok) {
        for (int j = 0; j < 5; j++) {
            rms_free(fa[j]); rms_free(da[j]);
            if (j < 4) rms_free(olda[j]);
        }
        return -1;
    }
    float *th = fa[0] + offset, *v = fa[1] + offset, *m = fa[2] + offset,
          *b = fa[3] + offset, *g = fa[4] + offset;
    uint64_t s = seed;
    for (int j = 0; j < 5; j++)
        for (size_t i = 0; i < cap; i++)
            fa[j][i] = sentinel;
    for (size_t i = 0; i < n; i++) {
        th[i] = unit(&s);
        v[i] = (float)c->v0;
        m[i] = 0.0f;
        b[i] = 0.0f;
    }
    float *const outs[4] = { th, v, m, b };
    for (long t = 1; t <= steps; t++) {
        const rms_cfg cc = rms_cfg_at_step(c, t);
        for (size_t i = 0; i < n; i++) {
            g[i] = gradient(&s);
            /* Coupled decay: give g the sign that makes g_eff = (+-g) + wd*theta
             * a sum of like-signed terms.  A cancelling sum there is
             * ill-conditioned in the inputs (float wd vs double wd), which no
             * float kernel can fix and the per-output scale does not see. */
            if (c->weight_decay > 0.0 && !c->wd_decoupled)
                g[i] = copysignf(g[i], c->maximize ? -th[i] : th[i]);
            da[4][i] = g[i];
        }
        for (int j = 0; j < 4; j++)
            for (size_t i = 0; i < n; i++) {
                olda[j][i] = outs[j][i];
                da[j][i] = outs[j][i];
            }
        k->f32(n, th, v, use_m ? m : NULL, use_b ? b : NULL, g, &cc);
        rms_step_ref64(n, da[0], da[1], use_m ? da[2] : NULL, use_b ? da[3] : NULL,
                       da[4], &cc);
        rms_diff_step(c, n, outs, olda, da, t, out);
        for (int j = 0; j < 5; j++)
            for (size_t i = 0; i < cap; i++)
                if ((i < offset || i >= offset + n) && fa[j][i] != sentinel)
                    out->guard_broken = 1;
    }
    for (int j = 0; j < 5; j++) {
        rms_free(fa[j]); rms_free(da[j]);
        if (j < 4) rms_free(olda[j]);
    }
    return 0;
}
