/* rms_opt.c -- the option rows generated from rms_options.def, and generic
 * access to an option of an rms_cfg by its row (get, put, parse, check,
 * format). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms_opt.h"

#define RMS_OPT_ROW_1(f, type, part, d, ...)                                   \
    { .field = #f, .offset = offsetof(rms_cfg, f),                             \
      .size = sizeof(((rms_cfg *)0)->f), .dflt = (d), __VA_ARGS__ },
static const rms_opt OPTS[] = { RMS_OPTIONS(RMS_OPT_ROW_1) };

const rms_opt *rms_opts(size_t *count)
{
    *count = RMS_OPT_COUNT;
    return OPTS;
}

const rms_opt *rms_opt_find(const char *name)
{
    for (size_t i = 0; name && i < RMS_OPT_COUNT; i++) {
        const rms_opt *o = &OPTS[i];
        if (!strcmp(name, o->key) || !strcmp(name, o->flag) || !strcmp(name, o->field) ||
            (o->neg && !strcmp(name, o->neg)))
            return o;
    }
    return NULL;
}

double rms_opt_get(const rms_cfg *c, const rms_opt *o)
{
    const char *p = (const char *)c + o->offset;
    if (o->kind == RMS_REAL)
        return *(const double *)(const void *)p;
    return (double)*(const int *)(const void *)p;
}

void rms_opt_put(rms_cfg *c, const rms_opt *o, double v)
{
    char *p = (char *)c + o->offset;
    if (o->kind == RMS_REAL)
        *(double *)(void *)p = v;
    else
        *(int *)(void *)p = (int)v;
}

/* Number of names of an enum row. */
static int enum_count(const rms_opt *o)
{
    int n = 1;
    for (const char *s = o->names; *s; s++)
        n += *s == '|';
    return n;
}

const char *rms_opt_enum_name(const rms_opt *o, int i, char *buf, size_t len)
{
    const char *s = o->names;
    for (int k = 0; k < i && s; k++) {
        s = strchr(s, '|');
        s = s ? s + 1 : NULL;
    }
    if (i < 0 || !s || !len)
        return NULL;
    size_t n = strcspn(s, "|");
    if (n >= len)
        n = len - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* "must be in [0, 1)", "must be > 0" (no upper bound), ... */
static void range_text(const rms_opt *o, char *why, size_t len)
{
    char mult[48] = "";
    if (o->kind == RMS_INT && o->multiple > 1)
        snprintf(mult, sizeof mult, "a multiple of %d ", o->multiple);
    if (isinf(o->hi))
        snprintf(why, len, "must be %s%s %g", mult, o->lo_open ? ">" : ">=", o->lo);
    else
        snprintf(why, len, "must be %sin %s%g, %g%s", mult, o->lo_open ? "(" : "[", o->lo,
                 o->hi, o->hi_open ? ")" : "]");
}

int rms_opt_check(const rms_opt *o, double v, char *why, size_t len)
{
    switch (o->kind) {
    case RMS_FLAG:
        if (v == 0.0 || v == 1.0)
            return 0;
        snprintf(why, len, "expected 0 or 1");
        return -1;
    case RMS_ENUM:
        if (v >= 0.0 && v < enum_count(o) && v == floor(v))
            return 0;
        snprintf(why, len, "expected one of %s", o->names);
        return -1;
    case RMS_INT:
    case RMS_REAL:
        if (isfinite(v) && v >= o->lo && v <= o->hi && !(o->lo_open && v == o->lo) &&
            !(o->hi_open && v == o->hi) && (o->kind == RMS_REAL || v == floor(v)) &&
            (o->kind == RMS_REAL || o->multiple <= 1 || fmod(v, o->multiple) == 0.0))
            return 0;
        range_text(o, why, len);
        return -1;
    }
    return -1;
}

int rms_parse_real(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(x))
        return -1;
    /* strtod accepts hex floats and leading space; a number on a command
     * line is decimal and starts with a sign, digit or point. */
    if (strchr(s, 'x') || strchr(s, 'X') || (s[0] != '-' && s[0] != '+' &&
        s[0] != '.' && (s[0] < '0' || s[0] > '9')))
        return -1;
    *out = x;
    return 0;
}

/* "expected coupled or decoupled", "expected a, b or c" */
static void enum_expected(const rms_opt *o, char *why, size_t len)
{
    char name[64];
    int n = enum_count(o), used = snprintf(why, len, "expected ");
    for (int i = 0; i < n && used >= 0 && (size_t)used < len; i++)
        used += snprintf(why + used, len - (size_t)used, "%s%s",
                         i == 0 ? "" : i == n - 1 ? " or " : ", ",
                         rms_opt_enum_name(o, i, name, sizeof name));
}

int rms_opt_parse(rms_cfg *c, const rms_opt *o, const char *text, char *why, size_t len)
{
    double v = NAN;
    if (o->kind == RMS_ENUM) {
        char name[64];
        for (int i = 0, n = enum_count(o); text && i < n; i++)
            if (!strcmp(text, rms_opt_enum_name(o, i, name, sizeof name)))
                v = i;
        if (isnan(v)) {
            enum_expected(o, why, len);
            return -1;
        }
    } else if (rms_parse_real(text, &v)) {
        snprintf(why, len, "%s", o->kind == RMS_FLAG ? "expected 0 or 1"
                                 : o->kind == RMS_INT ? "expected an integer"
                                 : "expected a finite number");
        return -1;
    }
    if (rms_opt_check(o, v, why, len))
        return -1;
    rms_opt_put(c, o, v);
    return 0;
}

int rms_opt_format(const rms_cfg *c, const rms_opt *o, char *buf, size_t len)
{
    double v = rms_opt_get(c, o);
    if (o->kind == RMS_REAL)
        return snprintf(buf, len, "%.17g", v);
    if (o->kind == RMS_ENUM) {
        char name[64];
        const char *s = rms_opt_enum_name(o, (int)v, name, sizeof name);
        return s ? snprintf(buf, len, "%s", s) : snprintf(buf, len, "%d", (int)v);
    }
    return snprintf(buf, len, "%d", (int)v);
}

int rms_opt_show(const rms_cfg *c, const rms_opt *o, char *buf, size_t len)
{
    double v = rms_opt_get(c, o);
    if (o->kind == RMS_REAL)
        return snprintf(buf, len, "%g", v);
    if (o->kind == RMS_FLAG)
        return snprintf(buf, len, "%s", v != 0.0 ? "yes" : "no");
    return rms_opt_format(c, o, buf, len);
}

int rms_opt_is_default(const rms_cfg *c, const rms_opt *o)
{
    return rms_opt_get(c, o) == o->dflt;
}

int rms_opt_in_hash(const rms_cfg *c, const rms_opt *o)
{
    return o->since <= RMS_OPT_HASH_BASE || !rms_opt_is_default(c, o);
}

const char *rms_opt_sql_type(const rms_opt *o)
{
    return o->kind == RMS_REAL ? "REAL" : o->kind == RMS_ENUM ? "TEXT" : "INTEGER";
}
