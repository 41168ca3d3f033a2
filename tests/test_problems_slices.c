/* test_problems_slices.c -- the data-parallel hook of problem.h
 * (batch_rows, grad32_rows) for logreg, softmax_fmnist and mlp_fmnist:
 *  - the whole batch as one slice is bit-identical to grad32 (loss and
 *    gradient), so a 1-rank sharded run is the plain run;
 *  - three uneven slices add up to grad32 within float summation order:
 *    every element within 1e-4 of the gradient's largest magnitude, the
 *    loss within 1e-5 relative;
 *  - an empty slice away from 0 gives an exactly zero gradient (the
 *    regulariser rides only with the slice at 0).
 * Real Fashion-MNIST data: missing data is a failure, not a skip. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "problem.h"

static void check_problem(const char *name)
{
    const problem_def *d = problem_find(name);
    char err[512];
    problem *p = d ? problem_create(d, 0, 5, err, sizeof err) : NULL;
    CHECK(p != NULL, "%s: %s", name, d ? err : "not in the table");
    if (!p)
        return;
    CHECK(d->batch_rows && d->grad32_rows, "%s: has the slice hook", name);
    if (!d->batch_rows || !d->grad32_rows) {
        problem_destroy(p);
        return;
    }
    size_t n = p->dim;
    double *x0 = malloc(n * sizeof *x0);
    float *x = malloc(n * sizeof *x), *full = malloc(n * sizeof *full);
    float *part = malloc(n * sizeof *part), *sum = calloc(n, sizeof *sum);
    if (!x0 || !x || !full || !part || !sum) {
        CHECK(0, "%s: out of memory", name);
        goto out;
    }
    d->x0(p, x0);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)x0[i];
    if (d->next_batch) {
        d->next_batch(p);
        d->next_batch(p);   /* not the first batch: any batch will do */
    }
    size_t rows = d->batch_rows(p);
    CHECK(rows >= 3, "%s: %zu rows in the batch", name, rows);
    float f = d->grad32(p, x, full);
    float fw = d->grad32_rows(p, x, part, 0, rows, rows);
    CHECK(fw == f && memcmp(part, full, n * sizeof *part) == 0,
          "%s: whole-batch slice is bit-identical to grad32 (loss %.9g vs %.9g)", name, fw, f);

    size_t cut[4] = { 0, rows / 5, rows / 2 + 1, rows };   /* uneven */
    double fs = 0;
    for (int k = 0; k < 3; k++) {
        fs += d->grad32_rows(p, x, part, cut[k], cut[k + 1], rows);
        for (size_t i = 0; i < n; i++)
            sum[i] += part[i];
    }
    double gmax = 0, dmax = 0;
    for (size_t i = 0; i < n; i++) {
        gmax = fmax(gmax, fabs((double)full[i]));
        dmax = fmax(dmax, fabs((double)sum[i] - (double)full[i]));
    }
    CHECK(gmax > 0 && dmax <= 1e-4 * gmax, "%s: 3 slices sum to grad32: max diff %.3g, "
          "max |g| %.3g", name, dmax, gmax);
    CHECK(fabs(fs - f) <= 1e-5 * fabs((double)f), "%s: slice losses sum to %.9g, grad32 %.9g",
          name, fs, (double)f);

    int zero = 1;
    d->grad32_rows(p, x, part, rows / 2, rows / 2, rows);
    for (size_t i = 0; i < n; i++)
        zero &= part[i] == 0.0f;
    CHECK(zero, "%s: an empty slice away from 0 has a zero gradient", name);
out:
    free(x0); free(x); free(full); free(part); free(sum);
    problem_destroy(p);
}

int main(void)
{
    check_problem("logreg");
    check_problem("softmax_fmnist");
    check_problem("mlp_fmnist");
    return check_summary("test_problems_slices");
}
