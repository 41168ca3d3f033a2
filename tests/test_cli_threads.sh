# test_cli_threads.sh -- --threads: a bad count is a one-line error; more
# than one thread is its own config (BLAS sums change with the split); one
# thread keeps the hash of a run that never said --threads.
. tests/lib.sh
hash_of() { "$RMSBENCH" sweep --problems rosenbrock --kernels fused --dry-run --no-db "$@" 2>/dev/null | sed -n 1p | cut -d' ' -f1; }
expect_fail 2 "--threads 0" "$RMSBENCH" run --problem rosenbrock --no-db --threads 0
expect_fail 2 "--threads x" "$RMSBENCH" run --problem rosenbrock --no-db --threads x
h0=$(hash_of); h1=$(hash_of --threads 1); h2=$(hash_of --threads 2)
check "hash present" [ -n "$h0" ]
check "--threads 1 keeps the hash" [ "$h0" = "$h1" ]
check "--threads 2 is another config" [ "$h0" != "$h2" ]
out=$("$RMSBENCH" run --problem rosenbrock --kernel omp --no-db --threads 2 --steps 100)
check "omp run with 2 threads is done" grep -q 'status=done' <<<"$out"
summary "cli threads"
