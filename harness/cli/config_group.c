/* config_group.c -- run's options (config_long_options, config_set) wrapped
 * as one cli_group row for the commands that take them. */
#include <stdio.h>
#include "cli/config.h"
#include "cli/config_group.h"

static void init(void *target) { run_opts_init(target); }

static int apply(void *target, int id, const char *arg, char *err, size_t len)
{
    return config_set(target, id, arg, err, len);
}

void config_group_help(FILE *f) { fputs(config_options_help(), f); }

static void help(FILE *f)
{
    config_part_help(f, RUN_FIRST);
    config_group_help(f);
    config_part_help(f, RUN_LAST);
}

const cli_group config_group = { config_long_options, help, init, apply };
