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
#include "suite.h"
#include "support.h"
#include "util/buf.h"

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
	bsim_jar *jar = conformance_jar(engine);
	if (strcmp(api, "set-cookie-header") == 0) {
		bsim_cookie_ctx ctx = context_in_page(set_url, page_url);
		conformance_set_headers(jar, *id, set_url, strings, &ctx, what);
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
	conformance_run_suite(engine, "wpt-http-state", "conformance/wpt/http-state/cases.json", conformance_http_state_case);
}

static void run_tables(bsim_engine engine)
{
	conformance_run_suite(engine, "wpt", "conformance/wpt/cases.json", run_table_case);
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
