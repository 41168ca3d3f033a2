#!/usr/bin/env bash
# test_cli_lowprec.sh -- --state / --state-rounding / --state-block of run
# (and sweep): bad input is one line, exit 2, no database written; f32 keeps
# the hash of a config recorded before the option existed; each state type
# runs, records its state in the run's JSON and prints its parameters; a
# stochastic run is reproducible and keyed by the seed; perf --state gives
# the bytes per element and the speed-up table.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
R="$RMSBENCH run --problem quadratic --steps 200"

# ---- bad input
for args in "--state q4" "--state bf16 --kernel ref64" "--state q8 --state-block 0" \
            "--state q8 --state-block 24" "--state q8 --state-block 8192" \
            "--state-rounding stochastic" "--state bf16 --state-block 32" \
            "--state bf16 --state-rounding up"; do
    # shellcheck disable=SC2086
    expect_fail 2 "run $args" $R $args --db "$tmp/bad.db"
    check "run $args writes no database" test ! -e "$tmp/bad.db"
done
expect_fail 2 "sweep --state q8 --state-block 24" \
    "$RMSBENCH" sweep --problems quadratic --steps 10 --state q8 --state-block 24 --db "$tmp/bad.db"
check "sweep with a bad block writes no database" test ! -e "$tmp/bad.db"

# ---- f32 is the config it always was: the canonical text has no state
text=$($R --no-db --print-params 2>&1 >/dev/null | head -1)
check "f32 summary line names no state" bash -c "! grep -q state= <<<'$text'"
$R --db "$tmp/a.db" >/dev/null 2>&1
h32=$(sqlite3 "$tmp/a.db" "SELECT config_hash FROM runs")
$R --state f32 --state-rounding nearest --db "$tmp/a.db" >/dev/null 2>&1
check "--state f32 is the same config as no --state (one hash)" \
    test "$(sqlite3 "$tmp/a.db" "SELECT COUNT(DISTINCT config_hash) FROM runs")" = 1
check "the hash of the seed rule on quadratic, 200 steps, is the one main recorded" \
    test "$h32" = 9c5b8d38b4134585
sqlite3 "$tmp/a.db" "DELETE FROM curves WHERE run_id > 1; DELETE FROM runs WHERE id > 1"
ctext=$(sqlite3 "$tmp/a.db" "SELECT json_extract(config_json, '\$.config_text') FROM runs")
check "f32 hash text has no state key" bash -c "! grep -q state <<<'$ctext'"

# ---- each state type: runs, JSON, bytes per parameter
for st in bf16 f16 q8; do
    for rnd in nearest stochastic; do
        out=$($R --state $st --state-rounding $rnd --db "$tmp/a.db" 2>&1)
        check "$st $rnd runs" grep -q "status=done" <<<"$out"
        check "$st $rnd summary names its state" grep -q "state=$st state_rounding=$rnd" <<<"$out"
    done
done
check "every state is one more config (7 hashes)" \
    test "$(sqlite3 "$tmp/a.db" "SELECT COUNT(DISTINCT config_hash) FROM runs")" = 7
check "bytes per parameter recorded: bf16 2, q8 1 + 4/256" test \
    "$(sqlite3 "$tmp/a.db" "SELECT group_concat(DISTINCT json_extract(config_json,'\$.state') || '=' || json_extract(config_json,'\$.state_bytes_per_param')) FROM runs WHERE json_extract(config_json,'\$.state') IN ('bf16','q8') ORDER BY 1")" \
    = "bf16=2.0,q8=1.015625"

# ---- reproducible and seeded; a kernel choice does not change the bits
p1=$($R --no-db --state bf16 --state-rounding stochastic --seed 3 --print-params 2>/dev/null | md5sum)
p2=$($R --no-db --state bf16 --state-rounding stochastic --seed 3 --print-params 2>/dev/null | md5sum)
p3=$(RMS_OMP_MIN_N=0 $R --no-db --state bf16 --state-rounding stochastic --seed 3 --kernel omp --threads 2 --print-params 2>/dev/null | md5sum)
p4=$($R --no-db --state bf16 --state-rounding stochastic --seed 3 --kernel fused --print-params 2>/dev/null | md5sum)
check "stochastic bf16: same seed, same parameters" test "$p1" = "$p2"
check "stochastic bf16: omp on 2 threads gives the same parameters" test "$p1" = "$p3"
check "stochastic bf16: scalar reference gives the same parameters" test "$p1" = "$p4"
n1=$($R --no-db --state bf16 --state-rounding stochastic --seed 4 --print-params 2>/dev/null | md5sum)
check "stochastic bf16: another seed, other parameters" test "$p1" != "$n1"
q1=$($R --no-db --state q8 --state-block 64 --print-params 2>/dev/null | md5sum)
q2=$($R --no-db --state q8 --state-block 64 --kernel fused --print-params 2>/dev/null | md5sum)
check "q8 block 64: SIMD and reference give the same parameters" test "$q1" = "$q2"

# ---- sweep: the state is part of each config
$RMSBENCH sweep --problems quadratic --steps 50 --seeds 1..2 --state q8 --db "$tmp/s.db" >/dev/null 2>&1
check "sweep records q8 runs" \
    test "$(sqlite3 "$tmp/s.db" "SELECT COUNT(*) FROM runs WHERE json_extract(config_json,'\$.state') = 'q8'")" = 2

# ---- held-out accuracy per epoch (curves.test_acc) for a low-precision run
if [ -d /usr/share/datasets/fashion-mnist ]; then
    "$RMSBENCH" run --problem softmax_fmnist --epochs 2 --state bf16 --db "$tmp/e.db" >/dev/null 2>&1
    check "bf16 softmax_fmnist, 2 epochs: a test accuracy per epoch" \
        test "$(sqlite3 "$tmp/e.db" "SELECT count(*) FROM curves WHERE test_acc IS NOT NULL")" = 2
fi

# ---- report: the state precision section, from a sweep over states
"$RMSBENCH" sweep --problems quadratic --steps 100 --seeds 1..2 --state f32,bf16 \
    --state-rounding nearest,stochastic --db "$tmp/r.db" >/dev/null 2>&1
"$RMSBENCH" report --db "$tmp/r.db" --out "$tmp/rep" >/dev/null 2>&1
md="$tmp/rep/README.md"
check "report has the State precision section" grep -q "^## State precision" "$md"
check "report: final loss rows for f32, bf16 nearest and stochastic" \
    test "$(grep -cE '^\| quadratic \| 0.9 \| (f32|bf16 nearest|bf16 stochastic) \| 2 \|' "$md")" = 3
check "report: the nearest-vs-stochastic verdict for bf16" grep -q "quadratic, β = 0.9, bf16: nearest" "$md"
check "report: bytes per parameter table (q8 1.016)" grep -q "q8 (block 256) | 1.016" "$md"

# ---- report: final accuracy against f32, a named test per state.  The
# accuracies are written into a fixture: six seeds where bf16 is below f32
# on every seed give Wilcoxon's smallest two-sided p, 2/2^6 = 0.03125, and
# r = -1; three seeds can give at best 0.25, and the report says so.
acc_fixture() {   # db seeds
    rm -f "$1"
    "$RMSBENCH" sweep --problems quadratic --steps 10 --seeds "1..$2" --state f32,bf16 \
        --db "$1" >/dev/null 2>&1
    sqlite3 "$1" "UPDATE runs SET problem = 'mlp_fmnist', epochs = 1;
        UPDATE curves SET test_acc = (SELECT CASE r.state WHEN 'f32' THEN 0.80 ELSE 0.70 + r.seed / 1000.0 END
                                             + r.seed / 100.0 FROM runs r WHERE r.id = run_id)
         WHERE step = (SELECT max(step) FROM curves c WHERE c.run_id = curves.run_id)"
    "$RMSBENCH" report --db "$1" --out "$1.rep" >/dev/null 2>&1
}
acc_fixture "$tmp/acc6.db" 6
check "report: bf16 vs f32 on 6 seeds, Wilcoxon p = 0.0312, r = -1, lower" \
    grep -qE '^\| bf16 nearest \| .* \| -0.0965 \| Wilcoxon signed-rank \(same seeds\) \| 0.0312 \(exact\) \| r = -1.00 \| lower than f32 \|' \
    "$tmp/acc6.db.rep/README.md"
acc_fixture "$tmp/acc3.db" 3
check "report: the same on 3 seeds is not significant, p = 0.25" \
    grep -qE '^\| bf16 nearest \| .* \| 0.25 \(exact\) \| r = -1.00 \| not significant \|' \
    "$tmp/acc3.db.rep/README.md"
check "report: says 3 seeds cannot reach p < 0.05" \
    grep -q "with 3 seeds the smallest p these tests can give is 0.25" "$tmp/acc3.db.rep/README.md"

# ---- the state columns (schema 7): new runs fill them; a database from
# before them (state only in config_json) reads the same, in a read-only
# report and after the migration that copies the JSON into the columns
check "runs.state holds each run's state" \
    test "$(sqlite3 "$tmp/r.db" "SELECT group_concat(DISTINCT state || '/' || state_rounding) FROM (SELECT state, state_rounding FROM runs ORDER BY 1, 2)")" = "bf16/nearest,bf16/stochastic,f32/nearest"
cp "$tmp/r.db" "$tmp/old.db"
sqlite3 "$tmp/old.db" "ALTER TABLE runs DROP COLUMN state; ALTER TABLE runs DROP COLUMN state_rounding;
    ALTER TABLE runs DROP COLUMN state_block; PRAGMA user_version = 6;
    UPDATE runs SET config_json = json_remove(config_json, '\$.state', '\$.state_rounding', '\$.state_block')
     WHERE json_extract(config_json, '\$.state') = 'f32'"
"$RMSBENCH" report --db "$tmp/old.db" --out "$tmp/rep-old" >/dev/null 2>&1
check "report of a schema-6 database: the same final-loss rows" \
    test "$(grep -cE '^\| quadratic \| 0.9 \| (f32|bf16 nearest|bf16 stochastic) \| 2 \|' "$tmp/rep-old/README.md")" = 3
$R --db "$tmp/old.db" --seed 9 >/dev/null 2>&1   # a write migrates to 7
check "the migration copies the state from the JSON (f32 rows: the default)" \
    test "$(sqlite3 "$tmp/old.db" "SELECT count(*) FROM runs WHERE state = ifnull(json_extract(config_json, '\$.state'), 'f32') AND state_rounding = ifnull(json_extract(config_json, '\$.state_rounding'), 'nearest')")" = "$(sqlite3 "$tmp/old.db" "SELECT count(*) FROM runs")"
check "after the migration: 2 bf16 stochastic runs by column" \
    test "$(sqlite3 "$tmp/old.db" "SELECT count(*) FROM runs WHERE state = 'bf16' AND state_rounding = 'stochastic'")" = 2

# ---- sweep: the state options are grid axes; refused pairs are left out
out=$("$RMSBENCH" sweep --problems quadratic --steps 10 --state f32,bf16,q8 \
      --state-rounding nearest,stochastic --dry-run 2>&1)
check "sweep state x rounding: 5 configs (stochastic f32 left out)" grep -q ": 5 configs" <<<"$out"
out=$("$RMSBENCH" sweep --problems quadratic --steps 10 --state q8 --state-block 16,256,4096 --dry-run 2>&1)
check "sweep q8 x 3 blocks: 3 configs" grep -q ": 3 configs" <<<"$out"
expect_fail 2 "sweep --state f32 --state-rounding stochastic (the only pair, refused)" \
    "$RMSBENCH" sweep --problems quadratic --steps 10 --state f32 --state-rounding stochastic --db "$tmp/bad.db"
expect_fail 2 "sweep --state f32,q9" \
    "$RMSBENCH" sweep --problems quadratic --steps 10 --state f32,q9 --db "$tmp/bad.db"
check "refused sweeps write no database" test ! -e "$tmp/bad.db"

# ---- perf
out=$($RMSBENCH perf --kernel fused --sizes 1000 --threads 1 --reps 1 --state f32,bf16,q8 --no-db --peer none 2>/dev/null)
check "perf --state prints the state table" grep -q "^# state precision" <<<"$out"
check "perf q8 row: 14.03 bytes per element" grep -Eq "^fused/q8 .* 14.03 " <<<"$out"
check "perf bf16 row validated" grep -Eq "^fused/bf16 .* yes " <<<"$out"
if "$RMSBENCH" list kernels | grep -Eq "^  avx512_fast +yes"; then
    out=$($RMSBENCH perf --kernel avx512_fast --sizes 1000 --threads 1,2 --reps 1 --state bf16,q8 --no-db --peer none 2>/dev/null)
    check "perf avx512_fast/q8: its fast state step, validated (state bits, theta within 24 ulp)" \
        grep -Eq "^avx512_fast/q8 .* yes " <<<"$out"
    check "perf avx512_fast/bf16 validated" grep -Eq "^avx512_fast/bf16 .* yes " <<<"$out"
    a=$($R --no-db --state q8 --kernel avx512_fast --print-params 2>/dev/null | md5sum)
    b=$($R --no-db --state q8 --kernel avx512 --print-params 2>/dev/null | md5sum)
    check "run --kernel avx512_fast --state q8 runs (not the exact step's bits)" test "$a" != "$b"
fi
expect_fail 2 "perf --state q8 --state-block 24" \
    "$RMSBENCH" perf --kernel fused --sizes 1000 --state q8 --state-block 24 --no-db
# ---- f16c is a registry ISA bit: list kernels shows it, RMS_CPU_DISABLE hides it
if grep -qw f16c /proc/cpuinfo 2>/dev/null && grep -qw avx2 /proc/cpuinfo; then
    out=$("$RMSBENCH" list kernels)
    check "list kernels: this CPU has f16c" grep -q "^this CPU: .*f16c" <<<"$out"
    check "list kernels: the avx2 state step needs f16c" grep -Eq "^  avx2 +yes +avx2 fma f16c" <<<"$out"
    out=$(RMS_CPU_DISABLE=f16c "$RMSBENCH" list kernels)
    check "RMS_CPU_DISABLE=f16c: the avx2 state step does not run" grep -Eq "^  avx2 +no " <<<"$out"
    expect_fail 2 "RMS_CPU_DISABLE=f16c run --kernel avx2 --state bf16" \
        env RMS_CPU_DISABLE=f16c $R --kernel avx2 --state bf16 --db "$tmp/bad.db"
    check "... and names f16c" bash -c "RMS_CPU_DISABLE=f16c $R --kernel avx2 --state bf16 --no-db 2>&1 | grep -q f16c"
    check "RMS_CPU_DISABLE=f16c: the avx2 kernel with f32 state still runs" \
        env RMS_CPU_DISABLE=f16c $R --kernel avx2 --no-db
fi
# run --help names the state options (make study looks for --state there)
for c in run perf; do
    check "$c --help names --state" grep -q -- "--state " <<<"$("$RMSBENCH" $c --help)"
done
# ---- scripts/perf-lowprec.sh (make perf-lowprec): a small size, fused (the
# reference state step, so any CPU), 2 runs of 1 rep.  Checks the table's
# shape, never a timing's size or a ratio of timings: a row per state, the
# bytes, the timing columns there and positive, rows validated, "met"
# counts runs out of 2; bad arguments exit 2.
lp=$(dirname "$0")/../scripts/perf-lowprec.sh
LP_SIZE=4096 KERNELS=fused RMSBENCH="$RMSBENCH" "$lp" 1 2 >"$tmp/lp.txt" 2>"$tmp/lp.err"
check "perf-lowprec.sh exits 0" test $? -eq 0
check "perf-lowprec.sh: a row per state" \
    test "$(awk '$1 == "fused" {print $2}' "$tmp/lp.txt" | paste -sd, -)" = "f32,bf16,f16,q8"
check "perf-lowprec.sh: every row validated" \
    test "$(awk '$1 == "fused" && $(NF - 2) != "yes"' "$tmp/lp.txt" | wc -l)" -eq 0
check "perf-lowprec.sh: met is k/2 on the state rows" \
    test "$(awk '$1 == "fused" && $2 != "f32" && $NF !~ /^[0-2]\/2$/' "$tmp/lp.txt" | wc -l)" -eq 0
check "perf-lowprec.sh: bytes 20, 16, 16, 14.03" \
    test "$(awk '$1 == "fused" {print $3}' "$tmp/lp.txt" | paste -sd, -)" = "20.00,16.00,16.00,14.03"
# ns/elem ($4) on every row and the speedup ($5) on the state rows exist
# and are positive (their sizes are timings, not checked)
check "perf-lowprec.sh: timing columns present and positive" test "$(awk '$1 == "fused" &&
    !($4 + 0 > 0 && ($2 == "f32" ? $5 == "-" : $5 + 0 > 0))' "$tmp/lp.txt" | wc -l)" -eq 0
check "perf-lowprec.sh: progress on stderr, one line per run" test "$(grep -c '^perf-lowprec.sh: run' "$tmp/lp.err")" -eq 2
expect_fail 2 "perf-lowprec.sh REPS not a number" "$lp" ten
expect_fail 2 "perf-lowprec.sh LP_SIZE not a size" env LP_SIZE=big "$lp" 1 1
check "perf-lowprec.sh --help" bash -c "'$lp' --help | grep -q mem/L1"
summary test_cli_lowprec
