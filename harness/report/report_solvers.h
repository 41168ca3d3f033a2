/* report_solvers.h -- the solvers of a problem at their tuned configuration
 * and their statistics, shared by the comparison's tables and plots. */
#ifndef REPORT_SOLVERS_H
#define REPORT_SOLVERS_H

#include "report/report.h"
#include "stats/stats.h"

#define SOLVER_ALPHA 0.05   /* significance level of "better" */
#define SOLVER_TAU_MAX 4.0  /* AlgoPerf's integrated score: tau in [1, 4] */

typedef struct sv_entry {
    char label[300];          /* shown: the solver, with (f64)/(f32) when needed */
    const char *solver;       /* the runs' label */
    int f64;
    const char *how;          /* "grid", "quasirandom" (tuned) or "sweep" */
    const rep_group *group;   /* sweep: the chosen configuration */
    double lr;                /* NaN when the runs differ (quasirandom) */
    size_t *runs, n;          /* indexes into rep_data.runs */
    double *final, *steps, *time;   /* per run; +inf: diverged / not reached */
    double med[3], lo[3], hi[3];    /* median and 95 % bootstrap interval of
                                       final loss, steps and time to target */
    size_t ndiv;
} sv_entry;

typedef struct sv_versus {
    stats_test t;
    int paired;               /* Wilcoxon on the same seeds; else Mann-Whitney */
    int tie, significant;
} sv_versus;

sv_versus solver_versus(const rep_data *d, const sv_entry *best, const sv_entry *other);
const char *solver_verdict(const sv_versus *v);

/* One problem's solvers, best first (lowest median final loss): the tuned
 * solvers, or the sweeps' best when nothing was tuned; left_out counts the
 * sweep-only solvers left out beside tuned ones.  vs[i] (i >= 1) is the
 * best against e[i]; beaten, ties and unclear count its verdicts. */
typedef struct sv_problem {
    sv_entry *e;
    size_t n, left_out;
    sv_versus *vs;
    size_t beaten, ties, unclear;
} sv_problem;

/* Built once per database by rep_data_load (the bootstraps and tests are
 * the report's costliest arithmetic; the opening findings, the section, its
 * figures and the profiles all read the same table), freed by
 * rep_data_free.  solver_problem(d, p): problem d->problems[p]. */
void solver_table_build(rep_data *d);
void solver_table_free(rep_data *d);
const sv_problem *solver_problem(const rep_data *d, size_t p);

/* Figures of the comparison (report_solvers_plots.c). */
void solver_convergence(report *r, const rep_data *d, const char *problem, size_t p,
                        const sv_entry *e, size_t n);
void solver_heldout(report *r, const rep_data *d, const char *problem, size_t p,
                    const sv_entry *e, size_t n);
void solver_sensitivity(report *r, const rep_data *d, const char *problem, size_t p);
void solver_divergence(report *r, const rep_data *d);
void solver_profiles(report *r, const rep_data *d);

#endif
