#!/usr/bin/env bash
# tests/run.sh BUILD -- run every C test binary in BUILD/tests and every shell
# test tests/test_*.sh (with RMSBENCH=BUILD/rmsbench), then print the total
# as "N passed, N failed".  Exit 1 if anything failed or a test crashed.
# RMS_TEST_RUNNER (e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu") runs each
# C binary; RMS_TEST_C_ONLY=1 skips the shell tests (a cross build has no
# rmsbench to drive).
set -u
build=${1:-build}
runner=${RMS_TEST_RUNNER:-}
export RMSBENCH="$PWD/$build/rmsbench" RMS_BUILD="$PWD/$build"
passed=0 failed=0 status=0
log=$(mktemp); trap 'rm -f "$log"' EXIT

tally() {   # name, exit status; reads the test's output from $log
    local name=$1 rc=$2 p f
    p=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | cut -d' ' -f1)
    f=$(grep -Eo '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | cut -d' ' -f3)
    if [ -z "$p" ]; then
        echo "  $name: no summary line (exit $rc): counted as 1 failure"
        tail -n 20 "$log" | sed 's/^/    /'
        p=0 f=1
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "  $name: exit $rc with no failed check: counted as 1 failure"
        tail -n 20 "$log" | sed 's/^/    /'
        f=1
    else
        printf '  %-28s %s passed, %s failed\n' "$name" "$p" "$f"
        [ "$f" -ne 0 ] && grep -E '^FAIL' "$log" | head -n 20 | sed 's/^/    /'
    fi
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" -ne 0 ] && status=1
}

echo "tests in $build:"
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    $runner "$t" >"$log" 2>&1; tally "$(basename "$t")" $?
done
[ -n "${RMS_TEST_C_ONLY:-}" ] || for t in tests/test_*.sh; do
    [ -f "$t" ] || continue
    bash "$t" >"$log" 2>&1; tally "$(basename "$t")" $?
done
echo "$build: $passed passed, $failed failed"
exit $status
