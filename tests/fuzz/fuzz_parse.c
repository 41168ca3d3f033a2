/* fuzz_parse.c -- libFuzzer target for the option and range parsers: the
 * sweep's value lists (range_parse_doubles, range_parse_seeds), the strict
 * number parsers of cli.c, and sequences of run options fed through
 * config_set and config_resolve.  Checked properties besides "no crash, no
 * leak, no UB": an accepted list is non-empty, finite and within the count
 * limit; a rejected one leaves no output and says why; a resolved config
 * passes rms_cfg_validate and hashes to 16 hex digits. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/config.h"
#include "cli/range.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static void lists(const char *s)
{
    char err[256] = "";
    double *v = NULL;
    uint64_t *u = NULL;
    size_t n = 0;
    if (range_parse_doubles(s, &v, &n, err, sizeof err) == 0) {
        REQUIRE(n >= 1 && n <= RANGE_MAX_COUNT && v);
        for (size_t i = 0; i < n; i++)
            REQUIRE(isfinite(v[i]));
        free(v);
    } else {
        REQUIRE(v == NULL && err[0]);
    }
    err[0] = '\0';
    if (range_parse_seeds(s, &u, &n, err, sizeof err) == 0) {
        REQUIRE(n >= 1 && n <= RANGE_MAX_COUNT && u);
        free(u);
    } else {
        REQUIRE(u == NULL && err[0]);
    }
    double d;
    long l;
    size_t z;
    if (parse_double(s, &d) == 0)
        REQUIRE(isfinite(d));
    (void)parse_long(s, &l);
    (void)parse_size(s, &z);
}

/* Input: NUL-separated tokens; each token's first byte picks an option, the
 * rest is its value.  Then resolve, as `rmsbench run` would. */
static void options(const char *data, size_t size)
{
    run_opts o;
    run_opts_init(&o);
    char err[512];
    const int nopt = OPT_LAST_SHARED - OPT_PROBLEM;
    size_t i = 0;
    while (i < size) {
        const char *tok = data + i;
        size_t len = strnlen(tok, size - i);
        if (len > 0) {
            int id = OPT_PROBLEM + (unsigned char)tok[0] % nopt;
            err[0] = '\0';
            if (config_set(&o, id, tok + 1, err, sizeof err) != 0)
                REQUIRE(err[0]);
        }
        i += len + 1;
    }
    run_config rc;
    if (config_resolve(&o, &rc, err, sizeof err) == 0) {
        char why[256];
        REQUIRE(rms_cfg_validate(&rc.cfg, why, sizeof why) == 0);
        REQUIRE(strlen(rc.hash) == 16 && rc.every >= 0);
        char *json = config_json(&rc);
        REQUIRE(json);
        free(json);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    /* the option tokens point into this copy, which must outlive them */
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    if (data[0] & 1)
        options(buf, size - 1);
    else
        lists(buf);
    free(buf);
    return 0;
}
