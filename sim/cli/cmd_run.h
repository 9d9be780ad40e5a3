/*
 * cmd_run.h: the scenario commands, `bsim run`, `bsim check` and
 * `bsim list` (cmd_run.c). They share one option parser and one way of
 * choosing scenarios (--filter, --engine, --shard), so that `bsim list`
 * with the options of a `bsim run` shows exactly what that run will run.
 * Each takes argv with argv[0] the command's name and returns a CLI_EXIT_*
 * code (cli.h).
 */
#ifndef BSIM_CLI_CMD_RUN_H
#define BSIM_CLI_CMD_RUN_H

#include <stdio.h>

#include "bsim/error.h"

int cmd_run(int argc, char **argv);
void cmd_run_help(FILE *f);
int cmd_check(int argc, char **argv);
void cmd_check_help(FILE *f);
int cmd_list(int argc, char **argv);
void cmd_list_help(FILE *f);
/* A load error as FILE:LINE:COL: error: WHAT (or "bsim COMMAND: error: WHAT" without a file), on stderr. */
void cli_print_load_error(const char *command, const bsim_error *e);

#endif
