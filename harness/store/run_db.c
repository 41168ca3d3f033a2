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

static int insert_running(run_db *r, const run_config *rc, const char *sweep,
                          sqlite3_int64 *run_id, char *err, size_t len)
{
    static const char *sql =
        "INSERT INTO runs (machine_id, config_hash, sweep, problem, kernel, preset, dim, seed,"
        " steps, epochs, every, lr, beta, eps, v0, momentum, weight_decay, wd_mode,"
        " eps_in_sqrt, centered, lr_in_momentum, nesterov, bias_correction, maximize,"
        " config_json, status, pid, host, proc_start)"
        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,"
        " ?21,?22,?23,?24,?25,'running',?26,?27,?28)";
    sqlite3_stmt *st = stmt(r, &r->st_insert, sql);
    if (!st)
        return sql_fail(r, "recording the run", err, len);
    const rms_cfg *c = &rc->cfg;
    char *json = config_json(rc);
    sqlite3_bind_int64(st, 1, r->machine_id);
    sqlite3_bind_text(st, 2, rc->hash, -1, SQLITE_STATIC);
    if (sweep)
        sqlite3_bind_text(st, 3, sweep, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, rc->problem->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, rc->kernel->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, rc->preset->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)rc->dim);
    sqlite3_bind_int64(st, 8, (sqlite3_int64)rc->seed);
    if (rc->steps)
        sqlite3_bind_int64(st, 9, rc->steps);
    if (rc->epochs)
        sqlite3_bind_int64(st, 10, rc->epochs);
    if (rc->every)
        sqlite3_bind_int64(st, 11, rc->every);
    sqlite3_bind_double(st, 12, c->lr);
    sqlite3_bind_double(st, 13, c->beta);
    sqlite3_bind_double(st, 14, c->eps);
    sqlite3_bind_double(st, 15, c->v0);
    sqlite3_bind_double(st, 16, c->momentum);
    sqlite3_bind_double(st, 17, c->weight_decay);
    sqlite3_bind_text(st, 18, c->wd_decoupled ? "decoupled" : "coupled", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 19, c->eps_in_sqrt);
    sqlite3_bind_int(st, 20, c->centered);
    sqlite3_bind_int(st, 21, c->lr_in_momentum);
    sqlite3_bind_int(st, 22, c->nesterov);
    sqlite3_bind_int(st, 23, c->bias_correction);
    sqlite3_bind_int(st, 24, c->maximize);
    if (json)
        sqlite3_bind_text(st, 25, json, -1, free);
    sqlite3_bind_int(st, 26, r->pid);
    sqlite3_bind_text(st, 27, r->host, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 28, r->proc_start);
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
