/*
 * test_psl.c: public suffixes and registrable domains (net/psl.h) with
 * Debian's publicsuffix list, against browser-rules.md §2 (D4-D11) and the
 * hosts pinned with real Chromium and Firefox in §14; and the list's
 * failing-closed path. Criterion runs each test in its own process, so a
 * test that sets BSIM_PSL_FILE before the first psl_open sees its own list.
 */
#include <criterion/criterion.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsim/error.h"
#include "net/host.h"
#include "net/psl.h"
#include "net/url.h"

Test(psl, debian_list_loads)
{
	cr_assert_eq(psl_open(), 0, "%s", bsim_error_last()->message);
	/* A second call only reports the outcome. */
	cr_assert_eq(psl_open(), 0);
}

typedef struct suffix_case {
	const char *rule;
	const char *host;
	bool suffix;
	const char *registrable;  /* NULL: none */
} suffix_case;

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

/* Twice: the second round is answered from the per-thread memo and must agree. */
static void expect_suffixes(const suffix_case *cases, size_t n)
{
	cr_assert_eq(psl_open(), 0, "%s", bsim_error_last()->message);
	for (size_t k = 0; k < 2 * n; k++) {
		const suffix_case *c = &cases[k % n];
		char reg[HOST_NAME_MAX_LEN + 2];
		cr_expect_eq(psl_is_public_suffix(c->host), c->suffix, "%s: psl_is_public_suffix(\"%s\")",
			c->rule, c->host);
		bool has = psl_registrable_domain(c->host, reg, sizeof reg);
		if (c->registrable) {
			cr_expect(has, "%s: \"%s\" should have registrable domain %s", c->rule, c->host,
				c->registrable);
			if (has)
				cr_expect_str_eq(reg, c->registrable, "%s", c->rule);
		} else {
			cr_expect_not(has, "%s: \"%s\" should have no registrable domain, got \"%s\"", c->rule,
				c->host, reg);
			cr_expect_str_eq(reg, "", "%s: out must be empty when there is none", c->rule);
		}
	}
}

Test(psl, d4_icann_and_private_sections_both_count)
{
	static const suffix_case cases[] = {
		{"co.uk is a public suffix", "co.uk", true, NULL},
		{"uk is a public suffix", "uk", true, NULL},
		{"shop.co.uk is registrable", "shop.co.uk", false, "shop.co.uk"},
		{"www.shop.co.uk belongs to shop.co.uk", "www.shop.co.uk", false, "shop.co.uk"},
		{"github.io is a public suffix (private section)", "github.io", true, NULL},
		{"foo.github.io is its own registrable domain", "foo.github.io", false, "foo.github.io"},
		{"shop.example.github.io belongs to example.github.io", "shop.example.github.io", false,
		 "example.github.io"},
		{"com is a public suffix", "com", true, NULL},
		{"www.shop.com belongs to shop.com", "www.shop.com", false, "shop.com"},
		{"wildcard rule makes kawasaki.jp labels suffixes", "kawasaki.jp", true, NULL},
		{"wildcard rule: a.b.kawasaki.jp belongs to a.b.kawasaki.jp", "a.b.kawasaki.jp", false,
		 "a.b.kawasaki.jp"},
		{"exception rule: city.kawasaki.jp is registrable", "city.kawasaki.jp", false, "city.kawasaki.jp"},
		{"a-label domain is registrable (d12)", "www.xn--bcher-kva.de", false, "xn--bcher-kva.de"},
	};
	expect_suffixes(cases, COUNT(cases));
}

Test(psl, d6_unknown_tld_is_a_public_suffix_by_the_default_rule)
{
	static const suffix_case cases[] = {
		{"test is a public suffix", "test", true, NULL},
		{"shop.test is registrable", "shop.test", false, "shop.test"},
		{"www.shop.test belongs to shop.test", "www.shop.test", false, "shop.test"},
		{"internal is a public suffix", "internal", true, NULL},
		{"app.corp.internal belongs to corp.internal", "app.corp.internal", false, "corp.internal"},
	};
	expect_suffixes(cases, COUNT(cases));
}

Test(psl, d7_d8_localhost_is_an_unknown_registry)
{
	static const suffix_case cases[] = {
		{"localhost is a public suffix", "localhost", true, NULL},
		{"localhost. is a public suffix", "localhost.", true, NULL},
		{"app.localhost is its own registrable domain", "app.localhost", false, "app.localhost"},
		{"a.b.localhost belongs to b.localhost", "a.b.localhost", false, "b.localhost"},
	};
	expect_suffixes(cases, COUNT(cases));
}

Test(psl, s14_localhost_com_and_example_co_uk_as_pinned_in_browsers)
{
	static const suffix_case cases[] = {
		{"localhost.com is an ordinary domain", "localhost.com", false, "localhost.com"},
		{"www.localhost.com belongs to localhost.com", "www.localhost.com", false, "localhost.com"},
		{"shop.example.co.uk belongs to example.co.uk", "shop.example.co.uk", false, "example.co.uk"},
		{"www.testsite.com belongs to testsite.com", "www.testsite.com", false, "testsite.com"},
	};
	expect_suffixes(cases, COUNT(cases));
}

Test(psl, d9_ip_literals_are_neither_suffix_nor_registrable)
{
	/* libpsl alone would call 127.0.0.1's "0.1" registrable and [::1] a suffix. */
	static const suffix_case cases[] = {
		{"ipv4 loopback", "127.0.0.1", false, NULL},
		{"ipv4 private", "192.168.1.1", false, NULL},
		{"ipv6 loopback", "[::1]", false, NULL},
		{"ipv6 mapped", "[::ffff:7f00:1]", false, NULL},
	};
	expect_suffixes(cases, COUNT(cases));
}

Test(psl, d10_single_label_is_a_suffix_with_nothing_registrable)
{
	static const suffix_case cases[] = {
		{"intranet is a public suffix", "intranet", true, NULL},
		{"intranet. is a public suffix", "intranet.", true, NULL},
		{"app.intranet is registrable", "app.intranet", false, "app.intranet"},
	};
	expect_suffixes(cases, COUNT(cases));
}

Test(psl, d11_trailing_dot_ignored_for_lookup_and_kept_on_result)
{
	static const suffix_case cases[] = {
		{"trailing dot kept on the registrable domain", "www.shop.com.", false, "shop.com."},
		{"trailing dot with a two-label suffix", "www.shop.co.uk.", false, "shop.co.uk."},
		{"co.uk. is still a public suffix", "co.uk.", true, NULL},
		{"github.io. is still a public suffix", "github.io.", true, NULL},
		{"host ending in two dots has no registrable domain", "www.shop.com..", false, NULL},
		{"empty label inside has no registrable domain", "a..shop.com", false, NULL},
		{"leading dot has no registrable domain", ".shop.com", false, NULL},
		{"empty host is neither", "", false, NULL},
	};
	expect_suffixes(cases, COUNT(cases));
}

Test(psl, d4_github_io_is_a_public_suffix_private_section)
{
	cr_expect(psl_is_public_suffix("github.io"));
	char reg[HOST_NAME_MAX_LEN + 2];
	cr_assert(psl_registrable_domain("foo.github.io", reg, sizeof reg));
	cr_expect_str_eq(reg, "foo.github.io");
}

Test(psl, registrable_domain_that_does_not_fit_is_refused)
{
	char small[8];
	cr_expect_not(psl_registrable_domain("www.shop.co.uk", small, sizeof small));
	cr_expect_str_eq(small, "");
	char exact[sizeof "shop.co.uk"];
	cr_expect(psl_registrable_domain("www.shop.co.uk", exact, sizeof exact));
	cr_expect_str_eq(exact, "shop.co.uk");
	cr_expect_not(psl_registrable_domain("www.shop.co.uk", NULL, 0));
}

Test(psl, uppercase_input_is_looked_up_lowercased)
{
	char reg[HOST_NAME_MAX_LEN + 2];
	cr_expect(psl_is_public_suffix("CO.UK"));
	cr_assert(psl_registrable_domain("WWW.Shop.CO.UK", reg, sizeof reg));
	cr_expect_str_eq(reg, "shop.co.uk");
}

Test(psl, psl_functions_load_the_list_on_first_use)
{
	/* No psl_open first: the jar may ask before anyone opened the list. */
	cr_expect(psl_is_public_suffix("co.uk"));
	cr_expect_not(psl_is_public_suffix("shop.co.uk"));
}

Test(psl, missing_list_file_fails_closed)
{
	const char *missing = "/nonexistent/bsim-test/public_suffix_list.dat";
	cr_assert_eq(setenv("BSIM_PSL_FILE", missing, 1), 0);
	cr_assert_eq(psl_open(), BSIM_ERROR);
	const char *m = bsim_error_last()->message;
	cr_expect(strstr(m, missing) != NULL, "message should name the file: %s", m);
	cr_expect(strstr(m, "publicsuffix") != NULL, "message should name the Debian package: %s", m);
	cr_expect(strstr(m, "No such file") != NULL, "message should say why: %s", m);
	/* Every later call fails the same way. */
	cr_expect_eq(psl_open(), BSIM_ERROR);
	/* Fail closed: every name is a suffix and none has a registrable domain. */
	cr_expect(psl_is_public_suffix("shop.com"));
	cr_expect(psl_is_public_suffix("www.shop.co.uk"));
	char reg[HOST_NAME_MAX_LEN + 2] = "stale";
	cr_expect_not(psl_registrable_domain("www.shop.com", reg, sizeof reg));
	cr_expect_str_eq(reg, "");
	/* IP literals stay what they are. */
	cr_expect_not(psl_is_public_suffix("127.0.0.1"));
}

Test(psl, missing_list_file_makes_url_parse_fail)
{
	cr_assert_eq(setenv("BSIM_PSL_FILE", "/nonexistent/bsim-test/list.dafsa", 1), 0);
	url *u = NULL;
	cr_expect_eq(url_parse(&u, "https://www.shop.com/"), BSIM_ERROR);
	cr_expect_null(u);
	cr_expect(strstr(bsim_error_last()->message, "/nonexistent/bsim-test/list.dafsa") != NULL, "%s",
		bsim_error_last()->message);
	/* URLs that need no list still parse: an IP host and a file. */
	cr_expect_eq(url_parse(&u, "http://127.0.0.1:8080/"), 0, "%s", bsim_error_last()->message);
	url_free(u);
	u = NULL;
	cr_expect_eq(url_parse(&u, "file:///tmp/x.html"), 0, "%s", bsim_error_last()->message);
	url_free(u);
}

Test(psl, bsim_psl_file_names_the_list_to_load)
{
	/* A list of our own: proves the file named is the one used, not Debian's. */
	char path[] = "/tmp/bsim-psl-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	cr_assert_not_null(f);
	fputs("// ===BEGIN ICANN DOMAINS===\ncom\nbsim-suffix.test\n// ===END ICANN DOMAINS===\n", f);
	fclose(f);
	cr_assert_eq(setenv("BSIM_PSL_FILE", path, 1), 0);
	int rc = psl_open();
	unlink(path);
	cr_assert_eq(rc, 0, "%s", bsim_error_last()->message);
	cr_expect(psl_is_public_suffix("bsim-suffix.test"));
	char reg[HOST_NAME_MAX_LEN + 2];
	cr_assert(psl_registrable_domain("www.shop.bsim-suffix.test", reg, sizeof reg));
	cr_expect_str_eq(reg, "shop.bsim-suffix.test");
	/* Not in this list, so only the "*" rule applies: uk is a suffix, co.uk is not. */
	cr_expect_not(psl_is_public_suffix("co.uk"));
	cr_expect_not(psl_is_public_suffix("github.io"));
}

/*
 * bsim walks a host's label suffixes itself, remembering each answer, to
 * find its registrable domain (psl.c, registrable_offset). It must agree
 * with libpsl's own walk (psl_unregistrable_domain) for every rule of the
 * list: each rule, a name one and two labels under it (a wildcard's '*'
 * and an exception's '!' made a label), asked in the list's order so the
 * memo holds the shorter names when the longer come, then the list again
 * backwards, when it holds the longer.
 */
static void expect_libpsl_walk(psl_ctx_t *ctx, const char *host)
{
	char reg[HOST_NAME_MAX_LEN + 2];
	bool has = psl_registrable_domain(host, reg, sizeof reg);
	const char *suffix = psl_unregistrable_domain(ctx, host);
	bool want = suffix && suffix != host && suffix[-1] == '.' && !strstr(host, "..") && host[0] != '.';
	if (!want) {
		cr_expect_not(has, "\"%s\": libpsl's suffix \"%s\" leaves no registrable domain, bsim says \"%s\"", host,
			      suffix ? suffix : "(none)", reg);
		return;
	}
	const char *start = suffix - 1;
	while (start > host && start[-1] != '.')
		start--;
	cr_expect(has, "\"%s\": libpsl's registrable domain is \"%s\", bsim has none", host, start);
	if (has)
		cr_expect_str_eq(reg, start, "\"%s\"", host);
}

Test(psl, registrable_walk_agrees_with_libpsl_for_every_rule_of_the_list)
{
	const char *file = psl_dist_filename();
	FILE *f = file && *file ? fopen(file, "r") : NULL;
	if (!f)
		cr_skip_test("Debian's public suffix list (%s) is not installed: apt-get install publicsuffix", file ? file : "?");
	/* The list psl.c loads by default (no BSIM_PSL_FILE), through libpsl directly. */
	psl_ctx_t *ctx = psl_latest(NULL);
	cr_assert_not_null(ctx);
	cr_assert_eq(psl_open(), 0, "%s", bsim_error_last()->message);
	/* The .dat beside the .dafsa libpsl reads: the rules as text. */
	char dat[512];
	snprintf(dat, sizeof dat, "%s", file);
	char *ext = strstr(dat, ".dafsa");
	if (ext)
		snprintf(ext, sizeof dat - (size_t)(ext - dat), ".dat");
	fclose(f);
	f = fopen(dat, "r");
	if (!f)
		cr_skip_test("the list's text form %s is missing", dat);
	/* Each ASCII rule (bsim's hosts are IDNA'd and lowercase), with a wildcard's '*' made a label. */
	static char rules[20000][128];
	size_t n = 0;
	char line[512];
	while (n < sizeof rules / sizeof rules[0] && fgets(line, sizeof line, f)) {
		line[strcspn(line, " \t\r\n")] = '\0';
		if (!line[0] || (line[0] == '/' && line[1] == '/'))
			continue;
		const char *rule = line[0] == '!' ? line + 1 : line;
		bool ascii = strlen(rule) < sizeof rules[0];
		for (const char *p = rule; *p && ascii; p++)
			ascii = (unsigned char)*p < 0x80;
		if (!ascii)
			continue;
		memcpy(rules[n], rule, strlen(rule) + 1);
		if (rules[n][0] == '*')
			rules[n][0] = 'w';  /* *.kawasaki.jp: w.kawasaki.jp */
		n++;
	}
	fclose(f);
	cr_assert_gt(n, 5000, "only %zu rules read from %s", n, dat);
	static const char *const under[] = {"", "a.", "b.a."};
	char host[160];
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 3; k++) {
			snprintf(host, sizeof host, "%s%s", under[k], rules[i]);
			expect_libpsl_walk(ctx, host);
		}
	for (size_t i = n; i-- > 0;)
		for (int k = 3; k-- > 0;) {
			snprintf(host, sizeof host, "%s%s", under[k], rules[i]);
			expect_libpsl_walk(ctx, host);
		}
	/* Deep names (libpsl once cut the walk at eight labels) and the forgot.his.name shape. */
	static const char *const more[] = {
		"a.b.c.d.e.f.g.h.i.j.k.shop.co.uk", "x.y.z.w.kawasaki.jp", "www.city.kawasaki.jp", "forgot.his.name",
		"x.forgot.his.name", "his.name", "a.b.github.io", "www.ck", "x.www.ck", "shop.test", "a.localhost",
	};
	for (size_t i = 0; i < sizeof more / sizeof *more; i++)
		expect_libpsl_walk(ctx, more[i]);
	psl_free(ctx);
}
