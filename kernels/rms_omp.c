/* rms_omp.c -- fused, split across OpenMP threads.
 *
 * Each thread steps one contiguous chunk with the widest SIMD kernel this CPU
 * runs: the registry's first RMS_KF_CHUNK row (avx512, avx2, else fused).
 * Those kernels give the bits of fused for every option
 * (tests/test_kernels_diff.c checks it), so omp is
 * numerically fused; only the instruction width differs.  fused itself is
 * wide only where gcc's target_clones applies (not under clang, where it is
 * baseline SSE), and it finishes a chunk's tail in scalar code; the
 * intrinsics kernels guarantee the width and mask their edges.
 * Chunk edges fall on multiples of 16 elements (64 bytes) so two threads
 * never write one cache line of co-aligned arrays.
 *
 * Below a threshold the step runs on the calling thread without entering a
 * parallel region: waking the team costs more than it saves.  That cost is
 * the machine's, not ours: a parallel region is ~0.5 us on bare metal and
 * 3-4 us in the Firecracker VMs this was tuned on, where each of libgomp's
 * futex wakes is a ~1 us system call.  A fixed threshold measured on one of
 * them (it was 32768, measured under load) made 2 threads 1.4x slower than
 * 1 at n = 32768 on a quiet one.  So the threshold is measured once per
 * thread count, at the first step that could use it: the median cost of an
 * empty parallel region (o) and the in-L1 cost of the chunk kernel per
 * element (e).  T threads cut n*e to n*e/T + o; the team is used from the
 * n where the saving is twice the region's cost,
 *     n_min = 2*o / (e * (1 - 1/T)),
 * so at n_min the team is ~1.33x faster and never slower once the noise of
 * o is inside the factor 2.  RMS_OMP_MIN_N=count in the environment (read
 * once) or rms_omp_force_min_n() forces the threshold (0: always use the
 * team), which the tests use to run the parallel path at odd sizes.  omp
 * gives fused's bits either way, so the threshold changes speed only. */
#include <errno.h>
#include <stdlib.h>
#include <omp.h>
#include "rms.h"
#include "rms_util.h"

#define CHUNK_ALIGN ((size_t)16)
#define CAL_ELEMS 4096
#define CAL_REGIONS 31

static rms_step_f32_fn chunk_kernel(void)
{
    /* chosen once by the registry (the first RMS_KF_CHUNK row this CPU
     * runs); every candidate is exact.  Atomic because two threads of a
     * caller may step different models at once. */
    static rms_step_f32_fn cached;
    rms_step_f32_fn fn = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (!fn) {
        fn = rms_kernel_best(RMS_KF_CHUNK)->f32;
        __atomic_store_n(&cached, fn, __ATOMIC_RELAXED);
    }
    return fn;
}

static size_t calibrate(rms_step_f32_fn step, int nt)
{
    double region[CAL_REGIONS];
    for (int i = -3; i < CAL_REGIONS; i++) {   /* 3 warm-ups start the team */
        uint64_t t0 = rms_now_ns();
#pragma omp parallel num_threads(nt)
        {
            __asm__ volatile("" ::: "memory");   /* an empty region is not elided */
        }
        if (i >= 0)
            region[i] = (double)(rms_now_ns() - t0);
    }
    double o = rms_median(region, CAL_REGIONS);

    /* fastest of 5 steps over an L1-resident state: the cheapest element,
     * so the estimate errs towards fewer threads */
    float pth[CAL_ELEMS], pv[CAL_ELEMS], pg[CAL_ELEMS];   /* 48 KB of stack, once */
    const rms_cfg c = rms_cfg_default();
    double e = 1e9;
    for (int i = 0; i < CAL_ELEMS; i++) {
        pth[i] = 1.0f;
        pv[i] = 0.5f;
        pg[i] = (float)(i % 13) * 0.01f + 0.1f;
    }
    for (int i = 0; i < 6; i++) {
        uint64_t t0 = rms_now_ns();
        step(CAL_ELEMS, pth, pv, NULL, NULL, pg, &c);
        double t = (double)(rms_now_ns() - t0) / CAL_ELEMS;
        if (i > 0 && t < e)
            e = t;
    }
    if (!(e > 0.01))
        e = 0.01;   /* a clock too coarse for 4096 elements: assume 10 ps */
    /* capped at 2^47 so it packs beside the thread count in one word */
    double n_min = 2.0 * o / (e * (1.0 - 1.0 / nt));
    return n_min < 0x1p47 ? (size_t)n_min : (size_t)1 << 47;
}

/* RMS_OMP_MIN_N as a count; 1 if it is set and well formed, 0 if unset,
 * -1 if malformed (the kernel then ignores it; the harness reports it). */
int rms_omp_min_n_env(size_t *out)
{
    const char *s = getenv("RMS_OMP_MIN_N");
    if (!s || !*s)
        return 0;
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end || errno == ERANGE || x > (unsigned long long)SIZE_MAX)
        return -1;
    *out = (size_t)x;
    return 1;
}

/* The forced threshold: RMS_OMP_MIN_N read once (getenv on every step
 * cost ~35 ns, a quarter of a 1000-element step), or rms_omp_force_min_n.
 * State 0: not read yet, 1: nothing forced, 2: forced_n. */
static int forced_state;
static size_t forced_n;

static int forced(size_t *n)
{
    int st = __atomic_load_n(&forced_state, __ATOMIC_ACQUIRE);
    if (st == 0) {
        size_t x;
        st = rms_omp_min_n_env(&x) == 1 ? 2 : 1;
        if (st == 2)
            __atomic_store_n(&forced_n, x, __ATOMIC_RELAXED);
        __atomic_store_n(&forced_state, st, __ATOMIC_RELEASE);
    }
    if (st == 2)
        *n = __atomic_load_n(&forced_n, __ATOMIC_RELAXED);
    return st == 2;
}

void rms_omp_force_min_n(int on, size_t n)
{
    if (on)
        __atomic_store_n(&forced_n, n, __ATOMIC_RELAXED);
    __atomic_store_n(&forced_state, on ? 2 : 0, __ATOMIC_RELEASE);
}

/* No machine gains from a team below this (bare metal: ~0.3 us regions,
 * ~0.03 ns elements give ~40000), so smaller steps never pay to calibrate. */
#define CAL_FLOOR ((size_t)4096)

/* The measured threshold for the current thread count (SIZE_MAX with one
 * thread), calibrated on first use per thread count. */
static size_t measured_min_n(void)
{
    /* (threshold << 16 | thread count) so one atomic load sees a pair */
    static unsigned long long cached;
    int nt = omp_get_max_threads();
    if (nt < 2)
        return (size_t)-1;
    unsigned long long got = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (got && (int)(got & 0xffff) == nt)
        return (size_t)(got >> 16);
    size_t n_min = calibrate(chunk_kernel(), nt);
    if (nt <= 0xffff)
        __atomic_store_n(&cached, ((unsigned long long)n_min << 16) | (unsigned)nt,
                         __ATOMIC_RELAXED);
    return n_min;
}

size_t rms_omp_min_n(void)
{
    size_t f;
    return forced(&f) ? f : measured_min_n();
}

void rms_step_omp(size_t n, float *theta, float *v, float *m, float *buf,
                  const float *g, const rms_cfg *c)
{
    const rms_step_f32_fn step = chunk_kernel();
    /* the size test first: below the threshold a step costs no OpenMP call,
     * and below CAL_FLOOR it never calibrates */
    size_t f;
    int nt;
    if ((forced(&f) ? n < f : (n < CAL_FLOOR || n < measured_min_n())) ||
        (nt = omp_get_max_threads()) < 2 || omp_in_parallel()) {
        step(n, theta, v, m, buf, g, c);
        return;
    }
#pragma omp parallel num_threads(nt)
    {
        size_t team = (size_t)omp_get_num_threads();
        size_t id = (size_t)omp_get_thread_num();
        size_t per = (n / team + CHUNK_ALIGN - 1) / CHUNK_ALIGN * CHUNK_ALIGN;
        size_t lo = id * per < n ? id * per : n;
        size_t hi = lo + per < n ? lo + per : n;
        if (id == team - 1)
            hi = n;   /* rounding per down-then-up can leave a remainder */
        step(hi - lo, theta + lo, v + lo, c->centered ? m + lo : m,
             c->momentum > 0.0 ? buf + lo : buf, g + lo, c);
    }
}

void rms_set_threads(int n)
{
    if (n > 0)
        omp_set_num_threads(n);
}
