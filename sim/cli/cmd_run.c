/*
 * cmd_run.c: `bsim run`, `bsim check` and `bsim list`, the scenario
 * runner's front door, as CI calls it on every commit.
 *
 * All three load every PATH first (files, or directories searched for
 * *.xml) and report every load error as FILE:LINE:COL: error: ... before
 * anything runs. `run` then runs the chosen scenarios and reports them in
 * suite order whatever order they finish in, so that the same files, seed
 * and options print the same bytes (--no-timing drops the only thing that
 * varies, elapsed times). `list` with the options of a `run` shows exactly
 * what that run will run.
 *
 * This file is wiring only (the options are read in run_options.c): the loader, the choice of
 * scenarios (--filter, --engine, FILE:LINE, --shard) and the runner with
 * its -j threads and --fail-fast are in sim/scenario/, the reporters and
 * the check of a report's path in sim/report/.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsim/report.h"
#include "bsim/scenario.h"
#include "cli/cli.h"
#include "cli/run_options.h"

/* ---- loading and choosing ------------------------------------------ */

/*
 * A report file must be creatable where it is asked for: say so before
 * running anything, not after a long run whose report is then lost.
 */
static int check_report_path(const char *command, const char *option, const char *path)
{
	int rc = bsim_report_path_check(path, option);
	if (rc == BSIM_ENOMEM)
		return cli_internal_error(command, NULL);
	if (rc < 0)
		return cli_error(command, "%s", bsim_error_last()->message);
	return 0;
}

/*
 * Load every path; on load errors print them all as FILE:LINE:COL: error:
 * MESSAGE and return CLI_EXIT_USAGE. The suite is the caller's on 0.
 */
static int load(const options *opt, bsim_suite **out)
{
	bsim_suite *suite = NULL;
	bsim_load_options lo = BSIM_LOAD_OPTIONS_INIT;
	lo.allow_read = opt->allow_read;
	lo.n_allow_read = opt->n_allow_read;
	lo.allow_write = opt->allow_write;
	lo.n_allow_write = opt->n_allow_write;
	int rc = bsim_suite_load_with(&suite, opt->paths, opt->n_paths, &lo);
	if (!suite && rc == BSIM_EINVAL)
		return cli_error(opt->command, "%s", bsim_error_last()->message);
	if (!suite)
		return cli_internal_error(opt->command, "loading the scenario files");
	size_t n_errors = bsim_suite_error_count(suite);
	if (rc < 0 && n_errors == 0) {
		int code = cli_internal_error(opt->command, "loading the scenario files");
		bsim_suite_free(suite);
		return code;
	}
	if (n_errors) {
		for (size_t i = 0; i < n_errors; i++)
			cli_print_error(opt->command, bsim_suite_error_at(suite, i));
		bsim_suite_free(suite);
		return CLI_EXIT_USAGE;
	}
	*out = suite;
	return 0;
}

/*
 * Every FILE:LINE must fall in a scenario of FILE: a line between scenarios
 * (or past the last) is refused, naming the lines that would do.
 */
static int check_locations(const options *opt, const bsim_suite *suite)
{
	int rc = 0;
	for (size_t k = 0; k < opt->n_locs; k++) {
		if (bsim_suite_check_line(suite, opt->locs[k].file, opt->locs[k].line) < 0) {
			cli_print_error(opt->command, bsim_error_last());
			rc = CLI_EXIT_USAGE;
		}
	}
	return rc;
}

/*
 * The chosen scenarios, in suite order. *out is the caller's (free it);
 * *unsharded counts those chosen before the shard is taken.
 */
static int choose(const options *opt, const bsim_suite *suite, const bsim_scenario ***out, size_t *n_out,
		  size_t *unsharded)
{
	bsim_select_options so = BSIM_SELECT_OPTIONS_INIT;
	so.filters = opt->filters;
	so.n_filters = opt->n_filters;
	so.engine_set = opt->engine_set;
	so.engine = opt->engine;
	so.lines = opt->locs;
	so.n_lines = opt->n_locs;
	so.whole_files = opt->whole;
	so.n_whole_files = opt->n_whole;
	so.shard_index = opt->shard_index;
	so.shard_count = opt->shard_count;
	if (bsim_suite_select(out, n_out, unsharded, suite, &so) < 0)
		return cli_internal_error(opt->command, NULL);
	return 0;
}

/* ---- running ------------------------------------------------------- */

static bool use_color(color_mode mode, FILE *log)
{
	if (mode != COLOR_AUTO)
		return mode == COLOR_ALWAYS;
	/* no-color.org: set and not empty disables colour. */
	const char *no_color = getenv("NO_COLOR");
	return isatty(fileno(log)) && !(no_color && *no_color);
}

/* Write the report files that were asked for. A file that cannot be written is an internal error (exit 3). */
static int write_reports(const options *opt, const bsim_result *const *results, size_t n,
			 const bsim_report_options *rep)
{
	int exit_code = 0;
	if (opt->junit && bsim_report_junit(opt->junit, results, n, rep) < 0) {
		cli_error("run", "%s", bsim_error_last()->message);
		exit_code = CLI_EXIT_INTERNAL;
	}
	if (opt->json && bsim_report_json(opt->json, results, n, rep) < 0) {
		cli_error("run", "%s", bsim_error_last()->message);
		exit_code = CLI_EXIT_INTERNAL;
	}
	return exit_code;
}

/* Where the progress lines go while the scenarios run. */
typedef struct progress {
	const options *opt;
	FILE *log;
	const bsim_report_options *rep;
} progress;

/* bsim_batch_options.on_result: one progress line per result, in suite order, as it comes in. */
static int print_progress(const bsim_result *r, size_t index, size_t total, void *userdata)
{
	const progress *p = userdata;
	int rc;
	if (!p->opt->tap && (rc = bsim_report_progress(p->log, r, index + 1, total, p->rep)) < 0)
		return error_wrap(rc, "writing the progress line");
	return 0;
}

/* What the whole run says after the progress lines: TAP, or the summary; then the report files. */
static int report(const options *opt, FILE *log, const bsim_result *const *done, size_t n,
		  const bsim_report_options *rep)
{
	size_t not_run = 0;
	for (size_t i = 0; i < n; i++)
		not_run += bsim_result_outcome(done[i]) == BSIM_SKIPPED;
	if (opt->tap) {
		if (bsim_report_tap(stdout, done, n, rep) < 0)
			return cli_internal_error("run", "writing the TAP report");
	} else {
		if (not_run)
			fprintf(log, "\nstopped at the first failure (--fail-fast): %zu of %zu scenarios not run\n", not_run,
				n);
		if (bsim_report_summary(log, done, n, rep) < 0)
			return cli_internal_error("run", "writing the summary");
	}
	/* Reports last: one that cannot be written fails the run, but what ran is on stdout already. */
	return write_reports(opt, done, n, rep);
}

/*
 * Run the chosen scenarios and report them. Results are printed, in
 * order, as they come in; with --fail-fast the run stops after the first
 * scenario (in suite order) that did not pass, and the rest are reported
 * as not run, whatever -j ran meanwhile.
 */
static int run_and_report(const options *opt, const bsim_scenario **chosen, size_t n)
{
	bsim_run_options run_opts = BSIM_RUN_OPTIONS_INIT;
	run_opts.seed_set = opt->seed_set;
	run_opts.seed = opt->seed;
	run_opts.now_set = opt->now_set;
	run_opts.now = opt->now;
	run_opts.live = opt->live;
	run_opts.ca_file = opt->ca_file;
	run_opts.insecure = opt->insecure;
	run_opts.allow_redirect = opt->allow_redirect;
	run_opts.n_allow_redirect = opt->n_allow_redirect;
	/* A report on stdout (--junit -) keeps it to itself: the progress lines and summary go to stderr. */
	FILE *log = run_options_is_stdout(opt->junit) || run_options_is_stdout(opt->json) ? stderr : stdout;
	bsim_report_options rep = BSIM_REPORT_OPTIONS_INIT;
	rep.color = use_color(opt->color, log);
	rep.timing = opt->timing;
	rep.trace = opt->trace;
	rep.junit_schema = opt->junit_schema;
	progress prog = {opt, log, &rep};
	bsim_batch_options bo = BSIM_BATCH_OPTIONS_INIT;
	bo.run = &run_opts;
	bo.jobs = opt->jobs;
	bo.fail_fast = opt->fail_fast;
	bo.on_result = print_progress;
	bo.userdata = &prog;

	bsim_result **results = NULL;
	if (bsim_scenarios_run(&results, (const bsim_scenario *const *)chosen, n, &bo) < 0)
		return cli_internal_error("run", NULL);
	int exit_code = CLI_EXIT_OK;
	for (size_t i = 0; i < n; i++)
		if (bsim_result_outcome(results[i]) != BSIM_PASSED)
			exit_code = CLI_EXIT_FAILED;
	int rc = report(opt, log, (const bsim_result *const *)results, n, &rep);
	for (size_t i = 0; i < n; i++)
		bsim_result_free(results[i]);
	free(results);
	return rc ? rc : exit_code;
}

/* ---- the commands -------------------------------------------------- */


/*
 * When nothing is chosen. Choosing nothing is an error (exit 1, one line on
 * stderr), as in Playwright and pytest: a mistyped --filter, an --engine no
 * file runs, a directory without scenario files would otherwise pass in CI.
 * --pass-with-no-scenarios (Playwright's --pass-with-no-tests) turns it
 * into a note. An empty shard of a non-empty choice is normal (a matrix
 * wider than the suite's files) and passes with a note: the other shards
 * run the choice. Returns 0 to go on (with an empty run) or CLI_EXIT_FAILED.
 */
static int nothing_chosen(const options *opt, size_t loaded, size_t unsharded)
{
	const char *kind = opt->pass_with_none || (loaded && unsharded) ? "note" : "error";
	if (!loaded)
		fprintf(stderr, "bsim %s: %s: no scenario found in the given paths (files must end in .xml)", opt->command,
			kind);
	else if (unsharded)
		fprintf(stderr, "bsim %s: note: shard %u/%u is empty; the other shards run the %zu scenarios chosen",
			opt->command, opt->shard_index, opt->shard_count, unsharded);
	else
		fprintf(stderr, "bsim %s: %s: none of the %zu scenarios loaded matches the selection", opt->command, kind,
			loaded);
	if (*kind == 'e') {
		fputs("; --pass-with-no-scenarios accepts an empty run\n", stderr);
		return CLI_EXIT_FAILED;
	}
	fputc('\n', stderr);
	return 0;
}

int cmd_run(int argc, char **argv)
{
	options opt;
	run_options_init(&opt, "run");
	bsim_suite *suite = NULL;
	const bsim_scenario **chosen = NULL;
	size_t n = 0;
	int rc = run_options_parse(&opt, argc, argv, OPT_SELECT | OPT_RUN | OPT_FILES);
	if (rc)
		goto out;
	if ((opt.junit && (rc = check_report_path("run", "--junit", opt.junit))) ||
	    (opt.json && (rc = check_report_path("run", "--json", opt.json))))
		goto out;
	size_t unsharded;
	if ((rc = load(&opt, &suite)) || (rc = check_locations(&opt, suite)) ||
	    (rc = choose(&opt, suite, &chosen, &n, &unsharded)))
		goto out;
	if (n == 0 && (rc = nothing_chosen(&opt, bsim_suite_count(suite), unsharded)))
		goto out;
	rc = run_and_report(&opt, chosen, n);
out:
	free(chosen);
	if (suite)
		bsim_suite_free(suite);
	run_options_free(&opt);
	return rc < 0 ? CLI_EXIT_OK : rc;
}

int cmd_check(int argc, char **argv)
{
	options opt;
	run_options_init(&opt, "check");
	bsim_suite *suite = NULL;
	int rc = run_options_parse(&opt, argc, argv, OPT_FILES);
	if (rc)
		goto out;
	if ((rc = load(&opt, &suite)))
		goto out;
	size_t n = bsim_suite_count(suite);
	size_t files = 0;
	const char *last = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *file = bsim_scenario_file(bsim_suite_at(suite, i));
		if (!last || strcmp(file, last) != 0)
			files++;
		last = file;
	}
	printf("%zu %s in %zu %s: no errors\n", n, n == 1 ? "scenario" : "scenarios", files,
	       files == 1 ? "file" : "files");
out:
	if (suite)
		bsim_suite_free(suite);
	run_options_free(&opt);
	return rc < 0 ? CLI_EXIT_OK : rc;
}

int cmd_list(int argc, char **argv)
{
	options opt;
	run_options_init(&opt, "list");
	bsim_suite *suite = NULL;
	const bsim_scenario **chosen = NULL;
	size_t n = 0;
	int rc = run_options_parse(&opt, argc, argv, OPT_SELECT | OPT_FILES);
	if (rc)
		goto out;
	size_t unsharded;
	if ((rc = load(&opt, &suite)) || (rc = check_locations(&opt, suite)) ||
	    (rc = choose(&opt, suite, &chosen, &n, &unsharded)))
		goto out;
	if (bsim_report_list(stdout, (const bsim_scenario *const *)chosen, n) < 0) {
		rc = cli_internal_error("list", "writing the listing");
		goto out;
	}
	size_t loaded = bsim_suite_count(suite);
	if (opt.shard_count)
		printf("%zu of %zu scenarios in shard %u/%u\n", n, loaded, opt.shard_index, opt.shard_count);
	else if (n != loaded)
		printf("%zu of %zu scenarios\n", n, loaded);
	else
		printf("%zu %s\n", n, n == 1 ? "scenario" : "scenarios");
	if (n == 0)
		rc = nothing_chosen(&opt, loaded, unsharded);
out:
	free(chosen);
	if (suite)
		bsim_suite_free(suite);
	run_options_free(&opt);
	return rc < 0 ? CLI_EXIT_OK : rc;
}
