/*
 * fuzz_cookie_date.c: the cookie-date parser (sim/cookie/date.c), both the
 * RFC 6265bis §5.1.1 algorithm and Chromium's (browser-rules.md P10), on
 * the whole input as an Expires value.
 *
 * Invariants: a date either parser accepts lies in its range (the RFC's
 * years 1601..9999; Chromium's saturated 1601..30827), and parsing its own
 * IMF-fixdate form (what bsim writes, and what servers send) gives the same
 * instant back, so a parse is idempotent on its formatted output.
 */
#include <string.h>

#include "cookie/date.h"
#include "fuzz_support.h"
#include "util/timefmt.h"

/* Longest Expires value the parser can be handed: the attribute value limit (parse.h). */
#define MAX_DATE 1024

static void check(const char *s, size_t len, cookie_date_syntax syntax, const char *name)
{
	int64_t t;
	if (!cookie_date_parse(s, len, syntax, &t))
		return;
	int64_t lo = time_from_civil(1601, 1, 1, 0, 0, 0);
	int64_t hi = syntax == COOKIE_DATE_RFC6265BIS ? time_from_civil(9999, 12, 31, 23, 59, 59)
						      : COOKIE_DATE_CHROMIUM_LATEST;
	FUZZ_CHECK(t >= lo && t <= hi, "%s: %lld is outside the parser's range", name, (long long)t);
	int64_t again;
	FUZZ_CHECK(cookie_date_parse(s, len, syntax, &again) && again == t, "%s: two parses differ", name);

	char date[40];
	time_format_imf(t, date, sizeof date);
	/* IMF-fixdate has four-digit years; Chromium's saturated 30827 has no such form. */
	if (strlen(date) != 29)
		return;
	int64_t back;
	FUZZ_CHECK(cookie_date_parse(date, strlen(date), syntax, &back), "%s: its own output \"%s\" (%lld) is refused",
		   name, date, (long long)t);
	FUZZ_CHECK(back == t, "%s: \"%s\" reads as %lld, not %lld", name, date, (long long)back, (long long)t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_DATE)
		return 0;
	const char *s = (const char *)data;
	check(s, size, COOKIE_DATE_RFC6265BIS, "rfc6265bis");
	check(s, size, COOKIE_DATE_CHROMIUM, "chromium");
	return 0;
}
