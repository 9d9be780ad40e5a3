/*
 * atomic_file.h: replacing an output file whole or not at all. Every file
 * bsim writes for someone else to read (JUnit and JSON reports, SQLite
 * profiles, storageState and cookies.txt exports) goes through here, so a
 * crash, a full disk or a bad path leaves either the old file, byte for
 * byte, or the whole new one, and never a stray temporary file. CI keeps
 * report files as artifacts and merges them: a half-written JUnit file would
 * read as a suite with fewer tests, which is worse than no file.
 *
 * What the path names decides how it is written:
 *  - an absent path or a regular file is replaced atomically: the new
 *    content goes into a temporary file in the target's directory (rename
 *    is atomic only within one file system), is flushed with fsync and
 *    renamed over the target, and the directory is flushed so that the
 *    rename survives a power cut;
 *  - a symbolic link is followed, to its end (PATH_MAX_LINKS), and the
 *    file it leads to is replaced there, in that file's directory: the link
 *    stays a link;
 *  - a character device or a FIFO (/dev/null, /dev/stdout on a pipe, a
 *    named pipe) is written through: opened for writing without O_CREAT or
 *    O_TRUNC, so it stays what it was. Such a write cannot be atomic, and a
 *    write error (ENOSPC on /dev/full) is reported as any other. A FIFO that
 *    no process reads is an error, not a wait;
 *  - a directory, block device or socket is refused, and nothing is ever
 *    renamed over a file that is not regular.
 *
 * The temporary file is, on Linux, an unnamed O_TMPFILE file that gets a
 * name (linkat) only just before the rename, so a kill -9 while writing
 * leaves nothing behind. Where the file system or the kernel has no
 * O_TMPFILE, and for a caller that needs a name (SQLite opens its file by
 * name), it is named ".BASE.tmp-PID-N" and created with O_EXCL, so two
 * bsim processes or threads writing into one directory never share one,
 * and `bsim run DIR` (which skips dot files) never reads one. Such a file
 * left by a killed bsim (its PID no longer alive, the file ours) is removed
 * by the next write into that directory. (A process in another PID
 * namespace writing into the same directory looks dead from here: its
 * rename then fails and it reports the error; nothing is damaged.)
 *
 * Errors are BSIM_EIO with "cannot WHAT PATH: REASON", WHAT being the
 * caller's verb phrase ("write report", "save profile").
 */
#ifndef BSIM_UTIL_ATOMIC_FILE_H
#define BSIM_UTIL_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* How an atomic_file writes (chosen by atomic_file_begin from what the path names). */
typedef enum atomic_how {
	ATOMIC_NONE = 0,
	ATOMIC_UNNAMED,  /* an O_TMPFILE file, named and renamed over the target at commit */
	ATOMIC_NAMED,    /* a named temporary file (tmp), renamed over the target at commit */
	ATOMIC_THROUGH   /* straight into a character device or FIFO */
} atomic_how;

typedef struct atomic_file {
	int fd;           /* the file being written; -1 when none */
	char *tmp;        /* the temporary file's name, allocated; NULL while it has none */
	char *target;     /* what is replaced: path, its symbolic links followed; allocated */
	char *dir;        /* the target's directory, allocated */
	const char *path; /* the target as the caller named it (borrowed), for messages */
	const char *what; /* verb phrase for messages (borrowed) */
	atomic_how how;
} atomic_file;

#define ATOMIC_FILE_INIT {-1, NULL, NULL, NULL, NULL, NULL, ATOMIC_NONE}

/*
 * Start writing path, with the given mode for a new file (less the umask;
 * 0600 for files that hold cookies, which are credentials). path and what
 * must outlive af. On failure nothing is created and af needs no abort.
 */
int atomic_file_begin(atomic_file *af, const char *path, mode_t mode, const char *what);

/*
 * The same for a caller that writes the file by name (af->tmp, as SQLite
 * does): always a named temporary file, so only an absent path or a regular
 * file (or a link to one) can be written; anything else is refused.
 */
int atomic_file_begin_named(atomic_file *af, const char *path, mode_t mode, const char *what);

/* Append data (retrying short writes). */
int atomic_file_write(atomic_file *af, const char *data, size_t len);

/*
 * Flush, close and rename the temporary file over the target, then flush
 * the directory (written through: close). On failure the temporary file is
 * removed and the target is as it was. Either way af is finished
 * (atomic_file_abort is then a no-op).
 */
int atomic_file_commit(atomic_file *af);

/* Give up: close and remove the temporary file. Safe on a finished or never-begun af. */
void atomic_file_abort(atomic_file *af);

/* begin, write, commit: replace path with data[0..len). */
int atomic_file_replace(const char *path, const char *data, size_t len, mode_t mode, const char *what);

/*
 * Whether a later atomic_file_replace of path can succeed, for checking an
 * output path before a long run rather than losing the run's result at its
 * end: a path to replace gets a temporary file made and removed (root
 * passes every permission check, so only trying tells: /proc refuses new
 * files even to root); a device or FIFO is checked for write permission but
 * not opened (opening a FIFO and closing it would end its reader's input).
 */
int atomic_file_probe(const char *path, const char *what);

#endif
