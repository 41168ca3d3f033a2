#!/usr/bin/env bash
# tests/run-all.sh -- what `make test` runs: the unit and shell tests, the
# same tests under ASan+UBSan, then every further stage tests/stage-*.sh
# (fuzz, proofs, mutants, MPI, ...).  Ends with the total "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0 status=0
start=$(date +%s)
out=$(mktemp); trap 'rm -f "$out"' EXIT

stage() {   # name, command...
    local name=$1; shift
    echo "== $name"
    local t0=$(date +%s)
    "$@" 2>&1 | tee "$out"
    local rc=${PIPESTATUS[0]}
    local line p f
    line=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
    p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}
    [ -n "$line" ] || { p=0; f=1; echo "$name: no summary line: counted as a failure"; }
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { f=1; echo "$name: exit $rc: counted as a failure"; }
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -ne 0 ] && status=1
    echo "== $name: $p passed, $f failed ($(( $(date +%s) - t0 )) s)"
}

stage unit     make --no-print-directory all test-unit
stage sanitize make --no-print-directory test-sanitize
for s in tests/stage-*.sh; do
    [ -f "$s" ] || continue
    n=${s#tests/stage-}; stage "${n%.sh}" bash "$s"
done
echo "make test took $(( $(date +%s) - start )) s"
echo "total: $passed passed, $failed failed"
exit $status
