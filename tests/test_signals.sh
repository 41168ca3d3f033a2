# test_signals.sh -- SIGTERM, SIGINT and SIGHUP to a sweep's whole process
# group (what a terminal, a job scheduler or a closed ssh session sends):
# every worker ends its current run as failed ("interrupted") and records
# it, nothing stays `running`, the sweep exits 130 as its --help says; a
# resumed sweep finishes the grid.  The same signals to a single run: exit
# 1, row failed.  (Before: SA_RESETHAND plus the parent's forwarded SIGTERM
# killed the workers mid-run, rows stayed `running`; SIGHUP had no handler.)
# No timing magnitude: the test waits until the runs are claimed (polling
# the database), then signals.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-signals.XXXXXX); trap 'rm -rf "$T"' EXIT
# runs long enough to be caught mid-run on any machine; the signal ends them.
# --every 1: a run stopped after a second has ~10^5 curve rows to record, so
# a worker is still recording when the parent passes the signal on (what
# killed workers before); a shorter wait only makes that less likely.
LONG=(--problem rosenbrock_nd --dim 200 --steps 10000000 --every 1)
running() { sqlite3 "$1" "SELECT count(*) FROM runs WHERE status='running'" 2>/dev/null || echo 0; }
wait_running() {   # db want: poll until `want` rows are running (at most ~60 s)
    for _ in $(seq 600); do
        [ "$(running "$1")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

for sig in TERM INT HUP; do
    db=$T/sweep-$sig.db
    # setsid: the sweep and its workers form one process group, as under a
    # terminal or a batch system
    setsid "$RMSBENCH" sweep "${LONG[@]/--problem/--problems}" --seeds 1..3 --jobs 2 \
        --db "$db" >/dev/null 2>"$T/err" &
    pid=$!
    check "sweep/$sig: both workers are running a config" wait_running "$db" 2
    sleep 1
    kill -"$sig" -- -"$pid"
    wait "$pid"; rc=$?
    while kill -0 -- -"$pid" 2>/dev/null; do sleep 0.05; done
    check "sweep/$sig: exit 130 (got $rc)" [ $rc -eq 130 ]
    check "sweep/$sig: no worker was killed: $(grep worker "$T/err")" [ "$(grep -c 'killed by signal' "$T/err")" -eq 0 ]
    check "sweep/$sig: nothing left running" [ "$(running "$db")" -eq 0 ]
    check "sweep/$sig: both runs recorded failed, interrupted" \
        [ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE status='failed' AND error LIKE '%interrupted%'")" -eq 2 ]
    check "sweep/$sig: integrity ok" [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
done

for sig in TERM HUP; do
    db=$T/run-$sig.db
    setsid "$RMSBENCH" run "${LONG[@]}" --db "$db" >"$T/out" 2>&1 &
    pid=$!
    check "run/$sig: running" wait_running "$db" 1
    kill -"$sig" -- -"$pid"
    wait "$pid"; rc=$?
    check "run/$sig: exit 1 (got $rc)" [ $rc -eq 1 ]
    check "run/$sig: recorded failed" \
        [ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE status='failed'")" -eq 1 ]
    check "run/$sig: the summary says failed" grep -q 'status=failed' "$T/out"
done
summary test_signals
