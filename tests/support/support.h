/*
 * support.h: what the Criterion tests share: where the reference data is,
 * running the real bsim binary on real input, and scratch directories to
 * write into (and to check that nothing was left behind in).
 */
#ifndef BSIM_TEST_SUPPORT_H
#define BSIM_TEST_SUPPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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
	int timed_out;  /* 1: killed (SIGKILL) at support_run_opts.timeout_ms */
	long max_rss_kb; /* the child's peak resident memory (getrusage), in KiB */
	long elapsed_ms; /* wall time of the run (the test's, never the simulation's clock) */
	long cpu_ms;     /* the child's user + system CPU time: what it cost, however busy the machine */
} support_run;

/*
 * Run the bsim binary (BSIM_EXE) with argv (NULL-terminated, without argv[0]),
 * feeding `input` (may be NULL) on stdin. Returns 0 or -1 if it could not run.
 */
int support_run_bsim(support_run *r, const char *input, const char *const *argv);

/* Bounds and place for support_run_bsim_with; zero fields mean none / inherit. */
typedef struct support_run_opts {
	const char *cwd;            /* directory the child runs in */
	long timeout_ms;            /* kill the child (SIGKILL) after this long */
	unsigned long long as_bytes; /* RLIMIT_AS: address space the child may map */
	unsigned long long fsize_bytes; /* RLIMIT_FSIZE: largest file it may write (a full disk, even for root) */
} support_run_opts;

/* support_run_bsim within the bounds of opts (NULL: none). */
int support_run_bsim_with(support_run *r, const char *input, const char *const *argv, const support_run_opts *opts);
void support_run_free(support_run *r);

/*
 * Scratch directories. Criterion runs each test in a process of its own,
 * so a suite makes its directories in the test (or its .init) and removes
 * them in its .fini with support_temp_dirs_remove.
 */
#define SUPPORT_MAX_TEMP_DIRS 16

/*
 * A fresh directory /tmp/bsim-TAG-XXXXXX, remembered for
 * support_temp_dirs_remove. Static storage; NULL when it cannot be made or
 * SUPPORT_MAX_TEMP_DIRS are already in use.
 */
const char *support_temp_dir(const char *tag);

/* Remove every directory support_temp_dir made, with everything in it. */
void support_temp_dirs_remove(void);

/* Remove path and, for a directory, everything under it. Returns 0 or -1. */
int support_remove_tree(const char *path);

/*
 * The names in dir, dot files included but not "." and "..", sorted, each
 * followed by one space ("a.db b.txt "; "" when empty): what a test
 * compares to prove no temporary file was left. Allocated; NULL when dir
 * cannot be read.
 */
char *support_dir_listing(const char *dir);

/* How many entries dir holds, dot files included ("." and ".." not), or -1. */
int support_count_entries(const char *dir);

/* ---- helpers that fail the calling test (Criterion) ---------------------- */

/* Enter the source root (BSIM_SOURCE_ROOT), as bsim's messages name files from there. */
void support_to_source_root(void);

/*
 * Run bsim (support_run_bsim, nothing on stdin) with the arguments, in the
 * current directory; the test fails when bsim cannot be started. Caller
 * frees with support_run_free. support_run_args takes them NULL-terminated,
 * at most SUPPORT_MAX_ARGS; SUPPORT_RUN adds the NULL.
 */
#define SUPPORT_MAX_ARGS 48
support_run support_run_argv(const char *const *argv);
support_run support_run_args(const char *first, ...);
#define SUPPORT_RUN(...) support_run_args(__VA_ARGS__, (const char *)NULL)

/*
 * Append src[0..n) to the string in dst, a buffer of size bytes, where the
 * tests once used strcat and strncat: the test fails when it would not fit.
 * support_append appends all of src.
 */
void support_append_n(char *dst, size_t size, const char *src, size_t n);
void support_append(char *dst, size_t size, const char *src);

/* How many '\n' s holds. */
int support_count_lines(const char *s);

/* xorshift64 (Marsaglia 2003): the next of a fixed sequence from *state (not 0), so a failure replays. */
uint64_t support_random(uint64_t *state);

/* The id of a process that has just exited and been reaped: a pid no process holds (until reused). */
pid_t support_dead_pid(void);

/* The whole file at path, NUL-terminated; the test fails when it cannot be read. Caller frees. */
char *support_slurp(const char *path);

/* The run exited with code; otherwise the test fails, showing its stdout and stderr. */
void support_assert_exit(const support_run *r, int code);

/* support_count_entries, failing the test when dir cannot be read. */
int support_entries(const char *dir);

/* The string member key of obj, or NULL when it is missing or not a string. */
const char *support_json_str(json_t *obj, const char *key);

/*
 * The "cases" array of the JSON file ../shared/RELATIVE (BSIM_SHARED), read
 * with JSON_ALLOW_NUL (the public suites send NUL bytes in headers). Skips
 * the test when the file is absent (the public suites are read from there,
 * never copied); fails it when the file does not parse or has no case.
 * *root receives the document: json_decref it.
 */
json_t *support_shared_cases(const char *relative, json_t **root);

/*
 * Trim the leading and trailing spaces and tabs of s[0..*len), as an HTTP
 * stack hands a field value to the cookie code (RFC 9110 §5.5).
 */
void support_trim_ows(const char **s, size_t *len);

#endif
