/* rms_lp_tail.h -- the last r < W elements of a SIMD low-precision step go
 * through zero-padded copies on the stack, so the vector code runs on whole
 * vectors (no masked 8/16-bit loads needed) and keeps the elements' global
 * indices (the random key); and the software prefetch of the streams.
 * Shared by rms_avx512_lp_impl.h and rms_avx2_lp_impl.h. */
#ifndef RMS_LP_TAIL_H
#define RMS_LP_TAIL_H

#include <string.h>
#include <xmmintrin.h>
#include "rms_lp.h"

/* Elements ahead that the SIMD steps prefetch theta, g and the state.  At
 * DRAM sizes on one thread the hardware prefetchers alone left the steps at
 * 0.55-0.8 of their memory roof (q8's encode pass issues no loads at all;
 * each 4 KiB page restarts a stream); 1024 elements ahead (4 KiB of theta)
 * lifted them to 0.75-0.97 in the same runs (docs/lowprec.md). */
#define LP_PREFETCH 1024

/* Prefetch the lines LP_PREFETCH elements past element i (below end) of
 * every array the step streams: theta, g and the state's (each call covers
 * 16 or 8 elements; q8's codes once per 64). */
static inline void lp_prefetch(size_t i, size_t end, const float *theta, const float *g,
                               const rms_state_lp *s)
{
    size_t k = i + LP_PREFETCH;
    if (k >= end)
        return;
    _mm_prefetch((const char *)(theta + k), _MM_HINT_T0);
    _mm_prefetch((const char *)(g + k), _MM_HINT_T0);
    if (s->v16)
        _mm_prefetch((const char *)(s->v16 + k), _MM_HINT_T0);
    if (s->m16)
        _mm_prefetch((const char *)(s->m16 + k), _MM_HINT_T0);
    if (s->buf16)
        _mm_prefetch((const char *)(s->buf16 + k), _MM_HINT_T0);
    if (s->q && k % 64 == 0)
        _mm_prefetch((const char *)(s->q + k), _MM_HINT_T0);
    if (s->m)
        _mm_prefetch((const char *)(s->m + k), _MM_HINT_T0);
    if (s->buf)
        _mm_prefetch((const char *)(s->buf + k), _MM_HINT_T0);
}

#define LP_PAD 16   /* the widest vector */

typedef struct lp_pad {
    float th[LP_PAD], g[LP_PAD], m[LP_PAD], b[LP_PAD];   /* q8: m, b in fp32 */
    uint16_t v16[LP_PAD], m16[LP_PAD], b16[LP_PAD];
    uint8_t q[LP_PAD];
} lp_pad;

/* Copy elements [i, i + r) of theta, g and the state into p (the rest 0). */
static inline void lp_pad_in(lp_pad *p, size_t i, size_t r, const float *theta,
                             const float *g, const rms_state_lp *s, int cent, int mom)
{
    memset(p, 0, sizeof *p);
    memcpy(p->th, theta + i, r * sizeof(float));
    memcpy(p->g, g + i, r * sizeof(float));
    if (s->o.type == RMS_STATE_Q8) {
        memcpy(p->q, s->q + i, r);
        if (cent)
            memcpy(p->m, s->m + i, r * sizeof(float));
        if (mom)
            memcpy(p->b, s->buf + i, r * sizeof(float));
        return;
    }
    memcpy(p->v16, s->v16 + i, r * sizeof(uint16_t));
    if (cent)
        memcpy(p->m16, s->m16 + i, r * sizeof(uint16_t));
    if (mom)
        memcpy(p->b16, s->buf16 + i, r * sizeof(uint16_t));
}

/* Copy theta and the state the vector code wrote back (q8's codes are
 * written by the block's second pass, not here). */
static inline void lp_pad_out(const lp_pad *p, size_t i, size_t r, float *theta,
                              rms_state_lp *s, int cent, int mom)
{
    memcpy(theta + i, p->th, r * sizeof(float));
    if (s->o.type == RMS_STATE_Q8) {
        if (cent)
            memcpy(s->m + i, p->m, r * sizeof(float));
        if (mom)
            memcpy(s->buf + i, p->b, r * sizeof(float));
        return;
    }
    memcpy(s->v16 + i, p->v16, r * sizeof(uint16_t));
    if (cent)
        memcpy(s->m16 + i, p->m16, r * sizeof(uint16_t));
    if (mom)
        memcpy(s->buf16 + i, p->b16, r * sizeof(uint16_t));
}

#endif
