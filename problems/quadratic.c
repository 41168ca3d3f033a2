/* quadratic.c -- ill-conditioned quadratic f = 1/2 sum d_i x_i^2 with d
 * log-spaced from 1 to 1e4 (condition 1e4); minimum 0 at 0; x0 uniform in
 * [-1, 1]^n from the seed.  quad_curvature and quad_x0 are shared with
 * noisy_quadratic.c. */
#include <math.h>
#include "problem.h"

/* d_i = 10^(4 i / (n - 1)); computed, not stored, so n costs no memory. */
double quad_curvature(size_t i, size_t n)
{
    return n > 1 ? pow(10.0, 4.0 * (double)i / (double)(n - 1)) : 1.0;
}

void quad_x0(const problem *p, double *x)
{
    uint64_t r = p->seed ^ 0x243f6a8885a308d3ull;
    for (size_t i = 0; i < p->dim; i++)
        x[i] = 2.0 * problem_rng_uniform(&r) - 1.0;
}

#define QUAD_GRAD(T, NAME)                                                    \
    static T NAME(problem *p, const T *x, T *g)                               \
    {                                                                         \
        T f = 0;                                                              \
        for (size_t i = 0; i < p->dim; i++) {                                 \
            T d = (T)quad_curvature(i, p->dim);                               \
            g[i] = d * x[i];                                                  \
            f += d * x[i] * x[i];                                             \
        }                                                                     \
        return f / 2;                                                         \
    }

QUAD_GRAD(double, quad_grad64)
QUAD_GRAD(float, quad_grad32)

const problem_def problem_quadratic = {
    .name = "quadratic",
    .desc = "ill-conditioned quadratic 1/2 sum d_i x_i^2, d log-spaced 1..1e4; min 0 at 0",
    .dim_default = 1000, .dim_settable = 1,
    .has_fmin = 1, .f_min = 0.0, .target = 0.5, .default_steps = 3000,
    .x0 = quad_x0, .grad64 = quad_grad64, .grad32 = quad_grad32,
};
