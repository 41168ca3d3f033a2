/* timing.h -- the core clock perf uses, measured with a chain of dependent
 * adds.  The monotonic clock and the median are rms_util.h's (one each for
 * kernels, problems and harness). */
#ifndef TIMING_H
#define TIMING_H

#include <stddef.h>
#include <stdint.h>

/* Core clock in GHz under the current load: the best of a few timings of a
 * chain of dependent integer adds (1 cycle latency each on every x86 core we
 * know of) against CLOCK_MONOTONIC.  0 when it cannot be measured (non-x86). */
double timing_core_ghz(void);

#endif
