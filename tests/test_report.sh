# test_report.sh -- `rmsbench report` on the fixture study
# (tests/fixtures/report.sql, loaded through the real schema by
# test_report_fixture): every figure drawn, referenced and well-formed, the
# answers a reader looks for on the page, text from the database escaped,
# the database untouched, --compare, and bad input refused with one line.
. tests/lib.sh
FIXTURE=${RMS_BUILD:-build}/tests/test_report_fixture
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
db=$tmp/study.db out=$tmp/out
check "fixture database builds" "$FIXTURE" "$db"
sum_before=$(sha256sum "$db" | cut -d' ' -f1)
"$RMSBENCH" report --db "$db" --out "$out" >"$tmp/stdout" 2>"$tmp/stderr"
check "report exits 0" [ $? -eq 0 ]
check "database unchanged by report" [ "$(sha256sum "$db" | cut -d' ' -f1)" = "$sum_before" ]
check "no WAL/journal left beside the database" [ ! -e "$db-wal" -a ! -e "$db-journal" ]
check "index.html written" [ -s "$out/index.html" ]
check "README.md written" [ -s "$out/README.md" ]
html=$out/index.html md=$out/README.md

# every figure the fixture calls for (3 problems, a sweep on rosenbrock,
# 2 thread counts, naive and PyTorch baselines, >= 2 kernel/preset pairs)
for name in convergence_0_evil_b____name convergence_1_quadratic convergence_2_rosenbrock \
            sensitivity_2_rosenbrock profile_time profile_steps perf_time_t1 perf_time_t2 speedup_naive_t1 \
            speedup_naive_t2 speedup_pytorch_t1 speedup_pytorch_t2 scaling_t2 bandwidth_profile; do
    check "plot $name.svg drawn" [ -s "$out/plots/$name.svg" ]
done
nsvg=$(ls "$out"/plots/*.svg | wc -l)
check "exactly the expected plots (23, got $nsvg)" [ "$nsvg" -eq 23 ]
for svg in "$out"/plots/*.svg; do
    name=$(basename "$svg" .svg)
    check "$name: script and data kept" [ -s "$out/plots/$name.gp" -a -s "$out/plots/$name.dat" ]
    check "$name: HTML links it" grep -q "href=\"plots/$name.svg\"" "$html"
    check "$name: README shows it" grep -qF "](plots/$name.svg)" "$md"
    check "$name: SVG complete" grep -q '</svg>' "$svg"
    check "$name: labelled axes" grep -q "^set xlabel '..*'" "$out/plots/$name.gp"
    grep -q '^set ylabel' "$out/plots/$name.gp" || grep -q 'ylabel' "$out/plots/$name.gp"
    check "$name: y label" [ $? -eq 0 ]
    check "$name: legend entries" grep -q "title '" "$out/plots/$name.gp"
done
# the page inlines every figure and is balanced where it matters
opened=$(grep -o '<svg' "$html" | wc -l); closed=$(grep -o '</svg>' "$html" | wc -l)
check "every figure inlined ($opened <svg, $nsvg plots)" [ "$opened" -eq "$nsvg" ]
check "every <svg closed ($closed)" [ "$opened" -eq "$closed" ]
for tag in table figure ul html body; do
    o=$(grep -o "<$tag[ >]" "$html" | wc -l); c=$(grep -o "</$tag>" "$html" | wc -l)
    check "<$tag> balanced ($o/$c)" [ "$o" -eq "$c" -a "$o" -gt 0 ]
done
check "no external resources" bash -c "! grep -Eq '(src|href)=\"(https?:)?//' '$html'"
check "re-drawing a figure from its script works" \
    bash -c "cd '$out/plots' && rm -f profile_time.svg && gnuplot profile_time.gp 2>/dev/null && test -s profile_time.svg"

# what a reader must be able to tell (the fixture is built to these answers)
check "fastest kernel named" grep -q 'Fastest kernel at n = 2^24, 1 thread: avx2' "$html"
check "speed-up over PyTorch stated" grep -q 'faster than PyTorch RMSprop' "$html"
check "best learning rate named" grep -q 'Best learning rate on rosenbrock: lr = 0.01 with β = 0.9' "$html"
check "proof failure visible" grep -q 'Proofs: FAIL' "$html"
check "failing proof target marked" grep -q '<td class="fail">FAIL</td>' "$html"
check "passing proof target marked" grep -q '<td class="pass">PASS</td>' "$html"
check "float models explained" grep -q "Model &#39;real&#39;: float and double operations are exact" "$html"
check "verdict counts make prove targets only" grep -q 'Proofs: FAIL -- 1 of 2 proof targets' "$html"
check "exploratory mode reported apart" grep -q 'Exploratory IEEE default mode (make prove-float): 30 of 36 goals' "$html"
check "profile over the problems every solver ran" grep -q 'leaves out 1 problem that not every' "$html"
check "profile shows who was fastest at tau = 1" grep -q '^1 0.5$' "$out/plots/profile_steps.dat"
# fixture: ns = base/t + 200/n, roof = 0.5/t, so at n = 1000 avx2 goes from
# 0.8 to 0.5 ns (1.6x), fused 1.1 -> 0.65, naive 2.2 -> 1.2, the roof 2x
check "scaling: 1-thread / 2-thread time per kernel, and the roof's" \
    grep -q '^1000 1.6 1.69231 1.83333 2$' "$out/plots/scaling_t2.dat"
# the profile: the roof per thread count, then each kernel's GB/s (20 / ns)
check "bandwidth profile: the 2-thread roof at 2^24 is 20 GB/s" \
    bash -c "sed -n '/^# roof, 2 thread/,/^\$/p' '$out/plots/bandwidth_profile.dat' | grep -qx '16777216 20 avx512x4'"
check "bandwidth profile: avx2 on 1 thread at 2^24 as a point (20 / 0.600012)" \
    bash -c "sed -n '/^# avx2, 1 thread/,/^\$/p' '$out/plots/bandwidth_profile.dat' | grep -q '^16777216 33.33'"
check "whole-model table: avx2 on resnet50, roof 0.8, 1.5x PyTorch's fastest" \
    grep -q '<td>resnet50</td><td>avx2</td><td class="num">1</td><td class="num">161</td><td class="num">25557032</td><td class="num">20</td><td class="num">0.8</td><td class="num">1.5</td>' "$html"
check "diverged configuration counted" grep -q '<td>1 of 6</td>' "$html"
check "unfinished runs not used" grep -q 'Runs: 37 done, 3 diverged, 1 failed, 1 unfinished' "$html"
check "machine shown" grep -q 'Fixture CPU &lt;A&gt; &amp; Co' "$html"
check "no section left empty" bash -c "! grep -q 'No timings\\|No finished runs\\|No proof results' '$html'"
# text from the database is escaped
check "problem name escaped in HTML" grep -q 'evil&lt;b&gt;&quot;&amp;&#39;name' "$html"
check "no raw markup from the database" bash -c "! grep -q 'evil<b>' '$html'"
check "no raw markup in README" bash -c "! grep -q 'evil<b>' '$md'"

check "steady timings are not called noisy" bash -c "! grep -q 'Noisy' '$html'"
cp "$db" "$tmp/noisy.db"
sqlite3 "$tmp/noisy.db" "UPDATE perf SET ns_per_elem_max = 3 * ns_per_elem_min WHERE kernel = 'avx2'"
"$RMSBENCH" report --db "$tmp/noisy.db" --out "$tmp/noisy" >/dev/null 2>&1
check "a wide spread between repetitions is flagged" grep -q 'Noisy: its repetitions range over 3x' "$tmp/noisy/index.html"

# stale plots from an earlier report (listed in its manifest) are removed;
# a file the report did not write is kept (tests/test_output_safety.sh)
touch "$out/plots/stale.svg" "$out/plots/users.svg"
echo plots/stale.svg >> "$out/.rmsbench-report"
"$RMSBENCH" report --db "$db" --out "$out" >/dev/null 2>&1
check "stale plot removed on re-run" [ ! -e "$out/plots/stale.svg" ]
check "a plot file the report did not write is kept" [ -e "$out/plots/users.svg" ]

# --compare: B is A with every timing doubled
cp "$db" "$tmp/b.db"
sqlite3 "$tmp/b.db" "UPDATE perf SET ns_per_elem = 2 * ns_per_elem"
"$RMSBENCH" report --db "$db" --compare "$tmp/b.db" --out "$tmp/cmp" >/dev/null 2>&1
check "compare exits 0" [ $? -eq 0 ]
check "compare plot drawn" [ -s "$tmp/cmp/plots/compare_perf.svg" ]
check "compare ratio is 2 (B timings doubled)" grep -q '<td>avx2, 1 thread</td><td class="num">1</td><td>2^24</td><td class="num">0.6</td><td class="num">1.2</td><td class="num">2</td>' "$tmp/cmp/index.html"
check "compare finds identical losses" grep -q '14 configurations run in both studies; 14 agree' "$tmp/cmp/index.html"

# --machines: two machines in one database, B's timings doubled
cp "$db" "$tmp/m.db"
sqlite3 "$tmp/m.db" "INSERT INTO machines (id, fingerprint, cpu_model) VALUES (2, 'fixture-b', 'Fixture CPU B');
  INSERT INTO perf (machine_id, source, kernel, preset, n, threads, reps, ns_per_elem, ns_per_elem_min,
                    ns_per_elem_max, gbps, roof_ns_per_elem, roof_ratio, validated)
  SELECT 2, source, kernel, preset, n, threads, reps, 2 * ns_per_elem, ns_per_elem_min, ns_per_elem_max,
         gbps, roof_ns_per_elem, roof_ratio, validated FROM perf WHERE machine_id = 1"
"$RMSBENCH" report --db "$tmp/m.db" --machines 1,2 --out "$tmp/mach" >/dev/null 2>&1
check "--machines exits 0" [ $? -eq 0 ]
check "--machines: ratio 2 (B timings doubled)" grep -q '<td>avx2, 1 thread</td><td class="num">1</td><td>2^24</td><td class="num">0.6</td><td class="num">1.2</td><td class="num">2</td>' "$tmp/mach/index.html"
check "--machines: sides named" grep -q 'Comparison: A = machine 1, B = machine 2' "$tmp/mach/index.html"
check "--machines: A's figures are machine 1's" grep -q 'Fastest kernel at n = 2^24, 1 thread: avx2, 0.6 ns' "$tmp/mach/index.html"
expect_fail 2 "--machines: unknown id" "$RMSBENCH" report --db "$tmp/m.db" --machines 1,9 --out "$tmp/x5"
expect_fail 2 "--machines: one id" "$RMSBENCH" report --db "$tmp/m.db" --machines 1 --out "$tmp/x5"
expect_fail 2 "--machines: not a number" "$RMSBENCH" report --db "$tmp/m.db" --machines 1,two --out "$tmp/x5"
expect_fail 2 "--machines with --compare" "$RMSBENCH" report --db "$tmp/m.db" --machines 1,2 --compare "$db" --out "$tmp/x5"
check "--machines errors: nothing written" [ ! -e "$tmp/x5" ]

# an empty study: every section says so in one line, no plot
"$FIXTURE" "$tmp/empty.db" --empty
"$RMSBENCH" report --db "$tmp/empty.db" --out "$tmp/empty" >/dev/null 2>&1
check "empty database: exit 0" [ $? -eq 0 ]
check "empty database: no plots" [ -z "$(ls "$tmp/empty/plots")" ]
check "empty database: says no timings" grep -q 'No timings in the database yet' "$tmp/empty/index.html"
check "empty database: says no runs" grep -q 'No finished runs' "$tmp/empty/index.html"

# gnuplot missing: the page is still written, the figure says how to draw it
PATH=/nonexistent "$RMSBENCH" report --db "$db" --out "$tmp/nognuplot" >/dev/null 2>&1
check "no gnuplot: exit 1" [ $? -eq 1 ]
check "no gnuplot: page says the plot was not drawn" grep -q 'This plot was not drawn' "$tmp/nognuplot/index.html"

# bad input: one line, exit 2, nothing written
"$RMSBENCH" report --help | grep -q "^usage: rmsbench report"; check "--help prints usage" [ $? -eq 0 ]
expect_fail 2 "missing database" "$RMSBENCH" report --db "$tmp/nope.db" --out "$tmp/x1"
check "missing database: nothing written" [ ! -e "$tmp/x1" -a ! -e "$tmp/nope.db" ]
echo "not a database" >"$tmp/text.db"
expect_fail 2 "not a database" "$RMSBENCH" report --db "$tmp/text.db" --out "$tmp/x2"
check "not a database: nothing written" [ ! -e "$tmp/x2" ]
sqlite3 "$tmp/other.db" "CREATE TABLE t (x)"
expect_fail 2 "SQLite but not rmsbench" "$RMSBENCH" report --db "$tmp/other.db" --out "$tmp/x3"
check "other database: nothing written" [ ! -e "$tmp/x3" ]
expect_fail 2 "unwritable out dir" "$RMSBENCH" report --db "$db" --out "$tmp/text.db/sub"
expect_fail 2 "missing compare database" "$RMSBENCH" report --db "$db" --compare "$tmp/nope2.db" --out "$tmp/x4"
check "missing compare: nothing written" [ ! -e "$tmp/x4" ]
expect_fail 2 "unknown option" "$RMSBENCH" report --frobnicate
expect_fail 2 "missing value" "$RMSBENCH" report --db
expect_fail 2 "extra argument" "$RMSBENCH" report extra
expect_fail 2 "empty out" "$RMSBENCH" report --db "$db" --out ""
check "database still unchanged" [ "$(sha256sum "$db" | cut -d' ' -f1)" = "$sum_before" ]
summary "report"
