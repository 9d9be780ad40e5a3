/*
 * error.h (internal): raising errors into the channel of include/bsim/error.h.
 * Functions return the code they were given so that `return error_set(...)`
 * reads naturally at a failure site.
 */
#ifndef BSIM_UTIL_ERROR_H
#define BSIM_UTIL_ERROR_H

#include "bsim/error.h"

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

#endif
