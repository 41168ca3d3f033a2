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

/* The entries of one problem, best first (lowest median final loss): the
 * tuned solvers, or the sweeps' best when nothing was tuned; *left_out (may
 * be NULL) counts the sweep-only solvers left out beside tuned ones. */
sv_entry *solver_entries(const rep_data *d, const char *problem, size_t *count,
                         size_t *left_out);
void solver_entries_free(sv_entry *e, size_t n);

typedef struct sv_versus {
    stats_test t;
    int paired;               /* Wilcoxon on the same seeds; else Mann-Whitney */
    int tie, significant;
} sv_versus;

sv_versus solver_versus(const rep_data *d, const sv_entry *best, const sv_entry *other);
const char *solver_verdict(const sv_versus *v);

/* Figures of the comparison (report_solvers_plots.c). */
void solver_convergence(report *r, const rep_data *d, const char *problem, size_t p,
                        const sv_entry *e, size_t n);
void solver_heldout(report *r, const rep_data *d, const char *problem, size_t p,
                    const sv_entry *e, size_t n);
void solver_sensitivity(report *r, const rep_data *d, const char *problem, size_t p);
void solver_divergence(report *r, const rep_data *d);
void solver_profiles(report *r, const rep_data *d);

#endif
