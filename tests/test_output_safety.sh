# test_output_safety.sh -- output that is not ours is never replaced and a
# failed write is never a silent success:
#  - stdout is checked after every command: /dev/full -> one line, exit 1
#    (run --print-params, list, check, sweep --dry-run, export, --help);
#  - export --out refuses a symlink (to a file, to a directory), a FIFO, a
#    device and a directory, with one line and exit 2, and leaves them as
#    they were; a regular file is replaced whole;
#  - report --out replaces only the files its manifest lists: a user's own
#    plots/*.svg and *.dat stay, a user's index.html or README.md is an
#    error (exit 2, nothing written) unless --force; a directory without
#    write permission is one line, exit 2.
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-outsafe.XXXXXX); trap 'chmod -R u+w "$T"; rm -rf "$T"' EXIT
"$RMSBENCH" run --problem rosenbrock_nd --dim 4 --steps 20 --every 5 --db "$T/r.db" >/dev/null 2>&1

# stdout to a full device
full() {   # what cmd...: exit 1 and one line on stderr
    local what=$1; shift
    local err rc
    err=$("$@" 2>&1 >/dev/full); rc=$?
    check "$what > /dev/full: exit 1 (got $rc)" [ $rc -eq 1 ]
    # (run --print-params and sweep --dry-run also put their summary there)
    check "$what > /dev/full: one error line on stderr" [ "$(grep -c '^rmsbench' <<<"$err")" -eq 1 ]
    check "$what > /dev/full: says stdout" grep -q 'writing to stdout failed' <<<"$err"
}
full "run --print-params" "$RMSBENCH" run --problem rosenbrock_nd --dim 4 --steps 5 --print-params --no-db
full "list kernels" "$RMSBENCH" list kernels
full "check" "$RMSBENCH" check --kernel fused --sizes 7 --steps 2
full "sweep --dry-run" "$RMSBENCH" sweep --problems rosenbrock_nd --seeds 1..3 --dry-run
full "export" "$RMSBENCH" export --table runs --db "$T/r.db"
full "sweep --verbose (workers' summaries)" "$RMSBENCH" sweep --problems rosenbrock_nd --dim 4 \
    --steps 5 --seeds 1..3 --jobs 2 --verbose --db "$T/v.db"
full "run --help" "$RMSBENCH" run --help

# export --out onto things that are not regular files
echo precious > "$T/target.txt"
mkdir "$T/dir"
ln -s "$T/target.txt" "$T/link-file"
ln -s "$T/dir" "$T/link-dir"
mkfifo "$T/fifo"
for p in link-file link-dir fifo dir; do
    before=$(ls -l "$T" | grep " $p")
    expect_fail 2 "export --out $p is refused" "$RMSBENCH" export --table runs --db "$T/r.db" --out "$T/$p"
    check "export --out $p: left as it was" [ "$(ls -l "$T" | grep " $p")" = "$before" ]
done
check "the symlink's target is untouched" [ "$(cat "$T/target.txt")" = precious ]
# a device node of our own (never /dev/null itself: a build without the
# check, run as root, would replace the machine's /dev/null)
if mknod "$T/null" c 1 3 2>/dev/null; then
    expect_fail 2 "export --out a device node is refused" \
        "$RMSBENCH" export --table runs --db "$T/r.db" --out "$T/null"
    check "the device node is still a device" [ -c "$T/null" ]
fi
echo old > "$T/e.csv"
"$RMSBENCH" export --table runs --db "$T/r.db" --out "$T/e.csv" 2>/dev/null
check "export --out a regular file replaces it" grep -q '^id,' "$T/e.csv"
check "no temporary left beside it" [ -z "$(ls "$T" | grep 'tmp')" ]

# report --out over a directory holding the user's files
R=$T/rep
mkdir -p "$R/plots"
echo mine > "$R/plots/thesis_figure.svg"
echo 1 2 > "$R/plots/measurements.dat"
echo notes > "$R/notes.txt"
"$RMSBENCH" report --db "$T/r.db" --out "$R" >/dev/null 2>&1
check "report over a directory of user files: exit 0" [ $? -eq 0 ]
"$RMSBENCH" report --db "$T/r.db" --out "$R" >/dev/null 2>&1
check "report again (replaces its own files): exit 0" [ $? -eq 0 ]
check "the user's plots/thesis_figure.svg is kept" [ "$(cat "$R/plots/thesis_figure.svg")" = mine ]
check "the user's plots/measurements.dat is kept" [ "$(cat "$R/plots/measurements.dat")" = "1 2" ]
check "the user's notes.txt is kept" [ "$(cat "$R/notes.txt")" = notes ]
check "the manifest lists index.html" grep -qx 'index.html' "$R/.rmsbench-report"
check "the manifest does not list the user's files" \
    [ "$(grep -c 'thesis\|measurements' "$R/.rmsbench-report")" -eq 0 ]

# a report written before manifests existed: its pages and plots (the .gp
# files say "written by rmsbench report") are adopted and replaced
rm "$R/.rmsbench-report"
"$RMSBENCH" report --db "$T/r.db" --out "$R" >/dev/null 2>&1
check "a report from before manifests is replaced (exit 0)" [ $? -eq 0 ]
check "... the user's plot is still kept" [ "$(cat "$R/plots/thesis_figure.svg")" = mine ]

U=$T/user
mkdir -p "$U"
echo "my readme" > "$U/README.md"
echo "<p>my page</p>" > "$U/index.html"
expect_fail 2 "report over a user's README.md/index.html is refused" \
    "$RMSBENCH" report --db "$T/r.db" --out "$U"
check "... the user's README.md is unchanged" [ "$(cat "$U/README.md")" = "my readme" ]
check "... the user's index.html is unchanged" [ "$(cat "$U/index.html")" = "<p>my page</p>" ]
check "... nothing written (no plots/, no manifest)" [ "$(ls -A "$U" | wc -l)" -eq 2 ]
"$RMSBENCH" report --db "$T/r.db" --out "$U" --force >/dev/null 2>&1
check "report --force replaces them" grep -q '<!DOCTYPE html>' "$U/index.html"

L=$T/linked
mkdir -p "$L"
ln -s "$T/target.txt" "$L/index.html"
expect_fail 2 "report over a symlinked index.html is refused" "$RMSBENCH" report --db "$T/r.db" --out "$L"
check "... the link's target is untouched" [ "$(cat "$T/target.txt")" = precious ]

mkdir -p "$T/ro"
chmod a-w "$T/ro"
if [ "$(id -u)" -ne 0 ]; then   # root writes anyway
    expect_fail 2 "report into a directory without write permission" \
        "$RMSBENCH" report --db "$T/r.db" --out "$T/ro"
fi
chmod u+w "$T/ro"
summary test_output_safety
