/* cli.h -- what every subcommand shares: strict number parsing (never atof),
 * lists, and the one-line error convention (exit 2, nothing written). */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdio.h>

/* Program and running subcommand, for messages ("rmsbench run: ..."); set
 * by the dispatcher (cli/command.h). */
extern const char *cli_prog;
extern const char *cli_cmd;

/* Print "<prog> <cmd>: <message>" on stderr and exit 2. */
void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The one wording of a bad option value: "<prog> <cmd>: OPT: bad value
 * 'VALUE' (WHY)" on stderr, exit 2.  opt as typed in code: "--sizes". */
void cli_bad(const char *opt, const char *value, const char *why_fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

/* Strict parsers: the whole string must be a number, no NaN/Inf, no
 * overflow.  0 on success, -1 otherwise (value untouched). */
int parse_double(const char *s, double *out);
int parse_long(const char *s, long *out);
/* Non-negative count with optional K/M/G (x1000) or Ki/Mi/Gi (x1024)
 * suffix, "1e6" or "2^20" forms. */
int parse_size(const char *s, size_t *out);

/* Wrappers that die with "--opt: bad value 'x' (why)" (cli_bad) on failure;
 * why is "must be in [lo, hi]" when the number is out of range. */
double opt_double(const char *opt, const char *s, double lo, double hi);
long   opt_long(const char *opt, const char *s, long lo, long hi);
size_t opt_size(const char *opt, const char *s, size_t lo, size_t hi);

/* Comma-separated list of sizes; dies on a bad element.  Caller frees. */
size_t *opt_size_list(const char *opt, const char *s, size_t *count);

/* Comma-separated names: returns a malloc'd array of strdup'd tokens
 * (empty tokens rejected).  Caller frees with free_list. */
char **opt_name_list(const char *opt, const char *s, size_t *count);
void   free_list(char **list, size_t count);

/* One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a
 * comma, quote, CR/LF or an edge space; as it is otherwise. */
void csv_field(FILE *f, const char *s);

#endif
