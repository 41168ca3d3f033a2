/* run_core.c -- the optimisation loop.  ref64 runs the problem in double
 * (grad64 + rms_step_f64), every float kernel in float (grad32 +
 * rms_step_f32).  A non-finite loss or gradient norm stops the run as
 * diverged at that step; a problem that cannot be created or memory that
 * cannot be had makes the run failed.  Nothing here allocates per step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "run/run_core.h"
#include "rms_util.h"

volatile sig_atomic_t run_stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    run_stop_requested = 1;
}

void run_catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
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
    int reset = hwm_reset();
    problem_set_threads(rc->threads);
    rms_set_threads(rc->threads);

    problem *p = problem_create(rc->problem, rc->dim, rc->seed, err, sizeof err);
    if (!p) {
        run_fail(r, err);
        return;
    }
    long steps = rc->steps, every = rc->every;
    if (rc->epochs) {
        size_t spe = p->def->steps_per_epoch ? p->def->steps_per_epoch(p) : 0;
        if (spe == 0 || (unsigned long)rc->epochs > (unsigned long)(CONFIG_STEPS_MAX / (long)spe)) {
            run_fail(r, "cannot turn --epochs into steps for this problem");
            problem_destroy(p);
            return;
        }
        steps = rc->epochs * (long)spe;
        if (!every)
            every = config_auto_every(steps);
        if (steps / every > CONFIG_CURVE_MAX) {
            run_fail(r, "--every too small for this many epochs (curve too long)");
            problem_destroy(p);
            return;
        }
    }
    r->steps = steps;
    /* samples at 0, every, 2*every, ... plus the final point */
    size_t cap = (size_t)((steps - 1) / every) + 3;
    r->curve = malloc(cap * sizeof *r->curve);
    if (!r->curve) {
        run_fail(r, "out of memory for the curve");
        problem_destroy(p);
        return;
    }
    run_loop L = { .rc = rc, .p = p, .n = p->dim, .steps = steps, .every = every,
                   .k = rc->kernel, .r = r, .keep_params = keep_params, .prog = progress,
                   .ctx = ctx };
    if (rc->kernel->f64)
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
