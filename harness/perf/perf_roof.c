/* perf_roof.c -- the compute roof a kernel is compared with, and the threaded
 * execution of kernels.  Built with -fopenmp (mk/perf.mk).
 *
 * The memory roof is in perf_roof_mem.c.
 *
 * Compute roof: per element the work a plain step cannot avoid, one square
 * root and one division (plus the +eps), on operands from L1, at the
 * widest vector ISA this CPU has (perf passes rms_cpu_isa()): the roof is a
 * property of the machine, not of a kernel -- a kernel's ISA bits do not say
 * what it runs (omp hands its chunks to the best SIMD kernel), and a kernel
 * using narrower vectors than the CPU offers is below the roof, truthfully.
 * No stores; one L1-resident load per vector (see below); every vector is
 * independent, so it is throughput-bound like the kernel's elements. */
#include <immintrin.h>
#include <omp.h>
#include "perf/perf.h"

/* Slice [lo, hi) of n for thread t of nt, boundaries on 16 floats (64 B). */
void perf_slice(size_t n, int t, int nt, size_t *lo, size_t *hi)
{
    size_t blocks = (n + 15) / 16;
    size_t b0 = blocks * (size_t)t / (size_t)nt, b1 = blocks * (size_t)(t + 1) / (size_t)nt;
    *lo = b0 * 16 < n ? b0 * 16 : n;
    *hi = b1 * 16 < n ? b1 * 16 : n;
}

void perf_exec(const rms_kernel *k, int threads, size_t n, float *theta,
               float *v, float *m, float *buf, const float *g, const rms_cfg *c)
{
    if (k->isa & RMS_ISA_OPENMP) {
        omp_set_num_threads(threads);
        k->f32(n, theta, v, m, buf, g, c);
        return;
    }
    if (threads <= 1) {
        k->f32(n, theta, v, m, buf, g, c);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        size_t lo, hi;
        perf_slice(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
        if (hi > lo)
            k->f32(hi - lo, theta + lo, v + lo, m ? m + lo : NULL,
                   buf ? buf + lo : NULL, g + lo, c);
    }
}

/* The operands come from a 4 KiB table that stays in L1 (one load per
 * vector, on a load port, not on the divide/sqrt unit); the empty asm keeps
 * each quotient alive so the division is not dropped.  Measured here: this
 * form is ~7% faster than four chains held in registers (whose sqrt inputs
 * must be made opaque each iteration), i.e. the tighter roof. */
#define ROOF_TABLE 1024
static float roof_table[ROOF_TABLE] __attribute__((aligned(64)));

static void roof_table_init(void)
{
    if (roof_table[0] == 0.0f)
        for (size_t i = 0; i < ROOF_TABLE; i++)
            roof_table[i] = 0.1f + 0.001f * (float)i;   /* like v: 0.1 .. 1.1 */
}

#define COMPUTE_ROOF(NAME, TARGET, VT, W, SET1, LOAD, SQRT, ADD, DIV, CONS)    \
    __attribute__((noinline, target(TARGET))) static void NAME(size_t n)       \
    {                                                                          \
        const VT eps = SET1(1e-8f), num = SET1(1e-3f);                         \
        for (size_t i = 0; i < n; i += (W)) {                                  \
            VT q = DIV(num, ADD(SQRT(LOAD(roof_table + (i & (ROOF_TABLE - 1)))), eps)); \
            __asm__ volatile("" : : CONS(q));                                  \
        }                                                                      \
    }

#if defined(__x86_64__)
COMPUTE_ROOF(croof_avx512, "avx512f", __m512, 16, _mm512_set1_ps, _mm512_load_ps,
             _mm512_sqrt_ps, _mm512_add_ps, _mm512_div_ps, "v")
COMPUTE_ROOF(croof_avx2, "avx2", __m256, 8, _mm256_set1_ps, _mm256_load_ps,
             _mm256_sqrt_ps, _mm256_add_ps, _mm256_div_ps, "x")
COMPUTE_ROOF(croof_sse2, "sse2", __m128, 4, _mm_set1_ps, _mm_load_ps, _mm_sqrt_ps,
             _mm_add_ps, _mm_div_ps, "x")
#endif

/* The widest of AVX-512F, AVX2, SSE2 within the isa bits given. */
static void (*croof_pick(unsigned kernel_isa, const char **isa))(size_t)
{
    unsigned have = rms_cpu_isa() & kernel_isa;
    if (have & RMS_ISA_AVX512F) {
        *isa = "avx512f";
        return croof_avx512;
    }
    if (have & RMS_ISA_AVX2) {
        *isa = "avx2";
        return croof_avx2;
    }
    *isa = "sse2";
    return croof_sse2;
}

const char *perf_roof_compute_isa(unsigned kernel_isa)
{
    const char *isa;
    croof_pick(kernel_isa, &isa);
    return isa;
}

void perf_roof_compute(int threads, size_t n, unsigned kernel_isa)
{
    const char *isa;
    void (*f)(size_t) = croof_pick(kernel_isa, &isa);
    roof_table_init();
    if (threads <= 1) {
        f(n);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        size_t lo, hi;
        perf_slice(n, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
        if (hi > lo)
            f(hi - lo);
    }
}
