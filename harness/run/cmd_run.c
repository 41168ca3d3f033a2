/* cmd_run.c -- rmsbench run: one optimisation run, recorded in the database.
 * Every option is validated before the database is opened, so bad input
 * never touches it. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "cli/config_group.h"
#include "store/db.h"
#include "run/run_core.h"
#include "store/run_db.h"
#include "run/run_print.h"
#include "rms_util.h"

/* Progress on a terminal, for long runs: at most twice a second, and only
 * once the run has lasted a second. */
typedef struct progress_state { double start, last; int shown; } progress_state;

static double mono_s(void) { return (double)rms_now_ns() * 1e-9; }

static void show_progress(long step, long steps, double loss, void *ctx)
{
    progress_state *ps = ctx;
    double now = mono_s();
    if (now - ps->start < 1.0 || now - ps->last < 0.5)
        return;
    ps->last = now;
    ps->shown = 1;
    double el = now - ps->start;
    fprintf(stderr, "\rstep %ld/%ld (%.0f%%)  loss %.6g  %.0f s, ETA %.0f s\033[K", step, steps,
            100.0 * (double)step / (double)steps, loss, el,
            step > 0 ? el * (double)(steps - step) / (double)step : 0.0);
}

typedef struct run_args { run_opts o; } run_args;

static int run_main(void *args);

static const cli_opt RUN_OPTS[] = { CLI_OPT_GROUP(&config_group, run_args, o), CLI_OPT_END };

const cli_command cmd_run = {
    .name = "run", .summary = "one optimisation run, recorded in the database",
    .usage = "--problem P [options]", .opts = RUN_OPTS, .args_size = sizeof(run_args),
    .main = run_main,
    .epilogue =
        "One optimisation run of problem P with one RMSProp kernel.  Prints one\n"
        "summary line (key=value) and records the run and its curve (loss and\n"
        "gradient norm every K steps) in the database.\n\n"
        "Bounds, checked before anything runs or is recorded (exit 2): memory\n"
        "(parameters, optimizer state and problem tables, about 52 bytes per\n"
        "element in float, 72 with ref64) must fit in this machine's RAM;\n"
        "--steps <= 1e12, --dim <= 2^40, at most 1e7 curve points (--every).\n\n"
        "Exit status: 0 when the run finished (done or diverged; both recorded),\n"
        "1 when it failed (recorded as failed; Ctrl-C, SIGTERM or SIGHUP ends a run\n"
        "this way; when the database cannot take the result, e.g. a full disk, the\n"
        "summary says status=failed and why, and the row stays `running`, never\n"
        "done), 2 on bad input (nothing written).\n",
};

/* Every option was checked by cli_parse and config_resolve before the
 * database is opened, so bad input never touches it. */
static int run_main(void *args)
{
    const run_opts o = ((const run_args *)args)->o;
    char err[512];
    if (o.no_db && o.db)
        cli_die("--db and --no-db exclude each other");
    run_config rc;
    if (config_resolve(&o, &rc, err, sizeof err) || run_check_configs(&rc, 1, 1, err, sizeof err))
        cli_die("%s", err);

    /* from here on Ctrl-C ends the run as failed ("interrupted"), recorded */
    run_catch_stop_signals();
    run_db rdb = { 0 };
    sqlite3_int64 run_id = -1;
    if (!o.no_db) {
        const char *path = o.db ? o.db : RMS_DB_DEFAULT;
        enum claim_outcome out;
        if (run_db_open(&rdb, path, err, sizeof err))
            cli_die("%s", err);
        if (run_db_claim(&rdb, &rc, NULL, 0, &run_id, &out, err, sizeof err)) {
            run_db_close(&rdb);
            cli_die("%s", err);
        }
    }
    run_result r;
    progress_state ps = { mono_s(), 0, 0 };
    run_execute_progress(&rc, o.print_params, &r, isatty(2) ? show_progress : NULL, &ps);
    if (ps.shown)
        fputs("\r\033[K", stderr);
    int status = r.status == RUN_FAILED ? 1 : 0;
    if (!o.no_db) {
        if (run_db_record(&rdb, run_id, &r, err, sizeof err)) {
            fprintf(stderr, "rmsbench run: %s\n", err);
            status = 1;
        }
        run_db_close(&rdb);
    }
    run_print_summary(o.print_params ? stderr : stdout, &rc, &r, (long long)run_id);
    for (size_t i = 0; o.print_params && i < r.nparams; i++)
        printf("%.17g\n", r.params[i]);
    run_result_free(&r);
    return status;
}
