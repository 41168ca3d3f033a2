/* report_perf_model.c -- whole-model steps (perf_models): per model, kernel
 * and thread count the time of one step over every tensor, its ratio to the
 * memory roof over the same tensors and its speed-up over PyTorch's fastest
 * RMSprop.step() on the same shapes, thread count and machine. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "report/report.h"

void section_perf_model(report *r, const rep_data *d)
{
    sqlite3_stmt *st;
    /* the latest row per (source, model, kernel, threads) of this machine,
     * each with the fastest PyTorch row of its model and thread count */
    const char *sql =
        "WITH latest AS (SELECT * FROM perf_models WHERE id IN (SELECT max(id) FROM perf_models"
        "   WHERE ifnull(machine_id,-1) = ?1 GROUP BY source, model, kernel, threads))"
        " SELECT a.model, a.kernel, a.threads, a.tensors, a.params, a.ms_per_step, a.roof_ratio,"
        "        (SELECT min(p.ms_per_step) FROM latest p WHERE p.source = 'pytorch'"
        "           AND p.model = a.model AND p.threads = a.threads), a.validated"
        " FROM latest a WHERE a.source = 'rmsbench' ORDER BY a.model, a.threads, a.ms_per_step";
    if (sqlite3_prepare_v2(d->db, sql, -1, &st, NULL) != SQLITE_OK)
        return;   /* an older database: no table, no section */
    sqlite3_bind_int64(st, 1, d->perf_machine);
    int rows = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (!rows++) {
            rep_heading(r, 3, "Whole-model step");
            rep_para(r, "One RMSProp step over every parameter tensor of a published model "
                        "(data/models/*.tsv), all tensors in one call (rms_step_multi: the "
                        "elements split evenly across the threads). roof: the memory roof over "
                        "the same tensors (one pass over theta, v and g) / the step time, 1.0 "
                        "= at the physical limit; vs PyTorch: PyTorch's fastest "
                        "torch.optim.RMSprop.step() (foreach off or on) over the same shapes "
                        "and threads / ours.");
            rep_table(r, 8, "model", "kernel", "threads", "tensors", "parameters",
                      "ms per step", "roof", "vs PyTorch");
        }
        char a[32], b[32], c[32];
        double ms = sqlite3_column_double(st, 5);
        double torch = sqlite3_column_type(st, 7) == SQLITE_NULL ? NAN
                                                                 : sqlite3_column_double(st, 7);
        double roof = sqlite3_column_type(st, 6) == SQLITE_NULL ? NAN
                                                                : sqlite3_column_double(st, 6);
        int valid = sqlite3_column_int(st, 8);
        rep_cell(r, "%s", (const char *)sqlite3_column_text(st, 0));
        rep_cell(r, "%s%s", (const char *)sqlite3_column_text(st, 1), valid ? "" : " (INVALID)");
        rep_cell(r, "%d", sqlite3_column_int(st, 2));
        rep_cell(r, "%d", sqlite3_column_int(st, 3));
        rep_cell(r, "%lld", (long long)sqlite3_column_int64(st, 4));
        rep_cell(r, "%s", fmt_num(a, sizeof a, ms));
        rep_cell(r, "%s", fmt_num(b, sizeof b, roof));
        rep_cell(r, "%s", isnan(torch) || !(ms > 0) ? "-" : fmt_num(c, sizeof c, torch / ms));
    }
    sqlite3_finalize(st);
}
