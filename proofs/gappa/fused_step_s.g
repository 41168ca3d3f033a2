# proofs/gappa/fused_step_s.g -- rounding error of the step of the plain rule
# (fused_elem_plain), binary32, round to nearest even:
#   s = rnd(rnd(lr*g) / rnd(rnd(sqrt(vn)) + e)),  vn as in fused_step_v.g,
# against the exact S = lr*g / (sqrt(V) + e) with V = b*v + w*g^2 (exact,
# not the rounded vn) and the same float coefficients lr, e.  u = 2^-24.
# Claim: |s - S| <= 5 u |S|.  Ranges: b, w in [2^-24, 1], v in
# [2^-100, 2^80], |g| in [2^-40, 2^40], lr in [2^-30, 1], e in [2^-60, 1]
# (b*v = 0: fused_step_s0.g; g = 0 or lr = 0 give s = S = 0 exactly).
# The two hints are algebraic identities Gappa checks: they split the error
# of the quotient into the errors of numerator, denominator and division.
@rnd = float<ieee_32, ne>;
b = rnd(b_); w = rnd(w_); v = rnd(v_); g = rnd(g_); lr = rnd(lr_); e = rnd(e_);
bv rnd= b * v;
gg rnd= g * g;
og rnd= w * gg;
vn rnd= bv + og;
sq rnd= sqrt(vn);
d rnd= sq + e;
lg rnd= lr * g;
q = lg / d;
s rnd= q;
V = b * v + w * (g * g);
D = sqrt(V) + e;
LG = lr * g;
S = LG / D;
{ b in [0x1p-24, 1] /\ w in [0x1p-24, 1] /\ v in [0x1p-100, 0x1p80] /\ |g| in [0x1p-40, 0x1p40]
  /\ lr in [0x1p-30, 1] /\ e in [0x1p-60, 1]
  -> (s - S) / S in [-0x5p-24, 0x5p-24] }
(q - S) / S -> ((lg - LG) / LG - (d - D) / D) / (1 + (d - D) / D)  { LG <> 0, D <> 0, d <> 0 };
(s - S) / S -> (s - q) / q + (q - S) / S + ((s - q) / q) * ((q - S) / S)  { q <> 0, S <> 0 };
