/* outpath.h -- writing output safely: stdout checked at exit, and files
 * written beside their final path then renamed, only over a regular file
 * (never through a symlink, FIFO, device or directory). */
#ifndef OUTPATH_H
#define OUTPATH_H

#include <stddef.h>
#include <stdio.h>

/* Flush stdout and tell whether every write to it succeeded: 0, or -1 with
 * the reason in err ("writing to stdout failed: No space left on device"). */
int out_stdout_check(char *err, size_t errlen);

/* Is path a place we may replace: absent, or a regular file (not a symlink
 * to one)?  0, or -1 with "'PATH' is a symlink (not replaced)" etc. */
int out_path_check(const char *path, char *err, size_t errlen);

/* Open a new temporary file beside final (created exclusively, so nothing
 * already there is followed or truncated); its name goes into tmp.  NULL
 * with errno set on failure. */
FILE *out_tmp_open(const char *final, char *tmp, size_t tmplen);

/* Close f (checking every write), check final again and rename tmp onto
 * it; on any failure remove tmp.  0, or -1 with a message naming final. */
int out_tmp_commit(FILE *f, const char *tmp, const char *final, char *err, size_t errlen);

#endif
