/*
 * utf8.h: telling valid UTF-8 (RFC 3629) from other bytes. Cookies are
 * bytes (RFC 6265bis §5.6 lets a Set-Cookie carry any octet but CTLs), while
 * JSON, XML and terminal output are text: every writer that turns a cookie
 * into text asks here first where the bytes stop being UTF-8.
 */
#ifndef BSIM_UTIL_UTF8_H
#define BSIM_UTIL_UTF8_H

#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes, n > 0), or 0
 * when it is not one: overlong forms, surrogates and code points past
 * U+10FFFF are not UTF-8.
 */
size_t utf8_sequence_len(const unsigned char *s, size_t n);

/* Offset of the first byte of s[0..n) that is not part of valid UTF-8, or n when all are. */
size_t utf8_invalid_at(const char *s, size_t n);

#endif
