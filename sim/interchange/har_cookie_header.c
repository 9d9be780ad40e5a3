/*
 * har_cookie_header.c: a request's cookies from its Cookie header, for
 * captures that list none in cookies[] (har.h). Playwright's recordHar in
 * minimal mode (recordHar: {mode: "minimal"}) writes every request's
 * headers but leaves cookies[] empty, so an import that read only cookies[]
 * derived nothing from what the browser sent. The Cookie header holds the
 * same pairs without their Domain, Path or flags (RFC 6265bis §5.8.3 step
 * 4: "name=value" joined by "; "), which is all the import's expectations
 * need from a request.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "interchange/har.h"
#include "util/error.h"

static int wsp(char c)
{
	return c == ' ' || c == '\t';
}

static char *dup_span(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Append the pairs of one Cookie header value to e's request cookies. */
static int add_pairs(har_entry *e, const char *value)
{
	for (const char *p = value; *p;) {
		const char *end = strchr(p, ';');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *s = p;
		p += n + (end != NULL);
		while (n && wsp(*s)) {
			s++;
			n--;
		}
		while (n && wsp(s[n - 1]))
			n--;
		if (!n)
			continue;
		if (e->n_req_cookies >= HAR_MAX_COOKIES)
			return error_set(BSIM_ELIMIT, "log.entries[%zu].request: more than %d cookies in its Cookie header "
				"(HAR_MAX_COOKIES)", e->index, HAR_MAX_COOKIES);
		har_cookie *grown = realloc(e->req_cookies, (e->n_req_cookies + 1) * sizeof *grown);
		if (!grown)
			return error_oom();
		e->req_cookies = grown;
		har_cookie *c = &e->req_cookies[e->n_req_cookies];
		memset(c, 0, sizeof *c);
		c->secure = c->http_only = -1;
		/* A pair without '=' is a nameless cookie's value, as the browser sends one (§5.8.3 step 4.1). */
		const char *eq = memchr(s, '=', n);
		size_t name_len = eq ? (size_t)(eq - s) : 0;
		const char *v = eq ? eq + 1 : s;
		c->name = dup_span(s, name_len);
		c->value = dup_span(v, n - (size_t)(v - s));
		if (!c->name || !c->value) {
			free(c->name);
			free(c->value);
			return error_oom();
		}
		e->n_req_cookies++;
	}
	return 0;
}

int har_request_cookies_from_headers(har_log *h, size_t *from_lists, size_t *from_headers)
{
	*from_lists = *from_headers = 0;
	for (size_t i = 0; i < h->n_entries; i++) {
		har_entry *e = &h->entries[i];
		if (e->n_req_cookies) {
			(*from_lists)++;
			continue;
		}
		bool any = false;
		for (size_t k = 0; k < e->n_req_headers; k++) {
			if (strcasecmp(e->req_headers[k].name, "cookie") != 0)
				continue;
			int rc = add_pairs(e, e->req_headers[k].value);
			if (rc < 0)
				return rc;
			any = true;
		}
		*from_headers += any && e->n_req_cookies;
	}
	return 0;
}
