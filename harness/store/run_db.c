/* run_db.c -- the runs and curves rows, written so that a kill never leaves
 * a half-written run counted as done. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store/db.h"
#include "store/run_db.h"
#include "rms_opt.h"

long long proc_start_time(int pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name may hold spaces and ')': fields start after the last ')' */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    /* a zombie (killed, not yet reaped) is as dead as a missing process */
    while (*p == ' ')
        p++;
    if (*p == 'Z' || *p == 'X' || *p == 'x')
        return -1;
    long long v = -1;
    for (int field = 3; field <= 22; field++) {
        while (*p == ' ')
            p++;
        if (field == 22) {
            v = strtoll(p, NULL, 10);
            break;
        }
        p = strchr(p, ' ');
        if (!p)
            return -1;
    }
    return v;
}

void run_db_fault(const char *point)
{
    static long count[3];
    static const char *const names[3] = { "claimed", "curves", "finished" };
    const char *env = getenv("RMSBENCH_FAULT");
    if (!env)
        return;
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(names[i]);
        if (strcmp(point, names[i]) || strncmp(env, names[i], l) || env[l] != ':')
            continue;
        char *end;
        if (++count[i] == strtol(env + l + 1, &end, 10)) {
            if (!strcmp(end, ":group"))   /* the whole sweep, parent included */
                kill(0, SIGKILL);
            raise(SIGKILL);
        }
    }
}

int run_db_open(run_db *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->db = db_open(path, DB_RW, err, errlen);
    if (!r->db)
        return -1;
    if (db_machine_id(r->db, &r->machine_id, err, errlen)) {
        db_close(r->db);
        r->db = NULL;
        return -1;
    }
    r->pid = (int)getpid();
    r->proc_start = proc_start_time(r->pid);
    if (gethostname(r->host, sizeof r->host) != 0)
        snprintf(r->host, sizeof r->host, "unknown");
    r->host[sizeof r->host - 1] = '\0';
    return 0;
}

void run_db_close(run_db *r)
{
    sqlite3_finalize(r->st_insert);
    sqlite3_finalize(r->st_select);
    sqlite3_finalize(r->st_delete);
    sqlite3_finalize(r->st_curve);
    sqlite3_finalize(r->st_update);
    r->st_insert = r->st_select = r->st_delete = r->st_curve = r->st_update = NULL;
    if (r->db)
        db_close(r->db);
    r->db = NULL;
}

/* The statement in *slot, prepared on first use and reset for reuse. */
static sqlite3_stmt *stmt(run_db *r, sqlite3_stmt **slot, const char *sql)
{
    if (!*slot && sqlite3_prepare_v3(r->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_reset(*slot);
    sqlite3_clear_bindings(*slot);
    return *slot;
}

static int sql_fail(run_db *r, const char *what, char *err, size_t len)
{
    snprintf(err, len, "%s: %s", what, sqlite3_errmsg(r->db));
    return -1;
}

/* A running row is stale when its process is gone: same host, and no
 * process with that pid and start time exists.  Rows from another host are
 * taken as live (we cannot look), and reported as busy. */
static int row_is_stale(run_db *r, const char *host, int pid, long long start)
{
    if (!host || strcmp(host, r->host) != 0)
        return 0;
    if (r->proc_start < 0)
        return 0;   /* no /proc here: cannot tell, so never steal a config */
    if (pid == r->pid && start == r->proc_start)
        return 0;   /* our own row: cannot happen for a fresh claim, be safe */
    long long now = proc_start_time(pid);
    return now < 0 || now != start;
}

/* The INSERT of a `running` row: the fixed columns, then one column per
 * option of rms_options.def, each bound by its name (":lr"), never by a
 * position. */
static const char *insert_sql(void)
{
    static char sql[4096];
    if (sql[0])
        return sql;
    size_t n, used;
    const rms_opt *o = rms_opts(&n);
    char cols[1024] = "", vals[1024] = "";
    size_t uc = 0, uv = 0;
    for (size_t i = 0; i < n; i++) {
        uc += (size_t)snprintf(cols + uc, sizeof cols - uc, " %s,", o[i].key);
        uv += (size_t)snprintf(vals + uv, sizeof vals - uv, " :%s,", o[i].key);
    }
    used = (size_t)snprintf(sql, sizeof sql,
        "INSERT INTO runs (machine_id, config_hash, sweep, problem, kernel, preset, dim, seed,"
        " steps, epochs, every,%s config_json, status, pid, host, proc_start)"
        " VALUES (:machine_id, :config_hash, :sweep, :problem, :kernel, :preset, :dim, :seed,"
        " :steps, :epochs, :every,%s :config_json, 'running', :pid, :host, :proc_start)",
        cols, vals);
    if (used >= sizeof sql || uc >= sizeof cols || uv >= sizeof vals)
        sql[0] = '\0';   /* cannot happen with the table's ~15 rows; prepare fails loudly */
    return sql;
}

/* Parameter index of :name in st (0 if the statement has none). */
static int par(sqlite3_stmt *st, const char *name)
{
    char p[80];
    snprintf(p, sizeof p, ":%s", name);
    return sqlite3_bind_parameter_index(st, p);
}

/* One option's column value: REAL, INTEGER, or an enum's name as TEXT. */
static void bind_opt(sqlite3_stmt *st, const rms_cfg *c, const rms_opt *o)
{
    char name[64];
    int i = par(st, o->key);
    if (o->kind == RMS_REAL)
        sqlite3_bind_double(st, i, rms_opt_get(c, o));
    else if (o->kind == RMS_ENUM)
        sqlite3_bind_text(st, i, (rms_opt_format(c, o, name, sizeof name), name), -1,
                          SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, i, (sqlite3_int64)rms_opt_get(c, o));
}

static int insert_running(run_db *r, const run_config *rc, const char *sweep,
                          sqlite3_int64 *run_id, char *err, size_t len)
{
    sqlite3_stmt *st = stmt(r, &r->st_insert, insert_sql());
    if (!st)
        return sql_fail(r, "recording the run", err, len);
    char *json = config_json(rc);
    sqlite3_bind_int64(st, par(st, "machine_id"), r->machine_id);
    sqlite3_bind_text(st, par(st, "config_hash"), rc->hash, -1, SQLITE_STATIC);
    if (sweep)
        sqlite3_bind_text(st, par(st, "sweep"), sweep, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, par(st, "problem"), rc->problem->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, par(st, "kernel"), rc->kernel->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, par(st, "preset"), rc->preset->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, par(st, "dim"), (sqlite3_int64)rc->dim);
    sqlite3_bind_int64(st, par(st, "seed"), (sqlite3_int64)rc->seed);
    if (rc->steps)
        sqlite3_bind_int64(st, par(st, "steps"), rc->steps);
    if (rc->epochs)
        sqlite3_bind_int64(st, par(st, "epochs"), rc->epochs);
    if (rc->every)
        sqlite3_bind_int64(st, par(st, "every"), rc->every);
    size_t n;
    const rms_opt *o = rms_opts(&n);
    for (size_t i = 0; i < n; i++)
        bind_opt(st, &rc->cfg, &o[i]);
    if (json)
        sqlite3_bind_text(st, par(st, "config_json"), json, -1, free);
    sqlite3_bind_int(st, par(st, "pid"), r->pid);
    sqlite3_bind_text(st, par(st, "host"), r->host, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, par(st, "proc_start"), r->proc_start);
    int rc_step = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc_step != SQLITE_DONE)
        return sql_fail(r, "recording the run", err, len);
    *run_id = sqlite3_last_insert_rowid(r->db);
    return 0;
}

/* Look at earlier rows of this config: skip it, or clear the way. */
static int check_existing(run_db *r, const char *hash, enum claim_outcome *out,
                          char *err, size_t len)
{
    sqlite3_stmt *st = stmt(r, &r->st_select,
            "SELECT id, status, host, pid, proc_start FROM runs WHERE config_hash = ?1"), *del;
    if (!st)
        return sql_fail(r, "reading earlier runs", err, len);
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_int64 doomed[64];
    int ndoomed = 0, rc;
    *out = CLAIM_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *status = (const char *)sqlite3_column_text(st, 1);
        if (!strcmp(status, "done") || !strcmp(status, "diverged")) {
            *out = CLAIM_DONE;
            break;
        }
        if (!strcmp(status, "running") &&
            !row_is_stale(r, (const char *)sqlite3_column_text(st, 2),
                          sqlite3_column_int(st, 3), sqlite3_column_int64(st, 4))) {
            *out = CLAIM_BUSY;
            break;
        }
        if (ndoomed < 64)   /* stale running rows and earlier failures */
            doomed[ndoomed++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_fail(r, "reading earlier runs", err, len);
    if (*out != CLAIM_OK || ndoomed == 0)
        return 0;
    if (!(del = stmt(r, &r->st_delete, "DELETE FROM runs WHERE id = ?1")))
        return sql_fail(r, "removing a stale run", err, len);
    for (int i = 0; i < ndoomed; i++) {
        sqlite3_bind_int64(del, 1, doomed[i]);
        if (sqlite3_step(del) != SQLITE_DONE) {
            sqlite3_reset(del);
            return sql_fail(r, "removing a stale run", err, len);
        }
        sqlite3_reset(del);
        r->stale_removed++;
    }
    return 0;
}

int run_db_claim(run_db *r, const run_config *rc, const char *sweep, int skip_existing,
                 sqlite3_int64 *run_id, enum claim_outcome *out, char *err, size_t len)
{
    *out = CLAIM_OK;
    if (db_exec(r->db, "BEGIN IMMEDIATE", err, len))
        return -1;
    if (skip_existing && check_existing(r, rc->hash, out, err, len))
        goto fail;
    if (*out == CLAIM_OK && insert_running(r, rc, sweep, run_id, err, len))
        goto fail;
    if (db_exec(r->db, "COMMIT", err, len))
        goto fail;
    if (*out == CLAIM_OK)
        run_db_fault("claimed");
    return 0;
fail:
    db_exec(r->db, "ROLLBACK", NULL, 0);
    return -1;
}

static void bind_real(sqlite3_stmt *st, int i, double x)
{
    if (isfinite(x))
        sqlite3_bind_double(st, i, x);
    else
        sqlite3_bind_null(st, i);
}

int run_db_finish(run_db *r, sqlite3_int64 run_id, const run_result *res, char *err, size_t len)
{
    sqlite3_stmt *ins, *upd = NULL;
    if (db_exec(r->db, "BEGIN IMMEDIATE", err, len))
        return -1;
    ins = stmt(r, &r->st_curve,
            "INSERT INTO curves (run_id, step, loss, grad_norm, elapsed_ns, test_loss, test_acc)"
            " VALUES (?1,?2,?3,?4,?5,?6,?7)");
    if (!ins)
        goto sqlfail;
    for (size_t i = 0; i < res->ncurve; i++) {
        const curve_point *p = &res->curve[i];
        sqlite3_bind_int64(ins, 1, run_id);
        sqlite3_bind_int64(ins, 2, p->step);
        bind_real(ins, 3, p->loss);
        bind_real(ins, 4, p->grad_norm);
        sqlite3_bind_int64(ins, 5, p->elapsed_ns);
        bind_real(ins, 6, p->test_loss);
        bind_real(ins, 7, p->test_acc);
        if (sqlite3_step(ins) != SQLITE_DONE)
            goto sqlfail;
        sqlite3_reset(ins);
    }
    run_db_fault("curves");
    if (!(upd = stmt(r, &r->st_update,
            "UPDATE runs SET status = ?2, steps = ?3, steps_done = ?4, diverged_step = ?5,"
            " final_loss = ?6, best_loss = ?7, steps_to_target = ?8, time_to_target_ns = ?9,"
            " wall_ns = ?10, metric_name = ?11, metric_value = ?12, peak_rss_bytes = ?13,"
            " error = ?14, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
            " WHERE id = ?1 AND status = 'running'")))
        goto sqlfail;
    sqlite3_bind_int64(upd, 1, run_id);
    sqlite3_bind_text(upd, 2, run_status_name(res->status), -1, SQLITE_STATIC);
    if (res->steps)
        sqlite3_bind_int64(upd, 3, res->steps);
    sqlite3_bind_int64(upd, 4, res->steps_done);
    if (res->diverged_step >= 0)
        sqlite3_bind_int64(upd, 5, res->diverged_step);
    bind_real(upd, 6, res->final_loss);
    bind_real(upd, 7, res->best_loss);
    if (res->steps_to_target >= 0) {
        sqlite3_bind_int64(upd, 8, res->steps_to_target);
        sqlite3_bind_int64(upd, 9, res->time_to_target_ns);
    }
    sqlite3_bind_int64(upd, 10, res->wall_ns);
    if (res->has_metric) {
        sqlite3_bind_text(upd, 11, res->metric_name, -1, SQLITE_STATIC);
        bind_real(upd, 12, res->metric_value);
    }
    if (res->peak_rss_bytes >= 0)
        sqlite3_bind_int64(upd, 13, res->peak_rss_bytes);
    if (res->status == RUN_FAILED)
        sqlite3_bind_text(upd, 14, res->error, -1, SQLITE_STATIC);
    if (sqlite3_step(upd) != SQLITE_DONE)
        goto sqlfail;
    if (sqlite3_changes(r->db) != 1) {
        snprintf(err, len, "run %lld is no longer marked running (removed as stale?)",
                 (long long)run_id);
        goto fail;
    }
    sqlite3_reset(ins);
    sqlite3_reset(upd);
    if (db_exec(r->db, "COMMIT", err, len)) {
        db_exec(r->db, "ROLLBACK", NULL, 0);
        return -1;
    }
    run_db_fault("finished");
    return 0;
sqlfail:
    snprintf(err, len, "recording the result: %s", sqlite3_errmsg(r->db));
fail:
    if (ins)
        sqlite3_reset(ins);
    if (upd)
        sqlite3_reset(upd);
    db_exec(r->db, "ROLLBACK", NULL, 0);
    return -1;
}

int run_db_record(run_db *r, sqlite3_int64 run_id, run_result *res, char *err, size_t len)
{
    if (run_db_finish(r, run_id, res, err, len) == 0)
        return 0;
    char again[256];
    res->status = RUN_FAILED;
    res->ncurve = 0;
    snprintf(res->error, sizeof res->error, "result not recorded: %.200s", err);
    if (run_db_finish(r, run_id, res, again, sizeof again) != 0)
        snprintf(res->error, sizeof res->error,
                 "result not recorded: %.200s; run %lld stays 'running' (not done)", err,
                 (long long)run_id);
    return -1;
}
