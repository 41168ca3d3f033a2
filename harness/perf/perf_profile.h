/* perf_profile.h -- the bandwidth profile of `rmsbench perf --profile`: the
 * memory roof against n (through L1, L2, L3 and DRAM) on each thread count,
 * printed and recorded in the perf_roof_profile table. */
#ifndef PERF_PROFILE_H
#define PERF_PROFILE_H

#include <stdio.h>
#include <sqlite3.h>
#include "store/db.h"
#include "perf/perf.h"

typedef struct perf_profile_point {
    size_t n;
    int threads;
    const char *variant;   /* the fastest roof loop there (static string) */
    double ns_per_elem;    /* fastest of `reps` timings of the loops */
    double gbps;           /* PERF_BYTES_PER_ELEM / ns_per_elem */
    int reps;
} perf_profile_point;

/* 2^10 .. 2^26 elements in octaves (17 sizes).  Caller frees. */
size_t *perf_profile_default_sizes(size_t *count);

/* Every size x thread count; *out (caller frees) gets nsizes x nthreads
 * points.  0, or -1 with err (out of memory). */
int perf_profile(const size_t *sizes, size_t nsizes, const int *threads, size_t nthreads,
                 int rounds, perf_profile_point **out, size_t *nout, char *err,
                 size_t errlen);
void perf_profile_print(FILE *f, const perf_profile_point *p, size_t n);
/* One transaction with the machine row.  0 or -1. */
int perf_profile_record(sqlite3 *db, const perf_profile_point *p, size_t n, char *err,
                        size_t errlen);

#endif
