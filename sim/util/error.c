/*
 * error.c: the per-thread last-error record behind bsim_error_last().
 *
 * Messages live in fixed per-thread buffers so that raising an error never
 * allocates (an out-of-memory error must be reportable). A message longer
 * than ERROR_MESSAGE_MAX is cut with "..." rather than lost.
 */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Long enough for a cookie name, a URL and a rule; longer text is truncated. */
#define ERROR_MESSAGE_MAX 1024
#define ERROR_FILE_MAX 512

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

int error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	last.code = code;
	last.file = NULL;
	last.line = last.column = 0;
	return code;
}

int error_set_at(int code, const char *file, int line, int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(fmt, ap);
	va_end(ap);
	last.code = code;
	if (file) {
		snprintf(file_buf, sizeof file_buf, "%s", file);
		last.file = file_buf;
	} else {
		last.file = NULL;
	}
	last.line = line;
	last.column = column;
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
