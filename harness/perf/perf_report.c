/* perf_report.c -- output and recording of perf rows.  Every format carries
 * the same columns; the table adds the CPU model in its header line. */
#include <jansson.h>
#include <math.h>
#include <string.h>
#include "cli/cli.h"
#include "perf/perf_report.h"
#include "perf/perf_model.h"

static const char *CSV_HEADER =
    "kernel,source,preset,n,threads,threading,reps,inner,ns_per_elem,"
    "ns_per_elem_min,ns_per_elem_max,gbps,roof_ns_per_elem,roof_ratio,roof_variant,"
    "compute_roof_ns_per_elem,compute_roof_ratio,compute_roof_isa,cycles_per_elem,clock_ghz,"
    "max_ulp,validated,clean_reps,cpu_model";

/* A missing figure (peer rows have no ulp, an unknown clock no cycles). */
static int known(double x) { return isfinite(x) && x >= 0; }

static void num(FILE *f, double x, const char *fmt)
{
    if (known(x))
        fprintf(f, fmt, x);
}

/* A table cell of width w followed by a space; "-" for a missing figure. */
static void cell(FILE *f, double x, int w, const char *fmt)
{
    if (known(x))
        fprintf(f, fmt, w, x);
    else
        fprintf(f, "%*s", w, "-");
    fputc(' ', f);
}

static json_t *jnum(double x)
{
    return known(x) ? json_real(x) : json_null();
}

static void print_json(FILE *f, const perf_header *h, const perf_result *rows, size_t nrows)
{
    json_t *top = json_object(), *arr = json_array();
    json_object_set_new(top, "cpu_model", json_string(h->machine.cpu_model));
    json_object_set_new(top, "isa", json_string(h->machine.isa));
    json_object_set_new(top, "cores", json_integer(h->machine.cores));
    json_object_set_new(top, "clock_ghz", jnum(h->clock_ghz));
    json_object_set_new(top, "clock_method", json_string("dependent-add chain vs CLOCK_MONOTONIC"));
    json_object_set_new(top, "preset", json_string(h->preset));
    json_object_set_new(top, "bytes_per_elem", json_real(PERF_BYTES_PER_ELEM));   /* f32 */
    for (size_t i = 0; i < nrows; i++) {
        const perf_result *r = &rows[i];
        json_t *o = json_object();
        json_object_set_new(o, "kernel", json_string(r->kernel));
        if (r->state && strcmp(r->state, "f32")) {   /* f32 rows keep their keys */
            json_object_set_new(o, "state", json_string(r->state));
            json_object_set_new(o, "bytes_per_elem", json_real(r->bytes_per_elem));
        }
        json_object_set_new(o, "source", json_string(r->source));
        json_object_set_new(o, "n", json_integer((json_int_t)r->n));
        json_object_set_new(o, "threads", json_integer(r->threads));
        json_object_set_new(o, "threading", json_string(r->threading));
        json_object_set_new(o, "reps", json_integer(r->reps));
        json_object_set_new(o, "inner", json_integer((json_int_t)r->inner));
        json_object_set_new(o, "ns_per_elem", jnum(r->ns_per_elem));
        json_object_set_new(o, "ns_per_elem_min", jnum(r->ns_per_elem_min));
        json_object_set_new(o, "ns_per_elem_max", jnum(r->ns_per_elem_max));
        json_object_set_new(o, "gbps", jnum(r->gbps));
        json_object_set_new(o, "roof_ns_per_elem", jnum(r->roof_ns_per_elem));
        json_object_set_new(o, "roof_ratio", jnum(r->roof_ratio));
        json_object_set_new(o, "roof_variant",
                            r->roof_variant ? json_string(r->roof_variant) : json_null());
        json_object_set_new(o, "compute_roof_ns_per_elem", jnum(r->compute_roof_ns_per_elem));
        json_object_set_new(o, "compute_roof_ratio", jnum(r->compute_roof_ratio));
        json_object_set_new(o, "compute_roof_isa",
                            r->compute_roof_isa ? json_string(r->compute_roof_isa) : json_null());
        json_object_set_new(o, "cycles_per_elem", jnum(r->cycles_per_elem));
        json_object_set_new(o, "clock_ghz", jnum(r->clock_ghz));
        json_object_set_new(o, "max_ulp", jnum(r->max_ulp));
        json_object_set_new(o, "validated", strcmp(r->source, "rmsbench") ? json_null()
                                                : json_boolean(r->validated));
        json_object_set_new(o, "clean_reps", strcmp(r->source, "rmsbench") ? json_null()
                                                 : json_integer(r->clean_reps));
        json_array_append_new(arr, o);
    }
    json_object_set_new(top, "rows", arr);
    json_dumpf(top, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
    json_decref(top);
}

void perf_print(FILE *f, perf_format fmt, const perf_header *h,
               const perf_result *rows, size_t nrows)
{
    if (fmt == PERF_JSON) {
        print_json(f, h, rows, nrows);
        return;
    }
    if (fmt == PERF_CSV) {
        fprintf(f, "%s\n", CSV_HEADER);
        for (size_t i = 0; i < nrows; i++) {
            const perf_result *r = &rows[i];
            fprintf(f, "%s,%s,%s,%zu,%d,%s,%d,%zu,", r->kernel, r->source, h->preset,
                    r->n, r->threads, r->threading, r->reps, r->inner);
            num(f, r->ns_per_elem, "%.6g"); fputc(',', f);
            num(f, r->ns_per_elem_min, "%.6g"); fputc(',', f);
            num(f, r->ns_per_elem_max, "%.6g"); fputc(',', f);
            num(f, r->gbps, "%.6g"); fputc(',', f);
            num(f, r->roof_ns_per_elem, "%.6g"); fputc(',', f);
            num(f, r->roof_ratio, "%.6g"); fputc(',', f);
            fprintf(f, "%s,", r->roof_variant ? r->roof_variant : "");
            num(f, r->compute_roof_ns_per_elem, "%.6g"); fputc(',', f);
            num(f, r->compute_roof_ratio, "%.6g"); fputc(',', f);
            fprintf(f, "%s,", r->compute_roof_isa ? r->compute_roof_isa : "");
            num(f, r->cycles_per_elem, "%.6g"); fputc(',', f);
            num(f, r->clock_ghz, "%.6g"); fputc(',', f);
            num(f, r->max_ulp, "%.6g"); fputc(',', f);
            /* peer rows: not validated or screened by us, so left empty */
            if (strcmp(r->source, "rmsbench") == 0)
                fprintf(f, "%d,%d", r->validated, r->clean_reps);
            else
                fputc(',', f);
            fputc(',', f);
            csv_field(f, h->machine.cpu_model);
            fputc('\n', f);
        }
        return;
    }
    fprintf(f, "# rmsbench perf on %s (%s; %d cores); core clock %.3g GHz (dependent-add "
               "chain); preset %s; median of %d reps; compute roof %s\n",
            h->machine.cpu_model, h->machine.isa, h->machine.cores, h->clock_ghz,
            h->preset, h->reps, perf_roof_compute_isa(rms_cpu_isa()));
    fprintf(f, "%-14s %10s %7s %11s %11s %11s %8s %10s %-9s %18s %15s %7s %5s %5s\n", "kernel",
            "n", "threads", "ns_per_elem", "min", "max", "gbps", "roof_ratio", "roof_loop",
            "compute_roof_ratio", "cycles_per_elem", "max_ulp", "valid", "clean");
    for (size_t i = 0; i < nrows; i++) {
        const perf_result *r = &rows[i];
        fprintf(f, "%-14s %10zu %7d ", r->kernel, r->n, r->threads);
        cell(f, r->ns_per_elem, 11, "%*.4g");
        cell(f, r->ns_per_elem_min, 11, "%*.4g");
        cell(f, r->ns_per_elem_max, 11, "%*.4g");
        cell(f, r->gbps, 8, "%*.4g");
        cell(f, r->roof_ratio, 10, "%*.3f");
        fprintf(f, "%-9s ", r->roof_variant ? r->roof_variant : "-");
        cell(f, r->compute_roof_ratio, 18, "%*.3f");
        cell(f, r->cycles_per_elem, 15, "%*.3g");
        cell(f, r->max_ulp, 7, "%*.3g");
        if (strcmp(r->source, "rmsbench"))
            fprintf(f, "%5s %5s\n", "-", "-");
        else
            fprintf(f, "%5s %2d/%-2d\n", r->validated ? "yes" : "NO", r->clean_reps, r->reps);
    }
}

void perf_print_peer_ratios(FILE *f, const perf_result *rows, size_t nrows)
{
    int header = 0;
    for (size_t p = 0; p < nrows; p++) {
        if (strcmp(rows[p].source, "rmsbench") == 0)
            continue;
        for (size_t i = 0; i < nrows; i++) {
            const perf_result *r = &rows[i];
            if (strcmp(r->source, "rmsbench") || r->n != rows[p].n ||
                r->threads != rows[p].threads)
                continue;
            if (!header) {
                fprintf(f, "# speed-up against the PyTorch peer, same run "
                           "(peer ns/elem / our ns/elem; > 1 = we are faster)\n");
                fprintf(f, "%-14s %-14s %10s %7s %11s %11s %8s\n", "kernel", "peer", "n",
                        "threads", "ns_per_elem", "peer_ns", "speedup");
                header = 1;
            }
            fprintf(f, "%-14s %-14s %10zu %7d %11.4g %11.4g %8.2f\n", r->kernel,
                    rows[p].kernel, r->n, r->threads, r->ns_per_elem, rows[p].ns_per_elem,
                    rows[p].ns_per_elem / r->ns_per_elem);
        }
    }
}

void perf_print_thread_scaling(FILE *f, const perf_result *rows, size_t nrows)
{
    int header = 0;
    for (size_t i = 0; i < nrows; i++) {
        const perf_result *r = &rows[i];
        if (r->threads == 1)
            continue;
        for (size_t j = 0; j < nrows; j++) {
            const perf_result *one = &rows[j];
            if (one->threads != 1 || one->n != r->n || strcmp(one->kernel, r->kernel) ||
                strcmp(one->source, r->source))
                continue;
            if (!header) {
                fprintf(f, "# thread scaling, same run (1-thread ns/elem / N-thread ns/elem); "
                           "roof_speedup: the same for the memory roof, so\n"
                           "# of_roof = speedup / roof_speedup tells the kernel's own "
                           "overhead (< 1) from the machine's limit\n");
                fprintf(f, "%-14s %10s %7s %11s %11s %8s %12s %8s\n", "kernel", "n", "threads",
                        "ns_per_elem", "ns_1thread", "speedup", "roof_speedup", "of_roof");
                header = 1;
            }
            double sp = one->ns_per_elem / r->ns_per_elem;
            fprintf(f, "%-14s %10zu %7d %11.4g %11.4g %8.2f ", r->kernel, r->n, r->threads,
                    r->ns_per_elem, one->ns_per_elem, sp);
            if (known(r->roof_ns_per_elem) && known(one->roof_ns_per_elem) &&
                r->roof_ns_per_elem > 0 && one->roof_ns_per_elem > 0) {
                double rsp = one->roof_ns_per_elem / r->roof_ns_per_elem;
                fprintf(f, "%12.2f %8.2f\n", rsp, sp / rsp);
            } else {
                fprintf(f, "%12s %8s\n", "-", "-");
            }
        }
    }
}

static int tx_end(sqlite3 *db, sqlite3_stmt *st, const char *failed, char *err, size_t errlen)
{
    if (failed && *failed)
        snprintf(err, errlen, "%s: %s", failed, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    if (!failed && db_exec(db, "COMMIT", err, errlen) == 0)
        return 0;
    db_exec(db, "ROLLBACK", NULL, 0);
    return -1;
}

int perf_insert_rows(sqlite3 *db, const char *sql, const char *what, size_t n,
                     perf_bind_fn bind, const void *ctx, char *err, size_t errlen)
{
    sqlite3_int64 mid;
    sqlite3_stmt *st = NULL;
    if (db_exec(db, "BEGIN IMMEDIATE", err, errlen))
        return -1;
    if (db_machine_id(db, &mid, err, errlen))
        return tx_end(db, NULL, "", err, errlen);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return tx_end(db, st, what, err, errlen);
    for (size_t i = 0; i < n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, mid);
        bind(st, i, ctx);
        if (sqlite3_step(st) != SQLITE_DONE)
            return tx_end(db, st, what, err, errlen);
    }
    return tx_end(db, st, NULL, err, errlen);
}

void perf_print_state_ratios(FILE *f, const perf_result *rows, size_t nrows)
{
    int header = 0;
    for (size_t i = 0; i < nrows; i++) {
        const perf_result *r = &rows[i];
        if (!r->state || strcmp(r->state, "f32") == 0)
            continue;
        size_t base = strcspn(r->kernel, "/");
        for (size_t j = 0; j < nrows; j++) {
            const perf_result *b = &rows[j];
            if (!b->state || strcmp(b->state, "f32") || b->n != r->n || b->threads != r->threads ||
                strlen(b->kernel) != base || strncmp(b->kernel, r->kernel, base))
                continue;
            if (!header) {
                fprintf(f, "# state precision, same run: speedup = f32 ns/elem / this ns/elem "
                           "(same kernel width); of_roof = its own roof / its time\n");
                fprintf(f, "%-14s %10s %7s %10s %11s %11s %8s %7s %11s\n", "kernel", "n",
                        "threads", "bytes/elem", "ns_per_elem", "f32_ns", "speedup", "of_roof",
                        "f32_of_roof");
                header = 1;
            }
            fprintf(f, "%-14s %10zu %7d %10.4g %11.4g %11.4g %8.3f %7.3f %11.3f\n", r->kernel,
                    r->n, r->threads, r->bytes_per_elem, r->ns_per_elem, b->ns_per_elem,
                    b->ns_per_elem / r->ns_per_elem, r->roof_ratio, b->roof_ratio);
        }
    }
}

static void bind_num(sqlite3_stmt *st, int i, double x)
{
    if (known(x))
        sqlite3_bind_double(st, i, x);
    else
        sqlite3_bind_null(st, i);
}

typedef struct perf_rows_ctx { const perf_result *rows; const char *preset; } perf_rows_ctx;

static void bind_perf_row(sqlite3_stmt *st, size_t i, const void *ctx)
{
    const perf_rows_ctx *c = ctx;
    const perf_result *r = &c->rows[i];
    sqlite3_bind_text(st, 2, r->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->kernel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->preset, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)r->n);
    sqlite3_bind_int(st, 6, r->threads);
    sqlite3_bind_int(st, 7, r->reps);
    bind_num(st, 8, r->ns_per_elem);
    bind_num(st, 9, r->ns_per_elem_min);
    bind_num(st, 10, r->ns_per_elem_max);
    bind_num(st, 11, r->gbps);
    bind_num(st, 12, r->roof_ns_per_elem);
    bind_num(st, 13, r->roof_ratio);
    bind_num(st, 14, r->compute_roof_ns_per_elem);
    bind_num(st, 15, r->compute_roof_ratio);
    bind_num(st, 16, r->cycles_per_elem);
    bind_num(st, 17, r->clock_ghz);
    /* peer rows are not validated by us: NULL, not a claim either way */
    if (strcmp(r->source, "rmsbench") == 0)
        sqlite3_bind_int(st, 18, r->validated);
    else
        sqlite3_bind_null(st, 18);
    if (r->roof_variant)
        sqlite3_bind_text(st, 19, r->roof_variant, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 19);
}

int perf_record(sqlite3 *db, const char *preset, const perf_result *rows,
                size_t nrows, char *err, size_t errlen)
{
    const char *sql =
        "INSERT INTO perf (machine_id, source, kernel, preset, n, threads, reps,"
        " ns_per_elem, ns_per_elem_min, ns_per_elem_max, gbps, roof_ns_per_elem,"
        " roof_ratio, compute_roof_ns_per_elem, compute_roof_ratio, cycles_per_elem,"
        " clock_ghz, validated, roof_variant) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,"
        "?12,?13,?14,?15,?16,?17,?18,?19)";
    perf_rows_ctx c = { rows, preset };
    return perf_insert_rows(db, sql, "recording perf rows", nrows, bind_perf_row, &c, err, errlen);
}

void perf_model_print(FILE *f, const perf_model_result *r, size_t n)
{
    if (n == 0)
        return;
    fprintf(f, "# whole-model step (every tensor in one call, rms_step_multi); roof_ratio = the "
               "memory roof over the same tensors / the step; PyTorch rows: "
               "torch.optim.RMSprop.step()\n");
    fprintf(f, "%-12s %-14s %-8s %8s %11s %7s %10s %10s %10s %11s %10s %8s %5s\n", "model",
            "kernel", "source", "tensors", "params", "threads", "ms_step", "min", "max",
            "ns_per_elem", "roof_ms", "roof", "valid");
    for (size_t i = 0; i < n; i++) {
        const perf_model_result *x = &r[i];
        fprintf(f, "%-12s %-14s %-8s %8zu %11zu %7d ", x->model, x->kernel, x->source,
                x->tensors, x->params, x->threads);
        cell(f, x->ms, 10, "%*.4g");
        cell(f, x->ms_min, 10, "%*.4g");
        cell(f, x->ms_max, 10, "%*.4g");
        cell(f, x->ns_per_elem, 11, "%*.4g");
        cell(f, x->roof_ms, 10, "%*.4g");
        cell(f, x->roof_ratio, 8, "%*.3f");
        fprintf(f, "%5s\n", x->validated < 0 ? "-" : x->validated ? "yes" : "NO");
    }
    /* against PyTorch's fastest implementation on the same model and threads */
    int header = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(r[i].source, "rmsbench"))
            continue;
        const perf_model_result *best = NULL;
        for (size_t j = 0; j < n; j++)
            if (!strcmp(r[j].source, "pytorch") && !strcmp(r[j].model, r[i].model) &&
                r[j].threads == r[i].threads && (!best || r[j].ms < best->ms))
                best = &r[j];
        if (!best)
            continue;
        if (!header) {
            fprintf(f, "# whole-model speed-up against PyTorch's fastest step, same run "
                       "(torch ms / our ms)\n%-12s %-14s %7s %10s %-14s %10s %8s\n", "model",
                    "kernel", "threads", "ms_step", "peer", "peer_ms", "speedup");
            header = 1;
        }
        fprintf(f, "%-12s %-14s %7d %10.4g %-14s %10.4g %8.2f\n", r[i].model, r[i].kernel,
                r[i].threads, r[i].ms, best->kernel, best->ms, best->ms / r[i].ms);
    }
}

typedef struct perf_models_ctx { const perf_model_result *r; const char *preset; } perf_models_ctx;

static void bind_model_row(sqlite3_stmt *st, size_t i, const void *ctx)
{
    const perf_models_ctx *c = ctx;
    const perf_model_result *x = &c->r[i];
    sqlite3_bind_text(st, 2, x->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, x->model, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, x->kernel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->preset, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)x->tensors);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)x->params);
    sqlite3_bind_int(st, 8, x->threads);
    sqlite3_bind_int(st, 9, x->reps);
    bind_num(st, 10, x->ms);
    bind_num(st, 11, x->ms_min);
    bind_num(st, 12, x->ms_max);
    bind_num(st, 13, x->ns_per_elem);
    bind_num(st, 14, x->roof_ms);
    bind_num(st, 15, x->roof_ratio);
    if (x->validated >= 0)
        sqlite3_bind_int(st, 16, x->validated);
    else
        sqlite3_bind_null(st, 16);
}

int perf_model_record(sqlite3 *db, const char *preset, const perf_model_result *r, size_t n,
                      char *err, size_t errlen)
{
    if (n == 0)
        return 0;
    perf_models_ctx c = { r, preset };
    return perf_insert_rows(db, "INSERT INTO perf_models (machine_id, source, model, kernel, preset,"
                               " tensors, params, threads, reps, ms_per_step, ms_min, ms_max,"
                               " ns_per_elem, roof_ms, roof_ratio, validated) VALUES (?1,?2,?3,"
                               "?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)", "recording model rows", n, bind_model_row, &c,
                            err, errlen);
}
