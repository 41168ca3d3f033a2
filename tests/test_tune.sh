# test_tune.sh -- rmsbench tune: bad input is one line, exit 2, no file;
# the grid protocol records its studies and trials and picks the lr with the
# lowest median; a second start runs nothing; a tune killed with SIGKILL in
# the search or in the final runs resumes to the same rows as an
# uninterrupted one; the quasirandom protocol takes the best trial per study.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-tune.XXXXXX); trap 'rm -rf "$T"' EXIT
G=(--protocol grid --problems quadratic,rosenbrock --solvers torch,keras+momentum=0.9
   --lr-range 1e-3:1e-1 --lr-count 4 --tune-seeds 1,2 --final-seeds 11..13 --steps 300)

bad() {   # what args...: exit 2, one line, nothing written
    local what=$1; shift
    RMSBENCH_RAM_BYTES=1e9 expect_fail 2 "$what" "$RMSBENCH" tune "$@" --db "$T/bad.db"
    check "$what: no database written" [ ! -e "$T/bad.db" ]
}
bad "unknown protocol"     --protocol bogus --problems quadratic
bad "no protocol"          --problems quadratic
bad "unknown solver"       --protocol grid --problems quadratic --solvers torch,nope
bad "unknown solver option" --protocol grid --problems quadratic --solvers torch+bogus=1
bad "unknown problem"      --protocol grid --problems nope
bad "inverted lr range"    --protocol grid --problems quadratic --lr-range 1e-1:1e-3
bad "empty lr range"       --protocol grid --problems quadratic --lr-range 1e-2:1e-2
bad "lr budget 0"          --protocol grid --problems quadratic --lr-count 0
bad "trials budget 0"      --protocol quasirandom --problems quadratic --trials 0
bad "studies budget 0"     --protocol quasirandom --problems quadratic --studies 0
bad "empty space"          --protocol quasirandom --problems quadratic --space ''
bad "inverted space"       --protocol quasirandom --problems quadratic --space lr=log:1e-1:1e-4
bad "unknown axis"         --protocol quasirandom --problems quadratic --space lr=log:1e-4:1,gamma=lin:0:1
bad "axis twice"           --protocol quasirandom --problems quadratic --space lr=log:1e-4:1,lr=log:1e-3:1
bad "too many dimensions"  --protocol quasirandom --problems quadratic \
    --space lr=log:1e-4:1,beta=lin:0.5:0.9,eps=log:1e-9:1e-3,v0=lin:0:1,momentum=lin:0:0.9,weight-decay=lin:0:0.1,wd-mode=choice,centered=choice,nesterov=choice
bad "unknown sequence"     --protocol quasirandom --problems quadratic --sequence random
bad "grid option in quasirandom" --protocol quasirandom --problems quadratic --lr-count 3
bad "unknown option"       --protocol grid --problems quadratic --gamma 1
# the bounds run and sweep enforce hold for tune too, before any file is made
bad "memory over the RAM"  --protocol grid --problems synthetic --dim 1e8 --lr-count 1 --steps 1
bad "epochs too many for --every" --protocol grid --problems softmax_fmnist --epochs 100000 --every 1
bad "lr below the float range" --protocol grid --problems quadratic --lr-range 1e-300:1e-299 --lr-count 2

sig() {   # everything the tuning decided, per trial, in a stable order
    sqlite3 "$1" "SELECT s.problem, s.solver, s.status, s.best_json, t.phase, t.rep, t.trial,
        t.seed, t.config_hash, r.status, quote(r.final_loss)
        FROM trials t JOIN studies s ON s.id = t.study_id
        LEFT JOIN runs r ON r.config_hash = t.config_hash AND r.status IN ('done','diverged')
        ORDER BY 1, 2, 5, 6, 7, 8"
}
"$RMSBENCH" tune "${G[@]}" --jobs 2 --db "$T/ref.db" >"$T/ref.out" 2>/dev/null
check "uninterrupted tune exits 0" [ $? -eq 0 ]
check "4 studies, all done" [ "$(sqlite3 "$T/ref.db" "SELECT count(*) FROM studies WHERE status='done'")" -eq 4 ]
check "32 tuning and 12 final trials" [ "$(sqlite3 "$T/ref.db" "SELECT group_concat(n) FROM (SELECT count(*) n FROM trials GROUP BY phase ORDER BY phase)")" = "12,32" ]
check "one summary line per pair" [ "$(grep -c '^tune problem=' "$T/ref.out")" -eq 4 ]
check "solver labels in the studies" [ "$(sqlite3 "$T/ref.db" "SELECT group_concat(solver) FROM (SELECT DISTINCT solver FROM studies ORDER BY solver)")" = "keras+momentum=0.9,torch" ]
# the chosen lr has the lowest median (2 seeds: the mean) final loss over the tuning seeds
best=$(sqlite3 "$T/ref.db" "SELECT json_extract(params_json,'$.lr') FROM trials t JOIN runs r
    ON r.config_hash = t.config_hash JOIN studies s ON s.id = t.study_id
    WHERE s.problem='quadratic' AND s.solver='torch' AND t.phase='tune'
    GROUP BY t.trial ORDER BY avg(r.final_loss) LIMIT 1")
chosen=$(sqlite3 "$T/ref.db" "SELECT DISTINCT json_extract(params_json,'$.lr') FROM trials t
    JOIN studies s ON s.id = t.study_id WHERE s.problem='quadratic' AND s.solver='torch' AND t.phase='final'")
check "grid picks the lr of lowest median ($best vs $chosen)" [ -n "$best" ] && [ "$best" = "$chosen" ]
check "final runs use the final seeds" [ "$(sqlite3 "$T/ref.db" "SELECT group_concat(seed) FROM (SELECT DISTINCT seed FROM trials WHERE phase='final' ORDER BY seed)")" = "11,12,13" ]
ref=$(sig "$T/ref.db")
"$RMSBENCH" tune "${G[@]}" --jobs 2 --db "$T/ref.db" 2>"$T/again.err" >/dev/null
check "second start runs nothing" [ "$(grep -c 'ran 0 ' "$T/again.err")" -eq 2 ]
check "second start: same rows" [ "$(sig "$T/ref.db")" = "$ref" ]

killed() {   # name jobs fault [pre-run]: killed tune, then resumed
    local name=$1 jobs=$2 fault=$3 db=$T/$1.db rc
    if [ "${4:-}" = search-done ]; then   # the search's configs already recorded (by sweep)
        "$RMSBENCH" sweep --problems quadratic,rosenbrock --solvers torch,keras+momentum=0.9 \
            --lr 1e-3:1e-1:4 --seeds 1,2 --steps 300 --jobs 2 --db "$db" 2>/dev/null
    fi
    setsid env RMSBENCH_FAULT="$fault" "$RMSBENCH" tune "${G[@]}" --jobs "$jobs" --db "$db" \
        >/dev/null 2>&1 &
    local pid=$!
    wait "$pid" 2>/dev/null; rc=$?
    check "$name: killed (exit $rc)" [ $rc -eq 137 ]
    while kill -0 -- -"$pid" 2>/dev/null; do sleep 0.05; done
    check "$name: not finished when killed" [ "$(sqlite3 "$db" "SELECT count(*) FROM studies WHERE status='done'")" -lt 4 ]
    "$RMSBENCH" tune "${G[@]}" --jobs "$jobs" --db "$db" >/dev/null 2>&1
    check "$name: resumed tune exits 0" [ $? -eq 0 ]
    check "$name: same result as uninterrupted" [ "$(sig "$db")" = "$ref" ]
    check "$name: nothing left running" [ "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE status='running'")" -eq 0 ]
}
killed search-after-commit 1 finished:5:group
killed search-in-transaction 2 curves:3:group
killed final-after-claim 1 claimed:2:group search-done

# quasirandom: per study the trial with the lowest final loss is the final run
Q=(--protocol quasirandom --problems quadratic --solvers torch --trials 4 --studies 2
   --space lr=log:1e-4:1e-1,beta=lin:0.8:0.999 --sequence sobol --steps 300)
"$RMSBENCH" tune "${Q[@]}" --db "$T/q.db" >/dev/null 2>&1
check "quasirandom tune exits 0" [ $? -eq 0 ]
check "quasirandom: 8 trials, 2 final" [ "$(sqlite3 "$T/q.db" "SELECT group_concat(n) FROM (SELECT count(*) n FROM trials GROUP BY phase ORDER BY phase)")" = "2,8" ]
for m in 0 1; do
    want=$(sqlite3 "$T/q.db" "SELECT t.trial FROM trials t JOIN runs r ON r.config_hash = t.config_hash
        WHERE t.phase='tune' AND t.rep=$m ORDER BY r.final_loss LIMIT 1")
    got=$(sqlite3 "$T/q.db" "SELECT trial FROM trials WHERE phase='final' AND rep=$m")
    check "quasirandom study $m: best trial $want chosen ($got)" [ -n "$want" ] && [ "$want" = "$got" ]
done
# the first Sobol point (0.5, 0.5) mapped into the space: lr = sqrt(1e-4 * 1e-1), beta = 0.8995
check "first Sobol point in the space" [ "$(sqlite3 "$T/q.db" "SELECT printf('%.6g %.6g', json_extract(params_json,'$.lr'), json_extract(params_json,'$.beta')) FROM trials WHERE phase='tune' AND rep=0 AND trial=0")" = "0.00316228 0.8995" ]
summary "tune"
