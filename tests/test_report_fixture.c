/* test_report_fixture.c -- builds the report test's database through the
 * real schema (db_open runs the migrations), then loads
 * tests/fixtures/report.sql into it.
 *   test_report_fixture            check that the fixture loads into the
 *                                  current schema (fails when they drift)
 *   test_report_fixture FILE [--empty]   write the fixture (or schema only)
 *                                  to FILE, for tests/test_report.sh */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "store/db.h"

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) == (size_t)n)
        s[n] = '\0';
    else {
        free(s);
        s = NULL;
    }
    fclose(f);
    return s;
}

static long long scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int build(const char *path, int empty, char *err, size_t errlen)
{
    unlink(path);
    sqlite3 *db = db_open(path, DB_RW, err, errlen);
    if (!db)
        return -1;
    int rc = 0;
    if (!empty) {
        char *sql = read_all("tests/fixtures/report.sql");
        if (!sql) {
            snprintf(err, errlen, "cannot read tests/fixtures/report.sql");
            rc = -1;
        } else {
            rc = db_exec(db, sql, err, errlen);
            free(sql);
        }
    }
    /* fold the WAL into the file so a copy of FILE alone is the database */
    db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, 0);
    db_exec(db, "PRAGMA journal_mode=DELETE", NULL, 0);
    db_close(db);
    return rc;
}

int main(int argc, char **argv)
{
    char err[512];
    if (argc >= 2) {
        if (build(argv[1], argc > 2 && !strcmp(argv[2], "--empty"), err, sizeof err)) {
            fprintf(stderr, "test_report_fixture: %s\n", err);
            return 1;
        }
        return 0;
    }
    char path[] = "/tmp/rms_report_fixture_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    close(fd);
    int rc = build(path, 0, err, sizeof err);
    CHECK(rc == 0, "fixture loads into the current schema: %s", rc ? err : "");
    sqlite3 *db = db_open(path, DB_READONLY, err, sizeof err);
    CHECK(db != NULL, "reopen: %s", err);
    if (db) {
        CHECK(scalar(db, "PRAGMA user_version") == db_schema_version(), "schema version");
        /* 6 sweep configs x 3 seeds + 3 + 4 kernel configs x 3 seeds + 1 evil, + 2 unfinished */
        CHECK(scalar(db, "SELECT count(*) FROM runs") == 6 * 3 + 7 * 3 + 1 + 2, "runs rows: %lld",
              scalar(db, "SELECT count(*) FROM runs"));
        CHECK(scalar(db, "SELECT count(*) FROM runs WHERE status = 'diverged'") == 3, "diverged");
        CHECK(scalar(db, "SELECT count(*) FROM runs WHERE status = 'done' AND final_loss IS NULL") == 0,
              "every done run has a final loss");
        CHECK(scalar(db, "SELECT count(*) FROM perf") == 4 * 4 * 2, "perf rows");
        CHECK(scalar(db, "SELECT count(*) FROM proofs") == 3, "proof rows");
        db_close(db);
    }
    unlink(path);
    return check_summary("report fixture");
}
