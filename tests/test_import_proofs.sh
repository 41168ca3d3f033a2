#!/usr/bin/env bash
# tests/test_import_proofs.sh -- `rmsbench import-proofs`: --help, a good
# summary lands row for row in the proofs table, and every bad file gives one
# line on stderr, exit 2, and writes nothing.
set -u
: "${RMSBENCH:?set RMSBENCH to the rmsbench binary}"
passed=0 failed=0
ok() { if [ "$1" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $2"; fi; }
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
tab=$'\t'
hdr="target${tab}model${tab}proved${tab}total${tab}wall_s${tab}provers${tab}open_goals"

"$RMSBENCH" import-proofs --help > "$d/help" 2>&1; rc=$?
[ $rc = 0 ] && grep -q 'usage: rmsbench import-proofs' "$d/help"; ok $? "--help"

printf '%s\n%s\n%s\n' "$hdr" \
  "ref64-plain${tab}real${tab}62${tab}62${tab}21.5${tab}Qed:30 Z3:20 CVC4:12${tab}" \
  "fused-plain-ieee${tab}ieee${tab}31${tab}33${tab}40.0${tab}CVC5:31${tab}typed_a,typed_b" > "$d/good.tsv"
"$RMSBENCH" import-proofs "$d/good.tsv" --db "$d/r.db" > "$d/out" 2>&1; rc=$?
[ $rc = 0 ]; ok $? "good file: exit $rc: $(cat "$d/out")"
got=$(sqlite3 -separator ' ' "$d/r.db" "SELECT target, model, proved, total, wall_s, coalesce(open_goals, '-'), machine_id IS NOT NULL FROM proofs ORDER BY id" | paste -sd'|')
want="ref64-plain real 62 62 21.5 - 1|fused-plain-ieee ieee 31 33 40.0 typed_a,typed_b 1"
[ "$got" = "$want" ]; ok $? "rows: got '$got', want '$want'"

# The current header has a properties column (what the target proves).
printf '%s\n%s\n' "$hdr${tab}properties" \
  "ref64-options-ieee${tab}ieee${tab}57${tab}57${tab}18.0${tab}CVC5:5${tab}${tab}centered clamp: sqrt argument >= 0" > "$d/props.tsv"
"$RMSBENCH" import-proofs "$d/props.tsv" --db "$d/p.db" > "$d/out" 2>&1; rc=$?
got=$(sqlite3 -separator ' ' "$d/p.db" "SELECT target, model, proved, properties FROM proofs" 2>&1)
[ $rc = 0 ] && [ "$got" = "ref64-options-ieee ieee 57 centered clamp: sqrt argument >= 0" ]
ok $? "properties column: exit $rc, row '$got'"
got=$(sqlite3 "$d/r.db" "SELECT count(*) FROM proofs WHERE properties IS NULL")
[ "$got" = 2 ]; ok $? "an old 7-column summary gets NULL properties ($got rows)"
printf '%s\n%s\n' "$hdr${tab}properties" "x${tab}real${tab}1${tab}1${tab}1.0${tab}Qed:1${tab}" > "$d/short8.tsv"
"$RMSBENCH" import-proofs "$d/short8.tsv" --db "$d/p.db" > /dev/null 2> "$d/err"; rc=$?
[ $rc = 2 ] && grep -q 'expected 8' "$d/err"; ok $? "a 7-field row under the 8-column header: exit $rc"

bad() {   # name, file content (without header unless given)
    local name=$1 content=$2
    printf '%s\n' "$content" > "$d/$name.tsv"
    local before; before=$(sqlite3 "$d/r.db" 'SELECT count(*) FROM proofs')
    "$RMSBENCH" import-proofs "$d/$name.tsv" --db "$d/r.db" > "$d/out" 2> "$d/err"; local rc=$?
    local after; after=$(sqlite3 "$d/r.db" 'SELECT count(*) FROM proofs')
    [ $rc = 2 ] && [ "$(wc -l < "$d/err")" = 1 ] && [ ! -s "$d/out" ] && [ "$before" = "$after" ]
    ok $? "bad file '$name': exit $rc, stderr '$(head -c 200 "$d/err")', rows $before -> $after"
}
bad no-header  "ref64-plain${tab}real${tab}62${tab}62${tab}1.0${tab}Qed:62${tab}"
bad letters    "$hdr"$'\n'"ref64-plain${tab}real${tab}6x2${tab}62${tab}1.0${tab}Qed:62${tab}"
bad over       "$hdr"$'\n'"ref64-plain${tab}real${tab}63${tab}62${tab}1.0${tab}Qed:62${tab}"
bad negative   "$hdr"$'\n'"ref64-plain${tab}real${tab}-1${tab}62${tab}1.0${tab}Qed:62${tab}"
bad nan-time   "$hdr"$'\n'"ref64-plain${tab}real${tab}62${tab}62${tab}nan${tab}Qed:62${tab}"
bad short      "$hdr"$'\n'"ref64-plain${tab}real${tab}62${tab}62"
bad no-rows    "$hdr"
# A good row before a bad one must not be imported either.
bad partial    "$hdr"$'\n'"ok${tab}real${tab}1${tab}1${tab}1.0${tab}Qed:1${tab}"$'\n'"x${tab}real${tab}2${tab}1${tab}1.0${tab}Qed:1${tab}"

"$RMSBENCH" import-proofs "$d/missing.tsv" --db "$d/new.db" > /dev/null 2> "$d/err"; rc=$?
[ $rc = 2 ] && [ ! -e "$d/new.db" ] && grep -q missing.tsv "$d/err"; ok $? "missing file: exit $rc, no database created"
"$RMSBENCH" import-proofs "$d/good.tsv" --bogus > /dev/null 2> "$d/err"; rc=$?
[ $rc = 2 ] && grep -q -- --bogus "$d/err"; ok $? "unknown option: exit $rc"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
