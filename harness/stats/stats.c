/* stats.c -- medians, bootstrap intervals, Mann-Whitney U, Wilcoxon
 * signed-rank, performance profiles and the integrated score (see stats.h).
 * GSL draws the resamples, sorts, interpolates quantiles and gives the
 * normal tail; the exact null distributions are counted here (GSL has none). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "rms_util.h"
#include "stats/stats.h"

static double *sorted_copy(const double *x, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        abort();   /* a few doubles per seed: out of memory here is fatal anyway */
    memcpy(c, x, n * sizeof *c);
    gsl_sort(c, 1, n);
    return c;
}

/* gsl_stats_quantile_from_sorted_data, but with +inf handled: interpolating
 * between a finite value and +inf gives +inf only when the weight is not 0. */
static double quantile_sorted(const double *s, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double idx = q * (double)(n - 1);
    size_t lo = (size_t)floor(idx);
    double delta = idx - (double)lo;
    if (lo + 1 >= n || delta == 0)
        return s[lo];
    if (isinf(s[lo + 1]) || isinf(s[lo]))
        return isinf(s[lo]) ? s[lo] : s[lo + 1];
    return gsl_stats_quantile_from_sorted_data(s, 1, n, q);
}

double stats_quantile(const double *x, size_t n, double q)
{
    double *s = sorted_copy(x, n), v = quantile_sorted(s, n, q);
    free(s);
    return v;
}

/* the one median (rms_util.h) on a copy */
double stats_median(const double *x, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        abort();   /* as sorted_copy */
    memcpy(c, x, n * sizeof *c);
    double m = rms_median(c, n);
    free(c);
    return m;
}

void stats_bootstrap_median(const double *x, size_t n, unsigned reps, unsigned long seed,
                            double level, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (n == 0 || reps == 0)
        return;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double *sample = malloc(n * sizeof *sample), *med = malloc(reps * sizeof *med);
    if (!rng || !sample || !med)
        abort();
    gsl_rng_set(rng, seed);
    for (unsigned r = 0; r < reps; r++) {
        for (size_t i = 0; i < n; i++)
            sample[i] = x[gsl_rng_uniform_int(rng, n)];
        gsl_sort(sample, 1, n);
        med[r] = quantile_sorted(sample, n, 0.5);
    }
    gsl_sort(med, 1, reps);
    *lo = quantile_sorted(med, reps, (1 - level) / 2);
    *hi = quantile_sorted(med, reps, (1 + level) / 2);
    free(sample);
    free(med);
    gsl_rng_free(rng);
}

/* Midranks (1-based) of v[0..n) into rank; returns sum over tie groups of
 * t^3 - t (0 when there are no ties). */
static double midranks(const double *v, size_t n, double *rank)
{
    size_t *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        abort();
    gsl_sort_index(idx, v, 1, n);
    double ties = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && v[idx[j + 1]] == v[idx[i]])
            j++;
        double r = 0.5 * (double)(i + j) + 1, t = (double)(j - i + 1);
        for (size_t k = i; k <= j; k++)
            rank[idx[k]] = r;
        ties += t * t * t - t;
        i = j + 1;
    }
    free(idx);
    return ties;
}

/* p = min(1, 2 * min(P(X <= x), P(X >= x))) for X with counts cnt[0..m]. */
static double two_sided_exact(const double *cnt, size_t m, size_t x)
{
    double total = 0, le = 0, ge = 0;
    for (size_t k = 0; k <= m; k++) {
        total += cnt[k];
        if (k <= x)
            le += cnt[k];
        if (k >= x)
            ge += cnt[k];
    }
    double p = 2 * (le < ge ? le : ge) / total;
    return p < 1 ? p : 1;
}

static double two_sided_normal(double stat, double mean, double var)
{
    if (var <= 0)
        return 1;
    double z = (fabs(stat - mean) - 0.5) / sqrt(var);
    if (z < 0)
        z = 0;
    double p = 2 * gsl_cdf_ugaussian_Q(z);
    return p < 1 ? p : 1;
}

stats_test stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb)
{
    stats_test t = { 0, 1, 1, 0 };
    if (na == 0 || nb == 0)
        return t;
    size_t n = na + nb;
    double *v = malloc(n * sizeof *v), *rank = malloc(n * sizeof *rank);
    if (!v || !rank)
        abort();
    memcpy(v, a, na * sizeof *v);
    memcpy(v + na, b, nb * sizeof *v);
    double ties = midranks(v, n, rank), ra = 0;
    for (size_t i = 0; i < na; i++)
        ra += rank[i];
    t.statistic = ra - (double)na * (double)(na + 1) / 2;
    double cells = (double)na * (double)nb;
    t.effect = 2 * t.statistic / cells - 1;
    if (ties == 0 && cells <= STATS_EXACT_MAX_CELLS) {
        /* cnt[i][j][u]: orderings of i a's and j b's with U = u, by the
         * recurrence on whether the largest value is an a (it beats j b's) */
        size_t m = na * nb;
        double *prev = calloc((nb + 1) * (m + 1), sizeof *prev);
        double *cur = calloc((nb + 1) * (m + 1), sizeof *cur);
        if (!prev || !cur)
            abort();
        for (size_t j = 0; j <= nb; j++)
            prev[j * (m + 1)] = 1;                /* i = 0: U = 0 */
        for (size_t i = 1; i <= na; i++) {
            memset(cur, 0, (nb + 1) * (m + 1) * sizeof *cur);
            for (size_t j = 0; j <= nb; j++)
                for (size_t u = 0; u <= m; u++) {
                    double c = u >= j ? prev[j * (m + 1) + u - j] : 0;
                    if (j > 0)
                        c += cur[(j - 1) * (m + 1) + u];
                    cur[j * (m + 1) + u] = c;
                }
            double *sw = prev; prev = cur; cur = sw;
        }
        t.p = two_sided_exact(prev + nb * (m + 1), m, (size_t)t.statistic);
        free(prev);
        free(cur);
    } else {
        t.exact = 0;
        double var = cells / 12 * ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
        t.p = two_sided_normal(t.statistic, cells / 2, var);
    }
    free(v);
    free(rank);
    return t;
}

stats_test stats_wilcoxon(const double *a, const double *b, size_t n)
{
    stats_test t = { 0, 1, 1, 0 };
    double *d = malloc((n ? n : 1) * sizeof *d), *mag = malloc((n ? n : 1) * sizeof *mag);
    double *rank = malloc((n ? n : 1) * sizeof *rank);
    if (!d || !mag || !rank)
        abort();
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i] == b[i])          /* also both +inf: both diverged */
            continue;
        d[m] = isinf(a[i]) ? INFINITY : isinf(b[i]) ? -INFINITY : a[i] - b[i];
        mag[m] = fabs(d[m]);
        m++;
    }
    if (m > 0) {
        double ties = midranks(mag, m, rank), wp = 0, total = (double)m * (double)(m + 1) / 2;
        for (size_t i = 0; i < m; i++)
            if (d[i] > 0)
                wp += rank[i];
        t.statistic = wp;
        t.effect = (wp - (total - wp)) / total;
        if (ties == 0 && m <= 25) {
            size_t top = m * (m + 1) / 2;
            double *cnt = calloc(top + 1, sizeof *cnt);
            if (!cnt)
                abort();
            cnt[0] = 1;                           /* subsets of {1..k} by their sum */
            for (size_t k = 1; k <= m; k++)
                for (size_t s = top; s >= k; s--)
                    cnt[s] += cnt[s - k];
            t.p = two_sided_exact(cnt, top, (size_t)wp);
            free(cnt);
        } else {
            t.exact = 0;
            double var = (double)m * (m + 1) * (2.0 * m + 1) / 24 - ties / 48;
            t.p = two_sided_normal(wp, total / 2, var);
        }
    }
    free(d);
    free(mag);
    free(rank);
    return t;
}

void stats_perf_ratios(const double *t, size_t np, size_t ns, double *r)
{
    for (size_t p = 0; p < np; p++) {
        double best = INFINITY;
        for (size_t s = 0; s < ns; s++)
            if (t[p * ns + s] < best)
                best = t[p * ns + s];
        for (size_t s = 0; s < ns; s++) {
            double x = t[p * ns + s];
            r[p * ns + s] = !isfinite(best) || !isfinite(x) ? INFINITY
                            : best > 0 ? x / best : x > 0 ? INFINITY : 1;
        }
    }
}

double stats_profile(const double *r, size_t np, size_t ns, size_t s, double tau)
{
    size_t k = 0;
    for (size_t p = 0; p < np; p++)
        k += r[p * ns + s] <= tau;
    return np ? (double)k / (double)np : 0;
}

double stats_integrated_score(const double *r, size_t np, size_t ns, size_t s, double tau_max)
{
    if (np == 0 || !(tau_max > 1))
        return 0;
    double sum = 0;
    for (size_t p = 0; p < np; p++) {
        double x = r[p * ns + s] < 1 ? 1 : r[p * ns + s];
        if (x < tau_max)
            sum += (tau_max - x) / (tau_max - 1);
    }
    return sum / (double)np;
}

double stats_smallest_p(int paired, size_t na, size_t nb)
{
    double p = 2;
    if (paired) {
        for (size_t i = 0; i < na; i++)
            p /= 2;
    } else {
        double c = 1;   /* C(na + nb, na) */
        for (size_t i = 1; i <= na; i++)
            c = c * (double)(nb + i) / (double)i;
        p /= c;
    }
    return p < 1 ? p : 1;
}
