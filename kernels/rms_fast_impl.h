/* rms_fast_impl.h -- the body of the fast kernels (rms_avx512_fast.c,
 * rms_avx2_fast.c), written once over a few vector macros that each file
 * defines for its width.  Not a header of an API: included once per kernel.
 *
 * What is fast: the exact kernels spend their time in the divide/sqrt unit
 * (vsqrtps + vdivps per element; 0.95-1.0 of the compute roof in cache).
 * Here both run on the FMA pipes instead, in one Newton-Raphson step on the
 * hardware estimate r0 of 1/sqrt(x) that also takes in eps:
 *   1/(sqrt(x) + eps) = r/(1 + eps r) ~ r (1 - eps r), r = 1/sqrt(x), and
 *   one Newton step on r0 gives r ~ (r0/2)(3 - x r0^2); with eps r0 for
 *   eps r in the correction (2 eps r |r0/r - 1|, counted in the bound):
 *   w = r0 (3 - r0 (x r0 + 2 eps)) = 2/(sqrt(x) + eps)
 * in three vector operations after the estimate (FMA, FNMA, multiply),
 * valid where x >= (2^12 eps)^2 (eps r <= 2^-12; eps inside the root: eps
 * = 0 here, x = var + eps); the plain rule then ends in one FNMA,
 * theta - (lr/2 g) w.  FMA also for v = beta*v + (1-beta)*g^2, which the
 * plain rule takes as v + (1-beta)(g^2 - v) where beta >= 1/2: two FMA-pipe
 * operations instead of three, and no less accurate there (FN(v_new)).  The
 * error bound is derived beside the rows in kernels/registry.c.  Per vector
 * of the plain rule: 7 FMA-pipe operations and the estimate; the range
 * check is done once per 64-byte line (FN(plain_line)).
 *
 * The estimates are valid for normal positive finite x only (rsqrt(0) = inf;
 * legacy RSQRTPS flushes denormals; rsqrt(inf) = 0), and the eps series
 * above only where x >= (2^12 eps)^2.  A lane outside that range (zero,
 * denormal, tiny, inf, NaN) takes the exact sqrt and division instead, so
 * those inputs give what the exact kernels give.  Masked-off lanes of an edge load 1.0 (never stored),
 * so edges take the estimates like the body.
 *
 * Every option of rms.h is supported, in fused's order of operations.
 * The including file defines:
 *   VT, W               vector type and floats per vector
 *   MT                  mask type of the edge loads/stores
 *   FN(name)            the kernel's name for a static helper
 *   V_SET1, V_LOADU, V_LOAD (aligned), V_STORE (aligned), V_STOREU,
 *   V_MASK_FIRST(r), V_MLOAD(mask, p) (1.0 in masked-off lanes),
 *   V_MSTORE(p, mask, x),
 *   V_ADD, V_SUB, V_MUL, V_MAX, V_SQRT, V_DIV,
 *   V_FMA(a,b,c) = a*b+c, V_FNMA(a,b,c) = c-a*b, V_FMS(a,b,c) = a*b-c,
 *   V_NEG(x), V_RSQRT(x) (the hardware estimate),
 *   NT, V_INRANGE(x, lo) lane mask (type NT): x in [lo, FLT_MAX], lo >= FLT_MIN
 *                       (lo is loop-invariant: what the macro derives from it
 *                       is hoisted)
 *   V_ALL(ok)           1 when every lane of the mask is on
 *   V_PICK(ok, a, b)    a where ok, else b
 *   LT, L_NONE(k), L_ADD(acc, x, k), L_ALLIN(acc, k)
 *                       the line filter: an accumulator over a line's x
 *                       that says "every lane in range" (L_ALLIN) only if
 *                       each lane is in [k->lo_out, FLT_MAX]; it may say no
 *                       for lanes in range (they then take FN(plain_fixline),
 *                       same bits, slower): AVX2 tests a window inside the
 *                       range with fewer operations (k->win_lo, k->win_mask)
 *   ALIGN               bytes the body's theta loads/stores are aligned to
 *   KERNEL_NAME         the exported step function */

typedef struct {
    VT lr, beta, omb, eps, mu, wd, lr_wd, bc, zero, half;
    VT lr_half, two_eps, three;
    VT lo_out, lo_in;   /* the smallest x the estimates take, eps outside/inside */
    VT win_lo, win_mask;  /* bits of the line filter's window (below) */
    int v_diff;         /* v + (1-beta)(g^2 - v) (FN(v_new)) */
    int lines;          /* the window is not empty: the body goes line by line */
} FN(coef);

static FN(coef) FN(coef_of)(const rms_cfg *c)
{
    rms_coef_f32 k = rms_coef_f32_of(c);
    FN(coef) q;
    q.lr = V_SET1(k.lr);
    q.beta = V_SET1(k.beta);
    q.omb = V_SET1(k.one_minus_beta);
    q.eps = V_SET1(k.eps);
    q.mu = V_SET1(k.mu);
    q.wd = V_SET1(k.wd);
    q.lr_wd = V_SET1(k.lr_wd);
    q.bc = V_SET1(k.bc_scale);
    q.zero = V_SET1(0.0f);
    q.half = V_SET1(0.5f);
    q.lr_half = V_SET1(0.5f * k.lr);   /* exact: a power-of-two scaling */
    q.two_eps = V_SET1(2.0f * k.eps);
    q.three = V_SET1(3.0f);
    /* eps outside the root: 1/(sqrt(x) + eps) = r/(1 + eps r) with r =
     * 1/sqrt(x) is taken as r (1 - eps r), exact to (eps r)^2 <= 2^-24 when
     * eps r <= 2^-12, i.e. x >= (2^12 eps)^2; below that, the exact path */
    float lo = 4096.0f * k.eps * 4096.0f * k.eps;
    lo = lo > FLT_MIN ? lo : FLT_MIN;
    q.lo_out = V_SET1(lo);
    q.lo_in = V_SET1(FLT_MIN);
    /* A cheaper line filter (where L_ADD uses it): x whose bits minus
     * win_lo's have no bit of win_mask set, i.e. x in [win_lo, win_lo
     * 2^(2^b / 2^23)) for the largest 2^b the span of bits up to FLT_MAX
     * holds (b = 30 for win_lo <= 1: 128 binades).  It must lie inside the
     * estimates' range [lo, FLT_MAX] (so win_lo >= lo, and the window stops
     * before inf); win_lo >= 2^-64 keeps it over ordinary v (eps = 0 would
     * put it at [2^-126, 4)): [2^-29, 2^99) for eps = 1e-8. */
    float win = lo > 0x1p-64f ? lo : 0x1p-64f;
    uint32_t win_bits;
    memcpy(&win_bits, &win, sizeof win_bits);
    /* no window when lo overflows (eps > ~1e15): no lane is in range, the
     * body then goes vector by vector (q.lines) */
    q.lines = win_bits < 0x7f800000u;
    uint32_t span = q.lines ? 0x7f800000u - win_bits : 1u, pow2 = 1u << 30;
    while (pow2 > span)
        pow2 >>= 1;
    uint32_t mask = ~(pow2 - 1u);
    float mask_f;
    memcpy(&mask_f, &mask, sizeof mask_f);
    q.win_lo = V_SET1(win);
    q.win_mask = V_SET1(mask_f);
    /* v = v + (1-beta)(g^2 - v) takes the coefficient of v as 1 - (float)(1 -
     * beta): within (1-beta)/beta u of beta, at most u (beta's own rounding)
     * for beta >= 1/2; below that the usual beta v + (1-beta) g^2 */
    q.v_diff = c->beta >= 0.5;
    return q;
}

/* w = 2/(sqrt(x) + eps) with eps2 = 2 eps, or 2/sqrt(x) with eps2 = 0 (eps
 * inside the root: x is var + eps), from the estimate: valid where x is in
 * range (above).  The caller halves w (exactly) or folds the 1/2 into a
 * coefficient. */
static inline VT FN(recip2)(VT x, VT eps2, const FN(coef) *k)
{
    VT r0 = V_RSQRT(x);
    VT t = V_FMA(x, r0, eps2);                  /* x r0 + 2 eps */
    return V_MUL(r0, V_FNMA(t, r0, k->three));   /* r0 (3 - r0 t) */
}

/* a / (sqrt(x) + eps) (eps_in_sqrt: a / sqrt(x), x = var + eps), lane by
 * lane: the estimate where x is in range, the exact sqrt and division
 * elsewhere (a rare vector pays for both).  Each lane depends on its own
 * inputs only, so a step gives the same bits however the array is split or
 * aligned (rms_step_multi relies on it). */
static inline VT FN(quotient)(VT a, VT x, int eps_in_sqrt, const FN(coef) *k)
{
    NT ok = V_INRANGE(x, eps_in_sqrt ? k->lo_in : k->lo_out);
    VT q = V_MUL(a, V_MUL(k->half, FN(recip2)(x, eps_in_sqrt ? k->zero : k->two_eps, k)));
    if (V_ALL(ok))
        return q;
    VT den = eps_in_sqrt ? V_SQRT(x) : V_ADD(V_SQRT(x), k->eps);
    return V_PICK(ok, q, V_DIV(a, den));
}

/* v = beta v + (1-beta) g^2.  With v_diff (beta >= 1/2, FN(coef_of)) as
 * v + (1-beta)(g^2 - v): two FMA-pipe operations, not three, and at most
 * 3u from the exact value (d = g^2 - v rounded once; (1-beta)|d| <= v_new
 * for beta >= 1/2; then the FMA; kernels/registry.c); v >= 0 stays >= 0
 * (d >= -v, so v + (1-beta) d >= beta v). */
static inline VT FN(v_new)(VT v, VT g, int v_diff, const FN(coef) *k)
{
    if (v_diff)
        return V_FMA(k->omb, V_FMS(g, g, v), v);
    return V_FMA(k->beta, v, V_MUL(k->omb, V_MUL(g, g)));
}

/* The plain rule: v = beta v + (1-beta) g^2; theta -= lr g / (sqrt(v)+eps):
 * theta - (lr/2 g) w in one FNMA.  Returns the lanes in range; the caller
 * fixes the others (plain_fix), so that one range test can cover a line. */
static inline NT FN(plain_est)(VT *th, VT *v, VT g, int v_diff, const FN(coef) *k)
{
    VT vn = FN(v_new)(*v, g, v_diff, k);
    *v = vn;
    VT est = V_FNMA(V_MUL(k->lr_half, g), FN(recip2)(vn, k->two_eps, k), *th);
    *th = est;
    return V_INRANGE(vn, k->lo_out);
}

/* Lanes out of range take the exact kernels' theta - (lr g)/(sqrt(v) + eps),
 * from theta before the step (th0) and v after it. */
static inline VT FN(plain_fix)(NT ok, VT th_est, VT th0, VT vn, VT g, const FN(coef) *k)
{
    return V_PICK(ok, th_est, V_SUB(th0, V_DIV(V_MUL(k->lr, g), V_ADD(V_SQRT(vn), k->eps))));
}

/* A lane out of range also takes beta v + (1-beta) g^2 for v: v + (1-beta)
 * (g^2 - v) is NaN for v = inf (inf - inf), where that gives inf. */
static inline void FN(plain)(VT *th, VT *v, VT g, const FN(coef) *k)
{
    VT th0 = *th, v0 = *v;
    NT ok = FN(plain_est)(th, v, g, k->v_diff, k);
    if (!V_ALL(ok)) {
        if (k->v_diff)
            *v = V_PICK(ok, *v, FN(v_new)(v0, g, 0, k));
        *th = FN(plain_fix)(ok, *th, th0, *v, g, k);
    }
}

/* The plain rule on the aligned vector at i. */
static inline void FN(plain_at)(size_t i, float *theta, float *v, const float *g,
                                const FN(coef) *k)
{
    VT th = V_LOAD(theta + i), vv = V_LOADU(v + i);
    FN(plain)(&th, &vv, V_LOADU(g + i), k);
    V_STORE(theta + i, th);
    V_STOREU(v + i, vv);
}

enum { LINE_VECS = 64 / (W * sizeof(float)) };

/* The rare line the filter flags: vector by vector as FN(plain), from
 * theta, v and g still unchanged in memory (the same bits as the body:
 * the estimates recomputed from the same inputs).  Out of line so that the
 * body keeps no inputs live for it. */
__attribute__((noinline)) static void FN(plain_fixline)(size_t i, float *theta, float *v,
                                                        const float *g, const FN(coef) *k)
{
    for (int j = 0; j < LINE_VECS; j++)
        FN(plain_at)(i + j * W, theta, v, g, k);
}

/* The plain rule on the aligned vectors at i .. i + LINE_VECS W (one 64-byte
 * line per stream), stored after one filter test for the line (LT, L_ADD:
 * on AVX2 ~1.5 operations per vector instead of a compare and half a
 * movemask).  always_inline: v_diff is a constant in each body. */
static inline __attribute__((always_inline)) void
FN(plain_line)(size_t i, float *theta, float *v, const float *g, int v_diff, const FN(coef) *k)
{
    VT th[LINE_VECS], vv[LINE_VECS];
    LT acc = L_NONE(k);
    for (int j = 0; j < LINE_VECS; j++) {
        vv[j] = V_LOADU(v + i + j * W);
        th[j] = V_LOAD(theta + i + j * W);
        (void)FN(plain_est)(&th[j], &vv[j], V_LOADU(g + i + j * W), v_diff, k);
        acc = L_ADD(acc, vv[j], k);
    }
    if (__builtin_expect(!L_ALLIN(acc, k), 0)) {
        FN(plain_fixline)(i, theta, v, g, k);
        return;
    }
    for (int j = 0; j < LINE_VECS; j++) {
        V_STORE(theta + i + j * W, th[j]);
        V_STOREU(v + i + j * W, vv[j]);
    }
}

/* The plain rule over the lines of [i, end): a prefetch per stream and a
 * filter test per line. */
static inline __attribute__((always_inline)) size_t
FN(plain_lines)(size_t i, size_t end, float *theta, float *v, const float *g, int v_diff,
                const FN(coef) *k)
{
    for (; i + LINE_VECS * W <= end; i += LINE_VECS * W) {
        rms_prefetch(theta + i);
        rms_prefetch(v + i);
        rms_prefetch(g + i);
        FN(plain_line)(i, theta, v, g, v_diff, k);
    }
    return i;
}

/* Every option, in the order of rms.h (and of fused_elem). */
static inline void FN(general)(VT *th, VT *v, VT *m, VT *b, VT g, const rms_cfg *c,
                               const FN(coef) *k)
{
    VT gi = c->maximize ? V_NEG(g) : g;
    if (c->weight_decay > 0.0 && !c->wd_decoupled)
        gi = V_FMA(k->wd, *th, gi);
    if (c->weight_decay > 0.0 && c->wd_decoupled)
        *th = V_FNMA(k->lr_wd, *th, *th);
    VT vn = V_FMA(k->beta, *v, V_MUL(k->omb, V_MUL(gi, gi)));
    *v = vn;
    VT var = vn;
    if (c->centered) {
        VT mn = V_FMA(k->beta, *m, V_MUL(k->omb, gi));
        *m = mn;
        /* max(0, x) keeps a NaN x, as fused's `if (var < 0) var = 0` does */
        var = V_MAX(k->zero, V_FNMA(mn, mn, vn));
    }
    if (c->bias_correction)
        var = V_MUL(var, k->bc);
    VT step = FN(quotient)(gi, c->eps_in_sqrt ? V_ADD(var, k->eps) : var, c->eps_in_sqrt, k);
    if (c->momentum > 0.0) {
        VT s = c->lr_in_momentum ? V_MUL(k->lr, step) : step;
        VT bn = V_FMA(k->mu, *b, s);
        *b = bn;
        VT upd = c->nesterov ? V_FMA(k->mu, bn, s) : bn;
        *th = c->lr_in_momentum ? V_SUB(*th, upd) : V_FNMA(k->lr, upd, *th);
    } else {
        *th = V_FNMA(k->lr, step, *th);
    }
}

/* r < W elements at offset i, through masked loads and stores. */
static void FN(edge)(size_t i, size_t r, float *theta, float *v, float *m, float *buf,
                     const float *g, const rms_cfg *c, const FN(coef) *k, int plain)
{
    if (r == 0)
        return;
    MT mk = V_MASK_FIRST(r);
    VT th = V_MLOAD(mk, theta + i), vv = V_MLOAD(mk, v + i), gg = V_MLOAD(mk, g + i);
    if (plain) {
        FN(plain)(&th, &vv, gg, k);
    } else {
        VT mm = c->centered ? V_MLOAD(mk, m + i) : k->zero;
        VT bb = c->momentum > 0.0 ? V_MLOAD(mk, buf + i) : k->zero;
        FN(general)(&th, &vv, &mm, &bb, gg, c, k);
        if (c->centered)
            V_MSTORE(m + i, mk, mm);
        if (c->momentum > 0.0)
            V_MSTORE(buf + i, mk, bb);
    }
    V_MSTORE(theta + i, mk, th);
    V_MSTORE(v + i, mk, vv);
}

void KERNEL_NAME(size_t n, float *theta, float *v, float *m, float *buf, const float *g,
                 const rms_cfg *c)
{
    const FN(coef) k = FN(coef_of)(c);
    const int plain = rms_cfg_is_plain(c);
    /* a masked head up to theta's ALIGN-byte boundary, an aligned body, a
     * masked tail, as in the exact kernels */
    size_t head = ((ALIGN - ((uintptr_t)theta & (ALIGN - 1))) & (ALIGN - 1)) / sizeof(float);
    if (head > n)
        head = n;
    FN(edge)(0, head, theta, v, m, buf, g, c, &k, plain);
    size_t i = head;
    const size_t body_end = head + (n - head) / W * W;
    if (plain) {
        /* a line (LINE_VECS vectors) per prefetch and per range test; one
         * body per formula of v */
        if (k.lines)
            i = k.v_diff ? FN(plain_lines)(i, body_end, theta, v, g, 1, &k)
                         : FN(plain_lines)(i, body_end, theta, v, g, 0, &k);
        for (; i < body_end; i += W)
            FN(plain_at)(i, theta, v, g, &k);
    } else {
        for (; i < body_end; i += W) {
            VT th = V_LOAD(theta + i), vv = V_LOADU(v + i);
            VT mm = c->centered ? V_LOADU(m + i) : k.zero;
            VT bb = c->momentum > 0.0 ? V_LOADU(buf + i) : k.zero;
            FN(general)(&th, &vv, &mm, &bb, V_LOADU(g + i), c, &k);
            V_STORE(theta + i, th);
            V_STOREU(v + i, vv);
            if (c->centered)
                V_STOREU(m + i, mm);
            if (c->momentum > 0.0)
                V_STOREU(buf + i, bb);
        }
    }
    FN(edge)(body_end, n - body_end, theta, v, m, buf, g, c, &k, plain);
}
