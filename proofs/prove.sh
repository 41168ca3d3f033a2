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
#   --prop LIST    prove only the properties named (-wp-prop), e.g. the one
#                  a mutant breaks
#   --timeout S    prover timeout per goal instead of the table's
#   --no-cache     prove every goal afresh (the mutation test always does)
#   --cache DIR    proof cache (default build/proofs-cache; see below)
#   --jobs N       targets proved at the same time (default 2)
#   --no-seed      do not seed WP's per-goal cache from proofs/wp-cache/
#   --save-seed    after a run where every goal is proved, replace
#                  proofs/wp-cache/ by the valid entries of this run's
#                  per-goal cache (make prove-seed: run with an empty cache)
# Exit 0 only if every goal of every selected target is proved.
#
# The cache has two levels, both keyed by content, never by time or name:
#  - per target: a SHA-256 of everything the result depends on (the kernel
#    file preprocessed as Frama-C reads it, so with every header it
#    includes, or the Gappa scripts; every proofs/logic file; the target's row and
#    Frama-C arguments, this script, the why3 driver files, and the versions
#    of Frama-C, why3, z3, cvc4, cvc5 and gappa).  Same digest and a fully
#    proved earlier run: its result is reused without running any prover.
#  - per goal: WP's own cache (-wp-cache update), keyed by the text of each
#    goal sent to a prover, so a changed kernel re-proves only the goals
#    whose content changed; a goal whose content changed is always proved.
# Only fully proved targets are stored at the first level: a failure is
# always recomputed.
# The per-goal level is seeded from proofs/wp-cache/ (committed, written by
# `make prove-seed` from a run with an empty cache; only "valid" verdicts,
# only used when its `versions` file matches the installed provers), so a
# fresh clone (CI) replays the proved goals instead of proving them again.
# Frama-C still generates every goal from the current sources; a goal whose
# text differs from every seeded one is proved.  The seed is copied in
# without overwriting; `--no-seed` or `--no-cache` skips it.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
set_name=prove src=$root out=$root/build/proofs fct_override= timeout_override=
prop_override= cache=$root/build/proofs-cache use_cache=1 use_seed=1 save_seed=0
seed=$root/proofs/wp-cache jobs=2
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --set) set_name=$2; shift 2 ;;
        --src) src=$(cd "$2" && pwd); shift 2 ;;
        --out) out=$2; shift 2 ;;
        --fct) fct_override=$2; shift 2 ;;
        --prop) prop_override=$2; shift 2 ;;
        --timeout) timeout_override=$2; shift 2 ;;
        --no-cache) use_cache=0; shift ;;
        --no-seed) use_seed=0; shift ;;
        --jobs) jobs=$2; shift 2 ;;
        --save-seed) save_seed=1 use_seed=0; shift ;;
        --cache) cache=$2; shift 2 ;;
        -h|--help) sed -n '2,42p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "prove.sh: unknown option '$1'" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
command -v frama-c >/dev/null || { echo "prove.sh: frama-c not found (make deps)" >&2; exit 2; }
mkdir -p "$out"; out=$(cd "$out" && pwd)
export WHY3CONFIG=$out/why3.conf
"$root/proofs/why3/setup.sh" "$WHY3CONFIG" || exit 2
# The IEEE finite model (ieee-finite) gets 4 GB per prover instead of why3's
# 1 GB: cvc5 bit-blasting a double sqrt or division throws std::bad_alloc
# at 1 GB (the libm-sqrt-ieee lemmas need 1.7 GB).  The other models keep 1 GB.
sed 's/^memlimit = .*/memlimit = 4000/' "$WHY3CONFIG" > "$out/why3-mem.conf"
[ $use_cache = 1 ] && { mkdir -p "$cache/wp" "$cache/targets"; cache=$(cd "$cache" && pwd); }
# The versions the seed's verdicts were obtained with.
prover_versions() {
    { frama-c -version; why3 --version; z3 --version; cvc4 --version | head -n 1
      cvc5 --version | head -n 1; } 2>&1
}
# WP's cache also stores failures and timeouts and replays them (a prover
# that crashed once, out of memory next to another job, would fail that goal
# for good): keep only "valid" entries, so a failure is always recomputed.
[ $use_cache = 1 ] && grep -L '"verdict": "valid"' "$cache"/wp/*.json 2>/dev/null | xargs -r rm -f
if [ $use_cache = 1 ] && [ $use_seed = 1 ] && [ -f "$seed/versions" ]; then
    if [ "$(prover_versions)" = "$(cat "$seed/versions")" ]; then
        cp -n "$seed"/*.json "$cache/wp/" 2>/dev/null
    else
        echo "prove.sh: proofs/wp-cache was made with other prover versions: not used" >&2
    fi
fi

# Everything a result depends on besides the sources: tool versions, this
# script and the why3 set-up (drivers, prover command lines).
tools_digest() {
    { frama-c -version; why3 --version; z3 --version; cvc4 --version | head -n 1
      cvc5 --version | head -n 1; gappa --version 2>&1 | head -n 1
      cat "$root/proofs/prove.sh" "$root"/proofs/why3/*; } 2>&1 | sha256sum | cut -c1-64
}
# The digest of one target: tools, its row and arguments, and the source as
# Frama-C reads it: the kernel file preprocessed with comments kept (ACSL)
# under the target's defines, so every header, .def and logic file it
# includes is in it and nothing it does not include is; plus every
# proofs/logic file and, for Gappa, every script of its folder.  If the
# preprocessor fails, every file under kernels/ is hashed instead.
target_digest() {   # row, cpp defines, args...
    local row=$1 defs=$2; shift 2
    { echo "$tools"; echo "$src"; echo "$row"; printf '%s\n' "$@"
      if [ -f "$src/$file" ]; then
          # shellcheck disable=SC2086
          gcc -E -C -P -nostdinc -D__FRAMAC__ -D__FC_MACHDEP_X86_64 $defs \
              -I"$fc_libc" -I"$src/kernels" -I"$src/proofs/logic" "$src/$file" 2>/dev/null ||
              cat "$src"/kernels/*
      fi
      for f in "$src/$file"/* "$src"/proofs/logic/*; do
          [ -f "$f" ] && { echo "== ${f#$src/}"; cat "$f"; }
      done
      # the C files a Gappa script quotes ("# C FILE:TEXT")
      [ -d "$src/$file" ] && grep -h '^# C ' "$src/$file"/*.g 2>/dev/null |
          sed -E 's/^# C ([^:]*):.*/\1/' | sort -u | while read -r cf; do
              echo "== $cf"; cat "$src/$cf" 2>/dev/null; done; } | sha256sum | cut -c1-64
}
fc_libc=$(frama-c -print-share-path)/libc
[ $use_cache = 1 ] && tools=$(tools_digest)

summary=$out/summary.tsv
printf 'target\tmodel\tproved\ttotal\twall_s\tprovers\topen_goals\tproperties\n' > "$summary"
tot_p=0 tot_n=0 status=0 ran=0 hits=0 t_all=$(date +%s)
# One target (its row's fields) -> $out/NAME/: stdout (what it printed),
# row (its summary line), status ("proved total cached" or "2" on a bad row).
run_target() {
    local name=$1 model=$2 file=$3 fcts=$4 timeout=$5
    local dir args key row defs entry p n wall provers open t0 rc line wpcache base w3
    # "real+P1,P2": the real model with these provers instead of z3,cvc4;
    # "F1,F2:P1,P2": functions, then the -wp-prop selection (-name excludes).
    local wp_provers=z3,cvc4 props= missing
    case "$model" in real+*) wp_provers=${model#real+}; model=real ;; esac
    case "$fcts" in [!@]*:*) props=${fcts#*:}; fcts=${fcts%%:*} ;; esac
    [ -n "$prop_override" ] && props=$prop_override
    [ -n "$fct_override" ] && fcts=$fct_override
    [ -n "$timeout_override" ] && timeout=$timeout_override
    dir=$out/$name; rm -rf "$dir"; mkdir -p "$dir"
    args=(-cpp-extra-args="-I$src/kernels -I$src/proofs/logic")
    case "$model" in
        real) args+=(-wp-model real -wp-prover "$wp_provers") ;;
        ieee) args+=(-cpp-extra-args=-DRMS_PROOF_IEEE -wp-model float
                     -warn-special-float none -wp-prover cvc5) ;;
        ieee-finite) args+=(-cpp-extra-args="-DRMS_PROOF_IEEE -DRMS_PROOF_BOUNDED"
                     -wp-model float -wp-prover cvc5) ;;
        gappa) args=() ;;
        *) echo "prove.sh: $name: unknown model '$model'" >&2; echo 2 > "$dir/status"; return ;;
    esac
    case "$model:$fcts" in
        gappa:*) ;;
        *:@*) args+=(-wp-prop "${fcts#@}") ;;          # lemmas only
        *)  args+=(-wp-rte -wp-fct "$fcts")
            [ -n "$props" ] && args+=("-wp-prop=$props") ;;
    esac
    echo "== $name ($model model, $file: $fcts)"
    key= row=
    if [ $use_cache = 1 ]; then
        case "$model" in
            real) defs= ;; ieee) defs=-DRMS_PROOF_IEEE ;;
            ieee-finite) defs="-DRMS_PROOF_IEEE -DRMS_PROOF_BOUNDED" ;; *) defs= ;;
        esac
        key=$(target_digest "$name $model $wp_provers $file $fcts $props $timeout" "$defs" "${args[@]}")
        # A hit: the same digest, fully proved before; reuse that run's log
        # and row (its wall time is what proving took; "cached" says so).
        entry=$cache/targets/$key
        if [ -f "$entry.row" ] && [ -f "$entry.log" ]; then
            row=$(cat "$entry.row")
            cp "$entry.log" "$dir/log"
        fi
    fi
    if [ -n "$row" ]; then
        IFS=$'\t' read -r _ _ p n wall provers open <<<"$row"
        sed -n '/^\[wp\] Proved goals/,/^\[wp\] [^P]/p' "$dir/log" | grep -E '^(\[wp\] Proved|  )'
        printf '%s: %s / %s (cached: same digest %.12s as a run that took %.0f s)\n' \
            "$name" "$p" "$n" "$key" "$wall"
        # The row says where the result came from: provers "... (cached)".
        printf '%s\t%s\t%s\t%s\t%s\t%s (cached)\t%s\n' "$name" "$model" "$p" "$n" "$wall" \
            "$provers" "$open" > "$dir/row"
        echo "$p $n 1" > "$dir/status"
        return
    fi
    t0=$(date +%s%N)
    if [ "$model" = gappa ]; then
        # $file is a folder of Gappa scripts, one goal each ($fcts: the script
        # names, or * for all).  Gappa exits non-zero when it cannot prove a
        # claim and prints the best interval it found.
        p=0 n=0 open=
        for g in "$src/$file"/*.g; do
            base=$(basename "$g" .g)
            case ",$fcts," in *",$base,"*|",*,") ;; *) continue ;; esac
            n=$((n + 1))
            echo "-- $base" >> "$dir/log"
            # "# C FILE:TEXT" lines quote the C a script models: each TEXT
            # must be a whole line of FILE, or the goal fails (an edited
            # kernel line needs a re-derived script).
            missing=$(grep '^# C ' "$g" | while IFS= read -r l; do
                l=${l#\# C }; grep -qxF -- "${l#*:}" "$src/${l%%:*}" 2>/dev/null ||
                    echo "${l%%:*}:${l#*:}"; done)
            if [ -n "$missing" ]; then
                printf 'C line not found (the script models other code):\n%s\n' "$missing" >> "$dir/log"
                open=${open:+$open,}$base; echo "[gappa] Goal $base : Failed" >> "$dir/log"
                continue
            fi
            # A hint Gappa cannot check as an identity is only warned about:
            # treat it as a failure (the proof would rest on it).
            if (cd "$dir" && timeout 300 gappa "$g") > "$dir/$base.out" 2>&1 &&
               ! grep -q 'not trivially equal' "$dir/$base.out"; then
                cat "$dir/$base.out" >> "$dir/log"
                p=$((p + 1)); echo "[gappa] Goal $base : Valid" >> "$dir/log"
            else
                cat "$dir/$base.out" >> "$dir/log"
                open=${open:+$open,}$base; echo "[gappa] Goal $base : Failed" >> "$dir/log"
            fi
        done
        provers="Gappa $(gappa --version 2>&1 | awk '{print $2; exit}'):$p"
        echo "[gappa] Proved goals: $p / $n" | tee -a "$dir/log"
        grep -v '^Warning' "$dir/log" | grep -E 'Error|not satisfied|best|C line|not trivially' | head -n 6 | sed 's/^/   /'
    else
        wpcache=(-wp-cache none)
        [ $use_cache = 1 ] && wpcache=(-wp-cache update -wp-cache-dir "$cache/wp")
        # One WP job at a time, 2 prover processes.
        w3=$WHY3CONFIG; [ "$model" = ieee-finite ] && w3=$out/why3-mem.conf
        (cd "$dir" && WHY3CONFIG=$w3 frama-c "$src/$file" -session "$dir/frama-c" \
            -wp -wp-par 2 -wp-timeout "$timeout" "${wpcache[@]}" \
            -wp-session "$dir/wp" "${args[@]}") > "$dir/log" 2>&1
        rc=$?
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
    fi
    wall=$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN{printf "%.1f", (b - a) / 1e9}')
    [ -n "$open" ] && echo "   open: $open"
    printf '%s: %s / %s in %.0f s\n' "$name" "$p" "$n" "$wall"
    row=$(printf '%s\t%s\t%s\t%s\t%.1f\t%s\t%s' "$name" "$model" "$p" "$n" "$wall" "$provers" "$open")
    printf '%s\n' "$row" > "$dir/row"
    if [ $use_cache = 1 ] && [ "$p" -eq "$n" ] && [ "$n" -gt 0 ]; then
        cp "$dir/log" "$entry.log"
        printf '%s\n' "$row" > "$entry.row.tmp" && mv "$entry.row.tmp" "$entry.row"   # last: complete
    fi
    echo "$p $n 0" > "$dir/status"
}

# The selected rows, in table order.
rows=()
while IFS=$'\t' read -r name tset model file fcts timeout props; do
    case "$name" in ''|'#'*) continue ;; esac
    if [ ${#targets[@]} -gt 0 ]; then
        want=0; for t in "${targets[@]}"; do [ "$t" = "$name" ] && want=1; done
        [ $want = 1 ] || continue
    elif [ "$tset" != "$set_name" ]; then continue; fi
    rows+=("$name"$'\t'"$model"$'\t'"$file"$'\t'"$fcts"$'\t'"$timeout"$'\t'"$props")
done < "$root/proofs/targets.tsv"
# Two targets at a time (--jobs): with the goals cached, a target is one
# single-threaded Frama-C process; with provers running, 2 x -wp-par 2 on 2
# cores only lengthens waits, and the time limits are generous.  Output is
# printed per target in table order once all have finished.
running=0
for r in "${rows[@]}"; do
    IFS=$'\t' read -r name model file fcts timeout _ <<<"$r"
    run_target "$name" "$model" "$file" "$fcts" "$timeout" > "$out/$name.stdout" 2>&1 &
    running=$((running + 1))
    [ $running -ge "$jobs" ] && { wait -n; running=$((running - 1)); }
done
wait
# A target that failed next to another one is proved again alone (its proved
# goals come from WP's cache): z3 was seen to fail ("Unknown error") on a
# goal of fused-options only when another target ran beside it, and to prove
# it alone.  A false goal fails both times.
if [ "$jobs" -gt 1 ] && [ ${#rows[@]} -gt 1 ]; then
    for r in "${rows[@]}"; do
        IFS=$'\t' read -r name model file fcts timeout _ <<<"$r"
        read -r p n _ < "$out/$name/status" 2>/dev/null || continue
        [ -n "$n" ] && [ "$p" -lt "$n" ] || continue
        echo "(retried alone after failing beside another target)" >> "$out/$name.stdout"
        mv "$out/$name/log" "$out/$name.log-beside" 2>/dev/null
        run_target "$name" "$model" "$file" "$fcts" "$timeout" >> "$out/$name.stdout" 2>&1
    done
fi
for r in "${rows[@]}"; do
    name=${r%%$'\t'*}; ran=$((ran + 1))
    cat "$out/$name.stdout"; rm -f "$out/$name.stdout"
    read -r p n c < "$out/$name/status" 2>/dev/null || { p=0 n=1 c=0; }
    [ "$p" = 2 ] && [ -z "$n" ] && exit 2
    [ -f "$out/$name/row" ] && printf '%s\t%s\n' "$(cat "$out/$name/row")" "${r##*$'\t'}" >> "$summary"
    tot_p=$((tot_p + p)); tot_n=$((tot_n + n)); hits=$((hits + c))
    [ "$p" -eq "$n" ] || status=1
done
[ $ran -gt 0 ] || { echo "prove.sh: no target selected" >&2; exit 2; }
cached=; [ $use_cache = 1 ] && cached=", $hits of them from the cache"
echo "== total: Proved goals: $tot_p / $tot_n ($ran targets$cached, $(( $(date +%s) - t_all )) s); summary in $summary"
if [ $save_seed = 1 ]; then
    if [ $status = 0 ] && [ $use_cache = 1 ]; then
        rm -rf "$seed.new"; mkdir -p "$seed.new"
        grep -l '"verdict": "valid"' "$cache"/wp/*.json | xargs -r cp -t "$seed.new"
        prover_versions > "$seed.new/versions"
        cp "$seed/README.md" "$seed.new/" 2>/dev/null
        rm -rf "$seed"; mv "$seed.new" "$seed"
        echo "prove.sh: proofs/wp-cache: $(ls "$seed"/*.json | wc -l) valid goal results saved"
    else
        echo "prove.sh: --save-seed: not every goal proved (or --no-cache): seed unchanged" >&2
    fi
fi
exit $status
