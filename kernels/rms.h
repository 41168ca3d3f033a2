/* rms.h -- the one RMSProp kernel API.
 *
 * Every kernel variant performs one RMSProp step over n elements.  Float
 * variants (naive, fused, omp, avx2, avx512) share one signature; ref64 is the
 * double-precision oracle that every other variant is checked against.
 *
 * Update (per element i, step t; g_eff is the gradient after maximize/weight
 * decay, see rms_cfg):
 *     v      = beta*v + (1-beta)*g_eff^2
 *     m      = beta*m + (1-beta)*g_eff                   (centered only)
 *     var    = centered ? max(v - m^2, 0) : v
 *     var   *= bc_scale                                  (bias_correction only)
 *     den    = eps_in_sqrt ? sqrt(var + eps) : sqrt(var) + eps
 *     step   = g_eff / den
 *     no momentum:         theta -= lr*step
 *     lr_in_momentum = 0:  b = mu*b + step;    theta -= lr*(nesterov ? step + mu*b : b)
 *     lr_in_momentum = 1:  b = mu*b + lr*step; theta -= (nesterov ? lr*step + mu*b : b)
 *     decoupled wd:        theta -= lr*wd*theta  (before the step, on the old theta)
 *
 * ACSL contracts for the proved kernels live on the prototypes below; the
 * logic they use is in proofs/logic/.
 */
#ifndef RMS_H
#define RMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- config */

/* All options of SPEC section 1, generated from rms_options.def (each
 * field's meaning, range and default are there).  Plain C data so it can be
 * copied by value (the proofs need the config as a value, not through a
 * pointer).  Fields in their historical order:
 *   double lr, beta, eps, v0, momentum, weight_decay;   (part P1)
 *   double bc_scale;
 *   int eps_in_sqrt, centered, lr_in_momentum, nesterov; (P2)
 *   int wd_decoupled;                                    (P3)
 *   int bias_correction, maximize, then newer options.   (P4) */
#include "rms_options.def"
#define RMS_PICK_P1(a, b, c, d) a
#define RMS_PICK_P2(a, b, c, d) b
#define RMS_PICK_P3(a, b, c, d) c
#define RMS_PICK_P4(a, b, c, d) d
#define RMS_CFG_P1(field, type, part, dflt, ...) RMS_PICK_##part(type field;, , , )
#define RMS_CFG_P2(field, type, part, dflt, ...) RMS_PICK_##part(, type field;, , )
#define RMS_CFG_P3(field, type, part, dflt, ...) RMS_PICK_##part(, , type field;, )
#define RMS_CFG_P4(field, type, part, dflt, ...) RMS_PICK_##part(, , , type field;)
typedef struct rms_cfg {
    RMS_OPTIONS(RMS_CFG_P1)
    double bc_scale;      /* per step: rms_bc_scale(c, t), set by rms_cfg_at_step
                             (1 without bias_correction).  Kernels only read it. */
    RMS_OPTIONS(RMS_CFG_P2)
    RMS_OPTIONS(RMS_CFG_P3)
    RMS_OPTIONS(RMS_CFG_P4)
} rms_cfg;

/* Designated initialisers of the seed rule: every option at its default,
 * bc_scale 1.  A preset is { RMS_CFG_DEFAULTS, .lr = ..., ... }. */
#define RMS_CFG_DEFAULT_1(field, type, part, dflt, ...) .field = dflt,
#define RMS_CFG_DEFAULTS RMS_OPTIONS(RMS_CFG_DEFAULT_1) .bc_scale = 1.0

/* Coefficients as every float kernel uses them, converted once from double so
 * that all float variants round identically. */
typedef struct rms_coef_f32 {
    float lr, beta, one_minus_beta, eps, mu, wd, lr_wd, bc_scale;
} rms_coef_f32;

#ifdef __FRAMAC__
#include "rms_logic.acsl"   /* proofs/logic: ACSL only, seen by Frama-C only */
#endif


/* The seed rule: lr 1e-3, beta 0.9, eps 1e-8 outside the root, v0 0. */
rms_cfg rms_cfg_default(void);

/* 0 if c is valid; otherwise -1 with a one-line message naming the bad
 * field and value in err (e.g. "beta = 1 is outside [0, 1)"). */
int rms_cfg_validate(const rms_cfg *c, char *err, size_t errlen);

/* The per-step state of the config, computed here and nowhere else:
 * rms_bc_scale is 1/(1 - beta^t) with bias_correction, else 1, for step
 * t >= 1; rms_cfg_at_step is c with bc_scale set for step t, what every
 * kernel call of step t receives. */
double rms_bc_scale(const rms_cfg *c, long t);
rms_cfg rms_cfg_at_step(const rms_cfg *c, long t);

/* 1 when only the seed rule is in effect: the fast path of every kernel. */
#ifndef RMS_PROOF_IEEE
/*@ requires valid_c: \valid_read(c);
    assigns \nothing;
    ensures plain_iff: \result != 0 <==> cfg_plain(*c);
*/
#endif
static inline int rms_cfg_is_plain(const rms_cfg *c)
{
    return !c->eps_in_sqrt && !c->centered && c->momentum == 0.0 &&
           c->weight_decay == 0.0 && !c->bias_correction && !c->maximize;
}

#ifndef RMS_PROOF_IEEE
/*@ requires valid_c: \valid_read(c);
    assigns \nothing;
    ensures lr: \result.lr == (float)c->lr;
    ensures beta: \result.beta == (float)c->beta;
    ensures omb: \result.one_minus_beta == (float)(1.0 - c->beta);
    ensures eps: \result.eps == (float)c->eps;
    ensures mu: \result.mu == (float)c->momentum;
    ensures bc: \result.bc_scale == (float)c->bc_scale;
*/
#endif
static inline rms_coef_f32 rms_coef_f32_of(const rms_cfg *c)
{
    rms_coef_f32 k;
    k.lr = (float)c->lr;
    k.beta = (float)c->beta;
    k.one_minus_beta = (float)(1.0 - c->beta);
    k.eps = (float)c->eps;
    k.mu = (float)c->momentum;
    k.wd = (float)c->weight_decay;
    k.lr_wd = (float)(c->lr * c->weight_decay);
    k.bc_scale = (float)c->bc_scale;
    return k;
}

/* ---------------------------------------------------------------- state */

/* Optimizer state for n parameters.  v always; m only when centered; buf only
 * when momentum > 0 (NULL otherwise).  Arrays are 64-byte aligned. */
typedef struct rms_state_f32 {
    size_t n;
    float *v, *m, *buf;
    long t;               /* steps taken so far */
} rms_state_f32;

typedef struct rms_state_f64 {
    size_t n;
    double *v, *m, *buf;
    long t;
} rms_state_f64;

/* Allocate and initialise (v = v0, m = buf = 0).  0 on success, -1 on OOM. */
int  rms_state_f32_init(rms_state_f32 *s, size_t n, const rms_cfg *c);
void rms_state_f32_free(rms_state_f32 *s);
int  rms_state_f64_init(rms_state_f64 *s, size_t n, const rms_cfg *c);
void rms_state_f64_free(rms_state_f64 *s);

/* 64-byte aligned allocation of n elements of size sz (n may be 0); free with
 * rms_free.  NULL on overflow or OOM. */
void *rms_alloc(size_t n, size_t sz);
void  rms_free(void *p);

/* ---------------------------------------------------------------- kernels */

/* One step over n elements.  theta, v, g must not overlap; m is read/written
 * only when c->centered, buf only when c->momentum > 0 (else may be NULL).
 * Pointers need no particular alignment.  A step allocates nothing. */
typedef void (*rms_step_f32_fn)(size_t n, float *theta, float *v, float *m,
                                float *buf, const float *g, const rms_cfg *c);
typedef void (*rms_step_f64_fn)(size_t n, double *theta, double *v, double *m,
                                double *buf, const double *g, const rms_cfg *c);

/* Plain-C kernels (fused, naive) are compiled for AVX-512 and AVX2 as well
 * and one clone is picked at load time by CPU (gcc's ifunc); with
 * -ffp-contract=off every clone gives the same bits.  The clones are the
 * x86 levels of rms_vec_best (below) above baseline; tests/test_kernels_dispatch.c
 * checks that gcc's resolver sees the CPU as rms_cpu_isa() does (it does
 * not see RMS_CPU_DISABLE: same bits, so only speed differs).  Clang,
 * Frama-C and other architectures see the plain function; RMS_NO_CLONES
 * turns it off. */
#if defined(__GNUC__) && !defined(__clang__) && !defined(__FRAMAC__) && \
    defined(__x86_64__) && !defined(RMS_NO_CLONES)
#define RMS_TARGET_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define RMS_TARGET_CLONES
#endif

/* Proved (proofs/, real model): no runtime error, writes exactly these
 * arrays (m and buf only when their option is on), terminates, and v is the
 * update formula, >= 0 and >= (1-beta) g_eff^2.  The plain rule also gets
 * theta's formula. */
#ifndef RMS_PROOF_IEEE
/*@ requires n_bound: n <= 0x7fffffff;
    requires valid_c: \valid_read(c);
    requires cfg: cfg_ok(*c);
    requires valid_theta: \valid(theta + (0 .. n-1));
    requires valid_v:     \valid(v + (0 .. n-1));
    requires valid_g:     \valid_read(g + (0 .. n-1));
    requires valid_m:     c->centered != 0 ==> \valid(m + (0 .. n-1));
    requires valid_buf:   c->momentum > 0.0 ==> \valid(buf + (0 .. n-1));
    requires sep: \separated(theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), c);
    requires sep_m: c->centered != 0 ==>
      \separated(m + (0 .. n-1), theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), c);
    requires sep_b: c->momentum > 0.0 ==>
      \separated(buf + (0 .. n-1), theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), c);
    requires sep_mb: c->centered != 0 && c->momentum > 0.0 ==>
      \separated(m + (0 .. n-1), buf + (0 .. n-1));
    requires v_nonneg: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
    assigns theta[0 .. n-1], v[0 .. n-1],
            m[0 .. (c->centered != 0 ? n-1 : -1)],
            buf[0 .. (c->momentum > 0.0 ? n-1 : -1)];
    ensures v_nonneg_post: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
    behavior plain:
      assumes cfg_plain(*c);
      ensures v_exact: \forall integer i; 0 <= i < n ==>
        v[i] == vnext(\old(c->beta), \old(v[i]), \old(g[i]));
      ensures v_lower: \forall integer i; 0 <= i < n ==>
        v[i] >= vlow0(\old(c->beta), \old(g[i]));
      ensures theta_exact: \forall integer i; 0 <= i < n ==>
        theta[i] == tnext(\old(theta[i]), \old(c->lr), \old(g[i]), v[i], \old(c->eps));
      ensures step_bound: \forall integer i; 0 <= i < n ==>
        \abs(theta[i] - \old(theta[i])) <= step_max(\old(c->lr), \old(c->beta));
    behavior options:
      assumes !cfg_plain(*c);
      ensures v_exact: \forall integer i; 0 <= i < n ==>
        v[i] == vnext(\old(c->beta), \old(v[i]), geff(\old(*c), \old(g[i]), \old(theta[i])));
      ensures v_lower: \forall integer i; 0 <= i < n ==>
        v[i] >= vlow(\old(*c), \old(g[i]), \old(theta[i]));
    complete behaviors;
    disjoint behaviors;
*/
#endif
void rms_step_ref64(size_t n, double *theta, double *v, double *m, double *buf,
                    const double *g, const rms_cfg *c);
void rms_step_naive(size_t n, float *theta, float *v, float *m, float *buf,
                    const float *g, const rms_cfg *c);
/* Proved (proofs/, real model): as ref64 for the plain rule (v and theta
 * formulas, v >= 0, v >= (1-beta) g^2); with options: no runtime error,
 * exact assigns, termination.
 * Rounding error of the plain rule (proofs/gappa, Gappa, in `make prove`):
 * binary32, round to nearest, per element, u = 2^-24.  Against the exact
 * real update with the kernel's float coefficients b = (float)beta,
 * w = (float)(1-beta), lr_f = (float)lr, e = (float)eps (rms_coef_f32_of),
 * V = b v + w g^2 and S = lr_f g / (sqrt(V) + e):
 *     |v' - V| <= (3 + 2^-16) u V,
 *     |theta' - (theta - S)| <= u |theta| + (6 + 5u) u |S|;
 * against the double config itself (coefficient rounding included),
 * V* = beta v + (1-beta) g^2 and S* = lr g / (sqrt(V*) + eps):
 *     |v' - V*| <= 5 u V*,  |theta' - (theta - S*)| <= u |theta| + (8 + 7u) u |S*|.
 * Ranges: v = 0 or 2^-100 <= v <= 2^80; g = 0 or 2^-40 <= |g| <= 2^40;
 * b = 0 or 2^-24 <= b <= 1; 2^-24 <= w <= 1; 2^-30 <= lr <= 1 (or 0);
 * 2^-60 <= eps <= 1; |theta| <= 2^126.  The double-config bound is proved
 * for v > 0, g != 0 and 2^-24 <= beta <= 1 - 2^-20.  Gappa proves the
 * bounds on the nested rounded expression fused_elem_plain evaluates (with
 * -ffp-contract=off, no excess precision); that the C code is that
 * expression is read off the code and checked numerically
 * (tests/test_fused_error_bound.c), not proved by WP. */
#ifndef RMS_PROOF_IEEE
/*@ requires n_bound: n <= 0x7fffffff;
    requires valid_c: \valid_read(c);
    requires cfg: cfg_ok(*c);
    requires valid_theta: \valid(theta + (0 .. n-1));
    requires valid_v:     \valid(v + (0 .. n-1));
    requires valid_g:     \valid_read(g + (0 .. n-1));
    requires valid_m:     c->centered != 0 ==> \valid(m + (0 .. n-1));
    requires valid_buf:   c->momentum > 0.0 ==> \valid(buf + (0 .. n-1));
    requires sep: \separated(theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), c);
    requires sep_m: c->centered != 0 ==>
      \separated(m + (0 .. n-1), theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), c);
    requires sep_b: c->momentum > 0.0 ==>
      \separated(buf + (0 .. n-1), theta + (0 .. n-1), v + (0 .. n-1), g + (0 .. n-1), c);
    requires sep_mb: c->centered != 0 && c->momentum > 0.0 ==>
      \separated(m + (0 .. n-1), buf + (0 .. n-1));
    requires v_nonneg: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
    assigns theta[0 .. n-1], v[0 .. n-1],
            m[0 .. (c->centered != 0 ? n-1 : -1)],
            buf[0 .. (c->momentum > 0.0 ? n-1 : -1)];
    behavior plain:
      assumes cfg_plain(*c);
      ensures v_exact: \forall integer i; 0 <= i < n ==>
        v[i] == vnext(\old(c->beta), \old(v[i]), \old(g[i]));
      ensures v_nonneg_post: \forall integer i; 0 <= i < n ==> v[i] >= 0.0;
      ensures v_lower: \forall integer i; 0 <= i < n ==>
        v[i] >= vlow0(\old(c->beta), \old(g[i]));
      ensures theta_exact: \forall integer i; 0 <= i < n ==>
        theta[i] == tnext(\old(theta[i]), \old(c->lr), \old(g[i]), v[i], \old(c->eps));
      ensures step_bound: \forall integer i; 0 <= i < n ==>
        \abs(theta[i] - \old(theta[i])) <= step_max(\old(c->lr), \old(c->beta));
    behavior options:
      assumes !cfg_plain(*c);
    complete behaviors;
    disjoint behaviors;
*/
#endif
void rms_step_fused(size_t n, float *theta, float *v, float *m, float *buf,
                    const float *g, const rms_cfg *c);
/* The other kernels (omp, avx2, avx512, ...) are declared by their row in
 * kernels/registry.c; callers reach every kernel through the table below. */

/* ---------------------------------------------------------- multi-tensor */

/* One tensor of a model: n elements of theta, v, m (centered) and buf
 * (momentum) and its gradient g, as a kernel takes them. */
typedef struct rms_tensor {
    size_t n;
    float *theta, *v, *m, *buf;
    const float *g;
} rms_tensor;

/* One step of kernel function f over every tensor of t[0..nt-1] (a whole
 * model) on `threads` OpenMP threads (< 1: omp_get_max_threads()): the
 * tensors' elements are split evenly across the threads, large tensors cut
 * at 64-byte multiples (kernels/rms_multi.c).  Bit for bit the result of
 * calling f on each tensor alone.  c->bc_scale as the caller sets it. */
void rms_step_multi(rms_step_f32_fn f, size_t nt, const rms_tensor *t, int threads,
                    const rms_cfg *c);

/* Threads the omp kernel uses from now on (omp_set_num_threads). */
void rms_set_threads(int n);
/* Smallest n the omp kernel splits across its threads: the forced value
 * (RMS_OMP_MIN_N, read once, or rms_omp_force_min_n), else measured once per
 * thread count from the cost of a parallel region on this machine (rms_omp.c
 * says how), SIZE_MAX with one thread.  It never splits with one thread. */
size_t rms_omp_min_n(void);
/* RMS_OMP_MIN_N parsed: 1 and *out if set and a count, 0 if unset, -1 if
 * malformed (the kernel ignores a malformed value; callers report it). */
int rms_omp_min_n_env(size_t *out);
/* on: force the threshold to n from now on (0: always split); off: back to
 * RMS_OMP_MIN_N, read again at the next step, else the measured value. */
void rms_omp_force_min_n(int on, size_t n);

/* ---------------------------------------------------------------- registry */

/* ISA bits a kernel row needs and rms_cpu_isa() reports.  Names as
 * rms_isa_names prints them (and RMS_CPU_DISABLE takes them). */
enum {
    RMS_ISA_NONE   = 0,
    RMS_ISA_AVX2   = 1u << 0,
    RMS_ISA_FMA    = 1u << 1,
    RMS_ISA_AVX512F = 1u << 2,
    RMS_ISA_OPENMP = 1u << 3,  /* built with OpenMP (not a CPU feature) */
    RMS_ISA_AVX512VL = 1u << 4, /* rms_avx512.c is built with -mavx512vl */
    RMS_ISA_NEON   = 1u << 5,  /* aarch64 Advanced SIMD (baseline there) */
    RMS_ISA_F16C   = 1u << 6   /* x86 half-float conversions (the avx2
                                  low-precision state step, rms_lp.h) */
};

/* Roles a row may play besides being asked for by name (rms_kernel.flags). */
enum {
    RMS_KF_AUTO  = 1u << 0,    /* "auto" may pick it */
    RMS_KF_CHUNK = 1u << 1,    /* omp may step its chunks with it: one thread,
                                  the bits of fused for every option */
    RMS_KF_FAST  = 1u << 2     /* approximate sqrt/divide within its own ulp
                                  bound (not the bits of fused); "fastest"
                                  picks the first one this CPU runs */
};

typedef struct rms_kernel {
    const char *name;
    rms_step_f32_fn f32;   /* NULL for ref64 */
    rms_step_f64_fn f64;   /* non-NULL only for ref64 */
    unsigned isa;          /* RMS_ISA_* bits the CPU must have */
    int ulp_tol;           /* max ulp from ref64 per element per step */
    const char *desc;
    unsigned flags;        /* RMS_KF_* roles */
} rms_kernel;

/* The table, in priority order (best first, ref64 last).  Rows whose ISA
 * is not of this architecture are not compiled in. */
const rms_kernel *rms_kernels(size_t *count);

/* ISA bits of this CPU (x86: cpuid + XGETBV for OS support; aarch64:
 * getauxval HWCAP), cached; minus the ones named in the environment
 * variable RMS_CPU_DISABLE (for tests; unknown names are ignored here and
 * reported by rms_cpu_disable_check). */
unsigned rms_cpu_isa(void);
/* 0 if RMS_CPU_DISABLE is unset or names only known features; else -1 with
 * a one-line message naming the first unknown one. */
int rms_cpu_disable_check(char *err, size_t errlen);
/* Human-readable list such as "avx2 fma avx512f". */
const char *rms_isa_names(unsigned isa, char *buf, size_t len);

/* Vector widths of this architecture, for code that picks its own
 * instructions (perf's compute roof): the widest level whose ISA bits are
 * in `allowed` and on this CPU.  x86: avx512f (16 floats), avx2 (8), sse2
 * (4, baseline); aarch64: neon (4); elsewhere scalar (1).  The plain-C
 * kernels get the x86 levels from gcc's target_clones (RMS_TARGET_CLONES). */
typedef struct rms_vec {
    const char *name;      /* "avx512f", "avx2", "sse2", "neon", "scalar" */
    unsigned isa;          /* RMS_ISA_* bits it needs (0: baseline) */
    int floats;            /* float lanes per vector */
} rms_vec;
const rms_vec *rms_vec_best(unsigned allowed);

int rms_kernel_supported(const rms_kernel *k);

/* The one dispatch point.  name NULL or "auto": RMS_KERNEL from the
 * environment if set, else the first supported RMS_KF_AUTO row; "fastest":
 * the first supported RMS_KF_FAST row, else what auto picks.
 * Returns NULL with a one-line message in err for an unknown name or a kernel
 * this CPU cannot run. */
const rms_kernel *rms_kernel_select(const char *name, char *err, size_t errlen);
const rms_kernel *rms_kernel_find(const char *name);
/* The first float row this CPU runs that has every flag in `flags`
 * (RMS_KF_AUTO: what auto picks; RMS_KF_CHUNK: omp's chunk kernel); never
 * NULL for RMS_KF_CHUNK (fused needs nothing). */
const rms_kernel *rms_kernel_best(unsigned flags);

/* Advance the step counter, set bc_scale and run kernel k on float state. */
void rms_step_f32(const rms_kernel *k, rms_state_f32 *s, float *theta,
                  const float *g, const rms_cfg *c);
void rms_step_f64(rms_state_f64 *s, double *theta, const double *g,
                  const rms_cfg *c);

/* ---------------------------------------------------------------- presets */

typedef struct rms_preset {
    const char *name;
    const char *library;   /* "rmsbench", "PyTorch", ... */
    const char *formula;   /* one line: the rule as that library states it */
    const char *source;    /* where the rule was read */
    rms_cfg cfg;           /* every option, with the library's defaults */
} rms_preset;

const rms_preset *rms_presets(size_t *count);
const rms_preset *rms_preset_find(const char *name);

#ifdef __cplusplus
}
#endif
#endif
