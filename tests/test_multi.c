/* test_multi.c -- the whole-model step: rms_step_multi over a list of
 * tensors gives bit for bit what stepping each tensor alone gives, for every
 * float kernel this CPU runs (exact and fast), every option of the brief
 * set, 1, 2, 3 and 4 threads (cuts inside tensors, empty and tiny tensors,
 * misaligned ones), and writes nothing outside the tensors; the shipped
 * shape lists parse to the published parameter counts. */
#include <string.h>
#include "check.h"
#include "perf/perf_model.h"
#include "rms.h"
#include "rms_check.h"

static const size_t SIZES[] = { 1, 7, 0, 16, 17, 1031, 40000, 3, 70001, 5, 129, 4096, 33 };
#define NT (sizeof SIZES / sizeof SIZES[0])
#define PAD 16   /* sentinel floats after each array */

typedef struct { float *a[5]; } arrays;   /* theta, v, m, buf, g */

static void fill(arrays *x, size_t nt, size_t off, unsigned seed)
{
    unsigned r = seed;
    for (size_t i = 0; i < nt; i++)
        for (int j = 0; j < 5; j++)
            for (size_t e = 0; e < SIZES[i] + off + PAD; e++) {
                r = r * 1103515245u + 12345u;
                float u = (float)((r >> 8) % 2001) / 1000.0f;    /* 0 .. 2 */
                x[i].a[j][e] = j == 1 ? u + 0.01f : j == 4 ? u - 1.0f : u * 0.5f - 0.5f;
            }
}

int main(void)
{
    /* the shipped shape lists: tensors and parameters as published */
    static const struct { const char *name; size_t tensors, params; } MODELS[] = {
        { "resnet50", 161, 25557032 },      /* He et al. 2016; torchvision resnet50 */
        { "bert_base", 199, 109482240 },    /* Devlin et al. 2019; HF BertModel */
        { "gpt2_small", 148, 124439808 },   /* Radford et al. 2019; HF GPT-2, tied head */
    };
    for (size_t i = 0; i < sizeof MODELS / sizeof MODELS[0]; i++) {
        char path[4096], err[512];
        perf_model m;
        CHECK(perf_model_path(MODELS[i].name, path, sizeof path) == 0, "%s: no shape list",
              MODELS[i].name);
        int rc = perf_model_load(path, &m, err, sizeof err);
        CHECK(rc == 0, "%s: %s", MODELS[i].name, err);
        if (rc)
            continue;
        CHECK(m.ntensors == MODELS[i].tensors && m.params == MODELS[i].params,
              "%s: %zu tensors, %zu parameters (published: %zu, %zu)", m.name, m.ntensors,
              m.params, MODELS[i].tensors, MODELS[i].params);
        CHECK(strstr(m.source, "arXiv") || strstr(m.source, "Radford"),
              "%s names its source: '%s'", m.name, m.source);
        perf_model_free(&m);
    }
    /* a malformed list is refused with its line */
    {
        char err[512];
        perf_model m;
        FILE *f = fopen("/tmp/rmsbench-test-multi-bad.tsv", "w");
        fputs("# bad\na\t3x4\nb\t3x0\n", f);
        fclose(f);
        CHECK(perf_model_load("/tmp/rmsbench-test-multi-bad.tsv", &m, err, sizeof err) == -1 &&
                  strstr(err, ":3:"), "zero dimension refused at line 3: '%s'", err);
        remove("/tmp/rmsbench-test-multi-bad.tsv");
    }

    /* bit-identity with per-tensor steps */
    rms_cfg base = rms_cfg_default();
    static rms_cfg brief[64];
    static char lab[64][RMS_COMBO_LABEL];
    size_t nb = rms_option_combos_brief(&base, brief, lab, 64);
    size_t nk;
    const rms_kernel *ks = rms_kernels(&nk);
    arrays x[NT], y[NT];
    for (size_t i = 0; i < NT; i++)
        for (int j = 0; j < 5; j++) {
            x[i].a[j] = rms_alloc(SIZES[i] + 1 + PAD, sizeof(float));
            y[i].a[j] = rms_alloc(SIZES[i] + 1 + PAD, sizeof(float));
        }
    for (size_t ki = 0; ki < nk; ki++) {
        const rms_kernel *k = &ks[ki];
        if (!k->f32 || !rms_kernel_supported(k))
            continue;
        for (size_t ci = 0; ci < nb; ci++)
            for (int threads = 1; threads <= 4; threads++)
                for (size_t off = 0; off < 2; off += 1) {
                    /* odd tensors start one float past the boundary when off */
                    fill(x, NT, 1, 77 + (unsigned)ci);
                    fill(y, NT, 1, 77 + (unsigned)ci);
                    rms_tensor t[NT];
                    rms_cfg c = brief[ci];
                    c.bc_scale = c.bias_correction ? 1.0 / (1.0 - c.beta) : 1.0;
                    for (size_t i = 0; i < NT; i++) {
                        size_t o = off && (i % 2) ? 1 : 0;
                        t[i] = (rms_tensor){ SIZES[i], x[i].a[0] + o, x[i].a[1] + o,
                                             c.centered ? x[i].a[2] + o : NULL,
                                             c.momentum > 0 ? x[i].a[3] + o : NULL, x[i].a[4] + o };
                        k->f32(SIZES[i], y[i].a[0] + o, y[i].a[1] + o,
                               c.centered ? y[i].a[2] + o : NULL,
                               c.momentum > 0 ? y[i].a[3] + o : NULL, y[i].a[4] + o, &c);
                    }
                    rms_step_multi(k->f32, NT, t, threads, &c);
                    int same = 1;
                    for (size_t i = 0; i < NT; i++)
                        for (int j = 0; j < 5; j++)
                            same &= !memcmp(x[i].a[j], y[i].a[j],
                                            (SIZES[i] + 1 + PAD) * sizeof(float));
                    CHECK(same, "%s %s, %d threads, offset %zu: multi-tensor step differs from "
                          "per-tensor steps (or wrote outside a tensor)", k->name, lab[ci],
                          threads, off);
                }
    }
    for (size_t i = 0; i < NT; i++)
        for (int j = 0; j < 5; j++) {
            rms_free(x[i].a[j]);
            rms_free(y[i].a[j]);
        }
    /* nothing to do is fine */
    rms_step_multi(rms_step_fused, 0, NULL, 2, &base);
    CHECK(1, "an empty list returns");
    return check_summary("multi-tensor step");
}
