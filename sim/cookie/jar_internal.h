/*
 * jar_internal.h: the jar's data structures, shared by the files that make
 * up the jar (jar.c: lifetime, buckets, sweeps; store.c: storage, §5.7;
 * retrieve.c: retrieval, §5.8; restore.c: saved cookies; match.c: the
 * matching rules; process.c: Firefox's content-process copy; evict.c:
 * limits; explain.c: events and their sentences).
 *
 * Cookies are grouped in buckets keyed by registrable domain (eTLD+1), or by
 * the host where it has none (IP, localhost, single label), as Chromium's
 * CookieMonster keys them (browser-rules.md D14). A cookie can only be seen
 * from hosts under its own key, so a request looks at one bucket.
 */
#ifndef BSIM_COOKIE_JAR_INTERNAL_H
#define BSIM_COOKIE_JAR_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bsim/cookie.h"
#include "cookie/jar_call.h"
#include "cookie/parse.h"
#include "cookie/preset.h"
#include "net/url.h"
#include "util/buf.h"
#include "util/strmap.h"

/* Latest expiry bsim represents; a session cookie's expiry for ordering purposes. */
#define COOKIE_TIME_MAX INT64_MAX

/*
 * One stored cookie. Its strings share one allocation, name\0value\0domain\0path\0,
 * so a cookie costs two allocations whatever its attributes.
 */
typedef struct cookie {
	char *strs;
	char *partition_key;    /* site of the top-level document, or NULL */
	bsim_time expires;      /* COOKIE_TIME_MAX when not persistent */
	bsim_time creation;
	bsim_time last_access;
	uint64_t seq;           /* creation order; kept with the creation time on overwrite */
	uint64_t script_seq;    /* document.cookie order where the preset keeps a second one (R3), else seq */
	uint32_t script_gen;    /* content process whose order script_seq is (process_cookie_copy), 0: none */
	uint32_t known_gen;     /* content process told of this cookie's last change (process_cookie_copy), 0: none */
	uint32_t name_len;
	uint32_t value_len;
	uint16_t domain_len;
	uint32_t path_len;
	unsigned host_only : 1;
	unsigned secure : 1;
	unsigned http_only : 1;
	unsigned persistent : 1;
	unsigned same_site : 2; /* bsim_samesite */
	unsigned priority : 2;  /* bsim_priority */
} cookie;

static inline const char *cookie_name(const cookie *c) { return c->strs; }
static inline const char *cookie_value(const cookie *c) { return c->strs + c->name_len + 1; }
static inline const char *cookie_domain(const cookie *c)
{
	return c->strs + c->name_len + 1 + c->value_len + 1;
}
static inline const char *cookie_path(const cookie *c)
{
	return c->strs + c->name_len + 1 + c->value_len + 1 + c->domain_len + 1;
}

/*
 * Restoring a profile or an import into one site can put far more cookies in
 * a bucket than the engine's per-domain limit (the limit applies to cookies a
 * page sets, not to restored ones), and finding each restored cookie's
 * equivalent by a scan made a 100,000-cookie import quadratic (minutes).
 * Restore then keeps an index of the bucket by equivalence key; any other
 * change to the bucket drops it (bucket_index_drop), and the next large
 * restore builds it again.
 */
#define BUCKET_INDEX_MIN 64

typedef struct bucket {
	cookie **items;
	uint32_t n;
	size_t cap;
	strmap *index;  /* equivalence key -> position + 1, or NULL; see BUCKET_INDEX_MIN */
} bucket;

/*
 * The last access of a cookie no page or request has used yet (an import,
 * preset import_unaccessed): older than any purge cutoff, and far enough
 * from INT64_MIN that now - it cannot overflow.
 */
#define COOKIE_NEVER_ACCESSED (-(INT64_C(1) << 50))

/* Forget b's restore index: call before any change to b->items other than bsim_jar_restore's. */
void bucket_index_drop(bucket *b);

struct bsim_jar {
	const cookie_preset *preset;
	bsim_time now;
	uint64_t next_seq;
	size_t total;
	bsim_time earliest_access; /* a lower bound on every cookie's last access (global purge) */
	bsim_time earliest_expiry; /* a lower bound on every persistent cookie's expiry (bsim_jar_expire) */
	strmap buckets;            /* key -> bucket */
	url_cache *urls;
	bsim_cookie_observer observer;
	void *observer_data;
	jar_actor_observer actor_observer; /* bsim's own floors (jar_call.h): told who acted */
	void *actor_observer_data;
	/* The content-process copy (preset process_cookie_copy; jar.c): the scheme and site of the
	 * tab's page, its generation (0: no page yet), and the writes only that copy holds. */
	bool process_live;
	int process_scheme;
	buf process_site;
	uint32_t process_gen;
	cookie **copies;
	uint32_t n_copies;
	size_t cap_copies;
	buf msg;                   /* scratch for event sentences */
	buf scratch;               /* scratch for keys and sites */
};

/* --- jar.c: buckets, the call's context, the cookie record --- */
/* The bucket of key (created when create is set), or NULL (none, or out of memory when creating). */
bucket *bucket_for(bsim_jar *jar, const char *key, size_t len, bool create);
/* Append c to b. 0, or BSIM_ENOMEM. */
int bucket_push(bucket *b, cookie *c);

/* The request or document context, resolved once per operation. */
typedef struct req_ctx {
	const url *top;   /* top-level document (or initiator of a navigation), or NULL */
	bool top_level;
	bool unsafe;
	bool cross_site;  /* SameSite: cross-site with `top` (§5.2) */
	bool third_party; /* a frame or subresource under another top-level site (§9 X1) */
	int actor;        /* the call's (jar_call.h), given to the observers with each event */
} req_ctx;

/* The context of a call on u. Inline: every store and lookup starts here. */
static inline void resolve_call(const bsim_jar *jar, const url *u, const jar_call *call, req_ctx *rc)
{
	bool cross_site = call->top && !url_same_site(u, call->top, jar->preset->schemeful_same_site);
	*rc = (req_ctx){.top = call->top, .top_level = call->top_level, .unsafe = call->unsafe_method,
			.cross_site = cross_site, .third_party = cross_site && !call->top_level, .actor = call->actor};
}
/*
 * A public call's URL text and context (include/bsim/cookie.h) as the
 * jar_call they stand for, parsed through the jar's URL cache (*u and
 * call->top are borrowed from it). Errors as url_parse.
 */
int jar_call_of(bsim_jar *jar, const url **u, jar_call *call, const char *url_text, const bsim_cookie_ctx *ctx);
/* Where cookies may live on this URL at all (F1): the bucket host, or NULL. */
const char *cookie_host_of(const cookie_preset *p, const url *u);
/* A cookie with pc's name and value, domain and path, all else zero; NULL when out of memory. */
cookie *cookie_make(const parsed_cookie *pc, const char *dom, size_t dom_len, const char *path, size_t path_len);

/* --- match.c: RFC 6265bis §5.1.3, §5.1.4, §5.2 --- */
bool cookie_domain_match(const char *host, size_t host_len, const char *domain, size_t domain_len);
bool cookie_path_match(const char *req_path, size_t req_len, const char *cookie_path, size_t cookie_len);
/* §5.1.4 default-path of a request path, written as (start, length) into path. */
void cookie_default_path(const char *req_path, size_t *out_len);
/* The bucket key of a URL's host: registrable domain, else the host. */
void cookie_key_of(const url *u, const char **key, size_t *len);
/* The request path the engine matches against (T3). */
const char *cookie_request_path(const bsim_jar *jar, const url *u);
/* A secure context for cookies (S1): https/wss, or loopback where the engine trusts it. */
bool cookie_secure_context(const cookie_preset *p, const url *u);
/* "https://shop.com": the site a partition key names. Written into b. */
int cookie_site_of(buf *b, const cookie_preset *p, const url *u);

/* §5.7 step 23: same name, domain, host-only flag, path (and partition). */
bool cookie_equivalent(const cookie *c, const cookie *n);

/* --- process.c: the content-process copy document.cookie reads (preset process_cookie_copy) --- */
/* The tab's top-level page is now u: a new copy when its scheme or site differs. */
void process_enter(bsim_jar *jar, const url *u);
/* The browser closed or the jar was cleared: no process, no copy. */
void process_end(bsim_jar *jar);
void process_free(bsim_jar *jar);
/* The generation of the live process when it is on site key (so told of changes there), else 0. */
uint32_t process_told(const bsim_jar *jar, const char *key, size_t len);
/* Whether the live process was told of c's last change. */
bool process_knows(const bsim_jar *jar, const cookie *c);
/* The parent changed or removed the cookie equivalent to c: the copy's own entry for it goes. */
void process_changed(bsim_jar *jar, const cookie *c);
/* Keep c, a write the parent refused, in the copy (takes c). */
int process_keep(bsim_jar *jar, cookie *c);
/* The copy's own entry equivalent to c, or NULL. */
const cookie *process_copy_of(const bsim_jar *jar, const cookie *c);
/* c's document.cookie order in the live process (the parent's unless the process changed it). */
uint64_t process_order(bsim_jar *jar, cookie *c);

/* --- evict.c: per-domain and global limits (browser-rules.md §5) --- */
/* Chromium: after an insert into b (key). Firefox: before adding newcomer; returns false to drop it. */
bool evict_before_add(bsim_jar *jar, bucket *b, const cookie *newcomer, int actor);
void evict_after_add(bsim_jar *jar, bucket *b, int actor);
/* Remove b->items[i] (swap with the last), reporting it. Frees the cookie. */
void jar_remove_at(bsim_jar *jar, bucket *b, uint32_t i, bsim_cookie_event_kind kind,
		   bsim_cookie_reason reason, int actor);
void cookie_free(cookie *c);
bool cookie_is_expired(const bsim_jar *jar, const cookie *c);

/* --- explain.c: events, each handed to the observers with the actor of the call that caused it --- */
/* Whether anyone listens: sentences are built only then. */
static inline bool jar_observed(const bsim_jar *jar)
{
	return jar->observer || jar->actor_observer;
}
void cookie_view_of(bsim_cookie_view *v, const cookie *c);
/* What a refused cookie would have been, from the parse. */
void cookie_view_of_parsed(bsim_cookie_view *v, const parsed_cookie *pc, buf *scratch);
void explain_refused(bsim_jar *jar, int actor, const url *u, const parsed_cookie *pc, bsim_cookie_reason reason,
		     const char *detail);
void explain_removed(bsim_jar *jar, int actor, const cookie *c, bsim_cookie_event_kind kind,
		     bsim_cookie_reason reason, const char *detail);
void explain_stored(bsim_jar *jar, int actor, const url *u, const cookie *c, bsim_cookie_event_kind kind);
/* BSIM_COOKIE_UNCHANGED: a fixed sentence, nothing formatted. */
void explain_unchanged(bsim_jar *jar, int actor, const url *u, const cookie *c);
void explain_deleted_by_expired(bsim_jar *jar, int actor, const url *u, const parsed_cookie *pc, bool removed);

#endif
