/* sweep_grid.h -- the cross product of a sweep, expanded and validated
 * before anything is opened. */
#ifndef SWEEP_GRID_H
#define SWEEP_GRID_H

#include <stddef.h>
#include "cli/command.h"
#include "cli/config.h"
#include "run/solver.h"

#define SWEEP_MAX_CONFIGS 1000000

#define SWEEP_MAX_AXES 16

typedef struct sweep_spec {
    run_opts base;                 /* options applied to every config */
    const char *problems, *kernels;             /* comma lists (NULL: unset) */
    const char *solvers;           /* comma list of solver labels (--presets too) */
    const char *axis[SWEEP_MAX_AXES];           /* per option row: a list, a
                                                   log range for real options, or NULL */
    const char *seeds;                          /* S: list or a..b */
} sweep_spec;

/* getopt ids of the grid's own options (after run's). */
enum { OPT_PROBLEMS = OPT_LAST_SHARED + 1, OPT_KERNELS, OPT_PRESETS, OPT_SEEDS, OPT_SOLVERS,
       OPT_LAST_GRID };
/* Grid axes (one per option row, --NAME LIST) take ids from here on;
 * they shadow run's flags of the same name (--centered 0,1). */
#define OPT_AXIS0 1000

/* The options of a grid as one cli_group row on a sweep_spec target, shared
 * by `rmsbench sweep` and `rmsbench-mpi sweep`: every axis (--lr R,
 * --centered 0,1, ...), --problems/--kernels/--solvers (--presets)/--seeds
 * (and --problem/--kernel/--preset/--seed as the same), and run's other
 * options, applied to every config. */
extern const cli_group sweep_group;

/* Longest --name of a sweep or tune. */
#define SWEEP_NAME_MAX 128

/* The options of a run of many configs (sweep, tune, rmsbench-mpi sweep):
 * --jobs, --name, --dry-run, --verbose, as CLI_OPT_INCLUDE rows on a
 * sweep_pool member of the command's arguments. */
typedef struct sweep_pool {
    long jobs;
    const char *name;        /* NULL: the command's own label */
    int dry_run, verbose;
} sweep_pool;
extern const cli_opt sweep_pool_opts[];

/* Expand spec into *out (malloc'd, duplicates by hash dropped).  0, or -1
 * with a one-line message naming the bad value. */
int sweep_expand(const sweep_spec *spec, run_config **out, size_t *count,
                 char *err, size_t errlen);

/* A grid ready to run: its configs, digest and label. */
typedef struct sweep_plan {
    run_config *cfgs;        /* malloc'd: the caller frees */
    size_t n;
    uint64_t digest;
    const char *name;        /* --name, or auto_name */
    char auto_name[32];      /* "grid-<top 32 bits of digest>" */
} sweep_plan;

/* Expand sp and, when jobs > 0, check the configs' bounds for that many
 * workers (run_check_configs; bad input: one line, exit 2); label it with
 * name or, when name is NULL, the grid's own label (the same grid gets the
 * same label when it is resumed, locally or under MPI); with dry_run print
 * the configs (hash and text) and free them.  1 after a dry run, else 0. */
int sweep_plan_make(sweep_plan *plan, const sweep_spec *sp, const char *name, int dry_run,
                    long jobs);

#endif
