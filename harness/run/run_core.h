/* run_core.h -- one optimisation run, in memory: no printing, no database.
 * run and sweep (and the MPI sweep) call run_execute and record the result. */
#ifndef RUN_CORE_H
#define RUN_CORE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "cli/config.h"

/* Set from a SIGINT/SIGTERM/SIGHUP handler: the current run stops before
 * its next step and is reported failed ("interrupted"), so it is recorded,
 * not left `running`. */
extern volatile sig_atomic_t run_stop_requested;

/* Install that handler for SIGINT, SIGTERM and SIGHUP, once: a second
 * signal kills the process (run, and a sweep's parent). */
void run_catch_stop_signals(void);
/* The same for a sweep worker, for every signal: a signal to the process
 * group reaches it, and the parent passes the first one on, so it sees two
 * and must not die of the second.  A second signal to the group kills the
 * parent, and the worker with it (PR_SET_PDEATHSIG). */
void run_catch_stop_signals_worker(void);

enum run_status { RUN_DONE = 0, RUN_DIVERGED = 1, RUN_FAILED = 2 };

typedef struct curve_point {
    long step;
    double loss, grad_norm;   /* NaN when not finite (stored as NULL) */
    int64_t elapsed_ns;
    double test_loss, test_acc;   /* held-out set, once per epoch; else NaN */
} curve_point;

typedef struct run_result {
    enum run_status status;
    long steps_done;          /* steps taken (== steps unless diverged) */
    long steps;               /* steps asked for (epochs resolved) */
    long diverged_step;       /* -1 unless diverged */
    long steps_to_target;     /* -1: target never reached (or maximize) */
    int64_t time_to_target_ns, wall_ns;
    double final_loss, best_loss;   /* NaN when undefined */
    int has_metric;
    char metric_name[32];
    double metric_value;
    long long peak_rss_bytes;       /* -1 unknown */
    int has_heldout;                /* test loss/accuracy recorded over time */
    double heldout_final_acc, heldout_best_acc, heldout_final_loss;
    curve_point *curve;
    size_t ncurve;
    double *params;                 /* final parameters when asked, else NULL */
    size_t nparams;
    char error[256];                /* RUN_FAILED: why */
} run_result;

/* Run rc; keep_params copies the final parameters into r->params.  Always
 * fills r (a failure is a RUN_FAILED result, not a crash). */
void run_execute(const run_config *rc, int keep_params, run_result *r);

/* The same, calling progress(step, steps, loss, ctx) at every curve sample
 * (so its cost scales with --every, not with the step count). */
typedef void (*run_progress_fn)(long step, long steps, double loss, void *ctx);
void run_execute_progress(const run_config *rc, int keep_params, run_result *r,
                          run_progress_fn progress, void *ctx);
void run_result_free(run_result *r);

/* Bounds of n configs, checked before anything is recorded (exit 2 with
 * the message): lr, eps and weight decay within the float range for the
 * float kernels; the largest config, run by jobs processes at once, within
 * this machine's RAM (an up-front estimate: parameters, state, problem
 * tables, curve); --epochs and --every against the problem's data (one
 * instance per problem is made: steps per epoch depend on the data). */
int run_check_configs(const run_config *rc, size_t n, long jobs, char *err, size_t errlen);

const char *run_status_name(enum run_status s);

#endif
