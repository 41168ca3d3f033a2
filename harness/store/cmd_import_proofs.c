/* cmd_import_proofs.c -- record a proof run (proofs/prove.sh's summary.tsv)
 * in the `proofs` table: the whole file is checked first, then every row is
 * written in one transaction with bound parameters, so a bad file or a kill
 * leaves nothing half-imported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "store/db.h"

/* The header of prove.sh's summary; files written before the properties
 * column (7 fields) are still accepted and get a NULL properties. */
#define PROOF_HEADER_7 "target\tmodel\tproved\ttotal\twall_s\tprovers\topen_goals"
#define PROOF_HEADER PROOF_HEADER_7 "\tproperties"
enum { PROOF_FIELDS = 8, MAX_ROWS = 1000 };

typedef struct proof_row {
    char *field[PROOF_FIELDS];   /* pointers into the line buffer; [7] NULL if absent */
    long proved, total;
    double wall_s;
} proof_row;

/* Split line in place on tabs into exactly nfields fields. */
static int split_tabs(char *line, char **field, int nfields)
{
    int n = 0;
    for (char *p = line;; ) {
        if (n == nfields)
            return -1;
        field[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n == nfields ? 0 : -1;
}

static void parse_row(proof_row *r, char *line, int nfields, const char *path, int lineno)
{
    r->field[PROOF_FIELDS - 1] = NULL;
    if (split_tabs(line, r->field, nfields))
        cli_die("%s:%d: expected %d tab-separated fields", path, lineno, nfields);
    if (!*r->field[0] || !*r->field[1])
        cli_die("%s:%d: empty target or model", path, lineno);
    if (parse_long(r->field[2], &r->proved) || r->proved < 0)
        cli_die("%s:%d: bad proved count '%s'", path, lineno, r->field[2]);
    if (parse_long(r->field[3], &r->total) || r->total < 0)
        cli_die("%s:%d: bad total count '%s'", path, lineno, r->field[3]);
    if (r->proved > r->total)
        cli_die("%s:%d: proved %ld > total %ld", path, lineno, r->proved, r->total);
    if (parse_double(r->field[4], &r->wall_s) || r->wall_s < 0)
        cli_die("%s:%d: bad wall time '%s'", path, lineno, r->field[4]);
}

static int insert_rows(sqlite3 *db, const proof_row *rows, int nrows,
                       char *err, size_t errlen)
{
    sqlite3_int64 machine;
    machine_info mi;
    machine_collect(&mi);
    if (db_exec(db, "BEGIN IMMEDIATE", err, errlen))
        return -1;
    sqlite3_stmt *st = NULL;
    if (db_machine_id(db, &machine, err, errlen))
        goto fail;
    if (sqlite3_prepare_v2(db,
            "INSERT INTO proofs (machine_id, target, model, proved, total, wall_s,"
            " provers, open_goals, git_commit, properties) VALUES (?,?,?,?,?,?,?,?,?,?)",
            -1, &st, NULL) != SQLITE_OK)
        goto sqlfail;
    for (int i = 0; i < nrows; i++) {
        const proof_row *r = &rows[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, machine);
        sqlite3_bind_text(st, 2, r->field[0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->field[1], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, r->proved);
        sqlite3_bind_int64(st, 5, r->total);
        sqlite3_bind_double(st, 6, r->wall_s);
        sqlite3_bind_text(st, 7, r->field[5], -1, SQLITE_STATIC);
        if (*r->field[6])
            sqlite3_bind_text(st, 8, r->field[6], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 8);
        sqlite3_bind_text(st, 9, mi.git_commit, -1, SQLITE_STATIC);
        if (r->field[7] && *r->field[7])
            sqlite3_bind_text(st, 10, r->field[7], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 10);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto sqlfail;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (db_exec(db, "COMMIT", err, errlen))
        goto fail;
    return 0;
sqlfail:
    snprintf(err, errlen, "%s", sqlite3_errmsg(db));
fail:
    sqlite3_finalize(st);
    db_exec(db, "ROLLBACK", NULL, 0);
    return -1;
}

static int import_main(void *args);

const cli_command cmd_import_proofs = {
    .name = "import-proofs", .summary = "record proof results in the database",
    CLI_DB_FILE_COMMAND, .main = import_main,
    .epilogue =
        "Record the goal counts of a proof run (build/proofs/summary.tsv, written\n"
        "by `make prove`) in the proofs table, one row per target (its model, goal\n"
        "counts, time, provers, open goals and the properties it proves, in words),\n"
        "tagged with this machine and the git commit.  Nothing is written if any line is bad.\n"
        "Exit status: 0 imported; 1 the database could not take the rows (a full\n"
        "disk, an I/O error: nothing imported); 2 a bad file or database (nothing\n"
        "written).\n",
};

static int import_main(void *args)
{
    const cli_db_file_args *a = args;
    const char *dbpath = a->db, *path = a->file[0];
    FILE *f = fopen(path, "r");
    if (!f)
        cli_die("cannot read '%s'", path);
    static proof_row rows[MAX_ROWS];
    char *lines[MAX_ROWS];
    int nrows = 0, lineno = 0, nfields = PROOF_FIELDS;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1) {
            if (!strcmp(line, PROOF_HEADER_7))
                nfields = PROOF_FIELDS - 1;
            else if (strcmp(line, PROOF_HEADER))
                cli_die("%s: not a proof summary (first line is not the header '%s')",
                        path, "target\\tmodel\\tproved...");
            continue;
        }
        if (len == 0)
            continue;
        if (nrows == MAX_ROWS)
            cli_die("%s: more than %d targets", path, MAX_ROWS);
        lines[nrows] = strdup(line);
        if (!lines[nrows])
            cli_die("out of memory");
        parse_row(&rows[nrows], lines[nrows], nfields, path, lineno);
        nrows++;
    }
    free(line);
    fclose(f);
    if (lineno == 0)
        cli_die("%s: empty file", path);
    if (nrows == 0)
        cli_die("%s: no proof targets", path);

    char err[512];
    sqlite3 *db = db_open(dbpath, DB_RW, err, sizeof err);
    if (!db)
        cli_die("%s", err);
    if (insert_rows(db, rows, nrows, err, sizeof err)) {
        db_close(db);
        cli_die("database '%s': %s", dbpath, err);
    }
    db_close(db);
    long p = 0, t = 0;
    for (int i = 0; i < nrows; i++) {
        p += rows[i].proved;
        t += rows[i].total;
        free(lines[i]);
    }
    printf("imported %d proof targets (proved goals: %ld / %ld) into %s\n",
           nrows, p, t, dbpath);
    return 0;
}
