/* rms_lp_omp.c -- the low-precision state step split across OpenMP threads
 * (built with -fopenmp): contiguous slices on q8 block boundaries (16
 * elements for 16-bit state), each stepped by the best SIMD version.  The
 * random bits are keyed by the global element index and q8 blocks never
 * straddle two slices, so any thread count gives the same bits.  Below
 * rms_omp_min_n() (omp's measured or forced threshold) it runs on the
 * calling thread. */
#include <omp.h>
#include "rms_lp.h"

void rms_lp_step_omp(size_t lo, size_t hi, float *theta, const float *g,
                     rms_state_lp *s, const rms_cfg *c, long t)
{
    const rms_lp_fn step = rms_lp_best();
    const size_t align = s->o.type == RMS_STATE_Q8 ? s->o.block : RMS_LP_BLOCK_ALIGN;
    const size_t n = hi - lo;
    int nt;
    if (n < rms_omp_min_n() || (nt = omp_get_max_threads()) < 2 || omp_in_parallel()) {
        step(lo, hi, theta, g, s, c, t);
        return;
    }
#pragma omp parallel num_threads(nt)
    {
        size_t team = (size_t)omp_get_num_threads(), id = (size_t)omp_get_thread_num();
        size_t per = (n / team + align - 1) / align * align;
        size_t a = lo + (id * per < n ? id * per : n);
        size_t b = a + per < hi ? a + per : hi;
        if (id == team - 1)
            b = hi;
        if (b > a)
            step(a, b, theta, g, s, c, t);
    }
}
