/*
 * hex.h: hexadecimal digits and percent-escapes (RFC 3986 §2.1), the one
 * reading of "%XX" shared by the URL parser (net/url.c) and the widget's
 * cookie values (widgets/model.c). Inline: the URL parser asks for every
 * '%' of every path it parses.
 */
#ifndef BSIM_UTIL_HEX_H
#define BSIM_UTIL_HEX_H

#include <stddef.h>

/* The value of hex digit c (0-9, a-f, A-F), or -1 for any other byte. */
static inline int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The byte the percent-escape at the start of s[0..n) stands for: "%41" is
 * 0x41. -1 when s does not start with '%' and two hex digits (fewer than
 * three bytes, "%4", "%4G"), which browsers keep as written.
 */
static inline int hex_escape_value(const char *s, size_t n)
{
	if (n < 3 || s[0] != '%')
		return -1;
	int hi = hex_value(s[1]), lo = hex_value(s[2]);
	return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

#endif
