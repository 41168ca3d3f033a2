/* presets.c -- the table of presets: each sets every option to reproduce a
 * library's RMSProp with that library's defaults (docs/presets.md has the
 * derivations and the deliberate differences).  Command-line options
 * override a preset field by field.  A row is the seed rule
 * (RMS_CFG_DEFAULTS, from rms_options.def) plus the library's differences;
 * `rmsbench list presets` prints every option of each.  An option added
 * later takes its default in every preset unless a row names it. */
#include <string.h>
#include "rms.h"

/* A row names a field after RMS_CFG_DEFAULTS has set it: that override is
 * the point, so gcc's -Woverride-init (in -Wextra) is off for the table. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"

static const rms_preset PRESETS[] = {
    { "seed", "rmsbench",
      "v = beta*v + (1-beta)*g^2; theta -= lr*g/(sqrt(v)+eps)",
      "the design's seed text",
      { RMS_CFG_DEFAULTS } },
    /* torch.optim.RMSprop(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0,
     * momentum=0, centered=False, maximize=False) */
    { "torch", "PyTorch",
      "g = (maximize ? -g : g) + wd*theta; v = alpha*v + (1-alpha)*g^2; "
      "[centered: m = alpha*m + (1-alpha)*g, v~ = v - m^2]; d = sqrt(v~) + eps; "
      "b = mu*b + g/d; theta -= lr*b  (mu = 0: theta -= lr*g/d)",
      "torch/optim/rmsprop.py _single_tensor_rmsprop (torch 1.13; same math upstream)",
      { RMS_CFG_DEFAULTS, .lr = 1e-2, .beta = 0.99 } },
    /* tf.compat.v1.train.RMSPropOptimizer(learning_rate (no default; 1e-3
     * here), decay=0.9, momentum=0.0, epsilon=1e-10, centered=False); the
     * "rms" slot starts at ones. */
    { "tf1", "TensorFlow 1",
      "ms += (g^2 - ms)*(1-rho); [centered: mg += (g - mg)*(1-rho), ms~ = ms - mg^2]; "
      "mom = momentum*mom + lr*g/sqrt(ms~ + eps); var -= mom  (ms starts at 1)",
      "tensorflow/core/kernels/training_ops.cc ApplyRMSProp / ApplyCenteredRMSProp; "
      "tensorflow/python/training/rmsprop.py (slot rms = ones)",
      { RMS_CFG_DEFAULTS, .eps = 1e-10, .v0 = 1.0, .eps_in_sqrt = 1, .lr_in_momentum = 1 } },
    /* keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0,
     * epsilon=1e-7, centered=False, weight_decay=None) */
    { "keras", "Keras 3",
      "[wd: var -= var*wd*lr]; v = rho*v + (1-rho)*g^2; [centered: a = rho*a + (1-rho)*g, "
      "v~ = v - a^2]; inc = lr*g/sqrt(v~ + eps); mom = momentum*mom + inc; var -= mom",
      "keras/src/optimizers/rmsprop.py update_step; keras/src/optimizers/base_optimizer.py "
      "_apply_weight_decay (decoupled, before the step)",
      { RMS_CFG_DEFAULTS, .eps = 1e-7, .eps_in_sqrt = 1, .lr_in_momentum = 1, .wd_decoupled = 1 } },
    /* optax.rmsprop(learning_rate (no default; 1e-3 here), decay=0.9,
     * eps=1e-8, initial_scale=0., eps_in_sqrt=True, centered=False,
     * momentum=None, nesterov=False, bias_correction=False) */
    { "optax", "Optax",
      "nu = (1-decay)*g^2 + decay*nu (starts at initial_scale); [bias: nu /= 1-decay^t]; "
      "u = -lr*g/sqrt(nu + eps); [trace: t = u + mu*t; u = nesterov ? u + mu*t : t]; "
      "params += u",
      "optax/_src/alias.py rmsprop; optax/_src/transform.py scale_by_rms, "
      "scale_by_stddev, trace",
      { RMS_CFG_DEFAULTS, .eps_in_sqrt = 1, .lr_in_momentum = 1 } },
};
#pragma GCC diagnostic pop

const rms_preset *rms_presets(size_t *count)
{
    *count = sizeof PRESETS / sizeof PRESETS[0];
    return PRESETS;
}

const rms_preset *rms_preset_find(const char *name)
{
    size_t n;
    const rms_preset *t = rms_presets(&n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return &t[i];
    return NULL;
}
