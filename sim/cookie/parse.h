/*
 * parse.h: the Set-Cookie parsing algorithm of RFC 6265bis §5.6, with the
 * engine differences of browser-rules.md §1 taken from the preset. Parsing is
 * time-free and host-free: it turns bytes into a name, a value and the
 * attributes that survived, and leaves every decision that needs the request
 * (domain, path default, secure origin, expiry against the clock) to the
 * storage model in jar.c.
 *
 * Strings in a parsed_cookie point into the input, which must outlive it.
 */
#ifndef BSIM_COOKIE_PARSE_H
#define BSIM_COOKIE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bsim/cookie.h"
#include "cookie/preset.h"

/* RFC 6265bis §5.6 step 5 / §6.1; Chromium kMaxCookieNamePlusValueSize, Firefox kMaxBytesPerCookie. */
#define COOKIE_MAX_NAME_VALUE 4096
/* RFC 6265bis §5.6 attribute step 6; Chromium kMaxCookieAttributeValueSize, Firefox ATTRIBUTE_MAX_LENGTH. */
#define COOKIE_MAX_ATTRIBUTE_VALUE 1024
/* Largest Max-Age kept before saturating (seconds); far beyond every cap. */
#define COOKIE_MAX_AGE_SATURATE ((int64_t)1 << 40)

typedef struct parsed_cookie {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;

	bool has_max_age;      /* a valid Max-Age (the last one wins) */
	int64_t max_age_s;     /* <= 0 means "expire now" */
	bool has_expires;      /* a valid Expires (the last one wins) */
	int64_t expires_s;     /* seconds since the epoch */

	bool has_domain;       /* a non-empty Domain attribute */
	const char *domain;    /* without one leading '.', not yet lowercased */
	size_t domain_len;

	bool has_path;         /* a Path attribute starting with '/' */
	const char *path;
	size_t path_len;
	bool path_attr_is_root;/* the last Path attribute was exactly "/" (for __Host-, §5.7 step 21) */

	bool secure;
	bool http_only;
	bool partitioned;
	bsim_samesite same_site;
	bsim_priority priority;

	/* Attributes ignored for their size, reported in explanations. */
	unsigned oversize_attributes;
} parsed_cookie;

/*
 * Parse one Set-Cookie value (or one document.cookie assignment) s[0..len).
 * Returns BSIM_REASON_NONE and fills *out, or the reason the whole cookie is
 * ignored (control character, too large, empty). *out is filled as far as
 * parsing got, so a refusal can still name the cookie.
 */
bsim_cookie_reason cookie_parse(parsed_cookie *out, const char *s, size_t len,
				const cookie_preset *preset);

/* The parts of a cookie a file names one by one (an import), for cookie_field_problem. */
typedef enum cookie_field {
	COOKIE_FIELD_NAME,
	COOKIE_FIELD_VALUE,
	COOKIE_FIELD_ATTRIBUTE /* a Domain or Path value */
} cookie_field;

/*
 * Whether s[0..len), given whole as a cookie's name, value, domain or path
 * (an import: Playwright's addCookies goes through Chromium's
 * CanonicalCookie::CreateSanitizedCookie, which refuses what a Set-Cookie
 * header cannot carry), is something cookie_parse could have produced under
 * preset p. NULL when it is, else a phrase for a message ("holds ';', ...").
 * These are cookie_parse's own rules, read the other way: one definition.
 */
const char *cookie_field_problem(const char *s, size_t len, cookie_field field, const cookie_preset *p);

/* ASCII case-insensitive prefix test, as the cookie prefixes need (§5.4). */
bool cookie_has_prefix_ci(const char *s, size_t len, const char *prefix);

#endif
