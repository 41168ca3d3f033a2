/* idx.c -- IDX reader on zlib's gzread (which also reads uncompressed files,
 * so tests and users may pass either). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "idx.h"

/* Fashion-MNIST's largest file holds 47 MB; anything past this is corrupt. */
#define IDX_MAX_BYTES ((size_t)1 << 31)

/* Read exactly len bytes; returns bytes read, or -1 on a zlib error (with
 * the message in *zmsg). */
static long long read_all(gzFile f, unsigned char *buf, size_t len, const char **zmsg)
{
    size_t got = 0;
    while (got < len) {
        size_t want = len - got;
        if (want > (size_t)INT_MAX / 2)
            want = (size_t)INT_MAX / 2;
        int r = gzread(f, buf + got, (unsigned)want);
        if (r < 0) {
            int code;
            *zmsg = gzerror(f, &code);
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (long long)got;
}

int idx_load_u8(const char *path, int want_ndim, idx_array *out,
                char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (want_ndim < 1 || want_ndim > IDX_MAX_DIMS) {
        snprintf(err, errlen, "%s: bad dimension count %d requested", path, want_ndim);
        return -1;
    }
    errno = 0;
    gzFile f = gzopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path,
                 errno ? strerror(errno) : "out of memory");
        return -1;
    }
    const char *zmsg = NULL;
    unsigned char head[4 + 4 * IDX_MAX_DIMS];
    long long r = read_all(f, head, 4, &zmsg);
    if (r < 0) {
        snprintf(err, errlen, "%s: corrupt gzip data: %s", path, zmsg);
        goto fail;
    }
    if (r < 4) {
        snprintf(err, errlen, "%s: truncated: %lld of 4 header bytes", path, r);
        goto fail;
    }
    if (head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] != want_ndim) {
        snprintf(err, errlen, "%s: wrong magic %02x %02x %02x %02x (want 00 00 08 %02x: "
                 "unsigned-byte IDX with %d dimensions)", path, head[0], head[1],
                 head[2], head[3], want_ndim, want_ndim);
        goto fail;
    }
    size_t hlen = 4 * (size_t)want_ndim;
    r = read_all(f, head + 4, hlen, &zmsg);
    if (r < 0) {
        snprintf(err, errlen, "%s: corrupt gzip data: %s", path, zmsg);
        goto fail;
    }
    if ((size_t)r < hlen) {
        snprintf(err, errlen, "%s: truncated: %lld of %zu dimension bytes", path, r, hlen);
        goto fail;
    }
    size_t count = 1;
    out->ndim = want_ndim;
    for (int i = 0; i < want_ndim; i++) {
        const unsigned char *b = head + 4 + 4 * i;
        uint32_t d = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
        out->dims[i] = d;
        if (d == 0) {
            snprintf(err, errlen, "%s: bad size: dimension %d is 0 (empty)", path, i);
            goto fail;
        }
        if (count > IDX_MAX_BYTES / d) {   /* the product is too big, not this factor */
            snprintf(err, errlen, "%s: bad size: %zu x %u (dimensions 0..%d) is over %zu "
                     "bytes", path, count, d, i, IDX_MAX_BYTES);
            goto fail;
        }
        count *= d;
    }
    out->count = count;
    out->data = malloc(count);
    if (!out->data) {
        snprintf(err, errlen, "%s: out of memory for %zu bytes", path, count);
        goto fail;
    }
    r = read_all(f, out->data, count, &zmsg);
    if (r < 0) {
        snprintf(err, errlen, "%s: corrupt gzip data: %s", path, zmsg);
        goto fail;
    }
    if ((size_t)r < count) {
        snprintf(err, errlen, "%s: truncated: %lld of %zu data bytes", path, r, count);
        goto fail;
    }
    unsigned char extra;
    r = read_all(f, &extra, 1, &zmsg);
    if (r != 0) {
        snprintf(err, errlen, "%s: %s", path, r < 0 ? "corrupt gzip data after the array"
                 : "wrong size: bytes after the declared array");
        goto fail;
    }
    gzclose(f);
    return 0;
fail:
    gzclose(f);
    idx_free(out);
    return -1;
}

void idx_free(idx_array *a)
{
    free(a->data);
    memset(a, 0, sizeof *a);
}
