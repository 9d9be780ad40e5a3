/*
 * jar.c: the cookie store of include/bsim/cookie.h. Storage follows the
 * storage model of RFC 6265bis §5.7 step by step; retrieval follows §5.8.3.
 * Engine differences come from the preset (preset.c); limits live in
 * evict.c and the sentences of every event in explain.c.
 *
 * A request looks only at the bucket of its registrable domain, so its cost
 * is what that site's cookies cost, not the size of the jar.
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

int bsim_jar_new(bsim_jar **out, bsim_engine engine)
{
	const cookie_preset *p = cookie_preset_get(engine);
	if (!p)
		return error_set(BSIM_EINVAL, "unknown engine %d", (int)engine);
	/* Fail closed: without the public suffix list no Domain can be judged. */
	int rc = psl_open();
	if (rc < 0)
		return rc;
	bsim_jar *jar = calloc(1, sizeof *jar);
	if (!jar)
		return error_oom();
	jar->preset = p;
	jar->next_seq = 1;
	jar->earliest_access = INT64_MAX;
	jar->earliest_expiry = COOKIE_TIME_MAX;
	if ((rc = url_cache_new(&jar->urls)) < 0) {
		free(jar);
		return rc;
	}
	*out = jar;
	return 0;
}

static void free_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++)
		cookie_free(b->items[i]);
	bucket_index_drop(b);
	free(b->items);
	free(b);
}

void bucket_index_drop(bucket *b)
{
	if (b->index) {
		strmap_free(b->index);
		free(b->index);
		b->index = NULL;
	}
}

void bsim_jar_free(bsim_jar *jar)
{
	if (!jar)
		return;
	strmap_foreach(&jar->buckets, free_bucket, NULL);
	strmap_free(&jar->buckets);
	process_free(jar);
	url_cache_free(jar->urls);
	buf_free(&jar->msg);
	buf_free(&jar->scratch);
	free(jar);
}

bsim_engine bsim_jar_engine(const bsim_jar *jar)
{
	return jar->preset->engine;
}

void bsim_jar_set_time(bsim_jar *jar, bsim_time now)
{
	jar->now = now;
}

bsim_time bsim_jar_time(const bsim_jar *jar)
{
	return jar->now;
}

void bsim_jar_set_observer(bsim_jar *jar, bsim_cookie_observer fn, void *userdata)
{
	jar->observer = fn;
	jar->observer_data = userdata;
}

size_t bsim_jar_count(const bsim_jar *jar)
{
	return jar->total;
}

void cookie_free(cookie *c)
{
	if (!c)
		return;
	free(c->strs);
	free(c->partition_key);
	free(c);
}

bool cookie_is_expired(const bsim_jar *jar, const cookie *c)
{
	return c->persistent && c->expires <= jar->now;
}

void jar_remove_at(bsim_jar *jar, bucket *b, uint32_t i, bsim_cookie_event_kind kind,
		   bsim_cookie_reason reason)
{
	cookie *c = b->items[i];
	if (jar->observer)
		explain_removed(jar, c, kind, reason, NULL);
	bucket_index_drop(b);
	b->items[i] = b->items[--b->n];
	jar->total--;
	cookie_free(c);
}

static bucket *bucket_for(bsim_jar *jar, const char *key, size_t len, bool create)
{
	bucket *b = strmap_get(&jar->buckets, key, len);
	if (b || !create)
		return b;
	b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	if (strmap_put(&jar->buckets, key, len, b) < 0) {
		free(b);
		return NULL;
	}
	return b;
}

static int bucket_push(bucket *b, cookie *c)
{
	if (b->n == b->cap) {
		uint32_t cap = b->cap ? b->cap * 2 : 4;
		cookie **items = realloc(b->items, cap * sizeof *items);
		if (!items)
			return error_oom();
		b->items = items;
		b->cap = cap;
	}
	b->items[b->n++] = c;
	return 0;
}

/* The request or document context, resolved once per operation. */
typedef struct req_ctx {
	const url *top;   /* top-level document (or initiator of a navigation), or NULL */
	bool top_level;
	bool unsafe;
	bool cross_site;  /* SameSite: cross-site with `top` (§5.2) */
	bool third_party; /* a frame or subresource under another top-level site (§9 X1) */
} req_ctx;

static int resolve_ctx(bsim_jar *jar, const url *u, const bsim_cookie_ctx *ctx, req_ctx *rc)
{
	memset(rc, 0, sizeof *rc);
	rc->top_level = ctx ? ctx->top_level != 0 : true;
	rc->unsafe = ctx ? ctx->unsafe_method != 0 : false;
	if (ctx && ctx->top_url) {
		int err = url_cache_get(&rc->top, jar->urls, ctx->top_url);
		if (err < 0)
			return err;
		rc->cross_site = !url_same_site(u, rc->top, jar->preset->schemeful_same_site);
		rc->third_party = rc->cross_site && !rc->top_level;
	}
	return 0;
}

/* Where cookies may live on this URL at all (F1): the bucket host, or NULL. */
static const char *cookie_host_of(const cookie_preset *p, const url *u)
{
	if (u->scheme != URL_SCHEME_FILE)
		return u->host;
	return p->file_cookies == FILE_COOKIES_SHARED_HOST ? "" : NULL;
}

/*
 * §5.7 steps 7-10 with the engine's refinements (browser-rules.md §2).
 * On success *dom names the cookie's domain (borrowed from u or from jar->scratch).
 */
static bsim_cookie_reason resolve_domain(bsim_jar *jar, const url *u, const char *host,
					 const parsed_cookie *pc, const char **dom, size_t *dom_len,
					 bool *host_only)
{
	const cookie_preset *p = jar->preset;
	size_t host_len = strlen(host);
	if (!pc->has_domain) {
		*dom = host;
		*dom_len = host_len;
		*host_only = true;
		return BSIM_REASON_NONE;
	}
	bool ascii = true;
	for (size_t i = 0; i < pc->domain_len; i++)
		if ((unsigned char)pc->domain[i] >= 0x80)
			ascii = false;
	/* §5.7 step 8; Chromium converts instead (D12). */
	if (!ascii && !p->non_ascii_domain_converted)
		return BSIM_REASON_NON_ASCII_DOMAIN;
	char *canon = NULL;
	if (host_canonicalize(&canon, pc->domain, pc->domain_len) < 0) {
		bsim_error_clear();
		return BSIM_REASON_DOMAIN_MISMATCH;
	}
	buf_clear(&jar->scratch);
	buf_puts(&jar->scratch, canon);
	free(canon);
	if (buf_status(&jar->scratch) < 0)
		return BSIM_REASON_DOMAIN_MISMATCH;
	const char *attr = buf_cstr(&jar->scratch);
	size_t attr_len = jar->scratch.len;

	if (u->kind == HOST_KIND_LOCALHOST && p->localhost_domain_refused)
		return BSIM_REASON_NO_REGISTRABLE; /* D7, Safari */
	if (attr_len == host_len && memcmp(attr, host, host_len) == 0) {
		*dom = host;
		*dom_len = host_len;
		/* D5, D7, D9, D10: a host with no registrable domain (an IP, localhost,
		 * a single label, a public suffix) may name itself, and gets a host-only cookie. */
		bool ip = u->kind == HOST_KIND_IPV4 || u->kind == HOST_KIND_IPV6;
		*host_only = ip || !u->registrable;
		/* Chromium and Firefox compare that name as written (lowercased, one leading dot
		 * off), not canonicalized: Domain=127.0.0.1. or 0x7f.0.0.1 on 127.0.0.1 is refused
		 * (cookie_util.cc GetCookieDomainWithString; oracle traces gen-11-08564, d09). */
		if (*host_only && p->self_domain_as_written &&
		    (pc->domain_len != host_len || strncasecmp(pc->domain, host, host_len) != 0))
			return ip ? BSIM_REASON_IP_DOMAIN : BSIM_REASON_NO_REGISTRABLE;
		return BSIM_REASON_NONE;
	}
	if (u->kind == HOST_KIND_IPV4 || u->kind == HOST_KIND_IPV6 || u->kind == HOST_KIND_NONE)
		return u->kind == HOST_KIND_NONE ? BSIM_REASON_DOMAIN_MISMATCH : BSIM_REASON_IP_DOMAIN; /* D9 */
	/* §5.7 step 9: a public suffix other than the host itself. The host's own
	 * registrable domain (the commonest Domain) is one label longer than its
	 * longest matching suffix, so it is not one: no list lookup for it. */
	bool is_registrable = u->registrable && strcmp(attr, u->registrable) == 0;
	if (!is_registrable && psl_is_public_suffix(attr))
		return BSIM_REASON_PUBLIC_SUFFIX;
	if (!u->registrable)
		return BSIM_REASON_NO_REGISTRABLE; /* D7, D10 */
	/* §5.7 step 10: the host must domain-match the attribute. */
	if (!cookie_domain_match(host, host_len, attr, attr_len)) {
		/* D11: www.shop.com. with Domain=shop.com differs only by the dot. */
		if (u->trailing_dot && host_len > attr_len + 1 && host[host_len - 1] == '.' &&
		    cookie_domain_match(host, host_len - 1, attr, attr_len))
			return BSIM_REASON_TRAILING_DOT;
		return BSIM_REASON_DOMAIN_MISMATCH;
	}
	*dom = attr;
	*dom_len = attr_len;
	*host_only = false;
	return BSIM_REASON_NONE;
}

static bool prefix_hidden_in_value(const cookie_preset *p, const parsed_cookie *pc)
{
	/* §5.7 step 22 (and Layered's __Http- forms where the engine ships them). */
	if (pc->name_len != 0)
		return false;
	return cookie_has_prefix_ci(pc->value, pc->value_len, "__Secure-") ||
	       cookie_has_prefix_ci(pc->value, pc->value_len, "__Host-") ||
	       (p->http_prefixes && cookie_has_prefix_ci(pc->value, pc->value_len, "__Http-"));
}

static bsim_cookie_reason check_prefixes(const cookie_preset *p, const parsed_cookie *pc, bool host_only,
					 bool ip_host, size_t path_len, const char *path, bool from_script)
{
	const char *n = pc->name;
	size_t nl = pc->name_len;
	/* S12: __Http- and __Host-Http- need Secure and HttpOnly, so a script can never write them. */
	if (p->http_prefixes && (cookie_has_prefix_ci(n, nl, "__Http-") ||
				 cookie_has_prefix_ci(n, nl, "__Host-Http-"))) {
		if (!pc->secure || !pc->http_only || from_script)
			return BSIM_REASON_PREFIX_HTTP;
	}
	/* §5.7 step 20. */
	if (cookie_has_prefix_ci(n, nl, "__Secure-") && !pc->secure)
		return BSIM_REASON_PREFIX_SECURE;
	/* §5.7 step 21; S11: Chromium wants the Path attribute itself to be "/",
	 * Firefox only the resulting path. */
	if (cookie_has_prefix_ci(n, nl, "__Host-")) {
		bool path_ok = p->host_prefix_needs_path_attr ? pc->path_attr_is_root
							      : (path_len == 1 && path[0] == '/');
		if (!pc->secure || !host_only || !path_ok)
			return BSIM_REASON_PREFIX_HOST;
		/* S11: Chromium wants no Domain attribute at all, even one it makes host-only
		 * (Domain=localhost), except an IP address naming itself (Chromium 156 run,
		 * oracle generated trace gen-11-00802). */
		if (p->host_prefix_rejects_domain_attr && pc->has_domain && !ip_host)
			return BSIM_REASON_PREFIX_HOST;
	}
	return BSIM_REASON_NONE;
}

static bsim_time compute_expiry(const bsim_jar *jar, const parsed_cookie *pc, bool *persistent)
{
	const cookie_preset *p = jar->preset;
	int64_t cap_ms = p->max_lifetime_s ? p->max_lifetime_s * 1000 : 0;
	*persistent = true;
	/* §5.7 step 6: Max-Age wins over Expires, whatever their order. */
	if (pc->has_max_age) {
		if (pc->max_age_s <= 0)
			return INT64_MIN; /* §5.6.2: the earliest representable time */
		int64_t ms = pc->max_age_s * 1000;
		if (cap_ms && ms > cap_ms)
			ms = cap_ms; /* §5.6.2 step 6, P12 */
		return jar->now > INT64_MAX - ms ? INT64_MAX - 1 : jar->now + ms;
	}
	if (pc->has_expires) {
		int64_t ms;
		if (pc->expires_s > INT64_MAX / 1000 - 1)
			ms = INT64_MAX - 1;
		else if (pc->expires_s < INT64_MIN / 1000 + 1)
			ms = INT64_MIN;
		else
			ms = pc->expires_s * 1000;
		/* §5.6.1 step 4, P12: no further than the cap from now. */
		if (cap_ms && ms > jar->now && ms - jar->now > cap_ms)
			ms = jar->now + cap_ms;
		return ms;
	}
	*persistent = false;
	return COOKIE_TIME_MAX;
}

static cookie *cookie_make(const parsed_cookie *pc, const char *dom, size_t dom_len, const char *path,
			   size_t path_len)
{
	cookie *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	size_t total = pc->name_len + pc->value_len + dom_len + path_len + 4;
	c->strs = malloc(total);
	if (!c->strs) {
		free(c);
		return NULL;
	}
	char *w = c->strs;
	memcpy(w, pc->name, pc->name_len);
	w += pc->name_len;
	*w++ = '\0';
	memcpy(w, pc->value, pc->value_len);
	w += pc->value_len;
	*w++ = '\0';
	memcpy(w, dom, dom_len);
	w += dom_len;
	*w++ = '\0';
	memcpy(w, path, path_len);
	w[path_len] = '\0';
	c->name_len = (uint32_t)pc->name_len;
	c->value_len = (uint32_t)pc->value_len;
	c->domain_len = (uint16_t)dom_len;
	c->path_len = (uint32_t)path_len;
	return c;
}

static bool same_partition(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool cookie_equivalent(const cookie *c, const cookie *n)
{
	/* §5.7 step 23: same name, domain, host-only flag and path (and partition, CHIPS). */
	return c->name_len == n->name_len && c->domain_len == n->domain_len &&
	       c->path_len == n->path_len && c->host_only == n->host_only &&
	       memcmp(c->strs, n->strs, c->name_len) == 0 &&
	       memcmp(cookie_domain(c), cookie_domain(n), c->domain_len) == 0 &&
	       memcmp(cookie_path(c), cookie_path(n), c->path_len) == 0 &&
	       same_partition(c->partition_key, n->partition_key);
}

/* Whether cookie d's domain covers host h for §5.7 step 16 (S3: Firefox counts host-only as exact). */
static bool shadow_covers(const cookie_preset *p, const cookie *d, const cookie *h)
{
	if (p->secure_shadow_host_exact && d->host_only)
		return d->domain_len == h->domain_len && memcmp(cookie_domain(d), cookie_domain(h), d->domain_len) == 0;
	return cookie_domain_match(cookie_domain(h), h->domain_len, cookie_domain(d), d->domain_len);
}

/* §5.7 step 16: an insecure origin may not shadow a Secure cookie. */
static bool shadows_secure(const cookie_preset *p, const bucket *b, const cookie *n)
{
	for (uint32_t i = 0; b && i < b->n; i++) {
		const cookie *c = b->items[i];
		if (!c->secure || c->name_len != n->name_len || memcmp(c->strs, n->strs, c->name_len) != 0)
			continue;
		if (!shadow_covers(p, n, c) && !shadow_covers(p, c, n))
			continue;
		if (cookie_path_match(cookie_path(n), n->path_len, cookie_path(c), c->path_len))
			return true;
	}
	return false;
}

/*
 * Whether Firefox's content-process copy takes a page's write whose equivalent
 * there is old (or none): CookieServiceChild::SetCookieStringFromDocument
 * refuses only over an entry of the same name, host and path that is HttpOnly
 * (the copy holds one only when told of it, process.c) or Secure on an
 * insecure page (the copy holds the site's Secure cookies, values cleared).
 */
static bool copy_accepts(const bsim_jar *jar, const cookie *old, bool secure_ctx)
{
	if (!old)
		return true;
	if (old->http_only && process_knows(jar, old))
		return false;
	return !(old->secure && !secure_ctx);
}

static int store_one(bsim_jar *jar, const url *u, const char *s, size_t len, const req_ctx *rc,
		     bool from_script)
{
	const cookie_preset *p = jar->preset;
	parsed_cookie pc;
	bsim_cookie_reason why = cookie_parse(&pc, s, len, p);
	if (why != BSIM_REASON_NONE)
		goto refuse;

	/* F1: cookie-averse documents (file: in Chromium and Safari). */
	const char *host = cookie_host_of(p, u);
	if (!host) {
		why = BSIM_REASON_SCHEME;
		goto refuse;
	}

	/* §5.7 step 1 and X1: what a third-party context may store at all. */
	const char *partition = NULL;
	if (rc->third_party) {
		if (p->third_party == THIRD_PARTY_PARTITION || (pc.partitioned && p->chips))
			partition = "";
		else if (p->third_party == THIRD_PARTY_BLOCK) {
			why = BSIM_REASON_THIRD_PARTY_BLOCKED;
			goto refuse;
		}
	} else if (pc.partitioned && p->chips) {
		partition = "";
	}

	const char *dom;
	size_t dom_len;
	bool host_only;
	why = resolve_domain(jar, u, host, &pc, &dom, &dom_len, &host_only);
	if (why != BSIM_REASON_NONE)
		goto refuse;

	/* §5.7 step 11: the Path attribute, or the default path of the request. */
	const char *path = pc.path;
	size_t path_len = pc.path_len;
	if (!pc.has_path) {
		path = cookie_request_path(jar, u);
		cookie_default_path(path, &path_len);
		if (path_len == 1)
			path = "/";
	}
	/* P1, T2: Firefox's CookieValidation refuses a TAB in the final path. */
	if (p->path_htab_refused && memchr(path, '\t', path_len)) {
		why = BSIM_REASON_CONTROL_CHAR;
		goto refuse;
	}

	bool secure_ctx = cookie_secure_context(p, u);
	/* §5.7 step 13. */
	if (pc.secure && !secure_ctx) {
		why = BSIM_REASON_SECURE_FROM_INSECURE;
		goto refuse;
	}
	/* §5.7 step 15. */
	if (pc.http_only && from_script) {
		why = BSIM_REASON_HTTPONLY_FROM_SCRIPT;
		goto refuse;
	}
	/* §5.7 step 18: a cross-site context may only set SameSite=None cookies,
	 * unless it is a top-level navigation's response. The engine's default
	 * decides whether an unspecified SameSite counts (S6, S9). */
	bsim_samesite effective = pc.same_site;
	if (effective == BSIM_SAMESITE_UNSPECIFIED)
		effective = p->default_samesite_lax ? BSIM_SAMESITE_LAX : BSIM_SAMESITE_NONE;
	if (effective != BSIM_SAMESITE_NONE && rc->cross_site && (from_script || !rc->top_level)) {
		why = BSIM_REASON_SAMESITE_CROSS_SITE;
		goto refuse;
	}
	/* §5.7 step 19. */
	if (pc.same_site == BSIM_SAMESITE_NONE && !pc.secure) {
		why = BSIM_REASON_SAMESITE_NONE_INSECURE;
		goto refuse;
	}
	/* §5.7 steps 20-21 and S12. */
	why = check_prefixes(p, &pc, host_only, u->kind == HOST_KIND_IPV4 || u->kind == HOST_KIND_IPV6, path_len,
			     path, from_script);
	if (why != BSIM_REASON_NONE)
		goto refuse;
	/* §5.7 step 22. */
	if (prefix_hidden_in_value(p, &pc)) {
		why = BSIM_REASON_HIDDEN_PREFIX;
		goto refuse;
	}
	/* S13. */
	if (pc.partitioned && p->partitioned_needs_secure && !pc.secure) {
		why = BSIM_REASON_PARTITIONED_INSECURE;
		goto refuse;
	}

	bool persistent;
	bsim_time expires = compute_expiry(jar, &pc, &persistent);

	cookie *c = cookie_make(&pc, dom, dom_len, path, path_len);
	if (!c)
		return error_oom();
	c->host_only = host_only;
	c->secure = pc.secure;
	c->http_only = pc.http_only;
	c->persistent = persistent;
	c->same_site = pc.same_site;
	c->priority = p->priority_attribute ? pc.priority : BSIM_PRIORITY_MEDIUM;
	c->expires = expires;
	c->creation = c->last_access = jar->now;
	if (partition) {
		const url *site_url = rc->third_party ? rc->top : u;
		if (cookie_site_of(&jar->scratch, p, site_url) < 0 ||
		    !(c->partition_key = strdup(buf_cstr(&jar->scratch)))) {
			cookie_free(c);
			return error_oom();
		}
	}

	const char *key;
	size_t key_len;
	if (u->scheme == URL_SCHEME_FILE) {
		key = "";
		key_len = 0;
	} else {
		cookie_key_of(u, &key, &key_len);
	}
	bucket *b = bucket_for(jar, key, key_len, true);
	if (!b) {
		cookie_free(c);
		return error_oom();
	}

	/* §5.7 step 23: the cookie it replaces. */
	uint32_t old_i = UINT32_MAX;
	for (uint32_t i = 0; i < b->n; i++) {
		if (cookie_equivalent(b->items[i], c)) {
			old_i = i;
			break;
		}
	}
	/* §5.7 step 16: leave secure cookies alone. Then step 23.2. */
	if (!c->secure && !secure_ctx && shadows_secure(p, b, c))
		why = BSIM_REASON_OVERWRITE_SECURE;
	else if (from_script && old_i != UINT32_MAX && b->items[old_i]->http_only)
		why = BSIM_REASON_OVERWRITE_HTTPONLY;
	if (why != BSIM_REASON_NONE) {
		/* Firefox: the page's content process may have kept it (process.c). */
		const char *kept = NULL;
		if (from_script && p->process_cookie_copy && !rc->top &&
		    copy_accepts(jar, old_i != UINT32_MAX ? b->items[old_i] : NULL, secure_ctx)) {
			int err = process_keep(jar, c);
			if (err < 0)
				return err;
			kept = "Firefox's content process keeps the write: document.cookie on this site's pages "
			       "in this tab reads it until the tab leaves the site, and requests carry the stored cookie";
		} else {
			cookie_free(c);
		}
		if (jar->observer)
			explain_refused(jar, u, &pc, why, kept);
		return 0;
	}
	uint32_t told = p->process_cookie_copy ? process_told(jar, key, key_len) : 0;

	/* P13: a cookie that arrives expired only deletes its equivalent. */
	if (cookie_is_expired(jar, c)) {
		if (jar->observer)
			explain_deleted_by_expired(jar, u, &pc, old_i != UINT32_MAX);
		if (old_i != UINT32_MAX) {
			cookie *old = b->items[old_i];
			bucket_index_drop(b);
			b->items[old_i] = b->items[--b->n];
			jar->total--;
			cookie_free(old);
			if (jar->n_copies)
				process_changed(jar, c); /* CookieServiceParent::RemoveCookie */
		}
		cookie_free(c);
		return 0;
	}

	bsim_cookie_event_kind kind = BSIM_COOKIE_STORED;
	bucket_index_drop(b);
	if (old_i != UINT32_MAX) {
		cookie *old = b->items[old_i];
		/* §5.7 step 23.3 keeps the old creation time; Chromium only when the value is unchanged (R3). */
		bool same_value = old->value_len == c->value_len &&
				  memcmp(cookie_value(old), cookie_value(c), c->value_len) == 0;
		if (p->keep_creation_if_value_changed || same_value) {
			c->creation = old->creation;
			c->seq = old->seq;
		} else {
			c->seq = jar->next_seq++;
		}
		/*
		 * R3: Firefox's document.cookie view re-adds a changed cookie at the
		 * end when the page itself wrote it. Changed is anything
		 * CookieServiceChild::RecordDocumentCookie compares before keeping
		 * the old entry: value, expiry, session, Secure, HttpOnly, SameSite
		 * (ESR 153 run: "c=1" then "c=1; max-age=600" moves c last, oracle
		 * trace l05-reset-identical). Unchanged, the parent tells no process
		 * (CookieStorage::AddCookie returns early), so every view stays.
		 */
		bool unchanged = same_value && old->persistent == c->persistent && old->expires == c->expires &&
				 old->secure == c->secure && old->http_only == c->http_only && old->same_site == c->same_site;
		if (unchanged) {
			c->script_seq = p->script_order_resets_on_change ? old->script_seq : c->seq;
			c->script_gen = old->script_gen;
			c->known_gen = old->known_gen;
		} else {
			bool last = p->script_order_resets_on_change && (from_script || p->script_order_header_resets);
			c->script_seq = last ? jar->next_seq++ : c->seq;
			c->script_gen = jar->process_gen;
			c->known_gen = told;
			if (jar->n_copies)
				process_changed(jar, c);
		}
		b->items[old_i] = c;
		cookie_free(old);
		kind = BSIM_COOKIE_REPLACED;
	} else {
		if (!evict_before_add(jar, b, c)) {
			if (jar->observer)
				explain_refused(jar, u, &pc, BSIM_REASON_DOMAIN_LIMIT, NULL);
			cookie_free(c);
			return 0;
		}
		c->seq = c->script_seq = jar->next_seq++;
		c->script_gen = jar->process_gen;
		c->known_gen = told;
		if (jar->n_copies)
			process_changed(jar, c);
		if (bucket_push(b, c) < 0) {
			cookie_free(c);
			return BSIM_ENOMEM;
		}
		jar->total++;
	}
	if (c->persistent && c->expires < jar->earliest_expiry)
		jar->earliest_expiry = c->expires;
	if (jar->observer)
		explain_stored(jar, u, c, kind);
	if (kind == BSIM_COOKIE_STORED)
		evict_after_add(jar, b);
	return 0;

refuse:
	if (jar->observer)
		explain_refused(jar, u, &pc, why, NULL);
	return 0;
}

/* Bytes before the first CR or LF of s[0..len): two memchr passes, not a byte loop (5 % of bench/cookie-jar). */
static size_t line_length(const char *s, size_t len)
{
	const char *lf = memchr(s, '\n', len);
	size_t n = lf ? (size_t)(lf - s) : len;
	const char *cr = memchr(s, '\r', n);
	return cr ? (size_t)(cr - s) : n;
}

/* What the HTTP layer hands the cookie code for a header value with a CR or LF in it (P1). */
static int store_header(bsim_jar *jar, const url *u, const char *s, size_t len, const req_ctx *rc)
{
	if (jar->preset->header_newlines == NEWLINE_ENDS_HEADER)
		return store_one(jar, u, s, line_length(s, len), rc, false);
	if (jar->preset->header_newlines != NEWLINE_SPLITS)
		return store_one(jar, u, s, len, rc, false);
	const char *end = s + len;
	while (s < end) {
		const char *nl = s + line_length(s, (size_t)(end - s));
		if (nl > s) {
			int rc2 = store_one(jar, u, s, (size_t)(nl - s), rc, false);
			if (rc2 < 0)
				return rc2;
		}
		s = nl + 1;
	}
	return 0;
}

int bsim_jar_set_cookie(bsim_jar *jar, const char *url_text, const char *header, size_t len,
			const bsim_cookie_ctx *ctx)
{
	const url *u;
	req_ctx rc;
	int err = url_cache_get(&u, jar->urls, url_text);
	if (err < 0 || (err = resolve_ctx(jar, u, ctx, &rc)) < 0)
		return err;
	err = store_header(jar, u, header, len, &rc);
	/* A navigation's response is stored before its page loads (in its site's process). */
	if (err == 0 && rc.top_level)
		process_enter(jar, u);
	return err;
}

int bsim_jar_script_set(bsim_jar *jar, const char *url_text, const char *cookie_string, size_t len,
			const bsim_cookie_ctx *ctx)
{
	const url *u;
	req_ctx rc;
	bsim_cookie_ctx doc = {NULL, 0, 0};
	if (ctx)
		doc = *ctx;
	/* A document's cookie access is never itself a navigation. */
	doc.top_level = 0;
	int err = url_cache_get(&u, jar->urls, url_text);
	if (err < 0 || (err = resolve_ctx(jar, u, &doc, &rc)) < 0)
		return err;
	if (!rc.top)
		process_enter(jar, u); /* the tab's own page, not a frame */
	return store_one(jar, u, cookie_string, len, &rc, true);
}

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

static int retrieve(char **out, bsim_jar *jar, const char *url_text, const bsim_cookie_ctx *ctx,
		    bool from_script)
{
	const cookie_preset *p = jar->preset;
	const url *u;
	req_ctx rc;
	int err = url_cache_get(&u, jar->urls, url_text);
	if (err < 0 || (err = resolve_ctx(jar, u, ctx, &rc)) < 0)
		return err;
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
			jar_remove_at(jar, b, i, BSIM_COOKIE_EXPIRED, BSIM_REASON_EXPIRED);
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

int bsim_jar_request_verdicts(bsim_jar *jar, const char *url_text, const bsim_cookie_ctx *ctx, bsim_send_visit fn,
			      void *userdata)
{
	const cookie_preset *p = jar->preset;
	const url *u;
	req_ctx rc;
	int err = url_cache_get(&u, jar->urls, url_text);
	if (err < 0 || (err = resolve_ctx(jar, u, ctx, &rc)) < 0)
		return err;
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

int bsim_jar_cookie_header(char **out, bsim_jar *jar, const char *url_text, const bsim_cookie_ctx *ctx)
{
	return retrieve(out, jar, url_text, ctx, false);
}

int bsim_jar_script_get(char **out, bsim_jar *jar, const char *url_text, const bsim_cookie_ctx *ctx)
{
	bsim_cookie_ctx doc = {NULL, 0, 0};
	if (ctx)
		doc = *ctx;
	doc.top_level = 0;
	doc.unsafe_method = 0;
	return retrieve(out, jar, url_text, &doc, true);
}

static void end_session_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	bsim_jar *jar = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n;) {
		if (!b->items[i]->persistent)
			jar_remove_at(jar, b, i, BSIM_COOKIE_SESSION_ENDED, BSIM_REASON_SESSION_END);
		else
			i++;
	}
}

static void expire_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	bsim_jar *jar = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n;) {
		if (cookie_is_expired(jar, b->items[i]))
			jar_remove_at(jar, b, i, BSIM_COOKIE_EXPIRED, BSIM_REASON_EXPIRED);
		else
			i++;
	}
}

static void min_expiry_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	bsim_time *min = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++)
		if (b->items[i]->persistent && b->items[i]->expires < *min)
			*min = b->items[i]->expires;
}

void bsim_jar_expire(bsim_jar *jar)
{
	/* Nothing can have expired before the earliest expiry: a wait costs nothing then. */
	if (jar->now < jar->earliest_expiry)
		return;
	strmap_foreach(&jar->buckets, expire_bucket, jar);
	bsim_time min = COOKIE_TIME_MAX;
	strmap_foreach(&jar->buckets, min_expiry_bucket, &min);
	jar->earliest_expiry = min;
}

void bsim_jar_end_session(bsim_jar *jar)
{
	/* §5.7 final paragraph, C1-C2: a session cookie lives until the browser closes. */
	strmap_foreach(&jar->buckets, end_session_bucket, jar);
	process_end(jar);
}

typedef struct collect {
	const bsim_jar *jar;
	cookie **all;
	size_t n;
} collect;

static void collect_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	collect *col = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++)
		if (!cookie_is_expired(col->jar, b->items[i]))
			col->all[col->n++] = b->items[i];
}

static int by_seq(const void *a, const void *b)
{
	const cookie *x = *(const cookie *const *)a, *y = *(const cookie *const *)b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int bsim_jar_foreach(const bsim_jar *jar, bsim_cookie_visit fn, void *userdata)
{
	collect col = {jar, NULL, 0};
	if (jar->total) {
		col.all = malloc(jar->total * sizeof *col.all);
		if (!col.all)
			return error_oom();
	}
	strmap_foreach(&jar->buckets, collect_bucket, &col);
	if (col.n > 1)
		qsort(col.all, col.n, sizeof *col.all, by_seq);
	int rc = 0;
	for (size_t i = 0; i < col.n && rc == 0; i++) {
		bsim_cookie_view v;
		cookie_view_of(&v, col.all[i]);
		rc = fn(&v, userdata);
	}
	free(col.all);
	return rc;
}

static void clear_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++)
		cookie_free(b->items[i]);
	b->n = 0;
	bucket_index_drop(b);
}

void bsim_jar_clear(bsim_jar *jar)
{
	strmap_foreach(&jar->buckets, clear_bucket, NULL);
	process_end(jar);
	jar->total = 0;
	jar->earliest_access = INT64_MAX;
	jar->earliest_expiry = COOKIE_TIME_MAX;
}

/* §5.6 step 1: the CTLs that void a cookie are all but HTAB, which Firefox stores inside a value (P1). */
static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7F)
			return true;
	return false;
}

/* The equivalence key of c (§5.7 step 23's fields), into jar->scratch. */
static int equivalence_key(bsim_jar *jar, const cookie *c)
{
	buf_clear(&jar->scratch);
	buf_put(&jar->scratch, c->strs, c->name_len + 1);
	buf_put(&jar->scratch, cookie_domain(c), c->domain_len + 1);
	buf_put(&jar->scratch, cookie_path(c), c->path_len + 1);
	buf_putc(&jar->scratch, c->host_only ? '1' : '0');
	if (c->partition_key)
		buf_puts(&jar->scratch, c->partition_key);
	return buf_status(&jar->scratch) < 0 ? error_oom() : 0;
}

/*
 * Where in b the cookie equivalent to c is (UINT32_MAX: none), leaving c's
 * equivalence key in jar->scratch when b is indexed. Small buckets are
 * scanned; from BUCKET_INDEX_MIN cookies on, the index answers.
 */
static int restore_find(bsim_jar *jar, bucket *b, const cookie *c, uint32_t *at)
{
	*at = UINT32_MAX;
	if (b->n < BUCKET_INDEX_MIN && !b->index) {
		for (uint32_t i = 0; i < b->n; i++)
			if (cookie_equivalent(b->items[i], c)) {
				*at = i;
				break;
			}
		return 0;
	}
	if (!b->index) {
		if (!(b->index = calloc(1, sizeof *b->index)))
			return error_oom();
		for (uint32_t i = 0; i < b->n; i++) {
			if (equivalence_key(jar, b->items[i]) < 0 ||
			    strmap_put(b->index, buf_cstr(&jar->scratch), jar->scratch.len, (void *)(uintptr_t)(i + 1)) < 0) {
				bucket_index_drop(b);
				return error_oom();
			}
		}
	}
	if (equivalence_key(jar, c) < 0)
		return BSIM_ENOMEM;
	uintptr_t pos = (uintptr_t)strmap_get(b->index, buf_cstr(&jar->scratch), jar->scratch.len);
	if (pos)
		*at = (uint32_t)(pos - 1);
	return 0;
}

/* limits: run the engine's per-site and global caps on a new cookie, as a Playwright import into the browser does. */
static int restore(bsim_jar *jar, const bsim_cookie_view *v, bool limits)
{
	if (!v || !v->name || !v->value || !v->domain || !v->path)
		return error_set(BSIM_EINVAL, "cookie to restore lacks a name, value, domain or path");
	size_t nl = strlen(v->name), vl = strlen(v->value), dl = strlen(v->domain), pl = strlen(v->path);
	const char *label = nl ? v->name : "(nameless)";
	/* The invariants the storage model guarantees (§5.7 steps 2-4). */
	if (nl + vl > COOKIE_MAX_NAME_VALUE)
		return error_set(BSIM_EINVAL, "cookie %.80s: name and value are %zu bytes, over the limit of %d",
				 label, nl + vl, COOKIE_MAX_NAME_VALUE);
	if (nl + vl == 0)
		return error_set(BSIM_EINVAL, "cookie has neither a name nor a value");
	if (has_ctl(v->name) || has_ctl(v->value) || has_ctl(v->path))
		return error_set(BSIM_EINVAL, "cookie %.80s contains a control character", label);
	if (pl == 0 || v->path[0] != '/')
		return error_set(BSIM_EINVAL, "cookie %.80s: path \"%.80s\" does not start with '/'", label, v->path);
	/* The view's domain is canonical, without the leading dot a Domain attribute or a file may carry. */
	if (v->domain[0] == '.')
		return error_set(BSIM_EINVAL, "cookie %.80s: domain \"%.80s\" starts with a dot: write the host name alone",
				 label, v->domain);
	if (dl > HOST_NAME_MAX_LEN + 2)
		return error_set(BSIM_EINVAL, "cookie %.80s: domain is longer than a host name can be", label);
	char *canon = NULL;
	if (dl) {
		int rc = host_canonicalize(&canon, v->domain, dl);
		if (rc < 0) {
			/* A copy: formatting overwrites bsim_error_last()'s message. */
			char why[256];
			snprintf(why, sizeof why, "%s", bsim_error_last()->message);
			return error_set(BSIM_EINVAL, "cookie %.80s: domain \"%.80s\" is not a host name: %s", label,
					 v->domain, why);
		}
		if (strcmp(canon, v->domain) != 0) {
			error_set(BSIM_EINVAL, "cookie %.80s: domain \"%.80s\" is not canonical (expected \"%s\")", label,
				  v->domain, canon);
			free(canon);
			return BSIM_EINVAL;
		}
	}
	parsed_cookie pc;
	memset(&pc, 0, sizeof pc);
	pc.name = v->name;
	pc.name_len = nl;
	pc.value = v->value;
	pc.value_len = vl;
	cookie *c = cookie_make(&pc, v->domain, dl, v->path, pl);
	if (!c) {
		free(canon);
		return error_oom();
	}
	c->host_only = v->host_only != 0;
	c->secure = v->secure != 0;
	c->http_only = v->http_only != 0;
	c->persistent = v->persistent != 0;
	c->same_site = v->same_site & 3;
	c->priority = v->priority > BSIM_PRIORITY_HIGH ? BSIM_PRIORITY_MEDIUM : v->priority;
	c->expires = v->persistent ? v->expires : COOKIE_TIME_MAX;
	c->creation = v->creation;
	c->last_access = limits && jar->preset->import_unaccessed ? COOKIE_NEVER_ACCESSED : v->last_access;
	if (v->partition_key && !(c->partition_key = strdup(v->partition_key))) {
		cookie_free(c);
		free(canon);
		return error_oom();
	}
	/* The bucket is the registrable domain of the cookie's domain, as in storage. */
	char key[HOST_NAME_MAX_LEN + 8];
	const char *k = v->domain;
	if (dl && psl_registrable_domain(v->domain, key, sizeof key))
		k = key;
	free(canon);
	bucket *b = bucket_for(jar, k, strlen(k), true);
	if (!b) {
		cookie_free(c);
		return error_oom();
	}
	if (c->persistent && c->expires < jar->earliest_expiry)
		jar->earliest_expiry = c->expires;
	uint32_t at = UINT32_MAX;
	int rc = restore_find(jar, b, c, &at);
	if (rc < 0) {
		cookie_free(c);
		return rc;
	}
	c->seq = c->script_seq = jar->next_seq++;
	if (at != UINT32_MAX) {
		cookie_free(b->items[at]);
		b->items[at] = c;
		return 0;
	}
	if (limits && !evict_before_add(jar, b, c)) {
		cookie_free(c); /* Firefox: a non-secure newcomer to a full site with nothing non-secure to push out */
		return 0;
	}
	if (bucket_push(b, c) < 0) {
		cookie_free(c);
		return BSIM_ENOMEM;
	}
	if (b->index && strmap_put(b->index, buf_cstr(&jar->scratch), jar->scratch.len,
				   (void *)(uintptr_t)b->n) < 0)
		bucket_index_drop(b); /* only slower: the next restore scans or rebuilds */
	jar->total++;
	if (c->last_access < jar->earliest_access)
		jar->earliest_access = c->last_access;
	if (limits)
		evict_after_add(jar, b); /* a removal drops the bucket's index itself */
	return 0;
}

int bsim_jar_restore(bsim_jar *jar, const bsim_cookie_view *v)
{
	return restore(jar, v, false);
}

int bsim_jar_import(bsim_jar *jar, const bsim_cookie_view *v)
{
	return restore(jar, v, true);
}
