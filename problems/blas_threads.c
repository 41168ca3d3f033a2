/* blas_threads.c -- the thread count of the BLAS behind the Fashion-MNIST
 * problems.  OpenBLAS declares openblas_set_num_threads only in its own
 * cblas.h; declared here so another cblas.h alternative still builds. */
#include "problem.h"

void openblas_set_num_threads(int num_threads);

void problem_set_threads(int n)
{
    if (n > 0)
        openblas_set_num_threads(n);
}
