/* bounds.c -- the machine's RAM, and the one check against it. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "sys/bounds.h"

double bounds_ram_bytes(void)
{
    const char *env = getenv("RMSBENCH_RAM_BYTES");
    if (env && *env) {
        char *end;
        double v = strtod(env, &end);
        if (*end == '\0' && v > 0)
            return v;
    }
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0;
}

int bounds_check_memory(double bytes, char *err, size_t errlen)
{
    double ram = bounds_ram_bytes();
    if (ram <= 0 || bytes <= ram)
        return 0;
    snprintf(err, errlen, "needs about %.3g GiB of memory, more than this machine's %.3g GiB "
             "of RAM", bytes / 1073741824.0, ram / 1073741824.0);
    return -1;
}
