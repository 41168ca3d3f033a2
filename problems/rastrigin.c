/* rastrigin.c -- Rastrigin f = 10 n + sum x_i^2 - 10 cos(2 pi x_i), many
 * local minima near the integer points; global minimum 0 at 0; x0 uniform in
 * the usual box [-5.12, 5.12]^n from the seed. */
#include <math.h>
#include "problem.h"

#define TWO_PI 6.283185307179586

#define RAS_GRAD(T, NAME, COS, SIN)                                           \
    static T NAME(problem *p, const T *x, T *g)                               \
    {                                                                         \
        T f = 10 * (T)p->dim;                                                 \
        for (size_t i = 0; i < p->dim; i++) {                                 \
            T a = (T)TWO_PI * x[i];                                           \
            f += x[i] * x[i] - 10 * COS(a);                                   \
            g[i] = 2 * x[i] + 10 * (T)TWO_PI * SIN(a);                        \
        }                                                                     \
        return f;                                                             \
    }

RAS_GRAD(double, ras_grad64, cos, sin)
RAS_GRAD(float, ras_grad32, cosf, sinf)

static void ras_x0(const problem *p, double *x)
{
    uint64_t r = p->seed ^ 0x13198a2e03707344ull;
    for (size_t i = 0; i < p->dim; i++)
        x[i] = 10.24 * rms_rng_uniform(&r) - 5.12;
}

const problem_def problem_rastrigin = {
    .name = "rastrigin",
    .desc = "Rastrigin 10n + sum x^2 - 10 cos(2 pi x), x0 in [-5.12, 5.12]^n; min 0 at 0",
    .dim_default = 10, .dim_settable = 1,
    .has_fmin = 1, .f_min = 0.0, .target = 100.0, .default_steps = 3000,
    .x0 = ras_x0, .grad64 = ras_grad64, .grad32 = ras_grad32,
};
