/* registry.c -- the one table of kernels and the one dispatch point.
 * Adding a kernel: one file and one row here.  Order is priority for "auto". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms.h"

/* "auto" takes the first row this CPU runs.  The SIMD kernels come before
 * omp: below omp's thread threshold (32768) omp runs the same SIMD kernel on
 * one thread, so it gains nothing for the usual problem sizes; above it, a
 * run's step is a small part of its time next to the gradient (OpenBLAS
 * threads), and sweeps run several processes on the 2 cores, so a second
 * thread team per step would oversubscribe them.  Ask for omp by name (or
 * RMS_KERNEL=omp) to spend the cores on the step, as perf does.
 * ulp: worst error allowed per element per step against ref64 on the same
 * inputs, in float ulp of max(|new|, |old|) and the step's terms
 * (kernels/rms_check.h).  Why 16: the float coefficients (0.9f, 0.1f, 1e-3f)
 * are up to 0.5 ulp off the double ones, and a relative error of k*2^-24
 * can be up to 2k ulp at the reference's exponent.  For v that bounds the
 * error by ~5 ulp (coupled decay: g_eff 1.5u, squared 3.5u, times (1-beta)
 * 4.5u, plus beta*v, sum: 5u); the step (sqrt, eps, divide, bias factor)
 * and the momentum update add about 3u more, so theta and buf can reach ~16
 * ulp when every rounding goes one way.  Seen: at most 5.5 ulp over 240
 * option combinations x 200 steps and six hyperparameter sets (lr 1e-3..0.5,
 * beta 0.1..0.999, eps 0..1e-7, v0 0/1).  A real mistake shows as thousands
 * of ulp; subtler ones in the SIMD/omp/naive kernels are caught by the test
 * that they give the bits of fused (all float kernels share one order). */
#define ISA_AVX2   (RMS_ISA_AVX2 | RMS_ISA_FMA)
#define ISA_AVX512 (RMS_ISA_AVX512F | RMS_ISA_AVX512VL | RMS_ISA_FMA)
static const rms_kernel KERNELS[] = {
    /* name     f32               f64             needs            ulp  description */
    { "avx512", rms_step_avx512,  NULL,           ISA_AVX512,      16,
      "AVX-512F intrinsics, masked head/tail, bits of fused" },
    { "avx2",   rms_step_avx2,    NULL,           ISA_AVX2,        16,
      "AVX2 intrinsics, masked head/tail, bits of fused" },
    { "omp",    rms_step_omp,     NULL,           RMS_ISA_OPENMP,  16,
      "fused split across OpenMP threads (SIMD chunks; 1 thread below a measured n)" },
    { "fused",  rms_step_fused,   NULL,           RMS_ISA_NONE,    16,
      "one pass, scalar C vectorised by the compiler" },
    { "naive",  rms_step_naive,   NULL,           RMS_ISA_NONE,    16,
      "two passes: all of v, then all of theta" },
    /* Fast kernels: after fused (which every CPU runs), so "auto" never
     * picks them (it takes the first float row this CPU runs); asked for
     * by name.  sqrt
     * and division by hardware estimates + one Newton-Raphson step + FMA
     * (kernels/rms_fast_impl.h).  Their bound, in the ulp of rms_check.h
     * (u = 2^-24; a relative error of k u is at most 2k ulp there):
     *  - the estimates: rsqrt14/rcp14 (AVX-512) |e0| <= 2^-14; rsqrtps/
     *    rcpps (AVX2) |e0| <= 1.5 * 2^-12.  One Newton step leaves
     *    1.5 e0^2 for the root and e0^2 for the quotient: 0.09 u and 0.06 u
     *    (AVX-512), 3.4 u and 2.3 u (AVX2);
     *  - roundings of the refinement: s0 = x r0 (0.5 u), e = 1 - s0 r0 (its
     *    rounding scaled by 1/2: 0.25 u, plus s0's 0.5 u passed on), s1
     *    (0.5 u): sqrt within 1.8 u + the estimate term; + eps (0.5 u);
     *    the quotient y1 within 1.0 u + the estimate term of the divisor's
     *    value; so a / (sqrt(x) + eps) is within 3.4 u (AVX-512) or 9.0 u
     *    (AVX2) of the exact quotient of the computed x, against 1.5 u for
     *    the exact kernels (sqrt, +eps, divide: 0.5 u each);
     *  - everything else is the exact kernels' budget (16 ulp: coefficients,
     *    v, bias factor, momentum; FMA only removes roundings).
     * So the extra is (3.4 - 1.5) u -> 4 ulp (AVX-512) and (9.0 - 1.5) u ->
     * 15 ulp (AVX2), theta and buf alike (the step enters buf and theta
     * once).  Rows: 16 + 4 = 20 and 16 + 15 = 31, rounded up to 24 and 32.
     * Seen (tests/test_kernels_diff.c, 240 option combinations): see the
     * table it prints; the plain rule's worst is a few ulp. */
    { "avx512_fast", rms_step_avx512_fast, NULL,  ISA_AVX512,      24,
      "AVX-512F, sqrt and divide by rsqrt14/rcp14 + Newton-Raphson + FMA (<= 24 ulp)" },
    { "avx2_fast", rms_step_avx2_fast, NULL,      ISA_AVX2,        32,
      "AVX2 + FMA, sqrt and divide by rsqrtps/rcpps + Newton-Raphson (<= 32 ulp)" },
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
