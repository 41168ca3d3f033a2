/* test_problems_fmnist.c -- softmax_fmnist and mlp_fmnist on the real data
 * (Debian's dataset-fashion-mnist; missing data is a failure, not a skip):
 *  - 60 steps of the seed rule (fused kernel, float) lower the loss on a
 *    fixed batch (the first batch of an instance with another seed) by at least
 *    30%, and raise test accuracy above 0.6 (chance is 0.1);
 *  - the batch sequence is a function of the seed: two instances with one
 *    seed give identical losses, and float and double see the same batches;
 *  - steps_per_epoch is ceil(60000 / 128) = 469, the metric is "test_acc". */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "problem.h"
#include "rms.h"

#define STEPS 60

static void check_problem(const char *name)
{
    const problem_def *d = problem_find(name);
    char err[512];
    problem *p = d ? problem_create(d, 0, 7, err, sizeof err) : NULL;
    problem *twin = d ? problem_create(d, 0, 7, err, sizeof err) : NULL;
    problem *held = d ? problem_create(d, 0, 8, err, sizeof err) : NULL;
    CHECK(p && twin && held, "%s: %s", name, d ? err : "not in the table");
    if (!p || !twin || !held)
        goto out0;
    size_t n = p->dim;
    CHECK(d->steps_per_epoch(p) == 469, "%s: %zu steps per epoch", name, d->steps_per_epoch(p));
    double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g);
    float *xf = malloc(n * sizeof *xf), *gf = malloc(n * sizeof *gf);
    rms_cfg cfg = rms_cfg_default();
    rms_state_f32 s;
    const rms_kernel *k = rms_kernel_find("fused");
    if (!x || !g || !xf || !gf || !k || rms_state_f32_init(&s, n, &cfg)) {
        CHECK(0, "%s: set-up failed", name);
        goto out1;
    }
    d->x0(p, x);
    for (size_t i = 0; i < n; i++)
        xf[i] = (float)x[i], x[i] = xf[i];
    double before = d->grad64(held, x, g);
    const char *mname = NULL;
    double acc0 = d->metric(p, x, &mname);
    CHECK(mname && strcmp(mname, "test_acc") == 0, "%s: metric is '%s'", name,
          mname ? mname : "(null)");
    int same = 1, close = 1;
    for (int t = 0; t < STEPS; t++) {
        float f = d->grad32(p, xf, gf);
        float ft = d->grad32(twin, xf, gf);
        same &= f == ft;                 /* same seed, same batch, same float code */
        for (size_t i = 0; i < n; i++)
            x[i] = xf[i];
        double f64 = d->grad64(twin, x, g);
        close &= fabs(f - f64) <= 1e-4 * fabs(f64);
        rms_step_f32(k, &s, xf, gf, &cfg);
        d->next_batch(p);
        d->next_batch(twin);
    }
    CHECK(same, "%s: two instances with one seed saw different batches", name);
    CHECK(close, "%s: float and double losses differ on some batch (not the same batch?)", name);
    for (size_t i = 0; i < n; i++)
        x[i] = xf[i];
    double after = d->grad64(held, x, g), acc = d->metric(p, x, &mname);
    printf("%s: fixed-batch loss %.4f -> %.4f after %d steps; test_acc %.4f -> %.4f\n",
           name, before, after, STEPS, acc0, acc);
    CHECK(after < 0.7 * before, "%s: loss %.4f -> %.4f after %d steps", name, before, after,
          STEPS);
    CHECK(acc > 0.6 && acc <= 1.0, "%s: test_acc %.4f after %d steps", name, acc, STEPS);
    rms_state_f32_free(&s);
out1:
    free(x); free(g); free(xf); free(gf);
out0:
    problem_destroy(p);
    problem_destroy(twin);
    problem_destroy(held);
}

int main(void)
{
    problem_set_threads(1);
    check_problem("softmax_fmnist");
    check_problem("mlp_fmnist");
    return check_summary("fashion-mnist problems");
}
