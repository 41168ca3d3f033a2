/* test_options.c -- the option table (kernels/rms_options.def) and what is
 * generated from it: rows consistent with rms_cfg, defaults, parse/format,
 * the hash-text rule for new options, getopt rows and help, the canonical
 * text of the seed config byte for byte, and one `runs` column per option. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "cli/config.h"
#include "rms_opt.h"
#include "store/db.h"

static void rows(void)
{
    size_t n;
    const rms_opt *o = rms_opts(&n);
    rms_cfg d = rms_cfg_default();
    CHECK(n == RMS_OPT_COUNT && n >= 13, "%zu rows", n);
    for (size_t i = 0; i < n; i++) {
        const rms_opt *r = &o[i];
        char why[128];
        CHECK(r->size == (r->kind == RMS_REAL ? sizeof(double) : sizeof(int)),
              "%s: C type does not fit its kind", r->field);
        CHECK(r->key && r->flag && r->label && r->help && r->since >= 1,
              "%s: key, flag, label, help and since are required", r->field);
        CHECK((r->kind == RMS_ENUM) == (r->names != NULL), "%s: names iff enum", r->field);
        CHECK(!r->neg || r->kind == RMS_FLAG, "%s: only flags have a negation", r->field);
        CHECK(rms_opt_check(r, r->dflt, why, sizeof why) == 0, "%s: default invalid: %s",
              r->field, why);
        CHECK(rms_opt_get(&d, r) == r->dflt, "%s: rms_cfg_default differs from the row",
              r->field);
        CHECK(rms_opt_find(r->key) == r && rms_opt_find(r->flag) == r &&
              rms_opt_find(r->field) == r && (!r->neg || rms_opt_find(r->neg) == r),
              "%s: not found by every name", r->field);
        for (size_t k = 0; k < i; k++)
            CHECK(strcmp(o[k].key, r->key) && strcmp(o[k].flag, r->flag),
                  "%s: key or flag used twice", r->field);
        /* format then parse gives the value back (what a sweep axis relies on) */
        rms_cfg c = d, e = d;
        char text[64];
        rms_opt_format(&c, r, text, sizeof text);
        CHECK(rms_opt_parse(&e, r, text, why, sizeof why) == 0 &&
              rms_opt_get(&e, r) == rms_opt_get(&c, r), "%s: '%s' does not parse back",
              r->field, text);
        /* at its default: in the hash text iff it existed when hashes were first kept */
        CHECK(rms_opt_in_hash(&c, r) == (r->since <= RMS_OPT_HASH_BASE),
              "%s: at its default, %s the hash text", r->field,
              r->since <= RMS_OPT_HASH_BASE ? "left" : "entered");
    }
    CHECK(d.bc_scale == 1.0, "default bc_scale %g", d.bc_scale);
    CHECK(rms_opt_find("nosuch") == NULL && rms_opt_find(NULL) == NULL, "unknown name found");
}

static void parse(void)
{
    rms_cfg c = rms_cfg_default();
    char why[128], buf[64];
    const rms_opt *beta = rms_opt_find("beta"), *wd = rms_opt_find("wd-mode"),
                  *cen = rms_opt_find("centered"), *lr = rms_opt_find("lr");
    CHECK(rms_opt_parse(&c, beta, "0.99", why, sizeof why) == 0 && c.beta == 0.99, "beta 0.99");
    CHECK(rms_opt_parse(&c, beta, "1", why, sizeof why) == -1 && c.beta == 0.99 &&
          !strcmp(why, "must be in [0, 1)"), "beta 1: %s", why);
    CHECK(rms_opt_parse(&c, lr, "0", why, sizeof why) == -1 && !strcmp(why, "must be > 0"),
          "lr 0: %s", why);
    CHECK(rms_opt_parse(&c, lr, "0x1p3", why, sizeof why) == -1, "hex refused");
    CHECK(rms_opt_parse(&c, wd, "decoupled", why, sizeof why) == 0 && c.wd_decoupled == 1,
          "wd-mode decoupled");
    CHECK(rms_opt_parse(&c, wd, "both", why, sizeof why) == -1 &&
          !strcmp(why, "expected coupled or decoupled"), "wd-mode both: %s", why);
    CHECK(rms_opt_parse(&c, cen, "1", why, sizeof why) == 0 && c.centered == 1, "centered 1");
    CHECK(rms_opt_parse(&c, cen, "2", why, sizeof why) == -1, "centered 2 refused");
    rms_opt_format(&c, wd, buf, sizeof buf);
    CHECK(!strcmp(buf, "decoupled"), "format wd: %s", buf);
    rms_opt_format(&c, beta, buf, sizeof buf);
    CHECK(!strcmp(buf, "0.98999999999999999"), "format beta: %s", buf);
    rms_opt_show(&c, cen, buf, sizeof buf);
    CHECK(!strcmp(buf, "yes"), "show centered: %s", buf);
    /* a row added after the first schemas is in the hash text only when set */
    rms_opt late = *cen;
    late.since = RMS_OPT_HASH_BASE + 1;
    rms_cfg d = rms_cfg_default();
    CHECK(!rms_opt_in_hash(&d, &late), "a new option at its default is in the hash text");
    CHECK(rms_opt_in_hash(&c, &late), "a new option set is not in the hash text");
    /* validation reads the rows: the same one-line messages as before */
    d.beta = 1.0;
    CHECK(rms_cfg_validate(&d, why, sizeof why) == -1 &&
          !strcmp(why, "beta = 1 is outside [0, 1)"), "validate beta: %s", why);
    d = rms_cfg_default();
    d.weight_decay = -1;
    CHECK(rms_cfg_validate(&d, why, sizeof why) == -1 &&
          !strcmp(why, "weight_decay = -1 must be finite and >= 0"), "validate wd: %s", why);
    d = rms_cfg_default();
    d.nesterov = 1;
    CHECK(rms_cfg_validate(&d, why, sizeof why) == -1 && strstr(why, "nesterov"),
          "validate nesterov: %s", why);
}

static void bias_correction(void)
{
    rms_cfg c = rms_cfg_default();
    CHECK(rms_bc_scale(&c, 5) == 1.0, "no bias correction: scale 1");
    c.bias_correction = 1;
    c.beta = 0.5;
    CHECK(rms_bc_scale(&c, 1) == 2.0 && rms_bc_scale(&c, 2) == 1.0 / 0.75,
          "1/(1-beta^t): %g %g", rms_bc_scale(&c, 1), rms_bc_scale(&c, 2));
    rms_cfg at = rms_cfg_at_step(&c, 3);
    CHECK(at.bc_scale == 1.0 / 0.875 && c.bc_scale == 1.0 && at.beta == c.beta,
          "rms_cfg_at_step sets bc_scale only");
}

/* The canonical text of the seed config, as main 1feb608 wrote it. */
static void hash_text(void)
{
    run_opts o;
    run_config rc;
    char err[512];
    run_opts_init(&o);
    CHECK(config_set(&o, OPT_PROBLEM, "quadratic", err, sizeof err) == 0, "%s", err);
    CHECK(config_set(&o, OPT_KERNEL, "fused", err, sizeof err) == 0, "%s", err);
    CHECK(config_set(&o, OPT_STEPS, "30", err, sizeof err) == 0, "%s", err);
    CHECK(config_resolve(&o, &rc, err, sizeof err) == 0, "%s", err);
    CHECK(!strcmp(rc.text, "problem=quadratic kernel=fused preset=seed dim=1000 seed=1 "
                  "steps=30 epochs=0 lr=0.001 beta=0.90000000000000002 eps=1e-08 v0=0 "
                  "momentum=0 weight_decay=0 wd_mode=coupled eps_in_sqrt=0 centered=0 "
                  "lr_in_momentum=0 nesterov=0 bias_correction=0 maximize=0"),
          "text: %s", rc.text);
    CHECK(!strcmp(rc.hash, "1a9c02071223d278"), "hash %s", rc.hash);
    /* every option through its getopt id; the negations clear */
    size_t n;
    const rms_opt *r = rms_opts(&n);
    for (size_t i = 0; i < n; i++) {
        char second[64], top[32];   /* a value other than the default */
        snprintf(top, sizeof top, "%.0f", r[i].hi);
        const char *arg = r[i].kind == RMS_FLAG ? NULL
                        : r[i].kind == RMS_ENUM ? rms_opt_enum_name(&r[i], 1, second, sizeof second)
                        : r[i].kind == RMS_INT ? top : "0.5";
        CHECK(config_set(&o, OPT_RMS((int)i), arg, err, sizeof err) == 0, "%s: %s",
              r[i].flag, err);
        CHECK(o.set & CONFIG_SET(i), "%s: not marked set", r[i].flag);
        if (r[i].neg)
            CHECK(config_set(&o, OPT_RMS_NEG((int)i), NULL, err, sizeof err) == 0 &&
                  rms_opt_get(&o.over, &r[i]) == 0.0, "%s", r[i].neg);
    }
    CHECK(config_set(&o, OPT_RMS(RMS_OPT_beta), "1", err, sizeof err) == -1 &&
          !strcmp(err, "--beta: bad value '1' (must be in [0, 1))"), "%s", err);
    CHECK(config_set(&o, OPT_RMS_NEG(RMS_OPT_centered), NULL, err, sizeof err) == -1,
          "--no-centered does not exist");
    /* getopt rows and help: every flag and negation */
    const struct option *lo = config_long_options();
    const char *help = config_options_help();
    for (size_t i = 0; i < n; i++) {
        int seen = 0, seen_neg = 0;
        for (size_t k = 0; lo[k].name; k++) {
            seen += !strcmp(lo[k].name, r[i].flag) && lo[k].val == OPT_RMS((int)i) &&
                    lo[k].has_arg == (r[i].kind == RMS_FLAG ? no_argument : required_argument);
            seen_neg += r[i].neg && !strcmp(lo[k].name, r[i].neg);
        }
        char flag[64];
        snprintf(flag, sizeof flag, "--%s", r[i].flag);
        CHECK(seen == 1 && seen_neg == (r[i].neg != NULL), "%s: getopt row", r[i].flag);
        CHECK(strstr(help, flag) && strstr(help, r[i].help), "%s: not in the help", flag);
    }
}

/* Run's own options: each row of RUN_OPTIONS is one getopt row with its id,
 * and its help line is in the part of --help the row names. */
static void run_options(void)
{
    const struct option *lo = config_long_options();
    char *text;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    for (int part = RUN_FIRST; part <= RUN_LAST; part++)
        config_part_help(f, (enum run_option_part)part);
    fclose(f);
    int rows = 0;
#define CHECK_ROW(id, flag, has, arg, part, help) \
    do { \
        int seen = 0; \
        for (size_t k = 0; lo[k].name; k++) \
            seen += !strcmp(lo[k].name, flag) && lo[k].val == OPT_##id && lo[k].has_arg == has; \
        CHECK(seen == 1, "--%s: %d getopt rows", flag, seen); \
        const char *at = strstr(text, "--" flag); \
        CHECK(at && (arg == NULL || !strncmp(at + strlen("--" flag " "), arg ? arg : "", \
                                           strlen(arg ? arg : ""))), "--%s: not in the help", flag); \
        char first[64]; \
        snprintf(first, sizeof first, "%.*s", (int)strcspn(help, "\n"), help); \
        CHECK(strstr(text, first) != NULL, "--%s: help text missing", flag); \
        CHECK((part == RUN_HEAD || part == RUN_TAIL) == (strstr(config_options_help(), "--" flag) != NULL), \
              "--%s: shared help disagrees with its part", flag); \
        rows++; \
    } while (0);
    RUN_OPTIONS(CHECK_ROW)
#undef CHECK_ROW
    CHECK(rows == OPT_RMS_FIRST - OPT_PROBLEM, "%d rows, %d ids", rows, OPT_RMS_FIRST - OPT_PROBLEM);
    free(text);
}

/* A new database has one `runs` column per option, of the row's type. */
static void columns(void)
{
    char path[] = "/tmp/rmsbench-test-options-XXXXXX", err[256];
    int fd = mkstemp(path);
    close(fd);
    unlink(path);
    sqlite3 *db = db_open(path, DB_RW, err, sizeof err);
    CHECK(db != NULL, "%s", err);
    if (!db)
        return;
    size_t n;
    const rms_opt *r = rms_opts(&n);
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db, "SELECT type FROM pragma_table_info('runs') WHERE name = ?1",
                           -1, &st, NULL);
        sqlite3_bind_text(st, 1, r[i].key, -1, SQLITE_STATIC);
        int found = sqlite3_step(st) == SQLITE_ROW;
        CHECK(found && !strcmp((const char *)sqlite3_column_text(st, 0),
                               rms_opt_sql_type(&r[i])), "runs.%s missing or mistyped",
              r[i].key);
        sqlite3_finalize(st);
    }
    db_close(db);
    unlink(path);
}

int main(void)
{
    rows();
    parse();
    bias_correction();
    hash_text();
    run_options();
    columns();
    return check_summary("options");
}
