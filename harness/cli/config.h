/* config.h -- the options of `rmsbench run` (shared with sweep): parsed into
 * run_opts exactly as typed, then resolved into one run_config (names looked
 * up, preset applied, explicit options laid over it, validated, hashed).
 * Nothing here exits or touches the database, so the fuzz target can drive
 * it and the commands can validate everything before opening a file. */
#ifndef CONFIG_H
#define CONFIG_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include "problem.h"
#include "rms.h"
#include "rms_lp.h"

/* getopt_long ids of the shared options (values above any short option). */
enum opt_id {
    OPT_PROBLEM = 256, OPT_KERNEL, OPT_PRESET, OPT_LR, OPT_BETA, OPT_EPS,
    OPT_V0, OPT_MOMENTUM, OPT_CENTERED, OPT_NESTEROV, OPT_LR_IN_MOMENTUM,
    OPT_NO_LR_IN_MOMENTUM, OPT_WEIGHT_DECAY, OPT_WD_MODE, OPT_EPS_IN_SQRT,
    OPT_BIAS_CORRECTION, OPT_MAXIMIZE, OPT_STEPS, OPT_EPOCHS, OPT_SEED, OPT_DIM,
    OPT_EVERY, OPT_DB, OPT_NO_DB, OPT_PRINT_PARAMS, OPT_THREADS, OPT_NO_EPS_IN_SQRT,
    OPT_STATE, OPT_STATE_ROUNDING, OPT_STATE_BLOCK, OPT_LAST_SHARED
};

/* Which rms_cfg fields the user set explicitly (they override the preset). */
enum {
    SET_LR = 1u << 0, SET_BETA = 1u << 1, SET_EPS = 1u << 2, SET_V0 = 1u << 3,
    SET_MOMENTUM = 1u << 4, SET_WD = 1u << 5, SET_EPS_IN_SQRT = 1u << 6,
    SET_CENTERED = 1u << 7, SET_LR_IN_MOMENTUM = 1u << 8, SET_NESTEROV = 1u << 9,
    SET_WD_MODE = 1u << 10, SET_BIAS_CORRECTION = 1u << 11, SET_MAXIMIZE = 1u << 12
};

#define CONFIG_STEPS_MAX 1000000000000L   /* 1e12 */
#define CONFIG_DIM_MAX   ((size_t)1 << 40)
#define CONFIG_CURVE_MAX 10000000L        /* curve points kept in memory */

typedef struct run_opts {
    const char *problem, *kernel, *preset;   /* NULL: unset */
    rms_cfg over;                            /* explicit values ... */
    unsigned set;                            /* ... and which are set */
    long steps, epochs, every;               /* 0: unset / automatic */
    uint64_t seed;
    size_t dim;                              /* 0: the problem's default */
    const char *db;                          /* NULL: RMS_DB_DEFAULT */
    int no_db, print_params;
    int threads;                             /* BLAS/OpenMP threads, default 1 */
    rms_lp_opts lp;                          /* --state, --state-rounding, --state-block */
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
    rms_lp_opts lp;          /* optimizer state precision (f32: rms.h kernels) */
    rms_lp_fn lp_fn;         /* its step for this kernel; NULL for f32 */
    char text[768];          /* canonical text: what the hash covers */
    char hash[17];           /* XXH3_64bits of text, 16 hex digits */
} run_config;

/* The long options both run and sweep accept (terminated by a zero row). */
extern const struct option config_long_options[];

void run_opts_init(run_opts *o);

/* Apply one option (id from enum opt_id; arg NULL for flags).  0, or -1 with
 * a one-line message naming the option and the bad value. */
int config_set(run_opts *o, int id, const char *arg, char *err, size_t errlen);

/* Resolve opts into a config: problem, kernel (auto/RMS_KERNEL), preset,
 * overrides, steps (--epochs or the problem's default), curve interval,
 * rms_cfg_validate, canonical text and hash.  0, or -1 with message. */
int config_resolve(const run_opts *o, run_config *rc, char *err, size_t errlen);

/* Default curve interval for a run of this many steps. */
long config_auto_every(long steps);

/* The config as a JSON object text (malloc'd; free()). */
char *config_json(const run_config *rc);

/* Help text for the shared options. */
extern const char config_options_help[];

#endif
