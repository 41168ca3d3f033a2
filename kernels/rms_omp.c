/* rms_omp.c -- fused, split across OpenMP threads.  Each thread runs the
 * fused kernel (the proved-alike scalar code) on one contiguous chunk, so omp
 * gives the bits of fused for every option.  Chunk edges fall on 64-byte
 * multiples of the index (16 floats) so two threads never write one cache
 * line of co-aligned arrays.
 *
 * Below RMS_OMP_MIN_N elements the step runs on the calling thread without
 * entering a parallel region: waking the team costs more than it saves.
 * The figure is measured, not guessed -- see the comment at the constant. */
#include <omp.h>
#include "rms.h"

/* Measured on this 2-core AMD EPYC (Zen 5, family 26) with a throwaway
 * timer (2 threads vs fused on 1 thread, median of 2001 steps each, shared
 * machine): see RMS_OMP_MIN_N_NOTE in the report. */
#define RMS_OMP_MIN_N ((size_t)32768)
#define CHUNK_ALIGN ((size_t)16)

void rms_step_omp(size_t n, float *theta, float *v, float *m, float *buf,
                  const float *g, const rms_cfg *c)
{
    int nt = omp_get_max_threads();
    if (n < RMS_OMP_MIN_N || nt < 2) {
        rms_step_fused(n, theta, v, m, buf, g, c);
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
            hi = n;
        rms_step_fused(hi - lo, theta + lo, v + lo, c->centered ? m + lo : m,
                       c->momentum > 0.0 ? buf + lo : buf, g + lo, c);
    }
}
