/* test_ref64_values.c -- ref64 against numbers computed by hand (independent
 * of every kernel), for a few steps of the seed rule. */
#include <math.h>
#include "check.h"
#include "rms.h"

static int close_rel(double a, double b, double tol)
{
    return fabs(a - b) <= tol * fmax(fabs(b), 1e-300);
}

int main(void)
{
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
