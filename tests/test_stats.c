/* test_stats.c -- harness/stats against answers computed independently at
 * authoring time (/usr/bin/python3 with numpy 1.24: np.median/np.percentile;
 * p-values by enumerating every split or every sign pattern with itertools,
 * or the textbook normal formula with math.erfc; the bootstrap by replaying
 * GSL's rule k = raw32 / (0xffffffff / n), rejecting k >= n, on numpy's
 * RandomState(seed) raw 32-bit draws, which is the same MT19937 seeded the
 * same way; profile values by numpy and a trapezoid integral).  The scripts
 * are quoted in the comments beside each block. */
#include <math.h>
#include "check.h"
#include "stats/stats.h"

#define NEAR(x, y, tol) (fabs((x) - (y)) <= (tol) * (1 + fabs(y)))

static void medians(void)
{
    /* np.median([0.3,0.1,0.7,0.2,0.9,0.5,0.4]) = 0.4; np.median([4,1,3,2]) =
     * 2.5; np.percentile([4,1,3,2], 25) = 1.75 */
    double a[] = { 0.3, 0.1, 0.7, 0.2, 0.9, 0.5, 0.4 }, b[] = { 4, 1, 3, 2 };
    CHECK(stats_median(a, 7) == 0.4, "median odd %g", stats_median(a, 7));
    CHECK(stats_median(b, 4) == 2.5, "median even %g", stats_median(b, 4));
    CHECK(stats_quantile(b, 4, 0.25) == 1.75, "quantile %g", stats_quantile(b, 4, 0.25));
    CHECK(isnan(stats_median(a, 0)), "median of nothing is NaN");
    double c[] = { 1, INFINITY, 2 }, d[] = { 1, INFINITY };
    CHECK(stats_median(c, 3) == 2, "a diverged seed ranks last %g", stats_median(c, 3));
    CHECK(isinf(stats_median(d, 2)), "half diverged: median inf");
    CHECK(b[0] == 4, "input not reordered");
}

static void bootstrap(void)
{
    /* boot([0.31,0.12,0.77,0.25,0.93,0.58], reps=500, seed=20261126, 0.95)
     * = (0.215, 0.85000000000000009); reps=333, seed=5, 0.90 = (0.25,
     * 0.77000000000000002); 7 values, reps 200, seed 42 = (0.2, 0.7) */
    double x6[] = { 0.31, 0.12, 0.77, 0.25, 0.93, 0.58 }, lo, hi;
    stats_bootstrap_median(x6, 6, 500, 20261126, 0.95, &lo, &hi);
    CHECK(NEAR(lo, 0.215, 1e-12) && NEAR(hi, 0.85, 1e-12), "boot6 95%% [%.17g, %.17g]", lo, hi);
    stats_bootstrap_median(x6, 6, 333, 5, 0.90, &lo, &hi);
    CHECK(NEAR(lo, 0.25, 1e-12) && NEAR(hi, 0.77, 1e-12), "boot6 90%% [%.17g, %.17g]", lo, hi);
    double x7[] = { 0.3, 0.1, 0.7, 0.2, 0.9, 0.5, 0.4 };
    stats_bootstrap_median(x7, 7, 200, 42, 0.95, &lo, &hi);
    CHECK(lo == 0.2 && hi == 0.7, "boot7 [%.17g, %.17g]", lo, hi);
    double again_lo, again_hi;
    stats_bootstrap_median(x7, 7, 200, 42, 0.95, &again_lo, &again_hi);
    CHECK(lo == again_lo && hi == again_hi, "same seed, same interval");
    double one = 3;
    stats_bootstrap_median(&one, 1, 100, 1, 0.95, &lo, &hi);
    CHECK(lo == 3 && hi == 3, "one seed: a point");
}

static void mann_whitney(void)
{
    /* A = [1,2,3.5,4,5], B = [3,6,7,8,9]: U_A = 3; exact two-sided p over
     * all C(10,5) = 252 splits = 14/252 = 0.0555...; Cliff's delta -0.76 */
    double a[] = { 1, 2, 3.5, 4, 5 }, b[] = { 3, 6, 7, 8, 9 };
    stats_test t = stats_mann_whitney(a, 5, b, 5);
    CHECK(t.statistic == 3, "U %g", t.statistic);
    CHECK(t.exact && NEAR(t.p, 1.0 / 18, 1e-12), "exact p %.17g", t.p);
    CHECK(NEAR(t.effect, -0.76, 1e-12), "delta %g", t.effect);
    stats_test u = stats_mann_whitney(b, 5, a, 5);
    CHECK(u.statistic == 22 && NEAR(u.p, t.p, 1e-12) && NEAR(u.effect, 0.76, 1e-12),
          "swapped: U %g p %g", u.statistic, u.p);
    /* ties: C = [1,2,2,3,3,3,4,9], D = [2,3,5,5,6,7,1e9,1e9] (1e9 for two
     * diverged runs; +inf ranks the same): U = 13.5, normal with tie and
     * continuity corrections p = 0.055745725198658218, delta -0.578125 */
    double c[] = { 1, 2, 2, 3, 3, 3, 4, 9 }, d[] = { 2, 3, 5, 5, 6, 7, INFINITY, INFINITY };
    t = stats_mann_whitney(c, 8, d, 8);
    CHECK(t.statistic == 13.5 && !t.exact, "ties U %g exact %d", t.statistic, t.exact);
    CHECK(NEAR(t.p, 0.055745725198658218, 1e-12), "ties p %.17g", t.p);
    CHECK(NEAR(t.effect, -0.578125, 1e-12), "ties delta %g", t.effect);
    /* identical samples: no difference */
    t = stats_mann_whitney(a, 5, a, 5);
    CHECK(t.p == 1 && t.effect == 0, "identical p %g effect %g", t.p, t.effect);
    double all_inf[] = { INFINITY, INFINITY };
    t = stats_mann_whitney(all_inf, 2, all_inf, 2);
    CHECK(t.p == 1, "all diverged: p 1 (%g)", t.p);
}

static void wilcoxon(void)
{
    /* X = [1,2.75,3,4.25,5,6], Y = [1.5,2,4,4,7.5,6]: one zero pair dropped,
     * W+ = 4 of m = 5; exact p over 2^5 sign patterns = 0.4375; matched
     * rank-biserial -0.46666666666666667 */
    double x[] = { 1, 2.75, 3, 4.25, 5, 6 }, y[] = { 1.5, 2, 4, 4, 7.5, 6 };
    stats_test t = stats_wilcoxon(x, y, 6);
    CHECK(t.statistic == 4 && t.exact, "W+ %g exact %d", t.statistic, t.exact);
    CHECK(NEAR(t.p, 0.4375, 1e-12), "p %.17g", t.p);
    CHECK(NEAR(t.effect, -7.0 / 15, 1e-12), "rbc %.17g", t.effect);
    /* 30 pairs (np.random.RandomState(7), rounded, x10) with tied |d|:
     * 29 nonzero, W+ = 163, normal p = 0.24278153834781424 */
    double a[] = { 17, -5, 0, 4, -8, 0, 0, -18, 10, 6, -6, -2, 5, -3, -2, -15, 6, 1, 3, -15,
                   17, 2, -4, 20, 0, -15, -4, -23, 10, -4 };
    double b[] = { -4, 14, -14, 8, -18, -4, -9, 18, 21, 0, 11, 1, 9, -5, -14, -15, 7, 25, 6,
                   -2, 22, 5, 4, 6, 2, 0, -11, 8, 2, 15 };
    t = stats_wilcoxon(a, b, 30);
    CHECK(t.statistic == 163 && !t.exact, "W+ %g exact %d", t.statistic, t.exact);
    CHECK(NEAR(t.p, 0.24278153834781424, 1e-12), "normal p %.17g", t.p);
    t = stats_wilcoxon(x, x, 6);
    CHECK(t.p == 1 && t.statistic == 0, "identical pairs p %g", t.p);
}

/* The smallest p: 2/2^n paired, 2/C(na+nb, na) otherwise, at most 1; and
 * an exact test on completely separated samples reaches it. */
static void smallest_p(void)
{
    CHECK(stats_smallest_p(1, 3, 3) == 0.25, "Wilcoxon, 3 pairs: %g", stats_smallest_p(1, 3, 3));
    CHECK(stats_smallest_p(1, 6, 6) == 0.03125, "Wilcoxon, 6 pairs");
    CHECK(stats_smallest_p(1, 1, 1) == 1, "Wilcoxon, 1 pair: at most 1");
    CHECK(fabs(stats_smallest_p(0, 3, 3) - 0.1) < 1e-15, "Mann-Whitney 3 vs 3: 2/20");
    CHECK(fabs(stats_smallest_p(0, 5, 5) - 2.0 / 252) < 1e-15, "Mann-Whitney 5 vs 5: 2/252");
    double a[5] = { 1, 2, 3, 4, 5 }, b[5] = { 6, 7, 8, 9, 10 };
    stats_test t = stats_mann_whitney(a, 5, b, 5);
    CHECK(t.exact && fabs(t.p - stats_smallest_p(0, 5, 5)) < 1e-12,
          "separated samples reach the smallest p: %g", t.p);
}

static void profiles(void)
{
    /* t = [[10,20,50],[30,15,inf],[100,100,100],[inf,inf,inf]]: ratios
     * [[1,2,5],[2,1,inf],[1,1,1],[inf,inf,inf]]; rho(1) = .5,.5,.25,
     * rho(2) = .75,.75,.25; score over [1,4] (trapezoid, 300001 points)
     * = 0.66667, 0.66667, 0.25 -> exactly 2/3, 2/3, 1/4 */
    double t[] = { 10, 20, 50, 30, 15, INFINITY, 100, 100, 100, INFINITY, INFINITY, INFINITY };
    double r[12], want[] = { 1, 2, 5, 2, 1, INFINITY, 1, 1, 1, INFINITY, INFINITY, INFINITY };
    stats_perf_ratios(t, 4, 3, r);
    int same = 1;
    for (int i = 0; i < 12; i++)
        same &= r[i] == want[i];
    CHECK(same, "ratios");
    double rho1[] = { 0.5, 0.5, 0.25 }, rho2[] = { 0.75, 0.75, 0.25 }, score[] = { 2.0 / 3, 2.0 / 3, 0.25 };
    for (size_t s = 0; s < 3; s++) {
        CHECK(stats_profile(r, 4, 3, s, 1) == rho1[s], "rho_%zu(1)", s);
        CHECK(stats_profile(r, 4, 3, s, 2) == rho2[s], "rho_%zu(2)", s);
        double sc = stats_integrated_score(r, 4, 3, s, 4);
        CHECK(NEAR(sc, score[s], 1e-12), "score_%zu %.17g", s, sc);
    }
}

int main(void)
{
    medians();
    bootstrap();
    mann_whitney();
    wilcoxon();
    smallest_p();
    profiles();
    return check_summary("test_stats");
}
