/*
 * domain.c: the widget's cookie Domain, following the shipped code step by
 * step (widget-behaviour.md H): URI.js 1.19.11 URI.parse for the hostname,
 * is('IP'), tld() with SLD.get, domain(), then the widget's "dot in the
 * result" test. Quirks are kept on purpose because the field bugs come
 * from them: the row for the top-level label is found in exact case, and a
 * second-level label matches only where " label " occurs in the row string,
 * so the first label of the com, net, org and de rows never matches.
 */
#include "widgets/domain.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "widgets/sld_table.h"

static char *dup_range(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static bool is_slash(char c)
{
	return c == '/' || c == '\\';
}

static bool ascii_ieq(const char *a, size_t n, const char *b)
{
	size_t bl = strlen(b);
	if (n != bl)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)a[i]) != b[i])
			return false;
	return true;
}

/* URI.protocol_expression: /^[a-z][a-z0-9.+-]*$/i */
static bool is_protocol(const char *s, size_t n)
{
	if (n == 0 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '.' && c != '+' && c != '-')
			return false;
	}
	return true;
}

/*
 * Find the authority part of s[0..n) as URI.parse does, after it has cut
 * the fragment and the query. Returns false for a URN-like or relative
 * string (no hostname).
 */
static bool find_authority(const char *s, size_t n, const char **auth, size_t *auth_len)
{
	size_t i = 0;
	/* URI.parse: s.replace(/^(https?|ftp|wss?)?:+[/\\]*\/i, '$1://') —
	 * "slashes and backslashes have lost all meaning for the web protocols". */
	size_t p = 0;
	while (p < n && isalpha((unsigned char)s[p]))
		p++;
	static const char *const web[] = {"", "http", "https", "ftp", "ws", "wss"};
	bool web_proto = false;
	for (size_t k = 0; k < sizeof web / sizeof web[0]; k++)
		if (ascii_ieq(s, p, web[k]))
			web_proto = true;
	if (web_proto && p < n && s[p] == ':') {
		i = p;
		while (i < n && s[i] == ':')
			i++;
		while (i < n && is_slash(s[i]))
			i++;
		*auth = s + i;
		*auth_len = n - i;
		return true;
	}
	/* s.replace(/^[/\\]{2,}/, '//'): a relative-scheme URL. */
	if (n >= 2 && is_slash(s[0]) && is_slash(s[1])) {
		i = 2;
		while (i < n && is_slash(s[i]))
			i++;
		*auth = s + i;
		*auth_len = n - i;
		return true;
	}
	const char *colon = memchr(s, ':', n);
	if (!colon)
		return false;
	size_t pos = (size_t)(colon - s);
	if (!is_protocol(s, pos))
		return false; /* ':' within the path */
	if (pos + 2 < n && is_slash(s[pos + 1]) && is_slash(s[pos + 2])) {
		*auth = s + pos + 3;
		*auth_len = n - pos - 3;
		return true;
	}
	return false; /* a URN: mailto:, about:blank */
}

int widget_uri_hostname(char **out, const char *href)
{
	*out = NULL;
	if (!href)
		return error_set(BSIM_EINVAL, "widget domain: no URL given");
	size_t n = strnlen(href, WIDGET_HREF_MAX_LEN + 1);
	if (n > WIDGET_HREF_MAX_LEN)
		return error_set(BSIM_ELIMIT,
				 "widget domain: URL longer than %d bytes (WIDGET_HREF_MAX_LEN); "
				 "give the page's location.href",
				 WIDGET_HREF_MAX_LEN);
	/* URI.parse: leading whitespace is dropped (tabs and newlines inside
	 * too, but location.href never has them). */
	while (n > 0 && (*href == ' ' || *href == '\t' || *href == '\n' || *href == '\r' ||
			 *href == '\f')) {
		href++;
		n--;
	}
	/* Fragment first, then the query. */
	const char *hash = memchr(href, '#', n);
	if (hash)
		n = (size_t)(hash - href);
	const char *q = memchr(href, '?', n);
	if (q)
		n = (size_t)(q - href);

	const char *a;
	size_t an;
	if (!find_authority(href, n, &a, &an)) {
		*out = strdup("");
		return *out ? 0 : error_oom();
	}
	/* URI.parseUserinfo: the last '@' before the first slash (a backslash
	 * counts as one). */
	size_t slash = an;
	for (size_t i = 0; i < an; i++)
		if (is_slash(a[i])) {
			slash = i;
			break;
		}
	for (size_t i = slash; i-- > 0;)
		if (a[i] == '@') {
			a += i + 1;
			an -= i + 1;
			slash -= i + 1;
			break;
		}
	/* URI.parseHost. */
	const char *h = a;
	size_t hn = slash;
	if (hn > 0 && h[0] == '[') {
		const char *close = memchr(h, ']', hn);
		/* substring(1, indexOf(']')): with no ']' JavaScript's substring(1, -1)
		 * swaps its arguments, giving the first byte, "[". */
		if (!close) {
			*out = dup_range(h, 1);
		} else {
			*out = dup_range(h + 1, (size_t)(close - h) - 1);
		}
		return *out ? 0 : error_oom();
	}
	const char *c1 = memchr(h, ':', hn);
	if (c1 && memchr(c1 + 1, ':', hn - (size_t)(c1 + 1 - h))) {
		/* Two colons and no brackets: URI.js takes it all as an IPv6 host. */
		*out = dup_range(h, hn);
	} else {
		*out = dup_range(h, c1 ? (size_t)(c1 - h) : hn);
	}
	return *out ? 0 : error_oom();
}

/* URI.ip4_expression: /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/ */
static bool uri_is_ip4(const char *h)
{
	for (int group = 0; group < 4; group++) {
		int digits = 0;
		while (isdigit((unsigned char)*h)) {
			h++;
			digits++;
		}
		if (digits < 1 || digits > 3)
			return false;
		if (group < 3 && *h++ != '.')
			return false;
	}
	return *h == '\0';
}

/*
 * URI.ip6_expression accepts the RFC 4291 text forms, an optional "%zone"
 * and surrounding white space; inet_pton accepts the same address forms.
 */
static bool uri_is_ip6(const char *h)
{
	while (*h == ' ' || *h == '\t')
		h++;
	size_t n = strlen(h);
	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	const char *pct = memchr(h, '%', n);
	if (pct) {
		if ((size_t)(pct - h) + 1 >= n)
			return false; /* (%.+)? needs a zone */
		n = (size_t)(pct - h);
	}
	char buf[64];
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, h, n);
	buf[n] = '\0';
	unsigned char addr[16];
	return inet_pton(AF_INET6, buf, addr) == 1;
}

static const char *sld_row(const char *tld, size_t len, widget_sld_table table)
{
	for (size_t i = 0; i < widget_sld_row_count; i++) {
		const widget_sld_row *r = &widget_sld_rows[i];
		if (table == WIDGET_SLD_URIJS_1_17_0 && !r->in_1_17_0)
			continue;
		if (strlen(r->tld) == len && memcmp(r->tld, tld, len) == 0)
			return r->labels;
	}
	return NULL;
}

/* indexOf(' ' + label + ' ') on the verbatim row string. */
static bool row_has_label(const char *row, const char *label, size_t len)
{
	size_t rn = strlen(row);
	for (size_t i = 0; i + len + 2 <= rn; i++)
		if (row[i] == ' ' && memcmp(row + i + 1, label, len) == 0 && row[i + 1 + len] == ' ')
			return true;
	return false;
}

static size_t last_dot_before(const char *s, size_t from_incl)
{
	/* JavaScript lastIndexOf('.', from): search from index from_incl down. */
	for (size_t i = from_incl + 1; i-- > 0;)
		if (s[i] == '.')
			return i;
	return (size_t)-1;
}

bool widget_sld_get(const char *host, size_t len, widget_sld_table table, size_t *sld_start)
{
	/* SLD.get: tldOffset <= 0 or at the end, sldOffset <= 0 or an empty
	 * second-level label all give null. */
	if (len == 0)
		return false;
	size_t tld_off = last_dot_before(host, len - 1);
	if (tld_off == (size_t)-1 || tld_off == 0 || tld_off >= len - 1)
		return false;
	size_t sld_off = last_dot_before(host, tld_off - 1);
	if (sld_off == (size_t)-1 || sld_off == 0 || sld_off >= tld_off - 1)
		return false;
	const char *row = sld_row(host + tld_off + 1, len - tld_off - 1, table);
	if (!row)
		return false;
	if (!row_has_label(row, host + sld_off + 1, tld_off - sld_off - 1))
		return false;
	if (sld_start)
		*sld_start = sld_off + 1;
	return true;
}

int widget_uri_domain(char **out, const char *href, widget_sld_table table)
{
	*out = NULL;
	char *host;
	int rc = widget_uri_hostname(&host, href);
	if (rc < 0)
		return rc;
	size_t n = strlen(host);
	if (n == 0 || uri_is_ip4(host) || uri_is_ip6(host)) {
		host[0] = '\0';
		*out = host;
		return 0;
	}
	/* tld(): the text after the last dot; when the lowercased label has a
	 * row, SLD.get (exact case) may widen it to two labels. */
	size_t last = last_dot_before(host, n - 1);
	size_t tld_start = last == (size_t)-1 ? 0 : last + 1;
	size_t lower_len = n - tld_start;
	/* A DNS label has at most 63 bytes (RFC 1035 §2.3.4); no row has a longer one. */
	char lower[64];
	if (lower_len < sizeof lower) {
		for (size_t i = 0; i < lower_len; i++)
			lower[i] = (char)tolower((unsigned char)host[tld_start + i]);
		size_t sld_start;
		if (sld_row(lower, lower_len, table) && widget_sld_get(host, n, table, &sld_start))
			tld_start = sld_start;
	}
	size_t tld_len = n - tld_start;
	/* domain(): end = len - tld.length - 1; start = lastIndexOf('.', end - 1) + 1.
	 * JavaScript clamps a negative fromIndex to 0: index 0 is still looked at. */
	long end = (long)n - (long)tld_len - 1;
	long from = end - 1;
	size_t start;
	if (from < 0)
		start = host[0] == '.' ? 1 : 0;
	else {
		size_t d = last_dot_before(host, (size_t)from);
		start = d == (size_t)-1 ? 0 : d + 1;
	}
	memmove(host, host + start, n - start + 1);
	*out = host;
	return 0;
}

int widget_cookie_domain(char **out, const char *href, const widget_version *v)
{
	*out = NULL;
	if (!v)
		v = widget_version_default();
	char *d;
	int rc = widget_uri_domain(&d, href, v->sld);
	if (rc < 0)
		return rc;
	if (!v->always_dot_domain && !strchr(d, '.')) {
		free(d); /* A.2: no dot, no Domain attribute: host-only */
		return 0;
	}
	size_t n = strlen(d);
	char *r = malloc(n + 2);
	if (!r) {
		free(d);
		return error_oom();
	}
	r[0] = '.';
	memcpy(r + 1, d, n + 1);
	free(d);
	*out = r;
	return 0;
}

int widget_location_href(char **out, const char *text)
{
	return bsim_script_location_href(out, text);
}

int widget_page_cookie_domain(char **out, const char *text, const widget_version *v)
{
	*out = NULL;
	char *href;
	int rc = widget_location_href(&href, text);
	if (rc < 0)
		return rc;
	rc = widget_cookie_domain(out, href, v);
	free(href);
	return rc;
}
