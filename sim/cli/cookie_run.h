/*
 * cookie_run.h: running a checked op file (cookie_ops.h) on one simulated
 * browser and writing what it does, as text or JSON lines
 * (docs/cookie-command.md). Everything is written into buffers; the caller
 * prints the output only when the whole run succeeded, so a failure never
 * leaves half a result on stdout.
 */
#ifndef BSIM_CLI_COOKIE_RUN_H
#define BSIM_CLI_COOKIE_RUN_H

#include <stdbool.h>

#include "bsim/cookie.h"
#include "cli/cookie_ops.h"
#include "util/buf.h"

typedef struct cookie_run_config {
	const char *file;       /* the op file's name in messages ("<stdin>" for standard input) */
	bsim_engine engine;
	bsim_time now;          /* the virtual clock's start */
	bool explain;           /* also print refusals, evictions and expiries where they happen */
	bool json;              /* JSON lines instead of text */
	bool session_restore;   /* "continue where you left off": close keeps tabs and session cookies */
	const char *hosts_path; /* --hosts FILE, or NULL */
} cookie_run_config;

/*
 * Run ops on a new browser. The run's output is appended to out; errors,
 * one FILE:LINE: error: ... line each, to diag. Profiles and files to
 * import that exist before the run are checked before the first op runs.
 * Returns a CLI exit code: CLI_EXIT_OK, CLI_EXIT_USAGE (an unreadable,
 * corrupt or foreign file, a file that cannot be written, a bad hosts file)
 * or CLI_EXIT_INTERNAL.
 */
int cookie_run(const cookie_op_list *ops, const cookie_run_config *config, buf *out, buf *diag);

#endif
