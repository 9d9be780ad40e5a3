/*
 * suite.h: what the conformance suites share to run a public cookie suite
 * through the jar (conformance/README.md): the jar a case starts from, the
 * Set-Cookie headers of one response as an HTTP stack hands them over, the
 * http-state case format (Adam Barth's suite and WPT's copy of it), and the
 * loop that judges every case of a cases.json against
 * tests/conformance/expectations/<suite>-<engine>.txt (expectations.h).
 */
#ifndef BSIM_TEST_SUITE_H
#define BSIM_TEST_SUITE_H

#include <jansson.h>
#include <stddef.h>

#include "bsim/cookie.h"
#include "expectations.h"
#include "util/buf.h"

/*
 * The virtual clock for every case: 2015-01-01T00:00:00Z. The suites'
 * Expires dates assume a "now" between 2007-08-07 and 2019-08-07 for
 * http-state, 2027-04-18 for WPT (conformance/README.md, Time); the wall
 * clock would fail some cases.
 */
#define CONFORMANCE_NOW_MS INT64_C(1420070400000)

/* The jar a case starts from: empty, its clock at CONFORMANCE_NOW_MS. */
bsim_jar *conformance_jar(bsim_engine engine);

/*
 * The Set-Cookie headers (a JSON array of strings) of one response to url,
 * each trimmed as an HTTP stack trims it, described in `what`; a jar error
 * fails the test, naming the case id.
 */
void conformance_set_headers(bsim_jar *jar, const char *id, const char *url, json_t *headers,
			     const bsim_cookie_ctx *ctx, buf *what);

/*
 * One case (the index-th) on one engine, in a jar of its own: returns the
 * cookies read back (allocated; the caller frees), sets *id and *expected
 * (borrowed from the case) and describes the input in `what`.
 */
typedef char *conformance_case_fn(bsim_engine engine, json_t *c, size_t index, const char **id,
				  const char **expected, buf *what);

/*
 * An http-state case: Set-Cookie headers on a navigation to request_url,
 * then the Cookie header sent to result_url, compared with expected_cookie
 * (null: none, which the jar gives as "").
 */
char *conformance_http_state_case(bsim_engine engine, json_t *c, size_t index, const char **id,
				  const char **expected, buf *what);

/* Every case of ../shared/CASES_PATH on one engine, judged against SUITE-ENGINE.txt. */
void conformance_run_suite(bsim_engine engine, const char *suite, const char *cases_path,
			   conformance_case_fn *run_case);

#endif
