/* synthetic.c -- a large separable problem for timing the kernels: f = 1/2
 * sum a_i x_i^2 with a_i = 1 + (i mod 8)/8 computed from i, so the gradient
 * costs one multiply per element and the problem stores nothing: memory is
 * the kernel's own (n up to 1e8 and beyond).  Minimum 0 at 0; x0 uniform in
 * [-1, 1]^n from the seed.  The target is for the default n. */
#include "problem.h"

/* The loss is summed in double in 8 independent lanes (the period of a_i):
 * a float sum of 1e8 terms would lose the small ones, and one serial sum
 * would make the gradient latency-bound. */
#define SYN_GRAD(T, NAME)                                                     \
    static T NAME(problem *p, const T *x, T *g)                               \
    {                                                                         \
        size_t n = p->dim, i = 0;                                             \
        double acc[8] = { 0 };                                                \
        for (; i + 8 <= n; i += 8)                                            \
            for (int j = 0; j < 8; j++) {                                     \
                T gi = (1 + (T)j * (T)0.125) * x[i + j];                      \
                g[i + j] = gi;                                                \
                acc[j] += (double)gi * (double)x[i + j];                      \
            }                                                                 \
        for (; i < n; i++) {                                                  \
            g[i] = (1 + (T)(i & 7) * (T)0.125) * x[i];                        \
            acc[0] += (double)g[i] * (double)x[i];                            \
        }                                                                     \
        double f = 0;                                                         \
        for (int j = 0; j < 8; j++)                                           \
            f += acc[j];                                                      \
        return (T)(f / 2);                                                    \
    }

SYN_GRAD(double, syn_grad64)
SYN_GRAD(float, syn_grad32)

static void syn_x0(const problem *p, double *x)
{
    uint64_t r = p->seed ^ 0x452821e638d01377ull;
    for (size_t i = 0; i < p->dim; i++)
        x[i] = 2.0 * rms_rng_uniform(&r) - 1.0;
}

const problem_def problem_synthetic = {
    .name = "synthetic",
    .desc = "separable 1/2 sum a_i x_i^2, a_i in [1, 2), no data: n up to 1e8 for timing kernels",
    .dim_default = 1u << 20, .dim_settable = 1,
    .has_fmin = 1, .f_min = 0.0, .target = 1.0, .default_steps = 2000,
    .x0 = syn_x0, .grad64 = syn_grad64, .grad32 = syn_grad32,
};
