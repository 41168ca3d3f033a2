/* command.c -- the one option parser and help printer of every subcommand,
 * driven by its cli_command rows, and the dispatcher over a command table. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "store/db.h"

#define HELP_COL   24   /* column where an option's help text starts */
#define HELP_WIDTH 79

/* getopt_long rows built from a command's specs: row i came from spec[i]
 * (for a group row, the group's spec, with the group's own id in val). */
typedef struct optrows {
    struct option *rows;
    const cli_opt **spec;
    size_t n;
    unsigned char *given;   /* per direct spec: seen on the command line */
    cli_opt *flat;          /* the command's rows, flattened */
} optrows;

enum { VAL_BASE = 0x10000, VAL_HELP = 0x7fff0 };

/* Rows as one array: included tables expanded in place, their offsets made
 * relative to the command's argument struct.  malloc'd, NULL-name ended. */
static size_t flatten(const cli_opt *opts, size_t base, cli_opt *out)
{
    size_t n = 0;
    for (const cli_opt *o = opts; o->name; o++) {
        if (o->kind == CLI_INCLUDE) {
            n += flatten(o->include, base + o->offset, out ? out + n : NULL);
            continue;
        }
        if (out) {
            out[n] = *o;
            out[n].offset += base;
        }
        n++;
    }
    return n;
}

static cli_opt *flat_opts(const cli_opt *opts)
{
    size_t n = flatten(opts, 0, NULL);
    cli_opt *out = calloc(n + 1, sizeof *out);
    if (!out)
        cli_die("out of memory");
    flatten(opts, 0, out);
    return out;
}

static void *field(void *args, const cli_opt *o) { return (char *)args + o->offset; }

static void choices_text(const char *const *ch, const char *sep, const char *last,
                         char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; ch[i] && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 i == 0 ? "" : ch[i + 1] ? sep : last, ch[i]);
}

/* Apply one value of a direct (non-group) option; dies on a bad value. */
static void apply(const cli_opt *o, void *args, const char *arg)
{
    char opt[80], why[256] = "";
    snprintf(opt, sizeof opt, "--%s", o->name);
    switch (o->kind) {
    case CLI_FLAG:
        *(int *)field(args, o) = 1;
        return;
    case CLI_STRING:
        if ((o->flags & CLI_NONEMPTY) && !*arg)
            cli_bad(opt, arg, "empty");
        if (o->max > 0 && strlen(arg) > (size_t)o->max)
            cli_bad(opt, arg, "longer than %ld characters", o->max);
        *(const char **)field(args, o) = arg;
        return;
    case CLI_LONG:      /* the wording is opt_long's and opt_double's (cli.c) */
        *(long *)field(args, o) = opt_long(opt, arg, o->min, o->max);
        return;
    case CLI_DOUBLE:
        *(double *)field(args, o) = opt_double(opt, arg, o->lo, o->hi);
        return;
    case CLI_CHOICE:
        for (int i = 0; o->choices[i]; i++)
            if (!strcmp(arg, o->choices[i])) {
                *(int *)field(args, o) = i;
                return;
            }
        choices_text(o->choices, ", ", " or ", why, sizeof why);
        cli_bad(opt, arg, "expected %s", why);
    case CLI_CALL:
        if (o->set(args, arg, why, sizeof why))
            cli_bad(opt, arg, "%s", why);
        return;
    case CLI_GROUP:
    case CLI_TEXT:
    case CLI_INCLUDE:
        break;
    }
    cli_die("%s: internal error (kind %d)", opt, (int)o->kind);
}

static optrows build_rows(const cli_opt *opts)
{
    size_t cap = 2;
    for (const cli_opt *o = opts; o->name; o++)
        if (o->kind != CLI_GROUP)
            cap++;
        else
            for (const struct option *g = o->group->rows(); g->name; g++)
                cap++;
    optrows r = { calloc(cap, sizeof *r.rows), calloc(cap, sizeof *r.spec), 0, NULL, NULL };
    if (!r.rows || !r.spec)
        cli_die("out of memory");
    for (const cli_opt *o = opts; o->name; o++) {
        if (o->kind == CLI_GROUP) {
            for (const struct option *g = o->group->rows(); g->name; g++) {
                r.spec[r.n] = o;
                r.rows[r.n++] = *g;
            }
            continue;
        }
        if (o->kind == CLI_TEXT)
            continue;
        r.spec[r.n] = o;
        r.rows[r.n] = (struct option){ o->name, o->kind == CLI_FLAG ? no_argument
                                                                    : required_argument,
                                       NULL, VAL_BASE + (int)(o - opts) };
        r.n++;
    }
    r.rows[r.n] = (struct option){ "help", no_argument, NULL, VAL_HELP };
    return r;
}

/* The rows whose name starts with the n characters of typed: the exact
 * match alone when there is one. */
static size_t prefix_matches(const optrows *r, const char *typed, size_t n, size_t *first)
{
    size_t count = 0;
    for (size_t i = 0; i <= r->n; i++)
        if (!strncmp(r->rows[i].name, typed, n)) {
            if (strlen(r->rows[i].name) == n) {
                *first = i;
                return 1;
            }
            if (count++ == 0)
                *first = i;
        }
    return count;
}

/* getopt_long returned '?' or ':' for argv element typed: say which. */
static __attribute__((noreturn)) void die_usage(const cli_command *cmd, const optrows *r, const char *typed,
                      int missing, int optopt_char)
{
    if (!typed || strncmp(typed, "--", 2)) {
        if (missing)
            cli_die("-%c: missing value", optopt_char);
        cli_die("-%c: unknown option (try %s %s --help)", optopt_char, cli_prog, cmd->name);
    }
    const char *name = typed + 2, *eq = strchr(name, '=');
    size_t n = eq ? (size_t)(eq - name) : strlen(name), first = 0;
    size_t count = prefix_matches(r, name, n, &first);
    if (count == 1 && missing)
        cli_die("--%s: missing value", r->rows[first].name);
    if (count == 1 && eq && r->rows[first].has_arg == no_argument)
        cli_die("--%s: takes no value (got '%s')", r->rows[first].name, eq + 1);
    if (count > 1) {
        char list[512];
        size_t used = 0;
        for (size_t i = 0; i <= r->n && used < sizeof list; i++)
            if (!strncmp(r->rows[i].name, name, n))
                used += (size_t)snprintf(list + used, sizeof list - used, "%s--%s",
                                         used ? ", " : "", r->rows[i].name);
        cli_die("--%.*s: ambiguous option (%s)", (int)n, name, list);
    }
    cli_die("--%.*s: unknown option (try %s %s --help)", (int)n, name, cli_prog, cmd->name);
}

static void set_defaults(const cli_command *cmd, const cli_opt *opts, void *args)
{
    memset(args, 0, cmd->args_size);
    if (cmd->init)
        cmd->init(args);
    for (const cli_opt *o = opts; o->name; o++)
        if (o->kind == CLI_GROUP && o->group->init)
            o->group->init(field(args, o));
        else if (o->kind != CLI_GROUP && o->dflt)
            apply(o, args, o->dflt);
}

/* Whether the getopt row that returned c has an optional value. */
static int takes_optional(const optrows *r, int c)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->rows[i].val == c && !r->rows[i].flag)
            return r->rows[i].has_arg == optional_argument;
    return 0;
}

/* The rows of the parse in progress: a bad option exits from inside it, and
 * what is still referenced from here is not a leak. */
static optrows parsing;

int cli_parse(const cli_command *cmd, int argc, char **argv, void *args)
{
    cli_opt *opts = flat_opts(cmd->opts);
    set_defaults(cmd, opts, args);
    optrows r = parsing = build_rows(opts);
    parsing.flat = opts;
    unsigned char *given = calloc(r.n + 1, 1);
    if (!given)
        cli_die("out of memory");
    parsing.given = given;
    char err[512];
    int c, help = 0;
    opterr = 0;
    optind = 0;   /* glibc: start afresh (the parser may run more than once) */
    while (!help && (c = getopt_long(argc, argv, ":h", r.rows, NULL)) != -1) {
        if (c == 'h' || c == VAL_HELP) {
            help = 1;
            continue;
        }
        if (c == '?' || c == ':')
            die_usage(cmd, &r, optind > 0 && optind <= argc ? argv[optind - 1] : NULL,
                      c == ':', optopt);
        /* An option with an optional value also takes it as the next word
         * (--centered 0,1), unless that word is another option; alone it
         * has none (--centered). */
        if (!optarg && optind < argc && argv[optind][0] != '-' && takes_optional(&r, c))
            optarg = argv[optind++];
        if (c >= VAL_BASE) {
            const cli_opt *o = &opts[c - VAL_BASE];
            apply(o, args, optarg ? optarg : "");
            given[c - VAL_BASE] = 1;
        } else {   /* a group's row: c is the group's own id */
            const cli_opt *o = NULL;
            for (size_t i = 0; i < r.n && !o; i++)
                if (r.rows[i].val == c && r.spec[i]->kind == CLI_GROUP)
                    o = r.spec[i];
            if (!o || o->group->apply(field(args, o), c, optarg, err, sizeof err))
                cli_die("%s", o ? err : "internal error: unknown option id");
        }
    }
    if (help) {
        cli_help(cmd, stdout);
    } else {
        for (const cli_opt *o = opts; o->name; o++)
            if ((o->flags & CLI_REQUIRED) && !given[o - opts])
                cli_die("--%s is required (try %s %s --help)", o->name, cli_prog, cmd->name);
        int n = argc - optind;
        if (n > cmd->max_operands)
            cli_die("unexpected argument '%s' (try %s %s --help)",
                    argv[optind + cmd->max_operands], cli_prog, cmd->name);
        if (n < cmd->min_operands)
            cli_die("missing %s (try %s %s --help)", cmd->operands, cli_prog, cmd->name);
        if (cmd->operands)
            *(char ***)((char *)args + cmd->operand_field) = argv + optind;
    }
    free(given);
    free(r.rows);
    free(r.spec);
    free(opts);
    memset(&parsing, 0, sizeof parsing);
    return help;
}

/* text wrapped at HELP_WIDTH, continuation lines indented to HELP_COL */
static void wrapped(FILE *f, int col, const char *text)
{
    while (*text) {
        const char *sp = strchr(text, ' ');
        int w = sp ? (int)(sp - text) : (int)strlen(text);
        if (col > HELP_COL && col + 1 + w > HELP_WIDTH) {
            fprintf(f, "\n%*s", HELP_COL, "");
            col = HELP_COL;
        } else if (col > HELP_COL) {
            fputc(' ', f);
            col++;
        }
        fprintf(f, "%.*s", w, text);
        col += w;
        text += w;
        while (*text == ' ')
            text++;
    }
    fputc('\n', f);
}

static void help_line(FILE *f, const cli_opt *o)
{
    char left[160], meta[160], text[1024];
    const char *m = o->meta;
    if (o->kind == CLI_CHOICE) {
        choices_text(o->choices, "|", "|", meta, sizeof meta);
        m = meta;
    }
    int len = snprintf(left, sizeof left, "  --%s%s%s", o->name, m ? " " : "", m ? m : "");
    size_t used = (size_t)snprintf(text, sizeof text, "%s", o->help);
    char range[96] = "";
    if (o->kind == CLI_LONG && o->max == LONG_MAX)
        snprintf(range, sizeof range, ">= %ld", o->min);
    else if (o->kind == CLI_LONG)
        snprintf(range, sizeof range, "%ld to %ld", o->min, o->max);
    else if (o->kind == CLI_DOUBLE)
        snprintf(range, sizeof range, "%g to %g", o->lo, o->hi);
    if (*range || o->dflt || (o->flags & CLI_REQUIRED))
        snprintf(text + used, sizeof text - used, " (%s%s%s%s%s)", range,
                 *range && o->dflt ? "; " : "", o->dflt ? "default " : "",
                 o->dflt ? o->dflt : "", o->flags & CLI_REQUIRED ? "required" : "");
    fputs(left, f);
    if (len >= HELP_COL - 1)
        fprintf(f, "\n%*s", HELP_COL, "");
    else
        fprintf(f, "%*s", HELP_COL - len, "");
    wrapped(f, HELP_COL, text);
}

void cli_help(const cli_command *cmd, FILE *f)
{
    cli_opt *opts = flat_opts(cmd->opts);
    fprintf(f, "usage: %s %s ", cli_prog, cmd->name);
    if (cmd->usage) {
        fprintf(f, "%s\n", cmd->usage);
    } else {
        for (const cli_opt *o = opts; o->name; o++)
            if (o->flags & CLI_REQUIRED)
                fprintf(f, "--%s %s ", o->name, o->meta ? o->meta : "");
        fprintf(f, "[options]%s%s\n", cmd->operands ? " " : "",
                cmd->operands ? cmd->operands : "");
    }
    fprintf(f, "\n%s.\n\noptions:\n", cmd->summary);
    for (const cli_opt *o = opts; o->name; o++)
        if (o->kind == CLI_GROUP)
            o->group->help(f);
        else if (o->kind == CLI_TEXT)
            fputs(o->help, f);
        else
            help_line(f, o);
    fprintf(f, "  -h, --help            this help\n");
    if (cmd->epilogue)
        fprintf(f, "\n%s", cmd->epilogue);
    free(opts);
}

const cli_opt cli_db_file_opts[] = {
    CLI_OPT_STRING("db", cli_db_file_args, db, "FILE", RMS_DB_DEFAULT, "results database",
                   CLI_NONEMPTY),
    CLI_OPT_END
};

static void list_commands(FILE *f, const char *prog, const char *intro, const char *extra,
                          const cli_command *const *cmds, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(cmds[i]->name) > w)
            w = (int)strlen(cmds[i]->name);
    fprintf(f, "usage: %s <command> [options]   (%s <command> --help)\n\n%s\ncommands:\n",
            prog, prog, intro);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-*s  %s\n", w, cmds[i]->name, cmds[i]->summary);
    if (extra)
        fprintf(f, "\n%s", extra);
}

int cli_dispatch(const char *prog, const char *intro, const char *extra,
                 const cli_command *const *cmds, size_t ncmds, int argc, char **argv)
{
    cli_prog = prog;
    if (argc < 2)
        cli_die("missing command (try %s --help)", prog);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        list_commands(stdout, prog, intro, extra, cmds, ncmds);
        return 0;
    }
    for (size_t i = 0; i < ncmds; i++)
        if (!strcmp(argv[1], cmds[i]->name)) {
            const cli_command *cmd = cmds[i];
            void *args = calloc(1, cmd->args_size ? cmd->args_size : 1);
            if (!args)
                cli_die("out of memory");
            cli_cmd = cmd->name;
            int status = cli_parse(cmd, argc - 1, argv + 1, args) ? 0 : cmd->main(args);
            free(args);
            return status;
        }
    cli_die("unknown command '%s' (try %s --help)", argv[1], prog);
}
