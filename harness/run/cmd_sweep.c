/* cmd_sweep.c -- rmsbench sweep: a resumable grid of runs in --jobs worker
 * processes (sweep_exec.c).  The grid is expanded and validated before the
 * database is opened. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "store/db.h"
#include "run/run_print.h"
#include "run/sweep_exec.h"
#include "run/sweep_grid.h"

static void help(void)
{
    printf("usage: rmsbench sweep --problems LIST [grid options] [run options]\n\n"
           "Runs the cross product problems x kernels x solvers x option axes x seeds\n"
           "and records every run.  Resumable: a config whose hash\n"
           "already has a done or diverged row is skipped; a row left `running` by a\n"
           "killed process is removed and the config run again.\n\n"
           "grid (LIST: a,b,c; R: 0.1,0.01 or a log range lo:hi:count, e.g.\n"
           "1e-4:1e-1:13; S: 1,2,3 or 1..10):\n"
           "  --problems LIST  --kernels LIST (default auto)  --seeds S (default 1)\n"
           "  --solvers LIST   solver labels PRESET[+OPTION[=VALUE]]..., e.g.\n"
           "                   torch,torch+centered,keras+momentum=0.9 (default seed;\n"
           "                   --presets is the same option)\n"
           "  every option is an axis: --lr R --beta R --eps R --v0 R --momentum R\n"
           "  --weight-decay R --wd-mode coupled,decoupled and, for on/off options,\n"
           "  a list of 0 and 1: --centered 0,1 --nesterov 0,1 --eps-in-sqrt 0,1\n"
           "  --bias-correction 0,1 --lr-in-momentum 0,1 --maximize 0,1\n"
           "  (--problem, --kernel, --preset, --seed are accepted as the same options)\n\n"
           "run options, applied to every config:\n%s\n"
           "sweep:\n"
           "  --jobs N          worker processes (default 1)\n"
           "  --name NAME       label stored with each run (default: grid-<hash of grid>)\n"
           "  --dry-run         print the configs (hash and text) and exit\n"
           "  --no-db           run the grid without recording (no resume; for timing)\n"
           "  --verbose         print each run's summary line on stdout\n"
           "  --help            this text\n\n"
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
           config_options_help);
}

int cmd_sweep(int argc, char **argv)
{
    struct option opts[96];
    sweep_options(opts, sizeof opts / sizeof opts[0], NULL);

    sweep_spec sp;
    memset(&sp, 0, sizeof sp);
    run_opts_init(&sp.base);
    long jobs = 1;
    int dry = 0, verbose = 0;
    const char *name = NULL;
    char err[512];
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP: help(); return 0;
        case '?': cli_die("unknown option '%s' (see rmsbench sweep --help)", argv[optind - 1]);
        case ':': cli_die("option '%s' needs a value", argv[optind - 1]);
        case OPT_JOBS: jobs = opt_long("--jobs", optarg, 1, 256); break;
        case OPT_DRY_RUN: dry = 1; break;
        case OPT_VERBOSE: verbose = 1; break;
        default:
            if (sweep_set(&sp, c, optarg, &name))
                cli_die("unknown option id %d", c);
        }
    }
    if (optind < argc)
        cli_die("unexpected argument '%s'", argv[optind]);
    run_config *cfgs;
    size_t n;
    if (sp.base.no_db && sp.base.db)
        cli_die("--db and --no-db exclude each other");
    if (sweep_expand(&sp, &cfgs, &n, err, sizeof err) ||
        run_check_configs(cfgs, n, (size_t)jobs < n ? jobs : (long)n, err, sizeof err))
        cli_die("%s", err);

    char auto_name[32];
    if (!name) {   /* the same grid gets the same label when resumed */
        sweep_auto_name(sweep_digest(cfgs, n), auto_name, sizeof auto_name);
        name = auto_name;
    }
    if (dry) {
        for (size_t i = 0; i < n; i++)
            printf("%s %s\n", cfgs[i].hash, cfgs[i].text);
        fprintf(stderr, "sweep %s: %zu configs (dry run, nothing recorded)\n", name, n);
        free(cfgs);
        return 0;
    }
    /* Create and migrate the database once, before any worker starts, so a
     * bad path is one error line rather than one per worker.  --no-db runs
     * the grid unrecorded (and so cannot resume): it is how the cost of
     * recording is measured. */
    const char *path = NULL;
    if (!sp.base.no_db) {
        path = sp.base.db ? sp.base.db : RMS_DB_DEFAULT;
        if (ensure_default_db_dir(path))
            cli_die("cannot create the directory of '%s'", path);
        sqlite3 *db = db_open(path, DB_RW, err, sizeof err);
        if (!db)
            cli_die("%s", err);
        db_close(db);
    }

    int rc = sweep_execute(cfgs, n, path, name, jobs, verbose, "sweep", NULL);
    free(cfgs);
    return rc;
}
