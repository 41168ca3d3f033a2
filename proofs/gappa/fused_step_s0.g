# proofs/gappa/fused_step_s0.g -- the step of fused_step_s.g when b*v = 0
# (v = 0, the usual first step, or beta = 0): rnd(b*v) = +0, so
# vn = rnd(og) (fused_step_v0.g) and V = w*g^2.  Same claim |s - S| <= 5 u |S|
# for w in [2^-24, 1], |g| in [2^-40, 2^40], lr in [2^-30, 1], e in [2^-60, 1].
@rnd = float<ieee_32, ne>;
w = rnd(w_); g = rnd(g_); lr = rnd(lr_); e = rnd(e_);
gg rnd= g * g;
og rnd= w * gg;
vn rnd= og;
sq rnd= sqrt(vn);
d rnd= sq + e;
lg rnd= lr * g;
q = lg / d;
s rnd= q;
V = w * (g * g);
D = sqrt(V) + e;
LG = lr * g;
S = LG / D;
{ w in [0x1p-24, 1] /\ |g| in [0x1p-40, 0x1p40] /\ lr in [0x1p-30, 1] /\ e in [0x1p-60, 1]
  -> (s - S) / S in [-0x5p-24, 0x5p-24] }
(q - S) / S -> ((lg - LG) / LG - (d - D) / D) / (1 + (d - D) / D)  { LG <> 0, D <> 0, d <> 0 };
(s - S) / S -> (s - q) / q + (q - S) / S + ((s - q) / q) * ((q - S) / S)  { q <> 0, S <> 0 };
