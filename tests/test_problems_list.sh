# test_problems_list.sh -- `rmsbench list problems` shows every problem of
# issue 4 with its dimension, and mlp_epochs (the epoch driver behind
# `make check-mlp`) refuses bad input with one line and exit 2.
. tests/lib.sh
out=$("$RMSBENCH" list problems); check "list problems exits 0" [ $? -eq 0 ]
for row in "quadratic 1000" "noisy_quadratic 1000" "rosenbrock 2" "rosenbrock_nd 100" \
           "rastrigin 10" "styblinski_tang 10" "logreg 50" "softmax_fmnist 7850" \
           "mlp_fmnist 235146" "synthetic 1048576"; do
    set -- $row
    check "list problems: $1 with dimension $2" grep -Eq "^$1 +$2 " <<<"$out"
done
check "list problems: ten problems" [ "$(grep -c . <<<"$out")" -eq 11 ]
drv=${RMS_BUILD:-build}/mlp_epochs
if [ -x "$drv" ]; then
    expect_fail 2 "mlp_epochs --epochs 0" "$drv" --epochs 0
    expect_fail 2 "mlp_epochs --lr abc" "$drv" --lr abc
    expect_fail 2 "mlp_epochs on a problem without epochs" "$drv" --problem quadratic
    check "mlp_epochs --help" "$drv" --help
else
    check "mlp_epochs is built ($drv)" false
fi
summary "problem list"
