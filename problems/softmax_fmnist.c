/* softmax_fmnist.c -- softmax regression on Fashion-MNIST: W (10 x 784,
 * row-major, like PyTorch's Linear) then b (10): 7,850 parameters; mean
 * cross-entropy over mini-batches of 128.  Products through cblas. */
#include <stdio.h>
#include <cblas.h>
#include <stdlib.h>
#include "fmnist.h"
#include "problem.h"

#define SM_BATCH 128
#define SM_W (FMNIST_CLASSES * FMNIST_PIXELS)
#define SM_DIM (SM_W + FMNIST_CLASSES)

typedef struct sm {
    const fmnist_set *train, *test;
    fmnist_batcher b;
    float *xf, *of;              /* batch inputs and logits, float */
    double *xd, *od;             /* the same in double */
    unsigned char *y;
} sm;

static int sm_init(problem *p, char *err, size_t errlen)
{
    sm *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (fmnist_get(&s->train, &s->test, err, errlen) != 0) {
        free(s);
        return -1;
    }
    s->xf = malloc(SM_BATCH * FMNIST_PIXELS * sizeof *s->xf);
    s->of = malloc(SM_BATCH * FMNIST_CLASSES * sizeof *s->of);
    s->xd = malloc(SM_BATCH * FMNIST_PIXELS * sizeof *s->xd);
    s->od = malloc(SM_BATCH * FMNIST_CLASSES * sizeof *s->od);
    s->y = malloc(SM_BATCH);
    p->data = s;
    if (!s->xf || !s->of || !s->xd || !s->od || !s->y
        || fmnist_batcher_init(&s->b, s->train, SM_BATCH, &p->rng) != 0) {
        snprintf(err, errlen, "out of memory");
        p->def->fini(p);
        return -1;
    }
    return 0;
}

static void sm_fini(problem *p)
{
    sm *s = p->data;
    if (!s)
        return;
    fmnist_batcher_free(&s->b);
    free(s->xf); free(s->of); free(s->xd); free(s->od); free(s->y);
    free(s);
    p->data = NULL;
}

static void sm_x0(const problem *p, double *x)
{
    uint64_t r = p->seed ^ 0x5f3759df0badcafeull;
    for (size_t i = 0; i < SM_W; i++)
        x[i] = 0.01 * rms_rng_normal(&r);
    for (size_t i = SM_W; i < SM_DIM; i++)
        x[i] = 0;
}

/* Loss (summed over rows) of logits o = X W^T + b; with g, the gradient of
 * the mean loss. */
#define SM_EVAL(T, NAME, GEMM, XENT)                                          \
    static T NAME(const T *w, const T *x, const unsigned char *y, size_t rows,\
                  T *o, T *g, size_t *correct)                                \
    {                                                                         \
        for (size_t r = 0; r < rows; r++)                                     \
            for (size_t k = 0; k < FMNIST_CLASSES; k++)                       \
                o[r * FMNIST_CLASSES + k] = w[SM_W + k];                      \
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows,              \
             FMNIST_CLASSES, FMNIST_PIXELS, 1, x, FMNIST_PIXELS, w,           \
             FMNIST_PIXELS, 1, o, FMNIST_CLASSES);                            \
        T loss = XENT(o, y, rows, correct);                                   \
        if (g) {                                                              \
            GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, FMNIST_CLASSES,     \
                 FMNIST_PIXELS, (int)rows, 1, o, FMNIST_CLASSES, x,           \
                 FMNIST_PIXELS, 0, g, FMNIST_PIXELS);                         \
            for (size_t k = 0; k < FMNIST_CLASSES; k++) {                     \
                T s = 0;                                                      \
                for (size_t r = 0; r < rows; r++)                             \
                    s += o[r * FMNIST_CLASSES + k];                           \
                g[SM_W + k] = s;                                              \
            }                                                                 \
        }                                                                     \
        return loss;                                                          \
    }

SM_EVAL(double, sm_eval64, cblas_dgemm, fmnist_xent64)
SM_EVAL(float, sm_eval32, cblas_sgemm, fmnist_xent32)

static double sm_grad64(problem *p, const double *x, double *g)
{
    sm *s = p->data;
    fmnist_batcher_gather(&s->b, NULL, s->xd, s->y);
    return sm_eval64(x, s->xd, s->y, s->b.cur, s->od, g, NULL) / (double)s->b.cur;
}

static float sm_grad32(problem *p, const float *x, float *g)
{
    sm *s = p->data;
    fmnist_batcher_gather(&s->b, s->xf, NULL, s->y);
    return sm_eval32(x, s->xf, s->y, s->b.cur, s->of, g, NULL) / (float)s->b.cur;
}

/* Rows [lo, hi) of the batch; the mean over them rescaled to a share of
 * total (exactly 1 when the slice is the whole batch). */
static float sm_grad32_rows(problem *p, const float *x, float *g, size_t lo,
                            size_t hi, size_t total)
{
    sm *s = p->data;
    if (hi <= lo) {
        for (size_t i = 0; i < SM_DIM; i++)
            g[i] = 0;
        return 0;
    }
    fmnist_batcher_gather(&s->b, s->xf, NULL, s->y);
    float loss = sm_eval32(x, s->xf + lo * FMNIST_PIXELS, s->y + lo, hi - lo, s->of, g, NULL);
    if (hi - lo != total) {
        float share = (float)(hi - lo) / (float)total;
        for (size_t i = 0; i < SM_DIM; i++)
            g[i] *= share;
    }
    return loss / (float)total;
}

static size_t sm_batch_rows(const problem *p)
{
    return ((const sm *)p->data)->b.cur;
}

static void sm_next(problem *p)
{
    sm *s = p->data;
    fmnist_batcher_next(&s->b, &p->rng);
}

static double sm_chunk64(void *model, const double *x, const double *xd,
                         const unsigned char *y, size_t rows, size_t *correct)
{
    sm *s = model;
    return sm_eval64(x, xd, y, rows, s->od, NULL, correct);
}

static double sm_full(sm *s, const fmnist_set *set, const double *x, double *acc)
{
    return fmnist_eval_set64(set, SM_BATCH, s->xd, sm_chunk64, s, x, acc);
}

static double sm_loss_exact(problem *p, const double *x)
{
    double acc;
    return sm_full(p->data, ((sm *)p->data)->train, x, &acc);
}

static double sm_metric(problem *p, const double *x, const char **name)
{
    double acc;
    sm_full(p->data, ((sm *)p->data)->test, x, &acc);
    *name = "test_acc";
    return acc;
}

static double sm_heldout(problem *p, const double *x, double *acc)
{
    return sm_full(p->data, ((sm *)p->data)->test, x, acc);
}

static size_t sm_steps_per_epoch(const problem *p)
{
    return fmnist_batcher_steps_per_epoch(&((const sm *)p->data)->b);
}

const problem_def problem_softmax_fmnist = {
    .name = "softmax_fmnist",
    .desc = "softmax regression on Fashion-MNIST (784x10 + 10), cross-entropy, batches of 128",
    .dim_default = SM_DIM, .dim_settable = 0, .stochastic = 1,
    .target = 0.5, .default_steps = 5 * 469,
    .init = sm_init, .fini = sm_fini, .x0 = sm_x0,
    .grad64 = sm_grad64, .grad32 = sm_grad32, .next_batch = sm_next,
    .loss_exact = sm_loss_exact, .metric = sm_metric, .heldout = sm_heldout,
    .steps_per_epoch = sm_steps_per_epoch,
    .batch_rows = sm_batch_rows, .grad32_rows = sm_grad32_rows,
};
