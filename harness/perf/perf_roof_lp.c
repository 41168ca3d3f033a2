/* perf_roof_lp.c -- the memory roof of a low-precision state (`perf
 * --state`): theta += sign*g and every stored state array read and written
 * once, the bytes of the step (perf_bytes_per_elem), nothing computed; by a
 * few same-traffic loops, of which perf times each and takes the fastest,
 * as the f32 roof does (perf_roof_mem.c: a roof is a limit, so it must be
 * the best loop the machine has, not one compiled loop).
 *
 * Variants: the compiler's loop (target_clones), and intrinsics at AVX2 and
 * AVX-512 width, each without and with the kernels' software prefetch
 * (kernels/rms_prefetch.h: theta and g RMS_PREFETCH_AHEAD bytes ahead, the
 * 16/8-bit state the same elements ahead, one hint per 64-byte line).  The
 * SIMD loops go 32 elements (16-bit state) or 64 (q8) a turn: one line of
 * the state.  The state is xored with a constant (alternate calls restore
 * it), the scales negated.  A centered m or momentum buf (16-bit, or fp32
 * with q8) is streamed by a loop of its own after the main one, in every
 * variant.  Threads split it as the steps (perf_lp_parallel). */
#include <stdint.h>
#if defined(__x86_64__)
#include <immintrin.h>
#include "rms_prefetch.h"
#endif
#include "perf/perf.h"

/* theta += s*g and the `state` bytes (n 16-bit or n 8-bit values) flipped */
typedef void (*lp_roof_fn)(size_t n, float *restrict theta, const float *restrict g,
                           void *restrict state, float s);

/* The compiler's loop, one clone per vector level (T: the state's type) */
#define ROOF_LP_C(NAME, T, FLIP)                                                \
    RMS_TARGET_CLONES static void NAME(size_t n, float *restrict theta,          \
                                       const float *restrict g,                  \
                                       void *restrict state, float s)            \
    {                                                                           \
        T *st = state;                                                          \
        for (size_t i = 0; i < n; i++) {                                        \
            theta[i] = theta[i] + s * g[i];                                     \
            st[i] ^= (FLIP);                                                    \
        }                                                                       \
    }
ROOF_LP_C(roof16_c, uint16_t, 0x0101u)
ROOF_LP_C(roof8_c, uint8_t, 0x11u)

/* E elements (ES bytes of state each: E * ES = 64, one line) a turn; W
 * floats per vector, VB = 4 W bytes of state per integer vector. */
#define ROOF_LP_SIMD(NAME, TARGET, ES, E, PF, VT, VI, W, SET1, LOADU, FMADD, STOREU, \
                     ILOADU, IXOR, ISET1, ISTOREU, FLIP)                                \
    __attribute__((target(TARGET))) static void NAME(                                   \
        size_t n, float *restrict theta, const float *restrict g, void *restrict state,  \
        float s)                                                                        \
    {                                                                                   \
        unsigned char *st = state;                                                      \
        const VT sv = SET1(s);                                                          \
        const VI flip = ISET1((int)(FLIP));                                             \
        size_t i = 0;                                                                   \
        for (; i + (E) <= n; i += (E)) {                                                \
            if (PF) {                                                                   \
                for (size_t u = 0; u < (E); u += 16) {                                  \
                    rms_prefetch(theta + i + u);                                        \
                    rms_prefetch(g + i + u);                                            \
                }                                                                       \
                rms_prefetch_ahead(st + i * (ES), RMS_PREFETCH_AHEAD * (ES) / 4);       \
            }                                                                           \
            for (size_t u = 0; u < (E); u += (W))                                       \
                STOREU(theta + i + u, FMADD(sv, LOADU(g + i + u), LOADU(theta + i + u))); \
            for (size_t b = 0; b < 64; b += 4 * (W)) {                                  \
                VI *p = (VI *)(st + i * (ES) + b);                                      \
                ISTOREU(p, IXOR(ILOADU(p), flip));                                      \
            }                                                                           \
        }                                                                               \
        for (; i < n; i++) {                                                            \
            theta[i] = theta[i] + s * g[i];                                             \
            st[i * (ES)] ^= 0x11u;                                                      \
        }                                                                               \
    }

#if defined(__x86_64__)
#define AVX2_OPS __m256, __m256i, 8, _mm256_set1_ps, _mm256_loadu_ps, _mm256_fmadd_ps, \
    _mm256_storeu_ps, _mm256_loadu_si256, _mm256_xor_si256, _mm256_set1_epi32, _mm256_storeu_si256
#define AVX512_OPS __m512, __m512i, 16, _mm512_set1_ps, _mm512_loadu_ps, _mm512_fmadd_ps, \
    _mm512_storeu_ps, _mm512_loadu_si512, _mm512_xor_si512, _mm512_set1_epi32, _mm512_storeu_si512
#define ROOF_LP(NAME, TARGET, ES, E, PF, OPS, FLIP) ROOF_LP_SIMD(NAME, TARGET, ES, E, PF, OPS, FLIP)
ROOF_LP(roof16_avx2, "avx2,fma", 2, 32, 0, AVX2_OPS, 0x01010101)
ROOF_LP(roof16_avx2_pf, "avx2,fma", 2, 32, 1, AVX2_OPS, 0x01010101)
ROOF_LP(roof16_avx512, "avx512f", 2, 32, 0, AVX512_OPS, 0x01010101)
ROOF_LP(roof16_avx512_pf, "avx512f", 2, 32, 1, AVX512_OPS, 0x01010101)
ROOF_LP(roof8_avx2, "avx2,fma", 1, 64, 0, AVX2_OPS, 0x11111111)
ROOF_LP(roof8_avx2_pf, "avx2,fma", 1, 64, 1, AVX2_OPS, 0x11111111)
ROOF_LP(roof8_avx512, "avx512f", 1, 64, 0, AVX512_OPS, 0x11111111)
ROOF_LP(roof8_avx512_pf, "avx512f", 1, 64, 1, AVX512_OPS, 0x11111111)
#endif

static const struct lp_roof_variant {
    const char *name;
    lp_roof_fn f16, f8;
    unsigned isa;   /* RMS_ISA_* bits the CPU must have */
} VARIANTS[] = {
    { "lp_c", roof16_c, roof8_c, RMS_ISA_NONE },
#if defined(__x86_64__)
    { "lp_avx2", roof16_avx2, roof8_avx2, RMS_ISA_AVX2 | RMS_ISA_FMA },
    { "lp_avx2pf", roof16_avx2_pf, roof8_avx2_pf, RMS_ISA_AVX2 | RMS_ISA_FMA },
    { "lp_avx512", roof16_avx512, roof8_avx512, RMS_ISA_AVX512F },
    { "lp_avx512pf", roof16_avx512_pf, roof8_avx512_pf, RMS_ISA_AVX512F },
#endif
};
#define NVARIANTS ((int)(sizeof VARIANTS / sizeof VARIANTS[0]))

int perf_roof_lp_variant_count(void) { return NVARIANTS; }

const char *perf_roof_lp_variant_name(int variant)
{
    return variant >= 0 && variant < NVARIANTS ? VARIANTS[variant].name : "?";
}

int perf_roof_lp_variant_runs(int variant)
{
    return variant >= 0 && variant < NVARIANTS &&
           (rms_cpu_isa() & VARIANTS[variant].isa) == VARIANTS[variant].isa;
}

/* The extra 16-bit state arrays (m16, buf16) of [lo, hi) */
static void flip16(size_t lo, size_t hi, uint16_t *restrict a)
{
    for (size_t i = lo; a && i < hi; i++)
        a[i] ^= 0x0101u;
}

/* q8's fp32 m and buf: read and written as f32 state is */
static void add32(size_t lo, size_t hi, float *restrict a, const float *restrict g, float s)
{
    for (size_t i = lo; a && i < hi; i++)
        a[i] = a[i] + s * g[i];
}

static void roof_slice(const struct lp_roof_variant *w, size_t lo, size_t hi, float *theta,
                       const float *g, rms_state_lp *s, float sign)
{
    if (s->o.type != RMS_STATE_Q8) {
        w->f16(hi - lo, theta + lo, g + lo, s->v16 + lo, sign);
        flip16(lo, hi, s->m16);
        flip16(lo, hi, s->buf16);
        return;
    }
    w->f8(hi - lo, theta + lo, g + lo, s->q + lo, sign);
    const size_t B = s->o.block;
    for (size_t b0 = lo; b0 < hi; b0 += B)   /* each block's scale, read and written */
        s->scale[b0 / B] = -s->scale[b0 / B];
    add32(lo, hi, s->m, g, sign);
    add32(lo, hi, s->buf, g, sign);
}

typedef struct roof_arg {
    const struct lp_roof_variant *w;
    float *theta;
    const float *g;
    rms_state_lp *s;
    float sign;
} roof_arg;

static void roof_run(size_t lo, size_t hi, void *arg)
{
    roof_arg *a = arg;
    roof_slice(a->w, lo, hi, a->theta, a->g, a->s, a->sign);
}

void perf_roof_memory_lp(int variant, int threads, size_t n, float *theta, const float *g,
                         rms_state_lp *s, float sign)
{
    roof_arg a = { &VARIANTS[perf_roof_lp_variant_runs(variant) ? variant : 0], theta, g, s,
                   sign };
    perf_lp_parallel(threads, n, s, roof_run, &a);
}
