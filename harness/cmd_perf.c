/* cmd_perf.c -- placeholder until its issue lands: refuses to run. */
#include "cli.h"

int cmd_perf(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_die("not implemented yet");
}
