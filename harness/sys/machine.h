/* machine.h -- what is known about this machine and build (CPU, ISA, OS,
 * compiler, flags, git commit), recorded with every figure. */
#ifndef SYS_MACHINE_H
#define SYS_MACHINE_H

typedef struct machine_info {
    char cpu_model[128], cpu_vendor[32], isa[256], os[128], kernel[256];
    char compiler[128], cflags[512], git_commit[48], hostname[80];
    int cores;
    long long mem_bytes;
} machine_info;

void machine_collect(machine_info *m);

#endif
