/* fmnist.c -- the Fashion-MNIST cache and mini-batch sampler. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fmnist.h"
#include "idx.h"
#include "problem.h"

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static fmnist_set cache[2];      /* train, test */
static int cache_ready;

/* Images and labels of one split; checks they agree with each other. */
static int load_split(const char *dir, const char *prefix, fmnist_set *s,
                      char *err, size_t errlen)
{
    char ipath[4096], lpath[4096];
    snprintf(ipath, sizeof ipath, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    snprintf(lpath, sizeof lpath, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    idx_array im, lb;
    if (idx_load_u8(ipath, 3, &im, err, errlen) != 0)
        return -1;
    if (idx_load_u8(lpath, 1, &lb, err, errlen) != 0) {
        idx_free(&im);
        return -1;
    }
    int rc = -1;
    float *x = NULL;
    if (im.dims[1] != 28 || im.dims[2] != 28) {
        snprintf(err, errlen, "%s: images are %ux%u, want 28x28", ipath, im.dims[1], im.dims[2]);
        goto out;
    }
    if (lb.dims[0] != im.dims[0]) {
        snprintf(err, errlen, "%s: %u labels for %u images in %s", lpath, lb.dims[0],
                 im.dims[0], ipath);
        goto out;
    }
    for (size_t i = 0; i < lb.count; i++)
        if (lb.data[i] >= FMNIST_CLASSES) {
            snprintf(err, errlen, "%s: label %u at index %zu is not in 0..9", lpath,
                     lb.data[i], i);
            goto out;
        }
    x = malloc(im.count * sizeof *x);
    if (!x) {
        snprintf(err, errlen, "%s: out of memory", ipath);
        goto out;
    }
    for (size_t i = 0; i < im.count; i++)
        x[i] = (float)im.data[i] / 255.0f;
    s->n = im.dims[0];
    s->x = x;
    s->y = lb.data;              /* kept: owned by the cache from now on */
    lb.data = NULL;
    x = NULL;
    rc = 0;
out:
    free(x);
    idx_free(&im);
    idx_free(&lb);
    return rc;
}

int fmnist_get(const fmnist_set **train, const fmnist_set **test,
               char *err, size_t errlen)
{
    pthread_mutex_lock(&cache_lock);
    int rc = 0;
    if (!cache_ready) {
        const char *dir = getenv("RMS_FMNIST_DIR");
        if (!dir || !*dir)
            dir = FMNIST_DIR_DEFAULT;
        fmnist_set tr = { 0 }, te = { 0 };
        rc = load_split(dir, "train", &tr, err, errlen);
        if (rc == 0 && (rc = load_split(dir, "t10k", &te, err, errlen)) != 0) {
            free((void *)tr.x);
            free((void *)tr.y);
        }
        if (rc == 0) {
            cache[0] = tr;
            cache[1] = te;
            cache_ready = 1;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    if (rc == 0) {
        *train = &cache[0];
        *test = &cache[1];
    }
    return rc;
}

static void shuffle(fmnist_batcher *b, uint64_t *rng)
{
    size_t n = b->set->n;
    for (size_t i = 0; i < n; i++)
        b->perm[i] = i;
    for (size_t i = n; i > 1; i--) {          /* Fisher-Yates */
        size_t j = (size_t)(rms_rng_uniform(rng) * (double)i);
        size_t t = b->perm[i - 1];
        b->perm[i - 1] = b->perm[j];
        b->perm[j] = t;
    }
}

static void set_cur(fmnist_batcher *b)
{
    size_t left = b->set->n - b->pos;
    b->cur = left < b->batch ? left : b->batch;
}

int fmnist_batcher_init(fmnist_batcher *b, const fmnist_set *set, size_t batch,
                        uint64_t *rng)
{
    b->set = set;
    b->batch = batch;
    b->pos = 0;
    b->perm = malloc(set->n * sizeof *b->perm);
    if (!b->perm)
        return -1;
    shuffle(b, rng);
    set_cur(b);
    return 0;
}

void fmnist_batcher_free(fmnist_batcher *b)
{
    free(b->perm);
    b->perm = NULL;
}

void fmnist_batcher_next(fmnist_batcher *b, uint64_t *rng)
{
    b->pos += b->batch;
    if (b->pos >= b->set->n) {
        b->pos = 0;
        shuffle(b, rng);
    }
    set_cur(b);
}

size_t fmnist_batcher_steps_per_epoch(const fmnist_batcher *b)
{
    return (b->set->n + b->batch - 1) / b->batch;
}

void fmnist_batcher_gather(const fmnist_batcher *b, float *xf, double *xd,
                           unsigned char *y)
{
    for (size_t r = 0; r < b->cur; r++) {
        size_t k = b->perm[b->pos + r];
        const float *src = b->set->x + k * FMNIST_PIXELS;
        if (xf)
            memcpy(xf + r * FMNIST_PIXELS, src, FMNIST_PIXELS * sizeof *src);
        if (xd)
            for (size_t j = 0; j < FMNIST_PIXELS; j++)
                xd[r * FMNIST_PIXELS + j] = src[j];
        y[r] = b->set->y[k];
    }
}

double fmnist_eval_set64(const fmnist_set *set, size_t chunk, double *xd,
                         fmnist_chunk_eval64 eval, void *model, const double *x, double *acc)
{
    double loss = 0;
    size_t correct = 0;
    for (size_t i = 0; i < set->n; i += chunk) {
        size_t rows = set->n - i < chunk ? set->n - i : chunk;
        for (size_t j = 0; j < rows * FMNIST_PIXELS; j++)
            xd[j] = set->x[i * FMNIST_PIXELS + j];
        loss += eval(model, x, xd, set->y + i, rows, &correct);
    }
    *acc = (double)correct / (double)set->n;
    return loss / (double)set->n;
}

#define XENT(T, NAME, EXP, LOG)                                               \
    T NAME(T *o, const unsigned char *y, size_t rows, size_t *correct)        \
    {                                                                         \
        T sum = 0, inv = (T)1 / (T)rows;                                      \
        for (size_t r = 0; r < rows; r++) {                                   \
            T *z = o + r * FMNIST_CLASSES;                                    \
            size_t arg = 0;                                                   \
            for (size_t k = 1; k < FMNIST_CLASSES; k++)                       \
                if (z[k] > z[arg])                                            \
                    arg = k;                                                  \
            T mx = z[arg], se = 0;                                            \
            for (size_t k = 0; k < FMNIST_CLASSES; k++)                       \
                se += EXP(z[k] - mx);                                         \
            sum += mx + LOG(se) - z[y[r]];  /* log-sum-exp minus true logit */ \
            if (correct && arg == y[r])                                       \
                ++*correct;                                                   \
            for (size_t k = 0; k < FMNIST_CLASSES; k++)                       \
                z[k] = (EXP(z[k] - mx) / se - (k == y[r])) * inv;             \
        }                                                                     \
        return sum;                                                           \
    }

XENT(double, fmnist_xent64, exp, log)
XENT(float, fmnist_xent32, expf, logf)
