/*
 * ops.h: the reporter of `bsim cookie` (ops.c). It listens to a run of an
 * op file (scenario/read/ops.h) and keeps, in memory, what the command
 * prints: the run's output (text or JSON lines, docs/cookie-command.md)
 * and the errors that stopped it, so a failure never leaves half a result
 * on stdout.
 */
#ifndef BSIM_REPORT_OPS_H
#define BSIM_REPORT_OPS_H

#include <stdbool.h>

#include "scenario/read/ops_types.h"
#include "util/buf.h"

typedef struct ops_report_options {
	const char *file; /* the op file's name in lines ("<stdin>" for standard input) */
	bool json;        /* JSON lines instead of text */
	bool explain;     /* also refusals, evictions and expiries, where they happen */
} ops_report_options;

/* How the run ended, worst first last. */
typedef enum ops_report_status {
	OPS_REPORT_OK = 0,
	OPS_REPORT_INPUT_ERROR,   /* a file that cannot be read, written or trusted; a bad hosts file */
	OPS_REPORT_INTERNAL_ERROR /* a failure of bsim itself */
} ops_report_status;

typedef struct ops_reporter ops_reporter;

/* *out is the caller's, freed with ops_reporter_free; o->file is borrowed. */
int ops_reporter_new(ops_reporter **out, const ops_report_options *o);
/* The listener to give the run (ops_run_config.listener); it lives as long as the reporter. */
const ops_listener *ops_reporter_listener(const ops_reporter *r);
ops_report_status ops_reporter_status(const ops_reporter *r);
/* What goes to stdout, and what to stderr; owned by the reporter. */
const buf *ops_reporter_output(const ops_reporter *r);
const buf *ops_reporter_errors(const ops_reporter *r);
void ops_reporter_free(ops_reporter *r);

#endif
