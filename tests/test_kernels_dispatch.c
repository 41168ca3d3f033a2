/* test_kernels_dispatch.c -- the one dispatch point: RMS_KERNEL forces each
 * kernel, an unknown name is an error naming it, auto returns the first
 * supported float kernel of the table, an explicit name beats the
 * environment, and a kernel the CPU lacks is a clear error (faked with
 * RMS_CPU_DISABLE on a machine that has the ISA); omp's chunk kernel and the
 * vector level come from the same table and detection, gcc's target_clones
 * resolver agrees with it, and RMS_CPU_DISABLE rejects unknown names. */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "rms.h"

int main(void)
{
    char err[256];
    size_t n;
    const rms_kernel *t = rms_kernels(&n);
    unsetenv("RMS_CPU_DISABLE");

    for (size_t i = 0; i < n; i++) {
        CHECK(rms_kernel_find(t[i].name) == &t[i], "find %s", t[i].name);
        CHECK((t[i].f32 != NULL) != (t[i].f64 != NULL), "%s has exactly one step function", t[i].name);
        CHECK(t[i].ulp_tol >= 0, "%s tolerance %d", t[i].name, t[i].ulp_tol);
        if (!rms_kernel_supported(&t[i])) {
            printf("note: %s does not run on this CPU; its forced selection must fail\n", t[i].name);
            setenv("RMS_KERNEL", t[i].name, 1);
            err[0] = 0;
            CHECK(rms_kernel_select(NULL, err, sizeof err) == NULL && strstr(err, "needs"),
                  "RMS_KERNEL=%s on a CPU without it: '%s'", t[i].name, err);
            continue;
        }
        setenv("RMS_KERNEL", t[i].name, 1);
        CHECK(rms_kernel_select(NULL, err, sizeof err) == &t[i], "RMS_KERNEL=%s forces it", t[i].name);
        CHECK(rms_kernel_select("auto", err, sizeof err) == &t[i], "auto with RMS_KERNEL=%s", t[i].name);
    }
    CHECK(strcmp(t[n - 1].name, "ref64") == 0, "ref64 is last (never picked by auto)");

    setenv("RMS_KERNEL", "bogus", 1);
    err[0] = 0;
    CHECK(rms_kernel_select(NULL, err, sizeof err) == NULL, "RMS_KERNEL=bogus is an error");
    CHECK(strstr(err, "bogus") && strstr(err, "RMS_KERNEL") && !strchr(err, '\n'),
          "one-line message names the value and the variable: '%s'", err);
    CHECK(rms_kernel_select("fused", err, sizeof err) == rms_kernel_find("fused"),
          "an explicit name beats RMS_KERNEL");
    err[0] = 0;
    CHECK(rms_kernel_select("nosuch", err, sizeof err) == NULL && strstr(err, "nosuch"),
          "unknown --kernel name: '%s'", err);

    unsetenv("RMS_KERNEL");
    const rms_kernel *a = rms_kernel_select(NULL, err, sizeof err);
    CHECK(a && a->f32 && rms_kernel_supported(a), "auto returns a supported float kernel");
    size_t first = 0;
    while (first < n && !(t[first].f32 && rms_kernel_supported(&t[first])))
        first++;
    CHECK(first < n && a == &t[first], "auto is the first supported row (%s)", a ? a->name : "none");

    CHECK(a == rms_kernel_best(RMS_KF_AUTO), "auto is rms_kernel_best(RMS_KF_AUTO)");
    const rms_kernel *chunk = rms_kernel_best(RMS_KF_CHUNK);
    CHECK(chunk && chunk->f32 && (chunk->flags & RMS_KF_CHUNK) && rms_kernel_supported(chunk),
          "omp's chunk kernel is a supported RMS_KF_CHUNK row (%s)", chunk ? chunk->name : "none");
    CHECK(!(rms_kernel_find("omp")->flags & RMS_KF_CHUNK), "omp does not step its own chunks");
    CHECK(rms_kernel_find("fused")->flags & RMS_KF_CHUNK, "fused is the last resort for chunks");

    /* RMS_CPU_DISABLE names are checked (the program exits 2 on a bad one) */
    CHECK(rms_cpu_disable_check(err, sizeof err) == 0, "unset RMS_CPU_DISABLE is fine");
    setenv("RMS_CPU_DISABLE", "avx2,fma,avx512f,avx512vl,neon,openmp", 1);
    CHECK(rms_cpu_disable_check(err, sizeof err) == 0, "every feature name is known anywhere");
    CHECK(strcmp(rms_kernel_best(RMS_KF_CHUNK)->name, "fused") == 0, "no ISA: fused for chunks");
    CHECK(rms_vec_best(~0u)->isa == 0, "no ISA: the baseline vector level (%s)", rms_vec_best(~0u)->name);
    setenv("RMS_CPU_DISABLE", "avx2,garbage", 1);
    err[0] = 0;
    CHECK(rms_cpu_disable_check(err, sizeof err) < 0 && strstr(err, "'garbage'") &&
          !strchr(err, '\n'), "unknown feature: '%s'", err);
    setenv("RMS_CPU_DISABLE", "avx2,,fma", 1);
    CHECK(rms_cpu_disable_check(err, sizeof err) < 0, "an empty name is an error: '%s'", err);
    unsetenv("RMS_CPU_DISABLE");

    unsigned have = rms_cpu_isa();
    const rms_vec *vec = rms_vec_best(~0u);
    CHECK(vec && (have & vec->isa) == vec->isa && vec->floats >= 1, "widest vector level %s", vec->name);
    CHECK(rms_vec_best(0)->isa == 0, "nothing allowed: baseline (%s)", rms_vec_best(0)->name);
#if defined(__x86_64__)
    CHECK(strcmp(vec->name, (have & RMS_ISA_AVX512F) ? "avx512f" : (have & RMS_ISA_AVX2) ? "avx2" : "sse2") == 0,
          "x86 vector level %s", vec->name);
#if defined(__GNUC__) && !defined(__clang__)
    /* gcc's target_clones resolver (RMS_TARGET_CLONES) decides by its own
     * cpuid: it must see the CPU as the registry does */
    __builtin_cpu_init();
    CHECK(!!__builtin_cpu_supports("avx512f") == !!(have & RMS_ISA_AVX512F),
          "gcc's resolver and rms_cpu_isa agree on avx512f");
    CHECK(!!__builtin_cpu_supports("avx2") == !!(have & RMS_ISA_AVX2),
          "gcc's resolver and rms_cpu_isa agree on avx2");
    CHECK(!!__builtin_cpu_supports("f16c") == !!(have & RMS_ISA_F16C),
          "gcc's resolver and rms_cpu_isa agree on f16c");
#endif
    /* fake a CPU without AVX-512, then without AVX2 as well */
    setenv("RMS_CPU_DISABLE", "avx512f", 1);
    CHECK(!(rms_cpu_isa() & RMS_ISA_AVX512F), "RMS_CPU_DISABLE hides avx512f");
    CHECK((rms_cpu_isa() | RMS_ISA_AVX512F) == (have | RMS_ISA_AVX512F), "and nothing else");
    CHECK(strcmp(rms_vec_best(~0u)->name, "avx512f") != 0, "vector level without avx512f");
    err[0] = 0;
    CHECK(rms_kernel_select("avx512", err, sizeof err) == NULL && strstr(err, "avx512f") &&
          strstr(err, "needs"), "avx512 without avx512f: '%s'", err);
    a = rms_kernel_select(NULL, err, sizeof err);
    CHECK(a && strcmp(a->name, "avx512") != 0 && rms_kernel_supported(a),
          "auto avoids avx512 (%s)", a ? a->name : err);
    chunk = rms_kernel_best(RMS_KF_CHUNK);
    CHECK(chunk && strcmp(chunk->name, "avx512") != 0, "chunks avoid avx512 (%s)", chunk->name);
    if (have & RMS_ISA_AVX2)
        CHECK(a && strcmp(a->name, "avx2") == 0, "auto falls back to avx2 (%s)", a ? a->name : err);
    setenv("RMS_CPU_DISABLE", "avx512f,avx2", 1);
    err[0] = 0;
    CHECK(rms_kernel_select("avx2", err, sizeof err) == NULL && strstr(err, "avx2"),
          "avx2 without avx2: '%s'", err);
#elif defined(__aarch64__)
    CHECK(have & RMS_ISA_NEON, "aarch64: NEON reported (baseline)");
    CHECK(strcmp(vec->name, "neon") == 0, "aarch64 vector level %s", vec->name);
    setenv("RMS_CPU_DISABLE", "neon", 1);
    CHECK(!(rms_cpu_isa() & RMS_ISA_NEON), "RMS_CPU_DISABLE hides neon");
#endif
    a = rms_kernel_select(NULL, err, sizeof err);
    CHECK(a && a->isa == RMS_ISA_OPENMP, "auto falls back to omp (%s)", a ? a->name : err);
    setenv("RMS_CPU_DISABLE", "avx512f,avx2,neon,openmp", 1);
    a = rms_kernel_select(NULL, err, sizeof err);
    CHECK(a && strcmp(a->name, "fused") == 0, "auto falls back to fused (%s)", a ? a->name : err);
    unsetenv("RMS_CPU_DISABLE");
    CHECK(rms_cpu_isa() == have, "unset RMS_CPU_DISABLE restores the CPU's bits");
    return check_summary("kernel dispatch");
}
