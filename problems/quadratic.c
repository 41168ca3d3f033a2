/* quadratic.c -- ill-conditioned quadratic f = 1/2 sum d_i x_i^2 with d
 * log-spaced from 1 to 1e4 (condition 1e4); minimum 0 at 0; x0 uniform in
 * [-1, 1]^n from the seed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "quadratic.h"

int quad_tab_init(quad_tab *t, size_t n, char *err, size_t errlen)
{
    t->d = malloc((n ? n : 1) * sizeof *t->d);
    t->f = malloc((n ? n : 1) * sizeof *t->f);
    if (!t->d || !t->f) {
        quad_tab_free(t);
        snprintf(err, errlen, "out of memory for a quadratic of dimension %zu", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {    /* d_i = 10^(4 i / (n - 1)) */
        t->d[i] = n > 1 ? pow(10.0, 4.0 * (double)i / (double)(n - 1)) : 1.0;
        t->f[i] = (float)t->d[i];
    }
    return 0;
}

void quad_tab_free(quad_tab *t)
{
    free(t->d);
    free(t->f);
    t->d = NULL;
    t->f = NULL;
}

void quad_x0(const problem *p, double *x)
{
    uint64_t r = p->seed ^ 0x243f6a8885a308d3ull;
    for (size_t i = 0; i < p->dim; i++)
        x[i] = 2.0 * rms_rng_uniform(&r) - 1.0;
}

static int quad_init(problem *p, char *err, size_t errlen)
{
    quad_tab *t = malloc(sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (quad_tab_init(t, p->dim, err, errlen) != 0) {
        free(t);
        return -1;
    }
    p->data = t;
    return 0;
}

static void quad_fini(problem *p)
{
    quad_tab_free(p->data);
    free(p->data);
}

#define QUAD_GRAD(T, NAME, TAB)                                               \
    static T NAME(problem *p, const T *x, T *g)                               \
    {                                                                         \
        const T *d = ((const quad_tab *)p->data)->TAB;                        \
        T f = 0;                                                              \
        for (size_t i = 0; i < p->dim; i++) {                                 \
            g[i] = d[i] * x[i];                                               \
            f += g[i] * x[i];                                                 \
        }                                                                     \
        return f / 2;                                                         \
    }

QUAD_GRAD(double, quad_grad64, d)
QUAD_GRAD(float, quad_grad32, f)

const problem_def problem_quadratic = {
    .name = "quadratic",
    .desc = "ill-conditioned quadratic 1/2 sum d_i x_i^2, d log-spaced 1..1e4; min 0 at 0",
    .dim_default = 1000, .dim_settable = 1,
    .has_fmin = 1, .f_min = 0.0, .target = 0.5, .default_steps = 3000,
    .init = quad_init, .fini = quad_fini,
    .x0 = quad_x0, .grad64 = quad_grad64, .grad32 = quad_grad32,
};
