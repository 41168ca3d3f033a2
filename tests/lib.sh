# tests/lib.sh -- sourced by shell tests: check "what" command... records a
# fact; expect_fail CODE "what" command... checks the exit status and that
# stderr is exactly one line; summary prints "N passed, N failed".
pass=0 fail=0
RMSBENCH=${RMSBENCH:-build/rmsbench}
check() {
    local what=$1; shift
    if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
expect_fail() {   # code what cmd...
    local code=$1 what=$2; shift 2
    local err rc
    err=$("$@" 2>&1 >/dev/null); rc=$?
    if [ "$rc" -eq "$code" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [ -n "$err" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL: $what (exit $rc, want $code; stderr: $err)"
    fi
}
summary() { echo "$1: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
