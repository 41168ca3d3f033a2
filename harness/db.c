/* db.c -- opening the results database safely, and the machine row. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "db.h"

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
    int flags = mode == DB_READONLY ? SQLITE_OPEN_READONLY
                                    : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open database '%s': %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 30000);
    char msg[256];
    /* Reading the schema is what tells a non-database file apart. */
    if (db_exec(db, "SELECT count(*) FROM sqlite_master", msg, sizeof msg) ||
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
