/* report_solvers.c -- the comparison of solvers (preset + options, see
 * run/solver.h), each at its tuned configuration: the final runs of a
 * `rmsbench tune` study, or else the learning rate with the lowest median
 * final loss among the runs of a sweep.  Per problem: a ranking with 95 %
 * bootstrap intervals over seeds and, for the best solver against each other
 * one, a Wilcoxon signed-rank (same seeds) or Mann-Whitney U test with an
 * effect size; key findings; convergence bands against steps and time;
 * sensitivity to lr; divergence per solver and lr; Dolan-More profiles and
 * the AlgoPerf integrated score.  Kernels are pooled: a float solver's runs
 * come from one kernel (float kernels give the same trajectories). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "problem.h"
#include "report/report.h"
#include "report/report_solvers.h"
#include "stats/stats.h"

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        cli_die("out of memory");
    return p;
}

/* A solver label needs its precision only when the database holds it in
 * both (ref64 and a float kernel). */
static int both_precisions(const rep_data *d, const char *solver)
{
    int seen[2] = { 0, 0 };
    for (size_t i = 0; i < d->nruns; i++)
        if (!strcmp(d->runs[i].solver, solver))
            seen[d->runs[i].f64] = 1;
    return seen[0] && seen[1];
}

static void fill_stats(const rep_data *d, sv_entry *e)
{
    e->final = xcalloc(e->n, sizeof *e->final);
    e->steps = xcalloc(e->n, sizeof *e->steps);
    e->time = xcalloc(e->n, sizeof *e->time);
    e->lr = d->runs[e->runs[0]].lr;
    for (size_t i = 0; i < e->n; i++) {
        const rep_run *u = &d->runs[e->runs[i]];
        e->final[i] = loss_shown(u->problem, u->final_loss, NULL);
        if (!isfinite(e->final[i]))
            e->final[i] = INFINITY;
        e->ndiv += !u->status_done;
        int hit = u->status_done && u->steps_to_target >= 0;
        e->steps[i] = hit ? (double)u->steps_to_target : INFINITY;
        e->time[i] = hit && u->time_to_target_s >= 0 ? u->time_to_target_s : INFINITY;
        if (u->lr != e->lr)
            e->lr = NAN;          /* quasirandom: each study chose its own */
    }
    double *v[3] = { e->final, e->steps, e->time };
    for (int k = 0; k < 3; k++) {
        e->med[k] = stats_median(v[k], e->n);
        stats_bootstrap_median(v[k], e->n, STATS_BOOT_REPS, STATS_BOOT_SEED, 0.95,
                               &e->lo[k], &e->hi[k]);
    }
}

static int cmp_entry(const void *a, const void *b)
{
    const sv_entry *x = a, *y = b;
    if (x->med[0] != y->med[0])
        return x->med[0] < y->med[0] ? -1 : 1;
    if (x->med[1] != y->med[1])
        return x->med[1] < y->med[1] ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* Runs of one problem that a study marked final, per (solver, precision),
 * the kernel with the most of them; only when no study tuned any solver of
 * the problem, per solver the configuration (group) with the lowest median
 * final loss of the sweeps.  *left_out: the solvers seen only
 * in sweeps that were left out because tuned ones exist. */
static sv_entry *solver_entries(const rep_data *d, const char *problem, size_t *count,
                                size_t *left_out)
{
    sv_entry *e = xcalloc(d->nruns + d->ngroups + 1, sizeof *e);
    size_t n = 0;
    for (size_t i = 0; i < d->nruns; i++) {
        const rep_run *u = &d->runs[i];
        if (u->phase != RUN_FINAL || strcmp(u->problem, problem))
            continue;
        size_t k;
        for (k = 0; k < n; k++)
            if (!strcmp(e[k].solver, u->solver) && e[k].f64 == u->f64)
                break;
        if (k == n) {
            e[n].solver = u->solver;
            e[n].f64 = u->f64;
            e[n].how = u->quasi ? "quasirandom" : "grid";
            e[n].runs = xcalloc(d->nruns, sizeof *e[n].runs);
            n++;
        }
        /* one kernel per entry: the first seen unless another has more runs */
        size_t same = 0, mine = 0;
        for (size_t j = 0; j < e[k].n; j++)
            same += !strcmp(d->runs[e[k].runs[j]].kernel, d->runs[e[k].runs[0]].kernel);
        for (size_t j = 0; j < d->nruns; j++)
            mine += d->runs[j].phase == RUN_FINAL && !strcmp(d->runs[j].problem, problem) &&
                    !strcmp(d->runs[j].solver, u->solver) && !strcmp(d->runs[j].kernel, u->kernel);
        if (e[k].n && strcmp(d->runs[e[k].runs[0]].kernel, u->kernel)) {
            if (mine <= same)
                continue;
            e[k].n = 0;
        }
        e[k].runs[e[k].n++] = i;
    }
    size_t tuned = n;
    for (size_t gi = 0; gi < d->ngroups; gi++) {
        const rep_group *g = &d->groups[gi];
        const rep_run *u = &d->runs[g->runs[0]];
        if (strcmp(g->problem, problem) || u->phase != RUN_PLAIN)
            continue;
        size_t k;
        for (k = 0; k < n; k++)
            if (!strcmp(e[k].solver, u->solver) && e[k].f64 == u->f64)
                break;
        if (k < tuned)
            continue;
        if (k == n) {
            e[n].solver = u->solver;
            e[n].f64 = u->f64;
            e[n].how = "sweep";
            e[n].group = g;
            n++;
        } else if (g->final_med < e[k].group->final_med ||
                   (g->final_med == e[k].group->final_med && g->nruns > e[k].group->nruns)) {
            e[k].group = g;
        }
    }
    /* A study's final runs were chosen on other seeds than they are measured
     * on; a sweep's best is chosen and measured on the same ones, which
     * flatters it.  Ranked together, a sweep (say the state-precision stage's
     * beta=0.999 runs) could be named "best" over the tuned solvers: when
     * any solver of this problem is tuned, the sweeps are left out. */
    *left_out = tuned ? n - tuned : 0;
    if (tuned)
        n = tuned;
    for (size_t k = tuned; k < n; k++) {
        e[k].runs = xcalloc(e[k].group->nruns, sizeof *e[k].runs);
        memcpy(e[k].runs, e[k].group->runs, e[k].group->nruns * sizeof *e[k].runs);
        e[k].n = e[k].group->nruns;
    }
    for (size_t k = 0; k < n; k++) {
        snprintf(e[k].label, sizeof e[k].label, "%s%s", e[k].solver,
                 !both_precisions(d, e[k].solver) ? "" : e[k].f64 ? " (f64)" : " (f32)");
        fill_stats(d, &e[k]);
    }
    qsort(e, n, sizeof *e, cmp_entry);
    *count = n;
    return e;
}

static void solver_entries_free(sv_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(e[i].runs);
        free(e[i].final);
        free(e[i].steps);
        free(e[i].time);
    }
    free(e);
}

/* Same seeds on both sides: pair by seed (Wilcoxon); else two samples. */
static int paired(const rep_data *d, const sv_entry *a, const sv_entry *b, double *pa, double *pb)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        size_t j;
        for (j = 0; j < b->n; j++)
            if (d->runs[a->runs[i]].seed == d->runs[b->runs[j]].seed)
                break;
        if (j == b->n)
            return 0;
        pa[i] = a->final[i];
        pb[i] = b->final[j];
    }
    return 1;
}

sv_versus solver_versus(const rep_data *d, const sv_entry *best, const sv_entry *other)
{
    sv_versus v = { 0 };
    double *pa = xcalloc(best->n, sizeof *pa), *pb = xcalloc(best->n, sizeof *pb);
    v.paired = paired(d, best, other, pa, pb);
    v.t = v.paired ? stats_wilcoxon(pa, pb, best->n)
                   : stats_mann_whitney(best->final, best->n, other->final, other->n);
    /* identical results (e.g. two presets that are the same rule): a tie */
    v.tie = best->med[0] == other->med[0] && v.t.effect == 0;
    v.significant = !v.tie && v.t.p < SOLVER_ALPHA;
    free(pa);
    free(pb);
    return v;
}

const char *solver_verdict(const sv_versus *v)
{
    return v->tie ? "tie" : v->significant ? "best is better" : "not significant";
}

void solver_table_build(rep_data *d)
{
    d->solvers = xcalloc(d->nproblems + 1, sizeof *d->solvers);
    for (size_t p = 0; p < d->nproblems; p++) {
        sv_problem *s = &d->solvers[p];
        s->e = solver_entries(d, d->problems[p], &s->n, &s->left_out);
        s->vs = xcalloc(s->n + 1, sizeof *s->vs);
        for (size_t i = 1; i < s->n; i++) {
            s->vs[i] = solver_versus(d, &s->e[0], &s->e[i]);
            s->beaten += s->vs[i].significant;
            s->ties += s->vs[i].tie;
            s->unclear += !s->vs[i].tie && !s->vs[i].significant;
        }
    }
}

void solver_table_free(rep_data *d)
{
    for (size_t p = 0; d->solvers && p < d->nproblems; p++) {
        solver_entries_free(d->solvers[p].e, d->solvers[p].n);
        free(d->solvers[p].vs);
    }
    free(d->solvers);
    d->solvers = NULL;
}

const sv_problem *solver_problem(const rep_data *d, size_t p)
{
    return &d->solvers[p];
}
