/* logreg.c -- binary logistic regression with L2 on a seeded synthetic data
 * set: LR_M samples of LR_F standard-normal features, labels y in {-1, +1}
 * drawn from a logistic model with a seeded true weight vector (one fixed
 * data seed).  Parameters
 * w (LR_F) then a bias; f = mean log(1 + exp(-y (w.a + b))) + lam/2 |w|^2,
 * full batch, so the loss is exact.  x0 ~ N(0, 0.01 I) from the seed. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include "problem.h"

#define LR_F 49
#define LR_M 1000
#define LR_LAMBDA 1e-2
#define LR_DATA_SEED 0xb7e151628aed2a6bull

typedef struct lr {
    double *a64;                 /* LR_M x LR_F features */
    float *a32;
    double *y;                   /* labels, +-1 */
} lr;

static void lr_fini(problem *p)
{
    lr *s = p->data;
    if (!s)
        return;
    free(s->a64); free(s->a32); free(s->y);
    free(s);
    p->data = NULL;
}

static int lr_init(problem *p, char *err, size_t errlen)
{
    lr *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->data = s;
    s->a64 = malloc(LR_M * LR_F * sizeof *s->a64);
    s->a32 = malloc(LR_M * LR_F * sizeof *s->a32);
    s->y = malloc(LR_M * sizeof *s->y);
    if (!s->a64 || !s->a32 || !s->y) {
        snprintf(err, errlen, "out of memory");
        lr_fini(p);
        return -1;
    }
    /* One fixed data set for every run, like a real one: the seed varies x0
     * only, so runs with different seeds share the minimum and the target. */
    uint64_t r = LR_DATA_SEED;
    double w[LR_F];
    for (int j = 0; j < LR_F; j++)
        w[j] = rms_rng_normal(&r) / sqrt((double)LR_F) * 2.0;
    for (int i = 0; i < LR_M; i++) {
        double m = 0.5;          /* true bias */
        for (int j = 0; j < LR_F; j++) {
            double a = rms_rng_normal(&r);
            s->a64[i * LR_F + j] = a;
            s->a32[i * LR_F + j] = (float)a;
            m += w[j] * a;
        }
        s->y[i] = rms_rng_uniform(&r) < 1.0 / (1.0 + exp(-m)) ? 1.0 : -1.0;
    }
    return 0;
}

static void lr_x0(const problem *p, double *x)
{
    uint64_t r = p->seed ^ 0x9216d5d98979fb1bull;
    for (size_t i = 0; i < p->dim; i++)
        x[i] = 0.1 * rms_rng_normal(&r);
}

/* log(1 + exp(-t)) and its derivative -1/(1 + exp(t)), without overflow. */
#define LR_GRAD(T, NAME, A, EXP, LOG1P)                                         \
    static T NAME(problem *p, const T *x, T *g)                               \
    {                                                                         \
        lr *s = p->data;                                                      \
        const T *a = s->A;                                                    \
        T f = 0, inv = (T)1 / LR_M;                                           \
        for (int j = 0; j <= LR_F; j++)                                       \
            g[j] = 0;                                                         \
        for (int i = 0; i < LR_M; i++) {                                      \
            T m = x[LR_F];                                                    \
            for (int j = 0; j < LR_F; j++)                                    \
                m += x[j] * a[i * LR_F + j];                                  \
            T t = (T)s->y[i] * m;                                             \
            T e = EXP(-(t < 0 ? -t : t));                                     \
            f += (t < 0 ? -t : 0) + LOG1P(e);                                 \
            T d = -(T)s->y[i] * (t < 0 ? 1 / (1 + e) : e / (1 + e)) * inv;    \
            for (int j = 0; j < LR_F; j++)                                    \
                g[j] += d * a[i * LR_F + j];                                  \
            g[LR_F] += d;                                                     \
        }                                                                     \
        f *= inv;                                                             \
        for (int j = 0; j < LR_F; j++) {                                      \
            f += (T)(LR_LAMBDA / 2) * x[j] * x[j];                            \
            g[j] += (T)LR_LAMBDA * x[j];                                      \
        }                                                                     \
        return f;                                                             \
    }

LR_GRAD(double, lr_grad64, a64, exp, log1p)
LR_GRAD(float, lr_grad32, a32, expf, log1pf)

/* The same sums over samples [lo, hi) only, scaled by 1/total (the data
 * parallel hook of problem.h); the L2 term rides with the slice at 0. */
static float lr_grad32_rows(problem *p, const float *x, float *g, size_t lo,
                            size_t hi, size_t total)
{
    lr *s = p->data;
    const float *a = s->a32;
    float f = 0, inv = 1.0f / (float)total;
    for (int j = 0; j <= LR_F; j++)
        g[j] = 0;
    for (size_t i = lo; i < hi; i++) {
        float m = x[LR_F];
        for (int j = 0; j < LR_F; j++)
            m += x[j] * a[i * LR_F + j];
        float t = (float)s->y[i] * m;
        float e = expf(-(t < 0 ? -t : t));
        f += (t < 0 ? -t : 0) + log1pf(e);
        float d = -(float)s->y[i] * (t < 0 ? 1 / (1 + e) : e / (1 + e)) * inv;
        for (int j = 0; j < LR_F; j++)
            g[j] += d * a[i * LR_F + j];
        g[LR_F] += d;
    }
    f *= inv;
    if (lo == 0)
        for (int j = 0; j < LR_F; j++) {
            f += (float)(LR_LAMBDA / 2) * x[j] * x[j];
            g[j] += (float)LR_LAMBDA * x[j];
        }
    return f;
}

static size_t lr_batch_rows(const problem *p)
{
    (void)p;
    return LR_M;
}

const problem_def problem_logreg = {
    .name = "logreg",
    .desc = "logistic regression + L2 (1e-2), 1000 seeded samples x 49 features + bias; exact loss",
    .dim_default = LR_F + 1, .dim_settable = 0,
    .target = 0.45, .default_steps = 3000,
    .init = lr_init, .fini = lr_fini, .x0 = lr_x0,
    .grad64 = lr_grad64, .grad32 = lr_grad32,
    .batch_rows = lr_batch_rows, .grad32_rows = lr_grad32_rows,
};
