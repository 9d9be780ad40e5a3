/*
 * error.h (internal): raising errors into the channel of include/bsim/error.h.
 * Functions return the code they were given so that `return error_set(...)`
 * reads naturally at a failure site.
 */
#ifndef BSIM_UTIL_ERROR_H
#define BSIM_UTIL_ERROR_H

#include "bsim/error.h"

#include <stdbool.h>

#if defined(__GNUC__)
#define BSIM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define BSIM_PRINTF(a, b)
#endif

/* Record code and a printf-style message with no location. Returns code. */
int error_set(int code, const char *fmt, ...) BSIM_PRINTF(2, 3);

/* Record code, a location in an input file and a message. Returns code. */
int error_set_at(int code, const char *file, int line, int column, const char *fmt, ...)
	BSIM_PRINTF(5, 6);

/*
 * The one place a location is written in front of a message: an error
 * keeps file, line and column in its fields only, and whoever shows it
 * renders it here as "FILE:LINE:COL: message" ("FILE:LINE: message" when
 * the column is 0, "FILE: message" when the line is 0 too, the message
 * alone when there is no file). Appends to out (util/buf.h).
 */
typedef struct buf buf;
void error_render(buf *out, const bsim_error *e);

/* Record an allocation failure without allocating. Returns BSIM_ENOMEM. */
int error_oom(void);

/*
 * Wrap the last error in context: the message becomes "<context>: <inner
 * message>" and the inner file, line and column are kept. The inner message
 * is saved before the context is formatted (libgit2's save/restore), so the
 * context may itself name values from the inner error without the message
 * overwriting itself. An inner BSIM_ENOMEM stays "out of memory" with its
 * code whatever code is given, so a caller never hides it. Returns the code
 * recorded.
 */
int error_wrap(int code, const char *fmt, ...) BSIM_PRINTF(2, 3);

/* error_wrap, but the error concerns file:line:column (an input the inner
 * error did not know about, e.g. the hosts line a host name came from). */
int error_wrap_at(int code, const char *file, int line, int column, const char *fmt, ...) BSIM_PRINTF(5, 6);

/*
 * A saved copy of the last error, for code that must run something that
 * may fail (a clean-up, a retry) and then raise the first error again.
 */
typedef struct error_state {
	int code;
	int line, column;
	bool has_file;
	char message[1024];
	char file[512];
} error_state;

void error_save(error_state *st);
/* Make st the last error again. Returns its code. */
int error_restore(const error_state *st);

#endif
