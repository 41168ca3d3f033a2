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

int perf_find_file(const char *repo_path, const char *installed, char *out, size_t len)
{
    char exe[PATH_MAX];
    ssize_t l = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (l > 0) {
        exe[l] = '\0';
        const char *dir = dirname(exe);
        static const char *const up[] = { "/../", "/../../", "/../../../" };
        for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
            snprintf(out, len, "%s%s%s", dir, up[i], repo_path);
            if (access(out, R_OK) == 0)
                return 0;
        }
        snprintf(out, len, "%s/../share/rmsbench/%s", dir, installed);
        if (access(out, R_OK) == 0)
            return 0;
    }
    snprintf(out, len, "%s", repo_path);
    return access(out, R_OK);
}

static int find_script(char *out, size_t len)
{
    const char *env = getenv("RMS_PEER_TORCH");
    if (env && *env) {
        snprintf(out, len, "%s", env);
        return access(out, R_OK);
    }
    return perf_find_file("scripts/peer_torch.py", "peer_torch.py", out, len);
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

/* The peer's CSV rows: "kernel,WHAT,threads,reps,median,min,max" (WHAT: n
 * or the model).  0 with f[] pointing into line and the numbers parsed. */
static int parse_fields(char *line, char **f, int *threads, int *reps, double t[3])
{
    char *save = NULL, *end;
    int k = 0;
    for (char *s = strtok_r(line, ",\n", &save); s && k < 7; s = strtok_r(NULL, ",\n", &save))
        f[k++] = s;
    if (k != 7)
        return -1;
    *threads = (int)strtol(f[2], &end, 10);
    if (*end) return -1;
    *reps = (int)strtol(f[3], &end, 10);
    if (*end) return -1;
    for (int i = 0; i < 3; i++) {
        t[i] = strtod(f[4 + i], &end);
        if (*end) return -1;
    }
    return t[0] > 0 ? 0 : -1;
}

static int parse_row(char *line, void *row, const void *ctx)
{
    perf_result *r = row;
    (void)ctx;
    char *f[7], *end;
    double t[3];
    memset(r, 0, sizeof *r);
    if (parse_fields(line, f, &r->threads, &r->reps, t))
        return -1;
    r->n = strtoull(f[1], &end, 10);
    if (*end) return -1;
    r->ns_per_elem = t[0];
    r->ns_per_elem_min = t[1];
    r->ns_per_elem_max = t[2];
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

/* The peer's rows from in (closed here), each parsed by parse into a new
 * element of size `size` appended to *rows.  1 when a line did not parse. */
static int read_rows(FILE *in, void **rows, size_t *nrows, size_t size,
                     int (*parse)(char *line, void *row, const void *ctx), const void *ctx)
{
    char line[512];
    int bad = 0;
    while (in && fgets(line, sizeof line, in)) {
        if (strncmp(line, "kernel,", 7) == 0)      /* the CSV header */
            continue;
        char *grown = realloc(*rows, (*nrows + 1) * size);
        if (!grown) {
            bad = 1;
            continue;
        }
        *rows = grown;
        if (parse(line, grown + *nrows * size, ctx))
            bad = 1;
        else
            (*nrows)++;
    }
    if (in)
        fclose(in);
    return bad;
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
    int bad = read_rows(in, (void **)rows, nrows, sizeof **rows, parse_row, NULL);
    return finish(pid, bad, preset, err, errlen);
}

/* "kernel,model,threads,reps,ms_per_step,ms_min,ms_max" */
static int parse_model_row(char *line, void *row, const void *ctx)
{
    perf_model_result *r = row;
    const perf_model *m = ctx;
    char *f[7];
    double t[3];
    memset(r, 0, sizeof *r);
    if (parse_fields(line, f, &r->threads, &r->reps, t))
        return -1;
    r->ms = t[0];
    r->ms_min = t[1];
    r->ms_max = t[2];
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
    int bad = read_rows(in, (void **)rows, nrows, sizeof **rows, parse_model_row, m);
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
