# proofs/gappa/fused_step_theta.g -- the last rounding of the plain rule,
# theta' = rnd(theta - s) with theta and s binary32: its error is at most
# u |theta - s| (u = 2^-24) when theta - s is normal, and zero when it is
# below 2^-126 (a difference of two floats that small is a float).  With
# |s - S| <= 5 u |S| (fused_step_s.g) this gives, for Theta = theta - S,
#   |theta' - Theta| <= u |theta| + (6 + 5u) u |S|
# (lemma theta_err in proofs/logic/rms_logic.acsl, proved by make prove).
@rnd = float<ieee_32, ne>;
t = rnd(t_); s = rnd(s_);
tn rnd= t - s;
x = t - s;
{ (|x| in [0x1p-126, 0x1p127] -> (tn - x) / x in [-0x1p-24, 0x1p-24])
  /\ (|x| <= 0x1p-126 -> tn - x in [0, 0]) }
