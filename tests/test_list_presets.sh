# test_list_presets.sh -- `rmsbench list presets` shows, for each library
# preset, its defaults (as the libraries document them), formula and source.
. tests/lib.sh
out=$("$RMSBENCH" list presets); check "list presets exits 0" [ $? -eq 0 ]
block() { awk -v p="$1" '$1 == p {on = 1; print; next} /^[a-z0-9]/ {on = 0} on' <<<"$out"; }
for p in seed torch tf1 keras optax; do
    b=$(block "$p")
    check "$p listed" [ -n "$b" ]
    check "$p has a formula" grep -q '^  formula: .' <<<"$b"
    check "$p has a source" grep -q '^  source:  .' <<<"$b"
done
check "torch defaults" grep -q 'lr 0.01, beta 0.99, eps 1e-08 (outside sqrt), v0 0' <<<"$(block torch)"
check "tf1 defaults" grep -q 'beta 0.9, eps 1e-10 (inside sqrt), v0 1' <<<"$(block tf1)"
check "keras defaults" grep -q 'lr 0.001, beta 0.9, eps 1e-07 (inside sqrt), v0 0' <<<"$(block keras)"
check "keras wd is decoupled" grep -q 'weight decay 0 (decoupled)' <<<"$(block keras)"
check "optax eps inside sqrt" grep -q 'eps 1e-08 (inside sqrt)' <<<"$(block optax)"
check "tf1/keras/optax put lr in the buffer" \
    [ "$(grep -c 'lr inside the buffer' <<<"$out")" -eq 3 ]
check "the centered clamp is stated" grep -q 'clamps v - m^2 at 0' <<<"$out"
summary "list presets"
