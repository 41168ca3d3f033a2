/* report_solvers_section.c -- the "Which solver" section: key findings,
 * then per problem the ranking table and its figures, then divergence and
 * the profiles over all problems. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report_solvers.h"

/* "3.5 [2, 5]"; "not reached" / "diverged" for +inf medians. */
static const char *with_ci(char *buf, size_t len, const sv_entry *e, int k)
{
    char m[32], lo[32], hi[32];
    if (!isfinite(e->med[k]))
        snprintf(buf, len, "%s", k == 0 ? "diverged" : "not reached");
    else if (!isfinite(e->hi[k]))
        snprintf(buf, len, "%s [%s, not reached]", fmt_num(m, sizeof m, e->med[k]),
                 fmt_num(lo, sizeof lo, e->lo[k]));
    else
        snprintf(buf, len, "%s [%s, %s]", fmt_num(m, sizeof m, e->med[k]),
                 fmt_num(lo, sizeof lo, e->lo[k]), fmt_num(hi, sizeof hi, e->hi[k]));
    return buf;
}

static const char *tuned_by(char *buf, size_t len, const sv_entry *e)
{
    char lr[32];
    if (!strcmp(e->how, "quasirandom"))
        snprintf(buf, len, "quasirandom: best trial per study");
    else
        snprintf(buf, len, "%s: lr = %s", !strcmp(e->how, "grid") ? "grid" : "best of sweep",
                 fmt_num(lr, sizeof lr, e->lr));
    return buf;
}

static const char *test_name(const sv_versus *v)
{
    return v->paired ? "Wilcoxon signed-rank (same seeds)" : "Mann-Whitney U";
}

/* One finding per problem: the best solver and how sure we are. */
static void finding(report *r, const char *prob, const sv_problem *s)
{
    const sv_entry *e = s->e;
    size_t n = s->n;
    char ci[96], how[96];
    const char *shown;
    loss_shown(prob, 1, &shown);
    if (n == 1) {
        rep_item(r, "%s: one solver only, %s: median final %s %s over %zu runs.", prob,
                 e[0].label, shown, with_ci(ci, sizeof ci, &e[0], 0), e[0].n);
        return;
    }
    char tied[512] = "", open[512] = "";
    for (size_t i = 1; i < n; i++) {
        const sv_versus *v = &s->vs[i];
        char *list = v->tie ? tied : !v->significant ? open : NULL;
        if (list && strlen(list) + strlen(e[i].label) + 3 < 512)
            snprintf(list + strlen(list), 512 - strlen(list), "%s%s", *list ? ", " : "",
                     e[i].label);
    }
    if (!isfinite(e[0].med[0])) {
        rep_item(r, "%s: every solver diverged at its chosen configuration.", prob);
        return;
    }
    char line[2048];
    int o = snprintf(line, sizeof line, "%s: best is %s (%s), median final %s %s over %zu runs; "
                     "significantly better than %zu of the other %zu solvers (p < %.2g)",
                     prob, e[0].label, tuned_by(how, sizeof how, &e[0]), shown,
                     with_ci(ci, sizeof ci, &e[0], 0), e[0].n, s->beaten, n - 1, SOLVER_ALPHA);
    if (s->ties && o < (int)sizeof line)
        o += snprintf(line + o, sizeof line - (size_t)o, "; ties with %s (identical results)", tied);
    if (s->unclear && o < (int)sizeof line)
        o += snprintf(line + o, sizeof line - (size_t)o, "; not significantly different from "
                      "%s: these data do not tell them apart", open);
    double pmin = 0;
    for (size_t i = 1; i < n; i++) {
        double q = stats_smallest_p(s->vs[i].paired, e[0].n, e[i].n);
        pmin = q > pmin ? q : pmin;
    }
    char num[32];
    int constant = e[0].n > 1;
    for (size_t k = 1; k < e[0].n; k++)
        constant &= e[0].final[k] == e[0].final[0];
    if (constant && o < (int)sizeof line)
        o += snprintf(line + o, sizeof line - (size_t)o, " (every seed gives %s the same final "
                      "loss: the seed does not change this problem's runs, so its runs repeat "
                      "one outcome rather than sample many)", e[0].label);
    if (pmin >= SOLVER_ALPHA && o < (int)sizeof line)
        o += snprintf(line + o, sizeof line - (size_t)o, " (with %zu runs per solver no test "
                      "can reach p < %.2g: the smallest possible p is %s; more seeds are needed)",
                      e[0].n, SOLVER_ALPHA, fmt_num(num, sizeof num, pmin));
    if (o < (int)sizeof line)
        snprintf(line + o, sizeof line - (size_t)o, ".");
    if (s->beaten == n - 1)
        rep_strong(r, "%s", line);
    else
        rep_item(r, "%s", line);
}

static void ranking(report *r, const sv_problem *s)
{
    const sv_entry *e = s->e;
    size_t n = s->n;
    rep_table(r, 11, "#", "solver", "tuned by", "runs", "median final loss [95% CI]",
              "median steps to target [95% CI]", "median time to target, s [95% CI]",
              "diverged", "best vs this: test", "p-value, effect size", "verdict");
    for (size_t i = 0; i < n; i++) {
        char a[96], b[96], c[96], how[96];
        rep_cell(r, "%zu", i + 1);
        rep_cell(r, "%s", e[i].label);
        rep_cell(r, "%s", tuned_by(how, sizeof how, &e[i]));
        rep_cell(r, "%zu", e[i].n);
        rep_cell(r, "%s", with_ci(a, sizeof a, &e[i], 0));
        rep_cell(r, "%s", with_ci(b, sizeof b, &e[i], 1));
        rep_cell(r, "%s", with_ci(c, sizeof c, &e[i], 2));
        rep_cell(r, "%zu of %zu", e[i].ndiv, e[i].n);
        if (i == 0) {
            rep_cell(r, "-");
            rep_cell(r, "-");
            rep_cell(r, "best");
            continue;
        }
        const sv_versus *v = &s->vs[i];
        char p[32], ef[32], st[32];
        rep_cell(r, "%s, %s = %s", test_name(v), v->paired ? "W+" : "U",
                 fmt_num(st, sizeof st, v->t.statistic));
        rep_cell(r, "p = %s%s, %s = %s", fmt_num(p, sizeof p, v->t.p), v->t.exact ? " (exact)" : "",
                 v->paired ? "rank-biserial r" : "Cliff's δ", fmt_num(ef, sizeof ef, v->t.effect));
        rep_cell(r, "%s", solver_verdict(v));
    }
}

/* The comparison's verdict per problem, one line each, for the report's
 * opening "Key findings" (the full sentences are in the section). */
void solver_headline(report *r, const rep_data *d)
{
    for (size_t p = 0; p < d->nproblems; p++) {
        const sv_problem *s = solver_problem(d, p);
        const sv_entry *e = s->e;
        size_t n = s->n;
        if (n > 1 && isfinite(e[0].med[0])) {
            char ci[96], how[96];
            const char *shown;
            loss_shown(d->problems[p], 1, &shown);
            rep_item(r, "Which solver on %s: %s (%s), median final %s %s over %zu runs; "
                        "significantly better (p < %.2g) than %zu of the other %zu%s.",
                     d->problems[p], e[0].label, tuned_by(how, sizeof how, &e[0]), shown,
                     with_ci(ci, sizeof ci, &e[0], 0), e[0].n, SOLVER_ALPHA, s->beaten, n - 1,
                     s->beaten < n - 1 ? "; the rest are not significantly different or tie" : "");
        }
    }
}

void section_solvers(report *r, const rep_data *d)
{
    rep_heading(r, 2, "Which solver: the comparison");
    if (d->nproblems == 0) {
        rep_para(r, "No finished runs: no solvers to compare yet (rmsbench tune, or make study).");
        return;
    }
    rep_para(r, "A solver is a preset plus option overrides (its label: torch+centered, "
                "keras+momentum=0.9). Each solver appears at its tuned configuration: the final "
                "runs of a `rmsbench tune` study (grid: the lr with the lowest median final "
                "loss over the tuning seeds, re-run with fresh seeds; quasirandom: the best "
                "trial of each study). Only for a problem no study tuned, the lr with the lowest "
                "median final loss among a sweep's runs stands in (then the same seeds chose "
                "and measure it, which flatters it); beside tuned solvers, sweeps are left out. "
                "Intervals: 95 %% percentile bootstrap of the median (%d resamples, fixed seed "
                "%u). Tests: the best solver against each other one, Wilcoxon signed-rank when "
                "both ran the same seeds, else Mann-Whitney U; two-sided, significant when "
                "p < %.2g; effect size: rank-biserial r or Cliff's δ, negative when the best "
                "is lower. Diverged runs count as infinite loss.",
             STATS_BOOT_REPS, STATS_BOOT_SEED, SOLVER_ALPHA);
    rep_heading(r, 3, "Key findings");
    for (size_t p = 0; p < d->nproblems; p++)
        if (solver_problem(d, p)->n)
            finding(r, d->problems[p], solver_problem(d, p));
    for (size_t p = 0; p < d->nproblems; p++) {
        const sv_problem *s = solver_problem(d, p);
        if (!s->n)
            continue;
        rep_heading(r, 3, "%s", d->problems[p]);
        ranking(r, s);
        if (s->left_out)
            rep_para(r, "Left out of this ranking: %zu solver%s seen only in plain sweeps of %s "
                        "(not tuned by a study, so not comparable with the tuned ones).",
                     s->left_out, s->left_out == 1 ? "" : "s", d->problems[p]);
        solver_convergence(r, d, d->problems[p], p, s->e, s->n);
        solver_heldout(r, d, d->problems[p], p, s->e, s->n);
        solver_sensitivity(r, d, d->problems[p], p);
    }
    rep_heading(r, 3, "Divergence per solver and learning rate");
    solver_divergence(r, d);
    rep_heading(r, 3, "Performance profiles and integrated score");
    solver_profiles(r, d);
}
