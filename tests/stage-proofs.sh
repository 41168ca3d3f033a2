#!/usr/bin/env bash
# tests/stage-proofs.sh -- the proof stage of `make test`:
#  1. `make prove` (into a scratch DB): passes if every goal is proved and the
#     counts reach the proofs table;
#  2. the prover reads the very file the build compiles (same path, no copy);
#  3. mutation self-test: each mutant is applied to a TEMPORARY copy of
#     kernels/ and proofs/logic/, the relevant proof target runs on the copy,
#     and the mutant passes only if the proof then FAILS; the goals that
#     caught it are printed.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0 t_start=$(date +%s)
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# ---- 1. make prove
echo "-- make prove"
if make --no-print-directory prove PROOFS_DB="$work/proofs.db" 2>&1 | tee "$work/prove.log" | \
       grep -E '^(== |\[wp\] Proved|  [A-Z]|   open)'; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    pass "make prove: $(grep -E '^== total' "$work/prove.log")"
else
    fail "make prove: not every goal proved: $(grep -E '^== total' "$work/prove.log")"
fi
rows=$(sqlite3 "$work/proofs.db" 'SELECT count(*) || " " || sum(proved) || " " || sum(total) FROM proofs' 2>/dev/null)
want=$(awk -F'\t' 'NR > 1 {n++; p += $3; t += $4} END {print n " " p " " t}' build/proofs/summary.tsv 2>/dev/null)
if [ -n "$rows" ] && [ "$rows" = "$want" ]; then
    pass "proofs table holds the summary (targets, proved, total: $rows)"
else
    fail "proofs table '$rows' != summary '$want'"
fi

# ---- 2. the proved file is the compiled file
for f in kernels/rms_ref64.c kernels/rms_fused.c; do
    if make -n --no-print-directory -B "build/${f%.c}.o" 2>/dev/null | grep -q -- "-c $f " &&
       grep -q "Parsing $PWD/$f " build/proofs/*/log; then
        pass "$f: the path Frama-C proves is the path the build compiles"
    else
        fail "$f: proved path and compiled path differ"
    fi
done

# ---- 3. mutants: name | target | function proved | file | sed expression
# Only the mutated function is proved (the one the mutant breaks; step 1
# proves the unmutated one), with shorter timeouts (a false goal costs a full
# timeout per prover): 10 s real, 40 s IEEE, against a slowest proved goal of
# about 3 s real and 18 s IEEE in step 1 on this loaded machine.  The goals
# that caught each mutant are printed, so a catch by a merely slow goal
# would show.
mutants=(
  "v-update-sign|ref64-plain|ref64_elem_plain|kernels/rms_ref64.c|s/double vn = beta \* \*vp + (1.0 - beta) \* gv \* gv;/double vn = beta * *vp - (1.0 - beta) * gv * gv;/"
  "loop-bound-le|ref64-plain|ref64_step_plain|kernels/rms_ref64.c|/ref64_step_plain(size_t n/,/^}/s/i < n; i++/i <= n; i++/"
  "write-wrong-index|ref64-plain|ref64_step_plain|kernels/rms_ref64.c|s/ref64_elem_plain(&theta\[i\], &v\[i\]/ref64_elem_plain(\&theta[i + 1], \&v[i]/"
  "no-centered-clamp|ref64-options|ref64_elem|kernels/rms_ref64.c|/if (var < 0.0)$/{N;s/.*\n.*var = 0.0;.*/            ;/}"
  "dropped-one-minus-beta|ref64-options|ref64_elem|kernels/rms_ref64.c|s/\*vp = c.beta \* \*vp + (1.0 - c.beta) \* gi \* gi;/*vp = c.beta * *vp + gi * gi;/"
  "fused-v-sign-ieee|fused-plain-ieee|fused_elem_plain|kernels/rms_fused.c|s/float vn = bv + og;/float vn = bv - og;/"
)
for m in "${mutants[@]}"; do
    IFS='|' read -r name target fct file expr <<<"$m"
    copy=$work/$name; mkdir -p "$copy/proofs"
    cp -r kernels "$copy/"; cp -r proofs/logic "$copy/proofs/"
    sed -i -e "$expr" "$copy/$file"
    if cmp -s "$file" "$copy/$file"; then
        fail "mutant $name: the mutation did not apply to $file"; continue
    fi
    echo "-- mutant $name ($target, $fct): $(diff "$file" "$copy/$file" | grep '^>' | head -n 2 | sed 's/^> *//' | paste -sd' ')"
    t0=$(date +%s)
    case "$target" in *-ieee) to=40 ;; *) to=10 ;; esac
    proofs/prove.sh --src "$copy" --out "$copy/out" --fct "$fct" --timeout "$to" "$target" > "$copy/log" 2>&1
    rc=$?
    total=$(grep -E '^== total' "$copy/log" | sed 's/^== total: //; s/ (.*//')
    caught=$(awk -F'\t' 'NR > 1 && $7 != "" {print $7}' "$copy/out/summary.tsv" 2>/dev/null |
             tr ',' '\n' | sed -E 's/^typed_(real_)?//' | paste -sd' ')
    if [ "$rc" -eq 1 ] && [ -n "$caught" ]; then
        pass "mutant $name caught ($total, $(( $(date +%s) - t0 )) s) by: $caught"
    else
        fail "mutant $name NOT caught (exit $rc, $total)"; tail -n 5 "$copy/log"
    fi
done

echo "proof stage took $(( $(date +%s) - t_start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
