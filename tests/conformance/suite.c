/*
 * suite.c: running the public cookie suites (suite.h): a case's jar at the
 * suites' "now", the Set-Cookie headers of one response, the http-state
 * case format that both http-state and WPT's copy of it use, and every case
 * of a cases.json judged against its expectations file.
 */
#include "suite.h"

#include <stdlib.h>
#include <string.h>

#include "support.h"

/* Set-Cookie headers of one response to `url`, each trimmed as an HTTP stack trims it. */
void conformance_set_headers(bsim_jar *jar, const char *id, const char *url, json_t *headers,
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
bsim_jar *conformance_jar(bsim_engine engine)
{
	bsim_jar *jar = NULL;
	cr_assert_eq(bsim_jar_new(&jar, engine), 0);
	bsim_jar_set_time(jar, CONFORMANCE_NOW_MS);
	return jar;
}

/* Every case of a cases.json on one engine, judged against <suite>-<engine>.txt. */
void conformance_run_suite(bsim_engine engine, const char *suite, const char *cases_path, conformance_case_fn *run_case)
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

char *conformance_http_state_case(bsim_engine engine, json_t *c, size_t index, const char **id,
				   const char **expected, buf *what)
{
	*id = support_json_str(c, "id");
	const char *request_url = support_json_str(c, "request_url");
	const char *result_url = support_json_str(c, "result_url");
	*expected = support_json_str(c, "expected_cookie");
	json_t *headers = json_object_get(c, "set_cookie");
	cr_assert(*id && request_url && result_url && json_is_array(headers), "malformed case %zu", index);
	bsim_jar *jar = conformance_jar(engine);
	bsim_cookie_ctx navigate = BSIM_COOKIE_CTX_NAVIGATE;
	conformance_set_headers(jar, *id, request_url, headers, &navigate, what);
	buf_printf(what, ", Cookie header at %s", result_url);
	char *got = NULL;
	cr_assert_eq(bsim_jar_cookie_header(&got, jar, result_url, &navigate), 0, "%s: %s", *id,
		     bsim_error_last()->message);
	if (!*expected)
		*expected = ""; /* null: no cookie */
	bsim_jar_free(jar);
	return got;
}
