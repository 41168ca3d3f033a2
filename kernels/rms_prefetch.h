/* rms_prefetch.h -- software prefetch of the streams an x86 SIMD body reads
 * (avx512, avx2 and the fast kernels), a fixed distance ahead.
 *
 * Why: past L2 (n >= ~2^20) the exact kernels spend ~0.46 ns per element in
 * the divide/sqrt unit, about half the memory time, and the out-of-order
 * window, filled with waiting divides, runs too few lines ahead: they
 * reached 0.86 of the memory roof at n = 2^24 and 2^26.  A hint 2 KiB ahead
 * on theta, v and g (T0: into L1, one per 64-byte line) keeps the misses in
 * flight: 0.99-1.0 of the same roof (measured on an Emerald Rapids Xeon
 * with 1, 2 and 4 KiB, T0 and T1; 1-2 KiB T0 best).  A prefetch never
 * faults, so the addresses past the end of an array are harmless; they are
 * formed as integers, not as pointers past the array.  The roofs have a
 * variant with the same hints (harness/perf/perf_roof_mem.c).
 *
 * A narrower stream in step with the float ones (the 16- and 8-bit state of
 * the low-precision steps, kernels/rms_lp_simd_impl.h) is prefetched with
 * rms_prefetch_ahead, the same elements ahead: RMS_PREFETCH_AHEAD / 2 bytes
 * for 16-bit, / 4 for 8-bit, one hint per 64-byte line of that stream. */
#ifndef RMS_PREFETCH_H
#define RMS_PREFETCH_H

#include <immintrin.h>
#include <stdint.h>

#define RMS_PREFETCH_AHEAD 2048   /* bytes */

/* always_inline (both): a prefetch in a function left out of line is
 * dropped -- GCC 12 takes a function whose only effect is
 * __builtin_prefetch as const and deletes the calls (seen: the fast
 * kernels' body lost its hints when the loop moved into a helper) */
#define RMS_PREFETCH_INLINE static inline __attribute__((always_inline))

/* The line `ahead` bytes past p. */
RMS_PREFETCH_INLINE void rms_prefetch_ahead(const void *p, uintptr_t ahead)
{
    _mm_prefetch((const char *)((uintptr_t)p + ahead), _MM_HINT_T0);
}

RMS_PREFETCH_INLINE void rms_prefetch(const float *p)
{
    rms_prefetch_ahead(p, RMS_PREFETCH_AHEAD);
}

#endif
