/* rms_avx2_step.h -- the AVX2 arithmetic of one RMSProp step on 8
 * lanes (coefficients, plain and general update), shared by rms_avx2.c and
 * the low-precision state kernel rms_avx2_lp.c so both keep fused's order.
 * Include only from files built with the AVX2 flags. */
#ifndef RMS_AVX2_STEP_H
#define RMS_AVX2_STEP_H

#include <immintrin.h>
#include <stdint.h>
#include "rms.h"

/* The quotient a / (sqrt(x) + eps), or a / sqrt(x) when eps_in_sqrt (then x
 * is var + eps already): exact.  (No other quotient goes in at this width:
 * avx2_fast's state step is this one, docs/lowprec.md says why.) */
#define STEP8_QUOT(a, x, ein, k)                                              \
    ((ein) ? _mm256_div_ps(a, _mm256_sqrt_ps(x)) : _mm256_div_ps(a, _mm256_add_ps(_mm256_sqrt_ps(x), (k)->eps)))

typedef struct {
    __m256 lr, beta, omb, eps, mu, wd, lr_wd, bc, zero, sign;
} coef8;

static inline coef8 coef8_of(const rms_cfg *c)
{
    rms_coef_f32 k = rms_coef_f32_of(c);
    coef8 q;
    q.lr = _mm256_set1_ps(k.lr);
    q.beta = _mm256_set1_ps(k.beta);
    q.omb = _mm256_set1_ps(k.one_minus_beta);
    q.eps = _mm256_set1_ps(k.eps);
    q.mu = _mm256_set1_ps(k.mu);
    q.wd = _mm256_set1_ps(k.wd);
    q.lr_wd = _mm256_set1_ps(k.lr_wd);
    q.bc = _mm256_set1_ps(k.bc_scale);
    q.zero = _mm256_setzero_ps();
    q.sign = _mm256_set1_ps(-0.0f);
    return q;
}

/* theta - lr*g/(sqrt(v)+eps) with v already updated: fused's order. */
static inline void step8_plain(__m256 *th, __m256 *v, __m256 g, const coef8 *k)
{
    __m256 vn = _mm256_add_ps(_mm256_mul_ps(k->beta, *v),
                              _mm256_mul_ps(k->omb, _mm256_mul_ps(g, g)));
    *v = vn;
    *th = _mm256_sub_ps(*th, STEP8_QUOT(_mm256_mul_ps(k->lr, g), vn, 0, k));
}

/* Every option, in the order of rms.h (and of fused_elem). */
static inline void step8_general(__m256 *th, __m256 *v, __m256 *m, __m256 *b,
                                 __m256 g, const rms_cfg *c, const coef8 *k)
{
    __m256 gi = c->maximize ? _mm256_xor_ps(g, k->sign) : g;
    if (c->weight_decay > 0.0 && !c->wd_decoupled)
        gi = _mm256_add_ps(gi, _mm256_mul_ps(k->wd, *th));
    if (c->weight_decay > 0.0 && c->wd_decoupled)
        *th = _mm256_sub_ps(*th, _mm256_mul_ps(k->lr_wd, *th));
    __m256 vn = _mm256_add_ps(_mm256_mul_ps(k->beta, *v),
                              _mm256_mul_ps(k->omb, _mm256_mul_ps(gi, gi)));
    *v = vn;
    __m256 var = vn;
    if (c->centered) {
        __m256 mn = _mm256_add_ps(_mm256_mul_ps(k->beta, *m),
                                  _mm256_mul_ps(k->omb, gi));
        *m = mn;
        /* max(0, x) keeps a NaN x, as fused's `if (var < 0) var = 0` does */
        var = _mm256_max_ps(k->zero, _mm256_sub_ps(vn, _mm256_mul_ps(mn, mn)));
    }
    if (c->bias_correction)
        var = _mm256_mul_ps(var, k->bc);
    __m256 step = c->eps_in_sqrt ? STEP8_QUOT(gi, _mm256_add_ps(var, k->eps), 1, k)
                               : STEP8_QUOT(gi, var, 0, k);
    if (c->momentum > 0.0) {
        __m256 s = c->lr_in_momentum ? _mm256_mul_ps(k->lr, step) : step;
        __m256 bn = _mm256_add_ps(_mm256_mul_ps(k->mu, *b), s);
        *b = bn;
        __m256 upd = c->nesterov ? _mm256_add_ps(s, _mm256_mul_ps(k->mu, bn)) : bn;
        *th = _mm256_sub_ps(*th, c->lr_in_momentum ? upd : _mm256_mul_ps(k->lr, upd));
    } else {
        *th = _mm256_sub_ps(*th, _mm256_mul_ps(k->lr, step));
    }
}

#endif
