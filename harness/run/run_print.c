/* run_print.c -- the one-line summary of a run. */
#include <math.h>
#include "run/run_print.h"

static void real(FILE *f, const char *key, double x)
{
    if (isfinite(x))
        fprintf(f, " %s=%.9g", key, x);
    else
        fprintf(f, " %s=NA", key);
}

void run_print_summary(FILE *f, const run_config *rc, const run_result *r, long long run_id)
{
    fprintf(f, "problem=%s kernel=%s preset=%s lr=%g beta=%g seed=%llu status=%s steps=%ld",
            rc->problem->name, rc->kernel->name, rc->preset->name, rc->cfg.lr, rc->cfg.beta,
            (unsigned long long)rc->seed, run_status_name(r->status), r->steps_done);
    if (rc->lp.type != RMS_STATE_F32)   /* f32 lines stay as they were */
        fprintf(f, " state=%s state_rounding=%s state_bytes_per_param=%.4g",
                rms_state_name(rc->lp.type), rms_rounding_name(rc->lp.rounding),
                rms_lp_state_bytes_per_param(&rc->lp, &rc->cfg));
    real(f, "final_loss", r->final_loss);
    real(f, "best_loss", r->best_loss);
    if (r->steps_to_target >= 0)
        fprintf(f, " steps_to_target=%ld", r->steps_to_target);
    else
        fprintf(f, " steps_to_target=NA");
    fprintf(f, " wall_s=%.6f", (double)r->wall_ns * 1e-9);
    if (r->has_metric)
        real(f, r->metric_name, r->metric_value);
    if (r->has_heldout) {   /* recorded once per epoch: the best and the last */
        real(f, "test_acc_best", r->heldout_best_acc);
        real(f, "test_acc_final", r->heldout_final_acc);
        real(f, "test_loss_final", r->heldout_final_loss);
    }
    if (r->status == RUN_DIVERGED)
        fprintf(f, " diverged_step=%ld", r->diverged_step);
    if (r->peak_rss_bytes >= 0)
        fprintf(f, " peak_rss_mib=%.1f", (double)r->peak_rss_bytes / 1048576.0);
    if (run_id >= 0)
        fprintf(f, " run_id=%lld", run_id);
    if (r->status == RUN_FAILED)
        fprintf(f, " error=\"%s\"", r->error);
    fputc('\n', f);
}
