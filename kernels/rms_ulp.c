/* rms_ulp.c -- the error measure of rms_check.h: float ulp at the
 * reference's exponent, non-finite values first (SLEEF testerutil). */
#include <float.h>
#include <math.h>
#include "rms_check.h"

double rms_ulp_f32(double x)
{
    x = fabs(x);
    if (x < FLT_MIN)
        return ldexp(1.0, -149);          /* subnormal spacing */
    if (x > FLT_MAX)
        x = FLT_MAX;
    int e;
    frexp(x, &e);                          /* x = f * 2^e, f in [0.5, 1) */
    return ldexp(1.0, e - 24);             /* 24-bit significand */
}

double rms_ulp_err(float f, double d, double scale)
{
    if (isnan(d))
        return isnan(f) ? 0.0 : INFINITY;
    float df = (float)d;                   /* beyond FLT_MAX: float says Inf */
    if (isinf(df))
        return f == df ? 0.0 : INFINITY;
    if (!isfinite(f))
        return INFINITY;
    double at = fmax(fabs(d), fabs(scale));
    return fabs((double)f - d) / rms_ulp_f32(at);
}
