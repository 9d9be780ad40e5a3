/*
 * fuzz_live_response.c: the response headers of a live navigation, without
 * a network: the input, split into lines, is handed to fetch_header_line
 * (sim/net/fetch.c) as libcurl's header callback hands them, status lines
 * and all; then the Set-Cookie headers go into a jar as the live navigation
 * (sim/browser/live.c) stores them, and its Location is looked up.
 *
 * Invariants: the limits of fetch.h hold (at most FETCH_HEADER_LINES_MAX
 * lines kept, the whole block at most FETCH_HEADER_BYTES_MAX, or the
 * transfer is cut off with the limit named; a line with a NUL byte cuts
 * it off too); a new status line (after a 1xx)
 * starts the headers afresh; every kept line is non-empty with no CR or LF
 * at its end; every value fetch_header_next finds lies inside a kept line
 * and starts past the blanks after the colon; the jar the Set-Cookie
 * headers fill keeps fuzz_check_jar's invariants.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "net/fetch.h"

/* Past FETCH_HEADER_BYTES_MAX, so the byte limit is reached; longer inputs only slow the search. */
#define MAX_INPUT (256 * 1024)

static void check_values(const fetch_response *r, const char *name)
{
	size_t at = 0;
	const char *v;
	while ((v = fetch_header_next(r, name, &at))) {
		FUZZ_CHECK(at >= 1 && at <= r->n_headers, "fetch_header_next moved to %zu of %zu", at, r->n_headers);
		const char *line = r->headers[at - 1];
		FUZZ_CHECK(v > line && v <= line + strlen(line), "a %s value outside its header line", name);
		FUZZ_CHECK(*v != ' ' && *v != '\t', "a %s value starting with a blank: \"%.80s\"", name, v);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	const char *s = (const char *)data;
	fetch_response r = {0};
	fetch_headers c = {&r, 0, 0, NULL, 0};
	size_t fed = 0;
	for (size_t at = 0; at < size;) {
		const char *nl = memchr(s + at, '\n', size - at);
		size_t len = nl ? (size_t)(nl - (s + at)) + 1 : size - at;
		size_t took = fetch_header_line(&c, s + at, len);
		fed += len;
		if (!took) {
			FUZZ_CHECK(c.over_limit && c.limit_what, "a line refused without a limit named");
			FUZZ_CHECK(fed > FETCH_HEADER_BYTES_MAX || r.n_headers == FETCH_HEADER_LINES_MAX ||
					   memchr(s + at, '\0', len),
				   "cut off at %zu bytes and %zu lines, inside both limits, on a line without NUL", fed,
				   r.n_headers);
			break;
		}
		FUZZ_CHECK(took == len, "took %zu of a %zu-byte line", took, len);
		if (len >= 5 && memcmp(s + at, "HTTP/", 5) == 0)
			FUZZ_CHECK(r.n_headers == 0, "a status line kept the headers before it");
		at += len;
	}
	FUZZ_CHECK(r.n_headers <= FETCH_HEADER_LINES_MAX, "%zu header lines kept", r.n_headers);
	FUZZ_CHECK(c.over_limit || c.header_bytes <= FETCH_HEADER_BYTES_MAX, "%zu header bytes accepted",
		   c.header_bytes);
	for (size_t i = 0; i < r.n_headers; i++) {
		size_t n = strlen(r.headers[i]);
		FUZZ_CHECK(n > 0, "an empty header line kept");
		FUZZ_CHECK(r.headers[i][n - 1] != '\r' && r.headers[i][n - 1] != '\n', "a header line kept its line end");
	}
	check_values(&r, "set-cookie");
	check_values(&r, "location");

	/* What live.c does with the response: every Set-Cookie into the jar, in order. */
	bsim_jar *jar = NULL;
	FUZZ_OK(bsim_jar_new(&jar, BSIM_ENGINE_CHROMIUM));
	bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;
	size_t at = 0;
	const char *v;
	while ((v = fetch_header_next(&r, "set-cookie", &at)))
		FUZZ_OK(bsim_jar_set_cookie(jar, "https://www.testsite.com/cart", v, strlen(v), &ctx));
	fuzz_check_jar(jar, true);
	bsim_jar_free(jar);
	fetch_response_free(&r);
	return 0;
}
