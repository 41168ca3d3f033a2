#!/usr/bin/env bash
# scripts/bench.sh BIN [DB] -- what `make bench` runs: hyperfine times whole
# rmsbench commands side by side and exports JSON to results/bench-*.json,
# which is then imported into the hyperfine table of DB.
#   - `rmsbench perf` at n = 1e6, 1 thread, for every float kernel this CPU runs;
#   - `rmsbench check` (every kernel against ref64), when the build has it;
#   - `rmsbench run --problem rosenbrock_nd --dim 1e5 --steps 500 --kernel K
#     --no-db` for each kernel, once `run` and that problem exist (a trial run
#     decides; until then the run commands are left out and this says so).
# A few minutes at most: 3 runs per command after 1 warm-up.
# BENCH_RUNS, BENCH_SIZE, BENCH_DIM and BENCH_STEPS override the defaults.
# `check` (every kernel x every option, ~10-40 s) is timed twice, no warm-up.
set -eu
bin=${1:?usage: scripts/bench.sh BIN [DB]}
db=${2:-results/rmsbench.db}
runs=${BENCH_RUNS:-3}
size=${BENCH_SIZE:-1e6}
steps=${BENCH_STEPS:-500}
dim=${BENCH_DIM:-1e5}
command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed (scripts/install-deps.sh)" >&2; exit 2; }
mkdir -p results "$(dirname "$db")"

# every float kernel this CPU runs: the ones perf accepts (the registry decides)
kernels=()
for k in naive fused omp avx2 avx512 $("$bin" perf --kernel nosuch 2>&1 | sed -n 's/.*known: auto, \(.*\))$/\1/p' | tr ',' ' '); do
    case " ${kernels[*]-} " in *" $k "*) continue ;; esac
    "$bin" perf --kernel "$k" --sizes 1 --threads 1 --reps 1 --no-db --peer none >/dev/null 2>&1 &&
        kernels+=("$k")
done
[ ${#kernels[@]} -gt 0 ] || { echo "bench: no kernel runs" >&2; exit 1; }
list=$(IFS=,; echo "${kernels[*]}")
echo "bench: kernels ${kernels[*]}"

threads=1; [ "$(nproc)" -gt 1 ] && threads="1,$(nproc)"
cmds=(-L kernel "$list" -L threads "$threads" -n "perf {kernel} n=$size threads={threads}"
      "$bin perf --kernel {kernel} --sizes $size --threads {threads} --reps 5 --no-db --peer none --format csv")
if "$bin" check --help >/dev/null 2>&1; then
    cmds_check=("$bin check")
else
    cmds_check=()
    echo "bench: rmsbench check is not implemented yet: left out"
fi
if "$bin" run --problem rosenbrock_nd --kernel fused --steps 10 --no-db >/dev/null 2>&1; then
    run_ok=1
else
    run_ok=0
    echo "bench: rmsbench run --problem rosenbrock_nd is not available yet: run commands left out"
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)

hyperfine --warmup 1 --runs "$runs" --export-json "results/bench-$stamp-perf.json" "${cmds[@]}"
files=("results/bench-$stamp-perf.json")
if [ "$run_ok" = 1 ]; then
    hyperfine --warmup 1 --runs "$runs" --export-json "results/bench-$stamp-run.json" \
        -L kernel "$list" -n "run rosenbrock_nd {kernel}" \
        "$bin run --problem rosenbrock_nd --dim $dim --kernel {kernel} --steps $steps --no-db"
    files+=("results/bench-$stamp-run.json")
fi
if [ ${#cmds_check[@]} -gt 0 ]; then
    hyperfine --warmup 0 --runs 2 --export-json "results/bench-$stamp-check.json" "${cmds_check[@]}"
    files+=("results/bench-$stamp-check.json")
fi
for f in "${files[@]}"; do
    "$bin" import-hyperfine "$f" --db "$db"
done
echo "bench: ${files[*]} imported into $db (table hyperfine)"

