/* test_error.c: the error channel of include/bsim/error.h. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/grow.h"

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

Test(error, oom_returns_enomem_and_says_so)
{
	cr_assert_eq(error_oom(), BSIM_ENOMEM);
	cr_assert_str_eq(bsim_error_last()->message, "out of memory");
}

/* A wrap whose context names the inner message's own text must not read the
 * message while overwriting it (the old hosts-line bug printed
 * `bad host name "bad%host": rs refuse in a host name…`). */
Test(error, wrap_keeps_the_inner_message_and_location_whole)
{
	error_set_at(BSIM_EINVAL, "hosts.txt", 4, 9, "URLs refuse \"%%\" in a host name");
	int rc = error_wrap(BSIM_EINVAL, "bad host name \"%s\"", "bad%host");
	cr_assert_eq(rc, BSIM_EINVAL);
	const bsim_error *e = bsim_error_last();
	cr_assert_str_eq(e->message, "bad host name \"bad%host\": URLs refuse \"%\" in a host name");
	cr_assert_str_eq(e->file, "hosts.txt");
	cr_assert_eq(e->line, 4);
	cr_assert_eq(e->column, 9);
}

Test(error, wrap_may_quote_the_inner_message_in_its_context)
{
	error_set(BSIM_EINVAL, "inner words");
	error_wrap(BSIM_ERROR, "around [%s]", bsim_error_last()->message);
	cr_assert_str_eq(bsim_error_last()->message, "around [inner words]: inner words");
	cr_assert_eq(bsim_error_last()->code, BSIM_ERROR);
}

Test(error, wrap_never_hides_out_of_memory)
{
	error_oom();
	cr_assert_eq(error_wrap(BSIM_EINVAL, "loading %s", "x"), BSIM_ENOMEM);
	cr_assert_str_eq(bsim_error_last()->message, "out of memory");
}

Test(error, save_and_restore_survive_a_later_failure)
{
	error_set_at(BSIM_EIO, "a.xml", 2, 3, "first");
	error_state st;
	error_save(&st);
	error_set(BSIM_EINVAL, "clean-up failed");
	cr_assert_eq(error_restore(&st), BSIM_EIO);
	cr_assert_str_eq(bsim_error_last()->message, "first");
	cr_assert_str_eq(bsim_error_last()->file, "a.xml");
	cr_assert_eq(bsim_error_last()->column, 3);
}

Test(grow, doubles_from_eight_and_keeps_contents)
{
	int *a = NULL;
	size_t cap = 0;
	cr_assert_eq(ARRAY_GROW(&a, &cap, 1), 0);
	cr_assert_eq(cap, 8);
	for (int i = 0; i < 8; i++)
		a[i] = i;
	cr_assert_eq(ARRAY_GROW(&a, &cap, 9), 0);
	cr_assert_eq(cap, 16);
	for (int i = 0; i < 8; i++)
		cr_assert_eq(a[i], i);
	cr_assert_eq(ARRAY_GROW(&a, &cap, 3), 0, "a smaller need is a no-op");
	cr_assert_eq(cap, 16);
	free(a);
}

Test(grow, refuses_a_size_that_would_overflow)
{
	char *a = NULL;
	size_t cap = 0;
	cr_assert_eq(array_grow(&a, &cap, SIZE_MAX / 4 + 2, 4), BSIM_ENOMEM);
	cr_assert_null(a);
	cr_assert_eq(cap, 0);
	cr_assert_eq(array_grow(&a, &cap, SIZE_MAX, 1), BSIM_ENOMEM);
	cr_assert_eq(cap, 0);
}

Test(error, wrap_at_names_the_outer_location)
{
	error_set(BSIM_EINVAL, "not a host name");
	error_wrap_at(BSIM_EINVAL, "hosts", 7, 0, "bad host name \"%s\"", "x y");
	cr_assert_str_eq(bsim_error_last()->message, "bad host name \"x y\": not a host name");
	cr_assert_str_eq(bsim_error_last()->file, "hosts");
	cr_assert_eq(bsim_error_last()->line, 7);
}

/* The one rendering of a location: from the fields, leaving out what is unknown. */
static const struct {
	const char *file;
	int line, column;
	const char *message, *kind, *want;
} render_rows[] = {
	{"a.xml", 3, 7, "expected a URL", "error", "a.xml:3:7: error: expected a URL"},
	{"a.xml", 3, 0, "no scenario there", "error", "a.xml:3: error: no scenario there"},
	{"a.xml", 0, 0, "not XML", "error", "a.xml: error: not XML"},
	{NULL, 0, 0, "bad option", "error", "error: bad option"},
	{"a.xml", 3, 7, "expected a URL", NULL, "a.xml:3:7: expected a URL"},
	/* A message that still leads with its location gets it once. */
	{"a.xml", 3, 7, "a.xml:3:7: expected a URL", "error", "a.xml:3:7: error: expected a URL"},
	/* ...but only that exact location: another one is part of the message. */
	{"a.xml", 3, 7, "b.xml:1:1: included here", "error", "a.xml:3:7: error: b.xml:1:1: included here"},
};

Test(error, render_puts_the_location_from_the_fields_once)
{
	size_t n = sizeof render_rows / sizeof *render_rows;
	for (size_t i = 0; i < n; i++) {
		bsim_error e = {BSIM_EINVAL, render_rows[i].message, render_rows[i].file, render_rows[i].line,
				render_rows[i].column};
		buf b = BUF_INIT;
		error_render(&b, &e, render_rows[i].kind);
		cr_assert_eq(buf_status(&b), 0);
		cr_expect_str_eq(buf_cstr(&b), render_rows[i].want, "row %zu", i);
		buf_free(&b);
	}
}

Test(error, render_of_a_wrapped_error_names_the_inner_location)
{
	error_set_at(BSIM_EINVAL, "hosts", 2, 5, "bad host name \"x%%y\"");
	error_wrap(BSIM_EINVAL, "loading the hosts file");
	buf b = BUF_INIT;
	error_render(&b, bsim_error_last(), "error");
	cr_expect_str_eq(buf_cstr(&b), "hosts:2:5: error: loading the hosts file: bad host name \"x%y\"");
	buf_free(&b);
}

Test(error, render_puts_the_location_from_the_fields_before_the_message)
{
	static const struct {
		bsim_error e;
		const char *want;
	} cases[] = {
		{{BSIM_EINVAL, "bad URL", "t.xml", 3, 7}, "t.xml:3:7: bad URL"},
		{{BSIM_EINVAL, "line too long", "hosts", 2, 0}, "hosts:2: line too long"},
		{{BSIM_EIO, "cannot read: No such file or directory", "dir", 0, 0}, "dir: cannot read: No such file or directory"},
		{{BSIM_EINVAL, "too many errors", NULL, 4, 5}, "too many errors"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		buf b = BUF_INIT;
		buf_puts(&b, "> ");
		error_render(&b, &cases[i].e, NULL);
		cr_expect_eq(buf_status(&b), 0);
		cr_expect_str_eq(buf_cstr(&b) + 2, cases[i].want, "case %zu", i);
		buf_free(&b);
	}
	/* What the channel holds renders the same way. */
	error_set_at(BSIM_EINVAL, "ops.txt", 3, 7, "expected %s", "URL");
	buf b = BUF_INIT;
	error_render(&b, bsim_error_last(), NULL);
	cr_expect_str_eq(buf_cstr(&b), "ops.txt:3:7: expected URL");
	buf_free(&b);
}

/* Re-raising the location the channel already holds (a caller that read it
 * from bsim_error_last()) keeps it, rather than copying a buffer onto itself. */
Test(error, set_at_may_reuse_the_last_location)
{
	error_set_at(BSIM_EINVAL, "scenario.xml", 12, 4, "first");
	const bsim_error *e = bsim_error_last();
	error_set_at(BSIM_EIO, e->file, e->line, e->column, "second");
	cr_assert_str_eq(bsim_error_last()->file, "scenario.xml");
	cr_assert_eq(bsim_error_last()->line, 12);
	cr_assert_str_eq(bsim_error_last()->message, "second");
}
