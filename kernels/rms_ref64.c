/* rms_ref64.c -- the double-precision reference kernel: the oracle every
 * float variant is checked against, and the code Frama-C proves
 * (proofs/proofs.mk; the public contract is on the prototype in rms.h).
 * Kept deliberately plain: one element function per rule with its own
 * contract (the loop goals then carry no arithmetic), the config passed by
 * value (read through a pointer its fields could alias the arrays, and the
 * framing goals time out).  RMS_PROOF_IEEE picks the IEEE-model contracts. */
#include <math.h>
#include "rms.h"

#ifndef RMS_PROOF_IEEE
/*@ requires valid: \valid(tp) && \valid(vp);
    requires sep: \separated(tp, vp);
    requires beta_range: 0.0 <= beta < 1.0;
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
#elif defined(RMS_PROOF_BOUNDED)
/*@ requires valid: \valid(tp) && \valid(vp);
    requires sep: \separated(tp, vp, &__fc_errno);
    requires dom: bdom64(lr, beta, eps);
    requires g_in: bg64(gv);
    requires v_in: bv64(*vp);
    requires t_in: bt64(*tp);
    assigns *tp, *vp, __fc_errno;
    ensures v_fin: \is_finite(*vp);
    ensures v_out: vout64(*vp);
    ensures t_fin: \is_finite(*tp);
*/
#else
/*@ requires valid: \valid(tp) && \valid(vp);
    requires sep: \separated(tp, vp, &__fc_errno);
    requires dom: dom64(lr, beta, eps);
    requires g_in: !\is_NaN(gv);
    requires v_in: vin64(*vp);
    assigns *tp, *vp, __fc_errno;
    ensures v_out: vout64(*vp);
*/
#endif
static void ref64_elem_plain(double *tp, double *vp, double gv, double lr,
                             double beta, double eps)
{
    /* Locals, not updates in place: the asserts then speak of plain values
     * and the provers need no memory reasoning (same operations, same order). */
    double vn = beta * *vp + (1.0 - beta) * gv * gv;
#ifndef RMS_PROOF_IEEE
    //@ assert step_v: vn == vnext(beta, *vp, gv);
    //@ assert step_lower: vn >= vlow0(beta, gv);
#elif defined(RMS_PROOF_BOUNDED)
    //@ assert v_ok: \is_finite(vn) && vout64(vn);  // v_out, from a short context
#endif
    double tn = *tp - lr * gv / (sqrt(vn) + eps);
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
#elif defined(RMS_PROOF_BOUNDED)
/*@ requires n_bound: n <= 0x7fffffff;
    requires valid_theta: \valid(theta + (0 .. n-1));
    requires valid_v:     \valid(v + (0 .. n-1));
    requires valid_g:     \valid_read(g + (0 .. n-1));
    requires sep: \separated(theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), &__fc_errno);
    requires dom: bdom64(lr, beta, eps);
    requires g_in: \forall integer i; 0 <= i < n ==> bg64(g[i]);
    requires v_in: \forall integer i; 0 <= i < n ==> bv64(v[i]);
    requires t_in: \forall integer i; 0 <= i < n ==> bt64(theta[i]);
    assigns theta[0 .. n-1], v[0 .. n-1], __fc_errno;
    ensures v_out: \forall integer i; 0 <= i < n ==> vout64(v[i]);
    ensures v_fin: \forall integer i; 0 <= i < n ==> \is_finite(v[i]);
    ensures t_fin: \forall integer i; 0 <= i < n ==> \is_finite(theta[i]);
*/
#else
/*@ requires n_bound: n <= 0x7fffffff;
    requires valid_theta: \valid(theta + (0 .. n-1));
    requires valid_v:     \valid(v + (0 .. n-1));
    requires valid_g:     \valid_read(g + (0 .. n-1));
    requires sep: \separated(theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), &__fc_errno);
    requires dom: dom64(lr, beta, eps);
    requires g_notnan: \forall integer i; 0 <= i < n ==> !\is_NaN(g[i]);
    requires v_in: \forall integer i; 0 <= i < n ==> vin64(v[i]);
    assigns theta[0 .. n-1], v[0 .. n-1], __fc_errno;
    ensures v_out: \forall integer i; 0 <= i < n ==> vout64(v[i]);
*/
#endif
static void ref64_step_plain(size_t n, double *theta, double *v,
                             const double *g, double lr, double beta, double eps)
{
#ifndef RMS_PROOF_IEEE
    /*@ loop invariant idx: 0 <= i <= n;
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
        loop variant n - i;
    */
#elif defined(RMS_PROOF_BOUNDED)
    /*@ loop invariant idx: 0 <= i <= n;
        loop invariant done_out: \forall integer k; 0 <= k < i ==> vout64(v[k]);
        loop invariant done_fin: \forall integer k; 0 <= k < i ==>
          \is_finite(v[k]) && \is_finite(theta[k]);
        loop invariant todo_v: \forall integer k; i <= k < n ==> bv64(v[k]);
        loop invariant todo_t: \forall integer k; i <= k < n ==> bt64(theta[k]);
        loop assigns i, theta[0 .. n-1], v[0 .. n-1], __fc_errno;
        loop variant n - i;
    */
#else
    /*@ loop invariant idx: 0 <= i <= n;
        loop invariant done_out: \forall integer k; 0 <= k < i ==> vout64(v[k]);
        loop invariant todo_vin: \forall integer k; i <= k < n ==> vin64(v[k]);
        loop assigns i, theta[0 .. n-1], v[0 .. n-1], __fc_errno;
        loop variant n - i;
    */
#endif
    for (size_t i = 0; i < n; i++)
        ref64_elem_plain(&theta[i], &v[i], g[i], lr, beta, eps);
}

#ifndef RMS_PROOF_IEEE
/*@ requires valid: \valid(tp) && \valid(vp);
    requires valid_m: c.centered != 0 ==> \valid(mp);
    requires valid_b: c.momentum > 0.0 ==> \valid(bp);
    requires sep: \separated(tp, vp);
    requires sep_m: c.centered != 0 ==> \separated(mp, tp, vp);
    requires sep_b: c.momentum > 0.0 ==> \separated(bp, tp, vp);
    requires sep_mb: c.centered != 0 && c.momentum > 0.0 ==> \separated(mp, bp);
    requires cfg: cfg_ok(c);
    requires v_in: *vp >= 0.0;
    assigns *tp, *vp,
            mp[0 .. (c.centered != 0 ? 0 : -1)],
            bp[0 .. (c.momentum > 0.0 ? 0 : -1)];
    ensures v_exact: *vp == vnext(c.beta, \old(*vp), geff(c, gv, \old(*tp)));
    ensures v_nonneg: *vp >= 0.0;
    ensures v_lower: *vp >= vlow(c, gv, \old(*tp));
*/
#else
/*@ // IEEE model: sqrt's argument in the centered path, every option.  Two
    // behaviors on the code's own test (c.momentum > 0.0 is lt_f64 there),
    // so each frame is exact and Qed matches the branch with the behavior.
    // valid_r is implied by valid; stated, it lets Qed close the last read
    // of *tp, whose context makes cvc5 run out of memory (std::bad_alloc).
    requires valid: \valid(tp) && \valid(vp);
    requires valid_r: \valid_read(tp);
    requires valid_m: c.centered != 0 ==> \valid(mp);
    requires sep: \separated(tp, vp, &__fc_errno);
    requires sep_m: c.centered != 0 ==> \separated(mp, tp, vp, &__fc_errno);
    requires cfg: cfg64(c);
    requires g_in: !\is_NaN(gv);
    requires v_in: vin64(*vp);
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
static void ref64_elem(double *tp, double *vp, double *mp, double *bp,
                       double gv, rms_cfg c)
{
    double gi = c.maximize ? -gv : gv;
    if (c.weight_decay > 0.0 && !c.wd_decoupled)
        gi += c.weight_decay * *tp;
#ifndef RMS_PROOF_IEEE
    //@ assert gi_def: gi == geff(c, gv, \at(*tp, Pre));
#endif
    if (c.weight_decay > 0.0 && c.wd_decoupled)
        *tp -= c.lr * c.weight_decay * *tp;
    *vp = c.beta * *vp + (1.0 - c.beta) * gi * gi;
#ifndef RMS_PROOF_IEEE
    //@ assert step_v: *vp == vnext(c.beta, \at(*vp, Pre), gi);
    //@ assert step_lower: *vp >= (1.0 - c.beta) * gi * gi;
    //@ assert step_nonneg: *vp >= 0.0;
#endif
    double var;
    if (c.centered) {
        *mp = c.beta * *mp + (1.0 - c.beta) * gi;
#ifdef RMS_PROOF_IEEE
        //@ assert m_ok: \is_finite(*vp) ==> !\is_NaN(*mp);
#endif
        var = *vp - *mp * *mp;
        if (var < 0.0)
            var = 0.0;   /* rounding can make v - m^2 negative: never sqrt it */
#ifdef RMS_PROOF_IEEE
        /* IEEE: never negative; a NaN only from +inf - +inf (v' overflowed):
         * for a finite v' the clamped variance is a finite number >= 0. */
        //@ assert clamp_nonneg: \is_NaN(var) || \le_double((double)0.0, var);
        //@ assert clamp_finite: \is_finite(*vp) ==> \is_finite(var) && \le_double((double)0.0, var);
#endif
    } else {
        var = *vp;
    }
    if (c.bias_correction)
        var = var * c.bc_scale;
    double den = c.eps_in_sqrt ? sqrt(var + c.eps) : sqrt(var) + c.eps;
    double step = gi / den;
    if (c.momentum > 0.0) {
        double s = c.lr_in_momentum ? c.lr * step : step;
        *bp = c.momentum * *bp + s;
        double upd = c.nesterov ? s + c.momentum * *bp : *bp;
        *tp -= c.lr_in_momentum ? upd : c.lr * upd;
    } else {
        *tp -= c.lr * step;
    }
}

#ifndef RMS_PROOF_IEEE
/*@ requires n_bound: n <= 0x7fffffff;
    requires cfg: cfg_ok(c);
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
    ensures v_exact: \forall integer i; 0 <= i < n ==>
      v[i] == vnext(c.beta, \old(v[i]), geff(c, g[i], \old(theta[i])));
    ensures v_nonneg_post: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
    ensures v_lower: \forall integer i; 0 <= i < n ==>
      v[i] >= vlow(c, g[i], \old(theta[i]));
*/
#endif
static void ref64_step_opts(size_t n, double *theta, double *v, double *m,
                            double *buf, const double *g, rms_cfg c)
{
    /*@ loop invariant idx: 0 <= i <= n;
        loop invariant done_v: \forall integer k; 0 <= k < i ==>
          v[k] == vnext(c.beta, \at(v[k], Pre), geff(c, g[k], \at(theta[k], Pre)));
        loop invariant done_nonneg: \forall integer k; 0 <= k < i ==> v[k] >= 0.0;
        loop invariant done_lower: \forall integer k; 0 <= k < i ==>
          v[k] >= vlow(c, g[k], \at(theta[k], Pre));
        loop invariant todo_v: \forall integer k; i <= k < n ==> v[k] == \at(v[k], Pre);
        loop invariant todo_t: \forall integer k; i <= k < n ==> theta[k] == \at(theta[k], Pre);
        loop assigns i, theta[0 .. n-1], v[0 .. n-1],
                     m[0 .. (c.centered != 0 ? n-1 : -1)],
                     buf[0 .. (c.momentum > 0.0 ? n-1 : -1)];
        loop variant n - i;
    */
    for (size_t i = 0; i < n; i++) {
        double *mi = c.centered ? &m[i] : NULL;
        double *bi = c.momentum > 0.0 ? &buf[i] : NULL;
        ref64_elem(&theta[i], &v[i], mi, bi, g[i], c);
    }
}

void rms_step_ref64(size_t n, double *theta, double *v, double *m, double *buf,
                    const double *g, const rms_cfg *c)
{
    if (rms_cfg_is_plain(c))
        ref64_step_plain(n, theta, v, g, c->lr, c->beta, c->eps);
    else
        ref64_step_opts(n, theta, v, m, buf, g, *c);
}
