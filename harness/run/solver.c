/* solver.c -- the option table behind solver labels and grid axes (see
 * solver.h).  Adding an RMSProp option: one row here. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "run/solver.h"

#define REAL(n, id, bit, field) { n, AXIS_REAL, id, bit, offsetof(rms_cfg, field) }
#define FLAG(n, bit, field)     { n, AXIS_FLAG, 0, bit, offsetof(rms_cfg, field) }

const opt_axis solver_axes[] = {
    REAL("lr", OPT_LR, SET_LR, lr),
    REAL("beta", OPT_BETA, SET_BETA, beta),
    REAL("eps", OPT_EPS, SET_EPS, eps),
    REAL("v0", OPT_V0, SET_V0, v0),
    REAL("momentum", OPT_MOMENTUM, SET_MOMENTUM, momentum),
    REAL("weight-decay", OPT_WEIGHT_DECAY, SET_WD, weight_decay),
    { "wd-mode", AXIS_WD_MODE, OPT_WD_MODE, SET_WD_MODE, offsetof(rms_cfg, wd_decoupled) },
    FLAG("eps-in-sqrt", SET_EPS_IN_SQRT, eps_in_sqrt),
    FLAG("centered", SET_CENTERED, centered),
    FLAG("lr-in-momentum", SET_LR_IN_MOMENTUM, lr_in_momentum),
    FLAG("nesterov", SET_NESTEROV, nesterov),
    FLAG("bias-correction", SET_BIAS_CORRECTION, bias_correction),
    FLAG("maximize", SET_MAXIMIZE, maximize),
    { NULL, 0, 0, 0, 0 }
};

size_t solver_axis_count(void)
{
    return sizeof solver_axes / sizeof solver_axes[0] - 1;
}

const opt_axis *solver_axis_find(const char *name)
{
    for (const opt_axis *a = solver_axes; a->name; a++)
        if (!strcmp(a->name, name))
            return a;
    return NULL;
}

const char *solver_axis_names(void)
{
    static char buf[256];
    if (!buf[0])
        for (const opt_axis *a = solver_axes; a->name; a++)
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s",
                     a == solver_axes ? "" : ", ", a->name);
    return buf;
}

static double *real_field(rms_cfg *c, const opt_axis *a) { return (double *)((char *)c + a->offset); }
static int *int_field(rms_cfg *c, const opt_axis *a) { return (int *)((char *)c + a->offset); }

int solver_axis_set(run_opts *o, const opt_axis *a, const char *text, char *err, size_t len)
{
    if (a->kind != AXIS_FLAG)
        return config_set(o, a->opt_id, text, err, len);
    if (strcmp(text, "0") && strcmp(text, "1")) {
        snprintf(err, len, "--%s: bad value '%s' (expected 0 or 1)", a->name, text);
        return -1;
    }
    *int_field(&o->over, a) = text[0] == '1';
    o->set |= a->set_bit;
    return 0;
}

void solver_axis_format(const opt_axis *a, const rms_cfg *cfg, char *buf, size_t len)
{
    rms_cfg c = *cfg;
    if (a->kind == AXIS_REAL)
        snprintf(buf, len, "%.17g", *real_field(&c, a));
    else if (a->kind == AXIS_WD_MODE)
        snprintf(buf, len, "%s", *int_field(&c, a) ? "decoupled" : "coupled");
    else
        snprintf(buf, len, "%d", *int_field(&c, a));
}

int solver_parse(const char *label, run_opts *o, char *err, size_t len)
{
    char copy[256];
    if (!*label || strlen(label) >= sizeof copy) {
        snprintf(err, len, "--solvers: bad solver '%s' (expected PRESET[+OPTION[=VALUE]]...)", label);
        return -1;
    }
    snprintf(copy, sizeof copy, "%s", label);
    char *save = NULL, *part = strtok_r(copy, "+", &save);
    if (!part || !rms_preset_find(part)) {
        snprintf(err, len, "--solvers: unknown solver '%s' (a preset of `rmsbench list presets`, "
                 "then +OPTION[=VALUE] for any of: %s)", label, solver_axis_names());
        return -1;
    }
    o->preset = rms_preset_find(part)->name;   /* a static name outlives copy */
    while ((part = strtok_r(NULL, "+", &save))) {
        char *eq = strchr(part, '=');
        if (eq)
            *eq = '\0';
        const opt_axis *a = solver_axis_find(part);
        if (!a || (!eq && a->kind != AXIS_FLAG)) {
            snprintf(err, len, "--solvers: %s option '%s' in solver '%s' (options: %s; "
                     "only on/off options may omit =VALUE)", a ? "valueless" : "unknown",
                     part, label, solver_axis_names());
            return -1;
        }
        char why[256];
        if (solver_axis_set(o, a, eq ? eq + 1 : "1", why, sizeof why)) {
            snprintf(err, len, "--solvers: solver '%s': %s", label, why);
            return -1;
        }
    }
    return 0;
}

static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *c = strchr(p, ',');
        size_t k = c ? (size_t)(c - p) : strlen(p);
        if (k == n && !strncmp(p, name, n))
            return 1;
        p = c ? c + 1 : NULL;
    }
    return 0;
}

void solver_label(const char *preset, const rms_cfg *cfg, const char *skip,
                  char *buf, size_t len)
{
    const rms_preset *p = rms_preset_find(preset);
    size_t used = (size_t)snprintf(buf, len, "%s", preset);
    if (!p)
        return;
    for (const opt_axis *a = solver_axes; a->name && used < len; a++) {
        if (!strcmp(a->name, "lr") || in_list(skip, a->name))
            continue;
        char mine[64], base[64];
        solver_axis_format(a, cfg, mine, sizeof mine);
        solver_axis_format(a, &p->cfg, base, sizeof base);
        if (!strcmp(mine, base))
            continue;
        if (a->kind == AXIS_REAL) {   /* the shortest text that reads back the same */
            double x = *(const double *)((const char *)cfg + a->offset);
            for (int digits = 6; digits <= 17; digits++) {
                snprintf(mine, sizeof mine, "%.*g", digits, x);
                if (strtod(mine, NULL) == x)
                    break;
            }
        }
        if (a->kind == AXIS_FLAG && !strcmp(mine, "1"))
            used += (size_t)snprintf(buf + used, len - used, "+%s", a->name);
        else
            used += (size_t)snprintf(buf + used, len - used, "+%s=%s", a->name, mine);
    }
}
