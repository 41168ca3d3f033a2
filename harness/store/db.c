/* db.c -- opening the results database safely (the default one's directory made here). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "store/db.h"

int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (err && errlen)
            snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Whose file is this?  Ours: marked with our application_id, empty (a
 * new database), or an rmsbench database from before the mark (its
 * user_version and the runs/machines tables say so).  -1 with a message
 * for anything else, before a single byte of it is written. */
static int check_owner(sqlite3 *db, int *marked, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int app = 0, uv = 0, tables = 0, ours_schema = 0;
    static const char *const sql[4] = {
        "PRAGMA application_id", "PRAGMA user_version",
        "SELECT count(*) FROM sqlite_master",
        "SELECT (SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'config_hash')"
        " + (SELECT count(*) FROM pragma_table_info('machines') WHERE name = 'fingerprint')",
    };
    int *out[4] = { &app, &uv, &tables, &ours_schema };
    for (int i = 0; i < 4; i++) {
        if (sqlite3_prepare_v2(db, sql[i], -1, &st, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s", sqlite3_errmsg(db));
            return -1;
        }
        int rc = sqlite3_step(st);
        *out[i] = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_finalize(st);
        if (rc != SQLITE_ROW) {
            snprintf(err, errlen, "%s", sqlite3_errmsg(db));
            return -1;
        }
    }
    *marked = app == RMS_APPLICATION_ID;
    if (*marked || (app == 0 && uv == 0 && tables == 0) ||
        (app == 0 && uv >= 1 && ours_schema == 2))
        return 0;
    snprintf(err, errlen, "not an rmsbench database (application_id %d, user_version %d, "
             "%d schema objects); refused, nothing written", app, uv, tables);
    return -1;
}

/* Say which part of the path is wrong, and refuse what is not a regular
 * file (a FIFO would block the open) or, for writing, a read-only file even
 * for root (SQLite would silently write to a mode-0444 file as root). */
static int check_path(const char *path, int mode, char *err, size_t errlen)
{
    struct stat st;
    if (mode != DB_READONLY) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash) {
            if (slash == dir)
                slash[1] = '\0';
            else
                *slash = '\0';
            if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
                snprintf(err, errlen, "database '%s': directory '%s' does not exist", path, dir);
                return -1;
            }
        }
    }
    if (stat(path, &st) != 0) {
        if (mode != DB_READONLY)
            return 0;
        snprintf(err, errlen, "database '%s' does not exist", path);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "database '%s' is not a regular file", path);
        return -1;
    }
    if (mode != DB_READONLY && (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) {
        snprintf(err, errlen, "database '%s' is read-only (mode %03o)", path,
                 (unsigned)(st.st_mode & 0777));
        return -1;
    }
    return 0;
}

sqlite3 *db_open(const char *path, int mode, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    /* The default database's directory (results/) is made here, the one
     * place every writing command passes through, and only for the
     * default: a --db in a missing directory stays an error. */
    if (mode != DB_READONLY && strcmp(path, RMS_DB_DEFAULT) == 0 &&
        mkdir(RMS_DB_DEFAULT_DIR, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "database '%s': cannot create directory '%s': %s", path,
                 RMS_DB_DEFAULT_DIR, strerror(errno));
        return NULL;
    }
    if (check_path(path, mode, err, errlen))
        return NULL;
    int flags = mode == DB_READONLY ? SQLITE_OPEN_READONLY
                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database '%s': %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    if (mode != DB_READONLY && sqlite3_db_readonly(db, "main") == 1) {
        snprintf(err, errlen, "database '%s' is read-only", path);
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 30000);
    char msg[256];
    int marked = 0;
    /* Reading the schema is what tells a non-database file apart; a foreign
     * database or a newer schema is refused before anything (even the WAL
     * switch) is written.  An empty write transaction finds a file SQLite
     * can read but not write (an unknown write-version byte) now, not in
     * the middle of a run or in every sweep worker. */
    if (db_exec(db, "SELECT count(*) FROM sqlite_master", msg, sizeof msg) ||
        check_owner(db, &marked, msg, sizeof msg) ||
        (mode != DB_READONLY && db_check_version(db, msg, sizeof msg)) ||
        (mode != DB_READONLY && db_exec(db, "BEGIN IMMEDIATE; COMMIT", msg, sizeof msg)) ||
        (mode != DB_READONLY && db_exec(db, "PRAGMA journal_mode=WAL", msg, sizeof msg)) ||
        db_exec(db, "PRAGMA foreign_keys=ON", msg, sizeof msg) ||
        (mode != DB_READONLY && db_exec(db, "PRAGMA synchronous=NORMAL", msg, sizeof msg)) ||
        (mode != DB_READONLY && db_migrate(db, msg, sizeof msg)) ||
        (mode != DB_READONLY && !marked &&
         db_exec(db, "PRAGMA application_id = " RMS_APPLICATION_ID_TEXT, msg, sizeof msg))) {
        if (mode != DB_READONLY)
            db_exec(db, "ROLLBACK", NULL, 0);
        snprintf(err, errlen, "database '%s': %s", path, msg);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

void db_close(sqlite3 *db)
{
    sqlite3_close(db);
}

int db_has_column(sqlite3 *db, const char *table, const char *column)
{
    sqlite3_stmt *st;
    int has = 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        has = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    return has;
}
