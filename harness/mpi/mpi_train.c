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
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "cli/config_group.h"
#include "store/db.h"
#include "mpi/mpi_common.h"
#include "store/run_db.h"
#include "run/run_print.h"

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

/* One rank's share of a training run: the problem, the shard plan and the
 * buffers (theta whole, the gradient and state of this rank's shard). */
typedef struct trainer {
    const run_config *rc;
    problem *p;
    shard_plan sp;
    int rank, size, hosts, fixed;
    long chunks, my_chunks, steps;
    size_t n;
    float *theta, *g, *gshard, *send, *recv, *closs, *allloss;
    double *x0;
    rms_state_f32 s;
    int have_state;
} trainer;

/* The problem and the step count, the same on every rank.  0, or -1 with
 * the reason in err (collective: every rank returns the same). */
static int trainer_open(trainer *t, char *err, size_t len)
{
    int bad = 0;
    if (t->fixed && t->chunks < t->size) {
        snprintf(err, len, "--chunks: bad value '%ld' (needs at least one chunk per "
                 "rank: %d ranks)", t->chunks, t->size);
        bad = 1;
    }
    const run_config *rc = t->rc;
    t->p = bad ? NULL : problem_create(rc->problem, rc->dim, rc->seed, err, len);
    if (!bad && !t->p)
        bad = 1;
    t->steps = rc->steps;
    if (t->p && rc->epochs) {
        size_t spe = t->p->def->steps_per_epoch ? t->p->def->steps_per_epoch(t->p) : 0;
        if (spe == 0) {
            snprintf(err, len, "--epochs: problem '%s' has no epochs", rc->problem->name);
            bad = 1;
        }
        t->steps = rc->epochs * (long)spe;
    }
    int anybad = 0;
    MPI_Allreduce(&bad, &anybad, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return anybad ? -1 : 0;
}

/* The buffers; 0, or -1 when any rank is out of memory (collective). */
static int trainer_alloc(trainer *t)
{
    size_t n = t->n = t->p->dim;
    t->theta = rms_alloc(n, sizeof(float));
    t->x0 = rms_alloc(n, sizeof(double));
    int oom = plan_make(&t->sp, n, t->size, t->rank, t->chunks) != 0;
    if (!oom) {
        t->my_chunks = t->fixed ? t->sp.ccount[t->rank] : 1;
        size_t cnt = (size_t)t->sp.counts[t->rank];
        t->g = rms_alloc(n * (size_t)t->my_chunks, sizeof(float));
        t->gshard = rms_alloc(cnt, sizeof(float));
        if (t->fixed) {
            t->send = rms_alloc(n * (size_t)t->my_chunks, sizeof(float));
            t->recv = rms_alloc(cnt * (size_t)t->chunks, sizeof(float));
            t->closs = rms_alloc((size_t)t->my_chunks, sizeof(float));
            t->allloss = rms_alloc((size_t)t->chunks, sizeof(float));
        }
        t->have_state = rms_state_f32_init(&t->s, cnt, &t->rc->cfg) == 0;
        oom = !t->theta || !t->x0 || !t->g || !t->gshard || !t->have_state ||
              (t->fixed && (!t->send || !t->recv || !t->closs || !t->allloss));
    }
    int anyoom = 0;
    MPI_Allreduce(&oom, &anyoom, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return anyoom ? -1 : 0;
}

static void trainer_free(trainer *t)
{
    if (t->have_state)
        rms_state_f32_free(&t->s);
    rms_free(t->theta); rms_free(t->g); rms_free(t->gshard); rms_free(t->x0);
    rms_free(t->send); rms_free(t->recv); rms_free(t->closs); rms_free(t->allloss);
    plan_free(&t->sp);
    if (t->p)
        problem_destroy(t->p);
}

/* This rank's gradient (its rows, or with --fixed-order its chunks). */
static float local_gradient(trainer *t)
{
    problem *p = t->p;
    if (p->def->next_batch)
        p->def->next_batch(p);
    size_t rows = p->def->batch_rows(p);
    if (!t->fixed)
        return p->def->grad32_rows(p, t->theta, t->g, rows * (size_t)t->rank / (size_t)t->size,
                                   rows * (size_t)(t->rank + 1) / (size_t)t->size, rows);
    for (long k = 0; k < t->my_chunks; k++) {
        size_t c = (size_t)t->sp.cfirst[t->rank] + (size_t)k;
        t->closs[k] = p->def->grad32_rows(p, t->theta, t->g + (size_t)k * t->n,
                                          rows * c / (size_t)t->chunks,
                                          rows * (c + 1) / (size_t)t->chunks, rows);
    }
    return 0;
}

/* The summed gradient of this rank's shard into gshard; the batch loss. */
static double reduce_gradient(trainer *t, float my_loss)
{
    const shard_plan *sp = &t->sp;
    double loss;
    if (!t->fixed) {
        MPI_Reduce_scatter(t->g, t->gshard, sp->counts, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        double l = my_loss;
        MPI_Allreduce(&l, &loss, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        return loss;
    }
    const int cnt = sp->counts[t->rank];
    for (int q = 0; q < t->size; q++)
        for (long k = 0; k < t->my_chunks; k++)
            memcpy(t->send + sp->sdispls[q] + k * sp->counts[q],
                   t->g + (size_t)k * t->n + sp->displs[q],
                   (size_t)sp->counts[q] * sizeof(float));
    MPI_Alltoallv(t->send, sp->scounts, sp->sdispls, MPI_FLOAT, t->recv, sp->rcounts,
                  sp->rdispls, MPI_FLOAT, MPI_COMM_WORLD);
    /* chunk c's piece of my shard is at recv + c*cnt: add in chunk order */
    memcpy(t->gshard, t->recv, (size_t)cnt * sizeof(float));
    for (long c = 1; c < t->chunks; c++)
        for (int i = 0; i < cnt; i++)
            t->gshard[i] += t->recv[(size_t)c * (size_t)cnt + (size_t)i];
    MPI_Allgatherv(t->closs, (int)t->my_chunks, MPI_FLOAT, t->allloss, sp->ccount,
                   sp->cfirst, MPI_FLOAT, MPI_COMM_WORLD);
    float sum = t->allloss[0];
    for (long c = 1; c < t->chunks; c++)
        sum += t->allloss[c];
    return sum;
}

/* The steps; tm gets this rank's seconds per phase.  Returns the step that
 * diverged (-1: none) and the last batch loss in *loss. */
static long run_steps(trainer *t, timing *tm, double *loss, long *done)
{
    double t_start = MPI_Wtime(), last_progress = t_start;
    const int off = t->sp.displs[t->rank];
    long step, diverged = -1;
    *loss = NAN;
    for (step = 0; step < t->steps; step++) {
        double t0 = MPI_Wtime();
        float my_loss = local_gradient(t);
        /* a barrier splits waiting for the slowest rank (imbalance, a rank
         * descheduled on a busy node) from the transfer itself */
        double t1w = MPI_Wtime();
        MPI_Barrier(MPI_COMM_WORLD);
        double t1 = MPI_Wtime();
        *loss = reduce_gradient(t, my_loss);
        double t2 = MPI_Wtime();
        if (!isfinite(*loss)) {   /* the same value on every rank: all stop */
            diverged = step;
            break;
        }
        rms_step_f32(t->rc->kernel, &t->s, t->theta + off, t->gshard, &t->rc->cfg);
        double t3 = MPI_Wtime();
        MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, t->theta, t->sp.counts,
                       t->sp.displs, MPI_FLOAT, MPI_COMM_WORLD);
        double t4 = MPI_Wtime();
        tm->compute += t1w - t0;
        tm->wait += t1 - t1w;
        tm->comm += (t2 - t1) + (t4 - t3);
        tm->update += t3 - t2;
        if (t->rank == 0 && t4 - last_progress >= 5.0) {
            fprintf(stderr, "train: step %ld/%ld, batch loss %.6g, %.1f s\n", step + 1,
                    t->steps, *loss, t4 - t_start);
            last_progress = t4;
        }
    }
    tm->step = MPI_Wtime() - t_start;
    *done = step > 0 ? step : 1;
    return diverged;
}

/* Rank 0: the final loss, the summary line, the parameters, the record.
 * per: the slowest rank's ms per step.  Returns the exit status. */
static int report_rank0(trainer *t, const timing *per, long long state_bytes, double loss,
                        long diverged, long done, const char *db_path, int no_db,
                        int print_params)
{
    /* the loss at the final parameters, on the full data when the problem
     * has an exact loss (rank 0 only: theta is the same everywhere) */
    double final_loss = loss;
    problem *p = t->p;
    if (diverged < 0) {
        for (size_t i = 0; i < t->n; i++)
            t->x0[i] = (double)t->theta[i];
        final_loss = p->def->loss_exact ? p->def->loss_exact(p, t->x0)
                                        : (double)p->def->grad32(p, t->theta, t->g);
    }
    const char *st = diverged >= 0 || !isfinite(final_loss) ? "diverged" : "done";
    FILE *f = print_params ? stderr : stdout;
    fprintf(f, "problem=%s kernel=%s ranks=%d hosts=%d fixed_order=%d", t->rc->problem->name,
            t->rc->kernel->name, t->size, t->hosts, t->fixed);
    if (t->fixed)
        fprintf(f, " chunks=%ld", t->chunks);
    fprintf(f, " steps=%ld status=%s final_loss=%.9g step_ms=%.4f compute_ms=%.4f "
            "wait_ms=%.4f comm_ms=%.4f update_ms=%.4f state_bytes_per_rank=%lld dim=%zu\n",
            diverged >= 0 ? diverged : t->steps, st, final_loss, per->step, per->compute,
            per->wait, per->comm, per->update, state_bytes, t->n);
    if (print_params)
        for (size_t i = 0; i < t->n; i++)
            printf("%.17g\n", (double)t->theta[i]);
    fflush(stdout);
    int status = 0;
    if (!no_db && record(db_path, t->rc, t->size, t->hosts, t->fixed, t->chunks, done, per,
                         state_bytes, final_loss, st))
        status = 1;
    return diverged >= 0 ? 1 : status;
}

/* Everything after MPI_Init; returns the exit status (same on every rank). */
static int train(run_config *rc, const char *db_path, int no_db, int fixed, long chunks,
                 int print_params)
{
    trainer t;
    memset(&t, 0, sizeof t);
    t.rc = rc;
    t.fixed = fixed;
    t.chunks = chunks;
    MPI_Comm_rank(MPI_COMM_WORLD, &t.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &t.size);
    t.hosts = mpi_host_count();
    char err[512] = "";
    if (trainer_open(&t, err, sizeof err)) {   /* every rank sees the same input: rank 0 speaks */
        if (t.rank == 0)
            fprintf(stderr, "rmsbench train: %s\n", *err ? err : "failed on another rank");
        trainer_free(&t);
        return 2;
    }
    int status = 1;
    if (trainer_alloc(&t)) {
        if (t.rank == 0)
            fprintf(stderr, "rmsbench-mpi train: out of memory for parameters and state\n");
        trainer_free(&t);
        return status;
    }
    t.p->def->x0(t.p, t.x0);
    for (size_t i = 0; i < t.n; i++)
        t.theta[i] = (float)t.x0[i];
    const rms_cfg *cfg = &rc->cfg;
    long long state_bytes = (long long)t.sp.counts[t.rank] * (long long)sizeof(float) *
        (1 + (cfg->centered != 0) + (cfg->momentum > 0));
    timing tm = { 0, 0, 0, 0, 0 };
    double loss;
    long done, diverged = run_steps(&t, &tm, &loss, &done);
    double mine[5] = { tm.compute, tm.wait, tm.comm, tm.update, tm.step }, worst[5];
    MPI_Reduce(mine, worst, 5, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
    long long sbmax = 0;
    MPI_Reduce(&state_bytes, &sbmax, 1, MPI_LONG_LONG, MPI_MAX, 0, MPI_COMM_WORLD);
    if (t.rank == 0) {
        timing per = { worst[0] * 1e3 / done, worst[1] * 1e3 / done, worst[2] * 1e3 / done,
                       worst[3] * 1e3 / done, worst[4] * 1e3 / done };
        status = report_rank0(&t, &per, sbmax, loss, diverged, done, db_path, no_db,
                              print_params);
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    trainer_free(&t);
    return status;
}

typedef struct train_args {
    run_opts o;
    int fixed_order;
    long chunks;
} train_args;

static int train_main(void *args);

static const cli_opt TRAIN_OPTS[] = {
    CLI_OPT_GROUP(&config_group, train_args, o),
    CLI_OPT_FLAG("fixed-order", train_args, fixed_order,
                 "sum the gradient in a fixed chunk order, so the result is bit-identical "
                 "for any number of ranks"),
    CLI_OPT_LONG("chunks", train_args, chunks, "C", 1, 4096, "12",
                 "chunks of the batch for --fixed-order (at least the number of ranks)"),
    CLI_OPT_END
};

const cli_command mpi_cmd_train = {
    .name = "train",
    .summary = "sharded data-parallel RMSProp (ZeRO-1 style) on a batch problem",
    .usage = "--problem P [options]   (under mpirun -np N)",
    .opts = TRAIN_OPTS, .args_size = sizeof(train_args), .main = train_main,
    .epilogue =
        "Data-parallel RMSProp with the optimizer state sharded over the ranks\n"
        "(ZeRO stage 1): each rank computes the gradient of its slice of every\n"
        "mini-batch, MPI_Reduce_scatter sums them into per-rank shards, each rank\n"
        "updates its shard of theta and v with the chosen kernel, MPI_Allgatherv\n"
        "rebuilds theta.  Problems: those with a batch-slice gradient (logreg,\n"
        "softmax_fmnist, mlp_fmnist).  Float kernels only (not ref64).\n"
        "--print-params prints rank 0's final parameters.\n\n"
        "Prints one summary line: final loss, the step time split into compute,\n"
        "wait (a barrier: imbalance), communication and update (ms per step, the\n"
        "slowest rank's mean), and the\n"
        "optimizer state per rank; records it in the mpi_steps table unless --no-db.\n"
        "Exit status 0 done, 1 diverged or failed, 2 on bad input.\n",
};

static int train_main(void *args)
{
    const train_args *a = args;
    const run_opts o = a->o;
    int fixed = a->fixed_order;
    long chunks = a->chunks;
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
    if (rc.lp.type != RMS_STATE_F32)
        cli_die("--state: bad value '%s' (the sharded step keeps f32 state; use "
                "rmsbench run or sweep)", rms_state_name(rc.lp.type));
    const char *path = o.db ? o.db : RMS_DB_DEFAULT;
    if (!o.no_db) {   /* open (create, migrate) before any work: errors now */
        sqlite3 *db = db_open(path, DB_RW, err, sizeof err);
        if (!db)
            cli_die("%s", err);
        db_close(db);
    }
    MPI_Init(NULL, NULL);
    problem_set_threads(1);   /* one rank per core: no BLAS threads on top */
    int status = train(&rc, path, o.no_db, fixed, chunks, o.print_params);
    MPI_Finalize();
    return status;
}
