/* run_db.h -- recording runs: a `running` row before the work (its own
 * transaction), then the curve and the final status in ONE transaction, so a
 * kill at any point leaves either a `running` row (never counted as done) or
 * a complete run. */
#ifndef RUN_DB_H
#define RUN_DB_H

#include <sqlite3.h>
#include "cli/config.h"
#include "run/run_core.h"

enum claim_outcome {
    CLAIM_OK = 0,      /* a running row was inserted: do the work */
    CLAIM_DONE,        /* a done/diverged row exists: skip */
    CLAIM_BUSY         /* a live process is running this config now: skip */
};

typedef struct run_db {
    sqlite3 *db;
    sqlite3_int64 machine_id;
    char host[80];
    long long proc_start;     /* this process's start time (clock ticks) */
    int pid;
    long stale_removed;       /* stale running/failed rows replaced */
    /* prepared once per connection: parsing SQL was a visible share of the
     * recording cost of short runs */
    sqlite3_stmt *st_insert, *st_select, *st_delete, *st_curve, *st_update;
} run_db;

/* Open the database (creating and migrating it), record the machine.  Call
 * again in each forked worker: a connection never crosses fork(). */
int run_db_open(run_db *r, const char *path, char *err, size_t errlen);
void run_db_close(run_db *r);

/* Insert a `running` row.  skip_existing (sweep): in one IMMEDIATE
 * transaction, skip when the hash has a done/diverged row or a live running
 * row; delete stale running rows and earlier failed attempts; then insert. */
int run_db_claim(run_db *r, const run_config *rc, const char *sweep, int skip_existing,
                 sqlite3_int64 *run_id, enum claim_outcome *out, char *err, size_t errlen);

/* Curve rows + final status, one transaction. */
int run_db_finish(run_db *r, sqlite3_int64 run_id, const run_result *res,
                  char *err, size_t errlen);

/* run_db_finish, and when that fails (a full disk, an I/O error) make res
 * say so: status failed, error "result not recorded: WHY", and try to
 * record just that (no curve).  The caller prints res, so what is printed
 * matches what is in the database: failed, or a row left `running` that
 * counts as not done.  0, or -1 with the first error in err. */
int run_db_record(run_db *r, sqlite3_int64 run_id, run_result *res, char *err, size_t errlen);

/* Start time of process pid in clock ticks since boot (/proc/PID/stat
 * field 22); -1 when there is no such process or it is a zombie. */
long long proc_start_time(int pid);

/* Test hook (SQLite-style fault injection): RMSBENCH_FAULT=point:N kills
 * the process with SIGKILL at `point` of its N-th run; points: claimed,
 * curves (inside the final transaction, before COMMIT), finished;
 * "point:N:group" kills the whole process group (a killed sweep). */
void run_db_fault(const char *point);

#endif
