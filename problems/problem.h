/* problem.h -- the one problem API.
 *
 * A problem is a table row (problem_def) plus an instance (problem) created
 * for a dimension and a seed.  Loss and gradient come in one call, in double
 * (for ref64) and float (for the float kernels).  Stochastic problems draw
 * their mini-batch / noise from the instance's seeded RNG: next_batch()
 * advances it, so double and float runs with the same seed see the same
 * batches.  After problem_create the first batch is already current.
 * Adding a problem: one file and one row in problems/registry.c.
 */
#ifndef PROBLEM_H
#define PROBLEM_H

#include <stddef.h>
#include <stdint.h>
#include "rms_util.h"   /* the seeded RNG every problem draws from: rms_rng_* */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct problem problem;

typedef struct problem_def {
    const char *name;
    const char *desc;            /* one line */
    size_t dim_default;          /* dimension when --dim is not given */
    int dim_settable;            /* 0: --dim is an error (fixed dimension) */
    int stochastic;              /* gradient depends on next_batch() */
    int has_fmin;                /* f_min below is the known minimum value */
    double f_min;
    double target;               /* loss at which "steps to target" counts */
    size_t default_steps;        /* sensible run length when --steps absent */

    /* Set p->data.  p->dim and p->seed are filled in by problem_create.
     * 0 on success, -1 with a one-line message naming the file/value. */
    int (*init)(problem *p, char *err, size_t errlen);
    void (*fini)(problem *p);
    /* Initial point (deterministic from p->seed). */
    void (*x0)(const problem *p, double *x);
    /* Loss at x on the current batch, gradient into g.  Thread-compatible:
     * one instance per thread. */
    double (*grad64)(problem *p, const double *x, double *g);
    float  (*grad32)(problem *p, const float *x, float *g);
    /* Stochastic problems: move to the next mini-batch / noise draw.
     * NULL for deterministic problems. */
    void (*next_batch)(problem *p);
    /* Optional: the exact (full-data, noise-free) loss for reporting; NULL
     * means the grad64 loss is exact. */
    double (*loss_exact)(problem *p, const double *x);
    /* Optional: a held-out metric such as test accuracy; name in *metric. */
    double (*metric)(problem *p, const double *x, const char **metric);
    /* Optional: loss and accuracy on the held-out (test) set, recorded with
     * the curve once per epoch; returns the loss, accuracy into *acc. */
    double (*heldout)(problem *p, const double *x, double *acc);
    /* Optional: mini-batches per epoch (for --epochs); NULL: not epoch-based. */
    size_t (*steps_per_epoch)(const problem *p);
    /* Optional, for data-parallel training (harness/mpi/mpi_train.c): rows in
     * the current mini-batch, and the float loss summed over rows [lo, hi)
     * of it divided by `total`, with the gradient of that into g (all of
     * dim).  The slice with lo == 0 also carries any regulariser, so slices
     * covering [0, rows) with total = rows add up to grad32.  lo == hi gives
     * a zero gradient (plus the regulariser when lo == 0). */
    size_t (*batch_rows)(const problem *p);
    float (*grad32_rows)(problem *p, const float *x, float *g,
                         size_t lo, size_t hi, size_t total);
} problem_def;

struct problem {
    const problem_def *def;
    size_t dim;
    uint64_t seed;
    uint64_t rng;                /* state of rms_rng_next */
    void *data;
};

/* Table, and lookup by name (NULL when unknown). */
const problem_def *const *problem_defs(size_t *count);
const problem_def *problem_find(const char *name);

/* Create an instance: dim 0 means dim_default.  NULL with a one-line error
 * (unknown dimension, missing data file, OOM). */
problem *problem_create(const problem_def *d, size_t dim, uint64_t seed,
                        char *err, size_t errlen);
void problem_destroy(problem *p);

/* Threads the BLAS-based problems (softmax_fmnist, mlp_fmnist) may use;
 * n <= 0 keeps the library's default (OpenBLAS: $OPENBLAS_NUM_THREADS, else
 * every core).  Process-wide. */
void problem_set_threads(int n);

#ifdef __cplusplus
}
#endif
#endif
