/* test_kernels_ulp.c -- the measuring instrument of rms_check.h: float ulp
 * sizes at known exponents, error counts in ulp, NaN/Inf first, the scale
 * argument, and the option-combination table. */
#include <float.h>
#include <math.h>
#include <string.h>
#include "check.h"
#include "rms_check.h"

int main(void)
{
    /* ulp of a float at 1 is 2^-23, at 1.5 too, at 0.75 it is 2^-24 */
    CHECK(rms_ulp_f32(1.0) == 0x1p-23, "ulp(1) = %a", rms_ulp_f32(1.0));
    CHECK(rms_ulp_f32(1.5) == 0x1p-23, "ulp(1.5) = %a", rms_ulp_f32(1.5));
    CHECK(rms_ulp_f32(0.75) == 0x1p-24, "ulp(0.75) = %a", rms_ulp_f32(0.75));
    CHECK(rms_ulp_f32(-1024.0) == 0x1p-13, "ulp(-1024) = %a", rms_ulp_f32(-1024.0));
    CHECK(rms_ulp_f32(FLT_MIN) == 0x1p-149, "ulp(FLT_MIN) = %a", rms_ulp_f32(FLT_MIN));
    CHECK(rms_ulp_f32(1e-42) == 0x1p-149, "subnormal spacing");
    CHECK(rms_ulp_f32(0.0) == 0x1p-149, "ulp(0)");

    /* errors: the next float above 1 is 1 ulp away; half-way is 0.5 */
    CHECK(rms_ulp_err(1.0f, 1.0, 0.0) == 0.0, "exact");
    CHECK(rms_ulp_err(nextafterf(1.0f, 2.0f), 1.0, 0.0) == 1.0, "one ulp");
    CHECK(rms_ulp_err(1.0f, 1.0 + 0x1p-24, 0.0) == 0.5, "half an ulp");
    CHECK(rms_ulp_err(-3.0f, -3.0 - 1.5 * 0x1p-22, 0.0) == 1.5, "1.5 ulp at -3 (ulp 2^-22)");
    /* at the reference's exponent: just below 1 the ulp is 2^-24 */
    CHECK(rms_ulp_err(1.0f, 1.0 - 0x1p-24, 0.0) == 1.0, "ulp taken at the reference");

    /* scale: the same absolute error in ulp of a larger old value */
    CHECK(rms_ulp_err(0x1p-20f, 0x1p-20 + 0x1p-40, 1.0) == 0x1p-40 / 0x1p-23,
          "scale 1 turns 2^-40 into 2^-17 ulp");
    CHECK(rms_ulp_err(1.0f, 1.0 + 0x1p-23, 4.0) == 0.25, "scale 4: ulp 2^-21");

    /* NaN and Inf first */
    CHECK(rms_ulp_err(NAN, NAN, 0.0) == 0.0, "NaN against NaN");
    CHECK(isinf(rms_ulp_err(1.0f, NAN, 0.0)), "finite against NaN");
    CHECK(isinf(rms_ulp_err(NAN, 1.0, 0.0)), "NaN against finite");
    CHECK(rms_ulp_err(INFINITY, INFINITY, 0.0) == 0.0, "Inf against Inf");
    CHECK(isinf(rms_ulp_err(-INFINITY, INFINITY, 0.0)), "-Inf against Inf");
    CHECK(isinf(rms_ulp_err(FLT_MAX, INFINITY, 0.0)), "FLT_MAX against Inf");
    CHECK(rms_ulp_err(INFINITY, 1e300, 0.0) == 0.0, "beyond float range is Inf in float");
    CHECK(isinf(rms_ulp_err(INFINITY, 1.0, 0.0)), "Inf against 1");

    /* the option table: 240 distinct, valid configs; nesterov only with momentum */
    static rms_cfg cs[300];
    static char lab[300][RMS_COMBO_LABEL];
    rms_cfg base = rms_cfg_default();
    size_t n = rms_option_combos(&base, cs, lab, 300);
    CHECK(n == 2 * 2 * 5 * 3 * 2 * 2, "240 combinations, got %zu", n);
    int dup = 0, bad = 0, plain = 0;
    for (size_t i = 0; i < n; i++) {
        char err[128];
        bad += rms_cfg_validate(&cs[i], err, sizeof err) != 0;
        plain += rms_cfg_is_plain(&cs[i]);
        for (size_t j = 0; j < i; j++)
            dup += strcmp(lab[i], lab[j]) == 0;
    }
    CHECK(dup == 0, "%d duplicate labels", dup);
    CHECK(bad == 0, "%d invalid configs", bad);
    CHECK(plain == 1 && strcmp(lab[0], "plain") == 0, "exactly one plain config, first");
    return check_summary("ulp measure");
}
