/* report_perf_profile.c -- the machine's bandwidth profile (perf_roof_profile:
 * the memory roof against n, through L1, L2, L3 and DRAM) as GB/s against
 * the footprint, one line per thread count, with every kernel's own GB/s
 * from the perf rows of the same machine as points on it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"

#define MAX_LINES 8

/* Thread counts with profile rows on the machine shown (ascending). */
static size_t profile_threads(sqlite3 *db, long long machine, int *out)
{
    sqlite3_stmt *st;
    size_t n = 0;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT threads FROM perf_roof_profile"
                               " WHERE ifnull(machine_id,-1) = ?1 ORDER BY threads",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;   /* an older database: no table, no section */
    sqlite3_bind_int64(st, 1, machine);
    while (sqlite3_step(st) == SQLITE_ROW && n < MAX_LINES)
        out[n++] = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The latest profile row per n at this thread count: "n gbps variant". */
static size_t write_profile(FILE *f, sqlite3 *db, long long machine, int threads,
                            double *peak, double *low)
{
    sqlite3_stmt *st;
    size_t rows = 0;
    if (sqlite3_prepare_v2(db, "SELECT n, gbps, variant FROM perf_roof_profile WHERE id IN"
                               " (SELECT max(id) FROM perf_roof_profile"
                               "  WHERE ifnull(machine_id,-1) = ?1 AND threads = ?2 GROUP BY n)"
                               " ORDER BY n", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, machine);
    sqlite3_bind_int(st, 2, threads);
    fprintf(f, "# roof, %d thread(s): n GB/s loop\n", threads);
    while (sqlite3_step(st) == SQLITE_ROW) {
        double g = sqlite3_column_double(st, 1);
        const unsigned char *v = sqlite3_column_text(st, 2);
        fprintf(f, "%lld %.6g %s\n", (long long)sqlite3_column_int64(st, 0), g,
                v ? (const char *)v : "-");
        *peak = g > *peak ? g : *peak;
        *low = g < *low ? g : *low;
        rows++;
    }
    fprintf(f, "\n\n");
    sqlite3_finalize(st);
    return rows;
}

void section_perf_profile(report *r, const rep_data *d)
{
    int th[MAX_LINES];
    size_t nt = profile_threads(d->db, d->perf_machine, th);
    if (nt == 0)
        return;
    rep_heading(r, 3, "Bandwidth profile");
    FILE *f = plot_data(r, "bandwidth_profile");
    if (!f) {
        r->plot_failures++;
        return;
    }
    sbuf body = { 0 };
    char q[256], title[128];
    sb_printf(&body, "set title 'Memory roof against n, with the kernels (higher is better)'\n"
                     "set xlabel 'n, elements per step (footprint 12 B x n: theta, v, g; log scale)'\n"
                     "set ylabel 'GB/s at 20 B/element (log scale)'\n"
                     "set logscale xy\nset format x '%%.0e'\nset key outside right\nplot \\\n");
    size_t block = 0;
    double peak = 0, low = INFINITY;
    for (size_t t = 0; t < nt; t++) {
        if (!write_profile(f, d->db, d->perf_machine, th[t], &peak, &low))
            continue;
        snprintf(title, sizeof title, "roof, %d thread%s", th[t], th[t] == 1 ? "" : "s");
        sb_printf(&body, "  'bandwidth_profile.dat' index %zu using 1:2 with lines lw 3 dt %zu "
                         "lc rgb '#000000' title %s, \\\n", block++, t + 1,
                  gp_quote(q, sizeof q, title));
    }
    /* every timed kernel of ours at each thread count, as points */
    size_t pts = 0;
    for (size_t t = 0; t < nt; t++) {
        const char *seen[16];
        size_t nseen = 0;
        for (size_t i = 0; i < d->nperf; i++) {
            const rep_perf *p = &d->perf[i];
            if (!strcmp(p->source, "pytorch") || p->threads != th[t])
                continue;
            size_t k;
            for (k = 0; k < nseen && strcmp(seen[k], p->kernel); k++)
                ;
            if (k < nseen || nseen == 16)
                continue;
            seen[nseen++] = p->kernel;
            fprintf(f, "# %s, %d thread(s): n GB/s\n", p->kernel, th[t]);
            for (size_t j = 0; j < d->nperf; j++) {
                const rep_perf *x = &d->perf[j];
                if (!strcmp(x->source, p->source) && !strcmp(x->kernel, p->kernel) &&
                    x->threads == th[t] && x->gbps > 0)
                    fprintf(f, "%lld %.6g\n", x->n, x->gbps);
            }
            fprintf(f, "\n\n");
            snprintf(title, sizeof title, "%s, %d thread%s", p->kernel, th[t],
                     th[t] == 1 ? "" : "s");
            sb_printf(&body, "  'bandwidth_profile.dat' index %zu using 1:2 with points pt %zu "
                             "ps 1.3 lt %zu title %s, \\\n", block++, t ? 6 + k : 1 + k, k + 1,
                      gp_quote(q, sizeof q, title));
            pts++;
        }
    }
    fclose(f);
    if (block == 0) {
        free(body.s);
        return;
    }
    if (body.n >= 4) {
        body.n -= 4;
        sb_printf(&body, "\n");
    }
    char cap[640], a[32], b[32];
    snprintf(cap, sizeof cap, "The memory roof (the fastest of several same-traffic streaming "
             "loops, 20 B/element) against n on each thread count: the plateaus are the caches "
             "(L1, L2, L3) and the tail is DRAM; %s GB/s at best, %s GB/s at worst. %s",
             fmt_num(a, sizeof a, peak), fmt_num(b, sizeof b, low),
             pts ? "Points: each kernel's own GB/s from the timings above, same machine; a "
                   "point on its thread count's line moves memory as fast as the machine can."
                 : "No kernel timings on this machine.");
    plot_render(r, "bandwidth_profile", 460, body.s, cap);
    free(body.s);
}
