# test_edges_minor.sh -- the minor edges of issue 19, one check each:
# a learning rate below the float range with a float kernel is refused
# (it became 0 in the kernel), --db with --no-db is refused by run and sweep
# as by perf, a sweep list given twice is refused (the last one was kept
# silently), import-hyperfine refuses negative times and skips a result
# already imported (the same file twice made duplicate rows).
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-minor.XXXXXX); trap 'rm -rf "$T"' EXIT
FX=$PWD/tests/fixtures

expect_fail 2 "--lr 1e-300 with a float kernel" \
    "$RMSBENCH" run --problem rosenbrock_nd --kernel fused --lr 1e-300 --no-db
expect_fail 2 "--eps 1e-45 with a float kernel" \
    "$RMSBENCH" run --problem rosenbrock_nd --kernel fused --eps 1e-45 --no-db
"$RMSBENCH" run --problem rosenbrock_nd --kernel ref64 --lr 1e-300 --steps 3 --no-db >/dev/null 2>&1
check "--lr 1e-300 with ref64 (double) runs" [ $? -eq 0 ]
expect_fail 2 "sweep with a float kernel and --lr 1e-300" \
    "$RMSBENCH" sweep --problems rosenbrock_nd --kernels fused --lr 1e-300 --db "$T/s.db"
check "... nothing written" [ ! -e "$T/s.db" ]

expect_fail 2 "run --no-db --db X" "$RMSBENCH" run --problem rosenbrock_nd --no-db --db "$T/x.db"
expect_fail 2 "sweep --no-db --db X" "$RMSBENCH" sweep --problems rosenbrock_nd --no-db --db "$T/x.db"
check "... nothing written" [ ! -e "$T/x.db" ]

expect_fail 2 "sweep --problems a --problem b (b was kept silently)" \
    "$RMSBENCH" sweep --problems rosenbrock --problem rastrigin --dry-run
expect_fail 2 "sweep --seeds 1..3 --seed 4" \
    "$RMSBENCH" sweep --problems rosenbrock --seeds 1..3 --seed 4 --dry-run

"$RMSBENCH" import-hyperfine "$FX/hyperfine-perf.json" --db "$T/h.db" >/dev/null 2>&1
"$RMSBENCH" import-hyperfine "$FX/hyperfine-perf.json" --db "$T/h.db" >"$T/out" 2>&1
check "the same file imported twice: exit 0" [ $? -eq 0 ]
check "... no duplicate rows" [ "$(sqlite3 "$T/h.db" 'SELECT count(*) FROM hyperfine')" -eq 2 ]
check "... says it skipped them" grep -q '2 already there, skipped' "$T/out"
sed 's/"mean": *\([0-9]\)/"mean": -\1/' "$FX/hyperfine-perf.json" > "$T/neg.json"
expect_fail 2 "a negative mean is refused" "$RMSBENCH" import-hyperfine "$T/neg.json" --db "$T/h.db"
/usr/bin/python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["results"][0]["times"][0] = -1.0
json.dump(d, open(sys.argv[2], "w"))' "$FX/hyperfine-perf.json" "$T/negt.json"
expect_fail 2 "a negative time is refused" "$RMSBENCH" import-hyperfine "$T/negt.json" --db "$T/h.db"
check "... the database unchanged" [ "$(sqlite3 "$T/h.db" 'SELECT count(*) FROM hyperfine')" -eq 2 ]
summary test_edges_minor
