/* report_solvers_plots.c -- the comparison's figures and the tables drawn
 * from all problems: convergence (median and 95 % band over seeds) against
 * step and wall time, final loss against lr per solver, divergence per
 * solver and lr, Dolan-More profiles with the AlgoPerf integrated score. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "report/report_solvers.h"

#define MAX_SOLVER_LINES 8

/* Per step over the entry's runs: step, median, 2.5 % and 97.5 % quantiles
 * of the loss shown, median elapsed seconds.  Returns the rows written. */
static size_t entry_curve(const rep_data *d, const sv_entry *e, FILE *f, int *positive)
{
    curve_pt *pts;
    curve_row *rows;
    size_t np = runs_curve(d, e->runs, e->n, 0, &pts), m = curve_rows(pts, np, &rows);
    for (size_t i = 0; i < m; i++) {
        fprintf(f, "%.17g %.17g %.17g %.17g %.17g\n", rows[i].step, rows[i].med, rows[i].lo,
                rows[i].hi, rows[i].t);
        *positive &= rows[i].lo > 0;
    }
    free(rows);
    free(pts);
    return m;
}

void solver_convergence(report *r, const rep_data *d, const char *problem, size_t p,
                        const sv_entry *e, size_t n)
{
    if (n > MAX_SOLVER_LINES)
        n = MAX_SOLVER_LINES;
    const char *ylabel;
    loss_shown(problem, 1.0, &ylabel);
    for (int by_time = 0; by_time < 2; by_time++) {
        char name[96];
        plot_name(name, sizeof name, by_time ? "solvers_time" : "solvers_curve", p, problem);
        FILE *f = plot_data(r, name);
        if (!f) {
            r->plot_failures++;
            return;
        }
        size_t rows[MAX_SOLVER_LINES], drawn = 0;
        int positive = 1;
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "# %s: step, median, 2.5%%, 97.5%% over runs, median elapsed s\n", e[i].label);
            rows[i] = entry_curve(d, &e[i], f, &positive);
            drawn += rows[i] > 0;
            fprintf(f, "%s\n\n", rows[i] ? "" : "nan nan nan nan nan\n");
        }
        fclose(f);
        if (!drawn) {
            rep_para(r, "%s: the runs recorded no curve points.", problem);
            return;
        }
        sbuf b = { 0 };
        char q[512];
        const char *x = by_time ? "5" : "1";
        sb_printf(&b, "set title %s\n", gp_quote(q, sizeof q, problem));
        sb_printf(&b, "set xlabel '%s'\n", by_time ? "wall time (s, median over runs)"
                                                   : "step (optimizer iterations)");
        sb_printf(&b, "set ylabel '%s%s'\n", ylabel, positive ? ", log scale" : "");
        if (positive)
            sb_printf(&b, "set logscale y\nset format y '%%.0e'\n");
        sb_printf(&b, "set key outside right\nplot \\\n");
        int first = 1;
        for (size_t i = 0; i < n; i++) {
            if (!rows[i])
                continue;
            sb_printf(&b, "%s  '%s.dat' index %zu using %s:3:4 with filledcurves lt %zu fs transparent solid 0.15 noborder notitle, \\\n"
                      "  '' index %zu using %s:2 with lines lw 2 lt %zu dt %zu title %s",
                      first ? "" : ", \\\n", name, i, x, i + 1, i, x, i + 1, i % 4 + 1,
                      gp_quote(q, sizeof q, e[i].label));
            first = 0;
        }
        sb_printf(&b, "\n");
        char cap[512];
        snprintf(cap, sizeof cap, "%s: %s against %s for each solver at its tuned configuration; "
                 "line: median over runs, band: 2.5 %% to 97.5 %% of the runs. Lower is better.",
                 problem, ylabel, by_time ? "wall time" : "step");
        plot_render(r, name, 400, b.s, cap);
        free(b.s);
    }
}

typedef struct lpt { double lr, med; size_t runs; } lpt;
static int cmp_lpt(const void *a, const void *b)
{
    const lpt *x = a, *y = b;
    return (x->lr > y->lr) - (x->lr < y->lr);
}

/* Display labels of the runs of problem (NULL: all), not quasirandom. */
static size_t solver_lines(const rep_data *d, const char *problem, const char **sv, int *f64,
                           size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < d->ngroups; i++) {
        const rep_run *u = &d->runs[d->groups[i].runs[0]];
        if ((problem && strcmp(u->problem, problem)) || u->quasi)
            continue;
        size_t k;
        for (k = 0; k < n; k++)
            if (!strcmp(sv[k], u->solver) && f64[k] == u->f64)
                break;
        if (k == n && n < cap) {
            sv[n] = u->solver;
            f64[n++] = u->f64;
        }
    }
    return n;
}

static void display(char *buf, size_t len, const rep_data *d, const char *solver, int f64)
{
    int both[2] = { 0, 0 };
    for (size_t i = 0; i < d->nruns; i++)
        if (!strcmp(d->runs[i].solver, solver))
            both[d->runs[i].f64] = 1;
    snprintf(buf, len, "%s%s", solver, both[0] && both[1] ? (f64 ? " (f64)" : " (f32)") : "");
}

/* Per lr, the median final loss of the solver's configuration with the
 * most runs at that lr (quasirandom trials left out), sorted by lr. */
static size_t lr_points(const rep_data *d, const char *problem, const char *solver, int f64,
                        lpt *q)
{
    size_t k = 0;
    for (size_t i = 0; i < d->ngroups; i++) {
        const rep_group *g = &d->groups[i];
        const rep_run *u = &d->runs[g->runs[0]];
        if (strcmp(g->problem, problem) || u->quasi || strcmp(u->solver, solver) || u->f64 != f64)
            continue;
        size_t j;
        for (j = 0; j < k && q[j].lr != g->lr; j++)
            ;
        if (j == k)
            q[k++] = (lpt){ g->lr, g->final_med, g->nruns };
        else if (g->nruns > q[j].runs)
            q[j] = (lpt){ g->lr, g->final_med, g->nruns };
    }
    qsort(q, k, sizeof *q, cmp_lpt);
    return k;
}

void solver_sensitivity(report *r, const rep_data *d, const char *problem, size_t p)
{
    const char *sv[MAX_SOLVER_LINES];
    int f64[MAX_SOLVER_LINES];
    size_t ns = solver_lines(d, problem, sv, f64, MAX_SOLVER_LINES), multi = 0;
    char name[96];
    plot_name(name, sizeof name, "solvers_lr", p, problem);
    FILE *f = NULL;
    double ymax = -INFINITY;
    int positive = 1;
    size_t npts[MAX_SOLVER_LINES];
    lpt *all = calloc((d->ngroups + 1) * MAX_SOLVER_LINES, sizeof *all);
    if (!all)
        cli_die("out of memory");
    for (size_t s = 0; s < ns; s++) {
        lpt *q = all + s * (d->ngroups + 1);
        size_t k = npts[s] = lr_points(d, problem, sv[s], f64[s], q);
        multi += k > 1;
        for (size_t j = 0; j < k; j++) {
            double y = loss_shown(problem, q[j].med, NULL);
            if (isfinite(y) && y > ymax)
                ymax = y;
            positive &= !isfinite(y) || y > 0;
        }
    }
    if (!multi) {
        free(all);
        return;
    }
    if (!isfinite(ymax))
        ymax = 1;
    f = plot_data(r, name);
    if (!f) {
        free(all);
        r->plot_failures++;
        return;
    }
    sbuf b = { 0 };
    char qt[512], lab[320];
    const char *ylabel;
    loss_shown(problem, 1.0, &ylabel);
    sb_printf(&b, "set title %s\nset xlabel 'learning rate lr (log scale)'\nset logscale x\n"
              "set format x '%%.0e'\nset ylabel 'final %s, median over seeds%s'\n",
              gp_quote(qt, sizeof qt, problem), ylabel, positive ? ", log scale" : "");
    if (positive)
        sb_printf(&b, "set logscale y\nset format y '%%.0e'\n");
    sb_printf(&b, "set key outside right\nplot \\\n");
    for (size_t s = 0; s < ns; s++) {
        lpt *q = all + s * (d->ngroups + 1);
        display(lab, sizeof lab, d, sv[s], f64[s]);
        fprintf(f, "# %s: lr, median final (finite)\n", lab);
        size_t fin = 0;
        for (size_t j = 0; j < npts[s]; j++)
            if (isfinite(loss_shown(problem, q[j].med, NULL)))
                fprintf(f, "%.17g %.17g\n", q[j].lr, loss_shown(problem, q[j].med, NULL)), fin++;
        fprintf(f, "%s\n\n# %s: diverged (median over seeds infinite), drawn at the top\n",
                fin ? "" : "nan nan\n", lab);
        size_t div = 0;
        for (size_t j = 0; j < npts[s]; j++)
            if (!isfinite(loss_shown(problem, q[j].med, NULL)))
                fprintf(f, "%.17g %.17g\n", q[j].lr, 10 * ymax), div++;
        fprintf(f, "%s\n\n", div ? "" : "nan nan\n");
        sb_printf(&b, "%s  '%s.dat' index %zu using 1:2 with linespoints lt %zu pt 7 title %s, \\\n"
                  "  '' index %zu using 1:2 with points lt %zu pt 2 ps 2 notitle",
                  s ? ", \\\n" : "", name, 2 * s, s + 1, gp_quote(qt, sizeof qt, lab), 2 * s + 1,
                  s + 1);
    }
    sb_printf(&b, "\n");
    fclose(f);
    char cap[512];
    snprintf(cap, sizeof cap, "%s: final %s against learning rate, one line per solver (median "
             "over seeds of every configuration run, tuning trials included); crosses at the "
             "top: the median run diverged. Lower is better.", problem, ylabel);
    plot_render(r, name, 400, b.s, cap);
    free(b.s);
    free(all);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define MAX_LR_COLUMNS 16

void solver_divergence(report *r, const rep_data *d)
{
    const char *sv[64];
    int f64[64];
    size_t ns = solver_lines(d, NULL, sv, f64, 64), nlr = 0;
    double lrs[MAX_LR_COLUMNS];
    int more = 0;
    for (size_t i = 0; i < d->nruns; i++) {
        const rep_run *u = &d->runs[i];
        if (u->quasi)
            continue;
        size_t k;
        for (k = 0; k < nlr && lrs[k] != u->lr; k++)
            ;
        if (k == nlr) {
            if (nlr < MAX_LR_COLUMNS)
                lrs[nlr++] = u->lr;
            else
                more = 1;
        }
    }
    if (!ns || !nlr) {
        rep_para(r, "No runs outside quasirandom studies: nothing to tabulate per lr.");
        return;
    }
    qsort(lrs, nlr, sizeof *lrs, cmp_double);
    rep_para(r, "Runs that diverged (a NaN or Inf loss or gradient stopped them) out of the runs "
                "made, per solver and learning rate, over every problem and seed (tuning trials "
                "included; quasirandom trials, whose lr varies with other options, left out).%s",
             more ? " Only the first learning rates fit in the table." : "");
    const char *hdr[MAX_LR_COLUMNS + 2];
    char lh[MAX_LR_COLUMNS][40];
    hdr[0] = "solver";
    for (size_t k = 0; k < nlr; k++) {
        char v[32];
        snprintf(lh[k], sizeof lh[k], "lr %s", fmt_num(v, sizeof v, lrs[k]));
        hdr[k + 1] = lh[k];
    }
    hdr[nlr + 1] = "all";
    rep_table_n(r, nlr + 2, hdr);
    for (size_t s = 0; s < ns; s++) {
        char lab[320];
        display(lab, sizeof lab, d, sv[s], f64[s]);
        rep_cell(r, "%s", lab);
        size_t tdiv = 0, truns = 0;
        for (size_t k = 0; k <= nlr; k++) {
            size_t div = 0, runs = 0;
            for (size_t i = 0; k < nlr && i < d->nruns; i++) {
                const rep_run *u = &d->runs[i];
                if (u->quasi || u->lr != lrs[k] || strcmp(u->solver, sv[s]) || u->f64 != f64[s])
                    continue;
                runs++;
                div += !u->status_done;
            }
            if (k == nlr)
                div = tdiv, runs = truns;
            tdiv += div;
            truns += runs;
            if (runs)
                rep_cell(r, "%zu/%zu", div, runs);
            else
                rep_cell(r, "-");
        }
    }
}

/* One profile figure: k = 0 steps, 1 time to target. */
static void profile_plot(report *r, int k, const double *ratio, size_t used, size_t ns,
                         char (*names)[300])
{
    const char *name = k ? "solvers_profile_time" : "solvers_profile_steps";
    FILE *f = plot_data(r, name);
    if (!f) {
        r->plot_failures++;
        return;
    }
    double tau_max = SOLVER_TAU_MAX;
    for (size_t i = 0; i < used * ns; i++)
        if (isfinite(ratio[i]) && ratio[i] * 1.2 > tau_max)
            tau_max = ratio[i] * 1.2;
    sbuf b = { 0 };
    char q[512];
    sb_printf(&b, "set title 'Performance profile on %s over %zu problems'\n",
              k ? "time to target" : "steps to target", used);
    sb_printf(&b, "set xlabel 'τ: within this factor of the best solver (log scale)'\n"
              "set ylabel 'fraction of problems ρ(τ)'\nset logscale x 2\n"
              "set xrange [1:%g]\nset yrange [0:1.05]\nset key outside right\n"
              "set arrow from %g, graph 0 to %g, graph 1 nohead dt 3\nplot \\\n",
              tau_max, SOLVER_TAU_MAX, SOLVER_TAU_MAX);
    for (size_t s = 0; s < ns; s++) {
        double *col = calloc(used + 1, sizeof *col);
        size_t m = 0;
        for (size_t p = 0; p < used; p++)
            if (isfinite(ratio[p * ns + s]))
                col[m++] = ratio[p * ns + s];
        qsort(col, m, sizeof *col, cmp_double);
        fprintf(f, "# %s: tau, rho(tau)\n1 %.17g\n", names[s],
                stats_profile(ratio, used, ns, s, 1));
        for (size_t i = 0; i < m; i++)
            fprintf(f, "%.17g %.17g\n", col[i], stats_profile(ratio, used, ns, s, col[i]));
        fprintf(f, "%.17g %.17g\n\n\n", tau_max, stats_profile(ratio, used, ns, s, tau_max));
        free(col);
        sb_printf(&b, "%s  '%s.dat' index %zu using 1:2 with steps lw 2 lt %zu dt %zu title %s",
                  s ? ", \\\n" : "", name, s, s % 8 + 1, s % 4 + 1,
                  gp_quote(q, sizeof q, names[s]));
    }
    sb_printf(&b, "\n");
    fclose(f);
    char cap[512];
    snprintf(cap, sizeof cap, "Dolan-More performance profile on %s: for each solver at its "
             "tuned configuration, the share of problems on which its median %s is within a "
             "factor τ of the best solver's. Higher and further left is better; the dotted "
             "line is τ = 4, the end of AlgoPerf's score integral.",
             k ? "time to target" : "steps to target", k ? "time" : "steps");
    plot_render(r, name, 380, b.s, cap);
    free(b.s);
}

/* Each problem's solver entries: names[s] (at most 64 solvers), and
 * cost[k][p * 64 + s] the median steps (k = 0) and time (k = 1) to target
 * where has[p * 64 + s].  Returns the number of solvers. */
static size_t solver_costs(const rep_data *d, char (*names)[300], double *cost[2], int *has)
{
    size_t ns = 0;
    for (size_t p = 0; p < d->nproblems; p++) {
        const sv_entry *e = solver_problem(d, p)->e;
        size_t n = solver_problem(d, p)->n;
        for (size_t i = 0; i < n; i++) {
            size_t s;
            for (s = 0; s < ns && strcmp(names[s], e[i].label); s++)
                ;
            if (s == ns) {
                if (ns == 64)
                    continue;
                snprintf(names[ns++], 300, "%s", e[i].label);
            }
            cost[0][p * 64 + s] = e[i].med[1];
            cost[1][p * 64 + s] = e[i].med[2];
            has[p * 64 + s] = 1;
        }
    }
    return ns;
}

/* Keeps the problems every solver ran, packed as t[k][p * ns + s]; *used =
 * their number.  Returns how many of them some solver brought to target. */
static size_t common_problems(size_t np, size_t ns, double *const cost[2], const int *has,
                              double *t[2], size_t *used)
{
    size_t solved = 0;
    *used = 0;
    for (size_t p = 0; p < np; p++) {
        int all = 1;
        for (size_t s = 0; s < ns; s++)
            all &= has[p * 64 + s];
        if (!all)
            continue;
        int any = 0;
        for (size_t s = 0; s < ns; s++)
            for (int k = 0; k < 2; k++) {
                t[k][*used * ns + s] = cost[k][p * 64 + s];
                any |= isfinite(cost[k][p * 64 + s]);
            }
        solved += any;
        (*used)++;
    }
    return solved;
}

/* The table of rho(1) and the integrated score per solver, steps and time. */
static void profile_scores(report *r, double *const ratio[2], size_t used, size_t ns,
                           char (*names)[300])
{
    rep_para(r, "Integrated score (AlgoPerf): the area under ρ(τ) for τ from 1 to %g divided by "
                "%g, so 1 = best on every problem and 0 = never within a factor %g of the best.",
             SOLVER_TAU_MAX, SOLVER_TAU_MAX - 1, SOLVER_TAU_MAX);
    rep_table(r, 5, "solver", "ρ(1), steps", "score, steps", "ρ(1), time", "score, time");
    for (size_t s = 0; s < ns; s++) {
        char a[32], b2[32], c[32], e2[32];
        rep_cell(r, "%s", names[s]);
        rep_cell(r, "%s", fmt_num(a, sizeof a, stats_profile(ratio[0], used, ns, s, 1)));
        rep_cell(r, "%s", fmt_num(b2, sizeof b2,
                                   stats_integrated_score(ratio[0], used, ns, s, SOLVER_TAU_MAX)));
        rep_cell(r, "%s", fmt_num(c, sizeof c, stats_profile(ratio[1], used, ns, s, 1)));
        rep_cell(r, "%s", fmt_num(e2, sizeof e2,
                                   stats_integrated_score(ratio[1], used, ns, s, SOLVER_TAU_MAX)));
    }
}

/* Profiles over the problems on which every solver has an entry. */
void solver_profiles(report *r, const rep_data *d)
{
    size_t np = d->nproblems;
    char (*names)[300] = calloc(64, sizeof *names);
    double *cost[2];
    cost[0] = calloc(np * 64 + 1, sizeof(double));
    cost[1] = calloc(np * 64 + 1, sizeof(double));
    int *has = calloc(np * 64 + 1, sizeof *has);
    if (!names || !cost[0] || !cost[1] || !has)
        cli_die("out of memory");
    size_t ns = solver_costs(d, names, cost, has);
    double *t[2] = { calloc(np * ns + 1, sizeof(double)), calloc(np * ns + 1, sizeof(double)) };
    double *ratio[2] = { calloc(np * ns + 1, sizeof(double)), calloc(np * ns + 1, sizeof(double)) };
    size_t used, solved = common_problems(np, ns, cost, has, t, &used);
    if (ns < 2 || solved == 0) {
        rep_para(r, "No performance profile: it needs two solvers or more on the same problems "
                    "and one problem where one of them reached the target (here %zu solver%s, "
                    "%zu problem%s solved).", ns, ns == 1 ? "" : "s", solved,
                 solved == 1 ? "" : "s");
        goto out;
    }
    for (int k = 0; k < 2; k++)
        stats_perf_ratios(t[k], used, ns, ratio[k]);
    if (used < np)
        rep_para(r, "The profiles use the %zu of %zu problems on which every solver ran.", used, np);
    for (int k = 0; k < 2; k++)
        profile_plot(r, k, ratio[k], used, ns, names);
    profile_scores(r, ratio, used, ns, names);
out:
    for (int k = 0; k < 2; k++) {
        free(t[k]);
        free(ratio[k]);
        free(cost[k]);
    }
    free(has);
    free(names);
}

/* Held-out accuracy per epoch: median and 2.5-97.5 % over the runs. */
void solver_heldout(report *r, const rep_data *d, const char *problem, size_t p,
                    const sv_entry *e, size_t n)
{
    if (n > MAX_SOLVER_LINES)
        n = MAX_SOLVER_LINES;
    char name[96];
    plot_name(name, sizeof name, "solvers_acc", p, problem);
    FILE *f = NULL;
    int has[MAX_SOLVER_LINES] = { 0 };
    for (size_t i = 0; i < n; i++) {
        curve_pt *pts;
        size_t np = runs_curve(d, e[i].runs, e[i].n, 1, &pts);
        if (np && !f && !(f = plot_data(r, name))) {
            r->plot_failures++;
            free(pts);
            return;
        }
        if (!f) {
            free(pts);
            continue;
        }
        curve_row *rows;
        size_t m = curve_rows(pts, np, &rows);
        fprintf(f, "# %s: step, median test accuracy, 2.5%%, 97.5%%\n", e[i].label);
        for (size_t k = 0; k < m; k++)
            fprintf(f, "%.17g %.17g %.17g %.17g\n", rows[k].step, rows[k].med, rows[k].lo,
                    rows[k].hi);
        free(rows);
        fprintf(f, "%s\n\n", np ? "" : "nan nan nan nan\n");
        has[i] = np > 0;
        free(pts);
    }
    if (!f)
        return;
    fclose(f);
    sbuf b = { 0 };
    char q[512];
    sb_printf(&b, "set title %s\nset xlabel 'step (optimizer iterations)'\n"
              "set ylabel 'held-out (test) accuracy'\nset key outside right\nplot \\\n",
              gp_quote(q, sizeof q, problem));
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (!has[i])
            continue;
        sb_printf(&b, "%s  '%s.dat' index %zu using 1:3:4 with filledcurves lt %zu fs transparent solid 0.15 noborder notitle, \\\n"
                  "  '' index %zu using 1:2 with linespoints lw 2 lt %zu dt %zu pt 7 title %s",
                  first ? "" : ", \\\n", name, i, i + 1, i, i + 1, i % 4 + 1,
                  gp_quote(q, sizeof q, e[i].label));
        first = 0;
    }
    sb_printf(&b, "\n");
    char cap[400];
    snprintf(cap, sizeof cap, "%s: accuracy on the held-out test set, recorded once per epoch, "
             "for each solver at its tuned configuration (median over runs, band 2.5 %% to "
             "97.5 %%). Higher is better.", problem);
    plot_render(r, name, 380, b.s, cap);
    free(b.s);
}
