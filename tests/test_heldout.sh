# test_heldout.sh -- held-out metrics over time: softmax_fmnist records test
# loss and accuracy with the curve once per epoch (and at the end); run
# prints the best and the final; the trajectory is the same with or without
# recording (same final loss as --no-db); a problem without a test set
# records none.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-heldout.XXXXXX); trap 'rm -rf "$T"' EXIT
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
    echo "dataset-fashion-mnist not installed: skipped"; summary "heldout"; exit 0
fi
out=$("$RMSBENCH" run --problem softmax_fmnist --epochs 2 --seed 3 --db "$T/h.db" 2>&1)
check "run exits 0" [ $? -eq 0 ]
check "run prints best and final test accuracy" grep -Eq 'test_acc_best=0\.[0-9]+ test_acc_final=0\.[0-9]+ test_loss_final=[0-9.]+' <<<"$out"
check "one held-out point per epoch (2)" [ "$(sqlite3 "$T/h.db" 'SELECT count(*) FROM curves WHERE test_acc IS NOT NULL')" -eq 2 ]
check "at the epoch boundaries" [ "$(sqlite3 "$T/h.db" 'SELECT group_concat(step) FROM (SELECT step FROM curves WHERE test_acc IS NOT NULL ORDER BY step)')" = "469,938" ]
check "test loss beside the accuracy" [ "$(sqlite3 "$T/h.db" 'SELECT count(*) FROM curves WHERE test_acc BETWEEN 0 AND 1 AND test_loss > 0')" -eq 2 ]
best=$(grep -o 'test_acc_best=[0-9.]*' <<<"$out" | cut -d= -f2)
check "best = max over the epochs ($best)" [ "$(sqlite3 "$T/h.db" "SELECT printf('%.9g', max(test_acc)) FROM curves")" = "$best" ]
final=$(grep -o ' final_loss=[0-9.]*' <<<"$out")
check "same trajectory as an unrecorded run" grep -qF -- "$final" <<<"$("$RMSBENCH" run --problem softmax_fmnist --epochs 2 --seed 3 --no-db 2>&1)"
"$RMSBENCH" run --problem logreg --steps 50 --db "$T/h.db" >/dev/null 2>&1
check "no test set, no held-out rows" [ "$(sqlite3 "$T/h.db" "SELECT count(*) FROM curves c JOIN runs r ON r.id = c.run_id WHERE r.problem = 'logreg' AND test_acc IS NOT NULL")" -eq 0 ]
summary "heldout"
