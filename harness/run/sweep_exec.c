/* sweep_exec.c -- the worker pool behind sweep and tune: --jobs worker
 * processes take the next config index from a shared counter; each opens its
 * own connection (WAL, busy_timeout) and claims a config in one IMMEDIATE
 * transaction, which skips configs already done/diverged or being run by a
 * live process, so a killed sweep (or two sweeps at once) resumes without
 * duplicates or losses. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "store/run_db.h"
#include "run/run_print.h"
#include "run/sweep_exec.h"
#include "rms_util.h"

static const char *who = "sweep";

/* Counters shared by the workers (MAP_SHARED), updated atomically. */
typedef struct shared {
    long next, done, diverged, failed, skipped, busy, errors;
    long lost_lines;       /* --verbose summaries stdout did not take */
    long db_ns, work_ns;   /* time in SQLite (claim + finish) and in runs */
} shared;

static double now_s(void) { return (double)rms_now_ns() * 1e-9; }
static long now_ns(void) { return (long)rms_now_ns(); }

static long load(long *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
static void bump(long *p) { __atomic_fetch_add(p, 1, __ATOMIC_SEQ_CST); }

static void worker(shared *sh, const run_config *cfgs, size_t n, const char *db_path,
                   const char *name, int verbose, pid_t parent)
{
    /* die with the sweep: a killed sweep must not leave workers writing */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    run_catch_stop_signals_worker();
    if (getppid() != parent)
        _exit(1);
    run_db rdb = { 0 };
    char err[512];
    if (db_path && run_db_open(&rdb, db_path, err, sizeof err)) {
        fprintf(stderr, "rmsbench %s: worker: %s\n", who, err);
        bump(&sh->errors);
        _exit(1);
    }
    while (!run_stop_requested) {
        long i = __atomic_fetch_add(&sh->next, 1, __ATOMIC_SEQ_CST);
        if (i >= (long)n)
            break;
        const run_config *rc = &cfgs[i];
        sqlite3_int64 id = -1;
        enum claim_outcome out = CLAIM_OK;
        long t0 = now_ns();
        if (db_path && run_db_claim(&rdb, rc, name, 1, &id, &out, err, sizeof err)) {
            fprintf(stderr, "rmsbench %s: %s: %s\n", who, rc->hash, err);
            bump(&sh->errors);
            continue;
        }
        if (out == CLAIM_DONE) {
            bump(&sh->skipped);
            continue;
        }
        if (out == CLAIM_BUSY) {
            bump(&sh->busy);
            continue;
        }
        long t1 = now_ns();
        run_result r;
        run_execute(rc, 0, &r);
        long t2 = now_ns();
        if (db_path && run_db_record(&rdb, id, &r, err, sizeof err)) {
            fprintf(stderr, "rmsbench %s: %s: %s\n", who, rc->hash, err);
            bump(&sh->errors);
        } else {
            bump(r.status == RUN_DONE ? &sh->done
                 : r.status == RUN_DIVERGED ? &sh->diverged : &sh->failed);
        }
        __atomic_fetch_add(&sh->db_ns, (t1 - t0) + (now_ns() - t2), __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&sh->work_ns, t2 - t1, __ATOMIC_SEQ_CST);
        if (verbose) {
            run_print_summary(stdout, rc, &r, (long long)id);
            if (fflush(stdout) != 0 || ferror(stdout)) {
                clearerr(stdout);
                bump(&sh->lost_lines);
            }
        }
        run_result_free(&r);
    }
    run_db_close(&rdb);
    _exit(0);
}

static void progress(const shared *sh, size_t n, double t0, int tty, int final)
{
    long ran = load((long *)&sh->done) + load((long *)&sh->diverged) + load((long *)&sh->failed);
    long skipped = load((long *)&sh->skipped) + load((long *)&sh->busy);
    long finished = ran + skipped + load((long *)&sh->errors);
    double el = now_s() - t0, rate = el > 0 ? ran / el : 0;
    long left = (long)n - finished;
    char eta[32] = "--:--";
    if (rate > 0 && left > 0) {
        long s = (long)(left / rate);
        snprintf(eta, sizeof eta, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    } else if (left <= 0) {
        snprintf(eta, sizeof eta, "0:00:00");
    }
    char bar[31];
    int fill = n ? (int)(30.0 * (double)finished / (double)n) : 30;
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    if (tty)
        fprintf(stderr, "\r[%s] %ld/%zu  done %ld  diverged %ld  failed %ld  skipped %ld  "
                "%.1f runs/s  ETA %s \033[K%s", bar, finished, n, load((long *)&sh->done),
                load((long *)&sh->diverged), load((long *)&sh->failed), skipped, rate, eta,
                final ? "\n" : "");
    else
        fprintf(stderr, "%s: %ld/%zu finished, done %ld, diverged %ld, failed %ld, "
                "skipped %ld, %.1f runs/s, ETA %s\n", who, finished, n, load((long *)&sh->done),
                load((long *)&sh->diverged), load((long *)&sh->failed), skipped, rate, eta);
}

/* The worker processes of one execution and what the parent knows of them. */
typedef struct pool {
    shared *sh;
    const run_config *cfgs;
    size_t n;
    const char *path, *name;   /* path NULL: unrecorded */
    int verbose, tty, stopping;
    pid_t parent, *pids;
    long jobs, npids, alive, crashed, respawns;
} pool;

static void spawn(pool *p)
{
    pid_t pid = fork();
    if (pid == 0)
        worker(p->sh, p->cfgs, p->n, p->path, p->name, p->verbose, p->parent);
    if (pid < 0)
        return;
    p->pids[p->npids++] = pid;
    p->alive++;
}

/* A worker ended: a crash leaves its config `running` (stale, re-run next
 * time); a replacement keeps the rest of the grid going. */
static void reap(pool *p, pid_t pid, int wst)
{
    p->alive--;
    for (long j = 0; j < p->npids; j++)
        if (p->pids[j] == pid)
            p->pids[j] = 0;
    if (WIFEXITED(wst) && WEXITSTATUS(wst) == 0)
        return;
    p->crashed++;
    fprintf(stderr, "%srmsbench %s: worker %d %s %d\n", p->tty ? "\n" : "", who, (int)pid,
            WIFSIGNALED(wst) ? "killed by signal" : "exited with",
            WIFSIGNALED(wst) ? WTERMSIG(wst) : WEXITSTATUS(wst));
    if (!p->stopping && load(&p->sh->next) < (long)p->n && p->respawns < 2 * p->jobs + 8) {
        p->respawns++;
        spawn(p);
    }
}

/* Wait for the workers, drawing progress and passing a stop request on. */
static void supervise(pool *p, double t0)
{
    double last = t0;
    while (p->alive > 0) {
        int wst;
        pid_t pid = waitpid(-1, &wst, WNOHANG);
        if (pid > 0) {
            reap(p, pid, wst);
            continue;
        }
        if (run_stop_requested && !p->stopping) {
            /* pass it on once (a signal sent to us alone, e.g. by kill,
             * did not reach the workers) */
            p->stopping = 1;
            __atomic_store_n(&p->sh->next, (long)p->n, __ATOMIC_SEQ_CST);
            for (long j = 0; j < p->npids; j++)
                if (p->pids[j] > 0)
                    kill(p->pids[j], SIGTERM);
        }
        double t = now_s();
        if (t - last >= (p->tty ? 0.2 : 2.0)) {
            progress(p->sh, p->n, t0, p->tty, 0);
            last = t;
        }
        struct timespec nap = { 0, 50 * 1000 * 1000 };
        nanosleep(&nap, NULL);
    }
    progress(p->sh, p->n, t0, p->tty, 1);
}

/* The closing lines on stderr; the exit status. */
static int summarize(const pool *p, double t0)
{
    shared *sh = p->sh;
    const char *name = p->name;
    long busy = load(&sh->busy), errors = load(&sh->errors);
    fprintf(stderr, "sweep %s: %zu configs: ran %ld (done %ld, diverged %ld, failed %ld), "
            "skipped %ld already recorded, in %.2f s\n", name, p->n,
            sh->done + sh->diverged + sh->failed, sh->done, sh->diverged, sh->failed,
            sh->skipped, now_s() - t0);
    double dbs = (double)load(&sh->db_ns) * 1e-9, ws = (double)load(&sh->work_ns) * 1e-9;
    if (p->path && dbs + ws > 0)
        fprintf(stderr, "sweep %s: recording took %.3f s of %.3f s in workers (%.2f%%)\n",
                name, dbs, dbs + ws, 100.0 * dbs / (dbs + ws));
    if (busy)
        fprintf(stderr, "sweep %s: %ld configs are being run by another live process; "
                "not run here\n", name, busy);
    if (errors || p->crashed)
        fprintf(stderr, "sweep %s: %ld database errors, %ld crashed workers; run the sweep "
                "again to finish it\n", name, errors, p->crashed);
    if (run_stop_requested)
        fprintf(stderr, "sweep %s: interrupted; run it again to finish\n", name);
    long lost = load(&sh->lost_lines);
    if (lost)   /* main checks only this process's stdout */
        fprintf(stderr, "rmsbench %s: writing to stdout failed (%ld summary lines lost)\n",
                who, lost);
    return run_stop_requested ? 130 : errors || p->crashed || lost ? 1 : 0;
}

int sweep_execute(const run_config *cfgs, size_t n, const char *path, const char *name,
                  long jobs, int verbose, const char *command, sweep_totals *tot)
{
    who = command;
    pool p = { .cfgs = cfgs, .n = n, .path = path, .name = name, .verbose = verbose,
               .tty = isatty(2), .parent = getpid(), .jobs = jobs };
    p.sh = mmap(NULL, sizeof *p.sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p.sh == MAP_FAILED)
        cli_die("mmap: %s", strerror(errno));
    memset(p.sh, 0, sizeof *p.sh);
    if ((long)n < p.jobs)
        p.jobs = n ? (long)n : 1;
    p.pids = calloc((size_t)(3 * p.jobs + 8), sizeof *p.pids);
    if (!p.pids)
        cli_die("out of memory");
    fflush(stdout);
    /* Ctrl-C / SIGTERM / SIGHUP: every process finishes its current run as
     * failed ("interrupted", re-run on resume), records it, and stops; a
     * second signal kills at once (stale rows, also re-run on resume). */
    run_catch_stop_signals();
    double t0 = now_s();
    for (long j = 0; j < p.jobs; j++) {
        spawn(&p);
        if (p.npids <= j)
            cli_die("fork: %s", strerror(errno));
    }
    supervise(&p, t0);
    int status = summarize(&p, t0);
    if (tot) {
        tot->ran = p.sh->done + p.sh->diverged + p.sh->failed;
        tot->skipped = p.sh->skipped;
        tot->failed = p.sh->failed;
    }
    munmap(p.sh, sizeof *p.sh);
    free(p.pids);
    return status;
}
