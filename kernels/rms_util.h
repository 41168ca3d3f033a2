/* rms_util.h -- the utilities every layer shares (kernels, problems, harness):
 * one monotonic clock, one median, one seeded RNG.  Kernels need the first
 * two (omp measures its split size), so they live here, below the harness. */
#ifndef RMS_UTIL_H
#define RMS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t rms_now_ns(void);

/* Median of xs[0..n) (sorts xs in place; the mean of the middle two when n
 * is even); NaN when n == 0.  +inf sorts last, so a median is +inf only
 * when the middle is; NaN is not a valid input. */
double rms_median(double *xs, size_t n);

/* The seeded RNG: splitmix64 (Steele, Lea, Flood 2014), the same stream on
 * every machine.  *state is the whole state; any value is a valid seed. */
uint64_t rms_rng_next(uint64_t *state);
double   rms_rng_uniform(uint64_t *state);   /* [0, 1), 53 bits */
double   rms_rng_normal(uint64_t *state);    /* N(0, 1), Box-Muller, two draws per value */

#endif
