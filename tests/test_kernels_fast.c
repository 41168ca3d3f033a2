/* test_kernels_fast.c -- what the fast kernels (avx512_fast, avx2_fast) add
 * to test_kernels_diff.c's sweep (which holds them to their registry bound
 * at every size, alignment and option): inputs where the hardware estimates
 * are not valid (v or the denominator's argument zero, denormal, huge,
 * infinite) take the exact path and agree with ref64 like every kernel; the
 * estimates really are used (the bits differ from the exact kernel of the
 * same width somewhere, else this kernel would be no faster); and "auto"
 * never picks a fast kernel. */
#include <float.h>
#include <math.h>
#include <string.h>
#include "check.h"
#include "rms.h"
#include "rms_check.h"

#define N 64

/* One step of k and of ref64 from the same state; the worst ulp over theta
 * and v (rms_check.h's measure, scale = the old value). */
static double one_step(const rms_kernel *k, const rms_cfg *c, const float *th0,
                       const float *v0, const float *g, size_t n)
{
    float th[N], v[N], m[N], b[N];
    double dth[N], dv[N], dm[N], db[N], dg[N];
    for (size_t i = 0; i < n; i++) {
        th[i] = th0[i]; v[i] = v0[i]; m[i] = 0; b[i] = 0;
        dth[i] = th0[i]; dv[i] = v0[i]; dm[i] = 0; db[i] = 0; dg[i] = g[i];
    }
    k->f32(n, th, v, m, b, g, c);
    rms_step_ref64(n, dth, dv, dm, db, dg, c);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fmax(rms_ulp_err(th[i], dth[i], th0[i]), rms_ulp_err(v[i], dv[i], v0[i]));
        if (!(e <= worst))
            worst = isnan(e) ? INFINITY : e;
    }
    return worst;
}

int main(void)
{
    static const float VS[] = { 0.0f, 1e-40f, FLT_MIN, 1e-30f, 0.5f, 1e30f, INFINITY };
    static const float GS[] = { 0.0f, 1e-22f, 0.75f, -1e15f };
    float th0[N], v0[N], g[N];
    size_t n = 0;
    for (size_t a = 0; a < sizeof VS / sizeof VS[0]; a++)
        for (size_t b = 0; b < sizeof GS / sizeof GS[0]; b++, n++) {
            th0[n] = 1.0f + 0.125f * (float)n;
            v0[n] = VS[a];
            g[n] = GS[b];
        }
    size_t nk;
    const rms_kernel *ks = rms_kernels(&nk);
    rms_cfg base = rms_cfg_default();
    base.bc_scale = 1.0;
    int fast_seen = 0;
    for (size_t ki = 0; ki < nk; ki++) {
        const rms_kernel *k = &ks[ki];
        if (!k->f32 || !rms_kernel_supported(k))
            continue;
        /* special values, with eps outside and inside the root, centered;
         * every kernel (so an exact kernel that disagrees shows the data
         * is out of reach, not that the fast one is wrong) */
        for (int opt = 0; opt < 3; opt++) {
            rms_cfg c = base;
            c.eps_in_sqrt = opt == 1;
            c.centered = opt == 2;
            double w = one_step(k, &c, th0, v0, g, n);
            CHECK(w <= k->ulp_tol, "%s special values (option set %d): %.3g ulp > %d", k->name,
                  opt, w, k->ulp_tol);
        }
        if (!(k->flags & RMS_KF_FAST))
            continue;
        fast_seen++;
        /* the estimates are used: ordinary inputs, some bits differ from
         * the exact kernel of the same width */
        const rms_kernel *exact = rms_kernel_find(strcmp(k->name, "avx512_fast") ? "avx2" : "avx512");
        float a_th[1024], a_v[1024], b_th[1024], b_v[1024], gg[1024];
        for (int i = 0; i < 1024; i++) {
            a_th[i] = b_th[i] = 0.0f;   /* theta = -update: every bit of it shows */
            a_v[i] = b_v[i] = 0.01f + 0.0007f * (float)i;
            gg[i] = 0.05f * (float)((i * 37) % 29) - 0.7f;
        }
        k->f32(1024, a_th, a_v, NULL, NULL, gg, &base);
        exact->f32(1024, b_th, b_v, NULL, NULL, gg, &base);
        int differ = 0;
        for (int i = 0; i < 1024; i++)
            differ += memcmp(&a_th[i], &b_th[i], sizeof(float)) != 0;
        CHECK(differ > 0, "%s gives the bits of %s everywhere: estimates not used?", k->name,
              exact->name);
        printf("%s: %d of 1024 theta differ from %s in their bits\n", k->name, differ,
               exact->name);
    }
    /* auto picks an exact kernel, whatever the CPU; fastest a fast one when
     * the CPU runs one, else auto's */
    char err[256];
    const rms_kernel *au = rms_kernel_select("auto", err, sizeof err);
    CHECK(au && !(au->flags & RMS_KF_FAST), "auto picked %s", au ? au->name : err);
    const rms_kernel *fa = rms_kernel_select("fastest", err, sizeof err);
    CHECK(fa && (fast_seen ? (fa->flags & RMS_KF_FAST) != 0 : fa == au),
          "fastest picked %s", fa ? fa->name : err);
    if (!fast_seen)
        printf("SKIP: this CPU runs no fast kernel\n");
    return check_summary("fast kernels");
}
