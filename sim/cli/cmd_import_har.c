/*
 * cmd_import_har.c: `bsim import-har CAPTURE.har -o SCENARIO.xml`, a
 * customer's HAR capture turned into a scenario that replays it
 * (include/bsim/har.h; docs/har-import.md). Options and wiring only. The
 * scenario is written whole or not at all: a capture that does not read
 * leaves no output file, and an existing one is replaced atomically.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/har.h"
#include "cli/cli.h"
#include "scenario/scenario_internal.h"
#include "util/atomic_file.h"
#include "widgets/release.h"

void cmd_import_har_help(FILE *f)
{
	fputs("Usage: bsim import-har [OPTIONS] CAPTURE.har -o SCENARIO.xml\n"
	      "\n"
	      "Turns a HAR capture exported from a customer's browser (Chrome, Firefox or\n"
	      "Safari: network panel, \"Save all as HAR\") into a scenario that replays its\n"
	      "top-level navigations with the server's Set-Cookie headers, spaced as\n"
	      "captured, deploys bsim's chat widget model where the capture shows the widget\n"
	      "(it starts the chat where the customer did, writes its own cookies, and the\n"
	      "next page expects the chat restored), and expects the widget cookies the\n"
	      "customer's browser sent (or should have sent). Run the result with\n"
	      "'bsim run SCENARIO.xml': a failure names why the chat or its cookies were lost.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output FILE        the scenario to write (required)\n"
	      "  --engine NAME            chromium, firefox or safari (default: guessed from\n"
	      "                           the capture's creator, browser and User-Agent)\n"
	      "  --max-gap DURATION       cut longer pauses between navigations to this\n"
	      "                           (500ms, 2s, 10m, 1h, 1d; default: as captured)\n"
	      "  --widget-version V       9 (every 9.x build), 9.0.005 or 8.5: the widget\n"
	      "                           build (default: guessed from the script URL and\n"
	      "                           8.5's Domain=. signature, else 9)\n"
	      "  --no-widget              replay the widget's cookies as <cookie write> steps\n"
	      "                           instead of deploying the widget model\n"
	      "  --widget                 (default) deploy the widget model where the capture\n"
	      "                           shows the widget\n"
	      "  --closed-before PAGEREF  the customer closed the browser before this page\n"
	      "                           (\"page_3\"; a capture cannot record a restart)\n"
	      "  --session-restore        the customer's browser continues where it left off\n"
	      "  --name TEXT              the scenario's name (default: from the file and the\n"
	      "                           first page's title)\n"
	      "  --expect-failure CODE    mark the scenario as reproducing a bug that fails\n"
	      "                           with this trace code (cookie-refused:public-suffix)\n"
	      "  --redact                 (default) replace cookie values outside\n"
	      "                           _genesys.widgets.* with as many x's, drop query strings\n"
	      "  --no-redact              keep them (the scenario may then hold secrets)\n"
	      "  -h, --help               show this help\n"
	      "\n"
	      "A capture without any cookie data (Chrome 130 and later export that way unless\n"
	      "DevTools' \"Allow to generate HAR with sensitive data\" is on) still gives the\n"
	      "navigations, with a warning on stderr and in the scenario.\n"
	      "Exit status: 0 written (also with that warning), 2 usage error or a capture\n"
	      "that is not a HAR (FILE: error: JSON.PATH: ...; no file written), 3 internal\n"
	      "error. Details: docs/har-import.md.\n",
	      f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("bsim import-har: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nRun 'bsim import-har --help' for usage.\n", stderr);
	return CLI_EXIT_USAGE;
}

int cmd_import_har(int argc, char **argv)
{
	bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
	const char *capture = NULL, *output = NULL;
	bool options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		bool missing = false;
		if (options_done || a[0] != '-') {
			if (capture)
				return usage_error("expected one capture, got a second: \"%s\"", a);
			capture = a;
		} else if (strcmp(a, "--") == 0) {
			options_done = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_import_har_help(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(a, "--redact") == 0) {
			o.redact = 1;
		} else if (strcmp(a, "--no-redact") == 0) {
			o.redact = 0;
		} else if (strcmp(a, "--widget") == 0) {
			o.widget = 1;
		} else if (strcmp(a, "--no-widget") == 0) {
			o.widget = 0;
		} else if (strcmp(a, "--session-restore") == 0) {
			o.session_restore = 1;
		} else if ((v = cli_option_value(argc, argv, &i, "-o", &missing)) ||
			   (v = cli_option_value(argc, argv, &i, "--output", &missing))) {
			output = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--engine", &missing))) {
			bsim_engine e;
			if (bsim_engine_from_name(&e, v) < 0)
				return usage_error("%s", bsim_error_last()->message); /* the preset table says what was meant */
			o.engine = (int)e;
		} else if ((v = cli_option_value(argc, argv, &i, "--max-gap", &missing))) {
			/* A duration as the scenario language reads one (500ms, 2s, 10m, 1h, 1d; a bare number is seconds). */
			if (scenario_duration_parse(v, &o.max_gap_ms, NULL) < 0)
				return usage_error("--max-gap \"%s\": expected a duration such as 500ms, 2s, 10m, 1h or 1d",
						   v);
		} else if ((v = cli_option_value(argc, argv, &i, "--widget-version", &missing))) {
			if (!widget_version_of_release(v))
				return usage_error("--widget-version \"%s\": expected 9 (any 9.x), 9.0.005 or 8.5", v);
			o.widget_version = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--closed-before", &missing))) {
			o.closed_before = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--name", &missing))) {
			o.name = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--expect-failure", &missing))) {
			o.expect_failure = v;
		} else if (missing) {
			return usage_error("%s needs a value", a);
		} else {
			return usage_error("unknown option \"%s\"", a);
		}
	}
	if (!capture)
		return usage_error("%s", "expected a HAR capture to read");
	if (!output)
		return usage_error("%s", "expected -o SCENARIO.xml, the file to write");

	char *xml = NULL;
	size_t len = 0;
	bsim_har_summary sum;
	int rc = bsim_har_import_file(&xml, &len, &sum, capture, &o);
	if (rc == BSIM_ENOMEM) {
		fputs("bsim import-har: internal error: out of memory\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	if (rc < 0) {
		/* The message leads with FILE: error: and the JSON path. */
		fprintf(stderr, "%s\n", bsim_error_last()->message);
		return CLI_EXIT_USAGE;
	}
	if (sum.sanitized)
		fprintf(stderr,
			"bsim import-har: warning: %s holds no cookie data at all: %s.\n"
			"  Chrome 130 and later drop Cookie and Set-Cookie headers from exported HARs by default. To export\n"
			"  with cookies: DevTools > Settings (F1) > Preferences > Network > \"Allow to generate HAR with\n"
			"  sensitive data\", then in the Network panel \"Export HAR (with sensitive data)\". Firefox and\n"
			"  Safari: check that the exported requests show their Cookie headers (privacy settings and\n"
			"  extensions can strip them).\n"
			"  The scenario replays the navigations, and the widget's own writes where a chat started.\n",
			capture, sum.sanitized_how);
	rc = atomic_file_replace(output, xml, len, 0666, "write the scenario");
	free(xml);
	if (rc < 0) {
		fprintf(stderr, "bsim import-har: error: %s\n", bsim_error_last()->message);
		return CLI_EXIT_INTERNAL;
	}
	fprintf(stderr, "%s: %zu navigations, %zu widget cookie writes, %zu derived expectations; engine %s (%s)",
		output, sum.navigations, sum.widget_writes, sum.derived_expects, bsim_engine_name(sum.engine),
		sum.engine_guessed ? sum.engine_why : "--engine");
	if (sum.widget_model)
		fprintf(stderr, "; widget model %s, %zu chat start%s", sum.widget_version, sum.chat_starts,
			sum.chat_starts == 1 ? "" : "s");
	/* Which record of the requests' cookies the expectations came from. */
	if (sum.cookies_from_headers)
		fprintf(stderr, "; request cookies from %s Cookie headers (%zu requests with cookies[] empty)",
			sum.cookies_from_lists ? "cookies[] and" : "the", sum.cookies_from_headers);
	else if (sum.cookies_from_lists)
		fputs("; request cookies from cookies[]", stderr);
	fputc('\n', stderr);
	return CLI_EXIT_OK;
}
