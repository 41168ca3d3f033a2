/* rms_util.c -- the shared clock, median and seeded RNG (rms_util.h). */
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include "rms_util.h"

uint64_t rms_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double rms_median(double *xs, size_t n)
{
    if (n == 0)
        return NAN;
    qsort(xs, n, sizeof *xs, cmp_double);
    return n % 2 ? xs[n / 2] : 0.5 * (xs[n / 2 - 1] + xs[n / 2]);
}

uint64_t rms_rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

double rms_rng_uniform(uint64_t *s)
{
    return (double)(rms_rng_next(s) >> 11) * 0x1.0p-53;
}

double rms_rng_normal(uint64_t *s)
{
    double u1 = rms_rng_uniform(s), u2 = rms_rng_uniform(s);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
