#!/usr/bin/env bash
# scripts/install-deps.sh [--peers] [--browser] -- install the Debian packages
# rmsbench needs, and say which.  Fast when everything is present (one
# dpkg-query), so the Makefile calls it before build, test and study.
#   --peers    also python3-torch (the PyTorch peer; never needed by the C
#              program or by `make test`)
#   --browser  also chromium (headless screenshots of the report)
set -eu
pkgs=(
  # build
  gcc make libc6-dev pkg-config git
  libsqlite3-dev sqlite3 zlib1g-dev libopenblas-dev libjansson-dev libxxhash-dev
  # data for the Fashion-MNIST problems
  dataset-fashion-mnist
  # statistics, RNGs, quasi-random sequences (GSL: harness/stats, rmsbench tune)
  libgsl-dev
  # tests: clang + libFuzzer, proofs (Frama-C WP with why3 and SMT solvers;
  # gappa and Coq with Flocq for the float goals)
  clang libclang-rt-14-dev frama-c-base why3 z3 cvc4 cvc5 gappa coq libcoq-flocq
  # tests: the kernels cross-built for aarch64 and run under qemu
  # (make cross-aarch64, tests/stage-aarch64.sh)
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
  # tests: an independent NumPy re-implementation of the low-precision state
  # step (tests/lp_numpy.py; never needed by the C program)
  python3-numpy
  # study and reports: plots, whole-command timing
  gnuplot-nox hyperfine
  # scale-out (issue 10)
  openmpi-bin libopenmpi-dev
)
for arg in "$@"; do
  case "$arg" in
    --peers) pkgs+=(python3-torch) ;;
    --browser) pkgs+=(chromium) ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$s" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "install-deps: missing packages and not root; run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q "${missing[@]}"
echo "install-deps: done"
