/* cli.c -- strict parsing and the error convention shared by subcommands. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "rms_opt.h"

const char *cli_prog = "rmsbench";
const char *cli_cmd = "";

void cli_die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s%s%s: ", cli_prog, *cli_cmd ? " " : "", cli_cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

void cli_bad(const char *opt, const char *value, const char *why_fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, why_fmt);
    vsnprintf(why, sizeof why, why_fmt, ap);
    va_end(ap);
    cli_die("%s: bad value '%s' (%s)", opt, value ? value : "", why);
}

int parse_double(const char *s, double *out)
{
    return rms_parse_real(s, out);   /* one strict number parser, shared with the option table */
}

int parse_long(const char *s, long *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE ||
        (s[0] != '-' && s[0] != '+' && (s[0] < '0' || s[0] > '9')))
        return -1;
    *out = x;
    return 0;
}

int parse_size(const char *s, size_t *out)
{
    if (!s || !*s || s[0] < '0' || s[0] > '9')
        return -1;
    const char *caret = strchr(s, '^');
    if (caret) {                                /* 2^20 */
        char base[32];
        size_t bl = (size_t)(caret - s);
        long b, e;
        if (bl == 0 || bl >= sizeof base)
            return -1;
        memcpy(base, s, bl);
        base[bl] = '\0';
        if (parse_long(base, &b) || parse_long(caret + 1, &e) || b < 0 || e < 0 || e > 63)
            return -1;
        double v = pow((double)b, (double)e);
        if (v > 9.007199254740992e15)
            return -1;
        *out = (size_t)v;
        return 0;
    }
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(x) || strchr(s, 'x') || strchr(s, 'X'))
        return -1;
    double mul = 1;
    if (*end) {
        static const struct { const char *suf; double mul; } sufs[] = {
            { "K", 1e3 }, { "M", 1e6 }, { "G", 1e9 }, { "k", 1e3 },
            { "Ki", 1024.0 }, { "Mi", 1048576.0 }, { "Gi", 1073741824.0 },
        };
        size_t i;
        for (i = 0; i < sizeof sufs / sizeof sufs[0]; i++)
            if (strcmp(end, sufs[i].suf) == 0)
                break;
        if (i == sizeof sufs / sizeof sufs[0])
            return -1;
        mul = sufs[i].mul;
    }
    x *= mul;
    if (x < 0 || x != floor(x) || x > 9.007199254740992e15)
        return -1;
    *out = (size_t)x;
    return 0;
}

double opt_double(const char *opt, const char *s, double lo, double hi)
{
    double x;
    if (parse_double(s, &x))
        cli_bad(opt, s, "expected a finite number");
    if (x < lo || x > hi)
        cli_bad(opt, s, "must be in [%g, %g]", lo, hi);
    return x;
}

long opt_long(const char *opt, const char *s, long lo, long hi)
{
    long x;
    if (parse_long(s, &x))
        cli_bad(opt, s, "expected an integer");
    if (x < lo || x > hi)
        cli_bad(opt, s, "must be in [%ld, %ld]", lo, hi);
    return x;
}

size_t opt_size(const char *opt, const char *s, size_t lo, size_t hi)
{
    size_t x;
    if (parse_size(s, &x))
        cli_bad(opt, s, "expected a count such as 1000, 1e6, 64K, 2^20");
    if (x < lo || x > hi)
        cli_bad(opt, s, "must be in [%zu, %zu]", lo, hi);
    return x;
}

char **opt_name_list(const char *opt, const char *s, size_t *count)
{
    if (!s || !*s)
        cli_bad(opt, s, "empty list");
    size_t cap = 1;
    for (const char *p = s; *p; p++)
        cap += *p == ',';
    char **out = calloc(cap, sizeof *out);
    char *copy = strdup(s);
    if (!out || !copy)
        cli_die("out of memory");
    size_t n = 0;
    char *save = NULL;
    for (char *p = copy;; p = NULL) {
        char *tok = strtok_r(p, ",", &save);
        if (!tok)
            break;
        out[n++] = strdup(tok);
    }
    /* strtok_r silently skips empty fields: count them as errors instead */
    if (n != cap) {
        free(copy);
        free_list(out, n);
        cli_bad(opt, s, "empty element in the list");
    }
    free(copy);
    *count = n;
    return out;
}

void free_list(char **list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(list[i]);
    free(list);
}

size_t *opt_size_list(const char *opt, const char *s, size_t *count)
{
    size_t n;
    char **names = opt_name_list(opt, s, &n);
    size_t *out = calloc(n, sizeof *out);
    if (!out)
        cli_die("out of memory");
    for (size_t i = 0; i < n; i++)
        out[i] = opt_size(opt, names[i], 0, (size_t)1 << 40);
    free_list(names, n);
    *count = n;
    return out;
}

void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n") || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' '))) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}
