/* perf_lp.c -- `rmsbench perf --state`: bytes per element, threaded
 * execution and validation of the low-precision state steps
 * (kernels/rms_lp.h); their memory roof is perf_roof_lp.c's.  Built with
 * -fopenmp (mk/perf.mk). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>
#include "perf/perf.h"
#include "rms_check.h"

double perf_bytes_per_elem(const rms_lp_opts *lp, const rms_cfg *c)
{
    if (lp->type == RMS_STATE_F32)
        return PERF_BYTES_PER_ELEM;
    return 12.0 + 2.0 * rms_lp_state_bytes_per_param(lp, c);
}

const char *perf_lp_label(const rms_kernel *k, rms_state_type t)
{
    /* one label per (kernel row, state): kernels are few, so a small table */
    static char labels[16][RMS_STATE_NTYPES][32];
    size_t nk, i;
    const rms_kernel *tab = rms_kernels(&nk);
    if (t == RMS_STATE_F32)
        return k->name;
    i = (size_t)(k - tab);
    if (i >= 16)
        return k->name;
    if (!labels[i][t][0])
        snprintf(labels[i][t], sizeof labels[i][t], "%s/%s", k->name, rms_state_name(t));
    return labels[i][t];
}

static size_t slice_align(const rms_state_lp *s)
{
    return s->o.type == RMS_STATE_Q8 ? s->o.block : RMS_LP_BLOCK_ALIGN;
}


void perf_lp_parallel(int threads, size_t n, const rms_state_lp *s,
                      void (*run)(size_t lo, size_t hi, void *arg), void *arg)
{
    if (threads <= 1) {
        run(0, n, arg);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        size_t lo, hi;
        perf_slice(n, slice_align(s), omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
        if (hi > lo)
            run(lo, hi, arg);
    }
}

typedef struct exec_arg {
    rms_lp_fn f;
    float *theta;
    const float *g;
    rms_state_lp *s;
    const rms_cfg *c;
    long t;
} exec_arg;

static void exec_slice(size_t lo, size_t hi, void *arg)
{
    exec_arg *a = arg;
    a->f(lo, hi, a->theta, a->g, a->s, a->c, a->t);
}

void perf_exec_lp(rms_lp_fn f, int threads, size_t n, float *theta, const float *g,
                  rms_state_lp *s, const rms_cfg *c, long t)
{
    exec_arg a = { f, theta, g, s, c, t };
    perf_lp_parallel(threads, n, s, exec_slice, &a);
}

void perf_lp_fill(rms_state_lp *s, const float *v, const float *m, const float *buf)
{
    if (s->o.type == RMS_STATE_Q8) {   /* each block's scale from its max */
        for (size_t b0 = 0; b0 < s->n; b0 += s->o.block) {
            size_t b1 = s->n - b0 < s->o.block ? s->n : b0 + s->o.block;
            float mx = 0.0f;
            for (size_t i = b0; i < b1; i++)
                mx = v[i] > mx ? v[i] : mx;
            s->scale[b0 / s->o.block] = (float)ldexp(1.0, rms_lp_q8_exponent(mx));
        }
    }
    for (size_t i = 0; i < s->n; i++)
        rms_lp_set(s, i, v[i], m ? m[i] : 0.0f, buf ? buf[i] : 0.0f);
}

/* The state's arrays: pointer and byte count, in one order for copy and compare. */
static size_t state_arrays(rms_state_lp *s, void **p, size_t *bytes)
{
    size_t k = 0, n = s->n, nb = (n + s->o.block - 1) / s->o.block;
    void *ptr[7] = { s->v16, s->m16, s->buf16, s->q, s->scale, s->m, s->buf };
    size_t sz[7] = { 2 * n, 2 * n, 2 * n, n, 4 * nb, 4 * n, 4 * n };
    for (int i = 0; i < 7; i++)
        if (ptr[i]) {
            p[k] = ptr[i];
            bytes[k++] = sz[i];
        }
    return k;
}

/* The worst theta error of f's step against the reference's, in the ulp
 * measure of rms_check.h (scale: the reference's step). */
static double theta_ulp(size_t n, const float *before, const float *f, const float *ref)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = rms_ulp_err(f[i], ref[i], (double)before[i] - ref[i]);
        worst = e > worst || isnan(e) ? e : worst;
    }
    return isnan(worst) ? INFINITY : worst;
}

int perf_lp_validate(rms_lp_fn f, int threads, size_t n, float *theta, const float *g,
                     rms_state_lp *s, const rms_cfg *c, int ulp_tol, double *max_ulp,
                     char *err, size_t errlen)
{
    rms_state_lp r;
    float *tr = rms_alloc(n, sizeof *tr), *t0 = rms_alloc(n, sizeof *t0);
    if (!tr || !t0 || rms_state_lp_init(&r, n, c, &s->o) != 0) {
        rms_free(tr);
        rms_free(t0);
        snprintf(err, errlen, "out of memory validating n = %zu", n);
        return -1;
    }
    void *ps[7], *pr[7];
    size_t bs[7], br[7];
    size_t k = state_arrays(s, ps, bs);
    state_arrays(&r, pr, br);
    for (size_t j = 0; j < k; j++)
        memcpy(pr[j], ps[j], bs[j]);
    memcpy(tr, theta, n * sizeof *tr);
    memcpy(t0, theta, n * sizeof *t0);
    perf_exec_lp(f, threads, n, theta, g, s, c, 1);
    rms_lp_step_ref(0, n, tr, g, &r, c, 1);
    *max_ulp = ulp_tol ? theta_ulp(n, t0, theta, tr) : memcmp(tr, theta, n * sizeof *tr) ? INFINITY : 0.0;
    int rc = *max_ulp > ulp_tol;
    const char *what = "theta";
    /* the stored state: every byte, but for buf (m16 .. buf) when the step
     * is within a bound (buf carries the approximate quotient) */
    for (size_t j = 0; !rc && j < k; j++)
        if (!(ulp_tol && (ps[j] == (void *)s->buf16 || ps[j] == (void *)s->buf)) &&
            memcmp(pr[j], ps[j], bs[j]) != 0) {
            rc = 1;
            what = "the stored state";
        }
    if (rc && ulp_tol && !strcmp(what, "theta"))
        snprintf(err, errlen, "%s state at n = %zu, %d thread(s): theta is %.3g ulp from "
                 "the scalar reference (tolerance %d)", rms_state_name(s->o.type), n, threads,
                 *max_ulp, ulp_tol);
    else if (rc)
        snprintf(err, errlen, "%s state at n = %zu, %d thread(s): %s differs from the "
                 "scalar reference", rms_state_name(s->o.type), n, threads, what);
    rms_state_lp_free(&r);
    rms_free(tr);
    rms_free(t0);
    return rc;
}
