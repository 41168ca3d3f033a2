/* cmd_check.c -- rmsbench check: every float kernel this CPU runs against
 * ref64, per element per step, over sizes x alignments x option
 * combinations; a table of the worst ulp per kernel and size; exit 1 when a
 * kernel exceeds its registry tolerance.  The measure is rms_check.h's. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "rms.h"
#include "rms_check.h"

#define MAX_COMBOS 256
/* above this size only the brief combination set runs (all 240 x big n
 * would take minutes, and the option code paths are the same) */
#define FULL_COMBOS_MAX_N 4096

static const char USAGE[] =
    "usage: rmsbench check [--kernel LIST] [--steps N] [--sizes LIST] [--seed S]\n"
    "                      [--preset NAME] [--tolerance ULP]\n\n"
    "Runs every float kernel this CPU can run (or those in LIST, or the one\n"
    "RMS_KERNEL names) against the double reference ref64: each step both get\n"
    "the same inputs and every output element (theta, v, m, buf) is compared,\n"
    "as error in float ulp at max(|new|, |old|).  Sizes up to 4096 run all 240\n"
    "option combinations, larger sizes a brief set that turns every option on\n"
    "once; each at offset 0 and 1 element (misaligned).\n\n"
    "  --kernel LIST   comma-separated kernel names (default: all)\n"
    "  --steps N       steps per run (default 20)\n"
    "  --sizes LIST    sizes, e.g. 0,7,1031,2^20 (default 0,1,7,8,9,15,16,17,31,33,1031,65537)\n"
    "  --seed S        random seed (default 1)\n"
    "  --preset NAME   base hyperparameters (default seed: lr 1e-3, beta 0.9, eps 1e-8)\n"
    "  --tolerance ULP judge every kernel by this instead of its registry tolerance\n\n"
    "Exit status: 0 all within tolerance, 1 a kernel exceeded its tolerance,\n"
    "2 bad input.  Kernels this CPU cannot run are listed as skipped;\n"
    "RMS_CPU_DISABLE=avx512f,avx2,... hides ISA features to try the fallbacks.\n";

typedef struct {
    const rms_kernel *k;
    double *worst;   /* per size */
    double overall;
    char where[256]; /* the worst case, for the report line */
} kernel_row;

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
                cli_die("--kernel: '%s' is the reference every kernel is checked against", names[i]);
            sel[used++] = k;
        }
        free_list(names, m);
    }
    *out = sel;
    *count = used;
}

int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "kernel", required_argument, 0, 'k' }, { "steps", required_argument, 0, 's' },
        { "sizes", required_argument, 0, 'n' },  { "seed", required_argument, 0, 'r' },
        { "preset", required_argument, 0, 'p' }, { "tolerance", required_argument, 0, 't' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *klist = NULL, *preset = "seed";
    long steps = 20, seed = 1;
    double tol_override = -1.0;
    size_t nsizes = 0, *sizes = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'k': klist = optarg; break;
        case 's': steps = opt_long("--steps", optarg, 1, 1000000); break;
        case 'n': free(sizes); sizes = opt_size_list("--sizes", optarg, &nsizes); break;
        case 'r': seed = opt_long("--seed", optarg, 0, 0x7fffffffffffffffL); break;
        case 'p': preset = optarg; break;
        case 't': tol_override = opt_double("--tolerance", optarg, 0.0, 1e30); break;
        case 'h': printf("%s", USAGE); return 0;
        default: return 2;
        }
    }
    if (optind < argc)
        cli_die("unexpected argument '%s'", argv[optind]);
    const rms_preset *pr = rms_preset_find(preset);
    if (!pr)
        cli_die("--preset: unknown preset '%s' (see rmsbench list presets)", preset);
    if (!sizes) {
        static const size_t DEF[] = { 0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 1031, 65537 };
        nsizes = sizeof DEF / sizeof DEF[0];
        sizes = malloc(sizeof DEF);
        if (!sizes)
            cli_die("out of memory");
        memcpy(sizes, DEF, sizeof DEF);
    }
    const rms_kernel **ks;
    size_t nk;
    pick_kernels(klist, &ks, &nk);

    static rms_cfg full[MAX_COMBOS], brief[MAX_COMBOS];
    static char full_lab[MAX_COMBOS][RMS_COMBO_LABEL], brief_lab[MAX_COMBOS][RMS_COMBO_LABEL];
    size_t nfull = rms_option_combos(&pr->cfg, full, full_lab, MAX_COMBOS);
    size_t nbrief = rms_option_combos_brief(&pr->cfg, brief, brief_lab, MAX_COMBOS);

    char isa[96];
    printf("check: float kernels vs ref64, preset %s, %ld steps, seed %ld, offsets 0 and 1,\n"
           "%zu option combinations for n <= %d, %zu above; CPU ISA: %s\n"
           "worst error per element per step, in float ulp of max(|new|, |old|)\n\n",
           pr->name, steps, seed, nfull, FULL_COMBOS_MAX_N, nbrief,
           rms_isa_names(rms_cpu_isa(), isa, sizeof isa));
    printf("%-8s %4s", "kernel", "tol");
    for (size_t j = 0; j < nsizes; j++) {
        char h[32];
        snprintf(h, sizeof h, "n=%zu", sizes[j]);
        printf(" %9s", h);
    }
    printf(" %9s  %s\n", "worst", "result");

    int bad = 0;
    double *worst = calloc(nsizes ? nsizes : 1, sizeof *worst);
    if (!worst)
        cli_die("out of memory");
    for (size_t i = 0; i < nk; i++) {
        const rms_kernel *k = ks[i];
        if (!rms_kernel_supported(k)) {
            char need[64];
            printf("%-8s %4d  skipped: this CPU lacks %s\n", k->name, k->ulp_tol,
                   rms_isa_names(k->isa & ~rms_cpu_isa(), need, sizeof need));
            continue;
        }
        const double tol = tol_override >= 0.0 ? tol_override : (double)k->ulp_tol;
        double overall = 0.0;
        char where[512] = "";
        printf("%-8s %4g", k->name, tol);
        fflush(stdout);
        for (size_t j = 0; j < nsizes; j++) {
            int all = sizes[j] <= FULL_COMBOS_MAX_N;
            size_t nc = all ? nfull : nbrief;
            const rms_cfg *cs = all ? full : brief;
            char (*labs)[RMS_COMBO_LABEL] = all ? full_lab : brief_lab;
            worst[j] = 0.0;
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
                    if (d.worst_ulp > worst[j])
                        worst[j] = d.worst_ulp;
                    if (d.worst_ulp > overall || !where[0]) {
                        overall = fmax(overall, d.worst_ulp);
                        snprintf(where, sizeof where,
                                 "%.15s n=%zu offset=%zu %.63s step %ld %.20s[%zu]: got %.9g want %.17g (%.3g ulp)",
                                 k->name, sizes[j], off, labs[ci], d.step, d.array,
                                 d.index, (double)d.got, d.want, d.worst_ulp);
                    }
                }
            printf(" %9.3g", worst[j]);
            fflush(stdout);
        }
        int ok = overall <= tol;
        bad |= !ok;
        printf(" %9.3g  %s\n", overall, ok ? "ok" : "MISMATCH");
        if (!ok || getenv("RMS_CHECK_VERBOSE"))
            printf("    worst: %s\n", where);
    }
    free(worst);
    free(sizes);
    free(ks);
    printf("\n%s\n", bad ? "check: FAILED (a kernel exceeds its tolerance)" : "check: all kernels within tolerance");
    return bad ? 1 : 0;
}
