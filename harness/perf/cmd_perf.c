/* cmd_perf.c -- `rmsbench perf`: options, the loop over kernels x sizes x
 * threads around perf_measure(), the PyTorch peer, output and recording. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "store/db.h"
#include "perf/perf.h"
#include "perf/perf_peer.h"
#include "perf/perf_profile.h"
#include "perf/perf_model.h"
#include "perf/perf_report.h"
#include "sys/bounds.h"
#include "sys/timing.h"

typedef struct perf_args {
    /* as typed (cli_parse) */
    const char *kernel_list, *size_list, *thread_list, *preset, *db_path;
    const char *profile_list, *model_list;
    const char *state_list;  /* --state f32,bf16,q8 */
    long reps, seed, state_block;
    int state_rounding;      /* index in ROUNDINGS */
    double budget_s;         /* seconds per configuration */
    int format;              /* perf_format: table, csv, json */
    int no_db, peer;         /* peer: index in PEERS */
    /* parsed from the lists */
    const rms_kernel **kernels;
    size_t nkernels;
    size_t *sizes, nsizes;
    int *threads;
    size_t nthreads;
    size_t *profile, nprofile;   /* sizes of the bandwidth profile (none: 0) */
    char **models;               /* --model names (NULL: none) */
    size_t nmodels;
    rms_state_type states[RMS_STATE_NTYPES];
    size_t nstates;
} perf_args;

static const char *const FORMATS[] = { "table", "csv", "json", NULL };
static const char *const PEERS[] = { "auto", "torch", "none", NULL };
static const char *const ROUNDINGS[] = { "nearest", "stochastic", NULL };   /* rms_rounding */

/* The state list: known names, each once, each valid with the options. */
static void parse_states(perf_args *a)
{
    size_t n;
    char **names = opt_name_list("--state", a->state_list, &n);
    for (size_t i = 0; i < n; i++) {
        int t = rms_state_parse(names[i]);
        if (t < 0)
            cli_bad("--state", names[i], "expected f32, bf16, f16 or q8");
        for (size_t j = 0; j < a->nstates; j++)
            if (a->states[j] == (rms_state_type)t)
                cli_bad("--state", names[i], "given twice");
        a->states[a->nstates++] = (rms_state_type)t;
    }
    free_list(names, n);
    /* each state with the rounding and (q8) the block, checked as run checks them */
    rms_cfg c = rms_preset_find(a->preset)->cfg;
    char err[256];
    if (a->state_block != RMS_Q8_BLOCK_DEFAULT) {   /* the block, whatever the states */
        c.state = RMS_STATE_Q8;
        c.state_block = (int)(a->state_block < INT_MAX ? a->state_block : INT_MAX);
        if (rms_cfg_validate(&c, err, sizeof err))
            cli_die("--state-block: %s", err);
    }
    for (size_t i = 0; i < a->nstates; i++) {
        c.state = (int)a->states[i];
        c.state_rounding = a->states[i] == RMS_STATE_F32 ? 0 : a->state_rounding;
        c.state_block = a->states[i] == RMS_STATE_Q8 ? (int)a->state_block : RMS_Q8_BLOCK_DEFAULT;
        if (rms_cfg_validate(&c, err, sizeof err))
            cli_die("--state: %s", err);
    }
}
enum { PEER_AUTO, PEER_TORCH, PEER_NONE };

static void parse_kernels(perf_args *a, const char *list)
{
    size_t count;
    const rms_kernel *table = rms_kernels(&count);
    a->kernels = calloc(count + 1, sizeof *a->kernels);
    if (!a->kernels)
        cli_die("out of memory");
    if (strcmp(list, "all") == 0) {
        for (size_t i = 0; i < count; i++)
            if (table[i].f32 && rms_kernel_supported(&table[i]))
                a->kernels[a->nkernels++] = &table[i];
        return;
    }
    size_t n;
    char **names = opt_name_list("--kernel", list, &n);
    free(a->kernels);
    a->kernels = calloc(n, sizeof *a->kernels);
    if (!a->kernels)
        cli_die("out of memory");
    for (size_t i = 0; i < n; i++) {
        char err[512];
        const rms_kernel *k = rms_kernel_select(names[i], err, sizeof err);
        if (!k)
            cli_die("%s", err);
        if (!k->f32)
            cli_bad("--kernel", names[i], "the double-precision reference, not a timed kernel");
        a->kernels[a->nkernels++] = k;
    }
    free_list(names, n);
}

static void parse_threads(perf_args *a, const char *list)
{
    size_t n;
    char **names = opt_name_list("--threads", list, &n);
    a->threads = calloc(n, sizeof *a->threads);
    if (!a->threads)
        cli_die("out of memory");
    for (size_t i = 0; i < n; i++)
        a->threads[i] = (int)opt_long("--threads", names[i], 1, 1024);
    a->nthreads = n;
    free_list(names, n);
}

/* The lists, the preset and the exclusive options, checked before any work. */
static void check_args(perf_args *a)
{
    if (a->no_db && a->db_path)
        cli_die("--db and --no-db exclude each other");
    if (!a->no_db && !a->db_path)
        a->db_path = RMS_DB_DEFAULT;
    if (!rms_preset_find(a->preset))
        cli_bad("--preset", a->preset, "unknown preset; see rmsbench list presets");
    if (a->profile_list && strcmp(a->profile_list, "none") != 0) {
        if (strcmp(a->profile_list, "auto") == 0) {
            if (!(a->profile = perf_profile_default_sizes(&a->nprofile)))
                cli_die("out of memory");
        } else {
            a->profile = opt_size_list("--profile", a->profile_list, &a->nprofile);
            for (size_t i = 0; i < a->nprofile; i++)
                if (a->profile[i] == 0)
                    cli_bad("--profile", a->profile_list,
                            "0 elements cannot be timed; sizes must be >= 1");
        }
    }
    if (a->model_list) {
        char path[4096];
        a->models = opt_name_list("--model", a->model_list, &a->nmodels);
        for (size_t i = 0; i < a->nmodels; i++)
            if (perf_model_path(a->models[i], path, sizeof path))
                cli_bad("--model", a->models[i], "no such shape list; see data/models/");
    }
    /* --model alone times the models, not the default sizes */
    if (!a->size_list && a->model_list)
        a->sizes = calloc(1, sizeof *a->sizes);
    else
        a->sizes = opt_size_list("--sizes", a->size_list ? a->size_list : "1e4,1e5,1e6,1e7,2^24",
                                 &a->nsizes);
    for (size_t i = 0; i < a->nsizes; i++) {
        char why[200];
        if (a->sizes[i] == 0)
            cli_bad("--sizes", a->size_list, "0 elements cannot be timed; sizes must be >= 1");
        /* theta, v, g, m, buf in float and the validation's float copies */
        if (bounds_check_memory(40.0 * (double)a->sizes[i], why, sizeof why))
            cli_die("--sizes: bad value '%zu' (%s)", a->sizes[i], why);
    }
    char defthreads[32];
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores > 1)
        snprintf(defthreads, sizeof defthreads, "1,%ld", cores);
    else
        snprintf(defthreads, sizeof defthreads, "1");
    parse_threads(a, a->thread_list ? a->thread_list : defthreads);
    parse_states(a);
    parse_kernels(a, a->kernel_list);
    if (a->nkernels == 0)
        cli_die("--kernel: no float kernel runs on this CPU");
}

static int perf_main(void *args);

static const cli_opt PERF_OPTS[] = {
    CLI_OPT_STRING("kernel", perf_args, kernel_list, "LIST", "all",
                   "comma-separated kernels, or all: every float kernel this CPU runs "
                   "(ref64 is the double oracle and is not timed)", 0),
    CLI_OPT_STRING("sizes", perf_args, size_list, "LIST", NULL,
                   "element counts, e.g. 1e4,1e5,2^24,16Mi (default 1e4,1e5,1e6,1e7,2^24; "
                   "none when --model is given)", 0),
    CLI_OPT_STRING("threads", perf_args, thread_list, "LIST", NULL,
                   "thread counts (default 1 and the number of online cores); omp gets "
                   "omp_set_num_threads(T), any other kernel runs on T contiguous 64-byte "
                   "aligned slices (threading 'split'); the roofs are split alike", 0),
    CLI_OPT_LONG("reps", perf_args, reps, "N", 1, 100000, "10",
                 "timed repetitions after one warm-up; a repetition is 2^22 element-steps "
                 "(small n: many steps back to back), fewer when the time budget says so "
                 "(then inner is smaller)"),
    CLI_OPT_STRING("preset", perf_args, preset, "NAME", "seed",
                   "the rule to time; see rmsbench list presets", 0),
    CLI_OPT_CHOICE("format", perf_args, format, FORMATS, "table",
                   "table has the CPU model in its header"),
    CLI_OPT_STRING("db", perf_args, db_path, "FILE", NULL,
                   "record the rows in FILE, one transaction (default " RMS_DB_DEFAULT ")", 0),
    CLI_OPT_FLAG("no-db", perf_args, no_db, "record nothing"),
    CLI_OPT_CHOICE("peer", perf_args, peer, PEERS, "auto",
                   "auto: also time torch.optim.RMSprop.step() with scripts/peer_torch.py "
                   "when /usr/bin/python3 imports torch, right after our kernels, and print "
                   "the speed-up table; torch: the same but an error if torch is missing; "
                   "none: no peer"),
    CLI_OPT_LONG("seed", perf_args, seed, "S", 0, 1L << 62, "1", "seed of the inputs"),
    CLI_OPT_STRING("profile", perf_args, profile_list, "P", "none",
                   "also time the memory roof alone against n (the machine's bandwidth "
                   "through L1, L2, L3 and DRAM) on each thread count: auto = 2^10 .. 2^26 "
                   "in octaves, or a list of sizes; none.  Rows go to perf_roof_profile", 0),
    CLI_OPT_STRING("model", perf_args, model_list, "LIST", NULL,
                   "time one step over every tensor of whole models: shape lists "
                   "data/models/NAME.tsv (resnet50, bert_base, gpt2_small) or paths; "
                   "rms_step_multi splits the tensors across the threads; the roof is the "
                   "memory roof over the same tensors; the peer times "
                   "torch.optim.RMSprop.step() over the same shapes.  Rows go to "
                   "perf_models", 0),
    CLI_OPT_DOUBLE("budget", perf_args, budget_s, "S", 1e-9, 86400, CLI_STR(PERF_BUDGET_S),
                   "time budget of one configuration in seconds: the steps per repetition "
                   "shrink to fit it, retries of switched-out samples stop at it; so K "
                   "kernels x S sizes x T thread counts take about K x S x T x S seconds "
                   "plus validation.  A figure the budget or the size makes unreliable is "
                   "named on stderr"),
    CLI_OPT_STRING("state", perf_args, state_list, "LIST", "f32",
                   "optimizer state precisions to time, e.g. f32,bf16,q8; a low-precision "
                   "row is labelled KERNEL/STATE, moves bytes_per_elem (f32 20, bf16/f16 16, "
                   "q8 14 + 8/block), is timed against its own roof (the same bytes, nothing "
                   "computed) and validated bit for bit against the scalar reference; a table "
                   "of speed-ups over the f32 kernel of the same width follows", 0),
    CLI_OPT_CHOICE("state-rounding", perf_args, state_rounding, ROUNDINGS, "nearest",
                   "rounding of the low-precision rows' state, as for rmsbench run"),
    CLI_OPT_LONG("state-block", perf_args, state_block, "N", 0, 1L << 30, "256",
                 "q8 block size, as for rmsbench run"),
    CLI_OPT_END
};

const cli_command cmd_perf = {
    .name = "perf", .summary = "time one step per kernel, size and thread count",
    .opts = PERF_OPTS, .args_size = sizeof(perf_args), .main = perf_main,
    .epilogue =
"Each repetition is interleaved with two roofs timed in the same run, then\n"
"the kernel is validated.\n"
"Columns: ns_per_elem is the median over reps (min, max beside it);\n"
"gbps = 20 bytes x n / median step time (read theta, v, g; write theta, v);\n"
"roof_ratio = memory-roof time / kernel time (1.0 = at the roof), the roof\n"
"being theta += g; v += g with the same 20 B/element, the fastest of a few\n"
"same-traffic loops (roof_loop: c = the compiler's, avx2x1/x4, avx512x1/x4 =\n"
"intrinsics with 1 or 4 vectors per iteration, avx2x4pf/avx512x4pf = the same\n"
"with the kernels' software prefetch, avx512nt = streaming stores) at\n"
"every vector width this CPU has, chosen per size and thread count;\n"
"compute_roof_ratio = the\n"
"same for a loop doing only the per-element sqrt, +eps and division (operands\n"
"from a 4 KiB L1 table, no stores) at the widest vector ISA of this CPU (compute_roof_isa: avx512f,\n"
"avx2 or sse2; the roof is the machine's, not the kernel's); cycles_per_elem =\n"
"ns_per_elem x core GHz, the core clock measured at start by timing a chain of\n"
"dependent integer adds (1 cycle each) against CLOCK_MONOTONIC (not the TSC,\n"
"which ticks at a fixed rate).\n"
"A sample during which the process was switched out (an involuntary context\n"
"switch, getrusage) is timed again, up to 3 times, else the fastest attempt\n"
"is kept; clean_reps counts the kernel samples that were not switched out.\n"
"Validation (after timing, as STREAM does): one step on fresh inputs through\n"
"the same threaded path, every element of theta and v (m, buf) compared with\n"
"ref64 in ulp against the kernel's registry tolerance.  A wrong kernel is\n"
"reported, recorded with validated = 0, and the exit status is 1.\n"
"Memory: a size whose arrays (about 40 bytes per element) do not fit in this\n"
"machine's RAM is refused before anything runs.\n"
"Exit status: 0 ok, 1 a kernel failed validation or the peer failed, 2 bad input.\n",
};

/* Every kernel x size x thread count through perf_measure, progress and
 * caveats on stderr; rows[*nrows..] filled.  1 when one failed or was wrong. */
static int measure_all(const perf_args *a, const perf_opts *o, perf_result *rows, size_t *np)
{
    char err[512];
    int status = 0;
    size_t nrows = 0, total = a->nkernels * a->nsizes * a->nthreads * a->nstates;
    perf_opts os = *o;
    for (size_t s = 0; s < a->nsizes; s++)
        for (size_t t = 0; t < a->nthreads; t++)
            for (size_t k = 0; k < a->nkernels; k++)
            for (size_t x = 0; x < a->nstates; x++) {
                os.lp = rms_lp_opts_default();
                os.lp.type = a->states[x];
                os.lp.seed = (uint64_t)a->seed;
                if (os.lp.type != RMS_STATE_F32)
                    os.lp.rounding = (rms_rounding)a->state_rounding;
                if (os.lp.type == RMS_STATE_Q8)
                    os.lp.block = (size_t)a->state_block;
                fprintf(stderr, "  [%zu/%zu] %s n=%zu threads=%d\n", nrows + 1, total,
                        perf_lp_label(a->kernels[k], os.lp.type), a->sizes[s], a->threads[t]);
                int rc = perf_measure(a->kernels[k], a->sizes[s], a->threads[t], &os,
                                      &rows[nrows], err, sizeof err);
                if (rc < 0) {
                    fprintf(stderr, "rmsbench perf: %s\n", err);
                    status = 1;
                    continue;
                }
                if (rc > 0) {
                    fprintf(stderr, "rmsbench perf: INVALID: %s\n", err);
                    status = 1;
                }
                const perf_result *r = &rows[nrows];
                if (r->budget_limited)
                    fprintf(stderr, "  %s n=%zu threads=%d: %zu steps per repetition to fit "
                            "the %.3g s budget\n", r->kernel, r->n, r->threads, r->inner,
                            a->budget_s);
                if (r->caveat)
                    fprintf(stderr, "  %s n=%zu threads=%d: not a meaningful figure: %s\n",
                            r->kernel, r->n, r->threads, r->caveat);
                nrows++;
            }
    *np = nrows;
    return status;
}

/* Every --model x kernel x thread count, then the peer on each model.  The
 * models stay loaded until the end (the rows point at their names).  1 when
 * something failed or did not validate (said on stderr). */
static int models_run(const perf_args *a, const perf_opts *o, perf_model *models,
                      perf_model_result **rows, size_t *nrows, size_t *nours)
{
    int status = 0;
    char err[512], path[4096];
    size_t total = a->nmodels * a->nkernels * a->nthreads;
    *rows = calloc(total ? total : 1, sizeof **rows);
    if (!*rows)
        cli_die("out of memory");
    for (size_t mi = 0; mi < a->nmodels; mi++) {
        perf_model_path(a->models[mi], path, sizeof path);
        if (perf_model_load(path, &models[mi], err, sizeof err)) {
            fprintf(stderr, "rmsbench perf: %s\n", err);
            status = 1;
            continue;
        }
        for (size_t t = 0; t < a->nthreads; t++)
            for (size_t k = 0; k < a->nkernels; k++) {
                fprintf(stderr, "  model %s (%zu tensors, %zu parameters) %s threads=%d\n",
                        models[mi].name, models[mi].ntensors, models[mi].params,
                        a->kernels[k]->name, a->threads[t]);
                int rc = perf_model_measure(a->kernels[k], &models[mi], a->threads[t], o,
                                            &(*rows)[*nrows], err, sizeof err);
                if (rc)
                    fprintf(stderr, "rmsbench perf: %s%s\n", rc > 0 ? "INVALID: " : "", err);
                status |= rc != 0;
                if (rc >= 0)
                    (*nrows)++;
            }
    }
    *nours = *nrows;
    for (size_t mi = 0; mi < a->nmodels && a->peer != PEER_NONE; mi++) {
        if (!models[mi].name)
            continue;
        perf_model_path(a->models[mi], path, sizeof path);
        fprintf(stderr, "  peer: torch.optim.RMSprop over model %s\n", models[mi].name);
        int rc = perf_peer_torch_model(path, &models[mi], a->threads, a->nthreads,
                                       (int)a->reps, a->preset, rows, nrows, err, sizeof err);
        if (rc) {
            fprintf(stderr, "rmsbench perf: %s\n", err);
            if (rc < 0 || a->peer == PEER_TORCH)
                status = 1;
        }
    }
    return status;
}

static void free_args(const perf_args *a)
{
    free(a->kernels);
    free(a->sizes);
    free(a->threads);
    free(a->profile);
    if (a->models)
        free_list(a->models, a->nmodels);
}

/* The bandwidth profile of --profile.  1 when it could not run. */
static int profile_run(const perf_args *a, perf_profile_point **prof, size_t *nprof)
{
    char err[512];
    if (!a->nprofile)
        return 0;
    fprintf(stderr, "  bandwidth profile: memory roof at %zu sizes x %zu thread counts\n",
            a->nprofile, a->nthreads);
    if (perf_profile(a->profile, a->nprofile, a->threads, a->nthreads, 3, prof, nprof, err,
                     sizeof err)) {
        fprintf(stderr, "rmsbench perf: %s\n", err);
        return 1;
    }
    return 0;
}

static int perf_main(void *args)
{
    perf_args *ap = args;
    check_args(ap);
    const perf_args a = *ap;
    char err[512];
    sqlite3 *db = NULL;
    /* open (and create/migrate) before timing: a bad --db costs nothing */
    if (a.db_path && !(db = db_open(a.db_path, DB_RW, err, sizeof err)))
        cli_die("%s", err);

    perf_header h;
    machine_collect(&h.machine);
    h.clock_ghz = timing_core_ghz();
    h.preset = a.preset;
    h.reps = (int)a.reps;
    perf_opts o = { .reps = (int)a.reps, .cfg = rms_preset_find(a.preset)->cfg,
                    .clock_ghz = h.clock_ghz, .seed = (unsigned long)a.seed,
                    .budget_s = a.budget_s };

    size_t total = a.nkernels * a.nsizes * a.nthreads * a.nstates, nrows = 0;
    perf_result *rows = calloc(total ? total : 1, sizeof *rows);
    if (!rows)
        cli_die("out of memory");
    fprintf(stderr, "rmsbench perf: %s, core clock %.3g GHz, %zu configurations, "
            "budget %.3g s each\n", h.machine.cpu_model, h.clock_ghz, total, a.budget_s);
    int status = measure_all(&a, &o, rows, &nrows);
    size_t nours = nrows;
    if (a.peer != PEER_NONE && nrows) {
        fprintf(stderr, "  peer: torch.optim.RMSprop on the same sizes and threads\n");
        int rc = perf_peer_torch(a.sizes, a.nsizes, a.threads, a.nthreads, (int)a.reps,
                                 a.preset, &rows, &nrows, err, sizeof err);
        if (rc != 0) {
            fprintf(stderr, "rmsbench perf: %s\n", err);
            if (rc < 0 || a.peer == PEER_TORCH)
                status = 1;
        }
    }
    perf_model *models = calloc(a.nmodels ? a.nmodels : 1, sizeof *models);
    perf_model_result *mrows = NULL;
    size_t nmrows = 0, nmours = 0;
    if (!models)
        cli_die("out of memory");
    status |= models_run(&a, &o, models, &mrows, &nmrows, &nmours);
    perf_profile_point *prof = NULL;
    size_t nprof = 0;
    status |= profile_run(&a, &prof, &nprof);
    if (nrows || !a.nmodels)
        perf_print(stdout, a.format, &h, rows, nrows);
    /* CSV and JSON stay machine-readable: the summaries go to stderr there */
    perf_print_thread_scaling(a.format == PERF_TABLE ? stdout : stderr, rows, nrows);
    perf_print_peer_ratios(a.format == PERF_TABLE ? stdout : stderr, rows, nrows);
    perf_print_state_ratios(a.format == PERF_TABLE ? stdout : stderr, rows, nrows);
    perf_profile_print(a.format == PERF_TABLE ? stdout : stderr, prof, nprof);
    perf_model_print(a.format == PERF_TABLE ? stdout : stderr, mrows, nmrows);
    if (db) {
        if (perf_record(db, a.preset, rows, nrows, err, sizeof err)) {
            fprintf(stderr, "rmsbench perf: %s\n", err);
            status = 1;
        }
        if (perf_model_record(db, a.preset, mrows, nmrows, err, sizeof err) ||
            perf_profile_record(db, prof, nprof, err, sizeof err)) {
            fprintf(stderr, "rmsbench perf: %s\n", err);
            status = 1;
        }
        db_close(db);
    }
    perf_peer_free(rows + nours, nrows - nours);
    free(rows);
    free_args(&a);
    free(prof);
    perf_peer_model_free(mrows + nmours, nmrows - nmours);
    free(mrows);
    for (size_t i = 0; i < a.nmodels; i++)
        perf_model_free(&models[i]);
    free(models);
    return status;
}
