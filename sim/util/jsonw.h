/*
 * jsonw.h: bsim's one JSON string writer (`bsim cookie --json` lines, the
 * widget's JSON, reports that write bytes). Hand-written rather than built with jansson because cookie names
 * and values are bytes, not text: a value that is not UTF-8 must still give
 * a valid JSON line (its bad bytes become U+FFFD), where a JSON library
 * refuses the whole string.
 */
#ifndef BSIM_UTIL_JSONW_H
#define BSIM_UTIL_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/*
 * s[0..len) as a JSON string literal, quotes included. Valid UTF-8 is
 * copied as is; control characters, '"' and '\\' are escaped; every byte
 * that does not start a valid UTF-8 sequence is written as \ufffd.
 */
void jsonw_string(buf *b, const char *s, size_t len);
/* A NUL-terminated string, or null when s is NULL. */
void jsonw_cstr(buf *b, const char *s);

/*
 * Members of an object under construction. The first member of an object
 * is written with first = true (no comma before it).
 */
void jsonw_key(buf *b, const char *key, bool first);
void jsonw_member_str(buf *b, const char *key, const char *value, bool first);
void jsonw_member_strn(buf *b, const char *key, const char *value, size_t len, bool first);
void jsonw_member_int(buf *b, const char *key, int64_t value, bool first);
void jsonw_member_bool(buf *b, const char *key, bool value, bool first);

#endif
