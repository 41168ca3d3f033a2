/* tune_space.h -- a declared search space for quasirandom tuning
 * (AlgoPerf-style): "lr=log:1e-5:1,beta=lin:0.8:0.999,centered=choice", one
 * dimension per option of the solver table (log or linear with bounds; on/off
 * options and wd-mode as a two-way choice), and the points of a GSL Halton or
 * Sobol sequence mapped into it. */
#ifndef TUNE_SPACE_H
#define TUNE_SPACE_H

#include <stddef.h>
#include "run/solver.h"

#define TUNE_MAX_DIMS 8   /* AlgoPerf's baseline spaces have at most 7 */

typedef enum { SCALE_LOG, SCALE_LIN, SCALE_CHOICE } tune_scale;

typedef struct tune_dim {
    const opt_axis *axis;
    tune_scale scale;
    double lo, hi;        /* bounds (LOG, LIN) */
} tune_dim;

typedef struct tune_space {
    tune_dim dim[TUNE_MAX_DIMS];
    size_t ndims;
} tune_space;

/* Parse SPEC.  0, or -1 with "--space: ..." naming the bad part: unknown
 * option, empty space, lo >= hi, log bound <= 0, a bound outside the
 * option's range, a name given twice, more than TUNE_MAX_DIMS dimensions. */
int tune_space_parse(const char *spec, tune_space *s, char *err, size_t len);

/* The canonical text of a space (for the database and the study's hash). */
void tune_space_text(const tune_space *s, char *buf, size_t len);

/* The first `count` points of the sequence ("halton" or "sobol") in
 * dimension d, row-major into u[count * d], each in (0, 1).  -1 for an
 * unknown sequence or a dimension it does not support. */
int tune_qrng_points(const char *sequence, size_t d, size_t count, double *u);

/* Value of dimension k at coordinate u in [0, 1), as text for
 * solver_axis_set. */
void tune_dim_value(const tune_dim *dm, double u, char *buf, size_t len);

#endif
