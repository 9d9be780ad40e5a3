/*
 * match.c: the matching rules every cookie decision uses: domain-match
 * (RFC 6265bis §5.1.3), default path and path-match (§5.1.4), the bucket key
 * (Chromium keys by eTLD+1, browser-rules.md D14), secure contexts (S1) and
 * sites for partition keys (§5.2).
 */
#include <string.h>

#include "cookie/jar_internal.h"

bool cookie_domain_match(const char *host, size_t host_len, const char *domain, size_t domain_len)
{
	if (host_len == domain_len)
		return memcmp(host, domain, host_len) == 0;
	/* §5.1.3: the domain is a suffix of the host, the character before it is
	 * '.', and the host is a host name, not an IP address. IP hosts never
	 * reach here with a different domain: storage refuses it (D9). */
	if (host_len <= domain_len)
		return false;
	return host[host_len - domain_len - 1] == '.' &&
	       memcmp(host + host_len - domain_len, domain, domain_len) == 0;
}

bool cookie_path_match(const char *req, size_t req_len, const char *cp, size_t cp_len)
{
	/* §5.1.4: identical; or a prefix that ends in '/'; or a prefix followed by '/'. */
	if (cp_len > req_len || memcmp(req, cp, cp_len) != 0)
		return false;
	if (cp_len == req_len)
		return true;
	return cp[cp_len - 1] == '/' || req[cp_len] == '/';
}

void cookie_default_path(const char *req_path, size_t *out_len)
{
	/* §5.1.4: "/" unless the path starts with '/' and has a second '/';
	 * then everything before the right-most '/'. */
	const char *last = strrchr(req_path, '/');
	if (req_path[0] != '/' || !last || last == req_path) {
		*out_len = 1;
		return;
	}
	*out_len = (size_t)(last - req_path);
}

void cookie_key_of(const url *u, const char **key, size_t *len)
{
	const char *k = u->registrable ? u->registrable : u->host;
	*key = k;
	*len = strlen(k);
}

const char *cookie_request_path(const bsim_jar *jar, const url *u)
{
	/* T3: Chromium's URL canonicalizer turns "/f%6Fo" into "/foo" before
	 * cookies see the path; other engines keep the escape. */
	return jar->preset->path_decodes_unreserved ? u->path_unreserved : u->path;
}

bool cookie_secure_context(const cookie_preset *p, const url *u)
{
	if (url_scheme_is_secure(u->scheme))
		return true;
	return p->loopback_is_secure && u->loopback;
}

int cookie_site_of(buf *b, const cookie_preset *p, const url *u)
{
	buf_clear(b);
	/* S8: a schemeless engine keys http and https of one site together. */
	if (p->schemeful_same_site) {
		buf_puts(b, url_scheme_is_secure(u->scheme) ? "https" : "http");
		buf_puts(b, "://");
	}
	buf_puts(b, u->registrable ? u->registrable : u->host);
	return buf_status(b);
}
