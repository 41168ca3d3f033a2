/* mpi_common.h -- what the MPI subcommands share (rmsbench-mpi only). */
#ifndef MPI_COMMON_H
#define MPI_COMMON_H

/* Subcommands of build/rmsbench-mpi.  Each parses and validates its
 * options BEFORE MPI_Init (bad input: one line, exit 2, no MPI noise, no
 * database touched), then initialises MPI itself. */
int mpi_cmd_sweep(int argc, char **argv);
int mpi_cmd_train(int argc, char **argv);

/* Number of distinct hosts among the ranks of MPI_COMM_WORLD (collective). */
int mpi_host_count(void);

#endif
