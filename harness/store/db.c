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

sqlite3 *db_open(const char *path, int mode, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    struct stat st;
    if (mode == DB_READONLY && stat(path, &st) != 0) {
        snprintf(err, errlen, "database '%s' does not exist", path);
        return NULL;
    }
    /* The default database's directory (results/) is made here, the one
     * place every writing command passes through, and only for the
     * default: a --db in a missing directory stays an error. */
    if (mode != DB_READONLY && strcmp(path, RMS_DB_DEFAULT) == 0 &&
        mkdir(RMS_DB_DEFAULT_DIR, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "database '%s': cannot create directory '%s': %s", path,
                 RMS_DB_DEFAULT_DIR, strerror(errno));
        return NULL;
    }
    if (mode != DB_READONLY) {
        /* Say which part of the path is wrong, and respect a file's
         * permissions even for root (SQLite would silently write to a
         * mode-0444 file when running as root). */
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
                return NULL;
            }
        }
        if (stat(path, &st) == 0) {
            if (!S_ISREG(st.st_mode)) {
                snprintf(err, errlen, "database '%s' is not a regular file", path);
                return NULL;
            }
            if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0) {
                snprintf(err, errlen, "database '%s' is read-only (mode %03o)", path,
                         (unsigned)(st.st_mode & 0777));
                return NULL;
            }
        }
    }
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
    /* Reading the schema is what tells a non-database file apart; a newer
     * schema is refused before anything (even the WAL switch) is written. */
    if (db_exec(db, "SELECT count(*) FROM sqlite_master", msg, sizeof msg) ||
        (mode != DB_READONLY && db_check_version(db, msg, sizeof msg)) ||
        (mode != DB_READONLY && db_exec(db, "PRAGMA journal_mode=WAL", msg, sizeof msg)) ||
        db_exec(db, "PRAGMA foreign_keys=ON", msg, sizeof msg) ||
        (mode != DB_READONLY && db_exec(db, "PRAGMA synchronous=NORMAL", msg, sizeof msg)) ||
        (mode != DB_READONLY && db_migrate(db, msg, sizeof msg))) {
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
