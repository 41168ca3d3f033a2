/* test_kernels_diff.c -- every float kernel this CPU runs against ref64
 * (rms_check.h: per element per step, same inputs, ulp of max(|new|,|old|)):
 * sizes 0..17 and 1031 with all 240 option combinations, 2^20 with the brief
 * set (every option on at least once), each at offsets 0 and 1 element;
 * sentinels around the arrays stay untouched; and every float kernel gives
 * the bits of fused (they share one operation order); n = 0 with NULL
 * arrays touches nothing; a step keeps no heap memory (glibc's bytes in use
 * are the same before and after; a malloc freed within the step is not
 * seen -- the "allocates nothing" rule is kept by review).  Ends with the worst ulp per kernel and size. */
#include <malloc.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "rms.h"
#include "rms_check.h"

#define MAX_COMBOS 256
/* With RMS_TEST_QUICK set (the aarch64 stage under qemu, ~14x slower than
 * native) the last size is 65537 and 1031 runs the brief set too: every
 * combination still runs at 0..17, every code path at the large sizes. */
static size_t SIZES[] = { 0, 1, 7, 8, 9, 15, 16, 17, 1031, (size_t)1 << 20 };
static size_t full_max_n = 4096;   /* above: brief combinations, fewer steps */
#define NSIZES (sizeof SIZES / sizeof SIZES[0])

static rms_cfg full[MAX_COMBOS], brief[MAX_COMBOS];
static char full_lab[MAX_COMBOS][RMS_COMBO_LABEL], brief_lab[MAX_COMBOS][RMS_COMBO_LABEL];

/* Run k and fused from the same state on the same gradients for a few steps;
 * 1 when theta, v, m and buf are identical bit for bit. */
static int same_bits_as_fused(const rms_kernel *k, const rms_cfg *c, size_t n, size_t off)
{
    const size_t cap = n + off;
    float *a[5], *b[5];
    int ok = 1;
    for (int j = 0; j < 5; j++) {
        a[j] = rms_alloc(cap, sizeof(float));
        b[j] = rms_alloc(cap, sizeof(float));
        if (!a[j] || !b[j])
            abort();
    }
    unsigned r = 12345;
    for (size_t i = 0; i < cap; i++) {
        r = r * 1103515245u + 12345u;
        a[0][i] = b[0][i] = (float)((int)(r >> 8) % 2001 - 1000) / 1000.0f;
        a[1][i] = b[1][i] = (float)c->v0;
        a[2][i] = b[2][i] = a[3][i] = b[3][i] = 0.0f;
    }
    for (int t = 1; t <= 3; t++) {
        for (size_t i = 0; i < cap; i++) {
            r = r * 1103515245u + 12345u;
            a[4][i] = b[4][i] = (float)((int)(r >> 8) % 2001 - 1000) / 256.0f;
        }
        const rms_cfg cc = rms_cfg_at_step(c, t);
        k->f32(n, a[0] + off, a[1] + off, a[2] + off, a[3] + off, a[4] + off, &cc);
        rms_step_fused(n, b[0] + off, b[1] + off, b[2] + off, b[3] + off, b[4] + off, &cc);
    }
    for (int j = 0; j < 4; j++)
        ok = ok && memcmp(a[j], b[j], cap * sizeof(float)) == 0;
    for (int j = 0; j < 5; j++) {
        rms_free(a[j]);
        rms_free(b[j]);
    }
    return ok;
}

/* glibc's count of heap bytes in use, before and after three steps (after a
 * warm-up step, which may start the OpenMP team).  ASan replaces malloc and
 * may report 0 here: the check then only holds in the normal build. */
static int steps_keep_no_heap(const rms_kernel *k, const rms_cfg *c, size_t n)
{
    float *a[5];
    for (int j = 0; j < 5; j++) {
        a[j] = rms_alloc(n, sizeof(float));
        if (!a[j])
            abort();
        for (size_t i = 0; i < n; i++)
            a[j][i] = j == 4 ? 0.5f : 0.25f;
    }
    k->f32(n, a[0], a[1], a[2], a[3], a[4], c);
    size_t before = mallinfo2().uordblks;
    for (int t = 0; t < 3; t++)
        k->f32(n, a[0], a[1], a[2], a[3], a[4], c);
    size_t after = mallinfo2().uordblks;
    for (int j = 0; j < 5; j++)
        rms_free(a[j]);
    return before == after;
}

int main(void)
{
    if (getenv("RMS_TEST_QUICK")) {
        SIZES[NSIZES - 1] = 65537;
        full_max_n = 17;
    }
    rms_cfg base = rms_cfg_default();
    size_t nfull = rms_option_combos(&base, full, full_lab, MAX_COMBOS);
    size_t nbrief = rms_option_combos_brief(&base, brief, brief_lab, MAX_COMBOS);
    CHECK(nfull == 240, "240 option combinations, got %zu", nfull);
    CHECK(nbrief >= 3, "brief set has %zu combinations", nbrief);
    for (size_t i = 0; i < nfull; i++) {
        char err[128];
        CHECK(rms_cfg_validate(&full[i], err, sizeof err) == 0, "combo %s: %s", full_lab[i], err);
    }

    size_t nk;
    const rms_kernel *ks = rms_kernels(&nk);
    double worst[16][NSIZES];
    int ran[16] = { 0 };
    for (size_t ki = 0; ki < nk && ki < 16; ki++) {
        const rms_kernel *k = &ks[ki];
        if (!k->f32)
            continue;
        if (!rms_kernel_supported(k)) {
            char need[64];
            printf("SKIP %s: this CPU lacks %s (not run, not counted)\n", k->name,
                   rms_isa_names(k->isa & ~rms_cpu_isa(), need, sizeof need));
            continue;
        }
        ran[ki] = 1;
        for (size_t si = 0; si < NSIZES; si++) {
            size_t n = SIZES[si];
            int all = n <= full_max_n;
            const rms_cfg *cs = all ? full : brief;
            char (*labs)[RMS_COMBO_LABEL] = all ? full_lab : brief_lab;
            size_t nc = all ? nfull : nbrief;
            long steps = all ? 8 : 2;
            worst[ki][si] = 0.0;
            for (size_t off = 0; off < 2; off++) {
                double w = 0.0;
                rms_diff wd = { 0 };
                const char *wl = "-";
                int guards = 0;
                for (size_t ci = 0; ci < nc; ci++) {
                    rms_diff d;
                    if (rms_diff_run(k, &cs[ci], n, off, steps, 17 + ci * 31 + off, &d)) {
                        CHECK(0, "out of memory for n = %zu", n);
                        return check_summary("kernels vs ref64");
                    }
                    guards |= d.guard_broken;
                    if (d.worst_ulp > w || ci == 0) {
                        w = d.worst_ulp;
                        wd = d;
                        wl = labs[ci];
                    }
                }
                CHECK(w <= k->ulp_tol,
                      "%s n=%zu offset=%zu %s step %ld %s[%zu]: got %.9g want %.17g = %.3g ulp > %d",
                      k->name, n, off, wl, wd.step, wd.array, wd.index, (double)wd.got, wd.want,
                      w, k->ulp_tol);
                CHECK(!guards, "%s n=%zu offset=%zu wrote outside its n elements", k->name, n, off);
                if (w > worst[ki][si])
                    worst[ki][si] = w;
            }
        }
        /* n = 0 must not touch the (NULL) arrays */
        k->f32(0, NULL, NULL, NULL, NULL, NULL, &brief[1]);
        k->f32(0, NULL, NULL, NULL, NULL, NULL, &base);
        CHECK(1, "%s n=0 with NULL arrays returned", k->name);
        CHECK(steps_keep_no_heap(k, &brief[1], 70001), "%s kept heap memory after a step", k->name);

        /* bit-identity with fused: sizes around vector widths and the omp
         * threshold, misaligned, plain and every option at once; for every
         * kernel held to fused's tolerance (the fast kernels state a looser
         * bound of their own: their approximations are not fused's bits) */
        static const size_t BITS_N[] = { 1, 9, 17, 31, 1031, 40000, 70001 };
        const int exact = !(k->flags & RMS_KF_FAST);
        for (size_t bi = 0; exact && bi < sizeof BITS_N / sizeof BITS_N[0]; bi++)
            for (size_t ci = 0; ci < nbrief; ci++)
                CHECK(same_bits_as_fused(k, &brief[ci], BITS_N[bi], 1),
                      "%s n=%zu %s: not the bits of fused", k->name, BITS_N[bi], brief_lab[ci]);
    }

    /* omp's split path at odd sizes: its threshold is measured per machine
     * (rms_omp.c), so force it to 0 and split across 2 and 3 threads (3
     * also on 2 cores: uneven chunks, a short last one) */
    const rms_kernel *omp = rms_kernel_find("omp");
    static const size_t SPLIT_N[] = { 1, 2, 15, 16, 17, 31, 33, 47, 1031, 40000, 70001 };
    const int threads_default = omp_get_max_threads();
    rms_omp_force_min_n(1, 0);
    for (int t = 2; omp && t <= 3; t++) {
        rms_set_threads(t);
        for (size_t bi = 0; bi < sizeof SPLIT_N / sizeof SPLIT_N[0]; bi++)
            for (size_t ci = 0; ci < nbrief; ci++) {
                size_t n = SPLIT_N[bi];
                CHECK(same_bits_as_fused(omp, &brief[ci], n, 1),
                      "omp split over %d threads, n=%zu %s: not the bits of fused", t, n,
                      brief_lab[ci]);
                rms_diff d;
                CHECK(rms_diff_run(omp, &brief[ci], n, 3, 2, 91 + ci, &d) == 0 &&
                          !d.guard_broken && d.worst_ulp <= omp->ulp_tol,
                      "omp split over %d threads, n=%zu offset 3 %s: %.3g ulp, guards %s", t, n,
                      brief_lab[ci], d.worst_ulp, d.guard_broken ? "broken" : "kept");
            }
    }
    rms_omp_force_min_n(0, 0);
    rms_set_threads(threads_default);

    printf("worst ulp vs ref64 per kernel (rows) and size (columns), offsets 0 and 1:\n%-8s %4s",
           "kernel", "tol");
    for (size_t si = 0; si < NSIZES; si++)
        printf(" %7zu", SIZES[si]);
    printf("\n");
    for (size_t ki = 0; ki < nk && ki < 16; ki++) {
        if (!ran[ki])
            continue;
        printf("%-8s %4d", ks[ki].name, ks[ki].ulp_tol);
        for (size_t si = 0; si < NSIZES; si++)
            printf(" %7.3g", worst[ki][si]);
        printf("\n");
    }
    return check_summary("kernels vs ref64");
}
