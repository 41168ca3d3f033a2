#!/usr/bin/env bash
# scripts/bench-recording.sh [REPS] -- what recording in SQLite costs, and
# sweep throughput with --jobs 1 vs 2, measured side by side (alternating,
# REPS times each, median reported) so machine load hits both alike.
# Batch: 50 short runs (rosenbrock_nd, n=1000, 5000 steps, fused kernel).
# The database exists before timing (as in a study, where it outlives a
# sweep); each repetition uses new seeds so nothing is skipped.
set -u
cd "$(dirname "$0")/.."
B=${RMSBENCH:-build/rmsbench}
reps=${1:-5}
G=(--problems rosenbrock_nd --dim 1000 --kernels fused --lr 1e-4:1e-1:10 --steps 5000)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
wall() {   # prints wall seconds of one sweep; its CPU seconds go to $T/cpu_$tag
    local t0=$(date +%s%N) TIMEFORMAT='%U %S'
    { time "$B" sweep "${G[@]}" "$@" >/dev/null 2>>"$T/log"; } 2>>"$T/cpu_$tag"
    awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN {printf "%.4f\n", (b - a) / 1e9}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
calc() { awk "BEGIN {printf \"%.2f\", $1}"; }
"$B" run --problem rosenbrock --steps 10 --db "$T/db1" >/dev/null
"$B" run --problem rosenbrock --steps 10 --db "$T/db2" >/dev/null
for i in $(seq "$reps"); do
    s="--seeds $((5 * i + 1))..$((5 * i + 5))"
    tag=db1 wall --jobs 1 --db "$T/db1" $s >>"$T/res_db1"
    tag=nodb1 wall --jobs 1 --no-db $s >>"$T/res_nodb1"
    tag=db2 wall --jobs 2 --db "$T/db2" $s >>"$T/res_db2"
done
d1=$(median <"$T/res_db1"); n1=$(median <"$T/res_nodb1"); d2=$(median <"$T/res_db2")
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "batch: 50 runs, ${G[*]} --seeds (5 new per repetition)"
echo "jobs 1, with db:  median $d1 s over $reps"
echo "jobs 1, --no-db:  median $n1 s"
echo "recording overhead (wall): $(calc "100 * ($d1 - $n1) / $n1") %"
cpu() { awk '{print $1 + $2}' "$T/cpu_$1" | median; }
c1=$(cpu db1); c0=$(cpu nodb1)
echo "CPU time (user+sys), jobs 1: with db $c1 s, --no-db $c0 s: overhead $(calc "100 * ($c1 - $c0) / $c0") %"
grep 'recording took' "$T/log" | awk '{gsub(/[()%]/,"",$NF); s+=$NF; n++} END {printf "recording share inside workers: mean %.2f %% of %d sweeps\n", s/n, n}'
echo "jobs 1: $(calc "50 / $d1") runs/s; jobs 2: $(calc "50 / $d2") runs/s; ratio jobs2/jobs1 $(calc "$d1 / $d2")"
