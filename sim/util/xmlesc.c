/*
 * xmlesc.c: XML 1.0 text and attribute escaping (xmlesc.h). UTF-8
 * validity comes from utf8.c, so what counts as a character is decided in
 * one place.
 */
#include "util/xmlesc.h"

#include <stdint.h>

#include "util/utf8.h"

/* A byte written as it is in text and attributes alike: printable ASCII but the markup characters. */
static inline bool xml_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>' && c != '"';
}

/* XML 1.0 §2.2 Char excludes U+FFFE and U+FFFF (EF BF BE, EF BF BF), which are valid UTF-8. */
static bool is_noncharacter_ffff(const unsigned char *p, size_t used)
{
	return used == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF);
}

void xml_escape(buf *b, const char *s, size_t len, bool attribute, const char *replacement)
{
	size_t i = 0;
	while (i < len) {
		/*
		 * Runs of plain bytes are copied whole: a widget scenario's trace is
		 * thousands of lines, and one call per character made the JUnit
		 * report a third of `bsim run --junit`.
		 */
		size_t run = i;
		while (run < len && xml_plain((unsigned char)s[run]))
			run++;
		if (run > i) {
			buf_put(b, s + i, run - i);
			i = run;
			if (i == len)
				break;
		}
		const unsigned char *p = (const unsigned char *)s + i;
		size_t used = utf8_sequence_len(p, len - i);
		if (used > 1) {
			if (is_noncharacter_ffff(p, used))
				buf_puts(b, replacement);
			else
				buf_put(b, s + i, used);
			i += used;
			continue;
		}
		i++;
		switch (used ? p[0] : 0xFF) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, attribute ? "&quot;" : "\""); break;
		case '\t': buf_puts(b, attribute ? "&#9;" : "\t"); break;
		case '\n': buf_puts(b, attribute ? "&#10;" : "\n"); break;
		case '\r': buf_puts(b, "&#13;"); break;
		default:
			/* Broken UTF-8 (0xFF stands for it) or another C0 control: no XML 1.0 Char. */
			if (used == 1 && p[0] >= 0x20 && p[0] < 0x80)
				buf_putc(b, (char)p[0]);
			else
				buf_puts(b, replacement);
		}
	}
}

void xml_comment_text(buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_sequence_len((const unsigned char *)s + i, n - i);
		if (s[i] == '-' && (s[i + 1] == '-' || s[i + 1] == '\0'))
			buf_puts(b, "- ");
		else if (len > 1)
			buf_put(b, s + i, len);
		else if (len == 1 && ((unsigned char)s[i] >= 0x20 || s[i] == '\n'))
			buf_putc(b, s[i]);
		else
			buf_putc(b, '?');
		i += len ? len : 1;
	}
}
