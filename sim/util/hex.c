/*
 * hex.c: hexadecimal digits and percent-escapes (hex.h).
 */
#include "util/hex.h"

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_escape_value(const char *s, size_t n)
{
	if (n < 3 || s[0] != '%')
		return -1;
	int hi = hex_value(s[1]), lo = hex_value(s[2]);
	return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}
