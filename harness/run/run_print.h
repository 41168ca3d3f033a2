/* run_print.h -- the one-line summary of a run (shared by run and sweep). */
#ifndef RUN_PRINT_H
#define RUN_PRINT_H

#include <stdio.h>
#include "cli/config.h"
#include "run/run_core.h"

/* "problem=... kernel=... status=done final_loss=... ..." plus the problem's
 * metric (e.g. test_acc=0.8812) when it has one; run_id < 0 when unrecorded. */
void run_print_summary(FILE *f, const run_config *rc, const run_result *r, long long run_id);

#endif
