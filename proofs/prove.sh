#!/usr/bin/env bash
# proofs/prove.sh [options] [TARGET...] -- run Frama-C WP on the kernel
# sources rmsbench compiles (kernels/*.c, the same paths, no copy), one
# target of proofs/targets.tsv at a time, and print per target and in total
# "Proved goals: N / M" with the prover breakdown.
#   --set S        targets of set S (prove | float); default prove
#   --src DIR      read kernels/ and proofs/logic/ from DIR instead of the
#                  repository (the mutation test points this at a mutated copy)
#   --out DIR      outputs (logs, sessions, summary.tsv); default build/proofs
#   --fct LIST     prove only these functions of the selected target (the
#                  mutation test proves just the mutated function)
#   --timeout S    prover timeout per goal instead of the table's
# Exit 0 only if every goal of every selected target is proved.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
set_name=prove src=$root out=$root/build/proofs fct_override= timeout_override=
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --set) set_name=$2; shift 2 ;;
        --src) src=$(cd "$2" && pwd); shift 2 ;;
        --out) out=$2; shift 2 ;;
        --fct) fct_override=$2; shift 2 ;;
        --timeout) timeout_override=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "prove.sh: unknown option '$1'" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
command -v frama-c >/dev/null || { echo "prove.sh: frama-c not found (make deps)" >&2; exit 2; }
mkdir -p "$out"; out=$(cd "$out" && pwd)
export WHY3CONFIG=$out/why3.conf
"$root/proofs/why3/setup.sh" "$WHY3CONFIG" || exit 2

summary=$out/summary.tsv
printf 'target\tmodel\tproved\ttotal\twall_s\tprovers\topen_goals\n' > "$summary"
tot_p=0 tot_n=0 status=0 ran=0 t_all=$(date +%s)
while IFS=$'\t' read -r name tset model file fcts timeout; do
    case "$name" in ''|'#'*) continue ;; esac
    if [ ${#targets[@]} -gt 0 ]; then
        want=0; for t in "${targets[@]}"; do [ "$t" = "$name" ] && want=1; done
        [ $want = 1 ] || continue
    elif [ "$tset" != "$set_name" ]; then continue; fi
    ran=$((ran + 1))
    [ -n "$fct_override" ] && fcts=$fct_override
    [ -n "$timeout_override" ] && timeout=$timeout_override
    dir=$out/$name; rm -rf "$dir"; mkdir -p "$dir"
    args=(-cpp-extra-args="-I$src/kernels -I$src/proofs/logic")
    case "$model" in
        real) args+=(-wp-model real -wp-prover z3,cvc4) ;;
        ieee) args+=(-cpp-extra-args=-DRMS_PROOF_IEEE -wp-model float
                     -warn-special-float none -wp-prover cvc5) ;;
        ieee-default) args+=(-cpp-extra-args="-DRMS_PROOF_IEEE -DRMS_PROOF_BOUNDED"
                     -wp-model float -wp-prover cvc5) ;;
        *) echo "prove.sh: $name: unknown model '$model'" >&2; exit 2 ;;
    esac
    case "$fcts" in
        @*) args+=(-wp-prop "${fcts#@}") ;;          # lemmas only
        *)  args+=(-wp-rte -wp-fct "$fcts") ;;
    esac
    echo "== $name ($model model, $file: $fcts)"
    t0=$(date +%s%N)
    # One WP job at a time, 2 prover processes; no cache: every goal is
    # proved afresh, so nothing stale can hide a failure.
    (cd "$dir" && frama-c "$src/$file" -session "$dir/frama-c" \
        -wp -wp-par 2 -wp-timeout "$timeout" -wp-cache none \
        -wp-session "$dir/wp" "${args[@]}") > "$dir/log" 2>&1
    rc=$?
    wall=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b - a) / 1e9}')
    line=$(grep -E '^\[wp\] Proved goals: +[0-9]+ / [0-9]+' "$dir/log" | tail -n 1)
    if [ -z "$line" ] || [ $rc -ne 0 ]; then
        echo "$name: frama-c failed (exit $rc), no goal count; see $dir/log" >&2
        grep -E 'error|Error' "$dir/log" | head -n 5 >&2
        p=0 n=1
    else
        p=$(echo "$line" | awk '{print $4}'); n=$(echo "$line" | awk '{print $6}')
    fi
    # Prover breakdown: the indented lines after "Proved goals".
    provers=$(sed -n '/^\[wp\] Proved goals/,/^\[/p' "$dir/log" | grep -E '^  [A-Za-z]' |
              awk -F: '{split($2, a, " "); printf "%s%s:%s", (NR>1?" ":""), $1, a[1]}' |
              sed 's/  */ /g; s/^ //')
    # A goal line that does not end Valid is open (Failed, Timeout, Unknown).
    open=$(grep -E '^\[wp\] \[[^]]+\] Goal ' "$dir/log" | grep -v ': Valid' |
           sed -E 's/.* Goal ([^ ]+).*/\1/' | sort -u | paste -sd, -)
    sed -n '/^\[wp\] Proved goals/,/^\[wp\] [^P]/p' "$dir/log" | grep -E '^(\[wp\] Proved|  )'
    [ -n "$open" ] && echo "   open: $open"
    printf '%s: %s / %s in %.0f s\n' "$name" "$p" "$n" "$wall"
    printf '%s\t%s\t%s\t%s\t%.1f\t%s\t%s\n' "$name" "$model" "$p" "$n" "$wall" "$provers" "$open" >> "$summary"
    tot_p=$((tot_p + p)); tot_n=$((tot_n + n))
    [ "$p" -eq "$n" ] || status=1
done < "$root/proofs/targets.tsv"
[ $ran -gt 0 ] || { echo "prove.sh: no target selected" >&2; exit 2; }
echo "== total: Proved goals: $tot_p / $tot_n ($ran targets, $(( $(date +%s) - t_all )) s); summary in $summary"
exit $status
