/* test_perf.c -- the measuring core of `rmsbench perf`: its figures are
 * consistent (gbps = 20 B x n / time, ratios = roof time / kernel time,
 * cycles = ns x GHz, min <= median <= max), every kernel in the registry
 * validates, and validation after timing rejects deliberately wrong kernels
 * (a perturbed element, a skipped last element, a NaN, wrong v) on 1 and 2
 * threads.  Results only: no timing threshold anywhere. */
#include <math.h>
#include <string.h>
#include "check.h"
#include "perf/perf.h"

static void wrong_theta(size_t n, float *theta, float *v, float *m, float *buf,
                        const float *g, const rms_cfg *c)
{
    rms_step_fused(n, theta, v, m, buf, g, c);
    theta[n / 2] += 1e-4f * theta[n / 2];         /* ~800 ulp on one element */
}

static void skips_last(size_t n, float *theta, float *v, float *m, float *buf,
                       const float *g, const rms_cfg *c)
{
    if (n > 1)
        rms_step_fused(n - 1, theta, v, m, buf, g, c);
}

static void nan_out(size_t n, float *theta, float *v, float *m, float *buf,
                    const float *g, const rms_cfg *c)
{
    rms_step_fused(n, theta, v, m, buf, g, c);
    theta[0] = NAN;
}

static void wrong_v(size_t n, float *theta, float *v, float *m, float *buf,
                    const float *g, const rms_cfg *c)
{
    (void)m, (void)buf;
    const float lr = (float)c->lr, beta = (float)c->beta, eps = (float)c->eps;
    for (size_t i = 0; i < n; i++) {   /* v forgets its decay: v = g^2 */
        v[i] = g[i] * g[i];
        theta[i] -= lr * g[i] / (sqrtf(v[i]) + eps);
    }
    (void)beta;
}

static double rel(double a, double b) { return fabs(a - b) / fabs(b); }

static void check_consistent(const perf_result *r, const char *what)
{
    CHECK(r->ns_per_elem > 0 && isfinite(r->ns_per_elem), "%s: ns_per_elem %g", what, r->ns_per_elem);
    CHECK(r->ns_per_elem_min <= r->ns_per_elem && r->ns_per_elem <= r->ns_per_elem_max,
          "%s: min %g <= median %g <= max %g", what, r->ns_per_elem_min, r->ns_per_elem,
          r->ns_per_elem_max);
    CHECK(rel(r->gbps, 20.0 / r->ns_per_elem) < 1e-12, "%s: gbps %g != 20/%g", what, r->gbps,
          r->ns_per_elem);
    CHECK(r->roof_ns_per_elem > 0 && rel(r->roof_ratio, r->roof_ns_per_elem / r->ns_per_elem) < 1e-12,
          "%s: roof_ratio %g", what, r->roof_ratio);
    CHECK(r->compute_roof_ns_per_elem > 0 &&
          rel(r->compute_roof_ratio, r->compute_roof_ns_per_elem / r->ns_per_elem) < 1e-12,
          "%s: compute_roof_ratio %g", what, r->compute_roof_ratio);
    CHECK(r->clock_ghz == 0 || rel(r->cycles_per_elem, r->ns_per_elem * r->clock_ghz) < 1e-12,
          "%s: cycles_per_elem %g", what, r->cycles_per_elem);
    CHECK(r->clean_reps >= 0 && r->clean_reps <= r->reps, "%s: clean_reps %d of %d", what,
          r->clean_reps, r->reps);
    /* 2^22 element-steps per rep, unless the time budget cut them */
    CHECK(r->inner >= 1 && ((double)r->inner * (double)r->n >= (double)(1 << 22) ||
                            r->budget_limited),
          "%s: a rep covers %zu x %zu element-steps", what, r->inner, r->n);
}

/* Every low-precision roof loop moves the step's bytes: one call adds g to
 * every theta and changes every stored state element (v16 or the q8 codes,
 * m, buf, each block's scale), a second call with the opposite sign undoes
 * all of it; on 1 and 2 threads, at a size with a tail (1031). */
static void lp_roofs_touch_everything(void)
{
    const size_t n = 1031;
    rms_cfg c = rms_cfg_default();
    c.centered = 1;
    c.momentum = 0.9;
    const rms_state_type types[] = { RMS_STATE_BF16, RMS_STATE_Q8 };
    for (int v = 0; v < perf_roof_lp_variant_count(); v++)
        for (int ti = 0; ti < 2; ti++)
            for (int th = 1; th <= 2; th++) {
                if (!perf_roof_lp_variant_runs(v))
                    continue;
                const char *name = perf_roof_lp_variant_name(v);
                rms_lp_opts o = rms_lp_opts_default();
                o.type = types[ti];
                o.block = 64;
                rms_state_lp s, s0;
                float *theta = rms_alloc(n, sizeof(float)), *g = rms_alloc(n, sizeof(float));
                float *t0 = rms_alloc(n, sizeof(float));
                rms_state_lp_init(&s, n, &c, &o);
                rms_state_lp_init(&s0, n, &c, &o);
                for (size_t i = 0; i < n; i++) {
                    theta[i] = t0[i] = (float)i;
                    g[i] = 1.0f;
                    rms_lp_set(&s, i, 1e-3f * (float)(i % 13 + 1), 0.5f, 0.25f);
                    rms_lp_set(&s0, i, 1e-3f * (float)(i % 13 + 1), 0.5f, 0.25f);
                }
                if (o.type == RMS_STATE_Q8)
                    for (size_t b = 0; b < (n + 63) / 64; b++)
                        s.scale[b] = s0.scale[b] = 1.0f;
                perf_roof_memory_lp(v, th, n, theta, g, &s, 1.0f);
                size_t same = 0;
                for (size_t i = 0; i < n; i++) {
                    same += theta[i] != t0[i] + 1.0f;
                    same += s.v16 ? s.v16[i] == s0.v16[i] : s.q[i] == s0.q[i];
                    same += s.m16 ? s.m16[i] == s0.m16[i] : s.m[i] == s0.m[i];
                    same += s.buf16 ? s.buf16[i] == s0.buf16[i] : s.buf[i] == s0.buf[i];
                    same += s.scale && i % 64 == 0 && s.scale[i / 64] == s0.scale[i / 64];
                }
                CHECK(same == 0, "%s %s, %d threads: %zu elements untouched", name,
                      rms_state_name(o.type), th, same);
                perf_roof_memory_lp(v, th, n, theta, g, &s, -1.0f);
                size_t differ = 0;
                for (size_t i = 0; i < n; i++) {
                    differ += theta[i] != t0[i];
                    differ += s.v16 ? s.v16[i] != s0.v16[i] : s.q[i] != s0.q[i];
                    differ += s.m16 ? s.m16[i] != s0.m16[i] : s.m[i] != s0.m[i];
                    differ += s.buf16 ? s.buf16[i] != s0.buf16[i] : s.buf[i] != s0.buf[i];
                }
                CHECK(differ == 0, "%s %s, %d threads: %zu elements not restored", name,
                      rms_state_name(o.type), th, differ);
                rms_state_lp_free(&s);
                rms_state_lp_free(&s0);
                rms_free(theta);
                rms_free(g);
                rms_free(t0);
            }
}

int main(void)
{
    perf_opts o = { .reps = 2, .cfg = rms_cfg_default(), .clock_ghz = 3.0, .seed = 7 };
    perf_result r;
    char err[512];

    /* every float kernel of the table validates through perf, 1 and 2 threads */
    size_t nk;
    const rms_kernel *t = rms_kernels(&nk);
    for (size_t i = 0; i < nk; i++) {
        if (!t[i].f32 || !rms_kernel_supported(&t[i]))
            continue;
        for (int th = 1; th <= 2; th++) {
            int rc = perf_measure(&t[i], 1031, th, &o, &r, err, sizeof err);
            CHECK(rc == 0 && r.validated, "%s, %d threads: rc %d: %s", t[i].name, th, rc, err);
            CHECK(r.max_ulp <= t[i].ulp_tol, "%s: max_ulp %g", t[i].name, r.max_ulp);
            CHECK(strcmp(r.kernel, t[i].name) == 0 && r.n == 1031 && r.threads == th,
                  "%s: row identity", t[i].name);
            check_consistent(&r, t[i].name);
        }
    }

    /* the options path validates too (centered + momentum use m and buf) */
    const rms_kernel *fused = rms_kernel_find("fused");
    perf_opts oc = o;
    oc.cfg.centered = 1;
    oc.cfg.momentum = 0.9;
    CHECK(perf_measure(fused, 257, 1, &oc, &r, err, sizeof err) == 0, "centered+momentum: %s", err);

    /* deliberately wrong kernels are rejected, whatever the threading */
    const rms_kernel bad[] = {
        { "wrong_theta", wrong_theta, NULL, RMS_ISA_NONE, 4, "one element off", 0 },
        { "skips_last", skips_last, NULL, RMS_ISA_NONE, 4, "last element untouched", 0 },
        { "nan_out", nan_out, NULL, RMS_ISA_NONE, 4, "a NaN", 0 },
        { "wrong_v", wrong_v, NULL, RMS_ISA_NONE, 4, "v without decay", 0 },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        for (int th = 1; th <= 2; th++) {
            int rc = perf_measure(&bad[i], 4099, th, &o, &r, err, sizeof err);
            CHECK(rc == 1 && !r.validated, "%s, %d threads: accepted (rc %d)", bad[i].name, th, rc);
            CHECK(strstr(err, bad[i].name) != NULL, "%s: message '%s'", bad[i].name, err);
            CHECK(r.max_ulp > 4, "%s: max_ulp %g", bad[i].name, r.max_ulp);
            check_consistent(&r, bad[i].name);   /* the timing is still reported */
        }

    /* a budget far too small for 2^22 element-steps: one step per rep, said
     * so, and 1 element on 2 threads is named as not the kernel's figure */
    perf_opts ob = o;
    ob.budget_s = 1e-9;
    CHECK(perf_measure(fused, 1, 2, &ob, &r, err, sizeof err) == 0, "budget: %s", err);
    CHECK(r.inner == 1 && r.budget_limited, "budget: inner %zu, limited %d", r.inner,
          r.budget_limited);
    CHECK(r.caveat && strstr(r.caveat, "hand-off"), "n = 1 on 2 threads: caveat '%s'",
          r.caveat ? r.caveat : "(none)");
    check_consistent(&r, "budget");
    CHECK(perf_measure(fused, 1 << 16, 1, &o, &r, err, sizeof err) == 0 && !r.caveat,
          "n = 2^16 on 1 thread is a meaningful figure: '%s'", r.caveat ? r.caveat : "");

    /* what cannot be timed says so */
    const rms_kernel ref = { "ref64", NULL, rms_step_ref64, RMS_ISA_NONE, 0, "", 0 };
    CHECK(perf_measure(&ref, 100, 1, &o, &r, err, sizeof err) == -1, "ref64 has no f32 step");
    CHECK(perf_measure(fused, 0, 1, &o, &r, err, sizeof err) == -1, "n = 0 is refused");

    lp_roofs_touch_everything();
    return check_summary("test_perf");
}
