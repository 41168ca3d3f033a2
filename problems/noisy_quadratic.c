/* noisy_quadratic.c -- the ill-conditioned quadratic of quadratic.c seen
 * through mini-batches, DeepOBS style: each batch draws xi ~ N(0, s^2 I) and
 * the batch loss is 1/2 sum d_i (x_i - xi_i)^2 - 1/2 sum d_i xi_i^2, i.e.
 * 1/2 x'Dx - xi'Dx, an unbiased estimate of the exact loss 1/2 x'Dx whose
 * gradient D(x - xi) carries Gaussian noise.  Minimum of the exact loss: 0 at 0. */
#include <stdio.h>
#include <stdlib.h>
#include "quadratic.h"

#define NOISE_SD 0.1

typedef struct nq {
    quad_tab tab;                /* curvatures */
    double *xi;                  /* the current batch's draw */
} nq;

static void nq_draw(problem *p)
{
    nq *s = p->data;
    for (size_t i = 0; i < p->dim; i++)
        s->xi[i] = NOISE_SD * rms_rng_normal(&p->rng);
}

static int nq_init(problem *p, char *err, size_t errlen)
{
    nq *s = malloc(sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (quad_tab_init(&s->tab, p->dim, err, errlen) != 0) {
        free(s);
        return -1;
    }
    s->xi = malloc((p->dim ? p->dim : 1) * sizeof *s->xi);
    if (!s->xi) {
        quad_tab_free(&s->tab);
        free(s);
        snprintf(err, errlen, "out of memory for noisy_quadratic of dimension %zu", p->dim);
        return -1;
    }
    p->data = s;
    nq_draw(p);                  /* the first batch */
    return 0;
}

static void nq_fini(problem *p)
{
    nq *s = p->data;
    quad_tab_free(&s->tab);
    free(s->xi);
    free(s);
}

#define NQ_GRAD(T, NAME, TAB)                                                 \
    static T NAME(problem *p, const T *x, T *g)                               \
    {                                                                         \
        const double *xi = ((nq *)p->data)->xi;                               \
        const T *dd = ((nq *)p->data)->tab.TAB;                               \
        T f = 0;                                                              \
        for (size_t i = 0; i < p->dim; i++) {                                 \
            T d = dd[i], e = (T)xi[i];                                        \
            g[i] = d * (x[i] - e);                                            \
            f += d * x[i] * (x[i] - 2 * e);                                   \
        }                                                                     \
        return f / 2;                                                         \
    }

NQ_GRAD(double, nq_grad64, d)
NQ_GRAD(float, nq_grad32, f)

static double nq_loss_exact(problem *p, const double *x)
{
    const double *d = ((nq *)p->data)->tab.d;
    double f = 0;
    for (size_t i = 0; i < p->dim; i++)
        f += d[i] * x[i] * x[i];
    return f / 2;
}

const problem_def problem_noisy_quadratic = {
    .name = "noisy_quadratic",
    .desc = "the quadratic with DeepOBS-style batch noise: gradient D(x - xi), xi ~ N(0, 0.01 I)",
    .dim_default = 1000, .dim_settable = 1, .stochastic = 1,
    .has_fmin = 1, .f_min = 0.0, .target = 50.0, .default_steps = 3000,
    .init = nq_init, .fini = nq_fini, .x0 = quad_x0,
    .grad64 = nq_grad64, .grad32 = nq_grad32, .next_batch = nq_draw,
    .loss_exact = nq_loss_exact,
};
