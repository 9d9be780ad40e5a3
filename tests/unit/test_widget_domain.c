/*
 * test_widget_domain.c: the cookie Domain the widget derives from
 * location.href (sim/widgets/domain.c), per version, against every example
 * of widget-behaviour.md A.2 and H and the cases support engineers meet:
 * test hosts, IP addresses, hosting platforms, ports, user info, trailing
 * dots, case, and the second-level table's quirks. Also the version presets.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/error.h"
#include "widgets/domain.h"
#include "widgets/version.h"

#define V18 "9.0.018.07"
#define V05 "9.0.005.00"
#define V85 "8.5"
#define HOST_ONLY NULL

typedef struct domain_case {
	const char *version;
	const char *href;
	const char *want; /* the Domain attribute value, or HOST_ONLY */
} domain_case;

static const domain_case cases[] = {
	/* H's example table (hrefs as the browser gives them). */
	{V18, "https://www.testsite.com/", ".testsite.com"},
	{V18, "https://store.testsite.com/", ".testsite.com"},
	{V18, "http://localhost/", HOST_ONLY},
	{V18, "http://localhost.com/", ".localhost.com"},
	{V18, "http://127.0.0.1/", HOST_ONLY},
	{V18, "http://[::1]/", HOST_ONLY},
	{V18, "http://intranet/", HOST_ONLY},
	{V18, "https://www.example.co.uk/", ".example.co.uk"},
	{V18, "https://example.co.uk/", ".example.co.uk"},
	{V18, "https://foo.github.io/", ".github.io"},
	{V18, "https://www.nhs.uk/", ".www.nhs.uk"},
	{V18, "https://a.b.c.example.org/", ".example.org"},
	{V18, "https://www.testsite.com./", ".com."},
	{V18, "https://xn--bcher-kva.example/", ".xn--bcher-kva.example"},
	/* Upper case: location.href is lowercased by the browser; a raw string is not. */
	{V18, "https://www.testsite.com/", ".testsite.com"},
	{V18, "https://WWW.TestSite.COM/", ".TestSite.COM"},
	{V18, "https://WWW.EXAMPLE.CO.UK/", ".CO.UK"},
	{V18, "https://www.example.co.uk/", ".example.co.uk"},
	/* A.2's run of the extracted code. */
	{V18, "https://shop.example.co.uk/", ".example.co.uk"},
	{V18, "file:///", HOST_ONLY},
	{V18, "file:///home/qa/chat.html", HOST_ONLY},
	{V18, "https://x.vercel.app/", ".vercel.app"},
	{V18, "https://www.example.kyoto.jp/", ".kyoto.jp"},
	{V18, "https://digital.nhs.uk/", ".digital.nhs.uk"},
	/* Hosting platforms: the widget's table does not know them (A.3). */
	{V18, "https://myshop.azurewebsites.net/", ".azurewebsites.net"},
	{V18, "https://a.b.azurewebsites.net/chat", ".azurewebsites.net"},
	{V18, "https://azurewebsites.net/", ".azurewebsites.net"},
	{V18, "https://shop.example.github.io/", ".github.io"},
	/* Ports, user info, query and fragment. */
	{V18, "https://www.testsite.com:8443/cart", ".testsite.com"},
	{V18, "https://user:secret@www.testsite.com/", ".testsite.com"},
	{V18, "https://a@b@www.testsite.com:1/", ".testsite.com"},
	{V18, "https://www.testsite.com?next=/a.b.example.org", ".testsite.com"},
	{V18, "https://www.testsite.com/#x@evil.example.org", ".testsite.com"},
	{V18, "http://localhost:8080/chat", HOST_ONLY},
	{V18, "http://intranet:8080/", HOST_ONLY},
	/* IP addresses, with and without ports. */
	{V18, "http://127.0.0.1:8080/", HOST_ONLY},
	{V18, "http://192.168.1.10/chat", HOST_ONLY},
	{V18, "http://[::1]:8080/", HOST_ONLY},
	{V18, "http://[2001:db8::1]:8443/x", HOST_ONLY},
	{V18, "http://[::ffff:7f00:1]/", HOST_ONLY},
	/* Trailing dots. */
	{V18, "http://localhost./", ".localhost."},
	{V18, "https://www.example.co.uk./", ".uk."},
	/* Not hierarchical: no host at all. */
	{V18, "about:blank", HOST_ONLY},
	{V18, "mailto:qa@testsite.com", HOST_ONLY},
	/* The " label " test: the first label of the com, net, org and de rows never matches. */
	{V18, "https://shop.ar.com/", ".ar.com"},
	{V18, "https://shop.gb.net/", ".gb.net"},
	{V18, "https://shop.ae.org/", ".ae.org"},
	{V18, "https://shop.com.de/", ".com.de"},
	{V18, "https://shop.br.com/", ".shop.br.com"},
	{V18, "https://shop.uk.net/", ".shop.uk.net"},
	{V18, "https://shop.jp.net/", ".shop.jp.net"},
	/* 9.0.005.00: URI.js 1.17.0 has no com, net, org or de rows. */
	{V05, "https://shop.br.com/", ".br.com"},
	{V05, "https://shop.uk.net/", ".uk.net"},
	{V05, "https://shop.ar.com/", ".ar.com"},
	{V05, "https://www.example.co.uk/", ".example.co.uk"},
	{V05, "https://www.nhs.uk/", ".www.nhs.uk"},
	{V05, "https://www.testsite.com/", ".testsite.com"},
	{V05, "http://localhost/", HOST_ONLY},
	{V05, "http://127.0.0.1/", HOST_ONLY},
	{V05, "https://foo.github.io/", ".github.io"},
	/* 8.5: always "." + the derived domain (A.4). */
	{V85, "https://www.testsite.com/", ".testsite.com"},
	{V85, "http://localhost/", ".localhost"},
	{V85, "http://localhost:8080/", ".localhost"},
	{V85, "http://intranet/", ".intranet"},
	{V85, "http://127.0.0.1/", "."},
	{V85, "http://[::1]:8080/", "."},
	{V85, "file:///", "."},
	{V85, "http://localhost.com/", ".localhost.com"},
	{V85, "https://www.example.co.uk/", ".example.co.uk"},
	{V85, "https://shop.br.com/", ".br.com"},
};

Test(widget_domain, every_example_per_version)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const domain_case *c = &cases[i];
		const widget_version *v = widget_version_find(c->version);
		cr_assert_not_null(v, "no version %s", c->version);
		char *got = (char *)"unset";
		int rc = widget_cookie_domain(&got, c->href, v);
		cr_expect_eq(rc, 0, "%s %s: %s", c->version, c->href, bsim_error_last()->message);
		if (rc < 0)
			continue;
		if (!c->want)
			cr_expect_null(got, "%s %s: got Domain=%s, want host-only", c->version, c->href, got);
		else if (!got)
			cr_expect_fail("%s %s: got host-only, want Domain=%s", c->version, c->href, c->want);
		else
			cr_expect_str_eq(got, c->want, "%s %s: got Domain=%s, want %s", c->version, c->href, got, c->want);
		free(got);
	}
}

typedef struct host_case {
	const char *href;
	const char *host;
} host_case;

Test(widget_domain, hostname_as_uri_js_parses_it)
{
	static const host_case hosts[] = {
		{"https://www.testsite.com/", "www.testsite.com"},
		{"https://u:p@WWW.Shop.COM.:8080/x?y#z", "WWW.Shop.COM."},
		{"http://[::1]:8080/", "::1"},
		{"file:///tmp/x.html", ""},
		{"about:blank", ""},
		{"//cdn.testsite.com/widgets.min.js", "cdn.testsite.com"},
		{"https:\\\\www.testsite.com\\cart", "www.testsite.com"},
		{"  https://www.testsite.com/", "www.testsite.com"},
		{"https://www.testsite.com", "www.testsite.com"},
		{"https://", ""},
	};
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		char *got = NULL;
		cr_expect_eq(widget_uri_hostname(&got, hosts[i].href), 0);
		cr_expect_str_eq(got ? got : "(null)", hosts[i].host, "%s", hosts[i].href);
		free(got);
	}
}

Test(widget_domain, sld_lookup_is_exact_case_and_space_delimited)
{
	size_t at = 0;
	cr_expect(widget_sld_get("example.co.uk", 13, WIDGET_SLD_URIJS_1_19_11, &at));
	cr_expect_eq(at, 8);
	cr_expect_not(widget_sld_get("co.uk", 5, WIDGET_SLD_URIJS_1_19_11, NULL), "needs a label before");
	cr_expect_not(widget_sld_get("EXAMPLE.CO.UK", 13, WIDGET_SLD_URIJS_1_19_11, NULL), "rows are found in exact case");
	cr_expect_not(widget_sld_get("x.ar.com", 8, WIDGET_SLD_URIJS_1_19_11, NULL), "first label, no leading space");
	cr_expect(widget_sld_get("x.br.com", 8, WIDGET_SLD_URIJS_1_19_11, NULL));
	cr_expect_not(widget_sld_get("x.br.com", 8, WIDGET_SLD_URIJS_1_17_0, NULL), "1.17.0 has no com row");
	cr_expect(widget_sld_get("x.co.uk", 7, WIDGET_SLD_URIJS_1_17_0, NULL));
	cr_expect_not(widget_sld_get("x..uk", 5, WIDGET_SLD_URIJS_1_19_11, NULL), "an empty label");
	cr_expect_not(widget_sld_get("x.co.uk.", 8, WIDGET_SLD_URIJS_1_19_11, NULL), "a trailing dot");
	cr_expect_not(widget_sld_get("", 0, WIDGET_SLD_URIJS_1_19_11, NULL));
}

Test(widget_domain, an_overlong_href_is_refused_by_name)
{
	size_t n = WIDGET_HREF_MAX_LEN + 100;
	char *href = malloc(n + 1);
	memcpy(href, "https://", 8);
	memset(href + 8, 'a', n - 8);
	href[n] = '\0';
	char *got = NULL;
	cr_assert_eq(widget_cookie_domain(&got, href, NULL), BSIM_ELIMIT);
	cr_assert_null(got);
	cr_assert(strstr(bsim_error_last()->message, "WIDGET_HREF_MAX_LEN"), "%s", bsim_error_last()->message);
	free(href);
}

Test(widget_version, presets)
{
	cr_assert_eq(widget_version_count(), 3);
	const widget_version *d = widget_version_default();
	cr_assert_str_eq(d->name, V18);
	cr_assert_eq(widget_version_at(0), d, "the default comes first");
	cr_assert_null(widget_version_at(3));
	cr_assert_null(widget_version_find("9.0.018"), "names match exactly");
	cr_assert_null(widget_version_find(NULL));
	/* B.6, A.4. */
	cr_assert_str_eq(d->samesite, "strict");
	cr_assert(d->cookie_options);
	cr_assert_not(d->always_dot_domain);
	cr_assert_eq(d->sld, WIDGET_SLD_URIJS_1_19_11);
	const widget_version *v05 = widget_version_find(V05);
	cr_assert_null(v05->samesite);
	cr_assert_not(v05->cookie_options);
	cr_assert_eq(v05->sld, WIDGET_SLD_URIJS_1_17_0);
	const widget_version *v85 = widget_version_find(V85);
	cr_assert(v85->always_dot_domain);
	cr_assert_null(v85->samesite);
	for (size_t i = 0; i < widget_version_count(); i++) {
		cr_expect_not_null(widget_version_at(i)->source);
		cr_expect(strstr(widget_version_names(), widget_version_at(i)->name));
	}
}

/*
 * Hostile hrefs: strings built from the bytes the parser branches on, from
 * a fixed seed so a failure repeats. Every call must answer 0 with a Domain
 * that starts with a dot and has no byte the input lacked, or host-only; the
 * sanitizer build checks that no read leaves the string.
 */
Test(widget_domain, hostile_hrefs_never_break_the_parser)
{
	static const char alphabet[] = "ab.:/\\@[]?#% \t\x01\xff" "0123456789";
	static const char *const starts[] = {"", "https://", "http:", "//", "file://", ":", "HTTP:\\\\", "x:"};
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	char href[64];
	for (int i = 0; i < 20000; i++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		const char *start = starts[s % (sizeof starts / sizeof starts[0])];
		size_t n = strlen(start);
		memcpy(href, start, n);
		size_t len = n + (s >> 8) % (sizeof href - n - 1);
		for (size_t k = n; k < len; k++) {
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			href[k] = alphabet[s % (sizeof alphabet - 1)];
		}
		href[len] = '\0';
		for (size_t v = 0; v < widget_version_count(); v++) {
			char *got = NULL;
			int rc = widget_cookie_domain(&got, href, widget_version_at(v));
			cr_assert_eq(rc, 0, "\"%s\": %d %s", href, rc, bsim_error_last()->message);
			if (got) {
				cr_assert_eq(got[0], '.', "\"%s\" gave \"%s\"", href, got);
				for (const char *p = got + 1; *p; p++)
					cr_assert(strchr(href, *p), "\"%s\" gave \"%s\"", href, got);
			}
			free(got);
		}
	}
}
