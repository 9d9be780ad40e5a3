/* test_buf.c: the growable buffer of util/buf.h. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

Test(buf, empty_buffer_reads_as_empty_string)
{
	buf b = BUF_INIT;
	cr_assert_str_eq(buf_cstr(&b), "");
	char *s = buf_detach(&b);
	cr_assert_str_eq(s, "");
	free(s);
}

Test(buf, grows_across_many_writes)
{
	buf b = BUF_INIT;
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d;", i % 10);
	cr_assert_eq(buf_status(&b), 0);
	cr_assert_eq(b.len, 2000);
	cr_assert_eq(strncmp(b.ptr, "0;1;2;", 6), 0);
	buf_free(&b);
}

Test(buf, printf_longer_than_the_stack_scratch)
{
	buf b = BUF_INIT;
	char big[1000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_printf(&b, "<%s>", big);
	cr_assert_eq(b.len, 1001);
	cr_assert_eq(b.ptr[0], '<');
	cr_assert_eq(b.ptr[1000], '>');
	buf_free(&b);
}

Test(buf, clear_keeps_memory_and_empties)
{
	buf b = BUF_INIT;
	buf_puts(&b, "abc");
	buf_clear(&b);
	cr_assert_str_eq(buf_cstr(&b), "");
	buf_putc(&b, 'z');
	cr_assert_str_eq(buf_cstr(&b), "z");
	buf_free(&b);
}
