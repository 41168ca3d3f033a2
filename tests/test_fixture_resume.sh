# test_fixture_resume.sh -- a database written by rmsbench before the option
# table (tests/fixtures/old_main.db, commit 1feb608) resumes with zero
# re-runs, and the same study run afresh gives the same rows: config hash,
# canonical text, JSON, every option column and the result (timings aside).
. tests/lib.sh
T=$(mktemp -d /tmp/rmsbench-fixture.XXXXXX); trap 'rm -rf "$T"' EXIT
FIX=tests/fixtures/old_main.db
cp "$FIX" "$T/resume.db"
rows() {   # every column but ids, timings, pid/host and timestamps
    sqlite3 "$1" "SELECT config_hash, sweep, problem, kernel, preset, dim, seed, steps,
        epochs, every, quote(lr), quote(beta), quote(eps), quote(v0), quote(momentum),
        quote(weight_decay), wd_mode, eps_in_sqrt, centered, lr_in_momentum, nesterov,
        bias_correction, maximize, json_extract(config_json, '$.config_text'), status, steps_done, quote(final_loss),
        quote(best_loss), steps_to_target,
        (SELECT count(*) || ':' || quote(sum(loss)) FROM curves WHERE run_id = runs.id)
        FROM runs ORDER BY config_hash"
}
before=$(sqlite3 "$T/resume.db" "SELECT count(*) || ' ' || max(id) FROM runs")
bash tests/fixtures/old_main.sh "$RMSBENCH" "$T/resume.db"
check "resume exits 0" [ $? -eq 0 ]
after=$(sqlite3 "$T/resume.db" "SELECT count(*) || ' ' || max(id) FROM runs")
check "resume ran nothing ($before -> $after)" [ "$before" = "$after" ]
check "fixture has 100 runs" [ "${before% *}" = 100 ]

bash tests/fixtures/old_main.sh "$RMSBENCH" "$T/fresh.db"
check "fresh study exits 0" [ $? -eq 0 ]
rows "$FIX" >"$T/old.txt"
rows "$T/fresh.db" >"$T/new.txt"
check "fresh study: 100 rows" [ "$(wc -l <"$T/new.txt")" -eq 100 ]
diff "$T/old.txt" "$T/new.txt" | head -n 6
check "fresh study gives the old rows (hash, text, columns, results)" \
    cmp -s "$T/old.txt" "$T/new.txt"
# every key of the old JSON has the same value in the new (an option added
# later may add keys)
json_cmp() {
    sqlite3 "$T/fresh.db" "ATTACH '$FIX' AS old;
        SELECT count(*), sum(json_extract(n.config_json, '\$.\"' || j.key || '\"') IS NOT j.value)
        FROM old.runs o JOIN main.runs n USING (config_hash), json_each(o.config_json) j"
}
jc=$(json_cmp)
check "old JSON keys keep their values ($jc: compared|differing)" [ "${jc%|*}" -ge 2000 -a "${jc#*|}" = 0 ]
summary test_fixture_resume
