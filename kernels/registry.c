/* registry.c -- the one table of kernels and the one dispatch point.
 * Adding a kernel: one file and one row here.  Order is priority for "auto". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms.h"

static const rms_kernel KERNELS[] = {
    /* name     f32               f64             needs            ulp  description */
    { "fused",  rms_step_fused,   NULL,           RMS_ISA_NONE,    4,
      "one pass, scalar C vectorised by the compiler" },
    { "ref64",  NULL,             rms_step_ref64, RMS_ISA_NONE,    0,
      "double-precision reference (the oracle; proved with Frama-C)" },
};

const rms_kernel *rms_kernels(size_t *count)
{
    *count = sizeof KERNELS / sizeof KERNELS[0];
    return KERNELS;
}

int rms_kernel_supported(const rms_kernel *k)
{
    return (rms_cpu_isa() & k->isa) == k->isa;
}

const rms_kernel *rms_kernel_find(const char *name)
{
    size_t n;
    const rms_kernel *t = rms_kernels(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}

const rms_kernel *rms_kernel_select(const char *name, char *err, size_t len)
{
    size_t n;
    const rms_kernel *t = rms_kernels(&n);
    const char *src = "--kernel";
    if (!name || strcmp(name, "auto") == 0) {
        const char *env = getenv("RMS_KERNEL");
        if (env && *env && strcmp(env, "auto") != 0) {
            name = env;
            src = "RMS_KERNEL";
        } else {
            for (size_t i = 0; i < n; i++)
                if (t[i].f32 && rms_kernel_supported(&t[i]))
                    return &t[i];
            snprintf(err, len, "no float kernel runs on this CPU");
            return NULL;
        }
    }
    const rms_kernel *k = rms_kernel_find(name);
    if (!k) {
        char names[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < n; i++)
            used += (size_t)snprintf(names + used, used < sizeof names ? sizeof names - used : 0,
                                     "%s%s", i ? ", " : "", t[i].name);
        snprintf(err, len, "%s: unknown kernel '%s' (known: auto, %s)", src, name, names);
        return NULL;
    }
    if (!rms_kernel_supported(k)) {
        char need[64], have[64];
        snprintf(err, len, "%s: kernel '%s' needs %s but this CPU has %s", src, name,
                 rms_isa_names(k->isa, need, sizeof need),
                 rms_isa_names(rms_cpu_isa(), have, sizeof have));
        return NULL;
    }
    return k;
}
