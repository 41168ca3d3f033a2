#!/usr/bin/env bash
# scripts/perf-figures.sh [BIN] -- what `make perf-figures` runs: the figures
# of issue 16's closing note, measured in one go and printed as ratio tables.
#
# Two rmsbench perf runs into one fresh database, then SQL over it:
#   1. every float kernel this CPU runs (not naive) at n = 1e4 .. 2^26 on 1
#      and 2 threads, with the memory and compute roofs interleaved and the
#      PyTorch peer (torch.optim.RMSprop.step(), for-loop and foreach) on the
#      same sizes and threads;
#   2. the whole-model step (resnet50, bert_base, gpt2_small) with the best
#      exact kernel (auto) and the best fast one (fastest), on the same
#      threads, with the peer over the same shapes.
# Tables: kernel / memory roof at 2^24 and 2^26; fast / exact in cache;
# every kernel / memory roof per n; every kernel against PyTorch per n; each
# model against its roof and PyTorch; thread scaling (omp and the roof).
# Every ratio compares figures of the same run; the load average before and
# after is printed with them (a busy machine shows up in the roof ratios
# less than in the times, and in the 2-thread figures most).
#
# About 8 minutes on a 2-core Xeon (11 under load 6-9 with 7 and 5 reps:
# hence 5 and 3).  Environment:
#   FIG_DIR      where the database, the perf tables and logs go
#                (default results/perf-figures-UTCSTAMP)
#   FIG_SIZES    default 1e4,1e5,1e6,1e7,2^24,2^26 (2^26 dropped, and said so,
#                when less than 6 GiB of memory is available)
#   FIG_THREADS  default 1,2          FIG_REPS    default 5 (sizes)
#   FIG_MODELS   default resnet50,bert_base,gpt2_small
#   FIG_MREPS    default 3 (models)   FIG_PEER    auto|torch|none (default auto)
# Exit status: that of the perf runs (1 if a kernel failed validation or the
# peer failed), 2 on bad use.
set -eu
bin=${1:-build/rmsbench}
[ -x "$bin" ] || { echo "perf-figures: no rmsbench at '$bin' (make first)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "perf-figures: sqlite3 is not installed" >&2; exit 2; }
out=${FIG_DIR:-results/perf-figures-$(date -u +%Y%m%dT%H%M%SZ)}
sizes=${FIG_SIZES:-1e4,1e5,1e6,1e7,2^24,2^26}
threads=${FIG_THREADS:-1,2}
reps=${FIG_REPS:-5}
models=${FIG_MODELS:-resnet50,bert_base,gpt2_small}
mreps=${FIG_MREPS:-3}
peer=${FIG_PEER:-auto}
mkdir -p "$out"
db=$out/perf.db
rm -f "$db"

avail_kib=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null || echo 0)
if [ "${avail_kib:-0}" -lt $((6 * 1024 * 1024)) ] && [ -z "${FIG_SIZES:-}" ]; then
    sizes=1e4,1e5,1e6,1e7,2^24
    echo "perf-figures: less than 6 GiB available: 2^26 left out" >&2
fi
# every float kernel this CPU runs, but naive (two passes, not a contender):
# the first block of `list kernels` (the low-precision block follows a blank line)
kernels=$("$bin" list kernels | awk 'NF == 0 {exit} NR > 1 && $2 == "yes" && $1 != "ref64" && $1 != "naive" {print $1}' |
          paste -sd, -)
[ -n "$kernels" ] || { echo "perf-figures: no kernel runs here" >&2; exit 1; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
torch=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)' 2>/dev/null || echo "not installed")
load() { cut -d' ' -f1-3 /proc/loadavg; }
load_start=$(load)
t0=$(date +%s)
status=0
echo "perf-figures: kernels $kernels; sizes $sizes; threads $threads; models $models -> $out" >&2
"$bin" perf --kernel "$kernels" --sizes "$sizes" --threads "$threads" --reps "$reps" \
    --peer "$peer" --db "$db" >"$out/sizes.txt" 2>"$out/sizes.log" || status=$?
load_mid=$(load)
t1=$(date +%s)
"$bin" perf --model "$models" --kernel auto,fastest --threads "$threads" --reps "$mreps" \
    --peer "$peer" --db "$db" >"$out/models.txt" 2>"$out/models.log" || status=$((status ? status : $?))
load_end=$(load)
t2=$(date +%s)

q() { sqlite3 -header -column "$db" "$1"; }
# SQL: X printed with FMT (default %.2f), '-' when there is no such figure
num() { printf "CASE WHEN (%s) IS NULL THEN '-' ELSE printf('%s', %s) END" "$1" "${2:-%.2f}" "$1"; }
# SQL: the size in column COL as the issue writes it: 2^k for the powers of
# two, 1eK for the rest
label() {
    printf "CASE %s WHEN 16777216 THEN '2^24' WHEN 67108864 THEN '2^26' WHEN 1048576 THEN '2^20'
            ELSE printf('1e%%d', CAST(round(log10(%s)) AS INTEGER)) END" "$1" "$1"
}
# SQL: one column per size of the run, EXPR of the row whose NCOL (default
# n) is that size, printed with FMT (default %.2f)
size_cols() {
    local expr=$1 ncol=${2:-n} fmt=${3:-%.2f} cols="" n
    for n in $(sqlite3 "$db" "SELECT DISTINCT n FROM perf WHERE source = 'rmsbench' ORDER BY n"); do
        cols="$cols, $(num "max(CASE WHEN $ncol = $n THEN $expr END)" "$fmt") AS \"$(sqlite3 "$db" "SELECT $(label $n)")\""
    done
    printf '%s' "$cols"
}

cat <<EOF
# rmsbench perf figures (issue 16 closing note)
# CPU: $cpu; $(nproc) cores; $(lscpu 2>/dev/null | sed -n 's/^L3 cache:[[:space:]]*/L3 /p' | head -n 1)
# commit $(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown); PyTorch $torch via /usr/bin/python3
# $(date -u '+%Y-%m-%d %H:%M UTC'); sizes $((t1 - t0)) s, models $((t2 - t1)) s; load average (1, 5, 15 min): $load_start at start, $load_mid between the runs, $load_end at the end
# command: $bin perf --kernel $kernels --sizes $sizes --threads $threads --reps $reps --peer $peer
#          $bin perf --model $models --kernel auto,fastest --threads $threads --reps $mreps --peer $peer
# every ratio is of two figures from the same run (medians over the reps); full tables: $out/sizes.txt, $out/models.txt
EOF
[ "$status" -eq 0 ] || echo "# WARNING: a perf run exited $status (see $out/*.log)"

echo
echo "## 1. kernel / memory roof at L3 and DRAM sizes (1.0 = at the roof; target >= 0.95 for exact kernels)"
echo "##    roof = fastest same-traffic loop (roof_loop); cache_ns = the kernel's ns/element at the smallest n (compute)"
q "SELECT k.kernel, k.threads,
        $(num "max(CASE WHEN k.n = 16777216 THEN k.roof_ratio END)" %.3f) AS \"2^24\",
        $(num "max(CASE WHEN k.n = 67108864 THEN k.roof_ratio END)" %.3f) AS \"2^26\",
        $(num "max(CASE WHEN k.n = 16777216 THEN k.roof_ns_per_elem END)" %.3f) AS roof_ns_2p24,
        ifnull(max(CASE WHEN k.n = 16777216 THEN k.roof_variant END), '-') AS roof_loop_2p24,
        $(num "(SELECT c.ns_per_elem FROM perf c WHERE c.source = 'rmsbench' AND c.kernel = k.kernel
                AND c.threads = k.threads ORDER BY c.n LIMIT 1)" %.3f) AS cache_ns
   FROM perf k WHERE k.source = 'rmsbench' GROUP BY k.kernel, k.threads ORDER BY k.threads, k.kernel"

echo
echo "## 2. fast / exact in cache (exact ns / fast ns, same width; target >= 1.8 at 1e4..1e5)"
q "SELECT f.kernel AS fast, e.kernel AS exact, $(label f.n) AS n, f.threads,
        printf('%.3f', f.ns_per_elem) AS fast_ns, printf('%.3f', e.ns_per_elem) AS exact_ns,
        printf('%.2f', e.ns_per_elem / f.ns_per_elem) AS speedup
   FROM perf f JOIN perf e ON e.kernel = replace(f.kernel, '_fast', '') AND e.n = f.n
        AND e.threads = f.threads AND e.source = 'rmsbench'
   WHERE f.source = 'rmsbench' AND f.kernel LIKE '%\_fast' ESCAPE '\\' AND f.n <= 100000
   ORDER BY f.threads, f.kernel, f.n"

echo
echo "## 3. kernel / memory roof per n (target: fast kernels >= 0.85 at every n from 1e4)"
q "SELECT kernel, threads $(size_cols roof_ratio) FROM perf WHERE source = 'rmsbench'
   GROUP BY kernel, threads ORDER BY threads, kernel"

echo
echo "## 4. speed-up over PyTorch per n (PyTorch's faster step, for-loop or foreach / ours;"
echo "##    targets on 1 thread: exact >= 2, fast >= 3)"
echo "##    PyTorch's own ns/element:"
q "SELECT p.kernel AS peer, p.threads $(size_cols p.ns_per_elem p.n %.1f) FROM perf p
   WHERE p.source = 'pytorch' GROUP BY p.kernel, p.threads ORDER BY p.threads, p.kernel"
echo "##    speed-up:"
q "SELECT k.kernel, k.threads $(size_cols "(SELECT min(p.ns_per_elem) FROM perf p WHERE p.source = 'pytorch'
        AND p.n = k.n AND p.threads = k.threads) / k.ns_per_elem" k.n)
   FROM perf k WHERE k.source = 'rmsbench' GROUP BY k.kernel, k.threads ORDER BY k.threads, k.kernel"

echo
echo "## 5. whole-model step: against its memory roof (target >= 0.9) and against PyTorch's faster step"
echo "##    (1 thread targets: resnet50 >= 1.4, gpt2_small >= 3); ceiling = torch_ms / roof_ms, the most"
echo "##    that any step at the memory roof could gain over PyTorch here"
torch_ms="(SELECT min(p.ms_per_step) FROM perf_models p WHERE p.source = 'pytorch'
           AND p.model = m.model AND p.threads = m.threads)"
q "SELECT m.model, m.kernel, m.threads, m.params, printf('%.1f', m.ms_per_step) AS ms,
        printf('%.1f', m.roof_ms) AS roof_ms, printf('%.3f', m.roof_ratio) AS of_roof,
        $(num "$torch_ms" %.1f) AS torch_ms,
        ifnull((SELECT p.kernel FROM perf_models p WHERE p.source = 'pytorch' AND p.model = m.model
                AND p.threads = m.threads ORDER BY p.ms_per_step LIMIT 1), '-') AS torch_step,
        $(num "$torch_ms / m.ms_per_step") AS vs_torch, $(num "$torch_ms / m.roof_ms") AS ceiling
   FROM perf_models m WHERE m.source = 'rmsbench' ORDER BY m.model, m.kernel, m.threads"

echo
echo "## 6. thread scaling: time on 1 thread / time on the most threads (omp target >= 1.8 at 1e6 and 2^24;"
echo "##    'roof' = the same for the memory roof, what the machine lets a pure copy gain)"
q "SELECT a.kernel, b.threads $(size_cols 'a.ns_per_elem / b.ns_per_elem' a.n)
   FROM perf a JOIN perf b ON b.kernel = a.kernel AND b.n = a.n AND b.source = a.source
   WHERE a.source = 'rmsbench' AND a.threads = 1
     AND b.threads = (SELECT max(threads) FROM perf) AND b.threads > 1
   GROUP BY a.kernel
   UNION ALL
   SELECT 'roof (omp rows)', b.threads $(size_cols 'a.roof_ns_per_elem / b.roof_ns_per_elem' a.n)
   FROM perf a JOIN perf b ON b.kernel = a.kernel AND b.n = a.n AND b.source = a.source
   WHERE a.source = 'rmsbench' AND a.kernel = 'omp' AND a.threads = 1
     AND b.threads = (SELECT max(threads) FROM perf) AND b.threads > 1"
exit "$status"
