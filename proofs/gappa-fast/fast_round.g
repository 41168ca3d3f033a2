# proofs/gappa-fast/fast_round.g -- the roundings of the fast kernels'
# quotient (kernels/rms_fast_impl.h, FN(recip2) and FN(quotient)), binary32,
# round to nearest even, with FMA, for both estimates (the hypotheses on E
# and eps r0 below are AVX2 rsqrtps's, |r0 sqrt(x) - 1| <= 1.5 * 2^-12, which
# contain AVX-512 rsqrt14's).
# The C it models (prove.sh checks each quoted line is in the file verbatim,
# so an edit of these lines fails this goal until the script is re-derived):
# C kernels/rms_fast_impl.h:    VT t = V_FMA(x, r0, eps2);                  /* x r0 + 2 eps */
# C kernels/rms_fast_impl.h:    return V_MUL(r0, V_FNMA(t, r0, k->three));   /* r0 (3 - r0 t) */
# C kernels/rms_fast_impl.h:    q.three = V_SET1(3.0f);
# C kernels/rms_fast_impl.h:    q.two_eps = V_SET1(2.0f * k.eps);
# C kernels/rms_fast_impl.h:    q.half = V_SET1(0.5f);
# C kernels/rms_fast_impl.h:    VT q = V_MUL(a, V_MUL(k->half, FN(recip2)(x, eps_in_sqrt ? k->zero : k->two_eps, k)));
# C kernels/rms_fast_impl.h:    q.lr_half = V_SET1(0.5f * k.lr);   /* exact: a power-of-two scaling */
# C kernels/rms_fast_impl.h:    VT est = V_FNMA(V_MUL(k->lr_half, g), FN(recip2)(vn, k->two_eps, k), *th);
#   t = rnd(x r0 + 2 eps), f = rnd(3 - t r0), w = rnd(r0 f),
#   hw = rnd(w / 2) (exact), q = rnd(a hw)            (general path),
# and the plain rule's product (lr/2 g) w, not rounded before the FNMA,
# has hw's error plus lr g's rounding.  Against the same chain in exact
# arithmetic W = r0 (3 - r0 (x r0 + 2 eps)), Q = a W / 2.
# Claims: |w - W| <= 0x2.808p-24 |W| and |q - Q| <= 0x3.808p-24 |Q|.
# Hypotheses: x in [2^-126, FLT_MAX] (normal: other lanes take the exact
# path), E = 1 - x r0^2 and eps r0 as implied by the estimate and the range
# check (newton_link.c and fast_alg*.g: E = 1 - s^2, eps r0 = y s with
# s = r0 sqrt(x) in [1 - 1.5 * 2^-12, 1 + 1.5 * 2^-12] (or 2^-14),
# y = eps/sqrt(x) <= 2^-12 (1 + 2^-23)),
# r0 in [2^-65, 2^64] (r0 = s/sqrt(x)), eps in [0, 1] (0: eps inside the
# root), |a| in [2^-60, 2^62] (q stays normal).  u = 2^-24.
@rnd = float<ieee_32, ne>;
x = rnd(x_); r0 = rnd(r0_); eps = rnd(eps_); a = rnd(a_);
t = rnd(x * r0 + 2 * eps);
f = rnd(3 - t * r0);
w = rnd(r0 * f);
hw = rnd(0.5 * w);
q = rnd(a * hw);
E = 1 - x * r0 * r0;
T = x * r0 + 2 * eps;
F = 3 - T * r0;
W = r0 * F;
Q = a * (0.5 * W);
{ x in [0x1p-126, 0x1.fffffep127] /\ |a| in [0x1p-60, 0x1p62] /\ eps in [0, 1]
  /\ r0 in [0x1p-65, 0x1p64]
  /\ E in [-0x3.0024p-12, 0x3p-12]
  /\ eps * r0 in [0, 0x1.0019p-12]
  -> (w - W) / W in [-0x2.808p-24, 0x2.808p-24] /\ (q - Q) / Q in [-0x3.808p-24, 0x3.808p-24] }
# algebraic identities Gappa checks; they split each error into its parts
T * r0 -> (1 - E) + 2 * (eps * r0);
F -> 2 + E - 2 * (eps * r0);
3 - t * r0 -> F - ((t - T) / T) * (T * r0)  { T <> 0 };
f - F -> (f - (3 - t * r0)) - ((t - T) / T) * (T * r0)  { T <> 0 };
(w - W) / W -> (w - r0 * f) / (r0 * f) + (f - F) / F + ((w - r0 * f) / (r0 * f)) * ((f - F) / F)  { r0 * f <> 0, F <> 0, r0 <> 0 };
W -> r0 * F;
a * hw -> Q * (1 + (hw - 0.5 * W) / (0.5 * W))  { W <> 0 };
(hw - 0.5 * W) / (0.5 * W) -> (hw - 0.5 * w) / (0.5 * w) + (w - W) / W + ((hw - 0.5 * w) / (0.5 * w)) * ((w - W) / W)  { w <> 0, W <> 0 };
(q - Q) / Q -> (q - a * hw) / (a * hw) + (hw - 0.5 * W) / (0.5 * W) + ((q - a * hw) / (a * hw)) * ((hw - 0.5 * W) / (0.5 * W))  { a * hw <> 0, W <> 0, a <> 0 };
