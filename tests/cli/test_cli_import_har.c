/*
 * test_cli_import_har.c: `bsim import-har`, end to end. The real binary
 * imports the captures under scenarios/bugs/har/ and tests/fixtures/har/,
 * then `bsim run` runs what it wrote: a capture of a field bug gives a
 * scenario that fails for the browser's reason, its fixed twin one that
 * passes. Bad captures exit 2 with the JSON path and leave no file; a
 * sanitized capture warns and still gives the navigations; the scenario
 * starts at the capture's first navigation with its headers as captured; the bundled
 * scenarios/bugs/har-*.xml are exactly what scenarios/bugs/har/import.sh
 * makes today. Tests run from the source root.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof dir, "/tmp/bsim-import-har-XXXXXX");
	cr_assert(mkdtemp(dir) != NULL);
	const char *root = getenv("BSIM_SOURCE_ROOT");
	cr_assert(root && *root, "BSIM_SOURCE_ROOT is not set; run the tests with meson test");
	cr_assert_eq(chdir(root), 0);
}

static void remove_dir(void)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[512];
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

TestSuite(import_har, .init = make_dir, .fini = remove_dir);

static const char *in_dir(const char *name)
{
	static char p[4][512];
	static int next;
	char *out = p[next++ % 4];
	snprintf(out, 512, "%s/%s", dir, name);
	return out;
}

#define RUN(...) SUPPORT_RUN(__VA_ARGS__)

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/*
 * The bug captures with their fixed twins, imported both ways. With the widget model (the default) the
 * widget's restore fails first (chat="restored") and names the jar's reason, except where no later page of the
 * capture loads the widget (cookie-flood): the cookie-level expectation fails then. With --no-widget the
 * hand-made writes fail a document-cookie-contains expectation for the same reason.
 */
static const struct {
	const char *capture, *version, *reason;
	bool restore_fails; /* with the widget model, the chat="restored" expectation is the one that fails */
	/*
	 * When the cause the failure names came, with the widget model and without: with it, a start takes 337 ms
	 * after its step begins (the form's submit 172 ms, the server's latency 100 ms, the start's work 65 ms), so
	 * github-io's session is refused at its answer 3.537 s in (the page's load 200 ms, the capture's 3 s wait,
	 * the start) and cookie-flood's promo page evicts 337 ms later too; without it, the hand-made writes run
	 * right after the wait, at 3.200 s.
	 */
	const char *at_widget, *at_plain;
} bug_cases[] = {
	{"scenarios/bugs/har/github-io.har", "9",
	 ": Domain \".github.io\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)", true,
	 "refused on https://shop.github.io/ at 00:00:03.537: Domain", "refused on https://shop.github.io/ at 00:00:03.200: Domain"},
	{"scenarios/bugs/har/vercel-app.har", "9", "Domain \".vercel.app\" is a public suffix (RFC 6265bis §5.7 step 9; firefox)",
	 true, NULL, NULL},
	{"scenarios/bugs/har/localhost-8-5.har", "8.5", "safari refuses a Domain attribute on localhost", true, NULL, NULL},
	{"scenarios/bugs/har/ip-8-5.har", "8.5", "Domain \".\" does not cover the host 127.0.0.1", true, NULL, NULL},
	{"scenarios/bugs/har/cookie-flood.har", "9", "evicted: its site went over chromium's limit of 180 cookies", false,
	 "it was evicted at 00:00:15.537:", "it was evicted at 00:00:15.200:"},
	{"scenarios/bugs/har/github-io-fixed.har", "9", NULL, false, NULL, NULL},
	{"scenarios/bugs/har/vercel-app-fixed.har", "9", NULL, false, NULL, NULL},
	{"scenarios/bugs/har/cookie-flood-fixed.har", "9", NULL, false, NULL, NULL},
	{"scenarios/bugs/har/secure-then-http-fixed.har", "9", NULL, false, NULL, NULL},
};

/* The failure in out names the case's reason, and the refusal's instant when the case gives one. */
static void expect_reason(const char *out, size_t i, const char *at)
{
	cr_expect(strstr(out, bug_cases[i].reason), "%s: the failure lacks \"%s\":\n%s", bug_cases[i].capture,
		  bug_cases[i].reason, out);
	if (at)
		cr_expect(strstr(out, at), "%s: the failure lacks \"%s\":\n%s", bug_cases[i].capture, at, out);
}

Test(import_har, a_bug_capture_fails_for_the_browsers_reason_and_its_twin_passes)
{
	for (size_t i = 0; i < sizeof bug_cases / sizeof *bug_cases; i++) {
		const char *out = in_dir("imported.xml");
		unlink(out);
		support_run r = RUN("import-har", bug_cases[i].capture, "-o", out, "--widget-version", bug_cases[i].version);
		support_assert_exit(&r, 0);
		cr_expect_str_eq(r.out, "", "%s: stdout", bug_cases[i].capture);
		cr_expect(strstr(r.err, "; widget model "), "%s: %s", bug_cases[i].capture, r.err);
		support_run_free(&r);
		char *xml = support_slurp(out);
		cr_expect(strstr(xml, "<webchat tab=\"a\" do=\"start\"/>"), "%s:\n%s", bug_cases[i].capture, xml);
		cr_expect_null(strstr(xml, "<cookie tab="), "%s: the widget model writes its own cookies:\n%s",
			       bug_cases[i].capture, xml);
		free(xml);
		r = RUN("run", "--no-timing", out);
		if (bug_cases[i].reason) {
			support_assert_exit(&r, 1);
			expect_reason(r.out, i, bug_cases[i].at_widget);
			/* The cart page loads 13.237 s in (the start ends at 3.537 s, then 9.5 s and the load); its App
			 * finds no session 33 ms later. */
			if (bug_cases[i].restore_fails)
				cr_expect(strstr(r.out, "expectation failed: tab=\"a\" chat=\"restored\" (was: none)\n"
							"  waited 5s until 00:00:18.237; the value was the same since 00:00:13.270\n"
							"  restore needs cookie _genesys.widgets.webchat.state.session\n"),
					  "%s:\n%s", bug_cases[i].capture, r.out);
		} else {
			support_assert_exit(&r, 0);
		}
		support_run_free(&r);
	}
}

Test(import_har, without_the_widget_model_the_cookie_writes_fail_for_the_same_reason)
{
	for (size_t i = 0; i < sizeof bug_cases / sizeof *bug_cases; i++) {
		const char *out = in_dir("imported.xml");
		unlink(out);
		support_run r = RUN("import-har", bug_cases[i].capture, "-o", out, "--no-widget", "--widget-version",
				    bug_cases[i].version);
		support_assert_exit(&r, 0);
		cr_expect_null(strstr(r.err, "widget model"), "%s: %s", bug_cases[i].capture, r.err);
		support_run_free(&r);
		r = RUN("run", "--no-timing", out);
		if (bug_cases[i].reason) {
			support_assert_exit(&r, 1);
			expect_reason(r.out, i, bug_cases[i].at_plain);
			cr_expect(strstr(r.out, "document-cookie-contains=\"_genesys.widgets.webchat.state."), "%s:\n%s",
				  bug_cases[i].capture, r.out);
		} else {
			support_assert_exit(&r, 0);
		}
		support_run_free(&r);
	}
}

/*
 * Two field patterns only the widget model reproduces, since the jar keeps every cookie: the Domain the widget
 * derives on www.nhs.uk hides them from digital.nhs.uk; two minutes away, the widget's own ping check deletes the
 * chat. Each fails with the widget's cause; its fixed twin passes.
 */
Test(import_har, widget_patterns_fail_with_the_widgets_cause)
{
	static const struct {
		const char *capture, *cause, *message;
	} cases[] = {
		{"scenarios/bugs/har/nhs-uk.har", "widget-cookie-hidden",
		 "the jar holds _genesys.widgets.webchat.state.session (domain=\".www.nhs.uk\" path=\"/\"), but document.cookie "
		 "on https://digital.nhs.uk/services/ does not show it"},
		{"scenarios/bugs/har/ping-timeout.har", "widget-restore-timeout",
		 "restoreTimeout: cookie _genesys.widgets.webchat.state.ping is 130 s old, not younger than "
		 "webchat.restoreTimeout (60 s)"},
		{"scenarios/bugs/har/nhs-uk-fixed.har", NULL, NULL},
		{"scenarios/bugs/har/ping-timeout-fixed.har", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *out = in_dir("widget.xml");
		unlink(out);
		support_run r = cases[i].cause ? RUN("import-har", cases[i].capture, "-o", out, "--expect-failure", cases[i].cause)
					       : RUN("import-har", cases[i].capture, "-o", out);
		support_assert_exit(&r, 0);
		support_run_free(&r);
		r = RUN("run", "--no-timing", out);
		support_assert_exit(&r, 0);
		if (cases[i].cause) {
			char want[120];
			snprintf(want, sizeof want, "(failed as expected: %s)", cases[i].cause);
			cr_expect(strstr(r.out, want), "%s:\n%s", cases[i].capture, r.out);
		}
		support_run_free(&r);
		if (cases[i].message) {
			/* Without expect-failure the run fails and prints the widget's reason. */
			r = RUN("import-har", cases[i].capture, "-o", out);
			support_assert_exit(&r, 0);
			support_run_free(&r);
			r = RUN("run", "--no-timing", out);
			support_assert_exit(&r, 1);
			cr_expect(strstr(r.out, "expectation failed: tab=\"a\" chat=\"restored\""), "%s:\n%s", cases[i].capture,
				  r.out);
			cr_expect(strstr(r.out, cases[i].message), "%s:\n%s", cases[i].capture, r.out);
			support_run_free(&r);
		}
	}
}

Test(import_har, a_sanitized_http1_capture_names_chromes_trace)
{
	const char *out = in_dir("san1.xml");
	support_run r = RUN("import-har", "tests/fixtures/har/sanitized-chrome-http1.har", "-o", out);
	support_assert_exit(&r, 0);
	cr_expect(strstr(r.err, "holds no cookie data at all: it was exported sanitized: log.entries[0].response.headersSize "
				"counts 91 bytes of header lines the file no longer lists."),
		  "%s", r.err);
	support_run_free(&r);
	r = RUN("run", "--no-timing", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
}

/*
 * Captures recorded in Debian's Chromium 156 (tests/fixtures/har/make/record.js, Playwright's HAR format): the
 * real browser kept the chat's cookies on testsite.com and refused them on shop.github.io, and the imports say so.
 */
Test(import_har, captures_recorded_in_real_chromium)
{
	const char *out = in_dir("rec.xml");
	support_run r = RUN("import-har", "tests/fixtures/har/recorded-kept.har", "-o", out);
	support_assert_exit(&r, 0);
	cr_expect(strstr(r.err, "engine chromium (log.browser.name \"chromium\")"), "%s", r.err);
	support_run_free(&r);
	r = RUN("run", "--no-timing", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);

	r = RUN("import-har", "tests/fixtures/har/recorded-refused.har", "-o", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
	r = RUN("run", "--no-timing", out);
	support_assert_exit(&r, 1);
	cr_expect(strstr(r.out, "the browser never stored it: refused on http://shop.github.io/ at 00:00:00."), "%s", r.out);
	cr_expect(strstr(r.out, "Domain \".github.io\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)"), "%s", r.out);
	support_run_free(&r);
}

/*
 * A capture from Playwright's recordHar in minimal mode has every
 * cookies[] empty: its Cookie headers give the same derived expectations
 * as the full capture (none before), and the summary says so.
 */
Test(import_har, a_minimal_playwright_capture_reads_the_cookie_headers)
{
	const char *out = in_dir("min.xml");
	support_run r = RUN("import-har", "tests/fixtures/har/recordhar-minimal.har", "-o", out);
	support_assert_exit(&r, 0);
	char want[600];
	snprintf(want, sizeof want,
		 "%s: 3 navigations, 0 widget cookie writes, 2 derived expectations; engine chromium (log.browser.name "
		 "\"chromium\"); widget model 9.0.018.07, 1 chat start; request cookies from the Cookie headers (3 "
		 "requests with cookies[] empty)\n",
		 out);
	cr_expect_str_eq(r.err, want);
	support_run_free(&r);
	char *xml = support_slurp(out);
	cr_expect(strstr(xml, "<expect cookie=\"_genesys.widgets.webchat.state.session\"/>"), "%s", xml);
	free(xml);
}

Test(import_har, the_summary_names_what_was_made)
{
	const char *out = in_dir("gh.xml");
	support_run r = RUN("import-har", "scenarios/bugs/har/github-io.har", "-o", out);
	support_assert_exit(&r, 0);
	char want[600];
	snprintf(want, sizeof want,
		 "%s: 2 navigations, 0 widget cookie writes, 3 derived expectations; engine chromium (the User-Agent of "
		 "log.entries[0]); widget model 9.0.018.07, 1 chat start; request cookies from cookies[]\n",
		 out);
	cr_expect_str_eq(r.err, want);
	support_run_free(&r);
	char *xml = support_slurp(out);
	cr_expect(strstr(xml, "<hosts>127.0.0.1 shop.github.io</hosts>\n  <!-- derived: the capture shows the Genesys "
			      "widget (log.entries[2] loads the widget's script)"),
		  "%s", xml);
	cr_expect(strstr(xml, "  <deploy/>\n  <tab name=\"a\" url=\"https://shop.github.io/\">"), "%s", xml);
	cr_expect(strstr(xml, "<!-- derived: log.entries[1] starts a chat: the customer started it here; the widget "
			      "writes its cookies (Domain .github.io) with document.cookie -->\n  <webchat tab=\"a\" "
			      "do=\"start\"/>"),
		  "%s", xml);
	cr_expect(strstr(xml, "<navigate tab=\"a\" url=\"https://shop.github.io/cart\"/>\n  <!-- derived: a chat was "
			      "running and this page loads the widget (log.entries[5])"),
		  "%s", xml);
	cr_expect(strstr(xml, "<expect tab=\"a\" chat=\"restored\"/>"), "%s", xml);
	free(xml);

	r = RUN("import-har", "scenarios/bugs/har/github-io.har", "-o", out, "--no-widget");
	support_assert_exit(&r, 0);
	snprintf(want, sizeof want,
		 "%s: 2 navigations, 2 widget cookie writes, 2 derived expectations; engine chromium (the User-Agent of "
		 "log.entries[0]); request cookies from cookies[]\n",
		 out);
	cr_expect_str_eq(r.err, want);
	support_run_free(&r);
	xml = support_slurp(out);
	cr_expect_null(strstr(xml, "<deploy"), "%s", xml);
	cr_expect(strstr(xml, "(the widget model is off: the no-widget option)"), "%s", xml);
	cr_expect(strstr(xml, "<!-- derived: a chat ran on this page (log.entries[1])"), "%s", xml);
	cr_expect(strstr(xml, "<cookie tab=\"a\" write=\"_genesys.widgets.webchat.state.session=placeholder-chat-id; "
			      "Domain=.github.io; Path=/; SameSite=Strict\"/>"),
		  "%s", xml);
	cr_expect(strstr(xml, "<wait for=\"9500ms\"/>\n  <navigate tab=\"a\" url=\"https://shop.github.io/cart\"/>"),
		  "%s", xml);
	free(xml);
}

Test(import_har, engine_override_and_max_gap)
{
	const char *out = in_dir("restart.xml");
	support_run r = RUN("import-har", "--engine", "firefox", "--max-gap=30s", "scenarios/bugs/har/browser-restart.har",
			    "-o", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
	char *xml = support_slurp(out);
	cr_expect(strstr(xml, " engine=\"firefox\""), "%s", xml);
	cr_expect(strstr(xml, "Engine: firefox, chosen with the engine option; the capture's guess came from the "
			      "User-Agent of log.entries[0]."),
		  "%s", xml);
	cr_expect(strstr(xml, "<wait for=\"30s\"/> <!-- captured: 3597s, cut by the max-gap option -->"), "%s", xml);
	cr_expect(strstr(xml, "Gaps longer than 30s are cut to it (the max-gap option); an Expires date after a cut moves "
			      "back by\n     the time cut before it"),
		  "%s", xml);
	free(xml);
}

Test(import_har, the_scenario_runs_on_the_captures_clock_with_its_headers_as_captured)
{
	const char *out = in_dir("clock.xml");
	support_run r = RUN("import-har", "--no-redact", "tests/fixtures/har/redirect-chrome.har", "-o", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
	char *xml = support_slurp(out), *har = support_slurp("tests/fixtures/har/redirect-chrome.har");
	cr_expect(strstr(xml, " now=\"2026-03-02T09:15:00.120Z\""), "%s", xml);
	/* The server's Set-Cookie, byte for byte as the capture holds it. */
	const char *header = "auth=eyJhbGciOiJIUzI1NiJ9.c2VjcmV0; Domain=.testsite.com; Path=/; Secure; HttpOnly; "
			     "Expires=Tue, 03 Mar 2026 09:15:00 GMT";
	cr_expect(strstr(har, header), "the fixture changed: %s", har);
	char want[300];
	snprintf(want, sizeof want, "<set-cookie>%s</set-cookie>", header);
	cr_expect(strstr(xml, want), "%s", xml);
	free(har);
	free(xml);

	/* Its story is on the customer's clock: stored until the day after the capture, as the server said. */
	r = RUN("explain", "--cookie", "auth", out);
	support_assert_exit(&r, 0);
	cr_expect(strstr(r.out, "\n  clock: 00:00:00 is 2026-03-02T09:15:00.120Z\n"), "%s", r.out);
	cr_expect(strstr(r.out, "00:00:00  ") && strstr(r.out, "cookie auth stored (domain .testsite.com, path /) until "
								    "2026-03-03T09:15:00Z from https://www.testsite.com/login"),
		  "%s", r.out);
	support_run_free(&r);
	r = RUN("run", "--no-timing", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
}

Test(import_har, closing_the_browser_loses_session_cookies_unless_restored)
{
	const char *out = in_dir("restart.xml");
	support_run r = RUN("import-har", "scenarios/bugs/har/browser-restart.har", "--closed-before", "page_2", "-o", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
	r = RUN("run", "--no-timing", out);
	support_assert_exit(&r, 1);
	cr_expect(strstr(r.out, "it ended with the session when the browser closed at 01:00:00"), "%s", r.out);
	support_run_free(&r);

	r = RUN("import-har", "scenarios/bugs/har/browser-restart.har", "--closed-before", "page_2", "--session-restore",
		"-o", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
	r = RUN("run", "--no-timing", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
}

Test(import_har, bad_captures_exit_2_with_the_json_path_and_write_nothing)
{
	static const struct {
		const char *json, *err;
	} cases[] = {
		{"{\"cookies\": [], \"origins\": []}\n",
		 ": error: not a HAR capture: it has no \"log\" member (a HAR file is what a browser's network panel saves "
		 "with \"Save all as HAR\")\n"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [{\"startedDateTime\": \"2024-05-01T10:00:00Z\", "
		 "\"request\": {\"method\": \"GET\", \"url\": \"https://a.com/\", \"headers\": []}, \"response\": "
		 "{\"status\": 200, \"headers\": [{\"name\": \"set-cookie\", \"value\": null}]}}]}}",
		 ": error: log.entries[0].response.headers[0].value: missing (every browser's HAR export has it; was the "
		 "file edited?)\n"},
		{"not json", ":1:3: error: not valid JSON: '[' or '{' expected near 'not'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *in = in_dir("bad.har");
		FILE *f = fopen(in, "w");
		cr_assert(f);
		fputs(cases[i].json, f);
		fclose(f);
		const char *out = in_dir("never.xml");
		support_run r = RUN("import-har", in, "-o", out);
		support_assert_exit(&r, 2);
		cr_expect(strstr(r.err, cases[i].err), "case %zu: stderr:\n%s", i, r.err);
		cr_expect(strncmp(r.err, in, strlen(in)) == 0, "case %zu: the message starts with the file: %s", i, r.err);
		cr_expect_not(exists(out), "case %zu: a file was written", i);
		support_run_free(&r);
	}
	/* An existing output is left as it was. */
	const char *out = in_dir("kept.xml");
	FILE *f = fopen(out, "w");
	fputs("before\n", f);
	fclose(f);
	support_run r = RUN("import-har", in_dir("bad.har"), "-o", out);
	support_assert_exit(&r, 2);
	support_run_free(&r);
	char *text = support_slurp(out);
	cr_expect_str_eq(text, "before\n");
	free(text);
}

Test(import_har, usage_errors)
{
	static const struct {
		const char *a, *b, *c, *err;
	} cases[] = {
		{"scenarios/bugs/har/github-io.har", NULL, NULL, "bsim import-har: error: expected -o SCENARIO.xml, the file to write\n"},
		{"-o", "x.xml", NULL, "bsim import-har: error: expected a HAR capture to read\n"},
		{"--engine", "opera", "x.har", "bsim import-har: error: unknown engine \"opera\": expected chromium, firefox or safari\n"},
		{"--max-gap", "soon", "x.har", "bsim import-har: error: --max-gap \"soon\": expected a duration such as 500ms, 2s, 10m, 1h or 1d\n"},
		{"--max-gap", "99999999999999999999d", "x.har", "bsim import-har: error: --max-gap \"99999999999999999999d\": expected a duration such as 500ms, 2s, 10m, 1h or 1d\n"},
		{"--widget-version", "7", "x.har", "bsim import-har: error: --widget-version \"7\": expected 9 (any 9.x), 9.0.005 or 8.5\n"},
		{"--frobnicate", NULL, NULL, "bsim import-har: error: unknown option \"--frobnicate\"\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		support_run r = RUN("import-har", cases[i].a, cases[i].b, cases[i].c);
		support_assert_exit(&r, 2);
		cr_expect(strncmp(r.err, cases[i].err, strlen(cases[i].err)) == 0, "case %zu: %s", i, r.err);
		cr_expect(strstr(r.err, "Run 'bsim import-har --help' for usage."), "case %zu", i);
		support_run_free(&r);
	}
	support_run r = RUN("import-har", "scenarios/bugs/har/browser-restart.har", "--closed-before", "page_9", "-o",
			    in_dir("x.xml"));
	support_assert_exit(&r, 2);
	cr_expect_str_eq(r.err, "scenarios/bugs/har/browser-restart.har: error: closed before \"page_9\": no navigation "
				"of the capture has that pageref (its pages: page_1, page_2)\n");
	cr_expect_not(exists(in_dir("x.xml")));
	support_run_free(&r);
	r = RUN("import-har", "scenarios/bugs/har/missing.har", "-o", in_dir("x.xml"));
	support_assert_exit(&r, 2);
	cr_expect(strstr(r.err, "cannot read scenarios/bugs/har/missing.har: No such file or directory"), "%s", r.err);
	support_run_free(&r);
}

Test(import_har, a_sanitized_capture_warns_and_keeps_the_navigations)
{
	const char *out = in_dir("san.xml");
	support_run r = RUN("import-har", "tests/fixtures/har/sanitized-chrome.har", "-o", out);
	support_assert_exit(&r, 0);
	cr_expect(strstr(r.err, "bsim import-har: warning: tests/fixtures/har/sanitized-chrome.har holds no cookie data at "
				"all: it was most likely exported sanitized (Chrome DevTools' default, which leaves no other "
				"mark)."),
		  "%s", r.err);
	cr_expect(strstr(r.err, "\"Allow to generate HAR with\n  sensitive data\""), "%s", r.err);
	support_run_free(&r);
	char *xml = support_slurp(out);
	cr_expect(strstr(xml, "<tab name=\"a\" url=\"https://www.testsite.com/login\"/>"), "%s", xml);
	cr_expect(strstr(xml, "<navigate tab=\"a\" url=\"https://www.testsite.com/account\"/>"), "%s", xml);
	cr_expect(strstr(xml, "<navigate tab=\"a\" url=\"https://store.testsite.com/\"/>"), "%s", xml);
	free(xml);
	r = RUN("run", "--no-timing", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
}

Test(import_har, every_exporters_redirect_capture_runs_green)
{
	static const char *const files[] = {"tests/fixtures/har/redirect-chrome.har", "tests/fixtures/har/redirect-firefox.har",
					    "tests/fixtures/har/redirect-safari.har"};
	static const char *const engines[] = {"chromium", "firefox", "safari"};
	for (size_t i = 0; i < 3; i++) {
		const char *out = in_dir("redirect.xml");
		support_run r = RUN("import-har", files[i], "-o", out);
		support_assert_exit(&r, 0);
		support_run_free(&r);
		char *xml = support_slurp(out);
		char want[64];
		snprintf(want, sizeof want, " engine=\"%s\"", engines[i]);
		cr_expect(strstr(xml, want), "%s: %s", files[i], xml);
		cr_expect(strstr(xml, "<!-- log.entries[0]: 302 redirect -->"), "%s: %s", files[i], xml);
		free(xml);
		r = RUN("run", "--no-timing", out);
		support_assert_exit(&r, 0);
		support_run_free(&r);
	}
}

Test(import_har, bundled_imports_are_what_the_importer_makes_today)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "sh scenarios/bugs/har/import.sh '%s' '%s' 2>/dev/null", getenv("BSIM_EXE"), dir);
	int st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "import.sh failed: %d", st);
	DIR *d = opendir(dir);
	cr_assert(d);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "har-", 4) != 0)
			continue;
		char fresh[600], bundled[600];
		snprintf(fresh, sizeof fresh, "%s/%s", dir, e->d_name);
		snprintf(bundled, sizeof bundled, "scenarios/bugs/%s", e->d_name);
		char *a = support_slurp(fresh), *b = support_slurp(bundled);
		cr_expect_str_eq(a, b, "%s differs from a fresh import (rerun scenarios/bugs/har/import.sh)", bundled);
		free(a);
		free(b);
		n++;
	}
	closedir(d);
	cr_expect_eq(n, 18);
}

/*
 * --widget-version takes the release names the widget model maps onto its
 * presets (widgets/release.h), the same mapping a script URL's version goes
 * through: any 8.x build deploys 8.5, 9.0.005 builds their own preset, other
 * 9.x the default (no version attribute); anything else is a usage error.
 */
Test(import_har, widget_version_names_a_release)
{
	static const struct {
		const char *version;
		const char *deploy; /* the <deploy> written; NULL: refused */
	} cases[] = {
		{"9", "<deploy/>"},
		{"9.0.018.07", "<deploy/>"},
		{"9.0.005", "<deploy version=\"9.0.005.00\"/>"},
		{"9.0.005.00", "<deploy version=\"9.0.005.00\"/>"},
		{"8.5", "<deploy version=\"8.5\"/>"},
		{"8.5.007.03", "<deploy version=\"8.5\"/>"},
		{"8.1.2", "<deploy version=\"8.5\"/>"},
		{"8", NULL},
		{"10.0", NULL},
		{"9x", NULL},
		{"", NULL},
	};
	const char *out = in_dir("v.xml");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		unlink(out);
		support_run r = RUN("import-har", "scenarios/bugs/har/github-io.har", "-o", out, "--widget-version",
				    cases[i].version);
		support_assert_exit(&r, cases[i].deploy ? 0 : 2);
		support_run_free(&r);
		if (!cases[i].deploy) {
			cr_expect(access(out, F_OK) != 0, "%s: no file may be written", cases[i].version);
			continue;
		}
		char *xml = support_slurp(out);
		cr_expect(strstr(xml, cases[i].deploy), "%s: expected %s in\n%s", cases[i].version, cases[i].deploy, xml);
		free(xml);
	}
}

/* --max-gap reads durations as the scenario language does: any length the virtual clock counts, in its units. */
Test(import_har, max_gap_reads_scenario_durations)
{
	static const struct {
		const char *gap, *header;
	} cases[] = {
		{"400d", "Gaps longer than 34560000s are cut to it"},
		{"90", "Gaps longer than 90s are cut to it"},
		{"1500ms", "Gaps longer than 1500ms are cut to it"},
	};
	const char *out = in_dir("gap.xml");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		support_run r = RUN("import-har", "scenarios/bugs/har/github-io.har", "-o", out, "--max-gap", cases[i].gap);
		support_assert_exit(&r, 0);
		support_run_free(&r);
		char *xml = support_slurp(out);
		cr_expect(strstr(xml, cases[i].header), "%s: expected \"%s\" in\n%s", cases[i].gap, cases[i].header, xml);
		free(xml);
	}
}

/*
 * What XML 1.0 cannot hold (a C0 control, U+FFFE, U+FFFF: valid UTF-8 in a
 * HAR's JSON, no XML Char) becomes "?" in the written scenario, so the
 * scenario loads and runs instead of failing as malformed XML.
 */
Test(import_har, characters_xml_cannot_hold_become_question_marks)
{
	const char *in = in_dir("nonchar.har");
	FILE *f = fopen(in, "w");
	cr_assert(f);
	fputs("{\"log\": {\"version\": \"1.2\", \"creator\": {\"name\": \"x\", \"version\": \"1\"}, \"entries\": [{"
	      "\"startedDateTime\": \"2024-01-01T00:00:00.000Z\", \"time\": 1, \"request\": {\"method\": \"GET\", "
	      "\"url\": \"https://www.a.com/\", \"headers\": [], \"cookies\": []}, \"response\": {\"status\": 200, "
	      "\"headers\": [{\"name\": \"set-cookie\", \"value\": \"sid=a\\uFFFEb\\uFFFF\\u0002; Path=/\"}], "
	      "\"cookies\": [], \"content\": {\"mimeType\": \"text/html\"}}}]}}\n",
	      f);
	fclose(f);
	const char *out = in_dir("nonchar.xml");
	support_run r = RUN("import-har", "--no-redact", in, "-o", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
	char *xml = support_slurp(out);
	cr_expect(strstr(xml, "<set-cookie>sid=a?b??; Path=/</set-cookie>"), "%s", xml);
	free(xml);
	r = RUN("run", "--no-timing", out);
	support_assert_exit(&r, 0);
	support_run_free(&r);
}
