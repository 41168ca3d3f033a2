# test_bounds.sh -- bounds enforced before any work starts:
#  - memory: a run, a sweep (largest config x workers) or a perf size whose
#    up-front estimate exceeds RAM is one line, exit 2, no database written
#    (run --dim 3e9 grew to 24 GB and was OOM-killed, leaving a `running`
#    row).  RMSBENCH_RAM_BYTES pins the machine's RAM to 100 MB so the test
#    does not depend on this machine's, and a build without the check (which
#    would really allocate) stays small;
#  - --epochs/--every that make too long a curve: exit 2, nothing written,
#    for run and sweep (was a failed row, exit 1 / a sweep of failed rows);
#  - perf's time budget: steps per repetition shrink to fit it, and a
#    configuration too small to time says so (was minutes at n = 1 on 2
#    threads).  Checked by what perf reports (inner, the notes), never by
#    how long anything took.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-bounds.XXXXXX); trap 'rm -rf "$T"' EXIT

expect_fail 2 "run --dim 2^40: more memory than any machine here" \
    "$RMSBENCH" run --problem synthetic --steps 1 --dim 2^40 --db "$T/a.db"
check "... no database written" [ ! -e "$T/a.db" ]
export RMSBENCH_RAM_BYTES=1e8
expect_fail 2 "run --dim 1e7 (~520 MB) on a 100 MB machine" \
    "$RMSBENCH" run --problem synthetic --steps 1 --dim 1e7 --db "$T/a.db"
check "... no database written" [ ! -e "$T/a.db" ]
check "the message names --dim and RAM" bash -c \
    "'$RMSBENCH' run --problem synthetic --steps 1 --dim 1e7 --db '$T/a.db' 2>&1 | grep -q -- '--dim.*RAM'"
expect_fail 2 "sweep: 4 workers x 1M elements (~52 MB each) on a 100 MB machine" \
    "$RMSBENCH" sweep --problems rosenbrock_nd --dim 1e6 --steps 1 --seeds 1..4 --jobs 4 --db "$T/a.db"
check "... no database written" [ ! -e "$T/a.db" ]
"$RMSBENCH" sweep --problems rosenbrock_nd --dim 1e6 --steps 1 --seeds 1..4 --jobs 1 --db "$T/a.db" 2>/dev/null
check "sweep: the same grid on one worker fits (exit 0)" [ $? -eq 0 ]
expect_fail 2 "perf --sizes 1e7 (~400 MB) on a 100 MB machine" \
    "$RMSBENCH" perf --kernel fused --sizes 1e7 --threads 1 --reps 1 --no-db --peer none
unset RMSBENCH_RAM_BYTES

# --epochs: validated before the database is touched (softmax_fmnist has
# 469 steps per epoch; 1e5 epochs at --every 1 is 4.7e7 curve points)
if [ -n "$(ls "${RMS_FMNIST_DIR:-/usr/share/datasets/fashion-mnist}" 2>/dev/null)" ]; then
    expect_fail 2 "run --epochs 100000 --every 1" \
        "$RMSBENCH" run --problem softmax_fmnist --epochs 100000 --every 1 --db "$T/e.db"
    check "... no database written" [ ! -e "$T/e.db" ]
    expect_fail 2 "sweep --epochs 100000 --every 1" \
        "$RMSBENCH" sweep --problems softmax_fmnist --epochs 100000 --every 1 --db "$T/e.db"
    check "... no database written" [ ! -e "$T/e.db" ]
fi

# perf: a budget far too small for 2^22 element-steps cuts inner to 1, and
# 1 element on 2 threads is named as not meaningful
"$RMSBENCH" perf --kernel fused --sizes 1 --threads 2 --reps 2 --budget 1e-9 --no-db \
    --peer none --format csv >"$T/p.csv" 2>"$T/p.err"
check "perf n=1 threads=2: exit 0" [ $? -eq 0 ]
inner=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "inner") c = i } NR == 2 { print $c }' "$T/p.csv")
check "perf: inner cut to fit the budget (got '$inner')" [ "$inner" = 1 ]
check "perf: says it cut the steps for the budget" grep -q 'steps per repetition to fit' "$T/p.err"
check "perf: says n=1 on 2 threads is not meaningful" grep -q 'threads=2: not a meaningful figure' "$T/p.err"
check "perf --help states the budget" bash -c "'$RMSBENCH' perf --help | grep -q -- '--budget S'"
check "run --help states the memory bound" bash -c "'$RMSBENCH' run --help | grep -q 'RAM'"
expect_fail 2 "perf --budget 0 is refused" "$RMSBENCH" perf --budget 0 --no-db
summary test_bounds
