/*
 * suggest.h: "did you mean", defined once. A misspelt element, attribute,
 * fragment, engine, widget version or command-line option is answered with
 * the closest name of its vocabulary when that name is close enough to be
 * what was meant, and with nothing otherwise (a list of every name is the
 * caller's fallback). Closeness is the optimal-string-alignment distance
 * (insertions, deletions, substitutions, and a swap of two neighbours
 * counting as one: "wrtie" is one edit from "write"), ASCII case ignored.
 */
#ifndef BSIM_UTIL_SUGGEST_H
#define BSIM_UTIL_SUGGEST_H

#include <stddef.h>

/* Names longer than this are never suggested or matched: no vocabulary of bsim has one. */
#define SUGGEST_NAME_MAX 40
/*
 * A word up to this long may be one edit from what was meant, a longer one
 * two: two edits from a short word reach unrelated names ("bogus" and
 * "focus").
 */
#define SUGGEST_SHORT_WORD 5

/* Edits between a and b (ASCII case ignored); SIZE_MAX when either is longer than SUGGEST_NAME_MAX. */
size_t suggest_distance(const char *a, const char *b);

/*
 * The name of names[0..n) (NULL entries skipped) closest to word when it is
 * within the edits allowed for word's length and closer than its own length
 * (so "x" suggests nothing), the first of equals; NULL otherwise. An exact
 * match is returned too: the caller asks only for words it did not know.
 */
const char *suggest_closest(const char *word, const char *const *names, size_t n);

#endif
