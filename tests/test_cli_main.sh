# test_cli_main.sh -- the dispatcher and `list`: help, unknown commands and
# lists, one-line errors with exit 2.
. tests/lib.sh
out=$("$RMSBENCH" --help); check "--help exits 0" [ $? -eq 0 ]
check "--help lists run" grep -q '^  run ' <<<"$out"
check "--help names RMS_KERNEL" grep -q RMS_KERNEL <<<"$out"
expect_fail 2 "no command" "$RMSBENCH"
expect_fail 2 "unknown command" "$RMSBENCH" frobnicate
expect_fail 2 "unknown list" "$RMSBENCH" list widgets
expect_fail 2 "extra argument" "$RMSBENCH" list kernels extra
out=$("$RMSBENCH" list kernels)
check "list kernels shows ref64" grep -q '^ref64 ' <<<"$out"
check "list kernels shows fused" grep -q '^fused ' <<<"$out"
check "list kernels says what auto picks" grep -q 'auto picks: [a-z0-9]' <<<"$out"
out=$("$RMSBENCH" list problems)
check "list problems shows rosenbrock" grep -q '^rosenbrock ' <<<"$out"
out=$("$RMSBENCH" list presets)
check "list presets shows seed" grep -q '^seed ' <<<"$out"
check "list --help" "$RMSBENCH" list --help
summary "cli main"
