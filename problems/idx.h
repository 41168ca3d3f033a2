/* idx.h -- read the IDX files of (Fashion-)MNIST, gzip-compressed or plain.
 *
 * IDX: two zero bytes, a type byte (0x08 = unsigned byte), the number of
 * dimensions, each dimension as a big-endian uint32, then the data.  The
 * reader checks all of it and the exact data size, and reports a problem as
 * one line naming the file, never by crashing. */
#ifndef IDX_H
#define IDX_H

#include <stddef.h>
#include <stdint.h>

#define IDX_MAX_DIMS 4

typedef struct idx_array {
    int ndim;
    uint32_t dims[IDX_MAX_DIMS];
    size_t count;                /* product of dims */
    unsigned char *data;         /* count bytes; free with idx_free */
} idx_array;

/* Load an unsigned-byte IDX file with exactly want_ndim dimensions.
 * 0 on success; -1 with "PATH: reason" in err (missing, not gzip/IDX, wrong
 * magic, truncated, trailing bytes, too large, out of memory). */
int idx_load_u8(const char *path, int want_ndim, idx_array *out,
                char *err, size_t errlen);
void idx_free(idx_array *a);

#endif
