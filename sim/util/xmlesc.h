/*
 * xmlesc.h: bsim's one XML escaper, for every writer of XML text (the
 * JUnit report, scenario files written by `bsim import-har`). Cookie
 * names and values are bytes, while XML 1.0 holds only its Char range:
 * what it cannot hold is replaced, never dropped, so a report or a
 * scenario always parses and shows where a bad byte was.
 */
#ifndef BSIM_UTIL_XMLESC_H
#define BSIM_UTIL_XMLESC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * s[0..len) escaped for element text (attribute false) or a double-quoted
 * attribute value (attribute true): &, < and > always, " in attributes.
 * In an attribute, tab and newline become character references, or
 * attribute-value normalization (XML 1.0 §3.3.3) would turn them into
 * spaces; a carriage return always does, or end-of-line handling (§2.11)
 * would drop it. A byte that does not start valid UTF-8 and a character
 * outside XML 1.0 §2.2's Char (C0 controls but tab, newline and CR;
 * U+FFFE, U+FFFF) is written as `replacement` ("\xEF\xBF\xBD", U+FFFD, or
 * "?"), one per byte of a broken sequence.
 */
void xml_escape(buf *b, const char *s, size_t len, bool attribute, const char *replacement);

/*
 * s as the text of a comment (<!-- s -->): XML 1.0 §2.5 allows no "--"
 * inside one and no '-' at its end, so each such '-' is followed by a
 * space. Newlines are kept; other characters outside Char become "?".
 */
void xml_comment_text(buf *b, const char *s);

#endif
