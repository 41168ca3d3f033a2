/* mlp_epochs.c -- train a Fashion-MNIST problem with the seed rule on float
 * parameters and report, per epoch, the wall time of the epoch (gradient +
 * step, no evaluation) and the test accuracy.  Used by `make check-mlp` and
 * to time an epoch against scripts/peer_mlp_torch.py on the same thread count.
 *   mlp_epochs [--problem P] [--epochs N] [--lr X] [--beta X] [--threads N]
 *              [--seed S] [--kernel K] [--min-acc A] [--exact]
 * --exact also prints the full training loss after each epoch (untimed), to
 * see when the problem's target is reached.
 * With --min-acc, exits 1 unless the test accuracy reaches A within the
 * epochs (after some epoch; the "0.88 within 10 epochs"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "cli/cli.h"
#include "problem.h"
#include "rms.h"

/* Wall time, and process CPU time (steadier on a shared machine). */
static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const char *pname = "mlp_fmnist", *kname = "fused";
    long epochs = 1, threads = 1;
    uint64_t seed = 0;
    double min_acc = -1;
    int exact = 0;
    rms_cfg c = rms_cfg_default();
    static const struct option opts[] = {
        { "problem", required_argument, 0, 'p' }, { "epochs", required_argument, 0, 'e' },
        { "lr", required_argument, 0, 'l' }, { "beta", required_argument, 0, 'b' },
        { "threads", required_argument, 0, 't' }, { "seed", required_argument, 0, 's' },
        { "kernel", required_argument, 0, 'k' }, { "min-acc", required_argument, 0, 'm' },
        { "exact", no_argument, 0, 'x' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
    int o;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (o) {
        case 'p': pname = optarg; break;
        case 'k': kname = optarg; break;
        case 'e': epochs = opt_long("--epochs", optarg, 1, 1000); break;
        case 't': threads = opt_long("--threads", optarg, 1, 1024); break;
        case 's': seed = (uint64_t)opt_long("--seed", optarg, 0, 0x7fffffffffffffffL); break;
        case 'l': c.lr = opt_double("--lr", optarg, 0, 1e9); break;
        case 'b': c.beta = opt_double("--beta", optarg, 0, 1); break;
        case 'x': exact = 1; break;
        case 'm': min_acc = opt_double("--min-acc", optarg, 0, 1); break;
        case 'h':
            printf("usage: mlp_epochs [--problem P] [--epochs N] [--lr X] [--beta X] "
                   "[--threads N] [--seed S] [--kernel K] [--min-acc A] [--exact]\n");
            return 0;
        default: return 2;
        }
    }
    char err[512];
    if (rms_cfg_validate(&c, err, sizeof err) != 0)
        cli_die("%s", err);
    const problem_def *d = problem_find(pname);
    if (!d || !d->steps_per_epoch)
        cli_die("--problem '%s' is not an epoch-based problem", pname);
    const rms_kernel *k = rms_kernel_select(kname, err, sizeof err);
    if (!k || !k->f32)
        cli_die("%s", k ? "--kernel must be a float kernel" : err);
    problem_set_threads((int)threads);
    problem *p = problem_create(d, 0, seed, err, sizeof err);
    if (!p) {
        fprintf(stderr, "mlp_epochs: %s\n", err);
        return 1;
    }
    size_t n = p->dim, spe = d->steps_per_epoch(p);
    double *x = malloc(n * sizeof *x);
    float *xf = malloc(n * sizeof *xf), *g = malloc(n * sizeof *g);
    rms_state_f32 s;
    if (!x || !xf || !g || rms_state_f32_init(&s, n, &c) != 0) {
        fprintf(stderr, "mlp_epochs: out of memory\n");
        return 1;
    }
    d->x0(p, x);
    for (size_t i = 0; i < n; i++)
        xf[i] = (float)x[i];
    printf("%s: %zu parameters, %zu steps/epoch, kernel %s, lr %g beta %g eps %g, "
           "%ld BLAS thread(s)\n", d->name, n, spe, k->name, c.lr, c.beta, c.eps, threads);
    double acc = 0, best = 0, total = 0, total_cpu = 0;
    long best_epoch = 0;
    for (long e = 1; e <= epochs; e++) {
        double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), loss = 0;
        for (size_t i = 0; i < spe; i++) {
            loss += d->grad32(p, xf, g);
            rms_step_f32(k, &s, xf, g, &c);
            d->next_batch(p);
        }
        double dt = clock_s(CLOCK_MONOTONIC) - t0, dc = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
        total += dt;
        total_cpu += dc;
        for (size_t i = 0; i < n; i++)
            x[i] = xf[i];
        const char *mname;
        acc = d->metric(p, x, &mname);
        if (acc > best)
            best = acc, best_epoch = e;
        printf("epoch %ld: %.3f s (cpu %.3f s), mean batch loss %.4f, %s=%.4f", e, dt, dc,
               loss / (double)spe, mname, acc);
        if (exact)
            printf(", train loss %.4f (target %g)", d->loss_exact(p, x), d->target);
        printf("\n");
        fflush(stdout);
    }
    printf("mean epoch time %.3f s (cpu %.3f s) over %ld epoch(s); final test_acc=%.4f, "
           "best %.4f after epoch %ld\n", total / (double)epochs, total_cpu / (double)epochs,
           epochs, acc, best, best_epoch);
    rms_state_f32_free(&s);
    free(x); free(xf); free(g);
    problem_destroy(p);
    if (min_acc >= 0 && !(best >= min_acc)) {
        printf("FAIL: best test_acc %.4f < %.4f\n", best, min_acc);
        return 1;
    }
    return 0;
}
