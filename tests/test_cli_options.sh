# test_cli_options.sh -- switches that undo a preset's setting: with eps = 1
# the root sqrt(v + eps) and sqrt(v) + eps give different steps, so
# --no-eps-in-sqrt must change optax's result and match --preset seed's rule.
. tests/lib.sh
run() { "$RMSBENCH" run --problem rosenbrock --kernel ref64 --no-db --steps 5 --print-params --eps 1 --lr 0.1 --beta 0.9 "$@" | head -n 2; }
a=$(run --preset optax); b=$(run --preset optax --no-eps-in-sqrt); c=$(run --preset seed)
check "optax params printed" [ "$(printf '%s\n' "$a" | wc -l)" -eq 2 ]
check "--no-eps-in-sqrt changes optax" [ "$a" != "$b" ]
check "--no-eps-in-sqrt equals the seed rule here" [ "$b" = "$c" ]
summary "cli options"
