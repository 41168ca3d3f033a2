/* report_plot.c -- figures: each plot is plots/<name>.dat (numbers only),
 * plots/<name>.gp (the script, kept so a user can edit and re-run it with
 * `cd plots && gnuplot <name>.gp`) and plots/<name>.svg drawn by gnuplot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli/cli.h"
#include "report/report.h"

FILE *plot_data(report *r, const char *name)
{
    char rel[600];
    snprintf(rel, sizeof rel, "plots/%s.dat", name);
    return report_fopen(r, rel);
}

const char *gp_quote(char *buf, size_t len, const char *s)
{
    size_t o = 0;
    if (len < 3)
        return "''";
    buf[o++] = '\'';
    for (; s && *s && o + 3 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            continue;
        if (c == '\'')
            buf[o++] = '\'';   /* '' is a quote inside '...' */
        buf[o++] = (char)c;
    }
    buf[o++] = '\'';
    buf[o] = '\0';
    return buf;
}

/* Run gnuplot on <name>.gp inside the plot directory, so the script's
 * relative file names work the same when a user re-runs it. */
static int run_gnuplot(const report *r, const char *name, int log_ok)
{
    char script[512];
    snprintf(script, sizeof script, "%s.gp", name);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(r->plotdir) != 0)
            _exit(126);
        /* gnuplot's warnings (e.g. empty log-scale ranges) go to the log,
         * unless a file of someone else's is in its place */
        FILE *log = freopen(log_ok ? "gnuplot.log" : "/dev/null", "a", stderr);
        (void)log;
        execlp("gnuplot", "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void plot_render(report *r, const char *name, int height, const char *body,
                 const char *caption)
{
    char path[8192], rel[600], err[600];
    snprintf(path, sizeof path, "%s/%s.gp", r->plotdir, name);
    snprintf(rel, sizeof rel, "plots/%s.svg", name);
    int claimed = report_claim(r, rel, err, sizeof err) == 0;
    if (!claimed)
        fprintf(stderr, "rmsbench report: %s\n", err);
    snprintf(rel, sizeof rel, "plots/%s.gp", name);
    FILE *f = claimed ? report_fopen(r, rel) : NULL;
    if (!f) {   /* the figure is missing from the report: a plot failure */
        r->plot_failures++;
        rep_para(r, "(figure %s not drawn: see the messages of rmsbench report)", name);
        return;
    }
    /* noenhanced: names from the database (mlp_fmnist) are not markup */
    fprintf(f, "# %s -- written by rmsbench report; re-run: gnuplot %s.gp\n"
               "set terminal svg size 900,%d dynamic noenhanced font 'Helvetica,13' background '#ffffff'\n"
               "set output '%s.svg'\n"
               "set encoding utf8\n"
               "set grid lc rgb '#dddddd'\n"
               "set key outside right top box opaque\n"
               "set border lw 1\n"
               "set linetype 1 lc rgb '#1f77b4' lw 2 pt 7 ps 0.7\n"
               "set linetype 2 lc rgb '#d62728' lw 2 pt 5 ps 0.7\n"
               "set linetype 3 lc rgb '#2ca02c' lw 2 pt 9 ps 0.8\n"
               "set linetype 4 lc rgb '#9467bd' lw 2 pt 11 ps 0.8\n"
               "set linetype 5 lc rgb '#ff7f0e' lw 2 pt 13 ps 0.8\n"
               "set linetype 6 lc rgb '#8c564b' lw 2 pt 3 ps 0.8\n"
               "set linetype 7 lc rgb '#e377c2' lw 2 pt 1 ps 0.8\n"
               "set linetype 8 lc rgb '#17becf' lw 2 pt 2 ps 0.8\n"
               "set linetype cycle 8\n",
            name, name, height, name);
    fputs(body, f);
    if (ferror(f) | fclose(f)) {
        r->plot_failures++;
        fprintf(stderr, "rmsbench report: cannot write '%s': %s\n", path, strerror(errno));
        rep_para(r, "(figure %s not drawn: see the messages of rmsbench report)", name);
        return;
    }

    char svg[8192];
    snprintf(svg, sizeof svg, "%s/%s.svg", r->plotdir, name);
    unlink(svg);
    int log_ok = report_claim(r, "plots/gnuplot.log", err, sizeof err) == 0;
    int rc = run_gnuplot(r, name, log_ok);
    struct stat st;
    int ok = rc == 0 && stat(svg, &st) == 0 && st.st_size > 0;
    if (!ok) {
        r->plot_failures++;
        fprintf(stderr, "rmsbench report: %s: %s (see %s/gnuplot.log)\n", path,
                rc == 127 ? "gnuplot is not installed (scripts/install-deps.sh)"
                          : "gnuplot failed", r->plotdir);
    }
    /* the figure block */
    rep_para(r, "%s", caption);
    rep_block *b = &r->blk[r->n - 1];
    b->kind = BLK_PLOT;
    b->name = strdup(name);
    b->ok = ok;
    if (!b->name)
        cli_die("out of memory");
    r->nplots++;
}

void plot_name(char *buf, size_t len, const char *prefix, size_t i, const char *problem)
{
    int o = snprintf(buf, len, "%s_%zu_", prefix, i);
    for (const char *s = problem; *s && (size_t)o + 1 < len && o < 60; s++)
        buf[o++] = (char)((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                          (*s >= '0' && *s <= '9') || *s == '-' ? *s : '_');
    buf[o] = '\0';
}
