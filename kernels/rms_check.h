/* rms_check.h -- accuracy of the float kernels against ref64, shared by
 * `rmsbench check`, the kernel tests and perf's validation after timing.
 *
 * Error measure (SLEEF style): |float result - double reference| in units of
 * the float ulp at the exponent of max(|reference|, scale), NaN and Inf
 * handled first.  `scale` is the magnitude of the value the result was
 * updated from (every output is new = a*old + b): when a and b nearly cancel,
 * the float rounding of a*old -- a fraction of ulp(old) -- is a huge multiple
 * of ulp(new), though the kernel is as exact as float allows.  Measuring in
 * ulp of max(|new|, |old|) keeps the bound meaningful for every input while
 * still catching any real mistake (a wrong sign or term is thousands of ulp).
 * For theta and buf the scale also covers the terms the step adds (they can
 * cancel against the old value; with momentum lr*(1+mu)*(|buf_old|+|buf|)),
 * times the growth of the step's error when centered's v - m^2 cancels
 * (v/var, capped; rms_diff.c).  The one remaining ill-conditioned sum,
 * g + wd*theta under coupled decay, is kept well-conditioned by the random
 * data: g gets the sign that makes both terms agree (see rms_diff.c).
 *
 * To avoid compounding over steps, every step runs ref64 on the SAME inputs
 * (the float state converted to double) and compares each output element of
 * that one step (theta, v, and m / buf when the options use them). */
#ifndef RMS_CHECK_H
#define RMS_CHECK_H

#include <stdint.h>
#include "rms.h"

/* One float ulp at magnitude |x| (subnormal spacing below FLT_MIN). */
double rms_ulp_f32(double x);

/* Error of f against reference d in float ulp at max(|d|, scale); 0 when
 * both are the same NaN/Inf class, INFINITY when only one is non-finite. */
double rms_ulp_err(float f, double d, double scale);

/* Option combinations: eps_in_sqrt x centered x momentum {0, 0.9} x
 * lr_in_momentum x nesterov (momentum only) x weight decay {0, coupled,
 * decoupled} x bias_correction x maximize = 240 configs on top of base.
 * Fills up to max configs (and a label each, e.g. "sqrt+cent+mom-lr+nest")
 * and returns how many there are.  labels may be NULL. */
#define RMS_COMBO_LABEL 64
size_t rms_option_combos(const rms_cfg *base, rms_cfg *out,
                         char (*labels)[RMS_COMBO_LABEL], size_t max);
/* A few combinations that together switch every option on at least once
 * (plain first), for sizes where all 240 would take too long. */
size_t rms_option_combos_brief(const rms_cfg *base, rms_cfg *out,
                               char (*labels)[RMS_COMBO_LABEL], size_t max);

/* Result of one differential run: the worst element over all steps. */
typedef struct rms_diff {
    double worst_ulp;
    const char *array;     /* "theta", "v", "m" or "buf" of the worst one */
    size_t index;
    long step;
    float got;
    double want;
    size_t compared;       /* element comparisons made */
    int guard_broken;      /* the kernel wrote outside its n elements */
} rms_diff;

/* The measure of one step, shared by rms_diff_run (`rmsbench check`, the
 * kernel tests) and perf's validation: out[j] are the kernel's theta, v, m,
 * buf after the step, in[j] their values before it, ref[j] ref64's results
 * from the same inputs (j = 2 is used only when c->centered, j = 3 only when
 * c->momentum > 0; NULL otherwise).  Folds each element's error, in float
 * ulp of the scale described at the top, into *d (worst, where, how many;
 * d->index is relative to the arrays given). */
void rms_diff_step(const rms_cfg *c, size_t n, float *const out[4], float *const in[4],
                   double *const ref[4], long step, rms_diff *d);

/* Run kernel k for `steps` steps on n seeded random elements placed `offset`
 * floats past a 64-byte boundary (offset 1 = misaligned), comparing every
 * step with ref64 as described above, and checking that sentinels around the
 * arrays stay untouched.  0 on success, -1 on OOM. */
int rms_diff_run(const rms_kernel *k, const rms_cfg *c, size_t n,
                 size_t offset, long steps, uint64_t seed, rms_diff *out);

#endif
