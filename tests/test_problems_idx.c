/* test_problems_idx.c -- the IDX reader and the Fashion-MNIST loader on small
 * files this test writes itself: valid (gzip and plain), truncated header and
 * data, wrong magic, wrong dimension count, bytes past the array, an empty
 * dimension, corrupt gzip, a missing file; then a tiny data set in a
 * directory given by RMS_FMNIST_DIR, with a label/image count mismatch and a
 * bad label first (errors name the file), then a good one (pixels / 255). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "check.h"
#include "fmnist.h"
#include "idx.h"
#include "problem.h"

static char dir[] = "/tmp/rms_idx_test_XXXXXX";

/* Header 00 00 08 nd, dims, then len bytes of data (pattern i*7). */
static size_t make_idx(unsigned char *buf, int nd, const uint32_t *dims, size_t len)
{
    size_t k = 0;
    buf[k++] = 0; buf[k++] = 0; buf[k++] = 8; buf[k++] = (unsigned char)nd;
    for (int i = 0; i < nd; i++) {
        buf[k++] = dims[i] >> 24; buf[k++] = dims[i] >> 16;
        buf[k++] = dims[i] >> 8; buf[k++] = dims[i];
    }
    for (size_t i = 0; i < len; i++)
        buf[k++] = (unsigned char)(i * 7);
    return k;
}

static void write_file(const char *path, const unsigned char *b, size_t n, int gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        CHECK(f && gzwrite(f, b, (unsigned)n) == (int)n, "write %s", path);
        if (f)
            gzclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        CHECK(f && fwrite(b, 1, n, f) == n, "write %s", path);
        if (f)
            fclose(f);
    }
}

/* Loading must fail with an error naming the file and containing want. */
static void expect_error(const char *name, const unsigned char *b, size_t n, int gz,
                         int nd, const char *want)
{
    char path[256], err[512] = "";
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (b)
        write_file(path, b, n, gz);
    idx_array a;
    int rc = idx_load_u8(path, nd, &a, err, sizeof err);
    CHECK(rc == -1, "%s: loaded, want an error", name);
    CHECK(strstr(err, path) != NULL && strstr(err, want) != NULL,
          "%s: error '%s' should name the file and say '%s'", name, err, want);
    CHECK(strchr(err, '\n') == NULL, "%s: error is more than one line", name);
    CHECK(a.data == NULL && a.count == 0, "%s: failed load left data behind", name);
}

static void reader_tests(void)
{
    unsigned char b[4096];
    uint32_t dims[3] = { 3, 4, 5 };
    size_t n = make_idx(b, 3, dims, 60);
    for (int gz = 0; gz <= 1; gz++) {
        char path[256], err[512] = "";
        snprintf(path, sizeof path, "%s/good%d", dir, gz);
        write_file(path, b, n, gz);
        idx_array a;
        int rc = idx_load_u8(path, 3, &a, err, sizeof err);
        CHECK(rc == 0, "valid file (gzip %d): %s", gz, err);
        if (rc == 0) {
            CHECK(a.ndim == 3 && a.dims[0] == 3 && a.dims[1] == 4 && a.dims[2] == 5 &&
                  a.count == 60, "dims %u %u %u count %zu", a.dims[0], a.dims[1], a.dims[2],
                  a.count);
            int same = 1;
            for (size_t i = 0; i < 60; i++)
                same &= a.data[i] == (unsigned char)(i * 7);
            CHECK(same, "valid file (gzip %d): data differ", gz);
            idx_free(&a);
        }
    }
    expect_error("trunc_data.gz", b, n - 1, 1, 3, "truncated");
    expect_error("trunc_dims.gz", b, 9, 1, 3, "truncated");
    expect_error("trunc_magic.gz", b, 2, 1, 3, "truncated");
    expect_error("empty.gz", b, 0, 1, 3, "truncated");
    unsigned char c[4096];
    memcpy(c, b, n);
    c[2] = 0x0d;                                  /* float IDX, not ubyte */
    expect_error("magic_type.gz", c, n, 1, 3, "wrong magic");
    memcpy(c, b, n);
    c[0] = 0x1f;
    expect_error("magic_byte.gz", c, n, 1, 3, "wrong magic");
    expect_error("wrong_ndim.gz", b, n, 1, 1, "wrong magic");
    memcpy(c, b, n);
    c[n] = 1;
    expect_error("trailing.gz", c, n + 1, 1, 3, "wrong size");
    uint32_t zero[3] = { 3, 0, 5 };
    size_t nz = make_idx(c, 3, zero, 0);
    expect_error("zero_dim.gz", c, nz, 1, 3, "bad size");
    uint32_t huge[3] = { 0xffffffffu, 0xffffffffu, 2 };
    size_t nh = make_idx(c, 3, huge, 0);
    expect_error("huge.gz", c, nh, 1, 3, "bad size");
    /* a huge image count with ordinary 28 x 28 images: the product is too
     * big, and the message says so rather than blaming dimension 1 (28) */
    uint32_t many[3] = { 0x7fffffffu, 28, 28 };
    size_t nm = make_idx(c, 3, many, 0);
    expect_error("many_images.gz", c, nm, 1, 3, "2147483647 x 28 (dimensions 0..1) is over");
    /* a gzip header followed by garbage: zlib reports a data error */
    char gzp[256];
    snprintf(gzp, sizeof gzp, "%s/good1", dir);
    FILE *f = fopen(gzp, "rb");
    size_t m = f ? fread(c, 1, sizeof c, f) : 0;
    if (f)
        fclose(f);
    CHECK(m > 20, "read back the gzip file");
    for (size_t i = 12; i < m; i++)
        c[i] ^= 0x5a;
    expect_error("corrupt.gz", c, m, 0, 3, "corrupt");
    expect_error("missing.gz", NULL, 0, 0, 3, "cannot open");
}

/* A 4-image training set and a 2-image test set in dir. */
static void write_set(const char *prefix, uint32_t nimg, uint32_t nlab, unsigned char bad)
{
    static unsigned char b[4 * 784 + 64];
    char path[256];
    uint32_t d3[3] = { nimg, 28, 28 }, d1[1] = { nlab };
    size_t n = make_idx(b, 3, d3, (size_t)nimg * 784);
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    write_file(path, b, n, 1);
    n = make_idx(b, 1, d1, 0);
    for (uint32_t i = 0; i < nlab; i++)
        b[n++] = (unsigned char)(i % 10);
    if (bad)
        b[n - 1] = bad;
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    write_file(path, b, n, 1);
}

static void loader_tests(void)
{
    setenv("RMS_FMNIST_DIR", dir, 1);
    const fmnist_set *tr = NULL, *te = NULL;
    char err[512] = "";
    CHECK(fmnist_get(&tr, &te, err, sizeof err) == -1 && strstr(err, "train-images"),
          "missing data set: error '%s' should name train-images", err);
    write_set("train", 4, 3, 0);
    write_set("t10k", 2, 2, 0);
    CHECK(fmnist_get(&tr, &te, err, sizeof err) == -1 && strstr(err, "train-labels") &&
          strstr(err, "3 labels for 4 images"), "count mismatch: error '%s'", err);
    write_set("train", 4, 4, 10);
    CHECK(fmnist_get(&tr, &te, err, sizeof err) == -1 && strstr(err, "train-labels") &&
          strstr(err, "label 10"), "bad label: error '%s'", err);
    /* through the problem API: the same error, no instance */
    problem *p = problem_create(problem_find("mlp_fmnist"), 0, 1, err, sizeof err);
    CHECK(p == NULL && strstr(err, "train-labels"), "mlp_fmnist on bad data: '%s'", err);
    write_set("train", 4, 4, 0);
    CHECK(fmnist_get(&tr, &te, err, sizeof err) == 0, "tiny data set: %s", err);
    if (tr && te) {
        CHECK(tr->n == 4 && te->n == 2, "sizes %zu %zu", tr->n, te->n);
        int ok = 1;
        for (size_t i = 0; i < 4 * 784; i++)
            ok &= tr->x[i] == (float)(unsigned char)(i * 7) / 255.0f;
        CHECK(ok, "pixels are byte / 255");
        CHECK(tr->y[3] == 3 && te->y[1] == 1, "labels %u %u", tr->y[3], te->y[1]);
        const fmnist_set *tr2, *te2;
        CHECK(fmnist_get(&tr2, &te2, err, sizeof err) == 0 && tr2 == tr && tr2->x == tr->x,
              "second load comes from the cache");
        /* batches of 128 on 4 images: one step per epoch, each epoch a permutation */
        p = problem_create(problem_find("softmax_fmnist"), 0, 1, err, sizeof err);
        CHECK(p != NULL, "softmax_fmnist on the tiny set: %s", err);
        if (p) {
            CHECK(p->def->steps_per_epoch(p) == 1, "steps per epoch %zu",
                  p->def->steps_per_epoch(p));
            problem_destroy(p);
        }
    }
}

int main(void)
{
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp %s", dir);
        return check_summary("idx reader");
    }
    reader_tests();
    loader_tests();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "remove %s", dir);
    return check_summary("idx reader");
}
