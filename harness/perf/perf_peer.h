/* perf_peer.h -- the PyTorch peer: runs scripts/peer_torch.py in this same
 * `rmsbench perf` invocation, right after our kernels, and reads its rows. */
#ifndef PERF_PEER_H
#define PERF_PEER_H

#include <stddef.h>
#include "perf/perf.h"
#include "perf/perf_model.h"

/* A file of the source tree found from the binary: BIN/../repo_path (also
 * two and three levels up, for build/ and build/san/), then
 * BIN/../share/rmsbench/installed, then repo_path from the current directory.
 * 0 with the path in out, or -1. */
int perf_find_file(const char *repo_path, const char *installed, char *out, size_t len);

/* Run the peer on the same sizes, thread counts, reps and preset.  Appends
 * rows (source "pytorch", kernel names strdup'd: free with perf_peer_free)
 * to *rows.  Returns 0; 3 when torch is not importable or the preset has no
 * torch equivalent (nothing appended);
 * -1 on any other failure.  err gets a one-line reason. */
int perf_peer_torch(const size_t *sizes, size_t nsizes, const int *threads,
                    size_t nthreads, int reps, const char *preset,
                    perf_result **rows, size_t *nrows, char *err, size_t errlen);
void perf_peer_free(perf_result *rows, size_t nrows);

/* The same for one whole model (the shape list at path): rows (source
 * "pytorch", kernel torch / torch_foreach, one per implementation and thread
 * count) appended to *rows; free with perf_peer_model_free. */
int perf_peer_torch_model(const char *path, const perf_model *m, const int *threads,
                          size_t nthreads, int reps, const char *preset,
                          perf_model_result **rows, size_t *nrows, char *err, size_t errlen);
void perf_peer_model_free(perf_model_result *rows, size_t nrows);

#endif
