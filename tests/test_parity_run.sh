# test_parity_run.sh -- the user's view of parity: `rmsbench run --preset P
# [overrides] --no-db --print-params` after 100 steps against the fixtures'
# step-100 checkpoint (real torch float64/float32, or the hand formulas).
# Step 100 is before any fixture's chaotic stretch (see test_parity.c).
# Tolerance |a-b|/max(|b|,1): 1e-12 for ref64 vs double fixtures, 1e-5 for
# the fused kernel vs torch float32.
. tests/lib.sh
dir=tests/fixtures/parity
if ! "$RMSBENCH" run --help >/dev/null 2>&1; then
    echo "rmsbench run is not available in this build: nothing compared"
    fail=$((fail + 1)); summary "parity via run"; exit 1
fi
meta() { grep -m1 "^$1," "$2" | cut -d, -f2-; }
flags() {   # overrides "k=v ..." -> run options; returns 1 if not expressible
    local kv out=""
    for kv in $1; do
        case $kv in
        lr=*) out+=" --lr ${kv#*=}" ;;
        beta=*) out+=" --beta ${kv#*=}" ;;
        eps=*) out+=" --eps ${kv#*=}" ;;
        v0=*) out+=" --v0 ${kv#*=}" ;;
        momentum=*) out+=" --momentum ${kv#*=}" ;;
        weight_decay=*) out+=" --weight-decay ${kv#*=}" ;;
        centered=1) out+=" --centered" ;;
        nesterov=1) out+=" --nesterov" ;;
        bias_correction=1) out+=" --bias-correction" ;;
        maximize=1) out+=" --maximize" ;;
        *) return 1 ;;
        esac
    done
    echo "$out"
}
compared=0
for f in "$dir"/*.csv; do
    src=$(meta source "$f") prec=$(meta precision "$f") prob=$(meta problem "$f")
    [ "$src" = hand64 ] && case $f in "$dir"/torch_*) continue ;; esac  # torch64 covers it
    # Each run costs ~0.5 s: the n-D hand cases are left to test_parity.c.
    [ "$src" = hand64 ] && [ "$prob" = rosenbrock_nd ] && continue
    if ! fl=$(flags "$(meta overrides "$f")"); then
        echo "  $(basename "$f"): overrides '$(meta overrides "$f")' have no run option: not compared"
        continue
    fi
    kernel=ref64 tol=1e-12
    [ "$prec" = f32 ] && kernel=fused tol=1e-5
    dimopt=""
    [ "$prob" = rosenbrock_nd ] && dimopt="--dim $(meta dim "$f")"
    # shellcheck disable=SC2086
    got=$("$RMSBENCH" run --problem "$prob" $dimopt --kernel $kernel --preset "$(meta preset "$f")" \
          $fl --steps 100 --no-db --print-params 2>&1 | grep -E '^[-+0-9.eEnaif]+$')
    want=$(awk -F, '$1 == "100" {print $3}' "$f")
    worst=$(paste <(echo "$got") <(echo "$want") | awk -v n="$(echo "$want" | wc -l)" '
        NF != 2 {bad = 1} NF == 2 {m = $2 < 0 ? -$2 : $2; if (m < 1) m = 1
                  d = $1 - $2; if (d < 0) d = -d; d /= m; if (d > w || d != d) w = d; k++}
        END {if (bad || k != n) print "mismatch"; else printf "%.3g\n", w}')
    echo "  $(basename "$f"): run --kernel $kernel worst $worst"
    check "$(basename "$f"): run vs $src at step 100 ($worst > $tol)" \
        awk -v w="$worst" -v t="$tol" 'BEGIN {exit !(w != "mismatch" && w + 0 <= t + 0)}'
    compared=$((compared + 1))
done
check "at least 40 fixtures compared through run ($compared)" [ "$compared" -ge 40 ]
summary "parity via run"
