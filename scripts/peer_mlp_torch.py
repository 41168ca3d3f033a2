#!/usr/bin/python3
"""peer_mlp_torch.py -- the mlp_fmnist network trained with PyTorch, to time
an epoch against rmsbench's (build/mlp_epochs or `rmsbench run`).

Same network (784-256-128-10, ReLU, cross-entropy), He-normal weights and
zero biases, pixels / 255, batch 128 with a reshuffle each epoch (last batch
smaller), torch.optim.RMSprop(lr=1e-3, alpha=0.9, eps=1e-8) = the seed rule,
float32, one thread by default.  Reads the same gzip IDX files with Python's
gzip module.  Timed: the training loop of each epoch (data already in
memory as one float tensor); not timed: loading and the test evaluation.

usage: /usr/bin/python3 scripts/peer_mlp_torch.py [--epochs N] [--threads N]
       [--seed S] [--dir DIR]
"""
import argparse
import gzip
import struct
import sys
import time

import torch


def load_idx(path, ndim):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">BBBB", data[:4])
    if magic != (0, 0, 8, ndim):
        sys.exit(f"{path}: wrong magic {magic}")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = data[4 + 4 * ndim:]
    n = 1
    for d in dims:
        n *= d
    if len(body) != n:
        sys.exit(f"{path}: {len(body)} data bytes, want {n}")
    return torch.frombuffer(bytearray(body), dtype=torch.uint8).reshape(dims)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", default="/usr/share/datasets/fashion-mnist")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    d = a.dir
    xtr = load_idx(f"{d}/train-images-idx3-ubyte.gz", 3).reshape(-1, 784).float() / 255
    ytr = load_idx(f"{d}/train-labels-idx1-ubyte.gz", 1).long()
    xte = load_idx(f"{d}/t10k-images-idx3-ubyte.gz", 3).reshape(-1, 784).float() / 255
    yte = load_idx(f"{d}/t10k-labels-idx1-ubyte.gz", 1).long()

    net = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            torch.nn.init.zeros_(m.bias)
    opt = torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.9, eps=1e-8)
    lossf = torch.nn.CrossEntropyLoss()
    n, bs = xtr.shape[0], 128
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), "
          f"{sum(p.numel() for p in net.parameters())} parameters")
    total = total_cpu = 0.0
    for e in range(1, a.epochs + 1):
        perm = torch.randperm(n)
        t0, c0 = time.perf_counter(), time.process_time()
        run = 0.0
        for i in range(0, n, bs):
            idx = perm[i:i + bs]
            opt.zero_grad(set_to_none=True)
            loss = lossf(net(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
            run += loss.item()
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        total += dt
        total_cpu += dc
        with torch.no_grad():
            acc = (net(xte).argmax(1) == yte).float().mean().item()
        print(f"epoch {e}: {dt:.3f} s (cpu {dc:.3f} s), mean batch loss {run / ((n + bs - 1) // bs):.4f}, "
              f"test_acc={acc:.4f}", flush=True)
    print(f"mean epoch time {total / a.epochs:.3f} s (cpu {total_cpu / a.epochs:.3f} s) "
          f"over {a.epochs} epoch(s)")


if __name__ == "__main__":
    main()
