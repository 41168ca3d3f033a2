/* registry.c -- the one table of kernels and the one dispatch point.
 *
 * Adding a kernel (docs/kernels.md says the same):
 *   1. Write kernels/rms_NAME.c defining rms_step_NAME with the signature
 *      rms_step_f32_fn (or rms_step_f64_fn) of rms.h.  x86 intrinsics: name
 *      the file rms_avx2*.c or rms_avx512*.c; the Makefile builds those on
 *      x86 only, with -mavx2 -mfma / -mavx512f -mavx512vl -mfma.
 *   2. Add one row K(NAME, f32, ISA bits, roles, ulp, "description") below:
 *      to X86_KERNELS if it needs x86 ISA bits, else to PORTABLE_KERNELS,
 *      at its priority (the first supported RMS_KF_AUTO row is "auto").
 *      The row declares rms_step_NAME too: nothing goes in rms.h.
 * `rmsbench list` and `check`, perf, omp's chunk kernel and the tests
 * (tests/test_cli_kernels.sh reads `rmsbench list kernels --names`) all
 * read this table.  A new ISA bit: RMS_ISA_* in rms.h, its detection and
 * name in cpu.c.
 *
 * Roles: RMS_KF_AUTO may be picked by "auto"; RMS_KF_CHUNK may step omp's
 * per-thread chunks (one thread and the bits of fused for every option).
 * "auto" prefers the SIMD kernels to omp: below omp's measured split size
 * (rms_omp_min_n, `rmsbench list kernels`) omp runs the same SIMD kernel on
 * one thread, so it gains nothing for the usual problem sizes; above it, a
 * run's step is a small part of its time next to the gradient (OpenBLAS
 * threads), and sweeps run several processes on the cores, so a second
 * thread team per step would oversubscribe them.  Ask for omp by name (or
 * RMS_KERNEL=omp) to spend the cores on the step, as perf does.
 *
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms.h"

#define ISA_AVX2   (RMS_ISA_AVX2 | RMS_ISA_FMA)
#define ISA_AVX512 (RMS_ISA_AVX512F | RMS_ISA_AVX512VL | RMS_ISA_FMA)
#define AUTO       RMS_KF_AUTO
#define CHUNK      RMS_KF_CHUNK
#define FAST       RMS_KF_FAST

/* Fast kernels (role FAST, not AUTO, not CHUNK): "auto" never picks them;
 * asked for by name, or as "fastest" (the first FAST row this CPU runs).  The
 * root and the division by the hardware rsqrt estimate + one Newton-Raphson
 * step + FMA (kernels/rms_fast_impl.h).  Their bound, in the ulp of
 * rms_check.h (u = 2^-24; a relative error of k u is at most 2k ulp there):
 *  - the estimate r0 = r (1 + d), r = 1/sqrt(x): rsqrt14 (AVX-512)
 *    |d| <= 2^-14, rsqrtps (AVX2) |d| <= 1.5 * 2^-12;
 *  - the one step w/2 = (r0/2)(3 - r0 (x r0 + 2 eps)) for r/(1 + eps r)
 *    (eps outside the root; eps = 0 inside, where x = var + eps) leaves,
 *    exactly computed, 1.5 d^2 (Newton) + 2 (eps r)|d| (eps r0 for eps r in
 *    the correction) + (eps r)^2 (the series cut after eps r), with
 *    eps r <= 2^-12 (only where x >= (2^12 eps)^2, else the exact path):
 *    0.09 + 0.5 + 1 = 1.6 u (AVX-512), 3.4 + 3 + 1 = 7.4 u (AVX2);
 *  - its roundings: t = x r0 + 2 eps (0.5 u, halved in 3 - r0 t ~ 2:
 *    0.25 u), the FNMA (0.5 u), r0 times it (0.5 u), the halving exact:
 *    1.25 u; so 2.85 u and 8.65 u, against 1.5 u for the exact kernels
 *    (sqrt, +eps, divide: 0.5 u each); a * that: 0.5 u in both (the plain
 *    rule's final FNMA does not even round the product);
 *  - everything else is the exact kernels' budget (16 ulp: coefficients,
 *    v, bias factor, momentum; FMA only removes roundings).  The plain
 *    rule's v for beta >= 1/2 is v + w (g^2 - v), w = (float)(1 - beta):
 *    d = g^2 - v rounded once (FMS), then one FMA; the implied coefficient
 *    of v, 1 - w, is within (1-beta)/beta u <= u of beta, w within u of
 *    1 - beta, and w |d| <= w (g^2 + v) <= beta v + (1-beta) g^2 there,
 *    so at most 3 u (+ O(u^2)) from beta v + (1-beta) g^2, against 4 u
 *    for the exact kernels' beta v + w (g g); a lane whose v falls out of
 *    the estimates' range (v = inf gives inf - inf) takes the usual form.
 * So the extra is (2.85 - 1.5) u -> 3 ulp (AVX-512) and (8.65 - 1.5) u ->
 * 15 ulp (AVX2), theta and buf alike (the step enters each once).  Rows:
 * 16 + 3 = 19 and 16 + 15 = 31, rounded up to 24 and 32.  Seen
 * (tests/test_kernels_diff.c, 240 option combinations): at most 5.5 ulp.
 * Proved (proofs/gappa-fast: Gappa and z3, in `make prove`; the C lines
 * modelled are quoted in the scripts and checked verbatim), for x in
 * [max((2^12 eps)^2, 2^-126), FLT_MAX] and |r0 sqrt(x) - 1| as above:
 *  - the step exactly computed, N = (w/2)(sqrt(x) + eps): N - 1 in
 *    [-1.61 u, 0.51 u] (AVX-512) and [-7.44 u, 3.01 u] (AVX2): agrees
 *    with the 1.6 u and 7.4 u above;
 *  - its roundings: w within 2.51 u of r0 (3 - r0 (x r0 + 2 eps)), not
 *    1.25 u: a binary32 rounding is up to u = 2^-24 relative (0.5 ulp),
 *    and t, the FNMA and the product are three of them (t's halved);
 *  - so w/2 within 4.125 u (AVX-512) and 9.94 u (AVX2) of 1/(sqrt(x) + eps)
 *    (the derivation above says 2.85 u and 8.65 u: too tight), and the
 *    general path's a (w/2), rounded, within 5.125 u and 10.94 u of
 *    a/(sqrt(x) + eps) (the plain rule's product the same, lr g's rounding
 *    for the last one).  Counted the same way (sqrt, +eps, divide: 3 u) the
 *    extra over the exact kernels is (4.1 - 3) u -> 3 ulp and (9.9 - 3) u
 *    -> 14 ulp: rows 19 and 30, still within 24 and 32.  The exact kernels'
 *    16-ulp budget is derived, not proved. */

/* K(name, precision, ISA bits, roles, ulp, description), best first. */
#if defined(__x86_64__)
#define X86_KERNELS(K) \
    K(avx512, f32, ISA_AVX512, AUTO | CHUNK, 16, \
      "AVX-512F intrinsics, masked head/tail, bits of fused") \
    K(avx2,   f32, ISA_AVX2,   AUTO | CHUNK, 16, \
      "AVX2 intrinsics, masked head/tail, bits of fused") \
    K(avx512_fast, f32, ISA_AVX512, FAST, 24, \
      "AVX-512F, sqrt and divide by rsqrt14 + Newton-Raphson + FMA (<= 24 ulp)") \
    K(avx2_fast, f32, ISA_AVX2, FAST, 32, \
      "AVX2 + FMA, sqrt and divide by rsqrtps + Newton-Raphson (<= 32 ulp)")
#else
#define X86_KERNELS(K)
#endif

#define PORTABLE_KERNELS(K) \
    K(omp,    f32, RMS_ISA_OPENMP, AUTO,      16, \
      "fused split across OpenMP threads (SIMD chunks; 1 thread below a measured n)") \
    K(fused,  f32, RMS_ISA_NONE, AUTO | CHUNK, 16, \
      "one pass, scalar C vectorised by the compiler") \
    K(naive,  f32, RMS_ISA_NONE, AUTO,        16, \
      "two passes: all of v, then all of theta") \
    K(ref64,  f64, RMS_ISA_NONE, 0,            0, \
      "double-precision reference (the oracle; proved with Frama-C)")

#define ALL_KERNELS(K) X86_KERNELS(K) PORTABLE_KERNELS(K)

/* each row declares its step function (same text as rms.h's, if any) */
#define DECLARE_f32(fn) void fn(size_t, float *, float *, float *, float *, \
                                const float *, const rms_cfg *);
#define DECLARE_f64(fn) void fn(size_t, double *, double *, double *, double *, \
                                const double *, const rms_cfg *);
#define DECLARE(name, prec, isa, roles, ulp, desc) DECLARE_##prec(rms_step_##name)
ALL_KERNELS(DECLARE)

#define FN_f32(fn) .f32 = fn
#define FN_f64(fn) .f64 = fn
#define ROW(name_, prec, isa_, roles, ulp, desc_) \
    { .name = #name_, FN_##prec(rms_step_##name_), .isa = (isa_), \
      .ulp_tol = (ulp), .desc = (desc_), .flags = (roles) },
static const rms_kernel KERNELS[] = { ALL_KERNELS(ROW) };

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

const rms_kernel *rms_kernel_best(unsigned flags)
{
    size_t n;
    const rms_kernel *t = rms_kernels(&n);
    for (size_t i = 0; i < n; i++)
        if (t[i].f32 && (t[i].flags & flags) == flags && rms_kernel_supported(&t[i]))
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
            const rms_kernel *k = rms_kernel_best(RMS_KF_AUTO);
            if (!k)
                snprintf(err, len, "no float kernel runs on this CPU");
            return k;
        }
    }
    if (strcmp(name, "fastest") == 0) {
        const rms_kernel *k = rms_kernel_best(RMS_KF_FAST);
        return k ? k : rms_kernel_select("auto", err, len);
    }
    const rms_kernel *k = rms_kernel_find(name);
    if (!k) {
        char names[256] = "";
        size_t used = 0;
        for (size_t i = 0; i < n; i++)
            used += (size_t)snprintf(names + used, used < sizeof names ? sizeof names - used : 0,
                                     "%s%s", i ? ", " : "", t[i].name);
        snprintf(err, len, "%s: unknown kernel '%s' (known: auto, fastest, %s)", src, name, names);
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
