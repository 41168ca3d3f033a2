/* perf.c -- perf_measure: warm up, time kernel and roofs interleaved (each
 * repetition runs kernel, memory roof, compute roof in turn, so a burst of
 * noise from the other users of the machine hits all three), take medians,
 * then validate the kernel on fresh inputs against ref64. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "perf/perf.h"
#include "rms_check.h"
#include "rms_util.h"
#include "sys/timing.h"

/* A timed repetition covers at least this many element-steps, so small n
 * are timed over many back-to-back steps (in cache, as in a training loop)
 * and the clock's granularity does not matter. */
#define PERF_MIN_ELEMS_PER_REP ((size_t)1 << 22)
#define PERF_ATTEMPTS 3

/* Fresh inputs in ranges where float and double agree to a few ulp: |theta|
 * in [0.5, 2] so the update never cancels theta to nearly zero, v in
 * [0.01, 1], |g| in [0.1, 1] (no denormals); m and buf small, with g's sign,
 * so v - m^2 stays well above zero for the centered rule. */
static float uniform(uint64_t *s, float lo, float hi)
{
    return lo + (hi - lo) * (float)((rms_rng_next(s) >> 40) * (1.0 / 16777216.0));
}

static float sign(uint64_t *s)
{
    return (rms_rng_next(s) >> 63) ? -1.0f : 1.0f;
}

void perf_fill_stream(uint64_t *s, size_t n, float *theta, float *v, float *m, float *buf,
                      float *g)
{
    for (size_t i = 0; i < n; i++) {
        theta[i] = sign(s) * uniform(s, 0.5f, 2.0f);
        v[i] = uniform(s, 0.01f, 1.0f);
        g[i] = sign(s) * uniform(s, 0.1f, 1.0f);
        /* m and buf share g's sign so their updates do not cancel */
        if (m)
            m[i] = g[i] * uniform(s, 0.0f, 0.05f);
        if (buf)
            buf[i] = g[i] * uniform(s, 0.0f, 1e-3f);
    }
}

uint64_t perf_fill_seed(unsigned long long seed)
{
    return seed * 2654435761ull + 1;   /* the shared RNG (rms_util.h) */
}

static void fill(size_t n, float *theta, float *v, float *m, float *buf, float *g,
                 unsigned long long seed)
{
    uint64_t s = perf_fill_seed(seed);
    perf_fill_stream(&s, n, theta, v, m, buf, g);
}

/* One step of k on fresh inputs through the same threaded path, checked
 * chunk by chunk against ref64 so the doubles never need n elements. */
static int validate(const rms_kernel *k, size_t n, int threads, const rms_cfg *c,
                    unsigned long long seed, float *theta, float *v, float *m,
                    float *buf, float *g, double *max_ulp, char *err, size_t errlen)
{
    enum { CHUNK = 1 << 16 };
    fill(n, theta, v, m, buf, g, seed);
    size_t count = n < CHUNK ? n : CHUNK;
    double *dt = rms_alloc(count, sizeof *dt), *dv = rms_alloc(count, sizeof *dv);
    double *dm = m ? rms_alloc(count, sizeof *dm) : NULL;
    double *db = buf ? rms_alloc(count, sizeof *db) : NULL;
    double *dg = rms_alloc(count, sizeof *dg);
    float *ft = rms_alloc(n, sizeof *ft), *fv = rms_alloc(n, sizeof *fv);
    float *fm = m ? rms_alloc(n, sizeof *fm) : NULL;
    float *fb = buf ? rms_alloc(n, sizeof *fb) : NULL;
    int rc = -1;
    if (!dt || !dv || !dg || (m && (!dm || !fm)) || (buf && (!db || !fb)) || !ft || !fv) {
        snprintf(err, errlen, "out of memory validating n = %zu", n);
        goto out;
    }
    /* keep the inputs: the kernel overwrites theta, v, m, buf in place */
    memcpy(ft, theta, n * sizeof *ft);
    memcpy(fv, v, n * sizeof *fv);
    if (m)
        memcpy(fm, m, n * sizeof *fm);
    if (buf)
        memcpy(fb, buf, n * sizeof *fb);
    perf_exec(k, threads, n, theta, v, m, buf, g, c);
    /* the measure of `rmsbench check` (rms_check.h: ulp of the old value
     * and the step's terms), one chunk of ref64 at a time */
    rms_diff d = { .worst_ulp = 0, .array = "theta" };
    size_t where = 0;
    for (size_t lo = 0; lo < n; lo += CHUNK) {
        size_t len = n - lo < CHUNK ? n - lo : CHUNK;
        for (size_t i = 0; i < len; i++) {
            dt[i] = ft[lo + i];
            dv[i] = fv[lo + i];
            dg[i] = g[lo + i];
            if (m)
                dm[i] = fm[lo + i];
            if (buf)
                db[i] = fb[lo + i];
        }
        rms_step_ref64(len, dt, dv, dm, db, dg, c);
        float *const out[4] = { theta + lo, v + lo, m ? m + lo : NULL, buf ? buf + lo : NULL };
        float *const in[4] = { ft + lo, fv + lo, m ? fm + lo : NULL, buf ? fb + lo : NULL };
        double *const ref[4] = { dt, dv, dm, db };
        double before = d.worst_ulp;
        rms_diff_step(c, len, out, in, ref, 1, &d);
        if (!(d.worst_ulp <= before))   /* a new worst (or NaN) in this chunk */
            where = lo + d.index;
    }
    double worst = isnan(d.worst_ulp) ? INFINITY : d.worst_ulp;
    const char *what = d.array;
    *max_ulp = worst;
    if (worst > k->ulp_tol) {
        snprintf(err, errlen, "kernel '%s' is wrong at n = %zu, %d thread(s): %s[%zu] "
                 "is %.3g ulp from ref64 (tolerance %d ulp)",
                 k->name, n, threads, what, where, worst, k->ulp_tol);
        rc = 1;
    } else {
        rc = 0;
    }
out:
    rms_free(dt); rms_free(dv); rms_free(dm); rms_free(db); rms_free(dg);
    rms_free(ft); rms_free(fv); rms_free(fm); rms_free(fb);
    return rc;
}

/* What one timed block runs: `inner` back-to-back steps of the kernel or of
 * one of the roofs.  The memory roof alternates the sign it adds g with, so
 * theta and v stay ordinary numbers however often it runs. */
typedef struct perf_block {
    const rms_kernel *k;
    int threads;
    size_t n, inner;
    float *theta, *v, *m, *buf, *g;
    const rms_cfg *c;
    float roof_sign;
    rms_state_lp *lp;     /* low-precision state, else NULL */
    rms_lp_fn lp_fn;
    int roof_variant;     /* the memory roof's loop: perf_roof_mem.c's, or
                           * perf_roof_lp.c's with lp */
} perf_block;

enum { BLOCK_KERNEL, BLOCK_MEMORY_ROOF, BLOCK_COMPUTE_ROOF };

static long involuntary_switches(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_nivcsw : -1;
}

/* Time one block.  On a machine shared with other busy users a block is
 * often switched out in the middle (SPEC: noisy, 2 cores), which multiplies
 * its time: such a sample (an involuntary context switch of any of our
 * threads during it, from getrusage) is timed again, up to PERF_ATTEMPTS
 * times; if every attempt was switched out, the fastest one is kept and
 * *clean = 0. */
static uint64_t run_block(perf_block *b, int what)
{
    uint64_t t0 = rms_now_ns();
    for (size_t j = 0; j < b->inner; j++) {
        if (what == BLOCK_KERNEL && b->lp) {
            perf_exec_lp(b->lp_fn, b->threads, b->n, b->theta, b->g, b->lp, b->c, 1);
        } else if (what == BLOCK_KERNEL) {
            perf_exec(b->k, b->threads, b->n, b->theta, b->v, b->m, b->buf, b->g, b->c);
        } else if (what == BLOCK_MEMORY_ROOF) {
            if (b->lp)
                perf_roof_memory_lp(b->roof_variant, b->threads, b->n, b->theta, b->g, b->lp,
                                    b->roof_sign);
            else
                perf_roof_memory_variant(b->roof_variant, b->threads, b->n, b->theta, b->v,
                                         b->g, b->roof_sign);
            b->roof_sign = -b->roof_sign;
        } else {
            perf_roof_compute(b->threads, b->n, rms_cpu_isa());
        }
    }
    return rms_now_ns() - t0;
}

uint64_t perf_time_clean(void (*run)(void *), void *arg, int *clean, uint64_t deadline)
{
    uint64_t best = UINT64_MAX;
    for (int attempt = 0; attempt < PERF_ATTEMPTS; attempt++) {
        long cs0 = involuntary_switches();
        uint64_t t0 = rms_now_ns();
        run(arg);
        uint64_t dt = rms_now_ns() - t0;
        if (involuntary_switches() == cs0) {
            *clean = 1;
            return dt;
        }
        if (dt < best)
            best = dt;
        if (rms_now_ns() > deadline)
            break;
    }
    *clean = 0;
    return best;
}

typedef struct block_call { perf_block *b; int what; } block_call;

static void run_call(void *arg)
{
    block_call *c = arg;
    run_block(c->b, c->what);
}

/* Retries stop at the configuration's deadline: on a busy machine every
 * sample may be switched out, and three attempts of each would triple a
 * configuration's time. */
static uint64_t time_block(perf_block *b, int what, int *clean, uint64_t deadline)
{
    block_call c = { b, what };
    return perf_time_clean(run_call, &c, clean, deadline);
}

/* The fastest memory roof loop for b (f32, or b->lp's state): each
 * runnable variant timed `rounds` times, interleaved; *ns its best timing. */
static int pick_roof(perf_block *b, int rounds, double *ns)
{
    const int lp = b->lp != NULL;
    const int count = lp ? perf_roof_lp_variant_count() : perf_roof_variant_count();
    int best = 0, clean;
    double best_ns = INFINITY;
    if (rounds < 1)
        rounds = 1;
    /* the fastest timing of each loop (a roof is a limit: its best showing
     * counts; the first round also warms pages and caches for the rest) */
    for (int r = 0; r < rounds; r++)
        for (int i = 0; i < count; i++) {
            if (!(lp ? perf_roof_lp_variant_runs(i) : perf_roof_variant_runs(i)))
                continue;
            b->roof_variant = i;
            double t = (double)time_block(b, BLOCK_MEMORY_ROOF, &clean, 0) /
                       ((double)b->inner * (double)b->n);
            if (t < best_ns) {
                best_ns = t;
                best = i;
            }
        }
    *ns = best_ns;
    return best;
}

int perf_roof_best(int threads, size_t n, float *theta, float *v, const float *g,
                   int rounds, size_t inner, double *ns)
{
    /* by default a quarter of a repetition per timing (>= 2^20
     * element-steps), no retry (deadline 0): the choice costs 6 loops x
     * rounds quarter-blocks */
    const size_t min_elems = PERF_MIN_ELEMS_PER_REP / 4;
    if (inner == 0)
        inner = n >= min_elems ? 1 : (min_elems + n - 1) / n;
    perf_block b = { .threads = threads, .n = n, .inner = inner, .theta = theta, .v = v,
                     .g = (float *)g, .roof_sign = 1.0f };
    return pick_roof(&b, rounds, ns);
}

/* Steps per timed block: enough for 2^22 element-steps, cut so that the
 * warm-up and reps (three blocks each: kernel and two roofs) fit in the
 * budget, as measured by one block of a single step of each. */
static size_t choose_inner(perf_block *b, int reps, double budget_s, int *limited)
{
    size_t want = b->n >= PERF_MIN_ELEMS_PER_REP ? 1
                : (PERF_MIN_ELEMS_PER_REP + b->n - 1) / b->n;
    b->inner = 1;
    double one = 0;
    for (int what = BLOCK_KERNEL; what <= BLOCK_COMPUTE_ROOF; what++)
        one += (double)run_block(b, what);
    double fit = budget_s * 1e9 / ((double)(reps + 1) * (one > 1 ? one : 1));
    *limited = fit < (double)want;
    return *limited ? (fit >= 1 ? (size_t)fit : 1) : want;
}

int perf_measure(const rms_kernel *k, size_t n, int threads, const perf_opts *o,
                 perf_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (!k->f32) {
        snprintf(err, errlen, "kernel '%s' has no float32 step to time", k->name);
        return -1;
    }
    if (n == 0 || threads < 1 || o->reps < 1) {
        snprintf(err, errlen, "nothing to time (n = %zu, threads = %d, reps = %d)",
                 n, threads, o->reps);
        return -1;
    }
    /* every timed step is step 1 (its bias correction) */
    const rms_cfg c = rms_cfg_at_step(&o->cfg, 1);
    float *theta = rms_alloc(n, sizeof(float)), *v = rms_alloc(n, sizeof(float));
    float *g = rms_alloc(n, sizeof(float));
    float *m = c.centered ? rms_alloc(n, sizeof(float)) : NULL;
    float *buf = c.momentum > 0 ? rms_alloc(n, sizeof(float)) : NULL;
    double *kt = calloc((size_t)o->reps, sizeof *kt);
    double *rt = calloc((size_t)o->reps, sizeof *rt);
    double *ct = calloc((size_t)o->reps, sizeof *ct);
    int rc = -1;
    const int low = o->lp.type != RMS_STATE_F32;
    rms_state_lp lp;
    rms_lp_fn lp_fn = NULL;
    int have_lp = 0;
    if (low && !(lp_fn = rms_lp_for_kernel(k, err, errlen)))
        goto out;
    if (!theta || !v || !g || (c.centered && !m) || (c.momentum > 0 && !buf) ||
        !kt || !rt || !ct || (low && !(have_lp = rms_state_lp_init(&lp, n, &c, &o->lp) == 0))) {
        snprintf(err, errlen, "out of memory for n = %zu", n);
        goto out;
    }
    fill(n, theta, v, m, buf, g, o->seed);
    if (low)
        perf_lp_fill(&lp, v, m, buf);
    perf_block blk = { k, threads, n, 1, theta, v, m, buf, g, &c, 1.0f,
                       low ? &lp : NULL, lp_fn, 0 };
    double budget = o->budget_s > 0 ? o->budget_s : PERF_BUDGET_S;
    uint64_t deadline = rms_now_ns() + (uint64_t)(budget * 1e9);
    size_t inner = blk.inner = choose_inner(&blk, o->reps, budget, &r->budget_limited);
    /* the memory roof's loop: the fastest of its variants here (f32's, or
     * the state's own: perf_roof_lp.c), 2 rounds of quarter-blocks (so
     * within the budget too) */
    double pick_ns;
    perf_block pick = blk;
    pick.inner = inner / 4 ? inner / 4 : 1;
    int variant = blk.roof_variant = pick_roof(&pick, 2, &pick_ns);
    double elems = (double)inner * (double)n;
    int clean = 0;
    /* rep -1 is the warm-up: faults the pages in, fills caches, wakes cores.
     * Odd reps time the memory roof before the kernel, so neither always
     * inherits the other's cache and prefetcher state. */
    for (int rep = -1; rep < o->reps; rep++) {
        uint64_t dk = 0, dr, dc;
        int ck = 0, cr, cc;
        if (rep % 2 == 0)
            dk = time_block(&blk, BLOCK_KERNEL, &ck, deadline);
        dr = time_block(&blk, BLOCK_MEMORY_ROOF, &cr, deadline);
        if (rep % 2 != 0)
            dk = time_block(&blk, BLOCK_KERNEL, &ck, deadline);
        dc = time_block(&blk, BLOCK_COMPUTE_ROOF, &cc, deadline);
        if (rep >= 0) {
            kt[rep] = (double)dk / elems;
            rt[rep] = (double)dr / elems;
            ct[rep] = (double)dc / elems;
            clean += ck;
        }
        /* many kernel steps drift theta; fresh values now and then (outside
         * the timed parts) keep every rep on ordinary inputs */
        if (rep % 8 == 7) {
            fill(n, theta, v, m, buf, g, o->seed + (unsigned long long)rep);
            if (low)
                perf_lp_fill(&lp, v, m, buf);
        }
    }
    r->kernel = perf_lp_label(k, o->lp.type);
    r->state = rms_state_name(o->lp.type);
    r->bytes_per_elem = perf_bytes_per_elem(&o->lp, &c);
    r->clean_reps = clean;
    /* fewer elements than a cache line per thread: the time is the threads'
     * hand-off and the call, not the kernel's work per element */
    if ((size_t)threads > 1 && n < (size_t)threads * 16)
        r->caveat = "fewer than 16 elements per thread: the time is the threads' hand-off, "
                    "not the kernel";
    else if (inner * n < PERF_MIN_ELEMS_PER_REP / 64 && r->budget_limited)
        r->caveat = "the time budget allowed too few element-steps per repetition for a "
                    "stable figure (raise --budget)";
    r->source = "rmsbench";
    r->compute_roof_isa = perf_roof_compute_isa(rms_cpu_isa());
    r->n = n;
    r->threads = threads;
    r->reps = o->reps;
    r->inner = inner;
    r->threading = (k->isa & RMS_ISA_OPENMP) ? "kernel" : threads > 1 ? "split" : "none";
    r->ns_per_elem = rms_median(kt, (size_t)o->reps);
    r->ns_per_elem_min = kt[0];
    r->ns_per_elem_max = kt[o->reps - 1];
    r->roof_ns_per_elem = rms_median(rt, (size_t)o->reps);
    r->roof_variant = low ? perf_roof_lp_variant_name(variant) : perf_roof_variant_name(variant);
    r->compute_roof_ns_per_elem = rms_median(ct, (size_t)o->reps);
    r->gbps = r->ns_per_elem > 0 ? r->bytes_per_elem / r->ns_per_elem : 0;
    r->roof_ratio = r->ns_per_elem > 0 ? r->roof_ns_per_elem / r->ns_per_elem : 0;
    r->compute_roof_ratio = r->ns_per_elem > 0 ? r->compute_roof_ns_per_elem / r->ns_per_elem : 0;
    r->clock_ghz = o->clock_ghz;
    r->cycles_per_elem = r->ns_per_elem * o->clock_ghz;
    if (low) {
        fill(n, theta, v, m, buf, g, o->seed + 0x5eed);
        perf_lp_fill(&lp, v, m, buf);
        /* the bits of the reference, or (fast kernels) theta within their bound */
        rc = perf_lp_validate(lp_fn, threads, n, theta, g, &lp, &c,
                              (k->flags & RMS_KF_FAST) ? k->ulp_tol : 0, &r->max_ulp, err,
                              errlen);
    } else {
        rc = validate(k, n, threads, &c, o->seed + 0x5eed, theta, v, m, buf, g,
                      &r->max_ulp, err, errlen);
    }
    r->validated = rc == 0;
out:
    if (have_lp)
        rms_state_lp_free(&lp);
    rms_free(theta); rms_free(v); rms_free(g); rms_free(m); rms_free(buf);
    free(kt); free(rt); free(ct);
    return rc;
}
