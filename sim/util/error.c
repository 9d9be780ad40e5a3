/*
 * error.c: the per-thread last-error record behind bsim_error_last().
 *
 * Messages live in fixed per-thread buffers so that raising an error never
 * allocates (an out-of-memory error must be reportable). A message longer
 * than ERROR_MESSAGE_MAX is cut with "..." rather than lost.
 */
#include "util/error.h"
#include "util/buf.h"

#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Long enough for a cookie name, a URL and a rule; longer text is truncated.
 * error_state in error.h holds one of each. */
#define ERROR_MESSAGE_MAX 1024
#define ERROR_FILE_MAX 512
_Static_assert(sizeof(((error_state *)0)->message) == ERROR_MESSAGE_MAX, "error_state holds a whole message");
_Static_assert(sizeof(((error_state *)0)->file) == ERROR_FILE_MAX, "error_state holds a whole file name");

static _Thread_local char message_buf[ERROR_MESSAGE_MAX];
static _Thread_local char file_buf[ERROR_FILE_MAX];
static _Thread_local bsim_error last = {0, "", NULL, 0, 0};

static void set_message(const char *fmt, va_list ap)
{
	int n = vsnprintf(message_buf, sizeof message_buf, fmt, ap);
	if (n >= (int)sizeof message_buf)
		memcpy(message_buf + sizeof message_buf - 4, "...", 4);
	last.message = message_buf;
}

/* The location of the last error; file is copied (it may be the caller's
 * temporary), unless it already is the copy (a caller re-raising a location
 * it read from bsim_error_last()). */
static void set_location(const char *file, int line, int column)
{
	if (file && file != file_buf) {
		snprintf(file_buf, sizeof file_buf, "%s", file);
		last.file = file_buf;
	} else {
		last.file = file;
	}
	last.line = line;
	last.column = column;
}

int error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	last.code = code;
	set_location(NULL, 0, 0);
	return code;
}

int error_set_at(int code, const char *file, int line, int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	last.code = code;
	set_location(file, line, column);
	return code;
}

int error_oom(void)
{
	last.code = BSIM_ENOMEM;
	last.message = "out of memory";
	last.file = NULL;
	last.line = last.column = 0;
	return BSIM_ENOMEM;
}

void error_save(error_state *st)
{
	st->code = last.code;
	st->line = last.line;
	st->column = last.column;
	snprintf(st->message, sizeof st->message, "%s", last.message);
	st->has_file = last.file != NULL;
	snprintf(st->file, sizeof st->file, "%s", last.file ? last.file : "");
}

int error_restore(const error_state *st)
{
	snprintf(message_buf, sizeof message_buf, "%s", st->message);
	last.message = message_buf;
	set_location(st->has_file ? st->file : NULL, st->line, st->column);
	last.code = st->code;
	return st->code;
}

static int wrap(int code, bool here, const char *file, int line, int column, const char *fmt, va_list ap)
{
	error_state inner;
	error_save(&inner);
	if (inner.code == BSIM_ENOMEM)
		return error_oom(); /* never hidden behind a context, and never allocates */
	char context[ERROR_MESSAGE_MAX];
	vsnprintf(context, sizeof context, fmt, ap);
	int n = snprintf(message_buf, sizeof message_buf, "%s: %s", context, inner.message);
	if (n >= (int)sizeof message_buf)
		memcpy(message_buf + sizeof message_buf - 4, "...", 4);
	last.message = message_buf;
	if (!here) {
		file = inner.has_file ? inner.file : NULL;
		line = inner.line;
		column = inner.column;
	}
	set_location(file, line, column);
	last.code = code;
	return code;
}

int error_wrap(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = wrap(code, false, NULL, 0, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int error_wrap_at(int code, const char *file, int line, int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = wrap(code, true, file, line, column, fmt, ap);
	va_end(ap);
	return rc;
}

const bsim_error *bsim_error_last(void)
{
	return &last;
}

void bsim_error_clear(void)
{
	last.code = 0;
	last.message = "";
	last.file = NULL;
	last.line = last.column = 0;
}

void error_render_where(buf *out, const char *file, int line, int column)
{
	if (!file)
		return;
	if (line > 0 && column > 0)
		buf_printf(out, "%s:%d:%d: ", file, line, column);
	else if (line > 0)
		buf_printf(out, "%s:%d: ", file, line);
	else
		buf_printf(out, "%s: ", file);
}

void error_render(buf *out, const bsim_error *e, const char *kind)
{
	size_t start = out->len;
	error_render_where(out, e->file, e->line, e->column);
	const char *what = e->message ? e->message : "";
	size_t n = out->len - start;
	if (n && buf_status(out) == 0 && strncmp(what, out->ptr + start, n) == 0)
		what += n;
	if (kind)
		buf_printf(out, "%s: ", kind);
	buf_puts(out, what);
}
