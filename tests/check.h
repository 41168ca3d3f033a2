/* check.h -- the tests' only helper: CHECK(cond, fmt, ...) records a fact,
 * prints the failing ones, and check_summary() prints "N passed, N failed"
 * and returns the exit status. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>

static int check_passed, check_failed;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (cond) {                                                           \
            check_passed++;                                                   \
        } else {                                                              \
            check_failed++;                                                   \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);              \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

static inline int check_summary(const char *what)
{
    printf("%s: %d passed, %d failed\n", what, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
