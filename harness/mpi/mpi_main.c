/* mpi_main.c -- build/rmsbench-mpi: the Open MPI front end.  Same shape as
 * rmsbench (one table of subcommands); the subcommands start MPI themselves
 * after their options are validated. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "mpi/mpi_common.h"
#include "rms.h"

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} COMMANDS[] = {
    { "sweep", mpi_cmd_sweep, "rmsbench sweep across MPI ranks (rank 0 writes the database)" },
    { "train", mpi_cmd_train, "sharded data-parallel RMSProp (ZeRO-1 style) on a batch problem" },
};

static void usage(FILE *f)
{
    fprintf(f, "usage: mpirun -np N rmsbench-mpi <command> [options]   (<command> --help)\n\n"
               "rmsbench on Open MPI: a distributed, resumable sweep and a sharded\n"
               "data-parallel trainer.  See docs/mpi.md for running across hosts.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(f, "  %-7s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
}

int mpi_host_count(void)
{
    char name[MPI_MAX_PROCESSOR_NAME];
    int len = 0, size;
    memset(name, 0, sizeof name);
    MPI_Get_processor_name(name, &len);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    char *all = malloc((size_t)size * MPI_MAX_PROCESSOR_NAME);
    if (!all)
        return -1;
    MPI_Allgather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, all, MPI_MAX_PROCESSOR_NAME,
                  MPI_CHAR, MPI_COMM_WORLD);
    int hosts = 0;
    for (int i = 0; i < size; i++) {
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp(all + (size_t)i * MPI_MAX_PROCESSOR_NAME,
                           all + (size_t)j * MPI_MAX_PROCESSOR_NAME);
        hosts += !seen;
    }
    free(all);
    return hosts;
}

int main(int argc, char **argv)
{
    cli_cmd = "mpi";
    if (argc < 2) {
        fprintf(stderr, "rmsbench-mpi: missing command (try rmsbench-mpi --help)\n");
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    char err[256];
    if (rms_cpu_disable_check(err, sizeof err) < 0) {   /* as rmsbench */
        fprintf(stderr, "rmsbench-mpi: %s\n", err);
        return 2;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (!strcmp(argv[1], COMMANDS[i].name)) {
            cli_cmd = COMMANDS[i].name;
            return COMMANDS[i].fn(argc - 1, argv + 1);
        }
    fprintf(stderr, "rmsbench-mpi: unknown command '%s' (try rmsbench-mpi --help)\n", argv[1]);
    return 2;
}
