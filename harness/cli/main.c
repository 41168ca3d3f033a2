/* main.c -- the rmsbench dispatcher: one table of subcommands, each in its
 * own file with its own --help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "sys/fault.h"
#include "sys/outpath.h"
#include "rms.h"

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} COMMANDS[] = {
    { "list",             cmd_list,             "list kernels, problems or presets" },
    { "check",            cmd_check,            "check every kernel this CPU runs against ref64" },
    { "run",              cmd_run,              "one optimisation run, recorded in the database" },
    { "sweep",            cmd_sweep,            "a resumable grid of runs" },
    { "tune",             cmd_tune,             "tune solvers by a declared protocol (grid, quasirandom)" },
    { "perf",             cmd_perf,             "time one step per kernel, size and thread count" },
    { "report",           cmd_report,           "write the HTML/Markdown report with plots" },
    { "export",           cmd_export,           "export a table as CSV or JSON" },
    { "import-hyperfine", cmd_import_hyperfine, "import a hyperfine --export-json file" },
    { "import-proofs",    cmd_import_proofs,    "record proof results in the database" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: rmsbench <command> [options]   (rmsbench <command> --help)\n\n"
               "RMSProp kernels, problems, timings and proofs, recorded in SQLite.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(f, "  %-17s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\nenvironment: RMS_KERNEL=name forces the kernel that 'auto' picks;\n"
               "RMS_OMP_MIN_N=count forces the size from which omp splits a step\n"
               "(default: measured on this machine, see rmsbench list kernels);\n"
               "RMS_CPU_DISABLE=avx512f,... hides CPU features (to test fallbacks).\n");
}

/* Every command's stdout is checked once here, after it returns: a write
 * that failed (a full disk, /dev/full, a closed pipe) is one line on stderr
 * and exit status 1, never a silent 0. */
static int finish(int status)
{
    char err[256];
    if (out_stdout_check(err, sizeof err) == 0)
        return status;
    fprintf(stderr, "rmsbench%s%s: %s\n", *cli_cmd ? " " : "", cli_cmd, err);
    return status == 0 ? 1 : status;
}

int main(int argc, char **argv)
{
    char err[256];
    if (fault_init(err, sizeof err) != 0) {
        fprintf(stderr, "rmsbench: %s\n", err);
        return 2;
    }
    if (argc < 2) {
        fprintf(stderr, "rmsbench: missing command (try rmsbench --help)\n");
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return finish(0);
    }
    size_t forced;
    if (rms_omp_min_n_env(&forced) < 0) {
        fprintf(stderr, "rmsbench: RMS_OMP_MIN_N='%s' is not a count of elements\n",
                getenv("RMS_OMP_MIN_N"));
        return 2;
    }
    if (rms_cpu_disable_check(err, sizeof err) < 0) {
        fprintf(stderr, "rmsbench: %s\n", err);
        return 2;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0) {
            cli_cmd = COMMANDS[i].name;
            return finish(COMMANDS[i].fn(argc - 1, argv + 1));
        }
    fprintf(stderr, "rmsbench: unknown command '%s' (try rmsbench --help)\n", argv[1]);
    return 2;
}
