/* rms_fused.c -- one pass, scalar C that the compiler vectorises.  The plain
 * rule is the fast path; every option goes through the general element
 * function.  Coefficients come from rms_coef_f32_of so all float kernels
 * round the same way.  The ACSL contracts are what Frama-C proves
 * (proofs/proofs.mk); the config goes by value for the same reason as in
 * rms_ref64.c, and the element functions are inlined, so it costs nothing. */
#include <math.h>
#include "rms.h"

/* The plain loop goes in blocks of FUSED_BLOCK elements (4 lines of 64
 * bytes per stream) with a software prefetch of theta, v and g before each
 * block, RMS_PREFETCH_AHEAD bytes ahead, as the SIMD kernels do
 * (rms_prefetch.h): without it fused reached 0.85 of the memory roof at
 * n = 2^24, with it 0.96-0.98 (docs/perf.md).  A hint inside the element
 * loop would stop GCC vectorising it (a call), hence the blocks.  FUSED_HINT
 * is a no-op for the semantics (a prefetch reads nothing the program sees
 * and never faults) and expands to nothing for Frama-C, which proves the
 * blocked loops as they are compiled; FUSED_INLINE (always_inline) keeps
 * the loops inside each target clone of rms_step_fused, where they are
 * vectorised at its width. */
enum { FUSED_BLOCK = 64 };
#if defined(__x86_64__) && !defined(__FRAMAC__)
#include "rms_prefetch.h"
static inline __attribute__((always_inline)) void fused_hint(const float *theta, const float *v,
                                                             const float *g)
{
    for (int l = 0; l < FUSED_BLOCK; l += 16) {
        rms_prefetch(theta + l);
        rms_prefetch(v + l);
        rms_prefetch(g + l);
    }
}
#define FUSED_HINT(theta, v, g) fused_hint(theta, v, g)
#define FUSED_INLINE inline __attribute__((always_inline))
#else
#define FUSED_HINT(theta, v, g) ((void)0)
#define FUSED_INLINE
#endif

#ifndef RMS_PROOF_IEEE
/*@ requires valid: \valid(tp) && \valid(vp);
    requires sep: \separated(tp, vp);
    requires beta_range: 0.0 <= beta < 1.0;
    requires omb_def: omb == 1.0 - beta;
    requires eps_pos: eps > 0.0;
    requires lr_nonneg: lr >= 0.0;
    requires v_in: *vp >= 0.0;
    assigns *tp, *vp;
    ensures v_exact: *vp == vnext(beta, \old(*vp), gv);
    ensures v_nonneg: *vp >= 0.0;
    ensures v_lower: *vp >= vlow0(beta, gv);
    ensures t_exact: *tp == tnext(\old(*tp), lr, gv, *vp, eps);
    ensures t_step: \abs(*tp - \old(*tp)) <= step_max(lr, beta);
*/
#else
/*@ requires valid: \valid(tp) && \valid(vp);
    requires sep: \separated(tp, vp, &__fc_errno);
    requires dom: dom32(lr, beta, omb, eps);
    requires g_in: !\is_NaN(gv);
    requires v_in: vin32(*vp);
    assigns *tp, *vp, __fc_errno;
    ensures v_out: vout32(*vp);
*/
#endif
static inline void fused_elem_plain(float *tp, float *vp, float gv, float lr,
                                    float beta, float omb, float eps)
{
    /* Named partial results: the same float operations in the same order
     * (the vectorised loop is unchanged), but cvc5 needs the steps to show
     * v stays not-NaN in the IEEE model. */
    float bv = beta * *vp, gg = gv * gv;
    float og = omb * gg;
#ifdef RMS_PROOF_IEEE
    //@ assert bv_ok: \is_finite(bv) && \le_float((float)0.0, bv);
    //@ assert gg_ok: !\is_NaN(gg) && \le_float((float)0.0, gg);
    //@ assert og_ok: !\is_NaN(og) && \le_float((float)0.0, og);
#endif
    float vn = bv + og;
#ifndef RMS_PROOF_IEEE
    //@ assert step_v: vn == vnext(beta, *vp, gv);
    //@ assert step_lower: vn >= vlow0(beta, gv);
#endif
    float tn = *tp - lr * gv / (sqrtf(vn) + eps);
#ifndef RMS_PROOF_IEEE
    //@ assert step_t: tn == tnext(*tp, lr, gv, vn, eps);
#endif
    *vp = vn;
    *tp = tn;
}

#ifndef RMS_PROOF_IEEE
/*@ requires n_bound: n <= 0x7fffffff;
    requires valid_theta: \valid(theta + (0 .. n-1));
    requires valid_v:     \valid(v + (0 .. n-1));
    requires valid_g:     \valid_read(g + (0 .. n-1));
    requires sep: \separated(theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1));
    requires beta_range: 0.0 <= beta < 1.0;
    requires omb_def: omb == 1.0 - beta;
    requires eps_pos: eps > 0.0;
    requires lr_nonneg: lr >= 0.0;
    requires v_nonneg: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
    assigns theta[0 .. n-1], v[0 .. n-1];
    ensures v_exact: \forall integer i; 0 <= i < n ==> v[i] == vnext(beta, \old(v[i]), g[i]);
    ensures v_nonneg_post: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
    ensures v_lower: \forall integer i; 0 <= i < n ==> v[i] >= vlow0(beta, g[i]);
    ensures theta_exact: \forall integer i; 0 <= i < n ==>
      theta[i] == tnext(\old(theta[i]), lr, g[i], v[i], eps);
    ensures step_bound: \forall integer i; 0 <= i < n ==>
      \abs(theta[i] - \old(theta[i])) <= step_max(lr, beta);
*/
#else
/*@ requires n_bound: n <= 0x7fffffff;
    requires valid_theta: \valid(theta + (0 .. n-1));
    requires valid_v:     \valid(v + (0 .. n-1));
    requires valid_g:     \valid_read(g + (0 .. n-1));
    requires sep: \separated(theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), &__fc_errno);
    requires dom: dom32(lr, beta, omb, eps);
    requires g_notnan: \forall integer i; 0 <= i < n ==> !\is_NaN(g[i]);
    requires v_in: \forall integer i; 0 <= i < n ==> vin32(v[i]);
    assigns theta[0 .. n-1], v[0 .. n-1], __fc_errno;
    ensures v_out: \forall integer i; 0 <= i < n ==> vout32(v[i]);
*/
#endif
static FUSED_INLINE void fused_step_plain(size_t n, float *restrict theta, float *restrict v,
                                          const float *restrict g, float lr, float beta,
                                          float omb, float eps)
{
    size_t i0 = 0;
    /* blocks [i0, e) (FUSED_BLOCK above); the invariants of the element
     * loop hold at each block's start too */
#ifndef RMS_PROOF_IEEE
    /*@ loop invariant idx0: 0 <= i0 <= n;
        loop invariant done_v0: \forall integer k; 0 <= k < i0 ==>
          v[k] == vnext(beta, \at(v[k], Pre), g[k]);
        loop invariant done_nonneg0: \forall integer k; 0 <= k < i0 ==> v[k] >= 0.0;
        loop invariant done_lower0: \forall integer k; 0 <= k < i0 ==>
          v[k] >= vlow0(beta, g[k]);
        loop invariant done_t0: \forall integer k; 0 <= k < i0 ==>
          theta[k] == tnext(\at(theta[k], Pre), lr, g[k], v[k], eps);
        loop invariant done_step0: \forall integer k; 0 <= k < i0 ==>
          \abs(theta[k] - \at(theta[k], Pre)) <= step_max(lr, beta);
        loop invariant todo_v0: \forall integer k; i0 <= k < n ==> v[k] == \at(v[k], Pre);
        loop invariant todo_t0: \forall integer k; i0 <= k < n ==> theta[k] == \at(theta[k], Pre);
        loop assigns i0, theta[0 .. n-1], v[0 .. n-1];
        loop variant n - i0;
    */
#else
    /*@ loop invariant idx0: 0 <= i0 <= n;
        loop invariant done_out0: \forall integer k; 0 <= k < i0 ==> vout32(v[k]);
        loop invariant todo_vin0: \forall integer k; i0 <= k < n ==> vin32(v[k]);
        loop assigns i0, theta[0 .. n-1], v[0 .. n-1], __fc_errno;
        loop variant n - i0;
    */
#endif
    while (i0 < n) {
        size_t e = n - i0 > FUSED_BLOCK ? i0 + FUSED_BLOCK : n;
        FUSED_HINT(theta + i0, v + i0, g + i0);
#ifndef RMS_PROOF_IEEE
        /*@ loop invariant idx: i0 <= i <= e;
            loop invariant done_v: \forall integer k; 0 <= k < i ==>
              v[k] == vnext(beta, \at(v[k], Pre), g[k]);
            loop invariant done_nonneg: \forall integer k; 0 <= k < i ==> v[k] >= 0.0;
            loop invariant done_lower: \forall integer k; 0 <= k < i ==>
              v[k] >= vlow0(beta, g[k]);
            loop invariant done_t: \forall integer k; 0 <= k < i ==>
              theta[k] == tnext(\at(theta[k], Pre), lr, g[k], v[k], eps);
            loop invariant done_step: \forall integer k; 0 <= k < i ==>
              \abs(theta[k] - \at(theta[k], Pre)) <= step_max(lr, beta);
            loop invariant todo_v: \forall integer k; i <= k < n ==> v[k] == \at(v[k], Pre);
            loop invariant todo_t: \forall integer k; i <= k < n ==> theta[k] == \at(theta[k], Pre);
            loop assigns i, theta[0 .. n-1], v[0 .. n-1];
            loop variant e - i;
        */
#else
        /*@ loop invariant idx: i0 <= i <= e;
            loop invariant done_out: \forall integer k; 0 <= k < i ==> vout32(v[k]);
            loop invariant todo_vin: \forall integer k; i <= k < n ==> vin32(v[k]);
            loop assigns i, theta[0 .. n-1], v[0 .. n-1], __fc_errno;
            loop variant e - i;
        */
#endif
        for (size_t i = i0; i < e; i++)
            fused_elem_plain(&theta[i], &v[i], g[i], lr, beta, omb, eps);
        i0 = e;
    }
}

#ifndef RMS_PROOF_IEEE
/*@ requires valid: \valid(tp) && \valid(vp);
    requires valid_m: c.centered != 0 ==> \valid(mp);
    requires valid_b: c.momentum > 0.0 ==> \valid(bp);
    requires sep: \separated(tp, vp);
    requires sep_m: c.centered != 0 ==> \separated(mp, tp, vp);
    requires sep_b: c.momentum > 0.0 ==> \separated(bp, tp, vp);
    requires sep_mb: c.centered != 0 && c.momentum > 0.0 ==> \separated(mp, bp);
    requires coef: coef_ok(k, c);
    requires v_in: *vp >= 0.0;
    assigns *tp, *vp,
            mp[0 .. (c.centered != 0 ? 0 : -1)],
            bp[0 .. (c.momentum > 0.0 ? 0 : -1)];
    ensures v_nonneg: *vp >= 0.0;
*/
#else
/*@ // IEEE model: sqrt's argument in the centered path, every option, two
    // behaviors on the code's momentum test (as ref64_elem in rms_ref64.c).
    requires valid: \valid(tp) && \valid(vp);
    requires valid_r: \valid_read(tp);
    requires valid_m: c.centered != 0 ==> \valid(mp);
    requires sep: \separated(tp, vp, &__fc_errno);
    requires sep_m: c.centered != 0 ==> \separated(mp, tp, vp, &__fc_errno);
    requires cfg: cfg64(c);
    requires coef: coef32(k);
    requires g_in: !\is_NaN(gv);
    requires v_in: vin32(*vp);
    requires t_in: \is_finite(*tp);
    requires m_in: c.centered != 0 ==> \is_finite(*mp);
    behavior no_momentum:
      assumes no_mom: !\lt_double((double)0.0, c.momentum);
      assigns *tp, *vp, __fc_errno, mp[0 .. (c.centered != 0 ? 0 : -1)];
    behavior momentum:
      assumes mom: \lt_double((double)0.0, c.momentum);
      requires valid_b: \valid(bp) && \valid_read(bp);   // valid_read: as valid_r
      requires sep_b: \separated(bp, tp, vp, &__fc_errno);
      requires sep_mb: c.centered != 0 ==> \separated(mp, bp);
      assigns *tp, *vp, __fc_errno, mp[0 .. (c.centered != 0 ? 0 : -1)], *bp;
    complete behaviors;
    disjoint behaviors;
*/
#endif
static inline void fused_elem(float *tp, float *vp, float *mp, float *bp,
                              float gv, rms_cfg c, rms_coef_f32 k)
{
    float gi = c.maximize ? -gv : gv;
    if (c.weight_decay > 0.0 && !c.wd_decoupled)
        gi += k.wd * *tp;
    if (c.weight_decay > 0.0 && c.wd_decoupled)
        *tp -= k.lr_wd * *tp;
    float vn = k.beta * *vp + k.one_minus_beta * (gi * gi);
#ifndef RMS_PROOF_IEEE
    //@ assert vn_nonneg: vn >= 0.0;
#endif
    *vp = vn;
    float var;
    if (c.centered) {
        float mn = k.beta * *mp + k.one_minus_beta * gi;
        *mp = mn;
#ifdef RMS_PROOF_IEEE
        //@ assert m_ok: \is_finite(vn) ==> !\is_NaN(mn);
#endif
        var = vn - mn * mn;
        if (var < 0.0f)
            var = 0.0f;
#ifdef RMS_PROOF_IEEE
        /* as in ref64_elem: never negative; finite >= 0 while v' is finite */
        //@ assert clamp_nonneg: \is_NaN(var) || \le_float((float)0.0, var);
        //@ assert clamp_finite: \is_finite(vn) ==> \is_finite(var) && \le_float((float)0.0, var);
#endif
    } else {
        var = vn;
    }
    if (c.bias_correction)
        var = var * k.bc_scale;
    float den = c.eps_in_sqrt ? sqrtf(var + k.eps) : sqrtf(var) + k.eps;
    float step = gi / den;
    if (c.momentum > 0.0) {
        float s = c.lr_in_momentum ? k.lr * step : step;
        float b = k.mu * *bp + s;
        *bp = b;
        float upd = c.nesterov ? s + k.mu * b : b;
        *tp -= c.lr_in_momentum ? upd : k.lr * upd;
    } else {
        *tp -= k.lr * step;
    }
}

#ifndef RMS_PROOF_IEEE
/*@ requires n_bound: n <= 0x7fffffff;
    requires coef: coef_ok(k, c);
    requires valid_theta: \valid(theta + (0 .. n-1));
    requires valid_v:     \valid(v + (0 .. n-1));
    requires valid_g:     \valid_read(g + (0 .. n-1));
    requires valid_m:     c.centered != 0 ==> \valid(m + (0 .. n-1));
    requires valid_buf:   c.momentum > 0.0 ==> \valid(buf + (0 .. n-1));
    requires sep: \separated(theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1));
    requires sep_m: c.centered != 0 ==>
      \separated(m + (0 .. n-1), theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1));
    requires sep_b: c.momentum > 0.0 ==>
      \separated(buf + (0 .. n-1), theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1));
    requires sep_mb: c.centered != 0 && c.momentum > 0.0 ==>
      \separated(m + (0 .. n-1), buf + (0 .. n-1));
    requires v_nonneg: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
    assigns theta[0 .. n-1], v[0 .. n-1],
            m[0 .. (c.centered != 0 ? n-1 : -1)],
            buf[0 .. (c.momentum > 0.0 ? n-1 : -1)];
    ensures v_nonneg_post: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
*/
#endif
static void fused_step_opts(size_t n, float *restrict theta, float *restrict v,
                            float *restrict m, float *restrict buf,
                            const float *restrict g, rms_cfg c, rms_coef_f32 k)
{
    /*@ loop invariant idx: 0 <= i <= n;
        loop invariant done_nonneg: \forall integer k; 0 <= k < i ==> v[k] >= 0.0;
        loop invariant todo_v: \forall integer k; i <= k < n ==> v[k] == \at(v[k], Pre);
        loop assigns i, theta[0 .. n-1], v[0 .. n-1],
                     m[0 .. (c.centered != 0 ? n-1 : -1)],
                     buf[0 .. (c.momentum > 0.0 ? n-1 : -1)];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++)
        fused_elem(&theta[i], &v[i], c.centered ? &m[i] : NULL,
                   c.momentum > 0.0 ? &buf[i] : NULL, g[i], c, k);
}

/* The fused kernel is plain C, but a baseline x86-64 build only gets 4-wide
 * SSE sqrt/div, which is the compute roof in cache and below the memory roof
 * at DRAM sizes on Zen 4/5 (measured: 0.25 of the compute roof at n = 1e5,
 * 0.70 of the memory roof at 2^24).  target_clones compiles the same C for
 * AVX-512 and AVX2 too and picks one at load time (ifunc) by CPU; without
 * FMA contraction (-ffp-contract=off) every clone gives the same bits.
 * Frama-C sees the plain function: the clones are the same source. */
RMS_TARGET_CLONES
void rms_step_fused(size_t n, float *restrict theta, float *restrict v,
                    float *restrict m, float *restrict buf,
                    const float *restrict g, const rms_cfg *c)
{
    const rms_coef_f32 k = rms_coef_f32_of(c);
    if (rms_cfg_is_plain(c))
        fused_step_plain(n, theta, v, g, k.lr, k.beta, k.one_minus_beta, k.eps);
    else
        fused_step_opts(n, theta, v, m, buf, g, *c, k);
}
