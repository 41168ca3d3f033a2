/* quadratic.h -- what quadratic.c shares with noisy_quadratic.c: the
 * curvatures d_i (log-spaced 1..1e4), tabulated once per instance in double
 * and float, and the seeded x0. */
#ifndef QUADRATIC_H
#define QUADRATIC_H

#include <stddef.h>
#include "problem.h"

typedef struct quad_tab {
    double *d;
    float *f;                    /* (float)d */
} quad_tab;

/* 0, or -1 with "out of memory ..." in err. */
int  quad_tab_init(quad_tab *t, size_t n, char *err, size_t errlen);
void quad_tab_free(quad_tab *t);
void quad_x0(const problem *p, double *x);

#endif
