/* db_schema.c -- the versioned schema.  Each migration moves user_version
 * from i to i+1 inside one transaction; never edit a released migration,
 * append a new one.  The `runs` column of an RMSProp option added after the
 * first schema is not written here: its row in kernels/rms_options.def says
 * `.since = V`, and the migration to version V adds it (option_columns),
 * before the written migration of V, which may fill it. */
#include <stdio.h>
#include <string.h>
#include "rms_opt.h"
#include "store/db.h"

static const char *const MIGRATIONS[] = {
    /* 0 -> 1: the initial schema (its option columns are the table's rows
     * with .since = 1) */
    "CREATE TABLE machines ("
    "  id INTEGER PRIMARY KEY,"
    "  fingerprint TEXT NOT NULL UNIQUE,"
    "  cpu_model TEXT, cpu_vendor TEXT, isa_flags TEXT, cores INTEGER,"
    "  mem_bytes INTEGER, os TEXT, kernel_release TEXT, compiler TEXT,"
    "  cflags TEXT, git_commit TEXT, hostname TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  machine_id INTEGER REFERENCES machines(id),"
    "  config_hash TEXT NOT NULL,"
    "  sweep TEXT,"
    "  problem TEXT NOT NULL, kernel TEXT NOT NULL, preset TEXT,"
    "  dim INTEGER, seed INTEGER, steps INTEGER, epochs INTEGER, every INTEGER,"
    "  lr REAL, beta REAL, eps REAL, v0 REAL, momentum REAL, weight_decay REAL,"
    "  wd_mode TEXT, eps_in_sqrt INTEGER, centered INTEGER, lr_in_momentum INTEGER,"
    "  nesterov INTEGER, bias_correction INTEGER, maximize INTEGER,"
    "  config_json TEXT,"
    "  status TEXT NOT NULL CHECK (status IN ('running','done','diverged','failed')),"
    "  steps_done INTEGER, diverged_step INTEGER,"
    "  final_loss REAL, best_loss REAL, steps_to_target INTEGER, time_to_target_ns INTEGER,"
    "  wall_ns INTEGER, metric_name TEXT, metric_value REAL, peak_rss_bytes INTEGER,"
    "  error TEXT, pid INTEGER,"
    "  started_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    "  finished_at TEXT);"
    "CREATE INDEX runs_hash ON runs(config_hash, status);"
    "CREATE INDEX runs_problem ON runs(problem, kernel);"
    "CREATE TABLE curves ("
    "  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
    "  step INTEGER NOT NULL, loss REAL, grad_norm REAL, elapsed_ns INTEGER,"
    "  PRIMARY KEY (run_id, step)) WITHOUT ROWID;"
    "CREATE TABLE perf ("
    "  id INTEGER PRIMARY KEY,"
    "  machine_id INTEGER REFERENCES machines(id),"
    "  source TEXT NOT NULL DEFAULT 'rmsbench',"   /* rmsbench | pytorch */
    "  kernel TEXT NOT NULL, preset TEXT, n INTEGER NOT NULL, threads INTEGER NOT NULL,"
    "  reps INTEGER, ns_per_elem REAL, ns_per_elem_min REAL, ns_per_elem_max REAL,"
    "  gbps REAL, roof_ns_per_elem REAL, roof_ratio REAL,"
    "  compute_roof_ns_per_elem REAL, compute_roof_ratio REAL,"
    "  cycles_per_elem REAL, clock_ghz REAL, validated INTEGER,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE TABLE hyperfine ("
    "  id INTEGER PRIMARY KEY,"
    "  machine_id INTEGER REFERENCES machines(id),"
    "  command TEXT NOT NULL, mean_s REAL, stddev_s REAL, median_s REAL,"
    "  user_s REAL, system_s REAL, min_s REAL, max_s REAL, runs INTEGER,"
    "  times_json TEXT, exit_codes_json TEXT, parameters_json TEXT,"
    "  memory_usage_bytes_json TEXT, source_file TEXT,"
    "  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE TABLE proofs ("
    "  id INTEGER PRIMARY KEY,"
    "  machine_id INTEGER REFERENCES machines(id),"
    "  target TEXT NOT NULL, model TEXT NOT NULL,"
    "  proved INTEGER NOT NULL, total INTEGER NOT NULL, wall_s REAL,"
    "  provers TEXT, open_goals TEXT, git_commit TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE VIEW best_lr AS"
    "  SELECT problem, kernel, preset, beta, lr, MIN(final_loss) AS final_loss, COUNT(*) AS runs"
    "  FROM runs WHERE status = 'done' GROUP BY problem, kernel, preset;"
    "CREATE VIEW run_summary AS"
    "  SELECT r.id, r.problem, r.kernel, r.preset, r.lr, r.beta, r.eps, r.seed, r.status,"
    "         r.final_loss, r.best_loss, r.steps_to_target, r.wall_ns / 1e9 AS wall_s,"
    "         m.cpu_model FROM runs r LEFT JOIN machines m ON m.id = r.machine_id;",

    /* 1 -> 2: tell a stale `running` row (its process was killed) from one a
     * live sweep is executing: the pid alone can be reused, pid + the
     * process's start time (clock ticks since boot) on the same host cannot.
     * Views for the sqlite3 shell. */
    "ALTER TABLE runs ADD COLUMN host TEXT;"
    "ALTER TABLE runs ADD COLUMN proc_start INTEGER;"
    "CREATE INDEX runs_sweep ON runs(sweep, status);"
    "CREATE VIEW lr_sensitivity AS"
    "  SELECT problem, kernel, preset, beta, eps, momentum, lr,"
    "         COUNT(*) AS runs, SUM(status = 'diverged') AS diverged,"
    "         AVG(final_loss) AS mean_final_loss, MIN(final_loss) AS min_final_loss,"
    "         MAX(final_loss) AS max_final_loss, AVG(steps_to_target) AS mean_steps_to_target"
    "  FROM runs WHERE status IN ('done','diverged')"
    "  GROUP BY problem, kernel, preset, beta, eps, momentum, lr;"
    "CREATE VIEW best_lr_mean AS"
    "  SELECT problem, kernel, preset, beta, eps, momentum, lr, mean_final_loss, runs FROM ("
    "    SELECT *, ROW_NUMBER() OVER (PARTITION BY problem, kernel, preset"
    "                                 ORDER BY mean_final_loss) AS rank"
    "    FROM lr_sensitivity WHERE diverged = 0 AND mean_final_loss IS NOT NULL)"
    "  WHERE rank = 1;"
    "CREATE VIEW sweep_progress AS"
    "  SELECT sweep, status, COUNT(*) AS runs, SUM(wall_ns) / 1e9 AS wall_s,"
    "         MIN(started_at) AS first_started, MAX(finished_at) AS last_finished"
    "  FROM runs GROUP BY sweep, status;"
    "CREATE VIEW curve_points AS"
    "  SELECT c.run_id, r.problem, r.kernel, r.preset, r.lr, r.beta, r.seed, r.sweep,"
    "         c.step, c.loss, c.grad_norm, c.elapsed_ns"
    "  FROM curves c JOIN runs r ON r.id = c.run_id;",

    /* 2 -> 3: scale-out on MPI (harness/mpi/).  mpi_sweeps: one row per
     * MPI sweep (throughput against rank count); mpi_steps: one row per
     * sharded data-parallel training run, the step split into compute,
     * wait (barrier: imbalance), communication and update (each the maximum
     * over ranks of the mean per step, in ms). */
    "CREATE TABLE mpi_sweeps ("
    "  id INTEGER PRIMARY KEY,"
    "  machine_id INTEGER REFERENCES machines(id),"
    "  sweep TEXT, ranks INTEGER NOT NULL, hosts INTEGER, configs INTEGER,"
    "  ran INTEGER, skipped INTEGER, failed INTEGER, wall_s REAL, runs_per_s REAL,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE TABLE mpi_steps ("
    "  id INTEGER PRIMARY KEY,"
    "  machine_id INTEGER REFERENCES machines(id),"
    "  problem TEXT NOT NULL, kernel TEXT NOT NULL, config_hash TEXT,"
    "  ranks INTEGER NOT NULL, hosts INTEGER, fixed_order INTEGER NOT NULL, chunks INTEGER,"
    "  dim INTEGER, steps INTEGER, seed INTEGER,"
    "  step_ms REAL, compute_ms REAL, wait_ms REAL, comm_ms REAL, update_ms REAL,"
    "  state_bytes_per_rank INTEGER, final_loss REAL, status TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));",

    /* 3 -> 4: declared tuning (rmsbench tune).  studies: one row per
     * (tuning name, problem, solver) with the protocol and everything that
     * defines it in spec_json (search space, lr grid, budget, seeds,
     * sequence, base options), and the choice it made in best_json; trials:
     * every config the protocol asked for, phase 'tune' (the search) or
     * 'final' (the runs the comparison uses), linked to runs by config_hash.
     * With the runs' config_text this is enough to repeat any tuning. */
    "CREATE TABLE studies ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL, protocol TEXT NOT NULL CHECK (protocol IN ('grid','quasirandom')),"
    "  problem TEXT NOT NULL, solver TEXT NOT NULL, spec_json TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'tuning' CHECK (status IN ('tuning','final','done')),"
    "  best_json TEXT,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    "  finished_at TEXT,"
    "  UNIQUE (name, problem, solver));"
    "CREATE TABLE trials ("
    "  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,"
    "  phase TEXT NOT NULL CHECK (phase IN ('tune','final')),"
    "  rep INTEGER NOT NULL,"       /* quasirandom: the study (0..M-1); grid: 0 */
    "  trial INTEGER NOT NULL,"     /* index in the grid or the sequence */
    "  seed INTEGER NOT NULL,"
    "  params_json TEXT NOT NULL, config_hash TEXT NOT NULL,"
    "  PRIMARY KEY (study_id, phase, rep, trial, seed)) WITHOUT ROWID;"
    "CREATE INDEX trials_hash ON trials(config_hash);"
    "CREATE VIEW trial_runs AS"
    "  SELECT s.name, s.protocol, s.problem, s.solver, t.phase, t.rep, t.trial, t.seed,"
    "         t.params_json, t.config_hash, r.id AS run_id, r.status, r.final_loss,"
    "         r.steps_to_target, r.wall_ns / 1e9 AS wall_s"
    "  FROM trials t JOIN studies s ON s.id = t.study_id"
    "  LEFT JOIN runs r ON r.config_hash = t.config_hash AND r.status IN ('done','diverged');",

    /* 4 -> 5: held-out metrics over time: problems with a test set record
     * its loss and accuracy with the curve once per epoch (NULL elsewhere). */
    "ALTER TABLE curves ADD COLUMN test_loss REAL;"
    "ALTER TABLE curves ADD COLUMN test_acc REAL;",

    /* 5 -> 6: perf (issue 16).  perf.roof_variant: which same-traffic loop
     * was the memory roof (the fastest of several); perf_roof_profile: the
     * memory roof against n (bandwidth through L1, L2, L3, DRAM);
     * perf_models: one whole-model step (a list of tensors), ours or
     * PyTorch's, against the roof over the model's total traffic. */
    "ALTER TABLE perf ADD COLUMN roof_variant TEXT;"
    "CREATE TABLE perf_roof_profile ("
    "  id INTEGER PRIMARY KEY,"
    "  machine_id INTEGER REFERENCES machines(id),"
    "  n INTEGER NOT NULL, threads INTEGER NOT NULL, variant TEXT,"
    "  bytes_per_elem REAL, ns_per_elem REAL, gbps REAL, reps INTEGER,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));"
    "CREATE TABLE perf_models ("
    "  id INTEGER PRIMARY KEY,"
    "  machine_id INTEGER REFERENCES machines(id),"
    "  source TEXT NOT NULL DEFAULT 'rmsbench',"   /* rmsbench | pytorch */
    "  model TEXT NOT NULL, kernel TEXT NOT NULL, preset TEXT,"
    "  tensors INTEGER, params INTEGER, threads INTEGER NOT NULL, reps INTEGER,"
    "  ms_per_step REAL, ms_min REAL, ms_max REAL, ns_per_elem REAL,"
    "  roof_ms REAL, roof_ratio REAL, validated INTEGER,"
    "  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));",

    /* 6 -> 7: the state options became rows of rms_options.def (.since = 7:
     * columns state, state_rounding, state_block, added before this runs).
     * Runs recorded with low-precision state before that kept it only in
     * their JSON; copy it into the columns. */
    "UPDATE runs SET state = json_extract(config_json, '$.state'),"
    "  state_rounding = ifnull(json_extract(config_json, '$.state_rounding'), 'nearest'),"
    "  state_block = ifnull(json_extract(config_json, '$.state_block'), 256)"
    " WHERE json_valid(config_json) AND json_extract(config_json, '$.state') IS NOT NULL;",

    /* 7 -> 8: proofs.properties: what a proof target proves, in words (the
     * properties column of proofs/targets.tsv), for the report's table of
     * property x model x status x time. */
    "ALTER TABLE proofs ADD COLUMN properties TEXT;",
};

#define NMIGRATIONS ((int)(sizeof MIGRATIONS / sizeof MIGRATIONS[0]))

/* The written migrations, or a later version named by an option's .since. */
int db_schema_version(void)
{
    size_t n;
    const rms_opt *o = rms_opts(&n);
    int v = NMIGRATIONS;
    for (size_t i = 0; i < n; i++)
        if (o[i].since > v)
            v = o[i].since;
    return v;
}

/* Run the generated part of migration to version v: ALTER TABLE runs ADD
 * COLUMN for each option with .since = v, with the option's default as the
 * column default (the value every earlier run had). */
static int option_columns(sqlite3 *db, int v, char *err, size_t errlen)
{
    size_t n;
    const rms_opt *o = rms_opts(&n);
    for (size_t i = 0; i < n; i++) {
        if (o[i].since != v || v <= 1)
            continue;
        char sql[256], dflt[64];
        rms_cfg c = rms_cfg_default();
        rms_opt_format(&c, &o[i], dflt, sizeof dflt);
        snprintf(sql, sizeof sql, "ALTER TABLE runs ADD COLUMN %s %s DEFAULT %s%s%s",
                 o[i].key, rms_opt_sql_type(&o[i]), o[i].kind == RMS_ENUM ? "'" : "", dflt,
                 o[i].kind == RMS_ENUM ? "'" : "");
        if (db_exec(db, sql, err, errlen))
            return -1;
    }
    return 0;
}

static int user_version(sqlite3 *db, int *version, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return -1;
    }
    *version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return 0;
}

int db_check_version(sqlite3 *db, char *err, size_t errlen)
{
    int v;
    if (user_version(db, &v, err, errlen))
        return -1;
    if (v > db_schema_version()) {
        snprintf(err, errlen, "database schema version %d is newer than this rmsbench (%d)",
                 v, db_schema_version());
        return -1;
    }
    return 0;
}

/* The version is read again inside each write transaction, so two processes
 * opening a new database at once cannot both apply the same migration. */
int db_migrate(sqlite3 *db, char *err, size_t errlen)
{
    return db_migrate_to(db, db_schema_version(), err, errlen);
}

int db_migrate_to(sqlite3 *db, int target, char *err, size_t errlen)
{
    if (target < 0 || target > db_schema_version())
        target = db_schema_version();
    for (;;) {
        int v;
        if (user_version(db, &v, err, errlen))
            return -1;
        if (v >= target && v <= db_schema_version())
            return 0;
        if (db_exec(db, "BEGIN IMMEDIATE", err, errlen))
            return -1;
        if (user_version(db, &v, err, errlen))
            goto fail;
        if (v > db_schema_version()) {
            snprintf(err, errlen, "database schema version %d is newer than this rmsbench (%d)",
                     v, db_schema_version());
            goto fail;
        }
        if (v < target) {
            char pragma[64];
            snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
            /* the option columns first: a written migration may fill them */
            if (option_columns(db, v + 1, err, errlen) ||
                (v < NMIGRATIONS && db_exec(db, MIGRATIONS[v], err, errlen)) ||
                db_exec(db, pragma, err, errlen))
                goto fail;
        }
        if (db_exec(db, "COMMIT", err, errlen))
            goto fail;
    }
fail:
    db_exec(db, "ROLLBACK", NULL, 0);
    return -1;
}
