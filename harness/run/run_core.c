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
#include <time.h>
#include "run/run_core.h"

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

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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

static void fail(run_result *r, const char *msg)
{
    r->status = RUN_FAILED;
    snprintf(r->error, sizeof r->error, "%s", msg);
}

/* The problem's metric (e.g. test accuracy) on parameters x after an epoch. */
static void epoch_metric(run_result *r, problem *p, const double *x)
{
    const char *name = NULL;
    double m = p->def->metric(p, x, &name);
    if (r->nepoch_metric < (size_t)(r->steps / r->epoch_steps))
        r->epoch_metric[r->nepoch_metric++] = m;
}

/* The loop, once per precision.  T: element type; GRAD: grad64/grad32;
 * STEP(s, x, g): one kernel step. */
#define RUN_LOOP(NAME, T, STATE, STATE_INIT, STATE_FREE, GRAD, STEP)           \
    static void NAME(const run_config *rc, problem *p, size_t n, long steps,  \
                     long every, const rms_kernel *k, run_result *r,           \
                     int keep_params, run_progress_fn prog, void *ctx)         \
    {                                                                          \
        (void)k;                                                               \
        const rms_cfg *c = &rc->cfg;                                           \
        double *x0 = rms_alloc(n, sizeof(double));                             \
        T *x = rms_alloc(n, sizeof(T)), *g = rms_alloc(n, sizeof(T));          \
        STATE s;                                                               \
        int have_state = 0;                                                    \
        if (!x0 || !x || !g || STATE_INIT(&s, n, c) != 0) {                    \
            fail(r, "out of memory for parameters and state");                 \
            goto out;                                                          \
        }                                                                      \
        have_state = 1;                                                        \
        p->def->x0(p, x0);                                                     \
        for (size_t i = 0; i < n; i++)                                         \
            x[i] = (T)x0[i];                                                   \
        const double target = p->def->target;                                  \
        const int maximize = c->maximize;                                      \
        double best = NAN;                                                     \
        int64_t t0 = now_ns();                                                 \
        long t;                                                                \
        for (t = 0; t < steps; t++) {                                          \
            if (p->def->next_batch)                                            \
                p->def->next_batch(p);                                         \
            double loss = (double)p->def->GRAD(p, x, g);                       \
            int sample = t % every == 0;                                       \
            double gn = 0;                                                     \
            if (sample) {                                                      \
                for (size_t i = 0; i < n; i++)                                 \
                    gn += (double)g[i] * (double)g[i];                         \
                gn = sqrt(gn);                                                 \
            }                                                                  \
            if (!isfinite(loss) || (sample && !isfinite(gn))) {                \
                r->status = RUN_DIVERGED;                                      \
                r->diverged_step = t;                                          \
                r->curve[r->ncurve++] = (curve_point){ t, isfinite(loss) ? loss : NAN, \
                    isfinite(gn) ? gn : NAN, now_ns() - t0 };                  \
                break;                                                         \
            }                                                                  \
            if (isnan(best) || (maximize ? loss > best : loss < best))         \
                best = loss;                                                   \
            if (!maximize && r->steps_to_target < 0 && loss <= target) {       \
                r->steps_to_target = t;                                        \
                r->time_to_target_ns = now_ns() - t0;                          \
            }                                                                  \
            if (run_stop_requested) {   /* one load per step: free */          \
                r->status = RUN_FAILED;                                        \
                snprintf(r->error, sizeof r->error, "interrupted at step %ld", t); \
                break;                                                         \
            }                                                                  \
            if (sample) {                                                      \
                r->curve[r->ncurve++] = (curve_point){ t, loss, gn, now_ns() - t0 }; \
                if (prog)                                                      \
                    prog(t, steps, loss, ctx);                                 \
            }                                                                  \
            STEP;                                                              \
            if (r->epoch_metric && (t + 1) % r->epoch_steps == 0) {            \
                int64_t e0 = now_ns();                                         \
                for (size_t i = 0; i < n; i++)                                 \
                    x0[i] = (double)x[i];                                      \
                epoch_metric(r, p, x0);                                        \
                t0 += now_ns() - e0;   /* evaluating is not training time */   \
            }                                                                  \
        }                                                                      \
        r->steps_done = t;                                                     \
        r->best_loss = best;                                                   \
        if (r->status == RUN_DONE) {                                           \
            /* the loss where the run ended, on the same precision path */     \
            double loss = (double)p->def->GRAD(p, x, g), gn = 0;               \
            for (size_t i = 0; i < n; i++)                                     \
                gn += (double)g[i] * (double)g[i];                             \
            gn = sqrt(gn);                                                     \
            int finite = isfinite(loss) && isfinite(gn);                       \
            for (size_t i = 0; finite && i < n; i++)                           \
                finite = isfinite((double)x[i]);                               \
            r->wall_ns = now_ns() - t0;                                        \
            r->curve[r->ncurve++] = (curve_point){ t, finite ? loss : NAN,    \
                isfinite(gn) ? gn : NAN, r->wall_ns };                         \
            if (!finite) {                                                     \
                r->status = RUN_DIVERGED;                                      \
                r->diverged_step = t;                                          \
            } else {                                                           \
                if (maximize ? loss > best : loss < best)                      \
                    r->best_loss = loss;                                       \
                if (!maximize && r->steps_to_target < 0 && loss <= target) {   \
                    r->steps_to_target = t;                                    \
                    r->time_to_target_ns = r->wall_ns;                         \
                }                                                              \
                for (size_t i = 0; i < n; i++)                                 \
                    x0[i] = (double)x[i];                                      \
                r->final_loss = p->def->loss_exact ? p->def->loss_exact(p, x0) : loss; \
                if (p->def->metric) {                                          \
                    const char *mname = NULL;                                  \
                    r->metric_value = p->def->metric(p, x0, &mname);           \
                    r->has_metric = mname != NULL;                             \
                    snprintf(r->metric_name, sizeof r->metric_name, "%s",      \
                             mname ? mname : "");                              \
                }                                                              \
            }                                                                  \
        } else {                                                               \
            r->wall_ns = now_ns() - t0;                                        \
        }                                                                      \
        if (keep_params) {                                                     \
            r->params = malloc((n ? n : 1) * sizeof(double));                  \
            if (r->params) {                                                   \
                for (size_t i = 0; i < n; i++)                                 \
                    r->params[i] = (double)x[i];                               \
                r->nparams = n;                                                \
            }                                                                  \
        }                                                                      \
    out:                                                                       \
        if (have_state)                                                        \
            STATE_FREE(&s);                                                    \
        rms_free(x0);                                                          \
        rms_free(x);                                                           \
        rms_free(g);                                                           \
    }

RUN_LOOP(run_f64, double, rms_state_f64, rms_state_f64_init, rms_state_f64_free, grad64,
         rms_step_f64(&s, x, g, c))
RUN_LOOP(run_f32, float, rms_state_f32, rms_state_f32_init, rms_state_f32_free, grad32,
         rms_step_f32(k, &s, x, g, c))
/* Low-precision state (--state bf16|f16|q8): float parameters and gradients,
 * the state rounded after each step (kernels/rms_lp.h); rc is in scope. */
#define LP_STATE_INIT(s, n, c) rms_state_lp_init(s, n, c, &rc->lp)
RUN_LOOP(run_lp, float, rms_state_lp, LP_STATE_INIT, rms_state_lp_free, grad32,
         rms_lp_step(rc->lp_fn, &s, x, g, c))

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
        fail(r, err);
        return;
    }
    long steps = rc->steps, every = rc->every;
    if (rc->epochs) {
        size_t spe = p->def->steps_per_epoch ? p->def->steps_per_epoch(p) : 0;
        if (spe == 0 || (unsigned long)rc->epochs > (unsigned long)(CONFIG_STEPS_MAX / (long)spe)) {
            fail(r, "cannot turn --epochs into steps for this problem");
            problem_destroy(p);
            return;
        }
        steps = rc->epochs * (long)spe;
        if (!every)
            every = config_auto_every(steps);
        if (steps / every > CONFIG_CURVE_MAX) {
            fail(r, "--every too small for this many epochs (curve too long)");
            problem_destroy(p);
            return;
        }
    }
    r->steps = steps;
    if (rc->epochs && p->def->metric) {
        r->epoch_steps = steps / rc->epochs;
        r->epoch_metric = malloc((size_t)rc->epochs * sizeof *r->epoch_metric);
        if (!r->epoch_metric) {
            fail(r, "out of memory for the epoch metrics");
            problem_destroy(p);
            return;
        }
    }
    /* samples at 0, every, 2*every, ... plus the final point */
    size_t cap = (size_t)((steps - 1) / every) + 3;
    r->curve = malloc(cap * sizeof *r->curve);
    if (!r->curve) {
        fail(r, "out of memory for the curve");
        problem_destroy(p);
        return;
    }
    if (rc->lp.type != RMS_STATE_F32)
        run_lp(rc, p, p->dim, steps, every, rc->kernel, r, keep_params, progress, ctx);
    else if (rc->kernel->f64)
        run_f64(rc, p, p->dim, steps, every, rc->kernel, r, keep_params, progress, ctx);
    else
        run_f32(rc, p, p->dim, steps, every, rc->kernel, r, keep_params, progress, ctx);
    problem_destroy(p);
    r->peak_rss_bytes = peak_rss(reset);
}

void run_result_free(run_result *r)
{
    free(r->curve);
    free(r->params);
    free(r->epoch_metric);
    r->epoch_metric = NULL;
    r->curve = NULL;
    r->params = NULL;
}
