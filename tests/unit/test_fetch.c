/*
 * test_fetch.c: the response headers of a live navigation as libcurl hands
 * them over (sim/net/fetch.c fetch_header_line), without a network: what is
 * kept, what a status line resets, and each limit named when it is hit.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "net/fetch.h"

static size_t feed(fetch_headers *c, const char *line)
{
	return fetch_header_line(c, line, strlen(line));
}

Test(fetch, header_lines_are_kept_without_line_ends_and_a_status_line_starts_afresh)
{
	fetch_response r = {0};
	fetch_headers c = {&r, 0, 0, NULL, 0};
	cr_expect_eq(feed(&c, "HTTP/1.1 100 Continue\r\n"), 23);
	cr_expect_eq(feed(&c, "X-Early: 1\r\n"), 12);
	cr_expect_eq(feed(&c, "\r\n"), 2);
	cr_expect_eq(feed(&c, "HTTP/1.1 302 Found\r\n"), 20);
	cr_expect_eq(r.n_headers, 0, "the final response's headers start afresh");
	cr_expect_eq(c.complete, 0);
	feed(&c, "Set-Cookie: a=1\r\n");
	feed(&c, "Location:  /next\r\n");
	feed(&c, "\r\n");
	cr_expect_eq(c.complete, 1);
	cr_assert_eq(r.n_headers, 2);
	cr_expect_str_eq(r.headers[0], "Set-Cookie: a=1");
	size_t at = 0;
	cr_expect_str_eq(fetch_header_next(&r, "location", &at), "/next");
	fetch_response_free(&r);
}

/* A NUL would cut the line (and a Set-Cookie value) short where it is kept: the response is refused instead. */
Test(fetch, a_header_line_with_a_nul_byte_cuts_the_response_off)
{
	fetch_response r = {0};
	fetch_headers c = {&r, 0, 0, NULL, 0};
	static const char line[] = "Set-Cookie: a=1\0; Domain=evil.test\r\n";
	cr_expect_eq(fetch_header_line(&c, line, sizeof line - 1), 0);
	cr_expect_eq(c.over_limit, 1);
	cr_expect_str_eq(c.limit_what, "a header line holds a NUL byte, which no HTTP header may (RFC 9110 §5.5)");
	cr_expect_eq(r.n_headers, 0);
	fetch_response_free(&r);
}
