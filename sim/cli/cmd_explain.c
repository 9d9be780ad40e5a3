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

#include "bsim/scenario.h"
#include "cli/cli.h"

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

/* What the options say: the file, and how to load, run and tell it. */
typedef struct explain_options {
	const char *path;
	bsim_story_options so;
	bsim_run_options ro;
	bool engine_set;
	bsim_engine engine;
	const char *allow_read[EXPLAIN_MAX_ALLOWED], *allow_write[EXPLAIN_MAX_ALLOWED];
	bsim_load_options lo;
} explain_options;

/* Returns 0, -1 after --help, or an exit code after its message. */
static int parse_options(explain_options *o, int argc, char **argv)
{
	bsim_story_options so = BSIM_STORY_OPTIONS_INIT;
	bsim_run_options ro = BSIM_RUN_OPTIONS_INIT;
	bsim_load_options lo = BSIM_LOAD_OPTIONS_INIT;
	o->so = so;
	o->ro = ro;
	o->lo = lo;
	o->lo.allow_read = o->allow_read;
	o->lo.allow_write = o->allow_write;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing = false;
		int rc = 0;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_explain_help(stdout);
			return -1;
		} else if (a[0] != '-') {
			if (o->path)
				return cli_usage_error("explain", "expected one scenario file, got \"%s\" too", a);
			o->path = a;
		} else if ((v = cli_option_value(argc, argv, &i, "--at", &missing))) {
			if (!*v)
				return cli_usage_error("explain", "--at expects a step number or FILE:LINE");
			o->so.at = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--cookie", &missing))) {
			if (!*v)
				return cli_usage_error("explain", "--cookie expects a cookie name or a glob such as '*session*'");
			o->so.cookie_pattern = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--engine", &missing))) {
			if (bsim_engine_from_name(&o->engine, v) < 0)
				/* the preset table says what was meant */
				return cli_usage_error("explain", "%s", bsim_error_last()->message);
			o->engine_set = true;
		} else if ((v = cli_option_value(argc, argv, &i, "--seed", &missing))) {
			rc = cli_parse_seed("explain", v, &o->ro.seed);
			o->ro.seed_set = 1;
		} else if ((v = cli_option_value(argc, argv, &i, "--now", &missing))) {
			rc = cli_parse_now("explain", v, &o->ro.now);
			o->ro.now_set = 1;
		} else if ((v = cli_option_value(argc, argv, &i, "--ca-file", &missing))) {
			rc = cli_parse_ca_file("explain", v);
			o->ro.ca_file = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-read", &missing))) {
			if (o->lo.n_allow_read == EXPLAIN_MAX_ALLOWED)
				return cli_usage_error("explain", "--allow-read is given more than %s times", STR(EXPLAIN_MAX_ALLOWED));
			o->allow_read[o->lo.n_allow_read++] = v; /* checked by the load: a directory that exists */
		} else if ((v = cli_option_value(argc, argv, &i, "--allow-write", &missing))) {
			if (o->lo.n_allow_write == EXPLAIN_MAX_ALLOWED)
				return cli_usage_error("explain", "--allow-write is given more than %s times", STR(EXPLAIN_MAX_ALLOWED));
			o->allow_write[o->lo.n_allow_write++] = v;
		} else if (strcmp(a, "--json") == 0) {
			o->so.json = 1;
		} else if (strcmp(a, "--live") == 0) {
			o->ro.live = 1;
		} else if (strcmp(a, "--insecure") == 0) {
			o->ro.insecure = 1;
		} else if (missing) {
			return cli_usage_error("explain", "%s needs a value", a);
		} else {
			return cli_usage_error("explain", "unknown option \"%s\"", a);
		}
		if (rc)
			return rc;
	}
	if (!o->path)
		return cli_usage_error("explain", "expected a scenario file");
	o->so.run = &o->ro;
	return 0;
}

/* Tell the story of every chosen scenario of the loaded suite, one after another. */
static int tell(const explain_options *o, const bsim_suite *suite)
{
	bsim_select_options sel = BSIM_SELECT_OPTIONS_INIT;
	sel.engine_set = o->engine_set;
	sel.engine = o->engine;
	const bsim_scenario **chosen = NULL;
	size_t n = 0;
	if (bsim_suite_select(&chosen, &n, NULL, suite, &sel) < 0)
		return cli_internal_error("explain", NULL);
	int exit_code = CLI_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		char *text = NULL;
		int rc = bsim_scenario_story(&text, chosen[i], &o->so);
		if (rc < 0) {
			exit_code = rc == BSIM_EINVAL ? cli_error("explain", "%s", bsim_error_last()->message)
						      : cli_internal_error("explain", NULL);
			break;
		}
		if (i && !o->so.json)
			putchar('\n');
		fputs(text, stdout);
		free(text);
	}
	if (n == 0)
		exit_code = cli_error("explain", "%s holds no scenario%s", o->path, o->engine_set ? " for that engine" : "");
	free(chosen);
	return exit_code;
}

int cmd_explain(int argc, char **argv)
{
	explain_options o = {0};
	int rc = parse_options(&o, argc, argv);
	if (rc)
		return rc < 0 ? CLI_EXIT_OK : rc;
	bsim_suite *suite = NULL;
	const char *paths[] = {o.path};
	rc = bsim_suite_load_with(&suite, paths, 1, &o.lo);
	if (!suite && rc == BSIM_EINVAL)
		return cli_usage_error("explain", "%s", bsim_error_last()->message);
	if (!suite)
		return cli_internal_error("explain", NULL);
	size_t n_errors = bsim_suite_error_count(suite);
	if (n_errors || rc < 0) {
		for (size_t i = 0; i < n_errors; i++)
			cli_print_error("explain", bsim_suite_error_at(suite, i));
		if (!n_errors)
			cli_error("explain", "%s", bsim_error_last()->message);
		bsim_suite_free(suite);
		return CLI_EXIT_USAGE;
	}
	int exit_code = tell(&o, suite);
	bsim_suite_free(suite);
	return exit_code;
}
