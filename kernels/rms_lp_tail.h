/* rms_lp_tail.h -- the last r < W elements of a SIMD low-precision step go
 * through zero-padded copies on the stack, so the vector code runs on whole
 * vectors (no masked 8/16-bit loads needed) and keeps the elements' global
 * indices (the random key).  Used by rms_lp_simd_impl.h. */
#ifndef RMS_LP_TAIL_H
#define RMS_LP_TAIL_H

#include <string.h>
#include "rms_lp.h"

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
