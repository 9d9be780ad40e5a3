/*
 * cli.h: what main.c and the subcommand files share: the exit codes every
 * bsim command uses and the entry point of each subcommand. A subcommand
 * parses its own options, wires the library together and returns an exit
 * code; it never calls exit() so that its resources are always released.
 */
#ifndef BSIM_CLI_H
#define BSIM_CLI_H

#include <stdbool.h>
#include <stdio.h>

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
