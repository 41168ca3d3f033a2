/* perf_profile.c -- the machine's bandwidth profile: the memory roof (the
 * fastest same-traffic streaming loop, perf_roof_best) against n, from a
 * few KiB that live in L1 to hundreds of MiB that only DRAM holds, on each
 * thread count; printed and recorded in perf_roof_profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "perf/perf_profile.h"
#include "perf/perf_report.h"

size_t *perf_profile_default_sizes(size_t *count)
{
    /* 2^10 .. 2^26 in octaves: 12 KiB .. 768 MiB of theta, v and g, so
     * L1, L2, L3 (up to a few hundred MiB on servers) and DRAM all show */
    size_t *s = malloc(17 * sizeof *s), k = 0;
    if (!s)
        return NULL;
    for (int e = 10; e <= 26; e++)
        s[k++] = (size_t)1 << e;
    *count = k;
    return s;
}

static void fill(size_t n, float *theta, float *v, float *g)
{
    for (size_t i = 0; i < n; i++) {
        theta[i] = 1.0f + (float)(i % 7) * 0.125f;
        v[i] = 0.5f + (float)(i % 5) * 0.0625f;
        g[i] = 0.01f * (float)(i % 11) - 0.05f;
    }
}

int perf_profile(const size_t *sizes, size_t nsizes, const int *threads, size_t nthreads,
                 int rounds, perf_profile_point **out, size_t *nout, char *err, size_t errlen)
{
    size_t max = 0;
    for (size_t i = 0; i < nsizes; i++)
        max = sizes[i] > max ? sizes[i] : max;
    *out = NULL;
    *nout = 0;
    if (max == 0)
        return 0;
    float *theta = rms_alloc(max, sizeof(float)), *v = rms_alloc(max, sizeof(float));
    float *g = rms_alloc(max, sizeof(float));
    perf_profile_point *pts = calloc(nsizes * nthreads, sizeof *pts);
    if (!theta || !v || !g || !pts) {
        snprintf(err, errlen, "out of memory for the bandwidth profile up to n = %zu", max);
        rms_free(theta); rms_free(v); rms_free(g); free(pts);
        return -1;
    }
    fill(max, theta, v, g);
    size_t k = 0;
    for (size_t i = 0; i < nsizes; i++)
        for (size_t t = 0; t < nthreads; t++) {
            double ns;
            int var = perf_roof_best(threads[t], sizes[i], theta, v, g, rounds, 0, &ns);
            perf_profile_point *p = &pts[k++];
            p->n = sizes[i];
            p->threads = threads[t];
            p->variant = perf_roof_variant_name(var);
            p->ns_per_elem = ns;
            p->gbps = ns > 0 ? PERF_BYTES_PER_ELEM / ns : 0;
            p->reps = rounds;
        }
    rms_free(theta); rms_free(v); rms_free(g);
    *out = pts;
    *nout = k;
    return 0;
}

void perf_profile_print(FILE *f, const perf_profile_point *p, size_t n)
{
    if (n == 0)
        return;
    fprintf(f, "# bandwidth profile: the memory roof (fastest same-traffic loop, %g B/element) "
               "against n; footprint = theta + v + g\n", PERF_BYTES_PER_ELEM);
    fprintf(f, "%10s %7s %12s %-9s %11s %8s\n", "n", "threads", "footprint_KiB", "roof_loop",
            "ns_per_elem", "gbps");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%10zu %7d %12.0f %-9s %11.4g %8.4g\n", p[i].n, p[i].threads,
                (double)p[i].n * 12.0 / 1024.0, p[i].variant, p[i].ns_per_elem, p[i].gbps);
}

static void bind_profile_row(sqlite3_stmt *st, size_t i, const void *ctx)
{
    const perf_profile_point *p = (const perf_profile_point *)ctx + i;
    sqlite3_bind_int64(st, 2, (sqlite3_int64)p->n);
    sqlite3_bind_int(st, 3, p->threads);
    sqlite3_bind_text(st, 4, p->variant, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 5, PERF_BYTES_PER_ELEM);
    sqlite3_bind_double(st, 6, p->ns_per_elem);
    sqlite3_bind_double(st, 7, p->gbps);
    sqlite3_bind_int(st, 8, p->reps);
}

int perf_profile_record(sqlite3 *db, const perf_profile_point *p, size_t n, char *err,
                        size_t errlen)
{
    if (n == 0)
        return 0;
    return perf_insert_rows(db, "INSERT INTO perf_roof_profile (machine_id, n, threads, variant,"
                                " bytes_per_elem, ns_per_elem, gbps, reps)"
                                " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)",
                            "recording the bandwidth profile", n, bind_profile_row, p, err, errlen);
}
