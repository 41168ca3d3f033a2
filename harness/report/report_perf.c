/* report_perf.c -- timings from `rmsbench perf` (and the PyTorch peer):
 * time per element against n per kernel with the memory roof, speed-up bars
 * against the naive kernel and against PyTorch, thread scaling beside the
 * memory roof's own, and a table at the largest
 * size.  All figures are from one machine, measured side by side. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "report/report.h"
#include "rms_util.h"

#define MAX_KERNELS 16
#define MAX_SIZES 64
#define MAX_THREADS 16

static int is_rms(const rep_perf *p) { return strcmp(p->source, "pytorch") != 0; }

/* Distinct values, sorted. */
static size_t kernels_of(const rep_data *d, const char **out)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nperf; i++) {
        if (!is_rms(&d->perf[i]))
            continue;
        size_t j;
        for (j = 0; j < n; j++)
            if (!strcmp(out[j], d->perf[i].kernel))
                break;
        if (j == n && n < MAX_KERNELS)
            out[n++] = d->perf[i].kernel;
    }
    return n;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static size_t sizes_of(const rep_data *d, int threads, long long *out)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nperf; i++) {
        if (threads && d->perf[i].threads != threads)
            continue;
        size_t j;
        for (j = 0; j < n; j++)
            if (out[j] == d->perf[i].n)
                break;
        if (j == n && n < MAX_SIZES)
            out[n++] = d->perf[i].n;
    }
    qsort(out, n, sizeof *out, cmp_ll);
    return n;
}

static size_t threads_of(const rep_data *d, int pytorch, int *out)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nperf; i++) {
        if (is_rms(&d->perf[i]) == pytorch)
            continue;
        size_t j;
        for (j = 0; j < n; j++)
            if (out[j] == d->perf[i].threads)
                break;
        if (j == n && n < MAX_THREADS)
            out[n++] = d->perf[i].threads;
    }
    for (size_t i = 1; i < n; i++)       /* insertion sort: a handful */
        for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            int t = out[j]; out[j] = out[j - 1]; out[j - 1] = t;
        }
    return n;
}

const rep_perf *perf_find(const rep_data *d, const char *source, const char *kernel,
                          long long n, int threads)
{
    for (size_t i = 0; i < d->nperf; i++) {
        const rep_perf *p = &d->perf[i];
        if (p->n == n && p->threads == threads && !strcmp(p->kernel, kernel) &&
            (source ? !strcmp(p->source, source) : is_rms(p)))
            return p;
    }
    return NULL;
}

/* PyTorch has more than one implementation (foreach or not): compare
 * against the fastest one timed at this size and thread count. */
const rep_perf *perf_pytorch_best(const rep_data *d, long long n, int threads)
{
    const rep_perf *best = NULL;
    for (size_t i = 0; i < d->nperf; i++)
        if (!is_rms(&d->perf[i]) && d->perf[i].n == n && d->perf[i].threads == threads &&
            (!best || d->perf[i].ns < best->ns))
            best = &d->perf[i];
    return best;
}
#define pytorch_at perf_pytorch_best

int perf_fastest(const rep_data *d, int threads, long long *n, const char **kernel,
                 double *ns, double *vs_naive)
{
    long long sizes[MAX_SIZES];
    size_t ns_ = sizes_of(d, threads, sizes);
    const rep_perf *best = NULL;
    for (size_t i = 0; i < d->nperf && ns_; i++) {
        const rep_perf *p = &d->perf[i];
        if (is_rms(p) && p->threads == threads && p->n == sizes[ns_ - 1] &&
            strcmp(p->kernel, "ref64") && (!best || p->ns < best->ns))
            best = p;
    }
    if (!best)
        return -1;
    const rep_perf *naive = perf_find(d, NULL, "naive", best->n, threads);
    *n = best->n;
    *kernel = best->kernel;
    *ns = best->ns;
    *vs_naive = naive ? naive->ns / best->ns : NAN;
    return 0;
}

/* One time-per-element plot being written: its data file (one gnuplot
 * index block per line), the plot command so far and the sizes on its axis. */
typedef struct {
    const rep_data *d;
    int threads;
    const char *name;
    FILE *f;
    sbuf body;
    size_t block;                 /* the next index block of the data file */
    long long sizes[MAX_SIZES];
    size_t nsz;
} time_fig;

/* Rows "n ns min max" of one kernel (source NULL: ours) as the next block
 * under the comment line head; the number of rows. */
static size_t time_block(time_fig *t, const char *source, const char *kernel, const char *head)
{
    fprintf(t->f, "%s\n", head);
    size_t rows = 0;
    for (size_t i = 0; i < t->nsz; i++) {
        const rep_perf *p = perf_find(t->d, source, kernel, t->sizes[i], t->threads);
        if (p) {
            fprintf(t->f, "%lld %.9g %.9g %.9g\n", p->n, p->ns, p->ns_min, p->ns_max);
            rows++;
        }
    }
    fprintf(t->f, "\n\n");
    t->block++;
    return rows;
}

/* Each of our kernels, with its spread as error bars. */
static void time_kernel_lines(time_fig *t, const char **kern, size_t nk)
{
    char q[256], head[128];
    for (size_t k = 0; k < nk; k++) {
        snprintf(head, sizeof head, "# %s, threads %d: n ns min max", kern[k], t->threads);
        if (time_block(t, NULL, kern[k], head))
            sb_printf(&t->body,
                      "  '%s.dat' index %zu using 1:2:3:4 with yerrorlines lt %zu title %s, \\\n",
                      t->name, t->block - 1, k + 1, gp_quote(q, sizeof q, kern[k]));
    }
}

/* The roof: a copy with the same 20 bytes/element of traffic, timed in the
 * same run; each kernel row carries the roof timed beside it, averaged per
 * size.  The number of sizes that have one. */
static size_t time_roof_line(time_fig *t)
{
    fprintf(t->f, "# roof: n mean-roof-ns\n");
    size_t roof_rows = 0;
    for (size_t i = 0; i < t->nsz; i++) {
        double s = 0;
        int c = 0;
        for (size_t j = 0; j < t->d->nperf; j++) {
            const rep_perf *p = &t->d->perf[j];
            if (is_rms(p) && p->n == t->sizes[i] && p->threads == t->threads &&
                isfinite(p->roof_ns) && p->roof_ns > 0)
                s += p->roof_ns, c++;
        }
        if (c) {
            fprintf(t->f, "%lld %.9g\n", t->sizes[i], s / c);
            roof_rows++;
        }
    }
    fprintf(t->f, "\n\n");
    if (roof_rows)
        sb_printf(&t->body,
                  "  '%s.dat' index %zu using 1:2 with lines lw 3 dt 2 lc rgb '#000000' "
                  "title 'roof (copy, 20 B/elem)', \\\n", t->name, t->block);
    t->block++;
    return roof_rows;
}

/* Each PyTorch implementation (at most 4) as its own grey line; the number
 * of rows. */
static size_t time_pytorch_lines(time_fig *t)
{
    const char *py[4];
    size_t npy = 0, py_rows = 0;
    char q[256], title[128], head[128];
    for (size_t j = 0; j < t->d->nperf && npy < 4; j++) {
        const rep_perf *p = &t->d->perf[j];
        if (is_rms(p) || p->threads != t->threads)
            continue;
        size_t k;
        for (k = 0; k < npy && strcmp(py[k], p->kernel); k++)
            ;
        if (k == npy)
            py[npy++] = p->kernel;
    }
    for (size_t k = 0; k < npy; k++) {
        snprintf(head, sizeof head, "# pytorch %s: n ns min max", py[k]);
        py_rows += time_block(t, "pytorch", py[k], head);
        snprintf(title, sizeof title, "PyTorch RMSprop (%s)", py[k]);
        sb_printf(&t->body,
                  "  '%s.dat' index %zu using 1:2 with linespoints lw 3 dt %zu pt %zu lc rgb '%s' "
                  "title %s, \\\n", t->name, t->block - 1, k + 3, 4 + 2 * k,
                  k ? "#bcbd22" : "#7f7f7f", gp_quote(q, sizeof q, title));
    }
    return py_rows;
}

/* Time per element against n on one thread count: our kernels, the memory
 * roof and PyTorch, in one plot. */
static void time_plot(report *r, const rep_data *d, int threads, const char **kern, size_t nk)
{
    char name[64];
    snprintf(name, sizeof name, "perf_time_t%d", threads);
    time_fig t = { .d = d, .threads = threads, .name = name, .f = plot_data(r, name) };
    if (!t.f) {
        r->plot_failures++;
        return;
    }
    t.nsz = sizes_of(d, threads, t.sizes);
    sb_printf(&t.body,
              "set title 'Time per element, %d thread%s (lower is better)'\n"
              "set xlabel 'n, elements per step (log scale)'\n"
              "set ylabel 'time per element (ns, log scale)'\n"
              "set logscale xy\nset format x '%%.0e'\nplot \\\n",
              threads, threads == 1 ? "" : "s");
    time_kernel_lines(&t, kern, nk);
    size_t roof_rows = time_roof_line(&t);
    size_t py_rows = time_pytorch_lines(&t);
    fclose(t.f);
    /* drop the trailing ", \" */
    if (t.body.n >= 4) {
        t.body.n -= 4;
        sb_printf(&t.body, "\n");
    }
    char title[128], cap[512];
    snprintf(title, sizeof title, "Time per element against n, %d thread%s", threads,
             threads == 1 ? "" : "s");
    snprintf(cap, sizeof cap, "%s: each kernel (bars: fastest to slowest repetition)%s%s. "
             "Lower is better; a kernel on the roof line moves memory as fast as a plain copy.",
             title, roof_rows ? ", the memory roof (dashed black)" : " (no roof recorded)",
             py_rows ? " and PyTorch's RMSprop (grey/olive, dotted)" : "");
    plot_render(r, name, 440, t.body.s, cap);
    free(t.body.s);
}

/* Clustered bars from NAME.dat (column 1: size label, then one column per
 * bar label), with a dashed line at 1 and, when ideal > 1, a dotted one at
 * ideal.  lo..hi is the value range: ratios spanning decades get a log axis. */
static void bars_render(report *r, const char *name, const char *title, const char *ylabel,
                        const char **labels, size_t nl, double lo, double hi, double ideal,
                        const char *cap)
{
    sbuf body = { 0 };
    char q[256];
    int logy = hi > 20 * lo;
    sb_printf(&body,
              "set title '%s'\n"
              "set xlabel 'n, elements per step'\n"
              "set ylabel '%s%s'\n"
              "set style data histograms\nset style histogram clustered gap 1\n"
              "set style fill solid 0.85 border -1\nset boxwidth 0.9\n"
              "set datafile missing '?'\nset grid ytics\n%s"
              "set arrow from graph 0, first 1 to graph 1, first 1 nohead lw 2 dt 2 lc rgb '#000000' front\n",
              title, ylabel, logy ? ", log scale" : "",
              logy ? "set logscale y\nset yrange [*:*]\n" : "set yrange [0:*]\n");
    if (ideal > 1)
        sb_printf(&body, "set arrow from graph 0, first %g to graph 1, first %g nohead lw 1 "
                         "dt 3 lc rgb '#555555' front\n", ideal, ideal);
    sb_printf(&body, "plot \\\n");
    for (size_t k = 0; k < nl; k++)
        sb_printf(&body, "%s  '%s.dat' using %zu%s lt %zu title %s",
                  k ? ", \\\n" : "", name, k + 2, k ? "" : ":xtic(1)", k + 1,
                  gp_quote(q, sizeof q, labels[k]));
    sb_printf(&body, "\n");
    plot_render(r, name, 400, body.s, cap);
    free(body.s);
}

/* NAME.dat opened, with its header line: "# n", the kernels, then extra
 * (a last column) if not NULL.  NULL (counted as a plot failure) if it
 * cannot be written. */
static FILE *bars_data(report *r, const char *name, const char **kern, size_t nk,
                       const char *extra)
{
    FILE *f = plot_data(r, name);
    if (!f) {
        r->plot_failures++;
        return NULL;
    }
    fprintf(f, "# n");
    for (size_t k = 0; k < nk; k++)
        fprintf(f, " %s", kern[k]);
    fprintf(f, "%s%s\n", extra ? " " : "", extra ? extra : "");
    return f;
}

/* Bars of base_ns / kernel_ns per size, one bar per kernel. */
static void speedup_plot(report *r, const rep_data *d, const char *name, int threads,
                         const char **kern, size_t nk, int vs_pytorch)
{
    long long sizes[MAX_SIZES];
    size_t nsz = sizes_of(d, threads, sizes);
    FILE *f = bars_data(r, name, kern, nk, NULL);
    if (!f)
        return;
    size_t rows = 0;
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < nsz; i++) {
        const rep_perf *base = vs_pytorch ? pytorch_at(d, sizes[i], threads)
                                          : perf_find(d, NULL, "naive", sizes[i], threads);
        if (!base)
            continue;
        char sz[32];
        fprintf(f, "%s", fmt_size(sz, sizeof sz, sizes[i]));
        for (size_t k = 0; k < nk; k++) {
            const rep_perf *p = perf_find(d, NULL, kern[k], sizes[i], threads);
            if (p) {
                double x = base->ns / p->ns;
                fprintf(f, " %.6g", x);
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
            } else
                fprintf(f, " ?");
        }
        fprintf(f, "\n");
        rows++;
    }
    fclose(f);
    char title[128], ylabel[128], cap[512];
    snprintf(title, sizeof title, "Speed-up over %s, %d thread%s (higher is better)",
             vs_pytorch ? "PyTorch RMSprop" : "the naive kernel", threads,
             threads == 1 ? "" : "s");
    snprintf(ylabel, sizeof ylabel, "speed-up (x, time of %s / time of kernel)",
             vs_pytorch ? "PyTorch" : "naive");
    snprintf(cap, sizeof cap, "Speed-up of each kernel over %s at each size, %d thread%s "
             "(time ratio measured in the same run). Above the dashed line at 1 = faster.",
             vs_pytorch ? "the fastest PyTorch torch.optim.RMSprop step timed at that size"
                        : "the two-pass naive kernel",
             threads, threads == 1 ? "" : "s");
    if (rows)
        bars_render(r, name, title, ylabel, kern, nk, lo, hi, 0, cap);
}

/* Bars of (1-thread time / T-thread time) per size for each kernel, and the
 * same for the memory roof (the median over the kernels' roof timings at
 * that size): a kernel short of T but level with the roof is held back by
 * the machine (shared cache or memory bandwidth), not by its own overhead. */
static void scaling_plot(report *r, const rep_data *d, int threads, const char **kern,
                         size_t nk)
{
    char name[64];
    snprintf(name, sizeof name, "scaling_t%d", threads);
    long long sizes[MAX_SIZES];
    size_t nsz = sizes_of(d, threads, sizes);
    FILE *f = bars_data(r, name, kern, nk, "memory_roof");
    if (!f)
        return;
    size_t rows = 0;
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < nsz; i++) {
        double line[MAX_KERNELS + 1], roof[MAX_KERNELS];
        size_t nroof = 0, have = 0;
        for (size_t k = 0; k < nk; k++) {
            const rep_perf *one = perf_find(d, NULL, kern[k], sizes[i], 1);
            const rep_perf *p = perf_find(d, NULL, kern[k], sizes[i], threads);
            line[k] = one && p && p->ns > 0 ? one->ns / p->ns : NAN;
            have += !isnan(line[k]);
            if (one && p && one->roof_ns > 0 && p->roof_ns > 0)
                roof[nroof++] = one->roof_ns / p->roof_ns;
        }
        if (!have)
            continue;
        line[nk] = nroof ? rms_median(roof, nroof) : NAN;
        char sz[32];
        fprintf(f, "%s", fmt_size(sz, sizeof sz, sizes[i]));
        for (size_t k = 0; k <= nk; k++) {
            if (isnan(line[k])) {
                fprintf(f, " ?");
                continue;
            }
            fprintf(f, " %.6g", line[k]);
            lo = line[k] < lo ? line[k] : lo;
            hi = line[k] > hi ? line[k] : hi;
        }
        fprintf(f, "\n");
        rows++;
    }
    fclose(f);
    const char *labels[MAX_KERNELS + 1];
    for (size_t k = 0; k < nk; k++)
        labels[k] = kern[k];
    labels[nk] = "memory roof";
    char title[128], ylabel[128], cap[640];
    snprintf(title, sizeof title, "Speed-up from %d threads over 1, per kernel and for the "
             "memory roof (higher is better)", threads);
    snprintf(ylabel, sizeof ylabel, "1-thread time / %d-thread time", threads);
    snprintf(cap, sizeof cap, "Each kernel's time on 1 thread divided by its time on %d, "
             "per size, next to the same ratio for the memory roof (the same 20 B/element "
             "timed with each kernel, median over kernels). Dotted line: %d, perfect "
             "scaling; dashed: 1, no gain. A kernel level with the roof is held back by "
             "the machine's shared cache or memory, not by its own overhead.",
             threads, threads);
    if (rows)
        bars_render(r, name, title, ylabel, labels, nk + 1, lo, hi, threads, cap);
}

void section_perf(report *r, const rep_data *d)
{
    rep_heading(r, 2, "Kernel performance");
    if (d->nperf == 0) {
        rep_para(r, "No timings in the database yet (rmsbench perf, or make study).");
        return;
    }
    if (d->perf_machines > 1)
        rep_para(r, "Timings from %zu machines are in this database; shown: machine %lld (the "
                    "latest timed). Use --compare to set two studies side by side.",
                 d->perf_machines, d->perf_machine);
    const char *kern[MAX_KERNELS];
    size_t nk = kernels_of(d, kern);
    int th[MAX_THREADS], pyth[MAX_THREADS];
    size_t nt = threads_of(d, 0, th), npy = threads_of(d, 1, pyth);
    for (size_t i = 0; i < nt; i++)
        time_plot(r, d, th[i], kern, nk);

    /* vs naive: every kernel but naive itself */
    const char *others[MAX_KERNELS];
    size_t no = 0;
    int have_naive = 0;
    for (size_t k = 0; k < nk; k++) {
        if (strcmp(kern[k], "naive"))
            others[no++] = kern[k];
        else
            have_naive = 1;
    }
    if (have_naive && no && nt) {
        char name[64];
        for (size_t i = 0; i < nt; i++) {
            snprintf(name, sizeof name, "speedup_naive_t%d", th[i]);
            speedup_plot(r, d, name, th[i], others, no, 0);
        }
    } else {
        rep_para(r, "No speed-up against the naive kernel: it was not timed.");
    }
    for (size_t i = 0; i < nt; i++)
        if (th[i] > 1 && nt > 1 && th[0] == 1)
            scaling_plot(r, d, th[i], kern, nk);
    if (npy) {
        char name[64];
        for (size_t i = 0; i < npy; i++) {
            snprintf(name, sizeof name, "speedup_pytorch_t%d", pyth[i]);
            speedup_plot(r, d, name, pyth[i], kern, nk, 1);
        }
    } else {
        rep_para(r, "No speed-up against PyTorch: no PyTorch timings recorded "
                    "(perf rows with source 'pytorch').");
    }

    rep_heading(r, 3, "At the largest size");
    rep_table(r, 8, "kernel", "threads", "n", "ns/element", "GB/s", "time / roof",
              "speed-up vs naive", "validated");
    for (size_t i = 0; i < nt; i++) {
        long long sizes[MAX_SIZES];
        size_t nsz = sizes_of(d, th[i], sizes);
        for (size_t k = 0; k < nk && nsz; k++) {
            const rep_perf *p = perf_find(d, NULL, kern[k], sizes[nsz - 1], th[i]);
            if (!p)
                continue;
            const rep_perf *nv = perf_find(d, NULL, "naive", p->n, p->threads);
            char a[32], b[32], c[32], e[32];
            rep_cell(r, "%s", p->kernel);
            rep_cell(r, "%d", p->threads);
            rep_cell(r, "%s", fmt_size(a, sizeof a, p->n));
            rep_cell(r, "%s", fmt_num(b, sizeof b, p->ns));
            rep_cell(r, "%s", fmt_num(c, sizeof c, p->gbps));
            rep_cell(r, "%s", fmt_num(e, sizeof e, p->roof_ns > 0 ? p->ns / p->roof_ns : NAN));
            rep_cell(r, "%s", nv ? fmt_num(a, sizeof a, nv->ns / p->ns) : "-");
            rep_cell(r, "%s", p->validated < 0 ? "-" : p->validated ? "yes" : "NO");
        }
    }
    rep_para(r, "time / roof: 1.0 means the kernel runs as fast as a copy with the same memory "
                "traffic timed in the same run; lower than 1 is possible when the data fit in cache.");
    section_perf_profile(r, d);
    section_perf_model(r, d);
}
