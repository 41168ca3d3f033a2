/* rms_avx2.c -- AVX2 intrinsics, 8 floats per vector.
 *
 * Layout of a step: a masked head up to the first 32-byte boundary of theta,
 * an aligned body of whole vectors, a masked tail; so any n (including 0)
 * and any alignment take the same arithmetic.  Masked-off lanes load zeros
 * and are never stored.
 *
 * Exact IEEE operations only: _mm256_sqrt_ps and _mm256_div_ps, no rsqrt.
 * Multiply and add stay separate (no FMA) on purpose: the operation order
 * and roundings are then those of fused/naive/omp, so every float kernel
 * gives the same bits and a differing bit is a bug, not rounding.  FMA would
 * save two of the ~8 vector operations per element, but those run on the
 * FP add/mul pipes, not on the divide/sqrt unit that bounds this loop in
 * cache, and at DRAM sizes the loop is bound by memory traffic anyway.
 *
 * The plain rule has its own loop (no option tests); every option goes
 * through step8_general, whose tests are on loop-invariant flags. */
#include <immintrin.h>
#include <stdint.h>
#include "rms.h"
#include "rms_prefetch.h"
#include "rms_avx2_step.h"

#define W 8

/* Lanes 0..r-1 on. */
static inline __m256i mask_first(size_t r)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)r),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* r < W elements at offset i, through masked loads and stores. */
static void edge(size_t i, size_t r, float *theta, float *v, float *m,
                 float *buf, const float *g, const rms_cfg *c, const coef8 *k,
                 int plain)
{
    if (r == 0)
        return;
    __m256i mk = mask_first(r);
    __m256 th = _mm256_maskload_ps(theta + i, mk);
    __m256 vv = _mm256_maskload_ps(v + i, mk);
    __m256 gg = _mm256_maskload_ps(g + i, mk);
    if (plain) {
        step8_plain(&th, &vv, gg, k);
    } else {
        __m256 mm = c->centered ? _mm256_maskload_ps(m + i, mk) : k->zero;
        __m256 bb = c->momentum > 0.0 ? _mm256_maskload_ps(buf + i, mk) : k->zero;
        step8_general(&th, &vv, &mm, &bb, gg, c, k);
        if (c->centered)
            _mm256_maskstore_ps(m + i, mk, mm);
        if (c->momentum > 0.0)
            _mm256_maskstore_ps(buf + i, mk, bb);
    }
    _mm256_maskstore_ps(theta + i, mk, th);
    _mm256_maskstore_ps(v + i, mk, vv);
}

/* The plain rule on the aligned vector at i. */
static inline void plain_at(size_t i, float *theta, float *v, const float *g, const coef8 *k)
{
    __m256 th = _mm256_load_ps(theta + i);
    __m256 vv = _mm256_loadu_ps(v + i);
    step8_plain(&th, &vv, _mm256_loadu_ps(g + i), k);
    _mm256_store_ps(theta + i, th);
    _mm256_storeu_ps(v + i, vv);
}

void rms_step_avx2(size_t n, float *theta, float *v, float *m, float *buf,
                   const float *g, const rms_cfg *c)
{
    const coef8 k = coef8_of(c);
    const int plain = rms_cfg_is_plain(c);
    /* elements before theta reaches a 32-byte boundary (floats are 4-aligned) */
    size_t head = ((32 - ((uintptr_t)theta & 31)) & 31) / sizeof(float);
    if (head > n)
        head = n;
    edge(0, head, theta, v, m, buf, g, c, &k, plain);
    size_t i = head;
    const size_t body_end = head + (n - head) / W * W;
    if (plain) {
        /* two vectors (one 64-byte line per stream) per prefetch */
        for (; i + 2 * W <= body_end; i += 2 * W) {
            rms_prefetch(theta + i);
            rms_prefetch(v + i);
            rms_prefetch(g + i);
            plain_at(i, theta, v, g, &k);
            plain_at(i + W, theta, v, g, &k);
        }
        if (i < body_end) {
            plain_at(i, theta, v, g, &k);
            i += W;
        }
    } else {
        for (; i < body_end; i += W) {
            __m256 th = _mm256_load_ps(theta + i);
            __m256 vv = _mm256_loadu_ps(v + i);
            __m256 mm = c->centered ? _mm256_loadu_ps(m + i) : k.zero;
            __m256 bb = c->momentum > 0.0 ? _mm256_loadu_ps(buf + i) : k.zero;
            step8_general(&th, &vv, &mm, &bb, _mm256_loadu_ps(g + i), c, &k);
            _mm256_store_ps(theta + i, th);
            _mm256_storeu_ps(v + i, vv);
            if (c->centered)
                _mm256_storeu_ps(m + i, mm);
            if (c->momentum > 0.0)
                _mm256_storeu_ps(buf + i, bb);
        }
    }
    edge(body_end, n - body_end, theta, v, m, buf, g, c, &k, plain);
}
