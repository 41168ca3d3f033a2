/* rms_multi.c -- one RMSProp step over a list of tensors (a whole model), with
 * OpenMP across the tensors and within the large ones.
 *
 * Partition: the tensors are laid end to end in one virtual index space of
 * N elements and thread t of T takes [t N / T, (t+1) N / T): every thread
 * gets the same number of elements, walks whole small tensors in order, and
 * at most T - 1 tensors are cut, each cut moved down to a multiple of 16
 * elements from its tensor's start (64 bytes: no cache line written by two
 * threads when the tensor is 64-byte aligned).  One parallel region per
 * step, contiguous memory per thread.
 *
 * Bits: every kernel is element-wise (an element's result depends on its own
 * inputs only: the exact kernels share fused's order, the fast kernels pick
 * estimate or exact lane by lane), so the result is bit for bit the one of
 * stepping each tensor alone with the same kernel (tests/test_multi.c).
 * Built with -fopenmp (FLAGS_rms_multi). */
#include <omp.h>
#include "rms.h"

/* The first element of tensor `*ti` at or after virtual index b, with the
 * cut moved down to a multiple of 16 in its tensor. */
static void locate(const rms_tensor *t, size_t nt, size_t b, size_t *ti, size_t *off)
{
    size_t start = 0, i = 0;
    while (i < nt && start + t[i].n <= b)
        start += t[i++].n;
    *ti = i;
    *off = i < nt ? (b - start) / 16 * 16 : 0;
}

static void run_range(rms_step_f32_fn f, const rms_tensor *t, size_t nt, size_t i0,
                      size_t o0, size_t i1, size_t o1, const rms_cfg *c)
{
    for (size_t i = i0; i <= i1 && i < nt; i++) {
        size_t lo = i == i0 ? o0 : 0, hi = i == i1 ? o1 : t[i].n;
        if (hi > lo)
            f(hi - lo, t[i].theta + lo, t[i].v + lo, t[i].m ? t[i].m + lo : NULL,
              t[i].buf ? t[i].buf + lo : NULL, t[i].g + lo, c);
    }
}

void rms_step_multi(rms_step_f32_fn f, size_t nt, const rms_tensor *t, int threads,
                    const rms_cfg *c)
{
    size_t total = 0;
    for (size_t i = 0; i < nt; i++)
        total += t[i].n;
    if (threads < 1)
        threads = omp_get_max_threads();
    if ((size_t)threads > total / 16)
        threads = (int)(total / 16);
    if (threads <= 1 || omp_in_parallel()) {
        run_range(f, t, nt, 0, 0, nt ? nt - 1 : 0, nt ? t[nt - 1].n : 0, c);
        return;
    }
#pragma omp parallel num_threads(threads)
    {
        int me = omp_get_thread_num(), nth = omp_get_num_threads();
        size_t i0, o0, i1, o1;
        locate(t, nt, total / (size_t)nth * (size_t)me +
                          total % (size_t)nth * (size_t)me / (size_t)nth, &i0, &o0);
        if (me == nth - 1) {
            i1 = nt - 1;
            o1 = t[nt - 1].n;
        } else {
            size_t b = total / (size_t)nth * (size_t)(me + 1) +
                       total % (size_t)nth * (size_t)(me + 1) / (size_t)nth;
            locate(t, nt, b, &i1, &o1);
        }
        run_range(f, t, nt, i0, o0, i1, o1, c);
    }
}
