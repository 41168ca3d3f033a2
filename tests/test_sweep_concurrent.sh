# test_sweep_concurrent.sh -- sweeps writing one database at the same time
# lose no rows and run no config twice: two copies of one grid (each with 2
# workers) plus a third, overlapping grid, all started together.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-sweep-conc.XXXXXX); trap 'rm -rf "$T"' EXIT
DB=$T/c.db
A=(--problems rosenbrock_nd --dim 30 --kernels fused,ref64 --lr 1e-3:1e-1:4 --seeds 1..4 --steps 800)
B=(--problems rosenbrock_nd --dim 30 --kernels fused --lr 1e-3:1e-1:4 --seeds 3..6 --steps 800)
nA=$("$RMSBENCH" sweep "${A[@]}" --dry-run 2>/dev/null | wc -l)
nB=$("$RMSBENCH" sweep "${B[@]}" --dry-run 2>/dev/null | wc -l)
union=$( ( "$RMSBENCH" sweep "${A[@]}" --dry-run; "$RMSBENCH" sweep "${B[@]}" --dry-run ) 2>/dev/null |
         cut -d' ' -f1 | sort -u | wc -l)
check "grids: A $nA, B $nB, union $union configs" [ "$nA" -eq 32 -a "$nB" -eq 16 -a "$union" -eq 40 ]
"$RMSBENCH" sweep "${A[@]}" --jobs 2 --db "$DB" 2>"$T/1.err" & p1=$!
"$RMSBENCH" sweep "${A[@]}" --jobs 2 --db "$DB" 2>"$T/2.err" & p2=$!
"$RMSBENCH" sweep "${B[@]}" --jobs 2 --db "$DB" 2>"$T/3.err" & p3=$!
wait $p1; r1=$?; wait $p2; r2=$?; wait $p3; r3=$?
check "all three sweeps exit 0 ($r1 $r2 $r3)" [ $r1 -eq 0 -a $r2 -eq 0 -a $r3 -eq 0 ]
q() { sqlite3 "$DB" "$1"; }
check "one row per config" [ "$(q 'SELECT count(*) FROM runs')" -eq "$union" ]
check "every config done" [ "$(q "SELECT count(DISTINCT config_hash) FROM runs WHERE status='done'")" -eq "$union" ]
check "no duplicates" [ "$(q 'SELECT count(*) FROM (SELECT config_hash FROM runs GROUP BY 1 HAVING count(*) > 1)')" -eq 0 ]
check "every run has its curve" [ "$(q 'SELECT count(*) FROM runs WHERE id NOT IN (SELECT run_id FROM curves)')" -eq 0 ]
check "integrity ok" [ "$(q 'PRAGMA integrity_check')" = ok ]
# the work was shared, not repeated: the runs the three report add up
ran=0
for f in 1 2 3; do
    n=$(grep -o 'ran [0-9]*' "$T/$f.err" | tail -n 1 | cut -d' ' -f2); ran=$((ran + ${n:-999}))
done
check "runs executed in total == configs ($ran)" [ "$ran" -eq "$union" ]
# and the rows equal a sweep run alone
"$RMSBENCH" sweep "${A[@]}" --db "$T/alone.db" 2>/dev/null
"$RMSBENCH" sweep "${B[@]}" --db "$T/alone.db" 2>/dev/null
sig() { sqlite3 "$1" "SELECT config_hash, status, quote(final_loss), (SELECT count(*) FROM curves WHERE run_id = runs.id) FROM runs ORDER BY 1"; }
check "same rows as sequential sweeps" [ "$(sig "$DB")" = "$(sig "$T/alone.db")" ]
summary "sweep concurrent"
