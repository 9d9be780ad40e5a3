/*
 * test_cli_run.c: `bsim run`, `bsim check` and `bsim list`, end to end.
 *
 * Every test runs the real binary on the scenario files under
 * tests/scenario/report/ (run/: every outcome; shard/: eight small files
 * for sharding and -j; bad/: load errors; all-pass.xml), on
 * tests/scenario/now/ (where the clock starts: now=, --now), or on the bundled
 * scenarios/ that ./run runs, and checks the exit
 * code, stdout and stderr separately, as a CI log shows them. Whole
 * outputs are compared with golden files under tests/cli/golden/run/; after
 * a deliberate change of format, rerun with BSIM_UPDATE_GOLDEN=1 to rewrite
 * them and review the diff. Tests run from the source root so that file
 * names read as a person types them.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "golden.h"
#include "support.h"

#define REPORT "tests/scenario/report/"
#define RUN_DIR REPORT "run"
#define SHARD_DIR REPORT "shard"
#define BAD_DIR REPORT "bad"
#define ALL_PASS REPORT "all-pass.xml"
#define NOW_DIR "tests/scenario/now"
#define GOLDEN(name) "tests/cli/golden/run/" name

/* Scenarios (one per engine copy) under SHARD_DIR: 8 files of 3. */
#define SHARD_SCENARIOS 24

static support_run run_argv(const char *const *argv)
{
	support_to_source_root();
	return support_run_argv(argv);
}

#define RUN(...) (support_to_source_root(), SUPPORT_RUN(__VA_ARGS__))

/* A usage or input error: exit 2, nothing on stdout (nothing ran), stderr containing `err`. */
static void assert_usage(const support_run *r, const char *err)
{
	support_assert_exit(r, 2);
	cr_expect_str_eq(r->out, "", "something was printed on stdout:\n%s", r->out);
	cr_expect(strstr(r->err, err), "stderr lacks \"%s\":\n%s", err, r->err);
}

/* A fresh directory under /tmp, removed after the test (the suite's .fini); static storage. */
static const char *temp_dir(void)
{
	const char *dir = support_temp_dir("cli-run");
	cr_assert(dir, "cannot make a scratch directory");
	return dir;
}

TestSuite(cli_run, .fini = support_temp_dirs_remove);

static const char *last_line(const char *text)
{
	size_t len = strlen(text);
	cr_assert(len > 0 && text[len - 1] == '\n', "no final newline:\n%s", text);
	const char *p = text + len - 1;
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

/* ---- the command table and help ------------------------------------- */

Test(cli_run, bsim_help_lists_the_scenario_commands)
{
	support_run r = RUN("help");
	support_assert_exit(&r, 0);
	cr_expect(strstr(r.out, "\n  run "), "%s", r.out);
	cr_expect(strstr(r.out, "\n  check "), "%s", r.out);
	cr_expect(strstr(r.out, "\n  list "), "%s", r.out);
	support_run_free(&r);
}

Test(cli_run, help_is_the_same_both_ways_and_names_every_option)
{
	static const struct {
		const char *command;
		const char *needles[20];
	} cases[] = {
		{"run",
		 {"Usage: bsim run [OPTIONS] PATH...", "--filter PATTERN", "tag:NAME", "--engine NAME", "--seed N",
		  "--now TIME", "--shard I/N", "-j N", "--trace", "--trace=all", "--fail-fast", "--junit FILE", "--tap",
		  "--json FILE", "--no-timing", "--color=WHEN", "NO_COLOR", "--allow-read DIR", "--allow-write DIR"}},
		{"list",
		 {"Usage: bsim list [OPTIONS] PATH...", "--filter PATTERN", "--engine NAME", "--shard I/N", "--allow-read DIR",
		  "--allow-write DIR"}},
		{"check", {"Usage: bsim check PATH...", "without running", "--allow-read DIR", "--allow-write DIR"}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		support_run a = RUN("help", cases[i].command);
		support_run b = RUN(cases[i].command, "--help");
		support_run c = RUN(cases[i].command, "-h");
		support_assert_exit(&a, 0);
		support_assert_exit(&b, 0);
		support_assert_exit(&c, 0);
		cr_expect_str_eq(a.out, b.out);
		cr_expect_str_eq(a.out, c.out);
		for (size_t k = 0; k < 20 && cases[i].needles[k]; k++)
			cr_expect(strstr(a.out, cases[i].needles[k]), "%s help lacks %s", cases[i].command,
				  cases[i].needles[k]);
		support_run_free(&a);
		support_run_free(&b);
		support_run_free(&c);
	}
}

/* ---- run: outputs, pinned by golden files ---------------------------- */

Test(cli_run, run_prints_progress_failures_in_full_and_the_counts)
{
	support_run r = RUN("run", "--no-timing", RUN_DIR);
	support_assert_exit(&r, 1);
	cr_expect_str_eq(r.err, "");
	assert_golden(GOLDEN("run.out"), r.out);
	cr_expect_str_eq(last_line(r.out), "4 passed, 2 failed, 1 errored\n");
	support_run_free(&r);
}

Test(cli_run, run_with_trace_adds_the_trace_of_failures)
{
	support_run r = RUN("run", "--no-timing", "--trace", RUN_DIR "/fail.xml");
	support_assert_exit(&r, 1);
	assert_golden(GOLDEN("trace.out"), r.out);
	support_run_free(&r);
}

Test(cli_run, run_with_trace_all_prints_every_trace)
{
	support_run r = RUN("run", "--no-timing", "--trace=all", ALL_PASS);
	support_assert_exit(&r, 0);
	assert_golden(GOLDEN("trace-all.out"), r.out);
	cr_expect_str_eq(last_line(r.out), "3 passed, 0 failed\n");
	support_run_free(&r);
}

Test(cli_run, run_tap_prints_tap_14_instead_of_the_terminal_lines)
{
	support_run r = RUN("run", "--tap", RUN_DIR);
	support_assert_exit(&r, 1);
	cr_expect_str_eq(r.err, "");
	assert_golden(GOLDEN("run.tap"), r.out);
	cr_expect(strncmp(r.out, "TAP version 14\n1..7\n", 20) == 0);
	cr_expect_null(strstr(r.out, "[1/7]"));
	support_run_free(&r);
}

Test(cli_run, run_writes_junit_and_json_reports)
{
	const char *dir = temp_dir();
	char junit[128], json[128];
	snprintf(junit, sizeof junit, "%s/junit.xml", dir);
	snprintf(json, sizeof json, "%s/report.json", dir);
	support_run r = RUN("run", "--no-timing", "--junit", junit, "--json", json, RUN_DIR);
	support_assert_exit(&r, 1);
	cr_expect_str_eq(r.err, "");
	char *x = support_slurp(junit), *j = support_slurp(json);
	assert_golden(GOLDEN("run.junit.xml"), x);
	assert_golden(GOLDEN("run.json"), j);
	cr_expect_eq(support_entries(dir), 2, "no temporary file is left");
	free(x);
	free(j);
	support_run_free(&r);
}

/* --junit - and --json -: stdout holds the report alone, byte for byte the file's; the log goes to stderr. */
Test(cli_run, a_report_to_stdout_keeps_stdout_to_itself)
{
	const char *dir = temp_dir();
	static const char *const options[] = {"--junit", "--json"};
	for (size_t i = 0; i < 2; i++) {
		char file[128];
		snprintf(file, sizeof file, "%s/report-%zu", dir, i);
		support_run f = RUN("run", "--no-timing", options[i], file, RUN_DIR);
		support_run s = RUN("run", "--no-timing", options[i], "-", RUN_DIR);
		support_assert_exit(&s, 1);
		char *want = support_slurp(file);
		cr_expect_str_eq(s.out, want, "%s -", options[i]);
		cr_expect_str_eq(s.err, f.out, "%s -: the lines and summary go to stderr", options[i]);
		free(want);
		support_run_free(&f);
		support_run_free(&s);
	}
	/* stdout holds one report at most; TAP is one. */
	support_run both = RUN("run", "--junit", "-", "--json=-", ALL_PASS);
	assert_usage(&both, "bsim run: error: --junit - and --json - both ask for stdout; give one of them a file name");
	support_run tap = RUN("run", "--tap", "--junit", "-", ALL_PASS);
	assert_usage(&tap, "bsim run: error: --tap prints its report on stdout, so --junit - cannot go there too; give it "
			   "a file name");
	support_run_free(&both);
	support_run_free(&tap);
}

/* The folder rule from the command line: refused by run and check alike, permitted by --allow-write. */
Test(cli_run, a_scenario_writes_outside_its_folder_only_with_allow_write)
{
	const char *dir = temp_dir();
	char sub[128], file[160], victim[160];
	snprintf(sub, sizeof sub, "%s/s", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(file, sizeof file, "%s/w.xml", sub);
	snprintf(victim, sizeof victim, "%s/state.json", dir);
	FILE *f = fopen(file, "w");
	cr_assert(f);
	fputs("<scenario name=\"w\">\n  <tab name=\"a\" url=\"https://www.shop.com/\"/>\n"
	      "  <cookie tab=\"a\" write=\"chat=1\"/>\n  <export file=\"../state.json\"/>\n</scenario>\n",
	      f);
	fclose(f);
	char want[1400];
	char real[256];
	cr_assert(realpath(dir, real));
	snprintf(want, sizeof want,
		 "%s:4:3: error: <export file=\"../state.json\"> writes outside the scenario's folder %s (it leads to "
		 "%s/state.json); bsim run --allow-write %s to permit it\n",
		 file, sub, real, real);
	static const char *const commands[] = {"run", "check", "list"};
	for (size_t i = 0; i < 3; i++) {
		support_run r = RUN(commands[i], file);
		assert_usage(&r, want);
		cr_expect_str_eq(r.err, want, "%s", commands[i]);
		support_run_free(&r);
	}
	cr_expect_eq(access(victim, F_OK), -1, "the file was written");
	support_run ok = RUN("run", "--no-timing", "--allow-write", dir, file);
	support_assert_exit(&ok, 0);
	char *text = support_slurp(victim);
	cr_expect(strstr(text, "\"name\": \"chat\""), "%s", text);
	free(text);
	support_run bad = RUN("check", "--allow-write", "no/such/dir", file);
	assert_usage(&bad, "bsim check: error: --allow-write expects an existing directory, got \"no/such/dir\"");
	support_run_free(&ok);
	support_run_free(&bad);
}

Test(cli_run, timing_is_shown_unless_no_timing)
{
	support_run r = RUN("run", ALL_PASS);
	support_assert_exit(&r, 0);
	const char *last = last_line(r.out);
	cr_expect(strncmp(last, "3 passed, 0 failed in ", 22) == 0, "%s", last);
	cr_expect(strstr(r.out, "[1/3] PASS  " ALL_PASS ":3  storage survives a wait [chromium]  "), "%s", r.out);
	support_run_free(&r);
}

/* ---- exit codes ------------------------------------------------------ */

Test(cli_run, exit_codes_say_passed_failed_input_error)
{
	static const struct {
		const char *path;
		int code;
	} cases[] = {
		{ALL_PASS, 0},
		{RUN_DIR "/pass.xml", 0},
		{RUN_DIR "/xfail.xml", 0},
		{RUN_DIR "/fail.xml", 1},
		{RUN_DIR "/error.xml", 1},
		{RUN_DIR, 1},
		{BAD_DIR, 2},
		{REPORT "no-such-file.xml", 2},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		support_run r = RUN("run", "--no-timing", cases[i].path);
		cr_expect_eq(r.status, cases[i].code, "%s: exit %d, want %d\n%s%s", cases[i].path, r.status,
			     cases[i].code, r.out, r.err);
		support_run_free(&r);
	}
}

/* ---- load errors ----------------------------------------------------- */

Test(cli_run, load_errors_are_listed_with_their_location_and_nothing_runs)
{
	support_run r = RUN("run", ALL_PASS, BAD_DIR);
	support_assert_exit(&r, 2);
	cr_expect_str_eq(r.out, "", "nothing runs when a file does not load:\n%s", r.out);
	assert_golden(GOLDEN("load-errors.err"), r.err);
	cr_expect(strstr(r.err, BAD_DIR "/broken.xml:"), "%s", r.err);
	cr_expect(strstr(r.err, BAD_DIR "/unknown-step.xml:5:"), "%s", r.err);
	/* Every line is FILE:LINE:COL: error: ... */
	for (const char *line = r.err; *line;) {
		const char *nl = strchr(line, '\n');
		cr_assert(nl);
		cr_expect(strncmp(line, BAD_DIR "/", strlen(BAD_DIR) + 1) == 0 && strstr(line, ": error: ") &&
				  strstr(line, ": error: ") < nl,
			  "not FILE:LINE:COL: error: %.*s", (int)(nl - line), line);
		line = nl + 1;
	}
	support_run_free(&r);

	/* check and list say the same, the same way. */
	static const char *const commands[] = {"check", "list"};
	for (size_t i = 0; i < 2; i++) {
		support_run c = RUN(commands[i], ALL_PASS, BAD_DIR);
		support_assert_exit(&c, 2);
		cr_expect_str_eq(c.out, "");
		assert_golden(GOLDEN("load-errors.err"), c.err);
		support_run_free(&c);
	}
}

Test(cli_run, check_validates_without_running)
{
	support_run r = RUN("check", RUN_DIR, SHARD_DIR);
	support_assert_exit(&r, 0);
	cr_expect_str_eq(r.out, "31 scenarios in 13 files: no errors\n");
	cr_expect_str_eq(r.err, "");
	support_run_free(&r);
}

/* ---- usage errors ---------------------------------------------------- */

Test(cli_run, usage_errors_say_what_is_wrong_and_run_nothing)
{
	static const struct {
		const char *argv[6];
		const char *err;
	} cases[] = {
		{{"run", NULL}, "bsim run: error: expected at least one scenario file or directory"},
		{{"run", "--bogus", ALL_PASS, NULL}, "bsim run: error: unknown option \"--bogus\""},
		{{"run", "--shard", "0/2", ALL_PASS, NULL}, "--shard expects I/N"},
		{{"run", "--shard", "3/2", ALL_PASS, NULL}, "--shard expects I/N"},
		{{"run", "--shard", "1/0", ALL_PASS, NULL}, "--shard expects I/N"},
		{{"run", "--shard", "1", ALL_PASS, NULL}, "--shard expects I/N"},
		{{"run", "--shard=a/b", ALL_PASS, NULL}, "--shard expects I/N"},
		{{"run", "--shard", "1/10001", ALL_PASS, NULL}, "--shard expects I/N"},
		{{"run", "-j", "0", ALL_PASS, NULL}, "-j expects a number of jobs from 1 to 256"},
		{{"run", "-j257", ALL_PASS, NULL}, "-j expects a number of jobs from 1 to 256"},
		{{"run", "--jobs=x", ALL_PASS, NULL}, "-j expects a number of jobs"},
		{{"run", "--seed", "-1", ALL_PASS, NULL}, "--seed expects a number"},
		{{"run", "--seed", "18446744073709551616", ALL_PASS, NULL}, "--seed expects a number"},
		{{"run", "--engine", "opera", ALL_PASS, NULL}, "unknown engine \"opera\""},
		{{"run", "--now", "tomorrow", ALL_PASS, NULL},
		 "bsim run: error: --now \"tomorrow\" is not an ISO 8601 instant with its zone, up to year 9999; write e.g. "
		 "2015-01-01T00:00:00Z or 2024-03-31T03:30:00+02:00"},
		{{"run", "--now=2024-06-01T12:00:00", ALL_PASS, NULL}, "--now \"2024-06-01T12:00:00\" is not an ISO 8601 instant"},
		{{"run", "--now", "+010000-01-01T00:00:00Z", ALL_PASS, NULL}, "up to year 9999"},
		{{"run", ALL_PASS, "--now", NULL}, "bsim run: error: --now needs a value"},
		{{"list", "--now", "2024-06-01", ALL_PASS, NULL}, "bsim list: error: unknown option \"--now\""},
		{{"run", "--color=sometimes", ALL_PASS, NULL}, "--color expects auto, always or never"},
		{{"run", "--trace=some", ALL_PASS, NULL}, "--trace= expects all or failing"},
		{{"run", "--filter", "", ALL_PASS, NULL}, "--filter expects a name fragment or tag:NAME"},
		{{"run", "--filter", "tag:", ALL_PASS, NULL}, "--filter expects"},
		{{"run", ALL_PASS, "--junit", NULL}, "bsim run: error: --junit needs a value"},
		{{"run", "--junit", "/no-such-dir/junit.xml", ALL_PASS, NULL}, "the directory /no-such-dir does not exist"},
		{{"run", "--json", "/tmp", ALL_PASS, NULL}, "is a directory"},
		{{"list", "--junit", "x.xml", ALL_PASS, NULL}, "bsim list: error: unknown option \"--junit\""},
		{{"list", "-j", "2", ALL_PASS, NULL}, "bsim list: error: unknown option \"-j\""},
		{{"check", "--filter", "x", ALL_PASS, NULL}, "bsim check: error: unknown option \"--filter\""},
		{{"check", NULL}, "bsim check: error: expected at least one scenario file or directory"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		support_run r = run_argv(cases[i].argv);
		cr_expect_eq(r.status, 2, "case %zu: exit %d\n%s", i, r.status, r.err);
		cr_expect_str_eq(r.out, "", "case %zu printed on stdout", i);
		cr_expect(strstr(r.err, cases[i].err), "case %zu: stderr lacks \"%s\":\n%s", i, cases[i].err, r.err);
		cr_expect(strstr(r.err, "--help' for usage.") || strstr(r.err, "--junit ") || strstr(r.err, "--json "),
			  "case %zu: no pointer to --help:\n%s", i, r.err);
		support_run_free(&r);
	}
}

/* ---- choosing scenarios ---------------------------------------------- */

Test(cli_run, filter_matches_a_name_fragment_or_a_tag_and_repeats_as_or)
{
	static const struct {
		const char *argv[8];
		int lines;      /* scenarios listed */
	} cases[] = {
		{{"list", "--filter", "shard 3", SHARD_DIR, NULL}, 3},
		{{"list", "--filter", "second", SHARD_DIR, NULL}, 8},
		{{"list", "--filter", "tag:psl", RUN_DIR, NULL}, 2},
		{{"list", "--filter", "tag:smoke", "--filter", "tag:bug", RUN_DIR, NULL}, 3},
		{{"list", "--filter", "tag:sm", "--pass-with-no-scenarios", RUN_DIR, NULL}, 0},  /* a tag matches whole */
		{{"list", "--engine", "safari", SHARD_DIR, NULL}, 8},
		{{"list", "--engine", "firefox", RUN_DIR, NULL}, 1},
		{{"list", "--engine", "chromium", "--filter", "first", SHARD_DIR, NULL}, 8},
		{{"list", "--filter", "no such scenario", "--pass-with-no-scenarios", SHARD_DIR, NULL}, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		support_run r = run_argv(cases[i].argv);
		support_assert_exit(&r, 0);
		cr_expect_eq(support_count_lines(r.out) - 1, cases[i].lines, "case %zu:\n%s", i, r.out);
		support_run_free(&r);
	}
	support_run r = RUN("run", "--no-timing", "--filter", "tag:psl", RUN_DIR);
	support_assert_exit(&r, 1);
	cr_expect_str_eq(last_line(r.out), "1 passed, 1 failed\n");
	support_run_free(&r);
}

/*
 * Choosing nothing fails, as in Playwright and pytest: a mistyped filter, an
 * engine no file runs, a folder without scenarios. One line says why;
 * --pass-with-no-scenarios accepts it; `bsim list` agrees with `bsim run`.
 */
Test(cli_run, a_selection_that_leaves_nothing_fails_in_one_line_unless_allowed)
{
	static const struct {
		const char *argv[8];
		const char *err;
	} cases[] = {
		{{"run", "--no-timing", "--filter", "nomatch", SHARD_DIR, NULL},
		 "bsim run: error: none of the 24 scenarios loaded matches the selection; --pass-with-no-scenarios accepts an empty run\n"},
		{{"run", "--no-timing", "--engine", "firefox", SHARD_DIR "/file1.xml", NULL},
		 "bsim run: error: none of the 3 scenarios loaded matches the selection; --pass-with-no-scenarios accepts an empty run\n"},
		/* A typo in a sharded CI matrix fails every shard, not only the ones that would have run something. */
		{{"run", "--no-timing", "--filter", "nomatch", "--shard", "1/2", SHARD_DIR, NULL},
		 "bsim run: error: none of the 24 scenarios loaded matches the selection; --pass-with-no-scenarios accepts an empty run\n"},
		{{"list", "--filter", "nomatch", SHARD_DIR, NULL},
		 "bsim list: error: none of the 24 scenarios loaded matches the selection; --pass-with-no-scenarios accepts an empty run\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		support_run r = run_argv(cases[i].argv);
		support_assert_exit(&r, 1);
		cr_expect_str_eq(r.err, cases[i].err, "case %zu", i);
		if (strcmp(cases[i].argv[0], "run") == 0)
			cr_expect_str_eq(r.out, "", "case %zu: nothing ran", i);
		support_run_free(&r);
	}
	support_run r = RUN("run", "--no-timing", "--filter", "nomatch", "--pass-with-no-scenarios", SHARD_DIR);
	support_assert_exit(&r, 0);
	cr_expect_str_eq(r.out, "\n0 passed, 0 failed\n");
	cr_expect_str_eq(r.err, "bsim run: note: none of the 24 scenarios loaded matches the selection\n");
	support_run_free(&r);
}

/* An empty shard of a non-empty choice is a matrix wider than the suite's files: it passes, and says so. */
Test(cli_run, an_empty_shard_of_a_non_empty_choice_passes_with_a_note)
{
	support_run r = RUN("run", "--no-timing", "--shard", "13/13", SHARD_DIR);
	support_assert_exit(&r, 0);
	cr_expect_str_eq(r.out, "\n0 passed, 0 failed\n");
	cr_expect_str_eq(r.err, "bsim run: note: shard 13/13 is empty; the other shards run the 24 scenarios chosen\n");
	support_run_free(&r);
	r = RUN("list", "--shard", "13/13", SHARD_DIR);
	support_assert_exit(&r, 0);
	cr_expect_str_eq(r.out, "0 of 24 scenarios in shard 13/13\n");
	support_run_free(&r);
}

Test(cli_run, list_shows_location_name_engine_and_tags)
{
	support_run r = RUN("list", RUN_DIR, ALL_PASS);
	support_assert_exit(&r, 0);
	cr_expect_str_eq(r.err, "");
	assert_golden(GOLDEN("list.out"), r.out);
	support_run_free(&r);
}

Test(cli_run, seed_overrides_every_scenarios_seed_and_is_printed_for_replay)
{
	support_run r = RUN("run", "--no-timing", "--seed", "42", RUN_DIR "/fail.xml");
	support_assert_exit(&r, 1);
	cr_expect(strstr(r.out, "seed 42 \xC2\xB7 replay: bsim run " RUN_DIR "/fail.xml:3 --engine chromium --seed 42 --trace\n"),
		  "%s", r.out);
	support_run_free(&r);
	r = RUN("run", "--no-timing", RUN_DIR "/fail.xml");
	cr_expect(strstr(r.out, "seed 1 \xC2\xB7 replay"), "the scenario's own seed (default 1):\n%s", r.out);
	support_run_free(&r);
}

/* ---- where the clock starts: now= and --now ----------------------------- */

Test(cli_run, now_starts_the_scenarios_that_give_no_start_and_the_replay_repeats_it)
{
	/* Without --now every scenario passes: none.xml's cookie has years to live from 2015. */
	support_run r = RUN("run", "--no-timing", NOW_DIR);
	support_assert_exit(&r, 0);
	cr_expect_str_eq(last_line(r.out), "4 passed, 0 failed\n");
	support_run_free(&r);

	/* With it, none.xml starts at noon and its cookie expires during the wait; the others keep their now=. */
	r = RUN("run", "--no-timing", "--now", "2024-06-01T12:00:00Z", NOW_DIR);
	support_assert_exit(&r, 1);
	cr_expect_str_eq(r.err, "");
	assert_golden(GOLDEN("now.out"), r.out);
	static const char replay[] =
		"replay: bsim run " NOW_DIR "/none.xml:5 --engine chromium --seed 1 --now 2024-06-01T12:00:00Z --trace\n";
	cr_expect(strstr(r.out, replay), "%s", r.out);
	support_run_free(&r);

	/* The same instant written with an offset is the same run. */
	support_run o = RUN("run", "--no-timing", "--now=2024-06-01T14:00:00+02:00", NOW_DIR);
	support_assert_exit(&o, 1);
	assert_golden(GOLDEN("now.out"), o.out);
	support_run_free(&o);

	/* The replay command, as printed, fails the same way. */
	support_run p = RUN("run", "--no-timing", NOW_DIR "/none.xml:5", "--engine", "chromium", "--seed", "1", "--now",
			    "2024-06-01T12:00:00Z", "--trace");
	support_assert_exit(&p, 1);
	cr_expect(strstr(p.out, "expired at 2024-06-01T13:00:00Z"), "%s", p.out);
	cr_expect(strstr(p.out, replay), "%s", p.out);
	support_run_free(&p);
}

Test(cli_run, the_json_report_gives_each_runs_start)
{
	const char *dir = temp_dir();
	char path[512];
	snprintf(path, sizeof path, "%s/now.json", dir);
	support_run r = RUN("run", "--no-timing", "--now", "2024-06-01T12:00:00Z", "--json", path, NOW_DIR);
	support_assert_exit(&r, 1);
	support_run_free(&r);
	char *text = support_slurp(path);
	static const char *const starts[] = {
		"\"start\": \"2024-06-01T12:00:00Z\"", /* none.xml: --now */
		"\"start\": \"2024-06-01T12:00:00Z\"", /* own.xml: its now=, the same instant */
		"\"start\": \"2024-12-31T23:59:00Z\"", /* suite.xml: the suite's */
		"\"start\": \"2024-12-31T22:00:00Z\"", /* suite.xml: its own */
	};
	const char *p = text;
	for (size_t i = 0; i < sizeof starts / sizeof *starts; i++) {
		const char *hit = strstr(p, starts[i]);
		cr_expect(hit, "result %zu: no %s after offset %zu:\n%s", i, starts[i], (size_t)(p - text), text);
		if (hit)
			p = hit + 1;
	}
	/* trace[].at counts from each run's start: a two-hour wait after the 200 ms page load reads 7200200. */
	cr_expect(strstr(text, "{\"at\": 7200200, "), "%s", text);
	free(text);
}

Test(cli_run, a_bad_now_is_a_located_load_error)
{
	support_run r = RUN("run", BAD_DIR "/bad-now.xml");
	assert_usage(&r, BAD_DIR "/bad-now.xml:3:1: error: <scenario> now=\"2024-06-01T12:00:00\": expected an ISO 8601 "
			 "instant with its zone, up to year 9999, such as 2024-03-31T01:30:00Z or 2024-03-31T03:30:00+02:00; "
			 "write the instant the virtual clock starts at\n");
	support_run_free(&r);
}

Test(cli_run, fail_fast_stops_at_the_first_failure_in_suite_order)
{
	const char *dir = temp_dir();
	char junit[128];
	snprintf(junit, sizeof junit, "%s/junit.xml", dir);
	support_run a = RUN("run", "--no-timing", "--fail-fast", "--junit", junit, RUN_DIR);
	support_assert_exit(&a, 1);
	assert_golden(GOLDEN("fail-fast.out"), a.out);
	cr_expect(strstr(a.out, "stopped at the first failure (--fail-fast): 6 of 7 scenarios not run\n"), "%s", a.out);
	/* The report lists the whole selection: the scenarios not run are skipped, with the reason. */
	char *x = support_slurp(junit);
	cr_expect(strstr(x, "<testsuites name=\"bsim\" tests=\"7\" failures=\"0\" errors=\"1\" skipped=\"6\""), "%s", x);
	int skipped = 0;
	for (const char *p = x; (p = strstr(p, "<skipped message=\"not run: the run stopped at the first failure (--fail-fast)\"/>")); p++)
		skipped++;
	cr_expect_eq(skipped, 6, "%s", x);
	free(x);
	cr_expect_str_eq(last_line(a.out), "0 passed, 0 failed, 1 errored, 6 skipped\n");
	/* JSON and TAP say the same. */
	char json[128];
	snprintf(json, sizeof json, "%s/report.json", dir);
	support_run t = RUN("run", "--no-timing", "--fail-fast", "--tap", "--json", json, RUN_DIR);
	support_assert_exit(&t, 1);
	cr_expect(strstr(t.out, "1..7\n"), "%s", t.out);
	cr_expect(strstr(t.out, "ok 7 - bug still reproduced [chromium] # SKIP not run: the run stopped at the first failure "
				"(--fail-fast)\n"), "%s", t.out);
	cr_expect_str_eq(last_line(t.out), "# 0 passed, 0 failed, 1 errored, 6 skipped\n");
	support_run_free(&t);
	char *j = support_slurp(json);
	cr_expect(strstr(j, "\"summary\": {\"total\": 7, \"passed\": 0, \"failed\": 0, \"errored\": 1, \"skipped\": 6}"), "%s", j);
	free(j);
	/* The same prefix whatever ran in parallel meanwhile. */
	support_run b = RUN("run", "--no-timing", "--fail-fast", "-j", "4", RUN_DIR);
	cr_expect_str_eq(b.out, a.out);
	support_run_free(&a);
	support_run_free(&b);
	/* A run that passes is not cut short. */
	support_run c = RUN("run", "--no-timing", "--fail-fast", SHARD_DIR);
	support_assert_exit(&c, 0);
	cr_expect_str_eq(last_line(c.out), "24 passed, 0 failed\n");
	support_run_free(&c);
}

/* ---- sharding -------------------------------------------------------- */

/* The listing's scenario lines (not the count line), each ending in '\n'. */
static char *listing(const char *shard, const char *path)
{
	support_run r = shard ? RUN("list", "--shard", shard, path) : RUN("list", path);
	support_assert_exit(&r, 0);
	char *lines = strdup(r.out);
	*(char *)last_line(lines) = '\0';
	support_run_free(&r);
	return lines;
}

Test(cli_run, every_scenario_lands_in_exactly_one_shard_with_its_whole_file)
{
	char *all = listing(NULL, SHARD_DIR);
	cr_assert_eq(support_count_lines(all), SHARD_SCENARIOS);
	static const unsigned totals[] = {1, 2, 3, 4, 5, 8, 13};
	for (size_t t = 0; t < sizeof totals / sizeof totals[0]; t++) {
		unsigned n = totals[t];
		int seen[SHARD_SCENARIOS] = {0};
		int total = 0;
		for (unsigned i = 1; i <= n; i++) {
			char shard[32];
			snprintf(shard, sizeof shard, "%u/%u", i, n);
			char *part = listing(shard, SHARD_DIR);
			/* A file is never split: every listed file's three scenarios are here. */
			for (int f = 1; f <= 8; f++) {
				char file[64];
				snprintf(file, sizeof file, SHARD_DIR "/file%d.xml:", f);
				int hits = 0;
				for (const char *p = part; (p = strstr(p, file)); p++)
					hits++;
				cr_expect(hits == 0 || hits == 3, "shard %s splits %s (%d of 3)", shard, file, hits);
			}
			/* Each line of the shard is a line of the full listing, seen once over all shards. */
			for (char *line = part; *line;) {
				char *nl = strchr(line, '\n');
				*nl = '\0';
				int k = 0;
				const char *p = all;
				for (; *p; k++) {
					const char *e = strchr(p, '\n');
					if ((size_t)(e - p) == strlen(line) && strncmp(p, line, (size_t)(e - p)) == 0)
						break;
					p = e + 1;
				}
				cr_assert(*p, "shard %s lists a scenario the full list lacks: %s", shard, line);
				seen[k]++;
				total++;
				line = nl + 1;
			}
			free(part);
		}
		cr_expect_eq(total, SHARD_SCENARIOS, "%u shards list %d scenarios", n, total);
		for (int k = 0; k < SHARD_SCENARIOS; k++)
			cr_expect_eq(seen[k], 1, "%u shards: scenario %d listed %d times", n, k, seen[k]);
	}
	free(all);
}

Test(cli_run, the_shard_split_is_stable_and_ignores_a_leading_dot_slash)
{
	support_run r = RUN("list", "--shard", "2/3", SHARD_DIR);
	support_assert_exit(&r, 0);
	/* The golden file pins the split: it must not move between releases or machines. */
	assert_golden(GOLDEN("list-shard-2-3.out"), r.out);
	support_run d = RUN("list", "--shard", "2/3", "./" SHARD_DIR);
	support_assert_exit(&d, 0);
	cr_expect_eq(support_count_lines(d.out), support_count_lines(r.out));
	cr_expect(strstr(d.out, "of 24 scenarios in shard 2/3\n"), "%s", d.out);
	/* Same files in the same shard, whatever the spelling of the path. */
	for (int f = 1; f <= 8; f++) {
		char file[64];
		snprintf(file, sizeof file, "file%d.xml:", f);
		cr_expect_eq(strstr(r.out, file) != NULL, strstr(d.out, file) != NULL, "%s", file);
	}
	support_run_free(&r);
	support_run_free(&d);
}

Test(cli_run, shards_run_what_they_list_and_add_up_to_the_whole_run)
{
	int passed = 0;
	for (unsigned i = 1; i <= 3; i++) {
		char shard[16];
		snprintf(shard, sizeof shard, "%u/3", i);
		support_run l = RUN("list", "--shard", shard, SHARD_DIR);
		support_run r = RUN("run", "--no-timing", "--shard", shard, SHARD_DIR);
		support_assert_exit(&r, 0);
		int listed = support_count_lines(l.out) - 1;
		int ran = 0;
		cr_assert_eq(sscanf(last_line(r.out), "%d passed", &ran), 1);
		cr_expect_eq(ran, listed, "shard %s ran %d, listed %d", shard, ran, listed);
		passed += ran;
		support_run_free(&l);
		support_run_free(&r);
	}
	cr_expect_eq(passed, SHARD_SCENARIOS);
}

/* ---- determinism and -j ---------------------------------------------- */

typedef struct outputs {
	support_run r;
	char *junit;
	char *json;
} outputs;

static outputs run_with_reports(const char *jobs, const char *path)
{
	const char *dir = temp_dir();
	char junit[128], json[128];
	snprintf(junit, sizeof junit, "%s/junit.xml", dir);
	snprintf(json, sizeof json, "%s/report.json", dir);
	outputs o;
	o.r = RUN("run", "--no-timing", "-j", jobs, "--junit", junit, "--json", json, path);
	o.junit = support_slurp(junit);
	o.json = support_slurp(json);
	return o;
}

static void outputs_free(outputs *o)
{
	support_run_free(&o->r);
	free(o->junit);
	free(o->json);
}

static void expect_same(const outputs *a, const outputs *b, const char *what)
{
	cr_expect_eq(a->r.status, b->r.status, "%s: exit codes differ", what);
	cr_expect_str_eq(a->r.out, b->r.out, "%s: stdout differs", what);
	cr_expect_str_eq(a->r.err, b->r.err, "%s: stderr differs", what);
	cr_expect_str_eq(a->junit, b->junit, "%s: JUnit differs", what);
	cr_expect_str_eq(a->json, b->json, "%s: JSON differs", what);
}

Test(cli_run, the_same_run_twice_is_byte_identical_without_timing)
{
	outputs a = run_with_reports("1", RUN_DIR);
	outputs b = run_with_reports("1", RUN_DIR);
	expect_same(&a, &b, "two runs");
	outputs_free(&a);
	outputs_free(&b);
}

Test(cli_run, parallel_runs_print_and_report_in_suite_order)
{
	static const char *const paths[] = {RUN_DIR, SHARD_DIR};
	for (size_t i = 0; i < 2; i++) {
		outputs one = run_with_reports("1", paths[i]);
		static const char *const jobs[] = {"2", "4", "64"};
		for (size_t j = 0; j < 3; j++) {
			outputs many = run_with_reports(jobs[j], paths[i]);
			char what[64];
			snprintf(what, sizeof what, "%s with -j %s", paths[i], jobs[j]);
			expect_same(&one, &many, what);
			outputs_free(&many);
		}
		outputs_free(&one);
	}
	support_run r = RUN("run", "--no-timing", "-j2", SHARD_DIR);
	support_assert_exit(&r, 0);
	support_run_free(&r);
}

/* ---- colour ---------------------------------------------------------- */

Test(cli_run, colour_only_when_asked_or_on_a_terminal_without_no_color)
{
	support_run a = RUN("run", "--no-timing", "--color=always", RUN_DIR "/fail.xml");
	cr_expect(strstr(a.out, "\033[31m"), "--color=always:\n%s", a.out);
	support_run b = RUN("run", "--no-timing", "--color", "never", RUN_DIR "/fail.xml");
	cr_expect_null(strstr(b.out, "\033["), "--color never");
	support_run c = RUN("run", "--no-timing", "--color=auto", RUN_DIR "/fail.xml");
	cr_expect_null(strstr(c.out, "\033["), "auto on a pipe");
	support_run_free(&a);
	support_run_free(&b);
	support_run_free(&c);
}

/* bsim run on a pseudo-terminal, with NO_COLOR as given (NULL: unset); its output. */
static char *run_on_terminal(const char *no_color, const char *color_option)
{
	support_to_source_root();
	const char *exe = getenv("BSIM_EXE");
	cr_assert(exe && *exe);
	int master;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	cr_assert_neq(pid, -1, "forkpty failed");
	if (pid == 0) {
		if (no_color)
			setenv("NO_COLOR", no_color, 1);
		else
			unsetenv("NO_COLOR");
		const char *argv[] = {exe, "run", "--no-timing", color_option, RUN_DIR "/fail.xml", NULL};
		if (!color_option) {
			argv[3] = RUN_DIR "/fail.xml";
			argv[4] = NULL;
		}
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	char buf[4096];
	ssize_t n;
	while ((n = read(master, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, f);
	fclose(f);
	close(master);
	int status;
	waitpid(pid, &status, 0);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %d:\n%s", status, out);
	return out;
}

Test(cli_run, on_a_terminal_no_color_turns_colour_off_unless_empty)
{
	static const struct {
		const char *no_color;
		const char *option;
		bool colour;
	} cases[] = {
		{NULL, NULL, true},
		{"", NULL, true},
		{"1", NULL, false},
		{"1", "--color=always", true},
		{NULL, "--color=never", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = run_on_terminal(cases[i].no_color, cases[i].option);
		cr_expect_eq(strstr(out, "\033[") != NULL, cases[i].colour, "case %zu:\n%s", i, out);
		free(out);
	}
}

/* ---- report files ---------------------------------------------------- */

/*
 * A report that cannot be written (here the file-size limit, which holds
 * even for root) fails the run with exit 3 and leaves the existing report
 * as it was, with no temporary file beside it. The terminal output still
 * says what ran.
 */
Test(cli_run, a_failed_report_write_exits_3_and_leaves_the_existing_report)
{
	const char *dir = temp_dir();
	static const char *const options[] = {"--junit", "--json"};
	for (size_t k = 0; k < 2; k++) {
		char path[128];
		snprintf(path, sizeof path, "%s/report-%zu", dir, k);
		FILE *f = fopen(path, "wb");
		fputs("the old report\n", f);
		fclose(f);
		pid_t pid = fork();
		cr_assert_neq(pid, -1);
		if (pid == 0) {
			/* The limit and the ignored SIGXFSZ pass to bsim through exec; this child only reports. */
			signal(SIGXFSZ, SIG_IGN);
			struct rlimit lim = {200, 200};
			setrlimit(RLIMIT_FSIZE, &lim);
			support_run r = RUN("run", "--no-timing", options[k], path, RUN_DIR);
			bool ok = r.status == 3 && strstr(r.err, "cannot write report") && strstr(r.err, path) &&
				  strstr(r.out, "4 passed, 2 failed, 1 errored\n");
			if (!ok)
				fprintf(stderr, "exit %d\nstdout:\n%s\nstderr:\n%s\n", r.status, r.out, r.err);
			_exit(ok ? 0 : 1);
		}
		int status;
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: not exit 3 with the reason", options[k]);
		char *text = support_slurp(path);
		cr_expect_str_eq(text, "the old report\n");
		free(text);
	}
	cr_expect_eq(support_entries(dir), 2, "a temporary file was left in %s", dir);
}

Test(cli_run, a_report_into_a_missing_directory_is_refused_before_running)
{
	const char *dir = temp_dir();
	char path[160];
	snprintf(path, sizeof path, "%s/missing/junit.xml", dir);
	support_run r = RUN("run", "--junit", path, ALL_PASS);
	assert_usage(&r, "does not exist");
	support_run_free(&r);
}

Test(cli_run, a_path_without_scenario_files_fails_unless_allowed)
{
	const char *dir = temp_dir();
	char notes[128];
	snprintf(notes, sizeof notes, "%s/notes.txt", dir);
	FILE *f = fopen(notes, "w");
	cr_assert(f);
	fputs("not a scenario\n", f);
	fclose(f);
	support_run r = RUN("run", "--no-timing", dir);
	support_assert_exit(&r, 1);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "bsim run: error: no scenario found in the given paths (files must end in .xml); "
				"--pass-with-no-scenarios accepts an empty run\n");
	support_run_free(&r);
	r = RUN("run", "--no-timing", "--pass-with-no-scenarios", dir);
	support_assert_exit(&r, 0);
	cr_expect_str_eq(r.out, "\n0 passed, 0 failed\n");
	cr_expect_str_eq(r.err, "bsim run: note: no scenario found in the given paths (files must end in .xml)\n");
	support_run_free(&r);
}

/* ---- FILE:LINE ---------------------------------------------------------- */

/* escape.xml holds two scenarios, on lines 8-12 and 13-16. */
#define ESCAPE RUN_DIR "/escape.xml"

Test(cli_run, file_line_chooses_the_scenario_at_or_around_that_line)
{
	static const struct {
		const char *argv[6];
		const char *want; /* the listing */
	} cases[] = {
		/* the <scenario> line, a step inside, the </scenario> line */
		{{"list", ESCAPE ":8", NULL}, ESCAPE ":8  "},
		{{"list", ESCAPE ":11", NULL}, ESCAPE ":8  "},
		{{"list", ESCAPE ":12", NULL}, ESCAPE ":8  "},
		{{"list", ESCAPE ":15", NULL}, ESCAPE ":13  "},
		/* several, and the whole file as well */
		{{"list", ESCAPE ":9", RUN_DIR "/pass.xml:4", NULL}, ESCAPE ":8  "},
		{{"list", ESCAPE ":9", ESCAPE, NULL}, ESCAPE ":8  "},
	};
	static const int counts[] = {1, 1, 1, 1, 3, 2};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		support_run r = run_argv(cases[i].argv);
		support_assert_exit(&r, 0);
		cr_expect_eq(strncmp(r.out, cases[i].want, strlen(cases[i].want)), 0, "case %zu:\n%s", i, r.out);
		cr_expect_eq(support_count_lines(r.out) - 1, counts[i], "case %zu:\n%s", i, r.out);
		support_run_free(&r);
	}
	/* bsim run takes the same argument: the location every report prints is a command. */
	support_run r = RUN("run", "--no-timing", RUN_DIR "/fail.xml:6");
	support_assert_exit(&r, 1);
	cr_expect(strstr(r.out, "[1/1] FAIL  " RUN_DIR "/fail.xml:3  public suffix refused [chromium]\n"), "%s", r.out);
	support_run_free(&r);
}

Test(cli_run, a_file_line_in_no_scenario_names_the_scenarios_lines)
{
	support_run r = RUN("run", ESCAPE ":3");
	assert_usage(&r, ESCAPE ":3: error: no scenario there; the scenarios of " ESCAPE " are on lines 8-12, 13-16\n");
	support_run_free(&r);
	r = RUN("list", RUN_DIR "/pass.xml:400");
	assert_usage(&r, RUN_DIR "/pass.xml:400: error: no scenario there; the scenarios of " RUN_DIR
			 "/pass.xml are on lines 3-7\n");
	support_run_free(&r);
}

/* The replay line runs exactly the scenario that failed, on its engine: the same failure, once. */
Test(cli_run, the_replay_command_reproduces_the_failure_alone_on_its_engine)
{
	support_run a = RUN("run", "--no-timing", "tests/scenario/run/engines.xml");
	support_assert_exit(&a, 1);
	static const char replay[] = "replay: bsim run tests/scenario/run/engines.xml:2 --engine safari --seed 1 --trace\n";
	cr_assert(strstr(a.out, replay), "%s", a.out);
	support_run b = RUN("run", "--no-timing", "tests/scenario/run/engines.xml:2", "--engine", "safari", "--seed", "1");
	support_assert_exit(&b, 1);
	cr_expect(strstr(b.out, "[1/1] FAIL "), "%s", b.out);
	cr_expect(strstr(b.out, replay), "%s", b.out);
	cr_expect_str_eq(last_line(b.out), "0 passed, 1 failed\n");
	support_run_free(&a);
	support_run_free(&b);
}

/* ---- habits from other test runners ------------------------------------- */

Test(cli_run, unknown_options_exit_2_pointing_to_bsims_spelling)
{
	static const struct {
		const char *command, *option, *hint;
	} cases[] = {
		{"run", "--grep", "; bsim's is --filter PATTERN"},
		{"run", "-g", "; bsim's is --filter PATTERN"},
		{"run", "-k", "; bsim's is --filter PATTERN"},
		{"run", "--workers=4", "; bsim's is -j N"},
		{"run", "-x", "; bsim's is --fail-fast"},
		{"run", "--exitfirst", "; bsim's is --fail-fast"},
		{"run", "--max-failures=1", "; bsim's is --fail-fast"},
		{"run", "--list", "; bsim's is a command: bsim list PATH..."},
		{"run", "--collect-only", "; bsim's is a command: bsim list PATH..."},
		{"run", "--reporter=junit", "; bsim's is --junit FILE, --json FILE or --tap"},
		{"run", "--junitxml=out.xml", "; bsim's is --junit FILE"},
		{"run", "--pass-with-no-tests", "; bsim's is --pass-with-no-scenarios"},
		{"run", "--project=chromium", "; bsim's is --engine NAME"},
		/* a typo of bsim's own */
		{"run", "--fial-fast", "; did you mean --fail-fast?"},
		{"run", "--sed", "; did you mean --seed?"},
		{"list", "--filtr", "; did you mean --filter?"},
		{"list", "--fail-fast", "; --fail-fast is an option of bsim run"},
		{"run", "--frobnicate", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		support_run r = RUN(cases[i].command, cases[i].option, RUN_DIR);
		char want[256];
		snprintf(want, sizeof want, "bsim %s: error: unknown option \"%s\"%s\nRun 'bsim %s --help' for usage.\n",
			 cases[i].command, cases[i].option, cases[i].hint, cases[i].command);
		support_assert_exit(&r, 2);
		cr_expect_str_eq(r.err, want, "case %zu", i);
		cr_expect_str_eq(r.out, "", "case %zu", i);
		support_run_free(&r);
	}
	support_run r = RUN("run", "--engine", "chrome", RUN_DIR);
	assert_usage(&r, "bsim run: error: unknown engine \"chrome\"; did you mean chromium? (expected chromium, firefox or safari)\n");
	support_run_free(&r);
}

/* Every option "did you mean" can suggest is one the parser takes, and the help names it. */
Test(cli_run, every_option_a_hint_suggests_is_taken_and_documented)
{
	support_run h = RUN("run", "--help");
	static const char *const options[] = {"--filter", "--engine", "--shard", "--pass-with-no-scenarios", "--seed",
					      "--now", "--jobs", "--fail-fast", "--live", "--ca-file", "--insecure",
					      "--trace", "--junit", "--junit-schema", "--json", "--tap", "--no-timing",
					      "--color"};
	for (size_t i = 0; i < sizeof options / sizeof *options; i++) {
		cr_expect(strstr(h.out, options[i]), "%s is not in the help", options[i]);
		/* Last on the line, so that an option with a value says it needs one: anything but unknown. */
		support_run r = RUN("run", "--no-timing", "--pass-with-no-scenarios", options[i]);
		cr_expect(!strstr(r.err, "unknown option"), "%s: %s", options[i], r.err);
		support_run_free(&r);
	}
	support_run_free(&h);
}

/* ---- what reaches the terminal ------------------------------------------ */

/* A bidi override or a C1 control in a name is escaped in every line a terminal shows, TAP included. */
Test(cli_run, bidi_and_c1_characters_in_names_are_escaped)
{
	static const char *const raw[] = {"\xE2\x80\xAE", "\xE2\x80\xAC", "\xC2\x9B"};
	static const char name[] = "pay \\u{202E}live\\u{202C} then \\u{009B}31m red [chromium]";
	support_run runs[3] = {
		RUN("run", "--no-timing", "tests/scenario/escape/bidi.xml"),
		RUN("run", "--tap", "tests/scenario/escape/bidi.xml"),
		RUN("list", "tests/scenario/escape/bidi.xml"),
	};
	for (size_t i = 0; i < 3; i++) {
		for (size_t k = 0; k < 3; k++)
			cr_expect(!strstr(runs[i].out, raw[k]), "output %zu holds a raw control:\n%s", i, runs[i].out);
		cr_expect(strstr(runs[i].out, name), "output %zu:\n%s", i, runs[i].out);
		support_run_free(&runs[i]);
	}
}

/* Two refusals of a cookie at the same instant by the same step read the same: the story tells it once. */
Test(cli_run, a_failures_story_prints_no_line_twice)
{
	support_run r = RUN("run", "--no-timing", "tests/scenario/story/refused-twice.xml");
	support_assert_exit(&r, 1);
	const char *prev = NULL;
	size_t prev_len = 0;
	for (const char *line = r.out; *line;) {
		const char *end = strchr(line, '\n');
		cr_assert(end);
		size_t len = (size_t)(end - line);
		cr_expect(!(prev && len && len == prev_len && memcmp(prev, line, len) == 0), "printed twice: %.*s", (int)len,
			  line);
		prev = line;
		prev_len = len;
		line = end + 1;
	}
	cr_expect(strstr(r.out, "(2 times)\n"), "the two refusals are not told as one:\n%s", r.out);
	assert_golden(GOLDEN("refused-twice.out"), r.out);
	support_run_free(&r);
}

/* ---- the bundled scenarios ------------------------------------------- */

/* What ./run runs: every bundled example, bug and fix passes. */
Test(cli_run, every_bundled_scenario_passes)
{
	support_run r = RUN("run", "--no-timing", "scenarios/");
	support_assert_exit(&r, 0);
	cr_expect_str_eq(r.err, "");
	cr_expect(!strstr(r.out, "] FAIL ") && !strstr(r.out, "] ERROR "), "%s", r.out);
	cr_expect(strstr(last_line(r.out), " passed, 0 failed\n") && strncmp(last_line(r.out), "0 ", 2) != 0, "%s",
		  last_line(r.out));
	support_run_free(&r);
}

/* A reproduced bug X.xml must still fail the way it declares (an expected failure), and its X-fixed.xml pass outright. */
Test(cli_run, each_bundled_bug_fails_as_expected_and_its_fix_passes)
{
	support_run r = RUN("run", "--no-timing", "scenarios/bugs/");
	support_assert_exit(&r, 0);
	int bugs = 0, fixes = 0;
	for (const char *line = r.out; *line; line = strchr(line, '\n') + 1) {
		const char *end = strchr(line, '\n');
		cr_assert(end, "no final newline:\n%s", r.out);
		char text[512];
		snprintf(text, sizeof text, "%.*s", (int)(end - line), line);
		if (!strstr(text, " scenarios/bugs/"))
			continue;
		cr_expect(strstr(text, "] PASS "), "%s", text);
		if (strstr(text, "-fixed.xml:")) {
			fixes++;
			cr_expect(!strstr(text, "(failed as expected: "), "a fix is itself an expected failure: %s", text);
		} else {
			bugs++;
			cr_expect(strstr(text, "(failed as expected: "), "a bug passed outright: %s", text);
		}
	}
	cr_expect(bugs > 0 && bugs == fixes, "%d bug copies, %d fix copies:\n%s", bugs, fixes, r.out);
	support_run_free(&r);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/*
 * A cookie that is not UTF-8 made <export> to storageState fail as "out of
 * memory": an internal error that stopped the suite before later
 * scenarios and the reports. Now that scenario fails with the reason, the
 * next one runs, and the report is written.
 */
Test(cli_run, a_scenario_whose_export_fails_does_not_stop_the_suite)
{
	const char *dir = temp_dir();
	write_text(dir, "bin.txt", "www.shop.com\tFALSE\t/\tFALSE\t0\tbin\tok\xff\n");
	write_text(dir, "1-export.xml",
		   "<scenario name=\"exports bytes\">\n  <import file=\"bin.txt\"/>\n  <export file=\"out.json\"/>\n</scenario>\n");
	write_text(dir, "2-after.xml",
		   "<scenario name=\"runs after\">\n  <import file=\"bin.txt\"/>\n  <export file=\"out.txt\"/>\n</scenario>\n");
	char junit[256];
	snprintf(junit, sizeof junit, "%s/junit.xml", dir);
	support_run r = RUN("run", "--no-timing", "--junit", junit, dir);
	support_assert_exit(&r, 1);
	cr_expect(strstr(r.out, "1-export.xml:3:3: error: cannot export"), "%s", r.out);
	cr_expect(strstr(r.out, "cookie \"bin\" on www.shop.com: its value holds byte 0xFF (at byte 3), which is not UTF-8"),
		  "%s", r.out);
	cr_expect_null(strstr(r.out, "out of memory"), "%s", r.out);
	cr_expect_null(strstr(r.err, "out of memory"), "%s", r.err);
	cr_expect(strstr(r.out, "1 passed"), "%s", r.out);
	char *x = support_slurp(junit);
	cr_expect(strstr(x, "tests=\"2\""), "%s", x);
	free(x);
	support_run_free(&r);
}
