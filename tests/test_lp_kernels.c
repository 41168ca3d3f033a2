/* test_lp_kernels.c -- low-precision state (rms_lp.h): every SIMD version
 * and omp (1, 2, 3 threads, forced split) give the reference's bits for
 * bf16 / f16 / q8, nearest and stochastic, every option combination, at
 * sizes 0, 1, odd, vector and block boundaries, with theta/g and the state
 * arrays misaligned; sentinels past the arrays stay untouched.  One step
 * against ref64 within the quantization's error model; stochastic rounding
 * unbiased (5-sigma bound on the mean of 2^17 roundings) and reproducible;
 * f16 nearest equals F16C's conversion; q8 round trip within its bound;
 * v >= 0 (and not NaN) after every step for adversarial gradients; the fast
 * versions (avx512_fast, avx2_fast) give the reference's state bits and
 * theta within their kernel's bound. */
#include <float.h>
#include <immintrin.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "rms.h"
#include "rms_check.h"
#include "rms_lp.h"

#define MAX_COMBOS 256
#define GUARD 32
static const size_t SIZES[] = { 0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 255, 256, 257, 1031 };
#define NSIZES (sizeof SIZES / sizeof SIZES[0])
static const rms_state_type TYPES[] = { RMS_STATE_BF16, RMS_STATE_F16, RMS_STATE_Q8 };

static uint64_t rng = 88172645463325252ull;
static double urand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) * 0x1p-53;
}

/* A state whose arrays sit `off` elements past their allocation (so they
 * are misaligned for off > 0), GUARD sentinel bytes after each. */
typedef struct tstate {
    rms_state_lp s;
    unsigned char *base[7];
    size_t bytes[7], start[7];
} tstate;

static void *carve(tstate *t, int k, size_t n, size_t sz, size_t off)
{
    t->bytes[k] = (n + off) * sz + GUARD;
    t->start[k] = off * sz;
    t->base[k] = malloc(t->bytes[k]);
    if (!t->base[k])
        abort();
    memset(t->base[k], 0xA5, t->bytes[k]);
    return t->base[k] + t->start[k];
}

static void tstate_make(tstate *t, size_t n, const rms_cfg *c, const rms_lp_opts *o, size_t off)
{
    memset(t, 0, sizeof *t);
    t->s.n = n;
    t->s.o = *o;
    int cent = c->centered != 0, mom = c->momentum > 0.0;
    if (o->type == RMS_STATE_Q8) {
        t->s.q = carve(t, 0, n, 1, off);
        t->s.scale = carve(t, 1, (n + o->block - 1) / o->block, 4, off);
        if (cent) t->s.m = carve(t, 2, n, 4, off);
        if (mom) t->s.buf = carve(t, 3, n, 4, off);
        for (size_t j = 0; j < (n + o->block - 1) / o->block; j++)
            t->s.scale[j] = ldexpf(1.0f, (int)(urand() * 20) - 15);
    } else {
        t->s.v16 = carve(t, 4, n, 2, off);
        if (cent) t->s.m16 = carve(t, 5, n, 2, off);
        if (mom) t->s.buf16 = carve(t, 6, n, 2, off);
    }
    for (size_t i = 0; i < n; i++) {
        /* v over many decades; q8 codes stay under the block's scale */
        float v = (float)(pow(10.0, -8.0 * urand()) * (o->type == RMS_STATE_Q8
                                ? t->s.scale[i / o->block] : 1.0));
        float m = (float)(0.01 * (urand() - 0.5)), b = (float)(1e-3 * (urand() - 0.5));
        rms_lp_set(&t->s, i, v, m, b);
    }
}

static void tstate_copy(tstate *d, const tstate *a)
{
    *d = *a;
    for (int k = 0; k < 7; k++) {
        if (!a->base[k])
            continue;
        d->base[k] = malloc(a->bytes[k]);
        if (!d->base[k])
            abort();
        memcpy(d->base[k], a->base[k], a->bytes[k]);
    }
    unsigned char **ptrs[7] = { (unsigned char **)&d->s.q, (unsigned char **)&d->s.scale,
                                (unsigned char **)&d->s.m, (unsigned char **)&d->s.buf,
                                (unsigned char **)&d->s.v16, (unsigned char **)&d->s.m16,
                                (unsigned char **)&d->s.buf16 };
    for (int k = 0; k < 7; k++)
        if (d->base[k])
            *ptrs[k] = d->base[k] + d->start[k];
}

static int tstate_same(const tstate *a, const tstate *b)
{
    for (int k = 0; k < 7; k++)
        if (a->base[k] && memcmp(a->base[k], b->base[k], a->bytes[k]) != 0)
            return 0;
    return 1;
}

static int tstate_guards_ok(const tstate *a)
{
    for (int k = 0; k < 7; k++)
        if (a->base[k])
            for (size_t j = a->bytes[k] - GUARD; j < a->bytes[k]; j++)
                if (a->base[k][j] != 0xA5)
                    return 0;
    return 1;
}

static void tstate_free(tstate *t)
{
    for (int k = 0; k < 7; k++)
        free(t->base[k]);
}

typedef struct version { const char *name; rms_lp_fn fn; int threads; } version;

/* State type TYPES[ti], rounding rnd, seed; q8 with blocks of 32 (many). */
static rms_lp_opts opts_of(size_t ti, int rnd, uint64_t seed)
{
    rms_lp_opts o = rms_lp_opts_default();
    o.type = TYPES[ti];
    o.rounding = (rms_rounding)rnd;
    o.seed = seed;
    o.block = o.type == RMS_STATE_Q8 ? 32 : RMS_Q8_BLOCK_DEFAULT;
    return o;
}

/* Step version f and the reference 3 times from one state; 1 when theta and
 * every state byte (and the sentinels) agree. */
static int same_as_ref(rms_lp_fn f, int threads, const rms_cfg *c, const rms_lp_opts *o,
                       size_t n, size_t off)
{
    tstate a, b;
    tstate_make(&a, n, c, o, off);
    tstate_copy(&b, &a);
    float *ta = malloc((n + off + 8) * 4), *tb = malloc((n + off + 8) * 4);
    float *g = malloc((n + off + 8) * 4);
    if (!ta || !tb || !g)
        abort();
    for (size_t i = 0; i < n + off + 8; i++)
        ta[i] = tb[i] = (float)(2.0 * urand() - 1.0);
    rms_set_threads(threads);
    int ok = 1;
    for (long t = 1; t <= 3; t++) {
        for (size_t i = 0; i < n + off + 8; i++)
            g[i] = (float)((2.0 * urand() - 1.0) * pow(10.0, -4.0 * urand()));
        rms_cfg cc = *c;
        cc.bc_scale = c->bias_correction ? 1.0 / (1.0 - pow(c->beta, (double)t)) : 1.0;
        f(0, n, ta + off, g + off, &a.s, &cc, t);
        rms_lp_step_ref(0, n, tb + off, g + off, &b.s, &cc, t);
    }
    rms_set_threads(1);
    ok = memcmp(ta, tb, (n + off + 8) * 4) == 0 && tstate_same(&a, &b) && tstate_guards_ok(&a);
    free(ta); free(tb); free(g);
    tstate_free(&a); tstate_free(&b);
    return ok;
}

static void test_bits(void)
{
    version vs[5];
    size_t nv = 0;
    unsigned isa = rms_cpu_isa();
    if ((isa & (RMS_ISA_AVX512F | RMS_ISA_AVX512VL)) == (RMS_ISA_AVX512F | RMS_ISA_AVX512VL))
        vs[nv++] = (version){ "avx512", rms_lp_step_avx512, 1 };
    if ((isa & (RMS_ISA_AVX2 | RMS_ISA_FMA | RMS_ISA_F16C)) ==
        (RMS_ISA_AVX2 | RMS_ISA_FMA | RMS_ISA_F16C))
        vs[nv++] = (version){ "avx2", rms_lp_step_avx2, 1 };
    vs[nv++] = (version){ "omp1", rms_lp_step_omp, 1 };
    vs[nv++] = (version){ "omp2", rms_lp_step_omp, 2 };
    vs[nv++] = (version){ "omp3", rms_lp_step_omp, 3 };
    rms_omp_force_min_n(1, 0);
    static rms_cfg full[MAX_COMBOS], brief[MAX_COMBOS];
    static char lab[MAX_COMBOS][RMS_COMBO_LABEL], blab[MAX_COMBOS][RMS_COMBO_LABEL];
    rms_cfg base = rms_cfg_default();
    base.lr = 0.01;
    base.v0 = 1e-4;
    size_t nfull = rms_option_combos(&base, full, lab, MAX_COMBOS);
    size_t nbrief = rms_option_combos_brief(&base, brief, blab, MAX_COMBOS);
    for (size_t ti = 0; ti < 3; ti++)
        for (int rnd = 0; rnd < 2; rnd++) {
            rms_lp_opts o = opts_of(ti, rnd, 7);
            for (size_t vi = 0; vi < nv; vi++) {
                int bad = 0;
                for (size_t si = 0; si < NSIZES; si++)
                    for (size_t off = 0; off < 2; off++) {
                        /* every combination on one thread; the teams get the brief set */
                        size_t nc = SIZES[si] <= 33 && vs[vi].threads == 1 ? nfull : nbrief;
                        for (size_t k = 0; k < nc && bad < 3; k++) {
                            const rms_cfg *c = nc == nfull ? &full[k] : &brief[k];
                            int ok = same_as_ref(vs[vi].fn, vs[vi].threads, c, &o, SIZES[si], off);
                            if (!ok)
                                bad++;
                            CHECK(ok, "%s %s %s n=%zu off=%zu %s: bits differ from the reference",
                                  vs[vi].name, rms_state_name(o.type), rms_rounding_name(o.rounding),
                                  SIZES[si], off, nc == nfull ? lab[k] : blab[k]);
                        }
                    }
                /* default block 256 and a block of 4096 with a short last block */
                rms_lp_opts o2 = o;
                if (o.type == RMS_STATE_Q8)
                    for (size_t b = 256; b <= 4096; b *= 16) {
                        o2.block = b;
                        CHECK(same_as_ref(vs[vi].fn, vs[vi].threads, &brief[0], &o2, 2 * b + 21, 1),
                              "%s q8 block %zu n=%zu: bits differ", vs[vi].name, b, 2 * b + 21);
                    }
            }
        }
    rms_omp_force_min_n(0, 0);
}

/* One step of a fast version (the fast kernels' quotient) and of the
 * reference from one state: every state byte but buf's (buf carries the
 * approximate quotient) the reference's, the sentinels untouched, theta
 * within tol ulp (rms_check.h's measure, scaled by the reference's step).
 * Returns the worst theta error, or INFINITY when a byte differs. */
static double fast_vs_ref(rms_lp_fn f, const rms_cfg *c, const rms_lp_opts *o, size_t n,
                          size_t off)
{
    tstate a, b;
    tstate_make(&a, n, c, o, off);
    tstate_copy(&b, &a);
    float *ta = malloc((n + off + 8) * 4), *tb = malloc((n + off + 8) * 4);
    float *t0 = malloc((n + off + 8) * 4), *g = malloc((n + off + 8) * 4);
    if (!ta || !tb || !t0 || !g)
        abort();
    for (size_t i = 0; i < n + off + 8; i++) {
        t0[i] = ta[i] = tb[i] = (float)(2.0 * urand() - 1.0);
        g[i] = (float)((2.0 * urand() - 1.0) * pow(10.0, -4.0 * urand()));
    }
    rms_cfg cc = *c;
    cc.bc_scale = c->bias_correction ? 1.0 / (1.0 - c->beta) : 1.0;
    f(0, n, ta + off, g + off, &a.s, &cc, 1);
    rms_lp_step_ref(0, n, tb + off, g + off, &b.s, &cc, 1);
    double worst = 0.0;
    for (size_t i = 0; i < n + off + 8; i++) {
        double e = rms_ulp_err(ta[i], tb[i], (double)t0[i] - tb[i]);
        worst = e > worst || isnan(e) ? e : worst;
    }
    for (int k = 0; k < 7; k++)   /* 3 and 6: buf (fp32 in q8, else 16-bit) */
        if (k != 3 && k != 6 && a.base[k] && memcmp(a.base[k], b.base[k], a.bytes[k]) != 0)
            worst = INFINITY;
    if (!tstate_guards_ok(&a))
        worst = INFINITY;
    free(ta); free(tb); free(t0); free(g);
    tstate_free(&a); tstate_free(&b);
    return isnan(worst) ? INFINITY : worst;
}

/* The fast versions (avx512_fast, avx2_fast with --state): v, m and the
 * stored state bit-exact, theta within the fast kernel's registry bound,
 * for every state, rounding, option combination, size and offset. */
static void test_fast(void)
{
    size_t nlp;
    const rms_lp_version *lv = rms_lp_versions(&nlp);
    static rms_cfg full[MAX_COMBOS];
    static char lab[MAX_COMBOS][RMS_COMBO_LABEL];
    rms_cfg base = rms_cfg_default();
    base.lr = 0.01;
    base.v0 = 1e-4;
    size_t nfull = rms_option_combos(&base, full, lab, MAX_COMBOS);
    int tested = 0;
    for (size_t vi = 0; vi < nlp; vi++) {
        const rms_kernel *k = rms_kernel_find(lv[vi].kernel);
        if (!lv[vi].fast || !k || (rms_cpu_isa() & lv[vi].isa) != lv[vi].isa)
            continue;
        tested++;
        CHECK(k->flags & RMS_KF_FAST, "%s: a fast state step on a kernel that is not fast",
              lv[vi].kernel);
        for (size_t ti = 0; ti < 3; ti++)
            for (int rnd = 0; rnd < 2; rnd++) {
                rms_lp_opts o = opts_of(ti, rnd, 11);
                double worst = 0.0;
                int bad = 0;
                for (size_t si = 0; si < NSIZES; si++)
                    for (size_t off = 0; off < 2; off++)
                        for (size_t c = 0; c < nfull && bad < 3; c++) {
                            double e = fast_vs_ref(lv[vi].fn, &full[c], &o, SIZES[si], off);
                            worst = e > worst ? e : worst;
                            if (!(e <= k->ulp_tol))
                                bad++;
                            CHECK(e <= k->ulp_tol, "%s %s %s n=%zu off=%zu %s: %s", lv[vi].kernel,
                                  rms_state_name(o.type), rms_rounding_name(o.rounding),
                                  SIZES[si], off, lab[c], isinf(e) ? "a state byte differs"
                                                                   : "theta beyond the bound");
                        }
                printf("  %-11s %-4s %-10s theta %.2f ulp of the reference (bound %d), state bits "
                       "equal\n", lv[vi].kernel, rms_state_name(o.type),
                       rms_rounding_name(o.rounding), worst, k->ulp_tol);
            }
    }
    if (!tested)
        printf("  no fast state step runs on this CPU\n");
}

/* One step from the same decoded state against ref64: theta within the
 * float kernels' ulp tolerance (the step uses the fp32 v), v within the
 * rounding of its storage: relative half step (nearest) or step
 * (stochastic) plus the float error, or the absolute step below the
 * format's normal range. */
static void test_ref64(void)
{
    const size_t n = 4099;
    rms_cfg c = rms_cfg_default();
    c.lr = 0.01;
    for (size_t ti = 0; ti < 3; ti++)
        for (int rnd = 0; rnd < 2; rnd++) {
            rms_lp_opts o = rms_lp_opts_default();
            o.type = TYPES[ti];
            o.rounding = (rms_rounding)rnd;
            tstate a;
            tstate_make(&a, n, &c, &o, 0);
            float *th = malloc(n * 4), *g = malloc(n * 4), *v_old = malloc(n * 4);
            float *told = malloc(n * 4);
            double *dt = malloc(n * 8), *dv = malloc(n * 8), *dg = malloc(n * 8);
            for (size_t i = 0; i < n; i++) {
                th[i] = (float)(2.0 * urand() - 1.0);
                g[i] = (float)((2.0 * urand() - 1.0) * pow(10.0, -3.0 * urand()));
                v_old[i] = rms_lp_v(&a.s, i);
                dt[i] = told[i] = th[i];
                dv[i] = v_old[i];
                dg[i] = g[i];
            }
            rms_cfg cc = c;
            rms_lp_best()(0, n, th, g, &a.s, &cc, 1);
            rms_step_ref64(n, dt, dv, NULL, NULL, dg, &cc);
            double worst_t = 0, worst_v = 0;
            int sr = rnd == RMS_ROUND_STOCHASTIC;
            for (size_t i = 0; i < n; i++) {
                double et = rms_ulp_err(th[i], dt[i], fmax(fabs(dt[i]), fabs(told[i])));
                worst_t = et > worst_t ? et : worst_t;
                double rel, absb;
                if (o.type == RMS_STATE_BF16) {
                    rel = sr ? 0x1p-7 : 0x1p-8;
                    absb = 0;
                } else if (o.type == RMS_STATE_F16) {
                    rel = sr ? 0x1p-10 : 0x1p-11;
                    absb = sr ? 0x1p-24 : 0x1p-25;
                } else {
                    rel = sr ? 0x1p-3 : 0x1p-4;
                    absb = (double)a.s.scale[i / o.block] * (sr ? 0x1p-33 : 0x1p-34);
                }
                double bound = rel * dv[i] + absb + 16 * rms_ulp_f32(dv[i]);
                double ev = fabs((double)rms_lp_v(&a.s, i) - dv[i]) / bound;
                worst_v = ev > worst_v ? ev : worst_v;
            }
            CHECK(worst_t <= 16, "%s %s: theta %.3g ulp from ref64 (tolerance 16)",
                  rms_state_name(o.type), rms_rounding_name(o.rounding), worst_t);
            CHECK(worst_v <= 1.0, "%s %s: v off ref64 by %.3g of its error bound",
                  rms_state_name(o.type), rms_rounding_name(o.rounding), worst_v);
            printf("  ref64 %-4s %-10s theta %.2f ulp, v %.2f of its bound\n",
                   rms_state_name(o.type), rms_rounding_name(o.rounding), worst_t, worst_v);
            free(th); free(g); free(v_old); free(told); free(dt); free(dv); free(dg);
            tstate_free(&a);
        }
}

/* Mean of N stochastic roundings of x, each with its own random word.
 * Each is down + (up - down) * Bernoulli(p), p = (x - down) / (up - down):
 * the mean's standard deviation is (up - down) sqrt(p (1 - p) / N); we
 * allow 5 of them (a false alarm once in ~1.7 million; the seeds are
 * fixed, so the outcome is reproducible).  Nearest rounding of the same x
 * is biased by (x - down) (or up - x), many sigma: the test can fail. */
#define SR_N (1 << 17)
static void check_unbiased(const char *what, double x, double down, double up,
                           double (*round1)(double x, rms_rounding m, uint32_t r))
{
    double sum = 0, sumn = 0;
    for (uint32_t i = 0; i < SR_N; i++) {
        sum += round1(x, RMS_ROUND_STOCHASTIC, rms_lp_random(3, 5, 0, i));
        sumn += round1(x, RMS_ROUND_NEAREST, 0);
    }
    double p = (x - down) / (up - down);
    double sigma = fabs(up - down) * sqrt(p * (1 - p) / SR_N);
    double bias = sum / SR_N - x, biasn = sumn / SR_N - x;
    CHECK(fabs(bias) <= 5 * sigma, "%s: stochastic mean off x by %.3g (5 sigma = %.3g)",
          what, bias, 5 * sigma);
    CHECK(fabs(biasn) > 5 * sigma, "%s: nearest should be biased here (%.3g vs %.3g)",
          what, biasn, 5 * sigma);
    printf("  unbiased %-22s |mean - x| = %.2f sigma (nearest: %.0f sigma)\n", what,
           fabs(bias) / sigma, fabs(biasn) / sigma);
}

static double bf16_1(double x, rms_rounding m, uint32_t r)
{
    return rms_lp_bf16_value(rms_lp_bf16_round((float)x, m, r));
}
static double f16_1(double x, rms_rounding m, uint32_t r)
{
    return rms_lp_f16_value(rms_lp_f16_round((float)x, m, r));
}
static double q8_1(double x, rms_rounding m, uint32_t r)
{
    return rms_lp_q8_value(rms_lp_q8_code((float)x, 0, m, r), 0);
}

static void test_stochastic(void)
{
    /* a quarter and 0.1 of the way between neighbours, normal and subnormal */
    check_unbiased("bf16 1 + 0.25 ulp", 1.0 + 0.25 * 0x1p-7, 1.0, 1.0 + 0x1p-7, bf16_1);
    check_unbiased("bf16 -3e-5 (0.1 ulp)", -(0x1p-16 + 0.1 * 0x1p-23), -0x1p-16, -(0x1p-16 + 0x1p-23), bf16_1);
    check_unbiased("f16 1 + 0.25 ulp", 1.0 + 0.25 * 0x1p-10, 1.0, 1.0 + 0x1p-10, f16_1);
    check_unbiased("f16 subnormal 3.1 * 2^-24", 3.1 * 0x1p-24, 3 * 0x1p-24, 4 * 0x1p-24, f16_1);
    check_unbiased("q8 0.5 + 0.2 step", 0.5 + 0.2 * 0x1p-4, 0.5, 0.5 + 0x1p-4, q8_1);
    check_unbiased("q8 subnormal 2.3 * 2^-33", 2.3 * 0x1p-33, 2 * 0x1p-33, 3 * 0x1p-33, q8_1);

    /* reproducible: the same key gives the same word; another seed, step,
     * stream or index another */
    CHECK(rms_lp_random(1, 2, 0, 3) == rms_lp_random(1, 2, 0, 3), "random is not a function");
    CHECK(rms_lp_random(1, 2, 0, 3) != rms_lp_random(2, 2, 0, 3), "seed is not in the key");
    CHECK(rms_lp_random(1, 2, 0, 3) != rms_lp_random(1, 3, 0, 3), "step is not in the key");
    CHECK(rms_lp_random(1, 2, 0, 3) != rms_lp_random(1, 2, 1, 3), "stream is not in the key");
    CHECK(rms_lp_random(1, 2, 0, 3) != rms_lp_random(1, 2, 0, 4), "index is not in the key");
    /* roughly uniform: each of the top 4 bits' 16 values within 5 sigma */
    unsigned hist[16] = { 0 };
    for (uint32_t i = 0; i < SR_N; i++)
        hist[rms_lp_random(9, 1, 0, i) >> 28]++;
    double e = SR_N / 16.0, sd = sqrt(SR_N * (1.0 / 16) * (15.0 / 16));
    int flat = 1;
    for (int k = 0; k < 16; k++)
        flat = flat && fabs(hist[k] - e) <= 5 * sd;
    CHECK(flat, "random words' top 4 bits are not uniform");

    /* a whole run: same seed, same bits at 1 and 2 threads; another seed
     * gives other bits */
    rms_cfg c = rms_cfg_default();
    c.momentum = 0.9;
    c.centered = 1;
    rms_lp_opts o = rms_lp_opts_default();
    o.type = RMS_STATE_BF16;
    o.rounding = RMS_ROUND_STOCHASTIC;
    o.seed = 11;
    tstate a, b, d;
    tstate_make(&a, 5000, &c, &o, 0);
    tstate_copy(&b, &a);
    tstate_copy(&d, &a);
    d.s.o.seed = 12;
    float *th = calloc(3 * 5000, 4), *g = malloc(5000 * 4);
    for (size_t i = 0; i < 5000; i++)
        g[i] = (float)(urand() - 0.5);
    rms_omp_force_min_n(1, 0);
    for (int threads = 1; threads <= 2; threads++) {
        rms_set_threads(threads);
        for (long t = 1; t <= 5; t++)
            rms_lp_step_omp(0, 5000, th + (threads - 1) * 5000, g, threads == 1 ? &a.s : &b.s, &c, t);
    }
    for (long t = 1; t <= 5; t++)
        rms_lp_step_omp(0, 5000, th + 2 * 5000, g, &d.s, &c, t);
    rms_set_threads(1);
    rms_omp_force_min_n(0, 0);
    CHECK(tstate_same(&a, &b) && memcmp(th, th + 5000, 5000 * 4) == 0,
          "stochastic bf16: 1 and 2 threads give different bits");
    CHECK(!tstate_same(&a, &d), "stochastic bf16: seeds 11 and 12 give the same bits");
    free(th); free(g);
    tstate_free(&a); tstate_free(&b); tstate_free(&d);
}

__attribute__((target("f16c"))) static uint16_t f16c_round(float x)
{
    return (uint16_t)_cvtss_sh(x, 0);
}

static void test_formats(void)
{
    /* f16 nearest = the hardware's conversion, over every exponent */
    if (__builtin_cpu_supports("f16c")) {
        int same = 1;
        for (int k = 0; k < 2000000 && same; k++) {
            uint32_t b = (uint32_t)(urand() * 4294967296.0);
            if (k % 2)   /* half of them near binary16's range */
                b = (b & 0x807fffffu) | ((uint32_t)(90 + (int)(urand() * 60)) << 23);
            float x;
            memcpy(&x, &b, 4);
            if (x != x)
                continue;
            same = rms_lp_f16_round(x, RMS_ROUND_NEAREST, 0) == f16c_round(x);
            if (!same)
                fprintf(stderr, "f16 nearest of %a: %#x, F16C %#x\n", x,
                        rms_lp_f16_round(x, RMS_ROUND_NEAREST, 0), f16c_round(x));
        }
        CHECK(same, "f16 nearest differs from F16C's conversion");
    }
    /* f16 and bf16 decode(encode) of every 16-bit pattern is the pattern */
    int rt = 1;
    for (uint32_t h = 0; h < 65536; h++) {
        float f = rms_lp_f16_value((uint16_t)h), b = rms_lp_bf16_value((uint16_t)h);
        if (f == f)
            rt = rt && rms_lp_f16_round(f, RMS_ROUND_NEAREST, 0) == h;
        if (b == b)
            rt = rt && rms_lp_bf16_round(b, RMS_ROUND_NEAREST, 0) == h;
    }
    CHECK(rt, "a 16-bit value does not encode back to its own bits");
    /* q8: every code decodes and encodes back; values increase with the code */
    int mono = 1, back = 1;
    for (int c = 0; c < 256; c++) {
        float x = rms_lp_q8_value((uint8_t)c, 0);
        if (c > 0)
            mono = mono && x > rms_lp_q8_value((uint8_t)(c - 1), 0);
        if (c <= 248)
            back = back && rms_lp_q8_code(x, 0, RMS_ROUND_NEAREST, 0) == c;
    }
    CHECK(mono && back, "q8 codes are not an increasing, invertible map");
    CHECK(rms_lp_q8_value(0, 5) == 0.0f && rms_lp_q8_value(248, 0) == 1.0f,
          "q8: code 0 is not 0 or 248 is not 1");
    /* q8 round trip within the bound of rms_lp.h, over 12 decades below the
     * block's max (v / scale in (2^-40, 1]) */
    double worst_n = 0, worst_s = 0;
    for (int k = 0; k < 200000; k++) {
        int ks = (int)(urand() * 60) - 30;
        float v = (float)(ldexp(1.0, ks) * pow(2.0, -40.0 * urand()));
        int ks2 = rms_lp_q8_exponent(v) + (int)(urand() * 3);
        double sc = ldexp(1.0, ks2);
        double en = fabs(rms_lp_q8_value(rms_lp_q8_code(v, ks2, RMS_ROUND_NEAREST, 0), ks2) - (double)v)
                    / fmax(v / 16.0, sc * 0x1p-34);
        double es = fabs(rms_lp_q8_value(rms_lp_q8_code(v, ks2, RMS_ROUND_STOCHASTIC,
                                                        (uint32_t)(urand() * 4294967296.0)), ks2) - (double)v)
                    / fmax(v / 8.0, sc * 0x1p-33);
        worst_n = en > worst_n ? en : worst_n;
        worst_s = es > worst_s ? es : worst_s;
    }
    CHECK(worst_n <= 1.0, "q8 nearest round trip %.3g of its bound max(v/16, 2^-34 scale)", worst_n);
    CHECK(worst_s <= 1.0, "q8 stochastic round trip %.3g of its bound max(v/8, 2^-33 scale)", worst_s);
    printf("  q8 round trip: nearest %.3f, stochastic %.3f of the bound\n", worst_n, worst_s);
}

/* v >= 0 and not NaN after every step, whatever the gradient. */
static void test_adversarial(void)
{
    const float gs[] = { 0.0f, -0.0f, 1e30f, -1e30f, FLT_MAX, 1e-45f, -1e-40f, 1e-20f, 3.0f };
    const size_t n = 77;
    rms_cfg plain = rms_cfg_default(), opts = rms_cfg_default();
    opts.centered = 1;
    opts.momentum = 0.9;
    opts.bias_correction = 1;
    opts.eps_in_sqrt = 1;
    const rms_cfg *cs[] = { &plain, &opts };
    for (size_t ti = 0; ti < 3; ti++)
        for (int rnd = 0; rnd < 2; rnd++)
            for (int ci = 0; ci < 2; ci++) {
                rms_lp_opts o = rms_lp_opts_default();
                o.type = TYPES[ti];
                o.rounding = (rms_rounding)rnd;
                o.block = o.type == RMS_STATE_Q8 ? 16 : RMS_Q8_BLOCK_DEFAULT;
                rms_state_lp s;
                if (rms_state_lp_init(&s, n, cs[ci], &o) != 0)
                    abort();
                float th[77], g[77];
                int ok = 1;
                for (size_t i = 0; i < n; i++)
                    th[i] = 1.0f;
                for (int t = 0; t < 40; t++) {
                    for (size_t i = 0; i < n; i++)
                        g[i] = gs[(i + (size_t)t * 3) % (sizeof gs / sizeof gs[0])];
                    rms_lp_step(rms_lp_best(), &s, th, g, cs[ci]);
                    for (size_t i = 0; i < n; i++) {
                        float v = rms_lp_v(&s, i);
                        ok = ok && v >= 0.0f;
                    }
                }
                CHECK(ok, "%s %s %s: v < 0 or NaN after a step", rms_state_name(o.type),
                      rms_rounding_name(o.rounding), ci ? "options" : "plain");
                rms_state_lp_free(&s);
            }
}

/* o's state options laid on c, checked as run checks them (rms_cfg_validate). */
static int lpv(const rms_lp_opts *o, const rms_cfg *c, char *err, size_t len)
{
    rms_cfg x = *c;
    x.state = (int)o->type;
    x.state_rounding = (int)o->rounding;
    x.state_block = (int)o->block;
    return rms_cfg_validate(&x, err, len);
}

static void test_validate(void)
{
    char err[256];
    rms_cfg c = rms_cfg_default();
    rms_lp_opts o = rms_lp_opts_default();
    CHECK(lpv(&o, &c, err, sizeof err) == 0, "default refused: %s", err);
    o.type = RMS_STATE_Q8;
    o.block = 0;
    CHECK(lpv(&o, &c, err, sizeof err) != 0 && strstr(err, "state_block"),
          "block 0 accepted");
    o.block = 24;
    CHECK(lpv(&o, &c, err, sizeof err) != 0, "block 24 accepted");
    o.block = 4096 + 16;
    CHECK(lpv(&o, &c, err, sizeof err) != 0, "block 4112 accepted");
    o = rms_lp_opts_default();
    o.rounding = RMS_ROUND_STOCHASTIC;
    CHECK(lpv(&o, &c, err, sizeof err) != 0 && strstr(err, "state_rounding"),
          "f32 with stochastic rounding accepted");
    o = rms_lp_opts_default();
    o.type = RMS_STATE_BF16;
    o.block = 64;
    CHECK(lpv(&o, &c, err, sizeof err) != 0, "bf16 with a block accepted");
    CHECK(rms_state_parse("bf16") == RMS_STATE_BF16 && rms_state_parse("q4") == -1,
          "state names");
    c.centered = 1;
    c.momentum = 0.5;
    o = rms_lp_opts_default();
    o.type = RMS_STATE_Q8;
    CHECK(fabs(rms_lp_state_bytes_per_param(&o, &c) - (1 + 4.0 / 256 + 8)) < 1e-12,
          "q8 bytes per parameter with m and buf");
    o.type = RMS_STATE_BF16;
    CHECK(rms_lp_state_bytes_per_param(&o, &c) == 6.0, "bf16 bytes per parameter");
}

int main(void)
{
    test_validate();
    test_formats();
    test_stochastic();
    test_adversarial();
    test_ref64();
    test_bits();
    test_fast();
    return check_summary("test_lp_kernels");
}
