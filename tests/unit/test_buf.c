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

/* buf_on: the caller's storage until it is outgrown, then the heap; the storage is never freed (ASan and valgrind would see it). */
Test(buf, on_caller_storage_moves_to_the_heap_when_outgrown)
{
	char mem[8];
	buf b = buf_on(mem, sizeof mem);
	cr_assert_str_eq(buf_cstr(&b), "");
	buf_puts(&b, "abcdef");
	cr_assert_eq(b.ptr, mem, "six bytes and the NUL fit in eight");
	cr_assert_str_eq(mem, "abcdef");
	buf_puts(&b, "ghij");
	cr_assert_neq(b.ptr, mem, "ten bytes moved to the heap");
	cr_assert_str_eq(buf_cstr(&b), "abcdefghij");
	cr_assert_str_eq(mem, "abcdef", "the caller's storage is left as it was");
	buf_free(&b);
	cr_assert_null(b.ptr);

	/* detach from the storage hands over a heap copy */
	b = buf_on(mem, sizeof mem);
	buf_putc(&b, 'x');
	char *s = buf_detach(&b);
	cr_assert_neq(s, mem);
	cr_assert_str_eq(s, "x");
	free(s);
	/* an empty one detaches as "" too, and a free of an unused one frees nothing */
	b = buf_on(mem, sizeof mem);
	s = buf_detach(&b);
	cr_assert_str_eq(s, "");
	free(s);
	b = buf_on(mem, sizeof mem);
	buf_free(&b);
}
