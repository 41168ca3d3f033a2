/* rms_avx512_step.h -- the AVX512 arithmetic of one RMSProp step on 16
 * lanes (coefficients, plain and general update), shared by rms_avx512.c and
 * the low-precision state kernel rms_avx512_lp.c so both keep fused's order.
 * Include only from files built with the AVX512 flags. */
#ifndef RMS_AVX512_STEP_H
#define RMS_AVX512_STEP_H

#include <immintrin.h>
#include <stdint.h>
#include "rms.h"

/* The quotient a / (sqrt(x) + eps), or a / sqrt(x) when eps_in_sqrt (then x
 * is var + eps already): exact here.  A file may define STEP16_QUOT(a, x,
 * ein, k) before including this header to put another quotient into the
 * same update (rms_avx512_fast.c: its rsqrt + Newton quotient, for the
 * low-precision state step), with STEP16_COEF_EXTRA (members added to
 * coef16) and STEP16_COEF_EXTRA_OF(q, c) (setting them). */
#ifndef STEP16_QUOT
#define STEP16_QUOT(a, x, ein, k)                                              \
    ((ein) ? _mm512_div_ps(a, _mm512_sqrt_ps(x)) : _mm512_div_ps(a, _mm512_add_ps(_mm512_sqrt_ps(x), (k)->eps)))
#endif
#ifndef STEP16_COEF_EXTRA
#define STEP16_COEF_EXTRA
#define STEP16_COEF_EXTRA_OF(q, c) ((void)0)
#endif

typedef struct {
    __m512 lr, beta, omb, eps, mu, wd, lr_wd, bc, zero;
    __m512i sign;
    STEP16_COEF_EXTRA
} coef16;

static inline coef16 coef16_of(const rms_cfg *c)
{
    rms_coef_f32 k = rms_coef_f32_of(c);
    coef16 q;
    q.lr = _mm512_set1_ps(k.lr);
    q.beta = _mm512_set1_ps(k.beta);
    q.omb = _mm512_set1_ps(k.one_minus_beta);
    q.eps = _mm512_set1_ps(k.eps);
    q.mu = _mm512_set1_ps(k.mu);
    q.wd = _mm512_set1_ps(k.wd);
    q.lr_wd = _mm512_set1_ps(k.lr_wd);
    q.bc = _mm512_set1_ps(k.bc_scale);
    q.zero = _mm512_setzero_ps();
    q.sign = _mm512_set1_epi32(INT32_MIN);
    STEP16_COEF_EXTRA_OF(q, c);
    return q;
}

/* theta - lr*g/(sqrt(v)+eps) with v already updated: fused's order. */
static inline void step16_plain(__m512 *th, __m512 *v, __m512 g, const coef16 *k)
{
    __m512 vn = _mm512_add_ps(_mm512_mul_ps(k->beta, *v),
                              _mm512_mul_ps(k->omb, _mm512_mul_ps(g, g)));
    *v = vn;
    *th = _mm512_sub_ps(*th, STEP16_QUOT(_mm512_mul_ps(k->lr, g), vn, 0, k));
}

/* Every option, in the order of rms.h (and of fused_elem). */
static inline void step16_general(__m512 *th, __m512 *v, __m512 *m, __m512 *b,
                                 __m512 g, const rms_cfg *c, const coef16 *k)
{
    __m512 gi = c->maximize
        ? _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(g), k->sign))
        : g;
    if (c->weight_decay > 0.0 && !c->wd_decoupled)
        gi = _mm512_add_ps(gi, _mm512_mul_ps(k->wd, *th));
    if (c->weight_decay > 0.0 && c->wd_decoupled)
        *th = _mm512_sub_ps(*th, _mm512_mul_ps(k->lr_wd, *th));
    __m512 vn = _mm512_add_ps(_mm512_mul_ps(k->beta, *v),
                              _mm512_mul_ps(k->omb, _mm512_mul_ps(gi, gi)));
    *v = vn;
    __m512 var = vn;
    if (c->centered) {
        __m512 mn = _mm512_add_ps(_mm512_mul_ps(k->beta, *m),
                                  _mm512_mul_ps(k->omb, gi));
        *m = mn;
        /* max(0, x) keeps a NaN x, as fused's `if (var < 0) var = 0` does */
        var = _mm512_max_ps(k->zero, _mm512_sub_ps(vn, _mm512_mul_ps(mn, mn)));
    }
    if (c->bias_correction)
        var = _mm512_mul_ps(var, k->bc);
    __m512 step = c->eps_in_sqrt ? STEP16_QUOT(gi, _mm512_add_ps(var, k->eps), 1, k)
                               : STEP16_QUOT(gi, var, 0, k);
    if (c->momentum > 0.0) {
        __m512 s = c->lr_in_momentum ? _mm512_mul_ps(k->lr, step) : step;
        __m512 bn = _mm512_add_ps(_mm512_mul_ps(k->mu, *b), s);
        *b = bn;
        __m512 upd = c->nesterov ? _mm512_add_ps(s, _mm512_mul_ps(k->mu, bn)) : bn;
        *th = _mm512_sub_ps(*th, c->lr_in_momentum ? upd : _mm512_mul_ps(k->lr, upd));
    } else {
        *th = _mm512_sub_ps(*th, _mm512_mul_ps(k->lr, step));
    }
}

#endif
