/*
 * cmd_cookie.c: `bsim cookie`, the simulated browser on the command line.
 *
 * Reads an op file (scenario/read/ops.h), checks all of it, then replays
 * it as a scenario of the one runner on one simulated browser with a
 * virtual clock: cookies by URL through the browser's jar, and tabs, their
 * pages' storage and events, the hosts file, the session and profiles by
 * name; the ops reporter (report/ops.h) writes what happens. This file is
 * options and wiring only. All output is built in memory and written only
 * once the whole run succeeded, so a failure never leaves half a result on
 * stdout. The formats are documented in docs/cookie-command.md; the
 * real-browser oracle prints the same --json lines, so field names never
 * change.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/cookie.h"
#include "cli/cli.h"
#include "report/ops.h"
#include "scenario/read/ops.h"
#include "util/buf.h"
#include "util/timefmt.h"

/*
 * The default start of the virtual clock: 2015-01-01T00:00:00Z. Fixed,
 * never the wall clock, so that runs repeat; and inside the window the
 * public cookie suites assume (after 2007-08-07, before 2019-08-07).
 */
#define COOKIE_DEFAULT_NOW_MS INT64_C(1420070400000)

typedef struct options {
	bsim_engine engine;
	bsim_time now;
	bool explain;
	bool json;
	bool session_restore;
	const char *hosts;  /* --hosts FILE, or NULL */
	const char *path;   /* "-" for stdin */
} options;

void cmd_cookie_help(FILE *f)
{
	fputs("Usage: bsim cookie [OPTIONS] FILE\n"
	      "       bsim cookie [OPTIONS] -      (operations from standard input)\n"
	      "\n"
	      "Replays operations, one a line, on a simulated browser with a virtual clock\n"
	      "(its cookie jar, tabs, their pages' storage and events, the hosts file, the\n"
	      "session and profiles), and prints what the browser would do.\n"
	      "\n"
	      "Cookies, by URL:\n"
	      "  set URL VALUE      a response to a top-level navigation to URL carries the\n"
	      "                     header Set-Cookie: VALUE\n"
	      "  script URL STRING  a script on the page URL assigns STRING to document.cookie\n"
	      "  get URL            print the Cookie header a top-level GET to URL sends\n"
	      "                     (an empty line: no Cookie header)\n"
	      "  read URL           print what document.cookie returns on URL (empty line: none)\n"
	      "  wait SECONDS       advance the virtual clock\n"
	      "  close              close the browser: session cookies go (unless\n"
	      "                     --session-restore), and every tab with them\n"
	      "  dump               print the jar, one cookie a line, in creation order\n"
	      "Tabs, by a NAME the file gives them (letters, digits, _ and -):\n"
	      "  tab NAME [URL]               open a tab (blank, or loading URL) and focus it\n"
	      "  open NAME FROM URL [noopener]\n"
	      "                               window.open(URL) from the page in tab FROM\n"
	      "  navigate NAME URL            load URL in the tab\n"
	      "  reload NAME, back NAME, focus NAME, close-tab NAME\n"
	      "  respond URL VALUE            the next load of URL in a tab gets the header\n"
	      "                               Set-Cookie: VALUE\n"
	      "  read NAME                    print document.cookie of the tab's page\n"
	      "  script NAME STRING           the tab's page assigns STRING to document.cookie\n"
	      "  local NAME set KEY VALUE     localStorage.setItem on the tab's page; also\n"
	      "  local NAME get|remove KEY    getItem, removeItem, clear, length and\n"
	      "  local NAME clear|length      key INDEX; get and key print the value (an\n"
	      "  local NAME key INDEX         empty line for null)\n"
	      "  session NAME ...             the same on sessionStorage\n"
	      "  listen NAME                  print the storage, focus and blur events the\n"
	      "                               tab receives from then on\n"
	      "The browser:\n"
	      "  hosts IP NAME...   add a hosts-file line (then only the hosts file, localhost\n"
	      "                     and IP addresses resolve)\n"
	      "  restart            close the browser and start it again\n"
	      "  save FILE          save cookies and localStorage to an SQLite profile\n"
	      "  load FILE          replace them with a profile's\n"
	      "  import FILE        merge in a Playwright storageState JSON or a cookies.txt\n"
	      "  export FILE        write one: storageState to *.json, cookies.txt to *.txt\n"
	      "  trace              print every state change so far, with its code\n"
	      "VALUE and STRING are the rest of the line after the one space that follows\n"
	      "the URL, name or key, byte for byte (leading spaces count). Lines whose\n"
	      "first non-blank character is # are comments; blank lines are ignored.\n"
	      "\n"
	      "Options:\n"
	      "  --engine NAME      chromium (default), firefox or safari\n"
	      "  --now TIME         start of the virtual clock, ISO 8601\n"
	      "                     (default " CLI_DEFAULT_NOW_TEXT ")\n"
	      "  --hosts FILE       resolve host names through this hosts file (else every\n"
	      "                     name resolves, unless the op file has hosts lines)\n"
	      "  --session-restore  the browser continues where it left off: close and\n"
	      "                     restart keep tabs, sessionStorage and session cookies\n"
	      "  --explain          also print each refusal, eviction and expiry of a cookie\n"
	      "                     and each refused storage write, with its reason code,\n"
	      "                     where it happens among the outputs\n"
	      "  --json             print one JSON object a line instead of text\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "The whole input is checked before anything runs: a bad line is reported as\n"
	      "FILE:LINE: error: ... on stderr and nothing is printed on stdout. A profile\n"
	      "or import file that is corrupt, foreign or too new stops the run the same\n"
	      "way, and is left as it was.\n"
	      "Exit status: 0 success, 2 usage or input error, 3 internal error.\n"
	      "Formats: docs/cookie-command.md.\n",
	      f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("bsim cookie: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nRun 'bsim cookie --help' for usage.\n", stderr);
	return CLI_EXIT_USAGE;
}

static int internal_error(const char *what)
{
	const bsim_error *e = bsim_error_last();
	fprintf(stderr, "bsim cookie: internal error: %s: %s\n", what,
		*e->message ? e->message : "out of memory");
	return CLI_EXIT_INTERNAL;
}

static int parse_options(options *opt, int argc, char **argv)
{
	*opt = (options){BSIM_ENGINE_CHROMIUM, COOKIE_DEFAULT_NOW_MS, false, false, false, NULL, NULL};
	bool options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool missing = false;
		const char *v;
		if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
			if (opt->path)
				return usage_error("expected one op file, got a second: \"%s\"", a);
			opt->path = a;
		} else if (strcmp(a, "--") == 0) {
			options_done = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_cookie_help(stdout);
			return -1;
		} else if (strcmp(a, "--explain") == 0) {
			opt->explain = true;
		} else if (strcmp(a, "--json") == 0) {
			opt->json = true;
		} else if (strcmp(a, "--session-restore") == 0) {
			opt->session_restore = true;
		} else if ((v = cli_option_value(argc, argv, &i, "--hosts", &missing))) {
			opt->hosts = v;
		} else if ((v = cli_option_value(argc, argv, &i, "--engine", &missing))) {
			if (bsim_engine_from_name(&opt->engine, v) < 0)
				return usage_error("%s", bsim_error_last()->message); /* the preset table says what was meant */
		} else if ((v = cli_option_value(argc, argv, &i, "--now", &missing))) {
			int64_t ms;
			if (!time_parse_instant(v, &ms))
				return usage_error("--now \"%s\" is not an ISO 8601 instant up to year 9999; "
						   "write e.g. " CLI_DEFAULT_NOW_TEXT, v);
			opt->now = ms;
		} else if (missing) {
			return usage_error("%s needs a value", a);
		} else {
			return usage_error("unknown option \"%s\"", a);
		}
	}
	if (!opt->path)
		return usage_error("%s", "expected an op file (or - for standard input)");
	return 0;
}

/* Read and check the op file; a bad file is told on stderr. Returns a CLI exit code. */
static int read_ops(cookie_op_list *ops, const options *opt, const char *file)
{
	bool from_stdin = strcmp(opt->path, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(opt->path, "rb");
	if (!f) {
		fprintf(stderr, "bsim cookie: error: cannot open \"%s\": %s\n", opt->path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	int rc = cookie_ops_read(ops, f, file);
	if (!from_stdin)
		fclose(f);
	cookie_ops_config check = {opt->engine, opt->now, opt->session_restore};
	if (rc == 0)
		rc = cookie_ops_parse(ops, file, &check);
	if (rc == 0)
		return CLI_EXIT_OK;
	if (!ops->n_diags)
		return internal_error("reading the op file");
	buf diag = BUF_INIT;
	ops_diag_render(&diag, ops, file);
	fputs(buf_cstr(&diag), stderr);
	buf_free(&diag);
	return CLI_EXIT_USAGE;
}

/* Run the checked ops with the reporter listening. Returns a CLI exit code. */
static int run_ops(const cookie_op_list *ops, const options *opt, const char *file)
{
	ops_report_options ro = {file, opt->json, opt->explain};
	ops_reporter *rep = NULL;
	ops_program *prog = NULL;
	bsim_result *result = NULL;
	int exit_code = CLI_EXIT_OK;
	if (ops_reporter_new(&rep, &ro) < 0)
		return internal_error("starting the run");
	ops_run_config config = {file, opt->engine, opt->now, opt->session_restore, opt->hosts,
				 ops_reporter_listener(rep)};
	if (ops_program_new(&prog, ops, &config) < 0 ||
	    bsim_scenario_run(&result, ops_program_scenario(prog), NULL) < 0) {
		exit_code = internal_error("running the op file");
		goto out;
	}
	ops_report_status status = ops_reporter_status(rep);
	if (status == OPS_REPORT_OK && bsim_result_outcome(result) != BSIM_PASSED) {
		/* A step stopped the run without telling the reporter: bsim's own failure. */
		fprintf(stderr, "bsim cookie: internal error: %s\n", bsim_result_message(result));
		exit_code = CLI_EXIT_INTERNAL;
	} else if (status != OPS_REPORT_OK) {
		fputs(buf_cstr(ops_reporter_errors(rep)), stderr);
		exit_code = status == OPS_REPORT_INPUT_ERROR ? CLI_EXIT_USAGE : CLI_EXIT_INTERNAL;
	} else {
		const buf *out = ops_reporter_output(rep);
		if (out->len && fwrite(out->ptr, 1, out->len, stdout) != out->len) {
			fprintf(stderr, "bsim cookie: error: could not write the output: %s\n", strerror(errno));
			exit_code = CLI_EXIT_INTERNAL;
		}
	}
out:
	bsim_result_free(result);
	ops_program_free(prog);
	ops_reporter_free(rep);
	return exit_code;
}

int cmd_cookie(int argc, char **argv)
{
	options opt;
	int rc = parse_options(&opt, argc, argv);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;
	const char *file = strcmp(opt.path, "-") == 0 ? "<stdin>" : opt.path;
	cookie_op_list ops = COOKIE_OP_LIST_INIT;
	int exit_code = read_ops(&ops, &opt, file);
	if (exit_code != CLI_EXIT_OK)
		goto out;
	/* The same words as for the op file: which file, and the system's reason. */
	if (opt.hosts) {
		FILE *h = fopen(opt.hosts, "rb");
		if (!h) {
			fprintf(stderr, "bsim cookie: error: cannot open hosts file \"%s\": %s\n", opt.hosts,
				strerror(errno));
			exit_code = CLI_EXIT_USAGE;
			goto out;
		}
		fclose(h);
	}
	exit_code = run_ops(&ops, &opt, file);
out:
	cookie_op_list_free(&ops);
	return exit_code;
}
