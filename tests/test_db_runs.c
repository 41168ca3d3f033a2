/* test_db_runs.c -- the results database: schema creation from an empty
 * file, migration from version 1, refusal of a newer schema, a run
 * round-tripping into runs/curves, the claim rules that make sweeps
 * resumable (done skipped, live running busy, stale running and failed
 * replaced), and the range/option parsers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "check.h"
#include "cli/config.h"
#include "store/db.h"
#include "cli/range.h"
#include "store/run_db.h"

static char dir[] = "/tmp/rmsbench-test-db-XXXXXX";

static long long q_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -12345;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static const char *q_text(sqlite3 *db, const char *sql, char *buf, size_t len)
{
    sqlite3_stmt *st;
    snprintf(buf, len, "<none>");
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        snprintf(buf, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

static void path_in(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
}

static void test_fresh_and_migration(void)
{
    char path[256], err[512], txt[64];
    path_in(path, sizeof path, "empty.db");
    FILE *f = fopen(path, "w");   /* a v0 database: an empty file */
    fclose(f);
    sqlite3 *db = db_open(path, DB_RW, err, sizeof err);
    CHECK(db != NULL, "open empty file: %s", err);
    if (!db)
        return;
    CHECK(q_int(db, "PRAGMA user_version") == db_schema_version(), "empty file migrated to %d",
          db_schema_version());
    CHECK(db_schema_version() >= 2, "schema has the v2 migration");
    CHECK(!strcmp(q_text(db, "PRAGMA journal_mode", txt, sizeof txt), "wal"), "WAL, got %s", txt);
    CHECK(q_int(db, "PRAGMA foreign_keys") == 1, "foreign keys on");
    const char *names[] = { "machines", "runs", "curves", "perf", "hyperfine", "proofs",
                            "best_lr", "run_summary", "lr_sensitivity", "best_lr_mean",
                            "sweep_progress", "curve_points" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE name = '%s'", names[i]);
        CHECK(q_int(db, sql) == 1, "schema object %s exists", names[i]);
    }
    db_close(db);

    /* a database at version 1 with a run in it moves to the current version
     * and keeps its row */
    path_in(path, sizeof path, "v1.db");
    sqlite3_open(path, &db);
    CHECK(db_migrate_to(db, 1, err, sizeof err) == 0, "build v1: %s", err);
    CHECK(q_int(db, "PRAGMA user_version") == 1, "at version 1");
    CHECK(q_int(db, "SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'proc_start'") == 0,
          "v1 has no proc_start");
    CHECK(db_exec(db, "INSERT INTO runs (config_hash, problem, kernel, status, final_loss)"
                      " VALUES ('abc', 'rosenbrock', 'fused', 'done', 0.5)", err, sizeof err) == 0,
          "insert v1 run: %s", err);
    sqlite3_close(db);
    db = db_open(path, DB_RW, err, sizeof err);
    CHECK(db != NULL, "open v1: %s", err);
    if (!db)
        return;
    CHECK(q_int(db, "PRAGMA user_version") == db_schema_version(), "v1 migrated");
    CHECK(q_int(db, "SELECT count(*) FROM runs WHERE config_hash = 'abc' AND final_loss = 0.5") == 1,
          "v1 row kept");
    CHECK(q_int(db, "SELECT count(*) FROM runs WHERE proc_start IS NULL") == 1, "new column added");
    CHECK(q_int(db, "SELECT runs FROM lr_sensitivity") == 1, "view sees the old row");
    CHECK(!strcmp(q_text(db, "PRAGMA integrity_check", txt, sizeof txt), "ok"), "integrity %s", txt);
    /* a newer schema is refused, not downgraded */
    CHECK(db_exec(db, "PRAGMA user_version = 99", err, sizeof err) == 0, "set 99");
    db_close(db);
    db = db_open(path, DB_RW, err, sizeof err);
    CHECK(db == NULL && strstr(err, "newer"), "newer schema refused: %s", err);
    if (db)
        db_close(db);
}

static void resolve(run_config *rc, const char *problem, const char *kernel, double lr, long steps)
{
    run_opts o;
    char err[256], num[32];
    run_opts_init(&o);
    CHECK(config_set(&o, OPT_PROBLEM, problem, err, sizeof err) == 0, "%s", err);
    CHECK(config_set(&o, OPT_KERNEL, kernel, err, sizeof err) == 0, "%s", err);
    snprintf(num, sizeof num, "%.17g", lr);
    CHECK(config_set(&o, OPT_RMS(RMS_OPT_lr), num, err, sizeof err) == 0, "%s", err);
    snprintf(num, sizeof num, "%ld", steps);
    CHECK(config_set(&o, OPT_STEPS, num, err, sizeof err) == 0, "%s", err);
    CHECK(config_resolve(&o, rc, err, sizeof err) == 0, "resolve: %s", err);
}

static void test_round_trip_and_claims(void)
{
    char path[256], err[512], sql[256];
    path_in(path, sizeof path, "runs.db");
    run_db r;
    CHECK(run_db_open(&r, path, err, sizeof err) == 0, "open: %s", err);
    if (!r.db)
        return;
    run_config rc;
    resolve(&rc, "rosenbrock", "ref64", 1e-2, 500);
    sqlite3_int64 id;
    enum claim_outcome out;
    CHECK(run_db_claim(&r, &rc, "t", 1, &id, &out, err, sizeof err) == 0 && out == CLAIM_OK,
          "first claim: %s", err);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld AND status = 'running'"
             " AND pid = %d", (long long)id, (int)getpid());
    CHECK(q_int(r.db, sql) == 1, "running row with our pid before the work");
    run_result res;
    run_execute(&rc, 0, &res);
    CHECK(res.status == RUN_DONE && res.steps_done == 500, "run done (%d, %ld)", res.status,
          res.steps_done);
    CHECK(run_db_finish(&r, id, &res, err, sizeof err) == 0, "finish: %s", err);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(r.db, "SELECT status, final_loss, best_loss, steps_done, config_hash,"
                             " (SELECT count(*) FROM curves WHERE run_id = runs.id),"
                             " (SELECT max(step) FROM curves WHERE run_id = runs.id)"
                             " FROM runs WHERE id = ?1", -1, &st, NULL);
    sqlite3_bind_int64(st, 1, id);
    CHECK(sqlite3_step(st) == SQLITE_ROW, "row back");
    CHECK(!strcmp((const char *)sqlite3_column_text(st, 0), "done"), "status done");
    CHECK(sqlite3_column_double(st, 1) == res.final_loss, "final loss exact: %.17g vs %.17g",
          sqlite3_column_double(st, 1), res.final_loss);
    CHECK(sqlite3_column_double(st, 2) == res.best_loss, "best loss exact");
    CHECK(sqlite3_column_int64(st, 3) == 500, "steps_done");
    CHECK(!strcmp((const char *)sqlite3_column_text(st, 4), rc.hash), "hash stored");
    CHECK(sqlite3_column_int64(st, 5) == (long long)res.ncurve && res.ncurve > 2,
          "curve rows %lld == %zu", (long long)sqlite3_column_int64(st, 5), res.ncurve);
    CHECK(sqlite3_column_int64(st, 6) == 500, "curve ends at the last step");
    sqlite3_finalize(st);
    /* finishing twice is refused: the row is no longer running */
    CHECK(run_db_finish(&r, id, &res, err, sizeof err) != 0, "second finish refused");
    run_result_free(&res);

    /* done: skipped */
    CHECK(run_db_claim(&r, &rc, "t", 1, &id, &out, err, sizeof err) == 0 && out == CLAIM_DONE,
          "done config skipped (%d)", out);
    /* `run` (skip_existing 0) always records a new row */
    CHECK(run_db_claim(&r, &rc, NULL, 0, &id, &out, err, sizeof err) == 0 && out == CLAIM_OK,
          "run records again");

    /* a running row of a live process (our parent) is busy; of a dead one,
     * stale: removed and re-claimed */
    run_config rc2;
    resolve(&rc2, "rosenbrock", "fused", 2e-2, 100);
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    int live = (int)getppid();
    snprintf(sql, sizeof sql,
             "INSERT INTO runs (config_hash, problem, kernel, status, pid, host, proc_start)"
             " VALUES ('%s', 'rosenbrock', 'fused', 'running', %d, '%s', %lld)",
             rc2.hash, live, r.host, proc_start_time(live));
    CHECK(db_exec(r.db, sql, err, sizeof err) == 0, "%s", err);
    CHECK(run_db_claim(&r, &rc2, "t", 1, &id, &out, err, sizeof err) == 0 && out == CLAIM_BUSY,
          "live running row is busy (%d)", out);
    snprintf(sql, sizeof sql, "UPDATE runs SET pid = %d WHERE config_hash = '%s'", (int)child,
             rc2.hash);
    CHECK(db_exec(r.db, sql, err, sizeof err) == 0, "%s", err);
    CHECK(run_db_claim(&r, &rc2, "t", 1, &id, &out, err, sizeof err) == 0 && out == CLAIM_OK,
          "dead pid's running row is stale (%d)", out);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE config_hash = '%s'", rc2.hash);
    CHECK(q_int(r.db, sql) == 1, "stale row replaced, not duplicated");
    /* same pid, different start time (pid reuse) is stale too */
    snprintf(sql, sizeof sql, "UPDATE runs SET pid = %d, proc_start = %lld WHERE config_hash = '%s'",
             live, proc_start_time(live) + 1, rc2.hash);
    db_exec(r.db, sql, err, sizeof err);
    CHECK(run_db_claim(&r, &rc2, "t", 1, &id, &out, err, sizeof err) == 0 && out == CLAIM_OK,
          "reused pid is stale (%d)", out);
    /* another host's running row: cannot be checked, so busy */
    snprintf(sql, sizeof sql, "UPDATE runs SET host = 'elsewhere' WHERE config_hash = '%s'", rc2.hash);
    db_exec(r.db, sql, err, sizeof err);
    CHECK(run_db_claim(&r, &rc2, "t", 1, &id, &out, err, sizeof err) == 0 && out == CLAIM_BUSY,
          "other host's row is busy (%d)", out);
    /* a failed attempt is re-run and replaced */
    snprintf(sql, sizeof sql, "UPDATE runs SET status = 'failed' WHERE config_hash = '%s'", rc2.hash);
    db_exec(r.db, sql, err, sizeof err);
    CHECK(run_db_claim(&r, &rc2, "t", 1, &id, &out, err, sizeof err) == 0 && out == CLAIM_OK,
          "failed config re-run (%d)", out);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE config_hash = '%s'", rc2.hash);
    CHECK(q_int(r.db, sql) == 1, "failed row replaced");

    /* diverged and failed results are recorded as such */
    run_config rc3;
    resolve(&rc3, "rosenbrock", "fused", 1e30, 100);
    CHECK(run_db_claim(&r, &rc3, "t", 1, &id, &out, err, sizeof err) == 0, "%s", err);
    run_execute(&rc3, 0, &res);
    CHECK(res.status == RUN_DIVERGED && res.diverged_step >= 0 && res.diverged_step < 100,
          "lr 1e30 diverges (status %d at %ld)", res.status, res.diverged_step);
    CHECK(run_db_finish(&r, id, &res, err, sizeof err) == 0, "%s", err);
    run_result_free(&res);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE id = %lld AND status = 'diverged'"
             " AND diverged_step IS NOT NULL AND final_loss IS NULL", (long long)id);
    CHECK(q_int(r.db, sql) == 1, "diverged row");
    char txt[64];
    CHECK(!strcmp(q_text(r.db, "PRAGMA integrity_check", txt, sizeof txt), "ok"), "integrity %s", txt);
    run_db_close(&r);
}

static void test_ranges(void)
{
    char err[256];
    double *v = NULL;
    uint64_t *u = NULL;
    size_t n = 0;
    CHECK(range_parse_doubles("1e-4:1e-1:13", &v, &n, err, sizeof err) == 0 && n == 13, "13 values");
    if (n == 13) {
        CHECK(v[0] == 1e-4 && v[12] == 1e-1, "endpoints exact");
        CHECK(fabs(v[4] / 1e-3 - 1) < 1e-14 && fabs(v[8] / 1e-2 - 1) < 1e-14, "decades hit");
        int mono = 1;
        for (size_t i = 1; i < n; i++)
            mono &= v[i] > v[i - 1];
        CHECK(mono, "increasing");
    }
    free(v);
    CHECK(range_parse_doubles("0.1,0.01,1e-3:1e-3:1", &v, &n, err, sizeof err) == 0 && n == 3 &&
          v[2] == 1e-3, "list with a one-point range");
    free(v);
    const char *bad_d[] = { "", ",", "0.1,", "nan", "inf", "1e999", "0x10", "1e-4:1e-1:0",
                            "1e-4:1e-1:-3", "1e-4:1e-1", "0:1:3", "-1:1:3", "1:2:3:4",
                            "1e-4:1e-1:1", "1:2:x", "1:2:1000001", "0.1 ", " 0.1", "1e-4:1e-1:2.5" };
    for (size_t i = 0; i < sizeof bad_d / sizeof bad_d[0]; i++) {
        v = NULL;
        int rc = range_parse_doubles(bad_d[i], &v, &n, err, sizeof err);
        CHECK(rc == -1 && v == NULL && err[0], "bad range '%s' rejected", bad_d[i]);
    }
    CHECK(range_parse_seeds("1..10", &u, &n, err, sizeof err) == 0 && n == 10 && u[0] == 1 &&
          u[9] == 10, "1..10");
    free(u);
    CHECK(range_parse_seeds("3,1..2,7", &u, &n, err, sizeof err) == 0 && n == 4 && u[3] == 7, "mix");
    free(u);
    const char *bad_s[] = { "", "5..1", "-1", "1..", "..3", "1,,2", "x", "1.5", "0..100000000",
                            "+3", "1..2..3" };
    for (size_t i = 0; i < sizeof bad_s / sizeof bad_s[0]; i++) {
        u = NULL;
        CHECK(range_parse_seeds(bad_s[i], &u, &n, err, sizeof err) == -1 && !u,
              "bad seeds '%s' rejected", bad_s[i]);
    }
}

static void test_options(void)
{
    static const struct { int id; const char *arg; } bad[] = {
        { OPT_RMS(RMS_OPT_lr), "nan" }, { OPT_RMS(RMS_OPT_lr), "-1" }, { OPT_RMS(RMS_OPT_lr), "0" }, { OPT_RMS(RMS_OPT_lr), "1e999" }, { OPT_RMS(RMS_OPT_lr), "0x1p3" },
        { OPT_RMS(RMS_OPT_lr), "" }, { OPT_RMS(RMS_OPT_lr), "1e-3x" }, { OPT_RMS(RMS_OPT_beta), "1" }, { OPT_RMS(RMS_OPT_beta), "-0.1" },
        { OPT_RMS(RMS_OPT_eps), "-1e-8" }, { OPT_RMS(RMS_OPT_v0), "inf" }, { OPT_RMS(RMS_OPT_momentum), "1" }, { OPT_RMS(RMS_OPT_weight_decay), "-1" },
        { OPT_RMS(RMS_OPT_wd_decoupled), "both" }, { OPT_STEPS, "0" }, { OPT_STEPS, "-5" }, { OPT_STEPS, "1.5" },
        { OPT_STEPS, "1e13" }, { OPT_SEED, "-1" }, { OPT_SEED, "1x" }, { OPT_DIM, "0" },
        { OPT_EVERY, "0" }, { OPT_EPOCHS, "0" }, { OPT_PROBLEM, "" }, { OPT_DB, "" } };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_opts o;
        char err[256] = "";
        run_opts_init(&o);
        int rc = config_set(&o, bad[i].id, bad[i].arg, err, sizeof err);
        CHECK(rc == -1 && strstr(err, "--") && strstr(err, bad[i].arg),
              "option %d '%s' rejected naming the value: %s", bad[i].id, bad[i].arg, err);
    }
    /* explicit options override the preset field by field */
    run_opts o;
    run_config rc;
    char err[256];
    run_opts_init(&o);
    config_set(&o, OPT_PROBLEM, "rosenbrock", err, sizeof err);
    config_set(&o, OPT_KERNEL, "ref64", err, sizeof err);
    config_set(&o, OPT_RMS(RMS_OPT_eps), "0.5", err, sizeof err);
    CHECK(config_resolve(&o, &rc, err, sizeof err) == 0, "%s", err);
    CHECK(rc.cfg.eps == 0.5 && rc.cfg.lr == rms_preset_find("seed")->cfg.lr &&
          rc.cfg.beta == rms_preset_find("seed")->cfg.beta, "override eps, keep preset lr/beta");
    run_config rc_b = rc;
    config_set(&o, OPT_EVERY, "7", err, sizeof err);
    config_resolve(&o, &rc_b, err, sizeof err);
    CHECK(!strcmp(rc.hash, rc_b.hash), "--every does not change the hash");
    config_set(&o, OPT_SEED, "2", err, sizeof err);
    config_resolve(&o, &rc_b, err, sizeof err);
    CHECK(strcmp(rc.hash, rc_b.hash) != 0, "seed changes the hash");
    /* combinations that only the merged config shows */
    config_set(&o, OPT_RMS(RMS_OPT_nesterov), NULL, err, sizeof err);
    CHECK(config_resolve(&o, &rc, err, sizeof err) == CONFIG_REFUSED_PAIR && strstr(err, "nesterov"),
          "nesterov without momentum: %s", err);
    run_opts_init(&o);
    config_set(&o, OPT_PROBLEM, "nosuch", err, sizeof err);
    CHECK(config_resolve(&o, &rc, err, sizeof err) == -1 && strstr(err, "'nosuch'"), "%s", err);
    run_opts_init(&o);
    config_set(&o, OPT_PROBLEM, "rosenbrock", err, sizeof err);
    config_set(&o, OPT_DIM, "3", err, sizeof err);
    CHECK(config_resolve(&o, &rc, err, sizeof err) == -1 && strstr(err, "fixed"), "%s", err);
    run_opts_init(&o);
    config_set(&o, OPT_PROBLEM, "rosenbrock", err, sizeof err);
    config_set(&o, OPT_PRESET, "nosuch", err, sizeof err);
    CHECK(config_resolve(&o, &rc, err, sizeof err) == -1 && strstr(err, "'nosuch'"), "%s", err);
    run_opts_init(&o);
    config_set(&o, OPT_PROBLEM, "rosenbrock", err, sizeof err);
    config_set(&o, OPT_KERNEL, "nosuch", err, sizeof err);
    CHECK(config_resolve(&o, &rc, err, sizeof err) == -1 && strstr(err, "'nosuch'"), "%s", err);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_fresh_and_migration();
    test_round_trip_and_claims();
    test_ranges();
    test_options();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_summary("db runs");
}
