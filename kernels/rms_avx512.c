/* rms_avx512.c -- AVX-512F intrinsics, 16 floats per vector; the same
 * shape and arithmetic as rms_avx2.c (read that file's notes): masked head up
 * to the first 64-byte boundary of theta (one cache line), aligned body,
 * masked tail.  AVX-512 masks make the edges cheap: masked-off lanes are
 * neither read nor written.  Exact sqrt and divide, no FMA, so its bits are
 * those of fused. */
#include <immintrin.h>
#include <stdint.h>
#include "rms.h"
#include "rms_prefetch.h"
#include "rms_avx512_step.h"

#define W 16

/* Lanes 0..r-1 on. */
static inline __mmask16 mask_first(size_t r)
{
    return (__mmask16)((1u << r) - 1u);
}

/* r < W elements at offset i, through masked loads and stores. */
static void edge(size_t i, size_t r, float *theta, float *v, float *m,
                 float *buf, const float *g, const rms_cfg *c, const coef16 *k,
                 int plain)
{
    if (r == 0)
        return;
    __mmask16 mk = mask_first(r);
    __m512 th = _mm512_maskz_loadu_ps(mk, theta + i);
    __m512 vv = _mm512_maskz_loadu_ps(mk, v + i);
    __m512 gg = _mm512_maskz_loadu_ps(mk, g + i);
    if (plain) {
        step16_plain(&th, &vv, gg, k);
    } else {
        __m512 mm = c->centered ? _mm512_maskz_loadu_ps(mk, m + i) : k->zero;
        __m512 bb = c->momentum > 0.0 ? _mm512_maskz_loadu_ps(mk, buf + i) : k->zero;
        step16_general(&th, &vv, &mm, &bb, gg, c, k);
        if (c->centered)
            _mm512_mask_storeu_ps(m + i, mk, mm);
        if (c->momentum > 0.0)
            _mm512_mask_storeu_ps(buf + i, mk, bb);
    }
    _mm512_mask_storeu_ps(theta + i, mk, th);
    _mm512_mask_storeu_ps(v + i, mk, vv);
}

void rms_step_avx512(size_t n, float *theta, float *v, float *m, float *buf,
                   const float *g, const rms_cfg *c)
{
    const coef16 k = coef16_of(c);
    const int plain = rms_cfg_is_plain(c);
    /* elements before theta reaches a 64-byte boundary (floats are 4-aligned) */
    size_t head = ((64 - ((uintptr_t)theta & 63)) & 63) / sizeof(float);
    if (head > n)
        head = n;
    edge(0, head, theta, v, m, buf, g, c, &k, plain);
    size_t i = head;
    const size_t body_end = head + (n - head) / W * W;
    if (plain) {
        for (; i < body_end; i += W) {
            rms_prefetch(theta + i);
            rms_prefetch(v + i);
            rms_prefetch(g + i);
            __m512 th = _mm512_load_ps(theta + i);
            __m512 vv = _mm512_loadu_ps(v + i);
            step16_plain(&th, &vv, _mm512_loadu_ps(g + i), &k);
            _mm512_store_ps(theta + i, th);
            _mm512_storeu_ps(v + i, vv);
        }
    } else {
        for (; i < body_end; i += W) {
            __m512 th = _mm512_load_ps(theta + i);
            __m512 vv = _mm512_loadu_ps(v + i);
            __m512 mm = c->centered ? _mm512_loadu_ps(m + i) : k.zero;
            __m512 bb = c->momentum > 0.0 ? _mm512_loadu_ps(buf + i) : k.zero;
            step16_general(&th, &vv, &mm, &bb, _mm512_loadu_ps(g + i), c, &k);
            _mm512_store_ps(theta + i, th);
            _mm512_storeu_ps(v + i, vv);
            if (c->centered)
                _mm512_storeu_ps(m + i, mm);
            if (c->momentum > 0.0)
                _mm512_storeu_ps(buf + i, bb);
        }
    }
    edge(body_end, n - body_end, theta, v, m, buf, g, c, &k, plain);
}
