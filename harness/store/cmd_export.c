/* cmd_export.c -- rmsbench export: one table or view as CSV or JSON.  The
 * database is opened read-only; the table comes from a fixed allow-list and
 * every filter is a bound parameter, so nothing typed reaches the SQL text. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "store/db.h"
#include "sys/outpath.h"

/* Tables and views that can be exported, and how filters reach them:
 * direct (the table has the run columns) or through its run_id. */
enum { VIA_NONE, VIA_RUNS_COLS, VIA_RUN_ID, VIA_MACHINE };
static const struct table {
    const char *name;
    int via;
    const char *order;   /* ORDER BY: stable output */
} TABLES[] = {
    { "runs",           VIA_RUNS_COLS, "id" },
    { "curves",         VIA_RUN_ID,    "run_id, step" },
    { "machines",       VIA_NONE,      "id" },
    { "perf",           VIA_MACHINE,   "id" },
    { "hyperfine",      VIA_MACHINE,   "id" },
    { "proofs",         VIA_MACHINE,   "id" },
    { "run_summary",    VIA_RUNS_COLS, "id" },
    { "best_lr",        VIA_NONE,      "problem, kernel, preset" },
    { "best_lr_mean",   VIA_NONE,      "problem, kernel, preset" },
    { "lr_sensitivity", VIA_NONE,      "problem, kernel, preset, beta, eps, momentum, lr" },
    { "sweep_progress", VIA_NONE,      "sweep, status" },
    { "curve_points",   VIA_RUN_ID,    "run_id, step" },
};

/* Filters: option, column in runs, and whether the table itself has it. */
enum { F_PROBLEM, F_KERNEL, F_STATUS, F_SWEEP, F_PRESET, F_RUN, F_COUNT };
static const char *const FILTER_COL[F_COUNT] = { "problem", "kernel", "status", "sweep",
                                                 "preset", "id" };

static const struct table *find_table(const char *name)
{
    for (size_t i = 0; i < sizeof TABLES / sizeof TABLES[0]; i++)
        if (!strcmp(TABLES[i].name, name))
            return &TABLES[i];
    return NULL;
}

/* Rows are streamed (one JSON object at a time), so exporting a large
 * curves table needs no more memory than one row. */
static int write_rows(sqlite3_stmt *st, FILE *f, int json, char *err, size_t len)
{
    int ncol = sqlite3_column_count(st), rc;
    long nrows = 0;
    if (json) {
        fputc('[', f);
    } else {
        for (int i = 0; i < ncol; i++) {
            if (i)
                fputc(',', f);
            csv_field(f, sqlite3_column_name(st, i));
        }
        fputs("\r\n", f);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (json) {
            json_t *obj = json_object();
            for (int i = 0; i < ncol; i++) {
                json_t *v;
                switch (sqlite3_column_type(st, i)) {
                case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, i)); break;
                case SQLITE_FLOAT:   v = json_real(sqlite3_column_double(st, i)); break;
                case SQLITE_NULL:    v = json_null(); break;
                default: v = json_stringn((const char *)sqlite3_column_text(st, i),
                                          (size_t)sqlite3_column_bytes(st, i));
                }
                json_object_set_new(obj, sqlite3_column_name(st, i), v ? v : json_null());
            }
            char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER |
                                         JSON_REAL_PRECISION(17));
            json_decref(obj);
            if (!text) {
                snprintf(err, len, "writing JSON failed");
                return -1;
            }
            fprintf(f, "%s\n %s", nrows ? "," : "", text);
            free(text);
        } else {
            for (int i = 0; i < ncol; i++) {
                if (i)
                    fputc(',', f);
                int type = sqlite3_column_type(st, i);
                if (type == SQLITE_FLOAT) {
                    fprintf(f, "%.17g", sqlite3_column_double(st, i));
                } else if (type != SQLITE_NULL) {
                    const char *s = (const char *)sqlite3_column_text(st, i);
                    csv_field(f, s ? s : "");
                }
            }
            fputs("\r\n", f);
        }
        nrows++;
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, len, "reading: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
        return -1;
    }
    if (json)
        fputs(nrows ? "\n]\n" : "]\n", f);
    return ferror(f) ? (snprintf(err, len, "write error"), -1) : 0;
}

typedef struct export_args {
    const char *table, *out, *db;
    int format;                     /* index in FORMATS */
    int status;                     /* index in STATUSES, -1: no filter */
    long run_id;                    /* 0: no filter */
    const char *filter[F_COUNT];    /* the run filters as typed */
} export_args;

static const char *const FORMATS[] = { "csv", "json", NULL };
static const char *const STATUSES[] = { "running", "done", "diverged", "failed", NULL };

static void export_init(void *args) { ((export_args *)args)->status = -1; }

static int export_main(void *args);

#define FILTER(nm, f, mt, hl) \
    CLI_OPT_STRING(nm, export_args, filter[f], mt, NULL, hl, CLI_NONEMPTY)
static const cli_opt EXPORT_OPTS[] = {
    CLI_OPT_STRING("table", export_args, table, "T", NULL, "runs, curves, machines, perf, "
                   "hyperfine, proofs, or a view: run_summary, best_lr, best_lr_mean, "
                   "lr_sensitivity, sweep_progress, curve_points", CLI_REQUIRED),
    CLI_OPT_CHOICE("format", export_args, format, FORMATS, "csv", "output format"),
    FILTER("problem", F_PROBLEM, "P", "keep only the runs of problem P"),
    FILTER("kernel", F_KERNEL, "K", "keep only the runs of kernel K"),
    CLI_OPT_CHOICE("status", export_args, status, STATUSES, NULL,
                   "keep only the runs in this state"),
    FILTER("sweep", F_SWEEP, "NAME", "keep only the runs of sweep NAME"),
    FILTER("preset", F_PRESET, "NAME", "keep only the runs of preset NAME"),
    CLI_OPT_LONG("run", export_args, run_id, "ID", 1, LONG_MAX, NULL, "keep only run ID"),
    CLI_OPT_STRING("out", export_args, out, "FILE", NULL,
                   "write there instead of stdout: a new file, or a regular file replaced "
                   "whole once the export is complete; a symlink, FIFO, device or directory "
                   "there is refused", 0),
    CLI_OPT_STRING("db", export_args, db, "FILE", RMS_DB_DEFAULT, "database, opened read-only",
                   CLI_NONEMPTY),
    CLI_OPT_END
};

const cli_command cmd_export = {
    .name = "export", .summary = "export a table as CSV or JSON",
    .opts = EXPORT_OPTS, .args_size = sizeof(export_args), .init = export_init,
    .main = export_main,
    .epilogue =
        "Writes one table or view to stdout (or FILE) as CSV (RFC 4180, header row)\n"
        "or JSON (an array of objects).  The run filters apply to runs and\n"
        "run_summary, and to curves and curve_points through their run.\n"
        "Exit status: 0 written; 1 reading or writing failed (a full disk: --out\n"
        "is then left as it was); 2 bad input, or a database or --out refused.\n",
};

/* SQL text from fixed pieces only: the allow-listed table name and column
 * names from FILTER_COL; the values are bound by the caller. */
static void export_sql(const struct table *t, const char *const *filter, char *sql,
                       size_t len)
{
    char where[512] = "";
    size_t used = 0;
    for (int i = 0; i < F_COUNT; i++)
        if (filter[i])
            used += (size_t)snprintf(where + used, sizeof where - used, "%s%s = ?%d",
                                     used ? " AND " : "", FILTER_COL[i], i + 1);
    if (!used)
        snprintf(sql, len, "SELECT * FROM %s ORDER BY %s", t->name, t->order);
    else if (t->via == VIA_RUNS_COLS)
        snprintf(sql, len, "SELECT * FROM %s WHERE %s ORDER BY %s", t->name, where, t->order);
    else
        snprintf(sql, len,
                 "SELECT * FROM %s WHERE run_id IN (SELECT id FROM runs WHERE %s) ORDER BY %s",
                 t->name, where, t->order);
}

/* Open the database read-only and prepare the query with the filters bound. */
static sqlite3_stmt *export_query(const export_args *a, const struct table *t, sqlite3 **dbp)
{
    char sql[1024], err[512];
    export_sql(t, a->filter, sql, sizeof sql);
    if (a->out && out_path_check(a->out, err, sizeof err))
        cli_die("--out: %s", err);
    sqlite3 *db = db_open(a->db, DB_READONLY, err, sizeof err);
    if (!db)
        cli_die("%s", err);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, sizeof err, "database '%s': %s", a->db, sqlite3_errmsg(db));
        db_close(db);
        cli_die("%s", err);
    }
    for (int i = 0; i < F_COUNT; i++) {
        if (!a->filter[i])
            continue;
        if (i == F_RUN)
            sqlite3_bind_int64(st, i + 1, a->run_id);
        else
            sqlite3_bind_text(st, i + 1, a->filter[i], -1, SQLITE_STATIC);
    }
    *dbp = db;
    return st;
}

static int export_main(void *args)
{
    export_args *a = args;
    const char *out = a->out, **filter = a->filter;
    const struct table *t = find_table(a->table);
    if (!t)
        cli_bad("--table", a->table, "unknown table; see rmsbench export --help");
    int json = a->format == 1;
    if (a->status >= 0)
        filter[F_STATUS] = STATUSES[a->status];
    char run_text[32];
    if (a->run_id) {
        snprintf(run_text, sizeof run_text, "%ld", a->run_id);
        filter[F_RUN] = run_text;
    }
    int any = 0;
    for (int i = 0; i < F_COUNT; i++)
        any |= filter[i] != NULL;
    if (any && t->via != VIA_RUNS_COLS && t->via != VIA_RUN_ID)
        cli_die("--table %s: run filters (--problem, --kernel, ...) do not apply to it", t->name);
    char err[512];
    sqlite3 *db;
    sqlite3_stmt *st = export_query(a, t, &db);
    /* write to a temporary file beside --out and rename it into place, so
     * a failed export never leaves a truncated file (stdout is checked by
     * main, after every command) */
    FILE *f = stdout;
    char tmp[4200] = "";
    if (out && !(f = out_tmp_open(out, tmp, sizeof tmp))) {
        sqlite3_finalize(st);
        db_close(db);
        cli_die("--out: cannot write beside '%s': %s", out, strerror(errno));
    }
    int status = write_rows(st, f, json, err, sizeof err);
    sqlite3_finalize(st);
    db_close(db);
    if (out && status == 0)
        status = out_tmp_commit(f, tmp, out, err, sizeof err);
    else if (out) {
        fclose(f);
        unlink(tmp);
    }
    if (status) {
        fprintf(stderr, "rmsbench export: %s\n", err);
        return 1;
    }
    return 0;
}
