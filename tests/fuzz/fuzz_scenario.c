/*
 * fuzz_scenario.c: scenario files (sim/scenario/: the safe XML reader, the
 * RELAX NG check and its explanations, fragments and parameters, the
 * steps and expectations), the whole input as one file: loaded, validated
 * and run on every engine it names, within a budget.
 *
 * The budget: a scenario of more than FUZZ_MAX_RUN_STEPS steps (children
 * counted) is loaded and checked but not run, so an input costs
 * milliseconds; every step is bounded and the virtual clock cannot pass
 * its overflow check, so a run always ends. Steps that write files
 * (<save-profile>, <export>) are not run: the first of the two runs
 * compared would leave a file the second could import; nor are live
 * fetches (fetch="live"): a fuzzed URL could reach any service on the
 * machine, and what a real connection does is not the parser's. Reads and
 * writes outside the harness's folder (/proc/uptime, which changes between
 * two runs) never load: the folder rule (sim/scenario/file_access.h)
 * refuses them, for the fuzzer as for every user.
 *
 * Invariants: every load error has a place (FILE:LINE:COL in its text) and
 * a message; a result has an outcome, a failed or errored one a message and
 * a place; and two runs of one scenario give the same outcome, message and
 * trace (seeded randomness, virtual clock).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/scenario.h"
#include "fuzz_support.h"
#include "scenario/scenario_internal.h"

/* Steps run per scenario: every step kind several times over, in well under a millisecond each. */
#define FUZZ_MAX_RUN_STEPS 200

/* Steps counted with their children; *unsafe set when one writes a file or fetches live. */
static size_t count_steps(const step *steps, size_t n, bool *unsafe)
{
	size_t total = n;
	for (size_t i = 0; i < n; i++) {
		const char *e = steps[i].element ? steps[i].element : "";
		const char *fetch = step_attr(&steps[i], "fetch");
		if (strcmp(e, "save-profile") == 0 || strcmp(e, "export") == 0 || (fetch && strcmp(fetch, "live") == 0))
			*unsafe = true;
		total += count_steps(steps[i].children, steps[i].n_children, unsafe);
	}
	return total;
}

static void check_result(const bsim_result *r)
{
	bsim_outcome o = bsim_result_outcome(r);
	FUZZ_CHECK(o == BSIM_PASSED || o == BSIM_FAILED || o == BSIM_ERRORED, "outcome %d", (int)o);
	if (o != BSIM_PASSED) {
		FUZZ_CHECK(bsim_result_message(r) && *bsim_result_message(r), "a failed result without a message");
		FUZZ_CHECK(bsim_result_fail_file(r) && bsim_result_fail_line(r) > 0, "a failed result without a place: %s",
			   bsim_result_message(r));
	}
	for (size_t i = 0; i < bsim_result_trace_count(r); i++) {
		const bsim_trace_entry *e = bsim_result_trace_at(r, i);
		FUZZ_CHECK(e->code && *e->code && e->message, "a trace entry without a code or message");
	}
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	snprintf(path, sizeof path, "%s/fuzz.xml", fuzz_tmpdir());
	FILE *f = fopen(path, "wb");
	FUZZ_CHECK(f && fwrite(data, 1, size, f) == size && fclose(f) == 0, "cannot write %s", path);

	const char *paths[] = {path};
	bsim_suite *suite = NULL;
	int rc = bsim_suite_load(&suite, paths, 1);
	FUZZ_CHECK(suite, "no suite from bsim_suite_load (%d)", rc);
	FUZZ_CHECK(rc == 0 || rc == BSIM_EINVAL || rc == BSIM_ELIMIT || rc == BSIM_EIO, "load returned %d", rc);
	FUZZ_CHECK((rc == 0) == (bsim_suite_error_count(suite) == 0), "load returned %d with %zu errors", rc,
		   bsim_suite_error_count(suite));
	for (size_t i = 0; i < bsim_suite_error_count(suite); i++) {
		const bsim_error *e = bsim_suite_error_at(suite, i);
		/* The location lives in the error's fields (error_render puts it in front of the message). */
		FUZZ_CHECK(e->message && e->file && strstr(e->file, "fuzz.xml"), "a load error that does not name the file: \"%.300s\"",
			   e->message ? e->message : "(null)");
	}
	/* Like `bsim run`, nothing runs when the file does not load. */
	for (size_t i = 0; rc == 0 && i < bsim_suite_count(suite); i++) {
		const bsim_scenario *sc = bsim_suite_at(suite, i);
		bool unsafe = false;
		if (count_steps(sc->steps, sc->n_steps, &unsafe) > FUZZ_MAX_RUN_STEPS || unsafe)
			continue;
		bsim_run_options opts = BSIM_RUN_OPTIONS_INIT;
		bsim_result *r1 = NULL, *r2 = NULL;
		FUZZ_OK(bsim_scenario_run(&r1, sc, &opts));
		FUZZ_OK(bsim_scenario_run(&r2, sc, &opts));
		check_result(r1);
		FUZZ_CHECK(bsim_result_outcome(r1) == bsim_result_outcome(r2) &&
				   same_str(bsim_result_message(r1), bsim_result_message(r2)) &&
				   bsim_result_trace_count(r1) == bsim_result_trace_count(r2),
			   "two runs of one scenario differ: %s / %s", bsim_result_message(r1) ? bsim_result_message(r1) : "",
			   bsim_result_message(r2) ? bsim_result_message(r2) : "");
		bsim_result_free(r1);
		bsim_result_free(r2);
	}
	bsim_suite_free(suite);
	return 0;
}
