/* machine.c -- what machine and build produced a figure: recorded with every
 * run, perf row and proof result. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "store/db.h"
#include "rms.h"

#ifndef RMS_CFLAGS
#define RMS_CFLAGS "unknown"
#endif
#ifndef RMS_GIT_COMMIT
#define RMS_GIT_COMMIT "unknown"
#endif

static void cpuinfo_field(const char *key, char *out, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[1024];
    size_t klen = strlen(key);
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon += 1 + (colon[1] == ' ');
                colon[strcspn(colon, "\n")] = '\0';
                snprintf(out, len, "%s", colon);
            }
            break;
        }
    }
    fclose(f);
}

void machine_collect(machine_info *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->cpu_model, sizeof m->cpu_model, "unknown");
    cpuinfo_field("model name", m->cpu_model, sizeof m->cpu_model);
    cpuinfo_field("vendor_id", m->cpu_vendor, sizeof m->cpu_vendor);
    rms_isa_names(rms_cpu_isa(), m->isa, sizeof m->isa);
    m->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    m->mem_bytes = (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(m->kernel, sizeof m->kernel, "%s %s %s", u.sysname, u.release, u.machine);
        snprintf(m->hostname, sizeof m->hostname, "%s", u.nodename);
    }
    FILE *f = fopen("/etc/os-release", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
            char *s = line + 12 + (line[12] == '"');
            s[strcspn(s, "\"\n")] = '\0';
            snprintf(m->os, sizeof m->os, "%s", s);
        }
    if (f)
        fclose(f);
#if defined(__clang__)
    snprintf(m->compiler, sizeof m->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(m->compiler, sizeof m->compiler, "gcc %s", __VERSION__);
#endif
    snprintf(m->cflags, sizeof m->cflags, "%s", RMS_CFLAGS);
    snprintf(m->git_commit, sizeof m->git_commit, "%s", RMS_GIT_COMMIT);
}

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
