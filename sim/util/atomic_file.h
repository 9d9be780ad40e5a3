/*
 * atomic_file.h: replacing an output file whole or not at all. Every file
 * bsim writes for someone else to read (JUnit and JSON reports, SQLite
 * profiles, storageState and cookies.txt exports) goes through here, so a
 * crash, a full disk or a bad path leaves either the old file, byte for
 * byte, or the whole new one, and never a stray temporary file. CI keeps
 * report files as artifacts and merges them: a half-written JUnit file would
 * read as a suite with fewer tests, which is worse than no file.
 *
 * The new content goes into a temporary file in the target's directory
 * (rename is atomic only within one file system), named ".BASE.tmp-PID-N"
 * and created with O_EXCL, so two bsim processes or threads writing into one
 * directory never share one, and `bsim run DIR` (which skips dot files)
 * never reads one. It is flushed with fsync, renamed over the target, and
 * the directory is flushed so that the rename survives a power cut.
 *
 * Errors are BSIM_EIO with "cannot WHAT PATH: REASON", WHAT being the
 * caller's verb phrase ("write report", "save profile").
 */
#ifndef BSIM_UTIL_ATOMIC_FILE_H
#define BSIM_UTIL_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

typedef struct atomic_file {
	int fd;           /* the temporary file, open for writing; -1 when none */
	char *tmp;        /* its path, allocated; NULL when none */
	const char *path; /* the target (borrowed) */
	const char *what; /* verb phrase for messages (borrowed) */
} atomic_file;

#define ATOMIC_FILE_INIT {-1, NULL, NULL, NULL}

/*
 * Create the temporary file for path with the given mode (less the umask;
 * 0600 for files that hold cookies, which are credentials). path and what
 * must outlive af. On failure nothing is created and af needs no abort.
 */
int atomic_file_begin(atomic_file *af, const char *path, mode_t mode, const char *what);

/* Append data to the temporary file (retrying short writes). */
int atomic_file_write(atomic_file *af, const char *data, size_t len);

/*
 * Flush, close and rename the temporary file over the target, then flush
 * the directory. On failure the temporary file is removed and the target is
 * as it was. Either way af is finished (atomic_file_abort is then a no-op).
 */
int atomic_file_commit(atomic_file *af);

/* Give up: close and remove the temporary file. Safe on a finished or never-begun af. */
void atomic_file_abort(atomic_file *af);

/* begin, write, commit: replace path with data[0..len). */
int atomic_file_replace(const char *path, const char *data, size_t len, mode_t mode, const char *what);

/*
 * Whether a later atomic_file_replace of path can create its temporary
 * file: creates one and removes it. For checking an output path before a
 * long run rather than losing the run's result at its end. Root passes
 * every permission check, so only trying tells (a file system like /proc
 * refuses new files even to root).
 */
int atomic_file_probe(const char *path, const char *what);

#endif
