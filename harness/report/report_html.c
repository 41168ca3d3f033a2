/* report_html.c -- index.html: one self-contained page (CSS inline, SVG plots
 * inlined), links to the plot files and scripts beside it.  Every text that
 * came from the database passes through html_escape. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"
#include "sys/fault.h"

void html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
}

static const char CSS[] =
    "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
    "max-width:1100px;margin:0 auto;padding:0 1.5em 3em;color:#222;line-height:1.45}"
    "h1{border-bottom:3px solid #1f77b4;padding-bottom:.2em}"
    "h2{margin-top:2em;border-bottom:1px solid #ccc}"
    "nav{background:#f6f8fa;padding:.5em 1em;border-radius:6px;font-size:.95em}"
    "nav a{margin-right:1.2em;white-space:nowrap}"
    "table{border-collapse:collapse;margin:.8em 0;font-size:.92em}"
    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top;"
    "overflow-wrap:anywhere}"
    "th{background:#f0f3f6}td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "td.pass{background:#dff5df;font-weight:bold}td.fail{background:#fbdada;font-weight:bold}"
    "figure{margin:1em 0;border:1px solid #e3e3e3;border-radius:6px;padding:.5em}"
    "figure svg{width:100%;height:auto;display:block}"
    "figcaption{font-size:.92em;color:#444}figcaption a{font-size:.9em}"
    "p.strong,li.strong{font-weight:bold}p.warn{color:#a00}"
    ".headline{background:#eef6ff;border-left:5px solid #1f77b4;padding:.4em 1em;margin:1em 0}";

static int is_number(const char *s)
{
    char *end;
    if (!*s)
        return 0;
    if (!strcmp(s, "-") || !strcmp(s, "inf"))
        return 1;
    strtod(s, &end);
    return *end == '\0' || !strcmp(end, "x") || !strcmp(end, "%") || !strcmp(end, " s") ||
           !strcmp(end, " ms");
}

static void inline_svg(FILE *f, const report *r, const char *name)
{
    char path[8192];
    snprintf(path, sizeof path, "%s/%s.svg", r->plotdir, name);
    FILE *in = fopen(path, "r");
    if (!in)
        return;
    fseek(in, 0, SEEK_END);
    long len = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *buf = len > 0 ? malloc((size_t)len + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)len, in) == (size_t)len) {
        buf[len] = '\0';
        /* drop the XML prolog: inside HTML the <svg> element starts it */
        char *svg = strstr(buf, "<svg");
        if (svg)
            fputs(svg, f);
    }
    free(buf);
    fclose(in);
}

static void table(FILE *f, const rep_block *b)
{
    fputs("<table>\n<tr>", f);
    for (size_t i = 0; i < b->ncells; i++) {
        const char *c = b->cells[i];
        int head = i < b->ncols;
        if (i && i % b->ncols == 0)
            fputs("</tr>\n<tr>", f);
        if (head)
            fputs("<th>", f);
        else if (!strncmp(c, "PASS", 4))
            fputs("<td class=\"pass\">", f);
        else if (!strncmp(c, "FAIL", 4))
            fputs("<td class=\"fail\">", f);
        else
            fputs(is_number(c) ? "<td class=\"num\">" : "<td>", f);
        html_escape(f, c);
        fputs(head ? "</th>" : "</td>", f);
    }
    fputs("</tr>\n</table>\n", f);
}

int rep_write_html(const report *r, const char *path, char *err, size_t errlen)
{
    FILE *f = fault_fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
    html_escape(f, r->title);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", CSS);
    html_escape(f, r->title);
    fputs("</h1>\n<nav>", f);
    for (size_t i = 0; i < r->n; i++)
        if (r->blk[i].kind == BLK_HEADING && r->blk[i].level == 2) {
            fprintf(f, "<a href=\"#s%zu\">", i);
            html_escape(f, r->blk[i].text);
            fputs("</a> ", f);
        }
    fputs("</nav>\n", f);
    int in_list = 0;
    for (size_t i = 0; i < r->n; i++) {
        const rep_block *b = &r->blk[i];
        if (in_list && b->kind != BLK_ITEM) {
            fputs("</ul>\n", f);
            in_list = 0;
        }
        switch (b->kind) {
        case BLK_HEADING:
            fprintf(f, "<h%d id=\"s%zu\">", b->level, i);
            html_escape(f, b->text);
            fprintf(f, "</h%d>\n", b->level);
            break;
        case BLK_PARA:
            fputs(b->strong ? "<p class=\"strong\">" : "<p>", f);
            html_escape(f, b->text);
            fputs("</p>\n", f);
            break;
        case BLK_ITEM:
            if (!in_list)
                fputs("<ul class=\"headline\">\n", f);
            in_list = 1;
            fputs("<li>", f);
            html_escape(f, b->text);
            fputs("</li>\n", f);
            break;
        case BLK_PLOT:
            fprintf(f, "<figure id=\"fig-%s\">\n", b->name);
            if (b->ok)
                inline_svg(f, r, b->name);
            else
                fprintf(f, "<p class=\"warn\">This plot was not drawn (gnuplot missing or failed):"
                           " run <code>cd plots &amp;&amp; gnuplot %s.gp</code>.</p>\n", b->name);
            fputs("<figcaption>", f);
            html_escape(f, b->text);
            fprintf(f, " <a href=\"plots/%s.svg\">[svg]</a> <a href=\"plots/%s.gp\">[gnuplot script]</a>"
                       " <a href=\"plots/%s.dat\">[data]</a></figcaption>\n</figure>\n",
                    b->name, b->name, b->name);
            break;
        case BLK_TABLE:
            table(f, b);
            break;
        }
    }
    if (in_list)
        fputs("</ul>\n", f);
    fputs("</body>\n</html>\n", f);
    if (ferror(f) | fclose(f)) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
