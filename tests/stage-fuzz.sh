#!/usr/bin/env bash
# tests/stage-fuzz.sh -- a brief libFuzzer run (FUZZ_BRIEF seconds, default
# 15) of the option and range parsers; `make fuzz` runs longer.  Counts:
# the target builds, the seed corpus replays clean, the fuzz run finds
# nothing and really executed inputs.
cd "$(dirname "$0")/.."
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
build=${BUILD:-build}
bin=$build/fuzz/fuzz_parse
if make --no-print-directory -s BUILD="$build" fuzz-build >/tmp/stage-fuzz-build.$$ 2>&1; then ok; else
    ko "building $bin (clang + libclang-rt-14-dev needed)"; sed 's/^/    /' /tmp/stage-fuzz-build.$$ | tail -n 20
fi
rm -f /tmp/stage-fuzz-build.$$
if [ -x "$bin" ]; then
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
    if "$bin" -runs=0 tests/fuzz/corpus >"$work/replay.log" 2>&1; then ok; else
        ko "seed corpus replay"; tail -n 20 "$work/replay.log"
    fi
    # new inputs go to the scratch dir (first corpus), never into tests/
    mkdir -p "$work/corpus"
    if "$bin" -max_total_time="${FUZZ_BRIEF:-15}" -max_len=256 -print_final_stats=1 \
            "$work/corpus" tests/fuzz/corpus >"$work/fuzz.log" 2>&1; then ok; else
        ko "fuzzing found a failure"; grep -E 'ERROR|SUMMARY|abort|==[0-9]+==' "$work/fuzz.log" | head -n 20
    fi
    runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$work/fuzz.log" | grep -Eo '[0-9]+$')
    if [ "${runs:-0}" -gt 1000 ]; then ok; echo "fuzz_parse: ${runs} inputs in ${FUZZ_BRIEF:-15} s"; else
        ko "the fuzzer executed only ${runs:-0} inputs"; fi
else
    ko "no fuzz binary: nothing fuzzed"; ko "no fuzz binary: nothing fuzzed"; ko "no fuzz binary"
fi
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
