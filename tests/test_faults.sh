# test_faults.sh -- I/O fault injection swept over N, the way SQLite tests
# itself: RMSBENCH_FAULT_IO=KIND:N makes the N-th write, fsync or SQLite
# allocation (and every later one) fail, for run, sweep (2 workers),
# import-hyperfine, import-proofs, export and report, for N = 1, 2, ... until
# the fault no longer fires (sweep: every other N; alloc: a stride of 97, of
# 970 for the sweep; the sanitizer build: 3x and 4x coarser).  For every N: no crash or
# sanitizer report, an exit status the command's --help documents, at least
# one line on stderr when it did not succeed, PRAGMA integrity_check ok, and
# no finished result lost or half-written (what is there equals the
# fault-free result, and a failed import or export left nothing).
# Also the two defects it found: import-hyperfine's double free on a failed
# COMMIT, and run printing status=done for a result it could not record.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-faults.XXXXXX); trap 'rm -rf "$T"' EXIT
FX=$PWD/tests/fixtures
# the sanitizer build is ~5x slower: a coarser N there
case "${RMS_BUILD:-}" in *san*) STRIDE=3 ASTRIDE=397 ;; *) STRIDE=1 ASTRIDE=97 ;; esac
MAXN=30000
RUN=(--problem rosenbrock_nd --dim 8 --steps 200 --every 20 --seed 7)
GRID=(--problems rosenbrock_nd --dim 8 --steps 200 --every 20 --seeds 1..2 --lr 1e-2,1e-3)
tab=$'\t'
printf 'target\tmodel\tproved\ttotal\twall_s\tprovers\topen_goals\nref64\treal\t6\t6\t1.5\tZ3:6\t\nfused\tieee\t3\t4\t2.0\tCVC5:3\tg1\n' > "$T/proofs.tsv"

# the base database every N starts from, and the fault-free results
"$RMSBENCH" run --problem rosenbrock_nd --dim 8 --steps 50 --every 10 --db "$T/base.db" >/dev/null 2>&1
"$RMSBENCH" import-proofs "$T/proofs.tsv" --db "$T/base.db" >/dev/null 2>&1
"$RMSBENCH" import-hyperfine "$FX/hyperfine-one-run.json" --db "$T/base.db" >/dev/null 2>&1
sqlite3 "$T/base.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
check "base database built" [ "$(sqlite3 "$T/base.db" 'SELECT count(*) FROM runs')" = 1 ]
runs_sig() {   # every finished run, its result and its curve
    sqlite3 "$1" "SELECT config_hash, status, steps_done, quote(final_loss), quote(best_loss),
        (SELECT count(*) || ':' || quote(sum(loss)) FROM curves WHERE run_id = runs.id)
        FROM runs WHERE status IN ('done','diverged') ORDER BY config_hash"
}
cp "$T/base.db" "$T/ref.db"
"$RMSBENCH" run "${RUN[@]}" --db "$T/ref.db" >/dev/null 2>&1
"$RMSBENCH" sweep "${GRID[@]}" --jobs 2 --db "$T/ref.db" >/dev/null 2>&1
REF_RUNS=$(runs_sig "$T/ref.db")
"$RMSBENCH" export --table runs --problem rosenbrock_nd --db "$T/base.db" --out "$T/ref.csv" 2>/dev/null
check "fault-free results exist" [ "$(wc -l <<<"$REF_RUNS")" -eq 6 -a -s "$T/ref.csv" ]

subset_of_ref() { comm -23 <(runs_sig "$1" | sort) <(sort <<<"$REF_RUNS") | wc -l; }
count() { sqlite3 "$1" "SELECT count(*) FROM $2"; }

# one N of one command: prepare, run under the fault, then the command's
# own verdict (verify_<cmd> rc) on what it left
cmd_run() { "$RMSBENCH" run "${RUN[@]}" --db "$T/w.db"; }
verify_run() {
    [ "$1" -le 2 ] || return 1
    [ "$(subset_of_ref "$T/w.db")" -eq 0 ] || return 1                 # nothing half-written
    local done; done=$(sqlite3 "$T/w.db" "SELECT count(*) FROM runs WHERE status='done'")
    # exit 0 <=> the run is recorded done, and stdout said so (1 base run)
    if [ "$1" -eq 0 ]; then [ "$done" -eq 2 ] && grep -q 'status=done' "$T/out"
    else [ "$done" -eq 1 ] && ! grep -q 'status=done' "$T/out"; fi
}
cmd_sweep() { "$RMSBENCH" sweep "${GRID[@]}" --jobs 2 --db "$T/w.db"; }
verify_sweep() {
    [ "$1" -le 2 ] && [ "$(subset_of_ref "$T/w.db")" -eq 0 ] || return 1
    # exit 0: the whole grid is done (4 configs beside the base run)
    [ "$1" -ne 0 ] || { [ "$(runs_sig "$T/w.db" | wc -l)" -eq 5 ]; return; }
    # nothing was lost for good: the same sweep without the fault completes it
    "$RMSBENCH" sweep "${GRID[@]}" --jobs 2 --db "$T/w.db" >/dev/null 2>&1 &&
        "$RMSBENCH" run "${RUN[@]}" --db "$T/w.db" >/dev/null 2>&1 &&
        [ "$(runs_sig "$T/w.db")" = "$REF_RUNS" ]
}
cmd_hyperfine() { "$RMSBENCH" import-hyperfine "$FX/hyperfine-perf.json" --db "$T/w.db"; }
all_or_none() {   # rc table: 0 with both new rows, or failed with none
    [ "$1" -le 2 ] || return 1
    local before after; before=$(count "$T/base.db" "$2") after=$(count "$T/w.db" "$2")
    if [ "$1" -eq 0 ]; then [ "$after" -eq $((before + 2)) ]; else [ "$after" -eq "$before" ]; fi
}
verify_hyperfine() { all_or_none "$1" hyperfine; }
cmd_proofs() { "$RMSBENCH" import-proofs "$T/proofs.tsv" --db "$T/w.db"; }
verify_proofs() { all_or_none "$1" proofs; }
cmd_export() { "$RMSBENCH" export --table runs --problem rosenbrock_nd --db "$T/w.db" --out "$T/e.csv"; }
verify_export() {   # the whole file or no file, and no temporary left
    [ "$1" -le 2 ] || return 1
    [ -z "$(ls "$T" | grep 'e.csv.tmp')" ] || return 1
    if [ "$1" -eq 0 ]; then cmp -s "$T/e.csv" "$T/ref.csv"; else [ ! -e "$T/e.csv" ]; fi
}
cmd_report() { "$RMSBENCH" report --db "$T/w.db" --out "$T/rep"; }
verify_report() {   # 0 written, 1 written but a plot failed, 2 refused
    [ "$1" -le 2 ] || return 1
    [ -z "$(find "$T/rep" -name '*.tmp*' 2>/dev/null)" ] || return 1
    [ "$1" -ne 0 ] || { [ -s "$T/rep/index.html" ] && grep -q '</html>' "$T/rep/index.html"; }
}

total=0
sweep_faults() {   # name kind[:err] stride
    local name=$1 kind=$2 stride=$3 n=1 bad=0 runs=0 rc
    while [ $n -le $MAXN ]; do
        rm -rf "$T/w.db"* "$T/e.csv" "$T/rep" "$T/fired"
        cp "$T/base.db" "$T/w.db"
        RMSBENCH_FAULT_IO=${kind%%:*}:$n${kind#"${kind%%:*}"} RMSBENCH_FAULT_IO_LOG=$T/fired \
            "cmd_$name" >"$T/out" 2>"$T/err"
        rc=$?
        runs=$((runs + 1))
        local why=""
        grep -qE 'Sanitizer|runtime error|LeakSanitizer' "$T/err" && why="sanitizer report"
        [ $rc -ge 128 ] && why="killed by signal $((rc - 128))"
        [ $rc -ne 0 ] && [ ! -s "$T/err" ] && why="exit $rc with nothing on stderr"
        [ -z "$why" ] && [ "$(sqlite3 "$T/w.db" 'PRAGMA integrity_check' 2>&1)" != ok ] &&
            why="integrity_check failed"
        [ -z "$why" ] && ! "verify_$name" $rc && why="exit $rc: results lost or half-written"
        if [ -n "$why" ]; then
            bad=$((bad + 1))
            echo "FAIL: $name $kind N=$n: $why: $(head -c 300 "$T/err")"
        fi
        [ -s "$T/fired" ] || break      # N is past the last operation
        n=$((n + stride))
    done
    total=$((total + runs))
    echo "$name $kind: N=1..$n step $stride: $runs runs, $bad bad"
    check "$name $kind: every N ends cleanly ($runs runs)" [ $bad -eq 0 ]
    check "$name $kind: the sweep reached past the last operation" [ ! -s "$T/fired" ]
}

t0=$(date +%s)
for c in run sweep hyperfine proofs export report; do
    # a sweep (3 processes, a resume after each failure) costs ~5 runs: every other N
    stride=$STRIDE; [ $c = sweep ] && stride=$((STRIDE * 2))
    sweep_faults $c write "$stride"
    sweep_faults $c sync:ioerr "$STRIDE"
done
for c in run hyperfine proofs; do
    sweep_faults $c write:ioerr "$STRIDE"
done
for c in run hyperfine proofs export report; do
    sweep_faults $c alloc "$ASTRIDE"
done
sweep_faults sweep alloc $((ASTRIDE * 10))   # ~10^4 allocations in 3 processes
echo "fault sweep: $total command runs in $(( $(date +%s) - t0 )) s"

# the defects the sweep found, kept as plain regressions
cp "$T/base.db" "$T/w.db"
RMSBENCH_FAULT_IO=write:1 "$RMSBENCH" import-hyperfine "$FX/hyperfine-perf.json" --db "$T/w.db" \
    >/dev/null 2>"$T/err"
check "import-hyperfine on a full disk: exit 1, one line (was a double free)" \
    [ $? -eq 1 -a "$(wc -l <"$T/err")" -eq 1 ]
check "... and the database unchanged" [ "$(count "$T/w.db" hyperfine)" -eq "$(count "$T/base.db" hyperfine)" ]
# the disk fills after the claim, before the result: find that N
for n in $(seq 4 60); do
    rm -f "$T/w.db"*; cp "$T/base.db" "$T/w.db"
    RMSBENCH_FAULT_IO=write:$n "$RMSBENCH" run "${RUN[@]}" --db "$T/w.db" >"$T/out" 2>"$T/err"
    [ $? -eq 1 ] && [ "$(count "$T/w.db" runs)" -eq 2 ] && break
done
check "run, disk full after the claim: exit 1" [ "$(count "$T/w.db" runs)" -eq 2 ]
check "... stdout does not say done" grep -q 'status=failed .*error="result not recorded' "$T/out"
check "... the row is not done" [ "$(sqlite3 "$T/w.db" "SELECT count(*) FROM runs WHERE status='done'")" -eq 1 ]

expect_fail 2 "a malformed RMSBENCH_FAULT_IO is refused" env RMSBENCH_FAULT_IO=write:0 "$RMSBENCH" list
summary test_faults
