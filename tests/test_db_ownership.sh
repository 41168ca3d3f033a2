# test_db_ownership.sh -- one open path (db_open) for every command decides
# whether a --db is ours before writing a byte:
#  - a database of another program (a `runs` table of its own, or none) is
#    refused by run, sweep, import-hyperfine, import-proofs, export and
#    report: one line, exit 2, the file byte-identical, no -wal beside it;
#  - a new database gets PRAGMA application_id 'RMSB' and WAL; an rmsbench
#    database from before the mark keeps working and gets the mark;
#  - a FIFO as --db is refused by every command (export and report hung);
#  - a database SQLite can read but not write (unknown write-version byte)
#    is one line, exit 2, before any sweep worker starts (it respawned 11).
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-dbown.XXXXXX); trap 'rm -rf "$T"' EXIT
FX=$PWD/tests/fixtures
printf 'target\tmodel\tproved\ttotal\twall_s\tprovers\topen_goals\nref64\treal\t6\t6\t1.5\tZ3:6\t\n' > "$T/p.tsv"
RUN=(--problem rosenbrock_nd --dim 4 --steps 10 --every 5)
refused_everywhere() {   # what db
    local what=$1 db=$2 sum=fifo
    [ -p "$db" ] || sum=$(md5sum <"$db")
    for c in run sweep import-hyperfine import-proofs export report; do
        case $c in
        run) cmd=("$RMSBENCH" run "${RUN[@]}" --db "$db") ;;
        sweep) cmd=("$RMSBENCH" sweep --problems rosenbrock_nd --dim 4 --steps 10 --seeds 1..3 --jobs 2 --db "$db") ;;
        import-hyperfine) cmd=("$RMSBENCH" import-hyperfine "$FX/hyperfine-perf.json" --db "$db") ;;
        import-proofs) cmd=("$RMSBENCH" import-proofs "$T/p.tsv" --db "$db") ;;
        export) cmd=("$RMSBENCH" export --table runs --db "$db") ;;
        report) cmd=("$RMSBENCH" report --db "$db" --out "$T/rep") ;;
        esac
        expect_fail 2 "$what: $c refuses it" timeout 20 "${cmd[@]}"
        [ -p "$db" ] && continue
        check "$what: $c left it byte-identical" [ "$(md5sum <"$db")" = "$sum" ]
        check "$what: $c left no -wal/-shm" [ ! -e "$db-wal" -a ! -e "$db-shm" ]
    done
    check "$what: no report written" [ ! -e "$T/rep/index.html" ]
}

sqlite3 "$T/theirs.db" "CREATE TABLE runs (id INTEGER PRIMARY KEY, who TEXT); INSERT INTO runs (who) VALUES ('them');"
refused_everywhere "a foreign database with its own runs table" "$T/theirs.db"
sqlite3 "$T/other.db" "CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');"
refused_everywhere "a foreign database without runs" "$T/other.db"
check "... no rmsbench tables were added" [ "$(sqlite3 "$T/other.db" 'SELECT count(*) FROM sqlite_master')" -eq 1 ]
mkfifo "$T/fifo.db"
refused_everywhere "a FIFO as --db" "$T/fifo.db"

# ours: new, empty, and from before the mark
"$RMSBENCH" run "${RUN[@]}" --db "$T/new.db" >/dev/null 2>&1
check "a new database: run exits 0" [ $? -eq 0 ]
check "a new database is marked RMSB" [ "$(sqlite3 "$T/new.db" 'PRAGMA application_id')" = 1380799298 ]
check "a new database is in WAL mode" [ "$(sqlite3 "$T/new.db" 'PRAGMA journal_mode')" = wal ]
: > "$T/empty.db"
"$RMSBENCH" run "${RUN[@]}" --db "$T/empty.db" >/dev/null 2>&1
check "an empty file is taken as a new database" [ $? -eq 0 ]
cp "$T/new.db" "$T/old.db"
sqlite3 "$T/old.db" 'PRAGMA application_id = 0'
"$RMSBENCH" export --table runs --db "$T/old.db" >/dev/null 2>&1
check "an rmsbench database from before the mark: export reads it" [ $? -eq 0 ]
"$RMSBENCH" run "${RUN[@]}" --seed 2 --db "$T/old.db" >/dev/null 2>&1
check "... run records in it" [ "$(sqlite3 "$T/old.db" "SELECT count(*) FROM runs WHERE status='done'")" -eq 2 ]
check "... and marks it" [ "$(sqlite3 "$T/old.db" 'PRAGMA application_id')" = 1380799298 ]

# readable, not writable: write-version byte (offset 18) unknown to SQLite
"$RMSBENCH" run "${RUN[@]}" --db "$T/wv.db" >/dev/null 2>&1
sqlite3 "$T/wv.db" 'PRAGMA journal_mode=DELETE' >/dev/null
printf '\005' | dd of="$T/wv.db" bs=1 seek=18 conv=notrunc 2>/dev/null
err=$("$RMSBENCH" sweep --problems rosenbrock_nd --dim 4 --steps 10 --seeds 1..3 --jobs 2 --db "$T/wv.db" 2>&1 >/dev/null)
rc=$?
check "unwritable database: sweep exits 2 (got $rc)" [ $rc -eq 2 ]
check "unwritable database: one line, no worker started: $err" [ "$(wc -l <<<"$err")" -eq 1 ]
for c in run import-hyperfine import-proofs; do
    case $c in
    run) cmd=("$RMSBENCH" run "${RUN[@]}" --db "$T/wv.db") ;;
    import-hyperfine) cmd=("$RMSBENCH" import-hyperfine "$FX/hyperfine-perf.json" --db "$T/wv.db") ;;
    import-proofs) cmd=("$RMSBENCH" import-proofs "$T/p.tsv" --db "$T/wv.db") ;;
    esac
    expect_fail 2 "unwritable database: $c refuses it" "${cmd[@]}"
done
summary test_db_ownership
