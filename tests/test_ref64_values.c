/* test_ref64_values.c -- ref64 against numbers computed by hand (independent
 * of every kernel), for a few steps of the seed rule and of each option.
 * The option cases use beta 0.75, lr 0.5, eps 0 and g = 2 so that step 1
 * gives v = 0.25*4 = 1 and sqrt(v) = 1 exactly; the arithmetic is written
 * out beside each expected value (closed forms such as 2/sqrt(1.75) are
 * left to libm, everything else is exact decimal). */
#include <math.h>
#include "check.h"
#include "rms.h"

static int close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(b), 1e-300);
}

typedef struct { double theta, v, m, b; } one;

/* run ref64 on one element for steps gradients */
static one run1(rms_cfg c, double theta0, const double *g, int steps)
{
    rms_state_f64 s;
    one r = { theta0, 0, 0, 0 };
    if (rms_state_f64_init(&s, 1, &c) != 0)
        return r;
    for (int t = 0; t < steps; t++)
        rms_step_f64(&s, &r.theta, &g[t], &c);
    r.v = s.v[0];
    r.m = s.m ? s.m[0] : 0.0;
    r.b = s.buf ? s.buf[0] : 0.0;
    rms_state_f64_free(&s);
    return r;
}

static rms_cfg simple(void)
{
    rms_cfg c = rms_cfg_default();
    c.beta = 0.75;
    c.lr = 0.5;
    c.eps = 0.0;
    return c;
}

#define NEAR(got, want, what) \
    CHECK(close_rel((got), (want), 1e-14), "%s = %.17g want %.17g", what, (got), (want))

static void option_cases(void)
{
    const double g2[] = { 2.0, 2.0 };
    const double S175 = 2.0 / sqrt(1.75);   /* step 2 of g = 2, 2: v = 0.75 + 0.25*4 */
    rms_cfg c;
    one r;

    /* seed rule, 2 steps: v1 = 1, step 2, theta 1 - 0.5*2 = 0;
     * v2 = 1.75, theta = 0 - 0.5*2/sqrt(1.75) */
    r = run1(simple(), 1.0, g2, 2);
    NEAR(r.v, 1.75, "plain v2");
    NEAR(r.theta, -0.5 * S175, "plain theta2");

    /* v0 = 1: v1 = 0.75*1 + 0.25*4 = 1.75, theta = 1 - 0.5*2/sqrt(1.75) */
    c = simple(); c.v0 = 1.0;
    r = run1(c, 1.0, g2, 1);
    NEAR(r.v, 1.75, "v0 v1");
    NEAR(r.theta, 1.0 - 0.5 * S175, "v0 theta1");

    /* centered: m1 = 0.25*2 = 0.5, var = 1 - 0.25 = 0.75, theta1 = 1 - 0.5*2/sqrt(0.75);
     * m2 = 0.75*0.5 + 0.25*2 = 0.875, var = 1.75 - 0.765625 = 0.984375 */
    c = simple(); c.centered = 1;
    r = run1(c, 1.0, g2, 2);
    NEAR(r.m, 0.875, "centered m2");
    NEAR(r.v, 1.75, "centered v2");
    NEAR(r.theta, 1.0 - 1.0 / sqrt(0.75) - 1.0 / sqrt(0.984375), "centered theta2");

    /* centered clamp: beta 1e-8, g = 1.3 twice.  In exact arithmetic
     * var2 = beta*(1-beta)*g^2*(1+beta) > 0, but double rounding gives
     * v2 = 1.69, m2 = 1.3 and v2 - m2^2 = -2.2e-16 < 0: the clamp makes it
     * 0, so den = eps = 1e-8 and theta2 = theta1 - 1e-3*1.3/1e-8 = theta1 -
     * 130000 (without the clamp sqrt would give NaN).  Step 1: var1 =
     * beta(1-beta) g^2 = 1.69e-8 (cancellation leaves ~1e-8 relative error,
     * hence the looser 1e-6 here). */
    c = rms_cfg_default(); c.beta = 1e-8; c.centered = 1;
    const double g13[] = { 1.3, 1.3 };
    r = run1(c, 1.0, g13, 1);
    double th1 = 1.0 - 1e-3 * 1.3 / (sqrt(1e-8 * (1 - 1e-8) * 1.69) + 1e-8);
    CHECK(close_rel(r.theta, th1, 1e-6), "clamp case theta1 = %.17g want %.17g", r.theta, th1);
    r = run1(c, 1.0, g13, 2);
    CHECK(isfinite(r.theta), "clamp keeps theta finite (%g)", r.theta);
    CHECK(close_rel(r.theta, th1 - 130000.0, 1e-9), "clamp theta2 = %.17g want %.17g",
          r.theta, th1 - 130000.0);

    /* momentum, PyTorch form (lr outside): mu 0.5.  b1 = 2, theta1 = 1 - 0.5*2 = 0;
     * b2 = 0.5*2 + 2/sqrt(1.75), theta2 = 0 - 0.5*b2 */
    c = simple(); c.momentum = 0.5;
    r = run1(c, 1.0, g2, 2);
    NEAR(r.b, 1.0 + S175, "momentum b2");
    NEAR(r.theta, -0.5 * (1.0 + S175), "momentum theta2");

    /* momentum, TF form (lr inside): b1 = 0.5*2 = 1, theta1 = 1 - 1 = 0;
     * b2 = 0.5*1 + 0.5*2/sqrt(1.75), theta2 = -b2 (same theta, half the b) */
    c = simple(); c.momentum = 0.5; c.lr_in_momentum = 1;
    r = run1(c, 1.0, g2, 2);
    NEAR(r.b, 0.5 + 0.5 * S175, "momentum lr-inside b2");
    NEAR(r.theta, -(0.5 + 0.5 * S175), "momentum lr-inside theta2");

    /* Nesterov (lr outside): b1 = 2, upd = 2 + 0.5*2 = 3, theta1 = 1 - 1.5 = -0.5;
     * b2 = 1 + S, upd = S + 0.5*(1 + S) = 0.5 + 1.5 S, theta2 = -0.5 - 0.5*upd */
    c = simple(); c.momentum = 0.5; c.nesterov = 1;
    r = run1(c, 1.0, g2, 1);
    NEAR(r.theta, -0.5, "nesterov theta1");
    r = run1(c, 1.0, g2, 2);
    NEAR(r.b, 1.0 + S175, "nesterov b2");
    NEAR(r.theta, -0.5 - 0.5 * (0.5 + 1.5 * S175), "nesterov theta2");

    /* Nesterov with lr inside: s1 = 0.5*2 = 1, b1 = 1, upd = 1 + 0.5 = 1.5, theta1 = -0.5 */
    c.lr_in_momentum = 1;
    r = run1(c, 1.0, g2, 1);
    NEAR(r.theta, -0.5, "nesterov lr-inside theta1");
    NEAR(r.b, 1.0, "nesterov lr-inside b1");

    /* coupled weight decay 0.5: g1 = 1.5 + 0.5*1 = 2 -> v1 = 1, theta1 = 1 - 0.5*2 = 0;
     * g2 = 2 + 0.5*0 = 2 -> theta2 = -0.5*2/sqrt(1.75) */
    c = simple(); c.weight_decay = 0.5;
    const double gwd[] = { 1.5, 2.0 };
    r = run1(c, 1.0, gwd, 2);
    NEAR(r.v, 1.75, "coupled wd v2");
    NEAR(r.theta, -0.5 * S175, "coupled wd theta2");

    /* decoupled weight decay 0.5: theta = 1 - 0.5*0.5*1 = 0.75, then - 0.5*2 = -0.25;
     * step 2: -0.25 - 0.25*(-0.25) = -0.1875, then - 0.5*2/sqrt(1.75) */
    c = simple(); c.weight_decay = 0.5; c.wd_decoupled = 1;
    r = run1(c, 1.0, g2, 1);
    NEAR(r.theta, -0.25, "decoupled wd theta1");
    r = run1(c, 1.0, g2, 2);
    NEAR(r.theta, -0.1875 - 0.5 * S175, "decoupled wd theta2");

    /* eps inside sqrt, eps 0.25: den = sqrt(1 + 0.25), theta1 = 1 - 0.5*2/sqrt(1.25);
     * outside it would be den = 1.25, theta1 = 1 - 0.8 = 0.2 */
    c = simple(); c.eps = 0.25; c.eps_in_sqrt = 1;
    r = run1(c, 1.0, g2, 1);
    NEAR(r.theta, 1.0 - 1.0 / sqrt(1.25), "eps in sqrt theta1");
    c.eps_in_sqrt = 0;
    r = run1(c, 1.0, g2, 1);
    NEAR(r.theta, 0.2, "eps outside sqrt theta1");

    /* bias correction: t=1 scale 1/(1-0.75) = 4, var = 1*4, den 2, theta1 = 1 - 0.5*2/2 = 0.5;
     * t=2 scale 1/(1-0.5625) = 16/7, var = 1.75*16/7 = 4, den 2, theta2 = 0 */
    c = simple(); c.bias_correction = 1;
    r = run1(c, 1.0, g2, 1);
    NEAR(r.theta, 0.5, "bias correction theta1");
    r = run1(c, 1.0, g2, 2);
    CHECK(fabs(r.theta) < 1e-15, "bias correction theta2 = %.17g want 0", r.theta);
    NEAR(r.v, 1.75, "bias correction leaves v itself uncorrected");

    /* maximize: ascend, theta1 = 1 + 0.5*2 = 2; v is the same (g^2) */
    c = simple(); c.maximize = 1;
    r = run1(c, 1.0, g2, 1);
    NEAR(r.theta, 2.0, "maximize theta1");
    NEAR(r.v, 1.0, "maximize v1");
}

int main(void)
{
    option_cases();
    rms_cfg c = rms_cfg_default();
    rms_state_f64 s;
    double theta = 1.0, g = 0.5;
    CHECK(rms_state_f64_init(&s, 1, &c) == 0, "state init");
    /* step 1: v = 0.1*0.25 = 0.025; theta = 1 - 1e-3*0.5/(sqrt(0.025)+1e-8) */
    rms_step_f64(&s, &theta, &g, &c);
    CHECK(close_rel(s.v[0], 0.025, 1e-15), "step 1 v = %.17g", s.v[0]);
    double t1 = 1.0 - 1e-3 * 0.5 / (0.15811388300841897 + 1e-8);
    CHECK(close_rel(theta, t1, 1e-14), "step 1 theta = %.17g want %.17g", theta, t1);
    /* step 2 with g = -0.25: v = 0.9*0.025 + 0.1*0.0625 = 0.02875 */
    g = -0.25;
    rms_step_f64(&s, &theta, &g, &c);
    CHECK(close_rel(s.v[0], 0.02875, 1e-15), "step 2 v = %.17g", s.v[0]);
    double t2 = t1 + 1e-3 * 0.25 / (0.16955824957813171 + 1e-8);
    CHECK(close_rel(theta, t2, 1e-14), "step 2 theta = %.17g want %.17g", theta, t2);
    CHECK(s.t == 2, "step counter %ld", s.t);
    rms_state_f64_free(&s);
    return check_summary("ref64 hand values");
}
