/* styblinski_tang.c -- Styblinski-Tang f = 1/2 sum x_i^4 - 16 x_i^2 + 5 x_i;
 * global minimum -39.16616570377142 n at x_i = -2.903534027771177 (the root of
 * 4x^3 - 32x + 5 = 0 below -2), a local one -25.0294 per coordinate at +2.7468;
 * x0 uniform in the usual box [-5, 5]^n from the seed. */
#include "problem.h"

#define ST_GRAD(T, NAME)                                                      \
    static T NAME(problem *p, const T *x, T *g)                               \
    {                                                                         \
        T f = 0;                                                              \
        for (size_t i = 0; i < p->dim; i++) {                                 \
            T a = x[i], a2 = a * a;                                           \
            f += a2 * a2 - 16 * a2 + 5 * a;                                   \
            g[i] = 2 * a2 * a - 16 * a + (T)2.5;                              \
        }                                                                     \
        return f / 2;                                                         \
    }

ST_GRAD(double, st_grad64)
ST_GRAD(float, st_grad32)

static void st_x0(const problem *p, double *x)
{
    uint64_t r = p->seed ^ 0xa4093822299f31d0ull;
    for (size_t i = 0; i < p->dim; i++)
        x[i] = 10.0 * rms_rng_uniform(&r) - 5.0;
}

const problem_def problem_styblinski_tang = {
    .name = "styblinski_tang",
    .desc = "Styblinski-Tang 1/2 sum x^4 - 16x^2 + 5x, x0 in [-5, 5]^n; min -39.16617 n at -2.90353",
    .dim_default = 10, .dim_settable = 0,   /* f_min is for n = 10 */
    .has_fmin = 1, .f_min = -39.16616570377142 * 10, .target = -250.0, .default_steps = 3000,
    .x0 = st_x0, .grad64 = st_grad64, .grad32 = st_grad32,
};
