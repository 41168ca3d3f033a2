#!/usr/bin/env bash
# test_cli_perf.sh -- `rmsbench perf` and `rmsbench import-hyperfine` from the
# outside: the columns are there and agree with each other in CSV, JSON and
# the database (gbps = 20 B x n / time, roof_ratio = roof time / time); the
# recorded hyperfine fixtures land as the rows the fixture says; the PyTorch
# peer lands under its own kernel name; bad input is one line on stderr,
# exit 2, and the database stays byte-identical.  No timing thresholds.
# CSV and JSON are read back with sqlite3 (CSV import, json_valid/json_extract).
. "$(dirname "$0")/lib.sh"
fixtures=$(cd "$(dirname "$0")/fixtures" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
q() { sqlite3 -batch -noheader "$@"; }
small=(--kernel fused --sizes 70000,300000 --threads 1,2 --reps 2 --peer none)

check "perf --help names the columns and the clock" \
    bash -c "'$RMSBENCH' perf --help | grep -q roof_ratio && '$RMSBENCH' perf --help | grep -q 'dependent integer adds'"
check "import-hyperfine --help" bash -c "'$RMSBENCH' import-hyperfine --help | grep -q export-json"

# --- CSV: header, field count, consistency (via sqlite3's CSV import)
"$RMSBENCH" perf "${small[@]}" --no-db --format csv >"$tmp/p.csv" 2>"$tmp/p.err"
check "perf csv exits 0" test $? -eq 0
for col in kernel n threads ns_per_elem gbps roof_ratio compute_roof_ratio cycles_per_elem clean_reps; do
    check "csv has column $col" bash -c "head -n 1 '$tmp/p.csv' | tr ',' '\n' | grep -qx '$col'"
done
check "csv has 1 header + 4 rows" test "$(wc -l <"$tmp/p.csv")" -eq 5
q "$tmp/csv.db" ".import --csv $tmp/p.csv perf" 2>/dev/null
check "csv imports as a table of 4 rows" test "$(q "$tmp/csv.db" 'SELECT count(*) FROM perf')" = 4
# CSV figures are printed %.6g (relative rounding <= 5e-6 each), so a
# relation between up to three printed fields is off by at most 1.5e-5
# relative from rounding alone: 1e-4 cannot fail by rounding
check "csv gbps = 20/ns_per_elem within rounding" test "$(q "$tmp/csv.db" \
    'SELECT count(*) FROM perf WHERE abs(gbps - 20.0/ns_per_elem) > 1e-4*gbps')" = 0
check "csv roof_ratio = roof_ns/ns within rounding" test "$(q "$tmp/csv.db" \
    'SELECT count(*) FROM perf WHERE abs(roof_ratio - roof_ns_per_elem/ns_per_elem) > 1e-4*roof_ratio')" = 0
check "csv compute_roof_ratio = compute_roof_ns/ns" test "$(q "$tmp/csv.db" \
    'SELECT count(*) FROM perf WHERE abs(compute_roof_ratio - compute_roof_ns_per_elem/ns_per_elem) > 1e-4*compute_roof_ratio')" = 0
check "csv cycles = ns x clock" test "$(q "$tmp/csv.db" \
    'SELECT count(*) FROM perf WHERE abs(cycles_per_elem - ns_per_elem*clock_ghz) > 1e-4*cycles_per_elem')" = 0
check "csv rows are the asked kernel/sizes/threads, validated" test "$(q "$tmp/csv.db" \
    "SELECT group_concat(kernel||':'||n||':'||threads||':'||validated, ' ') FROM (SELECT * FROM perf ORDER BY CAST(n AS INT), CAST(threads AS INT))")" \
    = "fused:70000:1:1 fused:70000:2:1 fused:300000:1:1 fused:300000:2:1"
check "csv carries the CPU model" test "$(q "$tmp/csv.db" 'SELECT count(DISTINCT cpu_model) FROM perf WHERE cpu_model != ""')" = 1
check "progress goes to stderr" grep -q '\[4/4\]' "$tmp/p.err"

# --- table: CPU model in the header
"$RMSBENCH" perf --kernel fused --sizes 1000 --threads 1 --reps 1 --peer none --no-db >"$tmp/p.txt" 2>/dev/null
model=$(grep -m1 'model name' /proc/cpuinfo | sed 's/^[^:]*: //')
check "table header names the CPU" grep -qF "$model" "$tmp/p.txt"

# --- table: the thread-scaling block.  Its figures are rounded (times %.4g,
# ratios %.2f), so the check is interval arithmetic on the printed numbers:
# a printed %.4g value p stands for a true one within 1e-3 |p|, a %.2f one
# within 0.005; speedup must lie in what ns_1thread / ns_per_elem can be,
# and of_roof in what speedup / roof_speedup can be.  No printed value can
# make it fail by rounding, whatever the timings are (a roof speed-up of
# 0.01 on a loaded machine included); a wrong formula still fails it.
"$RMSBENCH" perf "${small[@]}" --no-db >"$tmp/s.txt" 2>/dev/null
sed -n '/^# thread scaling/,/^# speed-up/p' "$tmp/s.txt" | awk '$1 == "fused"' >"$tmp/scal.txt"
check "thread scaling has a row per size" test "$(wc -l <"$tmp/scal.txt")" -eq 2
check "thread scaling: speedup, roof_speedup, of_roof agree within their printed rounding" awk '
    function bad_if(c) { if (c) bad = 1 }
    { t = $4; t1 = $5; sp = $6; rsp = $7; of = $8
      bad_if(!(t > 0 && t1 > 0 && sp >= 0 && rsp >= 0 && of >= 0))
      r = t1 / t
      bad_if(sp < r * (1 - 2.1e-3) - 0.0051 || sp > r * (1 + 2.1e-3) + 0.0051)
      bad_if(of < (sp - 0.005) / (rsp + 0.005) - 0.0051)
      if (rsp > 0.0051) bad_if(of > (sp + 0.005) / (rsp - 0.005) + 0.0051) }
    END { exit bad || NR != 2 }' "$tmp/scal.txt"

# --- JSON: well-formed, same columns
"$RMSBENCH" perf "${small[@]}" --no-db --format json >"$tmp/p.json" 2>/dev/null
check "json is valid" test "$(q :memory: "SELECT json_valid(CAST(readfile('$tmp/p.json') AS TEXT))")" = 1
j() { q :memory: "SELECT $1 FROM json_each(json_extract(CAST(readfile('$tmp/p.json') AS TEXT), '\$.rows'))"; }
check "json has 4 rows" test "$(j 'count(*)')" = 4
check "json rows gbps = 20/ns" test "$(j "sum(abs(json_extract(value,'\$.gbps') - 20.0/json_extract(value,'\$.ns_per_elem')) > 1e-9)")" = 0
check "json rows roof_ratio = roof/ns" test "$(j "sum(abs(json_extract(value,'\$.roof_ratio') - json_extract(value,'\$.roof_ns_per_elem')/json_extract(value,'\$.ns_per_elem')) > 1e-9)")" = 0
check "json rows have every column" test "$(j "sum(json_type(value,'\$.cycles_per_elem') = 'real' AND json_type(value,'\$.compute_roof_ratio') = 'real' AND json_type(value,'\$.threads') = 'integer')")" = 4
check "json names the CPU" test "$(q :memory: "SELECT json_extract(CAST(readfile('$tmp/p.json') AS TEXT), '\$.cpu_model')")" = "$model"

# --- database: rows with the machine, in the perf table
db="$tmp/r.db"
"$RMSBENCH" perf "${small[@]}" --db "$db" >/dev/null 2>&1
check "perf --db exits 0" test $? -eq 0
check "4 perf rows recorded" test "$(q "$db" 'SELECT count(*) FROM perf')" = 4
check "rows carry a machine with the CPU model" test "$(q "$db" \
    "SELECT count(*) FROM perf p JOIN machines m ON m.id = p.machine_id WHERE m.cpu_model = '$model' AND p.validated = 1 AND p.source = 'rmsbench'")" = 4
check "db gbps = 20/ns" test "$(q "$db" 'SELECT count(*) FROM perf WHERE abs(gbps - 20.0/ns_per_elem) > 1e-9*gbps')" = 0

# --- the memory roof: which loop it was is a column; the bandwidth profile
# lands one row per size x thread count, consistent, with a known loop
check "csv has column roof_variant" bash -c "head -n 1 '$tmp/p.csv' | tr ',' '\n' | grep -qx roof_variant"
check "csv roof_variant is a known loop" test "$(q "$tmp/csv.db" \
    "SELECT count(*) FROM perf WHERE roof_variant NOT IN ('c','avx2x1','avx2x4','avx2x4pf','avx512x1','avx512x4','avx512x4pf','avx512nt')")" = 0
check "db perf rows carry roof_variant" test "$(q "$db" \
    "SELECT count(*) FROM perf WHERE roof_variant IS NOT NULL AND roof_variant != ''")" = 4
"$RMSBENCH" perf --kernel fused --sizes 1000 --threads 1 --reps 1 --peer none --profile 1000,5000,20000 \
    --db "$db" >"$tmp/prof.txt" 2>/dev/null
check "perf --profile exits 0" test $? -eq 0
check "profile block printed, a row per size" test "$(sed -n '/^# bandwidth profile/,$p' "$tmp/prof.txt" | \
    awk '$1 ~ /^[0-9]+$/ && $5 > 0 && $6 > 0' | wc -l)" -eq 3
check "profile rows recorded (3 sizes, 1 thread)" test "$(q "$db" \
    "SELECT count(DISTINCT n || ':' || threads) FROM perf_roof_profile WHERE n IN (1000, 5000, 20000) AND machine_id IS NOT NULL")" = 3
check "profile gbps = 20/ns, known loop" test "$(q "$db" \
    "SELECT count(*) FROM perf_roof_profile WHERE NOT (ns_per_elem > 0 AND abs(gbps - 20.0/ns_per_elem) <= 1e-9*gbps
       AND variant IN ('c','avx2x1','avx2x4','avx2x4pf','avx512x1','avx512x4','avx512x4pf','avx512nt'))")" = 0

# --- whole-model step over a small shape list: rows in perf_models with the
# list's counts, validated, roof_ratio = roof_ms / ms_per_step
printf '# tiny -- a test list\nw\t3x5x7\nb\t7\nemb\t1000x33\n' >"$tmp/tiny.tsv"
"$RMSBENCH" perf --model "$tmp/tiny.tsv" --kernel fused --threads 1,2 --reps 2 --peer none \
    --db "$db" >"$tmp/model.txt" 2>"$tmp/model.err"
check "perf --model exits 0" test $? -eq 0
check "model rows printed" test "$(awk '$1 == "tiny" && $2 == "fused"' "$tmp/model.txt" | wc -l)" -eq 2
check "model rows recorded: 3 tensors, 33112 parameters, validated, both thread counts" \
    test "$(q "$db" "SELECT group_concat(threads, ',') FROM (SELECT threads FROM perf_models
        WHERE model = 'tiny' AND kernel = 'fused' AND source = 'rmsbench' AND tensors = 3
        AND params = 33112 AND validated = 1 AND ms_per_step > 0 AND machine_id IS NOT NULL
        ORDER BY threads)")" = "1,2"
check "model roof_ratio = roof_ms / ms_per_step, ns_per_elem = ms / params" test "$(q "$db" \
    "SELECT count(*) FROM perf_models WHERE model = 'tiny' AND (abs(roof_ratio - roof_ms / ms_per_step) > 1e-9 * roof_ratio
       OR abs(ns_per_elem - ms_per_step * 1e6 / params) > 1e-9 * ns_per_elem)")" = 0
check "--model alone times no sizes" test "$(q "$db" "SELECT count(*) FROM perf WHERE n = 33112")" = 0
expect_fail 2 "unknown model" "$RMSBENCH" perf --model nosuch_model --no-db
printf 'w\t3x0\n' >"$tmp/badmodel.tsv"
"$RMSBENCH" perf --model "$tmp/badmodel.tsv" --kernel fused --threads 1 --reps 1 --peer none --no-db >/dev/null 2>"$tmp/badmodel.err"
check "a malformed shape list fails naming its line" grep -q 'badmodel.tsv:1:' "$tmp/badmodel.err"
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    "$RMSBENCH" perf --model "$tmp/tiny.tsv" --kernel fused --threads 1 --reps 1 --peer torch --db "$db" >"$tmp/mpeer.txt" 2>/dev/null
    check "model peer rows: torch and torch_foreach" test "$(q "$db" \
        "SELECT group_concat(kernel, ',') FROM (SELECT kernel FROM perf_models WHERE model = 'tiny' AND source = 'pytorch' AND ms_per_step > 0 AND params = 33112 ORDER BY kernel)")" = "torch,torch_foreach"
    check "model speed-up table printed" grep -q 'whole-model speed-up against PyTorch' "$tmp/mpeer.txt"
fi

# --- bad input: one line, exit 2, database byte-identical
cp "$db" "$tmp/before.db"
expect_fail 2 "sizes 0" "$RMSBENCH" perf --sizes 0 --db "$db"
expect_fail 2 "sizes abc" "$RMSBENCH" perf --sizes 1e4,abc --db "$db"
expect_fail 2 "sizes empty element" "$RMSBENCH" perf --sizes 1e4,,2 --db "$db"
expect_fail 2 "unknown kernel" "$RMSBENCH" perf --kernel nosuch --db "$db"
expect_fail 2 "ref64 is not timed" "$RMSBENCH" perf --kernel ref64 --db "$db"
expect_fail 2 "reps 0" "$RMSBENCH" perf --reps 0 --db "$db"
expect_fail 2 "threads 0" "$RMSBENCH" perf --threads 0 --db "$db"
expect_fail 2 "format xml" "$RMSBENCH" perf --format xml --db "$db"
expect_fail 2 "peer xyz" "$RMSBENCH" perf --peer xyz --db "$db"
expect_fail 2 "preset unknown" "$RMSBENCH" perf --preset nosuch --db "$db"
expect_fail 2 "db and no-db" "$RMSBENCH" perf --db "$db" --no-db
expect_fail 2 "stray argument" "$RMSBENCH" perf stray --db "$db"
expect_fail 2 "profile 0" "$RMSBENCH" perf --profile 0 --db "$db"
expect_fail 2 "profile abc" "$RMSBENCH" perf --profile abc --db "$db"
expect_fail 2 "unknown option" "$RMSBENCH" perf --bogus --db "$db"
expect_fail 2 "db in a missing directory" "$RMSBENCH" perf --kernel fused --sizes 10 --db "$tmp/no/such/dir.db"
check "no file created for the missing directory" test ! -e "$tmp/no"
check "message names the bad size" bash -c "'$RMSBENCH' perf --sizes 1e4,abc --no-db 2>&1 | grep -q \"'abc'\""

# --- import-hyperfine: the fixtures (real hyperfine 1.15 exports) land as they say
for f in "$fixtures"/hyperfine-*.json; do
    "$RMSBENCH" import-hyperfine "$f" --db "$db" >/dev/null
    check "import $(basename "$f") exits 0" test $? -eq 0
    want=$(q :memory: "SELECT count(*) FROM json_each(json_extract(CAST(readfile('$f') AS TEXT), '\$.results'))")
    check "$(basename "$f"): one row per result ($want)" test "$(q "$db" \
        "SELECT count(*) FROM hyperfine WHERE source_file = '$f'")" = "$want"
    # every field compared with the fixture itself, read by SQLite's JSON functions
    mism=$(q "$db" "SELECT count(*) FROM hyperfine h JOIN json_each(json_extract(CAST(readfile('$f') AS TEXT), '\$.results')) r
        ON h.command = json_extract(r.value,'\$.command') AND h.source_file = '$f'
        WHERE h.mean_s IS NOT json_extract(r.value,'\$.mean') OR h.median_s IS NOT json_extract(r.value,'\$.median')
           OR h.stddev_s IS NOT json_extract(r.value,'\$.stddev') OR h.min_s IS NOT json_extract(r.value,'\$.min')
           OR h.max_s IS NOT json_extract(r.value,'\$.max') OR h.user_s IS NOT json_extract(r.value,'\$.user')
           OR h.system_s IS NOT json_extract(r.value,'\$.system')
           OR h.runs != json_array_length(r.value,'\$.times')
           OR (SELECT group_concat(value) FROM json_each(h.times_json))
              IS NOT (SELECT group_concat(value) FROM json_each(r.value,'\$.times'))
           OR (SELECT group_concat(value) FROM json_each(h.exit_codes_json))
              IS NOT (SELECT group_concat(value) FROM json_each(r.value,'\$.exit_codes'))
           OR h.parameters_json IS NOT json_extract(r.value,'\$.parameters')
           OR h.machine_id IS NULL")
    matched=$(q "$db" "SELECT count(*) FROM hyperfine h JOIN json_each(json_extract(CAST(readfile('$f') AS TEXT), '\$.results')) r
        ON h.command = json_extract(r.value,'\$.command') AND h.source_file = '$f'")
    check "$(basename "$f"): every field as in the fixture" test "$mism" = 0 -a "$matched" -ge "$want"
done
check "one-run fixture: stddev is NULL" test "$(q "$db" \
    "SELECT count(*) FROM hyperfine WHERE runs = 1 AND stddev_s IS NULL")" -ge 1
check "parameter scan fixture: parameters recorded" test "$(q "$db" \
    "SELECT count(*) FROM hyperfine WHERE json_extract(parameters_json,'\$.n') IN ('1000','2000')")" = 2

cp "$db" "$tmp/before.db"
printf '{"results": [' >"$tmp/trunc.json"
printf '{"results": [{"command": 1, "mean": 1}]}' >"$tmp/badcmd.json"
printf '{"results": [{"command": "x", "mean": "slow", "median": 1, "min": 1, "max": 1, "times": [1]}]}' >"$tmp/badmean.json"
printf '{"other": []}' >"$tmp/noresults.json"
printf '{"results": [{"command": "x", "mean": 1, "median": 1, "min": 1, "max": 1, "times": ["a"]}]}' >"$tmp/badtimes.json"
expect_fail 2 "import a missing file" "$RMSBENCH" import-hyperfine "$tmp/missing.json" --db "$db"
for b in trunc badcmd badmean noresults badtimes; do
    expect_fail 2 "import $b.json" "$RMSBENCH" import-hyperfine "$tmp/$b.json" --db "$db"
done
expect_fail 2 "import without a file" "$RMSBENCH" import-hyperfine --db "$db"
expect_fail 2 "import two files" "$RMSBENCH" import-hyperfine a.json b.json --db "$db"
check "database byte-identical after every bad input" cmp -s "$db" "$tmp/before.db"
check "error names the bad field" bash -c "'$RMSBENCH' import-hyperfine '$tmp/badmean.json' --db '$db' 2>&1 | grep -q 'mean'"

# --- the PyTorch peer, when Debian's python3-torch is installed
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    "$RMSBENCH" perf --kernel fused --sizes 1000 --threads 1 --reps 1 --peer torch --db "$db" >"$tmp/peer.txt" 2>/dev/null
    check "perf --peer torch exits 0" test $? -eq 0
    check "peer rows recorded as source pytorch, kernel torch" test "$(q "$db" \
        "SELECT count(*) FROM perf WHERE source = 'pytorch' AND kernel = 'torch' AND n = 1000 AND threads = 1 AND ns_per_elem > 0 AND machine_id IS NOT NULL")" = 1
    check "speed-up table printed" grep -q 'speed-up against the PyTorch peer' "$tmp/peer.txt"
else
    echo "NOTE: /usr/bin/python3 cannot import torch: checking that the peer degrades cleanly"
    "$RMSBENCH" perf --kernel fused --sizes 1000 --threads 1 --reps 1 --no-db >/dev/null 2>&1
    check "--peer auto without torch still exits 0" test $? -eq 0
    "$RMSBENCH" perf --kernel fused --sizes 1000 --threads 1 --reps 1 --peer torch --no-db >/dev/null 2>&1
    check "--peer torch without torch exits 1" test $? -eq 1
fi
summary test_cli_perf.sh
