/* rms_omp.c -- fused, split across OpenMP threads.
 *
 * Each thread steps one contiguous chunk with the widest SIMD kernel this CPU
 * runs (avx512, avx2, else fused itself).  Those kernels give the bits of
 * fused for every option (tests/test_kernels_diff.c checks it), so omp is
 * numerically fused; only the instruction width differs.  fused.c is built
 * for baseline x86-64 (SSE, 4 floats) and has to stay the proved scalar C,
 * so calling it per chunk would leave half the in-cache speed on the table.
 * Chunk edges fall on multiples of 16 elements (64 bytes) so two threads
 * never write one cache line of co-aligned arrays.
 *
 * Below RMS_OMP_MIN_N elements the step runs on the calling thread without
 * entering a parallel region: waking the team costs more than it saves. */
#include <omp.h>
#include "rms.h"

/* Measured on this 2-core AMD EPYC (family 26, Zen 5, load ~11 from other
 * jobs), avx512 chunks, 1001 steps alternating 1 and 2 threads (throwaway
 * timer, command in the report).  2 threads / 1 thread, median (min):
 *   n = 16384: 0.97 (0.83-0.88)   24576: 1.16-1.18 (0.99-1.20)
 *   n = 32768: 1.24-1.29 (1.02-1.11)   65536: 1.57-1.59 (1.31-1.37)
 * 32768 is the first size where two threads never lost. */
#ifndef RMS_OMP_MIN_N
#define RMS_OMP_MIN_N ((size_t)32768)
#endif
#define CHUNK_ALIGN ((size_t)16)

static rms_step_f32_fn chunk_kernel(void)
{
    /* chosen once; every candidate is exact.  Atomic because two threads of
     * a caller may step different models at once. */
    static rms_step_f32_fn cached;
    rms_step_f32_fn fn = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (!fn) {
        unsigned isa = rms_cpu_isa();
        const unsigned avx512 = RMS_ISA_AVX512F | RMS_ISA_AVX512VL | RMS_ISA_FMA;
        const unsigned avx2 = RMS_ISA_AVX2 | RMS_ISA_FMA;
        fn = (isa & avx512) == avx512 ? rms_step_avx512
           : (isa & avx2) == avx2     ? rms_step_avx2
                                      : rms_step_fused;
        __atomic_store_n(&cached, fn, __ATOMIC_RELAXED);
    }
    return fn;
}

void rms_step_omp(size_t n, float *theta, float *v, float *m, float *buf,
                  const float *g, const rms_cfg *c)
{
    const rms_step_f32_fn step = chunk_kernel();
    int nt = omp_get_max_threads();
    if (n < RMS_OMP_MIN_N || nt < 2) {
        step(n, theta, v, m, buf, g, c);
        return;
    }
#pragma omp parallel num_threads(nt)
    {
        size_t team = (size_t)omp_get_num_threads();
        size_t id = (size_t)omp_get_thread_num();
        size_t per = (n / team + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN;
        size_t lo = id * per < n ? id * per : n;
        size_t hi = lo + per < n ? lo + per : n;
        if (id == team - 1)
            hi = n;   /* rounding per down-then-up can leave a remainder */
        step(hi - lo, theta + lo, v + lo, c->centered ? m + lo : m,
             c->momentum > 0.0 ? buf + lo : buf, g + lo, c);
    }
}

void rms_set_threads(int n)
{
    if (n > 0)
        omp_set_num_threads(n);
}
