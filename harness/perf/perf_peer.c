/* perf_peer.c -- run the PyTorch peer script without a shell (fork/exec, so
 * no path or argument is ever parsed as shell text) and parse its CSV:
 *     kernel,n,threads,reps,ns_per_elem,ns_per_elem_min,ns_per_elem_max
 * The script is found next to the binary (BIN/../../scripts for build/,
 * BIN/../scripts for an install) or by RMS_PEER_TORCH; the interpreter is
 * RMS_PYTHON or /usr/bin/python3 (Debian's, the one with python3-torch). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "perf/perf_peer.h"

static int find_script(char *out, size_t len)
{
    const char *env = getenv("RMS_PEER_TORCH");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return access(out, R_OK);
    }
    char exe[PATH_MAX];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (l > 0) {
        exe[l] = '\0';
        const char *dir = dirname(exe);
        static const char *const rel[] = { "/../scripts/peer_torch.py",
                                           "/../../scripts/peer_torch.py",
                                           "/../../../scripts/peer_torch.py",
                                           "/../share/rmsbench/peer_torch.py" };
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(out, len, "%s%s", dir, rel[i]);
            if (access(out, R_OK) == 0)
                return 0;
        }
    }
    snprintf(out, len, "scripts/peer_torch.py");
    return access(out, R_OK);
}

/* "a,b,c" from n counts: sizes, or (when sizes is NULL) thread counts,
 * which are >= 1 and so print the same as %zu.  Caller frees. */
static char *join_counts(const size_t *sizes, const int *threads, size_t n)
{
    size_t cap = n * 24 + 1;
    char *s = malloc(cap);
    size_t used = 0;
    if (!s)
        return NULL;
    s[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(s + used, cap - used, "%s%zu", i ? "," : "",
                                 sizes ? sizes[i] : (size_t)threads[i]);
    return s;
}

static int parse_row(char *line, perf_result *r)
{
    char *save = NULL, *f[7];
    int k = 0;
    for (char *t = strtok_r(line, ",\n", &save); t && k < 7; t = strtok_r(NULL, ",\n", &save))
        f[k++] = t;
    if (k != 7)
        return -1;
    char *end;
    memset(r, 0, sizeof *r);
    r->n = strtoull(f[1], &end, 10);
    if (*end) return -1;
    r->threads = (int)strtol(f[2], &end, 10);
    if (*end) return -1;
    r->reps = (int)strtol(f[3], &end, 10);
    if (*end) return -1;
    r->ns_per_elem = strtod(f[4], &end);
    if (*end || !(r->ns_per_elem > 0)) return -1;
    r->ns_per_elem_min = strtod(f[5], &end);
    if (*end) return -1;
    r->ns_per_elem_max = strtod(f[6], &end);
    if (*end) return -1;
    r->kernel = strdup(f[0]);
    r->source = "pytorch";
    r->threading = "torch";
    r->inner = 0;
    r->gbps = PERF_BYTES_PER_ELEM / r->ns_per_elem;
    r->roof_ns_per_elem = r->roof_ratio = -1;
    r->compute_roof_ns_per_elem = r->compute_roof_ratio = -1;
    r->cycles_per_elem = r->clock_ghz = r->max_ulp = -1;
    return r->kernel ? 0 : -1;
}

/* Start the peer script with argv tail `args` (NULL-terminated) and its
 * stdout on *in.  0, or -1 with err. */
static int spawn(const char *const *args, FILE **in, pid_t *pid, char *err, size_t errlen)
{
    char script[PATH_MAX + 64];
    if (find_script(script, sizeof script)) {
        snprintf(err, errlen, "peer script scripts/peer_torch.py not found (set RMS_PEER_TORCH)");
        return -1;
    }
    const char *py = getenv("RMS_PYTHON");
    if (!py || !*py)
        py = "/usr/bin/python3";
    const char *argv[24];
    size_t k = 0;
    argv[k++] = py;
    argv[k++] = script;
    for (size_t i = 0; args[i] && k < 23; i++)
        argv[k++] = args[i];
    argv[k] = NULL;
    int fds[2];
    if (pipe(fds)) {
        snprintf(err, errlen, "cannot start the peer: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    *pid = fork();
    if (*pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        close(fds[1]);
        execv(py, (char *const *)argv);
        fprintf(stderr, "rmsbench perf: cannot run %s: %s\n", py, strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    if (*pid < 0) {
        close(fds[0]);
        snprintf(err, errlen, "cannot fork the peer: %s", strerror(errno));
        return -1;
    }
    *in = fdopen(fds[0], "r");
    return 0;
}

/* Wait for the peer; its exit status as perf_peer_torch returns it. */
static int finish(pid_t pid, int bad, const char *preset, char *err, size_t errlen)
{
    int status = 0;
    waitpid(pid, &status, 0);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (code == 3) {
        snprintf(err, errlen, "PyTorch is not importable by the peer's python: peer skipped");
        return 3;
    }
    if (code == 4) {
        snprintf(err, errlen, "the PyTorch peer does not reproduce preset '%s': peer skipped",
                 preset);
        return 3;
    }
    if (code != 0 || bad) {
        snprintf(err, errlen, "peer scripts/peer_torch.py failed (exit %d%s)", code,
                 bad ? ", unreadable output" : "");
        return -1;
    }
    return 0;
}

int perf_peer_torch(const size_t *sizes, size_t nsizes, const int *threads,
                    size_t nthreads, int reps, const char *preset,
                    perf_result **rows, size_t *nrows, char *err, size_t errlen)
{
    char repstr[16];
    char *sz = join_counts(sizes, NULL, nsizes), *th = join_counts(NULL, threads, nthreads);
    snprintf(repstr, sizeof repstr, "%d", reps);
    FILE *in = NULL;
    pid_t pid;
    const char *args[] = { "--sizes", sz, "--threads", th, "--reps", repstr, "--preset", preset,
                           "--csv", NULL };
    int rc = sz && th ? spawn(args, &in, &pid, err, errlen) : -1;
    free(sz);
    free(th);
    if (rc) {
        if (!sz || !th)
            snprintf(err, errlen, "out of memory");
        return -1;
    }
    char line[512];
    int bad = 0;
    while (in && fgets(line, sizeof line, in)) {
        if (strncmp(line, "kernel,", 7) == 0)      /* the CSV header */
            continue;
        perf_result r;
        perf_result *grown = realloc(*rows, (*nrows + 1) * sizeof **rows);
        if (!grown || parse_row(line, &r)) {
            if (grown)
                *rows = grown;
            bad = 1;
            continue;
        }
        *rows = grown;
        (*rows)[(*nrows)++] = r;
    }
    if (in)
        fclose(in);
    return finish(pid, bad, preset, err, errlen);
}

/* "kernel,model,threads,reps,ms_per_step,ms_min,ms_max" */
static int parse_model_row(char *line, const perf_model *m, perf_model_result *r)
{
    char *save = NULL, *f[7], *end;
    int k = 0;
    for (char *t = strtok_r(line, ",\n", &save); t && k < 7; t = strtok_r(NULL, ",\n", &save))
        f[k++] = t;
    if (k != 7)
        return -1;
    memset(r, 0, sizeof *r);
    r->threads = (int)strtol(f[2], &end, 10);
    if (*end) return -1;
    r->reps = (int)strtol(f[3], &end, 10);
    if (*end) return -1;
    r->ms = strtod(f[4], &end);
    if (*end || !(r->ms > 0)) return -1;
    r->ms_min = strtod(f[5], &end);
    if (*end) return -1;
    r->ms_max = strtod(f[6], &end);
    if (*end) return -1;
    r->kernel = strdup(f[0]);
    r->model = m->name;
    r->source = "pytorch";
    r->tensors = m->ntensors;
    r->params = m->params;
    r->ns_per_elem = r->ms * 1e6 / (double)m->params;
    r->roof_ms = r->roof_ratio = r->max_ulp = -1;
    r->validated = -1;
    return r->kernel ? 0 : -1;
}

int perf_peer_torch_model(const char *path, const perf_model *m, const int *threads,
                          size_t nthreads, int reps, const char *preset,
                          perf_model_result **rows, size_t *nrows, char *err, size_t errlen)
{
    char repstr[16];
    char *th = join_counts(NULL, threads, nthreads);
    snprintf(repstr, sizeof repstr, "%d", reps);
    FILE *in = NULL;
    pid_t pid;
    const char *args[] = { "--model", path, "--threads", th, "--reps", repstr, "--preset",
                           preset, "--csv", NULL };
    int rc = th ? spawn(args, &in, &pid, err, errlen) : -1;
    free(th);
    if (rc)
        return -1;
    char line[512];
    int bad = 0;
    while (in && fgets(line, sizeof line, in)) {
        if (strncmp(line, "kernel,", 7) == 0)
            continue;
        perf_model_result r;
        perf_model_result *grown = realloc(*rows, (*nrows + 1) * sizeof **rows);
        if (!grown || parse_model_row(line, m, &r)) {
            if (grown)
                *rows = grown;
            bad = 1;
            continue;
        }
        *rows = grown;
        (*rows)[(*nrows)++] = r;
    }
    if (in)
        fclose(in);
    return finish(pid, bad, preset, err, errlen);
}

void perf_peer_free(perf_result *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].source && strcmp(rows[i].source, "rmsbench") != 0)
            free((char *)rows[i].kernel);
}

void perf_peer_model_free(perf_model_result *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++)
        if (rows[i].source && strcmp(rows[i].source, "rmsbench") != 0)
            free((char *)rows[i].kernel);
}
