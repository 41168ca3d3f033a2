/* perf.h -- the measuring core of `rmsbench perf`: time one kernel at one
 * size and thread count, interleaved with a memory roof and a compute roof,
 * then validate the kernel against ref64 (STREAM-style: after timing).
 * cmd_perf.c is only options and output around perf_measure(). */
#ifndef PERF_H
#define PERF_H

#include <stddef.h>
#include <stdint.h>
#include "rms.h"
#include "rms_lp.h"

/* Bytes one plain step moves per element: read theta, v, g; write theta, v. */
#define PERF_BYTES_PER_ELEM 20.0

typedef struct perf_opts {
    int reps;            /* timed repetitions (after one warm-up) */
    rms_cfg cfg;         /* the rule being timed (a preset) */
    double clock_ghz;    /* core clock for cycles_per_elem; 0 = unknown */
    unsigned long seed;  /* inputs of the validation step */
    double budget_s;     /* time budget of one configuration (0: PERF_BUDGET_S) */
    rms_lp_opts lp;      /* state precision; f32 = the kernels of rms.h */
} perf_opts;

/* Default time budget per configuration (kernel, size, threads), seconds:
 * steps per repetition shrink to fit it (at least one), and a sample
 * switched out is timed again only while the budget lasts. */
#define PERF_BUDGET_S 2.0

typedef struct perf_result {
    const char *kernel;           /* "avx512", or "avx512/bf16" for 16/8-bit state */
    const char *source;           /* "rmsbench", or "pytorch" for the peer */
    size_t n;
    int threads;
    int reps;
    size_t inner;                 /* steps per timed repetition */
    const char *threading;        /* "kernel" (its own OpenMP) or "split" */
    double ns_per_elem;           /* median over reps */
    double ns_per_elem_min, ns_per_elem_max;
    const char *state;            /* "f32", "bf16", "f16", "q8" */
    double bytes_per_elem;        /* what one step must move (perf_bytes_per_elem) */
    double gbps;                  /* bytes_per_elem x n / median step time */
    double roof_ns_per_elem, roof_ratio;                  /* memory roof */
    const char *roof_variant;     /* the memory roof's fastest loop here */
    double compute_roof_ns_per_elem, compute_roof_ratio;  /* sqrt+div roof */
    const char *compute_roof_isa; /* its vector ISA: this CPU's widest */
    double cycles_per_elem, clock_ghz;
    double max_ulp;               /* worst element of the validation step */
    int validated;                /* 1 = within the kernel's ulp tolerance */
    int clean_reps;               /* kernel samples not switched out (of reps) */
    int budget_limited;           /* inner was cut to fit the time budget */
    const char *caveat;           /* NULL, or why this figure is not the kernel's */
} perf_result;

/* Time kernel k (its f32 function) and both roofs at n elements on `threads`
 * threads, then validate.  Returns 0 when the kernel validated; 1 when it
 * ran but gave a wrong answer (r filled, r->validated = 0, err says where);
 * -1 when it could not run (out of memory, n == 0, no f32 function). */
int perf_measure(const rms_kernel *k, size_t n, int threads,
                 const perf_opts *o, perf_result *r, char *err, size_t errlen);

/* Time one call of run(arg), again (up to 3 times, not past `deadline` in
 * timing_now_ns() terms) while it was switched out; *clean = 0 when every
 * attempt was.  Nanoseconds. */
uint64_t perf_time_clean(void (*run)(void *), void *arg, int *clean, uint64_t deadline);
/* The inputs perf times and validates on, as a stream: seed it with
 * perf_fill_seed and draw n elements at a time (m, buf may be NULL). */
uint64_t perf_fill_seed(unsigned long long seed);
void perf_fill_stream(uint64_t *s, size_t n, float *theta, float *v, float *m, float *buf,
                      float *g);

/* Threading: a kernel built with OpenMP (isa has RMS_ISA_OPENMP) gets
 * omp_set_num_threads(threads) and one call; any other kernel is run by
 * `threads` OpenMP threads on contiguous 64-byte aligned slices ("split"),
 * as N independent copies would.  The roofs are split the same way. */
void perf_exec(const rms_kernel *k, int threads, size_t n, float *theta,
               float *v, float *m, float *buf, const float *g, const rms_cfg *c);
/* Slice [lo, hi) of n for thread t of nt, boundaries on multiples of align
 * elements: how kernels and roofs are split across threads (align
 * PERF_SLICE_F32 for the f32 steps; a state's own for perf --state). */
#define PERF_SLICE_F32 16   /* floats: 64 B */
void perf_slice(size_t n, size_t align, int t, int nt, size_t *lo, size_t *hi);
/* Memory roof (perf_roof_mem.c): theta += sign*g; v += sign*g (sign +1 or -1:
 * alternate it to stay put), by one of a few same-traffic streaming variants
 * (widths, unrolling, streaming stores); perf times them all and takes the
 * fastest.  Variants are numbered 0 .. perf_roof_variant_count()-1; 0 ("c",
 * the compiler's loop) runs everywhere, a variant the CPU cannot run falls
 * back to it. */
int perf_roof_variant_count(void);
const char *perf_roof_variant_name(int variant);
int perf_roof_variant_runs(int variant);
void perf_roof_memory_variant(int variant, int threads, size_t n, float *theta,
                              float *v, const float *g, float sign);
/* The fastest variant at n on `threads` threads: each runnable variant is
 * timed `rounds` times, interleaved, `inner` steps a time (0: >= 2^20
 * element-steps); the one with the fastest timing wins, *ns gets that
 * timing in ns/element.  theta, v, g: n floats each, 64-byte aligned.
 * Returns the variant. */
int perf_roof_best(int threads, size_t n, float *theta, float *v, const float *g,
                   int rounds, size_t inner, double *ns);
/* isa: RMS_ISA_* bits allowed (perf passes rms_cpu_isa(): the widest) */
void perf_roof_compute(int threads, size_t n, unsigned isa);
/* ISA the compute roof uses for those bits ("avx512f", "avx2" or "sse2"). */
const char *perf_roof_compute_isa(unsigned isa);

/* ---- low-precision state (perf_lp.c) */

/* Bytes one step moves per element with state lp under rule c: f32 is
 * PERF_BYTES_PER_ELEM; else theta and g (12 B: read g, read and write theta)
 * plus each state array read and written (bf16/f16: 2 B each; q8: v 1 B and
 * its block scale 4/block B, m and buf fp32). */
double perf_bytes_per_elem(const rms_lp_opts *lp, const rms_cfg *c);
/* "avx512/bf16" for kernel k with state lp (static storage per pair). */
const char *perf_lp_label(const rms_kernel *k, rms_state_type t);
/* Step f on [0, n) by `threads` OpenMP threads on block-aligned slices. */
void perf_exec_lp(rms_lp_fn f, int threads, size_t n, float *theta, const float *g,
                  rms_state_lp *s, const rms_cfg *c, long t);
/* run(lo, hi, arg) on `threads` OpenMP threads, each on a slice of [0, n)
 * on q8 block boundaries, else RMS_LP_BLOCK_ALIGN (how the threaded lp steps
 * and their roofs split); one call on [0, n) for threads <= 1. */
void perf_lp_parallel(int threads, size_t n, const rms_state_lp *s,
                      void (*run)(size_t lo, size_t hi, void *arg), void *arg);
/* The lower roof of a state (perf_roof_lp.c): theta += sign*g and every
 * state array of s read and written once (the same bytes as
 * perf_bytes_per_elem), by one of a few same-traffic variants numbered 0 ..
 * perf_roof_lp_variant_count()-1 as the f32 roof's (0, "lp_c", runs
 * everywhere; a variant the CPU cannot run falls back to it). */
int perf_roof_lp_variant_count(void);
const char *perf_roof_lp_variant_name(int variant);
int perf_roof_lp_variant_runs(int variant);
void perf_roof_memory_lp(int variant, int threads, size_t n, float *theta, const float *g,
                         rms_state_lp *s, float sign);
/* Fill s from v (and m, buf when on), rounded to nearest. */
void perf_lp_fill(rms_state_lp *s, const float *v, const float *m, const float *buf);
/* One step of f through the threaded path against the scalar reference on
 * the same inputs: 0 when every byte of theta and the state agrees (ulp_tol
 * 0), or when the state but buf agrees and theta is within ulp_tol (a fast
 * kernel's step, rms_lp.h); *max_ulp the worst theta error (0 or inf when
 * exact); 1 (err says where) when not, -1 on OOM. */
int perf_lp_validate(rms_lp_fn f, int threads, size_t n, float *theta, const float *g,
                     rms_state_lp *s, const rms_cfg *c, int ulp_tol, double *max_ulp,
                     char *err, size_t errlen);

#endif
