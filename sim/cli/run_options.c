/*
 * run_options.c: reading the options of `bsim run`, `bsim check` and
 * `bsim list` (run_options.h), and their help texts. Each option group is
 * parsed by its own function and the command says which groups it takes,
 * so that an option of another group is refused with the command it
 * belongs to.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "bsim/browser.h"
#include "cli/run_options.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* An option parser's answer for an argument that is none of its options. */
#define NOT_MINE (-2)

/* ---- help ---------------------------------------------------------- */

static const char selection_help[] =
	"  FILE:LINE          as a PATH: only the scenario of FILE at or around LINE\n"
	"                     (the FILE:LINE every report and bsim list print)\n"
	"  --filter PATTERN   only scenarios whose name contains PATTERN, or, as\n"
	"                     tag:NAME, that carry the tag NAME (repeat the option:\n"
	"                     a scenario matching any of them is chosen)\n"
	"  --engine NAME      only the copies that run on chromium, firefox or safari\n"
	"  --shard I/N        only shard I of N (1-based): scenario files are split by\n"
	"                     a stable hash of their path, so each scenario lands in\n"
	"                     exactly one shard and every machine agrees on the split\n"
	"  --pass-with-no-scenarios\n"
	"                     choosing no scenario at all is not an error (it is,\n"
	"                     exit 1, so that a mistyped filter does not pass); an\n"
	"                     empty shard of a non-empty choice passes either way\n";

/* The file-access options, shared by run, check and list (what loads depends on them). */
static const char files_help[] =
	"  --allow-read DIR   let scenarios read files in DIR (repeatable); by default a\n"
	"                     scenario reads (<include>, <import>, <load-profile>,\n"
	"                     ca-file=) only in its own file's folder and below\n"
	"  --allow-write DIR  let scenarios write (and read) files in DIR (repeatable);\n"
	"                     by default <export> and <save-profile> write only in the\n"
	"                     scenario file's folder and below (docs/limits.md)\n";

void cmd_run_help(FILE *f)
{
	fputs("Usage: bsim run [OPTIONS] PATH...\n"
	      "\n"
	      "Runs scenario files (each PATH a file, or a directory searched recursively\n"
	      "for *.xml), each scenario once per engine, on a fresh simulated browser\n"
	      "with a virtual clock. Prints one line per scenario, each failure in full\n"
	      "(where, why, and the command that replays it), and last the line\n"
	      "\"N passed, N failed\" (\", N errored\" when a step could not run) with the\n"
	      "scenarios' summed run time.\n"
	      "\n"
	      "Choosing scenarios:\n",
	      f);
	fputs(selection_help, f);
	fputs("Files:\n", f);
	fputs(files_help, f);
	fputs("Running:\n"
	      "  --seed N           the random seed of every scenario (default: each\n"
	      "                     scenario's own seed attribute, else 1)\n"
	      "  --now TIME         start the virtual clock at this ISO 8601 instant in\n"
	      "                     scenarios that give no now= of their own (default\n"
	      "                     " CLI_DEFAULT_NOW_TEXT ")\n"
	      "  -j N, --jobs N     run N scenarios at a time (default 1); output and\n"
	      "                     reports keep the suite's order\n"
	      "  --fail-fast        stop at the first scenario that fails\n"
	      "  --live             fetch every navigation from a real HTTP(S) server\n"
	      "                     (hosts from the scenario's hosts file; a step with\n"
	      "                     <set-cookie> children or fetch=\"scripted\" stays scripted)\n"
	      "  --ca-file FILE     live HTTPS: trust the certificates in this PEM file\n"
	      "  --insecure         live HTTPS: accept any certificate (self-signed servers)\n"
	      "  --allow-redirect-host HOST[:PORT]\n"
	      "                     live: let a server redirect to HOST (at PORT, or any\n"
	      "                     port); otherwise a redirect reaches only names the\n"
	      "                     hosts file maps, at the port the navigation started on\n"
	      "Reporting:\n"
	      "  --trace            print the full trace of failing scenarios\n"
	      "  --trace=all        print the full trace of every scenario\n"
	      "  --junit FILE       also write a JUnit XML report (GitLab, Jenkins, GitHub)\n"
	      "  --junit-schema=jenkins\n"
	      "                     write the JUnit report valid against the Jenkins xunit\n"
	      "                     plugin's junit-10 schema (no file or line attributes)\n"
	      "  --json FILE        also write every result with its trace as JSON\n"
	      "                     (FILE - : the report on stdout, and the lines above\n"
	      "                     on stderr; one report at most, and not with --tap)\n"
	      "  --tap              print TAP version 14 instead of the lines above\n"
	      "  --no-timing        leave out elapsed times, for byte-identical output\n"
	      "  --color=WHEN       auto (default: on a terminal, unless NO_COLOR is set),\n"
	      "                     always or never\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Report files are written whole or not at all: a failed write leaves an\n"
	      "existing file as it was. A symbolic link is followed; a device or FIFO\n"
	      "(/dev/null, a named pipe) is written through, never replaced.\n"
	      "Formats: docs/report-formats.md.\n"
	      "Exit status: 0 every scenario passed, 1 some failed or none was chosen,\n"
	      "2 usage or input error (a scenario file that does not load: nothing is\n"
	      "run), 3 internal error.\n",
	      f);
}

void cmd_list_help(FILE *f)
{
	fputs("Usage: bsim list [OPTIONS] PATH...\n"
	      "\n"
	      "Loads scenario files and prints, one a line, the scenarios that\n"
	      "`bsim run` with the same options would run: FILE:LINE, name, engine and\n"
	      "tags, then how many there are. With --shard it shows what that shard of a\n"
	      "CI matrix runs.\n"
	      "\n"
	      "Options:\n",
	      f);
	fputs(selection_help, f);
	fputs(files_help, f);
	fputs("  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 listed, 1 none was chosen (as bsim run), 2 usage or input\n"
	      "error, 3 internal error.\n",
	      f);
}

void cmd_check_help(FILE *f)
{
	fputs("Usage: bsim check PATH...\n"
	      "\n"
	      "Loads and validates scenario files (each PATH a file, or a directory\n"
	      "searched recursively for *.xml) against the schema and the step rules,\n"
	      "without running them. Every error is printed as FILE:LINE:COL: error: ...\n"
	      "\n"
	      "Options:\n",
	      f);
	fputs(files_help, f);
	fputs("  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 every file is valid, 2 usage or input error, 3 internal error.\n",
	      f);
}

static void command_help(const char *command, FILE *f)
{
	if (strcmp(command, "run") == 0)
		cmd_run_help(f);
	else if (strcmp(command, "list") == 0)
		cmd_list_help(f);
	else
		cmd_check_help(f);
}

/* ---- options ------------------------------------------------------- */

/* Every option, by group, for "did you mean" (the parsers below are their definition). */
static const char *const select_option_names[] = {
	"--filter", "--engine", "--shard", "--pass-with-no-scenarios", "--help", NULL,
};
static const char *const run_option_names[] = {
	"--filter", "--engine", "--shard", "--pass-with-no-scenarios", "--help", "--seed", "--now", "--jobs",
	"--fail-fast", "--live", "--ca-file", "--insecure", "--trace", "--junit", "--junit-schema", "--json",
	"--tap", "--no-timing", "--color", NULL,
};
static const char *const check_option_names[] = {"--help", NULL};

static bool parse_shard(const char *s, unsigned *index, unsigned *count)
{
	const char *slash = strchr(s, '/');
	if (!slash || slash == s)
		return false;
	char left[32];
	size_t len = (size_t)(slash - s);
	if (len >= sizeof left)
		return false;
	memcpy(left, s, len);
	left[len] = '\0';
	uint64_t i, n;
	if (!cli_parse_u64(left, &i) || !cli_parse_u64(slash + 1, &n))
		return false;
	if (n < 1 || n > BSIM_SHARDS_MAX || i < 1 || i > n)
		return false;
	*index = (unsigned)i;
	*count = (unsigned)n;
	return true;
}

static int parse_jobs(options *opt, const char *v)
{
	uint64_t j;
	if (!cli_parse_u64(v, &j) || j < 1 || j > BSIM_JOBS_MAX)
		return cli_usage_error(opt->command, "-j expects a number of jobs from 1 to " STR(BSIM_JOBS_MAX) ", got \"%s\"", v);
	opt->jobs = (unsigned)j;
	return 0;
}

static int parse_filter(options *opt, const char *v)
{
	if (!*v || strcmp(v, "tag:") == 0)
		return cli_usage_error(opt->command, "--filter expects a name fragment or tag:NAME, got \"%s\"", v);
	opt->filters[opt->n_filters++] = v;
	return 0;
}

/* --allow-read DIR, --allow-write DIR: DIR must be a directory now (a typo would allow nothing). */
static int parse_allowed_dir(options *opt, const char *option, const char *v, const char **list, size_t *n)
{
	struct stat st;
	if (!*v || stat(v, &st) != 0 || !S_ISDIR(st.st_mode))
		return cli_usage_error(opt->command, "%s expects an existing directory, got \"%s\"", option, v);
	list[(*n)++] = v;
	return 0;
}

/* A report path that means stdout. */
bool run_options_is_stdout(const char *report_path)
{
	return report_path && strcmp(report_path, "-") == 0;
}

static bool listed(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/*
 * A PATH argument. One that names no file but ends in ":LINE" after an
 * existing file is FILE:LINE, as reports print it: FILE is loaded (once)
 * and only the scenario at or around LINE chosen (bsim_suite_select).
 */
static int add_path(options *opt, const char *a)
{
	struct stat st;
	const char *colon = strrchr(a, ':');
	uint64_t line;
	if (stat(a, &st) != 0 && colon && colon != a && cli_parse_u64(colon + 1, &line) && line >= 1 &&
	    line <= INT32_MAX) {
		char *file = strndup(a, (size_t)(colon - a));
		if (!file) {
			fprintf(stderr, "bsim %s: internal error: out of memory\n", opt->command);
			return CLI_EXIT_INTERNAL;
		}
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			opt->locs[opt->n_locs++] = (bsim_line_ref){file, (int)line};
			if (!listed(opt->paths, opt->n_paths, file))
				opt->paths[opt->n_paths++] = file;
			return 0;
		}
		free(file);
	}
	/* FILE:LINE and FILE: the whole file. */
	opt->whole[opt->n_whole++] = a;
	if (!listed(opt->paths, opt->n_paths, a))
		opt->paths[opt->n_paths++] = a;
	return 0;
}

/* --filter, --engine, --shard, --pass-with-no-scenarios: 0, an exit code, or NOT_MINE. */
static int select_option(options *opt, int argc, char **argv, int *i, bool *missing)
{
	const char *a = argv[*i], *v;
	if ((v = cli_option_value(argc, argv, i, "--filter", missing)))
		return parse_filter(opt, v);
	if ((v = cli_option_value(argc, argv, i, "--engine", missing))) {
		if (bsim_engine_from_name(&opt->engine, v) < 0)
			return cli_usage_error(opt->command, "%s", bsim_error_last()->message);
		opt->engine_set = true;
		return 0;
	}
	if (strcmp(a, "--pass-with-no-scenarios") == 0) {
		opt->pass_with_none = true;
		return 0;
	}
	if ((v = cli_option_value(argc, argv, i, "--shard", missing))) {
		if (!parse_shard(v, &opt->shard_index, &opt->shard_count))
			return cli_usage_error(opt->command, "--shard expects I/N with 1 <= I <= N <= " STR(BSIM_SHARDS_MAX)
					       " (e.g. 2/4), got \"%s\"", v);
		return 0;
	}
	return NOT_MINE;
}

/* --allow-read DIR, --allow-write DIR. */
static int files_option(options *opt, int argc, char **argv, int *i, bool *missing)
{
	const char *v;
	if ((v = cli_option_value(argc, argv, i, "--allow-read", missing)))
		return parse_allowed_dir(opt, "--allow-read", v, opt->allow_read, &opt->n_allow_read);
	if ((v = cli_option_value(argc, argv, i, "--allow-write", missing)))
		return parse_allowed_dir(opt, "--allow-write", v, opt->allow_write, &opt->n_allow_write);
	return NOT_MINE;
}

/* How `bsim run` runs: --seed, --now, -j, --fail-fast and the live options. */
static int running_option(options *opt, int argc, char **argv, int *i, bool *missing)
{
	const char *a = argv[*i], *v;
	int rc;
	if ((v = cli_option_value(argc, argv, i, "--seed", missing))) {
		if ((rc = cli_parse_seed(opt->command, v, &opt->seed)))
			return rc;
		opt->seed_set = true;
	} else if ((v = cli_option_value(argc, argv, i, "--now", missing))) {
		if ((rc = cli_parse_now(opt->command, v, &opt->now)))
			return rc;
		opt->now_set = true;
	} else if (strncmp(a, "-j", 2) == 0 && a[2] != '\0') {
		return parse_jobs(opt, a + 2);
	} else if ((v = cli_option_value(argc, argv, i, "-j", missing)) ||
		   (v = cli_option_value(argc, argv, i, "--jobs", missing))) {
		return parse_jobs(opt, v);
	} else if (strcmp(a, "--fail-fast") == 0) {
		opt->fail_fast = true;
	} else if (strcmp(a, "--live") == 0) {
		opt->live = true;
	} else if (strcmp(a, "--insecure") == 0) {
		opt->insecure = true;
	} else if ((v = cli_option_value(argc, argv, i, "--ca-file", missing))) {
		if ((rc = cli_parse_ca_file(opt->command, v)))
			return rc;
		opt->ca_file = v;
	} else if ((v = cli_option_value(argc, argv, i, "--allow-redirect-host", missing))) {
		if (bsim_live_redirect_entry_check(v) < 0)
			return cli_usage_error(opt->command, "--allow-redirect-host: %s", bsim_error_last()->message);
		opt->allow_redirect[opt->n_allow_redirect++] = v;
	} else {
		return NOT_MINE;
	}
	return 0;
}

/* The index of v among names (NULL-terminated), or -1. */
static int pick(const char *v, const char *const *names)
{
	for (int k = 0; names[k]; k++)
		if (strcmp(v, names[k]) == 0)
			return k;
	return -1;
}

/* What `bsim run` reports: --trace, --tap, --no-timing, --junit, --json, --color. */
static int reporting_option(options *opt, int argc, char **argv, int *i, bool *missing)
{
	const char *a = argv[*i], *v;
	if (strcmp(a, "--trace") == 0) {
		opt->trace = BSIM_TRACE_FAILING;
	} else if (strncmp(a, "--trace=", 8) == 0) {
		if (strcmp(a + 8, "all") == 0)
			opt->trace = BSIM_TRACE_ALL;
		else if (strcmp(a + 8, "failing") == 0)
			opt->trace = BSIM_TRACE_FAILING;
		else
			return cli_usage_error(opt->command, "--trace= expects all or failing, got \"%s\"", a + 8);
	} else if (strcmp(a, "--tap") == 0) {
		opt->tap = true;
	} else if (strcmp(a, "--no-timing") == 0) {
		opt->timing = false;
	} else if ((v = cli_option_value(argc, argv, i, "--junit-schema", missing))) {
		/* In the order of bsim_junit_schema. */
		static const char *const schemas[] = {"common", "jenkins", NULL};
		int k = pick(v, schemas);
		if (k < 0)
			return cli_usage_error(opt->command, "--junit-schema expects jenkins or common, got \"%s\"", v);
		opt->junit_schema = (bsim_junit_schema)k;
	} else if ((v = cli_option_value(argc, argv, i, "--junit", missing))) {
		opt->junit = v;
	} else if ((v = cli_option_value(argc, argv, i, "--json", missing))) {
		opt->json = v;
	} else if ((v = cli_option_value(argc, argv, i, "--color", missing))) {
		/* In the order of color_mode. */
		static const char *const modes[] = {"auto", "always", "never", NULL};
		int k = pick(v, modes);
		if (k < 0)
			return cli_usage_error(opt->command, "--color expects auto, always or never, got \"%s\"", v);
		opt->color = (color_mode)k;
	} else {
		return NOT_MINE;
	}
	return 0;
}

/* An option no group of the command took: say so, with the nearest spelling or the command it belongs to. */
static int unknown_option(const options *opt, const char *a, unsigned allowed)
{
	char hint[128];
	cli_option_hint(hint, sizeof hint, a,
			(allowed & OPT_RUN) ? run_option_names
			: (allowed & OPT_SELECT) ? select_option_names : check_option_names);
	for (size_t k = 0; !(allowed & OPT_RUN) && run_option_names[k]; k++) {
		size_t n = strlen(run_option_names[k]);
		if (strncmp(a, run_option_names[k], n) == 0 && (a[n] == '\0' || a[n] == '='))
			snprintf(hint, sizeof hint, "; %s is an option of bsim run", run_option_names[k]);
	}
	return cli_usage_error(opt->command, "unknown option \"%s\"%s", a, hint);
}

/* What no single option can check: a PATH at all, and one report at most on stdout. */
static int check_option_set(const options *opt)
{
	const char *command = opt->command;
	if (opt->n_paths == 0)
		return cli_usage_error(command, "%s", "expected at least one scenario file or directory");
	if ((opt->junit && !*opt->junit) || (opt->json && !*opt->json))
		return cli_usage_error(command, "%s", "--junit and --json expect a file name");
	/* stdout holds one report, alone: a second one, or TAP, would make it unreadable. */
	if (run_options_is_stdout(opt->junit) && run_options_is_stdout(opt->json))
		return cli_usage_error(command, "%s", "--junit - and --json - both ask for stdout; give one of them a file name");
	if (opt->tap && (run_options_is_stdout(opt->junit) || run_options_is_stdout(opt->json)))
		return cli_usage_error(command, "--tap prints its report on stdout, so %s - cannot go there too; give it a file name",
				       run_options_is_stdout(opt->junit) ? "--junit" : "--json");
	return 0;
}

/* Every argument could be a path or a filter: size each list for all of them. */
static int options_alloc(options *opt, int argc)
{
	size_t n = (size_t)argc + 1;
	opt->paths = calloc(n, sizeof *opt->paths);
	opt->whole = calloc(n, sizeof *opt->whole);
	opt->locs = calloc(n, sizeof *opt->locs);
	opt->filters = calloc(n, sizeof *opt->filters);
	opt->allow_read = calloc(n, sizeof *opt->allow_read);
	opt->allow_write = calloc(n, sizeof *opt->allow_write);
	opt->allow_redirect = calloc(n, sizeof *opt->allow_redirect);
	if (!opt->paths || !opt->whole || !opt->locs || !opt->filters || !opt->allow_read || !opt->allow_write ||
	    !opt->allow_redirect) {
		fprintf(stderr, "bsim %s: internal error: out of memory\n", opt->command);
		return CLI_EXIT_INTERNAL;
	}
	return 0;
}

int run_options_parse(options *opt, int argc, char **argv, unsigned allowed)
{
	int rc = options_alloc(opt, argc);
	bool options_done = false;
	for (int i = 1; i < argc && rc == 0; i++) {
		const char *a = argv[i];
		bool missing = false;
		if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
			rc = add_path(opt, a);
			continue;
		}
		if (strcmp(a, "--") == 0) {
			options_done = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			command_help(opt->command, stdout);
			return -1;
		}
		rc = NOT_MINE;
		if (allowed & OPT_SELECT)
			rc = select_option(opt, argc, argv, &i, &missing);
		if (rc == NOT_MINE && !missing && (allowed & OPT_FILES))
			rc = files_option(opt, argc, argv, &i, &missing);
		if (rc == NOT_MINE && !missing && (allowed & OPT_RUN))
			rc = running_option(opt, argc, argv, &i, &missing);
		if (rc == NOT_MINE && !missing && (allowed & OPT_RUN))
			rc = reporting_option(opt, argc, argv, &i, &missing);
		if (rc == NOT_MINE && missing)
			rc = cli_usage_error(opt->command, "%s needs a value", a);
		else if (rc == NOT_MINE)
			rc = unknown_option(opt, a, allowed);
	}
	return rc ? rc : check_option_set(opt);
}

void run_options_free(options *opt)
{
	for (size_t i = 0; i < opt->n_locs; i++)
		free((char *)opt->locs[i].file);
	free(opt->locs);
	free(opt->whole);
	free(opt->paths);
	free(opt->filters);
	free(opt->allow_read);
	free(opt->allow_write);
	free(opt->allow_redirect);
}

void run_options_init(options *opt, const char *command)
{
	*opt = (options){0};
	opt->command = command;
	opt->jobs = 1;
	opt->trace = BSIM_TRACE_NONE;
	opt->timing = true;
	opt->color = COLOR_AUTO;
}
