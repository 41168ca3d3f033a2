/* test_tune_space.c -- search spaces parse and refuse bad input; the first
 * points of GSL's Halton and Sobol sequences are the published ones (Halton
 * 1960: radical inverses in bases 2 and 3, 1/2 1/3, 1/4 2/3, 3/4 1/9, 1/8
 * 4/9, 5/8 7/9; Sobol as in Bratley & Fox 1988 and the GSL manual's example:
 * (.5 .5 .5) (.75 .25 .75) (.25 .75 .25) (.375 .375 .625)); the mapping puts
 * u = 0.5 at the geometric (log) or arithmetic (lin) middle. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "run/tune_space.h"

int main(void)
{
    double u[16];
    CHECK(tune_qrng_points("halton", 2, 5, u) == 0, "halton");
    const double halton[] = { 1.0 / 2, 1.0 / 3, 1.0 / 4, 2.0 / 3, 3.0 / 4, 1.0 / 9,
                              1.0 / 8, 4.0 / 9, 5.0 / 8, 7.0 / 9 };
    for (int i = 0; i < 10; i++)
        CHECK(fabs(u[i] - halton[i]) < 1e-15, "halton[%d] = %.17g", i, u[i]);
    CHECK(tune_qrng_points("sobol", 3, 4, u) == 0, "sobol");
    const double sobol[] = { .5, .5, .5, .75, .25, .75, .25, .75, .25, .375, .375, .625 };
    for (int i = 0; i < 12; i++)
        CHECK(u[i] == sobol[i], "sobol[%d] = %.17g", i, u[i]);
    CHECK(tune_qrng_points("random", 2, 1, u) == -1, "unknown sequence");
    CHECK(tune_qrng_points("sobol", 41, 1, u) == -1, "GSL's Sobol stops at 40 dimensions");

    tune_space s;
    char err[512], text[512], v[64];
    CHECK(tune_space_parse("lr=log:1e-4:1e-2,beta=lin:0.8:0.9,centered=choice", &s, err,
                           sizeof err) == 0 && s.ndims == 3, "parse: %s", err);
    tune_dim_value(&s.dim[0], 0.5, v, sizeof v);
    CHECK(fabs(atof(v) - 1e-3) < 1e-15, "log middle %s", v);
    tune_dim_value(&s.dim[1], 0.5, v, sizeof v);
    CHECK(fabs(atof(v) - 0.85) < 1e-15, "lin middle %s", v);
    tune_dim_value(&s.dim[2], 0.25, v, sizeof v);
    CHECK(!strcmp(v, "0"), "choice low %s", v);
    tune_dim_value(&s.dim[2], 0.75, v, sizeof v);
    CHECK(!strcmp(v, "1"), "choice high %s", v);
    tune_space_text(&s, text, sizeof text);
    CHECK(!strcmp(text, "lr=log:0.0001:0.01,beta=lin:0.80000000000000004:0.90000000000000002,"
                        "centered=choice"), "text %s", text);
    const char *bad[][2] = {
        { "", "empty" }, { "lr=log:1e-2:1e-4", "inverted" }, { "lr=log:1e-2:1e-2", "inverted" },
        { "lr=log:0:1", "LO > 0" }, { "gamma=lin:0:1", "unknown option 'gamma'" },
        { "lr=log:1e-4:1,lr=lin:0.1:1", "twice" }, { "beta=lin:0.5:1.5", "beta" },
        { "centered=lin:0:1", "choice" }, { "lr=choice", "real option" }, { "lr", "expected" },
        { "lr=cube:1:2", "log or lin" },
        { "lr=log:1e-4:1,beta=lin:0.5:0.9,eps=log:1e-9:1e-3,v0=lin:0:1,momentum=lin:0:0.9,"
          "weight-decay=lin:0:0.1,wd-mode=choice,centered=choice,nesterov=choice", "more than 8" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(tune_space_parse(bad[i][0], &s, err, sizeof err) == -1 && strstr(err, bad[i][1]) &&
              !strncmp(err, "--space: bad value", 18), "'%s': %s", bad[i][0], err);
    return check_summary("test_tune_space");
}
