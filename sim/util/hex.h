/*
 * hex.h: the value of one hexadecimal digit, for the %XX escapes URLs
 * (RFC 3986 §2.1) and cookie values (js-cookie's decoder) carry. Either
 * case is a digit, as both RFC 3986 §2.1 and decodeURIComponent accept.
 */
#ifndef BSIM_UTIL_HEX_H
#define BSIM_UTIL_HEX_H

/* 0-15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for any other character. */
static inline int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
