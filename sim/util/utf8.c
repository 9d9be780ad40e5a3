/*
 * utf8.c: UTF-8 validity, decoding and encoding (utf8.h), after RFC 3629
 * §4's table of well-formed byte sequences.
 */
#include "util/utf8.h"

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t need;
	uint32_t v;
	*cp = UTF8_REPLACEMENT;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		need = 2;
		v = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		need = 3;
		v = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		need = 4;
		v = p[0] & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
	if ((need == 3 && v < 0x800) || (need == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need;
}

size_t utf8_next(const char *s, size_t n, uint32_t *cp)
{
	size_t k = utf8_decode(s, n, cp);
	return k ? k : 1;
}

void utf8_put(buf *b, uint32_t cp)
{
	char out[4];
	size_t len;
	if (cp < 0x80) {
		out[0] = (char)cp;
		len = 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		len = 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		len = 3;
	} else {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		len = 4;
	}
	buf_put(b, out, len);
}

size_t utf8_sequence_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	return utf8_decode((const char *)s, n, &cp);
}

size_t utf8_invalid_at(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = utf8_sequence_len((const unsigned char *)s + i, n - i);
		if (!k)
			return i;
		i += k;
	}
	return n;
}
