# test_sweep_resume.sh -- a sweep killed with SIGKILL at several points
# (after a claim, inside the final transaction, after a commit, a single
# worker, and at a random moment), then started again, ends with exactly the
# rows of an uninterrupted sweep; no row is left `running`; integrity_check
# is ok; a finished sweep run again runs nothing.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-sweep-resume.XXXXXX); trap 'rm -rf "$T"' EXIT
GRID=(--problems rosenbrock_nd --dim 40 --kernels fused,ref64 --lr 1e-3:1e-1:3
      --seeds 1..4 --steps 1500 --every 100)
N=24
sig() {   # what decides a run's result, per config, in a stable order
    sqlite3 "$1" "SELECT config_hash, status, steps_done, quote(final_loss), quote(best_loss),
        steps_to_target, (SELECT count(*) || ':' || quote(sum(loss)) FROM curves WHERE run_id = runs.id)
        FROM runs ORDER BY config_hash"
}
t0=$(date +%s%N)
"$RMSBENCH" sweep "${GRID[@]}" --jobs 2 --db "$T/ref.db" 2>/dev/null
check "uninterrupted sweep exits 0" [ $? -eq 0 ]
# the timed kill lands at ~40% of an uninterrupted sweep's wall time
kill_at=$(( ($(date +%s%N) - t0) * 4 / 10 / 1000000 ))
kill_at=$(printf '%d.%03d' $((kill_at / 1000)) $((kill_at % 1000)))
ref=$(sig "$T/ref.db")
check "uninterrupted sweep has $N runs" [ "$(wc -l <<<"$ref")" -eq $N ]
check "all done" [ "$(sqlite3 "$T/ref.db" "SELECT count(*) FROM runs WHERE status='done'")" -eq $N ]

killed_sweep() {   # name jobs env... : a sweep killed by the fault hook or by a timer
    local name=$1 jobs=$2; shift 2
    local db=$T/$name.db
    # setsid: the sweep and its workers form one process group to kill
    if [ "$1" = timer ]; then
        setsid "$RMSBENCH" sweep "${GRID[@]}" --jobs "$jobs" --db "$db" >/dev/null 2>&1 &
    else
        setsid env "$@" "$RMSBENCH" sweep "${GRID[@]}" --jobs "$jobs" --db "$db" >/dev/null 2>&1 &
    fi
    local pid=$! rc
    [ "$1" = timer ] && { sleep "$2"; kill -KILL -- -"$pid" 2>/dev/null; }
    wait "$pid" 2>/dev/null; rc=$?
    if [ "$1" = timer ]; then   # timing is noisy: the sweep may have ended first
        check "$name: killed (137) or finished first (0): $rc" [ $rc -eq 137 -o $rc -eq 0 ]
    else
        check "$name: the sweep was killed (exit $rc)" [ $rc -eq 137 ]
    fi
    # workers die with the group; wait until the last one is gone
    while kill -0 -- -"$pid" 2>/dev/null; do sleep 0.05; done
    local partial
    partial=$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE status='done'" 2>/dev/null || echo 0)
    echo "$name: $partial of $N done when killed"
    "$RMSBENCH" sweep "${GRID[@]}" --jobs "$jobs" --db "$db" 2>"$T/resume.err"
    check "$name: resumed sweep exits 0" [ $? -eq 0 ]
    check "$name: same rows as uninterrupted" [ "$(sig "$db")" = "$ref" ]
    check "$name: nothing left running" [ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE status='running'")" -eq 0 ]
    check "$name: integrity ok" [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
    check "$name: no orphan curve rows" [ "$(sqlite3 "$db" 'SELECT count(*) FROM curves WHERE run_id NOT IN (SELECT id FROM runs)')" -eq 0 ]
    "$RMSBENCH" sweep "${GRID[@]}" --jobs "$jobs" --db "$db" 2>"$T/again.err"
    check "$name: third start runs nothing" grep -q "ran 0 .*skipped $N already" "$T/again.err"
}
killed_sweep after-claim    2 RMSBENCH_FAULT=claimed:3:group
killed_sweep in-transaction 2 RMSBENCH_FAULT=curves:5:group
killed_sweep after-commit   1 RMSBENCH_FAULT=finished:4:group
killed_sweep first-claim    1 RMSBENCH_FAULT=claimed:1:group
killed_sweep timer          2 timer "$kill_at"

# Ctrl-C (SIGINT to the sweep alone): workers finish their current run as
# failed, nothing stays running, exit 130; the next start completes the grid
"$RMSBENCH" sweep "${GRID[@]}" --jobs 2 --db "$T/int.db" 2>/dev/null &
pid=$!; sleep "$kill_at"; kill -INT $pid; wait $pid; rc=$?
check "interrupted sweep exits 130 (or 0 if it had finished): $rc" [ $rc -eq 130 -o $rc -eq 0 ]
check "interrupted: nothing left running" [ "$(sqlite3 "$T/int.db" "SELECT count(*) FROM runs WHERE status='running'")" -eq 0 ]
"$RMSBENCH" sweep "${GRID[@]}" --jobs 2 --db "$T/int.db" 2>/dev/null
check "interrupted: resumed rows match" [ "$(sig "$T/int.db")" = "$ref" ]

# one worker killed while the sweep goes on: the parent replaces it, says so
# (exit 1), and the next start re-runs the stale config
env RMSBENCH_FAULT=curves:2 "$RMSBENCH" sweep "${GRID[@]}" --jobs 2 --db "$T/w.db" 2>"$T/w.err"
check "worker killed: exit 1" [ $? -eq 1 ]
check "worker killed: reported" grep -q "killed by signal 9" "$T/w.err"
check "worker killed: stale row left running" [ "$(sqlite3 "$T/w.db" "SELECT count(*) FROM runs WHERE status='running'")" -ge 1 ]
"$RMSBENCH" sweep "${GRID[@]}" --jobs 2 --db "$T/w.db" 2>/dev/null
check "worker killed: resumed rows match" [ "$(sig "$T/w.db")" = "$ref" ]
summary "sweep resume"
