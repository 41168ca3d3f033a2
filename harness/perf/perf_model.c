/* perf_model.c -- find and parse the whole-model shape lists of
 * data/models/ (see perf_model.h for the format). */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "perf/perf_model.h"
#include "perf/perf_peer.h"

int perf_model_path(const char *name, char *out, size_t len)
{
    if (strchr(name, '/') || (strlen(name) > 4 && !strcmp(name + strlen(name) - 4, ".tsv"))) {
        snprintf(out, len, "%s", name);
        return access(out, R_OK);
    }
    const char *env = getenv("RMS_MODELS_DIR");
    if (env && *env) {
        snprintf(out, len, "%s/%s.tsv", env, name);
        return access(out, R_OK);
    }
    char rel[512], installed[512];
    snprintf(rel, sizeof rel, "data/models/%s.tsv", name);
    snprintf(installed, sizeof installed, "models/%s.tsv", name);
    return perf_find_file(rel, installed, out, len);
}

/* "64x3x7x7" -> 9408; 0 for a malformed or overflowing shape. */
static size_t shape_elems(const char *s)
{
    size_t total = 1;
    if (!*s)
        return 0;
    while (*s) {
        if (!isdigit((unsigned char)*s))
            return 0;
        errno = 0;
        char *end;
        unsigned long long d = strtoull(s, &end, 10);
        if (errno || d == 0 || (total && d > SIZE_MAX / total))
            return 0;
        total *= (size_t)d;
        s = end;
        if (*s == 'x' && isdigit((unsigned char)s[1]))
            s++;
        else if (*s)
            return 0;
    }
    return total;
}

static char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t l = strlen(b);
    if (l > 4 && !strcmp(b + l - 4, ".tsv"))
        l -= 4;
    char *s = malloc(l + 1);
    if (s) {
        memcpy(s, b, l);
        s[l] = '\0';
    }
    return s;
}

int perf_model_load(const char *path, perf_model *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024];
    size_t cap = 0, lineno = 0;
    int rc = 0;
    m->name = base_name(path);
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#') {
            if (!m->source)
                m->source = strdup(line + strspn(line, "# "));
            continue;
        }
        if (line[0] == '\0')
            continue;
        char *tab = strchr(line, '\t');
        size_t n = tab && tab != line ? shape_elems(tab + 1) : 0;
        if (n == 0) {
            snprintf(err, errlen, "%s:%zu: expected 'name<TAB>shape' with dims > 0 joined by x, "
                     "got '%.60s'", path, lineno, line);
            rc = -1;
            break;
        }
        if (m->ntensors == cap) {
            cap = cap ? 2 * cap : 256;
            size_t *g = realloc(m->n, cap * sizeof *g);
            if (!g) {
                snprintf(err, errlen, "out of memory reading %s", path);
                rc = -1;
                break;
            }
            m->n = g;
        }
        m->n[m->ntensors++] = n;
        m->params += n;
    }
    fclose(f);
    if (rc == 0 && m->ntensors == 0) {
        snprintf(err, errlen, "%s: no tensor listed", path);
        rc = -1;
    }
    if (rc == 0 && (!m->name || (!m->source && !(m->source = strdup(""))))) {
        snprintf(err, errlen, "out of memory reading %s", path);
        rc = -1;
    }
    if (rc)
        perf_model_free(m);
    return rc;
}

void perf_model_free(perf_model *m)
{
    free(m->name);
    free(m->source);
    free(m->n);
    memset(m, 0, sizeof *m);
}
