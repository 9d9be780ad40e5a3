/* test_error.c: the error channel of include/bsim/error.h. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/error.h"

Test(error, last_is_never_null_and_starts_clear)
{
	bsim_error_clear();
	const bsim_error *e = bsim_error_last();
	cr_assert_not_null(e);
	cr_assert_eq(e->code, 0);
	cr_assert_str_eq(e->message, "");
}

Test(error, set_returns_code_and_keeps_message)
{
	int rc = error_set(BSIM_EINVAL, "bad %s", "thing");
	cr_assert_eq(rc, BSIM_EINVAL);
	cr_assert_eq(bsim_error_last()->code, BSIM_EINVAL);
	cr_assert_str_eq(bsim_error_last()->message, "bad thing");
	cr_assert_null(bsim_error_last()->file);
}

Test(error, set_at_keeps_location)
{
	error_set_at(BSIM_EINVAL, "ops.txt", 3, 7, "expected %s", "URL");
	const bsim_error *e = bsim_error_last();
	cr_assert_str_eq(e->file, "ops.txt");
	cr_assert_eq(e->line, 3);
	cr_assert_eq(e->column, 7);
	cr_assert_str_eq(e->message, "expected URL");
}

Test(error, long_message_is_cut_not_lost)
{
	char big[3000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	error_set(BSIM_ERROR, "%s", big);
	const char *m = bsim_error_last()->message;
	size_t n = strlen(m);
	cr_assert_lt(n, sizeof big);
	cr_assert_str_eq(m + n - 3, "...");
}

Test(error, oom_does_not_allocate_and_says_so)
{
	cr_assert_eq(error_oom(), BSIM_ENOMEM);
	cr_assert_str_eq(bsim_error_last()->message, "out of memory");
}
