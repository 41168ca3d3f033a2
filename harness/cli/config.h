/* config.h -- the options of `rmsbench run` (shared with sweep): parsed into
 * run_opts exactly as typed, then resolved into one run_config (names looked
 * up, preset applied, explicit options laid over it, validated, hashed).
 * Nothing here exits or touches the database, so the fuzz target can drive
 * it and the commands can validate everything before opening a file. */
#ifndef CONFIG_H
#define CONFIG_H

#include <getopt.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include "problem.h"
#include "rms.h"
#include "rms_opt.h"
#include "rms_lp.h"

/* Run's own options (the RMSProp options are rows of rms_options.def),
 * declared once: getopt rows, ids and --help come from this table; the
 * arithmetic of each is a case of config_set.
 *   X(ID, name, has_arg, ARG, part, help)   help: continuation lines after \n
 * part says where --help shows a row: RUN_FIRST and RUN_LAST only in run's
 * help (sweep and tune spell them --problems, --kernels; --print-params is
 * run's), RUN_HEAD before and RUN_TAIL after the RMSProp rows everywhere. */
#define RUN_OPTIONS(X) \
    X(PROBLEM, "problem", required_argument, "P", RUN_FIRST, \
      "a problem of `rmsbench list problems` (required)") \
    X(KERNEL, "kernel", required_argument, "K", RUN_FIRST, \
      "auto (default; RMS_KERNEL overrides), or a kernel of\n`rmsbench list kernels`; ref64 runs in double") \
    X(PRESET, "preset", required_argument, "NAME", RUN_HEAD, \
      "seed (default), or any row of `rmsbench list presets`;\nthe options below override the preset one by one") \
    X(STEPS, "steps", required_argument, "N", RUN_TAIL, \
      "steps (default: the problem's own run length)") \
    X(EPOCHS, "epochs", required_argument, "N", RUN_TAIL, \
      "epochs, for problems that have mini-batch epochs") \
    X(SEED, "seed", required_argument, "S", RUN_TAIL, \
      "seed of the problem's start point and data (default 1)") \
    X(DIM, "dim", required_argument, "N", RUN_TAIL, \
      "dimension, for problems that allow it (1000, 1e6, 2^20)") \
    X(EVERY, "every", required_argument, "K", RUN_TAIL, \
      "sample the curve every K steps (default: ~50 points)") \
    X(DB, "db", required_argument, "FILE", RUN_TAIL, \
      "results database (default results/rmsbench.db)") \
    X(NO_DB, "no-db", no_argument, NULL, RUN_TAIL, "record nothing") \
    X(THREADS, "threads", required_argument, "N", RUN_TAIL, \
      "BLAS and OpenMP threads of a run (default 1: sweeps run\none process per core; peers are timed on one thread)") \
    X(PRINT_PARAMS, "print-params", no_argument, NULL, RUN_LAST, \
      "print the final parameters, one per line (%.17g) on\nstdout; the summary line then goes to stderr")

enum run_option_part { RUN_FIRST, RUN_HEAD, RUN_TAIL, RUN_LAST };

/* getopt_long ids (above any short option): run's own options, then the
 * RMSProp options of rms_options.def in table order, two ids each:
 * OPT_RMS(RMS_OPT_lr) for --lr, OPT_RMS_NEG(...) for a negation such as
 * --no-eps-in-sqrt. */
#define RUN_OPTION_ID(id, name, has, arg, part, help) OPT_##id,
enum opt_id {
    OPT_RUN_BEFORE = 255,
    RUN_OPTIONS(RUN_OPTION_ID)
    OPT_RMS_FIRST,
    OPT_LAST_SHARED = OPT_RMS_FIRST + 2 * RMS_OPT_COUNT
};
#undef RUN_OPTION_ID
#define OPT_RMS(id)     (OPT_RMS_FIRST + 2 * (id))
#define OPT_RMS_NEG(id) (OPT_RMS_FIRST + 2 * (id) + 1)

/* Bit of run_opts.set for option row id (RMS_OPT_lr, ...): set explicitly,
 * so it overrides the preset. */
#define CONFIG_SET(id) ((uint64_t)1 << (id))

#define CONFIG_STEPS_MAX 1000000000000L   /* 1e12 */
#define CONFIG_DIM_MAX   ((size_t)1 << 40)
#define CONFIG_CURVE_MAX 10000000L        /* curve points kept in memory */

typedef struct run_opts {
    const char *problem, *kernel, *preset;   /* NULL: unset */
    rms_cfg over;                            /* explicit values ... */
    uint64_t set;                            /* ... and which: CONFIG_SET bits */
    long steps, epochs, every;               /* 0: unset / automatic */
    uint64_t seed;
    size_t dim;                              /* 0: the problem's default */
    const char *db;                          /* NULL: RMS_DB_DEFAULT */
    int no_db, print_params;
    int threads;                             /* BLAS/OpenMP threads, default 1 */
} run_opts;

typedef struct run_config {
    const problem_def *problem;
    const rms_kernel *kernel;
    const rms_preset *preset;
    rms_cfg cfg;
    size_t dim;
    uint64_t seed;
    long steps, epochs, every;   /* steps 0 with epochs: set at run time */
    int threads;             /* BLAS and OpenMP threads (hashed when > 1) */
    rms_lp_opts lp;          /* cfg's state options and the seed (f32: rms.h kernels) */
    rms_lp_fn lp_fn;         /* its step for this kernel; NULL for f32 */
    char text[768];          /* canonical text: what the hash covers */
    char hash[17];           /* XXH3_64bits of text, 16 hex digits */
} run_config;

/* The long options both run and sweep accept (terminated by a zero row),
 * built once from the fixed options and rms_options.def. */
const struct option *config_long_options(void);

void run_opts_init(run_opts *o);

/* Apply one option (id from enum opt_id; arg NULL for flags).  0, or -1 with
 * a one-line message naming the option and the bad value. */
int config_set(run_opts *o, int id, const char *arg, char *err, size_t errlen);

/* Apply the RMSProp option of row opt (negated: its --no- form, flags only)
 * with arg (NULL for a flag) to o->over and mark it set.  0, or -1 with
 * "--flag: bad value 'x' (why)".  A generic parser calls this per row. */
int config_set_opt(run_opts *o, const rms_opt *opt, int negated, const char *arg,
                   char *err, size_t errlen);

/* Resolve opts into a config: problem, kernel (auto/RMS_KERNEL), preset,
 * overrides, steps (--epochs or the problem's default), curve interval,
 * rms_cfg_validate, canonical text and hash.  0, or -1 with message, or
 * CONFIG_REFUSED_PAIR (with message) when every option is valid alone but
 * a rule joining two refuses them (a sweep leaves such a point out). */
#define CONFIG_REFUSED_PAIR (-2)
int config_resolve(const run_opts *o, run_config *rc, char *err, size_t errlen);

/* Default curve interval for a run of this many steps. */
long config_auto_every(long steps);

/* The config as a JSON object text (malloc'd; free()). */
char *config_json(const run_config *rc);

/* Help text for the shared options (RUN_HEAD, the RMSProp rows, RUN_TAIL). */
const char *config_options_help(void);

/* The help lines of the rows of one part of RUN_OPTIONS. */
void config_part_help(FILE *f, enum run_option_part part);

#endif
