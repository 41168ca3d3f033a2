/* rms_avx2_lp.c -- the low-precision state step, AVX2 + F16C, 8 lanes, with the
 * exact sqrt and divide: the bits of the scalar reference rms_lp_ref.c
 * (body: rms_avx2_lp_impl.h). */
#define LP_STEP_NAME rms_lp_step_avx2
#include "rms_avx2_lp_impl.h"
