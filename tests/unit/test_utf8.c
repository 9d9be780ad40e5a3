/*
 * test_utf8.c: bsim's one UTF-8 decoder and encoder (util/utf8.h) and the
 * one JSON string writer built on it (util/jsonw.h): what is UTF-8 (RFC 3629
 * §3-4) and what every writer turns into U+FFFD instead.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/jsonw.h"
#include "util/utf8.h"

static const struct {
	const char *in;
	size_t len;
	uint32_t cp;   /* the code point, or UTF8_REPLACEMENT */
	size_t valid;  /* what utf8_decode returns: the sequence's length, 0 when not UTF-8 */
} decode_cases[] = {
	{"a", 1, 'a', 1},
	{"\x7F", 1, 0x7F, 1},
	{"\xC2\x80", 2, 0x80, 2},                   /* the first two-byte code point */
	{"\xC3\xA9", 2, 0xE9, 2},
	{"\xE2\x82\xAC", 3, 0x20AC, 3},
	{"\xEF\xBF\xBD", 3, 0xFFFD, 3},             /* U+FFFD itself is valid */
	{"\xF0\x9F\x8D\xAA", 4, 0x1F36A, 4},
	{"\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4},       /* the last code point */
	{"\x80", 1, UTF8_REPLACEMENT, 0},           /* a lone continuation byte */
	{"\xC0\xAF", 2, UTF8_REPLACEMENT, 0},       /* overlong '/' */
	{"\xC1\xBF", 2, UTF8_REPLACEMENT, 0},       /* overlong, two bytes */
	{"\xE0\x80\xAF", 3, UTF8_REPLACEMENT, 0},   /* overlong, three bytes */
	{"\xF0\x8F\xBF\xBF", 4, UTF8_REPLACEMENT, 0}, /* overlong, four bytes */
	{"\xED\xA0\x80", 3, UTF8_REPLACEMENT, 0},   /* a surrogate */
	{"\xF4\x90\x80\x80", 4, UTF8_REPLACEMENT, 0}, /* above U+10FFFF */
	{"\xE2\x82", 2, UTF8_REPLACEMENT, 0},       /* truncated */
	{"\xE2\x82\xAC", 2, UTF8_REPLACEMENT, 0},   /* whole, but past n */
	{"\xC3(", 2, UTF8_REPLACEMENT, 0},          /* a broken sequence */
	{"\xFF", 1, UTF8_REPLACEMENT, 0},
	{"\xF5\x80\x80\x80", 4, UTF8_REPLACEMENT, 0}, /* a lead byte RFC 3629 removed */
};

Test(utf8, decode_knows_what_is_utf8)
{
	for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
		uint32_t cp = 0;
		size_t n = utf8_decode(decode_cases[i].in, decode_cases[i].len, &cp);
		cr_expect_eq(n, decode_cases[i].valid, "case %zu: %zu", i, n);
		cr_expect_eq(cp, decode_cases[i].cp, "case %zu: U+%04X", i, cp);
		cr_expect_eq(utf8_sequence_len((const unsigned char *)decode_cases[i].in, decode_cases[i].len), n,
			     "case %zu", i);
	}
}

Test(utf8, next_replaces_what_is_not_utf8_one_byte_at_a_time)
{
	for (size_t i = 0; i < sizeof decode_cases / sizeof decode_cases[0]; i++) {
		uint32_t cp = 0;
		size_t used = utf8_next(decode_cases[i].in, decode_cases[i].len, &cp);
		cr_expect_eq(cp, decode_cases[i].cp, "case %zu: U+%04X", i, cp);
		cr_expect_eq(used, decode_cases[i].valid ? decode_cases[i].valid : 1, "case %zu", i);
	}
}

Test(utf8, put_writes_what_decode_reads)
{
	static const uint32_t cps[] = {0, 'a', 0x7F, 0x80, 0x7FF, 0x800, 0xE9, 0x20AC, 0xFFFD, 0xFFFF, 0x10000, 0x1F36A, 0x10FFFF};
	static const size_t lens[] = {1, 1, 1, 2, 2, 3, 2, 3, 3, 3, 4, 4, 4};
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		buf b = BUF_INIT;
		utf8_put(&b, cps[i]);
		cr_assert_eq(b.len, lens[i], "U+%04X: %zu bytes", cps[i], b.len);
		uint32_t cp = 1;
		cr_expect_eq(utf8_decode(b.ptr, b.len, &cp), lens[i], "U+%04X", cps[i]);
		cr_expect_eq(cp, cps[i], "U+%04X came back as U+%04X", cps[i], cp);
		buf_free(&b);
	}
}

Test(utf8, invalid_at_finds_the_first_bad_byte)
{
	cr_expect_eq(utf8_invalid_at("abc", 3), 3);
	cr_expect_eq(utf8_invalid_at("\xC3\xA9t\xC3\xA9", 5), 5);
	cr_expect_eq(utf8_invalid_at("ab\xC3", 3), 2);
	cr_expect_eq(utf8_invalid_at("\xC3\xA9\xED\xA0\x80", 5), 2);
}

Test(jsonw, strings_are_valid_json_whatever_the_bytes)
{
	static const struct {
		const char *in;
		size_t len;
		const char *out;
	} cases[] = {
		{"plain", 5, "\"plain\""},
		{"q\"b\\", 4, "\"q\\\"b\\\\\""},
		{"\n\r\t\x01\x7F", 5, "\"\\n\\r\\t\\u0001\\u007f\""},
		{"\xC3\xA9\xF0\x9F\x8D\xAA", 6, "\"\xC3\xA9\xF0\x9F\x8D\xAA\""},
		{"a\xFF" "b\xC3", 4, "\"a\\ufffdb\\ufffd\""},
		{"\xED\xA0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\""},
		{"n\0ul", 4, "\"n\\u0000ul\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf b = BUF_INIT;
		jsonw_string(&b, cases[i].in, cases[i].len);
		cr_expect_str_eq(buf_cstr(&b), cases[i].out, "case %zu", i);
		buf_free(&b);
	}
	buf b = BUF_INIT;
	jsonw_cstr(&b, NULL);
	cr_expect_str_eq(buf_cstr(&b), "null");
	buf_free(&b);
}
