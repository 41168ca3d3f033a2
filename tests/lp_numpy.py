#!/usr/bin/python3
"""lp_numpy.py -- an independent NumPy re-implementation of the low-precision
state step, written from docs/lowprec.md alone (not from the C code), run on
rosenbrock_nd and compared bit for bit with `rmsbench run --print-params`.

    tests/lp_numpy.py RMSBENCH STATE ROUNDING [BLOCK [STEPS [DIM [KERNEL]]]]

Prints one line per compared run and exits 1 on any difference.  The plain
rule in float32 (fused's order): v' = beta*v + (1-beta)*(g*g);
theta' = theta - lr*g / (sqrt(v') + eps), theta with the fp32 v' before it
is rounded for storage; the coefficients are the double options rounded to
float (1-beta computed in double)."""
import subprocess
import sys

import numpy as np

F = np.float32
M64 = (1 << 64) - 1
M32 = (1 << 32) - 1
LR, BETA, EPS, SEED = 1e-3, 0.9, 1e-8, 7


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def mix32(x):   # vectorised over a uint64 array holding 32-bit values
    x = x ^ (x >> 16)
    x = (x * 0x7FEB352D) & M32
    x = x ^ (x >> 15)
    x = (x * 0x846CA68B) & M32
    return x ^ (x >> 16)


def random_words(seed, t, stream, n):
    key = splitmix64(splitmix64(seed) ^ ((t << 2) | stream))
    k1, k2 = key & M32, key >> 32
    i = np.arange(n, dtype=np.uint64)
    return mix32((mix32(i ^ np.uint64(k1)) + np.uint64(k2)) & np.uint64(M32))


def bits(x):
    return x.astype(F).view(np.uint32).astype(np.uint64)


def from_bits(b):
    return (b & np.uint64(M32)).astype(np.uint32).view(F)


# ---- bf16: rounding of the fp32 pattern at bit 16
def bf16_round(v, mode, r):
    b = bits(v)
    bias = (r >> np.uint64(16)) if mode == "stochastic" else \
        np.uint64(0x7FFF) + ((b >> np.uint64(16)) & np.uint64(1))
    return (b + bias) >> np.uint64(16)


def bf16_value(h):
    return from_bits(h << np.uint64(16))


# ---- f16: the magnitude rounded onto the binary16 grid, then encoded exactly
def f16_round(v, mode, r):
    a = np.minimum(np.abs(v.astype(np.float64)), 2.0 ** 20)   # inf stays >= 65536
    with np.errstate(divide="ignore"):
        e = np.maximum(np.floor(np.log2(np.where(a > 0, a, 1.0))), -14)
    q = a * 2.0 ** (10 - e)
    if mode == "stochastic":
        u = (r >> np.uint64(8)).astype(np.float64) * 2.0 ** -24
        fl = np.floor(q)
        y = fl + (u < q - fl)
    else:
        y = np.rint(q)
    val = np.where(y * 2.0 ** (e - 10) >= 65536, np.inf, y * 2.0 ** (e - 10))
    return (np.sign(v) * val).astype(np.float16)


def f16_value(h):
    return h.astype(F)


# ---- q8: unsigned E5M3 codes of v / scale, scale a power of two per block
def q8_value(code, scale):
    c = code.astype(np.int64)
    e = (c >> 3) - 31
    normal = np.ldexp(1.0 + (c & 7) / 8.0, e)
    sub = c * 2.0 ** -33
    x = np.where(c >= 8, normal, np.where(c > 0, sub, 0.0))
    return (x * scale).astype(F)      # exact: a power-of-two multiple


def q8_scale(vmax):
    """the smallest power of two >= vmax, within [2^-126, 2^126]"""
    if vmax <= 0:
        return 2.0 ** -126
    m, e = np.frexp(float(vmax))      # vmax = m 2^e, m in [0.5, 1)
    k = e - 1 if m == 0.5 else e
    return 2.0 ** min(max(k, -126), 126)


def q8_code(v, scale, mode, r):
    x = (v.astype(np.float64) / scale).astype(F)   # exact
    b = bits(x)
    if mode == "stochastic":
        hi = (b + (r >> np.uint64(12))) >> np.uint64(20)
    else:
        hi = (b + np.uint64(0x7FFFF) + ((b >> np.uint64(20)) & np.uint64(1))) >> np.uint64(20)
    normal = hi.astype(np.int64) - 768
    q = x.astype(np.float64) * 2.0 ** 33
    if mode == "stochastic":
        u = (r >> np.uint64(8)).astype(np.float64) * 2.0 ** -24
        fl = np.floor(q)
        small = fl + (u < q - fl)
    else:
        small = np.rint(q)            # ties to even
    code = np.where(x >= F(2.0 ** -30), normal, small.astype(np.int64))
    return np.minimum(code, 255).astype(np.int64)


def grad32(x):   # problems/rosenbrock.c in float, the same operations
    g = np.zeros_like(x)
    a = x[1:] - x[:-1] * x[:-1]
    b = F(1) - x[:-1]
    g[:-1] += F(-400) * x[:-1] * a - F(2) * b
    g[1:] += F(200) * a
    return g


def run_numpy(state, rounding, block, steps, dim):
    x = np.array([-1.2 if i % 2 == 0 else 1.0 for i in range(dim)]).astype(F)
    lr, beta, omb, eps = F(LR), F(BETA), F(1.0 - BETA), F(EPS)
    h = np.zeros(dim, dtype=np.uint64)              # bf16 codes of v (v0 = 0)
    h16 = np.zeros(dim, dtype=np.float16)           # f16 v
    codes = np.zeros(dim, dtype=np.int64)           # q8 codes
    nb = (dim + block - 1) // block
    scales = [2.0 ** -126] * nb                     # any: every code is 0
    for t in range(1, steps + 1):
        g = grad32(x)
        r = random_words(SEED, t, 0, dim) if rounding == "stochastic" else \
            np.zeros(dim, dtype=np.uint64)
        if state == "bf16":
            v = bf16_value(h)
        elif state == "f16":
            v = f16_value(h16)
        else:
            v = np.concatenate([q8_value(codes[k * block:(k + 1) * block], scales[k])
                                for k in range(nb)])
        vn = beta * v + omb * (g * g)
        x = x - lr * g / (np.sqrt(vn) + eps)
        if state == "bf16":
            h = bf16_round(vn, rounding, r)
            continue
        if state == "f16":
            h16 = f16_round(vn, rounding, r)
            continue
        vn = np.where(np.isnan(vn) | (vn > np.finfo(F).max), np.finfo(F).max, vn).astype(F)
        for k in range(nb):
            s = slice(k * block, (k + 1) * block)
            scales[k] = q8_scale(vn[s].max())
            codes[s] = q8_code(vn[s], scales[k], rounding, r[s])
    return x


def run_rmsbench(exe, state, rounding, block, steps, dim, kernel):
    cmd = [exe, "run", "--problem", "rosenbrock_nd", "--dim", str(dim), "--steps", str(steps),
           "--lr", repr(LR), "--beta", repr(BETA), "--eps", repr(EPS), "--seed", str(SEED),
           "--kernel", kernel, "--state", state, "--state-rounding", rounding,
           "--no-db", "--print-params"]
    if state == "q8":
        cmd += ["--state-block", str(block)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return np.array([float(s) for s in out.split()], dtype=np.float64).astype(F)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    exe, state, rounding = sys.argv[1:4]
    block, steps, dim = (int(a) for a in (sys.argv[4:7] + ["256", "300", "1000"][len(sys.argv[4:7]):]))
    kernel = sys.argv[7] if len(sys.argv) > 7 else "auto"
    want = run_numpy(state, rounding, block, steps, dim)
    got = run_rmsbench(exe, state, rounding, block, steps, dim, kernel)
    diff = np.flatnonzero(want.view(np.uint32) != got.view(np.uint32)) if got.size == want.size \
        else np.arange(max(got.size, want.size))
    moved = np.count_nonzero(want != run_numpy(state, rounding, block, 0, dim))
    print(f"{state} {rounding} block {block} kernel {kernel}, {steps} steps of rosenbrock_nd "
          f"n = {dim}: {diff.size} of {want.size} parameters differ from NumPy "
          f"({moved} moved from the start)")
    for i in diff[:5]:
        print(f"  theta[{i}]: rmsbench {got[i]!r}, numpy {want[i]!r}" if i < min(got.size, want.size)
              else f"  {got.size} parameters printed, {want.size} expected")
    sys.exit(1 if diff.size or moved == 0 else 0)


if __name__ == "__main__":
    main()
