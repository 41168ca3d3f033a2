/* tune_space.c -- search spaces and quasirandom points (see tune_space.h);
 * the sequences are GSL's (gsl_qrng_halton, gsl_qrng_sobol). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_qrng.h>
#include "cli/cli.h"
#include "run/tune_space.h"

static int space_bad(char *err, size_t len, const char *part, const char *why)
{
    snprintf(err, len, "--space: bad value '%s' (%s)", part, why);
    return -1;
}

/* One "name=log:lo:hi" | "name=lin:lo:hi" | "name=choice" part. */
static int parse_dim(char *part, tune_dim *d, char *err, size_t len)
{
    char whole[256];
    snprintf(whole, sizeof whole, "%s", part);
    char *eq = strchr(part, '=');
    if (!eq)
        return space_bad(err, len, whole, "expected NAME=log:LO:HI, NAME=lin:LO:HI or NAME=choice");
    *eq = '\0';
    d->axis = solver_axis_find(part);
    if (!d->axis) {
        char why[320];
        snprintf(why, sizeof why, "unknown option '%s'; options: %s", part, solver_axis_names());
        return space_bad(err, len, whole, why);
    }
    char *kind = eq + 1;
    if (!strcmp(kind, "choice")) {
        if (d->axis->kind == RMS_REAL)
            return space_bad(err, len, whole, "a real option needs log:LO:HI or lin:LO:HI");
        d->scale = SCALE_CHOICE;
        d->lo = 0;
        d->hi = 1;
        return 0;
    }
    if (d->axis->kind != RMS_REAL)
        return space_bad(err, len, whole, "an on/off option is a choice: NAME=choice");
    char *c1 = strchr(kind, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c1 || !c2)
        return space_bad(err, len, whole, "expected log:LO:HI or lin:LO:HI");
    *c1 = *c2 = '\0';
    if (!strcmp(kind, "log"))
        d->scale = SCALE_LOG;
    else if (!strcmp(kind, "lin"))
        d->scale = SCALE_LIN;
    else
        return space_bad(err, len, whole, "the scale is log or lin");
    if (parse_double(c1 + 1, &d->lo) || parse_double(c2 + 1, &d->hi))
        return space_bad(err, len, whole, "bounds must be finite numbers");
    if (!(d->lo < d->hi))
        return space_bad(err, len, whole, "empty or inverted range: LO must be below HI");
    if (d->scale == SCALE_LOG && d->lo <= 0)
        return space_bad(err, len, whole, "a log scale needs LO > 0");
    /* both bounds must be values the option accepts */
    char why[256], v[64];
    for (int i = 0; i < 2; i++) {
        run_opts o;
        run_opts_init(&o);
        snprintf(v, sizeof v, "%.17g", i ? d->hi : d->lo);
        if (solver_axis_set(&o, d->axis, v, why, sizeof why))
            return space_bad(err, len, whole, why);
    }
    return 0;
}

int tune_space_parse(const char *spec, tune_space *s, char *err, size_t len)
{
    memset(s, 0, sizeof *s);
    if (!spec || !*spec)
        return space_bad(err, len, spec ? spec : "", "an empty search space");
    char *copy = strdup(spec), *save = NULL;
    if (!copy)
        return space_bad(err, len, spec, "out of memory");
    int rc = 0;
    for (char *part = strtok_r(copy, ",", &save); part && !rc;
         part = strtok_r(NULL, ",", &save)) {
        if (s->ndims == TUNE_MAX_DIMS) {
            char why[160];
            snprintf(why, sizeof why, "more than %d dimensions: a quasirandom search of a few "
                     "dozen trials does not cover more", TUNE_MAX_DIMS);
            rc = space_bad(err, len, spec, why);
            break;
        }
        tune_dim *d = &s->dim[s->ndims];
        rc = parse_dim(part, d, err, len);
        for (size_t k = 0; !rc && k < s->ndims; k++)
            if (s->dim[k].axis == d->axis)
                rc = space_bad(err, len, d->axis->flag, "given twice");
        s->ndims += !rc;
    }
    if (!rc && s->ndims == 0)
        rc = space_bad(err, len, spec, "an empty search space");
    free(copy);
    return rc;
}

void tune_space_text(const tune_space *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < s->ndims && used < len; k++) {
        const tune_dim *d = &s->dim[k];
        if (d->scale == SCALE_CHOICE)
            used += (size_t)snprintf(buf + used, len - used, "%s%s=choice", k ? "," : "",
                                     d->axis->flag);
        else
            used += (size_t)snprintf(buf + used, len - used, "%s%s=%s:%.17g:%.17g", k ? "," : "",
                                     d->axis->flag, d->scale == SCALE_LOG ? "log" : "lin",
                                     d->lo, d->hi);
    }
}

int tune_qrng_points(const char *sequence, size_t d, size_t count, double *u)
{
    const gsl_qrng_type *t = !strcmp(sequence, "halton") ? gsl_qrng_halton
                             : !strcmp(sequence, "sobol") ? gsl_qrng_sobol : NULL;
    if (!t || d == 0 || d > t->max_dimension)
        return -1;
    gsl_qrng *q = gsl_qrng_alloc(t, (unsigned)d);
    if (!q)
        return -1;
    for (size_t i = 0; i < count; i++)
        gsl_qrng_get(q, u + i * d);
    gsl_qrng_free(q);
    return 0;
}

void tune_dim_value(const tune_dim *dm, double u, char *buf, size_t len)
{
    if (dm->scale == SCALE_CHOICE) {
        char name[64];
        int on = u >= 0.5;
        snprintf(buf, len, "%s", dm->axis->kind == RMS_ENUM
                 ? rms_opt_enum_name(dm->axis, on, name, sizeof name) : (on ? "1" : "0"));
        return;
    }
    double x = dm->scale == SCALE_LOG ? exp(log(dm->lo) + u * (log(dm->hi) - log(dm->lo)))
                                      : dm->lo + u * (dm->hi - dm->lo);
    if (x > dm->hi)     /* rounding of exp/log at u near 1 */
        x = dm->hi;
    if (x < dm->lo)
        x = dm->lo;
    snprintf(buf, len, "%.17g", x);
}
