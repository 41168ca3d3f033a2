/* machine.c -- what machine and build produced a figure: recorded with every
 * run, perf row and proof result. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "sys/machine.h"
#include "rms.h"

#ifndef RMS_CFLAGS
#define RMS_CFLAGS "unknown"
#endif
#ifndef RMS_GIT_COMMIT
#define RMS_GIT_COMMIT "unknown"
#endif

static void cpuinfo_field(const char *key, char *out, size_t len)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[1024];
    size_t klen = strlen(key);
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) == 0) {
            char *colon = strchr(line, ':');
            if (colon) {
                colon += 1 + (colon[1] == ' ');
                colon[strcspn(colon, "\n")] = '\0';
                snprintf(out, len, "%s", colon);
            }
            break;
        }
    }
    fclose(f);
}

void machine_collect(machine_info *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->cpu_model, sizeof m->cpu_model, "unknown");
    cpuinfo_field("model name", m->cpu_model, sizeof m->cpu_model);
    cpuinfo_field("vendor_id", m->cpu_vendor, sizeof m->cpu_vendor);
    rms_isa_names(rms_cpu_isa(), m->isa, sizeof m->isa);
    m->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
    m->mem_bytes = (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(m->kernel, sizeof m->kernel, "%s %s %s", u.sysname, u.release, u.machine);
        snprintf(m->hostname, sizeof m->hostname, "%s", u.nodename);
    }
    FILE *f = fopen("/etc/os-release", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "PRETTY_NAME=", 12) == 0) {
            char *s = line + 12 + (line[12] == '"');
            s[strcspn(s, "\"\n")] = '\0';
            snprintf(m->os, sizeof m->os, "%s", s);
        }
    if (f)
        fclose(f);
#if defined(__clang__)
    snprintf(m->compiler, sizeof m->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(m->compiler, sizeof m->compiler, "gcc %s", __VERSION__);
#endif
    snprintf(m->cflags, sizeof m->cflags, "%s", RMS_CFLAGS);
    snprintf(m->git_commit, sizeof m->git_commit, "%s", RMS_GIT_COMMIT);
}
