/* mpi_sweep.c -- rmsbench-mpi sweep: `rmsbench sweep` spread over MPI ranks.
 *
 * Every rank parses the same command line and expands the same grid
 * (sweep_expand), so a config travels as its index; rank 0 checks at start
 * that every rank's grid has the same hashes (a host whose `auto` kernel or
 * RMS_KERNEL differs would otherwise record a different config).
 *
 * Rank 0 is the only process that opens the database.  It claims a config
 * exactly as the local sweep does (run_db_claim: skip done/diverged rows and
 * rows of a live process, replace stale ones), then hands it to a worker: a
 * work queue, DEPTH configs in flight per worker so a worker never waits for
 * rank 0, refilled as results come back.  Workers run the config with the
 * run core (run_execute) and send back the run_result and its curve; rank 0
 * records them with run_db_record.  Between messages rank 0 runs configs
 * itself (unless --coordinator-only), so 2 ranks keep 2 cores busy.
 *
 * Failures: the `running` rows carry rank 0's host, pid and start time.  When
 * any rank dies Open MPI (ULFM aside) aborts the whole job, rank 0 included;
 * the rows of the configs then in flight are stale (their process is gone),
 * so the next run of the same sweep removes and reruns exactly those, and
 * skips every config already recorded: nothing lost, nothing counted twice. */
#include <mpi.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>
#include "cli/cli.h"
#include "cli/command.h"
#include "store/db.h"
#include "mpi/mpi_common.h"
#include "store/run_db.h"
#include "run/run_print.h"
#include "run/sweep_grid.h"
#include "rms_util.h"

enum { DEPTH = 2, TAG_WORK = 1, TAG_RESULT = 2 };

/* What a worker sends back: this header, then ncurve curve points. */
typedef struct result_msg {
    int64_t index, run_id;
    run_result r;                 /* curve/params pointers not meaningful */
} result_msg;

static double now_s(void) { return (double)rms_now_ns() * 1e-9; }


/* ---------------------------------------------------------------- worker */

static void fault_check(int rank, long received)
{
    const char *env = getenv("RMSBENCH_MPI_FAULT");
    long r, k;
    if (env && sscanf(env, "%ld:%ld", &r, &k) == 2 && r == rank && k == received) {
        fprintf(stderr, "rmsbench-mpi sweep: rank %d: RMSBENCH_MPI_FAULT: dying now\n", rank);
        raise(SIGKILL);
    }
}

/* Wait for the next message from rank 0 without spinning: Open MPI's
 * blocking receive polls at full speed, which on a shared or oversubscribed
 * node takes the core from the ranks doing the work (rank 0 included).  A
 * 1 ms nap is nothing beside a run. */
static void recv_work(int64_t work[2])
{
    MPI_Request rq;
    int done = 0;
    MPI_Irecv(work, 2, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD, &rq);
    for (;;) {
        MPI_Test(&rq, &done, MPI_STATUS_IGNORE);
        if (done)
            return;
        struct timespec nap = { 0, 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
}

static void worker(const run_config *cfgs, size_t n, int rank)
{
    long received = 0;
    for (;;) {
        int64_t work[2];
        recv_work(work);
        if (work[0] < 0 || work[0] >= (int64_t)n)
            break;
        fault_check(rank, ++received);
        result_msg h;
        run_execute(&cfgs[work[0]], 0, &h.r);
        h.index = work[0];
        h.run_id = work[1];
        size_t bytes = sizeof h + h.r.ncurve * sizeof(curve_point);
        char *buf = malloc(bytes);
        if (!buf) {   /* cannot report: the config stays `running` (stale) */
            fprintf(stderr, "rmsbench-mpi sweep: rank %d: out of memory\n", rank);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        memcpy(buf, &h, sizeof h);
        memcpy(buf + sizeof h, h.r.curve, h.r.ncurve * sizeof(curve_point));
        MPI_Send(buf, (int)bytes, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
        free(buf);
        run_result_free(&h.r);
    }
}

/* ---------------------------------------------------------------- rank 0 */

typedef struct coord {
    run_db db;
    const run_config *cfgs;
    size_t n, next;
    const char *name;
    int verbose, no_db;
    long done, diverged, failed, skipped, busy, errors;
} coord;

/* Claim the next config that needs running; 0 when the grid is exhausted. */
static int claim_next(coord *c, int64_t *index, int64_t *run_id)
{
    char err[512];
    if (c->no_db) {   /* timing only: no claims, no resume */
        if (c->next >= c->n)
            return 0;
        *index = (int64_t)c->next++;
        *run_id = -1;
        return 1;
    }
    while (c->next < c->n) {
        size_t i = c->next++;
        sqlite3_int64 id;
        enum claim_outcome out;
        if (run_db_claim(&c->db, &c->cfgs[i], c->name, 1, &id, &out, err, sizeof err)) {
            fprintf(stderr, "rmsbench-mpi sweep: %s: %s\n", c->cfgs[i].hash, err);
            c->errors++;
            continue;
        }
        if (out == CLAIM_DONE) {
            c->skipped++;
            continue;
        }
        if (out == CLAIM_BUSY) {
            c->busy++;
            continue;
        }
        *index = (int64_t)i;
        *run_id = id;
        return 1;
    }
    return 0;
}

static void record(coord *c, int64_t index, int64_t run_id, run_result *r)
{
    char err[512];
    /* run_db_record: a result the database cannot take is printed failed */
    if (!c->no_db && run_db_record(&c->db, run_id, r, err, sizeof err)) {
        fprintf(stderr, "rmsbench-mpi sweep: %s: %s\n", c->cfgs[index].hash, err);
        c->errors++;
    } else {
        (*(r->status == RUN_DONE ? &c->done : r->status == RUN_DIVERGED ? &c->diverged
                                                                         : &c->failed))++;
    }
    if (c->verbose) {
        run_print_summary(stdout, &c->cfgs[index], r, (long long)run_id);
        fflush(stdout);
    }
}

static void progress(const coord *c, double t0)
{
    long ran = c->done + c->diverged + c->failed;
    double el = now_s() - t0;
    fprintf(stderr, "mpi sweep: %zu/%zu claimed, done %ld, diverged %ld, failed %ld, "
            "skipped %ld, %.2f runs/s\n", c->next, c->n, c->done, c->diverged, c->failed,
            c->skipped + c->busy, el > 0 ? ran / el : 0.0);
}

/* The closing lines and the throughput row (bound parameters, one
 * transaction); the exit status. */
static int summarize(coord *c, int size, int hosts, double wall)
{
    long ran = c->done + c->diverged + c->failed;
    fprintf(stderr, "mpi sweep %s: %zu configs on %d ranks (%d hosts): ran %ld (done %ld, "
            "diverged %ld, failed %ld), skipped %ld already recorded, in %.2f s, "
            "%.2f runs/s\n", c->name, c->n, size, hosts, ran, c->done, c->diverged,
            c->failed, c->skipped, wall, wall > 0 ? ran / wall : 0.0);
    if (c->busy)
        fprintf(stderr, "mpi sweep %s: %ld configs are being run by another live process; "
                "not run here\n", c->name, c->busy);

    /* the throughput row; bound parameters, one transaction */
    char err[512];
    sqlite3_stmt *ins = NULL;
    if (c->no_db)
        return 0;
    if (db_exec(c->db.db, "BEGIN IMMEDIATE", err, sizeof err) == 0) {
        if (sqlite3_prepare_v2(c->db.db,
                "INSERT INTO mpi_sweeps (machine_id, sweep, ranks, hosts, configs, ran, skipped,"
                " failed, wall_s, runs_per_s) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
                -1, &ins, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(ins, 1, c->db.machine_id);
            sqlite3_bind_text(ins, 2, c->name, -1, SQLITE_STATIC);
            sqlite3_bind_int(ins, 3, size);
            sqlite3_bind_int(ins, 4, hosts);
            sqlite3_bind_int64(ins, 5, (sqlite3_int64)c->n);
            sqlite3_bind_int64(ins, 6, ran);
            sqlite3_bind_int64(ins, 7, c->skipped + c->busy);
            sqlite3_bind_int64(ins, 8, c->failed);
            sqlite3_bind_double(ins, 9, wall);
            sqlite3_bind_double(ins, 10, wall > 0 ? ran / wall : 0.0);
        }
        if (!ins || sqlite3_step(ins) != SQLITE_DONE ||
            db_exec(c->db.db, "COMMIT", err, sizeof err)) {
            fprintf(stderr, "rmsbench-mpi sweep: recording the throughput: %s\n",
                    sqlite3_errmsg(c->db.db));
            db_exec(c->db.db, "ROLLBACK", NULL, 0);
            c->errors++;
        }
        sqlite3_finalize(ins);
    } else {
        fprintf(stderr, "rmsbench-mpi sweep: %s\n", err);
        c->errors++;
    }
    return c->errors ? 1 : 0;
}

static int coordinator(coord *c, int size, int coord_only, int hosts)
{
    int *inflight = calloc((size_t)size, sizeof *inflight);
    char *stopped = calloc((size_t)size, 1);
    if (!inflight || !stopped) {
        fprintf(stderr, "rmsbench-mpi sweep: out of memory\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    int64_t stop[2] = { -1, -1 }, work[2];
    double t0 = now_s(), last = t0;
    for (int w = 1; w < size; w++) {
        for (int d = 0; d < DEPTH && claim_next(c, &work[0], &work[1]); d++) {
            MPI_Send(work, 2, MPI_INT64_T, w, TAG_WORK, MPI_COMM_WORLD);
            inflight[w]++;
        }
        if (!inflight[w]) {
            MPI_Send(stop, 2, MPI_INT64_T, w, TAG_WORK, MPI_COMM_WORLD);
            stopped[w] = 1;
        }
    }
    long outstanding = 0;
    for (int w = 1; w < size; w++)
        outstanding += inflight[w];
    for (;;) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            int bytes, src = st.MPI_SOURCE;
            MPI_Get_count(&st, MPI_BYTE, &bytes);
            char *buf = malloc((size_t)bytes);
            if (!buf) {
                fprintf(stderr, "rmsbench-mpi sweep: out of memory\n");
                MPI_Abort(MPI_COMM_WORLD, 1);
            }
            MPI_Recv(buf, bytes, MPI_BYTE, src, TAG_RESULT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            result_msg h;
            memcpy(&h, buf, sizeof h);
            h.r.curve = (curve_point *)(buf + sizeof h);   /* read in place */
            h.r.params = NULL;
            record(c, h.index, h.run_id, &h.r);
            free(buf);
            inflight[src]--;
            outstanding--;
            if (claim_next(c, &work[0], &work[1])) {
                MPI_Send(work, 2, MPI_INT64_T, src, TAG_WORK, MPI_COMM_WORLD);
                inflight[src]++;
                outstanding++;
            } else if (!stopped[src]) {   /* after its queued configs */
                MPI_Send(stop, 2, MPI_INT64_T, src, TAG_WORK, MPI_COMM_WORLD);
                stopped[src] = 1;
            }
        } else if ((!coord_only || size == 1) && claim_next(c, &work[0], &work[1])) {
            run_result r;
            run_execute(&c->cfgs[work[0]], 0, &r);
            record(c, work[0], work[1], &r);
            run_result_free(&r);
        } else if (outstanding == 0) {
            break;
        } else {
            struct timespec nap = { 0, 1000 * 1000 };
            nanosleep(&nap, NULL);
        }
        if (now_s() - last >= 2.0) {
            progress(c, t0);
            last = now_s();
        }
    }
    for (int w = 1; w < size; w++)
        if (!stopped[w])
            MPI_Send(stop, 2, MPI_INT64_T, w, TAG_WORK, MPI_COMM_WORLD);
    free(inflight);
    free(stopped);

    return summarize(c, size, hosts, now_s() - t0);
}

/* ---------------------------------------------------------------- command */

typedef struct msweep_args {
    sweep_spec sp;
    sweep_pool pool;        /* --jobs is accepted and unused: the ranks work */
    int coord_only;
} msweep_args;

static int msweep_main(void *args);

static const cli_opt MSWEEP_OPTS[] = {
    CLI_OPT_GROUP(&sweep_group, msweep_args, sp),
    CLI_OPT_TEXT("\nsweep:\n"),
    CLI_OPT_INCLUDE(sweep_pool_opts, msweep_args, pool),
    CLI_OPT_FLAG("coordinator-only", msweep_args, coord_only,
                 "rank 0 only dispatches and records (large jobs)"),
    CLI_OPT_END
};

const cli_command mpi_cmd_sweep = {
    .name = "sweep", .summary = "rmsbench sweep across MPI ranks (rank 0 writes the database)",
    .usage = "--problems LIST [grid options] [run options]   (under mpirun -np N)",
    .opts = MSWEEP_OPTS, .args_size = sizeof(msweep_args), .main = msweep_main,
    .epilogue =
        "`rmsbench sweep` across MPI ranks: the same options, the same config hashes,\n"
        "the same rows and the same resume rule.  Rank 0 expands the grid, skips\n"
        "configs already recorded, hands out the rest one by one (a work queue: runs\n"
        "differ in cost) and is the only writer of the database; workers run configs\n"
        "and send back the result and curve.  Rank 0 runs configs too between\n"
        "messages unless --coordinator-only.  A killed job (any rank) leaves the\n"
        "configs in flight as stale `running` rows: run the same command again and\n"
        "only those and the unstarted ones run.  --no-db runs the grid without\n"
        "recording (no resume; timing).  --jobs is accepted for compatibility:\n"
        "the ranks are the workers; --verbose prints on rank 0; the default\n"
        "--name is rmsbench sweep's, so local and MPI runs of a grid resume\n"
        "each other.\n\n"
        "Records one mpi_sweeps row (ranks, hosts, runs/s).  Exit status 0 when\n"
        "every config ran or was skipped, 1 on a database error, 2 on bad input.\n"
        "Test hook: RMSBENCH_MPI_FAULT=R:K makes rank R (>0) die by SIGKILL on\n"
        "receiving its K-th config.\n",
};

static int msweep_main(void *args)
{
    const msweep_args *a = args;
    const sweep_spec sp = a->sp;
    sweep_plan plan;
    if (sweep_plan_make(&plan, &sp, a->pool.name, a->pool.dry_run, 0))
        return 0;
    run_config *cfgs = plan.cfgs;
    size_t n = plan.n;
    uint64_t digest = plan.digest;
    const char *path = sp.base.db ? sp.base.db : RMS_DB_DEFAULT;
    char err[512];

    MPI_Init(NULL, NULL);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    problem_set_threads(1);   /* one rank per core: no BLAS threads on top */

    /* every rank must have expanded the same grid */
    uint64_t d0 = digest;
    MPI_Bcast(&d0, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    int mismatch = d0 != digest, any = 0;
    MPI_Allreduce(&mismatch, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (any) {
        if (mismatch)
            fprintf(stderr, "rmsbench-mpi sweep: rank %d expanded a different grid than rank 0 "
                    "(different binary, RMS_KERNEL or CPU for --kernels auto?)\n", rank);
        MPI_Finalize();
        free(cfgs);
        return 2;
    }
    int hosts = mpi_host_count();

    /* rank 0 opens (and creates/migrates) the database before any work */
    int ok = 1;
    coord co;
    memset(&co, 0, sizeof co);
    if (rank == 0 && !sp.base.no_db) {
        if (run_db_open(&co.db, path, err, sizeof err)) {
            fprintf(stderr, "rmsbench sweep: %s\n", err);
            ok = 0;
        }
    }
    MPI_Bcast(&ok, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!ok) {
        MPI_Finalize();
        free(cfgs);
        return 2;
    }
    int status = 0;
    if (rank == 0) {
        co.cfgs = cfgs;
        co.n = n;
        co.name = plan.name;
        co.verbose = a->pool.verbose;
        co.no_db = sp.base.no_db;
        status = coordinator(&co, size, a->coord_only, hosts);
        if (!co.no_db)
            run_db_close(&co.db);
    } else {
        worker(cfgs, n, rank);
    }
    /* no collective here: workers would spin in it while rank 0 finishes its
     * last run; mpirun's exit status is rank 0's when it is non-zero */
    MPI_Finalize();
    free(cfgs);
    return status;
}
