# test_cli_commands.sh -- what every subcommand gets from its declared rows
# (harness/cli/command.c): a generated --help naming every option, the one
# error wording (exit 2, one line, nothing on stdout), the abbreviations
# getopt_long accepts, and the default database directory results/ made by
# every command that writes, in a directory that has none.
. tests/lib.sh
RMSBENCH=$(cd "$(dirname "$RMSBENCH")" && pwd)/$(basename "$RMSBENCH")
SRC=$PWD
T=$(mktemp -d /tmp/rmsbench-cli-cmds.XXXXXX); trap 'rm -rf "$T"' EXIT

# ---- --help: generated usage line, one line per option, the help row
for c in list check run sweep tune perf report export import-hyperfine import-proofs; do
    out=$("$RMSBENCH" $c --help); rc=$?
    check "$c --help exits 0" [ $rc -eq 0 ]
    check "$c --help starts with its usage line" grep -q "^usage: rmsbench $c " <<<"$out"
    check "$c --help has the help row" grep -q '^  -h, --help ' <<<"$out"
    out2=$("$RMSBENCH" $c -h)
    check "$c -h is --help" [ "$out" = "$out2" ]
done
out=$("$RMSBENCH" perf --help)
for o in kernel sizes threads reps preset format db no-db peer seed; do
    check "perf --help names --$o" grep -q "^  --$o" <<<"$out"
done
check "a range is shown" grep -q '(1 to 100000; default 10)' <<<"$out"
check "choices are shown" grep -q -- '--format table|csv|json' <<<"$out"
out=$("$RMSBENCH" export --help)
check "a required option is in the usage line" grep -q '^usage: rmsbench export --table T \[options\]' <<<"$out"
out=$("$RMSBENCH" sweep --help)
check "sweep --help has the grid options" grep -q -- "--problems LIST" <<<"$out"
check "sweep --help has the run options" grep -q -- "--weight-decay" <<<"$out"
check "sweep --help has its own options" grep -q -- "--jobs N" <<<"$out"

# ---- one wording: "rmsbench CMD: --opt: bad value 'x' (why)", exit 2
said() {   # what needle cmd...: exit 2, stdout empty, stderr exactly the one line with needle
    local what=$1 needle=$2; shift 2
    local so se rc
    so=$("$@" 2>"$T/err"); rc=$?
    se=$(<"$T/err")
    if [ $rc -eq 2 ] && [ -z "$so" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && [[ $se == "$needle" ]]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL: $what (exit $rc; stdout '$so'; stderr '$se'; want '$needle')"
    fi
}
N=--no-db
said "check bad long" "rmsbench check: --steps: bad value 'x' (expected an integer)" "$RMSBENCH" check --steps x
said "check out of range" "rmsbench check: --steps: bad value '0' (must be in [1, 1000000])" "$RMSBENCH" check --steps 0
said "check bad double" "rmsbench check: --tolerance: bad value 'nan' (expected a finite number)" "$RMSBENCH" check --tolerance nan
said "perf bad choice" "rmsbench perf: --format: bad value 'xml' (expected table, csv or json)" "$RMSBENCH" perf --format xml $N
said "perf bad size" "rmsbench perf: --sizes: bad value 'abc' (expected a count such as 1000, 1e6, 64K, 2^20)" "$RMSBENCH" perf --sizes 1e4,abc $N
said "export bad status" "rmsbench export: --status: bad value 'x' (expected running, done, diverged or failed)" "$RMSBENCH" export --table runs --status x
said "export empty filter" "rmsbench export: --problem: bad value '' (empty)" "$RMSBENCH" export --table runs --problem ''
said "report empty out" "rmsbench report: --out: bad value '' (empty)" "$RMSBENCH" report --out ''
said "run bad value" "rmsbench run: --lr: bad value 'x' (expected a finite number)" "$RMSBENCH" run --problem rosenbrock --lr x $N
said "sweep name too long" "rmsbench sweep: --name: bad value '$(printf 'n%.0s' $(seq 129))' (longer than 128 characters)" \
    "$RMSBENCH" sweep --problems rosenbrock --name "$(printf 'n%.0s' $(seq 129))" $N
said "unknown option" "rmsbench perf: --bogus: unknown option (try rmsbench perf --help)" "$RMSBENCH" perf --bogus
said "unknown short option" "rmsbench list: -x: unknown option (try rmsbench list --help)" "$RMSBENCH" list -x
said "missing value" "rmsbench export: --db: missing value" "$RMSBENCH" export --table runs --db
said "missing value, abbreviated" "rmsbench check: --steps: missing value" "$RMSBENCH" check --ste
said "ambiguous abbreviation" "rmsbench run: --no: ambiguous option (--no-db, --no-eps-in-sqrt, --no-lr-in-momentum)" "$RMSBENCH" run --no
said "a flag takes no value" "rmsbench perf: --no-db: takes no value (got '1')" "$RMSBENCH" perf --no-db=1
said "required option" "rmsbench export: --table is required (try rmsbench export --help)" "$RMSBENCH" export
said "operand missing" "rmsbench import-proofs: missing FILE (try rmsbench import-proofs --help)" "$RMSBENCH" import-proofs
said "operand extra" "rmsbench import-hyperfine: unexpected argument 'b' (try rmsbench import-hyperfine --help)" "$RMSBENCH" import-hyperfine a b
said "list operand extra" "rmsbench list: unexpected argument 'extra' (try rmsbench list --help)" "$RMSBENCH" list kernels extra

# ---- abbreviations and --opt=value, as getopt_long has always taken them
out=$("$RMSBENCH" run --prob rosenbrock --kern ref64 --ste 3 --no-d --print-p 2>/dev/null)
check "run takes unique abbreviations" [ "$(wc -l <<<"$out")" -eq 2 ]
out=$("$RMSBENCH" check --kernel=fused --steps=2 --sizes=7 --seed=3)
check "check takes --opt=value" grep -q '^check: all kernels within tolerance' <<<"$out"
"$RMSBENCH" list kern >/dev/null 2>&1
check "a list operand is not abbreviated" [ $? -eq 2 ]

# ---- results/ is made by every command that writes to the default database
fresh() { rm -rf "$T/w"; mkdir "$T/w"; cd "$T/w" || exit 1; }
made() {   # what: the default database exists and is an rmsbench one
    check "$1 makes results/rmsbench.db" [ "$(sqlite3 results/rmsbench.db 'PRAGMA user_version' 2>/dev/null)" -ge 1 ]
    cd "$SRC" || exit 1
}
fresh; "$RMSBENCH" run --problem rosenbrock --steps 3 >/dev/null; made run
fresh; "$RMSBENCH" sweep --problems rosenbrock --steps 3 2>/dev/null; made sweep
fresh; "$RMSBENCH" perf --kernel fused --sizes 10 --reps 1 --threads 1 --peer none >/dev/null 2>&1; made perf
fresh; "$RMSBENCH" import-hyperfine "$SRC/tests/fixtures/hyperfine-one-run.json" >/dev/null; made import-hyperfine
printf 'target\tmodel\tproved\ttotal\twall_s\tprovers\topen_goals\nx\treal\t1\t1\t1.0\tQed:1\t\n' >"$T/p.tsv"
fresh; "$RMSBENCH" import-proofs "$T/p.tsv" >/dev/null; made import-proofs
fresh; "$RMSBENCH" import-proofs "$T/missing.tsv" 2>/dev/null
check "bad input makes no results/" [ ! -e results ]; cd "$SRC" || exit 1
fresh; "$RMSBENCH" export --table runs 2>/dev/null
check "a reader makes no results/" [ ! -e results ]; cd "$SRC" || exit 1
# An on/off option is a sweep axis (--centered 0,1) and, as before it was
# one, a flag that stands alone (--centered, also before another option).
cd "$SRC" || exit 1
axis_values() { "$RMSBENCH" sweep --problems quadratic --kernels fused --steps 3 --dry-run --no-db "$@" 2>&1 |
                grep -o 'centered=[01]' | sort | tr '\n' ' '; }
check "sweep --centered alone is centered=1" [ "$(axis_values --centered)" = "centered=1 " ]
check "sweep --centered before another option" [ "$(axis_values --centered --lr 1e-3)" = "centered=1 " ]
check "sweep --centered 0,1 is an axis" [ "$(axis_values --centered 0,1)" = "centered=0 centered=1 " ]
check "sweep --centered=0 is one value" [ "$(axis_values --centered=0)" = "centered=0 " ]
expect_fail 2 "sweep --centered 2 is refused" "$RMSBENCH" sweep --problems quadratic --centered 2 --dry-run --no-db
summary "cli commands"
