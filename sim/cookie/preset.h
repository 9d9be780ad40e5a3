/*
 * preset.h: engine presets. Every place where Chromium, Firefox and Safari
 * handle cookies differently is one field here, filled from a table in
 * preset.c that names the source of each value. The parser and the jar read
 * these fields and never test which engine they run.
 */
#ifndef BSIM_COOKIE_PRESET_H
#define BSIM_COOKIE_PRESET_H

#include <stdbool.h>
#include <stdint.h>

#include "bsim/cookie.h"
#include "cookie/date.h"

typedef enum file_cookie_policy {
	FILE_COOKIES_NONE = 0,     /* file: pages have no cookies (F1 chromium, safari) */
	FILE_COOKIES_SHARED_HOST   /* all file: pages share one empty host (F1 firefox) */
} file_cookie_policy;

typedef enum eviction_policy {
	EVICT_NONE = 0,            /* no per-domain limit known (L2 safari) */
	EVICT_CHROMIUM_PRIORITY,   /* purge to a floor by priority rounds, LRU within (L2 chromium) */
	EVICT_FIREFOX_NONSECURE_LRU /* evict LRU non-secure first; may drop the newcomer (L2 firefox) */
} eviction_policy;

typedef enum third_party_policy {
	THIRD_PARTY_ALLOW = 0,     /* X1 chromium: allowed (SameSite=None; Secure still needed) */
	THIRD_PARTY_PARTITION,     /* X1 firefox: Total Cookie Protection, keyed by top-level site */
	THIRD_PARTY_BLOCK          /* X1 safari: blocked; Partitioned cookies allowed */
} third_party_policy;

typedef enum header_newline_policy {
	NEWLINE_VOIDS = 0,        /* a CR or LF is a control character: the cookie is ignored (RFC 6265bis §5.6 step 1) */
	NEWLINE_ENDS_HEADER,      /* the HTTP layer ends the header line at the first CR or LF (chromium) */
	NEWLINE_SPLITS            /* each line is a cookie of its own (firefox) */
} header_newline_policy;

typedef struct cookie_preset {
	bsim_engine engine;
	const char *name;

	/* Parsing (browser-rules.md §1) */
	bool htab_inside_rejects;        /* P1: HTAB inside a name or value rejects the cookie */
	bool path_htab_refused;          /* P1, T2: a TAB in the cookie's final path refuses it */
	bool empty_name_refused;         /* P3: "=value" (an empty name set with '=') is refused */
	bool priority_attribute;         /* L2: the Priority attribute is read (else every cookie is medium) */
	bool nameless_is_name;           /* §14: a pair without '=' is a name with an empty value */
	bool max_age_any_dash_expires;   /* P9: any Max-Age starting with '-' expires the cookie */
	bool max_age_plus_sign;          /* P9: a leading '+' is read as part of the number */
	header_newline_policy header_newlines; /* P1: CR/LF inside one Set-Cookie header value */
	bool empty_domain_resets;        /* P8: a later empty Domain= cancels an earlier Domain */
	cookie_date_syntax date_syntax;  /* P10 */
	int64_t max_lifetime_s;          /* P12: expiry cap in seconds from now; 0 = none */

	/* URLs */
	bool path_decodes_unreserved;    /* T3: %-escaped letters, digits and -._~ in a request path are decoded */

	/* Domains (§2) */
	bool non_ascii_domain_converted; /* D12: IDNA-convert a non-ASCII Domain instead of refusing */
	bool localhost_domain_refused;   /* D7: Domain=localhost refused even on localhost */
	bool self_domain_as_written;     /* D9, D10: a host without a registrable domain names itself only as written */

	/* Secure, SameSite, prefixes (§4) */
	bool loopback_is_secure;         /* S1: http://localhost and 127/8 count as secure */
	bool default_samesite_lax;       /* S6: unspecified SameSite is enforced as Lax */
	int64_t lax_allow_unsafe_ms;     /* S6: Lax+POST window for unspecified cookies; 0 = none */
	bool schemeful_same_site;        /* S8: http and https of one site are cross-site */
	bool host_prefix_needs_path_attr;/* S11: __Host- needs an explicit Path=/ attribute */
	bool host_prefix_rejects_domain_attr; /* S11: __Host- refuses any Domain attribute, even one made host-only */
	bool http_prefixes;              /* S12: __Http- and __Host-Http- are enforced */
	bool partitioned_needs_secure;   /* S13 */
	bool secure_shadow_host_exact;   /* S3: a host-only cookie covers only its own host when shadowing a Secure one */
	bool chips;                      /* S13: the Partitioned attribute partitions a first-party cookie */

	/* Schemes (§7) */
	file_cookie_policy file_cookies; /* F1 */

	/* Limits and eviction (§5) */
	eviction_policy eviction;        /* L2 */
	int domain_max;                  /* L2: cookies per registrable domain before a purge */
	int domain_purge_to;             /* L2: how many remain after a purge */
	int global_max;                  /* L3: total before a global purge; 0 = none */
	int global_purge_to;             /* L3 */
	int64_t global_safe_age_ms;      /* L3: only cookies idle this long are purged globally */
	int64_t access_update_ms;        /* L4: last-access is refreshed at most this often */
	bool import_unaccessed;          /* L3: an imported cookie counts as never used until read (bsim_jar_import) */
	bool keep_creation_if_value_changed; /* R3: overwrite keeps creation time even when the value changes */
	/* R2/R3: document.cookie orders a cookie its own write changed (value, expiry, flags) last */
	bool script_order_resets_on_change;
	bool script_order_header_resets;     /* R2/R3: a changing Set-Cookie overwrite moves it last in that order too */
	/* R2, S3, S4: document.cookie reads a per-site content-process copy (cookie/process.c) */
	bool process_cookie_copy;

	/* Third-party contexts (§9) */
	third_party_policy third_party;  /* X1 */
} cookie_preset;

const cookie_preset *cookie_preset_get(bsim_engine engine);
/* The engine a name that is not one most likely means ("chrome", "webkit", "firfox"), or NULL. */
const char *cookie_engine_suggest(const char *name);

#endif
