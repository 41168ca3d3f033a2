/* timing.h -- the clocks perf uses: a monotonic ns clock, the core clock
 * measured with a chain of dependent adds, and the median of samples. */
#ifndef TIMING_H
#define TIMING_H

#include <stddef.h>
#include <stdint.h>

uint64_t timing_now_ns(void);

/* Core clock in GHz under the current load: the best of a few timings of a
 * chain of dependent integer adds (1 cycle latency each on every x86 core we
 * know of) against CLOCK_MONOTONIC.  0 when it cannot be measured (non-x86). */
double timing_core_ghz(void);

/* Median of n samples (sorts xs in place); 0 for n == 0. */
double timing_median(double *xs, size_t n);

#endif
