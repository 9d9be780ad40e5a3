/*
 * cmd_run.c: `bsim run`, `bsim check` and `bsim list`, the scenario
 * runner's front door, as CI calls it on every commit.
 *
 * All three load every PATH first (files, or directories searched for
 * *.xml) and report every load error as FILE:LINE:COL: error: ... before
 * anything runs. `run` then runs the chosen scenarios, on -j threads, and
 * reports them in suite order whatever order they finish in, so that the
 * same files, seed and options print the same bytes (--no-timing drops the
 * only thing that varies, elapsed times). A shard is chosen by a stable
 * hash of the scenario file's path, so every machine of a CI matrix agrees
 * on the split without talking to the others, and all the scenarios of one
 * file (which share fragments and setup) land on the same machine.
 *
 * This file is options and wiring only; the loader and runner are in
 * sim/scenario/, the reporters in sim/report/.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsim/report.h"
#include "bsim/scenario.h"
#include "cli/cli.h"
#include "cli/cmd_run.h"
#include "cli/run_pool.h"
#include "report/report_util.h"
#include "util/atomic_file.h"
#include "util/timefmt.h"

/* More threads than this only queue for the same cores; it also bounds a typo such as -j 1000000. */
#define RUN_MAX_JOBS 256
/* More shards than this is a typo, not a CI matrix (GitLab's `parallel:` stops at 200). */
#define RUN_MAX_SHARDS 10000
#define STR_(x) #x
#define STR(x) STR_(x)

/* FNV-1a, 64 bits (the offset basis and prime of draft-eastlake-fnv): stable across machines and releases. */
#define FNV1A_OFFSET UINT64_C(14695981039346656037)
#define FNV1A_PRIME UINT64_C(1099511628211)

/* Which options a command takes. */
enum {
	OPT_SELECT = 1,  /* --filter, --engine, --shard */
	OPT_RUN = 2,     /* everything else of `bsim run` */
	OPT_FILES = 4    /* --allow-read, --allow-write: they change what loads */
};

typedef enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_mode;

/* A FILE:LINE argument: the scenario at or around that line of FILE. */
typedef struct run_location {
	char *file;  /* owned */
	int line;
} run_location;

typedef struct options {
	const char *command;     /* "run", "check", "list" */
	const char **paths;      /* what to load: PATH arguments, and the FILE of each FILE:LINE once */
	size_t n_paths;
	bool *plain;             /* plain[i]: paths[i] was given as a PATH, so all its scenarios are chosen */
	run_location *locs;      /* FILE:LINE arguments */
	size_t n_locs;
	bool pass_with_none;     /* --pass-with-no-scenarios: choosing nothing is not an error */
	const char **filters;    /* any one matching selects a scenario */
	size_t n_filters;
	const char **allow_read; /* directories scenarios may read besides their own folder */
	size_t n_allow_read;
	const char **allow_write;
	size_t n_allow_write;
	bool engine_set;
	bsim_engine engine;
	bool seed_set;
	uint64_t seed;
	bool now_set;            /* --now: the clock's start of scenarios that give no now= */
	int64_t now;
	unsigned shard_index;    /* 1-based; 0: no sharding */
	unsigned shard_count;
	unsigned jobs;
	bsim_trace_mode trace;
	bool fail_fast;
	bool live;               /* --live: fetch navigations from real servers */
	const char *ca_file;
	bool insecure;
	const char **allow_redirect; /* --allow-redirect-host: live redirect targets beyond the hosts file */
	size_t n_allow_redirect;
	bool tap;
	bool timing;
	const char *junit;
	const char *json;
	bsim_junit_schema junit_schema;
	color_mode color;
} options;

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

/* Every option, by group, for "did you mean" (the parser below is their definition). */
static const char *const select_option_names[] = {
	"--filter", "--engine", "--shard", "--pass-with-no-scenarios", "--help", NULL,
};
static const char *const run_option_names[] = {
	"--filter", "--engine", "--shard", "--pass-with-no-scenarios", "--help", "--seed", "--now", "--jobs",
	"--fail-fast", "--live", "--ca-file", "--insecure", "--trace", "--junit", "--junit-schema", "--json",
	"--tap", "--no-timing", "--color", NULL,
};
static const char *const check_option_names[] = {"--help", NULL};

static int usage_error(const char *command, const char *fmt, const char *arg)
{
	fprintf(stderr, "bsim %s: error: ", command);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nRun 'bsim %s --help' for usage.\n", command);
	return CLI_EXIT_USAGE;
}

static int internal_error(const char *command, const char *what)
{
	const bsim_error *e = bsim_error_last();
	fprintf(stderr, "bsim %s: internal error: %s: %s\n", command, what,
		*e->message ? e->message : "out of memory");
	return CLI_EXIT_INTERNAL;
}

/* A decimal number without sign, spaces or excess: what a person means by N. */
static bool parse_u64(const char *s, uint64_t *out)
{
	if (!*s)
		return false;
	uint64_t v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

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
	if (!parse_u64(left, &i) || !parse_u64(slash + 1, &n))
		return false;
	if (n < 1 || n > RUN_MAX_SHARDS || i < 1 || i > n)
		return false;
	*index = (unsigned)i;
	*count = (unsigned)n;
	return true;
}

static int parse_jobs(options *opt, const char *v)
{
	uint64_t j;
	if (!parse_u64(v, &j) || j < 1 || j > RUN_MAX_JOBS)
		return usage_error(opt->command, "-j expects a number of jobs from 1 to " STR(RUN_MAX_JOBS) ", got \"%s\"", v);
	opt->jobs = (unsigned)j;
	return 0;
}

static int parse_filter(options *opt, const char *v)
{
	if (!*v || strcmp(v, "tag:") == 0)
		return usage_error(opt->command, "--filter expects a name fragment or tag:NAME, got \"%s\"", v);
	opt->filters[opt->n_filters++] = v;
	return 0;
}

/* --allow-read DIR, --allow-write DIR: DIR must be a directory now (a typo would allow nothing). */
static int parse_allowed_dir(options *opt, const char *option, const char *v, const char **list, size_t *n)
{
	struct stat st;
	if (!*v || stat(v, &st) != 0 || !S_ISDIR(st.st_mode)) {
		char fmt[128];
		snprintf(fmt, sizeof fmt, "%s expects an existing directory, got \"%%s\"", option);
		return usage_error(opt->command, fmt, v);
	}
	list[(*n)++] = v;
	return 0;
}

/* A report path that means stdout. */
static bool is_stdout(const char *report_path)
{
	return report_path && strcmp(report_path, "-") == 0;
}

/*
 * A PATH argument. One that names no file but ends in ":LINE" after an
 * existing file is FILE:LINE, as reports print it: FILE is loaded (once)
 * and only the scenario at or around LINE chosen (choose()).
 */
static int add_path(options *opt, const char *a)
{
	struct stat st;
	const char *colon = strrchr(a, ':');
	uint64_t line;
	if (stat(a, &st) != 0 && colon && colon != a && parse_u64(colon + 1, &line) && line >= 1 && line <= INT32_MAX) {
		char *file = strndup(a, (size_t)(colon - a));
		if (!file) {
			fprintf(stderr, "bsim %s: internal error: out of memory\n", opt->command);
			return CLI_EXIT_INTERNAL;
		}
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			opt->locs[opt->n_locs++] = (run_location){file, (int)line};
			for (size_t i = 0; i < opt->n_paths; i++)
				if (strcmp(opt->paths[i], file) == 0)
					return 0;
			opt->paths[opt->n_paths++] = file;
			return 0;
		}
		free(file);
	}
	for (size_t i = 0; i < opt->n_paths; i++) {
		if (strcmp(opt->paths[i], a) == 0) {
			opt->plain[i] = true; /* FILE:LINE and FILE: the whole file */
			return 0;
		}
	}
	opt->plain[opt->n_paths] = true;
	opt->paths[opt->n_paths++] = a;
	return 0;
}

/*
 * Fill opt from argv; allowed says which option groups the command takes.
 * Returns 0, CLI_EXIT_USAGE after a message, or -1 when help was printed.
 */
static int parse_options(options *opt, int argc, char **argv, unsigned allowed)
{
	const char *command = opt->command;
	/* Every argument could be a path or a filter: size both lists for all of them. */
	opt->paths = calloc((size_t)argc + 1, sizeof *opt->paths);
	opt->plain = calloc((size_t)argc + 1, sizeof *opt->plain);
	opt->locs = calloc((size_t)argc + 1, sizeof *opt->locs);
	opt->filters = calloc((size_t)argc + 1, sizeof *opt->filters);
	opt->allow_read = calloc((size_t)argc + 1, sizeof *opt->allow_read);
	opt->allow_write = calloc((size_t)argc + 1, sizeof *opt->allow_write);
	opt->allow_redirect = calloc((size_t)argc + 1, sizeof *opt->allow_redirect);
	if (!opt->paths || !opt->plain || !opt->locs || !opt->filters || !opt->allow_read || !opt->allow_write ||
	    !opt->allow_redirect) {
		fprintf(stderr, "bsim %s: internal error: out of memory\n", command);
		return CLI_EXIT_INTERNAL;
	}
	bool options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool missing = false;
		const char *v;
		int rc = 0;
		if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
			rc = add_path(opt, a);
		} else if (strcmp(a, "--") == 0) {
			options_done = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			command_help(command, stdout);
			return -1;
		} else if ((allowed & OPT_SELECT) && (v = cli_option_value(argc, argv, &i, "--filter", &missing))) {
			rc = parse_filter(opt, v);
		} else if ((allowed & OPT_SELECT) && (v = cli_option_value(argc, argv, &i, "--engine", &missing))) {
			if (bsim_engine_from_name(&opt->engine, v) < 0)
				return usage_error(command, "%s", bsim_error_last()->message);
			opt->engine_set = true;
		} else if ((allowed & OPT_SELECT) && strcmp(a, "--pass-with-no-scenarios") == 0) {
			opt->pass_with_none = true;
		} else if ((allowed & OPT_SELECT) && (v = cli_option_value(argc, argv, &i, "--shard", &missing))) {
			if (!parse_shard(v, &opt->shard_index, &opt->shard_count))
				return usage_error(command,
						   "--shard expects I/N with 1 <= I <= N <= " STR(RUN_MAX_SHARDS)
						   " (e.g. 2/4), got \"%s\"", v);
		} else if ((allowed & OPT_FILES) && (v = cli_option_value(argc, argv, &i, "--allow-read", &missing))) {
			rc = parse_allowed_dir(opt, "--allow-read", v, opt->allow_read, &opt->n_allow_read);
		} else if ((allowed & OPT_FILES) && (v = cli_option_value(argc, argv, &i, "--allow-write", &missing))) {
			rc = parse_allowed_dir(opt, "--allow-write", v, opt->allow_write, &opt->n_allow_write);
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "--seed", &missing))) {
			if (!parse_u64(v, &opt->seed))
				return usage_error(command, "--seed expects a number from 0 to 18446744073709551615, got \"%s\"", v);
			opt->seed_set = true;
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "--now", &missing))) {
			if (!time_parse_instant(v, &opt->now))
				return usage_error(command,
						   "--now \"%s\" is not an ISO 8601 instant with its zone, up to year 9999; "
						   "write e.g. " CLI_DEFAULT_NOW_TEXT " or 2024-03-31T03:30:00+02:00", v);
			opt->now_set = true;
		} else if ((allowed & OPT_RUN) && strncmp(a, "-j", 2) == 0 && a[2] != '\0') {
			rc = parse_jobs(opt, a + 2);
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "-j", &missing))) {
			rc = parse_jobs(opt, v);
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "--jobs", &missing))) {
			rc = parse_jobs(opt, v);
		} else if ((allowed & OPT_RUN) && strcmp(a, "--trace") == 0) {
			opt->trace = BSIM_TRACE_FAILING;
		} else if ((allowed & OPT_RUN) && strncmp(a, "--trace=", 8) == 0) {
			if (strcmp(a + 8, "all") == 0)
				opt->trace = BSIM_TRACE_ALL;
			else if (strcmp(a + 8, "failing") == 0)
				opt->trace = BSIM_TRACE_FAILING;
			else
				return usage_error(command, "--trace= expects all or failing, got \"%s\"", a + 8);
		} else if ((allowed & OPT_RUN) && strcmp(a, "--fail-fast") == 0) {
			opt->fail_fast = true;
		} else if ((allowed & OPT_RUN) && strcmp(a, "--live") == 0) {
			opt->live = true;
		} else if ((allowed & OPT_RUN) && strcmp(a, "--insecure") == 0) {
			opt->insecure = true;
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "--ca-file", &missing))) {
			if (!*v || access(v, R_OK) != 0)
				return usage_error(command, "--ca-file expects a readable PEM file, got \"%s\"", v);
			opt->ca_file = v;
		} else if ((allowed & OPT_RUN) &&
			   (v = cli_option_value(argc, argv, &i, "--allow-redirect-host", &missing))) {
			if (bsim_live_redirect_entry_check(v) < 0)
				return usage_error(command, "--allow-redirect-host: %s", bsim_error_last()->message);
			opt->allow_redirect[opt->n_allow_redirect++] = v;
		} else if ((allowed & OPT_RUN) && strcmp(a, "--tap") == 0) {
			opt->tap = true;
		} else if ((allowed & OPT_RUN) && strcmp(a, "--no-timing") == 0) {
			opt->timing = false;
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "--junit-schema", &missing))) {
			if (strcmp(v, "jenkins") == 0)
				opt->junit_schema = BSIM_JUNIT_JENKINS;
			else if (strcmp(v, "common") == 0)
				opt->junit_schema = BSIM_JUNIT_COMMON;
			else
				return usage_error(command, "--junit-schema expects jenkins or common, got \"%s\"", v);
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "--junit", &missing))) {
			opt->junit = v;
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "--json", &missing))) {
			opt->json = v;
		} else if ((allowed & OPT_RUN) && (v = cli_option_value(argc, argv, &i, "--color", &missing))) {
			if (strcmp(v, "auto") == 0)
				opt->color = COLOR_AUTO;
			else if (strcmp(v, "always") == 0)
				opt->color = COLOR_ALWAYS;
			else if (strcmp(v, "never") == 0)
				opt->color = COLOR_NEVER;
			else
				return usage_error(command, "--color expects auto, always or never, got \"%s\"", v);
		} else if (missing) {
			return usage_error(command, "%s needs a value", a);
		} else {
			char hint[128];
			cli_option_hint(hint, sizeof hint, a,
					(allowed & OPT_RUN) ? run_option_names
					: (allowed & OPT_SELECT) ? select_option_names : check_option_names);
			for (size_t k = 0; !(allowed & OPT_RUN) && run_option_names[k]; k++)
				if (strncmp(a, run_option_names[k], strlen(run_option_names[k])) == 0 &&
				    (a[strlen(run_option_names[k])] == '\0' || a[strlen(run_option_names[k])] == '='))
					snprintf(hint, sizeof hint, "; %s is an option of bsim run", run_option_names[k]);
			fprintf(stderr, "bsim %s: error: unknown option \"%s\"%s\nRun 'bsim %s --help' for usage.\n", command,
				a, hint, command);
			return CLI_EXIT_USAGE;
		}
		if (rc)
			return rc;
	}
	if (opt->n_paths == 0)
		return usage_error(command, "%s", "expected at least one scenario file or directory");
	if ((opt->junit && !*opt->junit) || (opt->json && !*opt->json))
		return usage_error(command, "%s", "--junit and --json expect a file name");
	/* stdout holds one report, alone: a second one, or TAP, would make it unreadable. */
	if (is_stdout(opt->junit) && is_stdout(opt->json))
		return usage_error(command, "%s", "--junit - and --json - both ask for stdout; give one of them a file name");
	if (opt->tap && (is_stdout(opt->junit) || is_stdout(opt->json)))
		return usage_error(command, "--tap prints its report on stdout, so %s - cannot go there too; give it a file name",
				   is_stdout(opt->junit) ? "--junit" : "--json");
	return 0;
}

static void options_free(options *opt)
{
	for (size_t i = 0; i < opt->n_locs; i++)
		free(opt->locs[i].file);
	free(opt->locs);
	free(opt->plain);
	free(opt->paths);
	free(opt->filters);
	free(opt->allow_read);
	free(opt->allow_write);
	free(opt->allow_redirect);
}

/*
 * A report file must be creatable where it is asked for: say so before
 * running anything, not after a long run whose report is then lost.
 */
static int check_report_path(const char *command, const char *option, const char *path)
{
	struct stat st;
	if (is_stdout(path))
		return 0;
	/* A link, device or FIFO: the writer follows or writes through it, and says what it cannot do. */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
		goto probe;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "bsim %s: error: %s %s: is a directory; expected a file name\n", command, option,
			path);
		return CLI_EXIT_USAGE;
	}
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir) {
		fprintf(stderr, "bsim %s: internal error: out of memory\n", command);
		return CLI_EXIT_INTERNAL;
	}
	int rc = 0;
	if (stat(dir, &st) != 0) {
		fprintf(stderr, "bsim %s: error: %s %s: the directory %s does not exist\n", command, option, path,
			dir);
		rc = CLI_EXIT_USAGE;
	} else if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "bsim %s: error: %s %s: %s is not a directory\n", command, option, path, dir);
		rc = CLI_EXIT_USAGE;
	} else if (access(dir, W_OK) != 0) {
		fprintf(stderr, "bsim %s: error: %s %s: cannot write into %s: %s\n", command, option, path, dir,
			strerror(errno));
		rc = CLI_EXIT_USAGE;
	}
	free(dir);
	if (rc)
		return rc;
probe:
	/* Root passes access(); only creating a file tells (/proc refuses one even to root). */
	if (atomic_file_probe(path, "write report") < 0) {
		fprintf(stderr, "bsim %s: error: %s: %s\n", command, option, bsim_error_last()->message);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* ---- loading and choosing ------------------------------------------ */

/*
 * "FILE:LINE:COL: error: WHAT". The loader's messages already lead with
 * their location (FILE:LINE:COL: or FILE:); "error: " goes after it, once.
 */
void cli_print_load_error(const char *command, const bsim_error *e)
{
	char head[4200];
	if (!e->file) {
		fprintf(stderr, "bsim %s: error: %s\n", command, e->message);
		return;
	}
	if (e->line > 0 && e->column > 0)
		snprintf(head, sizeof head, "%s:%d:%d: ", e->file, e->line, e->column);
	else if (e->line > 0)
		snprintf(head, sizeof head, "%s:%d: ", e->file, e->line);
	else
		snprintf(head, sizeof head, "%s: ", e->file);
	const char *what = e->message;
	size_t n = strlen(head);
	if (strncmp(what, head, n) == 0)
		what += n;
	fprintf(stderr, "%serror: %s\n", head, what);
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
	if (!suite && rc == BSIM_EINVAL) {
		fprintf(stderr, "bsim %s: error: %s\n", opt->command, bsim_error_last()->message);
		return CLI_EXIT_USAGE;
	}
	if (!suite)
		return internal_error(opt->command, "loading the scenario files");
	size_t n_errors = bsim_suite_error_count(suite);
	if (rc < 0 && n_errors == 0) {
		int code = internal_error(opt->command, "loading the scenario files");
		bsim_suite_free(suite);
		return code;
	}
	if (n_errors) {
		for (size_t i = 0; i < n_errors; i++)
			cli_print_load_error(opt->command, bsim_suite_error_at(suite, i));
		bsim_suite_free(suite);
		return CLI_EXIT_USAGE;
	}
	*out = suite;
	return 0;
}

/*
 * The shard hash: FNV-1a over the path as given, less any leading "./" and
 * with runs of '/' read as one, so `./scenarios//a.xml` and
 * `scenarios/a.xml` land in the same shard.
 */
static uint64_t shard_hash(const char *path)
{
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (*path == '/')
			path++;
	}
	uint64_t h = FNV1A_OFFSET;
	for (const char *p = path; *p; p++) {
		if (*p == '/' && p[1] == '/')
			continue;
		h ^= (unsigned char)*p;
		h *= FNV1A_PRIME;
	}
	return h;
}

static bool filter_matches(const bsim_scenario *sc, const char *filter)
{
	if (strncmp(filter, "tag:", 4) == 0) {
		size_t n = bsim_scenario_tag_count(sc);
		for (size_t i = 0; i < n; i++)
			if (strcmp(bsim_scenario_tag(sc, i), filter + 4) == 0)
				return true;
		return false;
	}
	return strstr(bsim_scenario_name(sc), filter) != NULL;
}

static bool contains_line(const bsim_scenario *sc, int line)
{
	return line >= bsim_scenario_line(sc) && line <= bsim_scenario_end_line(sc);
}

/* A scenario of a file named only as FILE:LINE is chosen when it holds one of those lines. */
static bool location_matches(const options *opt, const bsim_scenario *sc)
{
	const char *file = bsim_scenario_file(sc);
	bool named = false;
	for (size_t i = 0; i < opt->n_locs; i++) {
		if (strcmp(opt->locs[i].file, file) != 0)
			continue;
		if (contains_line(sc, opt->locs[i].line))
			return true;
		named = true;
	}
	if (!named)
		return true;
	for (size_t i = 0; i < opt->n_paths; i++)
		if (opt->plain[i] && strcmp(opt->paths[i], file) == 0)
			return true;
	return false;
}

/* Chosen before sharding: by FILE:LINE, --engine and --filter. */
static bool selected_unsharded(const options *opt, const bsim_scenario *sc)
{
	if (opt->engine_set && bsim_scenario_engine(sc) != opt->engine)
		return false;
	if (opt->n_locs && !location_matches(opt, sc))
		return false;
	if (opt->n_filters == 0)
		return true;
	for (size_t i = 0; i < opt->n_filters; i++)
		if (filter_matches(sc, opt->filters[i]))
			return true;
	return false;
}

static bool in_shard(const options *opt, const bsim_scenario *sc)
{
	return !opt->shard_count ||
	       shard_hash(bsim_scenario_file(sc)) % opt->shard_count == (uint64_t)(opt->shard_index - 1);
}

/*
 * Every FILE:LINE must fall in a scenario of FILE: a line between scenarios
 * (or past the last) is refused, naming the lines that would do.
 */
static int check_locations(const options *opt, const bsim_suite *suite)
{
	size_t total = bsim_suite_count(suite);
	int rc = 0;
	for (size_t k = 0; k < opt->n_locs; k++) {
		const run_location *loc = &opt->locs[k];
		char spans[512] = "";
		size_t used = 0;
		int last_line = 0;
		bool found = false;
		for (size_t i = 0; i < total && !found; i++) {
			const bsim_scenario *sc = bsim_suite_at(suite, i);
			if (strcmp(bsim_scenario_file(sc), loc->file) != 0)
				continue;
			found = contains_line(sc, loc->line);
			/* The copies of one scenario (one per engine) share its lines: name them once. */
			if (bsim_scenario_line(sc) == last_line || used >= sizeof spans - 32)
				continue;
			last_line = bsim_scenario_line(sc);
			used += (size_t)snprintf(spans + used, sizeof spans - used, "%s%d-%d", used ? ", " : "",
						 bsim_scenario_line(sc), bsim_scenario_end_line(sc));
		}
		if (found)
			continue;
		if (used)
			fprintf(stderr, "%s:%d: error: no scenario there; the scenarios of %s are on lines %s\n", loc->file,
				loc->line, loc->file, spans);
		else
			fprintf(stderr, "%s:%d: error: %s holds no scenario\n", loc->file, loc->line, loc->file);
		rc = CLI_EXIT_USAGE;
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
	size_t total = bsim_suite_count(suite);
	const bsim_scenario **chosen = calloc(total ? total : 1, sizeof *chosen);
	if (!chosen) {
		fprintf(stderr, "bsim %s: internal error: out of memory\n", opt->command);
		return CLI_EXIT_INTERNAL;
	}
	size_t n = 0;
	*unsharded = 0;
	for (size_t i = 0; i < total; i++) {
		const bsim_scenario *sc = bsim_suite_at(suite, i);
		if (!selected_unsharded(opt, sc))
			continue;
		++*unsharded;
		if (in_shard(opt, sc))
			chosen[n++] = sc;
	}
	*out = chosen;
	*n_out = n;
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
		fprintf(stderr, "bsim run: error: %s\n", bsim_error_last()->message);
		exit_code = CLI_EXIT_INTERNAL;
	}
	if (opt->json && bsim_report_json(opt->json, results, n, rep) < 0) {
		fprintf(stderr, "bsim run: error: %s\n", bsim_error_last()->message);
		exit_code = CLI_EXIT_INTERNAL;
	}
	return exit_code;
}

/*
 * Run the chosen scenarios and report them. Results are printed, in
 * order, as they come in; with --fail-fast the run stops after the first
 * scenario (in suite order) that did not pass, and only that prefix is
 * reported, whatever -j ran meanwhile.
 */
static int run_and_report(const options *opt, const bsim_scenario **chosen, size_t n)
{
	int exit_code = CLI_EXIT_OK;
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
	FILE *log = is_stdout(opt->junit) || is_stdout(opt->json) ? stderr : stdout;
	bsim_report_options rep = BSIM_REPORT_OPTIONS_INIT;
	rep.color = use_color(opt->color, log);
	rep.timing = opt->timing;
	rep.trace = opt->trace;
	rep.junit_schema = opt->junit_schema;

	run_pool *pool = NULL;
	bsim_result **results = calloc(n ? n : 1, sizeof *results);
	if (!results || run_pool_start(&pool, (const bsim_scenario *const *)chosen, n, opt->jobs, &run_opts) < 0) {
		free(results);
		fputs("bsim run: internal error: out of memory\n", stderr);
		return CLI_EXIT_INTERNAL;
	}
	size_t reported = 0, run_count = 0;
	bool stopped_early = false;
	for (size_t i = 0; i < n; i++) {
		if (run_pool_take(pool, i, &results[i]) < 0) {
			fprintf(stderr, "bsim run: internal error: running %s:%d: %s\n", bsim_scenario_file(chosen[i]),
				bsim_scenario_line(chosen[i]), bsim_error_last()->message);
			exit_code = CLI_EXIT_INTERNAL;
			break;
		}
		reported = run_count = i + 1;
		bool passed = bsim_result_outcome(results[i]) == BSIM_PASSED;
		if (!passed)
			exit_code = CLI_EXIT_FAILED;
		if (!opt->tap && bsim_report_progress(log, results[i], i + 1, n, &rep) < 0) {
			exit_code = internal_error("run", "writing the progress line");
			break;
		}
		if (!passed && opt->fail_fast) {
			stopped_early = i + 1 < n;
			break;
		}
	}
	/* Whatever -j started beyond the stopping point is waited for and dropped. */
	run_pool_free(pool);
	if (exit_code == CLI_EXIT_INTERNAL)
		goto out;
	/* The scenarios not run are reported as skipped, so that every report lists the whole selection. */
	for (size_t i = reported; stopped_early && i < n; i++) {
		if (bsim_result_skipped(&results[i], chosen[i], "not run: the run stopped at the first failure (--fail-fast)") < 0) {
			exit_code = internal_error("run", "reporting the scenarios not run");
			goto out;
		}
	}
	if (stopped_early)
		reported = n;

	const bsim_result *const *done = (const bsim_result *const *)results;
	if (opt->tap) {
		if (bsim_report_tap(stdout, done, reported, &rep) < 0) {
			exit_code = internal_error("run", "writing the TAP report");
			goto out;
		}
	} else {
		if (stopped_early)
			fprintf(log, "\nstopped at the first failure (--fail-fast): %zu of %zu scenarios not run\n",
				n - run_count, n);
		if (bsim_report_summary(log, done, reported, &rep) < 0) {
			exit_code = internal_error("run", "writing the summary");
			goto out;
		}
	}
	/* Reports last: one that cannot be written fails the run, but what ran is on stdout already. */
	int rc = write_reports(opt, done, reported, &rep);
	if (rc)
		exit_code = rc;
out:
	for (size_t i = 0; i < n; i++)
		bsim_result_free(results[i]);
	free(results);
	return exit_code;
}

/* ---- the commands -------------------------------------------------- */

static void options_init(options *opt, const char *command)
{
	*opt = (options){0};
	opt->command = command;
	opt->jobs = 1;
	opt->trace = BSIM_TRACE_NONE;
	opt->timing = true;
	opt->color = COLOR_AUTO;
}

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
	options_init(&opt, "run");
	bsim_suite *suite = NULL;
	const bsim_scenario **chosen = NULL;
	size_t n = 0;
	int rc = parse_options(&opt, argc, argv, OPT_SELECT | OPT_RUN | OPT_FILES);
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
	options_free(&opt);
	return rc < 0 ? CLI_EXIT_OK : rc;
}

int cmd_check(int argc, char **argv)
{
	options opt;
	options_init(&opt, "check");
	bsim_suite *suite = NULL;
	int rc = parse_options(&opt, argc, argv, OPT_FILES);
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
	options_free(&opt);
	return rc < 0 ? CLI_EXIT_OK : rc;
}

/* Text from a scenario file on one line of the listing, escaped as the terminal report does. */
static void print_clean(const char *s)
{
	buf b = BUF_INIT;
	report_put_terminal_text(&b, s, strlen(s), 0);
	if (buf_status(&b) == 0)
		fwrite(b.ptr ? b.ptr : "", 1, b.len, stdout);
	buf_free(&b);
}

int cmd_list(int argc, char **argv)
{
	options opt;
	options_init(&opt, "list");
	bsim_suite *suite = NULL;
	const bsim_scenario **chosen = NULL;
	size_t n = 0;
	int rc = parse_options(&opt, argc, argv, OPT_SELECT | OPT_FILES);
	if (rc)
		goto out;
	size_t unsharded;
	if ((rc = load(&opt, &suite)) || (rc = check_locations(&opt, suite)) ||
	    (rc = choose(&opt, suite, &chosen, &n, &unsharded)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const bsim_scenario *sc = chosen[i];
		print_clean(bsim_scenario_file(sc));
		printf(":%d  ", bsim_scenario_line(sc));
		print_clean(bsim_scenario_name(sc));
		printf(" [%s]", bsim_engine_name(bsim_scenario_engine(sc)));
		size_t n_tags = bsim_scenario_tag_count(sc);
		for (size_t t = 0; t < n_tags; t++) {
			fputs(t ? " " : "  tags: ", stdout);
			print_clean(bsim_scenario_tag(sc, t));
		}
		putchar('\n');
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
	options_free(&opt);
	return rc < 0 ? CLI_EXIT_OK : rc;
}
