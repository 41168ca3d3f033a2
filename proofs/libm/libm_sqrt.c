/* proofs/libm/libm_sqrt.c -- the IEEE-termed sqrt contract of
 * proofs/logic/rms_libm.acsl follows from IEEE 754's correctly rounded
 * square root: ACSL's sqrt on a double is that (round to nearest of the real
 * square root), and these lemmas prove each ensures clause of the contract
 * from it (target libm-sqrt-ieee, cvc5 on the bit-level IEEE model).  Only
 * Frama-C reads this file.  What stays assumed: that libm's sqrt IS the
 * correctly rounded one (glibc on x86-64 and AArch64: sqrtsd / fsqrt). */
/*@ lemma sqrt_finite_nonneg: \forall double x;
      \is_finite(x) && \le_double((double)0.0, x) ==>
      \is_finite(sqrt(x)) && \le_double((double)0.0, sqrt(x));
    lemma sqrt_below_max1x: \forall double x;
      \is_finite(x) && \le_double((double)0.0, x) ==>
      \le_double(sqrt(x), x) || \le_double(sqrt(x), (double)1.0);
*/
