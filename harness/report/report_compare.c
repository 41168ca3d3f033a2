/* report_compare.c -- two studies side by side (--compare): the same kernel,
 * size and thread count timed on machine A and machine B, and the same
 * configuration's final loss in both (a reproduction check). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"

#define MAX_ROWS 40

static void compare_perf(report *r, const rep_data *a, const rep_data *b)
{
    FILE *f = NULL;
    sbuf body = { 0 };
    char q[256], lab[160];
    sb_printf(&body,
                     "set title 'Time on B / time on A, per kernel and size (above 1: A is faster)'\n"
                     "set xlabel 'n, elements per step (log scale)'\n"
                     "set ylabel 'time ratio B / A (log scale)'\nset logscale xy\nset format x '%%.0e'\n"
                     "set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 lc rgb '#000000'\n"
                     "plot \\\n");
    size_t lines = 0, block = 0;
    for (size_t i = 0; i < a->nperf; i++) {
        const rep_perf *p = &a->perf[i];
        /* one line per kernel and thread count: start at its first row */
        int first = 1;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(a->perf[j].source, p->source) && !strcmp(a->perf[j].kernel, p->kernel) &&
                a->perf[j].threads == p->threads)
                first = 0;
        if (!first)
            continue;
        size_t rows = 0;
        const rep_perf *last = NULL, *last_b = NULL;
        for (size_t j = i; j < a->nperf; j++) {
            const rep_perf *x = &a->perf[j];
            if (strcmp(x->source, p->source) || strcmp(x->kernel, p->kernel) || x->threads != p->threads)
                continue;
            const rep_perf *y = perf_find(b, x->source, x->kernel, x->n, x->threads);
            if (!y)
                continue;
            if (!f && !(f = plot_data(r, "compare_perf"))) {
                r->plot_failures++;
                free(body.s);
                return;
            }
            if (!rows)
                fprintf(f, "# %s %s threads %d: n A_ns B_ns\n", x->source, x->kernel, x->threads);
            fprintf(f, "%lld %.9g %.9g\n", x->n, x->ns, y->ns);
            rows++;
            if (!last || x->n > last->n)
                last = x, last_b = y;
        }
        if (!rows)
            continue;
        fprintf(f, "\n\n");
        snprintf(lab, sizeof lab, "%s%s, %d thread%s", strcmp(p->source, "pytorch") ? "" : "PyTorch ",
                 p->kernel, p->threads, p->threads == 1 ? "" : "s");
        sb_printf(&body,
                          "%s  'compare_perf.dat' index %zu using 1:($3/$2) with linespoints lt %zu title %s",
                          lines ? ", \\\n" : "", block, lines + 1, gp_quote(q, sizeof q, lab));
        block++;
        if (!lines++)
            rep_table(r, 6, "kernel", "threads", "n", "A ns/element", "B ns/element", "B / A");
        char s1[32], s2[32], s3[32], s4[32];
        rep_cell(r, "%s", lab);
        rep_cell(r, "%d", last->threads);
        rep_cell(r, "%s", fmt_size(s1, sizeof s1, last->n));
        rep_cell(r, "%s", fmt_num(s2, sizeof s2, last->ns));
        rep_cell(r, "%s", fmt_num(s3, sizeof s3, last_b->ns));
        rep_cell(r, "%s", fmt_num(s4, sizeof s4, last_b->ns / last->ns));
    }
    if (!lines) {
        rep_para(r, "No kernel was timed at the same size and thread count in both studies.");
        free(body.s);
        return;
    }
    fclose(f);
    sb_printf(&body, "\n");
    rep_para(r, "The table shows each kernel at its largest size timed in both studies.");
    plot_render(r, "compare_perf", 420, body.s,
                "Time per element on B divided by time on A, for each kernel/threads timed in "
                "both studies. The dashed line at 1 = same speed; above it A is faster.");
    free(body.s);
}

static void compare_loss(report *r, const rep_data *a, const rep_data *b)
{
    size_t both = 0, same = 0, shown = 0;
    for (size_t i = 0; i < a->ngroups; i++) {
        const rep_group *g = &a->groups[i];
        const rep_group *h = NULL;
        for (size_t j = 0; j < b->ngroups && !h; j++)
            if (!strcmp(b->groups[j].key, g->key))
                h = &b->groups[j];
        if (!h)
            continue;
        if (!both++)
            rep_table(r, 7, "problem", "kernel/preset", "lr", "β", "A median final loss",
                      "B median final loss", "relative difference");
        double rel = g->final_med == h->final_med ? 0
                     : fabs(h->final_med - g->final_med) /
                       fmax(fabs(g->final_med), fabs(h->final_med));
        same += rel <= 1e-6;
        if (shown++ >= MAX_ROWS)
            continue;
        char s1[32], s2[32], s3[32], s4[32], s5[32];
        rep_cell(r, "%s", g->problem);
        rep_cell(r, "%s/%s", g->kernel, *g->preset ? g->preset : "-");
        rep_cell(r, "%s", fmt_num(s1, sizeof s1, g->lr));
        rep_cell(r, "%s", fmt_num(s2, sizeof s2, g->beta));
        rep_cell(r, "%s", fmt_num(s3, sizeof s3, g->final_med));
        rep_cell(r, "%s", fmt_num(s4, sizeof s4, h->final_med));
        rep_cell(r, "%s", isnan(rel) ? "-" : fmt_num(s5, sizeof s5, rel));
    }
    if (!both)
        rep_para(r, "No configuration was run in both studies.");
    else
        rep_para(r, "%zu configuration%s run in both studies; %zu agree to a relative 1e-6 in "
                 "median final loss%s.", both, both == 1 ? "" : "s", same,
                 shown > MAX_ROWS ? " (first 40 shown)" : "");
}

void section_compare(report *r, const rep_data *a, const rep_data *b)
{
    rep_heading(r, 2, "Comparison: A = %s, B = %s", r->label_a, r->label_b);
    rep_heading(r, 3, "Speed, A against B");
    if (!a->nperf || !b->nperf)
        rep_para(r, "No speed comparison: %s has no timings.", !a->nperf ? "A" : "B");
    else
        compare_perf(r, a, b);
    rep_heading(r, 3, "Final losses, A against B");
    compare_loss(r, a, b);
}
