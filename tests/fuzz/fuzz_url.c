/*
 * fuzz_url.c: URL parsing and host classification (sim/net/url.c, url_cache.c,
 * sim/net/host.c): the whole input as a URL, and as a raw host name.
 *
 * Invariants: canonicalizing a host twice changes nothing (what the jar
 * stores is already canonical); a parsed URL's kind, trailing dot and
 * loopback flags are what host_classify and friends say of its host; a
 * registrable domain is the host or a dot-separated suffix of it; the
 * URL cache returns what url_parse does, also for a new URL on an origin
 * it remembers (parsed without libcurl); and the URL rebuilt from its
 * parts parses to the same scheme, host, port and path.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "net/host.h"
#include "net/url.h"
#include "util/buf.h"

/* Far past any URL a scenario holds; the parser's own cap (URL_MAX_LEN, 2 MiB) is tested by the hostile table. */
#define MAX_URL 4096

static void check_host(const char *raw, size_t len)
{
	char *canon = NULL;
	if (host_canonicalize(&canon, raw, len) < 0) {
		FUZZ_CHECK(*bsim_error_last()->message, "a refused host without a message");
		return;
	}
	FUZZ_CHECK(strlen(canon) <= HOST_NAME_MAX_LEN + 2, "canonical host longer than a host name: %zu",
		   strlen(canon));
	char *again = NULL;
	FUZZ_CHECK(host_canonicalize(&again, canon, strlen(canon)) == 0, "canonical \"%.300s\" is refused: %s", canon,
		   bsim_error_last()->message);
	FUZZ_CHECK(strcmp(again, canon) == 0, "canonicalize not idempotent: \"%.300s\" -> \"%.300s\"", canon, again);
	FUZZ_CHECK(host_classify(canon) != HOST_KIND_NONE, "a canonical host of kind none: \"%.300s\"", canon);
	free(again);
	free(canon);
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Every field a rule reads (not the text: the same URL may be written two ways). */
static bool same_url(const url *a, const url *b)
{
	return a->scheme == b->scheme && same_str(a->host, b->host) && a->port == b->port &&
	       same_str(a->path, b->path) && same_str(a->query, b->query) && a->kind == b->kind &&
	       a->trailing_dot == b->trailing_dot && a->loopback == b->loopback &&
	       a->host_is_public_suffix == b->host_is_public_suffix && same_str(a->registrable, b->registrable) &&
	       same_str(a->path_unreserved, b->path_unreserved);
}

static void check_url(const char *text)
{
	url *u = NULL;
	if (url_parse(&u, text) < 0) {
		FUZZ_CHECK(*bsim_error_last()->message, "a refused URL without a message");
		return;
	}
	FUZZ_CHECK(u->path && u->path[0] == '/', "path \"%.300s\" does not start with '/'", u->path);
	FUZZ_CHECK(u->path_unreserved, "no path_unreserved");
	if (u->scheme == URL_SCHEME_FILE) {
		FUZZ_CHECK(*u->host == '\0' && u->kind == HOST_KIND_NONE && !u->registrable, "file: URL with a host");
	} else {
		FUZZ_CHECK(u->kind == host_classify(u->host), "kind %d but host_classify(\"%.300s\") is %d", (int)u->kind,
			   u->host, (int)host_classify(u->host));
		FUZZ_CHECK(u->trailing_dot == host_has_trailing_dot(u->host), "trailing_dot disagrees on \"%.300s\"",
			   u->host);
		FUZZ_CHECK(u->loopback == host_is_loopback(u->host, u->kind), "loopback disagrees on \"%.300s\"", u->host);
		FUZZ_CHECK(u->port >= 0 && u->port <= 65535, "port %d", u->port);
		char *again = NULL;
		FUZZ_CHECK(host_canonicalize(&again, u->host, strlen(u->host)) == 0 && strcmp(again, u->host) == 0,
			   "URL host \"%.300s\" is not canonical", u->host);
		free(again);
	}
	if (u->registrable) {
		size_t hl = strlen(u->host), rl = strlen(u->registrable);
		FUZZ_CHECK(rl > 0 && rl <= hl && strcmp(u->host + hl - rl, u->registrable) == 0 &&
				   (rl == hl || u->host[hl - rl - 1] == '.'),
			   "registrable \"%.300s\" is not a suffix of \"%.300s\"", u->registrable, u->host);
		FUZZ_CHECK(!u->host_is_public_suffix, "a public suffix with a registrable domain: %.300s", u->host);
	}

	/* Rebuilt from its parts, the URL means the same. */
	buf b = BUF_INIT;
	if (u->scheme == URL_SCHEME_FILE)
		buf_printf(&b, "file://%s", u->path);
	else
		buf_printf(&b, "%s://%s:%d%s", url_scheme_name(u->scheme), u->host, u->port, u->path);
	if (u->query)
		buf_printf(&b, "?%s", u->query);
	FUZZ_CHECK(buf_status(&b) == 0, "out of memory");
	url *v = NULL;
	FUZZ_CHECK(url_parse(&v, buf_cstr(&b)) == 0, "\"%.300s\" parsed, its rebuilt form \"%.300s\" does not: %s",
		   text, buf_cstr(&b), bsim_error_last()->message);
	FUZZ_CHECK(v->scheme == u->scheme && strcmp(v->host, u->host) == 0 && v->port == u->port &&
			   strcmp(v->path, u->path) == 0 && v->kind == u->kind,
		   "\"%.300s\" and its rebuilt form \"%.300s\" differ (host \"%.100s\" path \"%.100s\")", text,
		   buf_cstr(&b), v->host, v->path);
	url_free(v);
	buf_free(&b);

	/*
	 * The cache: first a full parse, then the same URL with another
	 * fragment, a new text on a known origin, which the origin memo parses
	 * without libcurl: both must be what url_parse says.
	 */
	url_cache *cache = NULL;
	FUZZ_OK(url_cache_new(&cache));
	const url *c = NULL;
	FUZZ_CHECK(url_cache_get(&c, cache, text) == 0 && same_url(c, u), "the URL cache disagrees with url_parse");
	size_t n = strlen(text);
	/* trailing controls and spaces are trimmed: a '#' after them would not end the URL */
	if ((unsigned char)text[n - 1] > 0x20) {
		buf other = BUF_INIT;
		buf_printf(&other, "%s#bsim-fuzz", text);
		FUZZ_CHECK(buf_status(&other) == 0, "out of memory");
		const url *m = NULL;
		FUZZ_CHECK(url_cache_get(&m, cache, buf_cstr(&other)) == 0 && m != c && same_url(m, u),
			   "a URL on a remembered origin parses differently: \"%.300s\" (path \"%.100s\" query \"%.100s\")",
			   text, m ? m->path : "", m && m->query ? m->query : "(none)");
		buf_free(&other);
	}
	url_cache_free(cache);
	url_free(u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_URL)
		return 0;
	char *text = fuzz_strndup(data, size);
	check_host((const char *)data, size);
	check_url(text);
	free(text);
	return 0;
}
