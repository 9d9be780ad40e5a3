/*
 * test_http_state.c: Adam Barth's http-state cookie suite
 * (../shared/conformance/http-state/cases.json), every case run through
 * the jar once per engine preset, the way the suite's own server runs it
 * (conformance/README.md §1): the agent navigates to request_url, the
 * response carries the case's Set-Cookie headers and a redirect, the agent
 * follows it to result_url, and the Cookie header it sends there must equal
 * expected_cookie (null: no Cookie header, which the jar gives as "").
 *
 * A case may fail only where the real browser fails it too: such cases are
 * listed, with what that browser does differently, in
 * tests/conformance/expectations/http-state-<engine>.txt (one line
 * "id<TAB>reason"). The test fails on an unlisted failure, and on a listed
 * case that passes (a stale entry hides a fixed or a changed behaviour);
 * expectations.c reads the file and gives the verdict. Each run prints its
 * count, e.g. "http-state chromium: 171/178 pass, 7 listed".
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/cookie.h"
#include "expectations.h"
#include "support.h"
#include "util/buf.h"

/*
 * The virtual clock for every case: 2015-01-01T00:00:00Z. The suites'
 * Expires dates assume a "now" between 2007-08-07 and 2019-08-07
 * (conformance/README.md, Time); the wall clock would fail some cases.
 */
#define CONFORMANCE_NOW_MS INT64_C(1420070400000)

#define SUITE "http-state"
#define CASES_PATH "conformance/http-state/cases.json"

/* ---- running a case ------------------------------------------------------- */

/* One case on one engine: the Cookie header sent to result_url. *got is allocated. */
static void run_case(char **got, bsim_engine engine, json_t *c, buf *what)
{
	const char *request_url = support_json_str(c, "request_url");
	const char *result_url = support_json_str(c, "result_url");
	json_t *headers = json_object_get(c, "set_cookie");
	cr_assert(request_url && result_url && json_is_array(headers), "malformed case %s", support_json_str(c, "id"));
	bsim_jar *jar = NULL;
	cr_assert_eq(bsim_jar_new(&jar, engine), 0);
	bsim_jar_set_time(jar, CONFORMANCE_NOW_MS);
	bsim_cookie_ctx navigate = BSIM_COOKIE_CTX_NAVIGATE;
	buf_puts(what, "Set-Cookie ");
	size_t i;
	json_t *h;
	json_array_foreach(headers, i, h) {
		const char *v = json_string_value(h);
		size_t len = json_string_length(h);
		if (i)
			buf_puts(what, ", ");
		put_quoted(what, v, len);
		support_trim_ows(&v, &len);
		int rc = bsim_jar_set_cookie(jar, request_url, v, len, &navigate);
		cr_assert_eq(rc, 0, "%s: set_cookie on %s failed: %s", support_json_str(c, "id"), request_url,
			     bsim_error_last()->message);
	}
	buf_printf(what, " on %s, Cookie header at %s", request_url, result_url);
	int rc = bsim_jar_cookie_header(got, jar, result_url, &navigate);
	cr_assert_eq(rc, 0, "%s: cookie_header on %s failed: %s", support_json_str(c, "id"), result_url,
		     bsim_error_last()->message);
	bsim_jar_free(jar);
}

static void run_suite(bsim_engine engine)
{
	json_t *root;
	json_t *cases = support_shared_cases(CASES_PATH, &root);

	tally t;
	tally_begin(&t, SUITE, bsim_engine_name(engine));
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *id = support_json_str(c, "id");
		const char *expected = support_json_str(c, "expected_cookie");
		cr_assert(id, "case %zu has no id", i);
		buf what = BUF_INIT;
		char *got = NULL;
		run_case(&got, engine, c, &what);
		if (!expected)
			expected = ""; /* null: no Cookie header */
		tally_judge(&t, id, strcmp(got, expected) == 0, buf_cstr(&what), expected, got);
		free(got);
		buf_free(&what);
	}
	char summary[256];
	int unexpected = tally_finish(&t, summary, sizeof summary);
	json_decref(root);
	ASSERT_VERDICT(t, unexpected, summary);
}

Test(http_state, chromium)
{
	run_suite(BSIM_ENGINE_CHROMIUM);
}

Test(http_state, firefox)
{
	run_suite(BSIM_ENGINE_FIREFOX);
}

Test(http_state, safari)
{
	run_suite(BSIM_ENGINE_SAFARI);
}
