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
# every option of the table is shown with its label (rms_options.def)
opts() { tr '\n' ' ' <<<"$(block "$1")" | sed 's/  */ /g'; }
check "torch defaults" grep -q 'lr 0.01, beta 0.99, eps 1e-08, v0 0,' <<<"$(opts torch)"
check "tf1 defaults" grep -q 'beta 0.9, eps 1e-10, v0 1,' <<<"$(opts tf1)"
check "tf1 eps inside sqrt" grep -q 'eps inside sqrt yes' <<<"$(opts tf1)"
check "keras defaults" grep -q 'lr 0.001, beta 0.9, eps 1e-07, v0 0,' <<<"$(opts keras)"
check "keras wd is decoupled" grep -q 'weight decay 0, weight decay mode decoupled' <<<"$(opts keras)"
check "optax eps inside sqrt" grep -q 'eps 1e-08, .*eps inside sqrt yes' <<<"$(opts optax)"
check "torch eps outside sqrt" grep -q 'eps inside sqrt no' <<<"$(opts torch)"
check "tf1/keras/optax put lr in the buffer" \
    [ "$(grep -o 'lr inside the buffer yes' <<<"$out" | wc -l)" -eq 3 ]
check "every preset shows every option" \
    [ "$(grep -c 'maximize no' <<<"$out")" -eq 5 ]
check "the centered clamp is stated" grep -q 'clamps v - m^2 at 0' <<<"$out"
summary "list presets"
