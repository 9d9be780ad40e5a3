/*
 * cmd_explain.c: `bsim explain SCENARIO [--at STEP]`, the story of each
 * widget cookie of a scenario (imported from a customer's capture or
 * written by hand) as a short timeline a support engineer pastes into a
 * ticket: where each cookie was written and with which Domain and Path,
 * where it was refused, evicted, expired or ended with the session and
 * why, which requests carried it and which did not, and why not. The
 * scenario runs once per engine it names (or --engine); output is on the
 * virtual clock, so it is the same on every run. The story itself is built
 * in sim/scenario/story.c; this file is options and wiring only.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsim/scenario.h"
#include "cli/cli.h"
#include "cli/cmd_run.h"
#include "util/timefmt.h"

/* --allow-read and --allow-write each take at most this many directories: more is a script gone wrong. */
#define EXPLAIN_MAX_ALLOWED 64
#define STR_(x) #x
#define STR(x) STR_(x)

void cmd_explain_help(FILE *f)
{
	fputs("Usage: bsim explain [OPTIONS] SCENARIO\n"
	      "\n"
	      "Runs the scenario file (each scenario in it, once per engine it names) and\n"
	      "prints the story of each widget cookie (_genesys.widgets.*, also behind a\n"
	      "main.deploymentID prefix): every write with its Domain and Path, every\n"
	      "refusal, eviction, expiry and session end with the browser's reason, and\n"
	      "every navigation request that carried it or left it out and why, each\n"
	      "with the virtual time, the step's FILE:LINE:COL and the tab.\n"
	      "\n"
	      "Options:\n"
	      "  --at STEP          end the story after this step: its number (1 is the\n"
	      "                     first step) or FILE:LINE\n"
	      "  --cookie PATTERN   tell the cookies whose name matches this glob instead\n"
	      "                     (e.g. 'sid' or '*session*')\n"
	      "  --engine NAME      only the copy that runs on chromium, firefox or safari\n"
	      "  --seed N           the random seed (default: the scenario's own)\n"
	      "  --now TIME         start the clock at this ISO 8601 instant, as bsim run\n"
	      "                     --now does (a scenario's own now= wins)\n"
	      "  --json             one JSON object per scenario and engine, one a line\n"
	      "  --live, --ca-file FILE, --insecure\n"
	      "                     fetch navigations from real servers, as bsim run does\n"
	      "  --allow-read DIR, --allow-write DIR\n"
	      "                     let the scenario read (or write) files in DIR too, as\n"
	      "                     bsim run does (repeatable; docs/limits.md)\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 the stories were told (whether the scenario passed or\n"
	      "not), 2 usage or input error, 3 internal error.\n",
	      f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("bsim explain: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nRun 'bsim explain --help' for usage.\n", stderr);
	return CLI_EXIT_USAGE;
}

int cmd_explain(int argc, char **argv)
{
	const char *path = NULL;
	bsim_story_options so = BSIM_STORY_OPTIONS_INIT;
	bsim_run_options ro = BSIM_RUN_OPTIONS_INIT;
	bool engine_set = false;
	bsim_engine engine = BSIM_ENGINE_CHROMIUM;
	const char *allow_read[EXPLAIN_MAX_ALLOWED], *allow_write[EXPLAIN_MAX_ALLOWED];
	bsim_load_options lo = BSIM_LOAD_OPTIONS_INIT;
	lo.allow_read = allow_read;
	lo.allow_write = allow_write;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing = false;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_explain_help(stdout);
			return CLI_EXIT_OK;
		} else if (a[0] != '-') {
			if (path)
				return usage_error("expected one scenario file, got \"%s\" too", a);
			path = a;
		} else if ((v = cli_option_value(argc, argv, &i, "--at", &missing))) {
			if (!*v)
				return usage_error("--at expects a step number or FILE:LINE%s", "");
			so.at = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--cookie", &missing))) {
			if (!*v)
				return usage_error("--cookie expects a cookie name or a glob such as '*session*'%s", "");
			so.cookie_pattern = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--engine", &missing))) {
			if (bsim_engine_from_name(&engine, v) < 0)
				return usage_error("%s", bsim_error_last()->message); /* the preset table says what was meant */
			engine_set = true;
		} else if ((v = cli_option_value(argc, argv, &i, "--seed", &missing))) {
			char *end;
			unsigned long long n = strtoull(v, &end, 10);
			if (!*v || *end || *v < '0' || *v > '9')
				return usage_error("--seed expects a number from 0 to 18446744073709551615, got \"%s\"", v);
			ro.seed_set = 1;
			ro.seed = n;
		} else if ((v = cli_option_value(argc, argv, &i, "--now", &missing))) {
			if (!time_parse_instant(v, &ro.now))
				return usage_error("--now \"%s\" is not an ISO 8601 instant with its zone, up to year 9999; "
						   "write e.g. " CLI_DEFAULT_NOW_TEXT " or 2024-03-31T03:30:00+02:00", v);
			ro.now_set = 1;
		} else if ((v = cli_option_value(argc, argv, &i, "--ca-file", &missing))) {
			if (!*v || access(v, R_OK) != 0)
				return usage_error("--ca-file expects a readable PEM file, got \"%s\"", v);
			ro.ca_file = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-read", &missing))) {
			if (lo.n_allow_read == EXPLAIN_MAX_ALLOWED)
				return usage_error("--allow-read is given more than %s times", STR(EXPLAIN_MAX_ALLOWED));
			allow_read[lo.n_allow_read++] = v; /* checked by the load: a directory that exists */
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-write", &missing))) {
			if (lo.n_allow_write == EXPLAIN_MAX_ALLOWED)
				return usage_error("--allow-write is given more than %s times", STR(EXPLAIN_MAX_ALLOWED));
			allow_write[lo.n_allow_write++] = v;
		} else if (strcmp(a, "--json") == 0) {
			so.json = 1;
		} else if (strcmp(a, "--live") == 0) {
			ro.live = 1;
		} else if (strcmp(a, "--insecure") == 0) {
			ro.insecure = 1;
		} else if (missing) {
			return usage_error("%s needs a value", a);
		} else {
			return usage_error("unknown option \"%s\"", a);
		}
	}
	if (!path)
		return usage_error("expected a scenario file%s", "");
	so.run = &ro;

	bsim_suite *suite = NULL;
	const char *paths[] = {path};
	int rc = bsim_suite_load_with(&suite, paths, 1, &lo);
	if (!suite && rc == BSIM_EINVAL)
		return usage_error("%s", bsim_error_last()->message);
	if (!suite) {
		fprintf(stderr, "bsim explain: internal error: %s\n", bsim_error_last()->message);
		return CLI_EXIT_INTERNAL;
	}
	int exit_code = CLI_EXIT_OK;
	size_t n_errors = bsim_suite_error_count(suite);
	if (n_errors || rc < 0) {
		for (size_t i = 0; i < n_errors; i++)
			cli_print_load_error("explain", bsim_suite_error_at(suite, i));
		if (!n_errors)
			fprintf(stderr, "bsim explain: error: %s\n", bsim_error_last()->message);
		exit_code = CLI_EXIT_USAGE;
		goto out;
	}
	size_t told = 0;
	for (size_t i = 0; i < bsim_suite_count(suite); i++) {
		const bsim_scenario *sc = bsim_suite_at(suite, i);
		if (engine_set && bsim_scenario_engine(sc) != engine)
			continue;
		char *text = NULL;
		if ((rc = bsim_scenario_story(&text, sc, &so)) < 0) {
			if (rc == BSIM_EINVAL) {
				fprintf(stderr, "bsim explain: error: %s\n", bsim_error_last()->message);
				exit_code = CLI_EXIT_USAGE;
			} else {
				fprintf(stderr, "bsim explain: internal error: %s\n", bsim_error_last()->message);
				exit_code = CLI_EXIT_INTERNAL;
			}
			goto out;
		}
		if (told++ && !so.json)
			putchar('\n');
		fputs(text, stdout);
		free(text);
	}
	if (!told) {
		fprintf(stderr, "bsim explain: error: %s holds no scenario%s\n", path,
			engine_set ? " for that engine" : "");
		exit_code = CLI_EXIT_USAGE;
	}
out:
	bsim_suite_free(suite);
	return exit_code;
}
