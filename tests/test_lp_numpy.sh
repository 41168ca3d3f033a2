#!/usr/bin/env bash
# test_lp_numpy.sh -- the low-precision state step against an independent
# NumPy re-implementation written from docs/lowprec.md (tests/lp_numpy.py):
# 300 steps of rosenbrock_nd (n = 1000: three full q8 blocks of 256 and a
# partial one) per state type and rounding, theta compared bit for bit
# with `rmsbench run --print-params`, on the portable kernels and on each
# SIMD kernel this CPU runs.  NumPy comes from scripts/install-deps.sh
# (python3-numpy, Debian's /usr/bin/python3).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
LP="$(dirname "$0")/lp_numpy.py"
check "Debian's python3 has numpy (scripts/install-deps.sh installs python3-numpy)" \
    "$PY" -c 'import numpy'
simd=$("$RMSBENCH" list kernels | awk '$2 == "yes" && $1 ~ /^avx(2|512)$/ {print $1}' | sort -u | paste -sd' ' -)
echo "SIMD kernels compared here: ${simd:-none (this CPU runs neither avx2 nor avx512)}"
for case in "bf16 nearest 256 auto" "bf16 stochastic 256 fused" "f16 nearest 256 auto" \
            "f16 stochastic 256 omp" "q8 nearest 256 auto" "q8 stochastic 64 fused"; do
    set -- $case
    check "$1 $2 (block $3, kernel $4) equals NumPy" "$PY" "$LP" "$RMSBENCH" "$1" "$2" "$3" 300 1000 "$4"
done
for k in $simd; do
    for st in bf16 f16 q8; do
        check "$st stochastic on $k equals NumPy" "$PY" "$LP" "$RMSBENCH" "$st" stochastic 256 300 1000 "$k"
    done
done
# the comparison can fail: a stored state that is not rounded (f32) gives
# other parameters than NumPy's bf16 step
R="$RMSBENCH run --problem rosenbrock_nd --dim 1000 --steps 300 --seed 7 --no-db --print-params"
check "bf16 state changes theta against f32 (the rounding is exercised)" \
    bash -c "! cmp -s <($R --state f32 2>/dev/null) <($R --state bf16 2>/dev/null)"
summary test_lp_numpy
