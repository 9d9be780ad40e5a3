/*
 * hex.h: hexadecimal digits and percent-escapes (RFC 3986 §2.1), the one
 * reading of "%XX" shared by the URL parser (net/url.c) and the widget's
 * cookie values (widgets/model.c).
 */
#ifndef BSIM_UTIL_HEX_H
#define BSIM_UTIL_HEX_H

#include <stddef.h>

/* The value of hex digit c (0-9, a-f, A-F), or -1 for any other byte. */
int hex_value(char c);

/*
 * The byte the percent-escape at the start of s[0..n) stands for: "%41" is
 * 0x41. -1 when s does not start with '%' and two hex digits (fewer than
 * three bytes, "%4", "%4G"), which browsers keep as written.
 */
int hex_escape_value(const char *s, size_t n);

#endif
