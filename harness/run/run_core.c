/* run_core.c -- the optimisation loop.  ref64 runs the problem in double
 * (grad64 + rms_step_f64), every float kernel in float (grad32 +
 * rms_step_f32).  A non-finite loss or gradient norm stops the run as
 * diverged at that step; a problem that cannot be created or memory that
 * cannot be had makes the run failed.  Nothing here allocates per step. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "run/run_core.h"
#include "rms_util.h"
#include "sys/bounds.h"

volatile sig_atomic_t run_stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    run_stop_requested = 1;
}

static void catch_stop(int flags)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

void run_catch_stop_signals(void)
{
    catch_stop(SA_RESETHAND);
}

void run_catch_stop_signals_worker(void)
{
    catch_stop(0);
}

const char *run_status_name(enum run_status s)
{
    return s == RUN_DONE ? "done" : s == RUN_DIVERGED ? "diverged" : "failed";
}

/* Peak RSS of this run, not of the process so far: a sweep worker runs many
 * configs, so reset the kernel's high-water mark first (Linux clear_refs
 * "5"); where that is unavailable fall back to getrusage's process peak. */
static int hwm_reset(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return -1;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static long long peak_rss(int reset_ok)
{
    if (reset_ok == 0) {
        FILE *f = fopen("/proc/self/status", "r");
        char line[256];
        long long kb = -1;
        while (f && fgets(line, sizeof line, f))
            if (sscanf(line, "VmHWM: %lld kB", &kb) == 1)
                break;
        if (f)
            fclose(f);
        if (kb >= 0)
            return kb * 1024;
    }
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (long long)ru.ru_maxrss * 1024 : -1;
}

static void run_fail(run_result *r, const char *msg)
{
    r->status = RUN_FAILED;
    snprintf(r->error, sizeof r->error, "%s", msg);
}

/* What one run's loop needs, passed to the per-precision functions. */
typedef struct run_loop {
    const run_config *rc;
    problem *p;
    size_t n;
    long steps, every;
    long heldout_every;    /* steps per epoch when the problem has a test set, else 0 */
    const rms_kernel *k;
    run_result *r;
    int keep_params;
    run_progress_fn prog;
    void *ctx;
    int64_t t0;            /* the run's start (run_now_ns) */
} run_loop;

static int64_t run_now_ns(void)
{
    return (int64_t)rms_now_ns();
}

static int64_t run_elapsed_ns(const run_loop *L)
{
    return run_now_ns() - L->t0;
}

/* The loop, once per precision (run/run_loop.inc): ref64 in double, every
 * float kernel in float. */
#define REAL double
#define RUN_SUFFIX f64
#define RUN_STATE rms_state_f64
#define RUN_STATE_INIT rms_state_f64_init
#define RUN_STATE_FREE rms_state_f64_free
#define RUN_GRAD grad64
#define RUN_STEP(k, s, x, g, c) rms_step_f64(s, x, g, c)
#include "run/run_loop.inc"

#define REAL float
#define RUN_SUFFIX f32
#define RUN_STATE rms_state_f32
#define RUN_STATE_INIT rms_state_f32_init
#define RUN_STATE_FREE rms_state_f32_free
#define RUN_GRAD grad32
#define RUN_STEP(k, s, x, g, c) rms_step_f32(k, s, x, g, c)
#include "run/run_loop.inc"

/* Low-precision state (--state bf16|f16|q8): float parameters and gradients,
 * the state rounded after each step (kernels/rms_lp.h). */
#define REAL float
#define RUN_SUFFIX lp
#define RUN_STATE rms_state_lp
#define RUN_STATE_INIT(s, n, c) rms_state_lp_init(s, n, c, &L->rc->lp)
#define RUN_STATE_FREE rms_state_lp_free
#define RUN_GRAD grad32
#define RUN_STEP(k, s, x, g, c) rms_lp_step(L->rc->lp_fn, s, x, g, c)
#include "run/run_loop.inc"

/* --epochs as steps, given the problem's steps per epoch (its data decide
 * them), and the curve interval; -1 with a message when out of range. */
static int epochs_to_steps(const run_config *rc, size_t spe, long *steps, long *every,
                           char *err, size_t len)
{
    if (spe == 0 || (unsigned long)rc->epochs > (unsigned long)(CONFIG_STEPS_MAX / (long)spe)) {
        snprintf(err, len, "--epochs: bad value '%ld' (more than %ld steps for problem '%s')",
                 rc->epochs, (long)CONFIG_STEPS_MAX, rc->problem->name);
        return -1;
    }
    *steps = rc->epochs * (long)spe;
    *every = rc->every ? rc->every : config_auto_every(*steps);
    if (*steps / *every > CONFIG_CURVE_MAX) {
        snprintf(err, len, "--every: bad value '%ld' (%ld epochs of '%s' = %ld steps would "
                 "give more than %ld curve points)", *every, rc->epochs, rc->problem->name,
                 *steps, (long)CONFIG_CURVE_MAX);
        return -1;
    }
    return 0;
}

static size_t steps_per_epoch(const problem *p)
{
    return p->def->steps_per_epoch ? p->def->steps_per_epoch(p) : 0;
}

static int check_epochs(const run_config *rc, size_t n, char *err, size_t len)
{
    const problem_def *seen = NULL;
    size_t spe = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rc[i].epochs)
            continue;
        if (rc[i].problem != seen) {   /* one instance per problem: the data are the same */
            char why[256];
            problem *p = problem_create(rc[i].problem, rc[i].dim, rc[i].seed, why, sizeof why);
            if (!p)
                continue;   /* the run itself reports that, as a failed run */
            spe = steps_per_epoch(p);
            problem_destroy(p);
            seen = rc[i].problem;
        }
        long steps, every;
        if (epochs_to_steps(&rc[i], spe, &steps, &every, err, len))
            return -1;
    }
    return 0;
}

/* Bytes a run holds at once, from run_loop.inc: x0 in double, x and g,
 * up to three state arrays (v, m, buf) in the run's precision, the
 * problem's own per-element tables (quadratic: 12, noisy: 20 bytes; 24
 * covers them) and the curve.  An upper bound, not a measurement. */
static double run_mem_bytes(const run_config *rc)
{
    double n = (double)rc->dim, elt = rc->kernel->f64 ? 8 : 4;
    double data = rc->problem->dim_settable ? 24 * n : 0;
    double points = rc->steps && rc->every ? (double)rc->steps / (double)rc->every + 3 : 0;
    return n * (8 + 5 * elt) + data + points * (double)sizeof(curve_point);
}

static int check_memory(const run_config *rc, size_t n, long jobs, char *err, size_t len)
{
    double most = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++)
        if (run_mem_bytes(&rc[i]) > most) {
            most = run_mem_bytes(&rc[i]);
            at = i;
        }
    char why[200];
    if (n == 0 || bounds_check_memory(most * (double)(jobs > 0 ? jobs : 1), why, sizeof why) == 0)
        return 0;
    if (jobs > 1)
        snprintf(err, len, "--dim %zu with --jobs %ld: %s (each run ~%.3g GiB)", rc[at].dim,
                 jobs, why, most / 1073741824.0);
    else
        snprintf(err, len, "--dim: bad value '%zu' (the run %s)", rc[at].dim, why);
    return -1;
}

/* The float kernels take lr, eps, weight decay as floats: a positive value
 * below the smallest normal float becomes 0 or loses its digits there, so
 * the run would not be the run asked for. */
static int check_float_range(const run_config *rc, size_t n, char *err, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (rc[i].kernel->f64)
            continue;
        const struct { const char *opt; double x; } v[] = {
            { "--lr", rc[i].cfg.lr }, { "--eps", rc[i].cfg.eps },
            { "--weight-decay", rc[i].cfg.weight_decay },
        };
        for (size_t j = 0; j < sizeof v / sizeof v[0]; j++)
            if (v[j].x > 0 && v[j].x < FLT_MIN) {
                snprintf(err, len, "%s: bad value '%g' (below the float range, %g: kernel "
                         "'%s' would use %g; use --kernel ref64)", v[j].opt, v[j].x,
                         (double)FLT_MIN, rc[i].kernel->name, (double)(float)v[j].x);
                return -1;
            }
    }
    return 0;
}

int run_check_configs(const run_config *rc, size_t n, long jobs, char *err, size_t len)
{
    return check_float_range(rc, n, err, len) || check_memory(rc, n, jobs, err, len) ||
           check_epochs(rc, n, err, len) ? -1 : 0;
}

void run_execute(const run_config *rc, int keep_params, run_result *r)
{
    run_execute_progress(rc, keep_params, r, NULL, NULL);
}

void run_execute_progress(const run_config *rc, int keep_params, run_result *r,
                          run_progress_fn progress, void *ctx)
{
    char err[256];
    memset(r, 0, sizeof *r);
    r->status = RUN_DONE;
    r->diverged_step = r->steps_to_target = -1;
    r->final_loss = r->best_loss = NAN;
    r->peak_rss_bytes = -1;
    r->heldout_best_acc = r->heldout_final_acc = r->heldout_final_loss = NAN;
    int reset = hwm_reset();
    problem_set_threads(rc->threads);
    rms_set_threads(rc->threads);

    problem *p = problem_create(rc->problem, rc->dim, rc->seed, err, sizeof err);
    if (!p) {
        run_fail(r, err);
        return;
    }
    long steps = rc->steps, every = rc->every;
    if (rc->epochs && epochs_to_steps(rc, steps_per_epoch(p), &steps, &every, err, sizeof err)) {
        run_fail(r, err);
        problem_destroy(p);
        return;
    }
    r->steps = steps;
    /* held-out loss and accuracy once per epoch, where the problem has both */
    long hev = p->def->heldout && p->def->steps_per_epoch ? (long)p->def->steps_per_epoch(p) : 0;
    /* samples at 0, every, 2*every, ... plus one per epoch and the final point */
    size_t cap = (size_t)((steps - 1) / every) + (hev > 0 ? (size_t)(steps / hev) : 0) + 3;
    r->curve = malloc(cap * sizeof *r->curve);
    if (!r->curve) {
        run_fail(r, "out of memory for the curve");
        problem_destroy(p);
        return;
    }
    run_loop L = { .rc = rc, .p = p, .n = p->dim, .steps = steps, .every = every,
                   .heldout_every = hev, .k = rc->kernel, .r = r, .keep_params = keep_params, .prog = progress,
                   .ctx = ctx };
    if (rc->lp.type != RMS_STATE_F32)
        run_lp(&L);
    else if (rc->kernel->f64)
        run_f64(&L);
    else
        run_f32(&L);
    problem_destroy(p);
    r->peak_rss_bytes = peak_rss(reset);
}

void run_result_free(run_result *r)
{
    free(r->curve);
    free(r->params);
    r->curve = NULL;
    r->params = NULL;
}
