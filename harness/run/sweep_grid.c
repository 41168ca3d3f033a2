/* sweep_grid.c -- problems x kernels x presets x lr x beta x eps x momentum
 * x seeds, each resolved exactly as `rmsbench run` would resolve it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include "cli/cli.h"
#include "cli/range.h"
#include "run/sweep_grid.h"

void sweep_options(struct option *out, size_t cap, const struct option *extra)
{
    static const struct option grid[] = {
        { "problems", required_argument, 0, OPT_PROBLEMS },
        { "kernels",  required_argument, 0, OPT_KERNELS },
        { "presets",  required_argument, 0, OPT_PRESETS },
        { "seeds",    required_argument, 0, OPT_SEEDS },
        { "jobs",     required_argument, 0, OPT_JOBS },
        { "dry-run",  no_argument,       0, OPT_DRY_RUN },
        { "name",     required_argument, 0, OPT_NAME },
        { "verbose",  no_argument,       0, OPT_VERBOSE },
        { "help",     no_argument,       0, OPT_HELP },
        { 0, 0, 0, 0 } };
    const struct option *parts[] = { config_long_options(), grid, extra };
    size_t k = 0;
    for (size_t p = 0; p < 3; p++)
        for (size_t i = 0; parts[p] && parts[p][i].name; i++)
            if (k + 1 < cap)
                out[k++] = parts[p][i];
    out[k] = (struct option){ 0, 0, 0, 0 };
}

int sweep_set(sweep_spec *sp, int id, const char *arg, const char **name)
{
    char err[512];
    switch (id) {
    case OPT_PROBLEM: case OPT_PROBLEMS: sp->problems = arg; return 0;
    case OPT_KERNEL: case OPT_KERNELS: sp->kernels = arg; return 0;
    case OPT_PRESET: case OPT_PRESETS: sp->presets = arg; return 0;
    case OPT_SEED: case OPT_SEEDS: sp->seeds = arg; return 0;
    case OPT_RMS(RMS_OPT_lr): sp->lr = arg; return 0;
    case OPT_RMS(RMS_OPT_beta): sp->beta = arg; return 0;
    case OPT_RMS(RMS_OPT_eps): sp->eps = arg; return 0;
    case OPT_RMS(RMS_OPT_momentum): sp->momentum = arg; return 0;
    case OPT_NAME:
        if (!*arg || strlen(arg) > 128)
            cli_die("--name: bad value '%s' (1 to 128 characters)", arg);
        *name = arg;
        return 0;
    case OPT_PRINT_PARAMS: cli_die("--print-params is for rmsbench run only");
    }
    if (id < OPT_PROBLEM || id >= OPT_LAST_SHARED)
        return -1;
    if (config_set(&sp->base, id, arg, err, sizeof err))
        cli_die("%s", err);
    return 0;
}

uint64_t sweep_digest(const run_config *cfgs, size_t n)
{
    XXH3_state_t *st = XXH3_createState();
    XXH3_64bits_reset(st);
    for (size_t i = 0; i < n; i++)
        XXH3_64bits_update(st, cfgs[i].hash, 16);
    uint64_t d = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return d;
}

void sweep_auto_name(uint64_t digest, char *buf, size_t len)
{
    snprintf(buf, len, "grid-%08llx", (unsigned long long)(digest >> 32));
}

typedef struct names { char *copy; char **v; size_t n; } names;

static int split_names(const char *opt, const char *s, const char *dflt, names *out,
                       char *err, size_t len)
{
    memset(out, 0, sizeof *out);
    if (!s)
        s = dflt;
    if (!*s) {
        snprintf(err, len, "--%s: empty list", opt);
        return -1;
    }
    out->copy = strdup(s);
    out->v = calloc(strlen(s) + 1, sizeof *out->v);
    if (!out->copy || !out->v) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    char *p = out->copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (!*p) {
            snprintf(err, len, "--%s: empty element in list '%s'", opt, s);
            return -1;
        }
        out->v[out->n++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

static void free_names(names *n)
{
    free(n->copy);
    free(n->v);
}

typedef struct dlist { double *v; size_t n; int set; } dlist;

static int parse_values(const char *opt, const char *s, dlist *out, char *err, size_t len)
{
    char why[256];
    memset(out, 0, sizeof *out);
    if (!s) {              /* unset: one pass that keeps the preset's value */
        out->n = 1;
        return 0;
    }
    if (range_parse_doubles(s, &out->v, &out->n, why, sizeof why)) {
        snprintf(err, len, "--%s: %s", opt, why);
        return -1;
    }
    out->set = 1;
    return 0;
}

int sweep_expand(const sweep_spec *sp, run_config **out, size_t *count, char *err, size_t len)
{
    names pr, ke, ps;
    dlist lr = { 0 }, be = { 0 }, ep = { 0 }, mo = { 0 };
    uint64_t *seeds = NULL;
    size_t nseeds = 1;
    run_config *cfgs = NULL;
    int status = -1;
    char why[256];
    memset(&pr, 0, sizeof pr);
    memset(&ke, 0, sizeof ke);
    memset(&ps, 0, sizeof ps);
    *out = NULL;
    *count = 0;

    if (!sp->problems) {
        snprintf(err, len, "--problems is required (a comma list of problems)");
        return -1;
    }
    if (split_names("problems", sp->problems, "", &pr, err, len) ||
        split_names("kernels", sp->kernels, "auto", &ke, err, len) ||
        split_names("presets", sp->presets, "seed", &ps, err, len) ||
        parse_values("lr", sp->lr, &lr, err, len) ||
        parse_values("beta", sp->beta, &be, err, len) ||
        parse_values("eps", sp->eps, &ep, err, len) ||
        parse_values("momentum", sp->momentum, &mo, err, len))
        goto done;
    if (sp->seeds) {
        if (range_parse_seeds(sp->seeds, &seeds, &nseeds, why, sizeof why)) {
            snprintf(err, len, "--seeds: %s", why);
            goto done;
        }
    }
    double total = (double)pr.n * ke.n * ps.n * lr.n * be.n * ep.n * mo.n * nseeds;
    if (total > SWEEP_MAX_CONFIGS) {
        snprintf(err, len, "the grid has %.0f configs (more than %d)", total, SWEEP_MAX_CONFIGS);
        goto done;
    }
    cfgs = malloc(((size_t)total + 1) * sizeof *cfgs);
    if (!cfgs) {
        snprintf(err, len, "out of memory");
        goto done;
    }
    size_t n = 0;
    /* nesting order = order of execution: seeds innermost, so the first
     * finished runs already show spread over seeds */
    for (size_t a = 0; a < pr.n; a++)
    for (size_t b = 0; b < ke.n; b++)
    for (size_t c = 0; c < ps.n; c++)
    for (size_t d = 0; d < lr.n; d++)
    for (size_t e = 0; e < be.n; e++)
    for (size_t f = 0; f < ep.n; f++)
    for (size_t g = 0; g < mo.n; g++)
    for (size_t h = 0; h < nseeds; h++) {
        run_opts o = sp->base;
        o.problem = pr.v[a];
        o.kernel = ke.v[b];
        o.preset = ps.v[c];
        if (lr.set) o.over.lr = lr.v[d], o.set |= CONFIG_SET(RMS_OPT_lr);
        if (be.set) o.over.beta = be.v[e], o.set |= CONFIG_SET(RMS_OPT_beta);
        if (ep.set) o.over.eps = ep.v[f], o.set |= CONFIG_SET(RMS_OPT_eps);
        if (mo.set) o.over.momentum = mo.v[g], o.set |= CONFIG_SET(RMS_OPT_momentum);
        if (seeds) o.seed = seeds[h];
        if (config_resolve(&o, &cfgs[n], why, sizeof why)) {
            snprintf(err, len, "%s", why);
            goto done;
        }
        /* the same config twice (e.g. kernels auto,fused) runs once */
        size_t k;
        for (k = 0; k < n && n < 4096; k++)
            if (!strcmp(cfgs[k].hash, cfgs[n].hash))
                break;
        if (k == n || n >= 4096)
            n++;
    }
    *out = cfgs;
    *count = n;
    cfgs = NULL;
    status = 0;
done:
    free(cfgs);
    free_names(&pr);
    free_names(&ke);
    free_names(&ps);
    free(lr.v);
    free(be.v);
    free(ep.v);
    free(mo.v);
    free(seeds);
    return status;
}
