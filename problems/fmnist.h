/* fmnist.h -- Fashion-MNIST for the softmax and MLP problems: the data,
 * loaded once per process and shared read-only by every instance, and a
 * seeded mini-batch sampler. */
#ifndef FMNIST_H
#define FMNIST_H

#include <stddef.h>
#include <stdint.h>

#define FMNIST_PIXELS 784
#define FMNIST_CLASSES 10
#define FMNIST_DIR_DEFAULT "/usr/share/datasets/fashion-mnist"

typedef struct fmnist_set {
    size_t n;
    const float *x;              /* n x 784, pixels / 255 in [0, 1] */
    const unsigned char *y;      /* n labels in 0..9 */
} fmnist_set;

/* Train and test sets, read on the first call from $RMS_FMNIST_DIR (tests
 * point it at small files they write) or FMNIST_DIR_DEFAULT.  Thread-safe.
 * 0 on success; -1 with a one-line error naming the file. */
int fmnist_get(const fmnist_set **train, const fmnist_set **test,
               char *err, size_t errlen);

/* Mini-batches: a seeded shuffle of the training set each epoch; the last
 * batch of an epoch is smaller when batch does not divide n (PyTorch's
 * DataLoader with drop_last=False). */
typedef struct fmnist_batcher {
    const fmnist_set *set;
    size_t batch, pos, cur;      /* cur: size of the current batch */
    size_t *perm;                /* current epoch's order */
} fmnist_batcher;

int  fmnist_batcher_init(fmnist_batcher *b, const fmnist_set *set, size_t batch,
                         uint64_t *rng);
void fmnist_batcher_free(fmnist_batcher *b);
void fmnist_batcher_next(fmnist_batcher *b, uint64_t *rng);
size_t fmnist_batcher_steps_per_epoch(const fmnist_batcher *b);
/* Copy the current batch (cur rows) into xf / xd (either may be NULL) and
 * its labels into y. */
void fmnist_batcher_gather(const fmnist_batcher *b, float *xf, double *xd,
                           unsigned char *y);

#endif

/* Mean loss and accuracy of a model over a whole set, in double, `chunk`
 * rows at a time: each chunk's pixels are copied to xd (chunk x 784) and
 * eval returns the chunk's summed loss, adding its correct rows to *correct. */
typedef double (*fmnist_chunk_eval64)(void *model, const double *x, const double *xd,
                                      const unsigned char *y, size_t rows, size_t *correct);
double fmnist_eval_set64(const fmnist_set *set, size_t chunk, double *xd,
                         fmnist_chunk_eval64 eval, void *model, const double *x, double *acc);

/* Softmax cross-entropy over rows of logits o (rows x 10): returns the summed
 * loss, adds the number of rows whose argmax is the label to *correct (if
 * non-NULL), and overwrites o with d(mean loss)/d(logits) = (p - onehot)/rows. */
double fmnist_xent64(double *o, const unsigned char *y, size_t rows, size_t *correct);
float  fmnist_xent32(float *o, const unsigned char *y, size_t rows, size_t *correct);
