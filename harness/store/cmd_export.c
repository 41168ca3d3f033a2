/* cmd_export.c -- rmsbench export: one table or view as CSV or JSON.  The
 * database is opened read-only; the table comes from a fixed allow-list and
 * every filter is a bound parameter, so nothing typed reaches the SQL text. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
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

static void help(void)
{
    printf("usage: rmsbench export --table T [--format csv|json] [filters] [--out FILE]\n"
           "                       [--db FILE]\n\n"
           "Writes one table or view to stdout (or FILE) as CSV (RFC 4180, header row)\n"
           "or JSON (an array of objects).  Opens the database read-only.\n\n"
           "  --table T        runs, curves, machines, perf, hyperfine, proofs, or a view:\n"
           "                   run_summary, best_lr, best_lr_mean, lr_sensitivity,\n"
           "                   sweep_progress, curve_points\n"
           "  --format F       csv (default) or json\n"
           "  --problem P --kernel K --status S --sweep NAME --preset NAME --run ID\n"
           "                   keep only matching runs (runs, run_summary; curves and\n"
           "                   curve_points through their run)\n"
           "  --out FILE       write there instead of stdout: a new file, or a regular\n"
           "                   file replaced whole once the export is complete; a\n"
           "                   symlink, FIFO, device or directory there is refused\n"
           "  --db FILE        database (default results/rmsbench.db)\n");
}

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

int cmd_export(int argc, char **argv)
{
    enum { O_TABLE = 256, O_FORMAT, O_OUT, O_DB, O_HELP, O_FILTER };
    static const struct option opts[] = {
        { "table", required_argument, 0, O_TABLE },
        { "format", required_argument, 0, O_FORMAT },
        { "out", required_argument, 0, O_OUT },
        { "db", required_argument, 0, O_DB },
        { "help", no_argument, 0, O_HELP },
        { "problem", required_argument, 0, O_FILTER + F_PROBLEM },
        { "kernel", required_argument, 0, O_FILTER + F_KERNEL },
        { "status", required_argument, 0, O_FILTER + F_STATUS },
        { "sweep", required_argument, 0, O_FILTER + F_SWEEP },
        { "preset", required_argument, 0, O_FILTER + F_PRESET },
        { "run", required_argument, 0, O_FILTER + F_RUN },
        { 0, 0, 0, 0 } };
    const char *table = NULL, *format = "csv", *out = NULL, *path = RMS_DB_DEFAULT;
    const char *filter[F_COUNT] = { 0 };
    long run_id = 0;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case O_HELP: help(); return 0;
        case '?': cli_die("unknown option '%s' (see rmsbench export --help)", argv[optind - 1]);
        case ':': cli_die("option '%s' needs a value", argv[optind - 1]);
        case O_TABLE: table = optarg; break;
        case O_FORMAT: format = optarg; break;
        case O_OUT: out = optarg; break;
        case O_DB: path = optarg; break;
        case O_FILTER + F_RUN:
            run_id = opt_long("--run", optarg, 1, 0x7fffffffffffffffL);
            filter[F_RUN] = optarg;
            break;
        default:
            if (!*optarg)
                cli_die("--%s: empty value", FILTER_COL[c - O_FILTER]);
            if (c == O_FILTER + F_STATUS && strcmp(optarg, "running") && strcmp(optarg, "done") &&
                strcmp(optarg, "diverged") && strcmp(optarg, "failed"))
                cli_die("--status: bad value '%s' (running, done, diverged or failed)", optarg);
            filter[c - O_FILTER] = optarg;
        }
    }
    if (optind < argc)
        cli_die("unexpected argument '%s'", argv[optind]);
    if (!table)
        cli_die("--table is required (see rmsbench export --help)");
    const struct table *t = find_table(table);
    if (!t)
        cli_die("--table: unknown table '%s' (see rmsbench export --help)", table);
    int json = !strcmp(format, "json");
    if (!json && strcmp(format, "csv"))
        cli_die("--format: bad value '%s' (csv or json)", format);
    if (!*path)
        cli_die("--db: empty path");
    int any = 0;
    for (int i = 0; i < F_COUNT; i++)
        any |= filter[i] != NULL;
    if (any && t->via != VIA_RUNS_COLS && t->via != VIA_RUN_ID)
        cli_die("--table %s: run filters (--problem, --kernel, ...) do not apply to it", t->name);

    /* SQL text from fixed pieces only: the allow-listed name and column
     * names from FILTER_COL; values are bound below. */
    char sql[1024], where[512] = "";
    size_t used = 0;
    for (int i = 0; i < F_COUNT; i++)
        if (filter[i])
            used += (size_t)snprintf(where + used, sizeof where - used, "%s%s = ?%d",
                                     used ? " AND " : "", FILTER_COL[i], i + 1);
    if (!any)
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY %s", t->name, t->order);
    else if (t->via == VIA_RUNS_COLS)
        snprintf(sql, sizeof sql, "SELECT * FROM %s WHERE %s ORDER BY %s", t->name, where,
                 t->order);
    else
        snprintf(sql, sizeof sql,
                 "SELECT * FROM %s WHERE run_id IN (SELECT id FROM runs WHERE %s) ORDER BY %s",
                 t->name, where, t->order);

    char err[512];
    if (out && out_path_check(out, err, sizeof err))
        cli_die("--out: %s", err);
    sqlite3 *db = db_open(path, DB_READONLY, err, sizeof err);
    if (!db)
        cli_die("%s", err);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, sizeof err, "database '%s': %s", path, sqlite3_errmsg(db));
        db_close(db);
        cli_die("%s", err);
    }
    for (int i = 0; i < F_COUNT; i++) {
        if (!filter[i])
            continue;
        if (i == F_RUN)
            sqlite3_bind_int64(st, i + 1, run_id);
        else
            sqlite3_bind_text(st, i + 1, filter[i], -1, SQLITE_STATIC);
    }
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
