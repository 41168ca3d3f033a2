# proofs/gappa/fused_step_v.g -- rounding error of the float v update of the
# plain rule (fused_elem_plain in kernels/rms_fused.c), binary32, round to
# nearest even:  vn = rnd(rnd(b*v) + rnd(w*rnd(g*g)))  against the exact
# V = b*v + w*g^2 with the same float coefficients b = (float)beta,
# w = (float)(1 - beta).  u = 2^-24.  Claim: |vn - V| <= (3 + 2^-16) u V.
# Ranges (stated in kernels/rms.h and proofs/RESULTS.md): b and w in
# [2^-24, 1], v = 0 or v in [2^-100, 2^80], g = 0 or |g| in [2^-40, 2^40];
# b*v = 0 (v = 0, b = 0) is fused_step_v0.g, g = 0 fused_step_vg0.g.
@rnd = float<ieee_32, ne>;
b = rnd(b_); w = rnd(w_); v = rnd(v_); g = rnd(g_);
bv rnd= b * v;
gg rnd= g * g;
og rnd= w * gg;
vn rnd= bv + og;
V = b * v + w * (g * g);
{ b in [0x1p-24, 1] /\ w in [0x1p-24, 1] /\ v in [0x1p-100, 0x1p80] /\ |g| in [0x1p-40, 0x1p40]
  -> (vn - V) / V in [-0x3.0001p-24, 0x3.0001p-24] }
