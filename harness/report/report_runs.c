/* report_runs.c -- the optimisation results: convergence curves per problem
 * (median over seeds, min-max band), final loss against learning rate per
 * beta, steps/time to target and a Dolan-More performance profile. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "problem.h"
#include "report/report.h"

#define MAX_LINES 8

static void group_label(char *buf, size_t len, const rep_group *g, int with_seeds)
{
    char lr[32], beta[32];
    int o = snprintf(buf, len, "%s/%s lr=%s β=%s", g->kernel, *g->preset ? g->preset : "-",
                     fmt_num(lr, sizeof lr, g->lr), fmt_num(beta, sizeof beta, g->beta));
    if (with_seeds && o > 0 && (size_t)o < len)
        snprintf(buf + o, len - (size_t)o, " (%zu seed%s%s)", g->nruns, g->nruns == 1 ? "" : "s",
                 g->ndiverged ? ", some diverged" : "");
}

static const rep_data *cmp_d;

/* One block per group gi[0..ng) in f: step, median, min, max; has[i] = the
 * points of group i.  Returns how many groups have points; *positive says
 * every min is above zero (so a log scale fits). */
static size_t convergence_data(FILE *f, const rep_data *d, const size_t *gi, size_t ng,
                               size_t *has, int *positive)
{
    size_t drawn = 0;
    for (size_t i = 0; i < ng; i++) {
        double *st, *med, *lo, *hi;
        size_t m = group_curve(d, &d->groups[gi[i]], &st, &med, &lo, &hi);
        fprintf(f, "# %s\n", d->groups[gi[i]].key);
        for (size_t k = 0; k < m; k++) {
            fprintf(f, "%.17g %.17g %.17g %.17g\n", st[k], med[k], lo[k], hi[k]);
            *positive &= lo[k] > 0;
        }
        fprintf(f, "\n\n");
        has[i] = m;
        drawn += m > 0;
        free(st); free(med); free(lo); free(hi);
    }
    return drawn;
}

/* The gnuplot script of one convergence plot; extra = the last group is the
 * best of all runs rather than part of the kernel comparison. */
static void convergence_plot(report *r, const rep_data *d, const char *prob, const char *name,
                             const size_t *gi, size_t ng, const size_t *has, int extra,
                             int positive)
{
    const char *ylabel;
    loss_shown(prob, 1.0, &ylabel);
    sbuf b = { 0 };
    char q[512], lab[256];
    sb_printf(&b, "set title %s\n", gp_quote(q, sizeof q, prob));
    sb_printf(&b, "set xlabel 'step (optimizer iterations)'\n");
    sb_printf(&b, "set ylabel '%s%s'\n", ylabel, positive ? ", log scale" : "");
    if (positive)
        sb_printf(&b, "set logscale y\nset format y '10^{%%L}'\nset format y '%%.0e'\n");
    sb_printf(&b, "plot \\\n");
    int first = 1;
    for (size_t i = 0; i < ng; i++) {
        if (!has[i])
            continue;
        group_label(lab, sizeof lab, &d->groups[gi[i]], 1);
        if (extra && i == ng - 1) {
            size_t used = strlen(lab);
            snprintf(lab + used, sizeof lab - used, " -- best of all runs");
        }
        sb_printf(&b, "%s  '%s.dat' index %zu using 1:3:4 with filledcurves lt %zu fs transparent solid 0.15 noborder notitle, \\\n"
               "  '' index %zu using 1:2 with lines lt %zu dt %zu title %s",
           first ? "" : ", \\\n", name, i, i + 1, i, i + 1, i % 4 + 1,
           gp_quote(q, sizeof q, lab));
        first = 0;
    }
    sb_printf(&b, "\n");
    char cap[512];
    snprintf(cap, sizeof cap, "%s: %s against step, median over seeds (band: min to max); "
             "lower is better.", prob, ylabel);
    plot_render(r, name, 420, b.s, cap);
    free(b.s);
}

/* The convergence plot of problem p: the comparison groups plus the best
 * configuration overall. */
static void convergence_problem(report *r, const rep_data *d, size_t p)
{
    const char *prob = d->problems[p];
    size_t ng, best;
    size_t *gi = comparison_groups(d, prob, NULL, &ng, &best);
    if (ng > MAX_LINES - 1)
        ng = MAX_LINES - 1;
    /* the best configuration overall, when the comparison is not it */
    int extra = 0;
    if (strcmp(d->groups[best].cfg, d->groups[gi[0]].cfg) && isfinite(d->groups[best].final_med)) {
        gi[ng++] = best;
        extra = 1;
    }
    char name[96];
    plot_name(name, sizeof name, "convergence", p, prob);
    FILE *f = plot_data(r, name);
    if (!f) {
        free(gi);
        r->plot_failures++;
        return;
    }
    int positive = 1;
    size_t *has = calloc(ng + 1, sizeof *has);
    size_t drawn = convergence_data(f, d, gi, ng, has, &positive);
    fclose(f);
    if (!drawn)
        rep_para(r, "%s: the runs recorded no curve points.", prob);
    else
        convergence_plot(r, d, prob, name, gi, ng, has, extra, positive);
    free(has);
    free(gi);
}

void section_convergence(report *r, const rep_data *d)
{
    rep_heading(r, 2, "Kernels: convergence (do they agree?)");
    if (d->nproblems == 0) {
        rep_para(r, "No finished runs in the database yet (rmsbench run / sweep, or make study).");
        return;
    }
    rep_para(r, "Loss against step for each problem: every kernel at the configuration run with "
                "the most kernels (the kernel comparison), plus the best configuration of all "
                "runs (e.g. from the learning-rate sweep) when it is another. The line is the "
                "median over seeds, the shaded band spans the best to the worst seed. Lower is "
                "better. Float kernels that agree within a few ulp draw the same line.");
    for (size_t p = 0; p < d->nproblems; p++)
        convergence_problem(r, d, p);
}


/* The kernel/preset with the most configurations on a problem: the one a
 * learning-rate sweep was run with. */
static void sweep_solver(const rep_data *d, const size_t *gi, size_t ng, const char **kernel,
                         const char **preset)
{
    size_t best = 0;
    *kernel = *preset = NULL;
    for (size_t i = 0; i < ng; i++) {
        const rep_group *g = &d->groups[gi[i]];
        size_t c = 0;
        for (size_t j = 0; j < ng; j++)
            c += !strcmp(d->groups[gi[j]].kernel, g->kernel) &&
                 !strcmp(d->groups[gi[j]].preset, g->preset);
        if (c > best) {
            best = c;
            *kernel = g->kernel;
            *preset = g->preset;
        }
    }
}

static int cmp_lr(const void *a, const void *b)
{
    const rep_group *x = &cmp_d->groups[*(const size_t *)a], *y = &cmp_d->groups[*(const size_t *)b];
    if (x->beta != y->beta)
        return (x->beta > y->beta) - (x->beta < y->beta);
    return (x->lr > y->lr) - (x->lr < y->lr);
}

/* The groups of the sweep solver on a problem, ordered by beta then lr;
 * *multi is set when some beta was run with two learning rates or more. */
static size_t *sweep_groups(const rep_data *d, const char *prob, size_t *count, int *multi,
                            const char **kernel, const char **preset)
{
    size_t ng;
    size_t *all = groups_of_problem(d, prob, &ng);
    sweep_solver(d, all, ng, kernel, preset);
    size_t k = 0;
    for (size_t i = 0; i < ng; i++)
        if (!strcmp(d->groups[all[i]].kernel, *kernel) && !strcmp(d->groups[all[i]].preset, *preset))
            all[k++] = all[i];
    cmp_d = d;
    qsort(all, k, sizeof *all, cmp_lr);
    *multi = 0;
    for (size_t i = 1; i < k; i++)
        *multi |= d->groups[all[i]].beta == d->groups[all[i - 1]].beta &&
                  d->groups[all[i]].lr != d->groups[all[i - 1]].lr;
    *count = k;
    return all;
}

/* The table row of the best configuration of each swept problem; problems
 * with one learning rate per beta are listed in skipped instead.  Returns
 * the rows written. */
static size_t sensitivity_table(report *r, const rep_data *d, char *skipped, size_t len,
                                size_t *nskipped)
{
    size_t rows = 0;
    for (size_t p = 0; p < d->nproblems; p++) {
        const char *prob = d->problems[p], *kernel, *preset;
        size_t k;
        int multi;
        size_t *all = sweep_groups(d, prob, &k, &multi, &kernel, &preset);
        if (!multi) {
            size_t used = strlen(skipped);
            if (used + 1 < len)
                snprintf(skipped + used, len - used, "%s%s", *nskipped ? ", " : "", prob);
            (*nskipped)++;
            free(all);
            continue;
        }
        size_t ndiv = 0, best = all[0];
        for (size_t i = 0; i < k; i++) {
            ndiv += isinf(d->groups[all[i]].final_med);
            if (d->groups[all[i]].final_med < d->groups[best].final_med)
                best = all[i];
        }
        if (!rows++)
            rep_table(r, 7, "problem", "kernel/preset", "best lr", "best β", "median final loss",
                      "seeds", "configs diverged");
        const rep_group *bg = &d->groups[best];
        char a[32], b2[32], c[32];
        rep_cell(r, "%s", prob);
        rep_cell(r, "%s/%s", kernel, *preset ? preset : "-");
        rep_cell(r, "%s", fmt_num(a, sizeof a, bg->lr));
        rep_cell(r, "%s", fmt_num(b2, sizeof b2, bg->beta));
        rep_cell(r, "%s", fmt_num(c, sizeof c, bg->final_med));
        rep_cell(r, "%zu", bg->nruns);
        rep_cell(r, "%zu of %zu", ndiv, k);
        free(all);
    }
    return rows;
}

/* The highest finite median or max loss shown among groups all[0..k) (1 if
 * none), and in *best the group with the lowest median final loss. */
static double sensitivity_ymax(const rep_data *d, const char *prob, const size_t *all, size_t k,
                               size_t *best)
{
    double ymax = -INFINITY;
    *best = all[0];
    for (size_t i = 0; i < k; i++) {
        const rep_group *g = &d->groups[all[i]];
        if (g->final_med < d->groups[*best].final_med)
            *best = all[i];
        double y = loss_shown(prob, g->final_med, NULL);
        double hi = loss_shown(prob, g->final_max, NULL);
        if (isfinite(y) && y > ymax)
            ymax = y;
        if (isfinite(hi) && hi > ymax)
            ymax = hi;
    }
    return isfinite(ymax) ? ymax : 1;
}

/* The sensitivity data: one block per beta (lr, median, min, max; finite
 * medians only), then the diverged medians, then the best point.  Returns
 * the number of betas (listed in betas); *positive: every min above zero. */
static size_t sensitivity_data(FILE *f, const rep_data *d, const char *prob, const size_t *all,
                               size_t k, size_t best, double ymax, double *betas, int *positive)
{
    size_t nb = 0;
    for (size_t i = 0; i < k; i++) {
        const rep_group *g = &d->groups[all[i]];
        if (i == 0 || g->beta != d->groups[all[i - 1]].beta) {
            if (nb == MAX_LINES)
                break;
            if (nb)
                fprintf(f, "\n\n");
            fprintf(f, "# beta %.17g\n", g->beta);
            betas[nb++] = g->beta;
        }
        double y = loss_shown(prob, g->final_med, NULL);
        double lo = loss_shown(prob, g->final_min, NULL);
        double hi = loss_shown(prob, g->final_max, NULL);
        if (!isfinite(hi))
            hi = 10 * ymax;      /* a seed diverged: the bar reaches the top */
        if (isfinite(y)) {
            fprintf(f, "%.17g %.17g %.17g %.17g\n", g->lr, y, lo, hi);
            *positive &= lo > 0;
        }
    }
    /* diverged medians, drawn as crosses above everything else */
    fprintf(f, "\n\n# diverged (median over seeds is infinite)\n");
    size_t ndiv = 0;
    for (size_t i = 0; i < k; i++)
        if (isinf(d->groups[all[i]].final_med)) {
            fprintf(f, "%.17g %.17g\n", d->groups[all[i]].lr, 10 * ymax);
            ndiv++;
        }
    if (!ndiv)
        fprintf(f, "nan nan\n");
    fprintf(f, "\n\n# best\n%.17g %.17g\n", d->groups[best].lr,
            loss_shown(prob, d->groups[best].final_med, NULL));
    return nb;
}

/* The gnuplot script of one sensitivity plot: a line per beta, the
 * diverged medians and the best point circled. */
static void sensitivity_plot(report *r, const rep_data *d, const char *prob, const char *name,
                             const char *kernel, const char *preset, const char *ylabel,
                             const double *betas, size_t nb, size_t best, int positive)
{
    sbuf b = { 0 };
    char q[512], t[256], num[32];
    snprintf(t, sizeof t, "%s -- %s/%s, median over seeds, bars: min to max", prob, kernel,
             *preset ? preset : "-");
    sb_printf(&b, "set title %s\n", gp_quote(q, sizeof q, t));
    sb_printf(&b, "set xlabel 'learning rate lr (log scale)'\nset logscale x\nset format x '%%.0e'\n");
    sb_printf(&b, "set ylabel 'final %s%s'\n", ylabel, positive ? ", log scale" : "");
    if (positive)
        sb_printf(&b, "set logscale y\nset format y '%%.0e'\n");
    sb_printf(&b, "plot \\\n");
    for (size_t i = 0; i < nb; i++)
        sb_printf(&b, "  '%s.dat' index %zu using 1:2:3:4 with yerrorlines lt %zu title 'β = %s', \\\n",
           name, i, i + 1, fmt_num(num, sizeof num, betas[i]));
    sb_printf(&b, "  '' index %zu using 1:2 with points pt 2 ps 1.5 lc rgb '#000000' title 'diverged (median)', \\\n"
           "  '' index %zu using 1:2 with points pt 6 ps 3 lw 2 lc rgb '#000000' title 'best'\n",
       nb, nb + 1);
    char cap[512], a[32], bb[32];
    snprintf(cap, sizeof cap, "%s: final %s against learning rate, one line per β; lower is "
             "better. Best: lr = %s, β = %s (circled).", prob, ylabel,
             fmt_num(a, sizeof a, d->groups[best].lr), fmt_num(bb, sizeof bb, d->groups[best].beta));
    plot_render(r, name, 420, b.s, cap);
    free(b.s);
}

/* The sensitivity plot of problem p, when it was swept. */
static void sensitivity_problem(report *r, const rep_data *d, size_t p)
{
    const char *prob = d->problems[p], *kernel, *preset;
    size_t k;
    int multi;
    size_t *all = sweep_groups(d, prob, &k, &multi, &kernel, &preset);
    if (!multi) {
        free(all);
        return;
    }
    char name[96];
    plot_name(name, sizeof name, "sensitivity", p, prob);
    FILE *f = plot_data(r, name);
    if (!f) {
        free(all);
        r->plot_failures++;
        return;
    }
    const char *ylabel;
    loss_shown(prob, 1.0, &ylabel);
    double betas[MAX_LINES];
    size_t best;
    int positive = 1;
    double ymax = sensitivity_ymax(d, prob, all, k, &best);
    size_t nb = sensitivity_data(f, d, prob, all, k, best, ymax, betas, &positive);
    fclose(f);
    if (!isfinite(d->groups[best].final_med))
        rep_para(r, "%s: every configuration diverged.", prob);
    else
        sensitivity_plot(r, d, prob, name, kernel, preset, ylabel, betas, nb, best, positive);
    free(all);
}

void section_sensitivity(report *r, const rep_data *d)
{
    rep_heading(r, 2, "Kernels and presets: learning-rate sensitivity");
    char skipped[1024] = "";
    size_t nskipped = 0;
    size_t rows = sensitivity_table(r, d, skipped, sizeof skipped, &nskipped);
    if (!rows) {
        rep_para(r, "No problem was run with more than one learning rate at one β yet "
                    "(rmsbench sweep --lr 1e-4:1e-1:7 --beta 0.9,0.99).");
        return;
    }
    rep_para(r, "Best = lowest median final loss over seeds among the configurations run "
                "(diverged runs count as infinite loss).");
    if (nskipped)
        rep_para(r, "Only one learning rate per β was run on %s: no sensitivity plot there.", skipped);
    for (size_t p = 0; p < d->nproblems; p++)
        sensitivity_problem(r, d, p);
}

/* ---------------------------------------------------------- to target */

typedef struct { const char *kernel, *preset; } solver;

/* The rows of t (one per problem every solver ran, ns columns): each
 * solver's steps or time to target over the best of them.  Returns the
 * rows filled; *solved = rows where some solver reached the target.
 * Each solver is taken at its preset's comparison configuration (the one
 * run with the most kernels), so that a kernel that was also swept gets no
 * more tries than the others; problems some solver did not run are left
 * out rather than counted as failures. */
static size_t profile_ratios(const rep_data *d, const solver *sv, size_t ns, int by_time,
                             double *t, size_t *solved)
{
    size_t used = 0;
    *solved = 0;
    for (size_t p = 0; p < d->nproblems; p++) {
        double best = INFINITY;
        int all_ran = 1;
        for (size_t s = 0; s < ns; s++) {
            size_t ng, bi;
            size_t *gi = comparison_groups(d, d->problems[p], sv[s].preset, &ng, &bi);
            const rep_group *g = NULL;
            for (size_t i = 0; i < ng && !g; i++)
                if (!strcmp(d->groups[gi[i]].kernel, sv[s].kernel))
                    g = &d->groups[gi[i]];
            free(gi);
            all_ran &= g != NULL;
            t[used * ns + s] = !g ? INFINITY : by_time ? g->time_med : g->steps_med;
            if (t[used * ns + s] < best)
                best = t[used * ns + s];
        }
        if (!all_ran)
            continue;
        *solved += isfinite(best);
        for (size_t s = 0; s < ns; s++) {
            double *x = &t[used * ns + s];
            *x = !isfinite(best) ? INFINITY : best > 0 ? *x / best : *x > 0 ? INFINITY : 1;
        }
        used++;
    }
    return used;
}

/* One step curve per solver in f (the share of the np problems within tau
 * of the best), and its line in the script b. */
static void profile_curves(FILE *f, sbuf *b, const char *name, const solver *sv, size_t ns,
                           const double *t, size_t np, double tau_max)
{
    double *col = malloc((np + 1) * sizeof *col);
    if (!col)
        cli_die("out of memory");
    char q[256], lab[128];
    for (size_t s = 0; s < ns; s++) {
        size_t k = 0;
        for (size_t p = 0; p < np; p++)
            if (isfinite(t[p * ns + s]))
                col[k++] = t[p * ns + s];
        rms_median(col, k);   /* sorts */
        size_t le1 = 0;
        while (le1 < k && col[le1] <= 1)
            le1++;
        fprintf(f, "# %s/%s\n1 %.17g\n", sv[s].kernel, sv[s].preset, (double)le1 / (double)np);
        for (size_t i = le1; i < k; i++)
            fprintf(f, "%.17g %.17g\n", col[i], (double)(i + 1) / (double)np);
        fprintf(f, "%.17g %.17g\n\n\n", tau_max, (double)k / (double)np);
        snprintf(lab, sizeof lab, "%s/%s", sv[s].kernel, *sv[s].preset ? sv[s].preset : "-");
        sb_printf(b, "%s  '%s.dat' index %zu using 1:2 with steps lt %zu dt %zu title %s",
           s ? ", \\\n" : "", name, s, s + 1, s % 4 + 1, gp_quote(q, sizeof q, lab));
    }
    free(col);
}

/* The profile plot from the ratios t (np rows of ns). */
static void profile_plot(report *r, const solver *sv, size_t ns, int by_time, const double *t,
                         size_t np, size_t left_out)
{
    const char *what = by_time ? "time to target" : "steps to target";
    const char *name = by_time ? "profile_time" : "profile_steps";
    FILE *f = plot_data(r, name);
    if (!f) {
        r->plot_failures++;
        return;
    }
    double tau_max = 1;
    for (size_t i = 0; i < np * ns; i++)
        if (isfinite(t[i]) && t[i] > tau_max)
            tau_max = t[i];
    tau_max = tau_max > 1.5 ? tau_max * 1.5 : 2;
    sbuf b = { 0 };
    sb_printf(&b, "set title 'Performance profile on %s over %zu problems'\n", what, np);
    if (left_out)
        rep_para(r, "The %s profile leaves out %zu problem%s that not every kernel/preset ran.",
                 what, left_out, left_out == 1 ? "" : "s");
    sb_printf(&b, "set xlabel 'τ: within this factor of the best %s (log scale)'\n", what);
    sb_printf(&b, "set ylabel 'fraction of problems solved'\nset logscale x 2\n");
    sb_printf(&b, "set xrange [1:%g]\nset yrange [0:1.05]\nset key bottom right inside\nplot \\\n", tau_max);
    profile_curves(f, &b, name, sv, ns, t, np, tau_max);
    sb_printf(&b, "\n");
    fclose(f);
    char cap[640];
    snprintf(cap, sizeof cap, "Performance profile on %s (Dolan-More; AlgoPerf scores "
             "optimizers on time to target this way): for each kernel/preset, the fraction of "
             "problems it brings to the target within a factor τ of the best of them. Higher and "
             "further left is better; the value at τ = 1 is the share of problems where it was "
             "the %s.%s", what, by_time ? "fastest" : "one needing the fewest steps",
             by_time ? " Time includes computing the gradient, so kernels differ little on "
                       "small problems." : " Float kernels that agree within a few ulp take "
                       "the same steps: their lines coincide.");
    plot_render(r, name, 380, b.s, cap);
    free(b.s);
}

/* Dolan-More: t[p][s] = the best median (over its configurations) steps or
 * time to target of solver s on problem p; rho_s(tau) = share of problems
 * with t[p][s] <= tau * min_s t[p][s]. */
static void profile(report *r, const rep_data *d, const solver *sv, size_t ns, int by_time)
{
    const char *what = by_time ? "time to target" : "steps to target";
    double *t = malloc((d->nproblems * ns + 1) * sizeof *t);
    if (!t)
        cli_die("out of memory");
    size_t solved;
    size_t np = profile_ratios(d, sv, ns, by_time, t, &solved);
    if (ns < 2 || solved == 0)
        rep_para(r, "No performance profile on %s: it needs at least two kernel/preset pairs "
                    "and one problem where one of them reached the target (here %zu pair%s, "
                    "%zu problem%s solved).", what, ns, ns == 1 ? "" : "s", solved,
                 solved == 1 ? "" : "s");
    else
        profile_plot(r, sv, ns, by_time, t, np, d->nproblems - np);
    free(t);
}

/* The solvers (kernel/preset pairs of any run) for the profiles, and in
 * kern (up to MAX_LINES) the kernels for the table's columns. */
static solver *target_solvers(const rep_data *d, size_t *ns, const char **kern, size_t *nk)
{
    solver *sv = calloc(d->ngroups + 1, sizeof *sv);
    *ns = *nk = 0;
    if (!sv)
        cli_die("out of memory");
    for (size_t i = 0; i < d->ngroups; i++) {
        const rep_group *g = &d->groups[i];
        size_t s;
        for (s = 0; s < *ns; s++)
            if (!strcmp(sv[s].kernel, g->kernel) && !strcmp(sv[s].preset, g->preset))
                break;
        if (s == *ns)
            sv[(*ns)++] = (solver){ g->kernel, g->preset };
        for (s = 0; s < *nk && strcmp(kern[s], g->kernel); s++)
            ;
        if (s == *nk && *nk < MAX_LINES)
            kern[(*nk)++] = g->kernel;
    }
    return sv;
}

/* The to-target table's header: five fixed columns, one per kernel, the fastest. */
static void target_header(report *r, const char **kern, size_t nk)
{
    const char *hdr[5 + MAX_LINES + 1];
    char khdr[MAX_LINES][64];
    hdr[0] = "problem"; hdr[1] = "target loss"; hdr[2] = "configuration";
    hdr[3] = "seeds reaching target"; hdr[4] = "median steps";
    for (size_t k = 0; k < nk; k++) {
        snprintf(khdr[k], sizeof khdr[k], "%s (ms)", kern[k]);
        hdr[5 + k] = khdr[k];
    }
    hdr[5 + nk] = "fastest to target";
    rep_table_n(r, 6 + nk, hdr);
}

/* The to-target row of problem p: its comparison groups, one time per kernel. */
static void target_row(report *r, const rep_data *d, size_t p, const char **kern, size_t nk)
{
    size_t ng, best;
    size_t *gi = comparison_groups(d, d->problems[p], NULL, &ng, &best);
    const problem_def *pd = problem_find(d->problems[p]);
    const rep_group *g0 = &d->groups[gi[0]];
    char a[32], b[32], c[32];
    size_t reached = 0, seeds = 0;
    double smin = INFINITY, smax = -INFINITY, tbest = INFINITY;
    const char *fastest = "-";
    for (size_t i = 0; i < ng; i++) {
        const rep_group *g = &d->groups[gi[i]];
        reached += g->reached;
        seeds += g->nruns;
        if (g->steps_med < smin)
            smin = g->steps_med;
        if (g->steps_med > smax)
            smax = g->steps_med;
        if (g->time_med < tbest)
            tbest = g->time_med, fastest = g->kernel;
    }
    rep_cell(r, "%s", g0->problem);
    rep_cell(r, "%s", pd ? fmt_num(a, sizeof a, pd->target) : "?");
    rep_cell(r, "%s lr=%s β=%s", *g0->preset ? g0->preset : "-", fmt_num(a, sizeof a, g0->lr),
             fmt_num(b, sizeof b, g0->beta));
    rep_cell(r, "%zu of %zu", reached, seeds);
    if (isinf(smin))
        rep_cell(r, "-");
    else if (isinf(smax) || !strcmp(fmt_num(a, sizeof a, smin), fmt_num(b, sizeof b, smax)))
        rep_cell(r, "%s", fmt_num(c, sizeof c, smin));
    else
        rep_cell(r, "%s to %s", a, b);
    for (size_t k = 0; k < nk; k++) {
        const rep_group *g = NULL;
        for (size_t i = 0; i < ng && !g; i++)
            if (!strcmp(d->groups[gi[i]].kernel, kern[k]))
                g = &d->groups[gi[i]];
        rep_cell(r, "%s", !g || isinf(g->time_med) ? "-" : fmt_num(c, sizeof c, 1e3 * g->time_med));
    }
    rep_cell(r, "%s", fastest);
    free(gi);
}

void section_target(report *r, const rep_data *d)
{
    rep_heading(r, 2, "Kernels: steps and time to target");
    if (d->nproblems == 0) {
        rep_para(r, "No finished runs: nothing reached a target yet.");
        return;
    }
    rep_para(r, "A run reaches the target when its loss first falls to the problem's target "
                "loss. Every kernel at the comparison configuration (as in the convergence "
                "plots); medians over seeds; '-' = most seeds never reached it. Steps agree "
                "across float kernels; the time shows which kernel gets there first.");
    const char *kern[MAX_LINES];
    size_t ns, nk;
    solver *sv = target_solvers(d, &ns, kern, &nk);
    target_header(r, kern, nk);
    for (size_t p = 0; p < d->nproblems; p++)
        target_row(r, d, p, kern, nk);

    rep_heading(r, 3, "Performance profiles");
    profile(r, d, sv, ns, 1);
    profile(r, d, sv, ns, 0);
    free(sv);
}
