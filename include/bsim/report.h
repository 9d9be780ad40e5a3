/*
 * report.h: reporters. Each reads finished results (never live state):
 * the terminal (progress and summary), JUnit XML for GitLab, Jenkins and
 * GitHub test reporters, TAP version 14, and JSON. Report files are written
 * atomically (a temporary file renamed into place), so a crash leaves no
 * half file and a failed write leaves an existing report unchanged.
 */
#ifndef BSIM_REPORT_H
#define BSIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "bsim/scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bsim_trace_mode {
	BSIM_TRACE_NONE = 0,
	BSIM_TRACE_FAILING = 1,  /* the trace of failing scenarios */
	BSIM_TRACE_ALL = 2
} bsim_trace_mode;

/* Which JUnit XML a report follows (docs/report-formats.md). */
typedef enum bsim_junit_schema {
	BSIM_JUNIT_COMMON = 0,  /* the de-facto set GitLab, GitHub and Jenkins' junit plugin read, with file and line */
	BSIM_JUNIT_JENKINS = 1  /* only what the Jenkins xunit plugin's junit-10 schema allows (docs/junit-jenkins.xsd) */
} bsim_junit_schema;

typedef struct bsim_report_options {
	unsigned version;        /* BSIM_REPORT_OPTIONS_VERSION */
	int color;               /* 1: ANSI colour (the caller decides: a terminal and no NO_COLOR) */
	int timing;              /* 0: leave elapsed times out (--no-timing), for byte-identical output */
	bsim_trace_mode trace;
	const char *suite_name;  /* JUnit testsuites name; NULL: "bsim" */
	/* Version 2: */
	bsim_junit_schema junit_schema;
} bsim_report_options;
#define BSIM_REPORT_OPTIONS_VERSION 2
#define BSIM_REPORT_OPTIONS_INIT {BSIM_REPORT_OPTIONS_VERSION, 0, 1, BSIM_TRACE_FAILING, NULL, BSIM_JUNIT_COMMON}

/* One line as a result completes (index is 1-based among total). */
int bsim_report_progress(FILE *out, const bsim_result *r, size_t index, size_t total,
			 const bsim_report_options *opts);
/* Failures in full, then "N passed, N failed" (", N errored" when any) and the time. */
int bsim_report_summary(FILE *out, const bsim_result *const *results, size_t n, const bsim_report_options *opts);
/*
 * The report files: written whole or not at all (a regular file is replaced
 * atomically, a symbolic link followed, a character device or FIFO written
 * through; sim/util/atomic_file.h). path "-" writes the report to stdout.
 */
int bsim_report_junit(const char *path, const bsim_result *const *results, size_t n,
		      const bsim_report_options *opts);
int bsim_report_tap(FILE *out, const bsim_result *const *results, size_t n, const bsim_report_options *opts);
int bsim_report_json(const char *path, const bsim_result *const *results, size_t n,
		     const bsim_report_options *opts);

/*
 * The listing of bsim list: one scenario a line, "FILE:LINE  NAME [ENGINE]"
 * and "  tags: A B" when it has tags, text from the files escaped as the
 * terminal report escapes it. Written whole once built; BSIM_EIO when it
 * cannot be, BSIM_ENOMEM.
 */
int bsim_report_list(FILE *out, const bsim_scenario *const *scenarios, size_t n);

/*
 * Whether a report file can be written at path ("-", stdout, always can),
 * to be asked before a run rather than losing its report at the end. label
 * names the path in the message (e.g. "--junit"): BSIM_EINVAL with
 * "LABEL PATH: is a directory; expected a file name", "LABEL PATH: the
 * directory D does not exist", "LABEL: cannot write report ...". A path that
 * is a symbolic link, device or FIFO is written through, so only tried.
 */
int bsim_report_path_check(const char *path, const char *label);

#ifdef __cplusplus
}
#endif
#endif
