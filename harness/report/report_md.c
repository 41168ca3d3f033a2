/* report_md.c -- README.md: the same document in Markdown, the plots as
 * image links to plots/<name>.svg (they render on GitHub/GitLab). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "report/report.h"
#include "sys/fault.h"

/* Markdown table cells: a '|' or newline would end the cell */
static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else if (*s == '<')
            fputs("&lt;", f);
        else
            fputc(*s, f);
    }
}

int rep_write_md(const report *r, const char *path, char *err, size_t errlen)
{
    FILE *f = fault_fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    fprintf(f, "# ");
    md_cell(f, r->title);
    fputs("\n\n", f);
    for (size_t i = 0; i < r->n; i++) {
        const rep_block *b = &r->blk[i];
        switch (b->kind) {
        case BLK_HEADING:
            fprintf(f, "%.*s ", b->level, "######");
            md_cell(f, b->text);
            fputs("\n\n", f);
            break;
        case BLK_PARA:
            fputs(b->strong ? "**" : "", f);
            md_cell(f, b->text);
            fputs(b->strong ? "**\n\n" : "\n\n", f);
            break;
        case BLK_ITEM:
            fputs("- ", f);
            md_cell(f, b->text);
            fputs(i + 1 < r->n && r->blk[i + 1].kind == BLK_ITEM ? "\n" : "\n\n", f);
            break;
        case BLK_PLOT:
            fprintf(f, "![%s](plots/%s.svg)\n\n", b->name, b->name);
            md_cell(f, b->text);
            fprintf(f, " ([gnuplot script](plots/%s.gp), [data](plots/%s.dat))%s\n\n", b->name,
                    b->name, b->ok ? "" : " -- not drawn: gnuplot missing or failed");
            break;
        case BLK_TABLE:
            for (size_t c = 0; c < b->ncells; c++) {
                fputs("| ", f);
                md_cell(f, b->cells[c]);
                fputs(" ", f);
                if ((c + 1) % b->ncols == 0) {
                    fputs("|\n", f);
                    if (c + 1 == b->ncols) {
                        for (size_t k = 0; k < b->ncols; k++)
                            fputs("|---", f);
                        fputs("|\n", f);
                    }
                }
            }
            fputs("\n", f);
            break;
        }
    }
    if (ferror(f) | fclose(f)) {
        snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
