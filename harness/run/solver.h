/* solver.h -- a solver is a preset plus option overrides, written as its
 * label: "torch", "torch+centered", "keras+momentum=0.9",
 * "optax+eps-in-sqrt=0".  The table of the RMSProp options
 * (kernels/rms_options.def) serves three jobs here: parsing a label, writing the label
 * of a configuration (the options that differ from its preset, lr left out
 * since it is tuned), and the grid axes of sweep and tune (--centered 0,1
 * --momentum 0,0.9 ...).  Labels round-trip: parsing the label of a config
 * and resolving it gives that config back (lr aside). */
#ifndef SOLVER_H
#define SOLVER_H

#include <stddef.h>
#include "cli/config.h"

/* The axes are the rows of the option table (kernels/rms_opt.h): an axis
 * is named by its flag ("momentum", "eps-in-sqrt", "wd-mode"). */
typedef rms_opt opt_axis;

/* Row i of the table, i < solver_axis_count(). */
const opt_axis *solver_axis(size_t i);
size_t solver_axis_count(void);
/* By its flag ("weight-decay"); NULL if no row has that flag. */
const opt_axis *solver_axis_find(const char *name);
/* "lr, beta, eps, ..." for messages. */
const char *solver_axis_names(void);

/* Set one option from text ("0.9", "0"/"1" for flags, coupled|decoupled).
 * 0, or -1 with "--NAME: bad value 'x' (why)" (config_set_opt). */
int solver_axis_set(run_opts *o, const opt_axis *a, const char *text, char *err, size_t len);

/* Apply a solver label to o (preset and overrides).  0, or -1 with a
 * one-line message naming the unknown preset or option. */
int solver_parse(const char *label, run_opts *o, char *err, size_t len);

/* The label of cfg run under preset: options other than lr (and those in
 * the skip list, comma-separated names, may be NULL) that differ from the
 * preset's.  An unknown preset gives the preset's name alone. */
void solver_label(const char *preset, const rms_cfg *cfg, const char *skip,
                  char *buf, size_t len);

#endif
