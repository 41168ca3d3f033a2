/* config_group.h -- the options of one run (cli/config.h) as a cli_group,
 * pulled into run, sweep and the rmsbench-mpi commands as one row. */
#ifndef CONFIG_GROUP_H
#define CONFIG_GROUP_H

#include "cli/command.h"

/* Target: a run_opts.  Help: the run options, --problem and --kernel first. */
extern const cli_group config_group;

/* The help lines of the options config_set applies (not --problem/--kernel). */
void config_group_help(FILE *f);

#endif
