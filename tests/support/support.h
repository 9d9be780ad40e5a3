/*
 * support.h: what the Criterion tests share: where the reference data is,
 * and running the real bsim binary on real input.
 */
#ifndef BSIM_TEST_SUPPORT_H
#define BSIM_TEST_SUPPORT_H

#include <stddef.h>

/*
 * Path of a file under ../shared (BSIM_SHARED), e.g. "conformance/http-state/cases.json",
 * or NULL when it is absent: the caller then skips with a clear message
 * (cr_skip_test). Returned string is static storage, valid until the next call.
 */
const char *support_shared_path(const char *relative);

/* Path of a file under the source tree (BSIM_SOURCE_ROOT). Static storage as above. */
const char *support_source_path(const char *relative);

/* Read a whole file; *out allocated and NUL-terminated. Returns 0 or -1. */
int support_read_file(const char *path, char **out, size_t *len);

typedef struct support_run {
	int status;     /* exit code, or 128+signal */
	char *out;      /* stdout, NUL-terminated, caller frees */
	char *err;      /* stderr, NUL-terminated, caller frees */
} support_run;

/*
 * Run the bsim binary (BSIM_EXE) with argv (NULL-terminated, without argv[0]),
 * feeding `input` (may be NULL) on stdin. Returns 0 or -1 if it could not run.
 */
int support_run_bsim(support_run *r, const char *input, const char *const *argv);
void support_run_free(support_run *r);

#endif
