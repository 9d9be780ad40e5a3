/*
 * url.c: parses the URLs bsim's pages, requests and cookies are about, and
 * compares them (same origin, same site).
 *
 * libcurl's URL API does the parsing (authority, port, dot segments). What
 * a browser's parser does and libcurl does not is done here first, on a
 * copy handed to libcurl: the WHATWG URL preprocessing (trim C0 controls
 * and spaces, drop tabs and newlines), '\' as '/' in special URLs, any
 * number of slashes after "http:", the fragment dropped, "%2e" counted as
 * '.' in dot segments, and path and query percent-encoded with the WHATWG
 * sets (so /a b becomes /a%20b as in a browser). The host is then canonicalized by host_canonicalize (libcurl
 * keeps its case and does no IDNA), and the public suffix facts the cookie
 * rules need are computed once per URL. The cache of parsed URLs and its
 * memo of origins live in url_cache.c.
 */
#include "net/url.h"

#include <curl/curl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/psl.h"
#include "net/url_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/hex.h"
#include "util/strmap.h"

/* Room for a quoted URL in a message; error.c caps the whole message at 1 KiB. */
#define URL_QUOTE_BUF 320

/* Room for libcurl's reason inside a URL error. */
#define URL_WHY_MAX 1024

/*
 * Scratch room on the stack for the two texts a parse builds (the cleaned
 * input, the text libcurl reads): a page URL is well under 1 KiB; a longer
 * one moves to the heap.
 */
#define URL_SCRATCH 1024

/* Longest scheme bsim accepts is "https"; a longer one is only quoted in the message. */
#define URL_SCHEME_MAX 5

typedef struct scheme_info {
	const char *name;
	url_scheme scheme;
	int default_port;
	bool secure;
} scheme_info;

/* WHATWG URL "special schemes" bsim simulates, with their default ports. */
static const scheme_info schemes[] = {
	{"http", URL_SCHEME_HTTP, 80, false},
	{"https", URL_SCHEME_HTTPS, 443, true},
	{"ws", URL_SCHEME_WS, 80, false},
	{"wss", URL_SCHEME_WSS, 443, true},
	{"file", URL_SCHEME_FILE, 0, false},
};

static const scheme_info *scheme_lookup(url_scheme scheme)
{
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (schemes[i].scheme == scheme)
			return &schemes[i];
	return NULL;
}

const char *url_scheme_name(url_scheme scheme)
{
	const scheme_info *s = scheme_lookup(scheme);
	return s ? s->name : "unknown";
}

bool url_scheme_is_secure(url_scheme scheme)
{
	const scheme_info *s = scheme_lookup(scheme);
	return s && s->secure;
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_scheme_char(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

static bool is_slash(char c)
{
	return c == '/' || c == '\\';
}

/* WHATWG URL path percent-encode set ('#' and '?' never reach it here). */
static bool path_needs_encoding(unsigned char c)
{
	return c <= 0x20 || c > 0x7e || c == '"' || c == '<' || c == '>' || c == '^' ||
	       c == '`' || c == '{' || c == '}';
}

/* WHATWG URL special-query percent-encode set. */
static bool query_needs_encoding(unsigned char c)
{
	return c <= 0x20 || c > 0x7e || c == '"' || c == '<' || c == '>' || c == '\'';
}

/*
 * WHATWG URL "single-dot segment" ("." or "%2e") and "double-dot segment"
 * (".." with either dot written "%2e", any case): 1 or 2, or 0 for another
 * segment.
 */
static int dot_segment(const char *s, size_t n)
{
	int dots = 0;
	size_t i = 0;
	while (i < n) {
		if (s[i] == '.')
			i++;
		else if (n - i >= 3 && s[i] == '%' && s[i + 1] == '2' && (s[i + 2] == 'e' || s[i + 2] == 'E'))
			i += 3;
		else
			return 0;
		if (++dots > 2)
			return 0;
	}
	return dots;
}

static void put_encoded(buf *b, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char e[3] = {'%', hex[c >> 4], hex[c & 0xf]};
	buf_put(b, e, 3);
}

/* Append [p, end) with every byte of the encode set escaped, copying the runs between escapes whole. */
static inline void put_encoded_span(buf *b, const char *p, const char *end, bool query)
{
	const char *run = p;
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;
		if (query ? query_needs_encoding(c) : path_needs_encoding(c)) {
			buf_put(b, run, (size_t)(p - run));
			put_encoded(b, (unsigned char)*p);
			run = p + 1;
		}
	}
	buf_put(b, run, (size_t)(end - run));
}

/* WHATWG URL basic parser, first steps: trim leading and trailing C0 controls and spaces, remove every tab and newline. */
static void clean_input(buf *b, const char *text, size_t len)
{
	size_t start = 0, end = len;
	while (start < end && (unsigned char)text[start] <= 0x20)
		start++;
	while (end > start && (unsigned char)text[end - 1] <= 0x20)
		end--;
	/* Copy the runs between removed characters whole: most URLs are one run. */
	size_t run = start;
	for (size_t i = start; i < end; i++) {
		if (text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
			buf_put(b, text + run, i - run);
			run = i + 1;
		}
	}
	buf_put(b, text + run, end - run);
}

/* Message for a bad URL, with the URL quoted and what to do. Returns BSIM_EINVAL. */
static int url_error(const char *text, size_t len, const char *what)
{
	char quoted[URL_QUOTE_BUF];
	host_quote(quoted, sizeof quoted, text, len);
	return error_set(BSIM_EINVAL, "invalid URL \"%s\": %s", quoted, what);
}

/* The inner error (a host's) as the reason a URL is bad: "invalid URL "...": <inner>". Returns BSIM_EINVAL. */
static int url_error_wrap(const char *text, size_t len)
{
	char quoted[URL_QUOTE_BUF];
	host_quote(quoted, sizeof quoted, text, len);
	return error_wrap(BSIM_EINVAL, "invalid URL \"%s\"", quoted);
}

/* What libcurl refused, said as what to fix, with libcurl's own words after. */
static int curl_error(const char *text, size_t len, CURLUcode cu)
{
	char why[URL_WHY_MAX];
	const char *hint;
	switch (cu) {
	case CURLUE_BAD_HOSTNAME:
		/* libcurl refuses more than WHATWG does (e.g. '*', '!', '$'); say so rather than blame browsers. */
		hint = "its host has a space, a control character or punctuation libcurl refuses in a host "
		       "(anything but - . _ ~ and %-escapes; browsers accept a few more, such as * and !, "
		       "but bsim cannot): use letters, digits, '-', '.' and '_'";
		break;
	case CURLUE_BAD_PORT_NUMBER:
		hint = "its port must be a number from 0 to 65535";
		break;
	case CURLUE_NO_HOST:
		hint = "it has no host: write scheme://host/path";
		break;
	case CURLUE_BAD_IPV6:
		hint = "its IPv6 address is not valid: write it in brackets, e.g. http://[::1]:8080/";
		break;
	case CURLUE_BAD_FILE_URL:
		hint = "it is not a file URL bsim can use: write file:///path";
		break;
	default:
		hint = "it is not a URL bsim can parse";
		break;
	}
	snprintf(why, sizeof why, "%s (libcurl: %s)", hint, curl_url_strerror(cu));
	return url_error(text, len, why);
}

/*
 * The text libcurl parses: scheme lowercased, "//" then the authority (for
 * file: only "localhost" or nothing), then path and query encoded as a
 * browser would, without the fragment. `rest` follows the scheme's ':'.
 */
static int build_curl_text(buf *out, const scheme_info *si, const char *rest, size_t n,
			   const char *text, size_t len, size_t *authority_end)
{
	const char *p = rest, *end = rest + n;
	const char *hash = memchr(p, '#', n);
	if (hash)
		end = hash;  /* the fragment never reaches cookies or storage */
	buf_puts(out, si->name);
	buf_puts(out, "://");
	bool has_authority = true;
	if (si->scheme != URL_SCHEME_FILE) {
		/* WHATWG "special authority ignore slashes" state: http:x, http:////x are http://x. */
		while (p < end && is_slash(*p))
			p++;
	} else if (end - p >= 2 && is_slash(p[0]) && is_slash(p[1])) {
		p += 2;
	} else {
		has_authority = false;  /* file:/tmp/x and file:tmp */
	}
	if (has_authority) {
		const char *authority = p;
		while (p < end && !is_slash(*p) && *p != '?')
			p++;
		size_t alen = (size_t)(p - authority);
		if (si->scheme != URL_SCHEME_FILE) {
			buf_put(out, authority, alen);
		} else if (alen != 0 && !(alen == 9 && strncasecmp(authority, "localhost", 9) == 0)) {
			/* WHATWG URL file host state: "localhost" means no host; bsim has no other. */
			char quoted[URL_QUOTE_BUF], host[URL_QUOTE_BUF];
			host_quote(quoted, sizeof quoted, text, len);
			host_quote(host, sizeof host, authority, alen);
			return error_set(BSIM_EINVAL,
				"file URL \"%s\" names a host (\"%s\"): bsim simulates local files only; "
				"write file:///path", quoted, host);
		}
	}
	*authority_end = out->len;
	/* A special URL's path is never empty: http://x?q is http://x/?q. */
	if (p == end || !is_slash(*p))
		buf_putc(out, '/');
	const char *path_end = p;
	while (path_end < end && *path_end != '?')
		path_end++;
	while (p < path_end) {
		const char *seg_end = p;
		while (seg_end < path_end && !is_slash(*seg_end))
			seg_end++;
		int dots = dot_segment(p, (size_t)(seg_end - p));
		if (dots > 0) {
			/* libcurl removes "." and ".." but does not know "%2e" for '.'. */
			buf_put(out, "..", (size_t)dots);
			p = seg_end;
		}
		put_encoded_span(out, p, seg_end, false);
		p = seg_end;
		if (p < path_end) {
			buf_putc(out, '/');  /* '\\' too: a slash in special URLs */
			p++;
		}
	}
	if (p < end) {
		buf_putc(out, '?');
		put_encoded_span(out, p + 1, end, true);
	}
	return buf_status(out);
}

/*
 * Find the scheme of the cleaned input (WHATWG URL scheme start and scheme
 * states: an ASCII letter, then letters, digits, '+', '-', '.', then ':').
 * Returns the matching supported scheme, or NULL with the error set.
 */
static const scheme_info *parse_scheme(const char *c, size_t clen, size_t *scheme_len,
				       const char *text, size_t len)
{
	char quoted[URL_QUOTE_BUF];
	size_t i = 0;
	if (clen > 0 && is_alpha((unsigned char)c[0]))
		while (i < clen && is_scheme_char((unsigned char)c[i]))
			i++;
	if (i == 0 || i == clen || c[i] != ':') {
		host_quote(quoted, sizeof quoted, text, len);
		error_set(BSIM_EINVAL,
			"URL \"%s\" has no scheme: bsim needs an absolute URL such as https://www.shop.com/ "
			"(it does not resolve relative URLs)", quoted);
		return NULL;
	}
	*scheme_len = i;
	if (i <= URL_SCHEME_MAX) {
		char lower[URL_SCHEME_MAX + 1];
		for (size_t k = 0; k < i; k++)
			lower[k] = (char)(c[k] >= 'A' && c[k] <= 'Z' ? c[k] + ('a' - 'A') : c[k]);
		lower[i] = '\0';
		for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++)
			if (strcmp(lower, schemes[k].name) == 0)
				return &schemes[k];
	}
	char scheme[URL_QUOTE_BUF];
	host_quote(scheme, sizeof scheme, c, i);
	host_quote(quoted, sizeof quoted, text, len);
	error_set(BSIM_EINVAL,
		"unsupported scheme \"%s\" in URL \"%s\": bsim simulates http, https, ws, wss and file URLs",
		scheme, quoted);
	return NULL;
}

/* RFC 3986 §2.3 unreserved characters, whose escapes Chromium decodes in a path. */
static bool is_unreserved(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/* path[0..n) into out (n + 1 bytes) with %XX decoded where XX is an unreserved character. */
static void decode_unreserved(char *out, const char *path, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = path[i] == '%' ? hex_escape_value(path + i, n - i) : -1;
		if (c >= 0 && is_unreserved(c)) {
			out[o++] = (char)c;
			i += 2;
			continue;
		}
		out[o++] = path[i];
	}
	out[o] = '\0';
}

static span span_of(const char *s)
{
	return (span){s, s ? strlen(s) : 0};
}

/* Copy s to *w with its NUL and move *w past it; NULL for an absent part. */
static char *put_span(char **w, span s)
{
	if (!s.p)
		return NULL;
	char *at = *w;
	memcpy(at, s.p, s.n);
	at[s.n] = '\0';
	*w += s.n + 1;
	return at;
}

/*
 * The url and its strings in one allocation, so url_free is one free():
 * the cache parses tens of thousands of URLs, and their seven separate
 * strings were a fifth of a parse. facts gives the scalar fields.
 */
static url *url_pack(const url *facts, span host, span registrable, span path, span query, span text)
{
	size_t total = sizeof(url) + host.n + 1 + (registrable.p ? registrable.n + 1 : 0) + 2 * (path.n + 1) +
		       (query.p ? query.n + 1 : 0) + text.n + 1;
	url *u = malloc(total);
	if (!u)
		return NULL;
	*u = *facts;
	char *w = (char *)(u + 1);
	u->host = put_span(&w, host);
	u->registrable = put_span(&w, registrable);
	u->path = put_span(&w, path);
	u->query = put_span(&w, query);
	u->text = put_span(&w, text);
	u->path_unreserved = w;
	decode_unreserved(w, path.p, path.n);
	return u;
}

/* The separately allocated strings of a url being built by the full parse. */
static void url_parts_free(url *u)
{
	free(u->host);
	free(u->path);
	free(u->query);
	free(u->registrable);
	*u = (url){0};
}

void url_free(url *u)
{
	free(u);  /* one block: url_pack */
}

/*
 * What libcurl refuses in a host name (curl's lib/urlapi.c, hostname_check).
 * libcurl checks the host as written; a canonical host is checked again
 * because IDNA mapping (UTS #46) can make these from letters it accepts (a
 * fullwidth comma U+FF0C becomes ','), and bsim builds URLs from canonical
 * hosts (origins, exports) that must parse again.
 */
static bool curl_refuses_in_host(const char *host)
{
	return host[strcspn(host, " \r\n\t/:#?!@{}[]\\$'\"^`*<>=;,+&()%")] != '\0';
}

/* Host, kind and public suffix facts of a parsed non-file URL. */
static int fill_host(url *u, CURLU *h, const char *text, size_t len)
{
	char *raw = NULL, *zone = NULL;
	int rc = 0;
	CURLUcode cu = curl_url_get(h, CURLUPART_ZONEID, &zone, 0);
	if (cu == CURLUE_OK) {
		rc = url_error(text, len,
			"an IPv6 zone id (%25...) is not allowed in a browser URL: remove it");
		goto out;
	}
	cu = curl_url_get(h, CURLUPART_HOST, &raw, 0);
	if (cu == CURLUE_OUT_OF_MEMORY) {
		rc = error_oom();
		goto out;
	}
	if (cu != CURLUE_OK || !raw || raw[0] == '\0') {
		rc = url_error(text, len, "it has no host: write scheme://host/path");
		goto out;
	}
	if ((rc = host_canonicalize(&u->host, raw, strlen(raw))) < 0) {
		rc = url_error_wrap(text, len);
		goto out;
	}
	u->kind = host_classify(u->host);
	if (u->kind != HOST_KIND_IPV6 && curl_refuses_in_host(u->host)) {
		rc = curl_error(text, len, CURLUE_BAD_HOSTNAME);
		goto out;
	}
	u->trailing_dot = host_has_trailing_dot(u->host);
	u->loopback = host_is_loopback(u->host, u->kind);
	if (u->kind != HOST_KIND_IPV4 && u->kind != HOST_KIND_IPV6) {
		char reg[HOST_NAME_MAX_LEN + 2];
		/* Fail closed: without the list no URL is parsed, so no cookie rule runs on a guess. */
		if ((rc = psl_open()) < 0)
			goto out;
		u->host_is_public_suffix = psl_is_public_suffix(u->host);
		if (psl_registrable_domain(u->host, reg, sizeof reg)) {
			u->registrable = strdup(reg);
			if (!u->registrable)
				rc = error_oom();
		}
	}
out:
	curl_free(raw);
	curl_free(zone);
	return rc;
}

/* Port (or the scheme's default), path and query of a URL libcurl has parsed, into parts. */
static int fill_port_path_query(url *parts, CURLU *h, const scheme_info *si, const char *text, size_t len)
{
	char *part = NULL;
	parts->port = si->default_port;
	CURLUcode cu = curl_url_get(h, CURLUPART_PORT, &part, 0);
	if (cu == CURLUE_OK) {
		/* libcurl has checked it is 0..65535. */
		parts->port = (int)strtol(part, NULL, 10);
		curl_free(part);
	} else if (cu != CURLUE_NO_PORT) {
		return cu == CURLUE_OUT_OF_MEMORY ? error_oom() : url_error(text, len, "its port cannot be read");
	}

	cu = curl_url_get(h, CURLUPART_PATH, &part, 0);
	if (cu != CURLUE_OK)
		return cu == CURLUE_OUT_OF_MEMORY ? error_oom() : url_error(text, len, "its path cannot be read");
	if (part[0] == '/') {
		parts->path = strdup(part);
	} else {
		/* build_curl_text always starts the path with '/'; keep the invariant whatever libcurl does. */
		buf slash = BUF_INIT;
		buf_putc(&slash, '/');
		buf_puts(&slash, part);
		parts->path = buf_detach(&slash);
	}
	curl_free(part);
	/*
	 * libcurl refuses a file: path that starts with a drive letter
	 * ("/c:/", "/c|", curl's lib/urlapi.c) on systems other than Windows,
	 * but only as written: "file:///x/../c:/" passes and resolves to it,
	 * and every URL rebuilt from this one would be refused. Refuse it now.
	 */
	if (parts->path && si->scheme == URL_SCHEME_FILE && is_alpha((unsigned char)parts->path[1]) &&
	    (parts->path[2] == ':' || parts->path[2] == '|') &&
	    (parts->path[3] == '/' || parts->path[3] == '\\' || parts->path[3] == '\0'))
		return curl_error(text, len, CURLUE_BAD_FILE_URL);
	if (!parts->path)
		return error_oom();

	/* An empty query ("?" alone) stays "", as WHATWG keeps it non-null. */
	cu = curl_url_get(h, CURLUPART_QUERY, &part, 0);
	if (cu == CURLUE_OK) {
		parts->query = strdup(part);
		curl_free(part);
		if (!parts->query)
			return error_oom();
	} else if (cu != CURLUE_NO_QUERY) {
		return cu == CURLUE_OUT_OF_MEMORY ? error_oom() : url_error(text, len, "its query cannot be read");
	}
	return 0;
}

int url_parse_memo(url **out, const char *text, strmap *memo)
{
	char clean_mem[URL_SCRATCH], curl_mem[URL_SCRATCH];
	buf clean = buf_on(clean_mem, sizeof clean_mem), curl_text = buf_on(curl_mem, sizeof curl_mem);
	CURLU *h = NULL;
	url parts = {0};  /* the full parse's fields, each its own string until packed */
	int rc = 0;
	if (!out)
		return error_set(BSIM_EINVAL, "url_parse: no place for the result");
	*out = NULL;
	if (!text || text[0] == '\0')
		return error_set(BSIM_EINVAL, "empty URL: bsim needs an absolute URL such as https://www.shop.com/");
	size_t len = strnlen(text, (size_t)URL_MAX_LEN + 1);
	if (len > URL_MAX_LEN)
		return error_set(BSIM_EINVAL,
			"URL is longer than %d bytes, the most browsers accept (URL_MAX_LEN, Chromium "
			"url::kMaxURLChars): shorten it", URL_MAX_LEN);

	clean_input(&clean, text, len);
	if ((rc = buf_status(&clean)) < 0)
		goto out;
	if (clean.len == 0) {
		rc = url_error(text, len, "it is only spaces and control characters");
		goto out;
	}
	size_t scheme_len = 0;
	const scheme_info *si = parse_scheme(clean.ptr, clean.len, &scheme_len, text, len);
	if (!si) {
		rc = BSIM_EINVAL;
		goto out;
	}
	size_t authority_end = 0;
	if ((rc = build_curl_text(&curl_text, si, clean.ptr + scheme_len + 1,
				  clean.len - scheme_len - 1, text, len, &authority_end)) < 0)
		goto out;

	parts.scheme = si->scheme;
	bool memo_origin = memo && si->scheme != URL_SCHEME_FILE;
	span path, query;
	const origin_facts *f = memo_origin ? origin_memo_find(memo, curl_text.ptr, curl_text.len, authority_end, &path, &query)
					    : NULL;
	if (f) {
		url facts = {.scheme = si->scheme, .port = f->port, .kind = f->kind, .trailing_dot = f->trailing_dot,
			     .loopback = f->loopback, .host_is_public_suffix = f->host_is_public_suffix};
		*out = url_pack(&facts, span_of(f->host), span_of(f->registrable), path, query, (span){text, len});
		rc = *out ? 0 : error_oom();
		goto out;
	}
	h = curl_url();
	if (!h) {
		rc = error_oom();
		goto out;
	}
	CURLUcode cu = curl_url_set(h, CURLUPART_URL, buf_cstr(&curl_text), CURLU_NON_SUPPORT_SCHEME);
	if (cu == CURLUE_OUT_OF_MEMORY) {
		rc = error_oom();
		goto out;
	}
	if (cu != CURLUE_OK) {
		rc = curl_error(text, len, cu);
		goto out;
	}

	if (si->scheme == URL_SCHEME_FILE) {
		parts.host = strdup("");
		parts.kind = HOST_KIND_NONE;
		if (!parts.host) {
			rc = error_oom();
			goto out;
		}
	} else if ((rc = fill_host(&parts, h, text, len)) < 0) {
		goto out;
	}

	if ((rc = fill_port_path_query(&parts, h, si, text, len)) < 0)
		goto out;
	if (memo_origin)
		origin_memo_put(memo, curl_text.ptr, authority_end, &parts);
	*out = url_pack(&parts, span_of(parts.host), span_of(parts.registrable), span_of(parts.path),
			span_of(parts.query), (span){text, len});
	if (!*out)
		rc = error_oom();
out:
	curl_url_cleanup(h);
	url_parts_free(&parts);
	buf_free(&clean);
	buf_free(&curl_text);
	return rc;
}

int url_parse(url **out, const char *text)
{
	return url_parse_memo(out, text, NULL);
}

bool url_same_origin(const url *a, const url *b)
{
	/* HTML origin: (scheme, host, port). file: URLs share one origin, as in Chromium (browser-rules.md §14). */
	if (!a || !b)
		return false;
	return a->scheme == b->scheme && a->port == b->port && strcmp(a->host, b->host) == 0;
}

/* Chromium's SchemefulSite counts ws: as http: and wss: as https:. */
static url_scheme site_scheme(url_scheme s)
{
	if (s == URL_SCHEME_WS)
		return URL_SCHEME_HTTP;
	if (s == URL_SCHEME_WSS)
		return URL_SCHEME_HTTPS;
	return s;
}

bool url_same_site(const url *a, const url *b, bool schemeful)
{
	if (!a || !b)
		return false;
	if (schemeful && site_scheme(a->scheme) != site_scheme(b->scheme))
		return false;
	/* HTML "same site": registrable domains equal when A has one, else hosts equal. */
	if (a->registrable)
		return b->registrable && strcmp(a->registrable, b->registrable) == 0;
	return !b->registrable && strcmp(a->host, b->host) == 0;
}
