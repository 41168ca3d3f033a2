/* config.c -- parsing, preset resolution, validation and hashing of one run's
 * options.  Shared by run, sweep and the fuzz target; never exits. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include "cli/cli.h"
#include "cli/config.h"
#include "cli/range.h"

typedef struct run_option {
    struct option row;
    const char *arg, *help;
    enum run_option_part part;
} run_option;

#define RUN_OPTION_ROW(id, name, has, arg, part, help) \
    { { name, has, 0, OPT_##id }, arg, help, part },
static const run_option RUN_OPTION_ROWS[] = { RUN_OPTIONS(RUN_OPTION_ROW) };
#undef RUN_OPTION_ROW
#define NRUN (sizeof RUN_OPTION_ROWS / sizeof RUN_OPTION_ROWS[0])

const struct option *config_long_options(void)
{
    static struct option all[NRUN + 2 * RMS_OPT_COUNT + 1];
    if (all[0].name)
        return all;
    size_t k = 0, n;
    const rms_opt *o = rms_opts(&n);
    for (size_t i = 0; i < NRUN; i++)
        all[k++] = RUN_OPTION_ROWS[i].row;
    for (size_t i = 0; i < n; i++) {
        all[k++] = (struct option){ o[i].flag,
            o[i].kind == RMS_FLAG ? no_argument : required_argument, 0, OPT_RMS((int)i) };
        if (o[i].neg)
            all[k++] = (struct option){ o[i].neg, no_argument, 0, OPT_RMS_NEG((int)i) };
    }
    all[k] = (struct option){ 0, 0, 0, 0 };
    return all;
}

/* "  --flag ARG" padded to the help column (or on a line of its own when
 * longer), then text, whose further lines are indented to the column. */
static size_t help_line(char *buf, size_t len, const char *left, const char *text)
{
    int w = (int)strlen(left);
    size_t used = (size_t)(w <= 20 ? snprintf(buf, len, "  %-20s  ", left)
                                   : snprintf(buf, len, "  %s\n%24s", left, ""));
    for (const char *t = text; *t && used < len; t++)
        used += (size_t)(*t == '\n' ? snprintf(buf + used, len - used, "\n%24s", "")
                                    : snprintf(buf + used, len - used, "%c", *t));
    if (used < len)
        used += (size_t)snprintf(buf + used, len - used, "\n");
    return used;
}

static size_t part_help(char *buf, size_t len, enum run_option_part part)
{
    size_t used = 0;
    char left[160];
    for (size_t i = 0; i < NRUN && used < len; i++) {
        const run_option *r = &RUN_OPTION_ROWS[i];
        if (r->part != part)
            continue;
        snprintf(left, sizeof left, "--%s%s%s", r->row.name, r->arg ? " " : "",
                 r->arg ? r->arg : "");
        used += help_line(buf + used, len - used, left, r->help);
    }
    return used;
}

void config_part_help(FILE *f, enum run_option_part part)
{
    char buf[2048];
    part_help(buf, sizeof buf, part);
    fputs(buf, f);
}

const char *config_options_help(void)
{
    static char help[8192];
    if (help[0])
        return help;
    size_t used = 0, n;
    const rms_opt *o = rms_opts(&n);
    char left[160];
    used += part_help(help, sizeof help, RUN_HEAD);
    for (size_t i = 0; i < n && used < sizeof help; i++) {
        const char *arg = o[i].kind == RMS_ENUM ? o[i].names : o[i].arg;
        snprintf(left, sizeof left, "--%s%s%s%s%s", o[i].flag, arg ? " " : "", arg ? arg : "",
                 o[i].neg ? ", --" : "", o[i].neg ? o[i].neg : "");
        used += help_line(help + used, sizeof help - used, left, o[i].help);
    }
    if (used < sizeof help)
        part_help(help + used, sizeof help - used, RUN_TAIL);
    return help;
}

void run_opts_init(run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->over = rms_cfg_default();
    o->seed = 1;
    o->threads = 1;
}

static int bad(char *err, size_t len, const char *opt, const char *arg, const char *why)
{
    snprintf(err, len, "--%s: bad value '%s' (%s)", opt, arg ? arg : "", why);
    return -1;
}

static int set_count(long *dst, const char *opt, const char *arg, long lo, long hi,
                     char *err, size_t len)
{
    size_t x;
    if (parse_size(arg, &x))
        return bad(err, len, opt, arg, "expected a count such as 100, 1e4, 10K");
    if (x < (size_t)lo || x > (size_t)hi) {
        char why[96];
        snprintf(why, sizeof why, "must be in [%ld, %ld]", lo, hi);
        return bad(err, len, opt, arg, why);
    }
    *dst = (long)x;
    return 0;
}

static int set_name(const char **dst, const char *opt, const char *arg, char *err, size_t len)
{
    if (!arg || !*arg)
        return bad(err, len, opt, arg, "empty name");
    if (strlen(arg) > 64)
        return bad(err, len, opt, arg, "name longer than 64 characters");
    *dst = arg;
    return 0;
}

int config_set_opt(run_opts *o, const rms_opt *opt, int negated, const char *arg,
                   char *err, size_t len)
{
    char why[128];
    size_t n;
    const rms_opt *rows = rms_opts(&n);
    if (opt->kind == RMS_FLAG && !arg)   /* --centered, --no-eps-in-sqrt */
        arg = negated ? "0" : "1";
    if (rms_opt_parse(&o->over, opt, arg, why, sizeof why))
        return bad(err, len, negated ? opt->neg : opt->flag, arg, why);
    o->set |= CONFIG_SET(opt - rows);
    return 0;
}

int config_set(run_opts *o, int id, const char *arg, char *err, size_t len)
{
    if (id >= OPT_RMS_FIRST && id < OPT_LAST_SHARED) {
        size_t n;
        const rms_opt *rows = rms_opts(&n);
        const rms_opt *opt = &rows[(id - OPT_RMS_FIRST) / 2];
        int negated = (id - OPT_RMS_FIRST) % 2;
        if (!negated || opt->neg)
            return config_set_opt(o, opt, negated, arg, err, len);
    }
    switch (id) {
    case OPT_PROBLEM: return set_name(&o->problem, "problem", arg, err, len);
    case OPT_KERNEL:  return set_name(&o->kernel, "kernel", arg, err, len);
    case OPT_PRESET:  return set_name(&o->preset, "preset", arg, err, len);
    case OPT_STEPS:  return set_count(&o->steps, "steps", arg, 1, CONFIG_STEPS_MAX, err, len);
    case OPT_EPOCHS: return set_count(&o->epochs, "epochs", arg, 1, 1000000, err, len);
    case OPT_EVERY:  return set_count(&o->every, "every", arg, 1, CONFIG_STEPS_MAX, err, len);
    case OPT_SEED:
        if (range_parse_seed(arg, &o->seed))
            return bad(err, len, "seed", arg, "expected an integer >= 0");
        return 0;
    case OPT_DIM: {
        long d;
        if (set_count(&d, "dim", arg, 1, (long)CONFIG_DIM_MAX, err, len))
            return -1;
        o->dim = (size_t)d;
        return 0;
    }
    case OPT_DB:
        if (!arg || !*arg)
            return bad(err, len, "db", arg, "empty path");
        o->db = arg;
        return 0;
    case OPT_NO_DB:        o->no_db = 1;        return 0;
    case OPT_PRINT_PARAMS: o->print_params = 1; return 0;
    case OPT_THREADS: {
        long t;
        if (set_count(&t, "threads", arg, 1, 1024, err, len))
            return -1;
        o->threads = (int)t;
        return 0;
    }
    }
    snprintf(err, len, "unknown option id %d", id);
    return -1;
}

/* Lay the explicitly set options over the preset. */
static rms_cfg merge(rms_cfg base, const run_opts *o)
{
    size_t n;
    const rms_opt *rows = rms_opts(&n);
    for (size_t i = 0; i < n; i++)
        if (o->set & CONFIG_SET(i))
            rms_opt_put(&base, &rows[i], rms_opt_get(&o->over, &rows[i]));
    base.bc_scale = 1.0;
    return base;
}

static void preset_names(char *buf, size_t len)
{
    size_t n, used = 0;
    const rms_preset *p = rms_presets(&n);
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", p[i].name);
}

static void problem_names(char *buf, size_t len)
{
    size_t n, used = 0;
    const problem_def *const *p = problem_defs(&n);
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", p[i]->name);
}

/* Default curve interval: about 50 points per run.  Each curve row costs
 * ~3 us of CPU to record; with 50 rows plus the two transactions, a batch
 * of 50 runs of ~11 ms each spent ~5% more CPU than with --no-db (200 rows:
 * ~10%), see scripts/bench-recording.sh.  Longer runs pay proportionally
 * less; ask for more points with --every. */
long config_auto_every(long steps)
{
    long k = steps / 50;
    return k < 1 ? 1 : k;
}

/* The state options (rows of the table, checked with the others by
 * rms_cfg_validate) as the low-precision kernels take them, with the random
 * stream of stochastic rounding keyed by the run's seed; the kernel must
 * have a low-precision version. */
static int resolve_state(run_config *rc, char *err, size_t len)
{
    rc->lp = rms_lp_opts_of(&rc->cfg, rc->seed);
    if (rc->lp.type == RMS_STATE_F32)
        return 0;
    if (rc->dim > RMS_LP_N_MAX) {
        snprintf(err, len, "--state: bad value '%s' (low-precision state holds at most "
                 "%zu parameters, --dim is %zu)", rms_state_name(rc->lp.type),
                 RMS_LP_N_MAX, rc->dim);
        return -1;
    }
    rc->lp_fn = rms_lp_for_kernel(rc->kernel, err, len);
    return rc->lp_fn ? 0 : -1;
}

/* The problem, kernel, preset and merged configuration named in o. */
static int resolve_names(const run_opts *o, run_config *rc, char *err, size_t len)
{
    char names[512];
    if (!o->problem) {
        snprintf(err, len, "--problem is required (one of: %s)",
                 (problem_names(names, sizeof names), names));
        return -1;
    }
    rc->problem = problem_find(o->problem);
    if (!rc->problem) {
        problem_names(names, sizeof names);
        snprintf(err, len, "--problem: unknown problem '%s' (known: %s)", o->problem, names);
        return -1;
    }
    rc->kernel = rms_kernel_select(o->kernel, err, len);
    if (!rc->kernel)
        return -1;
    rc->preset = rms_preset_find(o->preset ? o->preset : "seed");
    if (!rc->preset) {
        preset_names(names, sizeof names);
        snprintf(err, len, "--preset: unknown preset '%s' (known: %s)",
                 o->preset ? o->preset : "seed", names);
        return -1;
    }
    rc->cfg = merge(rc->preset->cfg, o);
    char why[200];
    if (rms_cfg_validate(&rc->cfg, why, sizeof why)) {
        snprintf(err, len, "invalid configuration: %s", why);
        /* every option valid alone, a rule joining two broken: a grid
         * point the sweep leaves out */
        return rms_cfg_validate_joint(&rc->cfg, NULL, 0) ? CONFIG_REFUSED_PAIR : -1;
    }
    return 0;
}

/* The run length: epochs (turned into steps later), or steps and the
 * curve spacing. */
static int resolve_length(const run_opts *o, run_config *rc, char *err, size_t len)
{
    const problem_def *d = rc->problem;
    if (o->epochs) {
        if (!d->steps_per_epoch) {
            snprintf(err, len, "--epochs: problem '%s' has no epochs (use --steps)", d->name);
            return -1;
        }
        /* Steps per epoch depend on the problem's data: run_execute turns
         * epochs into steps once the instance exists.  The hash covers
         * epochs, which is what the user asked for. */
        rc->epochs = o->epochs;
        rc->steps = 0;
        rc->every = o->every;   /* 0: chosen by run_execute */
    } else {
        rc->steps = o->steps ? o->steps : (long)d->default_steps;
        if (rc->steps < 1)
            rc->steps = 1;
        rc->every = o->every ? o->every : config_auto_every(rc->steps);
        if (rc->steps / rc->every > CONFIG_CURVE_MAX) {
            snprintf(err, len, "--every: bad value '%ld' (%ld steps would give more than "
                     "%ld curve points)", rc->every, rc->steps, (long)CONFIG_CURVE_MAX);
            return -1;
        }
    }
    return 0;
}

/* The canonical text of rc and its hash.  The hash covers what decides the
 * result, not how it is recorded (--every, --db): re-running with a denser
 * curve is the same config.  The options follow in table order
 * (rms_opt_in_hash says which). */
static void config_hash(run_config *rc)
{
    size_t used = (size_t)snprintf(rc->text, sizeof rc->text,
             "problem=%s kernel=%s preset=%s dim=%zu seed=%llu steps=%ld epochs=%ld",
             rc->problem->name, rc->kernel->name, rc->preset->name, rc->dim,
             (unsigned long long)rc->seed, rc->steps, rc->epochs);
    size_t n;
    const rms_opt *rows = rms_opts(&n);
    char val[64];
    for (size_t i = 0; i < n && used < sizeof rc->text; i++)
        if (rms_opt_in_hash(&rc->cfg, &rows[i])) {
            rms_opt_format(&rc->cfg, &rows[i], val, sizeof val);
            used += (size_t)snprintf(rc->text + used, sizeof rc->text - used, " %s=%s",
                                     rows[i].key, val);
        }
    /* BLAS splits work by thread count, which changes float sums: more than
     * one thread is a different config (one thread keeps the old hashes). */
    if (rc->threads > 1 && used < sizeof rc->text) {
        snprintf(rc->text + used, sizeof rc->text - used, " threads=%d", rc->threads);
    }
    snprintf(rc->hash, sizeof rc->hash, "%016llx",
             (unsigned long long)XXH3_64bits(rc->text, strlen(rc->text)));
}

int config_resolve(const run_opts *o, run_config *rc, char *err, size_t len)
{
    memset(rc, 0, sizeof *rc);
    int named = resolve_names(o, rc, err, len);
    if (named)
        return named;
    const problem_def *d = rc->problem;
    if (o->dim && !d->dim_settable && o->dim != d->dim_default) {
        snprintf(err, len, "--dim: bad value '%zu' (problem '%s' has fixed dimension %zu)",
                 o->dim, d->name, d->dim_default);
        return -1;
    }
    rc->dim = o->dim ? o->dim : d->dim_default;
    rc->seed = o->seed;
    if (o->steps && o->epochs) {
        snprintf(err, len, "--steps and --epochs: give one or the other");
        return -1;
    }
    rc->threads = o->threads > 0 ? o->threads : 1;
    if (resolve_state(rc, err, len) || resolve_length(o, rc, err, len))
        return -1;
    config_hash(rc);
    return 0;
}

/* One JSON value of option row o in c: a number, a boolean or a name. */
static json_t *opt_json(const rms_cfg *c, const rms_opt *o)
{
    char name[64];
    double v = rms_opt_get(c, o);
    switch (o->kind) {
    case RMS_REAL: return json_real(v);
    case RMS_FLAG: return json_boolean(v != 0.0);
    case RMS_ENUM: return json_string(rms_opt_format(c, o, name, sizeof name) >= 0 ? name : "");
    case RMS_INT:  return json_integer((json_int_t)v);
    }
    return json_null();
}

char *config_json(const run_config *rc)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I}",
        "problem", rc->problem->name, "kernel", rc->kernel->name, "preset", rc->preset->name,
        "dim", (json_int_t)rc->dim, "seed", (json_int_t)rc->seed,
        "steps", (json_int_t)rc->steps, "epochs", (json_int_t)rc->epochs,
        "every", (json_int_t)rc->every);
    if (!j)
        return NULL;
    size_t n;
    const rms_opt *rows = rms_opts(&n);
    for (size_t i = 0; i < n; i++)
        json_object_set_new(j, rows[i].key, opt_json(&rc->cfg, &rows[i]));
    json_object_set_new(j, "config_hash", json_string(rc->hash));
    json_object_set_new(j, "config_text", json_string(rc->text));
    if (rc->lp.type != RMS_STATE_F32)   /* the state options are rows, above */
        json_object_set_new(j, "state_bytes_per_param",
                            json_real(rms_lp_state_bytes_per_param(&rc->lp, &rc->cfg)));
    char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(j);
    return s;
}
