/* cmd_sweep.c -- rmsbench sweep: a resumable grid of runs in --jobs worker
 * processes (sweep_exec.c).  The grid is expanded and validated before the
 * database is opened. */
#include <stdio.h>
#include <stdlib.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "store/db.h"
#include "run/sweep_exec.h"
#include "run/sweep_grid.h"

typedef struct sweep_args {
    sweep_spec sp;
    sweep_pool pool;
} sweep_args;

static int sweep_main(void *args);

static const cli_opt SWEEP_OPTS[] = {
    CLI_OPT_GROUP(&sweep_group, sweep_args, sp),
    CLI_OPT_TEXT("\nsweep:\n"),
    CLI_OPT_INCLUDE(sweep_pool_opts, sweep_args, pool),
    CLI_OPT_END
};

const cli_command cmd_sweep = {
    .name = "sweep", .summary = "a resumable grid of runs",
    .usage = "--problems LIST [grid options] [run options]",
    .opts = SWEEP_OPTS, .args_size = sizeof(sweep_args), .main = sweep_main,
    .epilogue =
        "Runs the cross product problems x kernels x solvers x option axes x seeds\n"
        "and records every run.  Resumable: a config whose hash already has a done\n"
        "or diverged row is skipped; a row left `running` by a killed process is\n"
        "removed and the config run again.  --no-db runs the grid without\n"
        "recording (no resume; for timing).\n\n"
        "Bounds, checked before any worker starts (exit 2): the largest config's\n"
        "memory times the worker count must fit in RAM (see rmsbench run --help);\n"
        "--epochs and --every are checked against each problem's data.\n\n"
        "Progress goes to stderr: a bar with counts and ETA on a terminal, plain\n"
        "lines otherwise.  Exit status 0 when every config was run or skipped\n"
        "(failed runs are recorded, not fatal), 1 on a database error or a crashed\n"
        "worker, 2 on bad input (nothing written), 130 when stopped by SIGINT,\n"
        "SIGTERM or SIGHUP (to the sweep or its process group): every process ends\n"
        "its current run as failed (\"interrupted\", re-run on resume) and records\n"
        "it; a second signal kills at once (those runs stay `running`, not done).\n",
};

static int sweep_main(void *args)
{
    const sweep_args *a = args;
    if (a->sp.base.no_db && a->sp.base.db)
        cli_die("--db and --no-db exclude each other");
    sweep_plan plan;
    if (sweep_plan_make(&plan, &a->sp, a->pool.name, a->pool.dry_run, a->pool.jobs))
        return 0;
    /* Create and migrate the database once, before any worker starts, so a
     * bad path is one error line rather than one per worker.  --no-db runs
     * the grid unrecorded (and so cannot resume): it is how the cost of
     * recording is measured. */
    const char *path = NULL;
    if (!a->sp.base.no_db) {
        char err[512];
        path = a->sp.base.db ? a->sp.base.db : RMS_DB_DEFAULT;
        sqlite3 *db = db_open(path, DB_RW, err, sizeof err);
        if (!db)
            cli_die("%s", err);
        db_close(db);
    }
    int rc = sweep_execute(plan.cfgs, plan.n, path, plan.name, a->pool.jobs, a->pool.verbose,
                           "sweep", NULL);
    free(plan.cfgs);
    return rc;
}
