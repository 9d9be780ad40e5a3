/*
 * buf.h: a growable byte buffer, always NUL-terminated once anything was
 * written. A failed allocation leaves the buffer marked failed and every
 * later write a no-op, so a sequence of writes can be checked once at the
 * end (the git_str habit).
 */
#ifndef BSIM_UTIL_BUF_H
#define BSIM_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "util/error.h"

typedef struct buf {
	char *ptr;
	size_t len;
	size_t cap;
	bool failed;
	bool borrowed;  /* ptr is the caller's storage (buf_on): never freed or reallocated */
} buf;

#define BUF_INIT {NULL, 0, 0, false, false}

/*
 * A buffer that starts in the caller's storage (cap bytes, usually on the
 * stack) and moves to the heap only when it outgrows it: a URL is parsed
 * through two scratch texts, and their allocations were a tenth of a
 * parse. buf_free and buf_detach work as for any buffer.
 */
static inline buf buf_on(char *storage, size_t cap)
{
	storage[0] = '\0';
	return (buf){storage, 0, cap, false, true};
}

int buf_grow(buf *b, size_t extra);
/* The out-of-line part of buf_put: growth, failure. */
int buf_put_slow(buf *b, const char *data, size_t len);

/*
 * Appends are inline while they fit: a Cookie header or a URL is built a
 * few bytes at a time, and a call into buf.c per byte was a tenth of the
 * cookie-jar bench's instructions.
 */
static inline int buf_put(buf *b, const char *data, size_t len)
{
	if (b->failed || len >= b->cap - b->len) /* cap 0 (nothing yet) takes the slow path too */
		return buf_put_slow(b, data, len);
	if (len) /* data may be NULL then, which memcpy must not see */
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

static inline int buf_puts(buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

static inline int buf_putc(buf *b, char c)
{
	if (b->failed || b->cap - b->len < 2)
		return buf_put_slow(b, &c, 1);
	b->ptr[b->len++] = c;
	b->ptr[b->len] = '\0';
	return 0;
}
int buf_printf(buf *b, const char *fmt, ...) BSIM_PRINTF(2, 3);
/* 0, or BSIM_ENOMEM if any write since the last clear failed. */
int buf_status(const buf *b);
/* The contents ("" when empty); borrowed from b. */
const char *buf_cstr(const buf *b);
void buf_clear(buf *b);
/* Hand the string to the caller (who frees it; "" allocated when empty) and reset b. NULL on OOM. */
char *buf_detach(buf *b);
void buf_free(buf *b);

#endif
