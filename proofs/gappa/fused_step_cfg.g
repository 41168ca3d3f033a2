# proofs/gappa/fused_step_cfg.g -- the same v update and step, now against the
# exact update with the DOUBLE config (rms_cfg) rather than its float
# coefficients: the kernel uses b = (float)beta, w = (float)(1.0 - beta)
# (1 - beta rounded in double first), lr_f = (float)lr, e = (float)eps
# (rms_coef_f32_of), so the coefficient roundings are included here.
#   V* = beta*v + (1 - beta)*g^2,  S* = lr*g / (sqrt(V*) + eps)   (exact)
# Claim: |vn - V*| <= 5 u V*,  |s - S*| <= 7 u |S*|  (u = 2^-24), for beta in
# [2^-24, 1 - 2^-20], v in [2^-100, 2^80], |g| in [2^-40, 2^40],
# lr in [2^-30, 1], eps in [2^-60, 1] (beta, lr, eps binary64).
@rnd = float<ieee_32, ne>;
@rnd64 = float<ieee_64, ne>;
beta = rnd64(beta_); lrd = rnd64(lrd_); epsd = rnd64(epsd_);
b = rnd(beta); w = rnd(rnd64(1 - beta)); lr = rnd(lrd); e = rnd(epsd);
v = rnd(v_); g = rnd(g_);
bv rnd= b * v;
gg rnd= g * g;
og rnd= w * gg;
vn rnd= bv + og;
sq rnd= sqrt(vn);
d rnd= sq + e;
lg rnd= lr * g;
q = lg / d;
s rnd= q;
V = beta * v + (1 - beta) * (g * g);
D = sqrt(V) + epsd;
LG = lrd * g;
S = LG / D;
{ beta in [0x1p-24, 0xf.ffffp-4] /\ v in [0x1p-100, 0x1p80] /\ |g| in [0x1p-40, 0x1p40]
  /\ lrd in [0x1p-30, 1] /\ epsd in [0x1p-60, 1]
  -> (vn - V) / V in [-0x5p-24, 0x5p-24] /\ (s - S) / S in [-0x7p-24, 0x7p-24] }
(q - S) / S -> ((lg - LG) / LG - (d - D) / D) / (1 + (d - D) / D)  { LG <> 0, D <> 0, d <> 0 };
(s - S) / S -> (s - q) / q + (q - S) / S + ((s - q) / q) * ((q - S) / S)  { q <> 0, S <> 0 };
