/*
 * runner_internal.h: what runner.c (running the steps) and failure.c
 * (writing the failure into the result) share: the result itself, and the
 * calls that compose its message.
 */
#ifndef BSIM_SCENARIO_RUNNER_INTERNAL_H
#define BSIM_SCENARIO_RUNNER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario/scenario_internal.h"

struct bsim_result {
	const bsim_scenario *sc;
	bsim_outcome outcome;
	int expected_failure;
	char *message;           /* NULL when passed (unless an expected failure) */
	char *fail_file;
	int fail_line;
	int fail_col;
	uint64_t seed;
	bsim_time start_time;    /* the instant the clock started at */
	bool start_from_run;     /* it came from the run options (bsim run --now), so the replay command repeats it */
	bsim_run_options run;    /* how the run fetched, for the replay command (ca_file borrowed: read while composing) */
	uint64_t elapsed_ns;
	bsim_trace_entry *trace; /* deep copies */
	size_t n_trace;
	size_t *marks;           /* the run's step marks (run_ctx), for stories */
	const step **mark_steps;
	size_t n_marks;
};

/* rc->failed_step failed an expectation: r's message (head, used-at line, cause lines, replay line) and location. */
int result_compose_failure(bsim_result *r, run_ctx *rc);
/* A step at `at` could not run: r is errored, its message the error channel's. */
int result_compose_error(bsim_result *r, const src_loc *at);
/* Apply the scenario's expect-failure to a finished run. */
int result_judge_expected_failure(bsim_result *r, run_ctx *rc);
/* The trace codes from entry `from` on that say why a step could not run (navigation-failed), for expect-failure. */
int run_add_error_causes(run_ctx *rc, size_t from);

#endif
