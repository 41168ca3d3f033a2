/* fault.h -- test-only I/O fault injection, the way SQLite tests itself:
 * inert unless RMSBENCH_FAULT_IO is set.
 *
 *   RMSBENCH_FAULT_IO=KIND:N[:ERR]
 *     KIND  write  SQLite page/journal/WAL writes and truncates, and every
 *                  write to a file the program itself writes (export, report)
 *           sync   SQLite fsyncs, and the close of the program's own files
 *           alloc  SQLite memory allocations
 *     N     the N-th such operation (counted per process, from 1) and every
 *           later one fails: a disk that stays full, memory that stays short
 *     ERR   full (default: SQLITE_FULL / ENOSPC) or ioerr (SQLITE_IOERR /
 *           EIO); alloc always fails as SQLITE_NOMEM
 *
 * RMSBENCH_FAULT_IO_LOG=FILE: each process that fails an operation appends
 * its pid to FILE, so a test sweeping N knows when N passed the last one.
 * A malformed value is refused at start (exit 2).  RMSBENCH_FAULT (run_db.h)
 * is the other test hook: it kills the process at a named point. */
#ifndef FAULT_H
#define FAULT_H

#include <stdio.h>

enum fault_kind { FAULT_WRITE = 0, FAULT_SYNC = 1, FAULT_ALLOC = 2 };

/* Read RMSBENCH_FAULT_IO and, when set, install the SQLite VFS shim and
 * allocator (must run before SQLite is first used).  0, or -1 with a
 * message when the variable is malformed. */
int fault_init(char *err, size_t errlen);

/* Count one operation of this kind: the errno it must fail with (ENOSPC or
 * EIO), or 0 to let it through.  Always 0 when injection is off. */
int fault_hit(enum fault_kind kind);

/* Open path for writing with fopen semantics (mode "w" or "wx"); under
 * injection the stream's writes and close go through fault_hit. */
FILE *fault_fopen(const char *path, const char *mode);

#endif
