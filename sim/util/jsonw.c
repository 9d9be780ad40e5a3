/*
 * jsonw.c: the JSON writer of jsonw.h. UTF-8 is checked as RFC 3629 defines
 * it (no overlong forms, no surrogates, nothing above U+10FFFF), so every
 * line bsim prints parses with any JSON reader.
 */
#include "util/jsonw.h"

#include <inttypes.h>
#include <string.h>

#include "util/utf8.h"

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
			size_t n = utf8_sequence_len(p + i, len - i);
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
