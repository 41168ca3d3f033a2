/* report_manifest.c -- which files in the output directory are the report's:
 * those listed in DIR/.rmsbench-report by the last report.  Only they are
 * replaced or removed; any other file in the way is an error (--force). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli/cli.h"
#include "report/report.h"
#include "sys/fault.h"
#include "sys/outpath.h"

#define MANIFEST ".rmsbench-report"

static int listed(char **list, size_t n, const char *rel)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], rel))
            return 1;
    return 0;
}

static void add(char ***list, size_t *n, const char *rel)
{
    if (listed(*list, *n, rel))
        return;
    char **l = realloc(*list, (*n + 1) * sizeof **list);
    if (!l || !(l[*n] = strdup(rel)))
        cli_die("out of memory");
    *list = l;
    (*n)++;
}

/* A report from before manifests: plots/<name>.gp that say they were
 * written by rmsbench report, with their .dat and .svg, and the pages. */
static void adopt_legacy(report *r)
{
    DIR *d = opendir(r->plotdir);
    struct dirent *e;
    int any = 0;
    while (d && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 4 || l > 200 || strcmp(e->d_name + l - 3, ".gp"))
            continue;
        char path[8400], line[512] = "", rel[256];
        snprintf(path, sizeof path, "%s/%s", r->plotdir, e->d_name);
        FILE *f = fopen(path, "r");
        if (f && fgets(line, sizeof line, f) && strstr(line, "-- written by rmsbench report")) {
            static const char *const ext[] = { "gp", "dat", "svg" };
            for (int k = 0; k < 3; k++) {
                snprintf(rel, sizeof rel, "plots/%.*s.%s", (int)(l - 3), e->d_name, ext[k]);
                add(&r->owned, &r->nowned, rel);
            }
            any = 1;
        }
        if (f)
            fclose(f);
    }
    if (d)
        closedir(d);
    if (any) {
        add(&r->owned, &r->nowned, "index.html");
        add(&r->owned, &r->nowned, "README.md");
        add(&r->owned, &r->nowned, "plots/gnuplot.log");
    }
}

static int load(report *r, char *err, size_t len)
{
    char path[8200], line[1024];
    snprintf(path, sizeof path, "%s/" MANIFEST, r->outdir);
    if (out_path_check(path, err, len))
        return -1;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            snprintf(err, len, "cannot read '%s': %s", path, strerror(errno));
            return -1;
        }
        adopt_legacy(r);
        return 0;
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        /* only plain names below DIR: an edited manifest cannot point out */
        if (*line && line[0] != '#' && line[0] != '/' && !strstr(line, ".."))
            add(&r->owned, &r->nowned, line);
    }
    fclose(f);
    return 0;
}

/* Is DIR/rel free for the report: absent, or a regular file it wrote? */
static int in_the_way(const report *r, const char *rel, char *err, size_t len)
{
    char path[8200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", r->outdir, rel);
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, len, "'%s': %s", path, strerror(errno));
        return -1;
    }
    int ours = listed(r->owned, r->nowned, rel) || listed(r->written, r->nwritten, rel);
    if (S_ISDIR(st.st_mode))
        snprintf(err, len, "'%s' is in the way: a directory", path);
    else if (!r->force && !ours)
        snprintf(err, len, "'%s' is in the way: not written by an earlier rmsbench report "
                 "(--force replaces it)", path);
    else if (!r->force && !S_ISREG(st.st_mode))
        snprintf(err, len, "'%s' is in the way: not a regular file (--force replaces it)", path);
    else
        return 0;
    return -1;
}

int report_claim(report *r, const char *rel, char *err, size_t len)
{
    if (in_the_way(r, rel, err, len))
        return -1;
    add(&r->written, &r->nwritten, rel);
    return 0;
}

FILE *report_fopen(report *r, const char *rel)
{
    char path[8200], err[600];
    if (report_claim(r, rel, err, sizeof err)) {
        fprintf(stderr, "rmsbench report: %s\n", err);
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s", r->outdir, rel);
    unlink(path);   /* ours: a new file, so a link to it elsewhere is not written through */
    FILE *f = fault_fopen(path, "wx");
    if (!f)
        fprintf(stderr, "rmsbench report: cannot write '%s': %s\n", path, strerror(errno));
    return f;
}

int report_claim_dir(report *r, char *err, size_t len)
{
    if (load(r, err, len))
        return -1;
    /* the fixed names first, so a refusal happens before any write */
    if (in_the_way(r, "index.html", err, len) || in_the_way(r, "README.md", err, len))
        return -1;
    /* the last report's plots: this one draws its own set */
    for (size_t i = 0; i < r->nowned; i++) {
        if (strncmp(r->owned[i], "plots/", 6))
            continue;
        char path[8200];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", r->outdir, r->owned[i]);
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
            unlink(path);
    }
    return 0;
}

int report_save_manifest(report *r, char *err, size_t len)
{
    char path[8200], tmp[8300];
    snprintf(path, sizeof path, "%s/" MANIFEST, r->outdir);
    FILE *f = out_tmp_open(path, tmp, sizeof tmp);
    if (!f) {
        snprintf(err, len, "cannot write '%s': %s", path, strerror(errno));
        return -1;
    }
    fputs("# files written by rmsbench report; only these are replaced by the next one\n", f);
    for (size_t i = 0; i < r->nwritten; i++)
        fprintf(f, "%s\n", r->written[i]);
    return out_tmp_commit(f, tmp, path, err, len);
}

void report_manifest_free(report *r)
{
    free_list(r->owned, r->nowned);
    free_list(r->written, r->nwritten);
    r->owned = r->written = NULL;
    r->nowned = r->nwritten = 0;
}
