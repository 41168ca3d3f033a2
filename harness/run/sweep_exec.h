/* sweep_exec.h -- run a list of configs in --jobs worker processes,
 * recording each (claim, run, finish); resumable: configs already done or
 * diverged are skipped, stale `running` rows re-run.  Used by sweep and tune. */
#ifndef SWEEP_EXEC_H
#define SWEEP_EXEC_H

#include <stddef.h>
#include "cli/config.h"

typedef struct sweep_totals { long ran, skipped, failed; } sweep_totals;

/* path NULL: run unrecorded.  name labels the runs (runs.sweep); command
 * ("sweep", "tune") prefixes messages.  Progress and a summary go to stderr.
 * Returns 0, 1 (database error or crashed worker), 130 (interrupted). */
int sweep_execute(const run_config *cfgs, size_t n, const char *path, const char *name,
                  long jobs, int verbose, const char *command, sweep_totals *tot);

#endif
