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
#include "suite.h"
#include "support.h"
#include "util/buf.h"

#define SUITE "http-state"
#define CASES_PATH "conformance/http-state/cases.json"

/* The cases are in the http-state format that suite.c runs (WPT's copy uses it too). */
static void run_suite(bsim_engine engine)
{
	conformance_run_suite(engine, SUITE, CASES_PATH, conformance_http_state_case);
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
