# proofs/gappa/fused_step_v0.g -- the v update of fused_step_v.g when b*v = 0
# (v = 0, the usual first step, or beta = 0): then rnd(b*v) = +0 exactly and
# vn = rnd(0 + og) = rnd(og), the expression below; V = w*g^2.  Same claim:
# |vn - V| <= (3 + 2^-16) u V, for w in [2^-24, 1], |g| in [2^-40, 2^40]
# (g = 0 too gives vn = V = 0).
@rnd = float<ieee_32, ne>;
w = rnd(w_); g = rnd(g_);
gg rnd= g * g;
og rnd= w * gg;
vn rnd= og;
V = w * (g * g);
{ w in [0x1p-24, 1] /\ |g| in [0x1p-40, 0x1p40]
  -> (vn - V) / V in [-0x3.0001p-24, 0x3.0001p-24] }
