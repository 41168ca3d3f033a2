/* test_problems_minima.c -- known minima: at the known minimiser the loss
 * equals the known value (the table's f_min) and the gradient is ~0, in
 * double and float; logreg's minimum, which has no closed form, is found
 * here by Newton's method (Hessian from differences of grad64) and must sit
 * just below the table's target.  Also: x0 is deterministic in the seed and
 * lies in the problem's usual box. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "problem.h"

#define ST_XMIN -2.903534027771177   /* root of 4x^3 - 32x + 5 below -2 */

static problem *make(const char *name, size_t dim, uint64_t seed)
{
    const problem_def *d = problem_find(name);
    CHECK(d != NULL, "problem '%s' is in the table", name);
    if (!d)
        return NULL;
    char err[512];
    problem *p = problem_create(d, dim, seed, err, sizeof err);
    CHECK(p != NULL, "%s: %s", name, err);
    return p;
}

/* Loss and gradient at x = fill (all coordinates), double and float. */
static void check_min(const char *name, size_t dim, double fill, double fmin)
{
    problem *p = make(name, dim, 1);
    if (!p)
        return;
    const problem_def *d = p->def;
    size_t n = p->dim;
    double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g);
    float *xf = malloc(n * sizeof *xf), *gf = malloc(n * sizeof *gf);
    for (size_t i = 0; i < n; i++)
        x[i] = fill, xf[i] = (float)fill;
    double f = d->loss_exact ? d->loss_exact(p, x) : d->grad64(p, x, g);
    if (d->loss_exact)
        d->grad64(p, x, g);
    CHECK(fabs(f - fmin) <= 1e-12 * fmax(1.0, fabs(fmin)), "%s: f(x*) = %.17g, want %.17g",
          name, f, fmin);
    CHECK(d->has_fmin && fabs(d->f_min - fmin) <= 1e-12 * fmax(1.0, fabs(fmin)),
          "%s: table f_min %.17g, want %.17g", name, d->f_min, fmin);
    double gmax = 0, gfmax = 0;
    if (!d->stochastic) {
        for (size_t i = 0; i < n; i++)
            gmax = fmax(gmax, fabs(g[i]));
        float f32 = d->grad32(p, xf, gf);
        for (size_t i = 0; i < n; i++)
            gfmax = fmax(gfmax, fabs(gf[i]));
        CHECK(gmax <= 1e-12, "%s: |grad64(x*)| = %g", name, gmax);
        CHECK(gfmax <= 1e-4, "%s: |grad32(x*)| = %g", name, gfmax);
        CHECK(fabs(f32 - fmin) <= 1e-5 * fmax(1.0, fabs(fmin)), "%s: f32(x*) = %.9g", name,
              (double)f32);
    }
    free(x); free(g); free(xf); free(gf);
    problem_destroy(p);
}

/* Solve H dx = -g by Gaussian elimination with partial pivoting. */
static int solve(size_t n, double *H, double *b)
{
    for (size_t c = 0; c < n; c++) {
        size_t piv = c;
        for (size_t r = c + 1; r < n; r++)
            if (fabs(H[r * n + c]) > fabs(H[piv * n + c]))
                piv = r;
        if (fabs(H[piv * n + c]) < 1e-300)
            return -1;
        for (size_t k = 0; k < n; k++) {
            double t = H[c * n + k]; H[c * n + k] = H[piv * n + k]; H[piv * n + k] = t;
        }
        double t = b[c]; b[c] = b[piv]; b[piv] = t;
        for (size_t r = c + 1; r < n; r++) {
            double m = H[r * n + c] / H[c * n + c];
            for (size_t k = c; k < n; k++)
                H[r * n + k] -= m * H[c * n + k];
            b[r] -= m * b[c];
        }
    }
    for (size_t c = n; c-- > 0;) {
        for (size_t k = c + 1; k < n; k++)
            b[c] -= H[c * n + k] * b[k];
        b[c] /= H[c * n + c];
    }
    return 0;
}

static void check_logreg(void)
{
    problem *p = make("logreg", 0, 1);
    if (!p)
        return;
    const problem_def *d = p->def;
    size_t n = p->dim;
    double *x = calloc(n, sizeof *x), *g = malloc(n * sizeof *g), *gp = malloc(n * sizeof *gp),
           *gm = malloc(n * sizeof *gm), *H = malloc(n * n * sizeof *H);
    double f = 0, gmax = 0;
    for (int it = 0; it < 20; it++) {
        f = d->grad64(p, x, g);
        for (size_t j = 0; j < n; j++) {    /* column j of the Hessian */
            double xj = x[j], h = 1e-5;
            x[j] = xj + h; d->grad64(p, x, gp);
            x[j] = xj - h; d->grad64(p, x, gm);
            x[j] = xj;
            for (size_t i = 0; i < n; i++)
                H[i * n + j] = (gp[i] - gm[i]) / (2 * h);
        }
        for (size_t i = 0; i < n; i++)
            g[i] = -g[i];
        CHECK(solve(n, H, g) == 0, "logreg: singular Hessian at Newton step %d", it);
        for (size_t i = 0; i < n; i++)
            x[i] += g[i];
    }
    f = d->grad64(p, x, g);
    for (size_t i = 0; i < n; i++)
        gmax = fmax(gmax, fabs(g[i]));
    CHECK(gmax <= 1e-10, "logreg: Newton's minimiser has |grad| = %g", gmax);
    CHECK(f < d->target && d->target - f <= 5e-3, "logreg: minimum %.10g, target %g should "
          "be just above it", f, d->target);
    /* the minimum is a minimum: loss grows along random directions */
    uint64_t r = 99;
    int up = 1;
    for (int k = 0; k < 10; k++) {
        double *y = gp;
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] + 1e-3 * rms_rng_normal(&r);
        up &= d->grad64(p, y, gm) > f;
    }
    CHECK(up, "logreg: a random nearby point has a lower loss than %.10g", f);
    free(x); free(g); free(gp); free(gm); free(H);
    problem_destroy(p);
}

/* Same seed: same x0; another seed: another x0 (for seeded problems); the
 * usual box for Rastrigin and Styblinski-Tang. */
static void check_x0(const char *name, int seeded, double lo, double hi)
{
    problem *a = make(name, 0, 5), *b = make(name, 0, 5), *c = make(name, 0, 6);
    if (!a || !b || !c)
        goto out;
    size_t n = a->dim;
    double *xa = malloc(n * sizeof *xa), *xb = malloc(n * sizeof *xb), *xc = malloc(n * sizeof *xc);
    a->def->x0(a, xa); b->def->x0(b, xb); c->def->x0(c, xc);
    CHECK(memcmp(xa, xb, n * sizeof *xa) == 0, "%s: x0 differs for the same seed", name);
    CHECK((memcmp(xa, xc, n * sizeof *xa) != 0) == seeded, "%s: x0 %s on the seed", name,
          seeded ? "does not depend" : "depends");
    int inside = 1;
    for (size_t i = 0; i < n; i++)
        inside &= xa[i] >= lo && xa[i] <= hi;
    CHECK(inside, "%s: x0 outside [%g, %g]", name, lo, hi);
    free(xa); free(xb); free(xc);
out:
    problem_destroy(a); problem_destroy(b); problem_destroy(c);
}

int main(void)
{
    check_min("quadratic", 0, 0.0, 0.0);
    check_min("noisy_quadratic", 0, 0.0, 0.0);
    check_min("rosenbrock", 0, 1.0, 0.0);
    check_min("rosenbrock_nd", 0, 1.0, 0.0);
    check_min("rastrigin", 0, 0.0, 0.0);
    check_min("styblinski_tang", 0, ST_XMIN, 10 * -39.16616570377142);
    check_min("synthetic", 1000, 0.0, 0.0);
    check_logreg();
    check_x0("quadratic", 1, -1, 1);
    check_x0("rastrigin", 1, -5.12, 5.12);
    check_x0("styblinski_tang", 1, -5, 5);
    check_x0("rosenbrock", 0, -1.2, 1);
    check_x0("logreg", 1, -1, 1);
    check_x0("synthetic", 1, -1, 1);
    /* the Styblinski-Tang minimum per coordinate, as the literature quotes it */
    CHECK(fabs(problem_find("styblinski_tang")->f_min / 10 - -39.16599) < 2e-4,
          "styblinski_tang: f_min/n = %.6f, literature -39.16599..-39.16617",
          problem_find("styblinski_tang")->f_min / 10);
    return check_summary("problem minima");
}
