/* sweep_grid.c -- problems x kernels x solvers x every option axis
 * x seeds, each resolved exactly as `rmsbench run` would resolve it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include "cli/cli.h"
#include "cli/config_group.h"
#include "cli/range.h"
#include "run/run_core.h"
#include "run/sweep_grid.h"

/* The grid's rows: the axes first (each takes a list, and shadows run's
 * flag of its name), run's other options, then the grid's own lists. */
static const struct option *sweep_rows(void)
{
    static const struct option grid[] = {
        { "problems", required_argument, 0, OPT_PROBLEMS },
        { "kernels",  required_argument, 0, OPT_KERNELS },
        { "presets",  required_argument, 0, OPT_PRESETS },
        { "solvers",  required_argument, 0, OPT_SOLVERS },
        { "seeds",    required_argument, 0, OPT_SEEDS },
        { 0, 0, 0, 0 } };
    static struct option rows[96];
    size_t k = 0, cap = sizeof rows / sizeof rows[0];
    for (size_t i = 0; i < solver_axis_count() && i < SWEEP_MAX_AXES; i++)
        if (k + 1 < cap)
            /* an on/off axis may stand alone (--centered, as before it was
             * an axis): its value is then 1 */
            rows[k++] = (struct option){ solver_axis(i)->flag,
                                         solver_axis(i)->kind == RMS_FLAG ? optional_argument
                                                                          : required_argument,
                                         0, OPT_AXIS0 + (int)i };
    const struct option *parts[] = { config_long_options(), grid };
    for (size_t p = 0; p < 2; p++)
        for (size_t i = 0; parts[p][i].name; i++)
            if (k + 1 < cap && !(p == 0 && solver_axis_find(parts[p][i].name)))
                rows[k++] = parts[p][i];
    rows[k] = (struct option){ 0, 0, 0, 0 };
    return rows;
}

/* An axis, a grid list, or a run option (config_set) into a sweep_spec. */
static int sweep_apply(void *target, int id, const char *arg, char *err, size_t len)
{
    sweep_spec *sp = target;
    if (id >= OPT_AXIS0 && id < OPT_AXIS0 + (int)solver_axis_count()) {
        sp->axis[id - OPT_AXIS0] = arg ? arg : "1";
        return 0;
    }
    /* a list given twice (--problems a --problem b) is refused, not
     * silently replaced by the last one */
    const char **list = id == OPT_PROBLEM || id == OPT_PROBLEMS ? &sp->problems
                      : id == OPT_KERNEL || id == OPT_KERNELS ? &sp->kernels
                      : id == OPT_PRESET || id == OPT_PRESETS || id == OPT_SOLVERS ? &sp->solvers
                      : id == OPT_SEED || id == OPT_SEEDS ? &sp->seeds : NULL;
    if (list && *list) {
        snprintf(err, len, "--%s given twice ('%s', then '%s'): give one comma-separated list",
                 list == &sp->problems ? "problems" : list == &sp->kernels ? "kernels"
                 : list == &sp->solvers ? "solvers" : "seeds", *list, arg);
        return -1;
    }
    if (list) {
        *list = arg;
        return 0;
    }
    switch (id) {
    case OPT_PRINT_PARAMS:
        snprintf(err, len, "--print-params is for rmsbench run only");
        return -1;
    }
    return config_set(&sp->base, id, arg, err, len);
}

static void sweep_init(void *target)
{
    sweep_spec *sp = target;
    memset(sp, 0, sizeof *sp);
    run_opts_init(&sp->base);
}

/* "every option is an axis: --lr R ... --centered 0,1 ...", from the option
 * table, wrapped to the help's width: a new option is listed by itself. */
static void axes_help(FILE *f)
{
    size_t n, col;
    const rms_opt *o = rms_opts(&n);
    col = (size_t)fprintf(f, "  every option is an axis (R: numbers; on/off: 0,1):");
    for (size_t i = 0; i < n; i++) {
        char word[128], vals[96];
        snprintf(vals, sizeof vals, "%s", o[i].kind == RMS_FLAG ? "0,1" :
                                          o[i].kind == RMS_ENUM ? o[i].names : "R");
        for (char *bar = vals; (bar = strchr(bar, '|')) != NULL;)   /* a|b -> a,b */
            *bar = ',';
        int w = snprintf(word, sizeof word, "--%s %s", o[i].flag, vals);
        if (col + 1 + (size_t)w > 76)
            col = (size_t)fprintf(f, "\n ");
        col += (size_t)fprintf(f, " %s", word);
    }
    fputs(";\n  a point that breaks a rule joining two options (stochastic f32,\n"
          "  nesterov without momentum) is left out of the grid\n", f);
}

static void sweep_help(FILE *f)
{
    fputs("grid (LIST: a,b,c; R: 0.1,0.01 or a log range lo:hi:count, e.g.\n"
          "1e-4:1e-1:13; S: 1,2,3 or 1..10):\n"
          "  --problems LIST  --kernels LIST (default auto)  --seeds S (default 1)\n"
          "  --solvers LIST   solver labels PRESET[+OPTION[=VALUE]]..., e.g.\n"
          "                   torch,torch+centered,keras+momentum=0.9 (default seed;\n"
          "                   --presets is the same option)\n", f);
    axes_help(f);
    fputs("  (--problem, --kernel, --preset, --seed are accepted as the same options)\n\n"
          "run options, applied to every config:\n", f);
    config_group_help(f);
}

const cli_group sweep_group = { sweep_rows, sweep_help, sweep_init, sweep_apply };

const cli_opt sweep_pool_opts[] = {
    CLI_OPT_LONG("jobs", sweep_pool, jobs, "N", 1, 256, "1", "worker processes"),
    CLI_OPT_NAME("name", sweep_pool, name, "NAME", SWEEP_NAME_MAX,
                 "label stored with each run (default: from the hash of what is run, so "
                 "a resumed command keeps its label)"),
    CLI_OPT_FLAG("dry-run", sweep_pool, dry_run, "print the configs (hash and text) and exit"),
    CLI_OPT_FLAG("verbose", sweep_pool, verbose, "print each run's summary line on stdout"),
    CLI_OPT_END
};

/* XXH3 over the configs' hashes: the same grid gives the same digest. */
static uint64_t sweep_digest(const run_config *cfgs, size_t n)
{
    XXH3_state_t *st = XXH3_createState();
    XXH3_64bits_reset(st);
    for (size_t i = 0; i < n; i++)
        XXH3_64bits_update(st, cfgs[i].hash, 16);
    uint64_t d = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return d;
}

static void sweep_auto_name(uint64_t digest, char *buf, size_t len)
{
    snprintf(buf, len, "grid-%08llx", (unsigned long long)(digest >> 32));
}

int sweep_plan_make(sweep_plan *plan, const sweep_spec *sp, const char *name, int dry_run,
                    long jobs)
{
    char err[512];
    memset(plan, 0, sizeof *plan);
    if (sweep_expand(sp, &plan->cfgs, &plan->n, err, sizeof err) ||
        (jobs > 0 && run_check_configs(plan->cfgs, plan->n,
                                       (size_t)jobs < plan->n ? jobs : (long)plan->n,
                                       err, sizeof err)))
        cli_die("%s", err);
    plan->digest = sweep_digest(plan->cfgs, plan->n);
    sweep_auto_name(plan->digest, plan->auto_name, sizeof plan->auto_name);
    plan->name = name ? name : plan->auto_name;
    if (!dry_run)
        return 0;
    for (size_t i = 0; i < plan->n; i++)
        printf("%s %s\n", plan->cfgs[i].hash, plan->cfgs[i].text);
    fprintf(stderr, "sweep %s: %zu configs (dry run, nothing recorded)\n", plan->name, plan->n);
    free(plan->cfgs);
    plan->cfgs = NULL;
    return 1;
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

/* The values of one axis as text: a real option's list or log range
 * (range_parse_doubles) written back as %.17g, other options' comma lists
 * as given; each value is tried on a scratch run_opts so a bad one is
 * rejected here, before anything is opened. */
static int axis_values(const opt_axis *a, const char *s, names *out, char *err, size_t len)
{
    char why[256];
    if (a->kind != RMS_REAL) {
        if (split_names(a->flag, s, "", out, err, len))
            return -1;
    } else {
        double *v;
        size_t n;
        if (range_parse_doubles(s, &v, &n, why, sizeof why)) {
            snprintf(err, len, "--%s: %s", a->flag, why);
            return -1;
        }
        memset(out, 0, sizeof *out);
        out->copy = malloc(n * 32 + 1);
        out->v = calloc(n + 1, sizeof *out->v);
        if (!out->copy || !out->v) {
            free(v);
            snprintf(err, len, "out of memory");
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            out->v[i] = out->copy + 32 * i;
            snprintf(out->v[i], 32, "%.17g", v[i]);
        }
        out->n = n;
        free(v);
    }
    for (size_t i = 0; i < out->n; i++) {
        run_opts scratch;
        run_opts_init(&scratch);
        if (solver_axis_set(&scratch, a, out->v[i], err, len))
            return -1;
    }
    return 0;
}

/* The grid's lists, parsed and checked: problems, kernels, solvers, one
 * value list per set solver axis, and the seeds. */
typedef struct grid_lists {
    names pr, ke, so, ax[SWEEP_MAX_AXES];
    size_t nax;
    uint64_t *seeds;       /* NULL: the base options' seed */
    size_t nseeds;
} grid_lists;

static void grid_lists_free(grid_lists *g)
{
    free_names(&g->pr);
    free_names(&g->ke);
    free_names(&g->so);
    for (size_t i = 0; i < g->nax; i++)
        free_names(&g->ax[i]);
    free(g->seeds);
}

/* Parses and checks every list of sp into g; *total = the configs in the
 * grid before duplicates are dropped (at most SWEEP_MAX_CONFIGS). */
static int grid_lists_parse(const sweep_spec *sp, grid_lists *g, double *total, char *err,
                            size_t len)
{
    char why[256];
    if (!sp->problems) {
        snprintf(err, len, "--problems is required (a comma list of problems)");
        return -1;
    }
    if (split_names("problems", sp->problems, "", &g->pr, err, len) ||
        split_names("kernels", sp->kernels, "auto", &g->ke, err, len) ||
        split_names("solvers", sp->solvers, "seed", &g->so, err, len))
        return -1;
    *total = (double)g->pr.n * g->ke.n * g->so.n;
    for (size_t i = 0; i < g->nax; i++) {
        if (sp->axis[i] && axis_values(solver_axis(i), sp->axis[i], &g->ax[i], err, len))
            return -1;
        *total *= sp->axis[i] ? (double)g->ax[i].n : 1;
    }
    for (size_t i = 0; i < g->so.n; i++) {   /* an unknown solver is bad input */
        run_opts scratch;
        run_opts_init(&scratch);
        if (solver_parse(g->so.v[i], &scratch, err, len))
            return -1;
    }
    if (sp->seeds) {
        if (range_parse_seeds(sp->seeds, &g->seeds, &g->nseeds, why, sizeof why)) {
            snprintf(err, len, "--seeds: %s", why);
            return -1;
        }
    }
    *total *= (double)g->nseeds;
    if (*total > SWEEP_MAX_CONFIGS) {
        snprintf(err, len, "the grid has %.0f configs (more than %d)", *total, SWEEP_MAX_CONFIGS);
        return -1;
    }
    return 0;
}

/* One grid point (problem a, kernel b, solver c, axes at pos) for every
 * seed, appended to cfgs[*n..]; the same config twice (e.g. kernels
 * auto,fused) runs once.  A point that breaks a rule joining two options
 * (stochastic f32, a block without q8, nesterov without momentum) is left
 * out, its message kept in refused (the error if nothing is left). */
static int grid_point_add(const sweep_spec *sp, const grid_lists *g, size_t a, size_t b,
                          size_t c, const size_t *pos, run_config *cfgs, size_t *n,
                          char *refused, char *err, size_t len)
{
    char why[256];
    for (size_t h = 0; h < g->nseeds; h++) {
        run_opts o = sp->base;
        o.problem = g->pr.v[a];
        o.kernel = g->ke.v[b];
        if (solver_parse(g->so.v[c], &o, err, len))
            return -1;
        for (size_t i = 0; i < g->nax; i++)
            if (sp->axis[i] && solver_axis_set(&o, solver_axis(i), g->ax[i].v[pos[i]], err, len))
                return -1;
        if (g->seeds) o.seed = g->seeds[h];
        int rc = config_resolve(&o, &cfgs[*n], why, sizeof why);
        if (rc == CONFIG_REFUSED_PAIR) {
            if (!refused[0])
                snprintf(refused, sizeof why, "%s", why);
            continue;
        }
        if (rc) {
            snprintf(err, len, "%s", why);
            return -1;
        }
        size_t k;
        for (k = 0; k < *n && *n < 4096; k++)
            if (!strcmp(cfgs[k].hash, cfgs[*n].hash))
                break;
        if (k == *n || *n >= 4096)
            (*n)++;
    }
    return 0;
}

/* The next combination of the set axes (an odometer in table order, the
 * last axis turning fastest); 0 when every combination has been seen. */
static int axes_next(const sweep_spec *sp, const grid_lists *g, size_t *pos)
{
    for (size_t i = g->nax; i-- > 0;) {
        if (!sp->axis[i])
            continue;
        if (++pos[i] < g->ax[i].n)
            return 1;
        pos[i] = 0;
    }
    return 0;
}

int sweep_expand(const sweep_spec *sp, run_config **out, size_t *count, char *err, size_t len)
{
    grid_lists g;
    size_t pos[SWEEP_MAX_AXES] = { 0 };
    run_config *cfgs = NULL;
    int status = -1;
    double total;
    memset(&g, 0, sizeof g);
    g.nax = solver_axis_count();
    g.nseeds = 1;
    *out = NULL;
    *count = 0;
    if (grid_lists_parse(sp, &g, &total, err, len))
        goto done;
    cfgs = malloc(((size_t)total + 1) * sizeof *cfgs);
    if (!cfgs) {
        snprintf(err, len, "out of memory");
        goto done;
    }
    size_t n = 0;
    char refused[256] = "";   /* the size of grid_point_add's why */
    /* nesting order = order of execution: seeds innermost, so the first
     * finished runs already show spread over seeds; the axes form an
     * odometer in table order (lr first) */
    for (size_t a = 0; a < g.pr.n; a++)
    for (size_t b = 0; b < g.ke.n; b++)
    for (size_t c = 0; c < g.so.n; c++)
    for (int more = 1; more; more = axes_next(sp, &g, pos))
        if (grid_point_add(sp, &g, a, b, c, pos, cfgs, &n, refused, err, len))
            goto done;
    if (n == 0 && refused[0]) {
        snprintf(err, len, "%s", refused);
        goto done;
    }
    *out = cfgs;
    *count = n;
    cfgs = NULL;
    status = 0;
done:
    free(cfgs);
    grid_lists_free(&g);
    return status;
}
