/* perf_report.h -- what `rmsbench perf` prints and records: rows in a table,
 * CSV or JSON; the ratio table against the PyTorch peer; the perf rows in
 * the database. */
#ifndef PERF_REPORT_H
#define PERF_REPORT_H

#include <stdio.h>
#include <sqlite3.h>
#include "store/db.h"
#include "perf/perf.h"

typedef enum { PERF_TABLE, PERF_CSV, PERF_JSON } perf_format;

typedef struct perf_header {
    machine_info machine;
    double clock_ghz;
    const char *preset;
    int reps;
} perf_header;

void perf_print(FILE *f, perf_format fmt, const perf_header *h,
               const perf_result *rows, size_t nrows);

/* For every (n, threads) with a peer row: our kernel's ns/elem against the
 * peer's, as "peer time / our time" (2.0 = we are twice as fast). */
void perf_print_peer_ratios(FILE *f, const perf_result *rows, size_t nrows);

/* For every row with threads > 1: the same kernel's 1-thread time over it. */
void perf_print_thread_scaling(FILE *f, const perf_result *rows, size_t nrows);

/* The end of a recording transaction: failed NULL commits (0, or -1 with
 * err and a rollback); failed "" rolls back keeping err; any other text
 * rolls back with "failed: <sqlite's message>" in err.  Finalizes st. */
int perf_tx_end(sqlite3 *db, sqlite3_stmt *st, const char *failed, char *err, size_t errlen);
/* For every low-precision row: bytes per element, the f32 row of the same
 * kernel, n and threads over it (speed-up) and its own roof ratio. */
void perf_print_state_ratios(FILE *f, const perf_result *rows, size_t nrows);

/* Insert every row in one transaction with the machine row.  0 or -1. */
int perf_record(sqlite3 *db, const char *preset, const perf_result *rows,
                size_t nrows, char *err, size_t errlen);

#endif
