/*
 * test_scenario_select.c: choosing scenarios and running many
 * (sim/scenario/run/select.c, batch.c): --filter, --engine, FILE:LINE and
 * --shard as bsim_suite_select applies them, the refusal of a FILE:LINE
 * between scenarios, and -j with --fail-fast as bsim_scenarios_run does
 * them. The suites are real files written into a scratch directory.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/scenario.h"
#include "support.h"

static char a_xml[512], b_xml[512];

/* a.xml: lines 2-4 "pass one" (chromium, firefox), 5-8 "fails" (tag bad); b.xml: line 1-3 "pass two". */
static const char a_text[] =
	"<suite name=\"a\">\n"
	"  <scenario name=\"pass one\" engines=\"chromium firefox\">\n"
	"    <tab name=\"t\" url=\"https://www.x.com/\"/>\n"
	"  </scenario>\n"
	"  <scenario name=\"fails\" tags=\"bad\">\n"
	"    <tab name=\"t\" url=\"https://www.x.com/\"/>\n"
	"    <expect cookie=\"never\" present=\"true\"/>\n"
	"  </scenario>\n"
	"</suite>\n";
static const char b_text[] =
	"<scenario name=\"pass two\">\n"
	"  <tab name=\"t\" url=\"https://www.x.com/\"/>\n"
	"</scenario>\n";

static void write_file(char *path, size_t len, const char *dir, const char *name, const char *text)
{
	snprintf(path, len, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static bsim_suite *load(void)
{
	const char *dir = support_temp_dir("select");
	cr_assert(dir);
	write_file(a_xml, sizeof a_xml, dir, "a.xml", a_text);
	write_file(b_xml, sizeof b_xml, dir, "b.xml", b_text);
	const char *paths[] = {a_xml, b_xml};
	bsim_suite *suite = NULL;
	cr_assert_eq(bsim_suite_load(&suite, paths, 2), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(bsim_suite_count(suite), 4);
	return suite;
}

static void fini(void)
{
	support_temp_dirs_remove();
}

/* The chosen scenarios as "name/engine name/engine ...". */
static void chosen_text(char *out, size_t len, const bsim_scenario **chosen, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s/%s", i ? " " : "", bsim_scenario_name(chosen[i]),
					 bsim_engine_name(bsim_scenario_engine(chosen[i])));
}

Test(scenario_select, filters_engine_and_lines_choose_in_suite_order, .fini = fini)
{
	bsim_suite *suite = load();
	const char *by_name[] = {"pass"}, *by_tag[] = {"tag:bad"}, *either[] = {"two", "tag:bad"};
	bsim_line_ref line3[] = {{a_xml, 3}}, line6[] = {{a_xml, 6}};
	const char *whole_a[] = {a_xml};
	struct {
		const char *const *filters;
		size_t n_filters;
		int engine_set;
		bsim_engine engine;
		const bsim_line_ref *lines;
		const char *const *whole;
		const char *want;
	} rows[] = {
		{NULL, 0, 0, 0, NULL, NULL, "pass one/chromium pass one/firefox fails/chromium pass two/chromium"},
		{by_name, 1, 0, 0, NULL, NULL, "pass one/chromium pass one/firefox pass two/chromium"},
		{by_tag, 1, 0, 0, NULL, NULL, "fails/chromium"},
		{either, 2, 0, 0, NULL, NULL, "fails/chromium pass two/chromium"},
		{NULL, 0, 1, BSIM_ENGINE_FIREFOX, NULL, NULL, "pass one/firefox"},
		/* FILE:LINE picks within its file only; other files stay whole. */
		{NULL, 0, 0, 0, line3, NULL, "pass one/chromium pass one/firefox pass two/chromium"},
		{NULL, 0, 0, 0, line6, NULL, "fails/chromium pass two/chromium"},
		/* FILE:LINE and FILE: the whole file. */
		{NULL, 0, 0, 0, line6, whole_a, "pass one/chromium pass one/firefox fails/chromium pass two/chromium"},
	};
	for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
		bsim_select_options o = BSIM_SELECT_OPTIONS_INIT;
		o.filters = rows[r].filters;
		o.n_filters = rows[r].n_filters;
		o.engine_set = rows[r].engine_set;
		o.engine = rows[r].engine;
		o.lines = rows[r].lines;
		o.n_lines = rows[r].lines ? 1 : 0;
		o.whole_files = rows[r].whole;
		o.n_whole_files = rows[r].whole ? 1 : 0;
		const bsim_scenario **chosen = NULL;
		size_t n = 0, unsharded = 0;
		cr_assert_eq(bsim_suite_select(&chosen, &n, &unsharded, suite, &o), 0);
		char got[512];
		chosen_text(got, sizeof got, chosen, n);
		cr_expect_str_eq(got, rows[r].want, "row %zu", r);
		cr_expect_eq(unsharded, n, "row %zu: no shard, so nothing is cut", r);
		free(chosen);
	}
	bsim_suite_free(suite);
}

Test(scenario_select, every_scenario_lands_in_exactly_one_shard_by_its_file, .fini = fini)
{
	bsim_suite *suite = load();
	for (unsigned count = 1; count <= 5; count++) {
		size_t seen = 0;
		for (unsigned index = 1; index <= count; index++) {
			bsim_select_options o = BSIM_SELECT_OPTIONS_INIT;
			o.shard_index = index;
			o.shard_count = count;
			const bsim_scenario **chosen = NULL;
			size_t n = 0, unsharded = 0;
			cr_assert_eq(bsim_suite_select(&chosen, &n, &unsharded, suite, &o), 0);
			cr_expect_eq(unsharded, 4);
			for (size_t i = 0; i < n; i++)
				cr_expect_eq(bsim_shard_of(bsim_scenario_file(chosen[i]), count), index);
			seen += n;
			free(chosen);
		}
		cr_expect_eq(seen, 4, "%u shards: each scenario once", count);
	}
	/* The same file however the path is spelled. */
	for (unsigned count = 2; count <= 50; count++)
		cr_expect_eq(bsim_shard_of("./scenarios//a.xml", count), bsim_shard_of("scenarios/a.xml", count));
	bsim_select_options o = BSIM_SELECT_OPTIONS_INIT;
	o.shard_index = 3;
	o.shard_count = 2;
	const bsim_scenario **chosen = NULL;
	size_t n = 0;
	cr_expect_eq(bsim_suite_select(&chosen, &n, NULL, suite, &o), BSIM_EINVAL);
	bsim_suite_free(suite);
}

Test(scenario_select, a_line_between_scenarios_is_refused_naming_the_lines_that_would_do, .fini = fini)
{
	bsim_suite *suite = load();
	cr_expect_eq(bsim_suite_check_line(suite, a_xml, 5), 0);
	cr_assert_eq(bsim_suite_check_line(suite, a_xml, 1), BSIM_ENOTFOUND);
	const bsim_error *e = bsim_error_last();
	cr_expect_str_eq(e->file, a_xml);
	cr_expect_eq(e->line, 1);
	char want[1100];
	snprintf(want, sizeof want, "no scenario there; the scenarios of %s are on lines 2-4, 5-8", a_xml);
	cr_expect_str_eq(e->message, want);
	cr_assert_eq(bsim_suite_check_line(suite, "other.xml", 1), BSIM_ENOTFOUND);
	cr_expect_str_eq(bsim_error_last()->message, "other.xml holds no scenario");
	bsim_suite_free(suite);
}

typedef struct seen {
	size_t calls;
	size_t last_index;
	int fail_at; /* on_result fails at this call (1-based); 0: never */
} seen;

static int count_results(const bsim_result *r, size_t index, size_t total, void *userdata)
{
	seen *s = userdata;
	cr_expect_eq(total, 4);
	cr_expect_eq(index, s->calls, "results come in the order given");
	cr_expect_neq(bsim_result_outcome(r), BSIM_SKIPPED);
	s->last_index = index;
	return ++s->calls == (size_t)s->fail_at ? BSIM_EIO : 0;
}

/* jobs 1 and 4 alike: the stop after the first failure does not depend on the threads. */
Test(scenario_select, fail_fast_stops_after_the_first_failure_and_skips_the_rest, .fini = fini)
{
	bsim_suite *suite = load();
	const bsim_scenario **chosen = NULL;
	size_t n = 0;
	cr_assert_eq(bsim_suite_select(&chosen, &n, NULL, suite, NULL), 0);
	for (unsigned jobs = 1; jobs <= 4; jobs += 3) {
		for (int fail_fast = 0; fail_fast <= 1; fail_fast++) {
			seen s = {0};
			bsim_batch_options o = BSIM_BATCH_OPTIONS_INIT;
			o.jobs = jobs;
			o.fail_fast = fail_fast;
			o.on_result = count_results;
			o.userdata = &s;
			bsim_result **results = NULL;
			cr_assert_eq(bsim_scenarios_run(&results, chosen, n, &o), 0);
			/* Suite order: pass one ×2, fails, pass two. */
			bsim_outcome want[] = {BSIM_PASSED, BSIM_PASSED, BSIM_FAILED,
					       fail_fast ? BSIM_SKIPPED : BSIM_PASSED};
			for (size_t i = 0; i < n; i++) {
				cr_expect_eq(bsim_result_outcome(results[i]), want[i], "jobs %u fail-fast %d result %zu", jobs,
					     fail_fast, i);
				bsim_result_free(results[i]);
			}
			cr_expect_eq(s.calls, fail_fast ? 3u : 4u);
			free(results);
		}
	}
	/* A failing on_result stops the run with its code, and nothing is handed back. */
	seen s = {.fail_at = 2};
	bsim_batch_options o = BSIM_BATCH_OPTIONS_INIT;
	o.jobs = 2;
	o.on_result = count_results;
	o.userdata = &s;
	bsim_result **results = NULL;
	cr_expect_eq(bsim_scenarios_run(&results, chosen, n, &o), BSIM_EIO);
	cr_expect_null(results);
	cr_expect_eq(s.calls, 2);
	free(chosen);
	bsim_suite_free(suite);
}
