/* cmd_report.c -- placeholder until its issue lands: refuses to run. */
#include "cli.h"

int cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_die("not implemented yet");
}
