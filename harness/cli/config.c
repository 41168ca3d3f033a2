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

const struct option config_long_options[] = {
    { "problem",            required_argument, 0, OPT_PROBLEM },
    { "kernel",             required_argument, 0, OPT_KERNEL },
    { "preset",             required_argument, 0, OPT_PRESET },
    { "lr",                 required_argument, 0, OPT_LR },
    { "beta",               required_argument, 0, OPT_BETA },
    { "eps",                required_argument, 0, OPT_EPS },
    { "v0",                 required_argument, 0, OPT_V0 },
    { "momentum",           required_argument, 0, OPT_MOMENTUM },
    { "centered",           no_argument,       0, OPT_CENTERED },
    { "nesterov",           no_argument,       0, OPT_NESTEROV },
    { "lr-in-momentum",     no_argument,       0, OPT_LR_IN_MOMENTUM },
    { "no-lr-in-momentum",  no_argument,       0, OPT_NO_LR_IN_MOMENTUM },
    { "weight-decay",       required_argument, 0, OPT_WEIGHT_DECAY },
    { "wd-mode",            required_argument, 0, OPT_WD_MODE },
    { "eps-in-sqrt",        no_argument,       0, OPT_EPS_IN_SQRT },
    { "no-eps-in-sqrt",     no_argument,       0, OPT_NO_EPS_IN_SQRT },
    { "bias-correction",    no_argument,       0, OPT_BIAS_CORRECTION },
    { "maximize",           no_argument,       0, OPT_MAXIMIZE },
    { "steps",              required_argument, 0, OPT_STEPS },
    { "epochs",             required_argument, 0, OPT_EPOCHS },
    { "seed",               required_argument, 0, OPT_SEED },
    { "dim",                required_argument, 0, OPT_DIM },
    { "every",              required_argument, 0, OPT_EVERY },
    { "db",                 required_argument, 0, OPT_DB },
    { "no-db",              no_argument,       0, OPT_NO_DB },
    { "print-params",       no_argument,       0, OPT_PRINT_PARAMS },
    { "threads",            required_argument, 0, OPT_THREADS },
    { "state",              required_argument, 0, OPT_STATE },
    { "state-rounding",     required_argument, 0, OPT_STATE_ROUNDING },
    { "state-block",        required_argument, 0, OPT_STATE_BLOCK },
    { 0, 0, 0, 0 }
};

const char config_options_help[] =
    "  --preset NAME         seed (default), or any row of `rmsbench list presets`;\n"
    "                        options below override the preset field by field\n"
    "  --lr X --beta X --eps X --v0 X --momentum X --weight-decay X\n"
    "  --wd-mode coupled|decoupled   --lr-in-momentum | --no-lr-in-momentum\n"
    "  --centered --nesterov --eps-in-sqrt --bias-correction --maximize\n"
    "  --no-eps-in-sqrt      eps outside the root, over a preset that puts it inside\n"
    "  --steps N             steps (default: the problem's own run length)\n"
    "  --epochs N            epochs, for problems that have mini-batch epochs\n"
    "  --seed S              seed of the problem's start point and data (default 1)\n"
    "  --dim N               dimension, for problems that allow it (1000, 1e6, 2^20)\n"
    "  --every K             sample the curve every K steps (default: ~50 points)\n"
    "  --db FILE             results database (default results/rmsbench.db)\n"
    "  --no-db               record nothing\n"
    "  --threads N           BLAS and OpenMP threads of a run (default 1: sweeps run\n"
    "                        one process per core; peers are timed on one thread)\n"
    "  --state f32|bf16|f16|q8  precision of the optimizer state (default f32);\n"
    "                        bf16/f16: v, m, buf in 16 bits; q8: v as 8-bit codes\n"
    "                        with one fp32 scale per block (docs/lowprec.md)\n"
    "  --state-rounding nearest|stochastic  rounding of the stored state (default\n"
    "                        nearest; stochastic is keyed by --seed, step, index)\n"
    "  --state-block N       q8 block size, a multiple of 16 up to 4096 (default 256)\n";

void run_opts_init(run_opts *o)
{
    memset(o, 0, sizeof *o);
    o->over = rms_cfg_default();
    o->seed = 1;
    o->threads = 1;
    o->lp = rms_lp_opts_default();
}

static int bad(char *err, size_t len, const char *opt, const char *arg, const char *why)
{
    snprintf(err, len, "--%s: bad value '%s' (%s)", opt, arg ? arg : "", why);
    return -1;
}

/* A double option with its admissible interval; lo_open says whether lo
 * itself is excluded.  rms_cfg_validate checks again after the merge. */
static int set_double(double *dst, const char *opt, const char *arg, double lo,
                      int lo_open, double hi, int hi_open, char *err, size_t len)
{
    double x;
    if (parse_double(arg, &x))
        return bad(err, len, opt, arg, "expected a finite number");
    if (x < lo || (lo_open && x == lo) || x > hi || (hi_open && x == hi)) {
        char why[96];
        snprintf(why, sizeof why, "must be in %s%g, %g%s", lo_open ? "(" : "[", lo, hi,
                 hi_open ? ")" : "]");
        return bad(err, len, opt, arg, why);
    }
    *dst = x;
    return 0;
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

int config_set(run_opts *o, int id, const char *arg, char *err, size_t len)
{
    const double inf = 1e308;
    switch (id) {
    case OPT_PROBLEM: return set_name(&o->problem, "problem", arg, err, len);
    case OPT_KERNEL:  return set_name(&o->kernel, "kernel", arg, err, len);
    case OPT_PRESET:  return set_name(&o->preset, "preset", arg, err, len);
    case OPT_LR:
        o->set |= SET_LR;
        return set_double(&o->over.lr, "lr", arg, 0, 1, inf, 0, err, len);
    case OPT_BETA:
        o->set |= SET_BETA;
        return set_double(&o->over.beta, "beta", arg, 0, 0, 1, 1, err, len);
    case OPT_EPS:
        o->set |= SET_EPS;
        return set_double(&o->over.eps, "eps", arg, 0, 0, inf, 0, err, len);
    case OPT_V0:
        o->set |= SET_V0;
        return set_double(&o->over.v0, "v0", arg, 0, 0, inf, 0, err, len);
    case OPT_MOMENTUM:
        o->set |= SET_MOMENTUM;
        return set_double(&o->over.momentum, "momentum", arg, 0, 0, 1, 1, err, len);
    case OPT_WEIGHT_DECAY:
        o->set |= SET_WD;
        return set_double(&o->over.weight_decay, "weight-decay", arg, 0, 0, inf, 0, err, len);
    case OPT_WD_MODE:
        o->set |= SET_WD_MODE;
        if (arg && !strcmp(arg, "coupled"))
            o->over.wd_decoupled = 0;
        else if (arg && !strcmp(arg, "decoupled"))
            o->over.wd_decoupled = 1;
        else
            return bad(err, len, "wd-mode", arg, "expected coupled or decoupled");
        return 0;
    case OPT_CENTERED:        o->set |= SET_CENTERED;        o->over.centered = 1;        return 0;
    case OPT_NESTEROV:        o->set |= SET_NESTEROV;        o->over.nesterov = 1;        return 0;
    case OPT_EPS_IN_SQRT:
    case OPT_NO_EPS_IN_SQRT:
        o->set |= SET_EPS_IN_SQRT;
        o->over.eps_in_sqrt = id == OPT_EPS_IN_SQRT;
        return 0;
    case OPT_BIAS_CORRECTION: o->set |= SET_BIAS_CORRECTION; o->over.bias_correction = 1; return 0;
    case OPT_MAXIMIZE:        o->set |= SET_MAXIMIZE;        o->over.maximize = 1;        return 0;
    case OPT_LR_IN_MOMENTUM:
    case OPT_NO_LR_IN_MOMENTUM:
        o->set |= SET_LR_IN_MOMENTUM;
        o->over.lr_in_momentum = id == OPT_LR_IN_MOMENTUM;
        return 0;
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
    case OPT_STATE: {
        int t = rms_state_parse(arg);
        if (t < 0)
            return bad(err, len, "state", arg, "expected f32, bf16, f16 or q8");
        o->lp.type = (rms_state_type)t;
        return 0;
    }
    case OPT_STATE_ROUNDING: {
        int r = rms_rounding_parse(arg);
        if (r < 0)
            return bad(err, len, "state-rounding", arg, "expected nearest or stochastic");
        o->lp.rounding = (rms_rounding)r;
        return 0;
    }
    case OPT_STATE_BLOCK: {
        long b;
        if (set_count(&b, "state-block", arg, 1, RMS_LP_BLOCK_MAX, err, len))
            return -1;
        o->lp.block = (size_t)b;
        return 0;
    }
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

/* Lay the explicitly set fields over the preset. */
static rms_cfg merge(rms_cfg base, const run_opts *o)
{
    const rms_cfg *x = &o->over;
    if (o->set & SET_LR) base.lr = x->lr;
    if (o->set & SET_BETA) base.beta = x->beta;
    if (o->set & SET_EPS) base.eps = x->eps;
    if (o->set & SET_V0) base.v0 = x->v0;
    if (o->set & SET_MOMENTUM) base.momentum = x->momentum;
    if (o->set & SET_WD) base.weight_decay = x->weight_decay;
    if (o->set & SET_EPS_IN_SQRT) base.eps_in_sqrt = x->eps_in_sqrt;
    if (o->set & SET_CENTERED) base.centered = x->centered;
    if (o->set & SET_LR_IN_MOMENTUM) base.lr_in_momentum = x->lr_in_momentum;
    if (o->set & SET_NESTEROV) base.nesterov = x->nesterov;
    if (o->set & SET_WD_MODE) base.wd_decoupled = x->wd_decoupled;
    if (o->set & SET_BIAS_CORRECTION) base.bias_correction = x->bias_correction;
    if (o->set & SET_MAXIMIZE) base.maximize = x->maximize;
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

/* --state and friends: checked against the options and the kernel; the
 * random stream of stochastic rounding is keyed by the run's seed. */
static int resolve_state(const run_opts *o, run_config *rc, char *err, size_t len)
{
    rc->lp = o->lp;
    rc->lp.seed = rc->seed;
    if (rms_lp_validate(&rc->lp, &rc->cfg, err, len))
        return -1;
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

int config_resolve(const run_opts *o, run_config *rc, char *err, size_t len)
{
    char names[512];
    memset(rc, 0, sizeof *rc);
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
        return -1;
    }
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
    if (resolve_state(o, rc, err, len))
        return -1;
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

    /* The hash covers what decides the result, not how it is recorded
     * (--every, --db): re-running with a denser curve is the same config. */
    const rms_cfg *c = &rc->cfg;
    snprintf(rc->text, sizeof rc->text,
             "problem=%s kernel=%s preset=%s dim=%zu seed=%llu steps=%ld epochs=%ld "
             "lr=%.17g beta=%.17g eps=%.17g v0=%.17g momentum=%.17g weight_decay=%.17g "
             "wd_mode=%s eps_in_sqrt=%d centered=%d lr_in_momentum=%d nesterov=%d "
             "bias_correction=%d maximize=%d",
             d->name, rc->kernel->name, rc->preset->name, rc->dim,
             (unsigned long long)rc->seed, rc->steps, rc->epochs, c->lr, c->beta, c->eps,
             c->v0, c->momentum, c->weight_decay, c->wd_decoupled ? "decoupled" : "coupled",
             c->eps_in_sqrt, c->centered, c->lr_in_momentum, c->nesterov,
             c->bias_correction, c->maximize);
    /* BLAS splits work by thread count, which changes float sums: more than
     * one thread is a different config (one thread keeps the old hashes). */
    if (rc->threads > 1) {
        size_t used = strlen(rc->text);
        snprintf(rc->text + used, sizeof rc->text - used, " threads=%d", rc->threads);
    }
    /* f32 state (the default) adds nothing: every older config keeps its hash */
    if (rc->lp.type != RMS_STATE_F32) {
        size_t used = strlen(rc->text);
        snprintf(rc->text + used, sizeof rc->text - used, " state=%s state_rounding=%s",
                 rms_state_name(rc->lp.type), rms_rounding_name(rc->lp.rounding));
        used = strlen(rc->text);
        if (rc->lp.type == RMS_STATE_Q8)
            snprintf(rc->text + used, sizeof rc->text - used, " state_block=%zu", rc->lp.block);
    }
    snprintf(rc->hash, sizeof rc->hash, "%016llx",
             (unsigned long long)XXH3_64bits(rc->text, strlen(rc->text)));
    return 0;
}

char *config_json(const run_config *rc)
{
    const rms_cfg *c = &rc->cfg;
    json_t *j = json_pack(
        "{s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f,"
        " s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:s, s:s}",
        "problem", rc->problem->name, "kernel", rc->kernel->name, "preset", rc->preset->name,
        "dim", (json_int_t)rc->dim, "seed", (json_int_t)rc->seed,
        "steps", (json_int_t)rc->steps, "epochs", (json_int_t)rc->epochs,
        "every", (json_int_t)rc->every, "lr", c->lr, "beta", c->beta, "eps", c->eps,
        "v0", c->v0, "momentum", c->momentum, "weight_decay", c->weight_decay,
        "wd_mode", c->wd_decoupled ? "decoupled" : "coupled", "eps_in_sqrt", c->eps_in_sqrt,
        "centered", c->centered, "lr_in_momentum", c->lr_in_momentum, "nesterov", c->nesterov,
        "bias_correction", c->bias_correction, "maximize", c->maximize,
        "config_hash", rc->hash, "config_text", rc->text);
    if (!j)
        return NULL;
    if (rc->lp.type != RMS_STATE_F32) {   /* f32 rows keep their old JSON */
        json_object_set_new(j, "state", json_string(rms_state_name(rc->lp.type)));
        json_object_set_new(j, "state_rounding", json_string(rms_rounding_name(rc->lp.rounding)));
        if (rc->lp.type == RMS_STATE_Q8)
            json_object_set_new(j, "state_block", json_integer((json_int_t)rc->lp.block));
        json_object_set_new(j, "state_bytes_per_param",
                            json_real(rms_lp_state_bytes_per_param(&rc->lp, c)));
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(j);
    return s;
}
