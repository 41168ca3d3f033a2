/* perf_model.h -- whole-model shape lists (data/models/NAME.tsv: one
 * parameter tensor per line, "name<TAB>shape" with the dims joined by x;
 * '#' lines are comments, the first names the source architecture) and the
 * timing of one multi-tensor step over them (`rmsbench perf --model`). */
#ifndef PERF_MODEL_H
#define PERF_MODEL_H

#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>
#include "perf/perf.h"

typedef struct perf_model {
    char *name;        /* file name without .tsv */
    char *source;      /* the first comment line, without "# " */
    size_t ntensors;
    size_t *n;         /* elements per tensor */
    size_t params;     /* sum of n */
} perf_model;

/* The path of model NAME: $RMS_MODELS_DIR/NAME.tsv, else data/models/NAME.tsv
 * found from the binary (perf_find_file: the source tree, then
 * share/rmsbench/models), else from the current directory.  NAME may also be
 * a path to a .tsv file.  0, or -1 when no readable file is found. */
int perf_model_path(const char *name, char *out, size_t len);

/* Parse a shape list.  0, or -1 with a one-line reason ("FILE:LINE: ...")
 * in err for an unreadable file, a malformed line, a zero or overflowing
 * dimension, or no tensor at all. */
int perf_model_load(const char *path, perf_model *m, char *err, size_t errlen);
void perf_model_free(perf_model *m);

/* One row of the model table: a kernel (or the PyTorch peer) stepping the
 * whole model on `threads` threads. */
typedef struct perf_model_result {
    const char *model, *kernel, *source;
    size_t tensors, params;
    int threads, reps;
    double ms, ms_min, ms_max;     /* per step: median, fastest, slowest rep */
    double ns_per_elem;            /* ms / params */
    double roof_ms, roof_ratio;    /* memory roof over the same tensors */
    const char *roof_variant;
    int validated;                 /* -1: not ours (peer) */
    double max_ulp;
} perf_model_result;

/* Time `reps` steps (median) of kernel k over every tensor of m with
 * rms_step_multi on `threads` threads, interleaved with the memory roof over
 * the same tensors and split, then validate one step against ref64.
 * 0 validated, 1 wrong (r filled), -1 could not run (err). */
int perf_model_measure(const rms_kernel *k, const perf_model *m, int threads,
                       const perf_opts *o, perf_model_result *r, char *err, size_t errlen);

void perf_model_print(FILE *f, const perf_model_result *r, size_t n);
int perf_model_record(sqlite3 *db, const char *preset, const perf_model_result *r, size_t n,
                      char *err, size_t errlen);

#endif
