/*
 * golden.h: comparing a bsim run's output with a golden file kept in the
 * source tree, for the Criterion tests that run the real binary. With
 * BSIM_UPDATE_GOLDEN set (and not "0") the file is rewritten instead, so a
 * deliberate change of output is one run and a reviewed diff.
 */
#ifndef BSIM_TESTS_GOLDEN_H
#define BSIM_TESTS_GOLDEN_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static inline void assert_golden(const char *rel, const char *actual)
{
	const char *update = getenv("BSIM_UPDATE_GOLDEN");
	if (update && *update && strcmp(update, "0") != 0) {
		FILE *f = fopen(support_source_path(rel), "wb");
		cr_assert(f, "cannot write %s", rel);
		fputs(actual, f);
		cr_assert_eq(fclose(f), 0, "cannot write %s", rel);
		return;
	}
	char *expected = NULL;
	cr_assert_eq(support_read_file(support_source_path(rel), &expected, NULL), 0, "cannot read %s", rel);
	cr_assert_str_eq(actual, expected, "output differs from %s (BSIM_UPDATE_GOLDEN=1 rewrites it)", rel);
	free(expected);
}

#endif
