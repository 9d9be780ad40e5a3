/*
 * test_suggest.c: util/suggest.c, the one "did you mean" of bsim: the
 * distance (a swap of neighbours is one edit, case is ignored) and which
 * name is close enough to suggest.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/suggest.h"

Test(suggest, distance_counts_edits_and_a_swap_as_one)
{
	static const struct {
		const char *a, *b;
		size_t d;
	} cases[] = {
		{"write", "write", 0}, {"wrtie", "write", 1}, {"vaule", "value", 1}, {"cookei", "cookie", 1},
		{"WRITE", "write", 0}, {"wait", "wat", 1},    {"chrome", "chromium", 3}, {"", "tab", 3},
		{"bogus", "focus", 2},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		cr_expect_eq(suggest_distance(cases[i].a, cases[i].b), cases[i].d, "%s / %s: %zu", cases[i].a, cases[i].b,
			     suggest_distance(cases[i].a, cases[i].b));
	char long_name[SUGGEST_NAME_MAX + 2];
	memset(long_name, 'a', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	cr_expect_eq(suggest_distance(long_name, "a"), SIZE_MAX);
}

Test(suggest, closest_suggests_only_what_was_likely_meant)
{
	static const char *const names[] = {"cookie", "value", "write", "focus", "seed", "--fail-fast", NULL, "tab"};
	static const struct {
		const char *word;
		const char *want; /* NULL: nothing suggested */
	} cases[] = {
		{"wrtie", "write"},
		{"vaule", "value"},
		{"cookei", "cookie"},
		{"--fial-fast", "--fail-fast"},
		{"sed", "seed"},
		{"bogus", NULL}, /* two edits from focus: too far for a short word */
		{"x", NULL},     /* closer than nothing is no suggestion */
		{"tba", "tab"},
		{"zzzzzz", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = suggest_closest(cases[i].word, names, sizeof names / sizeof *names);
		if (cases[i].want)
			cr_expect(got && strcmp(got, cases[i].want) == 0, "%s: got %s, want %s", cases[i].word,
				  got ? got : "nothing", cases[i].want);
		else
			cr_expect_null(got, "%s: got %s", cases[i].word, got);
	}
}
