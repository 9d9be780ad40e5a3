/*
 * test_xmlesc.c: util/xmlesc.h, the one XML escaper the JUnit report and
 * the scenario writer share: markup characters, white space in attributes
 * versus text, and what XML 1.0 cannot hold (broken UTF-8, C0 controls,
 * U+FFFE/U+FFFF) replaced by the caller's replacement, one per bad byte.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "util/xmlesc.h"

Test(xmlesc, escapes_text_and_attributes)
{
	static const struct {
		const char *in;
		size_t len; /* 0: strlen(in) */
		bool attribute;
		const char *replacement;
		const char *out;
	} cases[] = {
		{"a&b<c>d\"e", 0, false, "?", "a&amp;b&lt;c&gt;d\"e"},
		{"a&b<c>d\"e", 0, true, "?", "a&amp;b&lt;c&gt;d&quot;e"},
		{"t\tn\nr\r", 0, false, "?", "t\tn\nr&#13;"},
		{"t\tn\nr\r", 0, true, "?", "t&#9;n&#10;r&#13;"},
		/* C0 controls and broken UTF-8: one replacement per byte, the rest survives. */
		{"a\x01" "b", 0, true, "?", "a?b"},
		{"a\x01" "b", 0, false, "\xEF\xBF\xBD", "a\xEF\xBF\xBD" "b"},
		{"x\xC3(y", 0, false, "?", "x?(y"},
		{"\xE2\x82", 0, false, "?", "??"},
		{"\xFF\xFE", 0, true, "\xEF\xBF\xBD", "\xEF\xBF\xBD\xEF\xBF\xBD"},
		/* Valid UTF-8 is copied; U+FFFE and U+FFFF are valid UTF-8 but no XML Char. */
		{"caf\xC3\xA9 \xF0\x9F\x8D\xAA", 0, true, "?", "caf\xC3\xA9 \xF0\x9F\x8D\xAA"},
		{"<\xEF\xBF\xBE\xEF\xBF\xBF\xEF\xBF\xBD>", 0, false, "?", "&lt;??\xEF\xBF\xBD&gt;"},
		/* A NUL inside the length is a control like any other. */
		{"a\0b", 3, false, "?", "a?b"},
		{"\x7F", 0, false, "?", "\x7F"},
		{"", 0, true, "?", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		buf b = BUF_INIT;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		xml_escape(&b, cases[i].in, len, cases[i].attribute, cases[i].replacement);
		cr_assert_eq(buf_status(&b), 0);
		cr_expect_str_eq(b.ptr ? b.ptr : "", cases[i].out, "case %zu", i);
		buf_free(&b);
	}
}

Test(xmlesc, comment_text_breaks_double_dashes)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"a--b", "a- -b"},
		{"ends-", "ends- "},
		{"a---b", "a- - -b"},
		{"one-dash ok", "one-dash ok"},
		{"line\nbreak\ttab\x02", "line\nbreak?tab?"},
		{"\xC3\xA9\xC3", "\xC3\xA9?"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		buf b = BUF_INIT;
		xml_comment_text(&b, cases[i].in);
		cr_assert_eq(buf_status(&b), 0);
		cr_expect_str_eq(b.ptr ? b.ptr : "", cases[i].out, "case %zu", i);
		buf_free(&b);
	}
}
