/* cmd_check.c -- rmsbench check: every float kernel this CPU runs against
 * ref64, per element per step, over sizes x alignments x option
 * combinations; a table of the worst ulp per kernel and size; exit 1 when a
 * kernel exceeds its registry tolerance.  The measure is rms_check.h's. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "rms.h"
#include "rms_check.h"

#define MAX_COMBOS 256
/* above this size only the brief combination set runs (all 240 x big n
 * would take minutes, and the option code paths are the same) */
#define FULL_COMBOS_MAX_N 4096

static void pick_kernels(const char *list, const rms_kernel ***out, size_t *count)
{
    char err[256];
    size_t n;
    const rms_kernel *t = rms_kernels(&n);
    const rms_kernel **sel = calloc(n + 1, sizeof *sel);
    if (!sel)
        cli_die("out of memory");
    size_t used = 0;
    if (!list && getenv("RMS_KERNEL") && *getenv("RMS_KERNEL")) {
        const rms_kernel *k = rms_kernel_select(NULL, err, sizeof err);
        if (!k)
            cli_die("%s", err);
        sel[used++] = k;
    } else if (!list) {
        for (size_t i = 0; i < n; i++)
            if (t[i].f32)
                sel[used++] = &t[i];   /* unsupported ones are listed as skipped */
    } else {
        size_t m;
        char **names = opt_name_list("--kernel", list, &m);
        const rms_kernel **grown = realloc(sel, (m + 1) * sizeof *sel);
        if (!grown)
            cli_die("out of memory");
        sel = grown;
        for (size_t i = 0; i < m; i++) {
            const rms_kernel *k = rms_kernel_select(names[i], err, sizeof err);
            if (!k)
                cli_die("%s", err);
            if (!k->f32)
                cli_bad("--kernel", names[i], "the reference every kernel is checked against");
            sel[used++] = k;
        }
        free_list(names, m);
    }
    *out = sel;
    *count = used;
}

typedef struct check_args {
    const char *kernels, *sizes, *preset;
    long steps, seed;
    double tolerance;   /* < 0: each kernel's registry tolerance */
} check_args;

static void check_init(void *args) { ((check_args *)args)->tolerance = -1.0; }

static int check_main(void *args);

static const cli_opt CHECK_OPTS[] = {
    CLI_OPT_STRING("kernel", check_args, kernels, "LIST", NULL,
                   "comma-separated kernel names (default: all, or the one RMS_KERNEL names)",
                   0),
    CLI_OPT_LONG("steps", check_args, steps, "N", 1, 1000000, "20", "steps per run"),
    CLI_OPT_STRING("sizes", check_args, sizes, "LIST", "0,1,7,8,9,15,16,17,31,33,1031,65537",
                   "sizes, e.g. 0,7,1031,2^20", 0),
    CLI_OPT_LONG("seed", check_args, seed, "S", 0, LONG_MAX, "1", "random seed"),
    CLI_OPT_STRING("preset", check_args, preset, "NAME", "seed",
                   "base hyperparameters (seed: lr 1e-3, beta 0.9, eps 1e-8)", 0),
    CLI_OPT_DOUBLE("tolerance", check_args, tolerance, "ULP", 0.0, 1e30, NULL,
                   "judge every kernel by this instead of its registry tolerance"),
    CLI_OPT_END
};

const cli_command cmd_check = {
    .name = "check", .summary = "check every kernel this CPU runs against ref64",
    .opts = CHECK_OPTS, .args_size = sizeof(check_args), .init = check_init,
    .main = check_main,
    .epilogue =
        "Runs every float kernel this CPU can run (or those in LIST, or the one\n"
        "RMS_KERNEL names) against the double reference ref64: each step both get\n"
        "the same inputs and every output element (theta, v, m, buf) is compared,\n"
        "as error in float ulp at max(|new|, |old|).  Sizes up to 4096 run all 240\n"
        "option combinations, larger sizes a brief set that turns every option on\n"
        "once; each at offset 0 and 1 element (misaligned).\n\n"
        "Exit status: 0 all within tolerance, 1 a kernel exceeded its tolerance,\n"
        "2 bad input.  Kernels this CPU cannot run are listed as skipped;\n"
        "RMS_CPU_DISABLE=avx512f,avx2,... hides ISA features to try the fallbacks.\n",
};

/* The option combinations of the preset: all of them for small n, the
 * brief set above FULL_COMBOS_MAX_N. */
typedef struct combos {
    rms_cfg full[MAX_COMBOS], brief[MAX_COMBOS];
    char full_lab[MAX_COMBOS][RMS_COMBO_LABEL], brief_lab[MAX_COMBOS][RMS_COMBO_LABEL];
    size_t nfull, nbrief;
} combos;

/* One kernel's row: the worst ulp per size, the overall worst and the
 * verdict (and where the worst case was, when it fails).  1 when within tol. */
static int check_kernel(const rms_kernel *k, double tol, const combos *cb, const size_t *sizes,
                        size_t nsizes, long steps, long seed)
{
    double overall = 0.0;
    char where[512] = "";
    printf("%-8s %4g", k->name, tol);
    fflush(stdout);
    for (size_t j = 0; j < nsizes; j++) {
        int all = sizes[j] <= FULL_COMBOS_MAX_N;
        size_t nc = all ? cb->nfull : cb->nbrief;
        const rms_cfg *cs = all ? cb->full : cb->brief;
        const char (*labs)[RMS_COMBO_LABEL] = all ? cb->full_lab : cb->brief_lab;
        double worst = 0.0;
        for (size_t ci = 0; ci < nc; ci++)
            for (size_t off = 0; off < 2; off++) {
                rms_diff d;
                uint64_t s = (uint64_t)seed * 1000003u + ci * 7919u + off;
                if (rms_diff_run(k, &cs[ci], sizes[j], off, steps, s, &d))
                    cli_die("out of memory at n = %zu", sizes[j]);
                if (d.guard_broken) {
                    d.worst_ulp = INFINITY;
                    d.array = "outside n (guard)";
                }
                worst = fmax(worst, d.worst_ulp);
                if (d.worst_ulp > overall || !where[0]) {
                    overall = fmax(overall, d.worst_ulp);
                    snprintf(where, sizeof where,
                             "%.15s n=%zu offset=%zu %.63s step %ld %.20s[%zu]: got %.9g want %.17g (%.3g ulp)",
                             k->name, sizes[j], off, labs[ci], d.step, d.array,
                             d.index, (double)d.got, d.want, d.worst_ulp);
                }
            }
        printf(" %9.3g", worst);
        fflush(stdout);
    }
    int ok = overall <= tol;
    printf(" %9.3g  %s\n", overall, ok ? "ok" : "MISMATCH");
    if (!ok || getenv("RMS_CHECK_VERBOSE"))
        printf("    worst: %s\n", where);
    return ok;
}

static int check_main(void *args)
{
    const check_args *a = args;
    const rms_preset *pr = rms_preset_find(a->preset);
    if (!pr)
        cli_bad("--preset", a->preset, "unknown preset; see rmsbench list presets");
    size_t nsizes;
    size_t *sizes = opt_size_list("--sizes", a->sizes, &nsizes);
    const rms_kernel **ks;
    size_t nk;
    pick_kernels(a->kernels, &ks, &nk);

    static combos cb;
    cb.nfull = rms_option_combos(&pr->cfg, cb.full, cb.full_lab, MAX_COMBOS);
    cb.nbrief = rms_option_combos_brief(&pr->cfg, cb.brief, cb.brief_lab, MAX_COMBOS);
    char isa[96];
    printf("check: float kernels vs ref64, preset %s, %ld steps, seed %ld, offsets 0 and 1,\n"
           "%zu option combinations for n <= %d, %zu above; CPU ISA: %s\n"
           "worst error per element per step, in float ulp of max(|new|, |old|)\n\n",
           pr->name, a->steps, a->seed, cb.nfull, FULL_COMBOS_MAX_N, cb.nbrief,
           rms_isa_names(rms_cpu_isa(), isa, sizeof isa));
    printf("%-8s %4s", "kernel", "tol");
    for (size_t j = 0; j < nsizes; j++) {
        char h[32];
        snprintf(h, sizeof h, "n=%zu", sizes[j]);
        printf(" %9s", h);
    }
    printf(" %9s  %s\n", "worst", "result");

    int bad = 0;
    for (size_t i = 0; i < nk; i++) {
        const rms_kernel *k = ks[i];
        if (!rms_kernel_supported(k)) {
            char need[64];
            printf("%-8s %4d  skipped: this CPU lacks %s\n", k->name, k->ulp_tol,
                   rms_isa_names(k->isa & ~rms_cpu_isa(), need, sizeof need));
            continue;
        }
        double tol = a->tolerance >= 0.0 ? a->tolerance : (double)k->ulp_tol;
        bad |= !check_kernel(k, tol, &cb, sizes, nsizes, a->steps, a->seed);
    }
    free(sizes);
    free(ks);
    printf("\n%s\n", bad ? "check: FAILED (a kernel exceeds its tolerance)" : "check: all kernels within tolerance");
    return bad ? 1 : 0;
}
