/*
 * url.h: URLs as a browser's cookie and storage code sees them.
 *
 * Parsed with libcurl's URL API (CURLU); the host is then canonicalized with
 * host_canonicalize (lowercase, IDNA) since Debian's libcurl keeps the case.
 * Only the schemes bsim simulates are accepted: http, https, ws, wss, file.
 * A parsed url carries everything the cookie rules ask of it, computed once.
 */
#ifndef BSIM_NET_URL_H
#define BSIM_NET_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "bsim/units.h"
#include "net/host.h"

/* The longest URL bsim accepts (bsim/units.h says why). */
#define URL_MAX_LEN BSIM_URL_MAX_LEN

typedef enum url_scheme {
	URL_SCHEME_HTTP = 0,
	URL_SCHEME_HTTPS,
	URL_SCHEME_WS,
	URL_SCHEME_WSS,
	URL_SCHEME_FILE
} url_scheme;

typedef struct url {
	url_scheme scheme;
	char *host;          /* canonical (host_canonicalize); "" for file: URLs */
	int port;            /* explicit or the scheme's default; 0 for file: */
	char *path;          /* starts with '/', percent-encoded as a browser does; never NULL */
	char *query;         /* without '?' ("" for a lone '?'), or NULL; the fragment is dropped */
	host_kind kind;
	bool trailing_dot;
	bool loopback;       /* localhost, *.localhost, 127/8, [::1] */
	bool host_is_public_suffix;
	/* eTLD+1, or NULL when the host has none (IP, suffix, single label, file:). */
	char *registrable;
	char *text;          /* the URL as given, for messages */
	/*
	 * `path` with %-escapes of unreserved characters (A-Z a-z 0-9 - . _ ~)
	 * decoded. No engine preset uses it today: Chromium 156, run as the
	 * oracle, keeps %41 and %7E escaped (tests/oracle/traces/t03-path-escapes.ops),
	 * as WHATWG URL and Firefox do. Kept for a preset option. Never NULL.
	 */
	char *path_unreserved;
} url;

/*
 * Parse `text` (an absolute URL, at most URL_MAX_LEN bytes). *out is
 * allocated; free with url_free. BSIM_EINVAL with a message on bad input
 * (no scheme, another scheme, a bad host or port, a file: URL naming a
 * host); BSIM_ERROR with psl_open's message when the public suffix list
 * cannot be loaded, since no URL's cookie facts could be trusted then.
 */
int url_parse(url **out, const char *text);
void url_free(url *u);

/* "http", "https", ... */
const char *url_scheme_name(url_scheme scheme);
/* https or wss: a secure scheme (RFC 6265bis §5.8.3 uses "secure protocol"). */
bool url_scheme_is_secure(url_scheme scheme);

/*
 * Same origin: scheme, host and port equal (HTML origin). Every file: URL
 * has the one origin file://, as in Chromium (browser-rules.md §14).
 */
bool url_same_origin(const url *a, const url *b);

/*
 * Same site (RFC 6265bis §5.2): registrable domains equal (hosts equal when
 * there is none); `schemeful` also requires http/https to agree, counting
 * ws as http and wss as https (Chromium's SchemefulSite).
 */
bool url_same_site(const url *a, const url *b, bool schemeful);

/*
 * A bounded cache of parsed URLs keyed by their text, so that a jar asked
 * about the same URL a million times parses it once: a hit costs one hash
 * of the text and one comparison.
 *
 * Contract: a pointer returned by url_cache_get stays valid for at least the
 * next URL_CACHE_MAX calls to url_cache_get on the same cache (and until
 * url_cache_free); keep the URL text, not the pointer, for longer. How: two
 * generations of at most URL_CACHE_MAX URLs each; when the current one is
 * full it becomes the old one and the previous old one is freed; a hit in
 * the old generation moves that same object to the current one. At most
 * 2 * URL_CACHE_MAX URLs are held, each costing a few times its text's
 * length. Errors are not cached: a bad URL is parsed again on every call,
 * so its message is always set. One cache per thread: it has no lock.
 */
typedef struct url_cache url_cache;

/*
 * URLs per generation: far more distinct URLs than a scenario visits, so a
 * run's working set always hits, while two generations of typical URLs
 * hold about 2 MB. Also the number of later calls a returned pointer
 * survives (see above).
 */
#define URL_CACHE_MAX 4096

/*
 * The cache also remembers what each origin's "scheme://authority" text
 * parsed to (canonical host, port, public suffix facts), so a new URL on a
 * known origin skips libcurl, IDNA and the list unless its path has a "."
 * or ".." segment: up to this many origins (about 100 bytes each), then it
 * starts again. A browsing profile of thousands of sites fits; a scenario
 * sees a handful.
 */
#define URL_ORIGIN_MEMO_MAX 16384

/* *out is allocated; free with url_cache_free. */
int url_cache_new(url_cache **out);
void url_cache_free(url_cache *cache);
/* *out is borrowed from the cache (see the contract above). Errors as url_parse. */
int url_cache_get(const url **out, url_cache *cache, const char *text);
/* How many parsed URLs the cache holds now: never more than 2 * URL_CACHE_MAX. */
size_t url_cache_count(const url_cache *cache);

#endif
