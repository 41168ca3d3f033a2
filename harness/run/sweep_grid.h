/* sweep_grid.h -- the cross product of a sweep, expanded and validated
 * before anything is opened. */
#ifndef SWEEP_GRID_H
#define SWEEP_GRID_H

#include <stddef.h>
#include "cli/config.h"
#include "run/solver.h"

#define SWEEP_MAX_CONFIGS 1000000

#define SWEEP_MAX_AXES 16

typedef struct sweep_spec {
    run_opts base;                 /* options applied to every config */
    const char *problems, *kernels;             /* comma lists (NULL: unset) */
    const char *solvers;           /* comma list of solver labels (--presets too) */
    const char *axis[SWEEP_MAX_AXES];           /* per solver_axes row: a list, a
                                                   log range for real options, or NULL */
    const char *seeds;                          /* S: list or a..b */
} sweep_spec;

/* Options of a grid beyond run's, shared by `rmsbench sweep` and
 * `rmsbench-mpi sweep` (which adds its own after OPT_LAST_GRID). */
enum { OPT_PROBLEMS = OPT_LAST_SHARED + 1, OPT_KERNELS, OPT_PRESETS, OPT_SEEDS,
       OPT_JOBS, OPT_DRY_RUN, OPT_NAME, OPT_VERBOSE, OPT_HELP, OPT_SOLVERS, OPT_LAST_GRID };
/* Grid axes (one per solver_axes row, --NAME LIST) take ids from here on;
 * they shadow run's flags of the same name (--centered 0,1). */
#define OPT_AXIS0 1000

/* run's options, the grid options, then extra (zero-terminated) into out. */
void sweep_options(struct option *out, size_t cap, const struct option *extra);

/* Apply option id: a grid list (--problems/--lr/...), --name, or any run
 * option (config_set).  Dies with a one-line error on a bad value; returns
 * -1 for an id it does not know (jobs, dry-run, ... are the caller's). */
int sweep_set(sweep_spec *sp, int id, const char *arg, const char **name);

/* XXH3 over the configs' hashes: the same grid gives the same digest, and
 * "grid-<top 32 bits>" is the label a sweep gets without --name. */
uint64_t sweep_digest(const run_config *cfgs, size_t n);
void sweep_auto_name(uint64_t digest, char *buf, size_t len);

/* Expand spec into *out (malloc'd, duplicates by hash dropped).  0, or -1
 * with a one-line message naming the bad value. */
int sweep_expand(const sweep_spec *spec, run_config **out, size_t *count,
                 char *err, size_t errlen);

#endif
