/* test_fused_error_bound.c -- the rounding-error bound proved with Gappa
 * (proofs/gappa/fused_step_*.g, stated on rms_step_fused in kernels/rms.h)
 * checked numerically: random inputs in the proved ranges go through the
 * compiled fused kernel (whichever clone this CPU runs) and each element's
 * error against the exact update, recomputed in long double, must stay under
 * the proved bound.  u = 2^-24.  Two bounds:
 *   float coefficients b = (float)beta, w = (float)(1-beta), lr, eps:
 *     |v' - V| <= (3 + 2^-16) u V,  |theta' - Theta| <= u|theta| + (6 + 5u) u |S|
 *   the double config itself (coefficient rounding included):
 *     |v' - V*| <= 5 u V*,          |theta' - Theta*| <= u|theta| + (8 + 7u) u |S*|
 * The long double reference carries at most a few 2^-64 relative error, so
 * each check allows 2^-58 of the scale on top of the bound.  The checker is
 * also shown a result off by 8u, which it must reject. */
#include <math.h>
#include <stdlib.h>
#include "check.h"
#include "rms.h"
#include "rms_util.h"

#define U        0x1p-24L
#define REF_SLACK 0x1p-58L   /* long double reference error, relative */
enum { N = 4099, CONFIGS = 60 };

static uint64_t rng = 20261126;

static double log_uniform(double lo_exp, double hi_exp)
{
    return exp2(lo_exp + (hi_exp - lo_exp) * rms_rng_uniform(&rng));
}
static float signed_mag(double lo_exp, double hi_exp)
{
    float x = (float)log_uniform(lo_exp, hi_exp);
    return rms_rng_uniform(&rng) < 0.5 ? -x : x;
}

typedef struct { long double v_rel, t_rel; } worst;   /* observed error / (u scale) */

/* 1 if (vn, tn) is within the bound for exact (V, S, theta); records the ratio. */
static int within(float vn, float tn, long double V, long double S, float theta,
                  long double ev, long double et, worst *w)
{
    long double dv = fabsl((long double)vn - V);
    long double dt = fabsl((long double)tn - ((long double)theta - S));
    long double tscale = U * fabsl((long double)theta) + et * fabsl(S);
    if (V > 0 && dv / (U * V) > w->v_rel)
        w->v_rel = dv / (U * V);
    if (tscale > 0 && dt / tscale > w->t_rel)
        w->t_rel = dt / tscale;
    return dv <= ev * V + REF_SLACK * V &&
           dt <= tscale + REF_SLACK * (fabsl((long double)theta) + fabsl(S));
}

int main(void)
{
    static float theta[N], v[N], g[N], theta0[N], v0[N];
    worst wf = { 0, 0 }, wc = { 0, 0 };
    long bad_f = 0, bad_c = 0, rejected = 0, nonzero = 0;
    for (int k = 0; k < CONFIGS; k++) {
        rms_cfg c = rms_cfg_default();
        c.beta = k == 0 ? 0.9 : k == 1 ? 1.0 - 0x1p-20 : k == 2 ? 0x1p-24
                 : 1.0 - log_uniform(-20, -0x1p-22);
        c.lr = k < 3 ? 1e-3 : log_uniform(-30, 0);
        c.eps = k < 3 ? 1e-8 : log_uniform(-60, 0);
        for (int i = 0; i < N; i++) {
            double r = rms_rng_uniform(&rng);
            v0[i] = r < 0.1 ? 0.0f : (float)log_uniform(-100, 80);
            g[i] = r > 0.95 ? 0.0f : signed_mag(-40, 40);
            theta0[i] = rms_rng_uniform(&rng) < 0.05 ? 0.0f : signed_mag(-40, 40);
            theta[i] = theta0[i];
            v[i] = v0[i];
        }
        rms_step_fused(N, theta, v, NULL, NULL, g, &c);
        rms_coef_f32 q = rms_coef_f32_of(&c);
        for (int i = 0; i < N; i++) {
            long double gi = g[i], g2 = gi * gi;
            /* float coefficients */
            long double V = (long double)q.beta * v0[i] + (long double)q.one_minus_beta * g2;
            long double S = (long double)q.lr * gi / (sqrtl(V) + q.eps);
            if (!within(v[i], theta[i], V, S, theta0[i], (3 + 0x1p-16L) * U,
                        (6 + 5 * U) * U, &wf))
                bad_f++;
            /* the double config */
            long double Vc = (long double)c.beta * v0[i] + (1.0L - c.beta) * g2;
            long double Sc = (long double)c.lr * gi / (sqrtl(Vc) + c.eps);
            if (!within(v[i], theta[i], Vc, Sc, theta0[i], 5 * U, (8 + 7 * U) * U, &wc))
                bad_c++;
            /* the checker must reject a v' off by 8u */
            if (V > 0) {
                worst scratch = { 0, 0 };
                float off = (float)((long double)v[i] * (1 + 8 * U));
                nonzero++;
                if (!within(off, theta[i], V, S, theta0[i], (3 + 0x1p-16L) * U,
                            (6 + 5 * U) * U, &scratch))
                    rejected++;
            }
        }
    }
    long total = (long)N * CONFIGS;
    CHECK(bad_f == 0, "%ld of %ld elements over the float-coefficient bound", bad_f, total);
    CHECK(bad_c == 0, "%ld of %ld elements over the double-config bound", bad_c, total);
    CHECK(rejected == nonzero, "checker accepted %ld of %ld results off by 8u",
          nonzero - rejected, nonzero);
    CHECK(wf.v_rel > 0.25L, "no rounding seen at all in v (max %.3Lg u): is this the float kernel?",
          wf.v_rel);
    printf("fused error bound: %ld elements; worst observed v error %.3Lg u (proved 3.0000153 u), "
           "theta %.3Lg of its bound; with coefficient rounding v %.3Lg u (proved 5 u), theta %.3Lg\n",
           total, wf.v_rel, wf.t_rel, wc.v_rel, wc.t_rel);
    return check_summary("test_fused_error_bound");
}
