/* perf_model_time.c -- `rmsbench perf --model`: one multi-tensor step
 * (rms_step_multi) over every tensor of a model, timed interleaved with the
 * memory roof over the same tensors, split the same way (the physical limit:
 * one pass over theta, v and g of every tensor), then validated against
 * ref64 tensor by tensor; printing and recording of the rows. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "perf/perf_model.h"
#include "rms_check.h"
#include "rms_util.h"

/* The model's state: one allocation per array per tensor (64-byte aligned,
 * as a framework's parameters are), and the kernel's view of them. */
typedef struct model_state {
    size_t nt;
    rms_tensor *t;
} model_state;

static void state_free(model_state *s)
{
    for (size_t i = 0; s->t && i < s->nt; i++) {
        rms_free(s->t[i].theta); rms_free(s->t[i].v); rms_free(s->t[i].m);
        rms_free(s->t[i].buf); rms_free((float *)s->t[i].g);
    }
    free(s->t);
    memset(s, 0, sizeof *s);
}

/* Tensor i's inputs come from its own stream (seed + i), so validation can
 * draw them again chunk by chunk without keeping a copy of the model. */
static void state_fill(model_state *s, unsigned long long seed)
{
    for (size_t i = 0; i < s->nt; i++) {
        uint64_t st = perf_fill_seed(seed + i);
        perf_fill_stream(&st, s->t[i].n, s->t[i].theta, s->t[i].v, s->t[i].m, s->t[i].buf,
                         (float *)s->t[i].g);
    }
}

static int state_alloc(model_state *s, const perf_model *m, const rms_cfg *c)
{
    s->nt = m->ntensors;
    s->t = calloc(s->nt, sizeof *s->t);
    if (!s->t)
        return -1;
    for (size_t i = 0; i < s->nt; i++) {
        rms_tensor *t = &s->t[i];
        t->n = m->n[i];
        t->theta = rms_alloc(t->n, sizeof(float));
        t->v = rms_alloc(t->n, sizeof(float));
        t->g = rms_alloc(t->n, sizeof(float));
        t->m = c->centered ? rms_alloc(t->n, sizeof(float)) : NULL;
        t->buf = c->momentum > 0 ? rms_alloc(t->n, sizeof(float)) : NULL;
        if (!t->theta || !t->v || !t->g || (c->centered && !t->m) || (c->momentum > 0 && !t->buf))
            return -1;
    }
    return 0;
}

/* The memory roof as a step function for rms_step_multi: the variant and
 * sign are read from here (set by the one caller before each call, never
 * while a step runs). */
static int roof_variant_now;
static float roof_sign_now = 1.0f;

static void roof_step(size_t n, float *theta, float *v, float *m, float *buf, const float *g,
                      const rms_cfg *c)
{
    (void)m, (void)buf, (void)c;
    perf_roof_memory_variant(roof_variant_now, 1, n, theta, v, g, roof_sign_now);
}

typedef struct model_run {
    rms_step_f32_fn f;    /* the kernel, or roof_step */
    const model_state *s;
    int threads;
    const rms_cfg *c;
} model_run;

static void run_step(void *arg)
{
    const model_run *r = arg;
    rms_step_multi(r->f, r->s->nt, r->s->t, r->threads, r->c);
    if (r->f == roof_step)
        roof_sign_now = -roof_sign_now;
}

/* One step on fresh inputs, then every tensor against ref64 in chunks (the
 * inputs drawn again from the tensor's stream). */
static int validate(const rms_kernel *k, model_state *s, int threads, const rms_cfg *c,
                    unsigned long long seed, double *max_ulp, char *err, size_t errlen)
{
    enum { CHUNK = 1 << 16 };
    state_fill(s, seed);
    rms_step_multi(k->f32, s->nt, s->t, threads, c);
    float *f[5];
    double *d[5];
    int rc = -1;
    for (int j = 0; j < 5; j++) {
        f[j] = rms_alloc(CHUNK, sizeof(float));
        d[j] = rms_alloc(CHUNK, sizeof(double));
    }
    for (int j = 0; j < 5; j++)
        if (!f[j] || !d[j]) {
            snprintf(err, errlen, "out of memory validating");
            goto out;
        }
    rms_diff dd = { .worst_ulp = 0, .array = "theta" };
    size_t where = 0, wt = 0;
    for (size_t i = 0; i < s->nt; i++) {
        const rms_tensor *t = &s->t[i];
        uint64_t st = perf_fill_seed(seed + i);
        for (size_t lo = 0; lo < t->n; lo += CHUNK) {
            size_t len = t->n - lo < CHUNK ? t->n - lo : CHUNK;
            perf_fill_stream(&st, len, f[0], f[1], t->m ? f[2] : NULL, t->buf ? f[3] : NULL, f[4]);
            for (size_t e = 0; e < len; e++)
                for (int j = 0; j < 5; j++)
                    d[j][e] = f[j][e];
            rms_step_ref64(len, d[0], d[1], t->m ? d[2] : NULL, t->buf ? d[3] : NULL, d[4], c);
            float *const out[4] = { t->theta + lo, t->v + lo, t->m ? t->m + lo : NULL,
                                    t->buf ? t->buf + lo : NULL };
            float *const in[4] = { f[0], f[1], t->m ? f[2] : NULL, t->buf ? f[3] : NULL };
            double *const ref[4] = { d[0], d[1], t->m ? d[2] : NULL, t->buf ? d[3] : NULL };
            double before = dd.worst_ulp;
            rms_diff_step(c, len, out, in, ref, 1, &dd);
            if (!(dd.worst_ulp <= before))
                wt = i, where = lo + dd.index;
        }
    }
    double worst = isnan(dd.worst_ulp) ? INFINITY : dd.worst_ulp;
    *max_ulp = worst;
    rc = worst > k->ulp_tol;
    if (rc)
        snprintf(err, errlen, "kernel '%s' is wrong on the model, %d thread(s): tensor %zu "
                 "element %zu is %.3g ulp from ref64 (tolerance %d)", k->name, threads, wt,
                 where, worst, k->ulp_tol);
out:
    for (int j = 0; j < 5; j++) {
        rms_free(f[j]);
        rms_free(d[j]);
    }
    return rc;
}

int perf_model_measure(const rms_kernel *k, const perf_model *m, int threads,
                       const perf_opts *o, perf_model_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (!k->f32 || o->reps < 1 || threads < 1) {
        snprintf(err, errlen, "nothing to time ('%s', %d reps, %d threads)", k->name, o->reps,
                 threads);
        return -1;
    }
    rms_cfg c = o->cfg;
    c.bc_scale = c.bias_correction ? 1.0 / (1.0 - c.beta) : 1.0;
    model_state s = { 0 };
    double *kt = calloc((size_t)o->reps, sizeof *kt), *rt = calloc((size_t)o->reps, sizeof *rt);
    int rc = -1;
    if (!kt || !rt || state_alloc(&s, m, &c)) {
        snprintf(err, errlen, "out of memory for model %s (%zu parameters)", m->name, m->params);
        goto out;
    }
    state_fill(&s, o->seed);
    /* switched-out samples are retried only while the budget lasts */
    double budget = o->budget_s > 0 ? o->budget_s : PERF_BUDGET_S;
    uint64_t deadline = rms_now_ns() + (uint64_t)(budget * 1e9);
    /* the roof's loop: the fastest variant over this model (2 rounds) */
    model_run kr = { k->f32, &s, threads, &c }, rr = { roof_step, &s, threads, &c };
    double best = INFINITY;
    int clean, variant = 0;
    for (int v = 0; v < perf_roof_variant_count(); v++) {
        if (!perf_roof_variant_runs(v))
            continue;
        roof_variant_now = v;
        run_step(&rr);                                /* warm-up */
        double t = fmin((double)perf_time_clean(run_step, &rr, &clean, deadline),
                        (double)perf_time_clean(run_step, &rr, &clean, deadline));
        if (t < best)
            best = t, variant = v;
    }
    roof_variant_now = variant;
    run_step(&kr);                                    /* warm-up */
    int cleank = 0;
    for (int rep = 0; rep < o->reps; rep++) {
        int ck;
        if (rep % 2 == 0)
            kt[rep] = (double)perf_time_clean(run_step, &kr, &ck, deadline);
        rt[rep] = (double)perf_time_clean(run_step, &rr, &clean, deadline);
        if (rep % 2 != 0)
            kt[rep] = (double)perf_time_clean(run_step, &kr, &ck, deadline);
        cleank += ck;   /* a few steps move theta by ~lr each: no refill needed */
    }
    (void)cleank;
    r->model = m->name;
    r->kernel = k->name;
    r->source = "rmsbench";
    r->tensors = m->ntensors;
    r->params = m->params;
    r->threads = threads;
    r->reps = o->reps;
    r->ms = rms_median(kt, (size_t)o->reps) / 1e6;
    r->ms_min = kt[0] / 1e6;
    r->ms_max = kt[o->reps - 1] / 1e6;
    r->ns_per_elem = r->ms * 1e6 / (double)m->params;
    r->roof_ms = rms_median(rt, (size_t)o->reps) / 1e6;
    r->roof_ratio = r->roof_ms / r->ms;
    r->roof_variant = perf_roof_variant_name(variant);
    rc = validate(k, &s, threads, &c, o->seed + 0x5eed, &r->max_ulp, err, errlen);
    r->validated = rc == 0;
out:
    state_free(&s);
    free(kt);
    free(rt);
    return rc;
}
