/* cpu.c -- run-time ISA detection: CPUID says the core has a feature, XGETBV
 * says the OS saves the registers it needs (as simdjson and xxHash check).
 * RMS_CPU_DISABLE=avx512f,avx2,... hides features that are present, so the
 * dispatch, the "CPU lacks it" error and the fallbacks can be tested on a
 * machine that has everything (names as rms_isa_names prints them). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms.h"

#if defined(__x86_64__) || defined(__i386__)
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
    int osxsave = (c >> 27) & 1, fma = (c >> 12) & 1, avx = (c >> 28) & 1;
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
    if (os_zmm && ((b >> 16) & 1))
        isa |= RMS_ISA_AVX512F;
    if (os_zmm && ((b >> 31) & 1))
        isa |= RMS_ISA_AVX512VL;
    return isa;
}
#else
static unsigned detect(void) { return RMS_ISA_NONE; }
#endif

static const struct { unsigned bit; const char *name; } ISA_NAMES[] = {
    { RMS_ISA_AVX2, "avx2" }, { RMS_ISA_FMA, "fma" },
    { RMS_ISA_AVX512F, "avx512f" }, { RMS_ISA_AVX512VL, "avx512vl" },
    { RMS_ISA_OPENMP, "openmp" },
};

/* Bits named in RMS_CPU_DISABLE (comma-separated; unknown names ignored). */
static unsigned disabled_bits(void)
{
    const char *env = getenv("RMS_CPU_DISABLE");
    unsigned off = 0;
    while (env && *env) {
        size_t len = strcspn(env, ",");
        for (size_t i = 0; i < sizeof ISA_NAMES / sizeof ISA_NAMES[0]; i++)
            if (strlen(ISA_NAMES[i].name) == len && !strncmp(env, ISA_NAMES[i].name, len))
                off |= ISA_NAMES[i].bit;
        env += len + (env[len] == ',');
    }
    return off;
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

const char *rms_isa_names(unsigned isa, char *buf, size_t len)
{
    const size_t count = sizeof ISA_NAMES / sizeof ISA_NAMES[0];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count; i++)
        if (isa & ISA_NAMES[i].bit)
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
                                     "%s%s", used ? " " : "", ISA_NAMES[i].name);
    if (used == 0)
        snprintf(buf, len, "-");
    return buf;
}
