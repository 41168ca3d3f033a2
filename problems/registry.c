/* registry.c -- the one table of problems, plus instance life cycle and the
 * shared RNG.  Adding a problem: one file and one row here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "problem.h"

extern const problem_def problem_quadratic, problem_noisy_quadratic,
    problem_rosenbrock, problem_rosenbrock_nd, problem_rastrigin,
    problem_styblinski_tang, problem_logreg, problem_softmax_fmnist,
    problem_mlp_fmnist, problem_synthetic;

static const problem_def *const PROBLEMS[] = {
    &problem_quadratic,
    &problem_noisy_quadratic,
    &problem_rosenbrock,
    &problem_rosenbrock_nd,
    &problem_rastrigin,
    &problem_styblinski_tang,
    &problem_logreg,
    &problem_softmax_fmnist,
    &problem_mlp_fmnist,
    &problem_synthetic,
};

const problem_def *const *problem_defs(size_t *count)
{
    *count = sizeof PROBLEMS / sizeof PROBLEMS[0];
    return PROBLEMS;
}

const problem_def *problem_find(const char *name)
{
    for (size_t i = 0; i < sizeof PROBLEMS / sizeof PROBLEMS[0]; i++)
        if (strcmp(PROBLEMS[i]->name, name) == 0)
            return PROBLEMS[i];
    return NULL;
}

problem *problem_create(const problem_def *d, size_t dim, uint64_t seed,
                        char *err, size_t errlen)
{
    if (dim != 0 && !d->dim_settable && dim != d->dim_default) {
        snprintf(err, errlen, "problem '%s' has fixed dimension %zu (--dim %zu)",
                 d->name, d->dim_default, dim);
        return NULL;
    }
    problem *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    p->def = d;
    p->dim = dim ? dim : d->dim_default;
    p->seed = seed;
    p->rng = seed ^ 0x9e3779b97f4a7c15ull;
    if (d->init && d->init(p, err, errlen) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void problem_destroy(problem *p)
{
    if (!p)
        return;
    if (p->def->fini)
        p->def->fini(p);
    free(p);
}
