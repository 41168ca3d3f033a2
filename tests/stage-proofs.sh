#!/usr/bin/env bash
# tests/stage-proofs.sh -- the proof stage of `make test`:
#  1. `make prove` (into a scratch DB): passes if every goal is proved and the
#     counts reach the proofs table;
#  2. the prover reads the very file the build compiles (same path, no copy);
#  3. the proof cache cannot hide an edit: on a scratch copy, an unchanged
#     kernel is proved then found in the cache, an edited one is proved
#     again and fails;
#  4. mutation self-test (two at a time, alongside steps 1-3): each mutant is applied to a TEMPORARY copy of
#     kernels/ and proofs/, the relevant proof target runs on the copy
#     WITHOUT the cache, restricted to the function and properties the
#     mutant breaks, and the mutant passes only if the proof then FAILS; the
#     goals that caught it are printed.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0 t_start=$(date +%s)
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# ---- 4. mutants (run from here on, reported in step 4): name | target | function | properties | file | sed expression
# Only the mutated function is proved, and only the properties the mutant
# breaks (step 1 proves them on the unmutated code, in the same target), with
# shorter timeouts (a false goal costs a full timeout per prover): 10 s real,
# 40 s IEEE, against a slowest proved goal of about 3 s real and 18 s IEEE in
# step 1 on a loaded machine.  Never the cache.  The goals that caught each
# mutant are printed, so a catch by a merely slow goal would show.
mutants=(
  "v-update-sign|ref64-plain|ref64_elem_plain|step_v|kernels/rms_ref64.c|s/double vn = beta \* \*vp + (1.0 - beta) \* gv \* gv;/double vn = beta * *vp - (1.0 - beta) * gv * gv;/"
  "loop-bound-le|ref64-plain|ref64_step_plain|idx|kernels/rms_ref64.c|/ref64_step_plain(size_t n/,/^}/s/i < n; i++/i <= n; i++/"
  "write-wrong-index|ref64-plain|ref64_step_plain|done_t|kernels/rms_ref64.c|s/ref64_elem_plain(&theta\[i\], &v\[i\]/ref64_elem_plain(\&theta[i + 1], \&v[i]/"
  "no-centered-clamp|ref64-options|ref64_elem|arg_positive|kernels/rms_ref64.c|/if (var < 0.0)$/{N;s/.*\n.*var = 0.0;.*/            ;/}"
  "dropped-one-minus-beta|ref64-options|ref64_elem|step_v|kernels/rms_ref64.c|s/\*vp = c.beta \* \*vp + (1.0 - c.beta) \* gi \* gi;/*vp = c.beta * *vp + gi * gi;/"
  "no-centered-clamp-ieee|ref64-options-ieee|ref64_elem|clamp_nonneg|kernels/rms_ref64.c|/if (var < 0.0)$/{N;s/.*\n.*var = 0.0;.*/            ;/}"
  "ieee-finite-sqrt-arg-negative|ref64-plain-ieee-finite|ref64_elem_plain|arg_nonneg|kernels/rms_ref64.c|s/(sqrt(vn) + eps)/(sqrt(-vn) + eps)/"
  "lemma-theta-constant|lemmas-real|@theta_err_f|-|proofs/logic/rms_logic.acsl|s/(6.0 + 5.0 \* u32)/(5.0 + 5.0 * u32)/"
  "fused-v-sign-ieee|fused-plain-ieee|fused_elem_plain|v_out|kernels/rms_fused.c|s/float vn = bv + og;/float vn = bv - og;/"
  "step-lr-1.5|ref64-step|ref64_elem_plain|step_t,t_step|kernels/rms_ref64.c|s/double tn = \*tp - lr \* gv/double tn = *tp - lr * 1.5 * gv/"
  "fused-step-no-grad-term|fused-step|fused_elem_plain|step_v,step_lower,t_step|kernels/rms_fused.c|s/float vn = bv + og;/float vn = bv;/"
  "step-core-half|lemmas-step-core|@step_core|-|proofs/logic/rms_logic.acsl|s#t) <= lr / #t) <= 0.5 * lr / #"
  "fast-newton-half|fast-newton-gappa|fast_round|-|kernels/rms_fast_impl.h|s/q.half = V_SET1(0.5f);/q.half = V_SET1(0.25f);/"
  "fast-newton-no-eps|fast-newton-gappa|fast_round|-|kernels/rms_fast_impl.h|s/VT t = V_FMA(x, r0, eps2);/VT t = V_MUL(x, r0);/"
  "gappa-fast-q-5u|fast-newton-gappa|fast_alg14|-|proofs/gappa-fast/fast_alg14.g|s/0x5.2p-24/0x5p-24/g"
  "gappa-v-bound-2u|fused-error-gappa|fused_step_v|-|proofs/gappa/fused_step_v.g|s/0x3.0001p-24/0x2p-24/g"
  "gappa-step-half-u|fused-error-gappa|fused_step_s|-|proofs/gappa/fused_step_s.g|s/0x5p-24/0x5p-25/g"
  "gappa-coef-unrounded|fused-error-gappa|fused_step_cfg|-|proofs/gappa/fused_step_cfg.g|s/^b = rnd(beta); w = rnd(rnd64(1 - beta));/b = rnd(beta); w = rnd(rnd64(1 - beta + 0x1p-20));/"
)
# Two mutants at a time (each one WP job, -wp-par 2), started in the
# background before step 1 so that they overlap make prove (whose goals come
# mostly from the cache: single-threaded Frama-C) instead of following it.
# A false goal costs its full (wall-clock) timeout whatever the load.  Each
# mutant writes its verdict to $work/<name>/verdict; they are reported in
# table order in step 4.
run_mutant() {   # the mutant's row -> $work/<name>/verdict ("PASS ..." or "FAIL ...")
    local name target fct prop file expr copy t0 to rc total caught
    IFS='|' read -r name target fct prop file expr <<<"$1"
    copy=$work/$name; mkdir -p "$copy/proofs"
    cp -r kernels "$copy/"; cp -r proofs/logic proofs/gappa proofs/gappa-fast proofs/libm "$copy/proofs/" 2>/dev/null
    sed -i -e "$expr" "$copy/$file"
    if cmp -s "$file" "$copy/$file"; then
        echo "FAIL mutant $name: the mutation did not apply to $file" > "$copy/verdict"; return
    fi
    echo "-- mutant $name ($target, $fct, $prop): $(diff "$file" "$copy/$file" | grep '^>' | head -n 2 | sed 's/^> *//' | paste -sd' ')" > "$copy/verdict"
    t0=$(date +%s)
    case "$target" in *-ieee|*-ieee-finite) to=40 ;; *-gappa) to=60 ;; *) to=10 ;; esac
    popt=(); [ "$prop" != - ] && popt=(--prop "$prop")
    proofs/prove.sh --no-cache --src "$copy" --out "$copy/out" --fct "$fct" "${popt[@]}" \
        --timeout "$to" "$target" > "$copy/log" 2>&1
    rc=$?
    total=$(grep -E '^== total' "$copy/log" | sed 's/^== total: //; s/ (.*//')
    caught=$(awk -F'\t' 'NR > 1 && $7 != "" {print $7}' "$copy/out/summary.tsv" 2>/dev/null |
             tr ',' '\n' | sed -E 's/^typed_(real_)?//' | paste -sd' ')
    if [ "$rc" -eq 1 ] && [ -n "$caught" ]; then
        echo "PASS mutant $name caught ($total, $(( $(date +%s) - t0 )) s) by: $caught" >> "$copy/verdict"
    else
        { echo "FAIL mutant $name NOT caught (exit $rc, $total)"; tail -n 5 "$copy/log"; } >> "$copy/verdict"
    fi
}
t_mut=$(date +%s)
( running=0
  for m in "${mutants[@]}"; do
      run_mutant "$m" & running=$((running + 1))
      [ $running -ge 2 ] && { wait -n; running=$((running - 1)); }
  done
  wait ) &
mutants_pid=$!

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

# ---- 3. the cache against an edited kernel (the build's own cache, so a
# hit is a real hit): the element function of ref64-plain on a scratch copy.
copy=$work/cache-test; mkdir -p "$copy/proofs"
cp -r kernels "$copy/"; cp -r proofs/logic proofs/gappa proofs/gappa-fast proofs/libm "$copy/proofs/" 2>/dev/null
cache_run() {   # label -> exit status; log in $copy/$1.log
    proofs/prove.sh --src "$copy" --out "$copy/out-$1" --fct ref64_elem_plain --timeout 10 \
        ref64-plain > "$copy/$1.log" 2>&1
}
cache_run fresh; rc1=$?
cache_run again; rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && grep -q '1 of them from the cache' "$copy/again.log"; then
    pass "cache: an unchanged kernel is proved, then found in the cache ($(grep -E '^== total' "$copy/again.log" | sed 's/^== total: //'))"
else
    fail "cache: unchanged kernel: exit $rc1 then $rc2, no cache hit"; tail -n 3 "$copy/again.log"
fi
sed -i 's/double vn = beta \* \*vp + (1.0 - beta) \* gv \* gv;/double vn = beta * *vp + (1.0 - beta) * gv * gv * 0.5;/' \
    "$copy/kernels/rms_ref64.c"
cache_run edited; rc3=$?
if cmp -s kernels/rms_ref64.c "$copy/kernels/rms_ref64.c"; then
    fail "cache: the edit did not apply"
elif [ $rc3 -eq 1 ] && grep -q '0 of them from the cache' "$copy/edited.log"; then
    pass "cache: an edited kernel is proved again and fails ($(grep -E '^== total' "$copy/edited.log" | sed 's/^== total: //; s/;.*//'))"
else
    fail "cache: the edited kernel was not caught (exit $rc3)"; tail -n 3 "$copy/edited.log"
fi

# ---- 4. the mutants' verdicts
wait "$mutants_pid"
for m in "${mutants[@]}"; do
    name=${m%%|*}
    while IFS= read -r line; do
        case "$line" in
            "PASS "*) pass "${line#PASS }" ;;
            "FAIL "*) fail "${line#FAIL }" ;;
            *) echo "$line" ;;
        esac
    done < "$work/$name/verdict"
done
echo "mutants took $(( $(date +%s) - t_mut )) s"

echo "proof stage took $(( $(date +%s) - t_start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
