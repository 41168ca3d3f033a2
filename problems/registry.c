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

uint64_t problem_rng_next(uint64_t *s)   /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double problem_rng_uniform(uint64_t *s)
{
    return (double)(problem_rng_next(s) >> 11) * 0x1.0p-53;
}

double problem_rng_normal(uint64_t *s)   /* Box-Muller, one value per call */
{
    double u1 = problem_rng_uniform(s), u2 = problem_rng_uniform(s);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
