# proofs/gappa-fast/fast_alg12.g -- the fast kernels' quotient against the
# exact one, for the estimate of AVX2 rsqrtps, exact arithmetic.
# With s = r0 sqrt(x) (the estimate's accuracy: s in [0x0.ffe8p0, 0x1.0018p0]) and
# y = eps / sqrt(x) (the range check x >= lo = rnd(2^24 eps^2) >= 2^24 eps^2
# (1 - 2^-24) gives y <= 2^-12 (1 + 2^-23)), newton_link.c proves
#   W (sqrt(x) + eps) / 2 = N = s (3 - s^2 - 2 y s) (1 + y) / 2,
#   1 - x r0^2 = 1 - s^2,  eps r0 = y s,
# so Q / (a / (sqrt(x) + eps)) = N, and the hypotheses of fast_round.g on
# E and eps r0 follow from the first two claims below.  rw, rq are the
# relative rounding errors fast_round.g proves (w against W, q against Q).
# The estimate it assumes (prove.sh checks the quoted line verbatim):
# C kernels/rms_avx2_fast.c:#define V_RSQRT _mm256_rsqrt_ps
# Claims, u = 2^-24: N - 1 in [-0x7.7p-24, 0x3.01p-24]; w/2 against 1/(sqrt(x) + eps):
# |rel. error| <= 0x9.fp-24; q against a / (sqrt(x) + eps): <= 0xa.fp-24.
d = s - 1;
N = s * (3 - s * s - 2 * y * s) * (1 + y) / 2;
{ s in [0x0.ffe8p0, 0x1.0018p0] /\ y in [0, 0x1.000002p-12]
  /\ rw in [-0x2.808p-24, 0x2.808p-24] /\ rq in [-0x3.808p-24, 0x3.808p-24]
  -> 1 - s * s in [-0x3.0024p-12, 0x3p-12] /\ y * s in [0, 0x1.0019p-12]
  /\ N - 1 in [-0x7.7p-24, 0x3.01p-24]
  /\ (1 + rw) * N - 1 in [-0x9.fp-24, 0x9.fp-24] /\ (1 + rq) * N - 1 in [-0xa.fp-24, 0xa.fp-24] }
# algebraic identities Gappa checks (d = s - 1)
N - 1 -> -(y * y) - (1 + y) * (2 * y * d + d * d * (1.5 + 0.5 * d + y));
1 - s * s -> -(d * (2 + d));
(1 + rw) * N - 1 -> rw + (N - 1) + rw * (N - 1);
(1 + rq) * N - 1 -> rq + (N - 1) + rq * (N - 1);
