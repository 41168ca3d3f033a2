/* report_meta.c -- the parts that answer "so what?" first (key findings),
 * then what produced the figures: overview, machine and build, proofs,
 * whole-command timings from hyperfine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"

static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Latest result per (target, model): totals and failures.  A model named
 * "*-default" is the exploratory IEEE mode `make prove-float` had before the
 * IEEE finite model (ieee-finite) joined make prove, where open goals were
 * expected: counted apart (exploratory = 1) so that it cannot turn
 * the verdict of `make prove` into a failure, nor hide one. */
static void proof_totals_of(sqlite3 *db, int exploratory, long long *targets, long long *failing,
                            long long *proved, long long *total)
{
    sqlite3_stmt *st;
    *targets = *failing = *proved = *total = 0;
    if (sqlite3_prepare_v2(db,
            "SELECT count(*), ifnull(sum(proved < total OR total = 0), 0), ifnull(sum(proved), 0),"
            "       ifnull(sum(total), 0) FROM proofs"
            " WHERE id IN (SELECT max(id) FROM proofs GROUP BY target, model)"
            "   AND (model LIKE '%-default') = ?1",
            -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_int(st, 1, exploratory);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *targets = sqlite3_column_int64(st, 0);
        *failing = sqlite3_column_int64(st, 1);
        *proved = sqlite3_column_int64(st, 2);
        *total = sqlite3_column_int64(st, 3);
    }
    sqlite3_finalize(st);
}

static void proof_totals(sqlite3 *db, long long *targets, long long *failing,
                         long long *proved, long long *total)
{
    proof_totals_of(db, 0, targets, failing, proved, total);
}

/* The model a proof target is checked in, in plain words (proofs/README.md). */
static const char *proof_model_words(const char *model)
{
    static const struct { const char *model, *words; } names[] = {
        { "real", "real numbers (no rounding)" },
        { "ieee", "IEEE, infinities allowed" },
        { "ieee-finite", "IEEE, every value finite (input bounds)" },
        { "ieee-default", "IEEE, every value finite (exploratory)" },
        { "gappa", "IEEE binary32 round-to-nearest (Gappa)" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(model, names[i].model))
            return names[i].words;
    return model;
}

static void proof_exploratory_item(report *r, sqlite3 *db, int strong)
{
    long long t, f, p, n;
    proof_totals_of(db, 1, &t, &f, &p, &n);
    if (!t)
        return;
    if (strong)
        rep_para(r, "Exploratory IEEE default mode (make prove-float, open goals expected and "
                    "listed): %lld of %lld goals proved over %lld target%s.", p, n, t,
                 t == 1 ? "" : "s");
    else
        rep_item(r, "Exploratory IEEE default mode (make prove-float): %lld of %lld goals proved; "
                    "open goals there are expected and listed under Proofs.", p, n);
}

/* The fastest kernel at the largest size, per thread count (1 and the most
 * recorded), against naive and PyTorch. */
static void headline_speed(report *r, const rep_data *d)
{
    char a[32], b[32], c[32], e[32];
    int th[2] = { 1, 0 };
    for (size_t i = 0; i < d->nperf; i++)
        if (d->perf[i].threads > th[1])
            th[1] = d->perf[i].threads;
    for (int i = 0; i < 2 && d->nperf; i++) {
        if (i == 1 && th[1] <= 1)
            break;
        long long n;
        const char *k;
        double ns, vs;
        if (perf_fastest(d, th[i], &n, &k, &ns, &vs))
            continue;
        const rep_perf *py = perf_pytorch_best(d, n, th[i]);
        char vs_py[96] = "";
        if (py)
            snprintf(vs_py, sizeof vs_py, "; %sx faster than PyTorch RMSprop",
                     fmt_num(e, sizeof e, py->ns / ns));
        /* a wide spread between repetitions means a busy machine: say so
         * next to the figure instead of letting it pass for a result */
        const rep_perf *fp = perf_find(d, NULL, k, n, th[i]);
        char noisy[160] = "";
        if (fp && fp->ns_min > 0 && fp->ns_max > 1.5 * fp->ns_min)
            snprintf(noisy, sizeof noisy, " Noisy: its repetitions range over %sx; re-run "
                     "rmsbench perf on a quiet machine before quoting it.",
                     fmt_num(e, sizeof e, fp->ns_max / fp->ns_min));
        rep_item(r, "Fastest kernel at n = %s, %d thread%s: %s, %s ns per element%s%s%s%s.%s",
                 fmt_size(a, sizeof a, n), th[i], th[i] == 1 ? "" : "s", k, fmt_num(b, sizeof b, ns),
                 isnan(vs) ? "" : ", ", isnan(vs) ? "" : fmt_num(c, sizeof c, vs),
                 isnan(vs) ? "" : "x the naive kernel's speed", vs_py, noisy);
    }
    if (!d->nperf)
        rep_item(r, "Speed: no timings recorded yet (rmsbench perf).");
}

/* The best learning rate of up to six problems swept over lr. */
static void headline_lr(report *r, const rep_data *d)
{
    char a[32], b[32], c[32];
    size_t lr_items = 0;
    for (size_t p = 0; p < d->nproblems && lr_items < 6; p++) {
        size_t ng;
        size_t *gi = groups_of_problem(d, d->problems[p], &ng);
        size_t best = gi[0], nlr = 0;
        for (size_t i = 0; i < ng; i++) {
            const rep_group *g = &d->groups[gi[i]];
            if (g->final_med < d->groups[best].final_med)
                best = gi[i];
            nlr += g->lr != d->groups[gi[0]].lr;
        }
        const rep_group *g = &d->groups[best];
        if (nlr && isfinite(g->final_med)) {
            const char *label;
            loss_shown(g->problem, 1, &label);
            rep_item(r, "Best learning rate on %s: lr = %s with β = %s (%s/%s), median final loss "
                     "%s over %zu seed%s.", g->problem, fmt_num(a, sizeof a, g->lr),
                     fmt_num(b, sizeof b, g->beta), g->kernel, *g->preset ? g->preset : "-",
                     fmt_num(c, sizeof c, g->final_med), g->nruns, g->nruns == 1 ? "" : "s");
            lr_items++;
        }
        free(gi);
    }
    if (!lr_items)
        rep_item(r, "Learning rate: no problem was run with more than one learning rate yet "
                    "(rmsbench sweep).");
}

void section_headline(report *r, const rep_data *d, sqlite3 *db)
{
    rep_heading(r, 2, "Key findings");
    /* the research question first: which variant wins, and how sure */
    solver_headline(r, d);
    headline_speed(r, d);
    headline_lr(r, d);
    long long targets, failing, proved, total;
    proof_totals(db, &targets, &failing, &proved, &total);
    if (targets == 0)
        rep_item(r, "Proofs: no proof results recorded (make prove).");
    else if (failing == 0)
        rep_item(r, "Proofs: PASS -- all %lld proof target%s proved, %lld of %lld goals.", targets,
                 targets == 1 ? "" : "s", proved, total);
    else
        rep_item(r, "Proofs: FAIL -- %lld of %lld proof target%s have unproved goals (%lld of "
                 "%lld goals proved).", failing, targets, targets == 1 ? "" : "s", proved, total);
    proof_exploratory_item(r, db, 0);
    rep_item(r, "Runs: %lld done, %lld diverged, %lld failed, %lld unfinished, over %zu problem%s.",
             d->counts[CNT_DONE], d->counts[CNT_DIVERGED], d->counts[CNT_FAILED],
             d->counts[CNT_RUNNING], d->nproblems, d->nproblems == 1 ? "" : "s");
}

void section_overview(report *r, const rep_data *d)
{
    rep_heading(r, 2, "What is in the database");
    rep_table(r, 2, "rows", "count");
    static const char *const names[] = { "runs done", "runs diverged", "runs failed",
        "runs unfinished (running or killed)", "curve points", "perf rows", "proof results",
        "hyperfine results" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        rep_cell(r, "%s", names[i]);
        rep_cell(r, "%lld", d->counts[i]);
    }
    rep_para(r, "Unfinished runs (killed mid-way) and failed runs are not used in any figure.");
}

void section_machine(report *r, sqlite3 *db, const char *label)
{
    rep_heading(r, 2, "Machine and build%s%s", label ? ": " : "", label ? label : "");
    static const char *const fields[] = { "id", "cpu_model", "cpu_vendor", "isa_flags", "cores",
        "mem_bytes", "os", "kernel_release", "compiler", "cflags", "git_commit", "hostname",
        "created_at" };
    enum { NF = sizeof fields / sizeof fields[0], MAXM = 4 };
    char *val[MAXM][NF];
    int nm = 0;
    sqlite3_stmt *st;
    /* the machines that produced something, latest first */
    if (sqlite3_prepare_v2(db,
            "SELECT id, cpu_model, cpu_vendor, isa_flags, cores, mem_bytes, os, kernel_release,"
            " compiler, cflags, git_commit, hostname, created_at FROM machines"
            " ORDER BY id DESC LIMIT 4", -1, &st, NULL) == SQLITE_OK) {
        while (nm < MAXM && sqlite3_step(st) == SQLITE_ROW) {
            for (int f = 0; f < NF; f++) {
                if (f == 5 && sqlite3_column_type(st, f) != SQLITE_NULL) {
                    char buf[64];
                    snprintf(buf, sizeof buf, "%.1f GiB", sqlite3_column_double(st, f) / 1073741824.0);
                    val[nm][f] = strdup(buf);
                } else {
                    val[nm][f] = strdup(col(st, f));
                }
            }
            nm++;
        }
    }
    sqlite3_finalize(st);
    if (nm == 0) {
        rep_para(r, "No machine recorded in this database.");
        return;
    }
    switch (nm) {
    case 1: rep_table(r, 2, "field", "machine"); break;
    case 2: rep_table(r, 3, "field", "machine", "machine"); break;
    case 3: rep_table(r, 4, "field", "machine", "machine", "machine"); break;
    default: rep_table(r, 5, "field", "machine", "machine", "machine", "machine"); break;
    }
    for (int f = 0; f < NF; f++) {
        rep_cell(r, "%s", fields[f]);
        for (int m = 0; m < nm; m++) {
            rep_cell(r, "%s", val[m][f] ? val[m][f] : "");
            free(val[m][f]);
        }
    }
    rep_para(r, "Every run, timing and proof result refers to one of these rows; figures from "
                "different machines are not mixed in one timing plot.");
}

void section_proofs(report *r, sqlite3 *db)
{
    rep_heading(r, 2, "Proofs (Frama-C WP, Gappa)");
    long long targets, failing, proved, total;
    proof_totals(db, &targets, &failing, &proved, &total);
    long long xt, xf, xp, xn;
    proof_totals_of(db, 1, &xt, &xf, &xp, &xn);
    if (targets == 0 && xt == 0) {
        rep_para(r, "No proof results recorded (make prove).");
        return;
    }
    if (targets == 0)
        rep_strong(r, "No result of make prove recorded; only the exploratory mode below.");
    else if (failing == 0)
        rep_strong(r, "PASS: every goal of every proof target is proved (%lld of %lld).", proved, total);
    else
        rep_strong(r, "FAIL: %lld target%s with unproved goals; %lld of %lld goals proved.",
                   failing, failing == 1 ? "" : "s", proved, total);
    proof_exploratory_item(r, db, 1);
    rep_table(r, 9, "target", "properties", "model", "result", "goals proved", "time (s)",
              "provers", "open goals", "commit, date");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
            "SELECT target, model, proved, total, wall_s, provers, open_goals, git_commit, created_at,"
            "       properties"
            " FROM proofs WHERE id IN (SELECT max(id) FROM proofs GROUP BY target, model)"
            " ORDER BY target, model", -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            long long p = sqlite3_column_int64(st, 2), t = sqlite3_column_int64(st, 3);
            char w[32];
            rep_cell(r, "%s", col(st, 0));
            rep_cell(r, "%s", *col(st, 9) ? col(st, 9) : "-");
            rep_cell(r, "%s: %s", col(st, 1), proof_model_words(col(st, 1)));
            int explore = strlen(col(st, 1)) >= 8 && !strcmp(col(st, 1) + strlen(col(st, 1)) - 8, "-default");
            rep_cell(r, "%s", p == t && t > 0 ? "PASS" : explore ? "open goals (exploratory)" : "FAIL");
            rep_cell(r, "%lld / %lld", p, t);
            rep_cell(r, "%s", sqlite3_column_type(st, 4) == SQLITE_NULL ? "-"
                              : fmt_num(w, sizeof w, sqlite3_column_double(st, 4)));
            rep_cell(r, "%s", col(st, 5));
            rep_cell(r, "%s", *col(st, 6) ? col(st, 6) : "none");
            rep_cell(r, "%s %s", col(st, 7), col(st, 8));
        }
    }
    sqlite3_finalize(st);
    rep_para(r, "What the models mean: Frama-C's WP plug-in turns the ACSL contracts on the "
                "kernel prototypes (kernels/rms.h) into goals that SMT solvers prove for every "
                "possible input; -wp-rte adds the runtime-error goals (valid pointers, no integer "
                "overflow, no division by zero). Model 'real': float and double operations are "
                "exact real-number arithmetic, so the proof covers the algorithm (v stays >= 0, "
                "only the arrays named in 'assigns' change, the loops end) but not rounding. "
                "Model 'ieee' (WP's float model): every operation rounds as IEEE-754 does on "
                "this machine, with infinities and NaN allowed as values, so the properties hold "
                "for the arithmetic the machine really does (v is never NaN and >= 0 for any "
                "non-NaN gradient; the centered clamp keeps sqrt's argument >= 0, and finite while v "
                "is). Model 'ieee-finite' also requires that no operation "
                "overflows under the stated input bounds (so v and theta stay finite); libm's "
                "sqrt is taken there with an IEEE-termed contract, an assumption proved to "
                "follow from a correctly rounded sqrt (proofs/RESULTS.md). Rows of model "
                "'ieee-default' are the older exploratory runs of that mode, where open goals "
                "were allowed. Model 'gappa': the "
                "rounding-error bound of the float plain step (binary32, round to nearest), "
                "proved by Gappa on the nested rounded expression the fused kernel evaluates; "
                "one goal per script in proofs/gappa. A time marked 'cached' in the provers "
                "column is the time of the run whose result was reused: make prove reuses a "
                "result only when the kernel, contract, logic files, tool versions and flags "
                "hash to the same digest; below that, single goals are replayed from WP's cache "
                "(seeded from proofs/wp-cache) only when their full prover input is unchanged. "
                "Only the kernels listed as "
                "targets are proved; the other kernels are checked against ref64 by tests.");
}

void section_hyperfine(report *r, sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
            "SELECT command, mean_s, stddev_s, min_s, max_s, runs FROM hyperfine"
            " ORDER BY id DESC LIMIT 20", -1, &st, NULL) != SQLITE_OK)
        return;
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!rows++) {
            rep_heading(r, 2, "Whole-command timings (hyperfine)");
            rep_table(r, 5, "command", "mean ± sd (s)", "min (s)", "max (s)", "runs");
        }
        char a[32], b[32], c[32], e[32];
        rep_cell(r, "%s", col(st, 0));
        rep_cell(r, "%s ± %s", fmt_num(a, sizeof a, sqlite3_column_double(st, 1)),
                 fmt_num(b, sizeof b, sqlite3_column_double(st, 2)));
        rep_cell(r, "%s", fmt_num(c, sizeof c, sqlite3_column_double(st, 3)));
        rep_cell(r, "%s", fmt_num(e, sizeof e, sqlite3_column_double(st, 4)));
        rep_cell(r, "%d", sqlite3_column_int(st, 5));
    }
    sqlite3_finalize(st);
    if (!rows) {
        rep_heading(r, 2, "Whole-command timings (hyperfine)");
        rep_para(r, "No hyperfine results imported (make bench, rmsbench import-hyperfine).");
    }
}

void section_metrics(report *r, sqlite3 *db)
{
    sqlite3_stmt *st;
    char sql[1024];
    snprintf(sql, sizeof sql,
            "SELECT problem, kernel, ifnull(preset,''), lr, beta, seed, ifnull(epochs,''),"
            "       steps_done, metric_name, metric_value, final_loss, wall_ns / 1e9"
            "  FROM runs WHERE status = 'done' AND metric_name IS NOT NULL"
            "   AND %s = 'f32'"
            " ORDER BY problem, metric_value DESC LIMIT 30", rep_state_sql(db));
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return;
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!rows++) {
            rep_heading(r, 3, "Held-out metrics");
            rep_table(r, 9, "problem", "kernel/preset", "lr, β", "seed", "epochs", "steps",
                      "metric", "final loss", "wall time (s)");
        }
        char a[32], b[32], c[32], e[32], g[32];
        rep_cell(r, "%s", col(st, 0));
        rep_cell(r, "%s/%s", col(st, 1), *col(st, 2) ? col(st, 2) : "-");
        rep_cell(r, "%s, %s", fmt_num(a, sizeof a, sqlite3_column_double(st, 3)),
                 fmt_num(b, sizeof b, sqlite3_column_double(st, 4)));
        rep_cell(r, "%s", col(st, 5));
        rep_cell(r, "%s", *col(st, 6) ? col(st, 6) : "-");
        rep_cell(r, "%s", col(st, 7));
        rep_cell(r, "%s = %s", col(st, 8), fmt_num(c, sizeof c, sqlite3_column_double(st, 9)));
        rep_cell(r, "%s", fmt_num(e, sizeof e, sqlite3_column_double(st, 10)));
        rep_cell(r, "%s", fmt_num(g, sizeof g, sqlite3_column_double(st, 11)));
    }
    sqlite3_finalize(st);
}
