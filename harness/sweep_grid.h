/* sweep_grid.h -- the cross product of a sweep, expanded and validated
 * before anything is opened. */
#ifndef SWEEP_GRID_H
#define SWEEP_GRID_H

#include <stddef.h>
#include "config.h"

#define SWEEP_MAX_CONFIGS 1000000

typedef struct sweep_spec {
    run_opts base;                 /* options applied to every config */
    const char *problems, *kernels, *presets;   /* comma lists (NULL: unset) */
    const char *lr, *beta, *eps, *momentum;     /* R: list or log range */
    const char *seeds;                          /* S: list or a..b */
} sweep_spec;

/* Expand spec into *out (malloc'd, duplicates by hash dropped).  0, or -1
 * with a one-line message naming the bad value. */
int sweep_expand(const sweep_spec *spec, run_config **out, size_t *count,
                 char *err, size_t errlen);

#endif
