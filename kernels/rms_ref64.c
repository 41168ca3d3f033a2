/* rms_ref64.c -- the double-precision reference kernel: the oracle every
 * float variant is checked against, and the code Frama-C proves
 * (proofs/proofs.mk).  Kept deliberately plain: one element function, the
 * config copied to a local value (proofs need it by value). */
#include <math.h>
#include "rms.h"

static void ref64_elem_plain(double *tp, double *vp, double gv, double lr,
                             double beta, double eps)
{
    *vp = beta * *vp + (1.0 - beta) * gv * gv;
    *tp -= lr * gv / (sqrt(*vp) + eps);
}

static void ref64_elem(double *tp, double *vp, double *mp, double *bp,
                       double gv, rms_cfg c)
{
    double gi = c.maximize ? -gv : gv;
    if (c.weight_decay > 0.0 && !c.wd_decoupled)
        gi += c.weight_decay * *tp;
    if (c.weight_decay > 0.0 && c.wd_decoupled)
        *tp -= c.lr * c.weight_decay * *tp;
    *vp = c.beta * *vp + (1.0 - c.beta) * gi * gi;
    double var;
    if (c.centered) {
        *mp = c.beta * *mp + (1.0 - c.beta) * gi;
        var = *vp - *mp * *mp;
        if (var < 0.0)
            var = 0.0;   /* rounding can make v - m^2 negative: never sqrt it */
    } else {
        var = *vp;
    }
    if (c.bias_correction)
        var = var * c.bc_scale;
    double den = c.eps_in_sqrt ? sqrt(var + c.eps) : sqrt(var) + c.eps;
    double step = gi / den;
    if (c.momentum > 0.0) {
        double s = c.lr_in_momentum ? c.lr * step : step;
        *bp = c.momentum * *bp + s;
        double upd = c.nesterov ? s + c.momentum * *bp : *bp;
        *tp -= c.lr_in_momentum ? upd : c.lr * upd;
    } else {
        *tp -= c.lr * step;
    }
}

void rms_step_ref64(size_t n, double *theta, double *v, double *m, double *buf,
                    const double *g, const rms_cfg *c)
{
    const rms_cfg cc = *c;
    if (rms_cfg_is_plain(&cc)) {
        for (size_t i = 0; i < n; i++)
            ref64_elem_plain(&theta[i], &v[i], g[i], cc.lr, cc.beta, cc.eps);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        double *mi = cc.centered ? &m[i] : NULL;
        double *bi = cc.momentum > 0.0 ? &buf[i] : NULL;
        ref64_elem(&theta[i], &v[i], mi, bi, g[i], cc);
    }
}
