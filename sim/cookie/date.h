/*
 * date.h: the cookie-date algorithm of RFC 6265bis §5.1.1, and the variant
 * Chromium ships (browser-rules.md P10), chosen by the engine preset.
 */
#ifndef BSIM_COOKIE_DATE_H
#define BSIM_COOKIE_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cookie_date_syntax {
	COOKIE_DATE_RFC6265BIS = 0, /* §5.1.1 exactly */
	COOKIE_DATE_CHROMIUM,       /* net/cookies/cookie_util.cc ParseCookieExpirationTime */
	COOKIE_DATE_FIREFOX         /* §5.1.1 with the time optional, as NSPR's PR_ParseTimeString */
} cookie_date_syntax;

/*
 * Parse s[0..len) as an Expires value. On success sets *out_seconds (seconds
 * since the epoch, UTC) and returns true; returns false when the value is not
 * a cookie date, in which case the attribute is ignored (§5.6.1).
 */
bool cookie_date_parse(const char *s, size_t len, cookie_date_syntax syntax, int64_t *out_seconds);

/*
 * COOKIE_DATE_CHROMIUM keeps a date whose year lies outside 1601..30827
 * (Chromium's bounds on Windows; date.c says why bsim uses them everywhere)
 * by saturating it to 1601-01-01T00:00:00Z or 30827-12-31T23:59:59Z.
 */
#define COOKIE_DATE_CHROMIUM_MIN_YEAR 1601
#define COOKIE_DATE_CHROMIUM_MAX_YEAR 30827
#define COOKIE_DATE_CHROMIUM_EARLIEST INT64_C(-11644473600)
#define COOKIE_DATE_CHROMIUM_LATEST INT64_C(910670515199)

#endif
