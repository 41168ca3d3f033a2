/* test_solver.c -- solver labels: parsed into a config and written back
 * from it (the round trip), lr left out of the label, unknown presets and
 * options refused with a message naming them. */
#include <string.h>
#include "check.h"
#include "run/solver.h"

static void round_trip(const char *label, const char *want)
{
    run_opts o;
    run_config rc;
    char err[512], got[256];
    run_opts_init(&o);
    o.problem = "quadratic";
    o.kernel = "ref64";
    int bad = solver_parse(label, &o, err, sizeof err) || config_resolve(&o, &rc, err, sizeof err);
    CHECK(!bad, "%s: %s", label, err);
    if (bad)
        return;
    solver_label(rc.preset->name, &rc.cfg, NULL, got, sizeof got);
    CHECK(!strcmp(got, want), "label of '%s' is '%s', want '%s'", label, got, want);
}

int main(void)
{
    round_trip("torch", "torch");
    round_trip("torch+centered", "torch+centered");
    round_trip("keras+momentum=0.9", "keras+momentum=0.9");
    round_trip("optax+eps-in-sqrt=0", "optax+eps-in-sqrt=0");
    round_trip("seed+lr=0.5", "seed");                    /* lr is tuned, not a solver */
    round_trip("torch+momentum=0.9+centered", "torch+momentum=0.9+centered");  /* table order */
    round_trip("seed+beta=0.123456789", "seed+beta=0.123456789");
    round_trip("torch+centered=0", "torch");              /* the preset's own value */
    round_trip("seed+wd-mode=decoupled+weight-decay=0.01", "seed+weight-decay=0.01+wd-mode=decoupled");
    run_opts o;
    char err[512];
    run_opts_init(&o);
    CHECK(solver_parse("nope", &o, err, sizeof err) && strstr(err, "unknown solver 'nope'"), "%s", err);
    CHECK(solver_parse("torch+bogus", &o, err, sizeof err) && strstr(err, "'bogus'"), "%s", err);
    CHECK(solver_parse("torch+momentum", &o, err, sizeof err) && strstr(err, "valueless"), "%s", err);
    CHECK(solver_parse("torch+centered=2", &o, err, sizeof err) && strstr(err, "'2'"), "%s", err);
    CHECK(solver_parse("", &o, err, sizeof err), "empty label");
    char lab[64];
    rms_cfg c = rms_preset_find("torch")->cfg;
    c.centered = 1;
    solver_label("torch", &c, "centered", lab, sizeof lab);
    CHECK(!strcmp(lab, "torch"), "skip list: %s", lab);
    CHECK(solver_axis_find("lr") && !solver_axis_find("kernel"), "axis lookup");
    return check_summary("test_solver");
}
