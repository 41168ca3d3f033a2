/* test_kernels_fast.c -- what the fast kernels (avx512_fast, avx2_fast) add
 * to test_kernels_diff.c's sweep (which holds them to their registry bound
 * at every size, alignment and option): inputs where the hardware estimates
 * are not valid (v or the denominator's argument zero, denormal, huge,
 * infinite) take the exact path and agree with ref64 like every kernel; the
 * estimates really are used (the bits differ from the exact kernel of the
 * same width somewhere, else this kernel would be no faster); that the
 * line filter of the body (one test per 64-byte line, on AVX2 a window
 * inside the estimates' range) gives every element the bits it gets
 * stepped alone; and "auto" never picks a fast kernel. */
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

/* v values for the line filter: every binade's first value and the one
 * below it, both signs of zero, denormals, the extremes, inf and NaN (so
 * the window's and the range's edges for any eps are crossed) */
static size_t filter_values(float *out)
{
    size_t n = 0;
    for (int e = -149; e <= 127; e++) {
        out[n++] = ldexpf(1.0f, e);
        out[n++] = nextafterf(ldexpf(1.0f, e), 0.0f);
    }
    static const float EXTRA[] = { 0.0f, -0.0f, -1.0f, -1e-40f, FLT_MAX, INFINITY, NAN,
                                   1.6777216e-9f, 5.7e29f, 3e38f };
    for (size_t i = 0; i < sizeof EXTRA / sizeof EXTRA[0]; i++)
        out[n++] = EXTRA[i];
    return n;
}

/* One value at position pos of an ordinary array of FN_N elements starting
 * off floats past a 64-byte boundary: every element's theta and v bits as
 * when it is stepped alone (n = 1: the masked edge, one range test per
 * vector).  Returns the elements that differ. */
enum { FN_N = 40 };
static int filter_case(const rms_kernel *k, const rms_cfg *c, float val, size_t pos, size_t off)
{
    _Alignas(64) float th[FN_N + 16], v[FN_N + 16], g[FN_N + 16];
    float th1[FN_N], v1[FN_N];
    for (size_t i = 0; i < FN_N; i++) {
        th[off + i] = 0.5f - 0.01f * (float)i;
        v[off + i] = i == pos ? val : 0.01f + 0.02f * (float)i;
        g[off + i] = 0.05f * (float)((i * 7) % 11) - 0.25f;
    }
    for (size_t i = 0; i < FN_N; i++) {
        th1[i] = th[off + i];
        v1[i] = v[off + i];
        k->f32(1, &th1[i], &v1[i], NULL, NULL, &g[off + i], c);
    }
    k->f32(FN_N, th + off, v + off, NULL, NULL, g + off, c);
    int bad = 0;
    for (size_t i = 0; i < FN_N; i++)
        bad += memcmp(&th[off + i], &th1[i], sizeof(float)) != 0 ||
               memcmp(&v[off + i], &v1[i], sizeof(float)) != 0;
    return bad;
}

/* The filter over eps (0: the window from 2^-64; 1e-8; 1: a narrower one;
 * 1e20: (2^12 eps)^2 overflows, no lane is in range)
 * and beta (0.9: v as v + (1-beta)(g^2 - v); 0.3: beta v + (1-beta) g^2),
 * the value at the ends and inside of the body's lines, aligned or not. */
static void test_line_filter(const rms_kernel *k)
{
    static float vals[600];
    size_t nv = filter_values(vals);
    static const double EPS[] = { 0.0, 1e-8, 1.0, 1e20 }, BETA[] = { 0.9, 0.3 };
    static const size_t POS[] = { 0, 7, 8, 15, 16, 31, 33 };
    rms_cfg c = rms_cfg_default();
    long cases = 0, bad = 0;
    for (size_t e = 0; e < sizeof EPS / sizeof EPS[0]; e++)
        for (size_t b = 0; b < 2; b++) {
            c.eps = EPS[e];
            c.beta = BETA[b];
            for (size_t vi = 0; vi < nv; vi++)
                for (size_t p = 0; p < sizeof POS / sizeof POS[0]; p++)
                    for (size_t off = 0; off < 2; off++, cases++) {
                        int f = filter_case(k, &c, vals[vi], POS[p], off);
                        if (f && bad++ < 5)
                            CHECK(0, "%s eps %g beta %g v %g at %zu offset %zu: %d elements "
                                  "differ from the same element stepped alone", k->name,
                                  EPS[e], BETA[b], (double)vals[vi], POS[p], off, f);
                    }
        }
    CHECK(bad == 0, "%s line filter: %ld of %ld cases differ", k->name, bad, cases);
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
        test_line_filter(k);
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
