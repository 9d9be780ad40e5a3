/*
 * test_wpt.c: the web-platform-tests cookie cases, every case run through
 * the jar once per engine preset (conformance/README.md §2 and §3):
 *
 * - wpt/http-state/cases.json, WPT's copy of http-state with its 2020
 *   updates, run as http-state runs: Set-Cookie headers on a navigation to
 *   request_url, then the Cookie header sent to result_url, compared with
 *   expected_cookie (null: none, which the jar gives as "");
 * - wpt/cases.json, rows of WPT's cookie tables, run as WPT's helpers run
 *   them: the page at page_url fetches set_url, whose response carries the
 *   Set-Cookie headers (api "set-cookie-header"; a redirect_location is
 *   followed), or a script on page_url assigns each string to
 *   document.cookie (api "document.cookie"); then document.cookie is read on
 *   read_url and compared with `expected` ("" = no cookie).
 *
 * As in test_http_state.c, a case may fail only where the real browser
 * fails it too, listed with what that browser does differently in
 * tests/conformance/expectations/<suite>-<engine>.txt (suites "wpt-http-state"
 * and "wpt"); unlisted failures and stale entries fail the test
 * (expectations.c), and each run prints its count, e.g. "wpt chromium:
 * 190/198 pass, 8 listed".
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
 * Expires dates assume a "now" between 2007-08-07 and 2027-04-18
 * (conformance/README.md, Time); the wall clock would fail some cases.
 */
#define CONFORMANCE_NOW_MS INT64_C(1420070400000)

/* ---- running a case ------------------------------------------------------- */

/* Set-Cookie headers of one response to `url`, each trimmed as an HTTP stack trims it. */
static void set_headers(bsim_jar *jar, const char *id, const char *url, json_t *headers,
			const bsim_cookie_ctx *ctx, buf *what)
{
	size_t i;
	json_t *h;
	buf_puts(what, "Set-Cookie ");
	json_array_foreach(headers, i, h) {
		const char *v = json_string_value(h);
		size_t len = json_string_length(h);
		if (i)
			buf_puts(what, ", ");
		put_quoted(what, v, len);
		support_trim_ows(&v, &len);
		int rc = bsim_jar_set_cookie(jar, url, v, len, ctx);
		cr_assert_eq(rc, 0, "%s: set_cookie on %s failed: %s", id, url, bsim_error_last()->message);
	}
	buf_printf(what, " on %s", url);
}

/* The jar a case starts from: empty, its clock at the suites' "now". */
static bsim_jar *fresh_jar(bsim_engine engine)
{
	bsim_jar *jar = NULL;
	cr_assert_eq(bsim_jar_new(&jar, engine), 0);
	bsim_jar_set_time(jar, CONFORMANCE_NOW_MS);
	return jar;
}

/*
 * One case (the index-th) on one engine, in a jar of its own: returns the
 * cookies read back (allocated; the caller frees), sets *id and *expected
 * (borrowed from the case) and describes the input in `what`.
 */
typedef char *run_case_fn(bsim_engine engine, json_t *c, size_t index, const char **id, const char **expected,
			  buf *what);

/* Every case of a cases.json on one engine, judged against <suite>-<engine>.txt. */
static void run_suite(bsim_engine engine, const char *suite, const char *cases_path, run_case_fn *run_case)
{
	json_t *root;
	json_t *cases = support_shared_cases(cases_path, &root);
	tally t;
	tally_begin(&t, suite, bsim_engine_name(engine));
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *id, *expected;
		buf what = BUF_INIT;
		char *got = run_case(engine, c, i, &id, &expected, &what);
		tally_judge(&t, id, strcmp(got, expected) == 0, buf_cstr(&what), expected, got);
		free(got);
		buf_free(&what);
	}
	char summary[256];
	int unexpected = tally_finish(&t, summary, sizeof summary);
	json_decref(root);
	ASSERT_VERDICT(t, unexpected, summary);
}

/* ---- WPT's copy of http-state ---------------------------------------------- */

static char *run_http_state_case(bsim_engine engine, json_t *c, size_t index, const char **id,
				 const char **expected, buf *what)
{
	*id = support_json_str(c, "id");
	const char *request_url = support_json_str(c, "request_url");
	const char *result_url = support_json_str(c, "result_url");
	*expected = support_json_str(c, "expected_cookie");
	json_t *headers = json_object_get(c, "set_cookie");
	cr_assert(*id && request_url && result_url && json_is_array(headers), "malformed case %zu", index);
	bsim_jar *jar = fresh_jar(engine);
	bsim_cookie_ctx navigate = BSIM_COOKIE_CTX_NAVIGATE;
	set_headers(jar, *id, request_url, headers, &navigate, what);
	buf_printf(what, ", Cookie header at %s", result_url);
	char *got = NULL;
	cr_assert_eq(bsim_jar_cookie_header(&got, jar, result_url, &navigate), 0, "%s: %s", *id,
		     bsim_error_last()->message);
	if (!*expected)
		*expected = ""; /* null: no cookie */
	bsim_jar_free(jar);
	return got;
}

/* ---- WPT's cookie tables ------------------------------------------------------ */

/*
 * The context of a request or document inside the test page: the page
 * itself is the top-level document; set_url (fetched by the page), the
 * redirect target and the frames the helpers read from are same-site
 * subresources of it.
 */
static bsim_cookie_ctx context_in_page(const char *url, const char *page_url)
{
	if (strcmp(url, page_url) == 0)
		return BSIM_COOKIE_CTX_NAVIGATE;
	return (bsim_cookie_ctx){page_url, 0, 0};
}

static char *run_table_case(bsim_engine engine, json_t *c, size_t index, const char **id, const char **expected,
			    buf *what)
{
	*id = support_json_str(c, "id");
	const char *api = support_json_str(c, "api");
	const char *page_url = support_json_str(c, "page_url");
	const char *set_url = support_json_str(c, "set_url");
	const char *redirect = support_json_str(c, "redirect_location");
	const char *read_url = support_json_str(c, "read_url");
	*expected = support_json_str(c, "expected");
	json_t *strings = json_object_get(c, "set_cookie");
	cr_assert(*id && api && page_url && set_url && read_url && *expected && json_is_array(strings),
		  "malformed case %zu", index);
	bsim_jar *jar = fresh_jar(engine);
	if (strcmp(api, "set-cookie-header") == 0) {
		bsim_cookie_ctx ctx = context_in_page(set_url, page_url);
		set_headers(jar, *id, set_url, strings, &ctx, what);
		if (redirect) {
			/* The fetch follows the 302; the request it makes carries cookies, nothing more. */
			char *sent = NULL;
			ctx = context_in_page(redirect, page_url);
			cr_assert_eq(bsim_jar_cookie_header(&sent, jar, redirect, &ctx), 0, "%s: %s", *id,
				     bsim_error_last()->message);
			free(sent);
			buf_printf(what, ", redirected to %s", redirect);
		}
	} else {
		cr_assert_str_eq(api, "document.cookie", "%s: unknown api", *id);
		bsim_cookie_ctx ctx = context_in_page(page_url, page_url);
		size_t k;
		json_t *s;
		buf_puts(what, "document.cookie = ");
		json_array_foreach(strings, k, s) {
			if (k)
				buf_puts(what, ", ");
			put_quoted(what, json_string_value(s), json_string_length(s));
			cr_assert_eq(bsim_jar_script_set(jar, page_url, json_string_value(s), json_string_length(s),
							 &ctx),
				     0, "%s: %s", *id, bsim_error_last()->message);
		}
		buf_printf(what, " on %s", page_url);
	}
	buf_printf(what, ", document.cookie at %s", read_url);
	bsim_cookie_ctx ctx = context_in_page(read_url, page_url);
	char *got = NULL;
	cr_assert_eq(bsim_jar_script_get(&got, jar, read_url, &ctx), 0, "%s: %s", *id, bsim_error_last()->message);
	bsim_jar_free(jar);
	return got;
}

static void run_http_state_copy(bsim_engine engine)
{
	run_suite(engine, "wpt-http-state", "conformance/wpt/http-state/cases.json", run_http_state_case);
}

static void run_tables(bsim_engine engine)
{
	run_suite(engine, "wpt", "conformance/wpt/cases.json", run_table_case);
}

Test(wpt_http_state, chromium)
{
	run_http_state_copy(BSIM_ENGINE_CHROMIUM);
}

Test(wpt_http_state, firefox)
{
	run_http_state_copy(BSIM_ENGINE_FIREFOX);
}

Test(wpt_http_state, safari)
{
	run_http_state_copy(BSIM_ENGINE_SAFARI);
}

Test(wpt, chromium)
{
	run_tables(BSIM_ENGINE_CHROMIUM);
}

Test(wpt, firefox)
{
	run_tables(BSIM_ENGINE_FIREFOX);
}

Test(wpt, safari)
{
	run_tables(BSIM_ENGINE_SAFARI);
}
