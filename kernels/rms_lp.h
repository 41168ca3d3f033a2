/* rms_lp.h -- RMSProp with low-precision optimizer state: the API.
 *
 * Parameters and gradients stay fp32; the state is stored in fewer bits and
 * every step computes in fp32 exactly as the fp32 kernels do (rms.h's update,
 * in fused's operation order, plain or general), then rounds the new state
 * for storage.  The step uses the new fp32 v (before rounding), as
 * bitsandbytes and torchao do: rounding only affects the next step.
 *
 *   f32   v, m, buf in fp32: the ordinary kernels (rms.h), nothing here.
 *   bf16  v (and m when centered, buf when momentum > 0) as bfloat16.
 *   f16   the same as IEEE binary16 (v below 6e-8 underflows: see docs).
 *   q8    v as one 8-bit code per element and one fp32 scale per block of
 *         `block` elements; m and buf stay fp32 (they are signed and only
 *         on with centered / momentum; the q8 saving is v's).
 *
 * Rounding (bf16, f16 and q8's codes): nearest (ties to even) or stochastic:
 * round up with probability (x - down) / (up - down), from a counter-based
 * hash of (seed, step, stream, element index) -- no generator state, so a
 * step gives the same bits at any thread count and vector width.
 *
 * The q8 map (why in docs/lowprec.md): codes are an unsigned E5M3 minifloat
 * of x = v / scale, scale = the smallest power of two >= the block's max v
 * (clamped to [2^-126, 2^126]); code 0 is exactly 0, codes 1..7 are
 * subnormal steps of 2^-33, code c >= 8 is 2^((c>>3)-31) * (1 + (c&7)/8), so
 * code 248 is 1.0.  Relative error of a stored v <= 1/16 (nearest) down to
 * 2^-30 * scale, below that an absolute error <= 2^-34 * scale; v is never
 * negative (no negative codes) and never NaN (a NaN or v above FLT_MAX is
 * stored as the largest code). */
#ifndef RMS_LP_H
#define RMS_LP_H

#include <stddef.h>
#include <stdint.h>
#include "rms.h"

#ifdef __cplusplus
extern "C" {
#endif

/* X(id, name, bytes of v per element (q8: without the scale)) */
#define RMS_STATE_TYPES(X) \
    X(F32, "f32", 4)       \
    X(BF16, "bf16", 2)     \
    X(F16, "f16", 2)       \
    X(Q8, "q8", 1)

typedef enum rms_state_type {
#define RMS_STATE_ENUM(id, name, bytes) RMS_STATE_##id,
    RMS_STATE_TYPES(RMS_STATE_ENUM)
#undef RMS_STATE_ENUM
    RMS_STATE_NTYPES
} rms_state_type;

typedef enum rms_rounding { RMS_ROUND_NEAREST = 0, RMS_ROUND_STOCHASTIC = 1 } rms_rounding;

#define RMS_Q8_BLOCK_DEFAULT 256
#define RMS_LP_BLOCK_ALIGN 16       /* q8 blocks: a multiple of the widest vector */
#define RMS_LP_BLOCK_MAX 4096       /* a block's fp32 v is kept on the stack */
#define RMS_LP_N_MAX ((size_t)UINT32_MAX)   /* element index is 32 bits in the hash */

typedef struct rms_lp_opts {
    rms_state_type type;
    rms_rounding rounding;
    size_t block;          /* q8 only */
    uint64_t seed;         /* stochastic rounding only */
} rms_lp_opts;

/* Defaults: f32, nearest, block 256, seed 1. */
rms_lp_opts rms_lp_opts_default(void);

/* Name <-> type; -1 for an unknown name. */
const char *rms_state_name(rms_state_type t);
int rms_state_parse(const char *name);
const char *rms_rounding_name(rms_rounding r);
int rms_rounding_parse(const char *name);

/* The state options of c (its rows state, state_rounding, state_block of
 * rms_options.def, checked by rms_cfg_validate) with the stream's seed. */
rms_lp_opts rms_lp_opts_of(const rms_cfg *c, uint64_t seed);

/* State bytes per parameter: v, plus m and buf when c turns them on (q8:
 * 1 + 4/block for v; m and buf 4 each). */
double rms_lp_state_bytes_per_param(const rms_lp_opts *o, const rms_cfg *c);

/* Low-precision state for n parameters (arrays 64-byte aligned). */
typedef struct rms_state_lp {
    size_t n;
    rms_lp_opts o;
    uint16_t *v16, *m16, *buf16;   /* bf16 / f16 bits */
    uint8_t *q;                    /* q8: codes of v */
    float *scale;                  /* q8: one per block, ceil(n / block) */
    float *m, *buf;                /* q8: m and buf in fp32 */
    long t;                        /* steps taken */
} rms_state_lp;

/* Allocate; v = v0 rounded (nearest), m = buf = 0.  0, or -1 on OOM or for
 * n > RMS_LP_N_MAX or a type other than bf16/f16/q8. */
int  rms_state_lp_init(rms_state_lp *s, size_t n, const rms_cfg *c, const rms_lp_opts *o);
void rms_state_lp_free(rms_state_lp *s);

/* Stored values as fp32 (what the next step reads).  m and buf only when on. */
float rms_lp_v(const rms_state_lp *s, size_t i);
float rms_lp_m(const rms_state_lp *s, size_t i);
float rms_lp_buf(const rms_state_lp *s, size_t i);
/* Set element i from fp32, rounded to nearest (tests, initial state). */
void rms_lp_set(rms_state_lp *s, size_t i, float v, float m, float buf);

/* One step of elements [lo, hi) of the whole arrays, step number t (1 for
 * the first; keys the random stream; c->bc_scale already set).  Indices are
 * global: they key the random stream and q8's blocks, so for q8 lo is a
 * multiple of the block and hi a multiple or n.  Allocates nothing. */
typedef void (*rms_lp_fn)(size_t lo, size_t hi, float *theta, const float *g,
                          rms_state_lp *s, const rms_cfg *c, long t);

void rms_lp_step_ref(size_t lo, size_t hi, float *theta, const float *g,
                     rms_state_lp *s, const rms_cfg *c, long t);
void rms_lp_step_avx2(size_t lo, size_t hi, float *theta, const float *g,
                      rms_state_lp *s, const rms_cfg *c, long t);
void rms_lp_step_avx512(size_t lo, size_t hi, float *theta, const float *g,
                        rms_state_lp *s, const rms_cfg *c, long t);
/* The same step on avx512_fast's quotient (rsqrt14 estimate + one Newton
 * step, kernels/rms_fast_impl.h): v, m and the stored state are the
 * reference's bits; theta (and buf) within avx512_fast's ulp bound of the
 * reference's (registry.c).  avx2_fast's state step is rms_lp_step_avx2
 * (rms_lp.c says why). */
void rms_lp_step_avx512_fast(size_t lo, size_t hi, float *theta, const float *g,
                             rms_state_lp *s, const rms_cfg *c, long t);
/* [lo, hi) split across OpenMP threads (rms_set_threads) on block / 64-byte
 * boundaries, each slice stepped by the best SIMD version: same bits. */
void rms_lp_step_omp(size_t lo, size_t hi, float *theta, const float *g,
                     rms_state_lp *s, const rms_cfg *c, long t);

/* The SIMD versions, best first: the float kernel each goes with, its
 * step, the RMS_ISA_* bits it needs (`rmsbench list kernels` shows them;
 * RMS_CPU_DISABLE hides them); the last row is ref (needs nothing). */
typedef struct rms_lp_version {
    const char *kernel;
    rms_lp_fn fn;
    unsigned isa;
    int fast;              /* the fast kernels' quotient: theta within their bound */
} rms_lp_version;
const rms_lp_version *rms_lp_versions(size_t *count);

/* The low-precision step for float kernel k: its row of rms_lp_versions
 * (avx512 -> avx512, avx512_fast -> avx512_fast, ...), omp -> omp, any other float kernel
 * (fused, naive, portable ones) -> ref.  NULL with one line in err for
 * ref64 (double state) or a row whose ISA bits this CPU lacks (avx2
 * without F16C). */
rms_lp_fn rms_lp_for_kernel(const rms_kernel *k, char *err, size_t errlen);
/* The first exact row of rms_lp_versions this CPU runs (avx512, avx2, else
 * ref): the bits of the reference. */
rms_lp_fn rms_lp_best(void);

/* Advance t, set bc_scale, run f over all n elements. */
void rms_lp_step(rms_lp_fn f, rms_state_lp *s, float *theta, const float *g,
                 const rms_cfg *c);

/* ---- the rounding primitives (the definition; tests use them) */

/* 32 random bits for (seed, step t, stream 0 = v / 1 = m / 2 = buf, index i). */
uint32_t rms_lp_random(uint64_t seed, long t, unsigned stream, uint32_t i);
/* x rounded to bf16 (bits); stochastic uses the top 16 bits of r. */
uint16_t rms_lp_bf16_round(float x, rms_rounding mode, uint32_t r);
float    rms_lp_bf16_value(uint16_t h);
/* x rounded to binary16 (bits); stochastic uses the top 24 bits of r. */
uint16_t rms_lp_f16_round(float x, rms_rounding mode, uint32_t r);
float    rms_lp_f16_value(uint16_t h);
/* q8: code of v >= 0 under a block with power-of-two scale 2^ks; value. */
uint8_t  rms_lp_q8_code(float v, int ks, rms_rounding mode, uint32_t r);
float    rms_lp_q8_value(uint8_t code, int ks);
/* ks of a block whose largest (clamped) v is vmax. */
int      rms_lp_q8_exponent(float vmax);

#ifdef __cplusplus
}
#endif
#endif
