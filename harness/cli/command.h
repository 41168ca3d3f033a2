/* command.h -- a subcommand declared as data: its options (name, kind, where
 * the value goes, range, default, help line), operands and prose.  One
 * parser (getopt_long underneath) turns argv into the command's argument
 * struct with one error wording, and --help is printed from the same rows.
 *
 * Adding a subcommand = one file that defines `const cli_command cmd_NAME`
 * plus one row X(NAME) in CLI_COMMANDS below (main.c builds the dispatch
 * table and the command list of `rmsbench --help` from it). */
#ifndef CLI_COMMAND_H
#define CLI_COMMAND_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

/* The subcommands of rmsbench, in the order `rmsbench --help` lists them. */
#define CLI_COMMANDS(X) \
    X(list) X(check) X(run) X(sweep) X(tune) X(perf) X(report) X(export) \
    X(import_hyperfine) X(import_proofs)

typedef enum cli_kind {
    CLI_FLAG,     /* int field = 1; takes no value */
    CLI_STRING,   /* const char * field = the value as typed */
    CLI_LONG,     /* long field, an integer in [min, max] */
    CLI_DOUBLE,   /* double field, a finite number in [lo, hi] */
    CLI_CHOICE,   /* int field = index of the value in choices[] */
    CLI_CALL,     /* set(args, value, why, len): the command parses it */
    CLI_GROUP,    /* rows of another table (run's options), applied by it */
    CLI_TEXT,     /* no option: a heading or note printed in --help */
    CLI_INCLUDE   /* the rows of another cli_opt table, on a sub-struct at offset */
} cli_kind;

enum { CLI_NONEMPTY = 1u << 0,   /* STRING: an empty value is refused */
       CLI_REQUIRED = 1u << 1 }; /* the option must be given */

/* Options declared elsewhere (the RMSProp/run option table) and pulled into
 * a command as one row: their getopt rows, help text and apply function. */
typedef struct cli_group {
    const struct option *(*rows)(void);   /* zero-terminated; val = the group's id */
    void (*help)(FILE *f);           /* prints their help lines */
    void (*init)(void *target);      /* defaults, before argv (may be NULL) */
    /* Apply option id (arg NULL for a flag).  0, or -1 with a complete
     * one-line message in err. */
    int (*apply)(void *target, int id, const char *arg, char *err, size_t len);
} cli_group;

typedef struct cli_opt {
    const char *name;          /* long name, without "--" */
    cli_kind kind;
    size_t offset;             /* offsetof(args struct, field); see CLI_FIELD */
    const char *meta;          /* value in help: "N", "FILE" (CHOICE: generated) */
    const char *help;          /* one line */
    const char *dflt;          /* the default as typed: applied before argv and
                                  shown in help; NULL: the field starts zero */
    long min, max;             /* LONG; STRING: max = longest value (0: any) */
    double lo, hi;             /* DOUBLE */
    const char *const *choices;   /* CHOICE: NULL-terminated */
    int (*set)(void *args, const char *arg, char *why, size_t len);   /* CALL */
    const cli_group *group;    /* GROUP */
    const struct cli_opt *include;   /* INCLUDE: terminated by a NULL name */
    unsigned flags;
} cli_opt;

typedef struct cli_command {
    const char *name;          /* as typed: "import-hyperfine" */
    const char *summary;       /* one line, for `rmsbench --help` and --help */
    const char *usage;         /* after "usage: rmsbench NAME " (NULL: generated) */
    const cli_opt *opts;       /* terminated by a row with name NULL */
    size_t args_size;          /* sizeof the command's argument struct */
    void (*init)(void *args);  /* values no dflt string can give (may be NULL) */
    const char *operands;      /* help name of the operands ("FILE"), or NULL */
    int min_operands, max_operands;
    size_t operand_field;      /* CLI_FIELD(args, f, char **): the operands,
                                  NULL-terminated (when operands is set) */
    const char *epilogue;      /* prose after the options (may be NULL) */
    int (*main)(void *args);   /* the command, on args checked by cli_parse */
} cli_command;

/* offsetof(T, f), refusing to compile unless field f has type `type`. */
#define CLI_FIELD(T, f, type) \
    (offsetof(T, f) + 0 * sizeof(char[__builtin_types_compatible_p( \
        __typeof__(((T *)0)->f), type) ? 1 : -1]))

#define CLI_OPT_FLAG(nm, T, f, hl) \
    { .name = nm, .kind = CLI_FLAG, .offset = CLI_FIELD(T, f, int), .help = hl }
#define CLI_OPT_STRING(nm, T, f, mt, df, hl, fl) \
    { .name = nm, .kind = CLI_STRING, .offset = CLI_FIELD(T, f, const char *), \
      .meta = mt, .dflt = df, .help = hl, .flags = fl }
#define CLI_OPT_NAME(nm, T, f, mt, maxlen, hl) \
    { .name = nm, .kind = CLI_STRING, .offset = CLI_FIELD(T, f, const char *), \
      .meta = mt, .max = maxlen, .help = hl, .flags = CLI_NONEMPTY }
#define CLI_OPT_LONG(nm, T, f, mt, lo_, hi_, df, hl) \
    { .name = nm, .kind = CLI_LONG, .offset = CLI_FIELD(T, f, long), .meta = mt, \
      .min = lo_, .max = hi_, .dflt = df, .help = hl }
#define CLI_OPT_DOUBLE(nm, T, f, mt, lo_, hi_, df, hl) \
    { .name = nm, .kind = CLI_DOUBLE, .offset = CLI_FIELD(T, f, double), .meta = mt, \
      .lo = lo_, .hi = hi_, .dflt = df, .help = hl }
#define CLI_OPT_CHOICE(nm, T, f, ch, df, hl) \
    { .name = nm, .kind = CLI_CHOICE, .offset = CLI_FIELD(T, f, int), .choices = ch, \
      .dflt = df, .help = hl }
#define CLI_OPT_CALL(nm, fn, mt, df, hl) \
    { .name = nm, .kind = CLI_CALL, .set = fn, .meta = mt, .dflt = df, .help = hl }
#define CLI_OPT_GROUP(grp, T, f) \
    { .name = "", .kind = CLI_GROUP, .offset = offsetof(T, f), .group = grp }
#define CLI_OPT_INCLUDE(rows, T, f) \
    { .name = "", .kind = CLI_INCLUDE, .offset = offsetof(T, f), .include = rows }
#define CLI_OPT_TEXT(text) { .name = "", .kind = CLI_TEXT, .help = text }
#define CLI_OPT_END { .name = NULL }

/* A number macro as text, for help lines: CLI_STR(TUNE_MAX_DIMS) */
#define CLI_STR(x) CLI_STR_(x)
#define CLI_STR_(x) #x

/* Commands whose only option is --db and whose operand is one FILE (the
 * imports): their argument struct and rows, as .opts and the rest. */
typedef struct cli_db_file_args { const char *db; char **file; } cli_db_file_args;
extern const cli_opt cli_db_file_opts[];
#define CLI_DB_FILE_COMMAND \
    .opts = cli_db_file_opts, .args_size = sizeof(cli_db_file_args), .operands = "FILE", \
    .min_operands = 1, .max_operands = 1, \
    .operand_field = CLI_FIELD(cli_db_file_args, file, char **)

/* Parse argv (argv[0] = the command's name) into args (args_size bytes,
 * zeroed here): init, group inits and defaults, then every option as given,
 * then the operands (getopt_long moves them to the end of argv).  Returns 1
 * when --help was given (help printed on stdout), 0 otherwise.  Dies
 * (cli_die: one line, exit 2) on an unknown, ambiguous or incomplete
 * option, a bad value, a missing required option or a wrong operand count. */
int cli_parse(const cli_command *cmd, int argc, char **argv, void *args);

/* The generated help of cmd. */
void cli_help(const cli_command *cmd, FILE *f);

/* The dispatcher of a program (rmsbench, rmsbench-mpi): --help lists cmds
 * with their summaries and the extra prose; otherwise look up argv[1],
 * parse its options and run it. */
int cli_dispatch(const char *prog, const char *intro, const char *extra,
                 const cli_command *const *cmds, size_t ncmds, int argc, char **argv);

#endif
