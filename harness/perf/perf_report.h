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

/* Fills row i's parameters ?2.. of an INSERT (?1 is the machine id). */
typedef void (*perf_bind_fn)(sqlite3_stmt *st, size_t i, const void *ctx);

/* Insert n rows with sql in one transaction, each with this machine's id as
 * ?1 and bind for the rest.  0, or -1 with err ("WHAT: sqlite's message");
 * nothing is kept on failure. */
int perf_insert_rows(sqlite3 *db, const char *sql, const char *what, size_t n,
                     perf_bind_fn bind, const void *ctx, char *err, size_t errlen);

/* For every low-precision row: bytes per element, the f32 row of the same
 * kernel, n and threads over it (speed-up) and its own roof ratio. */
void perf_print_state_ratios(FILE *f, const perf_result *rows, size_t nrows);

/* Insert every row in one transaction with the machine row.  0 or -1. */
int perf_record(sqlite3 *db, const char *preset, const perf_result *rows,
                size_t nrows, char *err, size_t errlen);

#endif
