/*
 * test_cookie_parse.c: RFC 6265bis §5.6 as sim/cookie/parse.c implements it,
 * with the engine differences of browser-rules.md §1. Each row names the
 * rule it pins.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookie/parse.h"

static parsed_cookie parse_as(bsim_engine e, const char *s, bsim_cookie_reason *why)
{
	parsed_cookie pc;
	*why = cookie_parse(&pc, s, strlen(s), cookie_preset_get(e));
	return pc;
}

static void expect_pair(const char *rule, const parsed_cookie *pc, const char *name, const char *value)
{
	cr_expect(pc->name_len == strlen(name) && memcmp(pc->name, name, pc->name_len) == 0,
		  "%s: name \"%.*s\", want \"%s\"", rule, (int)pc->name_len, pc->name, name);
	cr_expect(pc->value_len == strlen(value) && memcmp(pc->value, value, pc->value_len) == 0,
		  "%s: value \"%.*s\", want \"%s\"", rule, (int)pc->value_len, pc->value, value);
}

typedef struct pair_case {
	const char *rule;
	bsim_engine engine;
	const char *input;
	bsim_cookie_reason why;
	const char *name;
	const char *value;
} pair_case;

static pair_case pair_cases[] = {
	{"p2_split_at_first_equals", BSIM_ENGINE_CHROMIUM, "a=b=c", BSIM_REASON_NONE, "a", "b=c"},
	{"p2_trim_sp_and_htab_around_name_and_value", BSIM_ENGINE_CHROMIUM, " \ta = b \t; Path=/", BSIM_REASON_NONE, "a", "b"},
	{"p2_pair_ends_at_first_semicolon", BSIM_ENGINE_FIREFOX, "a=b;c=d", BSIM_REASON_NONE, "a", "b"},
	{"p3_empty_name_and_value_rejected", BSIM_ENGINE_CHROMIUM, "=", BSIM_REASON_EMPTY, "", ""},
	{"p3_only_attributes_rejected", BSIM_ENGINE_CHROMIUM, "; Path=/", BSIM_REASON_EMPTY, "", ""},
	{"p3_empty_value_with_name_kept", BSIM_ENGINE_CHROMIUM, "a=", BSIM_REASON_NONE, "a", ""},
	{"p3_empty_name_with_value_kept", BSIM_ENGINE_CHROMIUM, "=b", BSIM_REASON_NONE, "", "b"},
	{"p4_nameless_cookie_is_value_chromium", BSIM_ENGINE_CHROMIUM, "foo", BSIM_REASON_NONE, "", "foo"},
	{"p4_nameless_cookie_is_value_safari", BSIM_ENGINE_SAFARI, "foo; Path=/", BSIM_REASON_NONE, "", "foo"},
	{"s14_nameless_cookie_is_name_firefox", BSIM_ENGINE_FIREFOX, "foo", BSIM_REASON_NONE, "foo", ""},
	{"p1_nul_rejects", BSIM_ENGINE_CHROMIUM, "a=b\001c", BSIM_REASON_CONTROL_CHAR, "a", "b\001c"},
	{"p1_lf_rejects", BSIM_ENGINE_CHROMIUM, "a=b\nc", BSIM_REASON_CONTROL_CHAR, "a", "b\nc"},
	{"p1_del_rejects", BSIM_ENGINE_FIREFOX, "a=b\177", BSIM_REASON_CONTROL_CHAR, "a", "b\177"},
	{"p1_ctl_in_attribute_rejects_whole_cookie", BSIM_ENGINE_FIREFOX, "a=b; Path=/\003", BSIM_REASON_CONTROL_CHAR, "a", "b"},
	{"p1_htab_inside_value_rejected_chromium", BSIM_ENGINE_CHROMIUM, "a=b\tc", BSIM_REASON_CONTROL_CHAR, "a", "b\tc"},
	{"p1_htab_inside_name_rejected_chromium", BSIM_ENGINE_CHROMIUM, "a\tb=c", BSIM_REASON_CONTROL_CHAR, "a\tb", "c"},
	{"p1_htab_inside_value_kept_firefox", BSIM_ENGINE_FIREFOX, "a=b\tc", BSIM_REASON_NONE, "a", "b\tc"},
	{"p1_htab_inside_attribute_rejected_chromium", BSIM_ENGINE_CHROMIUM, "a=b; Path=/x\ty", BSIM_REASON_CONTROL_CHAR, "a", "b"},
	{"p1_htab_inside_attribute_name_rejected_chromium", BSIM_ENGINE_CHROMIUM, "a=b; Secu\tre", BSIM_REASON_CONTROL_CHAR, "a", "b"},
	{"p1_htab_inside_attribute_name_with_value_rejected_chromium", BSIM_ENGINE_CHROMIUM, "a=b; Pa\tth=/", BSIM_REASON_CONTROL_CHAR, "a", "b"},
	{"p1_htab_around_attribute_name_trimmed_chromium", BSIM_ENGINE_CHROMIUM, "a=b;\tSecure\t", BSIM_REASON_NONE, "a", "b"},
	{"p1_htab_inside_attribute_name_kept_firefox", BSIM_ENGINE_FIREFOX, "a=b; Secu\tre", BSIM_REASON_NONE, "a", "b"},
	{"p14_non_ascii_octets_allowed", BSIM_ENGINE_CHROMIUM, "a=\xc3\xa9t\xc3\xa9", BSIM_REASON_NONE, "a", "\xc3\xa9t\xc3\xa9"},
	{"p2_quotes_are_part_of_the_value", BSIM_ENGINE_CHROMIUM, "a=\"b c\"", BSIM_REASON_NONE, "a", "\"b c\""},
};

/* Tables run as loops with cr_expect so that every failing row is reported. */
Test(cookie_parse, name_value_pair_table)
{
	for (size_t i = 0; i < sizeof pair_cases / sizeof pair_cases[0]; i++) {
		const pair_case *c = &pair_cases[i];
		bsim_cookie_reason why;
		parsed_cookie pc = parse_as(c->engine, c->input, &why);
		cr_expect_eq(why, c->why, "%s: reason %s, want %s", c->rule, bsim_cookie_reason_code(why),
			     bsim_cookie_reason_code(c->why));
		expect_pair(c->rule, &pc, c->name, c->value);
	}
}

static char *repeat(char ch, size_t n)
{
	char *s = malloc(n + 1);
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

Test(cookie_parse, p6_name_plus_value_4096_accepted_4097_refused)
{
	bsim_cookie_reason why;
	char *v = repeat('v', 4095);
	char line[5000];
	snprintf(line, sizeof line, "n=%s", v);
	parse_as(BSIM_ENGINE_CHROMIUM, line, &why);
	cr_assert_eq(why, BSIM_REASON_NONE, "1 + 4095 = 4096 bytes is the limit itself");
	snprintf(line, sizeof line, "nn=%s", v);
	parse_as(BSIM_ENGINE_CHROMIUM, line, &why);
	cr_assert_eq(why, BSIM_REASON_TOO_LARGE);
	free(v);
}

Test(cookie_parse, p6_equals_and_attributes_do_not_count)
{
	bsim_cookie_reason why;
	char *v = repeat('v', 4095);
	char line[6000];
	snprintf(line, sizeof line, "n=%s; Path=/; Domain=example.com; Secure", v);
	parse_as(BSIM_ENGINE_FIREFOX, line, &why);
	cr_assert_eq(why, BSIM_REASON_NONE);
	free(v);
}

Test(cookie_parse, p7_attribute_over_1024_is_ignored_cookie_kept)
{
	bsim_cookie_reason why;
	char *d = repeat('d', 1025);
	char line[3000];
	snprintf(line, sizeof line, "a=b; Domain=%s; Path=/p", d);
	parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, line, &why);
	cr_assert_eq(why, BSIM_REASON_NONE);
	cr_assert_not(pc.has_domain, "an oversize Domain makes a host-only cookie");
	cr_assert(pc.has_path);
	cr_assert_eq(pc.oversize_attributes, 1);
	free(d);
}

Test(cookie_parse, p7_attribute_of_exactly_1024_is_kept)
{
	bsim_cookie_reason why;
	char *p = repeat('p', 1023);
	char line[3000];
	snprintf(line, sizeof line, "a=b; Path=/%s", p);
	parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, line, &why);
	cr_assert(pc.has_path);
	cr_assert_eq(pc.path_len, 1024);
	free(p);
}

Test(cookie_parse, p8_attribute_names_are_case_insensitive_last_wins)
{
	bsim_cookie_reason why;
	parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, "a=b; PATH=/one; path=/two; DoMaIn=x.com; sEcUrE=ignored; HTTPONLY", &why);
	cr_assert(pc.has_path);
	cr_assert_eq(pc.path_len, 4);
	cr_assert_eq(memcmp(pc.path, "/two", 4), 0);
	cr_assert(pc.has_domain);
	cr_assert(pc.secure);
	cr_assert(pc.http_only);
}

Test(cookie_parse, p8_empty_domain_is_absent)
{
	bsim_cookie_reason why;
	parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Domain=", &why);
	cr_assert_not(pc.has_domain);
}

Test(cookie_parse, d1_one_leading_dot_is_dropped)
{
	bsim_cookie_reason why;
	parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Domain=.Shop.com", &why);
	cr_assert(pc.has_domain);
	cr_assert_eq(pc.domain_len, 8);
	cr_assert_eq(memcmp(pc.domain, "Shop.com", 8), 0, "lowercasing happens at storage");
}

Test(cookie_parse, p8_unknown_attributes_are_ignored)
{
	bsim_cookie_reason why;
	parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Comment=hello; Version=1; Foo", &why);
	cr_assert_eq(why, BSIM_REASON_NONE);
	cr_assert_not(pc.has_domain || pc.has_path || pc.secure || pc.http_only);
}

Test(cookie_parse, t2_path_not_starting_with_slash_means_default)
{
	bsim_cookie_reason why;
	parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Path=/x; Path=relative", &why);
	cr_assert_not(pc.has_path, "the last Path attribute, invalid, resets to the default path");
	pc = parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Path=", &why);
	cr_assert_not(pc.has_path);
}

Test(cookie_parse, s11_path_attr_is_root_only_for_literal_slash)
{
	bsim_cookie_reason why;
	cr_assert(parse_as(BSIM_ENGINE_CHROMIUM, "__Host-a=b; Path=/", &why).path_attr_is_root);
	cr_assert_not(parse_as(BSIM_ENGINE_CHROMIUM, "__Host-a=b; Path=/x", &why).path_attr_is_root);
	cr_assert_not(parse_as(BSIM_ENGINE_CHROMIUM, "__Host-a=b", &why).path_attr_is_root);
}

typedef struct age_case {
	const char *rule;
	bsim_engine engine;
	const char *input;
	bool has_max_age;
	int64_t max_age;
} age_case;

static age_case age_cases[] = {
	{"p9_digits", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=60", true, 60},
	{"p9_negative_expires", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=-5", true, -5},
	{"p9_zero_expires", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=0", true, 0},
	{"p9_plus_sign_read_chromium", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=+5", true, 5},
	{"p9_plus_sign_zero_expires_chromium", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=+0", true, 0},
	{"p9_plus_sign_ignored_firefox", BSIM_ENGINE_FIREFOX, "a=b; Max-Age=+5", false, 0},
	{"p9_lone_plus_ignored_chromium", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=+", false, 0},
	{"p9_trailing_junk_ignored", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=5s", false, 0},
	{"p9_empty_ignored", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=", false, 0},
	{"p9_lone_dash_ignored_chromium", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=-", false, 0},
	{"p9_dash_anything_expires_firefox", BSIM_ENGINE_FIREFOX, "a=b; Max-Age=-abc", true, -1},
	{"p9_dash_anything_ignored_chromium", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=-abc", false, 0},
	{"p9_overflow_saturates", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=99999999999999999999999999", true, COOKIE_MAX_AGE_SATURATE},
	{"p9_invalid_later_keeps_earlier_valid", BSIM_ENGINE_CHROMIUM, "a=b; Max-Age=7; Max-Age=x", true, 7},
};

Test(cookie_parse, p9_max_age_table)
{
	for (size_t i = 0; i < sizeof age_cases / sizeof age_cases[0]; i++) {
		const age_case *c = &age_cases[i];
		bsim_cookie_reason why;
		parsed_cookie pc = parse_as(c->engine, c->input, &why);
		cr_expect_eq(why, BSIM_REASON_NONE, "%s", c->rule);
		cr_expect_eq(pc.has_max_age, c->has_max_age, "%s", c->rule);
		if (c->has_max_age)
			cr_expect_eq(pc.max_age_s, c->max_age, "%s: %lld", c->rule, (long long)pc.max_age_s);
	}
}

Test(cookie_parse, p10_invalid_expires_is_ignored)
{
	bsim_cookie_reason why;
	parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Expires=not a date", &why);
	cr_assert_eq(why, BSIM_REASON_NONE);
	cr_assert_not(pc.has_expires);
	pc = parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Expires=Wed, 21 Oct 2015 07:28:00 GMT", &why);
	cr_assert(pc.has_expires);
	cr_assert_eq(pc.expires_s, 1445412480);
}

typedef struct samesite_case {
	const char *input;
	bsim_samesite want;
} samesite_case;

static samesite_case samesite_cases[] = {
	{"a=b; SameSite=Strict", BSIM_SAMESITE_STRICT},
	{"a=b; SameSite=lax", BSIM_SAMESITE_LAX},
	{"a=b; samesite=NONE", BSIM_SAMESITE_NONE},
	{"a=b; SameSite=Bogus", BSIM_SAMESITE_UNSPECIFIED},
	{"a=b; SameSite=", BSIM_SAMESITE_UNSPECIFIED},
	{"a=b; SameSite=Strict; SameSite=Bogus", BSIM_SAMESITE_UNSPECIFIED},
	{"a=b; SameSite=Bogus; SameSite=Lax", BSIM_SAMESITE_LAX},
	{"a=b", BSIM_SAMESITE_UNSPECIFIED},
};

Test(cookie_parse, s5_samesite_values_table)
{
	for (size_t i = 0; i < sizeof samesite_cases / sizeof samesite_cases[0]; i++) {
		const samesite_case *c = &samesite_cases[i];
		bsim_cookie_reason why;
		parsed_cookie pc = parse_as(BSIM_ENGINE_CHROMIUM, c->input, &why);
		cr_expect_eq(pc.same_site, c->want, "%s", c->input);
	}
}

Test(cookie_parse, l2_priority_attribute)
{
	bsim_cookie_reason why;
	cr_assert_eq(parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Priority=HIGH", &why).priority, BSIM_PRIORITY_HIGH);
	cr_assert_eq(parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Priority=low", &why).priority, BSIM_PRIORITY_LOW);
	cr_assert_eq(parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Priority=odd", &why).priority, BSIM_PRIORITY_MEDIUM);
	cr_assert_eq(parse_as(BSIM_ENGINE_CHROMIUM, "a=b", &why).priority, BSIM_PRIORITY_MEDIUM);
}

Test(cookie_parse, s13_partitioned_flag)
{
	bsim_cookie_reason why;
	cr_assert(parse_as(BSIM_ENGINE_CHROMIUM, "a=b; Secure; Partitioned", &why).partitioned);
}

Test(cookie_parse, input_need_not_be_nul_terminated)
{
	const char s[] = "a=b; Path=/xyz";
	parsed_cookie pc;
	/* Only "a=b; Path=/x" is offered. */
	cr_assert_eq(cookie_parse(&pc, s, 12, cookie_preset_get(BSIM_ENGINE_CHROMIUM)), BSIM_REASON_NONE);
	cr_assert_eq(pc.path_len, 2);
}

Test(cookie_parse, prefix_match_is_case_insensitive)
{
	cr_assert(cookie_has_prefix_ci("__SECURE-x", 10, "__Secure-"));
	cr_assert(cookie_has_prefix_ci("__host-x", 8, "__Host-"));
	cr_assert_not(cookie_has_prefix_ci("_Host-x", 7, "__Host-"));
}
