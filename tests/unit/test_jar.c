/*
 * test_jar.c: the jar's storage model (RFC 6265bis §5.7), retrieval (§5.8)
 * and limits, through the public API of include/bsim/cookie.h. Test names
 * carry the browser-rules.md row they pin (d4_..., s3_..., l2_...).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/cookie.h"
#include "cookie/jar_call.h"
#include "net/url.h"

#define T0 ((bsim_time)1420070400000) /* 2015-01-01T00:00:00Z */
#define SEC 1000
#define DAY ((bsim_time)86400 * SEC)

typedef struct recorder {
	int refused, evicted, expired, session_ended, stored, replaced, deleted, unchanged;
	bsim_cookie_reason last_reason;
	char last_message[1024];
} recorder;

static recorder rec;

static void observe(const bsim_cookie_event *ev, void *ud)
{
	recorder *r = ud;
	switch (ev->kind) {
	case BSIM_COOKIE_REFUSED: r->refused++; break;
	case BSIM_COOKIE_EVICTED: r->evicted++; break;
	case BSIM_COOKIE_EXPIRED: r->expired++; break;
	case BSIM_COOKIE_SESSION_ENDED: r->session_ended++; break;
	case BSIM_COOKIE_STORED: r->stored++; break;
	case BSIM_COOKIE_REPLACED: r->replaced++; break;
	case BSIM_COOKIE_DELETED: r->deleted++; break;
	case BSIM_COOKIE_UNCHANGED: r->unchanged++; break;
	}
	if (ev->kind != BSIM_COOKIE_STORED && ev->kind != BSIM_COOKIE_REPLACED && ev->kind != BSIM_COOKIE_UNCHANGED) {
		r->last_reason = ev->reason;
		snprintf(r->last_message, sizeof r->last_message, "%s", ev->message);
	}
}

static bsim_jar *jar_for(bsim_engine e)
{
	bsim_jar *j = NULL;
	int rc = bsim_jar_new(&j, e);
	cr_assert_eq(rc, 0, "bsim_jar_new: %s", bsim_error_last()->message);
	bsim_jar_set_time(j, T0);
	memset(&rec, 0, sizeof rec);
	bsim_jar_set_observer(j, observe, &rec);
	return j;
}

static void set(bsim_jar *j, const char *url, const char *header)
{
	int rc = bsim_jar_set_cookie(j, url, header, strlen(header), NULL);
	cr_assert_eq(rc, 0, "set %s: %s", url, bsim_error_last()->message);
}

static void script(bsim_jar *j, const char *url, const char *s)
{
	int rc = bsim_jar_script_set(j, url, s, strlen(s), NULL);
	cr_assert_eq(rc, 0, "script %s: %s", url, bsim_error_last()->message);
}

static void expect_header_ctx(bsim_jar *j, const char *url, const bsim_cookie_ctx *ctx, const char *want)
{
	char *got = NULL;
	int rc = bsim_jar_cookie_header(&got, j, url, ctx);
	cr_assert_eq(rc, 0, "get %s: %s", url, bsim_error_last()->message);
	cr_assert_str_eq(got, want, "Cookie header on %s: \"%s\", want \"%s\"", url, got, want);
	free(got);
}

static void expect_header(bsim_jar *j, const char *url, const char *want)
{
	expect_header_ctx(j, url, NULL, want);
}

static void expect_script(bsim_jar *j, const char *url, const char *want)
{
	char *got = NULL;
	int rc = bsim_jar_script_get(&got, j, url, NULL);
	cr_assert_eq(rc, 0, "read %s: %s", url, bsim_error_last()->message);
	cr_assert_str_eq(got, want, "document.cookie on %s: \"%s\", want \"%s\"", url, got, want);
	free(got);
}

static void expect_refused(bsim_cookie_reason why)
{
	cr_assert_eq(rec.refused, 1, "expected one refusal, got %d (%s)", rec.refused, rec.last_message);
	cr_assert_eq(rec.last_reason, why, "reason %s, want %s: %s", bsim_cookie_reason_code(rec.last_reason),
		     bsim_cookie_reason_code(why), rec.last_message);
}

typedef struct found {
	const char *name;
	bsim_cookie_view view;
	char domain[256];
	int hits;
} found;

static int find_cb(const bsim_cookie_view *v, void *ud)
{
	found *f = ud;
	if (strcmp(v->name, f->name) == 0) {
		f->view = *v;
		snprintf(f->domain, sizeof f->domain, "%s", v->domain);
		f->hits++;
	}
	return 0;
}

static found find(bsim_jar *j, const char *name)
{
	found f;
	memset(&f, 0, sizeof f);
	f.name = name;
	bsim_jar_foreach(j, find_cb, &f);
	return f;
}

/* ---- §2 Domain ---- */

Test(jar, d2_host_only_cookie_goes_to_its_host_only)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://www.testsite.com/", "a=1");
	expect_header(j, "https://www.testsite.com/x", "a=1");
	expect_header(j, "https://store.testsite.com/", "");
	expect_header(j, "https://sub.www.testsite.com/", "");
	bsim_jar_free(j);
}

Test(jar, d2_domain_cookie_spans_subdomains_widget_restore)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, "https://www.testsite.com/", "_genesys.widgets.webchat.state.session=abc; Domain=.testsite.com; Path=/");
	expect_script(j, "https://store.testsite.com/cart", "_genesys.widgets.webchat.state.session=abc");
	expect_script(j, "https://testsite.com/", "_genesys.widgets.webchat.state.session=abc");
	expect_script(j, "https://www.othersite.com/", "");
	found f = find(j, "_genesys.widgets.webchat.state.session");
	cr_assert_eq(f.view.host_only, 0);
	cr_assert_str_eq(f.domain, "testsite.com");
	bsim_jar_free(j);
}

Test(jar, d1_domain_with_and_without_dot_is_the_same_cookie)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, "https://www.testsite.com/", "a=1; domain=testsite.com");
	script(j, "https://testsite.com/", "a=2; domain=.TestSite.com");
	expect_script(j, "https://store.testsite.com/", "a=2");
	cr_assert_eq(bsim_jar_count(j), 1);
	bsim_jar_free(j);
}

Test(jar, d3_domain_must_cover_the_host)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://www.shop.com/", "a=1; Domain=store.shop.com");
	expect_refused(BSIM_REASON_DOMAIN_MISMATCH);
	set(j, "https://www.shop.com/", "b=1; Domain=other.com");
	cr_assert_eq(rec.last_reason, BSIM_REASON_DOMAIN_MISMATCH);
	cr_assert_eq(bsim_jar_count(j), 0);
	bsim_jar_free(j);
}

Test(jar, d4_github_io_is_a_public_suffix_and_the_message_says_so)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, "https://foo.github.io/", "_genesys.widgets.webchat.state.session=x; Domain=.github.io; Path=/");
	expect_refused(BSIM_REASON_PUBLIC_SUFFIX);
	cr_assert_str_eq(rec.last_message,
			 "cookie _genesys.widgets.webchat.state.session refused on https://foo.github.io/: "
			 "Domain \".github.io\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)");
	bsim_jar_free(j);
}

Test(jar, d4_co_uk_refused_registrable_accepted)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	set(j, "https://shop.example.co.uk/", "a=1; Domain=co.uk");
	expect_refused(BSIM_REASON_PUBLIC_SUFFIX);
	set(j, "https://shop.example.co.uk/", "b=1; Domain=uk");
	cr_assert_eq(rec.last_reason, BSIM_REASON_PUBLIC_SUFFIX);
	set(j, "https://shop.example.co.uk/", "c=1; Domain=example.co.uk");
	expect_header(j, "https://www.example.co.uk/", "c=1");
	expect_header(j, "https://other.co.uk/", "");
	bsim_jar_free(j);
}

Test(jar, d5_public_suffix_host_may_name_itself_host_only)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://co.uk/", "a=1; Domain=co.uk");
	cr_assert_eq(rec.refused, 0, "%s", rec.last_message);
	found f = find(j, "a");
	cr_assert_eq(f.view.host_only, 1);
	expect_header(j, "https://co.uk/", "a=1");
	expect_header(j, "https://x.co.uk/", "");
	bsim_jar_free(j);
}

Test(jar, d6_unknown_tld_acts_as_a_suffix)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "http://www.shop.test/", "a=1; Domain=shop.test");
	expect_header(j, "http://api.shop.test/", "a=1");
	set(j, "http://www.shop.test/", "b=1; Domain=test");
	expect_refused(BSIM_REASON_PUBLIC_SUFFIX);
	bsim_jar_free(j);
}

Test(jar, d7_localhost_domain_is_host_only_in_chromium)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, "http://localhost:8080/", "a=1; domain=localhost");
	script(j, "http://localhost:8080/", "b=1; domain=.localhost");
	script(j, "http://localhost:8080/", "c=1; domain=LOCALHOST");
	cr_assert_eq(rec.refused, 0, "%s", rec.last_message);
	expect_script(j, "http://localhost:9000/", "a=1; b=1; c=1");
	expect_script(j, "http://sub.localhost/", "");
	expect_script(j, "http://127.0.0.1/", "");
	cr_assert_eq(find(j, "a").view.host_only, 1);
	bsim_jar_free(j);
}

Test(jar, d7_localhost_domain_refused_in_safari)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_SAFARI);
	script(j, "http://localhost/", "a=1; domain=localhost");
	expect_refused(BSIM_REASON_NO_REGISTRABLE);
	script(j, "http://localhost/", "b=1");
	expect_script(j, "http://localhost/", "b=1");
	bsim_jar_free(j);
}

Test(jar, d8_localhost_from_app_localhost_refused)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "http://app.localhost/", "a=1; Domain=localhost");
	expect_refused(BSIM_REASON_PUBLIC_SUFFIX);
	cr_assert(strstr(rec.last_message, "localhost like a top-level domain"), "%s", rec.last_message);
	set(j, "http://a.b.localhost/", "b=1; Domain=b.localhost");
	expect_header(j, "http://c.b.localhost/", "b=1");
	bsim_jar_free(j);
}

Test(jar, d9_ip_host_takes_itself_as_domain_host_only)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, "http://127.0.0.1/", "a=1; domain=127.0.0.1");
	script(j, "http://127.0.0.1/", "b=1; domain=.127.0.0.1");
	cr_assert_eq(rec.refused, 0, "%s", rec.last_message);
	cr_assert_eq(find(j, "a").view.host_only, 1);
	script(j, "http://127.0.0.1/", "_genesys.widgets.webchat.state.session=x; Domain=.0.1; Path=/");
	expect_refused(BSIM_REASON_IP_DOMAIN);
	cr_assert(strstr(rec.last_message, "IP address 127.0.0.1"), "%s", rec.last_message);
	expect_script(j, "http://127.0.0.1/", "a=1; b=1");
	bsim_jar_free(j);
}

/*
 * D9, D10 as Chromium checks them (cookie_util.cc GetCookieDomainWithString):
 * a host without a registrable domain names itself only as written,
 * lowercased and with one leading dot off; what canonicalizes to it is not
 * enough (oracle trace gen-11-08564: DOMAIN=127.0.0.1. on 127.0.0.1).
 * Firefox ESR 153 does the same (oracle trace d09-self-domain-as-written);
 * Safari, not asked, keeps the canonical comparison.
 */
Test(jar, d9_d10_chromium_and_firefox_compare_a_self_naming_domain_as_written)
{
	static const struct {
		const char *url, *cookie;
		bool stored;
		bsim_cookie_reason why;
	} rows[] = {
		{"http://127.0.0.1/", "a=1; DOMAIN=127.0.0.1.", false, BSIM_REASON_IP_DOMAIN},
		{"http://127.0.0.1/", "a=1; Domain=0x7f.0.0.1", false, BSIM_REASON_IP_DOMAIN},
		{"http://127.0.0.1/", "a=1; Domain=127.000.0.1", false, BSIM_REASON_IP_DOMAIN},
		{"http://127.0.0.1/", "a=1; Domain=.127.0.0.1", true, BSIM_REASON_NONE},
		{"http://[::1]/", "a=1; Domain=[::1]", true, BSIM_REASON_NONE},
		{"http://intranet/", "a=1; Domain=INTRANET", true, BSIM_REASON_NONE},
		{"http://intranet/", "a=1; Domain=intranet.", false, BSIM_REASON_DOMAIN_MISMATCH},
	};
	static const bsim_engine engines[] = {BSIM_ENGINE_CHROMIUM, BSIM_ENGINE_FIREFOX};
	for (size_t e = 0; e < 2; e++) {
		for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
			bsim_jar *j = jar_for(engines[e]);
			set(j, rows[i].url, rows[i].cookie);
			cr_expect_eq(rec.refused, rows[i].stored ? 0 : 1, "%s: %s on %s: %s", bsim_engine_name(engines[e]),
				     rows[i].cookie, rows[i].url, rec.last_message);
			if (!rows[i].stored && rows[i].why != BSIM_REASON_DOMAIN_MISMATCH)
				cr_expect_eq(rec.last_reason, rows[i].why, "%s: %s", rows[i].cookie, rec.last_message);
			bsim_jar_free(j);
		}
	}
	/* The safari preset keeps the canonical comparison (Safari not asked). */
	bsim_jar *j = jar_for(BSIM_ENGINE_SAFARI);
	set(j, "http://127.0.0.1/", "a=1; DOMAIN=127.0.0.1.");
	cr_expect_eq(rec.refused, 0, "%s", rec.last_message);
	bsim_jar_free(j);
}

Test(jar, d10_single_label_host)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "http://intranet/", "a=1; Domain=intranet");
	cr_assert_eq(rec.refused, 0, "%s", rec.last_message);
	cr_assert_eq(find(j, "a").view.host_only, 1);
	set(j, "http://app.intranet/", "b=1; Domain=intranet");
	expect_refused(BSIM_REASON_PUBLIC_SUFFIX);
	bsim_jar_free(j);
}

Test(jar, d11_trailing_dot_host_is_a_different_host)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "http://www.shop.com./", "a=1");
	expect_header(j, "http://www.shop.com./", "a=1");
	expect_header(j, "http://www.shop.com/", "");
	set(j, "http://www.shop.com./", "b=1; Domain=shop.com");
	expect_refused(BSIM_REASON_TRAILING_DOT);
	bsim_jar_free(j);
}

Test(jar, d12_non_ascii_domain_converted_in_chromium_refused_in_firefox)
{
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "https://www.b\xc3\xbc" "cher.de/", "a=1; Domain=b\xc3\xbc" "cher.de");
	cr_assert_eq(rec.refused, 0, "%s", rec.last_message);
	expect_header(c, "https://shop.xn--bcher-kva.de/", "a=1");
	bsim_jar_free(c);
	bsim_jar *f = jar_for(BSIM_ENGINE_FIREFOX);
	set(f, "https://www.b\xc3\xbc" "cher.de/", "a=1; Domain=b\xc3\xbc" "cher.de");
	expect_refused(BSIM_REASON_NON_ASCII_DOMAIN);
	bsim_jar_free(f);
}

Test(jar, d13_names_and_paths_are_case_sensitive)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=1");
	set(j, "https://shop.com/", "A=2");
	set(j, "https://shop.com/", "c=3; Path=/Cart");
	expect_header(j, "https://shop.com/cart", "a=1; A=2");
	expect_header(j, "https://shop.com/Cart", "c=3; a=1; A=2");
	bsim_jar_free(j);
}

/* ---- §3 Path ---- */

Test(jar, t1_default_path_is_the_directory)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/a/b/page.html", "a=1");
	set(j, "https://shop.com/top", "b=1");
	found fa = find(j, "a"), fb = find(j, "b");
	cr_assert_str_eq(fa.view.path, "/a/b");
	cr_assert_str_eq(fb.view.path, "/");
	expect_header(j, "https://shop.com/a/b", "a=1; b=1");
	expect_header(j, "https://shop.com/a/bc", "b=1");
	bsim_jar_free(j);
}

Test(jar, t3_path_match_needs_a_slash_boundary)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=1; Path=/blah");
	set(j, "https://shop.com/", "b=1; Path=/blah/");
	expect_header(j, "https://shop.com/blahblah", "");
	expect_header(j, "https://shop.com/blah", "a=1");
	expect_header(j, "https://shop.com/blah/x", "b=1; a=1");
	bsim_jar_free(j);
}

/* ---- §4 Secure, HttpOnly, SameSite, prefixes ---- */

Test(jar, s2_secure_from_http_refused_and_never_sent_to_http)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "http://shop.com/", "a=1; Secure");
	expect_refused(BSIM_REASON_SECURE_FROM_INSECURE);
	set(j, "https://shop.com/", "b=1; Secure");
	expect_header(j, "http://shop.com/", "");
	expect_header(j, "https://shop.com/", "b=1");
	expect_header(j, "wss://shop.com/", "b=1");
	bsim_jar_free(j);
}

Test(jar, s1_localhost_is_secure_in_chromium_not_in_safari)
{
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "http://localhost/", "a=1; Secure");
	expect_header(c, "http://localhost/", "a=1");
	bsim_jar_free(c);
	bsim_jar *s = jar_for(BSIM_ENGINE_SAFARI);
	set(s, "http://localhost/", "a=1; Secure");
	expect_refused(BSIM_REASON_SECURE_FROM_INSECURE);
	bsim_jar_free(s);
}

Test(jar, s3_leave_secure_cookies_alone_is_asymmetric)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=secure; Secure; Path=/login");
	set(j, "http://shop.com/", "a=plain; Path=/");
	set(j, "http://shop.com/", "a=plain; Path=/foo");
	cr_assert_eq(rec.refused, 0, "%s", rec.last_message);
	set(j, "http://shop.com/", "a=evil; Path=/login/en");
	expect_refused(BSIM_REASON_OVERWRITE_SECURE);
	set(j, "http://www.shop.com/", "a=evil; Domain=shop.com; Path=/login");
	cr_assert_eq(rec.refused, 2);
	expect_header(j, "https://shop.com/login", "a=secure; a=plain");
	bsim_jar_free(j);
}

Test(jar, s4_httponly_script_cannot_set_overwrite_or_read)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, "https://shop.com/", "a=1; HttpOnly");
	expect_refused(BSIM_REASON_HTTPONLY_FROM_SCRIPT);
	set(j, "https://shop.com/", "h=server; HttpOnly");
	script(j, "https://shop.com/", "h=script");
	cr_assert_eq(rec.last_reason, BSIM_REASON_OVERWRITE_HTTPONLY);
	script(j, "https://shop.com/", "h=gone; Max-Age=0");
	cr_assert_eq(rec.refused, 3, "a script may not delete it either");
	expect_script(j, "https://shop.com/", "");
	expect_header(j, "https://shop.com/", "h=server");
	bsim_jar_free(j);
}

static const bsim_cookie_ctx cross_frame = {"https://other.com/", 0, 0};
static const bsim_cookie_ctx cross_nav = {"https://other.com/", 1, 0};
static const bsim_cookie_ctx cross_post = {"https://other.com/", 1, 1};

Test(jar, s6_unspecified_samesite_is_lax_in_chromium_none_in_firefox)
{
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "https://shop.com/", "a=1");
	expect_header_ctx(c, "https://shop.com/", &cross_frame, "");
	expect_header_ctx(c, "https://shop.com/", &cross_nav, "a=1");
	bsim_jar_free(c);
	bsim_jar *f = jar_for(BSIM_ENGINE_FIREFOX);
	set(f, "https://shop.com/", "a=1");
	set(f, "https://shop.com/", "n=1; SameSite=None; Secure");
	/* Total Cookie Protection: a third-party frame sees its own partition only. */
	expect_header_ctx(f, "https://shop.com/", &cross_frame, "");
	expect_header_ctx(f, "https://shop.com/", &cross_nav, "a=1; n=1");
	bsim_jar_free(f);
}

Test(jar, s6_lax_allowing_unsafe_two_minutes_in_chromium)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=1");
	set(j, "https://shop.com/", "l=1; SameSite=Lax");
	expect_header_ctx(j, "https://shop.com/", &cross_post, "a=1");
	bsim_jar_set_time(j, T0 + 121 * SEC);
	expect_header_ctx(j, "https://shop.com/", &cross_post, "");
	bsim_jar_free(j);
}

Test(jar, s6_strict_only_same_site)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "s=1; SameSite=Strict");
	expect_header_ctx(j, "https://shop.com/", &cross_nav, "");
	const bsim_cookie_ctx same = {"https://www.shop.com/", 1, 0};
	expect_header_ctx(j, "https://shop.com/", &same, "s=1");
	bsim_jar_free(j);
}

Test(jar, s7_samesite_none_needs_secure)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	set(j, "https://shop.com/", "a=1; SameSite=None");
	expect_refused(BSIM_REASON_SAMESITE_NONE_INSECURE);
	bsim_jar_free(j);
}

Test(jar, s8_http_and_https_are_cross_site_in_chromium_only)
{
	const bsim_cookie_ctx from_http = {"http://shop.com/", 0, 0};
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "https://shop.com/", "l=1; SameSite=Lax");
	expect_header_ctx(c, "https://shop.com/", &from_http, "");
	bsim_jar_free(c);
	bsim_jar *f = jar_for(BSIM_ENGINE_FIREFOX);
	set(f, "https://shop.com/", "l=1; SameSite=Lax");
	expect_header_ctx(f, "https://shop.com/", &from_http, "l=1");
	bsim_jar_free(f);
}

Test(jar, s9_cross_site_frame_cannot_set_lax_cookie)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	bsim_jar_set_cookie(j, "https://chat.vendor.com/", "l=1; SameSite=Lax", 17, &cross_frame);
	expect_refused(BSIM_REASON_SAMESITE_CROSS_SITE);
	bsim_jar_free(j);
}

Test(jar, s10_secure_prefix_needs_secure)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "__Secure-a=1");
	expect_refused(BSIM_REASON_PREFIX_SECURE);
	set(j, "https://shop.com/", "__SECURE-b=1");
	cr_assert_eq(rec.refused, 2, "the prefix matches case-insensitively");
	set(j, "https://shop.com/", "__Secure-c=1; Secure");
	expect_header(j, "https://shop.com/", "__Secure-c=1");
	bsim_jar_free(j);
}

Test(jar, s11_host_prefix_without_path_attr_chromium_refuses_firefox_accepts)
{
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "https://shop.com/", "__Host-SID=1; Secure");
	expect_refused(BSIM_REASON_PREFIX_HOST);
	set(c, "https://shop.com/", "__Host-SID=1; Secure; Path=/; Domain=shop.com");
	cr_assert_eq(rec.refused, 2);
	set(c, "https://shop.com/", "__Host-SID=1; Secure; Path=/");
	expect_header(c, "https://shop.com/", "__Host-SID=1");
	bsim_jar_free(c);
	bsim_jar *f = jar_for(BSIM_ENGINE_FIREFOX);
	set(f, "https://shop.com/", "__Host-SID=1; Secure");
	cr_assert_eq(rec.refused, 0, "%s", rec.last_message);
	bsim_jar_free(f);
}

Test(jar, s12_http_prefix_needs_httponly_and_no_script)
{
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "https://shop.com/", "__Http-a=1; Secure");
	expect_refused(BSIM_REASON_PREFIX_HTTP);
	set(c, "https://shop.com/", "__Http-a=1; Secure; HttpOnly");
	cr_assert_eq(rec.refused, 1);
	bsim_jar_free(c);
	bsim_jar *s = jar_for(BSIM_ENGINE_SAFARI);
	set(s, "https://shop.com/", "__Http-a=1; Secure");
	cr_assert_eq(rec.refused, 0, "safari has not shipped __Http-");
	bsim_jar_free(s);
}

Test(jar, p5_nameless_cookie_hiding_a_prefix_is_refused)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "__Host-x=1; Secure; Path=/");
	set(j, "https://shop.com/", "=__Host-x=1");
	expect_refused(BSIM_REASON_HIDDEN_PREFIX);
	bsim_jar_free(j);
}

/* ---- §1 lifetime ---- */

Test(jar, p12_lifetime_capped_at_400_days)
{
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "https://shop.com/", "a=1; Max-Age=999999999");
	set(c, "https://shop.com/", "b=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT");
	cr_assert_eq(find(c, "a").view.expires, T0 + 400 * DAY);
	cr_assert_eq(find(c, "b").view.expires, T0 + 400 * DAY);
	bsim_jar_free(c);
	bsim_jar *s = jar_for(BSIM_ENGINE_SAFARI);
	set(s, "https://shop.com/", "a=1; Max-Age=999999999");
	cr_assert_eq(find(s, "a").view.expires, T0 + (bsim_time)999999999 * SEC);
	bsim_jar_free(s);
}

Test(jar, p9_max_age_beats_expires_in_any_order)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=1; Max-Age=60; Expires=Fri, 01 Jan 2016 00:00:00 GMT");
	set(j, "https://shop.com/", "b=1; Expires=Fri, 01 Jan 2016 00:00:00 GMT; Max-Age=60");
	cr_assert_eq(find(j, "a").view.expires, T0 + 60 * SEC);
	cr_assert_eq(find(j, "b").view.expires, T0 + 60 * SEC);
	bsim_jar_free(j);
}

Test(jar, p13_expired_on_arrival_deletes_the_equivalent)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=1");
	set(j, "https://shop.com/", "a=1; Max-Age=0");
	cr_assert_eq(bsim_jar_count(j), 0);
	cr_assert_eq(rec.deleted, 1);
	set(j, "https://shop.com/", "b=1; Expires=Thu, 01 Jan 2004 00:00:00 GMT");
	cr_assert_eq(bsim_jar_count(j), 0);
	expect_header(j, "https://shop.com/", "");
	bsim_jar_free(j);
}

Test(jar, expiry_follows_the_virtual_clock)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=1; Max-Age=60");
	bsim_jar_set_time(j, T0 + 59 * SEC);
	expect_header(j, "https://shop.com/", "a=1");
	bsim_jar_set_time(j, T0 + 60 * SEC);
	expect_header(j, "https://shop.com/", "");
	cr_assert_eq(rec.expired, 1);
	cr_assert_eq(bsim_jar_count(j), 0);
	bsim_jar_free(j);
}

Test(jar, c1_close_drops_session_cookies_keeps_persistent)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, "https://www.testsite.com/", "_genesys.widgets.webchat.state.session=1; Domain=.testsite.com; Path=/");
	set(j, "https://www.testsite.com/", "keep=1; Max-Age=3600");
	bsim_jar_end_session(j);
	cr_assert_eq(rec.session_ended, 1);
	expect_header(j, "https://www.testsite.com/", "keep=1");
	bsim_jar_free(j);
}

/* ---- §5 limits ---- */

static void fill(bsim_jar *j, const char *url, const char *prefix, int n, const char *attrs)
{
	char h[256];
	for (int i = 0; i < n; i++) {
		snprintf(h, sizeof h, "%s%03d=v%s", prefix, i, attrs);
		set(j, url, h);
	}
}

Test(jar, l2_chromium_181st_cookie_purges_to_150_host_and_domain_together)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	fill(j, "https://www.shop.com/", "h", 90, "");
	fill(j, "https://store.shop.com/", "d", 90, "; Domain=shop.com");
	cr_assert_eq(bsim_jar_count(j), 180);
	cr_assert_eq(rec.evicted, 0);
	set(j, "https://www.shop.com/", "last=1");
	cr_assert_eq(bsim_jar_count(j), 150);
	cr_assert_eq(rec.evicted, 31);
	cr_assert_eq(find(j, "h000").hits, 0, "the oldest go first");
	cr_assert_eq(find(j, "last").hits, 1);
	bsim_jar_free(j);
}

Test(jar, l2_chromium_high_priority_survives_low)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	fill(j, "https://shop.com/", "hi", 40, "; Priority=High");
	fill(j, "https://shop.com/", "lo", 141, "; Priority=Low");
	cr_assert_eq(bsim_jar_count(j), 150);
	cr_assert_eq(find(j, "hi000").hits, 1, "High cookies are purged only after Low and Medium");
	bsim_jar_free(j);
}

Test(jar, l2_chromium_non_secure_purged_before_secure)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	fill(j, "https://shop.com/", "s", 100, "; Secure");
	fill(j, "https://shop.com/", "p", 81, "");
	cr_assert_eq(bsim_jar_count(j), 150);
	cr_assert_eq(find(j, "s000").hits, 1, "secure cookies outlive newer non-secure ones");
	cr_assert_eq(find(j, "p000").hits, 0);
	bsim_jar_free(j);
}

Test(jar, l2_firefox_181st_leaves_150_and_drops_non_secure_newcomer_when_all_secure)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	fill(j, "https://shop.com/", "a", 181, "");
	cr_assert_eq(bsim_jar_count(j), 150);
	bsim_jar_free(j);
	j = jar_for(BSIM_ENGINE_FIREFOX);
	fill(j, "https://shop.com/", "s", 180, "; Secure");
	set(j, "https://shop.com/", "plain=1");
	expect_refused(BSIM_REASON_DOMAIN_LIMIT);
	cr_assert_eq(bsim_jar_count(j), 180);
	set(j, "https://shop.com/", "sec=1; Secure");
	cr_assert_eq(bsim_jar_count(j), 150);
	bsim_jar_free(j);
}

/*
 * Firefox purges the least recently accessed first (CookieStorage.cpp
 * FindStaleCookies, CompareCookiesByAge), and a read touches a cookie only
 * when it was last used a minute or more before (L4,
 * network.cookie.staleThreshold). A read half a minute after the writes
 * leaves the purge in creation order; a read after more than a minute
 * saves the cookies it sent. The oracle's l02-domain-cap met this when a
 * loaded machine made its replay last over a minute.
 */
Test(jar, l2_firefox_purge_follows_reads_older_than_a_minute)
{
	static const struct {
		bsim_time read_after;
		const char *gone, *kept;
	} rows[] = {
		{30 * SEC, "w000", "s000"},
		{61 * SEC, "s000", "w000"},
	};
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
		fill(j, "https://www.shop.com/", "w", 90, "");
		fill(j, "https://store.shop.com/", "s", 90, "");
		bsim_jar_set_time(j, T0 + rows[r].read_after);
		char *h = NULL;
		cr_assert_eq(bsim_jar_cookie_header(&h, j, "https://www.shop.com/", NULL), 0);
		free(h);
		set(j, "https://store.shop.com/", "last=1");
		cr_assert_eq(bsim_jar_count(j), 150);
		cr_expect_eq(find(j, rows[r].gone).hits, 0, "row %zu: %s is purged", r, rows[r].gone);
		cr_expect_eq(find(j, rows[r].kept).hits, 1, "row %zu: %s stays", r, rows[r].kept);
		bsim_jar_free(j);
	}
}

Test(jar, l2_safari_has_no_per_domain_limit)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_SAFARI);
	fill(j, "https://shop.com/", "a", 300, "");
	cr_assert_eq(bsim_jar_count(j), 300);
	bsim_jar_free(j);
}

Test(jar, l3_chromium_global_purge_only_touches_cookies_idle_30_days)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	char url[64];
	for (int s = 0; s < 34; s++) {
		snprintf(url, sizeof url, "https://site%02d.com/", s);
		fill(j, url, "c", 100, "; Max-Age=99999999");
	}
	cr_assert_eq(bsim_jar_count(j), 3400, "nothing is idle yet, so nothing goes");
	bsim_jar_set_time(j, T0 + 31 * DAY);
	set(j, "https://fresh.com/", "x=1");
	cr_assert_eq(bsim_jar_count(j), 3000);
	cr_assert_eq(find(j, "x").hits, 1);
	bsim_jar_free(j);
}

/*
 * Which cookies the global purge takes (Chromium cookie_monster.cc
 * GarbageCollect): non-secure before secure, each least recently used
 * first, and among cookies used at the same instant the older first. 3,401
 * idle cookies leave 3,000: the 401 first non-secure ones by creation.
 */
Test(jar, l3_chromium_global_purge_takes_non_secure_lru_then_oldest)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	char url[64], prefix[16];
	for (int s = 0; s < 34; s++) {
		snprintf(url, sizeof url, "https://site%02d.com/", s);
		snprintf(prefix, sizeof prefix, "s%02d_", s);
		fill(j, url, prefix, 100, s < 17 ? "; Max-Age=99999999; Secure" : "; Max-Age=99999999");
	}
	bsim_jar_set_time(j, T0 + 31 * DAY);
	/* Site 33's cookies are read now: recently used, so they outlive the older non-secure ones. */
	char *h = NULL;
	cr_assert_eq(bsim_jar_cookie_header(&h, j, "https://site33.com/", NULL), 0);
	free(h);
	set(j, "https://fresh.com/", "x=1");
	cr_assert_eq(bsim_jar_count(j), 3000);
	cr_expect_eq(find(j, "s00_000").hits, 1, "secure cookies stay");
	cr_expect_eq(find(j, "s16_099").hits, 1, "secure cookies stay");
	for (int i = 0; i < 100; i++) {
		char name[16];
		for (int s = 17; s <= 20; s++) {
			snprintf(name, sizeof name, "s%02d_%03d", s, i);
			cr_expect_eq(find(j, name).hits, 0, "%s: among the 401 oldest non-secure", name);
		}
		snprintf(name, sizeof name, "s21_%03d", i);
		cr_expect_eq(find(j, name).hits, i == 0 ? 0 : 1, "%s: only the 401st goes", name);
		snprintf(name, sizeof name, "s33_%03d", i);
		cr_expect_eq(find(j, name).hits, 1, "%s: used at 31 days, so the last to go", name);
	}
	cr_expect_eq(find(j, "x").hits, 1);
	bsim_jar_free(j);
}

Test(jar, l4_last_access_updates_at_most_once_a_minute)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=1");
	bsim_jar_set_time(j, T0 + 30 * SEC);
	expect_header(j, "https://shop.com/", "a=1");
	cr_assert_eq(find(j, "a").view.last_access, T0);
	bsim_jar_set_time(j, T0 + 61 * SEC);
	expect_header(j, "https://shop.com/", "a=1");
	cr_assert_eq(find(j, "a").view.last_access, T0 + 61 * SEC);
	bsim_jar_free(j);
}

/* ---- §6 retrieval ---- */

Test(jar, r2_longer_path_first_then_older)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "b=1; Path=/");
	set(j, "https://shop.com/", "a=1; Path=/");
	set(j, "https://shop.com/", "c=1; Path=/x");
	expect_header(j, "https://shop.com/x", "c=1; b=1; a=1");
	bsim_jar_free(j);
}

Test(jar, r3_chromium_moves_a_changed_value_to_the_end_firefox_keeps_its_place)
{
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "https://shop.com/", "a=1");
	set(c, "https://shop.com/", "b=1");
	set(c, "https://shop.com/", "a=1");
	expect_header(c, "https://shop.com/", "a=1; b=1");
	set(c, "https://shop.com/", "a=2");
	expect_header(c, "https://shop.com/", "b=1; a=2");
	bsim_jar_free(c);
	bsim_jar *f = jar_for(BSIM_ENGINE_FIREFOX);
	set(f, "https://shop.com/", "a=1");
	set(f, "https://shop.com/", "b=1");
	set(f, "https://shop.com/", "a=2");
	expect_header(f, "https://shop.com/", "a=2; b=1");
	bsim_jar_free(f);
}

Test(jar, r4_nameless_cookie_serialises_as_its_value)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "a=1");
	set(j, "https://shop.com/", "bare");
	expect_header(j, "https://shop.com/", "a=1; bare");
	set(j, "https://shop.com/", "other");
	expect_header(j, "https://shop.com/", "a=1; other");
	bsim_jar_free(j);
}

Test(jar, s14_firefox_nameless_string_is_a_name)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	script(j, "https://shop.com/", "bare");
	expect_script(j, "https://shop.com/", "bare=");
	bsim_jar_free(j);
}

Test(jar, r5_same_name_two_scopes_both_sent)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://www.shop.com/", "x=host");
	set(j, "https://www.shop.com/", "x=domain; Domain=shop.com");
	expect_header(j, "https://www.shop.com/", "x=host; x=domain");
	cr_assert_eq(bsim_jar_count(j), 2);
	bsim_jar_free(j);
}

/* ---- §7 schemes ---- */

Test(jar, f1_file_pages_have_no_cookies_in_chromium)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, "file:///home/qa/site/index.html", "_genesys.widgets.webchat.state.session=1; Path=/");
	expect_refused(BSIM_REASON_SCHEME);
	expect_script(j, "file:///home/qa/site/index.html", "");
	bsim_jar_free(j);
}

Test(jar, f1_file_pages_share_one_bucket_in_firefox)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	script(j, "file:///home/qa/site/index.html", "a=1; Path=/");
	expect_script(j, "file:///tmp/other.html", "a=1");
	bsim_jar_free(j);
}

/* ---- §9 third parties ---- */

Test(jar, x1_safari_blocks_third_party_cookies)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_SAFARI);
	const char *h = "t=1; SameSite=None; Secure";
	bsim_jar_set_cookie(j, "https://chat.vendor.com/", h, strlen(h), &cross_frame);
	expect_refused(BSIM_REASON_THIRD_PARTY_BLOCKED);
	bsim_jar_free(j);
}

Test(jar, x1_firefox_partitions_by_top_level_site)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	const char *h = "t=1; SameSite=None; Secure";
	bsim_jar_set_cookie(j, "https://chat.vendor.com/", h, strlen(h), &cross_frame);
	cr_assert_eq(rec.refused, 0, "%s", rec.last_message);
	expect_header_ctx(j, "https://chat.vendor.com/", &cross_frame, "t=1");
	const bsim_cookie_ctx elsewhere = {"https://third.com/", 0, 0};
	expect_header_ctx(j, "https://chat.vendor.com/", &elsewhere, "");
	expect_header(j, "https://chat.vendor.com/", "");
	bsim_jar_free(j);
}

Test(jar, x1_chromium_allows_third_party_none_secure)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	const char *h = "t=1; SameSite=None; Secure";
	bsim_jar_set_cookie(j, "https://chat.vendor.com/", h, strlen(h), &cross_frame);
	expect_header(j, "https://chat.vendor.com/", "t=1");
	bsim_jar_free(j);
}

/* ---- API contract ---- */

Test(jar, bad_url_is_an_error_with_a_message)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	cr_assert_eq(bsim_jar_set_cookie(j, "ftp://shop.com/", "a=1", 3, NULL), BSIM_EINVAL);
	cr_assert(strstr(bsim_error_last()->message, "ftp"), "%s", bsim_error_last()->message);
	bsim_jar_free(j);
}

Test(jar, refusals_are_not_errors_and_count_adds_up)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://a.com/", "ok=1");
	set(j, "https://a.com/", "bad=1; Domain=b.com");
	cr_assert_eq(rec.stored + rec.refused, 2);
	cr_assert_eq(bsim_jar_count(j), (size_t)rec.stored);
	bsim_jar_free(j);
}

Test(jar, foreach_is_in_creation_order_and_hides_expired)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://b.com/", "first=1");
	set(j, "https://a.com/", "second=1; Max-Age=10");
	set(j, "https://c.com/", "third=1");
	bsim_jar_set_time(j, T0 + 20 * SEC);
	cr_assert_eq(find(j, "second").hits, 0);
	found f1 = find(j, "first"), f3 = find(j, "third");
	cr_assert_lt(f1.view.creation_seq, f3.view.creation_seq);
	bsim_jar_free(j);
}

Test(engine, names_round_trip)
{
	bsim_engine e;
	cr_assert_eq(bsim_engine_from_name(&e, "firefox"), 0);
	cr_assert_eq(e, BSIM_ENGINE_FIREFOX);
	cr_assert_str_eq(bsim_engine_name(BSIM_ENGINE_SAFARI), "safari");
	cr_assert_eq(bsim_engine_from_name(&e, "netscape"), BSIM_EINVAL);
}

Test(reason, codes_are_unique_and_round_trip)
{
	for (int i = 0; i < BSIM_REASON_COUNT; i++) {
		bsim_cookie_reason r;
		const char *code = bsim_cookie_reason_code((bsim_cookie_reason)i);
		cr_assert_eq(bsim_cookie_reason_from_code(&r, code), 0, "%s", code);
		cr_assert_eq(r, (bsim_cookie_reason)i, "code %s is not unique", code);
	}
}

/* ---- engine rows added after the conformance runs ---- */

Test(jar, p8_empty_domain_cancels_an_earlier_domain)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "http://www.shop.com/", "a=1; Domain=shop.com; Domain=");
	cr_assert_eq(find(j, "a").view.host_only, 1);
	expect_header(j, "http://store.shop.com/", "");
	bsim_jar_free(j);
}

Test(jar, p1_newline_in_header_chromium_ends_it_firefox_splits_safari_voids)
{
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "http://shop.com/", "a=1\nZYX");
	expect_header(c, "http://shop.com/", "a=1");
	script(c, "http://shop.com/", "b=1\nc");
	expect_refused(BSIM_REASON_CONTROL_CHAR);
	cr_assert(strstr(rec.last_message, "control character 0x0A"), "%s", rec.last_message);
	bsim_jar_free(c);
	bsim_jar *f = jar_for(BSIM_ENGINE_FIREFOX);
	set(f, "http://shop.com/", "a=1\r\nb=2");
	expect_header(f, "http://shop.com/", "a=1; b=2");
	bsim_jar_free(f);
	bsim_jar *s = jar_for(BSIM_ENGINE_SAFARI);
	set(s, "http://shop.com/", "a=1\nb=2");
	expect_refused(BSIM_REASON_CONTROL_CHAR);
	bsim_jar_free(s);
}

Test(jar, t3_escaped_letters_in_the_request_path_stay_escaped)
{
	/* Chromium 156 as the oracle ran it (tests/oracle/traces/t03-path-escapes.ops). */
	bsim_jar *c = jar_for(BSIM_ENGINE_CHROMIUM);
	set(c, "http://shop.com/", "a=1; Path=/foo");
	expect_header(c, "http://shop.com/f%6Fo/bar", "");
	set(c, "http://shop.com/%7Euser/x", "d=1");
	cr_assert_str_eq(find(c, "d").view.path, "/%7Euser");
	expect_header(c, "http://shop.com/~user/y", "");
	bsim_jar_free(c);
	bsim_jar *f = jar_for(BSIM_ENGINE_FIREFOX);
	set(f, "http://shop.com/", "a=1; Path=/foo");
	expect_header(f, "http://shop.com/f%6Fo/bar", "");
	bsim_jar_free(f);
}

Test(jar, s13_partitioned_needs_secure_and_keys_by_top_level_site)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://shop.com/", "p=1; Partitioned");
	expect_refused(BSIM_REASON_PARTITIONED_INSECURE);
	const char *h = "p=1; Partitioned; Secure; SameSite=None";
	bsim_jar_set_cookie(j, "https://chat.vendor.com/", h, strlen(h), &cross_frame);
	found f = find(j, "p");
	cr_assert_str_eq(f.view.partition_key, "https://other.com");
	expect_header_ctx(j, "https://chat.vendor.com/", &cross_frame, "p=1");
	const bsim_cookie_ctx elsewhere = {"https://third.com/", 0, 0};
	expect_header_ctx(j, "https://chat.vendor.com/", &elsewhere, "");
	bsim_jar_free(j);
}

Test(jar, p15_script_in_cross_site_iframe_may_only_write_samesite_none)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	const char *lax = "a=1", *none = "b=1; SameSite=None; Secure";
	bsim_jar_script_set(j, "https://chat.vendor.com/", lax, strlen(lax), &cross_frame);
	expect_refused(BSIM_REASON_SAMESITE_CROSS_SITE);
	bsim_jar_script_set(j, "https://chat.vendor.com/", none, strlen(none), &cross_frame);
	cr_assert_eq(rec.refused, 1, "%s", rec.last_message);
	bsim_jar_free(j);
}

Test(jar, l3_firefox_global_purge_after_33_idle_days)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	char url[64];
	for (int s = 0; s < 34; s++) {
		snprintf(url, sizeof url, "https://site%02d.com/", s);
		fill(j, url, "c", 100, "; Max-Age=99999999");
	}
	cr_assert_eq(bsim_jar_count(j), 3400);
	bsim_jar_set_time(j, T0 + 32 * DAY);
	set(j, "https://fresh.com/", "x=1");
	cr_assert_eq(bsim_jar_count(j), 3401, "32 idle days are not enough for firefox");
	bsim_jar_set_time(j, T0 + 34 * DAY);
	set(j, "https://fresh2.com/", "y=1");
	cr_assert_eq(bsim_jar_count(j), 3000);
	bsim_jar_free(j);
}

Test(jar, expire_sweeps_what_passed_and_only_when_something_can_have)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://a.com/", "short=1; Max-Age=10");
	set(j, "https://b.com/", "long=1; Max-Age=1000");
	set(j, "https://c.com/", "session=1");
	bsim_jar_set_time(j, T0 + 5 * SEC);
	bsim_jar_expire(j);
	cr_assert_eq(rec.expired, 0);
	bsim_jar_set_time(j, T0 + 10 * SEC);
	bsim_jar_expire(j);
	cr_assert_eq(rec.expired, 1, "short expires at exactly its Max-Age");
	cr_assert_eq(bsim_jar_count(j), 2);
	set(j, "https://d.com/", "soon=1; Max-Age=1");
	bsim_jar_set_time(j, T0 + 11 * SEC);
	bsim_jar_expire(j);
	cr_assert_eq(rec.expired, 2, "a cookie stored after a sweep is still swept");
	bsim_jar_set_time(j, T0 + 2000 * SEC);
	bsim_jar_expire(j);
	cr_assert_eq(rec.expired, 3);
	cr_assert_eq(bsim_jar_count(j), 1, "the session cookie stays");
	bsim_jar_free(j);
}

/* ---- Firefox ESR 153, as the real-browser oracle showed it (tests/oracle/traces) ---- */

Test(jar, l2_priority_is_chromium_only_firefox_and_safari_store_medium)
{
	const struct { bsim_engine e; bsim_priority want; } rows[] = {
		{BSIM_ENGINE_CHROMIUM, BSIM_PRIORITY_HIGH},
		{BSIM_ENGINE_FIREFOX, BSIM_PRIORITY_MEDIUM},
		{BSIM_ENGINE_SAFARI, BSIM_PRIORITY_MEDIUM},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bsim_jar *j = jar_for(rows[i].e);
		set(j, "https://www.shop.test/", "p=1; Priority=High");
		found f = find(j, "p");
		cr_expect_eq(f.hits, 1);
		cr_expect_eq(f.view.priority, rows[i].want, "engine %d: priority %d", (int)rows[i].e, (int)f.view.priority);
		bsim_jar_free(j);
	}
}

Test(jar, p3_firefox_refuses_an_empty_name_set_with_equals)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	set(j, "https://www.testsite.com/", "=baz");
	expect_refused(BSIM_REASON_EMPTY_NAME);
	cr_expect(strstr(rec.last_message, "name is empty") != NULL, "%s", rec.last_message);
	script(j, "https://www.testsite.com/", "=sc");
	cr_expect_eq(rec.refused, 2);
	expect_header(j, "https://www.testsite.com/", "");
	bsim_jar_free(j);

	/* Chromium keeps it as a nameless cookie sent as its value alone (P4). */
	j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://www.testsite.com/", "=baz");
	expect_header(j, "https://www.testsite.com/", "baz");
	bsim_jar_free(j);
}

Test(jar, s13_firefox_refuses_partitioned_without_secure_even_without_chips)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	set(j, "https://www.testsite.com/", "b=1; Partitioned");
	expect_refused(BSIM_REASON_PARTITIONED_INSECURE);
	set(j, "https://www.testsite.com/", "a=1; Secure; Partitioned");
	expect_header(j, "https://www.testsite.com/", "a=1");
	bsim_jar_free(j);
}

Test(jar, r3_firefox_document_cookie_puts_a_changed_cookie_last_header_keeps_creation)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	const char *u = "https://www.testsite.com/";
	script(j, u, "a=1");
	script(j, u, "b=1");
	script(j, u, "c=1");
	script(j, u, "a=2");
	expect_script(j, u, "b=1; c=1; a=2");
	expect_header(j, u, "a=2; b=1; c=1");
	/* An unchanged value keeps its place in both. */
	script(j, u, "b=1; path=/");
	expect_script(j, u, "b=1; c=1; a=2");
	/* The same value with another lifetime or flag is a change (AddCookie compares them; ESR 153 run). */
	script(j, u, "b=1; max-age=600");
	expect_script(j, u, "c=1; a=2; b=1");
	script(j, u, "b=1; max-age=600");
	expect_script(j, u, "c=1; a=2; b=1");
	script(j, u, "c=1; SameSite=Strict");
	expect_script(j, u, "a=2; b=1; c=1");
	script(j, u, "a=2; Secure");
	expect_script(j, u, "b=1; c=1; a=2");
	expect_header(j, u, "a=2; b=1; c=1");
	bsim_jar_free(j);

	/* Chromium: one order, the changed cookie last in both (R3). */
	j = jar_for(BSIM_ENGINE_CHROMIUM);
	script(j, u, "a=1");
	script(j, u, "b=1");
	script(j, u, "a=2");
	expect_script(j, u, "b=1; a=2");
	expect_header(j, u, "b=1; a=2");
	bsim_jar_free(j);
}

Test(jar, p10_firefox_reads_a_date_without_a_time_as_midnight)
{
	/* "Jan 1 1999" is in the past for Firefox (NSPR), no date at all for the RFC and Chromium. */
	const struct { bsim_engine e; const char *want; } rows[] = {
		{BSIM_ENGINE_CHROMIUM, "i=1"},
		{BSIM_ENGINE_FIREFOX, ""},
		{BSIM_ENGINE_SAFARI, "i=1"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bsim_jar *j = jar_for(rows[i].e);
		set(j, "https://www.testsite.com/", "i=1; Expires=Jan 1 1999");
		expect_header(j, "https://www.testsite.com/", rows[i].want);
		bsim_jar_free(j);
	}
}

Test(jar, s3_firefox_host_only_secure_cookie_shadows_only_its_own_host)
{
	/* A Secure host-only "a" of www.example.co.uk; http://example.co.uk sets a host-only "a". */
	const struct { bsim_engine e; const char *want; } rows[] = {
		{BSIM_ENGINE_CHROMIUM, ""},
		{BSIM_ENGINE_FIREFOX, "a=5"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bsim_jar *j = jar_for(rows[i].e);
		set(j, "https://www.example.co.uk/", "a=8; Secure; HttpOnly");
		script(j, "http://example.co.uk/blah", "a=5 ; Path=/");
		expect_header(j, "http://example.co.uk/", rows[i].want);
		/* A Domain cookie still shadows in both. */
		set(j, "https://shop.example.co.uk/", "d=8; Secure; Domain=example.co.uk");
		set(j, "http://example.co.uk/", "d=5");
		expect_header(j, "http://example.co.uk/", rows[i].want);
		bsim_jar_free(j);
	}
}

/* ---- request verdicts: whether a request carries a cookie, and why not (§5.8.3) ---- */

typedef struct verdict_seen {
	const char *name;
	bsim_send_verdict verdict;
	char why[512];
	int found;
} verdict_seen;

static void on_verdict(const bsim_cookie_view *c, bsim_send_verdict v, const char *why, void *ud)
{
	verdict_seen *s = ud;
	if (strcmp(c->name, s->name) != 0)
		return;
	s->found++;
	s->verdict = v;
	snprintf(s->why, sizeof s->why, "%s", why ? why : "");
}

Test(jar, r3_request_verdicts_name_the_first_rule_that_keeps_a_cookie_home)
{
	static const struct {
		const char *set_url, *header, *request, *top; /* top: the navigation's initiator, or NULL */
		bsim_send_verdict want;
		const char *why; /* a piece of the sentence */
	} table[] = {
		{"https://www.shop.com/", "a=1; Domain=shop.com; Path=/", "https://store.shop.com/", NULL, BSIM_SEND_SENT, ""},
		{"https://www.shop.com/", "a=1; Path=/", "https://store.shop.com/", NULL, BSIM_SEND_HOST_ONLY,
		 "host-only for www.shop.com"},
		{"https://www.shop.com/", "a=1; Domain=www.shop.com; Path=/", "https://store.shop.com/", NULL, BSIM_SEND_DOMAIN,
		 "Domain .www.shop.com does not cover store.shop.com"},
		{"https://www.shop.com/cart/x", "a=1; Path=/cart", "https://www.shop.com/", NULL, BSIM_SEND_PATH,
		 "Path /cart does not match the request's path /"},
		{"https://www.shop.com/", "a=1; Secure; Path=/", "http://www.shop.com/", NULL, BSIM_SEND_SECURE,
		 "Secure and the request goes over http"},
		{"https://www.shop.com/", "a=1; SameSite=Strict; Path=/", "https://www.shop.com/", "https://partner.example/",
		 BSIM_SEND_SAMESITE, "SameSite=Strict and the request is cross-site from https://partner.example"},
		/* A top-level GET from another site carries Lax cookies (§5.8.3: "lax" allows safe top-level navigations). */
		{"https://www.shop.com/", "a=1; SameSite=Lax; Path=/", "https://www.shop.com/", "https://partner.example/",
		 BSIM_SEND_SENT, ""},
	};
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
		set(j, table[i].set_url, table[i].header);
		verdict_seen seen = {"a", BSIM_SEND_SENT, "", 0};
		bsim_cookie_ctx ctx = {table[i].top, 1, 0};
		cr_assert_eq(bsim_jar_request_verdicts(j, table[i].request, &ctx, on_verdict, &seen), 0);
		cr_expect_eq(seen.found, 1, "case %zu: the cookie of the request's site was not visited", i);
		cr_expect_eq(seen.verdict, table[i].want, "case %zu: verdict %s, want %s (%s)", i,
			     bsim_send_verdict_code(seen.verdict), bsim_send_verdict_code(table[i].want), seen.why);
		cr_expect(strstr(seen.why, table[i].why) != NULL, "case %zu: \"%s\" lacks \"%s\"", i, seen.why, table[i].why);
		/* The verdict agrees with the Cookie header the same request carries. */
		char *header = NULL;
		cr_assert_eq(bsim_jar_cookie_header(&header, j, table[i].request, &ctx), 0);
		cr_expect_eq(strcmp(header, "a=1") == 0, table[i].want == BSIM_SEND_SENT, "case %zu: header \"%s\"", i, header);
		free(header);
		bsim_jar_free(j);
	}
}

Test(jar, r3_request_verdicts_change_nothing_and_skip_other_sites)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://www.shop.com/", "a=1; Max-Age=10; Path=/");
	set(j, "https://other.example/", "a=2; Path=/");
	bsim_jar_set_time(j, T0 + 60 * SEC);
	verdict_seen seen = {"a", BSIM_SEND_SENT, "", 0};
	cr_assert_eq(bsim_jar_request_verdicts(j, "https://www.shop.com/", NULL, on_verdict, &seen), 0);
	/* Only shop.com's cookie is visited, and asking removed nothing: the expired one is still counted. */
	cr_expect_eq(seen.found, 1);
	cr_expect_eq(seen.verdict, BSIM_SEND_EXPIRED, "%s", bsim_send_verdict_code(seen.verdict));
	cr_expect_eq(bsim_jar_count(j), 2);
	cr_expect_eq(rec.expired, 0, "a verdict must not expire cookies");
	bsim_jar_free(j);
}

Test(jar, s11_chromium_host_prefix_refuses_a_domain_attribute_even_on_localhost)
{
	/* Chromium 156 (oracle trace gen-11-00802): no Domain attribute at all, except an IP naming itself. */
	const struct { const char *url, *header; bool stored; } rows[] = {
		{"http://localhost/", "__Host-b=1; Secure; Path=/", true},
		{"http://localhost/", "__Host-c=1; Secure; Path=/; Domain=localhost", false},
		{"https://localhost/", "__host-http-d=1; Secure; Path=/; Domain=localhost; HttpOnly", false},
		{"http://127.0.0.1/", "__Host-f=1; Secure; Path=/; Domain=127.0.0.1", true},
		{"https://www.testsite.com/", "__Host-a=1; Secure; Path=/; Domain=www.testsite.com", false},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
		set(j, rows[i].url, rows[i].header);
		cr_expect_eq(rec.stored, rows[i].stored ? 1 : 0, "row %zu: %s", i, rec.last_message);
		if (!rows[i].stored)
			cr_expect_eq(rec.last_reason, BSIM_REASON_PREFIX_HOST, "row %zu: %s", i, rec.last_message);
		bsim_jar_free(j);
	}
}

static void restore(bsim_jar *j, const char *name, const char *value, const char *domain, int host_only)
{
	bsim_cookie_view v;
	memset(&v, 0, sizeof v);
	v.name = name;
	v.value = value;
	v.domain = domain;
	v.path = "/";
	v.host_only = host_only;
	v.creation = v.last_access = T0;
	int rc = bsim_jar_restore(j, &v);
	cr_assert_eq(rc, 0, "restore %s: %s", name, bsim_error_last()->message);
}

/*
 * A restore into a bucket past BUCKET_INDEX_MIN finds equivalents through an
 * index; a page's set drops it. Both paths must replace exactly the cookie a
 * scan would (same name, domain, host-only flag and path) and nothing else.
 */
Test(jar, restore_replaces_its_equivalent_in_a_large_bucket)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	char name[32];
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "c%d", i);
		restore(j, name, "old", "a.com", 1);
	}
	cr_assert_eq(bsim_jar_count(j), 500, "restore keeps every cookie, past the per-domain limit");
	restore(j, "c7", "new", "a.com", 1);
	restore(j, "c7", "domain", "a.com", 0);
	cr_assert_eq(bsim_jar_count(j), 501, "only the host-only flag differs: a second cookie");
	set(j, "https://a.com/", "c9=set");
	restore(j, "c9", "restored", "a.com", 1);
	restore(j, "c499", "new", "a.com", 1);
	char *header = NULL;
	cr_assert_eq(bsim_jar_cookie_header(&header, j, "https://a.com/", NULL), 0);
	cr_expect(strstr(header, "c7=new") && strstr(header, "c7=domain") && strstr(header, "c9=restored") &&
			  strstr(header, "c499=new"),
		  "got %.200s", header);
	cr_expect(!strstr(header, "c7=old") && !strstr(header, "c9=set") && !strstr(header, "c499=old"));
	free(header);
	bsim_jar_free(j);
}

/*
 * Firefox's content-process copy (preset process_cookie_copy, cookie/process.c):
 * what document.cookie reads after Set-Cookie overwrites and after page writes
 * the store refuses. Each row replays steps as a `bsim cookie` op file would
 * (every set and get a top-level navigation of one tab) and checks every
 * value read; the rows are the ESR 153.8 and Chromium 156 oracle runs.
 */
typedef struct copy_step {
	char op; /* s: Set-Cookie on a navigation, w: document.cookie write, g: Cookie header, r: document.cookie, c: close */
	const char *url;
	const char *arg; /* the header or string written, or the value a g or r must see */
} copy_step;

#define TS "https://www.testsite.com/"
#define TS_HTTP "http://www.testsite.com/"

static const struct copy_row {
	const char *name;
	bsim_engine engine;
	copy_step steps[12];
} copy_rows[] = {
	/* R3: a Set-Cookie overwrite keeps its place in Firefox's document.cookie (trace r03-set-cookie-overwrite-order). */
	{"firefox set-cookie overwrite keeps its place", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=1"}, {'s', TS, "b=1"}, {'s', TS, "a=2"}, {'r', TS, "a=2; b=1"}, {'g', TS, "a=2; b=1"}}},
	{"chromium set-cookie overwrite with a new value goes last", BSIM_ENGINE_CHROMIUM,
	 {{'s', TS, "a=1"}, {'s', TS, "b=1"}, {'s', TS, "a=2"}, {'r', TS, "b=1; a=2"}, {'g', TS, "b=1; a=2"}}},
	{"firefox page write goes last, a changing set-cookie puts it back", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=1"}, {'s', TS, "b=1"}, {'w', TS, "a=2"}, {'r', TS, "b=1; a=2"}, {'g', TS, "a=2; b=1"},
	  {'s', TS, "a=2"}, {'r', TS, "b=1; a=2"}, {'s', TS, "a=3"}, {'r', TS, "a=3; b=1"}}},
	{"firefox another site's page ends the page's order", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=1"}, {'s', TS, "b=1"}, {'w', TS, "a=2"}, {'r', TS, "b=1; a=2"}, {'g', "https://www.example.com/", ""},
	  {'r', TS, "a=2; b=1"}}},
	/* S4: a write over an HttpOnly cookie the page's process never heard of (trace s04-httponly-process-copy). */
	{"firefox write over an unannounced HttpOnly cookie reads back", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=h; HttpOnly"}, {'w', TS, "a=x"}, {'r', TS, "a=x"}, {'g', TS, "a=h"}, {'r', TS, "a=x"},
	  {'r', TS "other", "a=x"}, {'r', TS_HTTP, ""}, {'r', TS, ""}, {'g', TS, "a=h"}}},
	{"firefox HttpOnly cookie set while the site was open refuses the write", BSIM_ENGINE_FIREFOX,
	 {{'g', TS, ""}, {'s', TS, "a=h; HttpOnly"}, {'w', TS, "a=x"}, {'r', TS, ""}, {'g', TS, "a=h"}}},
	{"firefox a new process has not heard of the HttpOnly cookie", BSIM_ENGINE_FIREFOX,
	 {{'g', TS, ""}, {'s', TS, "a=h; HttpOnly"}, {'g', "https://www.example.com/", ""}, {'g', TS, "a=h"},
	  {'w', TS, "a=x"}, {'r', TS, "a=x"}}},
	{"firefox identical set-cookie keeps the copy, a changing one ends it", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=h; HttpOnly"}, {'w', TS, "a=x"}, {'s', TS, "a=h; HttpOnly"}, {'r', TS, "a=x"},
	  {'s', TS, "a=h2; HttpOnly"}, {'r', TS, ""}, {'w', TS, "a=y"}, {'r', TS, ""}, {'g', TS, "a=h2"}}},
	{"firefox the copy covers the site's other hosts and a page's delete removes it", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=h; HttpOnly; Domain=testsite.com"}, {'w', TS, "a=x; domain=testsite.com"},
	  {'r', "https://shop.testsite.com/", "a=x"}, {'s', "https://shop.testsite.com/", "z=1"},
	  {'r', "https://shop.testsite.com/", "a=x; z=1"}, {'w', "https://shop.testsite.com/", "a=; domain=testsite.com; max-age=0"},
	  {'r', "https://shop.testsite.com/", "z=1"}, {'g', "https://shop.testsite.com/", "a=h; z=1"}}},
	{"firefox closing the browser ends the copy", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=h; HttpOnly; Max-Age=600"}, {'w', TS, "a=x"}, {'r', TS, "a=x"}, {'c', NULL, NULL}, {'r', TS, ""},
	  {'g', TS, "a=h"}}},
	{"chromium write over HttpOnly reads back nowhere", BSIM_ENGINE_CHROMIUM,
	 {{'s', TS, "a=h; HttpOnly"}, {'w', TS, "a=x"}, {'r', TS, ""}, {'g', TS, "a=h"}}},
	/* S3: an http page's write over a Secure Domain cookie (trace s03-secure-domain-process-copy). */
	{"firefox http write over a Secure Domain cookie reads back on http", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=s; Secure; Domain=testsite.com"}, {'w', TS_HTTP, "a=x"}, {'r', TS_HTTP, "a=x"}, {'g', TS_HTTP, ""},
	  {'r', TS_HTTP, "a=x"}, {'r', TS, "a=s"}, {'r', TS_HTTP, ""}, {'w', TS_HTTP, "a=z; domain=testsite.com"},
	  {'r', TS_HTTP, ""}}},
	{"firefox host-only Secure cookie: the copy refuses too", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=s; Secure"}, {'w', TS_HTTP, "a=x"}, {'r', TS_HTTP, ""}, {'g', TS, "a=s"}}},
	{"firefox Set-Cookie over a Secure Domain cookie: nothing kept", BSIM_ENGINE_FIREFOX,
	 {{'s', TS, "a=s; Secure; Domain=testsite.com"}, {'s', TS_HTTP, "a=x"}, {'r', TS_HTTP, ""}, {'g', TS_HTTP, ""}}},
	{"chromium http write over a Secure Domain cookie reads back nowhere", BSIM_ENGINE_CHROMIUM,
	 {{'s', TS, "a=s; Secure; Domain=testsite.com"}, {'w', TS_HTTP, "a=x"}, {'r', TS_HTTP, ""}, {'g', TS, "a=s"}}},
};

Test(jar, r3_s3_s4_firefox_content_process_copy)
{
	for (size_t i = 0; i < sizeof copy_rows / sizeof copy_rows[0]; i++) {
		const struct copy_row *row = &copy_rows[i];
		bsim_jar *j = jar_for(row->engine);
		bsim_cookie_ctx nav = BSIM_COOKIE_CTX_NAVIGATE;
		for (size_t k = 0; k < sizeof row->steps / sizeof row->steps[0] && row->steps[k].op; k++) {
			const copy_step *st = &row->steps[k];
			char *got = NULL;
			int rc = 0;
			switch (st->op) {
			case 's': rc = bsim_jar_set_cookie(j, st->url, st->arg, strlen(st->arg), &nav); break;
			case 'w': rc = bsim_jar_script_set(j, st->url, st->arg, strlen(st->arg), &nav); break;
			case 'g': rc = bsim_jar_cookie_header(&got, j, st->url, &nav); break;
			case 'r': rc = bsim_jar_script_get(&got, j, st->url, &nav); break;
			case 'c': bsim_jar_end_session(j); break;
			}
			cr_assert_eq(rc, 0, "%s, step %zu: %s", row->name, k + 1, bsim_error_last()->message);
			if (got)
				cr_expect_str_eq(got, st->arg, "%s, step %zu (%c %s): \"%s\", want \"%s\"", row->name, k + 1,
						 st->op, st->url, got, st->arg);
			free(got);
		}
		bsim_jar_free(j);
	}
}

Test(jar, p1_t2_tab_in_the_final_path)
{
	/* Firefox CookieValidation eRejectedInvalidPath; Chromium refuses a TAB in any attribute value
	 * (trace p01-path-tab). The path is the final one: trimmed, or the default. */
	const struct { bsim_engine e; const char *header; bool stored; } rows[] = {
		{BSIM_ENGINE_FIREFOX, "a=1; Path=/a\tb", false},
		{BSIM_ENGINE_FIREFOX, "b=1; Path=\t/", true},
		{BSIM_ENGINE_FIREFOX, "c=1; Path=/\t", true},
		{BSIM_ENGINE_FIREFOX, "d=1; Path=x\ty", true},
		{BSIM_ENGINE_FIREFOX, "e=1\tf; Path=/", true},
		{BSIM_ENGINE_CHROMIUM, "a=1; Path=/a\tb", false},
		{BSIM_ENGINE_CHROMIUM, "b=1; Path=\t/", true},
		{BSIM_ENGINE_SAFARI, "a=1; Path=/a\tb", true},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		for (int by_script = 0; by_script < 2; by_script++) {
			bsim_jar *j = jar_for(rows[i].e);
			if (by_script)
				script(j, "https://www.testsite.com/", rows[i].header);
			else
				set(j, "https://www.testsite.com/", rows[i].header);
			cr_expect_eq(rec.stored, rows[i].stored ? 1 : 0, "row %zu (%s): %s", i, by_script ? "script" : "header",
				     rec.last_message);
			if (!rows[i].stored) {
				cr_expect_eq(rec.last_reason, BSIM_REASON_CONTROL_CHAR, "row %zu: %s", i, rec.last_message);
				if (rows[i].e == BSIM_ENGINE_FIREFOX)
					cr_expect(strstr(rec.last_message, "Path contains a tab") != NULL, "row %zu: %s", i,
						  rec.last_message);
			}
			bsim_jar_free(j);
		}
	}
}

Test(jar, restore_names_a_bad_domain_once)
{
	/* The inner message was passed back into the formatter that overwrote it: it came out doubled and cut. */
	bsim_jar *j = jar_for(BSIM_ENGINE_FIREFOX);
	bsim_cookie_view v = {.name = "a", .value = "b", .domain = "::1", .path = "/", .host_only = 1};
	cr_assert_eq(bsim_jar_restore(j, &v), BSIM_EINVAL);
	const char *m = bsim_error_last()->message;
	const char *head = "cookie a: domain \"::1\" is not a host name: ";
	cr_expect_eq(strncmp(m, head, strlen(head)), 0, "%s", m);
	cr_expect_null(strstr(m + strlen(head), "is not a host name"), "%s", m);
	cr_expect(strstr(m, "[::1]") != NULL, "the inner advice survives whole: %s", m);
	bsim_jar_free(j);
}

/* ---- cookie/jar_call.h: the jar as the browser calls it, parsed URLs and an actor ---- */

#define ACTOR_LOG_MAX 512

typedef struct actor_log {
	int actor[ACTOR_LOG_MAX];
	bsim_cookie_event_kind kind[ACTOR_LOG_MAX];
	size_t n;
} actor_log;

static void on_actor(const bsim_cookie_event *ev, int actor, void *ud)
{
	actor_log *l = ud;
	if (l->n < ACTOR_LOG_MAX) {
		l->actor[l->n] = actor;
		l->kind[l->n] = ev->kind;
		l->n++;
	}
}

static size_t actor_count(const actor_log *l, int actor, bsim_cookie_event_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += l->actor[i] == actor && l->kind[i] == kind;
	return n;
}

static url *parsed(const char *text)
{
	url *u = NULL;
	cr_assert_eq(url_parse(&u, text), 0, "%s: %s", text, bsim_error_last()->message);
	return u;
}

Test(jar, call_events_carry_the_actor_of_the_call_that_caused_them)
{
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	actor_log log = {0};
	jar_set_actor_observer(j, on_actor, &log);
	fill(j, "https://www.shop.com/", "h", 180, "; Max-Age=60");
	cr_assert_eq(actor_count(&log, JAR_NO_ACTOR, BSIM_COOKIE_STORED), 180, "public calls have no actor");
	url *u = parsed("https://www.shop.com/");
	jar_call call = JAR_CALL_NAVIGATE(7);
	static const char *const headers[] = {"last=1", "x=1; Domain=github.io", "last=2"};
	for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++)
		cr_assert_eq(jar_set_cookie(j, u, headers[i], strlen(headers[i]), &call), 0, "%s", bsim_error_last()->message);
	/* L2: the 181st cookie purges to 150: the evictions are the call's doing. */
	cr_assert_eq(actor_count(&log, 7, BSIM_COOKIE_STORED), 1);
	cr_assert_eq(actor_count(&log, 7, BSIM_COOKIE_EVICTED), 31);
	cr_assert_eq(actor_count(&log, 7, BSIM_COOKIE_REFUSED), 1);
	cr_assert_eq(actor_count(&log, 7, BSIM_COOKIE_REPLACED), 1);
	cr_assert_eq(rec.evicted, 31, "the public observer is told too");
	/* Expiry on the clock is nobody's call. */
	bsim_jar_set_time(j, T0 + 61 * SEC);
	bsim_jar_expire(j);
	cr_assert_eq(actor_count(&log, JAR_NO_ACTOR, BSIM_COOKIE_EXPIRED), 149);
	cr_assert_eq(bsim_jar_count(j), 1);
	url_free(u);
	bsim_jar_free(j);
}

Test(jar, call_on_a_parsed_url_answers_as_the_call_on_its_text)
{
	static const struct {
		const char *url, *top; /* top NULL: first party */
		int top_level;
	} rows[] = {
		{"https://www.shop.com/cart/x", NULL, 1},
		{"https://www.shop.com/", "https://www.shop.com/", 0},
		{"https://www.shop.com/", "https://other.org/", 1},
		{"https://www.shop.com/", "https://other.org/", 0},
		{"http://www.shop.com/cart/", NULL, 1},
	};
	bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
	set(j, "https://www.shop.com/", "a=1; SameSite=None; Secure");
	set(j, "https://www.shop.com/", "b=2");
	set(j, "https://www.shop.com/cart/", "c=3; SameSite=Strict");
	set(j, "https://www.shop.com/", "d=4; HttpOnly");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		url *u = parsed(rows[i].url), *top = rows[i].top ? parsed(rows[i].top) : NULL;
		bsim_cookie_ctx ctx = {rows[i].top, rows[i].top_level, 0};
		jar_call call = {top, rows[i].top_level != 0, false, 3};
		char *want = NULL, *got = NULL;
		cr_assert_eq(bsim_jar_cookie_header(&want, j, rows[i].url, &ctx), 0);
		cr_assert_eq(jar_cookie_header(&got, j, u, &call), 0);
		cr_expect_str_eq(got, want, "header, row %zu", i);
		free(want);
		free(got);
		cr_assert_eq(bsim_jar_script_get(&want, j, rows[i].url, &ctx), 0);
		cr_assert_eq(jar_script_get(&got, j, u, &call), 0);
		cr_expect_str_eq(got, want, "document.cookie, row %zu", i);
		free(want);
		free(got);
		url_free(u);
		url_free(top);
	}
	bsim_jar_free(j);
}

/*
 * A write of exactly the stored cookie is no state change (store.c,
 * cookie_same_state): its outcome is "unchanged", the creation order kept;
 * any difference in value, lifetime, Secure, HttpOnly or SameSite is a
 * replacement.
 */
Test(jar, a_rewrite_of_the_same_cookie_is_unchanged_and_a_change_replaces)
{
	static const struct {
		const char *second;
		int replaced;
	} rows[] = {
		{"a=1; Path=/", 0},
		{"a=2; Path=/", 1},
		{"a=1; Path=/; Secure", 1},
		{"a=1; Path=/; HttpOnly", 1},
		{"a=1; Path=/; SameSite=Strict", 1},
		{"a=1; Path=/; Max-Age=600", 1},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		bsim_jar *j = jar_for(BSIM_ENGINE_CHROMIUM);
		set(j, "https://www.shop.com/", "a=1; Path=/");
		set(j, "https://www.shop.com/", "b=1; Path=/");
		set(j, "https://www.shop.com/", rows[i].second);
		cr_expect_eq(rec.stored, 2, "%s: stored %d", rows[i].second, rec.stored);
		cr_expect_eq(rec.replaced, rows[i].replaced, "%s: replaced %d, want %d", rows[i].second, rec.replaced,
			     rows[i].replaced);
		cr_expect_eq(rec.unchanged, !rows[i].replaced, "%s: unchanged %d", rows[i].second, rec.unchanged);
		/* a keeps its place before b while its value stays (Chromium keeps the creation time then, R3). */
		expect_header(j, "https://www.shop.com/", strncmp(rows[i].second, "a=2", 3) == 0 ? "b=1; a=2" : "a=1; b=1");
		bsim_jar_free(j);
	}
}
