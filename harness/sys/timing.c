/* timing.c -- clocks for perf.  The core clock is measured rather than read
 * from the TSC: the TSC ticks at a fixed rate whatever the core's actual
 * frequency, so cycles derived from it would not be core cycles. */
#include <stdlib.h>
#include <time.h>
#include "sys/timing.h"

uint64_t timing_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double timing_core_ghz(void)
{
#if defined(__x86_64__)
    const uint64_t iters = 1u << 18;     /* x 16 adds: ~4M cycles, ~1-2 ms */
    double best = 0;
    for (int trial = 0; trial < 7; trial++) {
        uint64_t x = 0, cnt = iters;
        uint64_t t0 = timing_now_ns();
        /* 16 adds that each wait for the previous one; dec/jnz run beside
         * them, so one iteration takes 16 core cycles. */
        __asm__ volatile("1:\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                         "dec %1\n\tjnz 1b"
                         : "+r"(x), "+r"(cnt) : : "cc");
        uint64_t dt = timing_now_ns() - t0;
        /* preemption only makes a trial slower: keep the fastest */
        double ghz = dt ? (double)(16 * iters) / (double)dt : 0;
        if (ghz > best)
            best = ghz;
    }
    return best;
#else
    return 0;
#endif
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double timing_median(double *xs, size_t n)
{
    if (n == 0)
        return 0;
    qsort(xs, n, sizeof *xs, cmp_double);
    return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}
