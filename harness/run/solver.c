/* solver.c -- solver labels and grid axes over the option table (see
 * solver.h; the options themselves are kernels/rms_options.def). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "run/solver.h"

const opt_axis *solver_axis(size_t i)
{
    size_t n;
    const rms_opt *o = rms_opts(&n);
    return i < n ? &o[i] : NULL;
}

size_t solver_axis_count(void)
{
    return RMS_OPT_COUNT;
}

const opt_axis *solver_axis_find(const char *name)
{
    for (size_t i = 0; name && i < RMS_OPT_COUNT; i++)
        if (!strcmp(solver_axis(i)->flag, name))
            return solver_axis(i);
    return NULL;
}

const char *solver_axis_names(void)
{
    static char buf[512];
    if (!buf[0])
        for (size_t i = 0, used = 0; i < RMS_OPT_COUNT && used < sizeof buf; i++)
            used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? ", " : "",
                                     solver_axis(i)->flag);
    return buf;
}

int solver_axis_set(run_opts *o, const opt_axis *a, const char *text, char *err, size_t len)
{
    return config_set_opt(o, a, 0, text ? text : "", err, len);
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
        if (!a || (!eq && a->kind != RMS_FLAG)) {
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
    for (size_t i = 0; i < RMS_OPT_COUNT && used < len; i++) {
        const opt_axis *a = solver_axis(i);
        if (!strcmp(a->flag, "lr") || in_list(skip, a->flag))
            continue;
        char mine[64], base[64];
        rms_opt_format(cfg, a, mine, sizeof mine);
        rms_opt_format(&p->cfg, a, base, sizeof base);
        if (!strcmp(mine, base))
            continue;
        if (a->kind == RMS_REAL) {   /* the shortest text that reads back the same */
            double x = rms_opt_get(cfg, a);
            for (int digits = 6; digits <= 17; digits++) {
                snprintf(mine, sizeof mine, "%.*g", digits, x);
                if (strtod(mine, NULL) == x)
                    break;
            }
        }
        if (a->kind == RMS_FLAG && !strcmp(mine, "1"))
            used += (size_t)snprintf(buf + used, len - used, "+%s", a->flag);
        else
            used += (size_t)snprintf(buf + used, len - used, "+%s=%s", a->flag, mine);
    }
}
