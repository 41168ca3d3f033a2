#!/usr/bin/env bash
# perf-lowprec.sh -- the performance table of low-precision optimizer state
# (issue 17, docs/lowprec.md): one `rmsbench perf` run at n = 2^24 on one
# thread over f32/bf16/f16/q8 x avx512/avx2 and their fast variants, printed
# as bytes/elem, ns/elem, the ratio to the fp32 kernel of the same width
# (and, for a fast row, to the exact fp32 kernel of that width), the ratio to
# its own memory roof, and whether each row was validated.  All ratios come
# from the one run.  A third of a minute to two minutes (REPS, default 10).
#
#   scripts/perf-lowprec.sh [REPS]        (RMSBENCH=path to use another binary)
#
# Columns: speedup = fp32 ns/elem of the same kernel / this ns/elem (the
# issue's target: bf16 >= 1.15, q8 >= 1.3); vs_exact = exact fp32 kernel of
# the same width / this (fast rows only); of_roof = its roof ns / its ns
# (target >= 0.9); roof_check = this row's roof ns / (fp32 roof ns x
# bytes/20): near 1 when the state's roof streams as fast per byte as the
# fp32 roof (each the best of its same-traffic variants, perf_roof_mem.c and
# perf_roof_lp.c); roof = the variant that was fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${1:-10}
bin=${RMSBENCH:-build/rmsbench}
[ -x "$bin" ] || { echo "perf-lowprec.sh: $bin not built (make)" >&2; exit 2; }
kernels=$("$bin" list kernels | awk '$2 == "yes" && $1 ~ /^(avx512|avx2)(_fast)?$/ {print $1}' |
          sort -u | paste -sd, -)
[ -n "$kernels" ] || { echo "perf-lowprec.sh: this CPU runs no avx512/avx2 kernel" >&2; exit 2; }
csv=$(mktemp); trap 'rm -f "$csv"' EXIT
start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
"$bin" perf --kernel "$kernels" --sizes 2^24 --threads 1 --reps "$reps" \
    --state f32,bf16,f16,q8 --format csv --no-db --peer none 2>/dev/null >"$csv"
echo "# rmsbench perf at n = 2^24, 1 thread, median of $reps reps, one run ($start)"
echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "# load average before / after: $load0 / $(cut -d' ' -f1-3 /proc/loadavg)" \
     "(figures are noisy when it is above ~0.5)"
# kernel,source,preset,n,threads,threading,reps,inner,ns_per_elem(9),...,gbps(12),
# roof_ns_per_elem(13),roof_ratio(14),roof_variant(15),...,max_ulp(21),validated(22)
awk -F, 'NR > 1 {
        split($1, ks, "/"); k = ks[1]; st = (2 in ks) ? ks[2] : "f32"
        key = k SUBSEP st; ns[key] = $9; by[key] = $12 * $9; roof[key] = $13
        ok[key] = $22 == 1 ? "yes" : "NO"; ulp[key] = $21; rv[key] = $15; order[++n] = key
    }
    END {
        printf "%-12s %-5s %10s %9s %8s %9s %8s %10s %-12s %6s %8s\n", "kernel", "state",
               "bytes/elem", "ns/elem", "speedup", "vs_exact", "of_roof", "roof_check",
               "roof", "valid", "max_ulp"
        for (i = 1; i <= n; i++) {
            split(order[i], kk, SUBSEP); k = kk[1]; st = kk[2]
            f = k SUBSEP "f32"; base = k; sub("_fast$", "", base); e = base SUBSEP "f32"
            sp = (f in ns && ns[order[i]] > 0) ? sprintf("%.3f", ns[f] / ns[order[i]]) : "-"
            vx = (k != base && e in ns) ? sprintf("%.3f", ns[e] / ns[order[i]]) : "-"
            rc = (f in roof && roof[f] > 0) ? sprintf("%.3f", roof[order[i]] / (roof[f] * by[order[i]] / by[f])) : "-"
            printf "%-12s %-5s %10.2f %9.4f %8s %9s %8.3f %10s %-12s %6s %8.3g\n", k, st,
                   by[order[i]], ns[order[i]], sp, vx, roof[order[i]] / ns[order[i]], rc,
                   rv[order[i]], ok[order[i]], ulp[order[i]]
        }
    }' "$csv"
