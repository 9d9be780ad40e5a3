/*
 * cli.h: what main.c and the subcommand files share: the exit codes every
 * bsim command uses and the entry point of each subcommand. A subcommand
 * parses its own options, wires the library together and returns an exit
 * code; it never calls exit() so that its resources are always released.
 */
#ifndef BSIM_CLI_H
#define BSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bsim/error.h"
#include "util/error.h"

/*
 * Exit codes (DESIGN.md, CLI conventions). Never 77 or 99: meson reads
 * those as "skipped" and "hard error".
 */
enum {
	CLI_EXIT_OK = 0,       /* everything ran and passed */
	CLI_EXIT_FAILED = 1,   /* ran, but some check failed */
	CLI_EXIT_USAGE = 2,    /* bad options or bad input: nothing was run */
	CLI_EXIT_INTERNAL = 3  /* bsim itself failed (memory, an unexpected library error) */
};

/* BSIM_DEFAULT_START_TIME as every --now option writes it (help texts, examples in errors). */
#define CLI_DEFAULT_NOW_TEXT "2015-01-01T00:00:00Z"

/*
 * "--name VALUE" or "--name=VALUE" at argv[*i]: the value (advancing *i past
 * a separate one), or NULL when argv[*i] is another option; *missing is set
 * when the option is last and its value absent.
 */
const char *cli_option_value(int argc, char **argv, int *i, const char *name, bool *missing);

/*
 * What to add after 'unknown option "ARG"', into out (len bytes): bsim's
 * spelling when ARG is Playwright's or pytest's ("; bsim's is --filter
 * PATTERN"), else the closest long option of known (NULL-terminated):
 * "; did you mean --seed?"; "" when neither.
 */
void cli_option_hint(char *out, size_t len, const char *arg, const char *const *known);

/*
 * Errors, in the shapes every command prints them. cli_usage_error:
 * "bsim COMMAND: error: WHAT" and the line that points to --help; returns
 * CLI_EXIT_USAGE. cli_error: the same without the pointer. cli_internal_error:
 * "bsim COMMAND: internal error: [DOING: ]the last error's message" ("out of
 * memory" when it has none); returns CLI_EXIT_INTERNAL.
 */
int cli_usage_error(const char *command, const char *fmt, ...) BSIM_PRINTF(2, 3);
int cli_error(const char *command, const char *fmt, ...) BSIM_PRINTF(2, 3);
int cli_internal_error(const char *command, const char *doing);
/*
 * An error from the library as FILE:LINE:COL: error: WHAT (error_render),
 * or "bsim COMMAND: error: WHAT" when it concerns no file; on stderr.
 */
void cli_print_error(const char *command, const bsim_error *e);

/* A decimal number without sign, spaces or excess: what a person means by N. */
bool cli_parse_u64(const char *s, uint64_t *out);
/* The values of options several commands take (--seed N, --now TIME, --ca-file FILE): 0, or CLI_EXIT_USAGE after the message. */
int cli_parse_seed(const char *command, const char *v, uint64_t *out);
int cli_parse_now(const char *command, const char *v, int64_t *out);
int cli_parse_ca_file(const char *command, const char *v);

/* `bsim run`, `bsim check`, `bsim list` (cmd_run.c): one option parser and one choice of scenarios. */
int cmd_run(int argc, char **argv);
void cmd_run_help(FILE *f);
int cmd_check(int argc, char **argv);
void cmd_check_help(FILE *f);
int cmd_list(int argc, char **argv);
void cmd_list_help(FILE *f);

/* `bsim cookie`: argv[0] is "cookie". */
int cmd_cookie(int argc, char **argv);
/* The help text of `bsim cookie`, written to f. */
void cmd_cookie_help(FILE *f);

/* `bsim widget domain URL...`: argv[0] is "widget". */
int cmd_widget(int argc, char **argv);
void cmd_widget_help(FILE *f);
/* `bsim import-har`: argv[0] is "import-har". */
int cmd_import_har(int argc, char **argv);
void cmd_import_har_help(FILE *f);
/* `bsim explain`: argv[0] is "explain". */
int cmd_explain(int argc, char **argv);
void cmd_explain_help(FILE *f);

#endif
