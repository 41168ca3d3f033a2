/* perf_roof.c -- the compute roof a kernel is compared with, and the threaded
 * execution of kernels.  Built with -fopenmp (mk/perf.mk).
 *
 * The memory roof is in perf_roof_mem.c.
 *
 * Compute roof: per element the work a plain step cannot avoid, one square
 * root and one division (plus the +eps), on operands from L1, at the
 * widest vector ISA this CPU has (rms_vec_best; perf passes rms_cpu_isa()
 * as the allowed bits): the roof is a
 * property of the machine, not of a kernel -- a kernel's ISA bits do not say
 * what it runs (omp hands its chunks to the best SIMD kernel), and a kernel
 * using narrower vectors than the CPU offers is below the roof, truthfully.
 * No stores; one L1-resident load per vector (see below); every vector is
 * independent, so it is throughput-bound like the kernel's elements. */
#include <math.h>
#include <string.h>
#include <omp.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif
#include "perf/perf.h"

void perf_slice(size_t n, size_t align, int t, int nt, size_t *lo, size_t *hi)
{
    size_t blocks = (n + align - 1) / align;
    size_t b0 = blocks * (size_t)t / (size_t)nt, b1 = blocks * (size_t)(t + 1) / (size_t)nt;
    *lo = b0 * align < n ? b0 * align : n;
    *hi = b1 * align < n ? b1 * align : n;
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
        perf_slice(n, PERF_SLICE_F32, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
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

#define COMPUTE_ROOF(NAME, ATTR, VT, W, SET1, LOAD, SQRT, ADD, DIV, CONS)      \
    __attribute__((noinline)) ATTR static void NAME(size_t n)                  \
    {                                                                          \
        const VT eps = SET1(1e-8f), num = SET1(1e-3f);                         \
        for (size_t i = 0; i < n; i += (W)) {                                  \
            VT q = DIV(num, ADD(SQRT(LOAD(roof_table + (i & (ROOF_TABLE - 1)))), eps)); \
            __asm__ volatile("" : : CONS(q));                                  \
        }                                                                      \
    }

/* One roof per rms_vec level of this architecture, by the level's name. */
#if defined(__x86_64__)
COMPUTE_ROOF(croof_avx512, __attribute__((target("avx512f"))), __m512, 16, _mm512_set1_ps,
             _mm512_load_ps, _mm512_sqrt_ps, _mm512_add_ps, _mm512_div_ps, "v")
COMPUTE_ROOF(croof_avx2, __attribute__((target("avx2"))), __m256, 8, _mm256_set1_ps,
             _mm256_load_ps, _mm256_sqrt_ps, _mm256_add_ps, _mm256_div_ps, "x")
COMPUTE_ROOF(croof_sse2, __attribute__((target("sse2"))), __m128, 4, _mm_set1_ps, _mm_load_ps,
             _mm_sqrt_ps, _mm_add_ps, _mm_div_ps, "x")
static const struct { const char *vec; void (*f)(size_t); } CROOFS[] = {
    { "avx512f", croof_avx512 }, { "avx2", croof_avx2 }, { "sse2", croof_sse2 },
};
#elif defined(__aarch64__)
COMPUTE_ROOF(croof_neon, , float32x4_t, 4, vdupq_n_f32, vld1q_f32, vsqrtq_f32, vaddq_f32,
             vdivq_f32, "w")
static const struct { const char *vec; void (*f)(size_t); } CROOFS[] = { { "neon", croof_neon } };
#else
#define LOAD1(p) (*(p))
#define SET1F(x) (x)
#define ADDF(a, b) ((a) + (b))
#define DIVF(a, b) ((a) / (b))
COMPUTE_ROOF(croof_scalar, , float, 1, SET1F, LOAD1, sqrtf, ADDF, DIVF, "g")
static const struct { const char *vec; void (*f)(size_t); } CROOFS[] = { { "scalar", croof_scalar } };
#endif

/* The roof of the widest vector level within the isa bits given. */
static void (*croof_pick(unsigned kernel_isa, const char **isa))(size_t)
{
    const rms_vec *v = rms_vec_best(kernel_isa);
    *isa = v->name;
    for (size_t i = 0; i < sizeof CROOFS / sizeof CROOFS[0]; i++)
        if (!strcmp(CROOFS[i].vec, v->name))
            return CROOFS[i].f;
    return CROOFS[sizeof CROOFS / sizeof CROOFS[0] - 1].f;   /* the narrowest */
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
        perf_slice(n, PERF_SLICE_F32, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
        if (hi > lo)
            f(hi - lo);
    }
}
