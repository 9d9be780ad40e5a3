/*
 * error.h (internal): raising errors into the channel of include/bsim/error.h.
 * Functions return the code they were given so that `return error_set(...)`
 * reads naturally at a failure site.
 */
#ifndef BSIM_UTIL_ERROR_H
#define BSIM_UTIL_ERROR_H

#include "bsim/error.h"

#include <stdbool.h>

struct buf;

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

/*
 * Rendering: the one place a location becomes text. An error's file, line
 * and column live only in its fields; every diagnostic a person reads is
 * rendered from them here, in the compiler shape editors and CI logs link
 * (GCC's "file:line:col: error: message").
 */

/* "FILE:LINE:COL: " onto out, leaving out what is unknown: "FILE:LINE: "
 * without a column (0), "FILE: " without a line (0), nothing without a file. */
void error_render_where(struct buf *out, const char *file, int line, int column);

/*
 * e as a diagnostic onto out: its location (error_render_where), then
 * "KIND: " when kind is not NULL (e.g. "error"), then the message; no
 * newline. A message that already leads with the same location text
 * (written before locations lived only in the fields) is not given it twice.
 */
void error_render(struct buf *out, const bsim_error *e, const char *kind);

#endif
