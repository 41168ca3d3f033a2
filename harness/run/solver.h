/* solver.h -- a solver is a preset plus option overrides, written as its
 * label: "torch", "torch+centered", "keras+momentum=0.9",
 * "optax+eps-in-sqrt=0".  One table of the RMSProp options (name, kind,
 * where in rms_cfg) serves three jobs: parsing a label, writing the label
 * of a configuration (the options that differ from its preset, lr left out
 * since it is tuned), and the grid axes of sweep and tune (--centered 0,1
 * --momentum 0,0.9 ...).  Labels round-trip: parsing the label of a config
 * and resolving it gives that config back (lr aside). */
#ifndef SOLVER_H
#define SOLVER_H

#include <stddef.h>
#include "cli/config.h"

typedef enum { AXIS_REAL, AXIS_FLAG, AXIS_WD_MODE } axis_kind;

typedef struct opt_axis {
    const char *name;     /* command-line name: "momentum", "eps-in-sqrt" */
    axis_kind kind;
    int opt_id;           /* config_set id for real values and wd-mode */
    unsigned set_bit;     /* SET_* of run_opts */
    size_t offset;        /* of the double (REAL) or int field in rms_cfg */
} opt_axis;

/* The table, in label order; NULL-name terminated. */
extern const opt_axis solver_axes[];
size_t solver_axis_count(void);
const opt_axis *solver_axis_find(const char *name);
/* "lr, beta, eps, ..." for messages. */
const char *solver_axis_names(void);

/* Set one option from text ("0.9", "0"/"1" for flags, coupled|decoupled).
 * 0, or -1 with "--NAME: bad value 'x' (why)". */
int solver_axis_set(run_opts *o, const opt_axis *a, const char *text, char *err, size_t len);

/* The value of a in cfg as text (%.17g, 0/1, coupled/decoupled). */
void solver_axis_format(const opt_axis *a, const rms_cfg *cfg, char *buf, size_t len);

/* Apply a solver label to o (preset and overrides).  0, or -1 with a
 * one-line message naming the unknown preset or option. */
int solver_parse(const char *label, run_opts *o, char *err, size_t len);

/* The label of cfg run under preset: options other than lr (and those in
 * the skip list, comma-separated names, may be NULL) that differ from the
 * preset's.  An unknown preset gives the preset's name alone. */
void solver_label(const char *preset, const rms_cfg *cfg, const char *skip,
                  char *buf, size_t len);

#endif
