/* proofs/gappa-fast/newton_link.c -- the algebra that links the Gappa
 * scripts of this folder to sqrt: only Frama-C reads this file (target
 * fast-newton-link, z3 through proofs/why3/z3-nla.drv, which needs the lemma
 * to be the only one in its file).  sqrt(x) appears as sx with sx > 0 and
 * sx^2 = x, which is all the identity uses.  With s = r0 sx (the estimate's
 * accuracy) and y = eps / sx, the exact Newton-and-eps chain of
 * kernels/rms_fast_impl.h, W = r0 (3 - r0 (x r0 + 2 eps)), satisfies
 *   W (sqrt(x) + eps) / 2 = s (3 - s^2 - 2 y s) (1 + y) / 2   (fast_alg*.g's N),
 *   1 - x r0^2 = 1 - s^2  and  eps r0 = y s   (fast_round*.g's hypotheses). */
/*@ lemma newton_link: \forall real x, sx, r0, eps;
      sx > 0.0 && sx * sx == x ==>
      (r0 * (3.0 - r0 * (x * r0 + 2.0 * eps))) * (sx + eps) / 2.0 ==
        (r0 * sx) * (3.0 - (r0 * sx) * (r0 * sx) - 2.0 * (eps / sx) * (r0 * sx)) *
        (1.0 + eps / sx) / 2.0 &&
      1.0 - x * r0 * r0 == 1.0 - (r0 * sx) * (r0 * sx) &&
      eps * r0 == (eps / sx) * (r0 * sx);
*/
