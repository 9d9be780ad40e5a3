/*
 * fuzz_set_cookie.c: Set-Cookie header values, through the parser
 * (sim/cookie/parse.c) and the jar's storage model (sim/cookie/store.c).
 *
 * Input: one control byte, then header values separated by a blank line
 * ("\n\n"; a single CR or LF stays inside a value, where each engine's
 * newline rule (browser-rules.md P1) applies). The control byte picks the
 * engine, the response's URL and whether the request is a cross-site
 * subresource, so one corpus reaches every preset.
 *
 * Invariants: a parsed cookie written back out as a Set-Cookie value parses
 * to the same cookie; each cookie offered to the jar ends in exactly one of
 * stored, replaced, deleted or refused; and the jar keeps fuzz_check_jar's
 * invariants, the engine's per-domain cap included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookie/parse.h"
#include "cookie/preset.h"
#include "fuzz_support.h"
#include "util/buf.h"
#include "util/timefmt.h"

/* Headers per input: enough for a domain's 180-cookie cap and its eviction. */
#define MAX_HEADERS 400

static const char *const urls[] = {
	"https://www.testsite.com/",
	"http://www.testsite.com/app/page",
	"https://shop.example.github.io/cart",
	"http://localhost:8080/",
	"http://127.0.0.1/x/y",
	"https://[::1]/",
	"file:///home/user/page.html",
	"https://xn--bcher-kva.de/a/b/c",
};

static const char *const tops[] = {"https://other.example/", "https://www.testsite.com/"};

static void put_attr(buf *b, const char *name, const char *value, size_t len)
{
	buf_printf(b, "; %s=", name);
	buf_put(b, value, len);
}

/* The cookie as a Set-Cookie value that should parse back to it. */
static void serialize(buf *b, const parsed_cookie *c)
{
	buf_put(b, c->name, c->name_len);
	buf_putc(b, '=');
	buf_put(b, c->value, c->value_len);
	if (c->has_max_age)
		buf_printf(b, "; Max-Age=%lld", (long long)c->max_age_s);
	if (c->has_expires) {
		char date[40];
		time_format_imf(c->expires_s, date, sizeof date);
		buf_printf(b, "; Expires=%s", date);
	}
	if (c->has_domain) {
		/* The parser drops one leading dot: give it one to drop. */
		buf_puts(b, "; Domain=.");
		buf_put(b, c->domain, c->domain_len);
	}
	if (c->has_path)
		put_attr(b, "Path", c->path, c->path_len);
	if (c->secure)
		buf_puts(b, "; Secure");
	if (c->http_only)
		buf_puts(b, "; HttpOnly");
	if (c->partitioned)
		buf_puts(b, "; Partitioned");
	static const char *const ss[] = {NULL, "None", "Lax", "Strict"};
	if (c->same_site != BSIM_SAMESITE_UNSPECIFIED)
		buf_printf(b, "; SameSite=%s", ss[c->same_site]);
	static const char *const prio[] = {"Low", "Medium", "High"};
	if (c->priority != BSIM_PRIORITY_MEDIUM)
		buf_printf(b, "; Priority=%s", prio[c->priority]);
}

static bool same_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

static void check_round_trip(const char *s, size_t len, const cookie_preset *p)
{
	parsed_cookie a;
	if (cookie_parse(&a, s, len, p) != BSIM_REASON_NONE)
		return;
	/* An Expires the IMF form cannot carry (years past 9999) is left out of the comparison. */
	char date[40];
	if (a.has_expires) {
		time_format_imf(a.expires_s, date, sizeof date);
		if (strlen(date) != 29)
			a.has_expires = false;
	}
	buf out = BUF_INIT;
	serialize(&out, &a);
	FUZZ_CHECK(buf_status(&out) == 0, "out of memory");
	parsed_cookie b;
	bsim_cookie_reason why = cookie_parse(&b, out.ptr, out.len, p);
	FUZZ_CHECK(why == BSIM_REASON_NONE, "%s: re-serialized cookie refused (%s): %.300s", p->name,
		   bsim_cookie_reason_code(why), buf_cstr(&out));
	FUZZ_CHECK(same_bytes(a.name, a.name_len, b.name, b.name_len) &&
			   same_bytes(a.value, a.value_len, b.value, b.value_len),
		   "%s: name/value changed in round trip: %.300s", p->name, buf_cstr(&out));
	FUZZ_CHECK(a.has_max_age == b.has_max_age && (!a.has_max_age || a.max_age_s == b.max_age_s),
		   "%s: Max-Age changed in round trip: %.300s", p->name, buf_cstr(&out));
	if (a.has_expires)
		FUZZ_CHECK(b.has_expires && a.expires_s == b.expires_s, "%s: Expires %lld changed in round trip: %.300s",
			   p->name, (long long)a.expires_s, buf_cstr(&out));
	FUZZ_CHECK(a.has_domain == b.has_domain &&
			   (!a.has_domain || same_bytes(a.domain, a.domain_len, b.domain, b.domain_len)),
		   "%s: Domain changed in round trip: %.300s", p->name, buf_cstr(&out));
	FUZZ_CHECK(a.has_path == b.has_path && (!a.has_path || same_bytes(a.path, a.path_len, b.path, b.path_len)) &&
			   a.path_attr_is_root == b.path_attr_is_root,
		   "%s: Path changed in round trip: %.300s", p->name, buf_cstr(&out));
	FUZZ_CHECK(a.secure == b.secure && a.http_only == b.http_only && a.partitioned == b.partitioned &&
			   a.same_site == b.same_site && a.priority == b.priority,
		   "%s: flags changed in round trip: %.300s", p->name, buf_cstr(&out));
	buf_free(&out);
}

/* How many cookies the jar's storage model sees in one header value (P1, as store_header splits it). */
static size_t offered_in(const cookie_preset *p, const char *s, size_t len)
{
	if (p->header_newlines != NEWLINE_SPLITS)
		return 1;
	size_t n = 0;
	const char *end = s + len;
	while (s < end) {
		const char *nl = s;
		while (nl < end && *nl != '\n' && *nl != '\r')
			nl++;
		if (nl > s)
			n++;
		s = nl + 1;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	bsim_engine engine = (bsim_engine)(ctl % BSIM_ENGINE_COUNT);
	const char *url = urls[(ctl / 3) % (sizeof urls / sizeof urls[0])];
	bool third_party = (ctl / 24) % 2;
	bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;
	if (third_party)
		ctx = (bsim_cookie_ctx){tops[(ctl / 48) % 2], 0, 0};
	const cookie_preset *p = cookie_preset_get(engine);

	bsim_jar *jar = NULL;
	FUZZ_OK(bsim_jar_new(&jar, engine));
	bsim_jar_set_time(jar, BSIM_DEFAULT_START_TIME);
	fuzz_events ev;
	memset(&ev, 0, sizeof ev);
	bsim_jar_set_observer(jar, fuzz_count_event, &ev);

	const char *s = (const char *)data + 1, *end = (const char *)data + size;
	size_t offered = 0;
	for (int n = 0; s <= end && n < MAX_HEADERS; n++) {
		const char *sep = s;
		while (sep + 1 < end && !(sep[0] == '\n' && sep[1] == '\n'))
			sep++;
		if (sep + 1 >= end)
			sep = end;
		size_t len = (size_t)(sep - s);
		for (int e = 0; e < BSIM_ENGINE_COUNT; e++)
			check_round_trip(s, len, cookie_preset_get((bsim_engine)e));
		size_t before = fuzz_outcomes(&ev);
		FUZZ_OK(bsim_jar_set_cookie(jar, url, s, len, &ctx));
		size_t want = offered_in(p, s, len);
		FUZZ_CHECK(fuzz_outcomes(&ev) - before == want,
			   "%s: header %d offered %zu cookies, the jar reported %zu outcomes", p->name, n, want,
			   fuzz_outcomes(&ev) - before);
		offered += want;
		/* A second passes between headers, so creation and access times differ. */
		bsim_jar_set_time(jar, bsim_jar_time(jar) + 1000);
		s = sep + 2;
	}
	FUZZ_CHECK(fuzz_outcomes(&ev) == offered, "refused + stored != offered");
	fuzz_check_jar(jar, true);

	char *header = NULL, *doc = NULL;
	FUZZ_OK(bsim_jar_cookie_header(&header, jar, url, &ctx));
	FUZZ_OK(bsim_jar_script_get(&doc, jar, url, &ctx));
	free(header);
	free(doc);
	fuzz_check_jar(jar, true);
	bsim_jar_free(jar);
	return 0;
}
