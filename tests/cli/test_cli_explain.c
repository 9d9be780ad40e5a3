/*
 * test_cli_explain.c: `bsim explain`, end to end. The real binary tells
 * the stories of the widget cookies of the scenarios under
 * tests/cli/explain/ — one refused as a public suffix, one evicted by
 * Chromium's per-site limit, one ended by closing the browser (behind a
 * deploymentID prefix), two left out of requests by Secure and SameSite —
 * and the output is compared with golden files under
 * tests/cli/golden/explain/ (BSIM_UPDATE_GOLDEN=1 rewrites them after a
 * deliberate change; review the diff). Tests run from the source root so
 * file names read as a person types them.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "golden.h"
#include "support.h"

#define DIR "tests/cli/explain/"
#define GOLDEN(name) "tests/cli/golden/explain/" name

/* bsim from the source root, so file names read as a person types them. */
#define RUN(...) (support_to_source_root(), SUPPORT_RUN(__VA_ARGS__))

static void assert_ok(const support_run *r)
{
	cr_assert_eq(r->status, 0, "exit %d\nstdout:\n%s\nstderr:\n%s", r->status, r->out, r->err);
	cr_expect_str_eq(r->err, "");
}

/* A usage or input error: exit 2, nothing on stdout, stderr containing `err`. */
static void assert_usage(const support_run *r, const char *err)
{
	cr_expect_eq(r->status, 2, "exit %d\nstdout:\n%s\nstderr:\n%s", r->status, r->out, r->err);
	cr_expect_str_eq(r->out, "", "something was printed on stdout:\n%s", r->out);
	cr_expect(strstr(r->err, err), "stderr lacks \"%s\":\n%s", err, r->err);
}

/* ---- the four stories a support engineer meets, pinned by golden files ---- */

Test(explain, each_kind_of_story_golden)
{
	static const struct {
		const char *scenario;
		const char *golden;
		const char *must; /* the line that makes the story: the reason, where it happened */
	} table[] = {
		{DIR "public-suffix.xml", GOLDEN("public-suffix.out"),
		 "public-suffix.xml:5:3  tab 1  cookie _genesys.widgets.webchat.state.session refused on https://shop.github.io/: Domain \".github.io\" is a public suffix"},
		{DIR "evicted.xml", GOLDEN("evicted.out"),
		 "evicted.xml:7:3  tab 2  cookie _genesys.widgets.webchat.state.session (domain .testsite.com, path /) evicted: its site went over chromium's limit of 180 cookies"},
		{DIR "session-end.xml", GOLDEN("session-end.out"),
		 "session-end.xml:10:3  session cookie dep1._genesys.widgets.webchat.state.session (domain .testsite.com, path /) dropped: the browser closed"},
		{DIR "not-sent.xml", GOLDEN("not-sent.out"),
		 "not-sent.xml:12:3  tab 1  cookie _genesys.widgets.webchat.state.session not sent to https://www.testsite.com/back: it has SameSite=Strict and the request is cross-site from https://partner.example"},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		support_run r = RUN("explain", table[i].scenario);
		assert_ok(&r);
		cr_expect(strstr(r.out, table[i].must) != NULL, "%s: missing\n  %s\nin\n%s", table[i].scenario,
			  table[i].must, r.out);
		assert_golden(table[i].golden, r.out);
		/* Virtual time only: a second run prints the same bytes. */
		support_run again = RUN("explain", table[i].scenario);
		cr_expect_str_eq(again.out, r.out, "%s: two runs differ", table[i].scenario);
		support_run_free(&again);
		support_run_free(&r);
	}
}

Test(explain, secure_cookie_not_sent_over_http_with_its_rule)
{
	support_run r = RUN("explain", DIR "not-sent.xml");
	assert_ok(&r);
	cr_expect(strstr(r.out, "not-sent.xml:10:3  tab 1  cookie _genesys.widgets.webchat.state.keys not sent to http://www.testsite.com/plain: it is Secure and the request goes over http (RFC 6265bis §5.8.3 step 1; chromium)  [cookie-not-sent:secure]") != NULL,
		  "%s", r.out);
	/* Back on https from a same-site page, the Secure one goes again. */
	cr_expect(strstr(r.out, "not-sent.xml:12:3  tab 1  cookie _genesys.widgets.webchat.state.keys sent to https://www.testsite.com/back") != NULL,
		  "%s", r.out);
	support_run_free(&r);
}

/* ---- --at, --engine, --cookie, --json ----------------------------------- */

Test(explain, at_a_step_number_or_file_line_ends_the_story_there)
{
	support_run by_line = RUN("explain", "--at", "not-sent.xml:10", DIR "not-sent.xml");
	support_run by_number = RUN("explain", "--at", "4", DIR "not-sent.xml");
	assert_ok(&by_line);
	assert_ok(&by_number);
	cr_expect_str_eq(by_line.out, by_number.out, "step 4 is the <navigate> on line 10");
	assert_golden(GOLDEN("not-sent-at-10.out"), by_line.out);
	cr_expect(strstr(by_line.out, "passed up to tests/cli/explain/not-sent.xml:10:3\n") != NULL, "%s", by_line.out);
	cr_expect(strstr(by_line.out, "partner.example") == NULL, "the story went past --at:\n%s", by_line.out);
	support_run_free(&by_line);
	support_run_free(&by_number);
}

Test(explain, engine_picks_one_copy_and_cookie_picks_other_names)
{
	support_run r = RUN("explain", "--engine", "firefox", DIR "public-suffix.xml");
	assert_ok(&r);
	cr_expect(strstr(r.out, "[firefox]") != NULL && strstr(r.out, "[chromium]") == NULL, "%s", r.out);
	support_run_free(&r);

	r = RUN("explain", "--cookie", "f00?", DIR "evicted.xml");
	assert_ok(&r);
	cr_expect(strstr(r.out, "\n  f000\n") != NULL && strstr(r.out, "\n  f009\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\n  _genesys") == NULL, "the widget cookie was told too:\n%s", r.out);
	support_run_free(&r);

	r = RUN("explain", "--cookie", "nothing-like-this", DIR "evicted.xml");
	assert_ok(&r);
	cr_expect(strstr(r.out, "  no cookie matching nothing-like-this appears in the trace\n") != NULL, "%s", r.out);
	support_run_free(&r);
}

Test(explain, json_one_object_per_scenario_and_engine)
{
	support_run r = RUN("explain", "--json", DIR "public-suffix.xml");
	assert_ok(&r);
	const char *engines[] = {"chromium", "firefox"};
	const char *line = r.out;
	for (size_t i = 0; i < 2; i++) {
		const char *nl = strchr(line, '\n');
		cr_assert_not_null(nl, "expected two lines:\n%s", r.out);
		json_error_t err;
		json_t *j = json_loadb(line, (size_t)(nl - line), 0, &err);
		cr_assert_not_null(j, "line %zu is not JSON: %s", i + 1, err.text);
		cr_expect_str_eq(json_string_value(json_object_get(j, "engine")), engines[i]);
		cr_expect_str_eq(json_string_value(json_object_get(j, "outcome")), "failed");
		cr_expect(json_is_null(json_object_get(j, "ends_at")));
		json_t *cookies = json_object_get(j, "cookies");
		cr_assert_eq(json_array_size(cookies), 1);
		json_t *c = json_array_get(cookies, 0);
		cr_expect_str_eq(json_string_value(json_object_get(c, "name")), "_genesys.widgets.webchat.state.session");
		json_t *ev = json_array_get(json_object_get(c, "events"), 0);
		cr_expect_str_eq(json_string_value(json_object_get(ev, "code")), "cookie-refused:public-suffix");
		cr_expect_str_eq(json_string_value(json_object_get(ev, "step")), DIR "public-suffix.xml:5:3");
		/* The cookie step runs at the page's load event, 200 ms after the tab's navigation. */
		cr_expect_str_eq(json_string_value(json_object_get(ev, "time")), "00:00:00.200");
		cr_expect_eq(json_integer_value(json_object_get(ev, "tab")), 1);
		json_decref(j);
		line = nl + 1;
	}
	cr_expect_str_eq(line, "", "more than two lines");
	support_run_free(&r);
}

/* ---- where the clock starts: now= and --now -------------------------------- */

Test(explain, times_count_from_the_scenarios_start_and_the_header_names_it)
{
	/* --now starts a scenario that gives no now=; the header says which instant 00:00:00 is. */
	support_run r = RUN("explain", "--cookie", "promo", "--now", "2024-06-01T12:00:00Z", "tests/scenario/now/none.xml");
	assert_ok(&r);
	assert_golden(GOLDEN("now.out"), r.out);
	cr_expect(strstr(r.out, "\n  clock: 00:00:00 is 2024-06-01T12:00:00Z\n") != NULL, "%s", r.out);
	/* The two-hour wait begins at the page's load, 200 ms in; the expiry is seen where it ends. */
	cr_expect(strstr(r.out, "    02:00:00.200  tests/scenario/now/none.xml:9:3  cookie promo (host www.testsite.com, path /) "
			       "expired at 2024-06-01T13:00:00Z") != NULL,
		  "%s", r.out);
	support_run_free(&r);

	/* A scenario's own now= is told the same way, and --now does not move it. */
	static const char *const own[][2] = {{"--now", "2030-01-01"}, {"--cookie", "promo"}};
	for (size_t i = 0; i < 2; i++) {
		r = RUN("explain", "--cookie", "promo", own[i][0], own[i][1], "tests/scenario/now/own.xml");
		assert_ok(&r);
		cr_expect(strstr(r.out, "\n  clock: 00:00:00 is 2024-06-01T12:00:00Z\n") != NULL, "%s", r.out);
		support_run_free(&r);
	}

	/* At bsim's default start the header says nothing more than before. */
	r = RUN("explain", "--cookie", "promo", "tests/scenario/now/none.xml");
	assert_ok(&r);
	cr_expect(strstr(r.out, "clock:") == NULL, "%s", r.out);
	support_run_free(&r);

	r = RUN("explain", "--json", "--cookie", "promo", "--now", "2024-06-01T14:00:00+02:00", "tests/scenario/now/none.xml");
	assert_ok(&r);
	json_error_t err;
	json_t *j = json_loads(r.out, JSON_DISABLE_EOF_CHECK, &err);
	cr_assert_not_null(j, "not JSON: %s\n%s", err.text, r.out);
	cr_expect_str_eq(json_string_value(json_object_get(j, "start")), "2024-06-01T12:00:00Z");
	json_t *events = json_object_get(json_array_get(json_object_get(j, "cookies"), 0), "events");
	cr_assert_eq(json_array_size(events), 2, "%s", r.out);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(events, 1), "at_ms")), 7200200);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(events, 1), "time")), "02:00:00.200");
	json_decref(j);
	support_run_free(&r);

	r = RUN("explain", "--now", "noon", "tests/scenario/now/none.xml");
	assert_usage(&r, "bsim explain: error: --now \"noon\" is not an ISO 8601 instant with its zone, up to year 9999");
	support_run_free(&r);
}

/* ---- the same story under a failed expectation -------------------------- */

Test(explain, a_failed_expectation_prints_the_story_under_its_cause)
{
	support_run r = RUN("run", "--no-timing", DIR "session-end.xml");
	cr_expect_eq(r.status, 1);
	assert_golden(GOLDEN("session-end.run.out"), r.out);
	/* The cause line stays first; the story follows it. */
	const char *cause = strstr(r.out, "  it ended with the session when the browser closed");
	const char *story = strstr(r.out, "  the story of dep1._genesys.widgets.webchat.state.session:\n");
	cr_expect(cause && story && cause < story, "%s", r.out);
	support_run_free(&r);
}

/* ---- bad input ------------------------------------------------------------ */

Test(explain, usage_and_input_errors_exit_2_with_nothing_on_stdout)
{
	support_run r = RUN("explain", "--at", "99", DIR "not-sent.xml");
	assert_usage(&r, "bsim explain: error: --at 99: the scenario \"the chat cookie stays home\" has steps 1 to 7\n");
	support_run_free(&r);
	r = RUN("explain", "--at", "not-sent.xml:3", DIR "not-sent.xml");
	assert_usage(&r, "--at not-sent.xml:3: no step of \"the chat cookie stays home\" starts on that line");
	support_run_free(&r);
	r = RUN("explain", "--at", "soon", DIR "not-sent.xml");
	assert_usage(&r, "--at soon: expected a step number (3) or FILE:LINE (chat.xml:12)");
	support_run_free(&r);
	r = RUN("explain", "--frobnicate", DIR "not-sent.xml");
	assert_usage(&r, "bsim explain: error: unknown option \"--frobnicate\"");
	support_run_free(&r);
	r = RUN("explain");
	assert_usage(&r, "bsim explain: error: expected a scenario file");
	support_run_free(&r);
	r = RUN("explain", DIR "not-sent.xml", DIR "evicted.xml");
	assert_usage(&r, "expected one scenario file");
	support_run_free(&r);
	r = RUN("explain", "--engine", "netscape", DIR "not-sent.xml");
	assert_usage(&r, "unknown engine \"netscape\"");
	support_run_free(&r);
	r = RUN("explain", "--engine", "safari", DIR "not-sent.xml");
	assert_usage(&r, "holds no scenario for that engine");
	support_run_free(&r);
	/* A file that does not load: its errors, located, and nothing runs. */
	r = RUN("explain", "tests/scenario/report/bad");
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, ": error: ") != NULL, "%s", r.err);
	support_run_free(&r);
}

/*
 * A seed past 2^64 - 1 was read by strtoull as 2^64 - 1 and run; explain
 * reads --seed as bsim run does, so it is refused as its message says.
 */
Test(explain, a_seed_too_large_for_64_bits_is_refused_as_by_run)
{
	support_run r = RUN("explain", "--seed", "18446744073709551616", DIR "not-sent.xml");
	assert_usage(&r, "bsim explain: error: --seed expects a number from 0 to 18446744073709551615, got "
			 "\"18446744073709551616\"");
	support_run_free(&r);
	r = RUN("explain", "--seed", "18446744073709551615", DIR "not-sent.xml");
	cr_expect_eq(r.status, 0, "%s", r.err);
	support_run_free(&r);
}

/* The folder rule holds for explain as for run (docs/limits.md), and --allow-write opts in the same way. */
Test(explain, a_scenario_that_writes_outside_its_folder_needs_allow_write)
{
	const char *dir = support_temp_dir("explain");
	cr_assert(dir);
	char sub[160], file[200], out[200];
	snprintf(sub, sizeof sub, "%s/s", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(file, sizeof file, "%s/w.xml", sub);
	snprintf(out, sizeof out, "%s/state.json", dir);
	FILE *f = fopen(file, "w");
	cr_assert(f);
	fputs("<scenario name=\"w\">\n  <tab name=\"a\" url=\"https://www.shop.com/\"/>\n  <export file=\"../state.json\"/>\n"
	      "</scenario>\n",
	      f);
	fclose(f);
	support_run r = RUN("explain", file);
	assert_usage(&r, ":3:3: error: <export file=\"../state.json\"> writes outside the scenario's folder");
	cr_expect_eq(access(out, F_OK), -1, "the file was written");
	support_run ok = RUN("explain", "--allow-write", dir, file);
	assert_ok(&ok);
	cr_expect_eq(access(out, F_OK), 0, "the export did not run");
	support_run bad = RUN("explain", "--allow-read", "no/such/dir", file);
	assert_usage(&bad, "bsim explain: error: --allow-read \"no/such/dir\": expected a directory: it does not exist");
	support_run_free(&r);
	support_run_free(&ok);
	support_run_free(&bad);
	support_temp_dirs_remove();
}
