/*
 * url_internal.h: what the URL parser (url.c) and the cache of parsed URLs
 * (url_cache.c) share: the authority memo the cache keeps and the parse
 * that consults it.
 */
#ifndef BSIM_NET_URL_INTERNAL_H
#define BSIM_NET_URL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "net/url.h"
#include "util/strmap.h"

/* Part of a text: p NULL for a part that is absent (no query, no registrable domain). */
typedef struct span {
	const char *p;
	size_t n;
} span;

/*
 * The authority memo (url_cache's `origins`): what libcurl and fill_host
 * made of one "scheme://authority" text, so that a new URL on an origin
 * already parsed needs neither libcurl nor IDNA nor the public suffix list.
 * New URLs are mostly new paths on origins already seen, and those steps
 * were most of their cost. The path and query a fast parse takes are the
 * ones build_curl_text wrote, which libcurl keeps as they are unless a
 * segment is "." or ".." (curl's lib/urlapi.c, dedotdotify): such a URL
 * takes the full parse. fuzz_url checks that both parses agree.
 */
typedef struct origin_facts {
	char *host;
	char *registrable;  /* or NULL */
	host_kind kind;
	int port;
	bool trailing_dot;
	bool loopback;
	bool host_is_public_suffix;
} origin_facts;

/* Forget every memo entry (the cache's end, or the memo reaching URL_ORIGIN_MEMO_MAX). */
void origin_memo_clear(strmap *memo);
/* Remember what a full parse found for its authority; a failure only loses the shortcut. */
void origin_memo_put(strmap *memo, const char *authority, size_t len, const url *u);
/*
 * The memo's facts for the authority of ct (the text libcurl would parse)
 * when known and its path needs no dot removal, with the path and query
 * spans of ct; NULL to take the full parse.
 */
const origin_facts *origin_memo_find(const strmap *memo, const char *ct, size_t ct_len, size_t authority_end,
				     span *path, span *query);

/* url_parse, consulting and filling memo (NULL: none). */
int url_parse_memo(url **out, const char *text, strmap *memo);

#endif
