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

#include "net/host.h"

/* Browsers cap URLs near 2 MB (Chromium's url::kMaxURLChars); bsim refuses longer input. */
#define URL_MAX_LEN (2 * 1024 * 1024)

typedef enum url_scheme {
	URL_SCHEME_HTTP = 0,
	URL_SCHEME_HTTPS,
	URL_SCHEME_WS,
	URL_SCHEME_WSS,
	URL_SCHEME_FILE
} url_scheme;

typedef struct url {
	url_scheme scheme;
	char *host;          /* canonical; "" for file: URLs */
	int port;            /* explicit or the scheme's default; 0 for file: */
	char *path;          /* starts with '/'; never NULL */
	char *query;         /* without '?', or NULL */
	host_kind kind;
	bool trailing_dot;
	bool loopback;       /* localhost, *.localhost, 127/8, [::1] */
	bool host_is_public_suffix;
	/* eTLD+1, or NULL when the host has none (IP, suffix, single label, file:). */
	char *registrable;
	char *text;          /* the URL as given, for messages */
} url;

/* Parse `text`. *out is allocated; free with url_free. BSIM_EINVAL with a message on bad input. */
int url_parse(url **out, const char *text);
void url_free(url *u);

/* "http", "https", ... */
const char *url_scheme_name(url_scheme scheme);
/* https or wss: a secure scheme (RFC 6265bis §5.8.3 uses "secure protocol"). */
bool url_scheme_is_secure(url_scheme scheme);

/* Same origin: scheme, host and port equal (HTML origin). */
bool url_same_origin(const url *a, const url *b);

/*
 * Same site (RFC 6265bis §5.2): registrable domains equal (hosts equal when
 * there is none); `schemeful` also requires http/https to agree.
 */
bool url_same_site(const url *a, const url *b, bool schemeful);

/*
 * A bounded cache of parsed URLs keyed by their text, so that a jar asked
 * about the same URL a million times parses it once. Entries stay valid
 * until url_cache_free or the next url_cache_get that evicts them: callers
 * use the returned pointer before asking again.
 */
typedef struct url_cache url_cache;
int url_cache_new(url_cache **out);
void url_cache_free(url_cache *cache);
/* *out is borrowed from the cache. Errors as url_parse. */
int url_cache_get(const url **out, url_cache *cache, const char *text);

#endif
