# proofs/gappa/fused_step_vg0.g -- the v update of fused_step_v.g when g = 0:
# then rnd(g*g) = rnd(w*0) = +0 and vn = rnd(rnd(b*v) + 0) = rnd(b*v), the
# expression below; V = b*v.  Same claim |vn - V| <= (3 + 2^-16) u V, for
# b in [2^-24, 1], v in [2^-100, 2^80] (v = 0 or b = 0 too: vn = V = 0).
@rnd = float<ieee_32, ne>;
b = rnd(b_); v = rnd(v_);
vn rnd= b * v;
V = b * v;
{ b in [0x1p-24, 1] /\ v in [0x1p-100, 0x1p80]
  -> (vn - V) / V in [-0x3.0001p-24, 0x3.0001p-24] }
