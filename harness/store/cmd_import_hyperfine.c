/* cmd_import_hyperfine.c -- `rmsbench import-hyperfine FILE`: hyperfine's
 * --export-json (results[]: command, mean, stddev (null for one run), median,
 * user, system, min, max, times, exit_codes, optional parameters and
 * memory_usage_byte; seconds) into the hyperfine table.  The whole file is
 * read and checked before the database is opened, so a bad file leaves the
 * database untouched; the rows then go in inside one transaction. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "store/db.h"

/* A number field: required ones must be numbers; optional ones may be absent
 * or null.  -1 with a message on a wrong type. */
static int get_num(json_t *o, const char *key, int required, double *x, int *present,
                   const char *file, size_t idx, char *err, size_t len)
{
    json_t *v = json_object_get(o, key);
    *present = 0;
    if (!v || json_is_null(v)) {
        if (required) {
            snprintf(err, len, "%s: results[%zu] has no number '%s'", file, idx, key);
            return -1;
        }
        return 0;
    }
    if (!json_is_number(v)) {
        snprintf(err, len, "%s: results[%zu].%s is not a number", file, idx, key);
        return -1;
    }
    *x = json_number_value(v);
    *present = 1;
    if (*x < 0) {   /* times in seconds */
        snprintf(err, len, "%s: results[%zu].%s is negative (%g)", file, idx, key, *x);
        return -1;
    }
    return 0;
}

static int check_num_array(json_t *a, const char *key, int required, const char *file,
                           size_t idx, char *err, size_t len)
{
    if (!a) {
        if (required)
            snprintf(err, len, "%s: results[%zu] has no array '%s'", file, idx, key);
        return required ? -1 : 0;
    }
    size_t i;
    json_t *x;
    if (!json_is_array(a))
        goto bad;
    json_array_foreach(a, i, x)
        if (!json_is_number(x) || (strcmp(key, "exit_codes") && json_number_value(x) < 0))
            goto bad;
    return 0;
bad:
    snprintf(err, len, "%s: results[%zu].%s is not an array of %snumbers", file, idx, key,
             strcmp(key, "exit_codes") ? "non-negative " : "");
    return -1;
}

static int validate(json_t *root, const char *file, char *err, size_t len)
{
    json_t *res = json_object_get(root, "results");
    if (!json_is_object(root) || !json_is_array(res)) {
        snprintf(err, len, "%s: not a hyperfine export (no 'results' array)", file);
        return -1;
    }
    if (json_array_size(res) == 0) {
        snprintf(err, len, "%s: 'results' is empty", file);
        return -1;
    }
    size_t i;
    json_t *r;
    json_array_foreach(res, i, r) {
        double x;
        int present;
        static const char *const required[] = { "mean", "median", "min", "max" };
        static const char *const optional[] = { "stddev", "user", "system" };
        if (!json_is_object(r) || !json_is_string(json_object_get(r, "command"))) {
            snprintf(err, len, "%s: results[%zu] has no string 'command'", file, i);
            return -1;
        }
        for (size_t k = 0; k < sizeof required / sizeof *required; k++)
            if (get_num(r, required[k], 1, &x, &present, file, i, err, len))
                return -1;
        for (size_t k = 0; k < sizeof optional / sizeof *optional; k++)
            if (get_num(r, optional[k], 0, &x, &present, file, i, err, len))
                return -1;
        if (check_num_array(json_object_get(r, "times"), "times", 1, file, i, err, len) ||
            check_num_array(json_object_get(r, "exit_codes"), "exit_codes", 0, file, i, err, len) ||
            check_num_array(json_object_get(r, "memory_usage_byte"), "memory_usage_byte", 0,
                            file, i, err, len))
            return -1;
        json_t *p = json_object_get(r, "parameters");
        if (p && !json_is_object(p) && !json_is_null(p)) {
            snprintf(err, len, "%s: results[%zu].parameters is not an object", file, i);
            return -1;
        }
    }
    return 0;
}

static void bind_opt_num(sqlite3_stmt *st, int col, json_t *r, const char *key)
{
    json_t *v = json_object_get(r, key);
    if (v && json_is_number(v))
        sqlite3_bind_double(st, col, json_number_value(v));
    else
        sqlite3_bind_null(st, col);
}

/* Compact JSON text of r[key], or NULL when absent (freed by SQLite). */
static void bind_json(sqlite3_stmt *st, int col, json_t *r, const char *key)
{
    json_t *v = json_object_get(r, key);
    char *s = v && !json_is_null(v) ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (s)
        sqlite3_bind_text(st, col, s, -1, free);
    else
        sqlite3_bind_null(st, col);
}

/* Is this result already there (the same file imported again)?  Same
 * machine, command and every timing. */
static int already(sqlite3 *db, sqlite3_int64 mid, json_t *r)
{
    sqlite3_stmt *st;
    int found = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM hyperfine WHERE machine_id = ?1 AND command = ?2"
                           " AND times_json IS ?3 AND mean_s IS ?4", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, mid);
    sqlite3_bind_text(st, 2, json_string_value(json_object_get(r, "command")), -1,
                      SQLITE_TRANSIENT);
    bind_json(st, 3, r, "times");
    bind_opt_num(st, 4, r, "mean");
    found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int insert(sqlite3 *db, json_t *root, const char *file, size_t *count,
                  size_t *skipped, char *err, size_t len)
{
    sqlite3_int64 mid;
    sqlite3_stmt *st = NULL;
    if (db_exec(db, "BEGIN IMMEDIATE", err, len))
        return -1;
    if (db_machine_id(db, &mid, err, len))
        goto fail;
    if (sqlite3_prepare_v2(db,
            "INSERT INTO hyperfine (machine_id, command, mean_s, stddev_s, median_s,"
            " user_s, system_s, min_s, max_s, runs, times_json, exit_codes_json,"
            " parameters_json, memory_usage_bytes_json, source_file)"
            " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)",
            -1, &st, NULL) != SQLITE_OK)
        goto sqlfail;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(root, "results"), i, r) {
        if (already(db, mid, r)) {
            (*skipped)++;
            continue;
        }
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, mid);
        sqlite3_bind_text(st, 2, json_string_value(json_object_get(r, "command")), -1,
                          SQLITE_TRANSIENT);
        bind_opt_num(st, 3, r, "mean");
        bind_opt_num(st, 4, r, "stddev");
        bind_opt_num(st, 5, r, "median");
        bind_opt_num(st, 6, r, "user");
        bind_opt_num(st, 7, r, "system");
        bind_opt_num(st, 8, r, "min");
        bind_opt_num(st, 9, r, "max");
        sqlite3_bind_int64(st, 10, (sqlite3_int64)json_array_size(json_object_get(r, "times")));
        bind_json(st, 11, r, "times");
        bind_json(st, 12, r, "exit_codes");
        bind_json(st, 13, r, "parameters");
        bind_json(st, 14, r, "memory_usage_byte");
        sqlite3_bind_text(st, 15, file, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto sqlfail;
        (*count)++;
    }
    sqlite3_finalize(st);
    st = NULL;   /* the failure path below finalizes it again otherwise */
    if (db_exec(db, "COMMIT", err, len))
        goto fail;
    return 0;
sqlfail:
    snprintf(err, len, "importing %s: %s", file, sqlite3_errmsg(db));
fail:
    sqlite3_finalize(st);
    db_exec(db, "ROLLBACK", NULL, 0);
    return -1;
}

static int import_main(void *args);

const cli_command cmd_import_hyperfine = {
    .name = "import-hyperfine", .summary = "import a hyperfine --export-json file",
    CLI_DB_FILE_COMMAND, .main = import_main,
    .epilogue =
        "Import a hyperfine --export-json file into the hyperfine table, one row per\n"
        "benchmarked command, with the machine row of this build, in one transaction.\n"
        "A result already in the database (same machine, command and timings: the\n"
        "same file imported again) is skipped.  A missing, unreadable or malformed file\n"
        "(or a negative time) is a one-line error naming it, exit status 2, and the\n"
        "database is not touched.  Exit status 1: the database could not take the\n"
        "rows (a full disk, an I/O error); nothing was imported.\n",
};

static int import_main(void *args)
{
    const cli_db_file_args *a = args;
    const char *db_path = a->db, *file = a->file[0];
    json_error_t jerr;
    json_t *root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr);
    char err[1024];
    if (!root && jerr.line > 0)
        cli_die("%s: %s (line %d)", file, jerr.text, jerr.line);
    if (!root)
        cli_die("%s: %s", file, jerr.text);
    if (validate(root, file, err, sizeof err)) {
        json_decref(root);
        cli_die("%s", err);
    }
    sqlite3 *db = db_open(db_path, DB_RW, err, sizeof err);
    if (!db) {
        json_decref(root);
        cli_die("%s", err);
    }
    size_t count = 0, skipped = 0;
    int rc = insert(db, root, file, &count, &skipped, err, sizeof err);
    db_close(db);
    json_decref(root);
    if (rc) {
        fprintf(stderr, "rmsbench import-hyperfine: %s\n", err);
        return 1;
    }
    printf("imported %zu hyperfine result%s from %s into %s", count, count == 1 ? "" : "s",
           file, db_path);
    if (skipped)
        printf(" (%zu already there, skipped)", skipped);
    putchar('\n');
    return 0;
}
