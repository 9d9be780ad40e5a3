/*
 * preset.c: the engine preset table. One row per engine; each value carries
 * the browser-rules.md row and the browser source it follows. Where a
 * browser's behaviour is not known for sure (Safari's cookie store is
 * closed), the row says "(?)" and the value is the RFC's.
 */
#include "cookie/preset.h"

#include <string.h>

#include "util/error.h"
#include "util/suggest.h"

#define DAYS(n) ((int64_t)(n) * 24 * 3600)

static const cookie_preset presets[BSIM_ENGINE_COUNT] = {
	[BSIM_ENGINE_CHROMIUM] = {
		.engine = BSIM_ENGINE_CHROMIUM,
		.name = "chromium",
		/* L2: CookiePriority, net/cookies/cookie_constants.cc StringToCookiePriority. */
		.priority_attribute = true,
		/* P3: only an empty name and value refuses (canonical_cookie.cc). */
		.empty_name_refused = false,
		/* S11: CanonicalCookie::IsCookiePrefixValid checks !HasDomain(); Domain=localhost on
		 * localhost is refused, Domain=127.0.0.1 on 127.0.0.1 kept (Chromium 156 run). */
		.host_prefix_rejects_domain_attr = true,
		/* R2: document.cookie and the Cookie header share one order, the store's. */
		.script_order_resets_on_change = false,
		.script_order_header_resets = false,
		/* R2, S3, S4: a refused document.cookie write reads back nowhere (Chromium 156 run,
		 * oracle traces s03-secure-domain-process-copy and s04-httponly-process-copy). */
		.process_cookie_copy = false,
		/* S3: IsEquivalentForSecureCookieMatching domain-matches either way, host-only or not
		 * (Chromium 156 run, oracle trace gen-20261124-00104 agrees). */
		.secure_shadow_host_exact = false,
		/* P1: canonical_cookie.cc treats HTAB as a CTL inside a name or value. */
		.htab_inside_rejects = true,
		/* P1, T2: parsed_cookie.cc refuses a TAB inside any attribute value, Path included
		 * (oracle trace p01-path-tab). */
		.path_htab_refused = true,
		/* P4/§14: a pair without '=' is the value of a nameless cookie. */
		.nameless_is_name = false,
		/* P9: CanonicalCookie::ParseExpiration parses Max-Age as a strict integer. */
		.max_age_any_dash_expires = false,
		/* P9: base::StringToInt64 accepts a leading '+' (oracle trace p09-max-age-plus, Chromium 156). */
		.max_age_plus_sign = true,
		/* P1: net/http/http_util.cc AssembleRawHeaders ends a header line at a
		 * CR or LF, so the cookie code sees the text before it; NUL still
		 * rejects the cookie (kBlockTruncatedCookies). */
		.header_newlines = NEWLINE_ENDS_HEADER,
		/* P8: ParsedCookie takes the last Domain, even empty; an empty one makes a host cookie. */
		.empty_domain_resets = true,
		/* T3: Chromium 156 keeps %41 and %7E escaped in paths, for the default
		 * path and for path-match alike (oracle trace t03-path-escapes). */
		.path_decodes_unreserved = false,
		/* P10: cookie_util.cc ParseCookieExpirationTime. */
		.date_syntax = COOKIE_DATE_CHROMIUM,
		/* P12: canonical_cookie.cc ValidateAndAdjustExpiryDate, 400 days. */
		.max_lifetime_s = DAYS(400),
		/* D12: non-ASCII Domain is IDNA-converted (CookieDomainRejectNonASCII off). */
		.non_ascii_domain_converted = true,
		/* D7/§14: Domain=localhost is accepted host-only on localhost. */
		.localhost_domain_refused = false,
		/* D9, D10: cookie_util.cc GetCookieDomainWithString compares the attribute as written
		 * (lowercased, one leading dot off) to the host (oracle trace gen-11-08564). */
		.self_domain_as_written = true,
		/* S1: cookie_util.cc, localhost and loopback are trustworthy. */
		.loopback_is_secure = true,
		/* S6: cookie_constants.cc, Lax by default; kLaxAllowUnsafeMaxAge = 2 min. */
		.default_samesite_lax = true,
		.lax_allow_unsafe_ms = 120 * 1000,
		/* S8: schemeful same-site. */
		.schemeful_same_site = true,
		/* S11: cookie_util.cc IsCookiePrefixValid checks the raw Path attribute. */
		.host_prefix_needs_path_attr = true,
		/* S12: PrefixCookieHttp / PrefixCookieHostHttp, Chrome 140+. */
		.http_prefixes = true,
		.partitioned_needs_secure = true,
		/* S13: CHIPS shipped. */
		.chips = true,
		/* F1: kDefaultCookieableSchemes is http, https, ws, wss. */
		.file_cookies = FILE_COOKIES_NONE,
		/* L2: cookie_monster.cc kDomainMaxCookies 180, kDomainPurgeCookies 30. */
		.eviction = EVICT_CHROMIUM_PRIORITY,
		.domain_max = 180,
		.domain_purge_to = 150,
		/* L3: kMaxCookies 3300, kPurgeCookies 300, kSafeFromGlobalPurgeDays 30. */
		.global_max = 3300,
		.global_purge_to = 3000,
		.global_safe_age_ms = DAYS(30) * 1000,
		/* L4: kDefaultAccessUpdateThresholdSeconds 60. */
		.access_update_ms = 60 * 1000,
		/* L3, Chromium 156 run through Playwright's addCookies: 3,400 cookies added over 20
		 * sites leave 3,099, the first-added sites' first, though none is 30 days old;
		 * 3,400 set by document.cookie are all kept. Added cookies are purged as unused. */
		.import_unaccessed = true,
		/* R3: MaybeDeleteEquivalentCookieAndUpdateStatus keeps creation only for an unchanged value. */
		.keep_creation_if_value_changed = false,
		/* X1: third-party cookies allowed (April 2025). */
		.third_party = THIRD_PARTY_ALLOW,
	},
	[BSIM_ENGINE_FIREFOX] = {
		.engine = BSIM_ENGINE_FIREFOX,
		.name = "firefox",
		/* L2: Firefox has no Priority attribute; every cookie is medium (ESR 153 run, oracle
		 * trace l02-domain-cap-priority). */
		.priority_attribute = false,
		/* P3: "=baz" is refused (ESR 153 run, oracle trace p04-nameless): CookieParser rejects
		 * an empty name set with '='. */
		.empty_name_refused = true,
		/* R2/R3: document.cookie reads the content process's copy of the site's cookies, which
		 * CookieServiceChild::GetCookieStringFromDocument sorts by CompareCookiesForSending (path
		 * length, then creation time). A page's own write that changes a cookie (value, expiry,
		 * session, flags: what RecordDocumentCookie compares) replaces the copy's entry with one
		 * created at the write (CookieCommons::CreateCookieFromDocument, PR_Now), so it reads
		 * last, while the parent (the Cookie header) keeps the old creation time (ESR 153 runs,
		 * oracle traces r03-creation-on-overwrite and l05-reset-identical). */
		.script_order_resets_on_change = true,
		/* R2/R3: a Set-Cookie reaches the copy through CookieServiceParent::AddCookie carrying the
		 * parent's cookie, whose creation time CookieStorage::AddCookie kept ("Preserve creation
		 * time of cookie for ordering purposes"): a=1, b=1, then a=2 read "a=2; b=1", and a page's
		 * reordering write followed by a changing Set-Cookie goes back to the parent's order
		 * (ESR 153.8 run, oracle trace r03-set-cookie-overwrite-order). */
		.script_order_header_resets = false,
		/*
		 * R2, S3, S4: the content-process copy, modelled per tab site (cookie/process.c). One
		 * process per scheme and site (Fission): a top-level page of another scheme or site
		 * starts a new copy, loaded from the parent in the parent's order
		 * (CookieServiceParent::TrackCookieLoad, GetCookiesForURI without HttpOnly cookies, Secure
		 * ones with their value cleared). The copy refuses a page's write only over an entry of the
		 * same name, host and path that is HttpOnly, or Secure on an insecure page
		 * (CookieServiceChild::SetCookieStringFromDocument), and records it before the parent
		 * decides; the parent refuses it over any HttpOnly equivalent and over a Secure cookie
		 * that covers it (CookieStorage::AddCookie, FindSecureCookie) and tells no process. So a
		 * write over an HttpOnly cookie the copy never heard of (set by the response that opened
		 * the site, or before the page's process started: the parent announces a change only to
		 * processes already on the site, and never a HttpOnly cookie at load), or over a Secure
		 * Domain cookie from an http page, reads back on pages of that process until the tab
		 * leaves the site, a changing Set-Cookie of that cookie replaces it, or the browser
		 * closes; requests never carry it (ESR 153.8 runs, oracle traces s04-httponly-process-copy
		 * and s03-secure-domain-process-copy). Limits in tests/oracle/README.md.
		 */
		.process_cookie_copy = true,
		/* D9, D10: as Chromium, a host without a registrable domain names itself only as
		 * written: Domain=127.0.0.1. or 0x7f.0.0.1 on 127.0.0.1 is refused (ESR 153 run,
		 * oracle trace d09-self-domain-as-written). */
		.self_domain_as_written = true,
		/* P1: CookieCommons CheckName/CheckValue allow HTAB. */
		.htab_inside_rejects = false,
		/* P1, T2: CookieValidation::ValidateInternal refuses a cookie whose path contains a TAB
		 * (eRejectedInvalidPath). It checks the final path: the parser has trimmed the attribute
		 * and put the default path for one not starting with '/', so "Path=\t/" and "Path=x\ty"
		 * are stored at "/" (ESR 153.8 run, oracle trace p01-path-tab). */
		.path_htab_refused = true,
		/* §14 (Firefox ESR 153, run): a string without '=' is a name with an empty value. */
		.nameless_is_name = true,
		/* P9: CookieParser::ParseMaxAgeAttribute, any leading '-' expires. */
		.max_age_any_dash_expires = true,
		/* P1: in HTTP, CR/LF inside one header value separate several cookies. */
		.header_newlines = NEWLINE_SPLITS,
		/* P8: CookieParser keeps the last Domain value, empty included; CheckDomain makes it host-only. */
		.empty_domain_resets = true,
		/* T3: the URL Standard keeps escapes in paths. */
		.path_decodes_unreserved = false,
		/* P10: Firefox uses NSPR's PR_ParseTimeString; bsim applies the RFC algorithm with the
		 * time optional, the difference the ESR 153 run showed (oracle trace p10-expires-formats). */
		.date_syntax = COOKIE_DATE_FIREFOX,
		/* P12: network.cookie.maxageCap = 34560000 s. */
		.max_lifetime_s = DAYS(400),
		/* D12 (?): a Unicode attribute fails the comparison with the ASCII host. */
		.non_ascii_domain_converted = false,
		.localhost_domain_refused = false,
		/* S1: potentially trustworthy origins include localhost and 127.0.0.1. */
		.loopback_is_secure = true,
		/* S6: network.cookie.sameSite.laxByDefault = false. */
		.default_samesite_lax = false,
		.lax_allow_unsafe_ms = 0,
		/* S8: network.cookie.sameSite.schemeful is Nightly-only. */
		.schemeful_same_site = false,
		/* S11: CookieParser::CheckPrefixes checks the final path. */
		.host_prefix_needs_path_attr = false,
		/* S12: Firefox 143 names them __Http- and __Host-Http-. */
		.http_prefixes = true,
		/* S3: CookieStorage FindSecureCookie uses CookieService::DomainMatches, under which a
		 * host-only cookie matches its own host only (ESR 153 run, oracle generated trace
		 * gen-20261124-00104: http://example.co.uk may set "a" beside a Secure host-only
		 * "a" of www.example.co.uk; Chromium 156 refuses it). */
		.secure_shadow_host_exact = true,
		/* S13: CookieParser refuses Partitioned without Secure even with CHIPS off (ESR 153
		 * run, oracle trace s13-partitioned). */
		.partitioned_needs_secure = true,
		/* S13: network.cookie.CHIPS.enabled is Nightly-only. */
		.chips = false,
		/* F1: CookieCommons IsSchemeSupported includes file; one empty host. */
		.file_cookies = FILE_COOKIES_SHARED_HOST,
		/* L2: network.cookie.maxPerHost 180, quotaPerHost 150; §14 run: 150 remain. */
		.eviction = EVICT_FIREFOX_NONSECURE_LRU,
		.domain_max = 180,
		.domain_purge_to = 150,
		/* L3: maxNumber 3000 (+10 %), purgeAge 30 days (+10 %). */
		.global_max = 3300,
		.global_purge_to = 3000,
		.global_safe_age_ms = DAYS(33) * 1000,
		/* L4: network.cookie.staleThreshold 60 s. */
		.access_update_ms = 60 * 1000,
		/* R3: CookieStorage::AddCookie always keeps the old creation time. */
		.keep_creation_if_value_changed = true,
		/* X1: cookieBehavior 5, Total Cookie Protection. */
		.third_party = THIRD_PARTY_PARTITION,
	},
	[BSIM_ENGINE_SAFARI] = {
		.engine = BSIM_ENGINE_SAFARI,
		.name = "safari",
		/* L2 (?): WebKit parses no Priority attribute. */
		.priority_attribute = false,
		.empty_name_refused = false,
		.script_order_resets_on_change = false,
		.script_order_header_resets = false,
		/* (?): no content-process copy known; WebKit's document.cookie asks the network process. */
		.process_cookie_copy = false,
		/* P1 (?): CFNetwork is closed; the RFC treats HTAB as whitespace. */
		.htab_inside_rejects = false,
		.path_htab_refused = false,
		.nameless_is_name = false,
		.max_age_any_dash_expires = false,
		/* P1 (?): RFC. */
		.header_newlines = NEWLINE_VOIDS,
		/* P8 (?): WPT domain-child.sub.html expects the Chromium/Firefox reading of all engines. */
		.empty_domain_resets = true,
		/* T3 (?): URL Standard. */
		.path_decodes_unreserved = false,
		/* P10 (?): RFC algorithm. */
		.date_syntax = COOKIE_DATE_RFC6265BIS,
		/* P12: no 400-day cap found in WebKit. */
		.max_lifetime_s = 0,
		/* D12 (?): RFC, refuse. */
		.non_ascii_domain_converted = false,
		/* D7 (doc): Domain=localhost refused. */
		.localhost_domain_refused = true,
		/* S1 (doc): no localhost exception for Secure. */
		.loopback_is_secure = false,
		/* S6 (doc): not Lax by default. */
		.default_samesite_lax = false,
		.lax_allow_unsafe_ms = 0,
		/* S8 (doc): http and https of one site are the same site. */
		.schemeful_same_site = false,
		/* S11 (?): RFC. */
		.host_prefix_needs_path_attr = true,
		/* S12: not shipped. */
		.http_prefixes = false,
		.partitioned_needs_secure = true,
		/* S13: Partitioned cookies from Safari 18.4. */
		.chips = true,
		/* F1 (?): treat as no cookies. */
		.file_cookies = FILE_COOKIES_NONE,
		/* L2 (?): no per-domain limit observed. */
		.eviction = EVICT_NONE,
		.domain_max = 0,
		.domain_purge_to = 0,
		/* L3 (?): none known. */
		.global_max = 0,
		.global_purge_to = 0,
		.global_safe_age_ms = 0,
		/* L4 (?): RFC updates on every retrieval. */
		.access_update_ms = 0,
		/* R3 (?): RFC keeps the creation time. */
		.keep_creation_if_value_changed = true,
		/* X1: third-party cookies blocked since Safari 13.1. */
		.third_party = THIRD_PARTY_BLOCK,
	},
};

const cookie_preset *cookie_preset_get(bsim_engine engine)
{
	if ((unsigned)engine >= BSIM_ENGINE_COUNT)
		return NULL;
	return &presets[engine];
}

/*
 * Names people give browsers that are not an engine's name: Playwright's
 * browser type for Safari's engine, and the branded browsers and channels
 * (Playwright's channel="chrome" and "msedge") built on Chromium.
 */
static const struct {
	const char *alias;
	bsim_engine engine;
} engine_aliases[] = {
	{"webkit", BSIM_ENGINE_SAFARI},    {"chrome", BSIM_ENGINE_CHROMIUM}, {"google-chrome", BSIM_ENGINE_CHROMIUM},
	{"msedge", BSIM_ENGINE_CHROMIUM},  {"edge", BSIM_ENGINE_CHROMIUM},
};

const char *cookie_engine_suggest(const char *name)
{
	for (size_t i = 0; i < sizeof engine_aliases / sizeof *engine_aliases; i++)
		if (strcmp(name, engine_aliases[i].alias) == 0)
			return presets[engine_aliases[i].engine].name;
	const char *names[BSIM_ENGINE_COUNT];
	for (int i = 0; i < BSIM_ENGINE_COUNT; i++)
		names[i] = presets[i].name;
	return suggest_closest(name, names, BSIM_ENGINE_COUNT);
}

int bsim_engine_from_name(bsim_engine *out, const char *name)
{
	for (int i = 0; i < BSIM_ENGINE_COUNT; i++) {
		if (name && strcmp(name, presets[i].name) == 0) {
			*out = (bsim_engine)i;
			return 0;
		}
	}
	const char *like = name ? cookie_engine_suggest(name) : NULL;
	if (like)
		return error_set(BSIM_EINVAL, "unknown engine \"%s\"; did you mean %s? (expected chromium, firefox or safari)",
				 name, like);
	return error_set(BSIM_EINVAL, "unknown engine \"%s\": expected chromium, firefox or safari", name ? name : "");
}

const char *bsim_engine_name(bsim_engine engine)
{
	const cookie_preset *p = cookie_preset_get(engine);
	return p ? p->name : "unknown";
}
