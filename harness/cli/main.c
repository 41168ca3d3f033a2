/* main.c -- the rmsbench dispatcher: the table of subcommands comes from
 * CLI_COMMANDS (cli/command.h); each command is a file with its own rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "sys/fault.h"
#include "sys/outpath.h"
#include "rms.h"

#define DECLARE(name) extern const cli_command cmd_##name;
#define ROW(name) &cmd_##name,
CLI_COMMANDS(DECLARE)
static const cli_command *const COMMANDS[] = { CLI_COMMANDS(ROW) };

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
    size_t forced;
    int help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
                             !strcmp(argv[1], "help"));
    if (argc >= 2 && !help && rms_omp_min_n_env(&forced) < 0) {
        fprintf(stderr, "rmsbench: RMS_OMP_MIN_N='%s' is not a count of elements\n",
                getenv("RMS_OMP_MIN_N"));
        return 2;
    }
    if (argc >= 2 && !help && rms_cpu_disable_check(err, sizeof err) < 0) {
        fprintf(stderr, "rmsbench: %s\n", err);
        return 2;
    }
    return finish(cli_dispatch("rmsbench",
        "RMSProp kernels, problems, timings and proofs, recorded in SQLite.\n",
        "environment: RMS_KERNEL=name forces the kernel that 'auto' picks;\n"
        "RMS_OMP_MIN_N=count forces the size from which omp splits a step\n"
        "(default: measured on this machine, see rmsbench list kernels);\n"
        "RMS_CPU_DISABLE=avx512f,... hides CPU features (to test fallbacks).\n",
        COMMANDS, sizeof COMMANDS / sizeof COMMANDS[0], argc, argv));
}
