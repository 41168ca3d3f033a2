# test_cli_run.sh -- `rmsbench run` and `export` from the command line: a
# run round-trips through the database and back out through export (CSV and
# JSON); every bad input exits 2 with one line on stderr naming the bad
# value, prints nothing on stdout, and leaves the database files
# byte-identical.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-cli-run.XXXXXX); trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
DB=$T/r.db
PY=/usr/bin/python3

# ---- a run, recorded, and read back through export
out=$("$RMSBENCH" run --problem rosenbrock_nd --dim 5 --kernel ref64 --steps 300 --every 10 --db "$DB")
check "run exits 0" [ $? -eq 0 ]
check "summary says done" grep -q 'status=done' <<<"$out"
id=$(grep -o 'run_id=[0-9]*' <<<"$out" | cut -d= -f2)
check "summary names the run id" [ -n "$id" ]
fl=$(grep -o 'final_loss=[^ ]*' <<<"$out" | cut -d= -f2)
"$RMSBENCH" export --db "$DB" --table runs --run "$id" --format json --out "$T/run.json"
check "export json exits 0" [ $? -eq 0 ]
"$RMSBENCH" export --db "$DB" --table runs --run "$id" --format csv > "$T/run.csv"
"$RMSBENCH" export --db "$DB" --table curves --run "$id" --format csv > "$T/curve.csv"
check "export csv exits 0" [ $? -eq 0 ]
check "round trip: json and csv agree, curve and summary match" "$PY" - "$T" "$fl" <<'PY'
import csv, json, sys
t, fl = sys.argv[1], float(sys.argv[2])
j = json.load(open(t + "/run.json"))
c = list(csv.DictReader(open(t + "/run.csv", newline="")))
cur = list(csv.DictReader(open(t + "/curve.csv", newline="")))
assert len(j) == 1 and len(c) == 1, (len(j), len(c))
r = j[0]
assert r["status"] == "done" and r["steps_done"] == 300 and r["kernel"] == "ref64", r
assert r["problem"] == "rosenbrock_nd" and r["dim"] == 5 and r["every"] == 10
assert abs(r["final_loss"] - fl) <= 1e-8 * abs(fl), (r["final_loss"], fl)
# CSV quoting survives the JSON text column (quotes and commas inside)
assert c[0]["config_json"] == r["config_json"]
assert json.loads(r["config_json"])["config_hash"] == r["config_hash"]
assert float(c[0]["final_loss"]) == r["final_loss"]
steps = [int(x["step"]) for x in cur]
assert steps == list(range(0, 300, 10)) + [300], steps
assert float(cur[-1]["loss"]) == r["final_loss"]
assert r["peak_rss_bytes"] > 0 and r["machine_id"] >= 1
PY
"$RMSBENCH" export --db "$DB" --table machines --format json > "$T/m.json"
check "machine row has the CPU" "$PY" -c "import json,sys; m=json.load(open('$T/m.json')); assert m and m[0]['cpu_model'] and m[0]['cores']>=1"

out=$("$RMSBENCH" run --problem rosenbrock --lr 1e30 --db "$DB")
check "diverging run exits 0" [ $? -eq 0 ]
check "diverging run says diverged" grep -q 'status=diverged diverged_step=\|status=diverged' <<<"$out"
n=$("$RMSBENCH" export --db "$DB" --table runs --status diverged | tail -n +2 | wc -l)
check "diverged run recorded" [ "$n" -eq 1 ]
out=$("$RMSBENCH" run --problem rosenbrock --steps 3 --kernel ref64 --print-params --no-db 2>/dev/null)
check "--print-params prints 2 numbers" [ "$(wc -l <<<"$out")" -eq 2 ]
check "--print-params uses %.17g" grep -qE '^-?[0-9]\.[0-9]{16}' <<<"$out"
"$RMSBENCH" run --problem rosenbrock --steps 10 --no-db --db "$T/none.db" >/dev/null
check "--no-db creates no file" [ ! -e "$T/none.db" ]
"$RMSBENCH" run --problem rosenbrock --preset seed --lr 0.01 --eps-in-sqrt --steps 50 --db "$DB" >/dev/null
n=$("$RMSBENCH" export --db "$DB" --table runs --format csv | grep -c ',0.01,0.90000000000000002,1e-08,0,0,0,coupled,1,')
check "command-line options override the preset" [ "$n" -eq 1 ]
# Ctrl-C / SIGTERM: the run stops, is recorded failed ("interrupted"), never left running
"$RMSBENCH" run --problem rosenbrock_nd --dim 20000 --steps 1e7 --kernel fused --db "$DB" >/dev/null 2>&1 &
rp=$!
# wait for the run to be recorded running (up to 120 s: a loaded machine can
# take seconds to start it; the loop leaves as soon as it is)
for i in $(seq 1200); do
    [ "$(sqlite3 "$DB" "SELECT count(*) FROM runs WHERE status='running'" 2>/dev/null)" = 1 ] && break
    sleep 0.1
done
sleep 0.3; kill -TERM $rp; wait $rp; rc=$?
check "interrupted run exits 1 (got $rc)" [ $rc -eq 1 ]
check "interrupted run recorded failed" [ "$(sqlite3 "$DB" "SELECT count(*) FROM runs WHERE status='failed' AND error LIKE 'interrupted at step %'")" -eq 1 ]
check "nothing left running" [ "$(sqlite3 "$DB" "SELECT count(*) FROM runs WHERE status='running'")" -eq 0 ]
for c in run sweep export; do
    check "$c --help" "$RMSBENCH" $c --help >/dev/null
done

# ---- bad input: exit 2, one line naming the value, nothing on stdout,
# database files unchanged
# Per input, builtins only (each process costs ~50 ms on a loaded machine):
# no database file newer than a stamp taken before; the full sha256 of every
# file is compared after each group and at the end.
state() { sha256sum "$T"/r.db* 2>/dev/null; }
before=$(state)
sleep 0.01; : >"$T/stamp"
untouched() {
    local f
    for f in "$T"/r.db*; do [ "$f" -nt "$T/stamp" ] && return 1; done
    return 0
}
bad() {   # what needle args...
    local what=$1 needle=$2; shift 2
    local so se rc lines
    so=$("$@" 2>"$T/err"); rc=$?
    se=$(<"$T/err")
    lines=0; while IFS= read -r _; do lines=$((lines + 1)); done <"$T/err"
    if [ $rc -eq 2 ] && [ $lines -eq 1 ] && [ -z "$so" ] && [[ $se == *"$needle"* ]] && untouched; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL: $what (exit $rc; stdout '$so'; stderr '$se')"
    fi
}
R=("$RMSBENCH" run --problem rosenbrock --db "$DB")
for opt in lr beta eps v0 momentum weight-decay steps epochs seed dim every; do
    for v in nan -1 1e999 0x "" 1abc; do
        bad "run --$opt '$v'" "'$v'" "${R[@]}" --$opt "$v"
    done
done
check "database byte-identical after the option matrix" [ "$(state)" = "$before" ]
bad "run --lr=-1 form" "'-1'" "${R[@]}" --lr=-1
bad "run --lr inf" "'inf'" "${R[@]}" --lr inf
bad "unknown problem" "'nosuch'" "$RMSBENCH" run --problem nosuch --db "$DB"
bad "missing problem" "--problem" "$RMSBENCH" run --db "$DB"
bad "unknown kernel" "'nosuch'" "${R[@]}" --kernel nosuch
bad "RMS_KERNEL unknown" "'nosuch'" env RMS_KERNEL=nosuch "${R[@]}"
bad "unknown preset" "'nosuch'" "${R[@]}" --preset nosuch
bad "unknown option" "--frobnicate: unknown option" "${R[@]}" --frobnicate
bad "missing value" "--lr: missing value" "${R[@]}" --lr
bad "extra argument" "'extra'" "${R[@]}" extra
bad "wd-mode" "'both'" "${R[@]}" --wd-mode both
bad "beta 1" "'1'" "${R[@]}" --beta 1
bad "momentum 1" "'1'" "${R[@]}" --momentum 1
bad "nesterov without momentum" "nesterov" "${R[@]}" --nesterov
bad "dim on a fixed problem" "'3'" "${R[@]}" --dim 3
bad "steps and epochs" "--epochs" "${R[@]}" --steps 10 --epochs 1
bad "epochs on a problem without" "'rosenbrock'" "${R[@]}" --epochs 1
bad "steps too many" "'1e13'" "${R[@]}" --steps 1e13
bad "curve too long" "'1'" "${R[@]}" --steps 1e9 --every 1
bad "empty db path" "--db" "$RMSBENCH" run --problem rosenbrock --db ""
check "database byte-identical after bad run input" [ "$(state)" = "$before" ]
# bad databases: a missing directory, a read-only file, a file that is not SQLite
bad "db in a missing directory" "$T/nodir" "$RMSBENCH" run --problem rosenbrock --db "$T/nodir/x.db"
check "no directory created" [ ! -e "$T/nodir" ]
cp "$DB" "$T/ro.db"; chmod 444 "$T/ro.db"; ro_sum=$(sha256sum <"$T/ro.db")
bad "read-only db" "$T/ro.db" "$RMSBENCH" run --problem rosenbrock --steps 10 --db "$T/ro.db"
check "read-only db unchanged" [ "$(sha256sum <"$T/ro.db")" = "$ro_sum" ]
check "read-only db left no -wal" [ ! -e "$T/ro.db-wal" ]
cp "$DB" "$T/newer.db"; sqlite3 "$T/newer.db" 'PRAGMA journal_mode=DELETE; PRAGMA user_version=99' >/dev/null
nw_sum=$(sha256sum <"$T/newer.db")
bad "newer schema" "newer" "$RMSBENCH" run --problem rosenbrock --steps 10 --db "$T/newer.db"
check "newer-schema db unchanged (not even switched to WAL)" [ "$(sha256sum <"$T/newer.db")" = "$nw_sum" ]
mkdir "$T/dir.db"
bad "db is a directory" "$T/dir.db" "$RMSBENCH" run --problem rosenbrock --steps 10 --db "$T/dir.db"
head -c 8192 /dev/urandom > "$T/junk.db"; printf 'SQLite format 3\0garbage' > "$T/fake.db"
for f in junk fake; do
    s=$(sha256sum <"$T/$f.db")
    bad "not a database ($f)" "$T/$f.db" "$RMSBENCH" run --problem rosenbrock --steps 10 --db "$T/$f.db"
    bad "sweep on not a database ($f)" "$T/$f.db" "$RMSBENCH" sweep --problems rosenbrock --steps 10 --db "$T/$f.db"
    bad "export of not a database ($f)" "$T/$f.db" "$RMSBENCH" export --table runs --db "$T/$f.db"
    check "$f.db unchanged" [ "$(sha256sum <"$T/$f.db")" = "$s" ]
done
# sweep
S=("$RMSBENCH" sweep --problems rosenbrock --steps 10 --db "$DB")
bad "range count 0" "'1e-4:1e-1:0'" "${S[@]}" --lr 1e-4:1e-1:0
bad "range count negative" "'1e-4:1e-1:-3'" "${S[@]}" --lr 1e-4:1e-1:-3
bad "range lo 0" "'0:1:3'" "${S[@]}" --lr 0:1:3
bad "range malformed" "'1e-4:1e-1'" "${S[@]}" --beta 1e-4:1e-1
bad "lr list with nan" "'nan'" "${S[@]}" --lr 0.1,nan
bad "lr list with negative" "-1" "${S[@]}" --lr 0.1,-1
bad "beta list out of range" "--beta: bad value '1'" "${S[@]}" --beta 0.9,1
bad "eps trailing garbage" "'1e-8x'" "${S[@]}" --eps 1e-8x
bad "momentum 1e999" "'1e999'" "${S[@]}" --momentum 1e999
bad "seeds reversed" "'5..1'" "${S[@]}" --seeds 5..1
bad "seeds negative" "'-1'" "${S[@]}" --seeds -1
bad "seeds garbage" "'1x'" "${S[@]}" --seeds 1x
bad "empty element" "'rosenbrock,,rosenbrock_nd'" "$RMSBENCH" sweep --problems rosenbrock,,rosenbrock_nd --db "$DB"
bad "unknown problem in list" "'nosuch'" "$RMSBENCH" sweep --problems rosenbrock,nosuch --db "$DB"
bad "unknown kernel in list" "'nosuch'" "${S[@]}" --kernels fused,nosuch
bad "unknown preset in list" "'nosuch'" "${S[@]}" --presets seed,nosuch
bad "jobs 0" "'0'" "${S[@]}" --jobs 0
bad "jobs garbage" "'2x'" "${S[@]}" --jobs 2x
bad "empty name" "--name" "${S[@]}" --name ""
bad "sweep steps nan" "'nan'" "${S[@]}" --steps nan
bad "sweep missing problems" "--problems" "$RMSBENCH" sweep --db "$DB"
bad "too many configs" "configs" "${S[@]}" --lr 1e-5:1:1000 --seeds 1..1000 --beta 0.1:0.9:2
check "database byte-identical after bad sweep input" [ "$(state)" = "$before" ]
# export
E=("$RMSBENCH" export --db "$DB")
bad "unknown table" "'nosuch'" "${E[@]}" --table nosuch
bad "table with SQL" "'runs; DROP TABLE runs'" "${E[@]}" --table "runs; DROP TABLE runs"
bad "bad format" "'xml'" "${E[@]}" --table runs --format xml
bad "bad status" "'finished'" "${E[@]}" --table runs --status finished
bad "bad run id" "'-1'" "${E[@]}" --table runs --run -1
bad "filter on machines" "machines" "${E[@]}" --table machines --problem rosenbrock
bad "missing table" "--table" "${E[@]}"
bad "export missing db" "$T/missing.db" "$RMSBENCH" export --table runs --db "$T/missing.db"
check "export of a missing db creates nothing" [ ! -e "$T/missing.db" ]
check "database unchanged after all bad input" [ "$(state)" = "$before" ]
out=$("${E[@]}" --table runs --problem "x' OR '1'='1" | tail -n +2 | wc -l)
check "a filter is a value, not SQL" [ "$out" -eq 0 ]
check "integrity_check ok" [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ]
summary "cli run"
