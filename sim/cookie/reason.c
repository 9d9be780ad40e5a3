/*
 * reason.c: the stable codes of bsim_cookie_reason and the rule each one
 * enforces. Scenario files name these codes (expect-failure=
 * "cookie-refused:public-suffix"), so a code, once published, never changes.
 */
#include <string.h>

#include "bsim/cookie.h"
#include "util/error.h"

static const struct {
	const char *code;
	const char *rule;
} reasons[BSIM_REASON_COUNT] = {
	[BSIM_REASON_NONE] = {"none", ""},
	[BSIM_REASON_CONTROL_CHAR] = {"control-char", "RFC 6265bis §5.6 step 1, §5.7 step 3"},
	[BSIM_REASON_EMPTY] = {"empty-name-and-value", "RFC 6265bis §5.7 step 2"},
	[BSIM_REASON_TOO_LARGE] = {"name-value-too-large", "RFC 6265bis §5.6 step 5, §5.7 step 4"},
	[BSIM_REASON_HIDDEN_PREFIX] = {"nameless-prefix", "RFC 6265bis §5.7 step 22"},
	[BSIM_REASON_EMPTY_NAME] = {"empty-name", "Firefox CookieParser, an empty name set with '='"},
	[BSIM_REASON_SCHEME] = {"scheme-not-cookieable", "HTML document.cookie, cookie-averse documents"},
	[BSIM_REASON_PUBLIC_SUFFIX] = {"public-suffix", "RFC 6265bis §5.7 step 9"},
	[BSIM_REASON_DOMAIN_MISMATCH] = {"domain-mismatch", "RFC 6265bis §5.7 step 10"},
	[BSIM_REASON_IP_DOMAIN] = {"ip-address-domain", "RFC 6265bis §5.1.3, §5.7 step 10"},
	[BSIM_REASON_NO_REGISTRABLE] = {"no-registrable-domain", "RFC 6265bis §5.7 steps 9-10"},
	[BSIM_REASON_NON_ASCII_DOMAIN] = {"non-ascii-domain", "RFC 6265bis §5.7 step 8"},
	[BSIM_REASON_TRAILING_DOT] = {"trailing-dot", "RFC 6265bis §5.1.2"},
	[BSIM_REASON_SECURE_FROM_INSECURE] = {"secure-on-insecure-origin", "RFC 6265bis §5.7 step 13"},
	[BSIM_REASON_OVERWRITE_SECURE] = {"overwrites-secure", "RFC 6265bis §5.7 step 16"},
	[BSIM_REASON_HTTPONLY_FROM_SCRIPT] = {"httponly-from-script", "RFC 6265bis §5.7 step 15"},
	[BSIM_REASON_OVERWRITE_HTTPONLY] = {"overwrites-httponly", "RFC 6265bis §5.7 step 23.2"},
	[BSIM_REASON_SAMESITE_NONE_INSECURE] = {"samesite-none-without-secure", "RFC 6265bis §5.7 step 19"},
	[BSIM_REASON_SAMESITE_CROSS_SITE] = {"samesite-cross-site", "RFC 6265bis §5.7 step 18"},
	[BSIM_REASON_PREFIX_SECURE] = {"prefix-secure", "RFC 6265bis §5.4, §5.7 step 20"},
	[BSIM_REASON_PREFIX_HOST] = {"prefix-host", "RFC 6265bis §5.4, §5.7 step 21"},
	[BSIM_REASON_PREFIX_HTTP] = {"prefix-http", "draft-ietf-httpbis-layered-cookies, __Http- prefix"},
	[BSIM_REASON_PARTITIONED_INSECURE] = {"partitioned-without-secure", "CHIPS, Partitioned requires Secure"},
	[BSIM_REASON_THIRD_PARTY_BLOCKED] = {"third-party-blocked", "RFC 6265bis §5.7 step 1, third-party cookie policy"},
	[BSIM_REASON_DOMAIN_LIMIT] = {"domain-limit", "RFC 6265bis §5.7 eviction, per-domain limit"},
	[BSIM_REASON_GLOBAL_LIMIT] = {"global-limit", "RFC 6265bis §5.7 eviction, total limit"},
	[BSIM_REASON_EXPIRED] = {"expired", "RFC 6265bis §5.7 eviction, expiry-time in the past"},
	[BSIM_REASON_SESSION_END] = {"session-ended", "RFC 6265bis §5.7, session cookies end with the session"},
};

const char *bsim_cookie_reason_code(bsim_cookie_reason reason)
{
	if ((unsigned)reason >= BSIM_REASON_COUNT)
		return "unknown";
	return reasons[reason].code;
}

const char *bsim_cookie_reason_rule(bsim_cookie_reason reason)
{
	if ((unsigned)reason >= BSIM_REASON_COUNT)
		return "";
	return reasons[reason].rule;
}

int bsim_cookie_reason_from_code(bsim_cookie_reason *out, const char *code)
{
	for (int i = 0; i < BSIM_REASON_COUNT; i++) {
		if (code && strcmp(code, reasons[i].code) == 0) {
			*out = (bsim_cookie_reason)i;
			return 0;
		}
	}
	return error_set(BSIM_ENOTFOUND, "unknown cookie reason code \"%s\"", code ? code : "");
}
