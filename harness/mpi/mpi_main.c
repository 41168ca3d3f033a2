/* mpi_main.c -- build/rmsbench-mpi: the Open MPI front end.  Same shape as
 * rmsbench (one table of subcommands); the subcommands start MPI themselves
 * after their options are validated. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/command.h"
#include "mpi/mpi_common.h"
#include "rms.h"

static const cli_command *const COMMANDS[] = { &mpi_cmd_sweep, &mpi_cmd_train };

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
    char err[256];
    if (rms_cpu_disable_check(err, sizeof err) < 0) {   /* as rmsbench */
        fprintf(stderr, "rmsbench-mpi: %s\n", err);
        return 2;
    }
    return cli_dispatch("rmsbench-mpi",
        "rmsbench on Open MPI: a distributed, resumable sweep and a sharded\n"
        "data-parallel trainer (run them under mpirun -np N).  See docs/mpi.md for\n"
        "running across hosts.\n", NULL,
        COMMANDS, sizeof COMMANDS / sizeof COMMANDS[0], argc, argv);
}
