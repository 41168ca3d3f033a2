/* timing.c -- the core clock for perf.  The core clock is measured rather than read
 * from the TSC: the TSC ticks at a fixed rate whatever the core's actual
 * frequency, so cycles derived from it would not be core cycles. */
#include "rms_util.h"
#include "sys/timing.h"

double timing_core_ghz(void)
{
#if defined(__x86_64__)
    const uint64_t iters = 1u << 18;     /* x 16 adds: ~4M cycles, ~1-2 ms */
    double best = 0;
    for (int trial = 0; trial < 7; trial++) {
        uint64_t x = 0, one = 1, cnt = iters;
        uint64_t t0 = rms_now_ns();
        /* 16 adds that each wait for the previous one; dec/jnz run beside
         * them, so one iteration takes 16 core cycles.  The addend is a
         * register, not an immediate: Golden Cove and later fold
         * `add $imm, reg` chains at rename (measured 16 GHz on a 3 GHz
         * Xeon), a register operand they must execute. */
        __asm__ volatile("1:\n\t"
                         "add %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\t"
                         "add %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\t"
                         "add %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\t"
                         "add %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\t"
                         "dec %1\n\tjnz 1b"
                         : "+r"(x), "+r"(cnt) : "r"(one) : "cc");
        uint64_t dt = rms_now_ns() - t0;
        /* preemption only makes a trial slower: keep the fastest */
        double ghz = dt ? (double)(16 * iters) / (double)dt : 0;
        if (ghz > best)
            best = ghz;
    }
    return best;
#else
    return 0;
#endif
}
