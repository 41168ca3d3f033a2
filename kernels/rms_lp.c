/* rms_lp.c -- low-precision state: names, validation, allocation, element
 * access, the choice of version per float kernel and the step driver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rms_lp.h"
#include "rms_lp_bits.h"

static const char *const STATE_NAMES[] = {
#define RMS_STATE_NAME(id, name, bytes) name,
    RMS_STATE_TYPES(RMS_STATE_NAME)
#undef RMS_STATE_NAME
};
static const int STATE_BYTES[] = {
#define RMS_STATE_BYTES(id, name, bytes) bytes,
    RMS_STATE_TYPES(RMS_STATE_BYTES)
#undef RMS_STATE_BYTES
};

rms_lp_opts rms_lp_opts_default(void)
{
    rms_lp_opts o = { RMS_STATE_F32, RMS_ROUND_NEAREST, RMS_Q8_BLOCK_DEFAULT, 1 };
    return o;
}

const char *rms_state_name(rms_state_type t)
{
    return (unsigned)t < RMS_STATE_NTYPES ? STATE_NAMES[t] : "?";
}

int rms_state_parse(const char *name)
{
    for (int i = 0; name && i < RMS_STATE_NTYPES; i++)
        if (strcmp(name, STATE_NAMES[i]) == 0)
            return i;
    return -1;
}

const char *rms_rounding_name(rms_rounding r)
{
    return r == RMS_ROUND_STOCHASTIC ? "stochastic" : "nearest";
}

int rms_rounding_parse(const char *name)
{
    if (name && strcmp(name, "nearest") == 0)
        return RMS_ROUND_NEAREST;
    if (name && strcmp(name, "stochastic") == 0)
        return RMS_ROUND_STOCHASTIC;
    return -1;
}

rms_lp_opts rms_lp_opts_of(const rms_cfg *c, uint64_t seed)
{
    rms_lp_opts o = { (rms_state_type)c->state, (rms_rounding)c->state_rounding,
                      (size_t)c->state_block, seed };
    return o;
}

double rms_lp_state_bytes_per_param(const rms_lp_opts *o, const rms_cfg *c)
{
    double v = STATE_BYTES[o->type], other = o->type == RMS_STATE_Q8 ? 4.0 : v;
    if (o->type == RMS_STATE_Q8)
        v += 4.0 / (double)o->block;
    return v + (c->centered ? other : 0.0) + (c->momentum > 0.0 ? other : 0.0);
}

void rms_state_lp_free(rms_state_lp *s)
{
    rms_free(s->v16); rms_free(s->m16); rms_free(s->buf16);
    rms_free(s->q); rms_free(s->scale); rms_free(s->m); rms_free(s->buf);
    s->v16 = s->m16 = s->buf16 = NULL;
    s->q = NULL;
    s->scale = s->m = s->buf = NULL;
}

int rms_state_lp_init(rms_state_lp *s, size_t n, const rms_cfg *c, const rms_lp_opts *o)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->o = *o;
    if (n > RMS_LP_N_MAX || o->type == RMS_STATE_F32 || (unsigned)o->type >= RMS_STATE_NTYPES)
        return -1;
    int ok = 1, cent = c->centered != 0, mom = c->momentum > 0.0;
    if (o->type == RMS_STATE_Q8) {
        s->q = rms_alloc(n, 1);
        s->scale = rms_alloc((n + o->block - 1) / o->block, sizeof(float));
        s->m = cent ? rms_alloc(n, sizeof(float)) : NULL;
        s->buf = mom ? rms_alloc(n, sizeof(float)) : NULL;
        ok = s->q && s->scale && (!cent || s->m) && (!mom || s->buf);
    } else {
        s->v16 = rms_alloc(n, 2);
        s->m16 = cent ? rms_alloc(n, 2) : NULL;
        s->buf16 = mom ? rms_alloc(n, 2) : NULL;
        ok = s->v16 && (!cent || s->m16) && (!mom || s->buf16);
    }
    if (!ok) {
        rms_state_lp_free(s);
        return -1;
    }
    if (o->type == RMS_STATE_Q8)   /* every block's max is v0 */
        for (size_t j = 0; j < (n + o->block - 1) / o->block; j++)
            s->scale[j] = lp_pow2(lp_q8_exponent(lp_q8_clamp((float)c->v0)));
    for (size_t i = 0; i < n; i++)
        rms_lp_set(s, i, (float)c->v0, 0.0f, 0.0f);
    return 0;
}

float rms_lp_v(const rms_state_lp *s, size_t i)
{
    switch (s->o.type) {
    case RMS_STATE_BF16: return lp_bf16_value(s->v16[i]);
    case RMS_STATE_F16:  return lp_f16_value(s->v16[i]);
    case RMS_STATE_Q8:
        return lp_q8_value(s->q[i], (int)(lp_f2u(s->scale[i / s->o.block]) >> 23) - 127);
    default: return 0.0f;
    }
}

static float other(const rms_state_lp *s, const uint16_t *h, const float *f, size_t i)
{
    if (s->o.type == RMS_STATE_Q8)
        return f ? f[i] : 0.0f;
    if (!h)
        return 0.0f;
    return s->o.type == RMS_STATE_BF16 ? lp_bf16_value(h[i]) : lp_f16_value(h[i]);
}

float rms_lp_m(const rms_state_lp *s, size_t i) { return other(s, s->m16, s->m, i); }
float rms_lp_buf(const rms_state_lp *s, size_t i) { return other(s, s->buf16, s->buf, i); }

static uint16_t round16(const rms_state_lp *s, float x)
{
    return s->o.type == RMS_STATE_BF16 ? lp_bf16_round(x, RMS_ROUND_NEAREST, 0)
                                       : lp_f16_round(x, RMS_ROUND_NEAREST, 0);
}

/* q8: v is coded under its block's current scale (callers set every element
 * of a block, or keep v within the scale: the code saturates at 1.875). */
void rms_lp_set(rms_state_lp *s, size_t i, float v, float m, float buf)
{
    if (s->o.type == RMS_STATE_Q8) {
        int ks = (int)(lp_f2u(s->scale[i / s->o.block]) >> 23) - 127;
        s->q[i] = lp_q8_code(lp_q8_clamp(v), ks, RMS_ROUND_NEAREST, 0);
        if (s->m)
            s->m[i] = m;
        if (s->buf)
            s->buf[i] = buf;
        return;
    }
    s->v16[i] = round16(s, v);
    if (s->m16)
        s->m16[i] = round16(s, m);
    if (s->buf16)
        s->buf16[i] = round16(s, buf);
}

/* ---- versions */

/* The SIMD versions, best first, each with the float kernel it goes with
 * and the ISA bits it needs (F16C: avx2's vcvtps2ph / vcvtph2ps; avx512
 * converts with AVX512F's own forms).  omp and the rest: see
 * rms_lp_for_kernel. */
static const rms_lp_version LP_VERSIONS[] = {
#if defined(__x86_64__)
    { "avx512", rms_lp_step_avx512, RMS_ISA_AVX512F | RMS_ISA_AVX512VL, 0 },
    { "avx2", rms_lp_step_avx2, RMS_ISA_AVX2 | RMS_ISA_FMA | RMS_ISA_F16C, 0 },
    { "avx512_fast", rms_lp_step_avx512_fast, RMS_ISA_AVX512F | RMS_ISA_AVX512VL, 1 },
    /* avx2's exact step: at 8 lanes the state step is bound by the vector
     * ports (decode, encode and the update share 3 of them), so the rsqrt
     * estimate's ~10 operations per vector cost more than the vsqrtps +
     * vdivps they take off the divider (docs/lowprec.md, Performance) */
    { "avx2_fast", rms_lp_step_avx2, RMS_ISA_AVX2 | RMS_ISA_FMA | RMS_ISA_F16C, 1 },
#endif
    { "ref", rms_lp_step_ref, 0, 0 },
};
#define N_LP_VERSIONS (sizeof LP_VERSIONS / sizeof LP_VERSIONS[0])

const rms_lp_version *rms_lp_versions(size_t *count)
{
    *count = N_LP_VERSIONS;
    return LP_VERSIONS;
}

static int lp_supported(const rms_lp_version *v)
{
    return (rms_cpu_isa() & v->isa) == v->isa;
}

rms_lp_fn rms_lp_best(void)
{
    for (size_t i = 0; i < N_LP_VERSIONS; i++)
        if (!LP_VERSIONS[i].fast && lp_supported(&LP_VERSIONS[i]))
            return LP_VERSIONS[i].fn;
    return rms_lp_step_ref;
}

rms_lp_fn rms_lp_for_kernel(const rms_kernel *k, char *err, size_t len)
{
    if (!k->f32) {
        snprintf(err, len, "--state: kernel '%s' keeps double state; low-precision state "
                 "needs a float kernel (avx512, avx2, omp, fused, naive)", k->name);
        return NULL;
    }
    for (size_t i = 0; i < N_LP_VERSIONS; i++) {
        const rms_lp_version *v = &LP_VERSIONS[i];
        if (strcmp(k->name, v->kernel))
            continue;
        if (lp_supported(v))
            return v->fn;
        char need[64];
        snprintf(err, len, "--state: kernel '%s' with 16-bit or q8 state needs %s, which "
                 "this CPU lacks (or RMS_CPU_DISABLE hides)", k->name,
                 rms_isa_names(v->isa, need, sizeof need));
        return NULL;
    }
    if (strcmp(k->name, "omp") == 0)
        return rms_lp_step_omp;
    return rms_lp_step_ref;   /* fused, naive and any portable kernel: the reference */
}

void rms_lp_step(rms_lp_fn f, rms_state_lp *s, float *theta, const float *g,
                 const rms_cfg *c)
{
    rms_cfg cc = *c;
    s->t++;
    cc.bc_scale = c->bias_correction ? 1.0 / (1.0 - pow(c->beta, (double)s->t)) : 1.0;
    f(0, s->n, theta, g, s, &cc, s->t);
}

/* ---- the primitives, exported for the tests */

uint32_t rms_lp_random(uint64_t seed, long t, unsigned stream, uint32_t i)
{
    return lp_hash(lp_key_of(seed, t, stream), i);
}
uint16_t rms_lp_bf16_round(float x, rms_rounding m, uint32_t r) { return lp_bf16_round(x, m, r); }
float rms_lp_bf16_value(uint16_t h) { return lp_bf16_value(h); }
uint16_t rms_lp_f16_round(float x, rms_rounding m, uint32_t r) { return lp_f16_round(x, m, r); }
float rms_lp_f16_value(uint16_t h) { return lp_f16_value(h); }
uint8_t rms_lp_q8_code(float v, int ks, rms_rounding m, uint32_t r) { return lp_q8_code(v, ks, m, r); }
float rms_lp_q8_value(uint8_t c, int ks) { return lp_q8_value(c, ks); }
int rms_lp_q8_exponent(float vmax) { return lp_q8_exponent(vmax); }
