/* range.c -- comma lists, log ranges and seed ranges for `rmsbench sweep`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/range.h"

typedef struct dbuf { double *v; size_t n, cap; } dbuf;
typedef struct ubuf { uint64_t *v; size_t n, cap; } ubuf;

/* Growing arrays; the count limit is checked before every push so a hostile
 * range cannot ask for gigabytes. */
static int dpush(dbuf *b, double x)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        double *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return -1;
        b->v = v, b->cap = cap;
    }
    b->v[b->n++] = x;
    return 0;
}

static int upush(ubuf *b, uint64_t x)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 16;
        uint64_t *v = realloc(b->v, cap * sizeof *v);
        if (!v)
            return -1;
        b->v = v, b->cap = cap;
    }
    b->v[b->n++] = x;
    return 0;
}

/* Split s at commas into a malloc'd copy; empty elements are an error. */
static char *next_token(char **cursor)
{
    char *p = *cursor, *comma;
    if (!p)
        return NULL;
    comma = strchr(p, ',');
    if (comma) {
        *comma = '\0';
        *cursor = comma + 1;
    } else {
        *cursor = NULL;
    }
    return p;
}

static int log_range(const char *s, dbuf *b, char *err, size_t len)
{
    char tmp[128];
    if (strlen(s) >= sizeof tmp) {
        snprintf(err, len, "range '%.40s...' is too long", s);
        return -1;
    }
    strcpy(tmp, s);
    char *c1 = strchr(tmp, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2 || strchr(c2 + 1, ':')) {
        snprintf(err, len, "bad range '%s' (expected lo:hi:count, e.g. 1e-4:1e-1:13)", s);
        return -1;
    }
    *c1 = *c2 = '\0';
    double lo, hi;
    long n;
    if (parse_double(tmp, &lo) || parse_double(c1 + 1, &hi) || parse_long(c2 + 1, &n)) {
        snprintf(err, len, "bad range '%s' (lo and hi must be numbers, count an integer)", s);
        return -1;
    }
    if (n <= 0 || n > RANGE_MAX_COUNT) {
        snprintf(err, len, "range '%s': count %ld must be in [1, %d]", s, n, RANGE_MAX_COUNT);
        return -1;
    }
    if (lo <= 0 || hi <= 0) {
        snprintf(err, len, "range '%s': a log range needs lo > 0 and hi > 0", s);
        return -1;
    }
    if (n == 1 && lo != hi) {
        snprintf(err, len, "range '%s': count 1 needs lo == hi", s);
        return -1;
    }
    if (b->n + (size_t)n > RANGE_MAX_COUNT) {
        snprintf(err, len, "list '%s' has more than %d values", s, RANGE_MAX_COUNT);
        return -1;
    }
    double a = log(lo), d = n > 1 ? (log(hi) - a) / (double)(n - 1) : 0;
    for (long i = 0; i < n; i++) {
        /* endpoints exactly as typed, so 1e-4:1e-1:4 contains 1e-4 and 0.1 */
        double x = i == 0 ? lo : i == n - 1 ? hi : exp(a + d * (double)i);
        /* 15 significant digits: 1e-3:1e-1:5 gives 0.01, not 0.010000000000000004 */
        char buf[32];
        snprintf(buf, sizeof buf, "%.15g", x);
        x = strtod(buf, NULL);
        if (dpush(b, x)) {
            snprintf(err, len, "out of memory");
            return -1;
        }
    }
    return 0;
}

int range_parse_doubles(const char *s, double **out, size_t *count, char *err, size_t len)
{
    dbuf b = { 0 };
    if (!s || !*s) {
        snprintf(err, len, "empty list");
        return -1;
    }
    char *copy = strdup(s), *cur = copy, *tok;
    if (!copy) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    while ((tok = next_token(&cur))) {
        double x;
        if (!*tok) {
            snprintf(err, len, "empty element in list '%s'", s);
            goto fail;
        }
        if (strchr(tok, ':')) {
            if (log_range(tok, &b, err, len))
                goto fail;
            continue;
        }
        if (parse_double(tok, &x)) {
            snprintf(err, len, "bad value '%s' (expected a finite number)", tok);
            goto fail;
        }
        if (b.n >= RANGE_MAX_COUNT) {
            snprintf(err, len, "list '%.40s' has more than %d values", s, RANGE_MAX_COUNT);
            goto fail;
        }
        if (dpush(&b, x)) {
            snprintf(err, len, "out of memory");
            goto fail;
        }
    }
    free(copy);
    *out = b.v;
    *count = b.n;
    return 0;
fail:
    free(copy);
    free(b.v);
    return -1;
}

int range_parse_seed(const char *s, uint64_t *out)
{
    long x;
    if (parse_long(s, &x) || x < 0 || s[0] == '+' || s[0] == '-')
        return -1;
    *out = (uint64_t)x;
    return 0;
}

int range_parse_seeds(const char *s, uint64_t **out, size_t *count, char *err, size_t len)
{
    ubuf b = { 0 };
    if (!s || !*s) {
        snprintf(err, len, "empty list");
        return -1;
    }
    char *copy = strdup(s), *cur = copy, *tok;
    if (!copy) {
        snprintf(err, len, "out of memory");
        return -1;
    }
    while ((tok = next_token(&cur))) {
        uint64_t lo, hi;
        char *dots = strstr(tok, "..");
        if (!*tok) {
            snprintf(err, len, "empty element in list '%s'", s);
            goto fail;
        }
        if (dots) {
            *dots = '\0';
            if (range_parse_seed(tok, &lo) || range_parse_seed(dots + 2, &hi)) {
                *dots = '.';
                snprintf(err, len, "bad seed range '%s' (expected a..b, integers >= 0)", tok);
                goto fail;
            }
            if (hi < lo) {
                *dots = '.';
                snprintf(err, len, "seed range '%s' is empty (b < a)", tok);
                goto fail;
            }
        } else {
            if (range_parse_seed(tok, &lo)) {
                snprintf(err, len, "bad seed '%s' (expected an integer >= 0)", tok);
                goto fail;
            }
            hi = lo;
        }
        if (hi - lo >= (uint64_t)RANGE_MAX_COUNT || b.n + (hi - lo) + 1 > RANGE_MAX_COUNT) {
            snprintf(err, len, "seed list '%.40s' has more than %d values", s, RANGE_MAX_COUNT);
            goto fail;
        }
        for (uint64_t x = lo;; x++) {
            if (upush(&b, x)) {
                snprintf(err, len, "out of memory");
                goto fail;
            }
            if (x == hi)
                break;
        }
    }
    free(copy);
    *out = b.v;
    *count = b.n;
    return 0;
fail:
    free(copy);
    free(b.v);
    return -1;
}
