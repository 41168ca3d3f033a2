/* db_machine.c -- the machines row: this machine and build (sys/machine.c),
 * inserted once per fingerprint and referenced by every recorded figure. */
#include <stdio.h>
#include "store/db.h"

int db_machine_id(sqlite3 *db, sqlite3_int64 *id, char *err, size_t errlen)
{
    machine_info m;
    char fp[2048];
    machine_collect(&m);
    snprintf(fp, sizeof fp, "%s|%s|%d|%s|%s|%s|%s", m.cpu_model, m.isa, m.cores,
             m.compiler, m.cflags, m.git_commit, m.hostname);
    sqlite3_stmt *st = NULL;
    const char *sql =
        "INSERT INTO machines (fingerprint, cpu_model, cpu_vendor, isa_flags, cores,"
        " mem_bytes, os, kernel_release, compiler, cflags, git_commit, hostname)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
        " ON CONFLICT(fingerprint) DO UPDATE SET mem_bytes = excluded.mem_bytes"
        " RETURNING id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_text(st, 1, fp, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, m.cpu_model, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, m.cpu_vendor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, m.isa, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, m.cores);
    sqlite3_bind_int64(st, 6, m.mem_bytes);
    sqlite3_bind_text(st, 7, m.os, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, m.kernel, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, m.compiler, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, m.cflags, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 11, m.git_commit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 12, m.hostname, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto fail;
    *id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return 0;
fail:
    snprintf(err, errlen, "recording the machine: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return -1;
}
