/* rms_avx512_lp.c -- the low-precision state step, AVX-512F, 16 lanes, with the
 * exact sqrt and divide: the bits of the scalar reference rms_lp_ref.c
 * (body: rms_avx512_lp_impl.h). */
#define LP_STEP_NAME rms_lp_step_avx512
#include "rms_avx512_lp_impl.h"
