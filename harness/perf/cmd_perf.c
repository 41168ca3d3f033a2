/* cmd_perf.c -- `rmsbench perf`: options, the loop over kernels x sizes x
 * threads around perf_measure(), the PyTorch peer, output and recording. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli/cli.h"
#include "store/db.h"
#include "perf/perf.h"
#include "perf/perf_peer.h"
#include "perf/perf_report.h"
#include "sys/bounds.h"
#include "sys/timing.h"

static const char USAGE[] =
"usage: rmsbench perf [--kernel LIST|all] [--sizes LIST] [--threads LIST] [--reps N]\n"
"                     [--preset NAME] [--format table|csv|json] [--db FILE | --no-db]\n"
"                     [--peer auto|torch|none] [--seed S] [--budget S]\n"
"\n"
"Time one RMSProp step per kernel, size and thread count, each repetition\n"
"interleaved with two roofs timed in the same run, then validate the kernel.\n"
"\n"
"  --kernel LIST   comma-separated kernels, or all (default: every float kernel\n"
"                  this CPU runs; ref64 is the double oracle and is not timed)\n"
"  --sizes LIST    element counts, e.g. 1e4,1e5,2^24,16Mi (default 1e4,1e5,1e6,1e7,2^24)\n"
"  --threads LIST  thread counts (default 1 and the number of online cores).\n"
"                  A kernel built with OpenMP (omp) gets omp_set_num_threads(T);\n"
"                  any other kernel is run by T threads on contiguous 64-byte\n"
"                  aligned slices (threading 'split'); the roofs are split alike\n"
"  --reps N        timed repetitions after one warm-up (default 10); a repetition\n"
"                  is 2^22 element-steps (small n: many steps back to back), fewer\n"
"                  when the time budget says so (then inner is smaller)\n"
"  --budget S      time budget of one configuration in seconds (default 2): the\n"
"                  steps per repetition shrink to fit it, retries of switched-out\n"
"                  samples stop at it; so K kernels x S sizes x T thread counts\n"
"                  take about K x S x T x S seconds plus validation.  A figure the\n"
"                  budget or the size makes unreliable is named on stderr\n"
"  --preset NAME   the rule to time (default seed); see rmsbench list presets\n"
"  --format F      table (default, CPU model in the header), csv or json\n"
"  --db FILE       record rows in FILE (default " RMS_DB_DEFAULT "), one transaction\n"
"  --no-db         record nothing\n"
"  --peer P        auto (default): also time torch.optim.RMSprop.step() with\n"
"                  scripts/peer_torch.py when /usr/bin/python3 imports torch, right\n"
"                  after our kernels, and print the speed-up table; torch: the same\n"
"                  but an error if torch is missing; none: no peer\n"
"  --seed S        seed of the inputs (default 1)\n"
"\n"
"Columns: ns_per_elem is the median over reps (min, max beside it);\n"
"gbps = 20 bytes x n / median step time (read theta, v, g; write theta, v);\n"
"roof_ratio = memory-roof time / kernel time (1.0 = at the roof), the roof\n"
"being theta += g; v += g with the same 20 B/element; compute_roof_ratio = the\n"
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
"Exit status: 0 ok, 1 a kernel failed validation or the peer failed, 2 bad input.\n";

typedef struct perf_args {
    const rms_kernel **kernels;
    size_t nkernels;
    size_t *sizes, nsizes;
    int *threads;
    size_t nthreads;
    int reps;
    const char *preset;
    perf_format format;
    const char *db_path;     /* NULL: --no-db */
    const char *peer;
    unsigned long seed;
    double budget_s;
} perf_args;

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
            cli_die("--kernel: '%s' is the double-precision reference, not a timed kernel",
                    names[i]);
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

static void parse_args(perf_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        { "kernel", required_argument, NULL, 'k' }, { "sizes", required_argument, NULL, 's' },
        { "threads", required_argument, NULL, 't' }, { "reps", required_argument, NULL, 'r' },
        { "preset", required_argument, NULL, 'p' }, { "format", required_argument, NULL, 'f' },
        { "db", required_argument, NULL, 'd' }, { "no-db", no_argument, NULL, 'D' },
        { "peer", required_argument, NULL, 'P' }, { "seed", required_argument, NULL, 'S' },
        { "budget", required_argument, NULL, 'B' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
    };
    const char *kernels = "all", *sizes = "1e4,1e5,1e6,1e7,2^24", *threads = NULL;
    int no_db = 0, have_db = 0;
    memset(a, 0, sizeof *a);
    a->reps = 10;
    a->preset = "seed";
    a->format = PERF_TABLE;
    a->db_path = RMS_DB_DEFAULT;
    a->peer = "auto";
    a->seed = 1;
    a->budget_s = PERF_BUDGET_S;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': kernels = optarg; break;
        case 's': sizes = optarg; break;
        case 't': threads = optarg; break;
        case 'r': a->reps = (int)opt_long("--reps", optarg, 1, 100000); break;
        case 'p': a->preset = optarg; break;
        case 'f':
            if (strcmp(optarg, "table") == 0) a->format = PERF_TABLE;
            else if (strcmp(optarg, "csv") == 0) a->format = PERF_CSV;
            else if (strcmp(optarg, "json") == 0) a->format = PERF_JSON;
            else cli_die("--format: bad value '%s' (expected table, csv or json)", optarg);
            break;
        case 'd': a->db_path = optarg; have_db = 1; break;
        case 'D': no_db = 1; break;
        case 'P':
            if (strcmp(optarg, "auto") && strcmp(optarg, "torch") && strcmp(optarg, "none"))
                cli_die("--peer: bad value '%s' (expected auto, torch or none)", optarg);
            a->peer = optarg;
            break;
        case 'S': a->seed = (unsigned long)opt_long("--seed", optarg, 0, 1L << 62); break;
        case 'B': a->budget_s = opt_double("--budget", optarg, 1e-9, 86400); break;
        case 'h': fputs(USAGE, stdout); exit(0);
        case ':': cli_die("option '%s' needs a value", argv[optind - 1]);
        default:  cli_die("unknown option '%s' (try rmsbench perf --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        cli_die("unexpected argument '%s'", argv[optind]);
    if (no_db && have_db)
        cli_die("--db and --no-db exclude each other");
    if (no_db)
        a->db_path = NULL;
    if (!rms_preset_find(a->preset))
        cli_die("--preset: unknown preset '%s' (see rmsbench list presets)", a->preset);
    a->sizes = opt_size_list("--sizes", sizes, &a->nsizes);
    for (size_t i = 0; i < a->nsizes; i++) {
        char why[200];
        if (a->sizes[i] == 0)
            cli_die("--sizes: 0 elements cannot be timed (sizes must be >= 1)");
        /* theta, v, g, m, buf in float and the validation's float copies */
        if (bounds_check_memory(40.0 * (double)a->sizes[i], why, sizeof why))
            cli_die("--sizes: bad value '%zu' (%s)", a->sizes[i], why);
    }
    char defthreads[32];
    if (!threads) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        if (cores > 1)
            snprintf(defthreads, sizeof defthreads, "1,%ld", cores);
        else
            snprintf(defthreads, sizeof defthreads, "1");
        threads = defthreads;
    }
    parse_threads(a, threads);
    parse_kernels(a, kernels);
    if (a->nkernels == 0)
        cli_die("--kernel: no float kernel runs on this CPU");
}

int cmd_perf(int argc, char **argv)
{
    perf_args a;
    parse_args(&a, argc, argv);
    char err[512];
    sqlite3 *db = NULL;
    /* open (and create/migrate) before timing: a bad --db costs nothing */
    if (a.db_path && !(db = db_open(a.db_path, DB_RW, err, sizeof err)))
        cli_die("%s", err);

    perf_header h;
    machine_collect(&h.machine);
    h.clock_ghz = timing_core_ghz();
    h.preset = a.preset;
    h.reps = a.reps;
    perf_opts o = { .reps = a.reps, .cfg = rms_preset_find(a.preset)->cfg,
                    .clock_ghz = h.clock_ghz, .seed = a.seed, .budget_s = a.budget_s };

    size_t total = a.nkernels * a.nsizes * a.nthreads, nrows = 0;
    perf_result *rows = calloc(total ? total : 1, sizeof *rows);
    if (!rows)
        cli_die("out of memory");
    int status = 0;
    fprintf(stderr, "rmsbench perf: %s, core clock %.3g GHz, %zu configurations, "
            "budget %.3g s each\n", h.machine.cpu_model, h.clock_ghz, total, a.budget_s);
    for (size_t s = 0; s < a.nsizes; s++)
        for (size_t t = 0; t < a.nthreads; t++)
            for (size_t k = 0; k < a.nkernels; k++) {
                fprintf(stderr, "  [%zu/%zu] %s n=%zu threads=%d\n", nrows + 1, total,
                        a.kernels[k]->name, a.sizes[s], a.threads[t]);
                int rc = perf_measure(a.kernels[k], a.sizes[s], a.threads[t], &o,
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
                            a.budget_s);
                if (r->caveat)
                    fprintf(stderr, "  %s n=%zu threads=%d: not a meaningful figure: %s\n",
                            r->kernel, r->n, r->threads, r->caveat);
                nrows++;
            }
    size_t nours = nrows;
    if (strcmp(a.peer, "none") != 0) {
        fprintf(stderr, "  peer: torch.optim.RMSprop on the same sizes and threads\n");
        int rc = perf_peer_torch(a.sizes, a.nsizes, a.threads, a.nthreads, a.reps,
                                 a.preset, &rows, &nrows, err, sizeof err);
        if (rc != 0) {
            fprintf(stderr, "rmsbench perf: %s\n", err);
            if (rc < 0 || strcmp(a.peer, "torch") == 0)
                status = 1;
        }
    }
    perf_print(stdout, a.format, &h, rows, nrows);
    /* CSV and JSON stay machine-readable: the summaries go to stderr there */
    perf_print_thread_scaling(a.format == PERF_TABLE ? stdout : stderr, rows, nrows);
    perf_print_peer_ratios(a.format == PERF_TABLE ? stdout : stderr, rows, nrows);
    if (db) {
        if (perf_record(db, a.preset, rows, nrows, err, sizeof err)) {
            fprintf(stderr, "rmsbench perf: %s\n", err);
            status = 1;
        }
        db_close(db);
    }
    perf_peer_free(rows + nours, nrows - nours);
    free(rows);
    free(a.kernels);
    free(a.sizes);
    free(a.threads);
    return status;
}
