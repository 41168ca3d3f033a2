/* test_omp_split.c -- when the omp kernel splits a step: RMS_OMP_MIN_N is
 * parsed strictly (a malformed value is reported, not half-read), forces
 * the threshold when set (read once; rms_omp_force_min_n forces it or
 * rereads it), and otherwise the threshold is measured once per
 * thread count, is finite with 2+ threads and infinite with 1.  (That the
 * split path gives fused's bits is in test_kernels_diff.c.) */
#include <stdint.h>
#include <stdlib.h>
#include <omp.h>
#include "check.h"
#include "rms.h"

static int env_is(const char *val, int want, size_t want_n)
{
    size_t n = 12345;
    if (val)
        setenv("RMS_OMP_MIN_N", val, 1);
    else
        unsetenv("RMS_OMP_MIN_N");
    int rc = rms_omp_min_n_env(&n);
    return rc == want && (rc != 1 || n == want_n);
}

int main(void)
{
    const int threads_default = omp_get_max_threads();
    CHECK(env_is(NULL, 0, 0), "unset RMS_OMP_MIN_N reads as unset");
    CHECK(env_is("", 0, 0), "empty RMS_OMP_MIN_N reads as unset");
    CHECK(env_is("0", 1, 0), "RMS_OMP_MIN_N=0");
    CHECK(env_is("65536", 1, 65536), "RMS_OMP_MIN_N=65536");
    CHECK(env_is("18446744073709551615", 1, SIZE_MAX), "RMS_OMP_MIN_N=SIZE_MAX");
    static const char *bad[] = { "x", "-1", "+5", " 5", "5 ", "12k", "1e5", "0x10",
                                 "18446744073709551616", "99999999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(env_is(bad[i], -1, 0), "RMS_OMP_MIN_N='%s' is malformed", bad[i]);

    /* the variable is read once (not per step); forcing off reads it again */
    setenv("RMS_OMP_MIN_N", "777", 1);
    rms_omp_force_min_n(0, 0);
    rms_set_threads(2);
    CHECK(rms_omp_min_n() == 777, "RMS_OMP_MIN_N=777 forces the threshold: %zu", rms_omp_min_n());
    setenv("RMS_OMP_MIN_N", "778", 1);
    CHECK(rms_omp_min_n() == 777, "RMS_OMP_MIN_N is read once: %zu", rms_omp_min_n());
    rms_omp_force_min_n(1, 5);
    CHECK(rms_omp_min_n() == 5, "rms_omp_force_min_n(1, 5): %zu", rms_omp_min_n());
    unsetenv("RMS_OMP_MIN_N");
    rms_omp_force_min_n(0, 0);

    rms_set_threads(1);
    CHECK(rms_omp_min_n() == SIZE_MAX, "one thread never splits: %zu", rms_omp_min_n());
    for (int t = 2; t <= 3; t++) {
        rms_set_threads(t);
        size_t a = rms_omp_min_n(), b = rms_omp_min_n();
        /* a region costs > 0 and a step is finite, so the measured threshold
         * is a real size; 2^47 is the cap */
        CHECK(a >= 1 && a <= ((size_t)1 << 47), "%d threads: measured threshold %zu", t, a);
        CHECK(a == b, "%d threads: measured once (%zu then %zu)", t, a, b);
        printf("omp with %d threads splits from n = %zu\n", t, a);
    }
    rms_set_threads(threads_default);
    return check_summary("omp split threshold");
}
