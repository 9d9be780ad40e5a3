/*
 * error.h: bsim's one error channel.
 *
 * Every public function returns 0 on success or a negative BSIM_E* code.
 * The human-readable message, and the file:line:col it concerns when there
 * is one, are kept per thread and read with bsim_error_last() right after a
 * failing call (the libgit2 convention). The returned pointer is never NULL.
 */
#ifndef BSIM_ERROR_H
#define BSIM_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
	BSIM_OK = 0,
	BSIM_ERROR = -1,     /* generic failure; the message says what */
	BSIM_ENOMEM = -2,    /* out of memory */
	BSIM_EINVAL = -3,    /* bad input (URL, header, file); the message says where */
	BSIM_ENOTFOUND = -4, /* an expected miss the caller may branch on */
	BSIM_ELIMIT = -5,    /* a named resource limit was hit; the message names it */
	BSIM_EIO = -6,       /* a file or system call failed */
	BSIM_EQUOTA = -7,    /* a Web Storage write over the engine's quota (QuotaExceededError) */
	BSIM_ESECURITY = -8, /* the page may not do that (SecurityError, e.g. storage on an opaque origin) */
	BSIM_ECORRUPT = -9,  /* a profile or import file that is corrupt, foreign or from a newer version */
	BSIM_ERESOLVE = -10  /* a host name the hosts file does not resolve */
};

typedef struct bsim_error {
	int code;            /* the BSIM_E* code of the last failure, 0 if none */
	const char *message; /* never NULL; "" when there is no error */
	const char *file;    /* input file the error concerns, or NULL */
	int line;            /* 1-based, 0 when unknown */
	int column;          /* 1-based, 0 when unknown */
} bsim_error;

/* The last error raised on this thread. Borrowed: valid until the next bsim call. */
const bsim_error *bsim_error_last(void);

/* Forget the last error (used by code that handles an inner failure itself). */
void bsim_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
