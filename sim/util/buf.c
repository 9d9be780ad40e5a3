/*
 * buf.c: the growable buffer of buf.h. Growth doubles, so building a Cookie
 * header or a dump line costs amortized O(1) per byte.
 */
#include "util/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int buf_grow(buf *b, size_t extra)
{
	if (b->failed)
		return BSIM_ENOMEM;
	if (extra > SIZE_MAX / 2 - b->len - 1) {
		b->failed = true;
		return error_oom();
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = b->borrowed ? malloc(cap) : realloc(b->ptr, cap);
	if (!p) {
		b->failed = true;
		return error_oom();
	}
	if (b->borrowed)
		memcpy(p, b->ptr, b->len); /* out of the caller's storage, which stays theirs */
	p[b->len] = '\0'; /* a buffer grown ahead of its first write reads as "" */
	b->ptr = p;
	b->cap = cap;
	b->borrowed = false;
	return 0;
}

int buf_put_slow(buf *b, const char *data, size_t len)
{
	if (buf_grow(b, len) < 0)
		return BSIM_ENOMEM;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return error_set(BSIM_ERROR, "formatting failed");
	if ((size_t)n < sizeof small)
		return buf_put(b, small, (size_t)n);
	if (buf_grow(b, (size_t)n) < 0)
		return BSIM_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int buf_status(const buf *b)
{
	return b->failed ? BSIM_ENOMEM : 0;
}

const char *buf_cstr(const buf *b)
{
	return b->ptr ? b->ptr : "";
}

void buf_clear(buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->ptr)
		b->ptr[0] = '\0';
}

char *buf_detach(buf *b)
{
	char *p = b->ptr;
	if (b->failed) {
		if (!b->borrowed)
			free(p);
		p = NULL;
	} else if (b->borrowed) {
		p = malloc(b->len + 1);
		if (p) {
			memcpy(p, b->ptr, b->len);
			p[b->len] = '\0';
		}
	} else if (!p) {
		p = calloc(1, 1);
	}
	*b = (buf)BUF_INIT;
	return p;
}

void buf_free(buf *b)
{
	if (!b->borrowed)
		free(b->ptr);
	*b = (buf)BUF_INIT;
}
