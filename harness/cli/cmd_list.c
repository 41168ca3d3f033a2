/* cmd_list.c -- rmsbench list [kernels|problems|presets] */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "problem.h"
#include "rms.h"
#include "rms_lp.h"
#include "rms_opt.h"

static void list_kernels(void)
{
    size_t n;
    const rms_kernel *k = rms_kernels(&n);
    char need[64], have[64];
    printf("%-11s %-9s %-20s %-4s %s\n", "kernel", "runs here", "needs", "ulp", "description");
    for (size_t i = 0; i < n; i++)
        printf("%-11s %-9s %-20s %-4d %s\n", k[i].name,
               rms_kernel_supported(&k[i]) ? "yes" : "no",
               rms_isa_names(k[i].isa, need, sizeof need), k[i].ulp_tol, k[i].desc);
    size_t nlp;
    const rms_lp_version *lp = rms_lp_versions(&nlp);
    printf("\nlow-precision state (--state bf16, f16, q8): its own step for\n");
    for (size_t i = 0; i + 1 < nlp; i++)   /* the last row is ref: every other kernel */
        printf("  %-11s %-9s %s\n", lp[i].kernel,
               (rms_cpu_isa() & lp[i].isa) == lp[i].isa ? "yes" : "no",
               rms_isa_names(lp[i].isa, need, sizeof need));
    printf("  (omp: the best of these per thread; other float kernels: the scalar reference)\n");
    printf("\nthis CPU: %s; auto picks: ", rms_isa_names(rms_cpu_isa(), have, sizeof have));
    char err[256];
    const rms_kernel *a = rms_kernel_select("auto", err, sizeof err);
    printf("%s\n", a ? a->name : err);
    size_t forced;
    int env = rms_omp_min_n_env(&forced);
    size_t min_n = rms_omp_min_n();
    if (env != 1 && min_n == (size_t)-1)
        printf("omp: 1 thread (OMP_NUM_THREADS or one core), so it never splits a step\n");
    else
        printf("omp: splits a step across its threads from n = %zu (%s)\n", min_n,
               env == 1 ? "RMS_OMP_MIN_N" : "measured now: twice the cost of a parallel region");
}

static void list_problems(void)
{
    size_t n;
    const problem_def *const *p = problem_defs(&n);
    printf("%-16s %9s %-5s %-10s %s\n", "problem", "dim", "dim?", "target", "description");
    for (size_t i = 0; i < n; i++)
        printf("%-16s %9zu %-5s %-10g %s\n", p[i]->name, p[i]->dim_default,
               p[i]->dim_settable ? "--dim" : "fixed", p[i]->target, p[i]->desc);
}

/* One block per preset: every option of the table with its label (so a
 * preset reads as a complete config), then the library's own formula and
 * where it was read. */
static void list_presets(void)
{
    size_t n, nopt;
    const rms_preset *p = rms_presets(&n);
    const rms_opt *o = rms_opts(&nopt);
    for (size_t i = 0; i < n; i++) {
        printf("%s%-6s %s\n", i ? "\n" : "", p[i].name, p[i].library);
        int col = 0;
        for (size_t k = 0; k < nopt; k++) {
            char val[64], item[160];
            rms_opt_show(&p[i].cfg, &o[k], val, sizeof val);
            int w = snprintf(item, sizeof item, "%s %s", o[k].label, val);
            if (col && col + 2 + w > 78) {
                printf(",\n");
                col = 0;
            }
            col += printf("%s%s", col ? ", " : "  ", item);
        }
        printf("\n  formula: %s\n  source:  %s\n", p[i].formula, p[i].source);
    }
    printf("\nrmsbench clamps v - m^2 at 0 in the centered rule (the libraries do not);\n"
           "details and the other deliberate differences: docs/presets.md\n");
}

typedef struct list_args { char **what; } list_args;

static int list_main(void *args)
{
    const char *what = ((list_args *)args)->what[0] ? ((list_args *)args)->what[0] : "all";
    int all = !strcmp(what, "all");
    if (!all && strcmp(what, "kernels") && strcmp(what, "problems") && strcmp(what, "presets"))
        cli_die("unknown list '%s' (kernels, problems or presets)", what);
    if (all || !strcmp(what, "kernels"))
        list_kernels();
    if (all)
        printf("\n");
    if (all || !strcmp(what, "problems"))
        list_problems();
    if (all)
        printf("\n");
    if (all || !strcmp(what, "presets"))
        list_presets();
    return 0;
}

static const cli_opt LIST_OPTS[] = { CLI_OPT_END };

const cli_command cmd_list = {
    .name = "list", .summary = "list kernels, problems or presets",
    .opts = LIST_OPTS, .args_size = sizeof(list_args),
    .operands = "[kernels|problems|presets]", .max_operands = 1,
    .operand_field = CLI_FIELD(list_args, what, char **),
    .main = list_main,
    .epilogue =
        "Without an argument lists all three.  Kernels show whether this CPU\n"
        "can run them, the ISA they need and their ulp tolerance against ref64.\n"
        "Presets show every option, the library's formula and its source\n"
        "(docs/presets.md); any option given to `rmsbench run` overrides them.\n",
};
