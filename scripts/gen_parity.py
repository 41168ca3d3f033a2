#!/usr/bin/python3
"""gen_parity.py -- write the RMSProp parity fixtures of tests/fixtures/parity/.

Each fixture is one trajectory of one library's RMSProp on the Rosenbrock
function (2-D, and n-D with n = 10), from x0 = (-1.2, 1, -1.2, ...), for 200
steps; rows hold theta at a few checkpoint steps.  The gradient is the
closed-form one of problems/rosenbrock.c, evaluated in the same operation
order, so ref64 and the fixture see the same gradients while they agree.

Sources of the trajectories (the "source" line of each fixture):
  torch64 / torch32  real torch.optim.RMSprop (foreach=False) in float64 /
                     float32; only when torch imports.
  hand64             an independent double-precision transcription of the
                     library's update, in that library's own operation order
                     (torch/optim/rmsprop.py, TF1 training_ops.cc
                     ApplyRMSProp/ApplyCenteredRMSProp, Keras 3
                     keras/src/optimizers/rmsprop.py + base optimizer weight
                     decay, Optax scale_by_rms/scale_by_stddev + scale(-lr) +
                     trace).  Library defaults are the keyword defaults below.

Usage: /usr/bin/python3 scripts/gen_parity.py [--no-torch] [OUTDIR]
    write the fixtures to OUTDIR (default tests/fixtures/parity); --no-torch
    writes only the hand fixtures.  Deterministic: same inputs, same bytes.
       /usr/bin/python3 scripts/gen_parity.py --compare NEWDIR OLDDIR
    compare regenerated fixtures with the committed ones: same files, same
    settings, values within 1e-12 (f64) / 1e-5 (f32) of max(|old|, 1);
    exit 1 on any difference.  `make parity` runs both.
"""
import math
import os
import sys

STEPS = 200
CHECKPOINTS = (0, 1, 2, 5, 10, 50, 100, 150, 200)
PROBLEMS = (("rosenbrock", 2), ("rosenbrock_nd", 10))


def x0(n):
    return [-1.2 if i % 2 == 0 else 1.0 for i in range(n)]


def rosen_grad64(x):
    """problems/rosenbrock.c ROSEN_GRAD, same operation order, Python doubles."""
    n = len(x)
    g = [0.0] * n
    for i in range(n - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        g[i] += -400.0 * x[i] * a - 2.0 * b
        g[i + 1] += 200.0 * a
    return g


def rosen_grad32(x):
    """The same in float32 (every operation rounded to float, as grad32)."""
    import numpy as np
    f = np.float32
    n = len(x)
    g = [f(0)] * n
    for i in range(n - 1):
        a = f(x[i + 1]) - f(x[i]) * f(x[i])
        b = f(1) - f(x[i])
        g[i] = g[i] + (f(-400) * f(x[i]) * a - f(2) * b)
        g[i + 1] = g[i + 1] + f(200) * a
    return [float(v) for v in g]


# ------------------------------------------------------------------ hand rules
# Each takes the library's own keyword names and defaults, and returns a
# step(theta, g) closure that updates theta in place.

def torch_rule(n, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0,
               centered=False, maximize=False):
    v = [0.0] * n
    ga = [0.0] * n
    buf = [0.0] * n

    def step(theta, g):
        for i in range(n):
            gi = -g[i] if maximize else g[i]
            if weight_decay != 0:
                gi = gi + weight_decay * theta[i]          # grad.add(param, alpha=wd)
            v[i] = v[i] * alpha + (1 - alpha) * gi * gi    # mul_(alpha).addcmul_
            if centered:
                ga[i] = ga[i] * alpha + (1 - alpha) * gi
                avg = math.sqrt(v[i] - ga[i] * ga[i])      # no clamp: NaN possible
            else:
                avg = math.sqrt(v[i])
            avg = avg + eps
            if momentum > 0:
                buf[i] = buf[i] * momentum + gi / avg      # addcdiv_
                theta[i] = theta[i] + (-lr) * buf[i]
            else:
                theta[i] = theta[i] + (-lr) * (gi / avg)
    return step


def tf1_rule(n, learning_rate=1e-3, decay=0.9, momentum=0.0, epsilon=1e-10,
             centered=False):
    # tf.compat.v1.train.RMSPropOptimizer: learning_rate has no default (1e-3
    # chosen here, as Keras); "rms" slot starts at ones, "momentum" at zeros.
    ms = [1.0] * n
    mg = [0.0] * n
    mom = [0.0] * n
    rho = decay

    def step(theta, g):
        for i in range(n):
            gi = g[i]
            ms[i] += (gi * gi - ms[i]) * (1 - rho)
            if centered:
                mg[i] += (gi - mg[i]) * (1 - rho)
                denom = (ms[i] - mg[i] * mg[i]) + epsilon
            else:
                denom = ms[i] + epsilon
            mom[i] = mom[i] * momentum + (gi * learning_rate) / math.sqrt(denom)
            theta[i] -= mom[i]
    return step


def keras_rule(n, learning_rate=1e-3, rho=0.9, momentum=0.0, epsilon=1e-7,
               centered=False, weight_decay=None):
    vel = [0.0] * n
    avg = [0.0] * n
    mom = [0.0] * n

    def step(theta, g):
        for i in range(n):
            if weight_decay:    # base optimizer, before update_step
                theta[i] = theta[i] - theta[i] * weight_decay * learning_rate
            gi = g[i]
            vel[i] = rho * vel[i] + (1 - rho) * (gi * gi)
            if centered:
                avg[i] = rho * avg[i] + (1 - rho) * gi
                den = vel[i] - avg[i] * avg[i] + epsilon
            else:
                den = vel[i] + epsilon
            inc = (learning_rate * gi) / math.sqrt(den)
            if momentum > 0:
                mom[i] = momentum * mom[i] + inc
                theta[i] -= mom[i]
            else:
                theta[i] -= inc
    return step


def optax_rule(n, learning_rate=1e-3, decay=0.9, eps=1e-8, initial_scale=0.0,
               eps_in_sqrt=True, centered=False, momentum=None, nesterov=False,
               bias_correction=False):
    # optax.rmsprop: learning_rate has no default (1e-3 chosen here).
    nu = [initial_scale] * n
    mu = [0.0] * n
    tr = [0.0] * n
    count = [0]

    def step(theta, g):
        count[0] += 1
        bc = 1 - decay ** count[0]
        for i in range(n):
            gi = g[i]
            nu[i] = (1 - decay) * (gi ** 2) + decay * nu[i]
            nh = nu[i] / bc if bias_correction else nu[i]
            if centered:
                mu[i] = (1 - decay) * gi + decay * mu[i]
                mh = mu[i] / bc if bias_correction else mu[i]
                var = nh - mh * mh
            else:
                var = nh
            scaling = 1 / math.sqrt(var + eps) if eps_in_sqrt else 1 / (math.sqrt(var) + eps)
            u = scaling * gi
            u = -learning_rate * u                      # scale_by_learning_rate
            if momentum is not None:                    # trace: t = u + mu*t
                tr[i] = u + momentum * tr[i]
                u = u + momentum * tr[i] if nesterov else tr[i]
            theta[i] = theta[i] + u                     # apply_updates
    return step


# ------------------------------------------------------------------ cases
# (library, variant, rmsbench overrides of the preset, library kwargs)
CASES = [
    ("torch", "plain", "", {}),
    ("torch", "momentum", "momentum=0.9", {"momentum": 0.9}),
    ("torch", "centered", "centered=1", {"centered": True}),
    ("torch", "centered_momentum", "centered=1 momentum=0.5",
     {"centered": True, "momentum": 0.5}),
    ("torch", "wd", "weight_decay=0.1", {"weight_decay": 0.1}),
    ("torch", "maximize", "maximize=1", {"maximize": True}),
    ("torch", "lr_beta", "lr=0.002 beta=0.9 eps=1e-06",
     {"lr": 0.002, "alpha": 0.9, "eps": 1e-6}),
    ("torch", "all", "momentum=0.9 centered=1 weight_decay=0.01 maximize=1",
     {"momentum": 0.9, "centered": True, "weight_decay": 0.01, "maximize": True}),
    ("tf1", "plain", "", {}),
    ("tf1", "momentum", "momentum=0.9", {"momentum": 0.9}),
    ("tf1", "centered", "centered=1", {"centered": True}),
    ("tf1", "centered_momentum", "centered=1 momentum=0.9",
     {"centered": True, "momentum": 0.9}),
    ("keras", "plain", "", {}),
    ("keras", "momentum", "momentum=0.9", {"momentum": 0.9}),
    ("keras", "centered", "centered=1", {"centered": True}),
    ("keras", "wd", "weight_decay=0.1", {"weight_decay": 0.1}),
    ("keras", "all", "momentum=0.9 centered=1 weight_decay=0.004",
     {"momentum": 0.9, "centered": True, "weight_decay": 0.004}),
    ("optax", "plain", "", {}),
    ("optax", "momentum", "momentum=0.9", {"momentum": 0.9}),
    ("optax", "nesterov", "momentum=0.9 nesterov=1", {"momentum": 0.9, "nesterov": True}),
    ("optax", "bias_correction", "bias_correction=1", {"bias_correction": True}),
    ("optax", "initial_scale", "v0=1", {"initial_scale": 1.0}),
    ("optax", "eps_outside", "eps_in_sqrt=0", {"eps_in_sqrt": False}),
    ("optax", "adam_like", "eps_in_sqrt=0 bias_correction=1 beta=0.999",
     {"eps_in_sqrt": False, "bias_correction": True, "decay": 0.999}),
    ("optax", "centered", "centered=1", {"centered": True}),
    ("optax", "centered_nesterov", "centered=1 momentum=0.5 nesterov=1",
     {"centered": True, "momentum": 0.5, "nesterov": True}),
]
RULES = {"torch": torch_rule, "tf1": tf1_rule, "keras": keras_rule, "optax": optax_rule}
SOURCES = {
    "torch": "torch/optim/rmsprop.py _single_tensor_rmsprop (torch 1.13)",
    "tf1": "tensorflow/core/kernels/training_ops.cc ApplyRMSProp/ApplyCenteredRMSProp + tf.compat.v1.train.RMSPropOptimizer slots",
    "keras": "keras/src/optimizers/rmsprop.py update_step + base optimizer _apply_weight_decay",
    "optax": "optax/_src/alias.py rmsprop = scale_by_rms|scale_by_stddev, scale_by_learning_rate, trace",
}


def run_hand(lib, kwargs, n):
    theta = x0(n)
    step = RULES[lib](n, **kwargs)
    traj = {0: list(theta)}
    for t in range(1, STEPS + 1):
        step(theta, rosen_grad64(theta))
        if t in CHECKPOINTS:
            traj[t] = list(theta)
    return traj


def run_torch(kwargs, n, dtype):
    import torch
    torch.set_num_threads(1)
    p = torch.tensor(x0(n), dtype=dtype)
    opt = torch.optim.RMSprop([p], foreach=False, **kwargs)
    grad = rosen_grad64 if dtype == torch.float64 else rosen_grad32
    traj = {0: [float(v) for v in p.tolist()]}
    for t in range(1, STEPS + 1):
        p.grad = torch.tensor(grad(p.tolist()), dtype=dtype)
        opt.step()
        if t in CHECKPOINTS:
            traj[t] = [float(v) for v in p.tolist()]
    return traj


def write(outdir, lib, variant, overrides, kwargs, prob, n, source, how, traj):
    name = "%s_%s_%s_%s.csv" % (lib, variant, prob, source)
    prec = "f32" if source == "torch32" else "f64"
    with open(os.path.join(outdir, name), "w") as f:
        f.write("# rmsbench parity fixture, written by scripts/gen_parity.py: do not edit\n")
        f.write("# produced by: %s\n" % how)
        f.write("# library call: %s(%s)\n" % (lib, ", ".join(
            "%s=%r" % kv for kv in sorted(kwargs.items())) or "defaults"))
        f.write("# gradient: closed-form Rosenbrock of problems/rosenbrock.c, same operation order\n")
        f.write("preset,%s\n" % lib)
        f.write("overrides,%s\n" % overrides)
        f.write("problem,%s\n" % prob)
        f.write("dim,%d\n" % n)
        f.write("steps,%d\n" % STEPS)
        f.write("precision,%s\n" % prec)
        f.write("source,%s\n" % source)
        f.write("step,i,theta\n")
        for t in sorted(traj):
            for i, v in enumerate(traj[t]):
                f.write("%d,%d,%s\n" % (t, i, repr(float(v))))
    return name


def load(path):
    meta, vals = {}, {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            k, _, v = line.partition(",")
            if k.isdigit():
                i, _, x = v.partition(",")
                vals[(int(k), int(i))] = float(x)
            else:
                meta[k] = v
    return meta, vals


def compare(newdir, olddir):
    new = sorted(f for f in os.listdir(newdir) if f.endswith(".csv"))
    old = sorted(f for f in os.listdir(olddir) if f.endswith(".csv"))
    bad = 0
    for f in sorted(set(new) ^ set(old)):
        print("parity: %s only in %s" % (f, newdir if f in new else olddir))
        bad += 1
    worst = {}
    for f in sorted(set(new) & set(old)):
        (mn, vn), (mo, vo) = load(os.path.join(newdir, f)), load(os.path.join(olddir, f))
        tol = 1e-5 if mo.get("precision") == "f32" else 1e-12
        if mn != mo or set(vn) != set(vo):
            print("parity: %s: settings or checkpoints differ" % f)
            bad += 1
            continue
        w = max(abs(vn[k] - vo[k]) / max(abs(vo[k]), 1.0) for k in vo)
        src = mo.get("source", "?")
        worst[src] = max(worst.get(src, 0.0), w)
        if not w <= tol:
            print("parity: %s: regenerated values differ by %.3g (> %g)" % (f, w, tol))
            bad += 1
    for src in sorted(worst):
        print("parity: regenerated %-8s fixtures: worst difference %.3g" % (src, worst[src]))
    print("parity: %d files compared, %d differ" % (len(set(new) & set(old)), bad))
    return 1 if bad else 0


def main(argv):
    if argv and argv[0] == "--compare":
        if len(argv) != 3:
            sys.exit("usage: gen_parity.py --compare NEWDIR OLDDIR")
        sys.exit(compare(argv[1], argv[2]))
    use_torch = "--no-torch" not in argv
    args = [a for a in argv if not a.startswith("--")]
    outdir = args[0] if args else "tests/fixtures/parity"
    os.makedirs(outdir, exist_ok=True)
    have_torch = False
    if use_torch:
        try:
            import torch
            have_torch = True
            tver = torch.__version__
        except ImportError:
            print("gen_parity: torch not importable: writing the hand fixtures only")
    written = 0
    for lib, variant, overrides, kwargs in CASES:
        for prob, n in PROBLEMS:
            how = "hand-written double formula after " + SOURCES[lib]
            write(outdir, lib, variant, overrides, kwargs, prob, n, "hand64", how,
                  run_hand(lib, kwargs, n))
            written += 1
            if lib == "torch" and have_torch:
                import torch
                for dt, src in ((torch.float64, "torch64"), (torch.float32, "torch32")):
                    how = "torch.optim.RMSprop (torch %s, foreach=False) in %s" % (
                        tver, str(dt).replace("torch.", ""))
                    write(outdir, lib, variant, overrides, kwargs, prob, n, src, how,
                          run_torch(kwargs, n, dt))
                    written += 1
    print("gen_parity: wrote %d fixtures to %s" % (written, outdir))


if __name__ == "__main__":
    main(sys.argv[1:])
