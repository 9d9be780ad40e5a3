/*
 * store.c: storing cookies, the storage model of RFC 6265bis §5.7 step by
 * step, for a Set-Cookie header (bsim_jar_set_cookie) and for a script's
 * document.cookie write (bsim_jar_script_set). Each cookie goes through
 * three stages: admit (parse and every rule that refuses it, steps 1-22),
 * make (the cookie record: steps 11-14's values, expiry, partition) and
 * place (step 23: what it replaces, overwrite rules, limits). The engine's
 * refinements are rows of its preset (browser-rules.md §2-§4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cookie/jar_internal.h"
#include "net/psl.h"
#include "util/error.h"

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

/* What admit() found for a cookie the rules let in: everything make() and place() need of it. */
typedef struct admitted {
	parsed_cookie pc;
	const char *dom;       /* its domain: borrowed from the URL or from jar->scratch (resolve_domain) */
	size_t dom_len;
	bool host_only;
	const char *path;      /* the Path attribute, or the request's default path */
	size_t path_len;
	bool partitioned;      /* CHIPS, or a third-party context the engine partitions */
	bool secure_ctx;       /* the URL is a secure context for cookies (S1) */
} admitted;

/*
 * Admit: parse s, then every rule of RFC 6265bis §5.7 (steps 1-22) and of
 * the engine that refuses a cookie before it exists. BSIM_REASON_NONE, or
 * the reason it is refused (a->pc is then as far as parsed, for the event).
 */
static bsim_cookie_reason admit(admitted *a, bsim_jar *jar, const url *u, const char *s, size_t len,
				const req_ctx *rc, bool from_script)
{
	const cookie_preset *p = jar->preset;
	parsed_cookie *pc = &a->pc;
	bsim_cookie_reason why = cookie_parse(pc, s, len, p);
	if (why != BSIM_REASON_NONE)
		return why;

	/* F1: cookie-averse documents (file: in Chromium and Safari). */
	const char *host = cookie_host_of(p, u);
	if (!host)
		return BSIM_REASON_SCHEME;

	/* §5.7 step 1 and X1: what a third-party context may store at all. */
	a->partitioned = false;
	if (rc->third_party) {
		if (p->third_party == THIRD_PARTY_PARTITION || (pc->partitioned && p->chips))
			a->partitioned = true;
		else if (p->third_party == THIRD_PARTY_BLOCK)
			return BSIM_REASON_THIRD_PARTY_BLOCKED;
	} else if (pc->partitioned && p->chips) {
		a->partitioned = true;
	}

	/* §5.7 steps 7-10. */
	why = resolve_domain(jar, u, host, pc, &a->dom, &a->dom_len, &a->host_only);
	if (why != BSIM_REASON_NONE)
		return why;

	/* §5.7 step 11: the Path attribute, or the default path of the request. */
	a->path = pc->path;
	a->path_len = pc->path_len;
	if (!pc->has_path) {
		a->path = cookie_request_path(jar, u);
		cookie_default_path(a->path, &a->path_len);
		if (a->path_len == 1)
			a->path = "/";
	}
	/* P1, T2: Firefox's CookieValidation refuses a TAB in the final path. */
	if (p->path_htab_refused && memchr(a->path, '\t', a->path_len))
		return BSIM_REASON_CONTROL_CHAR;

	a->secure_ctx = cookie_secure_context(p, u);
	/* §5.7 step 13. */
	if (pc->secure && !a->secure_ctx)
		return BSIM_REASON_SECURE_FROM_INSECURE;
	/* §5.7 step 15. */
	if (pc->http_only && from_script)
		return BSIM_REASON_HTTPONLY_FROM_SCRIPT;
	/* §5.7 step 18: a cross-site context may only set SameSite=None cookies,
	 * unless it is a top-level navigation's response. The engine's default
	 * decides whether an unspecified SameSite counts (S6, S9). */
	bsim_samesite effective = pc->same_site;
	if (effective == BSIM_SAMESITE_UNSPECIFIED)
		effective = p->default_samesite_lax ? BSIM_SAMESITE_LAX : BSIM_SAMESITE_NONE;
	if (effective != BSIM_SAMESITE_NONE && rc->cross_site && (from_script || !rc->top_level))
		return BSIM_REASON_SAMESITE_CROSS_SITE;
	/* §5.7 step 19. */
	if (pc->same_site == BSIM_SAMESITE_NONE && !pc->secure)
		return BSIM_REASON_SAMESITE_NONE_INSECURE;
	/* §5.7 steps 20-21 and S12. */
	why = check_prefixes(p, pc, a->host_only, u->kind == HOST_KIND_IPV4 || u->kind == HOST_KIND_IPV6, a->path_len,
			     a->path, from_script);
	if (why != BSIM_REASON_NONE)
		return why;
	/* §5.7 step 22. */
	if (prefix_hidden_in_value(p, pc))
		return BSIM_REASON_HIDDEN_PREFIX;
	/* S13. */
	if (pc->partitioned && p->partitioned_needs_secure && !pc->secure)
		return BSIM_REASON_PARTITIONED_INSECURE;
	return BSIM_REASON_NONE;
}

/*
 * Make: the cookie record of an admitted cookie: its expiry (§5.7 step 6,
 * capped as the engine caps it), the flags steps 12-17 read, and the
 * partition key of CHIPS. NULL when out of memory (raised).
 */
static cookie *make(bsim_jar *jar, const url *u, const admitted *a, const req_ctx *rc)
{
	const cookie_preset *p = jar->preset;
	const parsed_cookie *pc = &a->pc;
	bool persistent;
	bsim_time expires = compute_expiry(jar, pc, &persistent);

	/* First, while a->dom (maybe in jar->scratch) is still what resolve_domain wrote. */
	cookie *c = cookie_make(pc, a->dom, a->dom_len, a->path, a->path_len);
	if (!c) {
		error_oom();
		return NULL;
	}
	c->host_only = a->host_only;
	c->secure = pc->secure;
	c->http_only = pc->http_only;
	c->persistent = persistent;
	c->same_site = pc->same_site;
	c->priority = p->priority_attribute ? pc->priority : BSIM_PRIORITY_MEDIUM;
	c->expires = expires;
	c->creation = c->last_access = jar->now;
	if (a->partitioned) {
		const url *site_url = rc->third_party ? rc->top : u;
		if (cookie_site_of(&jar->scratch, p, site_url) < 0 ||
		    !(c->partition_key = strdup(buf_cstr(&jar->scratch)))) {
			cookie_free(c);
			error_oom();
			return NULL;
		}
	}
	return c;
}

/*
 * §5.7 steps 16 and 23.2: a cookie the jar holds keeps c out (a Secure one
 * it would shadow from an insecure origin, an HttpOnly one a script would
 * overwrite). BSIM_REASON_NONE, or why.
 */
static bsim_cookie_reason overwrite_refused(const bsim_jar *jar, const bucket *b, const cookie *c, const cookie *old,
					    bool secure_ctx, bool from_script)
{
	if (!c->secure && !secure_ctx && shadows_secure(jar->preset, b, c))
		return BSIM_REASON_OVERWRITE_SECURE;
	if (from_script && old && old->http_only)
		return BSIM_REASON_OVERWRITE_HTTPONLY;
	return BSIM_REASON_NONE;
}

/* P13: a cookie that arrives expired only deletes its equivalent, b->items[old_i] (UINT32_MAX: none). Takes c. */
static void delete_by_expired(bsim_jar *jar, int actor, const url *u, const admitted *a, bucket *b, uint32_t old_i, cookie *c)
{
	if (jar_observed(jar))
		explain_deleted_by_expired(jar, actor, u, &a->pc, old_i != UINT32_MAX);
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
}

/* §5.7 step 23.3: c replaces old, b->items[old_i]. told: the live process's generation (process_told). */
/* c, equivalent to old (§5.7 step 23), is old again: same value, lifetime, flags, SameSite and priority. */
static bool cookie_same_state(const cookie *old, const cookie *c)
{
	return old->value_len == c->value_len && memcmp(cookie_value(old), cookie_value(c), c->value_len) == 0 &&
	       old->persistent == c->persistent && old->expires == c->expires && old->secure == c->secure &&
	       old->http_only == c->http_only && old->same_site == c->same_site && old->priority == c->priority;
}

static void replace_at(bsim_jar *jar, bucket *b, uint32_t old_i, cookie *c, uint32_t told, bool from_script)
{
	const cookie_preset *p = jar->preset;
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
}

/* A cookie with no equivalent joins b, unless the engine's limit drops it (Firefox). Takes c. */
static int add_new(bsim_jar *jar, int actor, const url *u, const admitted *a, bucket *b, cookie *c, uint32_t told)
{
	if (!evict_before_add(jar, b, c, actor)) {
		if (jar_observed(jar))
			explain_refused(jar, actor, u, &a->pc, BSIM_REASON_DOMAIN_LIMIT, NULL);
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
	return 1;
}

/*
 * Place: put c, made from a, into the jar (§5.7 steps 16 and 23, then the
 * engine's limits), or refuse it for what the jar already holds. Takes c.
 */
static int place(bsim_jar *jar, const url *u, const admitted *a, cookie *c, const req_ctx *rc, bool from_script)
{
	const cookie_preset *p = jar->preset;
	const char *key = "";
	size_t key_len = 0;
	if (u->scheme != URL_SCHEME_FILE)
		cookie_key_of(u, &key, &key_len);
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
	cookie *old = old_i != UINT32_MAX ? b->items[old_i] : NULL;
	bsim_cookie_reason why = overwrite_refused(jar, b, c, old, a->secure_ctx, from_script);
	if (why != BSIM_REASON_NONE) {
		/* Firefox: the page's content process may have kept it (process.c). */
		const char *kept = NULL;
		if (from_script && p->process_cookie_copy && !rc->top && copy_accepts(jar, old, a->secure_ctx)) {
			int err = process_keep(jar, c);
			if (err < 0)
				return err;
			kept = "Firefox's content process keeps the write: document.cookie on this site's pages "
			       "in this tab reads it until the tab leaves the site, and requests carry the stored cookie";
		} else {
			cookie_free(c);
		}
		if (jar_observed(jar))
			explain_refused(jar, rc->actor, u, &a->pc, why, kept);
		return 0;
	}
	uint32_t told = p->process_cookie_copy ? process_told(jar, key, key_len) : 0;

	if (cookie_is_expired(jar, c)) {
		delete_by_expired(jar, rc->actor, u, a, b, old_i, c);
		return 0;
	}

	/*
	 * A write of exactly the cookie already stored changes nothing a page or
	 * a request can see: §5.7 step 23 keeps its creation time, and every
	 * attribute is the same. Only its last-access time moves (the eviction
	 * order, §5.8.3). It is no state change: its outcome is "unchanged",
	 * told without formatting a sentence, since a widget's poll rewrites
	 * its session and keys this way twice a second and re-telling each
	 * would cost the run more than the poll.
	 */
	if (old && cookie_same_state(old, c)) {
		old->last_access = c->last_access;
		cookie_free(c);
		if (jar_observed(jar))
			explain_unchanged(jar, rc->actor, u, old);
		return 0;
	}
	bsim_cookie_event_kind kind = BSIM_COOKIE_STORED;
	bucket_index_drop(b);
	if (old) {
		replace_at(jar, b, old_i, c, told, from_script);
		kind = BSIM_COOKIE_REPLACED;
	} else {
		int added = add_new(jar, rc->actor, u, a, b, c, told);
		if (added <= 0)
			return added;
	}
	if (c->persistent && c->expires < jar->earliest_expiry)
		jar->earliest_expiry = c->expires;
	if (jar_observed(jar))
		explain_stored(jar, rc->actor, u, c, kind);
	if (kind == BSIM_COOKIE_STORED)
		evict_after_add(jar, b, rc->actor);
	return 0;
}

/* One cookie of a Set-Cookie header or a document.cookie write: admit, make, place. */
static int store_one(bsim_jar *jar, const url *u, const char *s, size_t len, const req_ctx *rc,
		     bool from_script)
{
	admitted a;
	bsim_cookie_reason why = admit(&a, jar, u, s, len, rc, from_script);
	if (why != BSIM_REASON_NONE) {
		if (jar_observed(jar))
			explain_refused(jar, rc->actor, u, &a.pc, why, NULL);
		return 0;
	}
	cookie *c = make(jar, u, &a, rc);
	if (!c)
		return BSIM_ENOMEM;
	return place(jar, u, &a, c, rc, from_script);
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

int jar_set_cookie(bsim_jar *jar, const url *u, const char *header, size_t len, const jar_call *call)
{
	req_ctx rc;
	resolve_call(jar, u, call, &rc);
	int err = store_header(jar, u, header, len, &rc);
	/* A navigation's response is stored before its page loads (in its site's process). */
	if (err == 0 && rc.top_level)
		process_enter(jar, u);
	return err;
}

int bsim_jar_set_cookie(bsim_jar *jar, const char *url_text, const char *header, size_t len,
			const bsim_cookie_ctx *ctx)
{
	const url *u;
	jar_call call;
	int err = jar_call_of(jar, &u, &call, url_text, ctx);
	return err < 0 ? err : jar_set_cookie(jar, u, header, len, &call);
}

int jar_script_set(bsim_jar *jar, const url *u, const char *cookie_string, size_t len, const jar_call *call)
{
	/* A document's cookie access is never itself a navigation. */
	jar_call doc = *call;
	doc.top_level = false;
	req_ctx rc;
	resolve_call(jar, u, &doc, &rc);
	if (!rc.top)
		process_enter(jar, u); /* the tab's own page, not a frame */
	return store_one(jar, u, cookie_string, len, &rc, true);
}

int bsim_jar_script_set(bsim_jar *jar, const char *url_text, const char *cookie_string, size_t len,
			const bsim_cookie_ctx *ctx)
{
	const url *u;
	jar_call call;
	int err = jar_call_of(jar, &u, &call, url_text, ctx);
	return err < 0 ? err : jar_script_set(jar, u, cookie_string, len, &call);
}
