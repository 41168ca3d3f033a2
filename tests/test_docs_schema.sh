# test_docs_schema.sh -- docs/harness.md names the schema version a new
# database gets, and every table and view the migrations create.
. tests/lib.sh
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$RMSBENCH" run --problem quadratic --steps 2 --db "$tmp/r.db" >/dev/null 2>&1
v=$(sqlite3 "$tmp/r.db" 'PRAGMA user_version')
check "a new database has a schema version ($v)" [ -n "$v" ]
check "docs/harness.md says schema version $v" grep -q "(schema version $v)" docs/harness.md
for name in $(sqlite3 "$tmp/r.db" "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%'"); do
    check "docs/harness.md names $name" grep -q "\`$name\`" docs/harness.md
done
summary "docs schema"
