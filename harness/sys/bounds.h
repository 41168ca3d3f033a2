/* bounds.h -- memory bounds checked before work starts: an estimate of
 * what a run, a sweep or a perf size needs against this machine's RAM. */
#ifndef BOUNDS_H
#define BOUNDS_H

#include <stddef.h>

/* Physical memory of this machine in bytes (sysconf); RMSBENCH_RAM_BYTES
 * overrides it (tests).  0 when unknown (then nothing is refused). */
double bounds_ram_bytes(void);

/* 0 when bytes fit in RAM; else -1 with "needs about 168 GiB of memory,
 * more than this machine's 15.6 GiB of RAM" in err. */
int bounds_check_memory(double bytes, char *err, size_t errlen);

#endif
