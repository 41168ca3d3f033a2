/* report_doc.c -- the document model the sections fill and the renderers
 * read: blocks appended in order.  Out of memory ends the program (a report
 * without memory cannot be written anyway). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "report/report.h"

static rep_block *push(report *r, blk_kind kind)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 64;
        rep_block *b = realloc(r->blk, cap * sizeof *b);
        if (!b)
            cli_die("out of memory");
        r->blk = b;
        r->cap = cap;
    }
    rep_block *b = &r->blk[r->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static char *vfmt(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        cli_die("out of memory");
    return s;
}

void rep_heading(report *r, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rep_block *b = push(r, BLK_HEADING);
    b->level = level;
    b->text = vfmt(fmt, ap);
    va_end(ap);
}

void rep_para(report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    push(r, BLK_PARA)->text = vfmt(fmt, ap);
    va_end(ap);
}

void rep_strong(report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rep_block *b = push(r, BLK_PARA);
    b->strong = 1;
    b->text = vfmt(fmt, ap);
    va_end(ap);
}

void rep_item(report *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    push(r, BLK_ITEM)->text = vfmt(fmt, ap);
    va_end(ap);
}

static void add_cell(rep_block *b, char *s)
{
    /* capacity grows in powers of two from 16 */
    size_t n = b->ncells;
    if (n >= 16 && (n & (n - 1)) == 0) {
        char **c = realloc(b->cells, 2 * n * sizeof *c);
        if (!c)
            cli_die("out of memory");
        b->cells = c;
    }
    b->cells[b->ncells++] = s;
}

void rep_table_n(report *r, size_t ncols, const char *const *header)
{
    rep_block *b = push(r, BLK_TABLE);
    b->ncols = ncols;
    b->cells = malloc(16 * sizeof *b->cells);
    if (!b->cells)
        cli_die("out of memory");
    for (size_t i = 0; i < ncols; i++) {
        char *s = strdup(header[i]);
        if (!s)
            cli_die("out of memory");
        add_cell(b, s);
    }
}

void rep_table(report *r, size_t ncols, ...)
{
    const char *hdr[32];
    va_list ap;
    va_start(ap, ncols);
    for (size_t i = 0; i < ncols && i < 32; i++)
        hdr[i] = va_arg(ap, const char *);
    va_end(ap);
    rep_table_n(r, ncols < 32 ? ncols : 32, hdr);
}

void rep_cell(report *r, const char *fmt, ...)
{
    rep_block *b = r->n ? &r->blk[r->n - 1] : NULL;
    if (!b || b->kind != BLK_TABLE)
        cli_die("internal error: rep_cell without a table");
    va_list ap;
    va_start(ap, fmt);
    add_cell(b, vfmt(fmt, ap));
    va_end(ap);
}

void rep_free(report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->blk[i].text);
        free(r->blk[i].name);
        for (size_t j = 0; j < r->blk[i].ncells; j++)
            free(r->blk[i].cells[j]);
        free(r->blk[i].cells);
    }
    free(r->blk);
    free(r->title);
    r->blk = NULL;
    r->n = r->cap = 0;
}

const char *fmt_num(char *buf, size_t len, double x)
{
    if (isnan(x))
        snprintf(buf, len, "-");
    else if (isinf(x))
        snprintf(buf, len, "%s", x > 0 ? "inf" : "-inf");
    else if (fabs(x) >= 1000 && fabs(x) < 1e7)
        snprintf(buf, len, "%.0f", x);      /* 2130, not 2.13e+03 */
    else
        snprintf(buf, len, "%.3g", x);
    return buf;
}

const char *fmt_size(char *buf, size_t len, long long n)
{
    if (n >= 1024 && (n & (n - 1)) == 0) {
        int k = 0;
        while ((1LL << k) < n)
            k++;
        snprintf(buf, len, "2^%d", k);
    } else {
        snprintf(buf, len, "%lld", n);
    }
    return buf;
}

/* Append printf output to a growing string (the gnuplot script body). */
void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (k < 0)
            cli_die("formatting a plot script");
        if (b->s && (size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        size_t cap = b->cap ? 2 * b->cap : 4096;
        while (cap < b->n + (size_t)k + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p)
            cli_die("out of memory");
        b->s = p;
        b->cap = cap;
    }
}
