/* cpu.c -- run-time ISA detection, one block per architecture.
 * x86-64: CPUID says the core has a feature, XGETBV says the OS saves the
 * registers it needs (as simdjson and xxHash check).  aarch64: Advanced
 * SIMD (NEON) is baseline; getauxval(AT_HWCAP) reports it (HWCAP_ASIMD).
 * Other architectures: no ISA bits, the portable kernels only.
 * RMS_CPU_DISABLE=avx512f,avx2,... hides features that are present, so the
 * dispatch, the "CPU lacks it" error and the fallbacks can be tested on a
 * machine that has everything (names as rms_isa_names prints them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms.h"

#if defined(__x86_64__)
#include <cpuid.h>

static unsigned long long xgetbv0(void)
{
    unsigned eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

static unsigned detect(void)
{
    unsigned a, b, c, d, isa = RMS_ISA_NONE;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return isa;
    int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1, avx = (c >> 28) & 1,
        f16c = (c >> 29) & 1;
    if (!osxsave || !avx)
        return isa;
    unsigned long long xcr0 = xgetbv0();
    int os_ymm = (xcr0 & 0x6) == 0x6;           /* XMM + YMM state */
    int os_zmm = (xcr0 & 0xe6) == 0xe6;         /* + opmask, ZMM_Hi256, Hi16_ZMM */
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return isa;
    if (os_ymm && ((b >> 5) & 1))
        isa |= RMS_ISA_AVX2;
    if (os_ymm && fma)
        isa |= RMS_ISA_FMA;
    if (os_ymm && f16c)
        isa |= RMS_ISA_F16C;
    if (os_zmm && ((b >> 16) & 1))
        isa |= RMS_ISA_AVX512F;
    if (os_zmm && ((b >> 31) & 1))
        isa |= RMS_ISA_AVX512VL;
    return isa;
}

/* widest first; sse2 is baseline on x86-64 */
static const rms_vec VEC_LEVELS[] = {
    { "avx512f", RMS_ISA_AVX512F, 16 }, { "avx2", RMS_ISA_AVX2, 8 }, { "sse2", 0, 4 },
};
#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMD
#define HWCAP_ASIMD (1 << 1)
#endif

static unsigned detect(void)
{
    return (getauxval(AT_HWCAP) & HWCAP_ASIMD) ? RMS_ISA_NEON : RMS_ISA_NONE;
}

static const rms_vec VEC_LEVELS[] = { { "neon", RMS_ISA_NEON, 4 }, { "scalar", 0, 1 } };
#else
static unsigned detect(void) { return RMS_ISA_NONE; }

static const rms_vec VEC_LEVELS[] = { { "scalar", 0, 1 } };
#endif

/* every name on every architecture, so RMS_CPU_DISABLE means the same
 * everywhere (hiding what a CPU lacks is a no-op) */
static const struct { unsigned bit; const char *name; } ISA_NAMES[] = {
    { RMS_ISA_AVX2, "avx2" }, { RMS_ISA_FMA, "fma" },
    { RMS_ISA_AVX512F, "avx512f" }, { RMS_ISA_AVX512VL, "avx512vl" },
    { RMS_ISA_NEON, "neon" }, { RMS_ISA_OPENMP, "openmp" }, { RMS_ISA_F16C, "f16c" },
};
#define N_ISA_NAMES (sizeof ISA_NAMES / sizeof ISA_NAMES[0])

/* The bit named by the len characters at s; 0 for an unknown name. */
static unsigned isa_bit(const char *s, size_t len)
{
    for (size_t i = 0; i < N_ISA_NAMES; i++)
        if (strlen(ISA_NAMES[i].name) == len && !strncmp(s, ISA_NAMES[i].name, len))
            return ISA_NAMES[i].bit;
    return 0;
}

/* Bits named in RMS_CPU_DISABLE (comma-separated; unknown names are left
 * to rms_cpu_disable_check, which the program calls at start-up). */
static unsigned disabled_bits(void)
{
    const char *env = getenv("RMS_CPU_DISABLE");
    unsigned off = 0;
    while (env && *env) {
        size_t len = strcspn(env, ",");
        off |= isa_bit(env, len);
        env += len + (env[len] == ',');
    }
    return off;
}

int rms_cpu_disable_check(char *err, size_t errlen)
{
    const char *env = getenv("RMS_CPU_DISABLE");
    while (env && *env) {
        size_t len = strcspn(env, ",");
        if (!isa_bit(env, len)) {
            char known[128];
            snprintf(err, errlen, "RMS_CPU_DISABLE: unknown feature '%.*s' (known: %s)",
                     (int)(len < 64 ? len : 64), env, rms_isa_names(~0u, known, sizeof known));
            return -1;
        }
        env += len + (env[len] == ',');
    }
    return 0;
}

unsigned rms_cpu_isa(void)
{
    static int done;
    static unsigned isa;
    if (!done) {
        /* OpenMP is a build property (the omp kernel is always linked), not
         * a CPU feature: report it as present so the table stays uniform. */
        isa = detect() | RMS_ISA_OPENMP;
        done = 1;
    }
    return isa & ~disabled_bits();
}

const rms_vec *rms_vec_best(unsigned allowed)
{
    const size_t count = sizeof VEC_LEVELS / sizeof VEC_LEVELS[0];
    unsigned have = rms_cpu_isa() & allowed;
    for (size_t i = 0; i + 1 < count; i++)
        if ((have & VEC_LEVELS[i].isa) == VEC_LEVELS[i].isa)
            return &VEC_LEVELS[i];
    return &VEC_LEVELS[count - 1];
}

const char *rms_isa_names(unsigned isa, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_ISA_NAMES; i++)
        if (isa & ISA_NAMES[i].bit)
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
                                     "%s%s", used ? " " : "", ISA_NAMES[i].name);
    if (used == 0)
        snprintf(buf, len, "-");
    return buf;
}
