/* range.h -- the sweep's value lists: strict, non-dying parsers (the fuzz
 * target calls them directly), errors as one line naming the bad text. */
#ifndef RANGE_H
#define RANGE_H

#include <stddef.h>
#include <stdint.h>

/* Upper bound on the values one list may expand to. */
#define RANGE_MAX_COUNT 100000

/* "0.1,0.01" (comma list) or "1e-4:1e-1:13" (13 log-spaced values from lo to
 * hi inclusive; lo, hi > 0).  *out is malloc'd.  0, or -1 with err. */
int range_parse_doubles(const char *s, double **out, size_t *count,
                        char *err, size_t errlen);

/* One seed: a decimal integer >= 0 with no sign.  0, or -1. */
int range_parse_seed(const char *s, uint64_t *out);

/* "1,2,3", "1..10" (inclusive) or a mix "1..3,7".  Seeds are >= 0. */
int range_parse_seeds(const char *s, uint64_t **out, size_t *count,
                      char *err, size_t errlen);

#endif
