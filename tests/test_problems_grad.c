/* test_problems_grad.c -- every problem's gradient against central finite
 * differences of its own double loss, at three seeded points, and the float
 * gradient against the double one at the same (float-representable) point.
 *
 * Tolerances (relative to the gradient's scale s = max |g64|):
 *   grad64 vs FD:    |g - fd| <= 1e-5 (|fd| + s)   h = 1e-6 max(1, |x|)
 *   grad32 vs grad64:|g32 - g64| <= 2e-3 (|g64| + s), loss within 1e-4 rel
 * Mini-batch problems stay on one batch during a check (no next_batch).  For
 * the Fashion-MNIST problems a seeded subset of 60 coordinates is checked,
 * half of them log-spaced from the end so that the small blocks (biases,
 * last layers) are hit, on the real data. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "problem.h"

/* Small dimensions where --dim is allowed, so the full check stays fast. */
static size_t test_dim(const problem_def *d)
{
    return d->dim_settable ? 9 : 0;
}

static void check_point(problem *p, double *x, uint64_t *rng, size_t ncoord)
{
    const problem_def *d = p->def;
    size_t n = p->dim;
    double *g = malloc(n * sizeof *g), *g64 = malloc(n * sizeof *g64);
    float *xf = malloc(n * sizeof *xf), *g32 = malloc(n * sizeof *g32);
    if (!g || !g64 || !xf || !g32) {
        CHECK(0, "out of memory");
        goto out;
    }
    double f = d->grad64(p, x, g), s = 0;
    CHECK(isfinite(f), "%s: loss %g at a seeded point", d->name, f);
    for (size_t i = 0; i < n; i++)
        s = fmax(s, fabs(g[i]));
    size_t bad = 0, worst = 0;
    double worst_err = 0;
    for (size_t c = 0; c < ncoord; c++) {
        /* subset: half uniform, half at a log-uniform distance from the end,
         * where the small blocks (biases, last layers) sit */
        size_t i = ncoord >= n ? c
                 : c % 2 ? (size_t)(rms_rng_uniform(rng) * (double)n)
                 : n - (size_t)pow((double)n, rms_rng_uniform(rng));
        if (i >= n)
            break;
        double xi = x[i], h = 1e-6 * fmax(1.0, fabs(xi));
        x[i] = xi + h;
        double fp = d->grad64(p, x, g64);
        x[i] = xi - h;
        double fm = d->grad64(p, x, g64);
        x[i] = xi;
        double fd = (fp - fm) / (2 * h), err = fabs(g[i] - fd);
        if (err > 1e-5 * (fabs(fd) + s)) {
            bad++;
            if (err > worst_err)
                worst_err = err, worst = i;
        }
    }
    CHECK(bad == 0, "%s: %zu of %zu coordinates differ from central differences; worst "
          "x[%zu]: g %.10g, err %.3g (scale %.3g)", d->name, bad, ncoord < n ? ncoord : n,
          worst, g[worst], worst_err, s);

    /* float at the same point: round x to float, give both the same values */
    for (size_t i = 0; i < n; i++) {
        xf[i] = (float)x[i];
        x[i] = xf[i];
    }
    f = d->grad64(p, x, g64);
    float f32 = d->grad32(p, xf, g32);
    CHECK(fabs(f32 - f) <= 1e-4 * fmax(fabs(f), 1.0), "%s: loss32 %.9g vs loss64 %.12g",
          d->name, (double)f32, f);
    s = 0;
    for (size_t i = 0; i < n; i++)
        s = fmax(s, fabs(g64[i]));
    bad = 0;
    worst_err = 0;
    for (size_t i = 0; i < n; i++) {
        double err = fabs(g32[i] - g64[i]);
        if (!(err <= 2e-3 * (fabs(g64[i]) + s))) {
            bad++;
            if (!(err <= worst_err))
                worst_err = err, worst = i;
        }
    }
    CHECK(bad == 0, "%s: grad32 differs from grad64 at %zu of %zu coordinates; worst x[%zu]: "
          "%.9g vs %.12g", d->name, bad, n, worst, (double)g32[worst], g64[worst]);
out:
    free(g); free(g64); free(xf); free(g32);
}

int main(void)
{
    problem_set_threads(1);
    size_t np;
    const problem_def *const *defs = problem_defs(&np);
    CHECK(np >= 10, "the table lists %zu problems", np);
    for (size_t k = 0; k < np; k++) {
        const problem_def *d = defs[k];
        for (uint64_t seed = 1; seed <= 3; seed++) {
            char err[512];
            problem *p = problem_create(d, test_dim(d), seed, err, sizeof err);
            CHECK(p != NULL, "%s: %s", d->name, err);
            if (!p)
                break;
            double *x = malloc(p->dim * sizeof *x);
            d->x0(p, x);
            /* Move off x0 (zero biases, a symmetric start) by a seeded amount. */
            uint64_t r = seed * 7919;
            for (size_t i = 0; i < p->dim; i++)
                x[i] += 0.05 * rms_rng_normal(&r);
            size_t ncoord = p->dim > 1000 ? 60 : p->dim;
            check_point(p, x, &r, ncoord);
            if (d->stochastic) {
                /* next_batch changes the gradient (otherwise it is not stochastic) */
                double *g1 = malloc(p->dim * sizeof *g1), *g2 = malloc(p->dim * sizeof *g2);
                double f1 = d->grad64(p, x, g1);
                d->next_batch(p);
                double f2 = d->grad64(p, x, g2);
                CHECK(f1 != f2 && memcmp(g1, g2, p->dim * sizeof *g1) != 0,
                      "%s: next_batch left the loss %.17g unchanged", d->name, f1);
                free(g1);
                free(g2);
            }
            free(x);
            problem_destroy(p);
            if (d->dim_default > 100000 && seed == 2)
                break;           /* two points are plenty for the MLP */
        }
    }
    return check_summary("problem gradients");
}
