/* cmd_tune.c -- rmsbench tune: each solver tuned on each problem by a
 * declared protocol, recorded so that the report tells tuning trials from
 * final runs and anyone can repeat the tuning from the database alone.
 *   grid (DeepOBS): a log-spaced lr grid x tuning seeds; the lr with the
 *     lowest median final loss is run again with fresh final seeds.
 *   quasirandom (AlgoPerf): M studies of N trials, each trial a point of a
 *     Halton or Sobol sequence mapped into the search space; per study the
 *     best trial is that study's result (the comparison takes the median
 *     over studies).
 * Runs go through sweep's worker pool (resumable, --jobs); the choice made
 * between the phases is a function of recorded final losses, so a killed
 * tune started again reaches the same result. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "cli/config_group.h"
#include "cli/range.h"
#include "stats/stats.h"
#include "store/db.h"
#include "run/run_print.h"
#include "run/sweep_exec.h"
#include "run/sweep_grid.h"
#include "run/tune_space.h"

/* One (problem, solver) pair and its configs. */
typedef struct unit {
    const char *problem, *solver_arg;
    char solver[256];            /* canonical label */
    char spec[2048];             /* spec_json */
    run_config *tune; size_t ntune;
    int *tune_rep, *tune_trial;  /* per tuning config */
    char **tune_params;
    run_config *final; size_t nfinal;
    long long study_id;
} unit;

typedef struct plan {
    int quasi;
    char **problems, **solvers; size_t nproblems, nsolvers;
    run_opts base;
    double lr_lo, lr_hi; long lr_count;
    const char *tune_seeds, *final_seeds;
    uint64_t *tseeds, *fseeds; size_t ntseeds, nfseeds;
    tune_space space; const char *sequence; long trials, studies;
    unit *units; size_t nunits;
} plan;

static uint64_t *seed_list(const char *opt, const char *arg, size_t *n)
{
    uint64_t *v;
    char why[256];
    if (range_parse_seeds(arg, &v, n, why, sizeof why))
        cli_die("%s: %s", opt, why);
    return v;
}

/* A config of unit u with extra option values (axis, text) pairs. */
static void make_config(const plan *pl, const unit *u, uint64_t seed, const opt_axis **ax,
                        char vals[][64], size_t nv, run_config *out)
{
    char err[512];
    run_opts o = pl->base;
    o.problem = u->problem;
    if (solver_parse(u->solver_arg, &o, err, sizeof err))
        cli_die("%s", err);
    for (size_t i = 0; i < nv; i++)
        if (solver_axis_set(&o, ax[i], vals[i], err, sizeof err))
            cli_die("%s", err);
    o.seed = seed;
    if (config_resolve(&o, out, err, sizeof err))
        cli_die("%s/%s: %s", u->problem, u->solver_arg, err);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        cli_die("out of memory");
    return p;
}

static void spec_json(const plan *pl, unit *u)
{
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}",
                          "protocol", pl->quasi ? "quasirandom" : "grid",
                          "problem", u->problem, "solver", u->solver,
                          "kernel", u->tune[0].kernel->name, "dim", (json_int_t)u->tune[0].dim,
                          "steps", (json_int_t)u->tune[0].steps,
                          "epochs", (json_int_t)u->tune[0].epochs,
                          "threads", (json_int_t)u->tune[0].threads);
    if (pl->quasi) {
        char sp[1024];
        tune_space_text(&pl->space, sp, sizeof sp);
        json_object_set_new(j, "space", json_string(sp));
        json_object_set_new(j, "sequence", json_string(pl->sequence));
        json_object_set_new(j, "trials", json_integer(pl->trials));
        json_object_set_new(j, "studies", json_integer(pl->studies));
        json_object_set_new(j, "study_seeds", json_string("m+1"));
    } else {
        json_object_set_new(j, "lr_range", json_pack("[f,f]", pl->lr_lo, pl->lr_hi));
        json_object_set_new(j, "lr_count", json_integer(pl->lr_count));
        json_object_set_new(j, "selection", json_string("lowest median final loss over tune_seeds"));
        json_object_set_new(j, "tune_seeds", json_string(pl->tune_seeds));
        json_object_set_new(j, "final_seeds", json_string(pl->final_seeds));
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
    snprintf(u->spec, sizeof u->spec, "%s", s ? s : "{}");
    free(s);
    json_decref(j);
}

/* Expand the tuning configs of every unit (all validation happens here). */
static void expand(plan *pl)
{
    double *lrs = NULL, *pts = NULL;
    size_t nlr = 0;
    if (!pl->quasi) {
        char text[128], why[256];
        snprintf(text, sizeof text, "%.17g:%.17g:%ld", pl->lr_lo, pl->lr_hi, pl->lr_count);
        if (pl->lr_count == 1)
            snprintf(text, sizeof text, "%.17g", pl->lr_lo);
        if (range_parse_doubles(text, &lrs, &nlr, why, sizeof why))
            cli_die("--lr-range: %s", why);
    } else {
        pts = xcalloc((size_t)(pl->trials * pl->studies) * pl->space.ndims, sizeof *pts);
        if (tune_qrng_points(pl->sequence, pl->space.ndims, (size_t)(pl->trials * pl->studies), pts))
            cli_die("--sequence: '%s' cannot give %zu dimensions", pl->sequence, pl->space.ndims);
    }
    pl->nunits = pl->nproblems * pl->nsolvers;
    pl->units = xcalloc(pl->nunits, sizeof *pl->units);
    for (size_t i = 0; i < pl->nunits; i++) {
        unit *u = &pl->units[i];
        u->problem = pl->problems[i / pl->nsolvers];
        u->solver_arg = pl->solvers[i % pl->nsolvers];
        size_t n = pl->quasi ? (size_t)(pl->trials * pl->studies) : nlr * pl->ntseeds;
        u->tune = xcalloc(n, sizeof *u->tune);
        u->tune_rep = xcalloc(n, sizeof *u->tune_rep);
        u->tune_trial = xcalloc(n, sizeof *u->tune_trial);
        u->tune_params = xcalloc(n, sizeof *u->tune_params);
        const opt_axis *ax[TUNE_MAX_DIMS];
        char vals[TUNE_MAX_DIMS][64];
        for (size_t k = 0; k < n; k++) {
            size_t nv;
            uint64_t seed;
            if (pl->quasi) {
                nv = pl->space.ndims;
                for (size_t d = 0; d < nv; d++) {
                    ax[d] = pl->space.dim[d].axis;
                    tune_dim_value(&pl->space.dim[d], pts[k * nv + d], vals[d], sizeof vals[d]);
                }
                u->tune_rep[k] = (int)(k / (size_t)pl->trials);
                u->tune_trial[k] = (int)(k % (size_t)pl->trials);
                seed = (uint64_t)u->tune_rep[k] + 1;
            } else {
                nv = 1;
                ax[0] = solver_axis_find("lr");
                snprintf(vals[0], sizeof vals[0], "%.17g", lrs[k / pl->ntseeds]);
                u->tune_trial[k] = (int)(k / pl->ntseeds);
                seed = pl->tseeds[k % pl->ntseeds];
            }
            make_config(pl, u, seed, ax, vals, nv, &u->tune[k]);
            json_t *pj = json_object();
            for (size_t d = 0; d < nv; d++)
                json_object_set_new(pj, ax[d]->flag, json_string(vals[d]));
            u->tune_params[k] = json_dumps(pj, JSON_COMPACT | JSON_SORT_KEYS);
            json_decref(pj);
        }
        u->ntune = n;
        char skip[512] = "";
        for (size_t d = 0; pl->quasi && d < pl->space.ndims; d++)
            snprintf(skip + strlen(skip), sizeof skip - strlen(skip), "%s%s", d ? "," : "",
                     pl->space.dim[d].axis->flag);
        solver_label(u->tune[0].preset->name, &u->tune[0].cfg, skip, u->solver, sizeof u->solver);
        spec_json(pl, u);
    }
    free(lrs);
    free(pts);
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t len)
{
    return db_exec(db, sql, err, len);
}

/* Study rows and trial rows of one phase, in one transaction. */
static int record_trials(sqlite3 *db, const char *name, const plan *pl, int final,
                         char *err, size_t len)
{
    sqlite3_stmt *ins_s = NULL, *sel_s = NULL, *ins_t = NULL;
    int rc = -1;
    if (exec_sql(db, "BEGIN IMMEDIATE", err, len))
        return -1;
    if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO studies (name, protocol, problem, solver, spec_json)"
                               " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &ins_s, NULL) ||
        sqlite3_prepare_v2(db, "SELECT id, spec_json FROM studies WHERE name = ?1 AND problem = ?2"
                               " AND solver = ?3", -1, &sel_s, NULL) ||
        sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO trials (study_id, phase, rep, trial, seed,"
                               " params_json, config_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &ins_t, NULL)) {
        snprintf(err, len, "%s", sqlite3_errmsg(db));
        goto out;
    }
    for (size_t i = 0; i < pl->nunits; i++) {
        unit *u = &pl->units[i];
        if (!final) {
            sqlite3_reset(ins_s);
            sqlite3_bind_text(ins_s, 1, name, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_s, 2, pl->quasi ? "quasirandom" : "grid", -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_s, 3, u->problem, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_s, 4, u->solver, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_s, 5, u->spec, -1, SQLITE_STATIC);
            if (sqlite3_step(ins_s) != SQLITE_DONE)
                goto sqlfail;
        }
        sqlite3_reset(sel_s);
        sqlite3_bind_text(sel_s, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(sel_s, 2, u->problem, -1, SQLITE_STATIC);
        sqlite3_bind_text(sel_s, 3, u->solver, -1, SQLITE_STATIC);
        if (sqlite3_step(sel_s) != SQLITE_ROW)
            goto sqlfail;
        u->study_id = sqlite3_column_int64(sel_s, 0);
        if (strcmp((const char *)sqlite3_column_text(sel_s, 1), u->spec)) {
            snprintf(err, len, "--name: '%s' already holds a tuning of %s/%s with another "
                     "protocol or budget (choose another --name)", name, u->problem, u->solver);
            goto out;
        }
        size_t n = final ? u->nfinal : u->ntune;
        for (size_t k = 0; k < n; k++) {
            const run_config *c = final ? &u->final[k] : &u->tune[k];
            sqlite3_reset(ins_t);
            sqlite3_bind_int64(ins_t, 1, u->study_id);
            sqlite3_bind_text(ins_t, 2, final ? "final" : "tune", -1, SQLITE_STATIC);
            int rep = 0, trial = 0;
            const char *params = "{}";
            if (!final) {
                rep = u->tune_rep[k];
                trial = u->tune_trial[k];
                params = u->tune_params[k];
            } else {   /* the tuning trial it repeats: the same config (quasirandom)
                        or the same lr with another seed (grid) */
                for (size_t j = 0; j < u->ntune; j++)
                    if (pl->quasi ? !strcmp(u->tune[j].hash, c->hash)
                                  : u->tune[j].cfg.lr == c->cfg.lr) {
                        trial = u->tune_trial[j];
                        params = u->tune_params[j];
                        if (pl->quasi)
                            rep = u->tune_rep[j];
                        break;
                    }
            }
            sqlite3_bind_int(ins_t, 3, rep);
            sqlite3_bind_int(ins_t, 4, trial);
            sqlite3_bind_int64(ins_t, 5, (sqlite3_int64)c->seed);
            sqlite3_bind_text(ins_t, 6, params, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins_t, 7, c->hash, -1, SQLITE_STATIC);
            if (sqlite3_step(ins_t) != SQLITE_DONE)
                goto sqlfail;
        }
    }
    rc = exec_sql(db, "COMMIT", err, len);
    goto out;
sqlfail:
    snprintf(err, len, "recording the tuning: %s", sqlite3_errmsg(db));
out:
    sqlite3_finalize(ins_s);
    sqlite3_finalize(sel_s);
    sqlite3_finalize(ins_t);
    if (rc)
        db_exec(db, "ROLLBACK", NULL, 0);
    return rc;
}

/* The recorded final loss of a config: +inf diverged, NaN missing/failed. */
static double loss_of(sqlite3 *db, const char *hash)
{
    sqlite3_stmt *st;
    double v = NAN;
    if (sqlite3_prepare_v2(db, "SELECT status, final_loss FROM runs WHERE config_hash = ?1 AND"
                               " status IN ('done','diverged') ORDER BY id DESC LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
        return NAN;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        int done = !strcmp((const char *)sqlite3_column_text(st, 0), "done");
        v = done && sqlite3_column_type(st, 1) != SQLITE_NULL ? sqlite3_column_double(st, 1)
                                                             : INFINITY;
        if (!isfinite(v))
            v = INFINITY;
    }
    sqlite3_finalize(st);
    return v;
}

/* Choose per unit; fill u->final.  Returns the number of units that could
 * not choose (tuning runs missing). */
static size_t choose(sqlite3 *db, plan *pl)
{
    size_t missing = 0;
    for (size_t i = 0; i < pl->nunits; i++) {
        unit *u = &pl->units[i];
        double *loss = xcalloc(u->ntune, sizeof *loss);
        int ok = 1;
        for (size_t k = 0; k < u->ntune; k++) {
            loss[k] = loss_of(db, u->tune[k].hash);
            ok &= !isnan(loss[k]);
        }
        if (!ok) {
            missing++;
            free(loss);
            continue;
        }
        if (pl->quasi) {   /* per study the best trial: the final runs are those */
            u->final = xcalloc((size_t)pl->studies, sizeof *u->final);
            for (long m = 0; m < pl->studies; m++) {
                size_t best = (size_t)(m * pl->trials);
                for (long k = 0; k < pl->trials; k++)
                    if (loss[m * pl->trials + k] < loss[best])
                        best = (size_t)(m * pl->trials + k);
                u->final[u->nfinal++] = u->tune[best];
            }
        } else {           /* the lr with the lowest median over tuning seeds */
            size_t best = 0, nlr = u->ntune / pl->ntseeds;
            double bestmed = INFINITY;
            for (size_t l = 0; l < nlr; l++) {
                double med = stats_median(loss + l * pl->ntseeds, pl->ntseeds);
                if (med < bestmed)
                    bestmed = med, best = l;
            }
            u->final = xcalloc(pl->nfseeds, sizeof *u->final);
            for (size_t s = 0; isfinite(bestmed) && s < pl->nfseeds; s++) {
                run_config c;
                const opt_axis *ax[1] = { solver_axis_find("lr") };
                char vals[1][64];
                snprintf(vals[0], sizeof vals[0], "%.17g", u->tune[best * pl->ntseeds].cfg.lr);
                make_config(pl, u, pl->fseeds[s], ax, vals, 1, &c);
                u->final[u->nfinal++] = c;
            }
        }
        free(loss);
    }
    return missing;
}

/* Summary line and best_json for each unit whose final runs are all in. */
static int finish(sqlite3 *db, const plan *pl, char *err, size_t len)
{
    int incomplete = 0;
    for (size_t i = 0; i < pl->nunits; i++) {
        const unit *u = &pl->units[i];
        double *f = xcalloc(u->nfinal, sizeof *f);
        size_t ndiv = 0, have = 0;
        for (size_t k = 0; k < u->nfinal; k++) {
            f[k] = loss_of(db, u->final[k].hash);
            have += !isnan(f[k]);
            ndiv += isinf(f[k]);
        }
        if (u->nfinal == 0) {
            printf("tune problem=%s solver=%s protocol=%s status=every-config-diverged\n",
                   u->problem, u->solver, pl->quasi ? "quasirandom" : "grid");
        } else if (have < u->nfinal) {
            incomplete = 1;
            free(f);
            continue;
        }
        double med = stats_median(f, u->nfinal), lo = NAN, hi = NAN;
        stats_bootstrap_median(f, u->nfinal, STATS_BOOT_REPS, STATS_BOOT_SEED, 0.95, &lo, &hi);
        json_t *b = json_pack("{s:f, s:I, s:I}", "lr", u->nfinal ? u->final[0].cfg.lr : NAN,
                              "final_runs", (json_int_t)u->nfinal, "diverged", (json_int_t)ndiv);
        if (!b)
            b = json_object();
        if (isfinite(med))
            json_object_set_new(b, "median_final_loss", json_real(med));
        char *bs = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
        json_decref(b);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "UPDATE studies SET status = 'done', best_json = ?2, finished_at ="
                                   " strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE id = ?1",
                               -1, &st, NULL) != SQLITE_OK) {
            snprintf(err, len, "%s", sqlite3_errmsg(db));
            free(bs);
            free(f);
            return -1;
        }
        sqlite3_bind_int64(st, 1, u->study_id);
        sqlite3_bind_text(st, 2, bs ? bs : "{}", -1, SQLITE_TRANSIENT);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        free(bs);
        if (rc != SQLITE_DONE) {
            snprintf(err, len, "%s", sqlite3_errmsg(db));
            free(f);
            return -1;
        }
        if (u->nfinal) {
            printf("tune problem=%s solver=%s protocol=%s", u->problem, u->solver,
                   pl->quasi ? "quasirandom" : "grid");
            if (!pl->quasi)
                printf(" best_lr=%.6g", u->final[0].cfg.lr);
            printf(" final_runs=%zu diverged=%zu median_final_loss=%.6g ci95=[%.6g,%.6g]\n",
                   u->nfinal, ndiv, med, lo, hi);
        }
        free(f);
    }
    fflush(stdout);
    return incomplete;
}

/* run's options for tune: --problem and --preset are --problems and
 * --solvers; tune chooses the seeds itself. */
typedef struct tune_run { run_opts base; const char *problems, *solvers; } tune_run;

static const struct option *tune_rows(void) { return config_long_options(); }

static void tune_init(void *target) { run_opts_init(&((tune_run *)target)->base); }

static int tune_apply(void *target, int id, const char *arg, char *err, size_t len)
{
    tune_run *t = target;
    switch (id) {
    case OPT_PROBLEM: t->problems = arg; return 0;
    case OPT_PRESET: t->solvers = arg; return 0;
    case OPT_SEED:
        snprintf(err, len, "--seed: tune chooses the seeds (--tune-seeds, --final-seeds)");
        return -1;
    case OPT_PRINT_PARAMS:
        snprintf(err, len, "--print-params is for rmsbench run only");
        return -1;
    }
    return config_set(&t->base, id, arg, err, len);
}

static void tune_help(FILE *f)
{
    fputs("\nrun options, applied to every config:\n", f);
    config_group_help(f);
}

static const cli_group tune_group = { tune_rows, tune_help, tune_init, tune_apply };

typedef struct tune_args {
    tune_run run;
    int protocol, sequence;           /* indices in PROTOCOLS, SEQUENCES (-1: unset) */
    const char *lr_range, *tune_seeds, *final_seeds, *space;
    long lr_count, trials, studies;   /* budgets: 0 unset */
    sweep_pool pool;                  /* default --name: tune-<hash of the plan> */
} tune_args;

static const char *const PROTOCOLS[] = { "grid", "quasirandom", NULL };
static const char *const SEQUENCES[] = { "halton", "sobol", NULL };
#define LR_RANGE_DEFAULT "1e-5:1"

static void tune_args_init(void *args) { ((tune_args *)args)->sequence = -1; }

static int tune_main(void *args);

#define TUNE_FIELD(f, type) CLI_FIELD(tune_args, f, type)
static const cli_opt TUNE_OPTS[] = {
    { .name = "protocol", .kind = CLI_CHOICE, .offset = TUNE_FIELD(protocol, int),
      .choices = PROTOCOLS, .flags = CLI_REQUIRED,
      .help = "grid (DeepOBS-style) or quasirandom (AlgoPerf-style)" },
    { .name = "problems", .kind = CLI_STRING, .offset = TUNE_FIELD(run.problems, const char *),
      .meta = "LIST", .help = "problems (rmsbench list problems)" },
    { .name = "solvers", .kind = CLI_STRING, .offset = TUNE_FIELD(run.solvers, const char *),
      .meta = "LIST", .dflt = "seed", .help = "solver labels PRESET[+OPTION[=VALUE]]..., e.g. "
      "torch,torch+centered,keras+momentum=0.9" },
    CLI_OPT_TEXT("grid (DeepOBS-style):\n"),
    CLI_OPT_STRING("lr-range", tune_args, lr_range, "LO:HI", LR_RANGE_DEFAULT,
                   "log-spaced lr grid bounds", 0),
    CLI_OPT_LONG("lr-count", tune_args, lr_count, "N", 1, 1000, NULL,
                 "grid points (default 11: two per decade)"),
    CLI_OPT_STRING("tune-seeds", tune_args, tune_seeds, "S", NULL, "seeds of the search; best "
                   "lr = lowest median final loss over them, diverged = +inf (default 1..3)", 0),
    CLI_OPT_STRING("final-seeds", tune_args, final_seeds, "S", NULL,
                   "fresh seeds the best lr is run with (default 1001..1010)", 0),
    CLI_OPT_TEXT("quasirandom (AlgoPerf-style):\n"),
    CLI_OPT_STRING("space", tune_args, space, "SPEC", NULL,
                   "NAME=log:LO:HI | NAME=lin:LO:HI | NAME=choice, comma-separated, at "
                   "most " CLI_STR(TUNE_MAX_DIMS) " (default lr=log:1e-5:1,beta=lin:0.8:0.999)",
                   0),
    CLI_OPT_CHOICE("sequence", tune_args, sequence, SEQUENCES, NULL,
                   "GSL's sequences (default halton)"),
    CLI_OPT_LONG("trials", tune_args, trials, "N", 1, 100000, NULL,
                 "trials per study (default 16)"),
    CLI_OPT_LONG("studies", tune_args, studies, "M", 1, 1000, NULL,
                 "studies, study m with seed m+1 and points m*N..m*N+N-1 of the sequence "
                 "(default 3); per study the best trial"),
    CLI_OPT_GROUP(&tune_group, tune_args, run),
    CLI_OPT_TEXT("\ntune:\n"),
    CLI_OPT_INCLUDE(sweep_pool_opts, tune_args, pool),
    CLI_OPT_END
};

const cli_command cmd_tune = {
    .name = "tune", .summary = "tune solvers by a declared protocol (grid, quasirandom)",
    .usage = "--protocol grid|quasirandom --problems LIST --solvers LIST [options]",
    .opts = TUNE_OPTS, .args_size = sizeof(tune_args), .init = tune_args_init,
    .main = tune_main,
    .epilogue =
        "Tunes every solver on every problem by a declared protocol and records the\n"
        "protocol, its search space, budget and seeds (tables studies and trials) with\n"
        "the runs, so `rmsbench report` compares solvers at their tuned configuration\n"
        "and tells tuning trials from final runs.  Resumable like sweep: run the same\n"
        "command again after a kill and it finishes with the same result.\n\n"
        "Prints one line per problem and solver: the choice and the median final loss\n"
        "of the final runs with a 95% bootstrap interval.  Exit 0 done, 1 when runs\n"
        "failed or a worker crashed (run again), 2 on bad input (nothing written).\n",
};

/* --lr-range LO:HI */
static void parse_lr_range(plan *pl, const char *lr_range)
{
    const char *colon = strchr(lr_range, ':');
    char lo[64];
    if (!colon || (size_t)(colon - lr_range) >= sizeof lo)
        cli_bad("--lr-range", lr_range, "expected LO:HI");
    snprintf(lo, sizeof lo, "%.*s", (int)(colon - lr_range), lr_range);
    if (parse_double(lo, &pl->lr_lo) || parse_double(colon + 1, &pl->lr_hi) || !(pl->lr_lo > 0))
        cli_bad("--lr-range", lr_range, "two positive numbers LO:HI");
    if (!(pl->lr_lo < pl->lr_hi))
        cli_bad("--lr-range", lr_range, "empty or inverted range: LO must be below HI");
}

/* The plan of the parsed options: lists split, solvers checked, the
 * protocol's defaults; an option of the other protocol is bad input. */
static void plan_from_args(plan *pl, const tune_args *a)
{
    char err[512];
    const char *protocol = PROTOCOLS[a->protocol];
    pl->base = a->run.base;
    pl->quasi = a->protocol == 1;
    if (!a->run.problems)
        cli_die("--problems is required (a comma list of problems)");
    pl->problems = opt_name_list("--problems", a->run.problems, &pl->nproblems);
    pl->solvers = opt_name_list("--solvers", a->run.solvers, &pl->nsolvers);
    for (size_t i = 0; i < pl->nsolvers; i++) {
        run_opts scratch;
        run_opts_init(&scratch);
        if (solver_parse(pl->solvers[i], &scratch, err, sizeof err))
            cli_die("%s", err);
    }
    const char *wrong = pl->quasi ? (a->lr_count || a->tune_seeds || a->final_seeds ||
                                     strcmp(a->lr_range, LR_RANGE_DEFAULT) ? "grid" : NULL)
                                  : (a->space || a->sequence >= 0 || a->trials || a->studies
                                     ? "quasirandom" : NULL);
    if (wrong)
        cli_die("--protocol %s: an option of the %s protocol was given (see --help)",
                protocol, wrong);
    if (pl->quasi) {
        if (tune_space_parse(a->space ? a->space : "lr=log:1e-5:1,beta=lin:0.8:0.999",
                             &pl->space, err, sizeof err))
            cli_die("%s", err);
        pl->sequence = SEQUENCES[a->sequence >= 0 ? a->sequence : 0];
        pl->trials = a->trials ? a->trials : 16;
        pl->studies = a->studies ? a->studies : 3;
    } else {
        parse_lr_range(pl, a->lr_range);
        pl->lr_count = a->lr_count ? a->lr_count : 11;
        pl->tune_seeds = a->tune_seeds ? a->tune_seeds : "1..3";
        pl->final_seeds = a->final_seeds ? a->final_seeds : "1001..1010";
        pl->tseeds = seed_list("--tune-seeds", pl->tune_seeds, &pl->ntseeds);
        pl->fseeds = seed_list("--final-seeds", pl->final_seeds, &pl->nfseeds);
    }
}

static uint64_t plan_digest(const plan *pl)
{
    XXH3_state_t *st = XXH3_createState();
    XXH3_64bits_reset(st);
    for (size_t i = 0; i < pl->nunits; i++) {
        XXH3_64bits_update(st, pl->units[i].spec, strlen(pl->units[i].spec));
        for (size_t k = 0; k < pl->units[i].ntune; k++)
            XXH3_64bits_update(st, pl->units[i].tune[k].hash, 16);
    }
    uint64_t d = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return d;
}

/* All configs of one phase, every unit, as one list for the worker pool. */
static run_config *phase_configs(const plan *pl, int final, size_t *n)
{
    size_t total = 0;
    for (size_t i = 0; i < pl->nunits; i++)
        total += final ? pl->units[i].nfinal : pl->units[i].ntune;
    run_config *all = xcalloc(total, sizeof *all);
    *n = 0;
    for (size_t i = 0; i < pl->nunits; i++) {
        const unit *u = &pl->units[i];
        size_t m = final ? u->nfinal : u->ntune;
        memcpy(all + *n, final ? u->final : u->tune, m * sizeof *all);
        *n += m;
    }
    return all;
}

static void plan_free(plan *pl)
{
    for (size_t i = 0; i < pl->nunits; i++) {
        unit *u = &pl->units[i];
        for (size_t k = 0; k < u->ntune; k++)
            free(u->tune_params[k]);
        free(u->tune);
        free(u->tune_rep);
        free(u->tune_trial);
        free(u->tune_params);
        free(u->final);
    }
    free(pl->units);
    free_list(pl->problems, pl->nproblems);
    free_list(pl->solvers, pl->nsolvers);
    free(pl->tseeds);
    free(pl->fseeds);
}

static int tune_main(void *args)   /* the three steps, each a function above */
{
    const tune_args *a = args;
    plan pl;
    memset(&pl, 0, sizeof pl);
    plan_from_args(&pl, a);
    long jobs = a->pool.jobs;
    int dry = a->pool.dry_run, verbose = a->pool.verbose;
    const char *name = a->pool.name;
    char err[512], auto_name[40];
    if (pl.base.no_db)
        cli_die("--no-db: tune needs the database (the choice is read from recorded runs)");
    expand(&pl);
    if (!name) {
        snprintf(auto_name, sizeof auto_name, "tune-%08llx",
                 (unsigned long long)(plan_digest(&pl) >> 32));
        name = auto_name;
    }
    size_t n;
    run_config *cfgs = phase_configs(&pl, 0, &n);
    /* the bounds run and sweep enforce (float range, memory, epochs), before
     * the database is opened */
    if (run_check_configs(cfgs, n, jobs > 0 ? jobs : 1, err, sizeof err))
        cli_die("%s", err);
    if (dry) {
        for (size_t i = 0; i < pl.nunits; i++)
            printf("study %s %s/%s %s\n", name, pl.units[i].problem, pl.units[i].solver,
                   pl.units[i].spec);
        for (size_t i = 0; i < n; i++)
            printf("%s %s\n", cfgs[i].hash, cfgs[i].text);
        fprintf(stderr, "tune %s: %zu tuning configs (dry run, nothing recorded)\n", name, n);
        free(cfgs);
        plan_free(&pl);
        return 0;
    }
    const char *path = pl.base.db ? pl.base.db : RMS_DB_DEFAULT;
    sqlite3 *db = db_open(path, DB_RW, err, sizeof err);
    if (!db)
        cli_die("%s", err);
    if (record_trials(db, name, &pl, 0, err, sizeof err))
        cli_die("%s", err);
    fprintf(stderr, "tune %s: %s protocol, %zu problem x solver pairs, %zu tuning runs\n", name,
            pl.quasi ? "quasirandom" : "grid", pl.nunits, n);
    int rc = sweep_execute(cfgs, n, path, name, jobs, verbose, "tune", NULL);
    free(cfgs);
    if (rc) {
        db_close(db);
        plan_free(&pl);
        return rc;
    }
    size_t missing = choose(db, &pl);
    if (record_trials(db, name, &pl, 1, err, sizeof err))
        cli_die("%s", err);
    cfgs = phase_configs(&pl, 1, &n);
    if (!pl.quasi) {
        fprintf(stderr, "tune %s: %zu final runs at the chosen learning rates\n", name, n);
        rc = sweep_execute(cfgs, n, path, name, jobs, verbose, "tune", NULL);
    }
    free(cfgs);
    int incomplete = rc ? 0 : finish(db, &pl, err, sizeof err);
    db_close(db);
    if (incomplete < 0)
        cli_die("%s", err);
    if (missing || incomplete)
        fprintf(stderr, "tune %s: some runs failed; run the same command again to finish\n", name);
    plan_free(&pl);
    return rc ? rc : missing || incomplete ? 1 : 0;
}
