/* stats.h -- the statistics a comparison of solvers needs: medians, seeded
 * bootstrap intervals, rank tests with effect sizes, Dolan-More performance
 * profiles and the AlgoPerf integrated score.  Losses are "lower is better";
 * +inf stands for a diverged run and ranks above every finite value.  NaN is
 * not a valid input (callers map it to +inf).  Built on GSL (RNG, sorting,
 * quantiles, normal CDF). */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>
#include <stdint.h>

/* Median of x[0..n) (x is not modified); NaN when n == 0. */
double stats_median(const double *x, size_t n);

/* Linear-interpolation quantile (as numpy's default) of x; NaN when n == 0. */
double stats_quantile(const double *x, size_t n, double q);

/* Percentile bootstrap interval of the median: `reps` resamples of n with
 * replacement drawn by GSL's MT19937 seeded with `seed`, the median of
 * each, then the (1-level)/2 and (1+level)/2 quantiles of those medians.
 * The same inputs give the same interval on every machine.  n == 0: NaN. */
#define STATS_BOOT_REPS 2000
#define STATS_BOOT_SEED 20261126u
void stats_bootstrap_median(const double *x, size_t n, unsigned reps, unsigned long seed,
                            double level, double *lo, double *hi);

/* A two-sample or paired comparison of a against b. */
typedef struct stats_test {
    double statistic;     /* Mann-Whitney: U of a; Wilcoxon: W+ (sum of ranks of a - b > 0) */
    double p;             /* two-sided p-value; 1 when there is nothing to compare */
    int exact;            /* 1: exact null distribution; 0: normal approximation */
    double effect;        /* Cliff's delta = P(a > b) - P(a < b) (Mann-Whitney) or the
                             matched-pairs rank-biserial (W+ - W-)/(W+ + W-) (Wilcoxon);
                             negative: a tends to be lower (better for a loss) */
} stats_test;

/* Mann-Whitney U (Wilcoxon rank-sum) with midranks for ties.  Exact p when
 * there are no ties and na*nb <= STATS_EXACT_MAX_CELLS, else the normal
 * approximation with the tie correction and a continuity correction of 0.5. */
#define STATS_EXACT_MAX_CELLS 400
stats_test stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb);

/* Wilcoxon signed-rank on pairs (a[i], b[i]) (the same seed on both
 * sides): zero differences (and two diverged runs) dropped; exact p when
 * there are no tied |differences| and at most 25 pairs left, else normal
 * with tie and continuity corrections. */
stats_test stats_wilcoxon(const double *a, const double *b, size_t n);

/* The smallest two-sided p either test can give at all, whatever the data:
 * 2 / 2^na for na pairs (Wilcoxon, paired), 2 / C(na + nb, na) (Mann-Whitney
 * on samples of na and nb); at most 1.  Above the significance level, no
 * outcome of these runs could be called significant. */
double stats_smallest_p(int paired, size_t na, size_t nb);

/* Dolan-More performance ratios: t[p * ns + s] is solver s's cost on problem
 * p (+inf: never got there).  r[p * ns + s] = t / min over solvers of t, +inf
 * where t is +inf or no solver got there. */
void stats_perf_ratios(const double *t, size_t np, size_t ns, double *r);

/* rho_s(tau): the share of the np problems with r[p * ns + s] <= tau. */
double stats_profile(const double *r, size_t np, size_t ns, size_t s, double tau);

/* AlgoPerf's integrated score over tau in [1, tau_max] (tau_max 4 in
 * AlgoPerf): (1 / (tau_max - 1)) * integral of rho_s(tau) dtau, exact for the
 * step function: the mean over problems of max(0, tau_max - max(r, 1)) /
 * (tau_max - 1).  1 = best on every problem, 0 = never within tau_max. */
double stats_integrated_score(const double *r, size_t np, size_t ns, size_t s, double tau_max);

#endif
