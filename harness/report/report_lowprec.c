/* report_lowprec.c -- the "State precision" section: what storing the
 * optimizer state in bf16 / f16 / q8 (rmsbench run --state) costs in
 * convergence and saves in memory and time.  Test accuracy per epoch per
 * state (median over seeds with a bootstrap interval, as the comparison
 * report does), final loss on the deterministic problems per beta with a
 * plain verdict on where nearest rounding stalls and stochastic does not,
 * bytes per parameter with the measured peak memory, and perf's speed-ups
 * over f32 at the largest size.  The low-precision runs are kept out of the
 * other sections (report_data.c loads f32 runs only). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "report/report.h"
#include "rms_lp.h"
#include "stats/stats.h"

#define MAX_LABELS 8
#define MAX_EPOCHS 64
#define MAX_SEEDS 64
#define FLOOR 1e-6      /* final loss - f* counted as "at the minimum" */

/* SQL of "f32", "bf16 nearest", "q8 stochastic" ... of a run: its state
 * columns, or its JSON in a database from before them (rep_state_sql). */
static const char *label_sql(sqlite3 *db)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "CASE WHEN %s = 'f32' THEN 'f32' ELSE %s || ' ' || %s END",
             rep_state_sql(db), rep_state_sql(db), rep_rounding_sql(db));
    return buf;
}

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

/* "0.842 [0.838, 0.846]" from the values of the seeds. */
static void med_interval(char *buf, size_t len, const double *x, size_t n, int digits)
{
    if (n == 0) {
        snprintf(buf, len, "-");
        return;
    }
    double lo, hi, m = stats_median(x, n);
    stats_bootstrap_median(x, n, STATS_BOOT_REPS, STATS_BOOT_SEED, 0.95, &lo, &hi);
    if (!isfinite(m))
        snprintf(buf, len, "diverged");
    else if (n < 2)
        snprintf(buf, len, "%.*g", digits, m);
    else
        snprintf(buf, len, "%.*g [%.*g, %.*g]", digits, m, digits, lo, digits, hi);
}

typedef struct acc_row {
    char label[48];
    double v[MAX_EPOCHS][MAX_SEEDS];
    size_t n[MAX_EPOCHS];
    double rss[MAX_SEEDS];
    size_t nrss;
    long long seed[MAX_SEEDS];   /* of each run, in the order of v[epoch][k] */
    size_t nseed;
    double state_kib;     /* parameters x state bytes per parameter */
} acc_row;

/* The mlp_fmnist runs of the longest state-precision study, one row per
 * state label: accuracy per epoch, peak RSS, state size; cfgtxt describes
 * the configuration.  Returns -1 when the query fails. */
static int acc_rows(sqlite3 *db, acc_row *rows, size_t *nrows, size_t *epochs, char *cfgtxt,
                    size_t cfglen)
{
    char sql[1400];
    snprintf(sql, sizeof sql,
             "SELECT %s, r.id, c.test_acc, r.peak_rss_bytes, r.lr, r.beta, r.epochs, r.dim,"
             "       ifnull(json_extract(r.config_json,'$.state_bytes_per_param'), 4), r.seed"
             "  FROM runs r JOIN curves c ON c.run_id = r.id"
             " WHERE r.problem = 'mlp_fmnist' AND r.status = 'done' AND c.test_acc IS NOT NULL"
             "   AND r.epochs = (SELECT max(epochs) FROM runs WHERE problem = 'mlp_fmnist'"
             "                   AND %s != 'f32')"
             " ORDER BY 1, r.seed, r.id, c.step", label_sql(db), rep_state_sql(db));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    size_t epoch = 0;
    long long run = -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t i;
        for (i = 0; i < *nrows; i++)
            if (!strcmp(rows[i].label, col(st, 0)))
                break;
        if (i == *nrows) {
            if (*nrows == MAX_LABELS)
                continue;
            snprintf(rows[(*nrows)++].label, sizeof rows[i].label, "%s", col(st, 0));
        }
        if (sqlite3_column_int64(st, 1) != run) {   /* a run's first epoch */
            run = sqlite3_column_int64(st, 1);
            epoch = 0;
            if (rows[i].nseed < MAX_SEEDS)
                rows[i].seed[rows[i].nseed++] = sqlite3_column_int64(st, 9);
            if (sqlite3_column_type(st, 3) != SQLITE_NULL && rows[i].nrss < MAX_SEEDS)
                rows[i].rss[rows[i].nrss++] = sqlite3_column_double(st, 3) / 1048576.0;
            rows[i].state_kib = sqlite3_column_double(st, 7) * sqlite3_column_double(st, 8) / 1024.0;
            snprintf(cfgtxt, cfglen, "lr %g, β %g, %s epochs", sqlite3_column_double(st, 4),
                     sqlite3_column_double(st, 5), col(st, 6));
        }
        if (epoch < MAX_EPOCHS && rows[i].n[epoch] < MAX_SEEDS)
            rows[i].v[epoch][rows[i].n[epoch]++] = sqlite3_column_double(st, 2);
        epoch++;
        *epochs = epoch > *epochs ? epoch : *epochs;
    }
    sqlite3_finalize(st);
    return 0;
}

/* The accuracy table: a column per epoch, then state size and peak RSS. */
static void acc_table(report *r, const acc_row *rows, size_t nrows, size_t epochs)
{
    const char *hdr[MAX_EPOCHS + 3];
    char hbuf[MAX_EPOCHS][24];
    size_t nc = 0;
    hdr[nc++] = "state";
    hdr[nc++] = "seeds";
    for (size_t j = 0; j < epochs && j < MAX_EPOCHS; j++) {
        snprintf(hbuf[j], sizeof hbuf[j], "epoch %zu", j + 1);
        hdr[nc++] = hbuf[j];
    }
    hdr[nc++] = "state (KiB)";
    hdr[nc++] = "peak RSS (MiB)";
    rep_table_n(r, nc, hdr);
    char buf[96];
    for (size_t i = 0; i < nrows; i++) {
        rep_cell(r, "%s", rows[i].label);
        rep_cell(r, "%zu", rows[i].n[0]);
        for (size_t j = 0; j < epochs; j++) {
            med_interval(buf, sizeof buf, rows[i].v[j], rows[i].n[j], 4);
            rep_cell(r, "%s", buf);
        }
        rep_cell(r, "%.4g", rows[i].state_kib);
        med_interval(buf, sizeof buf, rows[i].rss, rows[i].nrss, 4);
        rep_cell(r, "%s", buf);
    }
}

/* Final accuracy of each state against f32's: Wilcoxon signed-rank when
 * both ran the same seeds (pairs by seed), else Mann-Whitney U; the
 * smallest p the test can give at all, so "not significant" with 3 seeds
 * says why. */
static void versus_f32(report *r, const acc_row *rows, size_t nrows, size_t epochs)
{
    const acc_row *f = NULL;
    for (size_t i = 0; i < nrows; i++)
        if (!strcmp(rows[i].label, "f32"))
            f = &rows[i];
    size_t last = epochs - 1;
    if (!f || f->n[last] < 2 || f->nseed != f->n[last])
        return;
    rep_para(r, "Final test accuracy (epoch %zu) of each state against f32: Wilcoxon "
                "signed-rank on the same seeds, else Mann-Whitney U; two-sided, significant "
                "when p < 0.05; effect size: rank-biserial r or Cliff's δ, positive when the "
                "state's accuracy is higher.", epochs);
    rep_table(r, 7, "state", "final accuracy [95% CI]", "median - f32's", "test", "p-value",
              "effect size", "verdict");
    double pmin_all = 0;
    for (size_t i = 0; i < nrows; i++) {
        const acc_row *a = &rows[i];
        size_t n = a->n[last];
        if (a == f || n < 2 || a->nseed != n)
            continue;
        double pa[MAX_SEEDS], pb[MAX_SEEDS];
        size_t np = 0;
        for (size_t k = 0; k < n; k++)
            for (size_t j = 0; j < f->n[last]; j++)
                if (a->seed[k] == f->seed[j]) {
                    pa[np] = a->v[last][k];
                    pb[np++] = f->v[last][j];
                }
        int paired = np == n && n == f->n[last];
        stats_test t = paired ? stats_wilcoxon(pa, pb, n)
                              : stats_mann_whitney(a->v[last], n, f->v[last], f->n[last]);
        double pmin = stats_smallest_p(paired, n, f->n[last]);
        pmin_all = pmin > pmin_all ? pmin : pmin_all;
        char buf[96];
        med_interval(buf, sizeof buf, a->v[last], n, 4);
        rep_cell(r, "%s", a->label);
        rep_cell(r, "%s", buf);
        rep_cell(r, "%+.4f", stats_median(a->v[last], n) - stats_median(f->v[last], f->n[last]));
        rep_cell(r, "%s", paired ? "Wilcoxon signed-rank (same seeds)" : "Mann-Whitney U");
        rep_cell(r, "%.3g%s", t.p, t.exact ? " (exact)" : "");
        rep_cell(r, "%s = %+.2f", paired ? "r" : "δ", t.effect);
        rep_cell(r, "%s", t.p < 0.05 ? (t.effect > 0 ? "higher than f32" : "lower than f32")
                                      : "not significant");
    }
    if (pmin_all >= 0.05)
        rep_para(r, "Not significant, and it could not be: with %zu seeds the smallest p "
                    "these tests can give is %.3g, above 0.05. These runs show no difference "
                    "they could resolve; more seeds are needed to claim one either way.",
                 f->n[last], pmin_all);
}

/* Test accuracy per epoch per state on mlp_fmnist (runs given in epochs). */
static void accuracy(report *r, sqlite3 *db)
{
    acc_row *rows = calloc(MAX_LABELS, sizeof *rows);
    if (!rows)
        cli_die("out of memory");
    size_t nrows = 0, epochs = 0;
    char cfgtxt[96] = "";
    if (acc_rows(db, rows, &nrows, &epochs, cfgtxt, sizeof cfgtxt)) {
        free(rows);
        return;
    }
    if (nrows == 0) {
        rep_para(r, "No mlp_fmnist runs with low-precision state and held-out accuracy "
                    "(scripts/study.sh, stage \"state precision\").");
        free(rows);
        return;
    }
    rep_heading(r, 3, "mlp_fmnist: test accuracy per epoch (%s)", cfgtxt);
    rep_para(r, "Median over seeds [95%% bootstrap interval of the median, %d resamples]; "
                "state: the optimizer state's bytes (parameters x bytes per parameter); peak "
                "RSS: the whole process, data set included.", STATS_BOOT_REPS);
    acc_table(r, rows, nrows, epochs);
    versus_f32(r, rows, nrows, epochs);
    free(rows);
}

typedef struct loss_cell {
    char problem[32], label[48];
    double beta;
    double v[MAX_SEEDS];
    size_t n;
} loss_cell;

static const loss_cell *find_cell(const loss_cell *c, size_t n, const char *problem,
                                  double beta, const char *label)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(c[i].problem, problem) && c[i].beta == beta && !strcmp(c[i].label, label))
            return &c[i];
    return NULL;
}

/* The final losses (minus f*) of the runs final_loss compares, one cell
 * per problem, beta and state; NULL when the query fails. */
static loss_cell *loss_cells(sqlite3 *db, size_t *count)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT problem, beta, %s, status, final_loss FROM runs"
             " WHERE problem IN ('quadratic','rosenbrock_nd') AND status IN ('done','diverged')"
             "   AND preset = 'seed' AND momentum = 0 AND centered = 0"
             "   AND (problem, beta) IN (SELECT problem, beta FROM runs WHERE %s != 'f32')"
             "   AND lr = 0.001 AND ifnull(epochs, 0) = 0"
             " ORDER BY problem, beta, 3, seed", label_sql(db), rep_state_sql(db));
    sqlite3_stmt *st;
    *count = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    size_t cap = 64, n = 0;
    loss_cell *c = calloc(cap, sizeof *c);
    if (!c)
        cli_die("out of memory");
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *prob = col(st, 0), *lab = col(st, 2);
        double beta = sqlite3_column_double(st, 1);
        loss_cell *x = (loss_cell *)find_cell(c, n, prob, beta, lab);
        if (!x) {
            if (n == cap) {
                cap *= 2;
                loss_cell *p = realloc(c, cap * sizeof *c);
                if (!p)
                    cli_die("out of memory");
                c = p;
            }
            x = &c[n++];
            memset(x, 0, sizeof *x);
            snprintf(x->problem, sizeof x->problem, "%s", prob);
            snprintf(x->label, sizeof x->label, "%s", lab);
            x->beta = beta;
        }
        double l = strcmp(col(st, 3), "done") ? INFINITY
                                              : loss_shown(prob, sqlite3_column_double(st, 4), NULL);
        if (x->n < MAX_SEEDS)
            x->v[x->n++] = isfinite(l) ? l : INFINITY;
    }
    sqlite3_finalize(st);
    *count = n;
    return c;
}

/* One table row per cell: median [interval], and the ratio to f32's median. */
static void loss_table(report *r, const loss_cell *c, size_t n)
{
    rep_table(r, 6, "problem", "β", "state", "seeds", "final loss - f*", "vs f32");
    char buf[96], b1[32];
    for (size_t i = 0; i < n; i++) {
        const loss_cell *f32 = find_cell(c, n, c[i].problem, c[i].beta, "f32");
        double m = stats_median(c[i].v, c[i].n);
        rep_cell(r, "%s", c[i].problem);
        rep_cell(r, "%s", fmt_num(b1, sizeof b1, c[i].beta));
        rep_cell(r, "%s", c[i].label);
        rep_cell(r, "%zu", c[i].n);
        med_interval(buf, sizeof buf, c[i].v, c[i].n, 3);
        rep_cell(r, "%s", buf);
        double m32 = f32 ? stats_median(f32->v, f32->n) : NAN;
        if (f32 && m32 > 0 && isfinite(m))
            rep_cell(r, "%.3g", m / m32);
        else
            rep_cell(r, "-");
    }
}

/* The verdict: nearest against stochastic for each 16/8-bit type. */
static void loss_verdicts(report *r, const loss_cell *c, size_t n)
{
    static const char *const types[] = { "bf16", "f16", "q8" };
    int said = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(c[i].label, "f32"))
            continue;
        double m32 = stats_median(c[i].v, c[i].n);
        for (size_t t = 0; t < 3; t++) {
            char ln[48], ls[48];
            snprintf(ln, sizeof ln, "%s nearest", types[t]);
            snprintf(ls, sizeof ls, "%s stochastic", types[t]);
            const loss_cell *a = find_cell(c, n, c[i].problem, c[i].beta, ln);
            const loss_cell *b = find_cell(c, n, c[i].problem, c[i].beta, ls);
            if (!a || !b || !(m32 >= 0))
                continue;
            /* below FLOOR a loss counts as at the minimum: ratios of 1e-17 and 1e-9
             * are float noise, not a stall */
            double f = fmax(m32, FLOOR);
            double ra = fmax(stats_median(a->v, a->n), FLOOR) / f,
                   rb = fmax(stats_median(b->v, b->n), FLOOR) / f;
            const char *verdict =
                ra > 2 && rb <= 2 ? "nearest stalls (ends above 2x f32's loss), stochastic does not" :
                rb > 2 && ra <= 2 ? "stochastic ends above 2x f32's loss, nearest does not" :
                ra > 2 && rb > 2 ? "both end above 2x f32's loss" :
                                   "both end within 2x of f32's loss";
            rep_item(r, "%s, β = %g, %s: nearest %.3gx, stochastic %.3gx f32's final loss: %s.",
                     c[i].problem, c[i].beta, types[t], ra, rb, verdict);
            said = 1;
        }
    }
    if (!said)
        rep_para(r, "No pair of nearest and stochastic runs to compare.");
    else
        rep_para(r, "Losses below %g count as %g in these ratios (at the minimum to float "
                    "precision).", FLOOR, FLOOR);
}

/* Final loss (minus f*) on quadratic and rosenbrock_nd per beta and state. */
static void final_loss(report *r, sqlite3 *db)
{
    size_t n;
    loss_cell *c = loss_cells(db, &n);
    if (n == 0) {
        free(c);
        return;
    }
    rep_heading(r, 3, "Final loss on quadratic and rosenbrock_nd (seed rule, lr 0.001)");
    rep_para(r, "loss - f* at the end of the run: median over seeds [95%% bootstrap interval]; "
                "\"vs f32\" is the ratio of medians.");
    loss_table(r, c, n);
    loss_verdicts(r, c, n);
    free(c);
}

static void memory(report *r)
{
    rep_heading(r, 3, "State memory per parameter");
    rep_para(r, "Bytes of optimizer state per parameter (kernels/rms_lp.h): v alone (the seed "
                "rule), and with m (centered) and the momentum buffer; q8 keeps m and buf in "
                "fp32.");
    rep_table(r, 4, "state", "v only (B)", "v, m, buf (B)", "vs f32 (v only)");
    rms_cfg plain = rms_cfg_default(), all = rms_cfg_default();
    all.centered = 1;
    all.momentum = 0.9;
    for (int t = 0; t < RMS_STATE_NTYPES; t++) {
        rms_lp_opts o = rms_lp_opts_default();
        o.type = (rms_state_type)t;
        double b = t == RMS_STATE_F32 ? 4.0 : rms_lp_state_bytes_per_param(&o, &plain);
        double ball = t == RMS_STATE_F32 ? 12.0 : rms_lp_state_bytes_per_param(&o, &all);
        rep_cell(r, "%s%s", rms_state_name(o.type), t == RMS_STATE_Q8 ? " (block 256)" : "");
        rep_cell(r, "%.4g", b);
        rep_cell(r, "%.4g", ball);
        rep_cell(r, "%.3gx", b / 4.0);
    }
}

/* perf --state rows at the largest size: speed-up over f32 of the same kernel. */
static void speed(report *r, sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
            "SELECT l.kernel, l.n, l.threads, l.ns_per_elem, f.ns_per_elem, l.roof_ratio,"
            "       f.roof_ratio, l.gbps * l.ns_per_elem"
            "  FROM perf l JOIN perf f ON f.id = (SELECT max(id) FROM perf"
            "    WHERE kernel = substr(l.kernel, 1, instr(l.kernel, '/') - 1) AND n = l.n"
            "      AND threads = l.threads AND machine_id IS l.machine_id AND id < l.id)"
            " WHERE l.kernel LIKE '%/%' AND l.id IN (SELECT max(id) FROM perf"
            "   WHERE kernel LIKE '%/%' GROUP BY kernel, n, threads)"
            "   AND l.n = (SELECT max(n) FROM perf WHERE kernel LIKE '%/%')"
            " ORDER BY l.threads, l.kernel", -1, &st, NULL) != SQLITE_OK)
        return;
    int rows = 0;
    char a[32];
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!rows++) {
            rep_heading(r, 3, "Time per step against f32 (rmsbench perf --state, same run)");
            rep_table(r, 8, "kernel/state", "n", "threads", "bytes/elem", "ns/elem",
                      "f32 ns/elem", "speed-up", "of own roof");
        }
        rep_cell(r, "%s", col(st, 0));
        rep_cell(r, "%s", fmt_size(a, sizeof a, sqlite3_column_int64(st, 1)));
        rep_cell(r, "%d", sqlite3_column_int(st, 2));
        rep_cell(r, "%.4g", sqlite3_column_double(st, 7));
        rep_cell(r, "%.4g", sqlite3_column_double(st, 3));
        rep_cell(r, "%.4g", sqlite3_column_double(st, 4));
        rep_cell(r, "%.3f", sqlite3_column_double(st, 4) / sqlite3_column_double(st, 3));
        rep_cell(r, "%.3f", sqlite3_column_double(st, 5));
    }
    sqlite3_finalize(st);
}

void section_state_precision(report *r, sqlite3 *db)
{
    sqlite3_stmt *st;
    long long nlp = 0;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM runs WHERE %s != 'f32'", rep_state_sql(db));
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            nlp = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    if (nlp == 0)
        return;
    rep_heading(r, 2, "State precision");
    rep_para(r, "Optimizer state stored in fewer bits (rmsbench run --state, docs/lowprec.md): "
                "bf16 and f16 keep v (and m, buf) in 16 bits; q8 keeps v as 8-bit codes of an "
                "unsigned E5M3 minifloat relative to a power-of-two scale per block of 256 "
                "(a dynamic, exponent + fraction map: relative error <= 1/16 over 2^-30 of the "
                "block's max, zero exact). Every step computes in fp32; rounding to nearest or "
                "stochastic (seeded, counter-based). These runs appear in this section only.");
    accuracy(r, db);
    final_loss(r, db);
    memory(r);
    speed(r, db);
}
