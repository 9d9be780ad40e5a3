/*
 * cookie.h: the simulated browser's cookie jar.
 *
 * A jar accepts and refuses cookies exactly as the chosen engine preset
 * (chromium, firefox, safari) does, and reports every refusal, eviction and
 * expiry as an event with a reason code and a sentence a person understands.
 * Time is the jar's virtual clock (bsim_jar_set_time); nothing reads the
 * wall clock. Creation order is a counter, so two runs of the same inputs
 * give the same jar, byte for byte.
 */
#ifndef BSIM_COOKIE_H
#define BSIM_COOKIE_H

#include <stddef.h>
#include <stdint.h>

#include "bsim/error.h"
#include "bsim/units.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bsim_engine {
	BSIM_ENGINE_CHROMIUM = 0,
	BSIM_ENGINE_FIREFOX = 1,
	BSIM_ENGINE_SAFARI = 2
} bsim_engine;
#define BSIM_ENGINE_COUNT 3

/* "chromium", "firefox", "safari". Returns BSIM_EINVAL for any other name. */
int bsim_engine_from_name(bsim_engine *out, const char *name);
const char *bsim_engine_name(bsim_engine engine);

typedef enum bsim_samesite {
	BSIM_SAMESITE_UNSPECIFIED = 0, /* no (valid) SameSite attribute: the engine's default applies */
	BSIM_SAMESITE_NONE = 1,
	BSIM_SAMESITE_LAX = 2,
	BSIM_SAMESITE_STRICT = 3
} bsim_samesite;

/* Chromium's Priority attribute (browser-rules.md L2); other engines ignore it. */
typedef enum bsim_priority {
	BSIM_PRIORITY_LOW = 0,
	BSIM_PRIORITY_MEDIUM = 1,
	BSIM_PRIORITY_HIGH = 2
} bsim_priority;

/* What happened to a cookie. Reported through the jar's observer. */
typedef enum bsim_cookie_event_kind {
	BSIM_COOKIE_STORED,   /* a new cookie */
	BSIM_COOKIE_REPLACED, /* it replaced one with the same name, domain and path */
	BSIM_COOKIE_DELETED,  /* an already-expired cookie removed its equivalent (RFC 6265bis §5.7 step 23) */
	BSIM_COOKIE_REFUSED,  /* the browser would not store it; reason says why */
	BSIM_COOKIE_EVICTED,  /* removed to respect a limit */
	BSIM_COOKIE_EXPIRED,  /* its expiry passed on the virtual clock */
	BSIM_COOKIE_SESSION_ENDED, /* a session cookie dropped when the browser closed */
	/*
	 * A write of exactly the cookie stored (value, lifetime, flags): no state
	 * change but its last-access time. Its message is a fixed sentence, never
	 * formatted, and the browser's trace leaves it out: a widget's poll
	 * rewrites its cookies this way.
	 */
	BSIM_COOKIE_UNCHANGED
} bsim_cookie_event_kind;

/*
 * Why. Every value has a stable code (bsim_cookie_reason_code), used in
 * scenario files as e.g. expect-failure="cookie-refused:public-suffix".
 */
typedef enum bsim_cookie_reason {
	BSIM_REASON_NONE = 0,
	/* parsing, RFC 6265bis §5.6 */
	BSIM_REASON_CONTROL_CHAR,       /* "control-char" */
	BSIM_REASON_EMPTY,              /* "empty-name-and-value" */
	BSIM_REASON_TOO_LARGE,          /* "name-value-too-large" (4096 octets) */
	BSIM_REASON_HIDDEN_PREFIX,      /* "nameless-prefix" */
	BSIM_REASON_EMPTY_NAME,         /* "empty-name" (Firefox: "=value") */
	/* where the cookie may live, §5.7 */
	BSIM_REASON_SCHEME,             /* "scheme-not-cookieable" (file:, data: ...) */
	BSIM_REASON_PUBLIC_SUFFIX,      /* "public-suffix" */
	BSIM_REASON_DOMAIN_MISMATCH,    /* "domain-mismatch" */
	BSIM_REASON_IP_DOMAIN,          /* "ip-address-domain" */
	BSIM_REASON_NO_REGISTRABLE,     /* "no-registrable-domain" (localhost, single label) */
	BSIM_REASON_NON_ASCII_DOMAIN,   /* "non-ascii-domain" */
	BSIM_REASON_TRAILING_DOT,       /* "trailing-dot" */
	/* attributes, §5.7 and §5.4 */
	BSIM_REASON_SECURE_FROM_INSECURE, /* "secure-on-insecure-origin" */
	BSIM_REASON_OVERWRITE_SECURE,   /* "overwrites-secure" */
	BSIM_REASON_HTTPONLY_FROM_SCRIPT, /* "httponly-from-script" */
	BSIM_REASON_OVERWRITE_HTTPONLY, /* "overwrites-httponly" */
	BSIM_REASON_SAMESITE_NONE_INSECURE, /* "samesite-none-without-secure" */
	BSIM_REASON_SAMESITE_CROSS_SITE, /* "samesite-cross-site" */
	BSIM_REASON_PREFIX_SECURE,      /* "prefix-secure" */
	BSIM_REASON_PREFIX_HOST,        /* "prefix-host" */
	BSIM_REASON_PREFIX_HTTP,        /* "prefix-http" */
	BSIM_REASON_PARTITIONED_INSECURE, /* "partitioned-without-secure" */
	BSIM_REASON_THIRD_PARTY_BLOCKED, /* "third-party-blocked" */
	/* removal */
	BSIM_REASON_DOMAIN_LIMIT,       /* "domain-limit" */
	BSIM_REASON_GLOBAL_LIMIT,       /* "global-limit" */
	BSIM_REASON_EXPIRED,            /* "expired" */
	BSIM_REASON_SESSION_END,        /* "session-ended" */
	BSIM_REASON_COUNT
} bsim_cookie_reason;

/* The stable code of a reason, e.g. "public-suffix". Never NULL. */
const char *bsim_cookie_reason_code(bsim_cookie_reason reason);
/* Look a reason up by its code. Returns BSIM_ENOTFOUND for an unknown code. */
int bsim_cookie_reason_from_code(bsim_cookie_reason *out, const char *code);
/* The rule behind a reason, e.g. "RFC 6265bis §5.7 step 9". Never NULL. */
const char *bsim_cookie_reason_rule(bsim_cookie_reason reason);

/*
 * A read-only view of a stored (or refused) cookie. Strings are borrowed
 * from the jar and valid until the next call that changes the jar.
 */
typedef struct bsim_cookie_view {
	const char *name;
	const char *value;
	const char *domain;   /* canonical host, no leading dot; "" for Firefox's file: bucket */
	const char *path;
	int host_only;        /* 1: sent to exactly `domain`; 0: to it and its sub-domains */
	int secure;
	int http_only;
	int persistent;       /* 0: a session cookie */
	bsim_samesite same_site;
	bsim_priority priority;
	const char *partition_key; /* top-level site of a partitioned cookie, or NULL */
	bsim_time expires;    /* when persistent */
	bsim_time creation;   /* virtual time it was first created */
	bsim_time last_access;
	uint64_t creation_seq; /* jar counter: the order cookies were created in */
} bsim_cookie_view;

typedef struct bsim_cookie_event {
	bsim_cookie_event_kind kind;
	bsim_cookie_reason reason;  /* BSIM_REASON_NONE for stored/replaced; BSIM_REASON_EXPIRED for deleted */
	const char *message;        /* one sentence naming cookie, URL, attribute and rule */
	const char *url;            /* the URL that set it, or NULL for evictions */
	const bsim_cookie_view *cookie; /* for refusals: what the cookie would have been, as far as parsed */
	bsim_time at;
} bsim_cookie_event;

typedef void (*bsim_cookie_observer)(const bsim_cookie_event *event, void *userdata);

/*
 * The context of a request or a document, for SameSite and partitioning.
 * top_url NULL means "the request is itself the top-level document" (a
 * first-party context). top_level is 1 for a top-level navigation.
 * unsafe_method is 1 for POST and other non-idempotent methods.
 */
typedef struct bsim_cookie_ctx {
	const char *top_url;
	int top_level;
	int unsafe_method;
} bsim_cookie_ctx;

/* A top-level GET navigation: the default context for `set` and `get`. */
#define BSIM_COOKIE_CTX_NAVIGATE ((bsim_cookie_ctx){NULL, 1, 0})

typedef struct bsim_jar bsim_jar;

/* A new empty jar following `engine`. Free with bsim_jar_free. */
int bsim_jar_new(bsim_jar **out, bsim_engine engine);
void bsim_jar_free(bsim_jar *jar);
bsim_engine bsim_jar_engine(const bsim_jar *jar);

/* The virtual clock. Moving it forward expires cookies lazily, as browsers do. */
void bsim_jar_set_time(bsim_jar *jar, bsim_time now);
bsim_time bsim_jar_time(const bsim_jar *jar);

/* Called for every event, synchronously. NULL stops reporting. */
void bsim_jar_set_observer(bsim_jar *jar, bsim_cookie_observer fn, void *userdata);

/*
 * A response to `url` carried the Set-Cookie header value `header` (len
 * bytes; it need not be NUL-terminated). A refused cookie is not an error:
 * the call returns 0 and reports the refusal through the observer. Errors
 * are for an unusable URL (BSIM_EINVAL) or memory.
 */
int bsim_jar_set_cookie(bsim_jar *jar, const char *url, const char *header, size_t len,
			const bsim_cookie_ctx *ctx);

/*
 * The Cookie header a request to `url` carries, in the engine's order.
 * *out is allocated ("" when no cookie is sent); the caller frees it.
 */
int bsim_jar_cookie_header(char **out, bsim_jar *jar, const char *url, const bsim_cookie_ctx *ctx);

/* Whether a request carries a cookie of its site, and if not, the first rule that keeps it out. */
typedef enum bsim_send_verdict {
	BSIM_SEND_SENT = 0,      /* "sent" */
	BSIM_SEND_HOST_ONLY,     /* "host-only": no Domain attribute, and the request goes to another host (§5.8.3 step 1) */
	BSIM_SEND_DOMAIN,        /* "domain": its Domain does not cover the request's host (§5.1.3) */
	BSIM_SEND_PATH,          /* "path": its Path does not match the request's path (§5.1.4) */
	BSIM_SEND_SECURE,        /* "secure": Secure, and the request is not over a secure channel (§5.8.3) */
	BSIM_SEND_SAMESITE,      /* "samesite": the request is cross-site and its SameSite keeps it (§5.8.3, §5.2) */
	BSIM_SEND_PARTITION,     /* "partition": another top-level site's partition, or third-party cookies blocked */
	BSIM_SEND_EXPIRED        /* "expired": its expiry passed (it goes at the next lookup) */
} bsim_send_verdict;

/* The stable code of a verdict ("sent", "samesite", ...). Never NULL. */
const char *bsim_send_verdict_code(bsim_send_verdict v);

/* fn gets each cookie, its verdict and, when not sent, a sentence naming the rule. */
typedef void (*bsim_send_visit)(const bsim_cookie_view *cookie, bsim_send_verdict verdict, const char *why,
				void *userdata);

/*
 * Every cookie of url's site (its registrable domain), in the jar's order,
 * with whether the Cookie header of a request to url in ctx carries it.
 * Read-only: unlike bsim_jar_cookie_header it updates no last-access time
 * and removes no expired cookie, so asking changes nothing.
 */
int bsim_jar_request_verdicts(bsim_jar *jar, const char *url, const bsim_cookie_ctx *ctx, bsim_send_visit fn,
			      void *userdata);

/* A page script on `url` assigns `cookie_string` to document.cookie. */
int bsim_jar_script_set(bsim_jar *jar, const char *url, const char *cookie_string, size_t len,
			const bsim_cookie_ctx *ctx);

/* What document.cookie returns on `url`. *out is allocated; the caller frees it. */
int bsim_jar_script_get(char **out, bsim_jar *jar, const char *url, const bsim_cookie_ctx *ctx);

/*
 * Remove every cookie whose expiry has passed on the virtual clock, reporting
 * each (BSIM_COOKIE_EXPIRED). Lookups do this lazily for the site they look
 * at, as browsers do; a caller that wants the trace complete after moving
 * the clock (the browser's wait) calls this.
 */
void bsim_jar_expire(bsim_jar *jar);

/* The browser closed: session cookies go (reported as BSIM_COOKIE_SESSION_ENDED). */
void bsim_jar_end_session(bsim_jar *jar);

/*
 * Put a cookie into the jar exactly as described, as a profile load or an
 * import does: no storage rule runs, only the invariants every stored cookie
 * keeps (name + value within 4096 bytes, no control characters, a canonical
 * lowercase domain, a path starting with '/'). It replaces a cookie with the
 * same name, domain, host-only flag, path and partition. creation,
 * last_access and expires are taken from the view; creation_seq is ignored:
 * restore cookies in creation order to keep their order. BSIM_EINVAL, with
 * the reason, for a cookie no browser could hold.
 */
int bsim_jar_restore(bsim_jar *jar, const bsim_cookie_view *cookie);

/*
 * bsim_jar_restore, then the engine's storage limits on a new cookie, with
 * their eviction events: what a test tool's import (Playwright's
 * addCookies, which storageState loading uses) does to a real browser. Seen
 * in Chromium 156: 200 cookies added for one host leave 169 (the 181st
 * purges to 150, as a Set-Cookie would, browser-rules.md L2). In the
 * chromium preset an imported cookie also counts as never used (its
 * last_access far in the past) until a request or script reads it, so the
 * global purge (L3) takes it however new it is: 3,400 added over 20 sites
 * left 3,099 in Chromium 156, the first sites' cookies gone. A profile load
 * uses bsim_jar_restore: a saved profile never holds more than its engine
 * allows, and keeps each cookie's last access.
 */
int bsim_jar_import(bsim_jar *jar, const bsim_cookie_view *cookie);

/* Remove every cookie, reporting nothing (a profile load starts from this). */
void bsim_jar_clear(bsim_jar *jar);

/* Number of cookies held (expired ones not yet swept count until the next look). */
size_t bsim_jar_count(const bsim_jar *jar);

/*
 * Calls fn for every cookie, in creation order. fn returns 0 to go on,
 * non-zero to stop (then returned). The jar must not be changed meanwhile.
 */
typedef int (*bsim_cookie_visit)(const bsim_cookie_view *cookie, void *userdata);
int bsim_jar_foreach(const bsim_jar *jar, bsim_cookie_visit fn, void *userdata);

#ifdef __cplusplus
}
#endif
#endif
