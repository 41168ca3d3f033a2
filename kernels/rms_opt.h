/* rms_opt.h -- the RMSProp options as data: one row per option of
 * rms_options.def, and the functions that read, write, parse, check and
 * print an option of an rms_cfg by its row.  Everything that handles options
 * generically (command line, sweep axes, hash text, JSON, SQL, listings)
 * goes through this API, so a new option is one row in rms_options.def.
 * docs/options.md has the walk-through. */
#ifndef RMS_OPT_H
#define RMS_OPT_H

#include <stddef.h>
#include "rms.h"

typedef enum rms_opt_kind {
    RMS_REAL,   /* double in [lo, hi] (ends excluded by lo_open/hi_open), finite */
    RMS_FLAG,   /* int 0 or 1 */
    RMS_ENUM,   /* int: index into names ("coupled|decoupled") */
    RMS_INT     /* int in [lo, hi] */
} rms_opt_kind;

typedef struct rms_opt {
    const char *field;     /* rms_cfg member name */
    size_t offset, size;   /* offsetof / sizeof of that member */
    double dflt;           /* the seed rule's value */
    rms_opt_kind kind;
    const char *key;       /* hash key, JSON key and `runs` column */
    const char *flag;      /* command-line option without "--" */
    const char *neg;       /* RMS_FLAG: option that sets 0 ("no-eps-in-sqrt"), or NULL */
    const char *arg;       /* metavariable in --help ("X"); NULL for flags */
    const char *names;     /* RMS_ENUM: "a|b|c" */
    double lo, hi;         /* RMS_REAL, RMS_INT: admissible range */
    int lo_open, hi_open;
    int multiple;          /* RMS_INT: the value is a multiple of this (0: any) */
    int since;             /* schema version that added the `runs` column */
    const char *label;     /* words for listings and reports */
    const char *tag;       /* short tag in `check` labels, or NULL */
    const char *help;      /* one help line */
} rms_opt;

/* Row ids: RMS_OPT_lr, RMS_OPT_beta, ..., in table order. */
#define RMS_OPT_ID_1(field, type, part, dflt, ...) RMS_OPT_##field,
enum rms_opt_id { RMS_OPTIONS(RMS_OPT_ID_1) RMS_OPT_COUNT };

/* Options whose `since` is at most this are always in the hash text; newer
 * ones only when not at their default (old configs keep their hash). */
#define RMS_OPT_HASH_BASE 3

/* The table, in canonical order; *count rows. */
const rms_opt *rms_opts(size_t *count);
/* The row named name: its key, its flag, its negation or its field name
 * ("wd_mode", "wd-mode" and "wd_decoupled" all find one row).  NULL if none. */
const rms_opt *rms_opt_find(const char *name);

/* The option's value in c, as a double (flags and enums as 0, 1, ...). */
double rms_opt_get(const rms_cfg *c, const rms_opt *o);
/* Store v (already checked) into c. */
void rms_opt_put(rms_cfg *c, const rms_opt *o, double v);
/* 0 if v is admissible for o; else -1 and why, e.g. "must be in [0, 1)". */
int rms_opt_check(const rms_opt *o, double v, char *why, size_t len);
/* Parse text as a value of o and store it in c: a decimal number (REAL),
 * 0 or 1 (FLAG), one of the names (ENUM), an integer (INT); the range is
 * checked.  0, or -1 with why ("expected coupled or decoupled"); c is then
 * untouched.  A sweep axis parses each element of its list with this. */
int rms_opt_parse(rms_cfg *c, const rms_opt *o, const char *text, char *why, size_t len);
/* The canonical text of o's value in c (what the hash text holds): %.17g,
 * %d or the enum name.  Returns snprintf's count. */
int rms_opt_format(const rms_cfg *c, const rms_opt *o, char *buf, size_t len);
/* For listings: %g for REAL, yes/no for FLAG, the name for ENUM. */
int rms_opt_show(const rms_cfg *c, const rms_opt *o, char *buf, size_t len);
/* Name i of an enum row into buf (NULL if there is no name i). */
const char *rms_opt_enum_name(const rms_opt *o, int i, char *buf, size_t len);
int rms_opt_is_default(const rms_cfg *c, const rms_opt *o);
/* Whether o appears in the canonical hash text of c (RMS_OPT_HASH_BASE). */
int rms_opt_in_hash(const rms_cfg *c, const rms_opt *o);
/* The SQL type of o's `runs` column: REAL, INTEGER or TEXT (enum names). */
const char *rms_opt_sql_type(const rms_opt *o);

/* The part of rms_cfg_validate that joins options each valid alone
 * (nesterov needs momentum > 0; stochastic rounding needs a rounded state;
 * a q8 block needs q8).  0, or -1 with one line in err. */
int rms_cfg_validate_joint(const rms_cfg *c, char *err, size_t len);

/* Strict decimal number: the whole text, finite, no hex, no leading space
 * (the harness's parse_double is this).  0, or -1 with *out untouched. */
int rms_parse_real(const char *s, double *out);

#endif
