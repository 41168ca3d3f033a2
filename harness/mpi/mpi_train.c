/* mpi_train.c -- rmsbench-mpi train: data-parallel RMSProp with the optimizer
 * state sharded across ranks (ZeRO stage 1).
 *
 * Every rank holds all of theta and its own instance of the problem with the
 * same seed, so every rank draws the same mini-batch each step.  Rank r of N
 * owns the parameter shard [displs[r], displs[r] + counts[r]) (n/N each, the
 * first n%N ranks one more) and only that shard's v (and m, momentum buffer):
 * optimizer state per rank ~ 1/N.  One step:
 *   compute  gradient of rank r's rows of the batch (problem grad32_rows)
 *   wait     a barrier: time spent waiting for the slowest rank
 *   comm     MPI_Reduce_scatter of the partial gradients -> the summed
 *            gradient of this rank's shard (counts handle uneven shards)
 *   update   the chosen kernel on the shard (rms_step_f32)
 *   comm     MPI_Allgatherv of the shards -> the new theta on every rank
 * The reduction order inside MPI_Reduce_scatter depends on N (and on Open
 * MPI's algorithm), so results match a 1-rank run only to float summation
 * order.  --fixed-order makes them bit-identical for any N: the batch is cut
 * into C chunks whose boundaries do not depend on N (--chunks, default 12),
 * each rank computes the gradient of its chunks separately, MPI_Alltoallv
 * sends every chunk's piece of shard q to rank q, and rank q adds the C
 * pieces in chunk order.  The sum is then the same expression whatever N is
 * (and the kernel is elementwise), at the price of C/N gradient copies per
 * rank and more traffic: a reproducibility mode, not the fast path. */
#include <getopt.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "store/db.h"
#include "mpi/mpi_common.h"
#include "store/run_db.h"
#include "run/run_print.h"

enum { OPT_FIXED_ORDER = OPT_LAST_SHARED + 1, OPT_CHUNKS, OPT_HELP };

static void help(void)
{
    printf("usage: mpirun -np N rmsbench-mpi train --problem P [options]\n\n"
           "Data-parallel RMSProp with the optimizer state sharded over the ranks\n"
           "(ZeRO stage 1): each rank computes the gradient of its slice of every\n"
           "mini-batch, MPI_Reduce_scatter sums them into per-rank shards, each rank\n"
           "updates its shard of theta and v with the chosen kernel, MPI_Allgatherv\n"
           "rebuilds theta.  Problems: those with a batch-slice gradient (logreg,\n"
           "softmax_fmnist, mlp_fmnist).  Float kernels only (not ref64).\n\n"
           "%s"
           "  --fixed-order         sum the gradient in a fixed chunk order, so the\n"
           "                        result is bit-identical for any number of ranks\n"
           "  --chunks C            chunks of the batch for --fixed-order (default 12,\n"
           "                        at least the number of ranks)\n"
           "  --print-params        print the final parameters (rank 0), one per line,\n"
           "                        %%.17g; the summary line then goes to stderr\n"
           "  --help                this text\n\n"
           "Prints one summary line: final loss, the step time split into compute,\n"
           "wait (a barrier: imbalance), communication and update (ms per step, the\n"
           "slowest rank's mean), and the\n"
           "optimizer state per rank; records it in the mpi_steps table unless --no-db.\n"
           "Exit status 0 done, 1 diverged or failed, 2 on bad input.\n",
           config_options_help());
}

static long parse_args(int argc, char **argv, run_opts *o, int *fixed, long *chunks)
{
    struct option opts[64];
    size_t n = 0;
    for (; config_long_options()[n].name; n++)
        opts[n] = config_long_options()[n];
    opts[n++] = (struct option){ "fixed-order", no_argument, 0, OPT_FIXED_ORDER };
    opts[n++] = (struct option){ "chunks", required_argument, 0, OPT_CHUNKS };
    opts[n++] = (struct option){ "help", no_argument, 0, OPT_HELP };
    opts[n] = (struct option){ 0, 0, 0, 0 };
    char err[512];
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case OPT_HELP: help(); return 1;
        case '?': cli_die("unknown option '%s' (see rmsbench-mpi train --help)", argv[optind - 1]);
        case ':': cli_die("option '%s' needs a value", argv[optind - 1]);
        case OPT_FIXED_ORDER: *fixed = 1; break;
        case OPT_CHUNKS: *chunks = opt_long("--chunks", optarg, 1, 4096); break;
        default:
            if (config_set(o, c, optarg, err, sizeof err))
                cli_die("%s", err);
        }
    }
    if (optind < argc)
        cli_die("unexpected argument '%s'", argv[optind]);
    return 0;
}

typedef struct shard_plan {
    int *counts, *displs;         /* parameter shard of each rank */
    int *ccount, *cfirst;         /* --fixed-order: chunks of each rank */
    int *scounts, *sdispls, *rcounts, *rdispls;
} shard_plan;

static int plan_make(shard_plan *sp, size_t n, int size, int rank, long chunks)
{
    size_t sz = (size_t)size * sizeof(int);
    int **all[] = { &sp->counts, &sp->displs, &sp->ccount, &sp->cfirst,
                    &sp->scounts, &sp->sdispls, &sp->rcounts, &sp->rdispls };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!(*all[i] = malloc(sz)))
            return -1;
    int off = 0, soff = 0, roff = 0;
    for (int q = 0; q < size; q++) {
        sp->counts[q] = (int)(n / (size_t)size + ((size_t)q < n % (size_t)size));
        sp->displs[q] = off;
        off += sp->counts[q];
        sp->cfirst[q] = (int)(chunks * q / size);
        sp->ccount[q] = (int)(chunks * (q + 1) / size) - sp->cfirst[q];
    }
    for (int q = 0; q < size; q++) {   /* my chunks' pieces of q's shard; q's of mine */
        sp->scounts[q] = sp->ccount[rank] * sp->counts[q];
        sp->sdispls[q] = soff;
        soff += sp->scounts[q];
        sp->rcounts[q] = sp->ccount[q] * sp->counts[rank];
        sp->rdispls[q] = roff;
        roff += sp->rcounts[q];
    }
    return 0;
}

static void plan_free(shard_plan *sp)
{
    free(sp->counts); free(sp->displs); free(sp->ccount); free(sp->cfirst);
    free(sp->scounts); free(sp->sdispls); free(sp->rcounts); free(sp->rdispls);
}

typedef struct timing { double compute, wait, comm, update, step; } timing;

static int record(const char *db_path, const run_config *rc, int size, int hosts, int fixed,
                  long chunks, long steps, const timing *tm, long long state_bytes,
                  double final_loss, const char *status)
{
    run_db rdb;
    char err[512];
    if (run_db_open(&rdb, db_path, err, sizeof err)) {
        fprintf(stderr, "rmsbench-mpi train: %s\n", err);
        return -1;
    }
    sqlite3_stmt *st = NULL;
    int ok = db_exec(rdb.db, "BEGIN IMMEDIATE", err, sizeof err) == 0 &&
        sqlite3_prepare_v2(rdb.db,
            "INSERT INTO mpi_steps (machine_id, problem, kernel, config_hash, ranks, hosts,"
            " fixed_order, chunks, dim, steps, seed, step_ms, compute_ms, comm_ms, update_ms,"
            " state_bytes_per_rank, final_loss, status, wait_ms)"
            " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)",
            -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, rdb.machine_id);
        sqlite3_bind_text(st, 2, rc->problem->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, rc->kernel->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, rc->hash, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, size);
        sqlite3_bind_int(st, 6, hosts);
        sqlite3_bind_int(st, 7, fixed);
        if (fixed)
            sqlite3_bind_int64(st, 8, chunks);
        sqlite3_bind_int64(st, 9, (sqlite3_int64)rc->dim);
        sqlite3_bind_int64(st, 10, steps);
        sqlite3_bind_int64(st, 11, (sqlite3_int64)rc->seed);
        sqlite3_bind_double(st, 12, tm->step);
        sqlite3_bind_double(st, 13, tm->compute);
        sqlite3_bind_double(st, 14, tm->comm);
        sqlite3_bind_double(st, 15, tm->update);
        sqlite3_bind_int64(st, 16, state_bytes);
        if (isfinite(final_loss))
            sqlite3_bind_double(st, 17, final_loss);
        sqlite3_bind_text(st, 18, status, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 19, tm->wait);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    if (!ok || db_exec(rdb.db, "COMMIT", err, sizeof err)) {
        fprintf(stderr, "rmsbench-mpi train: recording the step times: %s\n",
                sqlite3_errmsg(rdb.db));
        db_exec(rdb.db, "ROLLBACK", NULL, 0);
        run_db_close(&rdb);
        return -1;
    }
    run_db_close(&rdb);
    return 0;
}

/* Everything after MPI_Init; returns the exit status (same on every rank). */
static int train(run_config *rc, const char *db_path, int no_db, int fixed, long chunks,
                 int print_params)
{
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int hosts = mpi_host_count();
    char err[512] = "";
    int bad = 0;
    if (fixed && chunks < size) {
        snprintf(err, sizeof err, "--chunks: bad value '%ld' (needs at least one chunk per "
                 "rank: %d ranks)", chunks, size);
        bad = 1;
    }
    problem *p = bad ? NULL : problem_create(rc->problem, rc->dim, rc->seed, err, sizeof err);
    if (!bad && !p)
        bad = 1;
    long steps = rc->steps;
    if (p && rc->epochs) {
        size_t spe = p->def->steps_per_epoch ? p->def->steps_per_epoch(p) : 0;
        if (spe == 0) {
            snprintf(err, sizeof err, "--epochs: problem '%s' has no epochs", rc->problem->name);
            bad = 1;
        }
        steps = rc->epochs * (long)spe;
    }
    int anybad = 0;
    MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (anybad) {   /* every rank sees the same input: rank 0 speaks for all */
        if (rank == 0)
            fprintf(stderr, "rmsbench train: %s\n", *err ? err : "failed on another rank");
        if (p)
            problem_destroy(p);
        return 2;
    }

    size_t n = p->dim;
    const rms_cfg *cfg = &rc->cfg;
    shard_plan sp;
    memset(&sp, 0, sizeof sp);
    long my_chunks = 0;
    float *theta = rms_alloc(n, sizeof(float)), *g = NULL, *gshard = NULL;
    float *send = NULL, *recv = NULL, *closs = NULL, *allloss = NULL;
    double *x0 = rms_alloc(n, sizeof(double));
    rms_state_f32 s;
    int have_state = 0, oom = plan_make(&sp, n, size, rank, chunks) != 0;
    if (!oom) {
        my_chunks = fixed ? sp.ccount[rank] : 1;
        size_t cnt = (size_t)sp.counts[rank];
        g = rms_alloc(n * (size_t)my_chunks, sizeof(float));
        gshard = rms_alloc(cnt, sizeof(float));
        if (fixed) {
            send = rms_alloc(n * (size_t)my_chunks, sizeof(float));
            recv = rms_alloc(cnt * (size_t)chunks, sizeof(float));
            closs = rms_alloc((size_t)my_chunks, sizeof(float));
            allloss = rms_alloc((size_t)chunks, sizeof(float));
        }
        have_state = rms_state_f32_init(&s, cnt, cfg) == 0;
        oom = !theta || !x0 || !g || !gshard || !have_state ||
              (fixed && (!send || !recv || !closs || !allloss));
    }
    int anyoom = 0;
    MPI_Allreduce(&oom, &anyoom, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    int status = 0;
    if (anyoom) {
        if (rank == 0)
            fprintf(stderr, "rmsbench-mpi train: out of memory for parameters and state\n");
        status = 1;
        goto out;
    }
    p->def->x0(p, x0);
    for (size_t i = 0; i < n; i++)
        theta[i] = (float)x0[i];

    const int off = sp.displs[rank], cnt = sp.counts[rank];
    long long state_bytes = (long long)cnt * (long long)sizeof(float) *
        (1 + (cfg->centered != 0) + (cfg->momentum > 0));
    timing tm = { 0, 0, 0, 0, 0 };
    double loss = NAN, t_start = MPI_Wtime(), last_progress = t_start;
    long t, diverged = -1;
    for (t = 0; t < steps; t++) {
        double t0 = MPI_Wtime();
        if (p->def->next_batch)
            p->def->next_batch(p);
        size_t rows = p->def->batch_rows(p);
        float my_loss = 0;
        if (!fixed) {
            size_t lo = rows * (size_t)rank / (size_t)size;
            size_t hi = rows * (size_t)(rank + 1) / (size_t)size;
            my_loss = p->def->grad32_rows(p, theta, g, lo, hi, rows);
        } else {
            for (long k = 0; k < my_chunks; k++) {
                size_t c = (size_t)sp.cfirst[rank] + (size_t)k;
                closs[k] = p->def->grad32_rows(p, theta, g + (size_t)k * n,
                                               rows * c / (size_t)chunks,
                                               rows * (c + 1) / (size_t)chunks, rows);
            }
        }
        /* a barrier splits waiting for the slowest rank (imbalance, a rank
         * descheduled on a busy node) from the transfer itself */
        double t1w = MPI_Wtime();
        MPI_Barrier(MPI_COMM_WORLD);
        double t1 = MPI_Wtime();
        if (!fixed) {
            MPI_Reduce_scatter(g, gshard, sp.counts, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            double l = my_loss;
            MPI_Allreduce(&l, &loss, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        } else {
            for (int q = 0; q < size; q++)
                for (long k = 0; k < my_chunks; k++)
                    memcpy(send + sp.sdispls[q] + k * sp.counts[q],
                           g + (size_t)k * n + sp.displs[q], (size_t)sp.counts[q] * sizeof(float));
            MPI_Alltoallv(send, sp.scounts, sp.sdispls, MPI_FLOAT, recv, sp.rcounts,
                          sp.rdispls, MPI_FLOAT, MPI_COMM_WORLD);
            /* chunk c's piece of my shard is at recv + c*cnt: add in chunk order */
            memcpy(gshard, recv, (size_t)cnt * sizeof(float));
            for (long c = 1; c < chunks; c++)
                for (int i = 0; i < cnt; i++)
                    gshard[i] += recv[(size_t)c * (size_t)cnt + (size_t)i];
            MPI_Allgatherv(closs, (int)my_chunks, MPI_FLOAT, allloss, sp.ccount, sp.cfirst,
                           MPI_FLOAT, MPI_COMM_WORLD);
            float sum = allloss[0];
            for (long c = 1; c < chunks; c++)
                sum += allloss[c];
            loss = sum;
        }
        double t2 = MPI_Wtime();
        if (!isfinite(loss)) {   /* the same value on every rank: all stop */
            diverged = t;
            break;
        }
        rms_step_f32(rc->kernel, &s, theta + off, gshard, cfg);
        double t3 = MPI_Wtime();
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, theta, sp.counts, sp.displs,
                       MPI_FLOAT, MPI_COMM_WORLD);
        double t4 = MPI_Wtime();
        tm.compute += t1w - t0;
        tm.wait += t1 - t1w;
        tm.comm += (t2 - t1) + (t4 - t3);
        tm.update += t3 - t2;
        if (rank == 0 && t4 - last_progress >= 5.0) {
            fprintf(stderr, "train: step %ld/%ld, batch loss %.6g, %.1f s\n", t + 1, steps,
                    loss, t4 - t_start);
            last_progress = t4;
        }
    }
    double wall = MPI_Wtime() - t_start;
    long done = t > 0 ? t : 1;
    double mine[5] = { tm.compute, tm.wait, tm.comm, tm.update, wall }, worst[5];
    MPI_Reduce(mine, worst, 5, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    long long sb = state_bytes, sbmax = 0;
    MPI_Reduce(&sb, &sbmax, 1, MPI_LONG_LONG, MPI_MAX, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        timing per = { worst[0] * 1e3 / done, worst[1] * 1e3 / done, worst[2] * 1e3 / done,
                       worst[3] * 1e3 / done, worst[4] * 1e3 / done };
        /* the loss at the final parameters, on the full data when the problem
         * has an exact loss (rank 0 only: theta is the same everywhere) */
        double final_loss = loss;
        if (diverged < 0) {
            for (size_t i = 0; i < n; i++)
                x0[i] = (double)theta[i];
            final_loss = p->def->loss_exact ? p->def->loss_exact(p, x0)
                                            : (double)p->def->grad32(p, theta, g);
        }
        const char *st = diverged >= 0 || !isfinite(final_loss) ? "diverged" : "done";
        FILE *f = print_params ? stderr : stdout;
        fprintf(f, "problem=%s kernel=%s ranks=%d hosts=%d fixed_order=%d", rc->problem->name,
                rc->kernel->name, size, hosts, fixed);
        if (fixed)
            fprintf(f, " chunks=%ld", chunks);
        fprintf(f, " steps=%ld status=%s final_loss=%.9g step_ms=%.4f compute_ms=%.4f "
                "wait_ms=%.4f comm_ms=%.4f update_ms=%.4f state_bytes_per_rank=%lld dim=%zu\n",
                diverged >= 0 ? diverged : steps, st, final_loss, per.step, per.compute,
                per.wait, per.comm, per.update, sbmax, n);
        if (print_params)
            for (size_t i = 0; i < n; i++)
                printf("%.17g\n", (double)theta[i]);
        fflush(stdout);
        if (!no_db && record(db_path, rc, size, hosts, fixed, chunks, done, &per, sbmax,
                             final_loss, st))
            status = 1;
        if (diverged >= 0)
            status = 1;
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
out:
    if (have_state)
        rms_state_f32_free(&s);
    rms_free(theta); rms_free(g); rms_free(gshard); rms_free(x0);
    rms_free(send); rms_free(recv); rms_free(closs); rms_free(allloss);
    plan_free(&sp);
    problem_destroy(p);
    return status;
}

int mpi_cmd_train(int argc, char **argv)
{
    run_opts o;
    run_opts_init(&o);
    int fixed = 0;
    long chunks = 12;
    if (parse_args(argc, argv, &o, &fixed, &chunks))
        return 0;   /* --help */
    run_config rc;
    char err[512];
    if (!o.problem)
        cli_die("--problem is required (see rmsbench-mpi train --help)");
    if (config_resolve(&o, &rc, err, sizeof err))
        cli_die("%s", err);
    if (!rc.problem->grad32_rows || !rc.problem->batch_rows)
        cli_die("--problem: bad value '%s' (no batch-slice gradient; use logreg, "
                "softmax_fmnist or mlp_fmnist)", rc.problem->name);
    if (!rc.kernel->f32)
        cli_die("--kernel: bad value '%s' (train runs float kernels)", rc.kernel->name);
    const char *path = o.db ? o.db : RMS_DB_DEFAULT;
    if (!o.no_db) {   /* open (create, migrate) before any work: errors now */
        if (ensure_default_db_dir(path))
            cli_die("cannot create the directory of '%s'", path);
        sqlite3 *db = db_open(path, DB_RW, err, sizeof err);
        if (!db)
            cli_die("%s", err);
        db_close(db);
    }
    MPI_Init(&argc, &argv);
    problem_set_threads(1);   /* one rank per core: no BLAS threads on top */
    int status = train(&rc, path, o.no_db, fixed, chunks, o.print_params);
    MPI_Finalize();
    return status;
}
