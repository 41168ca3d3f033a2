/* perf_roof_mem.c -- the memory roof: a few same-traffic streaming loops
 * (theta += s*g; v += s*g: read theta, v, g, write theta, v = 20 B/element,
 * like a plain RMSProp step) at every vector width the CPU has, and the
 * choice of the fastest, so the roof is a limit a kernel cannot pass.
 *
 * Why several: one loop is not the machine's limit.  A loop compiled for AVX2
 * was beaten by 10-25% by AVX-512 kernels at n = 2^24 (issue 16); in L1/L2 the
 * width and the unrolling decide, towards DRAM the store policy can.  Every
 * variant moves exactly the bytes of the step and computes nothing that
 * could hold it back (one FMA per stream and element), so the fastest at a
 * given n and thread count is the roof there.  Variants are compiled per ISA
 * with target attributes and offered only when rms_cpu_isa() has the ISA.
 *
 * The prefetching variants add the kernels' software prefetch (theta, v and
 * g, RMS_PREFETCH_AHEAD bytes ahead, one hint per 64-byte line;
 * kernels/rms_prefetch.h): towards L3 and DRAM sizes it lets the SIMD
 * kernels pass the plain loops (by ~15% at n = 2^24 here), so the roof must
 * have it too to stay a limit.
 *
 * The non-temporal variant writes theta and v with streaming stores: the
 * lines were just read, so it moves the same bytes; it only changes when the
 * writes leave the core.  It counts as a roof because a kernel could do the
 * same (and it is never chosen where the data fits in cache: it is slower
 * there).  Built with -fopenmp (mk/perf.mk) for the split across threads. */
#include <omp.h>
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#include "rms_prefetch.h"
#endif
#include "perf/perf.h"

typedef void (*roof_fn)(size_t n, float *restrict theta, float *restrict v,
                        const float *restrict g, float s);

/* The compiler's own vectorisation of the plain loop, one clone per vector
 * level (RMS_TARGET_CLONES, as the plain-C kernels). */
RMS_TARGET_CLONES
static void roof_c(size_t n, float *restrict theta, float *restrict v,
                   const float *restrict g, float s)
{
    for (size_t i = 0; i < n; i++) {
        theta[i] = theta[i] + s * g[i];
        v[i] = v[i] + s * g[i];
    }
}

/* Intrinsics, U vectors of W floats per stream per iteration, then a scalar
 * tail.  STORE is a normal or a streaming store (the latter needs 64-byte
 * aligned theta and v: the wrapper checks); PF 1 prefetches as the kernels
 * do (a vector that starts a 64-byte line of the iteration, from 64-byte
 * aligned i: one hint per line). */
#define ROOF_SIMD(NAME, TARGET, VT, W, U, PF, SET1, LOADU, FMADD, STORE)        \
    __attribute__((target(TARGET))) static void NAME(                           \
        size_t n, float *restrict theta, float *restrict v,                     \
        const float *restrict g, float s)                                       \
    {                                                                           \
        const VT sv = SET1(s);                                                  \
        size_t i = 0;                                                           \
        for (; i + (W) * (U) <= n; i += (W) * (U))                              \
            for (int u = 0; u < (U); u++) {                                     \
                if ((PF) && (u * (W) * sizeof(float)) % 64 == 0) {              \
                    rms_prefetch(theta + i + (size_t)u * (W));                  \
                    rms_prefetch(v + i + (size_t)u * (W));                      \
                    rms_prefetch(g + i + (size_t)u * (W));                      \
                }                                                               \
                VT gg = LOADU(g + i + (size_t)u * (W));                         \
                STORE(theta + i + (size_t)u * (W),                              \
                      FMADD(sv, gg, LOADU(theta + i + (size_t)u * (W))));       \
                STORE(v + i + (size_t)u * (W),                                  \
                      FMADD(sv, gg, LOADU(v + i + (size_t)u * (W))));           \
            }                                                                   \
        for (; i < n; i++) {                                                    \
            theta[i] = theta[i] + s * g[i];                                     \
            v[i] = v[i] + s * g[i];                                             \
        }                                                                       \
    }

#if defined(__x86_64__)
ROOF_SIMD(roof_avx2_x1, "avx2,fma", __m256, 8, 1, 0, _mm256_set1_ps, _mm256_loadu_ps,
          _mm256_fmadd_ps, _mm256_storeu_ps)
ROOF_SIMD(roof_avx2_x4, "avx2,fma", __m256, 8, 4, 0, _mm256_set1_ps, _mm256_loadu_ps,
          _mm256_fmadd_ps, _mm256_storeu_ps)
ROOF_SIMD(roof_avx2_x4_pf, "avx2,fma", __m256, 8, 4, 1, _mm256_set1_ps, _mm256_loadu_ps,
          _mm256_fmadd_ps, _mm256_storeu_ps)
ROOF_SIMD(roof_avx512_x1, "avx512f", __m512, 16, 1, 0, _mm512_set1_ps, _mm512_loadu_ps,
          _mm512_fmadd_ps, _mm512_storeu_ps)
ROOF_SIMD(roof_avx512_x4, "avx512f", __m512, 16, 4, 0, _mm512_set1_ps, _mm512_loadu_ps,
          _mm512_fmadd_ps, _mm512_storeu_ps)
ROOF_SIMD(roof_avx512_x4_pf, "avx512f", __m512, 16, 4, 1, _mm512_set1_ps, _mm512_loadu_ps,
          _mm512_fmadd_ps, _mm512_storeu_ps)
ROOF_SIMD(roof_avx512_nt_body, "avx512f", __m512, 16, 4, 0, _mm512_set1_ps, _mm512_loadu_ps,
          _mm512_fmadd_ps, _mm512_stream_ps)

/* Streaming stores need 64-byte aligned destinations; perf's arrays and
 * slices are, anything else takes the normal stores. */
__attribute__((target("avx512f")))
static void roof_avx512_nt(size_t n, float *restrict theta, float *restrict v,
                           const float *restrict g, float s)
{
    if (((uintptr_t)theta | (uintptr_t)v) & 63) {
        roof_avx512_x4(n, theta, v, g, s);
        return;
    }
    roof_avx512_nt_body(n, theta, v, g, s);
    _mm_sfence();
}
#endif

static const struct roof_variant {
    const char *name;
    roof_fn f;
    unsigned isa;   /* RMS_ISA_* bits the CPU must have */
} VARIANTS[] = {
    { "c", roof_c, RMS_ISA_NONE },
#if defined(__x86_64__)
    { "avx2x1", roof_avx2_x1, RMS_ISA_AVX2 | RMS_ISA_FMA },
    { "avx2x4", roof_avx2_x4, RMS_ISA_AVX2 | RMS_ISA_FMA },
    { "avx2x4pf", roof_avx2_x4_pf, RMS_ISA_AVX2 | RMS_ISA_FMA },
    { "avx512x1", roof_avx512_x1, RMS_ISA_AVX512F },
    { "avx512x4", roof_avx512_x4, RMS_ISA_AVX512F },
    { "avx512x4pf", roof_avx512_x4_pf, RMS_ISA_AVX512F },
    { "avx512nt", roof_avx512_nt, RMS_ISA_AVX512F },
#endif
};
#define NVARIANTS ((int)(sizeof VARIANTS / sizeof VARIANTS[0]))

int perf_roof_variant_count(void) { return NVARIANTS; }

const char *perf_roof_variant_name(int variant)
{
    return variant >= 0 && variant < NVARIANTS ? VARIANTS[variant].name : "?";
}

int perf_roof_variant_runs(int variant)
{
    return variant >= 0 && variant < NVARIANTS &&
           (rms_cpu_isa() & VARIANTS[variant].isa) == VARIANTS[variant].isa;
}

void perf_roof_memory_variant(int variant, int threads, size_t n, float *theta,
                              float *v, const float *g, float sign)
{
    roof_fn f = perf_roof_variant_runs(variant) ? VARIANTS[variant].f : roof_c;
    if (threads <= 1) {
        f(n, theta, v, g, sign);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        size_t lo, hi;
        perf_slice(n, PERF_SLICE_F32, omp_get_thread_num(), omp_get_num_threads(), &lo, &hi);
        if (hi > lo)
            f(hi - lo, theta + lo, v + lo, g + lo, sign);
    }
}
