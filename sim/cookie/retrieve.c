/*
 * retrieve.c: the cookies a request or a document sees, RFC 6265bis §5.8.3:
 * the Cookie header of a request (bsim_jar_cookie_header), document.cookie
 * (bsim_jar_script_get), and for each cookie of a site why a request does
 * or does not carry it (bsim_jar_request_verdicts), in the engine's order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cookie/jar_internal.h"
#include "net/psl.h"
#include "util/error.h"

/* Cookies one request can match before the sort spills to the heap (Chromium caps a domain near 180). */
#define MATCH_STACK 256

/* §5.8.3 step 3 SameSite condition, with the engine's default (S6). */
static bool samesite_allows(const cookie_preset *p, const cookie *c, const req_ctx *rc, bsim_time now)
{
	if (!rc->cross_site)
		return true;
	switch ((bsim_samesite)c->same_site) {
	case BSIM_SAMESITE_NONE:
		return true;
	case BSIM_SAMESITE_STRICT:
		return false;
	case BSIM_SAMESITE_LAX:
		return rc->top_level && !rc->unsafe;
	case BSIM_SAMESITE_UNSPECIFIED:
	default:
		if (!p->default_samesite_lax)
			return true;
		if (rc->top_level && !rc->unsafe)
			return true;
		/* §5.6.7.2 Lax-allowing-unsafe: Chromium's 2-minute Lax+POST window. */
		return rc->top_level && p->lax_allow_unsafe_ms && now - c->creation < p->lax_allow_unsafe_ms;
	}
}

static int by_path_then_creation(const void *a, const void *b)
{
	const cookie *x = *(const cookie *const *)a, *y = *(const cookie *const *)b;
	/* §5.8.3 step 4 (R2): longer paths first, then earlier creation. */
	if (x->path_len != y->path_len)
		return x->path_len > y->path_len ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int by_path_then_script_order(const void *a, const void *b)
{
	const cookie *x = *(const cookie *const *)a, *y = *(const cookie *const *)b;
	if (x->path_len != y->path_len)
		return x->path_len > y->path_len ? -1 : 1;
	return x->script_seq < y->script_seq ? -1 : x->script_seq > y->script_seq;
}

/*
 * Sort a match list. A page's list is a handful of cookies: insertion sort
 * costs a tenth of qsort's merge sort there (and, like it, keeps the order
 * of equals, though the keys above never tie).
 */
#define MATCH_INSERTION_SORT_MAX 24

static void sort_matched(cookie **m, size_t n, int (*cmp)(const void *, const void *))
{
	if (n > MATCH_INSERTION_SORT_MAX) {
		qsort(m, n, sizeof *m, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		cookie *c = m[i];
		size_t j = i;
		for (; j > 0 && cmp(&m[j - 1], &c) > 0; j--)
			m[j] = m[j - 1];
		m[j] = c;
	}
}

/* Append c to a match list that starts in stack[MATCH_STACK] and spills to the heap. */
static int matched_push(cookie ***m, size_t *n, size_t *cap, cookie **stack, cookie *c)
{
	if (*n == *cap) {
		cookie **grown = malloc(*cap * 2 * sizeof *grown);
		if (!grown)
			return error_oom();
		memcpy(grown, *m, *n * sizeof *grown);
		if (*m != stack)
			free(*m);
		*m = grown;
		*cap *= 2;
	}
	(*m)[(*n)++] = c;
	return 0;
}

static int retrieve(char **out, bsim_jar *jar, const url *u, const jar_call *call, bool from_script)
{
	const cookie_preset *p = jar->preset;
	req_ctx rc;
	resolve_call(jar, u, call, &rc);
	int err = 0;
	/* A top-level request or the tab's own page: that site's content process (process.c). */
	if (from_script ? !rc.top : rc.top_level)
		process_enter(jar, u);

	buf line = BUF_INIT;
	const char *host = cookie_host_of(p, u);
	/* F1: no cookies for cookie-averse documents; HTTP never goes to file:. */
	if (!host || (!from_script && u->scheme == URL_SCHEME_FILE))
		goto done;
	const char *key = "";
	size_t key_len = 0;
	if (u->scheme != URL_SCHEME_FILE)
		cookie_key_of(u, &key, &key_len);
	bucket *b = bucket_for(jar, key, key_len, false);
	if (!b)
		goto done;

	/* X1: which partition this context sees, and whether it sees unpartitioned cookies. */
	const char *psite = NULL;
	bool unpartitioned_visible = !rc.third_party || p->third_party == THIRD_PARTY_ALLOW;
	if (cookie_site_of(&jar->scratch, p, rc.third_party ? rc.top : u) < 0) {
		err = BSIM_ENOMEM;
		goto done;
	}
	psite = buf_cstr(&jar->scratch);

	const char *req_path = cookie_request_path(jar, u);
	size_t host_len = strlen(host), path_len = strlen(req_path);
	bool secure_ctx = cookie_secure_context(p, u);
	cookie *stack[MATCH_STACK];
	cookie **matched = stack;
	size_t n = 0, cap = MATCH_STACK;
	for (uint32_t i = 0; i < b->n;) {
		cookie *c = b->items[i];
		/* R1: expired cookies are deleted while looking. */
		if (cookie_is_expired(jar, c)) {
			jar_remove_at(jar, b, i, BSIM_COOKIE_EXPIRED, BSIM_REASON_EXPIRED, rc.actor);
			continue;
		}
		i++;
		/* §5.8.3 step 3: host-only needs the identical host, else domain-match. */
		if (c->host_only ? (c->domain_len != host_len || memcmp(cookie_domain(c), host, host_len))
				 : !cookie_domain_match(host, host_len, cookie_domain(c), c->domain_len))
			continue;
		if (!cookie_path_match(req_path, path_len, cookie_path(c), c->path_len))
			continue;
		if (c->secure && !secure_ctx)
			continue;
		if (c->http_only && from_script)
			continue;
		if (!samesite_allows(p, c, &rc, jar->now))
			continue;
		if (c->partition_key ? strcmp(c->partition_key, psite) != 0 : !unpartitioned_visible)
			continue;
		/* Firefox: the page's content process holds its own entry for this cookie (process.c). */
		if (from_script && jar->n_copies && process_copy_of(jar, c))
			continue;
		if ((err = matched_push(&matched, &n, &cap, stack, c)) < 0)
			goto release;
	}
	/* Firefox: the writes only the page's content process kept, matched as the copy matches. */
	for (uint32_t i = 0; from_script && !rc.top && i < jar->n_copies; i++) {
		cookie *c = jar->copies[i];
		if (cookie_is_expired(jar, c) ||
		    (c->host_only ? (c->domain_len != host_len || memcmp(cookie_domain(c), host, host_len))
				  : !cookie_domain_match(host, host_len, cookie_domain(c), c->domain_len)) ||
		    !cookie_path_match(req_path, path_len, cookie_path(c), c->path_len) || (c->secure && !secure_ctx))
			continue;
		if ((err = matched_push(&matched, &n, &cap, stack, c)) < 0)
			goto release;
	}
	if (from_script && p->script_order_resets_on_change)
		for (size_t i = 0; i < n; i++)
			process_order(jar, matched[i]);
	sort_matched(matched, n,
		     from_script && p->script_order_resets_on_change ? by_path_then_script_order
								    : by_path_then_creation);
	/* The line's length is known: grow it once. */
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		total += 2 + matched[i]->name_len + 1 + matched[i]->value_len;
	buf_grow(&line, total);
	for (size_t i = 0; i < n; i++) {
		cookie *c = matched[i];
		/* §5.8.3 step 5, throttled as the engines do (L4). */
		if (jar->now - c->last_access >= p->access_update_ms)
			c->last_access = jar->now;
		/* §5.8.3 step 6 (R4): "; " between pairs, a nameless cookie as its value alone. */
		if (i)
			buf_put(&line, "; ", 2);
		if (c->name_len) {
			buf_put(&line, cookie_name(c), c->name_len);
			buf_putc(&line, '=');
		}
		buf_put(&line, cookie_value(c), c->value_len);
	}
release:
	if (matched != stack)
		free(matched);
done:
	if (err < 0) {
		buf_free(&line);
		return err;
	}
	*out = buf_detach(&line);
	return *out ? 0 : error_oom();
}

const char *bsim_send_verdict_code(bsim_send_verdict v)
{
	switch (v) {
	case BSIM_SEND_SENT: return "sent";
	case BSIM_SEND_HOST_ONLY: return "host-only";
	case BSIM_SEND_DOMAIN: return "domain";
	case BSIM_SEND_PATH: return "path";
	case BSIM_SEND_SECURE: return "secure";
	case BSIM_SEND_SAMESITE: return "samesite";
	case BSIM_SEND_PARTITION: return "partition";
	case BSIM_SEND_EXPIRED: return "expired";
	}
	return "unknown";
}

static const char *samesite_name(bsim_samesite s)
{
	switch (s) {
	case BSIM_SAMESITE_NONE: return "SameSite=None";
	case BSIM_SAMESITE_LAX: return "SameSite=Lax";
	case BSIM_SAMESITE_STRICT: return "SameSite=Strict";
	case BSIM_SAMESITE_UNSPECIFIED: break;
	}
	return "no SameSite (Lax by this engine's default)";
}

/*
 * The first rule of retrieve() that keeps c out of a request (the same
 * conditions in the same order), with its sentence in why.
 */
static bsim_send_verdict send_verdict(bsim_jar *jar, const cookie *c, const url *u, const char *host,
				      const req_ctx *rc, const char *psite, bool unpartitioned_visible, buf *why)
{
	const cookie_preset *p = jar->preset;
	const char *req_path = cookie_request_path(jar, u);
	size_t host_len = strlen(host);
	const char *engine = bsim_engine_name(p->engine);
	if (cookie_is_expired(jar, c)) {
		buf_printf(why, "it expired (RFC 6265bis §5.8.3 step 1; %s)", engine);
		return BSIM_SEND_EXPIRED;
	}
	if (c->host_only && (c->domain_len != host_len || memcmp(cookie_domain(c), host, host_len))) {
		buf_printf(why, "it is host-only for %s (set without Domain), and the request goes to %s (RFC 6265bis §5.8.3 step 1; %s)",
			   cookie_domain(c), host, engine);
		return BSIM_SEND_HOST_ONLY;
	}
	if (!c->host_only && !cookie_domain_match(host, host_len, cookie_domain(c), c->domain_len)) {
		buf_printf(why, "its Domain .%s does not cover %s (RFC 6265bis §5.1.3; %s)", cookie_domain(c), host, engine);
		return BSIM_SEND_DOMAIN;
	}
	if (!cookie_path_match(req_path, strlen(req_path), cookie_path(c), c->path_len)) {
		buf_printf(why, "its Path %s does not match the request's path %s (RFC 6265bis §5.1.4; %s)", cookie_path(c),
			   req_path, engine);
		return BSIM_SEND_PATH;
	}
	if (c->secure && !cookie_secure_context(p, u)) {
		buf_printf(why, "it is Secure and the request goes over %s (RFC 6265bis §5.8.3 step 1; %s)",
			   url_scheme_name(u->scheme), engine);
		return BSIM_SEND_SECURE;
	}
	if (!samesite_allows(p, c, rc, jar->now)) {
		buf_printf(why, "it has %s and the request is cross-site from %s%s%s%s (RFC 6265bis §5.8.3 step 1, §5.2; %s)",
			   samesite_name((bsim_samesite)c->same_site), rc->top ? url_scheme_name(rc->top->scheme) : "",
			   rc->top ? "://" : "", rc->top ? rc->top->host : "another site",
			   rc->unsafe ? " with an unsafe method" : "", engine);
		return BSIM_SEND_SAMESITE;
	}
	if (c->partition_key ? strcmp(c->partition_key, psite) != 0 : !unpartitioned_visible) {
		buf_printf(why, "%s (CHIPS; %s)",
			   c->partition_key ? "it belongs to another top-level site's partition"
					    : "third-party cookies are blocked in this context",
			   engine);
		return BSIM_SEND_PARTITION;
	}
	return BSIM_SEND_SENT;
}

int jar_request_verdicts(bsim_jar *jar, const url *u, const jar_call *call, bsim_send_visit fn, void *userdata)
{
	const cookie_preset *p = jar->preset;
	req_ctx rc;
	resolve_call(jar, u, call, &rc);
	int err;
	const char *host = cookie_host_of(p, u);
	if (!host || u->scheme == URL_SCHEME_FILE)
		return 0;
	const char *key;
	size_t key_len;
	cookie_key_of(u, &key, &key_len);
	bucket *b = bucket_for(jar, key, key_len, false);
	if (!b)
		return 0;
	bool unpartitioned_visible = !rc.third_party || p->third_party == THIRD_PARTY_ALLOW;
	buf site = BUF_INIT, why = BUF_INIT;
	if (cookie_site_of(&site, p, rc.third_party ? rc.top : u) < 0) {
		buf_free(&site);
		return error_oom();
	}
	/* fn must not change the jar (bsim_send_visit's contract): the bucket is walked in place. */
	for (uint32_t i = 0; i < b->n; i++) {
		const cookie *c = b->items[i];
		buf_clear(&why);
		bsim_send_verdict v = send_verdict(jar, c, u, host, &rc, buf_cstr(&site), unpartitioned_visible, &why);
		bsim_cookie_view view;
		cookie_view_of(&view, c);
		fn(&view, v, v == BSIM_SEND_SENT ? NULL : buf_cstr(&why), userdata);
	}
	err = buf_status(&site) < 0 || buf_status(&why) < 0 ? error_oom() : 0;
	buf_free(&site);
	buf_free(&why);
	return err;
}

int bsim_jar_request_verdicts(bsim_jar *jar, const char *url_text, const bsim_cookie_ctx *ctx, bsim_send_visit fn,
			      void *userdata)
{
	const url *u;
	jar_call call;
	int err = jar_call_of(jar, &u, &call, url_text, ctx);
	return err < 0 ? err : jar_request_verdicts(jar, u, &call, fn, userdata);
}

int jar_cookie_header(char **out, bsim_jar *jar, const url *u, const jar_call *call)
{
	return retrieve(out, jar, u, call, false);
}

int bsim_jar_cookie_header(char **out, bsim_jar *jar, const char *url_text, const bsim_cookie_ctx *ctx)
{
	const url *u;
	jar_call call;
	int err = jar_call_of(jar, &u, &call, url_text, ctx);
	return err < 0 ? err : jar_cookie_header(out, jar, u, &call);
}

int jar_script_get(char **out, bsim_jar *jar, const url *u, const jar_call *call)
{
	/* A document's read: never a navigation, never an unsafe method. */
	jar_call doc = *call;
	doc.top_level = false;
	doc.unsafe_method = false;
	return retrieve(out, jar, u, &doc, true);
}

int bsim_jar_script_get(char **out, bsim_jar *jar, const char *url_text, const bsim_cookie_ctx *ctx)
{
	const url *u;
	jar_call call;
	int err = jar_call_of(jar, &u, &call, url_text, ctx);
	return err < 0 ? err : jar_script_get(out, jar, u, &call);
}
