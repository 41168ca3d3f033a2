/* report.h -- `rmsbench report`: a document model that the sections fill
 * (headings, text, tables, gnuplot figures) and two renderers (HTML with the
 * SVG plots inlined, Markdown referencing the same files).
 *
 *   report_data.c     loading runs/groups/perf rows from a database
 *   report_plot.c     writing plots/<name>.dat + .gp and running gnuplot
 *   report_runs.c     convergence, sensitivity, steps to target, profile
 *   report_perf.c     time per element with the roof, speed-up bars
 *   report_meta.c     headline, machine and build, proofs, hyperfine
 *   report_compare.c  two studies side by side (--compare)
 *   report_solvers.c  solvers at their tuned configuration, with statistics
 *   report_lowprec.c  state precision (bf16, f16, q8 optimizer state)
 *   report_html.c / report_md.c   the renderers
 */
#ifndef REPORT_H
#define REPORT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include "rms_util.h"   /* rms_median */

/* ------------------------------------------------------------ document */

typedef enum { BLK_HEADING, BLK_PARA, BLK_ITEM, BLK_PLOT, BLK_TABLE } blk_kind;

typedef struct rep_block {
    blk_kind kind;
    int level;            /* heading level (2, 3) */
    int strong;           /* paragraph/item shown in bold */
    char *text;           /* heading, paragraph, item, plot caption */
    char *name;           /* plot: plots/<name>.svg and .gp */
    int ok;               /* plot: gnuplot produced the SVG */
    size_t ncols, ncells; /* table: cells row-major, row 0 is the header */
    char **cells;
} rep_block;

typedef struct report {
    rep_block *blk;
    size_t n, cap;
    char *title;
    char outdir[4096];
    char plotdir[4096];
    const char *db_path, *db2_path;
    char label_a[512], label_b[512];   /* the two sides of a comparison */
    int plot_failures;    /* gnuplot missing or a script failed */
    int nplots;
    /* Paths relative to outdir: the files the last report wrote (its
     * manifest, DIR/.rmsbench-report), which this one may replace, and
     * those this one wrote (the next manifest).  Nothing else is touched
     * unless force (--force). */
    char **owned, **written;
    size_t nowned, nwritten;
    int force;
} report;

void rep_heading(report *r, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rep_para(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rep_strong(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rep_item(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A table with ncols columns; the header cells follow (ncols strings). */
void rep_table(report *r, size_t ncols, ...);
void rep_table_n(report *r, size_t ncols, const char *const *header);
/* Append one cell to the last table. */
void rep_cell(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rep_free(report *r);

/* Renderers: 0 or -1 with a message naming the file. */
int rep_write_html(const report *r, const char *path, char *err, size_t errlen);
int rep_write_md(const report *r, const char *path, char *err, size_t errlen);

/* A growing string (gnuplot script bodies): sb_printf appends. */
typedef struct sbuf { char *s; size_t n, cap; } sbuf;
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Text helpers shared by the renderers and sections. */
void html_escape(FILE *f, const char *s);
/* Numbers as people read them: 3 significant digits, no trailing zeros. */
const char *fmt_num(char *buf, size_t len, double x);
/* A size as 2^k when it is a power of two, else %g. */
const char *fmt_size(char *buf, size_t len, long long n);

/* ------------------------------------------------------------ manifest */

/* Load DIR's manifest (a directory holding a report from before manifests
 * adopts its plots/<name>.gp written by rmsbench and their .dat/.svg), check
 * index.html and README.md, and remove the files the last report wrote that
 * this one may not rewrite.  Before anything is written: 0, or -1 with
 * "'DIR/index.html' is in the way ..." (exit 2). */
int report_claim_dir(report *r, char *err, size_t errlen);
/* May the report write rel (e.g. "plots/x.dat")?  Records it in the new
 * manifest.  0, or -1 with a message naming the file. */
int report_claim(report *r, const char *rel, char *err, size_t errlen);
/* report_claim + open DIR/rel for writing; NULL and a message on stderr. */
FILE *report_fopen(report *r, const char *rel);
/* Write the manifest of what this report wrote (at the end, and on the
 * error paths, so a later report may replace them).  0 or -1 with a message. */
int report_save_manifest(report *r, char *err, size_t errlen);
void report_manifest_free(report *r);

/* ------------------------------------------------------------ plots */

/* A file-name-safe plot name: prefix, index, problem name. */
void plot_name(char *buf, size_t len, const char *prefix, size_t i, const char *problem);
/* Open plots/<name>.dat for writing (NULL and a message on failure). */
FILE *plot_data(report *r, const char *name);
/* Write plots/<name>.gp = the common preamble + body, run gnuplot on it in
 * plots/, and add the figure with its caption to the document. */
void plot_render(report *r, const char *name, int height, const char *body,
                 const char *caption);
/* s quoted as a gnuplot single-quoted string (control characters dropped). */
const char *gp_quote(char *buf, size_t len, const char *s);

/* ------------------------------------------------------------ data */

typedef struct rep_run {
    long long id;
    char *problem, *kernel, *preset, *key;   /* key: the config minus seed */
    double lr, beta, eps;
    int status_done;      /* 1 done, 0 diverged */
    double final_loss;    /* +inf when diverged or missing */
    long long steps_to_target;      /* -1: not reached */
    double time_to_target_s;        /* -1: not reached */
    double wall_s;
    long long seed;
    char *solver;         /* label: the study's, else preset + options but lr */
    int f64;              /* run by ref64 (double) rather than a float kernel */
    int phase;            /* RUN_PLAIN, RUN_TUNING (a tuning trial), RUN_FINAL */
    int quasi;            /* a trial of a quasirandom study */
} rep_run;

enum { RUN_PLAIN = 0, RUN_TUNING = 1, RUN_FINAL = 2 };

/* Runs that share every option but the seed. */
typedef struct rep_group {
    char *key, *problem, *kernel, *preset;
    char *cfg;            /* key without the kernel: same cfg = same run but kernel */
    double lr, beta, eps;
    size_t *runs, nruns;  /* indexes into rep_data.runs */
    size_t ndiverged;
    double final_med, final_min, final_max;   /* over seeds; inf = diverged */
    double steps_med;     /* median steps to target, inf if most seeds miss */
    double time_med;      /* median time to target (s), inf likewise */
    size_t reached;       /* seeds that reached the target */
} rep_group;

typedef struct rep_perf {
    char *source, *kernel;
    long long n;
    int threads;
    double ns, ns_min, ns_max, gbps, roof_ns, roof_ratio;
    int validated;        /* -1 unknown */
} rep_perf;

typedef struct rep_data {
    sqlite3 *db;
    rep_run *runs; size_t nruns;
    rep_group *groups; size_t ngroups;
    char **problems; size_t nproblems;      /* with done/diverged runs */
    rep_perf *perf; size_t nperf;           /* latest row per key, one machine */
    long long perf_machine;                 /* -1: no perf rows */
    size_t perf_machines;                   /* machines with perf rows */
    long long counts[8];  /* runs done, diverged, failed, running; curve
                             points, perf, proofs, hyperfine rows */
    struct sv_problem *solvers;             /* per problem (report_solvers.c) */
} rep_data;

enum { CNT_DONE, CNT_DIVERGED, CNT_FAILED, CNT_RUNNING, CNT_CURVE, CNT_PERF,
       CNT_PROOFS, CNT_HYPERFINE };

/* machine < 0: every machine's runs, the latest machine's timings;
 * otherwise only that machine's runs and timings. */
/* SQL expressions (unqualified columns of runs) for a run's state ('f32',
 * 'bf16', ...) and its rounding ('nearest', 'stochastic'): the `runs`
 * columns when the schema has them (7 on), else the run's JSON (absent:
 * f32, nearest), so a report reads an older database as it is. */
const char *rep_state_sql(sqlite3 *db);
const char *rep_rounding_sql(sqlite3 *db);

int  rep_data_load(sqlite3 *db, long long machine, rep_data *d, char *err, size_t errlen);
void rep_data_free(rep_data *d);

/* The loss shown on log axes: loss - f* when the problem's minimum is known
 * to this build, else the loss itself.  *label says which. */
double loss_shown(const char *problem, double loss, const char **label);
/* Groups of one problem, and the best group per kernel/preset (lowest median
 * final loss).  Both return a malloc'd index array. */
size_t *groups_of_problem(const rep_data *d, const char *problem, size_t *count);
size_t *best_group_per_solver(const rep_data *d, const char *problem, size_t *count);
/* The groups of the configuration run with the most kernels on a problem
 * (the kernel comparison), ordered by kernel name; preset NULL: any preset,
 * else only that preset's runs.  *best is the best group of those (lowest
 * median final loss), which may have another configuration. */
size_t *comparison_groups(const rep_data *d, const char *problem, const char *preset,
                          size_t *count, size_t *best);
/* The curve of one group: per step median, min, max of the loss shown over
 * its runs (finite values only).  Returns the number of steps written. */
/* The curve points of runs (indexes into d->runs): step, the loss shown
 * (or, heldout: the test accuracy), elapsed seconds; finite values only,
 * sorted by step then value.  *out is malloc'd (NULL when none). */
typedef struct curve_pt { double step, y, t; } curve_pt;
size_t runs_curve(const rep_data *d, const size_t *runs, size_t n, int heldout, curve_pt **out);
/* Per step of sorted points: median, 2.5 % and 97.5 % quantiles, min, max
 * of y and the median elapsed time.  *out malloc'd; returns the rows. */
typedef struct curve_row { double step, med, lo, hi, min, max, t; } curve_row;
size_t curve_rows(const curve_pt *pts, size_t np, curve_row **out);
size_t group_curve(const rep_data *d, const rep_group *g, double **step,
                   double **med, double **lo, double **hi);

/* ------------------------------------------------------------ sections */

void section_headline(report *r, const rep_data *d, sqlite3 *db);
void section_overview(report *r, const rep_data *d);
void section_convergence(report *r, const rep_data *d);
void section_sensitivity(report *r, const rep_data *d);
void section_target(report *r, const rep_data *d);
void section_perf(report *r, const rep_data *d);
/* report_perf_profile.c: the bandwidth profile with the kernels on it (called
 * by section_perf; nothing when the database has no profile rows) */
void section_perf_profile(report *r, const rep_data *d);
/* report_perf_model.c: whole-model steps against the roof and PyTorch */
void section_perf_model(report *r, const rep_data *d);
const rep_perf *perf_find(const rep_data *d, const char *source, const char *kernel,
                          long long n, int threads);
/* The fastest PyTorch implementation timed at n and threads, or NULL. */
const rep_perf *perf_pytorch_best(const rep_data *d, long long n, int threads);
/* Fastest float kernel at the largest size timed with this many threads. */
int perf_fastest(const rep_data *d, int threads, long long *n, const char **kernel,
                 double *ns, double *vs_naive);
void section_proofs(report *r, sqlite3 *db);
void section_hyperfine(report *r, sqlite3 *db);
void section_metrics(report *r, sqlite3 *db);   /* test accuracy etc. */
void section_machine(report *r, sqlite3 *db, const char *label);
void section_compare(report *r, const rep_data *a, const rep_data *b);
/* The comparison of solvers (report_solvers.c): ranking with intervals and
 * tests, convergence bands, sensitivity, divergence, profiles and score. */
void section_solvers(report *r, const rep_data *d);
/* One line per compared problem: its best solver and against how many it is
 * significantly better (report_solvers_section.c). */
void solver_headline(report *r, const rep_data *d);
/* Low-precision optimizer state (--state): accuracy per epoch, final loss,
 * memory, speed-up over f32 (report_lowprec.c); nothing without such runs. */
void section_state_precision(report *r, sqlite3 *db);

#endif
