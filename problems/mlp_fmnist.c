/* mlp_fmnist.c -- MLP 784-256-128-10 with ReLU and softmax cross-entropy on
 * Fashion-MNIST, mini-batches of 128, He-normal weights from the seed and
 * zero biases.  Parameters in PyTorch's order and layout: W1 (256 x 784),
 * b1, W2 (128 x 256), b2, W3 (10 x 128), b3 -- 235,146 in all.
 * Every product is one cblas gemm; buffers are allocated once in init. */
#include <stdio.h>
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include "fmnist.h"
#include "problem.h"

#define MLP_BATCH 128
#define N0 FMNIST_PIXELS
#define N1 256
#define N2 128
#define N3 FMNIST_CLASSES
/* Offsets of each block in the parameter vector. */
#define OW1 0
#define OB1 (OW1 + N1 * N0)
#define OW2 (OB1 + N1)
#define OB2 (OW2 + N2 * N1)
#define OW3 (OB2 + N2)
#define OB3 (OW3 + N3 * N2)
#define MLP_DIM (OB3 + N3)

typedef struct mlp_buf {          /* one precision's batch work space */
    void *x, *h1, *h2, *o;        /* input, activations, logits */
    void *d1, *d2;                /* gradients w.r.t. h1 and h2 */
} mlp_buf;

typedef struct mlp {
    const fmnist_set *train, *test;
    fmnist_batcher b;
    mlp_buf f, d;                 /* float and double */
    unsigned char *y;
} mlp;

static int buf_alloc(mlp_buf *m, size_t sz)
{
    m->x = malloc(MLP_BATCH * N0 * sz);
    m->h1 = malloc(MLP_BATCH * N1 * sz);
    m->h2 = malloc(MLP_BATCH * N2 * sz);
    m->o = malloc(MLP_BATCH * N3 * sz);
    m->d1 = malloc(MLP_BATCH * N1 * sz);
    m->d2 = malloc(MLP_BATCH * N2 * sz);
    return m->x && m->h1 && m->h2 && m->o && m->d1 && m->d2 ? 0 : -1;
}

static void buf_free(mlp_buf *m)
{
    free(m->x); free(m->h1); free(m->h2); free(m->o); free(m->d1); free(m->d2);
}

static void mlp_fini(problem *p)
{
    mlp *s = p->data;
    if (!s)
        return;
    fmnist_batcher_free(&s->b);
    buf_free(&s->f);
    buf_free(&s->d);
    free(s->y);
    free(s);
    p->data = NULL;
}

static int mlp_init(problem *p, char *err, size_t errlen)
{
    mlp *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (fmnist_get(&s->train, &s->test, err, errlen) != 0) {
        free(s);
        return -1;
    }
    p->data = s;
    s->y = malloc(MLP_BATCH);
    if (!s->y || buf_alloc(&s->f, sizeof(float)) || buf_alloc(&s->d, sizeof(double))
        || fmnist_batcher_init(&s->b, s->train, MLP_BATCH, &p->rng) != 0) {
        snprintf(err, errlen, "out of memory");
        mlp_fini(p);
        return -1;
    }
    return 0;
}

/* He (Kaiming) normal: std sqrt(2 / fan_in); biases 0. */
static void mlp_x0(const problem *p, double *x)
{
    uint64_t r = p->seed ^ 0x3c6ef372fe94f82bull;
    static const size_t off[3] = { OW1, OW2, OW3 }, fan_in[3] = { N0, N1, N2 },
                        fan_out[3] = { N1, N2, N3 };
    for (int l = 0; l < 3; l++) {
        double sd = sqrt(2.0 / (double)fan_in[l]);
        for (size_t i = 0; i < fan_in[l] * fan_out[l]; i++)
            x[off[l] + i] = sd * rms_rng_normal(&r);
        for (size_t i = 0; i < fan_out[l]; i++)
            x[off[l] + fan_in[l] * fan_out[l] + i] = 0;
    }
}

/* Y = X W^T + b (rows x out), then ReLU if relu. */
#define LAYER(T, NAME, GEMM)                                                  \
    static void NAME(const T *x, size_t rows, size_t in, const T *w,          \
                     const T *b, size_t out, T *y, int relu)                  \
    {                                                                         \
        for (size_t r = 0; r < rows; r++)                                     \
            for (size_t j = 0; j < out; j++)                                  \
                y[r * out + j] = b[j];                                        \
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)out,    \
             (int)in, 1, x, (int)in, w, (int)in, 1, y, (int)out);             \
        if (relu)                                                             \
            for (size_t i = 0; i < rows * out; i++)                           \
                y[i] = y[i] > 0 ? y[i] : 0;                                   \
    }

/* Given dY (rows x out) of a layer with input X: gW = dY^T X, gb = column
 * sums of dY; and if dx, dX = dY W masked by (X > 0) (X is a ReLU output). */
#define BACK(T, NAME, GEMM)                                                   \
    static void NAME(const T *dy, size_t rows, size_t out, const T *x,        \
                     size_t in, const T *w, T *gw, T *gb, T *dx)              \
    {                                                                         \
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)out, (int)in,      \
             (int)rows, 1, dy, (int)out, x, (int)in, 0, gw, (int)in);         \
        for (size_t j = 0; j < out; j++)                                      \
            gb[j] = 0;                                                        \
        for (size_t r = 0; r < rows; r++)                                     \
            for (size_t j = 0; j < out; j++)                                  \
                gb[j] += dy[r * out + j];                                     \
        if (!dx)                                                              \
            return;                                                           \
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)rows, (int)in,   \
             (int)out, 1, dy, (int)out, w, (int)in, 0, dx, (int)in);          \
        for (size_t i = 0; i < rows * in; i++)                                \
            if (!(x[i] > 0))                                                  \
                dx[i] = 0;                                                    \
    }

/* Summed loss of the rows already in m->x; the gradient of the mean loss
 * into g when g is non-NULL. */
#define EVAL(T, NAME, LAYERF, BACKF, XENT)                                    \
    static T NAME(const T *w, mlp_buf *m, const unsigned char *y,             \
                  size_t rows, T *g, size_t *correct)                         \
    {                                                                         \
        T *x = m->x, *h1 = m->h1, *h2 = m->h2, *o = m->o;                     \
        T *d1 = m->d1, *d2 = m->d2;                                           \
        LAYERF(x, rows, N0, w + OW1, w + OB1, N1, h1, 1);                     \
        LAYERF(h1, rows, N1, w + OW2, w + OB2, N2, h2, 1);                    \
        LAYERF(h2, rows, N2, w + OW3, w + OB3, N3, o, 0);                     \
        T loss = XENT(o, y, rows, correct);                                   \
        if (g) {                                                              \
            BACKF(o, rows, N3, h2, N2, w + OW3, g + OW3, g + OB3, d2);        \
            BACKF(d2, rows, N2, h1, N1, w + OW2, g + OW2, g + OB2, d1);       \
            BACKF(d1, rows, N1, x, N0, w + OW1, g + OW1, g + OB1, NULL);      \
        }                                                                     \
        return loss;                                                          \
    }

LAYER(double, layer64, cblas_dgemm)
LAYER(float, layer32, cblas_sgemm)
BACK(double, back64, cblas_dgemm)
BACK(float, back32, cblas_sgemm)
EVAL(double, eval64, layer64, back64, fmnist_xent64)
EVAL(float, eval32, layer32, back32, fmnist_xent32)

static double mlp_grad64(problem *p, const double *x, double *g)
{
    mlp *s = p->data;
    fmnist_batcher_gather(&s->b, NULL, s->d.x, s->y);
    return eval64(x, &s->d, s->y, s->b.cur, g, NULL) / (double)s->b.cur;
}

static float mlp_grad32(problem *p, const float *x, float *g)
{
    mlp *s = p->data;
    fmnist_batcher_gather(&s->b, s->f.x, NULL, s->y);
    return eval32(x, &s->f, s->y, s->b.cur, g, NULL) / (float)s->b.cur;
}

/* Rows [lo, hi) of the batch (the data-parallel hook of problem.h): the
 * same eval on a window of the gathered batch, rescaled to a share of total
 * (exactly 1 when the slice is the whole batch). */
static float mlp_grad32_rows(problem *p, const float *x, float *g, size_t lo,
                             size_t hi, size_t total)
{
    mlp *s = p->data;
    if (hi <= lo) {
        for (size_t i = 0; i < MLP_DIM; i++)
            g[i] = 0;
        return 0;
    }
    fmnist_batcher_gather(&s->b, s->f.x, NULL, s->y);
    mlp_buf win = s->f;
    win.x = (float *)s->f.x + lo * N0;
    float loss = eval32(x, &win, s->y + lo, hi - lo, g, NULL);
    if (hi - lo != total) {
        float share = (float)(hi - lo) / (float)total;
        for (size_t i = 0; i < MLP_DIM; i++)
            g[i] *= share;
    }
    return loss / (float)total;
}

static size_t mlp_batch_rows(const problem *p)
{
    return ((const mlp *)p->data)->b.cur;
}

static void mlp_next(problem *p)
{
    mlp *s = p->data;
    fmnist_batcher_next(&s->b, &p->rng);
}

/* One chunk of a whole-set evaluation; the chunk's pixels are in s->d.x. */
static double mlp_chunk64(void *model, const double *x, const double *xd,
                          const unsigned char *y, size_t rows, size_t *correct)
{
    (void)xd;
    mlp *s = model;
    return eval64(x, &s->d, y, rows, NULL, correct);
}

static double mlp_full(mlp *s, const fmnist_set *set, const double *x, double *acc)
{
    return fmnist_eval_set64(set, MLP_BATCH, s->d.x, mlp_chunk64, s, x, acc);
}

static double mlp_loss_exact(problem *p, const double *x)
{
    double acc;
    return mlp_full(p->data, ((mlp *)p->data)->train, x, &acc);
}

static double mlp_metric(problem *p, const double *x, const char **name)
{
    double acc;
    mlp_full(p->data, ((mlp *)p->data)->test, x, &acc);
    *name = "test_acc";
    return acc;
}

static double mlp_heldout(problem *p, const double *x, double *acc)
{
    return mlp_full(p->data, ((mlp *)p->data)->test, x, acc);
}

static size_t mlp_steps_per_epoch(const problem *p)
{
    return fmnist_batcher_steps_per_epoch(&((const mlp *)p->data)->b);
}

const problem_def problem_mlp_fmnist = {
    .name = "mlp_fmnist",
    .desc = "MLP 784-256-128-10, ReLU, softmax cross-entropy on Fashion-MNIST, batches of 128, He init",
    .dim_default = MLP_DIM, .dim_settable = 0, .stochastic = 1,
    .target = 0.35, .default_steps = 10 * 469,
    .init = mlp_init, .fini = mlp_fini, .x0 = mlp_x0,
    .grad64 = mlp_grad64, .grad32 = mlp_grad32, .next_batch = mlp_next,
    .loss_exact = mlp_loss_exact, .metric = mlp_metric, .heldout = mlp_heldout,
    .steps_per_epoch = mlp_steps_per_epoch,
    .batch_rows = mlp_batch_rows, .grad32_rows = mlp_grad32_rows,
};
