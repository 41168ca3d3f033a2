/* cli.h -- what every subcommand shares: strict number parsing (never atof),
 * lists, and the one-line error convention (exit 2, nothing written). */
#ifndef CLI_H
#define CLI_H

#include <stddef.h>
#include <stdio.h>

/* Subcommand entry points (one file each: harness/cmd_<name>.c). */
int cmd_list(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_perf(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import_hyperfine(int argc, char **argv);
int cmd_import_proofs(int argc, char **argv);

/* Name of the running subcommand, for messages ("rmsbench run: ..."). */
extern const char *cli_cmd;

/* Print "rmsbench <cmd>: <message>" on stderr and exit 2. */
void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Strict parsers: the whole string must be a number, no NaN/Inf, no
 * overflow.  0 on success, -1 otherwise (value untouched). */
int parse_double(const char *s, double *out);
int parse_long(const char *s, long *out);
/* Non-negative count with optional K/M/G (x1000) or Ki/Mi/Gi (x1024)
 * suffix, "1e6" or "2^20" forms. */
int parse_size(const char *s, size_t *out);

/* Wrappers that die with "--opt: bad value 'x' (why)" on failure. */
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
