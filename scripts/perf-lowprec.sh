#!/usr/bin/env bash
# perf-lowprec.sh -- the performance table of low-precision optimizer state
# (issue 17, docs/lowprec.md): RUNS runs of `rmsbench perf` at n = 2^24 on
# one thread over f32/bf16/f16/q8 x avx512/avx2 and their fast variants,
# each run also timing n = 16384 (the operands in L1: the kernel's compute
# time).  Every ratio is taken within one run, then summarised over the
# runs as the median and the range, since single runs on a shared machine
# scatter by 10-15%.  About 40 s per run at REPS = 10.
#
#   scripts/perf-lowprec.sh [REPS [RUNS]]     (defaults 10 and 3; `make perf-lowprec`)
#   RMSBENCH=path to use another binary; KERNELS=avx512,avx2 to time fewer;
#   LP_SIZE=n for another size than 2^24 (the tests use a small one).
#
# Columns (medians over the runs; [lo-hi] the range over the runs):
#   ns/elem   the step at 2^24
#   speedup   fp32 ns/elem of the same kernel / this, per run (the issue's
#             target: bf16 and f16 >= 1.15, q8 >= 1.3)
#   vs_exact  exact fp32 kernel of the same width / this (fast rows only)
#   of_roof   its own memory roof ns / its ns, per run (target >= 0.9): the
#             roof is the best of same-traffic loops (perf_roof_mem.c,
#             perf_roof_lp.c)
#   L1        its ns/elem at n = 16384: compute alone, no memory wait
#   mem/L1    its roof at 2^24 / its L1 time, per run: how much slower
#             memory is than its compute.  Near 1, compute and memory are
#             both fully busy and do not overlap perfectly, so the kernel
#             stays below its memory roof however it is written (on the
#             Xeon of docs/lowprec.md, 0.9 of the roof took >= ~1.2)
#   floor     perf's compute roof (one sqrt, +eps, one division per element
#             on L1 operands): what the exact step's divide/sqrt unit needs
#   met       runs in which both targets held
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;; esac
cd "$(dirname "$0")/.."
size=${LP_SIZE:-2^24}
case "$size" in
    2^[0-9]|2^[0-9][0-9]) n=$((1 << ${size#2^})) ;;
    *[!0-9]*|'') echo "perf-lowprec.sh: LP_SIZE is a count or 2^K, not '$size'" >&2; exit 2 ;;
    *) n=$size ;;
esac
[ "$n" -ne 16384 ] || { echo "perf-lowprec.sh: LP_SIZE 16384 is the L1 size it also times" >&2; exit 2; }
reps=${1:-10}
runs=${2:-3}
bin=${RMSBENCH:-build/rmsbench}
case "$reps$runs" in *[!0-9]*) echo "perf-lowprec.sh: REPS and RUNS are whole numbers" >&2; exit 2;; esac
[ "$reps" -ge 1 ] && [ "$runs" -ge 1 ] || { echo "perf-lowprec.sh: REPS and RUNS must be >= 1" >&2; exit 2; }
[ -x "$bin" ] || { echo "perf-lowprec.sh: $bin not built (make)" >&2; exit 2; }
kernels=${KERNELS:-$("$bin" list kernels | awk '$2 == "yes" && $1 ~ /^(avx512|avx2)(_fast)?$/ {print $1}' |
                     sort -u | paste -sd, -)}
[ -n "$kernels" ] || { echo "perf-lowprec.sh: this CPU runs no avx512/avx2 kernel" >&2; exit 2; }
csv=$(mktemp); one=$(mktemp); trap 'rm -f "$csv" "$one"' EXIT
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$runs"); do
    echo "perf-lowprec.sh: run $r of $runs ($kernels)" >&2
    "$bin" perf --kernel "$kernels" --sizes "16384,$size" --threads 1 --reps "$reps" \
        --state f32,bf16,f16,q8 --format csv --no-db --peer none 2>/dev/null >"$one"
    awk -v r="$r" 'NR > 1 { print r "," $0 }' "$one" >>"$csv"
done
echo "# rmsbench perf at n = $size (and 16384: L1), 1 thread, median of $reps reps; $runs runs from $start"
echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "# load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)" \
     "(figures are noisy when it is above ~0.5)"
# run,kernel(2),source,preset,n(5),threads,threading,reps,inner,ns_per_elem(10),...,gbps(13),
# roof_ns_per_elem(14),roof_ratio(15),roof_variant(16),compute_roof_ns_per_elem(17),...,
# max_ulp(22),validated(23)
awk -F, -v runs="$runs" '
    function med(s,   a, n, i, j, t) {   # median of a space-separated list
        n = split(s, a, " ")
        for (i = 2; i <= n; i++)
            for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function lo(s,   a, n, i, m) { n = split(s, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 < m + 0) m = a[i]; return m }
    function hi(s,   a, n, i, m) { n = split(s, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] + 0 > m + 0) m = a[i]; return m }
    {
        split($2, ks, "/"); k = ks[1]; st = (2 in ks) ? ks[2] : "f32"; key = k SUBSEP st
        if ($5 == 16384) { l1[$1, key] = $10; next }
        if (!(key in seen)) { seen[key] = 1; order[++n] = key }
        ns[$1, key] = $10; roof[$1, key] = $14; floor_[$1, key] = $17
        by[key] = $13 * $10; rv[key] = $16; ulp[key] = $22
        if ($23 != 1) bad[key] = 1
    }
    END {
        printf "%-12s %-5s %6s %8s %-19s %8s %-19s %7s %7s %7s %-12s %5s %7s %4s\n", "kernel", "state",
               "bytes", "ns/elem", "speedup [lo-hi]", "vs_exact", "of_roof [lo-hi]", "L1", "mem/L1",
               "floor", "roof", "valid", "max_ulp", "met"
        for (i = 1; i <= n; i++) {
            key = order[i]; split(key, kk, SUBSEP); k = kk[1]; st = kk[2]
            base = k; sub("_fast$", "", base)
            f = k SUBSEP "f32"; e = base SUBSEP "f32"
            target = st == "q8" ? 1.3 : 1.15
            sp = vx = orr = l1s = ml = fl = nss = ""; met = 0
            for (r = 1; r <= runs; r++) {
                if (!((r, key) in ns)) continue
                x = ns[r, key]; nss = nss " " x; fl = fl " " floor_[r, key]
                o = roof[r, key] / x; orr = orr " " o
                if ((r, key) in l1) { l1s = l1s " " l1[r, key]; ml = ml " " roof[r, key] / l1[r, key] }
                s = ((r, f) in ns) ? ns[r, f] / x : ""
                if (s != "") sp = sp " " s
                if (k != base && (r, e) in ns) vx = vx " " ns[r, e] / x
                if (st != "f32" && s != "" && s >= target && o >= 0.9) met++
            }
            sps = (st == "f32" || sp == "") ? "-" : sprintf("%.3f [%.2f-%.2f]", med(sp), lo(sp), hi(sp))
            printf "%-12s %-5s %6.2f %8.4f %-19s %8s %-19s %7s %7s %7.4f %-12s %5s %7.3g %4s\n",
                   k, st, by[key], med(nss), sps, vx == "" ? "-" : sprintf("%.3f", med(vx)),
                   sprintf("%.3f [%.2f-%.2f]", med(orr), lo(orr), hi(orr)),
                   l1s == "" ? "-" : sprintf("%.4f", med(l1s)), ml == "" ? "-" : sprintf("%.2f", med(ml)),
                   med(fl), rv[key], (key in bad) ? "NO" : "yes", ulp[key],
                   st == "f32" ? "-" : met "/" runs
        }
    }' "$csv"
