/* mpi_common.h -- what the MPI subcommands share (rmsbench-mpi only). */
#ifndef MPI_COMMON_H
#define MPI_COMMON_H

#include "cli/command.h"

/* Subcommands of build/rmsbench-mpi.  Their options are parsed and checked
 * BEFORE MPI_Init (bad input: one line, exit 2, no MPI noise, no database
 * touched); each command then initialises MPI itself. */
extern const cli_command mpi_cmd_sweep, mpi_cmd_train;

/* Number of distinct hosts among the ranks of MPI_COMM_WORLD (collective). */
int mpi_host_count(void);

#endif
