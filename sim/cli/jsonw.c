/*
 * jsonw.c: the JSON writer of jsonw.h. UTF-8 is checked as RFC 3629 defines
 * it (no overlong forms, no surrogates, nothing above U+10FFFF), so every
 * line bsim prints parses with any JSON reader.
 */
#include "cli/jsonw.h"

#include <inttypes.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (at most len bytes), or 0 if it is not one. */
static size_t utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; min = 0x80; cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; min = 0x800; cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; min = 0x10000; cp = c & 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

void jsonw_string(buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	buf_putc(b, '"');
	size_t i = 0;
	while (i < len) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7F) {
			switch (c) {
			case '\n': buf_puts(b, "\\n"); break;
			case '\r': buf_puts(b, "\\r"); break;
			case '\t': buf_puts(b, "\\t"); break;
			default: buf_printf(b, "\\u%04x", c); break;
			}
			i++;
		} else {
			size_t n = utf8_sequence(p + i, len - i);
			if (n == 0) {
				buf_puts(b, "\\ufffd");
				i++;
			} else {
				buf_put(b, s + i, n);
				i += n;
			}
		}
	}
	buf_putc(b, '"');
}

void jsonw_cstr(buf *b, const char *s)
{
	if (s)
		jsonw_string(b, s, strlen(s));
	else
		buf_puts(b, "null");
}

void jsonw_key(buf *b, const char *key, bool first)
{
	if (!first)
		buf_putc(b, ',');
	jsonw_cstr(b, key);
	buf_putc(b, ':');
}

void jsonw_member_str(buf *b, const char *key, const char *value, bool first)
{
	jsonw_key(b, key, first);
	jsonw_cstr(b, value);
}

void jsonw_member_strn(buf *b, const char *key, const char *value, size_t len, bool first)
{
	jsonw_key(b, key, first);
	jsonw_string(b, value, len);
}

void jsonw_member_int(buf *b, const char *key, int64_t value, bool first)
{
	jsonw_key(b, key, first);
	buf_printf(b, "%" PRId64, value);
}

void jsonw_member_bool(buf *b, const char *key, bool value, bool first)
{
	jsonw_key(b, key, first);
	buf_puts(b, value ? "true" : "false");
}
