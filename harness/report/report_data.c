/* report_data.c -- what the report reads from a database: finished runs
 * grouped by configuration (seeds pooled), per-step curves of a group, the
 * latest perf row per kernel/size/threads of one machine, and row counts.
 * Only SELECTs, with bound parameters, on a read-only connection. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "problem.h"
#include "report/report.h"
#include "report/report_solvers.h"
#include "store/db.h"
#include "rms_opt.h"
#include "run/solver.h"
#include "stats/stats.h"

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    char *s = strdup(t ? (const char *)t : "");
    if (!s)
        cli_die("out of memory");
    return s;
}

static double real_col(sqlite3_stmt *st, int i, double missing)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? missing : sqlite3_column_double(st, i);
}

double loss_shown(const char *problem, double loss, const char **label)
{
    const problem_def *p = problem_find(problem);
    if (p && p->has_fmin) {
        if (label)
            *label = "loss - f* (distance to the known minimum)";
        return loss - p->f_min;
    }
    if (label)
        *label = "loss";
    return loss;
}

static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long n = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static const rep_data *sort_data;
static int cmp_run_key(const void *a, const void *b)
{
    const rep_run *x = &sort_data->runs[*(const size_t *)a];
    const rep_run *y = &sort_data->runs[*(const size_t *)b];
    int c = strcmp(x->key, y->key);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* The options of a run as recorded: columns first .. first + RMS_OPT_COUNT - 1
 * of st hold the table's columns in order (an enum as its name). */
static rms_cfg cfg_of_row(sqlite3_stmt *st, int first)
{
    size_t n;
    const rms_opt *o = rms_opts(&n);
    rms_cfg c = rms_cfg_default();
    char why[128];
    for (size_t i = 0; i < n; i++) {
        int col = first + (int)i;
        if (sqlite3_column_type(st, col) == SQLITE_NULL)
            continue;
        if (o[i].kind == RMS_ENUM)
            rms_opt_parse(&c, &o[i], (const char *)sqlite3_column_text(st, col), why, sizeof why);
        else
            rms_opt_put(&c, &o[i], sqlite3_column_double(st, col));
    }
    return c;
}

enum { COL_OPTS = 17 };   /* first option column of load_runs's query */

/* The solver label of a run no study names: its preset and the options
 * recorded with it that differ. */
static char *label_of_row(sqlite3_stmt *st, const rep_run *u)
{
    rms_cfg c = cfg_of_row(st, COL_OPTS);
    char label[256];
    solver_label(u->preset, &c, NULL, label, sizeof label);
    char *s = strdup(label);
    if (!s)
        cli_die("out of memory");
    return s;
}

const char *rep_state_sql(sqlite3 *db)
{
    return db_has_column(db, "runs", "state") ? "state"
         : "ifnull(json_extract(config_json, '$.state'), 'f32')";
}

const char *rep_rounding_sql(sqlite3 *db)
{
    return db_has_column(db, "runs", "state_rounding") ? "state_rounding"
         : "ifnull(json_extract(config_json, '$.state_rounding'), 'nearest')";
}

static int load_runs(rep_data *d, long long machine, char *err, size_t errlen)
{
    /* The key is every option but the seed: runs that differ only in their
     * seed are repetitions of one configuration.  Options from the table
     * (the key, and each option's column from COL_OPTS on).
     * Tuning: a run whose config a study asked for is a trial (phase 1) or
     * one of its final runs (phase 2); older databases have no such tables. */
    int studies = count(d->db, "SELECT count(*) FROM sqlite_master WHERE name = 'trials'") > 0;
    char sql[4096], fmt[256] = "%s|%s|%s|%s|%s|%s", cols[1024] = "";
    size_t nopt, uf = strlen(fmt), uc = 0;
    const rms_opt *o = rms_opts(&nopt);
    for (size_t i = 0; i < nopt; i++) {
        uf += (size_t)snprintf(fmt + uf, sizeof fmt - uf, "|%%s");
        uc += (size_t)snprintf(cols + uc, sizeof cols - uc, ", %s",   /* older schema: */
                               db_has_column(d->db, "runs", o[i].key) ? o[i].key : "NULL");
    }
    snprintf(sql, sizeof sql,
        "SELECT id, problem, kernel, ifnull(preset,''), lr, beta, eps, status,"
        "       final_loss, steps_to_target, time_to_target_ns, wall_ns,"
        "       printf('%s', problem, kernel, preset, dim, steps, epochs%s),"
        "       seed, %s%s"
        "  FROM runs %s WHERE status IN ('done','diverged') AND (?1 < 0 OR machine_id = ?1)"
        "   AND %s = 'f32'"   /* f32 state only: report_lowprec.c */
        " ORDER BY problem, kernel, preset, lr, beta, id", fmt, cols,
        studies ? "tr.fin, tr.solver, tr.quasi" : "NULL, NULL, NULL", cols,
        studies ? "LEFT JOIN (SELECT t.config_hash AS h, max(t.phase = 'final') AS fin,"
                  " min(s.solver) AS solver, max(s.protocol = 'quasirandom') AS quasi"
                  " FROM trials t JOIN studies s ON s.id = t.study_id GROUP BY t.config_hash) tr"
                  " ON tr.h = runs.config_hash" : "", rep_state_sql(d->db));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "reading runs: %s", sqlite3_errmsg(d->db));
        return -1;
    }
    sqlite3_bind_int64(st, 1, machine);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (d->nruns == cap) {
            cap = cap ? 2 * cap : 256;
            rep_run *p = realloc(d->runs, cap * sizeof *p);
            if (!p)
                cli_die("out of memory");
            d->runs = p;
        }
        rep_run *u = &d->runs[d->nruns++];
        u->id = sqlite3_column_int64(st, 0);
        u->problem = dup_col(st, 1);
        u->kernel = dup_col(st, 2);
        u->preset = dup_col(st, 3);
        u->lr = real_col(st, 4, NAN);
        u->beta = real_col(st, 5, NAN);
        u->eps = real_col(st, 6, NAN);
        u->status_done = strcmp((const char *)sqlite3_column_text(st, 7), "done") == 0;
        u->final_loss = u->status_done ? real_col(st, 8, INFINITY) : INFINITY;
        if (!isfinite(u->final_loss))
            u->final_loss = INFINITY;
        u->steps_to_target = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1
                             : sqlite3_column_int64(st, 9);
        u->time_to_target_s = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1
                              : sqlite3_column_double(st, 10) / 1e9;
        u->wall_s = real_col(st, 11, NAN) / 1e9;
        u->key = dup_col(st, 12);
        u->seed = sqlite3_column_int64(st, 13);
        u->f64 = !strcmp(u->kernel, "ref64");
        u->phase = sqlite3_column_type(st, 14) == SQLITE_NULL ? RUN_PLAIN
                   : sqlite3_column_int(st, 14) ? RUN_FINAL : RUN_TUNING;
        u->quasi = sqlite3_column_int(st, 16);
        u->solver = u->phase != RUN_PLAIN ? dup_col(st, 15) : label_of_row(st, u);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "reading runs: %s", sqlite3_errmsg(d->db));
        return -1;
    }
    return 0;
}

static void summarise(rep_data *d, rep_group *g)
{
    double *f = malloc((3 * g->nruns + 1) * sizeof *f);
    if (!f)
        cli_die("out of memory");
    double *s = f + g->nruns, *t = s + g->nruns;
    g->final_min = INFINITY;
    g->final_max = -INFINITY;
    for (size_t i = 0; i < g->nruns; i++) {
        const rep_run *u = &d->runs[g->runs[i]];
        f[i] = u->final_loss;
        g->ndiverged += !u->status_done;
        if (f[i] < g->final_min)
            g->final_min = f[i];
        if (f[i] > g->final_max)
            g->final_max = f[i];
        int hit = u->status_done && u->steps_to_target >= 0;
        g->reached += hit;
        s[i] = hit ? (double)u->steps_to_target : INFINITY;
        t[i] = hit && u->time_to_target_s >= 0 ? u->time_to_target_s : INFINITY;
    }
    g->final_med = rms_median(f, g->nruns);
    g->steps_med = rms_median(s, g->nruns);
    g->time_med = rms_median(t, g->nruns);
    free(f);
}

static void make_groups(rep_data *d)
{
    size_t *idx = malloc((d->nruns + 1) * sizeof *idx);
    if (!idx)
        cli_die("out of memory");
    for (size_t i = 0; i < d->nruns; i++)
        idx[i] = i;
    sort_data = d;
    qsort(idx, d->nruns, sizeof *idx, cmp_run_key);
    d->groups = calloc(d->nruns + 1, sizeof *d->groups);
    if (!d->groups)
        cli_die("out of memory");
    for (size_t i = 0; i < d->nruns;) {
        size_t j = i;
        while (j < d->nruns && strcmp(d->runs[idx[j]].key, d->runs[idx[i]].key) == 0)
            j++;
        rep_group *g = &d->groups[d->ngroups++];
        const rep_run *u = &d->runs[idx[i]];
        g->key = u->key;
        /* cfg: the key with its second field (the kernel) cut out */
        const char *k1 = strchr(u->key, '|'), *k2 = k1 ? strchr(k1 + 1, '|') : NULL;
        if (asprintf(&g->cfg, "%.*s%s", k1 ? (int)(k1 - u->key) : 0, u->key, k2 ? k2 : u->key) < 0)
            cli_die("out of memory");
        g->problem = u->problem;
        g->kernel = u->kernel;
        g->preset = u->preset;
        g->lr = u->lr;
        g->beta = u->beta;
        g->eps = u->eps;
        g->nruns = j - i;
        g->runs = malloc(g->nruns * sizeof *g->runs);
        if (!g->runs)
            cli_die("out of memory");
        memcpy(g->runs, idx + i, g->nruns * sizeof *g->runs);
        summarise(d, g);
        i = j;
    }
    free(idx);
}

static void list_problems(rep_data *d)
{
    d->problems = calloc(d->nruns + 1, sizeof *d->problems);
    if (!d->problems)
        cli_die("out of memory");
    for (size_t i = 0; i < d->nruns; i++) /* runs are ordered by problem */
        if (d->nproblems == 0 || strcmp(d->problems[d->nproblems - 1], d->runs[i].problem))
            d->problems[d->nproblems++] = d->runs[i].problem;
}

static int load_perf(rep_data *d, long long machine, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    d->perf_machine = machine;
    d->perf_machines = (size_t)count(d->db, "SELECT count(DISTINCT ifnull(machine_id,-1)) FROM perf");
    if (machine < 0) {
        if (sqlite3_prepare_v2(d->db, "SELECT ifnull(machine_id,-1) FROM perf ORDER BY id DESC LIMIT 1",
                               -1, &st, NULL) != SQLITE_OK)
            goto fail;
        if (sqlite3_step(st) == SQLITE_ROW)
            d->perf_machine = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (d->perf_machine == -1 && d->perf_machines == 0)
        return 0;
    static const char sql[] =
        "SELECT source, kernel, n, threads, ns_per_elem, ns_per_elem_min, ns_per_elem_max,"
        "       gbps, roof_ns_per_elem, roof_ratio, validated"
        "  FROM perf WHERE id IN (SELECT max(id) FROM perf WHERE ifnull(machine_id,-1) = ?1"
        "                          GROUP BY source, kernel, n, threads)"
        "   AND ns_per_elem > 0 AND kernel NOT LIKE '%/%'"   /* KERNEL/STATE: report_lowprec.c */
        " ORDER BY source DESC, kernel, threads, n";
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, d->perf_machine);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (d->nperf == cap) {
            cap = cap ? 2 * cap : 64;
            rep_perf *p = realloc(d->perf, cap * sizeof *p);
            if (!p)
                cli_die("out of memory");
            d->perf = p;
        }
        rep_perf *p = &d->perf[d->nperf++];
        p->source = dup_col(st, 0);
        p->kernel = dup_col(st, 1);
        p->n = sqlite3_column_int64(st, 2);
        p->threads = sqlite3_column_int(st, 3);
        p->ns = real_col(st, 4, NAN);
        p->ns_min = real_col(st, 5, p->ns);
        p->ns_max = real_col(st, 6, p->ns);
        p->gbps = real_col(st, 7, NAN);
        p->roof_ns = real_col(st, 8, NAN);
        p->roof_ratio = real_col(st, 9, NAN);
        p->validated = sqlite3_column_type(st, 10) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 10);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "reading perf: %s", sqlite3_errmsg(d->db));
    return -1;
}

int rep_data_load(sqlite3 *db, long long machine, rep_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    d->db = db;
    static const char *const counts[] = {
        "SELECT count(*) FROM runs WHERE status = 'done'",
        "SELECT count(*) FROM runs WHERE status = 'diverged'",
        "SELECT count(*) FROM runs WHERE status = 'failed'",
        "SELECT count(*) FROM runs WHERE status = 'running'",
        "SELECT count(*) FROM curves",
        "SELECT count(*) FROM perf",
        "SELECT count(*) FROM proofs",
        "SELECT count(*) FROM hyperfine",
    };
    /* A database this build did not create lacks the tables: say so. */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM runs, curves, perf, proofs, hyperfine, machines LIMIT 0",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "not an rmsbench database (%s)", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        d->counts[i] = count(db, counts[i]);
    if (load_runs(d, machine, err, errlen) || load_perf(d, machine, err, errlen))
        return -1;
    make_groups(d);
    list_problems(d);
    solver_table_build(d);
    return 0;
}

void rep_data_free(rep_data *d)
{
    for (size_t i = 0; i < d->nruns; i++) {
        free(d->runs[i].problem);
        free(d->runs[i].kernel);
        free(d->runs[i].preset);
        free(d->runs[i].key);
        free(d->runs[i].solver);
    }
    for (size_t i = 0; i < d->ngroups; i++) {
        free(d->groups[i].runs);
        free(d->groups[i].cfg);
    }
    for (size_t i = 0; i < d->nperf; i++) {
        free(d->perf[i].source);
        free(d->perf[i].kernel);
    }
    free(d->runs);
    free(d->groups);
    free(d->problems);
    free(d->perf);
    solver_table_free(d);
    memset(d, 0, sizeof *d);
}

size_t *groups_of_problem(const rep_data *d, const char *problem, size_t *count)
{
    size_t *out = malloc((d->ngroups + 1) * sizeof *out), n = 0;
    if (!out)
        cli_die("out of memory");
    for (size_t i = 0; i < d->ngroups; i++)
        if (strcmp(d->groups[i].problem, problem) == 0)
            out[n++] = i;
    *count = n;
    return out;
}

/* Lower median final loss wins; ties go to more seeds, then fewer steps. */
static int better(const rep_group *a, const rep_group *b)
{
    if (a->final_med != b->final_med)
        return a->final_med < b->final_med;
    if (a->nruns != b->nruns)
        return a->nruns > b->nruns;
    return a->steps_med < b->steps_med;
}

size_t *best_group_per_solver(const rep_data *d, const char *problem, size_t *count)
{
    size_t n;
    size_t *all = groups_of_problem(d, problem, &n), k = 0;
    for (size_t i = 0; i < n; i++) {
        const rep_group *g = &d->groups[all[i]];
        size_t j;
        for (j = 0; j < k; j++) {
            const rep_group *h = &d->groups[all[j]];
            if (!strcmp(h->kernel, g->kernel) && !strcmp(h->preset, g->preset))
                break;
        }
        if (j == k)
            all[k++] = all[i];
        else if (better(g, &d->groups[all[j]]))
            all[j] = all[i];
    }
    *count = k;
    return all;
}

static int cmp_point(const void *a, const void *b)
{
    const curve_pt *x = a, *y = b;
    if (x->step != y->step)
        return (x->step > y->step) - (x->step < y->step);
    return (x->y > y->y) - (x->y < y->y);
}

size_t runs_curve(const rep_data *d, const size_t *runs, size_t n, int heldout, curve_pt **out)
{
    sqlite3_stmt *st;
    curve_pt *pts = NULL;
    size_t np = 0, cap = 0;
    const char *sql = heldout ? "SELECT step, test_acc, elapsed_ns FROM curves WHERE run_id = ?1"
                              : "SELECT step, loss, elapsed_ns FROM curves WHERE run_id = ?1";
    *out = NULL;
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK) {
        if (heldout)
            return 0;    /* a database from before held-out curves */
        cli_die("reading curves: %s", sqlite3_errmsg(d->db));
    }
    for (size_t i = 0; i < n; i++) {
        const rep_run *u = &d->runs[runs[i]];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, u->id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (sqlite3_column_type(st, 1) == SQLITE_NULL)
                continue;
            double y = sqlite3_column_double(st, 1);
            if (!heldout)
                y = loss_shown(u->problem, y, NULL);
            if (!isfinite(y))
                continue;
            if (np == cap) {
                cap = cap ? 2 * cap : 1024;
                curve_pt *p = realloc(pts, cap * sizeof *p);
                if (!p)
                    cli_die("out of memory");
                pts = p;
            }
            pts[np++] = (curve_pt){ (double)sqlite3_column_int64(st, 0), y,
                                    sqlite3_column_double(st, 2) / 1e9 };
        }
    }
    sqlite3_finalize(st);
    if (np)
        qsort(pts, np, sizeof *pts, cmp_point);
    *out = pts;
    return np;
}

size_t curve_rows(const curve_pt *pts, size_t np, curve_row **out)
{
    curve_row *rows = malloc((np + 1) * sizeof *rows);
    double *y = malloc((np + 1) * sizeof *y), *t = malloc((np + 1) * sizeof *t);
    if (!rows || !y || !t)
        cli_die("out of memory");
    size_t m = 0;
    for (size_t i = 0; i < np;) {   /* points are sorted by step, then value */
        size_t j = i;
        while (j < np && pts[j].step == pts[i].step)
            j++;
        for (size_t k = i; k < j; k++)
            y[k - i] = pts[k].y, t[k - i] = pts[k].t;
        rows[m++] = (curve_row){ pts[i].step, stats_median(y, j - i),
                                 stats_quantile(y, j - i, 0.025), stats_quantile(y, j - i, 0.975),
                                 pts[i].y, pts[j - 1].y, stats_median(t, j - i) };
        i = j;
    }
    free(y);
    free(t);
    *out = rows;
    return m;
}

size_t group_curve(const rep_data *d, const rep_group *g, double **step,
                   double **med, double **lo, double **hi)
{
    curve_pt *pts;
    curve_row *rows;
    size_t np = runs_curve(d, g->runs, g->nruns, 0, &pts), m = curve_rows(pts, np, &rows);
    *step = malloc((m + 1) * sizeof **step);
    *med = malloc((m + 1) * sizeof **med);
    *lo = malloc((m + 1) * sizeof **lo);
    *hi = malloc((m + 1) * sizeof **hi);
    if (!*step || !*med || !*lo || !*hi)
        cli_die("out of memory");
    for (size_t i = 0; i < m; i++) {
        (*step)[i] = rows[i].step;
        (*med)[i] = rows[i].med;
        (*lo)[i] = rows[i].min;
        (*hi)[i] = rows[i].max;
    }
    free(rows);
    free(pts);
    return m;
}

static const rep_data *kernel_sort_data;
static int cmp_kernel(const void *a, const void *b)
{
    const rep_group *x = &kernel_sort_data->groups[*(const size_t *)a];
    const rep_group *y = &kernel_sort_data->groups[*(const size_t *)b];
    return strcmp(x->kernel, y->kernel);
}

size_t *comparison_groups(const rep_data *d, const char *problem, const char *preset,
                          size_t *count, size_t *best)
{
    size_t n0, n = 0;
    size_t *all = groups_of_problem(d, problem, &n0);
    for (size_t i = 0; i < n0; i++)
        if (!preset || !strcmp(d->groups[all[i]].preset, preset))
            all[n++] = all[i];
    const char *cfg = NULL;
    size_t most = 0, most_runs = 0;
    *best = n ? all[0] : 0;
    for (size_t i = 0; i < n; i++) {
        const rep_group *g = &d->groups[all[i]];
        if (better(g, &d->groups[*best]))
            *best = all[i];
        size_t kernels = 0, runs = 0;
        for (size_t j = 0; j < n; j++)
            if (!strcmp(d->groups[all[j]].cfg, g->cfg))
                kernels++, runs += d->groups[all[j]].nruns;
        if (kernels > most || (kernels == most && runs > most_runs)) {
            most = kernels;
            most_runs = runs;
            cfg = g->cfg;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < n && cfg; i++)
        if (!strcmp(d->groups[all[i]].cfg, cfg))
            all[k++] = all[i];
    kernel_sort_data = d;
    qsort(all, k, sizeof *all, cmp_kernel);
    *count = k;
    return all;
}
