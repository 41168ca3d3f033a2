#!/usr/bin/python3
"""peer_torch.py -- the PyTorch peer of `rmsbench perf`.

Times torch.optim.RMSprop(...).step() on float32 parameters at the given
sizes and thread counts (torch.set_num_threads), with the hyperparameters of
the rmsbench preset, median of --reps timed repetitions after a warm-up; a
repetition runs at least 2^22 element-steps, as rmsbench perf does.  Two
implementations: `torch` (the default single-tensor loop; in torch 1.13
foreach=None means foreach=False on CPU) and `torch_foreach` (foreach=True).

Output: a table, or with --csv the rows rmsbench perf reads:
    kernel,n,threads,reps,ns_per_elem,ns_per_elem_min,ns_per_elem_max
With --model FILE (a data/models/*.tsv shape list) it times one step over
every tensor of that model instead (one parameter per line of the file, all
in one RMSprop), --reps steps after a warm-up, and prints
    kernel,model,threads,reps,ms_per_step,ms_min,ms_max
With --db FILE --machine-id ID the rows also go into the perf table (source
'pytorch', bound parameters, one transaction).  `rmsbench perf --peer torch`
runs this script in the same session right after our kernels and records
the rows itself with its own machine row.
Exit status: 0 ok, 2 bad arguments, 3 torch is not importable, 4 the preset
is not one the peer reproduces.
Run it with Debian's /usr/bin/python3 (python3-torch)."""
import argparse
import re
import sqlite3
import statistics
import sys
import time

# The presets the peer can reproduce exactly with torch.optim.RMSprop:
# alpha is rmsbench's beta; eps outside the root as in the seed rule.
PRESETS = {
    "seed": dict(lr=1e-3, alpha=0.9, eps=1e-8),
    "torch": dict(lr=1e-2, alpha=0.99, eps=1e-8),
}
MIN_ELEMS_PER_REP = 1 << 22


def parse_size(s):
    """1000, 1e6, 2^24, 64K, 16Mi: the forms rmsbench accepts."""
    m = re.fullmatch(r"(\d+)\^(\d+)", s)
    if m:
        return int(m.group(1)) ** int(m.group(2))
    m = re.fullmatch(r"([0-9.eE+]+)(K|k|M|G|Ki|Mi|Gi)?", s)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size '{s}'")
    mul = {None: 1, "K": 1000, "k": 1000, "M": 10**6, "G": 10**9,
           "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3}[m.group(2)]
    x = float(m.group(1)) * mul
    if x < 1 or x != int(x):
        raise argparse.ArgumentTypeError(f"bad size '{s}'")
    return int(x)


def int_list(s, what, lo=1):
    try:
        xs = [int(t) for t in s.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad {what} list '{s}'")
    if any(x < lo for x in xs):
        raise argparse.ArgumentTypeError(f"bad {what} list '{s}'")
    return xs


def time_one(torch, n, foreach, hp, reps):
    g = torch.Generator().manual_seed(1)
    p = torch.nn.Parameter(torch.rand(n, generator=g, dtype=torch.float32) + 0.5)
    p.grad = torch.rand(n, generator=g, dtype=torch.float32) * 0.9 + 0.1
    opt = torch.optim.RMSprop([p], foreach=foreach, **hp)
    inner = max(1, -(-MIN_ELEMS_PER_REP // n))
    samples = []
    for rep in range(-1, reps):          # rep -1: warm-up (allocates state)
        t0 = time.perf_counter_ns()
        for _ in range(inner):
            opt.step()
        dt = time.perf_counter_ns() - t0
        if rep >= 0:
            samples.append(dt / (inner * n))
    return statistics.median(samples), min(samples), max(samples)


def read_shapes(path):
    """The shapes of a data/models/*.tsv file: one 'name<TAB>d1xd2...' a line."""
    shapes = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            shapes.append(tuple(int(d) for d in line.split("\t")[1].split("x")))
    return shapes


def time_model(torch, shapes, foreach, hp, reps):
    """ms per RMSprop.step() over every tensor of the model."""
    g = torch.Generator().manual_seed(1)
    params = []
    for sh in shapes:
        p = torch.nn.Parameter(torch.rand(sh, generator=g, dtype=torch.float32) + 0.5)
        p.grad = torch.rand(sh, generator=g, dtype=torch.float32) * 0.9 + 0.1
        params.append(p)
    opt = torch.optim.RMSprop(params, foreach=foreach, **hp)
    samples = []
    for rep in range(-1, reps):          # rep -1: warm-up (allocates state)
        t0 = time.perf_counter_ns()
        opt.step()
        dt = time.perf_counter_ns() - t0
        if rep >= 0:
            samples.append(dt / 1e6)
    return statistics.median(samples), min(samples), max(samples)


def main_model(a, torch, impls, hp):
    import os
    shapes = read_shapes(a.model)
    name = os.path.basename(a.model)[:-4] if a.model.endswith(".tsv") else os.path.basename(a.model)
    rows = []
    for t in a.threads:
        torch.set_num_threads(t)
        for impl in impls:
            med, lo, hi = time_model(torch, shapes, impl == "torch_foreach", hp, a.reps)
            rows.append((impl, name, t, a.reps, med, lo, hi))
            print(f"  peer {impl} model={name} threads={t}: {med:.4g} ms/step", file=sys.stderr)
    print("kernel,model,threads,reps,ms_per_step,ms_min,ms_max")
    for r in rows:
        print("%s,%s,%d,%d,%.6g,%.6g,%.6g" % r)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1e4,1e5,1e6,1e7",
                    type=lambda s: [parse_size(t) for t in s.split(",")])
    ap.add_argument("--threads", default="1", type=lambda s: int_list(s, "threads"))
    ap.add_argument("--reps", default=10, type=int)
    ap.add_argument("--preset", default="seed",
                    help="rmsbench preset: %s (others exit 4)" % ", ".join(sorted(PRESETS)))
    ap.add_argument("--impl", default="torch,torch_foreach",
                    help="comma-separated: torch (default impl), torch_foreach")
    ap.add_argument("--csv", action="store_true", help="CSV rows for rmsbench perf")
    ap.add_argument("--model", help="a data/models/*.tsv shape list: time one step over the "
                                    "whole model (CSV rows, see above)")
    ap.add_argument("--db", help="also record the rows in this rmsbench database")
    ap.add_argument("--machine-id", type=int,
                    help="machines.id for the rows (with --db; required there)")
    a = ap.parse_args()
    impls = a.impl.split(",")
    if a.reps < 1 or any(i not in ("torch", "torch_foreach") for i in impls):
        ap.error("bad --reps or --impl")
    if a.db and a.machine_id is None:
        ap.error("--db needs --machine-id (the machine row rmsbench recorded)")
    if a.preset not in PRESETS:
        print(f"peer_torch.py: preset '{a.preset}' has no torch.optim.RMSprop equivalent here",
              file=sys.stderr)
        return 4
    try:
        import torch
    except ImportError as e:
        print(f"peer_torch.py: torch is not importable by {sys.executable}: {e}",
              file=sys.stderr)
        return 3
    rows = []
    hp = PRESETS[a.preset]
    if a.model:
        return main_model(a, torch, impls, hp)
    for n in a.sizes:
        for t in a.threads:
            torch.set_num_threads(t)
            for impl in impls:
                med, lo, hi = time_one(torch, n, impl == "torch_foreach", hp, a.reps)
                rows.append((impl, n, t, a.reps, med, lo, hi))
                print(f"  peer {impl} n={n} threads={t}: {med:.4g} ns/elem",
                      file=sys.stderr)
    if a.csv:
        print("kernel,n,threads,reps,ns_per_elem,ns_per_elem_min,ns_per_elem_max")
        for r in rows:
            print("%s,%d,%d,%d,%.6g,%.6g,%.6g" % r)
    else:
        print(f"# torch {torch.__version__}, float32, preset {a.preset}")
        print("%-14s %10s %7s %11s %11s %11s" % ("kernel", "n", "threads",
                                                "ns_per_elem", "min", "max"))
        for r in rows:
            print("%-14s %10d %7d %11.4g %11.4g %11.4g" % (r[0], r[1], r[2], r[4], r[5], r[6]))
    if a.db:
        con = sqlite3.connect(a.db)
        con.execute("PRAGMA foreign_keys=ON")   # a machine id that is not there fails
        with con:       # one transaction
            con.executemany(
                "INSERT INTO perf (machine_id, source, kernel, preset, n, threads, reps,"
                " ns_per_elem, ns_per_elem_min, ns_per_elem_max, gbps)"
                " VALUES (?, 'pytorch', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(a.machine_id, r[0], a.preset, r[1], r[2], r[3], r[4], r[5], r[6],
                  20.0 / r[4]) for r in rows])
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
