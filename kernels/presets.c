/* presets.c -- the table of presets: each sets every option to reproduce a
 * library's RMSProp with that library's defaults.  Command-line options
 * override a preset field by field. */
#include <string.h>
#include "rms.h"

static const rms_preset PRESETS[] = {
    { "seed", "rmsbench",
      "v = beta*v + (1-beta)*g^2; theta -= lr*g/(sqrt(v)+eps)",
      "the design's seed text",
      { .lr = 1e-3, .beta = 0.9, .eps = 1e-8, .bc_scale = 1.0 } },
};

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
