# test_cli_kernels.sh -- `list kernels`, `check` and its errors: every float
# kernel listed with its tolerance, check passes on this CPU with a table of
# worst ulp, RMS_KERNEL and --kernel select, bad input is one line + exit 2.
# The kernel names come from the registry through `rmsbench list kernels`
# (its table's first column), so adding a kernel needs no edit here.
. tests/lib.sh
out=$("$RMSBENCH" list kernels); out0=$out
names=$(awk 'NR == 1 { next } NF == 0 { exit } { print $1 }' <<<"$out")
float_names=$(grep -vx ref64 <<<"$names")
nfloat=$(wc -l <<<"$float_names")
float_re="($(paste -sd'|' <<<"$float_names"))"
check "list kernels has float kernels and ref64 ($names)" bash -c '[ "$1" -ge 2 ] && grep -qx ref64 <<<"$2"' _ "$nfloat" "$names"
for k in $names; do
    check "list kernels shows $k" grep -Eq "^$k +(yes|no) " <<<"$out"
done
check "ref64 tolerance is 0" grep -Eq '^ref64 +yes +- +0 ' <<<"$out"
check "auto picks a listed kernel" grep -Eq "auto picks: $float_re\$" <<<"$out"

out=$("$RMSBENCH" check --steps 3 --sizes 0,9,1031,40000); rc=$?
check "check passes (exit $rc)" [ $rc -eq 0 ]
check "check says all within tolerance" grep -q 'all kernels within tolerance' <<<"$out"
check "check table has the size columns" grep -Eq 'n=9 +n=1031 +n=40000' <<<"$out"
check "check has a row per float kernel" [ "$(grep -Ec "^$float_re " <<<"$out")" -eq "$nfloat" ]
check "check rows end ok or skipped" [ "$(grep -Ec "^$float_re .*( ok\$|skipped)" <<<"$out")" -eq "$nfloat" ]

out=$(RMS_KERNEL=naive "$RMSBENCH" check --steps 2 --sizes 17)
check "RMS_KERNEL=naive checks naive only" [ "$(grep -Ec '^[a-z0-9]+ +16 ' <<<"$out")" -eq 1 ]
check "RMS_KERNEL=naive row" grep -Eq '^naive .* ok$' <<<"$out"
out=$("$RMSBENCH" check --kernel fused,avx2 --steps 2 --sizes 8)
check "--kernel list" [ "$(grep -Ec '^(fused|avx2) .* ok$' <<<"$out")" -eq 2 ]

# a CPU without AVX-512 (faked): listed as not runnable, skipped by check,
# and asking for it is a clear error (x86 with AVX-512 only)
if grep -Eq '^avx512 +yes ' <<<"$out0"; then
    out=$(RMS_CPU_DISABLE=avx512f "$RMSBENCH" list kernels)
    check "list: avx512 not runnable without avx512f" grep -Eq '^avx512 +no ' <<<"$out"
    check "list: auto then picks avx2" grep -q 'auto picks: avx2' <<<"$out"
    out=$(RMS_CPU_DISABLE=avx512f "$RMSBENCH" check --steps 2 --sizes 8)
    check "check lists avx512 as skipped" grep -Eq '^avx512 .*skipped: this CPU lacks avx512f' <<<"$out"
    expect_fail 2 "RMS_KERNEL=avx512 on a CPU without it" env RMS_CPU_DISABLE=avx512f RMS_KERNEL=avx512 "$RMSBENCH" check
    err=$(RMS_CPU_DISABLE=avx512f "$RMSBENCH" check --kernel avx512 2>&1 >/dev/null)
    check "the error says what it needs" grep -q "needs .*avx512f" <<<"$err"
fi
# hiding every feature leaves the portable kernels
out=$(RMS_CPU_DISABLE=avx2,fma,avx512f,avx512vl,neon,openmp "$RMSBENCH" list kernels)
check "everything hidden: auto picks fused" grep -q 'auto picks: fused' <<<"$out"
expect_fail 2 "RMS_CPU_DISABLE=garbage" env RMS_CPU_DISABLE=garbage "$RMSBENCH" list kernels
err=$(RMS_CPU_DISABLE=avx2,garbage "$RMSBENCH" list kernels 2>&1 >/dev/null)
check "the unknown feature is named" grep -q "RMS_CPU_DISABLE: unknown feature 'garbage'" <<<"$err"
expect_fail 2 "RMS_CPU_DISABLE=avx2,x (any command)" env RMS_CPU_DISABLE=avx2,x "$RMSBENCH" run --help

# exit 1 on a mismatch: no float kernel is within 0.5 ulp everywhere
out=$("$RMSBENCH" check --kernel fused --steps 2 --sizes 1031 --tolerance 0.5); rc=$?
check "check exits 1 beyond the tolerance (exit $rc)" [ $rc -eq 1 ]
check "the mismatch is marked" grep -Eq '^fused .*MISMATCH$' <<<"$out"
check "the worst case is reported" grep -Eq '^    worst: fused n=1031 .* got .* want .* ulp\)' <<<"$out"
check "the verdict line says FAILED" grep -q '^check: FAILED' <<<"$out"
expect_fail 2 "--tolerance bad" "$RMSBENCH" check --tolerance x
expect_fail 2 "--tolerance negative" "$RMSBENCH" check --tolerance -1

expect_fail 2 "RMS_KERNEL=bogus" env RMS_KERNEL=bogus "$RMSBENCH" check
err=$(RMS_KERNEL=bogus "$RMSBENCH" check 2>&1 >/dev/null)
check "bogus kernel named in the error" grep -q "'bogus'" <<<"$err"
expect_fail 2 "RMS_OMP_MIN_N=12k" env RMS_OMP_MIN_N=12k "$RMSBENCH" check
expect_fail 2 "RMS_OMP_MIN_N=-1 (any command)" env RMS_OMP_MIN_N=-1 "$RMSBENCH" list kernels
out=$(RMS_OMP_MIN_N=4096 "$RMSBENCH" list kernels)
check "list names a forced omp threshold" grep -q '^omp: splits a step across its threads from n = 4096 (RMS_OMP_MIN_N)' <<<"$out"
out=$(OMP_NUM_THREADS=1 "$RMSBENCH" list kernels)
check "list: omp with one thread never splits" grep -q '^omp: 1 thread' <<<"$out"
expect_fail 2 "--kernel bogus" "$RMSBENCH" check --kernel bogus
expect_fail 2 "--kernel ref64" "$RMSBENCH" check --kernel ref64
expect_fail 2 "--kernel empty element" "$RMSBENCH" check --kernel fused,
expect_fail 2 "--steps 0" "$RMSBENCH" check --steps 0
expect_fail 2 "--steps abc" "$RMSBENCH" check --steps abc
expect_fail 2 "--sizes bad" "$RMSBENCH" check --sizes 8,x
expect_fail 2 "--seed -1" "$RMSBENCH" check --seed -1
expect_fail 2 "--preset bogus" "$RMSBENCH" check --preset bogus
expect_fail 2 "stray argument" "$RMSBENCH" check extra
expect_fail 2 "unknown option" "$RMSBENCH" check --frobnicate
out=$("$RMSBENCH" check --help); rc=$?
check "check --help exits 0" [ $rc -eq 0 ]
check "check --help shows usage" grep -q '^usage: rmsbench check' <<<"$out"
check "check --help names every option" bash -c 'for o in --kernel --steps --sizes --seed; do grep -q -- "$o" <<<"$1" || exit 1; done' _ "$out"
summary "cli kernels"
