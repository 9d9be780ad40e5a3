/*
 * utf8.h: telling valid UTF-8 (RFC 3629) from other bytes, and bsim's one
 * UTF-8 decoder and encoder. Cookies are bytes (RFC 6265bis §5.6 lets a
 * Set-Cookie carry any octet but CTLs), while JSON, XML and terminal output
 * are text: every writer that turns a cookie into text asks here first where
 * the bytes stop being UTF-8, and what code point they hold.
 */
#ifndef BSIM_UTIL_UTF8_H
#define BSIM_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* U+FFFD REPLACEMENT CHARACTER: what a byte that is not UTF-8 becomes in text. */
#define UTF8_REPLACEMENT 0xFFFDu

/*
 * Decode the valid UTF-8 sequence at s (at most n bytes, n > 0): its length
 * (1 to 4), with its code point in *cp; or 0, with UTF8_REPLACEMENT in *cp,
 * when s does not start one. Overlong forms, surrogates and code points past
 * U+10FFFF are not UTF-8 (RFC 3629 §3-4).
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/*
 * utf8_decode with replacement, for writers that must go on: a byte that
 * starts no valid sequence yields UTF8_REPLACEMENT and is consumed alone, so
 * the text after it survives. Returns the bytes consumed (>= 1).
 */
size_t utf8_next(const char *s, size_t n, uint32_t *cp);
/* Append cp (at most U+10FFFF) to b as UTF-8. */
void utf8_put(buf *b, uint32_t cp);

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes, n > 0), or 0
 * when it is not one: overlong forms, surrogates and code points past
 * U+10FFFF are not UTF-8.
 */
size_t utf8_sequence_len(const unsigned char *s, size_t n);

/* Offset of the first byte of s[0..n) that is not part of valid UTF-8, or n when all are. */
size_t utf8_invalid_at(const char *s, size_t n);

#endif
