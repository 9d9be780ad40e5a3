/*
 * test_host.c: host canonicalization and host kinds (net/host.h), the
 * ground every cookie Domain rule stands on (browser-rules.md §2).
 * Expected values are what the WHATWG URL host parser (and so Chromium and
 * Firefox) produce for the same input.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/error.h"
#include "net/host.h"
#include "support.h"

typedef struct canon_case {
	const char *rule;
	const char *raw;
	const char *canonical;
} canon_case;

#define COUNT(a) (sizeof (a) / sizeof (a)[0])

static void expect_canonical(const canon_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const canon_case *c = &cases[i];
		char *out = NULL;
		int rc = host_canonicalize(&out, c->raw, strlen(c->raw));
		cr_expect_eq(rc, 0, "%s: host_canonicalize(\"%s\") failed: %s", c->rule, c->raw,
			bsim_error_last()->message);
		if (rc == 0)
			cr_expect_str_eq(out, c->canonical, "%s: \"%s\"", c->rule, c->raw);
		free(out);
	}
}

/* D13: the URL parser lowercases hosts; plain ASCII names are otherwise kept. */
static const canon_case case_cases[] = {
	{"plain lowercase name is kept", "www.shop.com", "www.shop.com"},
	{"uppercase is lowercased", "WWW.Shop.COM", "www.shop.com"},
	{"localhost in capitals", "LOCALHOST", "localhost"},
	{"underscore is allowed in a host (WHATWG)", "my_host.example", "my_host.example"},
	{"leading hyphen label is allowed (CheckHyphens=false)", "-x.shop.com", "-x.shop.com"},
	{"punctuation WHATWG allows is kept", "a*b!c.shop.com", "a*b!c.shop.com"},
};

Test(host, d13_uppercase_is_lowercased)
{
	expect_canonical(case_cases, COUNT(case_cases));
}

/* D11: one trailing dot is kept: it makes a different cookie host. */
static const canon_case dot_cases[] = {
	{"trailing dot is kept", "www.shop.com.", "www.shop.com."},
	{"trailing dot with capitals", "LOCALHOST.", "localhost."},
	{"double trailing dot is kept (the jar refuses cookies there)", "x..", "x.."},
	{"trailing dot on an idn", "bücher.de.", "xn--bcher-kva.de."},
};

Test(host, d11_trailing_dot_is_kept)
{
	expect_canonical(dot_cases, COUNT(dot_cases));
}

/* D12: U-labels to A-labels with UTS #46 non-transitional processing, as browsers do. */
static const canon_case idna_cases[] = {
	{"u-label to a-label", "Bücher.de", "xn--bcher-kva.de"},
	{"nontransitional keeps sharp s", "faß.de", "xn--fa-hia.de"},
	{"nontransitional keeps final sigma", "ς.gr", "xn--3xa.gr"},
	{"uppercase a-label is lowercased and validated", "XN--BCHER-KVA.de", "xn--bcher-kva.de"},
	{"valid a-label is kept", "xn--fa-hia.de", "xn--fa-hia.de"},
	{"japanese label", "例え.jp", "xn--r8jz45g.jp"},
	{"fullwidth letters and dots are mapped", "ＷＷＷ．ｅｘａｍｐｌｅ．ｃｏｍ", "www.example.com"},
	{"ideographic full stop separates labels", "a。b.com", "a.b.com"},
	{"emoji label as browsers accept it", "💩.la", "xn--ls8h.la"},
	{"ascii labels keep browser rules beside a u-label", "-x.bücher.de", "-x.xn--bcher-kva.de"},
};

Test(host, d12_idna_u_labels_become_a_labels_nontransitional)
{
	expect_canonical(idna_cases, COUNT(idna_cases));
}

/* D9: every IPv4 form the WHATWG IPv4 parser accepts becomes a dotted quad. */
static const canon_case ipv4_cases[] = {
	{"dotted quad is kept", "127.0.0.1", "127.0.0.1"},
	{"hex form", "0x7f.1", "127.0.0.1"},
	{"hex with capital X", "0X7F.0.0.1", "127.0.0.1"},
	{"octal form", "0177.0.0.1", "127.0.0.1"},
	{"octal zeros", "127.000.0.01", "127.0.0.1"},
	{"two parts fill the last three bytes", "127.1", "127.0.0.1"},
	{"three parts fill the last two bytes", "1.2.3", "1.2.0.3"},
	{"single decimal number", "2130706433", "127.0.0.1"},
	{"single hex number", "0x7F000001", "127.0.0.1"},
	{"largest single number", "4294967295", "255.255.255.255"},
	{"mixed radixes", "0xc0.0250.1.1", "192.168.1.1"},
	{"bare 0x is zero", "0x", "0.0.0.0"},
	{"one trailing dot is dropped", "127.0.0.1.", "127.0.0.1"},
	{"fullwidth digits map to an address", "１２７.０.０.１", "127.0.0.1"},
};

Test(host, d9_ipv4_forms_are_canonicalized_to_dotted_quad)
{
	expect_canonical(ipv4_cases, COUNT(ipv4_cases));
}

Test(host, d9_ipv4_hex_form_is_canonicalized)
{
	char *out = NULL;
	cr_assert_eq(host_canonicalize(&out, "0x7f.1", 6), 0, "%s", bsim_error_last()->message);
	cr_expect_str_eq(out, "127.0.0.1");
	free(out);
}

/* D9: IPv6 kept in brackets, serialized as the WHATWG URL serializer does. */
static const canon_case ipv6_cases[] = {
	{"loopback is kept", "[::1]", "[::1]"},
	{"zeros are compressed", "[0:0:0:0:0:0:0:1]", "[::1]"},
	{"uppercase hex is lowercased", "[2001:DB8::AB]", "[2001:db8::ab]"},
	{"ipv4 tail becomes hex", "[::FFFF:127.0.0.1]", "[::ffff:7f00:1]"},
	{"first longest zero run is compressed", "[2001:db8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"},
	{"longer later zero run wins", "[1:0:0:2:0:0:0:3]", "[1:0:0:2::3]"},
	{"single zero piece is not compressed", "[1:0:2:3:4:5:6:7]", "[1:0:2:3:4:5:6:7]"},
	{"all zeros", "[::]", "[::]"},
	{"trailing zeros", "[1::]", "[1::]"},
	{"leading zeros in pieces are dropped", "[0001:0db8::0001]", "[1:db8::1]"},
};

Test(host, d9_ipv6_literals_are_serialized_in_brackets)
{
	expect_canonical(ipv6_cases, COUNT(ipv6_cases));
}

Test(host, canonical_form_is_a_fixed_point)
{
	/* What host_canonicalize returns must come back unchanged: the jar canonicalizes again. */
	static const struct {
		const canon_case *cases;
		size_t n;
	} tables[] = {
		{case_cases, COUNT(case_cases)}, {dot_cases, COUNT(dot_cases)}, {idna_cases, COUNT(idna_cases)},
		{ipv4_cases, COUNT(ipv4_cases)}, {ipv6_cases, COUNT(ipv6_cases)},
	};
	for (size_t t = 0; t < COUNT(tables); t++) {
		for (size_t i = 0; i < tables[t].n; i++) {
			const char *canon = tables[t].cases[i].canonical;
			char *out = NULL;
			cr_assert_eq(host_canonicalize(&out, canon, strlen(canon)), 0, "%s: %s", canon,
				bsim_error_last()->message);
			cr_expect_str_eq(out, canon);
			free(out);
		}
	}
}

Test(host, length_argument_bounds_the_input)
{
	char *out = NULL;
	/* Only the first 12 bytes are the host; the rest of the buffer is a path. */
	cr_assert_eq(host_canonicalize(&out, "WWW.Shop.COM/cart", 12), 0);
	cr_expect_str_eq(out, "www.shop.com");
	free(out);
}

typedef struct bad_case {
	const char *rule;
	const char *raw;
	size_t len;         /* 0: strlen(raw) */
	const char *says;   /* a piece of the message */
} bad_case;

static void expect_refused(const bad_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const bad_case *c = &cases[i];
		char *out = (char *)"untouched";
		size_t len = c->len ? c->len : strlen(c->raw);
		int rc = host_canonicalize(&out, c->raw, len);
		cr_expect_eq(rc, BSIM_EINVAL, "%s: expected BSIM_EINVAL, got %d", c->rule, rc);
		cr_expect_null(out, "%s: *out must be NULL on failure", c->rule);
		cr_expect_eq(bsim_error_last()->code, BSIM_EINVAL, "%s", c->rule);
		cr_expect(strstr(bsim_error_last()->message, c->says) != NULL,
			"%s: message \"%s\" should mention \"%s\"", c->rule, bsim_error_last()->message, c->says);
		if (rc == 0)
			free(out);
	}
}

Test(host, empty_host_is_refused)
{
	static const bad_case cases[] = {{"empty host", "", 0, "empty host name"}};
	expect_refused(cases, COUNT(cases));
}

/* D9 and WHATWG URL "ends in a number": such a name must be a valid IPv4 address. */
static const bad_case number_cases[] = {
	{"part over 255", "999.1.1.1", 0, "not an IPv4 address"},
	{"five parts", "1.2.3.4.5", 0, "more than four parts"},
	{"last part too large for its bytes", "1.2.3.256", 0, "last part is too large"},
	{"single number over 32 bits", "4294967296", 0, "last part is too large"},
	{"hex over 32 bits", "0x100000000", 0, "last part is too large"},
	{"empty middle part", "1..2", 0, "not an IPv4 address"},
	{"name ending in a number", "shop.123", 0, "ends in a number"},
	{"name ending in a bad octal number", "foo.09", 0, "ends in a number"},
	{"name ending in a hex prefix", "foo.0x", 0, "ends in a number"},
};

Test(host, d9_name_ending_in_a_number_must_be_a_valid_ipv4)
{
	expect_refused(number_cases, COUNT(number_cases));
}

/* WHATWG URL forbidden domain code points, before and after IDNA mapping. */
static const bad_case forbidden_cases[] = {
	{"space", "a b.com", 0, "0x20"},
	{"slash", "x/y", 0, "'/'"},
	{"colon says to give the port separately", "x:80", 0, "port separately"},
	{"bare ipv6 needs brackets", "::1", 0, "in brackets"},
	{"percent (no percent-decoding here)", "a%41.com", 0, "'%'"},
	{"at sign", "user@host", 0, "'@'"},
	{"pipe", "a|b", 0, "'|'"},
	{"caret", "a^b", 0, "'^'"},
	{"delete", "a\x7f" "b", 0, "0x7f"},
	{"nul inside the given length", "a\0b", 3, "0x00"},
	{"fullwidth solidus maps to '/'", "a／b.com", 0, "'/'"},
};

Test(host, forbidden_code_points_are_refused)
{
	expect_refused(forbidden_cases, COUNT(forbidden_cases));
}

static const bad_case ipv6_bad_cases[] = {
	{"no closing bracket", "[::1", 0, "IPv6"},
	{"bad digits", "[::g]", 0, "not a valid IPv6 address"},
	{"zone id is refused", "[fe80::1%eth0]", 0, "zone"},
	{"too many pieces", "[1:2:3:4:5:6:7:8:9]", 0, "not a valid IPv6 address"},
};

Test(host, d9_invalid_ipv6_literals_are_refused)
{
	expect_refused(ipv6_bad_cases, COUNT(ipv6_bad_cases));
}

/* D12 and UTS #46 validity: browsers refuse these names too. */
static const bad_case idna_bad_cases[] = {
	{"bad punycode a-label", "xn--zz.com", 0, "not a valid internationalized name"},
	{"a-label with disallowed content", "xn--a.com", 0, "not a valid internationalized name"},
	{"zero width non-joiner out of context", "a\u200cb.de", 0, "internationalized"},
	{"bytes that are not utf-8", "\xff.com", 0, "internationalized"},
};

Test(host, d12_invalid_idn_is_refused)
{
	expect_refused(idna_bad_cases, COUNT(idna_bad_cases));
}

Test(host, d9_invalid_ipv4_message_names_host_and_remedy)
{
	char *out = NULL;
	cr_assert_eq(host_canonicalize(&out, "999.1.1.1", 9), BSIM_EINVAL);
	const char *m = bsim_error_last()->message;
	cr_expect(strstr(m, "\"999.1.1.1\"") != NULL, "%s", m);
	cr_expect(strstr(m, "browsers refuse") != NULL, "%s", m);
	cr_expect(strstr(m, "fix the address or use a name") != NULL, "%s", m);
}

Test(host, name_longer_than_dns_allows_is_refused)
{
	char name[HOST_NAME_MAX_LEN + 3];
	char *out = NULL;
	/* 253 bytes is the limit; a trailing dot does not count (RFC 1035 §2.3.4). */
	memset(name, 'a', sizeof name);
	for (int i = 63; i < HOST_NAME_MAX_LEN; i += 64)
		name[i] = '.';
	cr_assert_eq(host_canonicalize(&out, name, HOST_NAME_MAX_LEN), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(strlen(out), HOST_NAME_MAX_LEN);
	free(out);
	name[HOST_NAME_MAX_LEN] = '.';
	cr_assert_eq(host_canonicalize(&out, name, HOST_NAME_MAX_LEN + 1), 0, "%s", bsim_error_last()->message);
	free(out);
	out = NULL;
	name[HOST_NAME_MAX_LEN] = 'a';
	cr_assert_eq(host_canonicalize(&out, name, HOST_NAME_MAX_LEN + 1), BSIM_EINVAL);
	cr_expect_null(out);
	cr_expect(strstr(bsim_error_last()->message, "254 bytes") != NULL, "%s", bsim_error_last()->message);
	cr_expect(strstr(bsim_error_last()->message, "at most 253") != NULL, "%s", bsim_error_last()->message);
}

Test(host, d12_idna_name_too_long_after_conversion_is_refused)
{
	/* 60 "ü" labels grow past 253 bytes only once written as A-labels. */
	char raw[1024] = "";
	for (int i = 0; i < 60; i++)
		support_append(raw, sizeof raw, "ü.");
	support_append(raw, sizeof raw, "de");
	char *out = NULL;
	cr_assert_eq(host_canonicalize(&out, raw, strlen(raw)), BSIM_EINVAL);
	cr_expect(strstr(bsim_error_last()->message, "at most 253") != NULL, "%s", bsim_error_last()->message);
}

typedef struct kind_case {
	const char *canonical;
	host_kind kind;
	bool loopback;
	bool trailing_dot;
} kind_case;

static const kind_case kind_cases[] = {
	{"", HOST_KIND_NONE, false, false},
	{"127.0.0.1", HOST_KIND_IPV4, true, false},
	{"127.255.1.2", HOST_KIND_IPV4, true, false},
	{"10.0.0.1", HOST_KIND_IPV4, false, false},
	{"128.0.0.1", HOST_KIND_IPV4, false, false},
	{"[::1]", HOST_KIND_IPV6, true, false},
	{"[::ffff:7f00:1]", HOST_KIND_IPV6, false, false},
	{"[2001:db8::1]", HOST_KIND_IPV6, false, false},
	{"localhost", HOST_KIND_LOCALHOST, true, false},
	{"localhost.", HOST_KIND_LOCALHOST, true, true},
	{"app.localhost", HOST_KIND_LOCALHOST_SUB, true, false},
	{"a.b.localhost", HOST_KIND_LOCALHOST_SUB, true, false},
	{"app.localhost.", HOST_KIND_LOCALHOST_SUB, true, true},
	{"intranet", HOST_KIND_SINGLE_LABEL, false, false},
	{"intranet.", HOST_KIND_SINGLE_LABEL, false, true},
	{"mylocalhost", HOST_KIND_SINGLE_LABEL, false, false},
	{"localhost.com", HOST_KIND_DOMAIN, false, false},
	{"www.localhost.com", HOST_KIND_DOMAIN, false, false},
	{"app.mylocalhost", HOST_KIND_DOMAIN, false, false},
	{"www.shop.com", HOST_KIND_DOMAIN, false, false},
	{"www.shop.com.", HOST_KIND_DOMAIN, false, true},
	{"shop.co.uk", HOST_KIND_DOMAIN, false, false},
	{"x.github.io", HOST_KIND_DOMAIN, false, false},
	{"1.2.3.4.example", HOST_KIND_DOMAIN, false, false},
	{"x..", HOST_KIND_DOMAIN, false, true},
};

Test(host, kinds_loopback_and_trailing_dot_table)
{
	for (size_t i = 0; i < sizeof kind_cases / sizeof kind_cases[0]; i++) {
		const kind_case *c = &kind_cases[i];
		host_kind k = host_classify(c->canonical);
		cr_expect_eq(k, c->kind, "\"%s\": kind %s, expected %s", c->canonical, host_kind_name(k),
			host_kind_name(c->kind));
		cr_expect_eq(host_is_loopback(c->canonical, k), c->loopback, "\"%s\": loopback", c->canonical);
		cr_expect_eq(host_has_trailing_dot(c->canonical), c->trailing_dot, "\"%s\": trailing dot",
			c->canonical);
	}
}

Test(host, d7_localhost_with_trailing_dot_is_localhost_after_canonicalizing)
{
	char *out = NULL;
	cr_assert_eq(host_canonicalize(&out, "LocalHost.", 10), 0);
	cr_expect_eq(host_classify(out), HOST_KIND_LOCALHOST);
	cr_expect(host_is_loopback(out, HOST_KIND_LOCALHOST));
	free(out);
}

Test(host, d9_hex_loopback_is_loopback_after_canonicalizing)
{
	char *out = NULL;
	cr_assert_eq(host_canonicalize(&out, "0x7f.1", 6), 0);
	host_kind k = host_classify(out);
	cr_expect_eq(k, HOST_KIND_IPV4);
	cr_expect(host_is_loopback(out, k));
	free(out);
}

Test(host, null_canonical_is_no_host)
{
	cr_expect_eq(host_classify(NULL), HOST_KIND_NONE);
	cr_expect_not(host_has_trailing_dot(NULL));
	cr_expect_not(host_is_loopback(NULL, HOST_KIND_NONE));
}

Test(host, kind_names_are_the_documented_words)
{
	cr_expect_str_eq(host_kind_name(HOST_KIND_NONE), "no-host");
	cr_expect_str_eq(host_kind_name(HOST_KIND_IPV4), "ip-address");
	cr_expect_str_eq(host_kind_name(HOST_KIND_IPV6), "ip-address");
	cr_expect_str_eq(host_kind_name(HOST_KIND_LOCALHOST), "localhost");
	cr_expect_str_eq(host_kind_name(HOST_KIND_LOCALHOST_SUB), "localhost-subdomain");
	cr_expect_str_eq(host_kind_name(HOST_KIND_SINGLE_LABEL), "single-label");
	cr_expect_str_eq(host_kind_name(HOST_KIND_DOMAIN), "domain");
	cr_expect_str_eq(host_kind_name((host_kind)99), "unknown");
}

Test(host, quote_keeps_utf8_and_escapes_the_rest)
{
	char q[64];
	host_quote(q, sizeof q, "Bücher\t\"x\"\\\xff", 13);
	cr_expect_str_eq(q, "Bücher\\x09\\x22x\\x22\\x5c\\xff");
	host_quote(q, sizeof q, NULL, 5);
	cr_expect_str_eq(q, "");
}

Test(host, quote_cuts_long_text_with_an_ellipsis)
{
	char q[32];
	char long_text[200];
	memset(long_text, 'a', sizeof long_text);
	host_quote(q, sizeof q, long_text, sizeof long_text);
	size_t n = strlen(q);
	cr_expect_lt(n, sizeof q);
	cr_expect_str_eq(q + n - 3, "...");
	/* A multi-byte character is never cut in half. */
	char umlauts[200] = "";
	for (int i = 0; i < 50; i++)
		support_append(umlauts, sizeof umlauts, "ü");
	host_quote(q, sizeof q, umlauts, strlen(umlauts));
	n = strlen(q);
	cr_expect_str_eq(q + n - 3, "...");
	cr_expect_eq((n - 3) % 2, 0, "\"%s\" cut inside a character", q);
}

Test(host, null_out_is_an_error_not_a_crash)
{
	cr_expect_eq(host_canonicalize(NULL, "x", 1), BSIM_EINVAL);
	char *out = NULL;
	cr_expect_eq(host_canonicalize(&out, NULL, 0), BSIM_EINVAL);
	cr_expect_null(out);
}
