/* db.h -- the results database: open/migrate, the machines row, helpers.
 *
 * SQLite in WAL mode with busy_timeout and foreign keys; schema version in
 * PRAGMA user_version, migrations in db_schema.c; every write happens inside
 * a transaction with bound parameters only. */
#ifndef DB_H
#define DB_H

#include <sqlite3.h>
#include <stddef.h>
#include "sys/machine.h"

#define RMS_DB_DEFAULT_DIR "results"
#define RMS_DB_DEFAULT RMS_DB_DEFAULT_DIR "/rmsbench.db"

enum { DB_RW = 0, DB_READONLY = 1 };

/* PRAGMA application_id of every rmsbench database ("RMSB"): set when
 * rmsbench creates a database (or first writes to one of its own from
 * before the mark); a non-empty database without it is not touched. */
#define RMS_APPLICATION_ID 0x524D5342
#define RMS_APPLICATION_ID_TEXT "1380799298"

/* Open (creating the file and migrating to the current schema unless
 * read-only; for RMS_DB_DEFAULT also its directory, results/).  NULL with a
 * one-line message naming the path on failure: a missing directory, not a
 * regular file (a FIFO), a read-only or unwritable file, not a database,
 * another program's database, a newer schema. */
sqlite3 *db_open(const char *path, int mode, char *err, size_t errlen);
void db_close(sqlite3 *db);

/* Schema: the list of migrations and the version they reach. */
int db_schema_version(void);
int db_migrate(sqlite3 *db, char *err, size_t errlen);
/* -1 with a message when the file's schema is newer than this program's. */
int db_check_version(sqlite3 *db, char *err, size_t errlen);
/* Migrate only up to version target (tests build older databases). */
int db_migrate_to(sqlite3 *db, int target, char *err, size_t errlen);

/* Whether table has the column (a read-only report of an older schema
 * reads what exists).  0 also when the query fails. */
int db_has_column(sqlite3 *db, const char *table, const char *column);

/* Run SQL without results (BEGIN, COMMIT, ...).  0 or -1 with message. */
int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

/* Row id in `machines` for this machine and build, inserting it if new
 * (fingerprint = CPU model + flags + cores + compiler + flags + commit). */
int db_machine_id(sqlite3 *db, sqlite3_int64 *id, char *err, size_t errlen);

#endif
