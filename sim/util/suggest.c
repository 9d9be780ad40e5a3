/*
 * suggest.c: the closest name of a vocabulary to a misspelt word (see
 * suggest.h), for every "did you mean" bsim prints.
 */
#include "util/suggest.h"

#include <stdint.h>
#include <string.h>

static inline unsigned char fold(char c)
{
	return (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

size_t suggest_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > SUGGEST_NAME_MAX || lb > SUGGEST_NAME_MAX)
		return SIZE_MAX;
	size_t d[SUGGEST_NAME_MAX + 1][SUGGEST_NAME_MAX + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (fold(a[i - 1]) != fold(b[j - 1]));
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			/* Two neighbours swapped: one slip of the fingers, one edit. */
			if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *suggest_closest(const char *word, const char *const *names, size_t n)
{
	size_t len = strlen(word);
	size_t allowed = len <= SUGGEST_SHORT_WORD ? 1 : 2;
	const char *best = NULL;
	size_t best_d = allowed + 1;
	for (size_t i = 0; i < n; i++) {
		if (!names[i])
			continue;
		size_t dist = suggest_distance(word, names[i]);
		if (dist < best_d && dist < strlen(names[i]) && dist < len) {
			best = names[i];
			best_d = dist;
		}
	}
	return best;
}
