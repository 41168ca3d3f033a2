/* rms_avx512.c -- AVX-512F intrinsics, 16 floats per vector; the same
 * shape and arithmetic as rms_avx2.c (read that file's notes): masked head up
 * to the first 64-byte boundary of theta (one cache line), aligned body,
 * masked tail.  AVX-512 masks make the edges cheap: masked-off lanes are
 * neither read nor written.  Exact sqrt and divide, no FMA, so its bits are
 * those of fused. */
#include <immintrin.h>
#include <stdint.h>
#include "rms.h"

#define W 16

typedef struct {
    __m512 lr, beta, omb, eps, mu, wd, lr_wd, bc, zero;
    __m512i sign;
} coef16;

static coef16 coef16_of(const rms_cfg *c)
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
    return q;
}

/* theta - lr*g/(sqrt(v)+eps) with v already updated: fused's order. */
static inline void step16_plain(__m512 *th, __m512 *v, __m512 g, const coef16 *k)
{
    __m512 vn = _mm512_add_ps(_mm512_mul_ps(k->beta, *v),
                              _mm512_mul_ps(k->omb, _mm512_mul_ps(g, g)));
    __m512 den = _mm512_add_ps(_mm512_sqrt_ps(vn), k->eps);
    *v = vn;
    *th = _mm512_sub_ps(*th, _mm512_div_ps(_mm512_mul_ps(k->lr, g), den));
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
    __m512 den = c->eps_in_sqrt ? _mm512_sqrt_ps(_mm512_add_ps(var, k->eps))
                                : _mm512_add_ps(_mm512_sqrt_ps(var), k->eps);
    __m512 step = _mm512_div_ps(gi, den);
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
