/* cmd_report.c -- `rmsbench report`: read a results database (read-only)
 * and write DIR/index.html (self-contained, SVG plots inlined), DIR/README.md
 * and DIR/plots/<name>.{dat,gp,svg}.  All checks on the arguments and the
 * database happen before anything is written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "store/db.h"
#include "report/report.h"

#define REPORT_OUT_DEFAULT "reports/latest"

/* mkdir -p; 0 or -1 with errno set */
static int make_dirs(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(buf, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return access(buf, W_OK | X_OK);
}

/* index.html and README.md: written beside, renamed into place.  0, or -1
 * with a message (the page is missing or still the old one). */
static int write_atomically(report *r, const char *name,
                            int (*write)(const report *, const char *, char *, size_t))
{
    char tmp[8192], path[8192], err[8400];
    snprintf(path, sizeof path, "%s/%s", r->outdir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", r->outdir, name);
    int rc = report_claim(r, name, err, sizeof err);
    if (rc == 0 && (rc = write(r, tmp, err, sizeof err)) != 0)
        unlink(tmp);
    if (rc == 0 && (rc = rename(tmp, path)) != 0) {
        snprintf(err, sizeof err, "cannot write '%s': %s", path, strerror(errno));
        unlink(tmp);
    }
    if (rc)
        fprintf(stderr, "rmsbench report: %s\n", err);
    return rc ? -1 : 0;
}

/* The manifest is written however the report ends (cli_die included), so
 * the next report may replace every file this one wrote. */
static report *manifest_of;
static void save_manifest(void)
{
    char err[600];
    if (manifest_of && report_save_manifest(manifest_of, err, sizeof err))
        fprintf(stderr, "rmsbench report: %s\n", err);
    if (manifest_of)
        report_manifest_free(manifest_of);
    manifest_of = NULL;
}

static int machine_exists(sqlite3 *db, long long id)
{
    sqlite3_stmt *st;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM machines WHERE id = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

typedef struct report_args {
    const char *db, *out, *compare, *title, *machines;
    int force;
} report_args;

static int report_main(void *args);

static const cli_opt REPORT_OPTS[] = {
    CLI_OPT_STRING("db", report_args, db, "FILE", RMS_DB_DEFAULT, "results database", 0),
    CLI_OPT_STRING("out", report_args, out, "DIR", REPORT_OUT_DEFAULT,
                   "output directory, created if missing", CLI_NONEMPTY),
    CLI_OPT_STRING("compare", report_args, compare, "DB2", NULL,
                   "put a second study beside the first (e.g. another machine): time "
                   "ratios per kernel and size, final losses A vs B", 0),
    CLI_OPT_STRING("machines", report_args, machines, "A,B", NULL,
                   "the same, for two machine ids of one database (ids in the report's "
                   "machine table or: sqlite3 FILE 'SELECT * FROM machines')", 0),
    CLI_OPT_STRING("title", report_args, title, "TEXT", "rmsbench report", "page title", 0),
    CLI_OPT_FLAG("force", report_args, force,
                 "replace files in DIR that an earlier report did not write"),
    CLI_OPT_END
};

const cli_command cmd_report = {
    .name = "report", .summary = "write the HTML/Markdown report with plots",
    .opts = REPORT_OPTS, .args_size = sizeof(report_args), .main = report_main,
    .epilogue =
        "Write DIR/index.html (one self-contained page: open it from disk) and\n"
        "DIR/README.md from a results database, with gnuplot figures in DIR/plots/\n"
        "(<name>.svg, the script <name>.gp and its data <name>.dat; re-draw one with\n"
        "`cd DIR/plots && gnuplot <name>.gp`).  The database is opened read-only.\n\n"
        "Contents: key findings; time per element against n with the memory roof;\n"
        "speed-up over the naive kernel and over PyTorch; convergence curves (median\n"
        "and min-max over seeds); final loss against learning rate per beta; steps\n"
        "and time to target with a performance profile; proofs; hyperfine timings;\n"
        "machine and build.\n\n"
        "DIR/.rmsbench-report lists the files the report wrote; the next report\n"
        "replaces or removes only those.  Any other file where the report would\n"
        "write (say your own index.html) is an error unless --force; other files in\n"
        "DIR and DIR/plots are left alone.\n\n"
        "Exit status: 0 written, 1 written but a plot or page could not be (the\n"
        "message names it), 2 bad arguments, database or a file in the way (nothing\n"
        "written).\n",
};

/* --machines A,B: two machine ids */
static void parse_machines(const char *machines, long long mach[2])
{
    size_t n;
    char **ids = opt_name_list("--machines", machines, &n);
    if (n != 2)
        cli_bad("--machines", machines, "not two machine ids A,B");
    for (int i = 0; i < 2; i++)
        mach[i] = opt_long("--machines", ids[i], 1, 1L << 62);
    free_list(ids, n);
}

/* Every section, in page order; b is the compared study or NULL. */
static void add_sections(report *r, rep_data *a, rep_data *b, sqlite3 *db, sqlite3 *db2)
{
    fprintf(stderr, "report: key findings, performance ...\n");
    section_headline(r, a, db);
    fprintf(stderr, "report: solvers ...\n");
    section_solvers(r, a);
    section_perf(r, a);
    fprintf(stderr, "report: convergence, sensitivity, targets ...\n");
    section_convergence(r, a);
    section_metrics(r, db);
    section_state_precision(r, db);
    section_sensitivity(r, a);
    section_target(r, a);
    if (b) {
        fprintf(stderr, "report: comparison with %s ...\n", r->label_b);
        section_compare(r, a, b);
    }
    section_proofs(r, db);
    section_hyperfine(r, db);
    section_machine(r, db, db2 ? "A" : NULL);
    if (db2)
        section_machine(r, db2, "B");
    section_overview(r, a);
    rep_heading(r, 2, "Reproduce");
    rep_para(r, "make study (build, default study into results/rmsbench.db, this report); "
                "rmsbench report --db FILE --out DIR to re-draw it; cd plots && gnuplot NAME.gp "
                "to re-draw one figure after editing its script.");
}

/* Open the database(s) read-only and load study a (and b: --compare's
 * database, or --machines' second machine); bad input dies before writing. */
static void load_studies(const report_args *ra, const long long mach[2], sqlite3 **dbp,
                         sqlite3 **db2p, rep_data *a, rep_data *b)
{
    char err[512];
    const char *db_path = ra->db, *db2_path = ra->compare;
    sqlite3 *db = db_open(db_path, DB_READONLY, err, sizeof err);
    if (!db)
        cli_die("%s", err);
    sqlite3 *db2 = NULL;
    if (db2_path && !(db2 = db_open(db2_path, DB_READONLY, err, sizeof err)))
        cli_die("--compare: %s", err);
    if (rep_data_load(db, mach[0], a, err, sizeof err))
        cli_die("database '%s': %s", db_path, err);
    if (db2 && rep_data_load(db2, -1, b, err, sizeof err))
        cli_die("--compare: database '%s': %s", db2_path, err);
    for (int i = 0; ra->machines && i < 2; i++)
        if (!machine_exists(db, mach[i]))
            cli_die("--machines: no machine with id %lld in '%s'", mach[i], db_path);
    if (ra->machines && rep_data_load(db, mach[1], b, err, sizeof err))
        cli_die("database '%s': %s", db_path, err);
    *dbp = db;
    *db2p = db2;
}

static int report_main(void *args)
{
    const report_args *ra = args;
    const char *db_path = ra->db, *out = ra->out, *db2_path = ra->compare;
    const char *title = ra->title, *machines = ra->machines;
    int force = ra->force;
    if (machines && db2_path)
        cli_die("--machines and --compare: give one of them");
    long long mach[2] = { -1, -1 };
    if (machines)
        parse_machines(machines, mach);
    if (strlen(out) > 3000)
        cli_bad("--out", out, "directory name too long");

    char err[512];
    sqlite3 *db, *db2;
    rep_data a, b;
    load_studies(ra, mach, &db, &db2, &a, &b);
    int comparing = db2 || machines;

    report r = { 0 };
    r.title = strdup(title);
    r.db_path = db_path;
    r.db2_path = db2_path;
    if (machines) {
        snprintf(r.label_a, sizeof r.label_a, "machine %lld", mach[0]);
        snprintf(r.label_b, sizeof r.label_b, "machine %lld", mach[1]);
    } else {
        snprintf(r.label_a, sizeof r.label_a, "%s", db_path);
        snprintf(r.label_b, sizeof r.label_b, "%s", db2_path ? db2_path : "");
    }
    snprintf(r.outdir, sizeof r.outdir, "%s", out);
    snprintf(r.plotdir, sizeof r.plotdir, "%s/plots", out);
    r.force = force;
    if (make_dirs(r.outdir) != 0)
        cli_die("--out: cannot write to '%s': %s", out, strerror(errno));
    if (report_claim_dir(&r, err, sizeof err))
        cli_die("--out: %s", err);
    if (make_dirs(r.plotdir) != 0)
        cli_die("--out: cannot write to '%s': %s", r.plotdir, strerror(errno));
    manifest_of = &r;
    atexit(save_manifest);

    time_t now = time(NULL);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    rep_para(&r, "Generated %s from %s%s%s%s. Figures: gnuplot SVGs in plots/, each with the "
                 "script (.gp) and data (.dat) that drew it.", when, db_path,
             machines ? " (figures: " : "", machines ? r.label_a : "",
             machines ? ", compared with the other machine below)" : db2_path ? " compared with " : "");
    if (db2_path)
        rep_para(&r, "Compared study: %s.", db2_path);
    add_sections(&r, &a, comparing ? &b : NULL, db, db2);
    int unwritten = (write_atomically(&r, "index.html", rep_write_html) != 0) +
                    (write_atomically(&r, "README.md", rep_write_md) != 0);
    save_manifest();
    if (!unwritten)
        printf("wrote %s/index.html and %s/README.md (%d plot%s in %s)\n", out, out, r.nplots,
               r.nplots == 1 ? "" : "s", r.plotdir);
    int failures = r.plot_failures;
    if (failures)
        fprintf(stderr, "rmsbench report: %d plot%s not drawn (see above)\n", failures,
                failures == 1 ? "" : "s");
    rep_free(&r);
    rep_data_free(&a);
    if (comparing)
        rep_data_free(&b);
    if (db2)
        db_close(db2);
    db_close(db);
    return failures || unwritten ? 1 : 0;
}
