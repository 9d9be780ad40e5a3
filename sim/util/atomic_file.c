/*
 * atomic_file.c: output files replaced whole or not at all (atomic_file.h),
 * for reports, profiles and exports alike.
 */
#define _GNU_SOURCE /* O_TMPFILE, AT_EMPTY_PATH (Linux) */
#include "util/atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/path.h"

/* Names already taken (a stale file from a killed run with a recycled pid): try a few more counters, then give up. */
#define ATOMIC_NAME_ATTEMPTS 16
/* What a temporary file's name holds after ".BASE": the marker, then "PID-N". */
#define ATOMIC_TMP_MARK ".tmp-"

static atomic_uint tmp_counter;

static int fail(const atomic_file *af, const char *fmt, const char *arg, int err)
{
	char reason[600];
	snprintf(reason, sizeof reason, fmt, arg);
	return error_set(BSIM_EIO, "cannot %s %s: %s: %s", af->what, af->path, reason, strerror(err));
}

static void release(atomic_file *af)
{
	free(af->tmp);
	free(af->target);
	free(af->dir);
	af->tmp = af->target = af->dir = NULL;
	af->how = ATOMIC_NONE;
}

/* ---- stale temporary files ---- */

/* The pid in a temporary file's name ".BASE.tmp-PID-N", or 0 when the name is not one. */
static pid_t stale_pid(const char *name)
{
	if (name[0] != '.')
		return 0;
	const char *mark = NULL;
	for (const char *p = strstr(name + 1, ATOMIC_TMP_MARK); p; p = strstr(p + 1, ATOMIC_TMP_MARK))
		mark = p;
	if (!mark || mark == name + 1)
		return 0; /* no BASE */
	const char *p = mark + strlen(ATOMIC_TMP_MARK);
	long pid = 0;
	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((pid = pid * 10 + (*p - '0')) > 1L << 30)
			return 0;
	if (*p++ != '-' || *p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p ? 0 : (pid_t)pid;
}

/*
 * Remove the temporary files a killed bsim left in dir: named like ours,
 * regular, owned by this user, their pid no longer a live process. A live
 * pid (another bsim writing right now, or this one) keeps its file.
 */
static void remove_stale(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		pid_t pid = stale_pid(e->d_name);
		struct stat st;
		if (pid <= 0 || pid == getpid() || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (kill(pid, 0) != 0 && errno == ESRCH)
			(void)unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
}

/* ---- what the path names ---- */

static const char *kind_name(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "a special file";
}

/*
 * Decide how to write af->path: af->how, and for a replace af->target and
 * af->dir. `named_only`: the caller needs a named temporary file.
 */
static int classify(atomic_file *af, bool named_only)
{
	struct stat st;
	if (stat(af->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return error_set(BSIM_EIO, "cannot %s %s: it is a directory; expected a file name", af->what,
					 af->path);
		if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
			if (named_only)
				return error_set(BSIM_EIO, "cannot %s %s: it is a %s; this file can only be written as a "
							   "regular file", af->what, af->path,
						 S_ISCHR(st.st_mode) ? "character device" : "FIFO");
			af->how = ATOMIC_THROUGH;
			return 0;
		}
		return error_set(BSIM_EIO, "cannot %s %s: it is %s; bsim writes regular files, character devices "
					   "and FIFOs", af->what, af->path, kind_name(st.st_mode));
	}
	/* A regular file or nothing (yet): replaced where its symbolic links lead. */
	if (path_follow(&af->target, af->path) < 0)
		return errno == ENOMEM ? error_oom()
				       : error_set(BSIM_EIO, "cannot %s %s: following its symbolic links: %s", af->what,
						   af->path, strerror(errno));
	const char *base = strrchr(af->target, '/');
	base = base ? base + 1 : af->target;
	if (!*base)
		return error_set(BSIM_EIO, "cannot %s %s: not a file name", af->what, af->path);
	buf dir = BUF_INIT;
	path_dir_of(&dir, af->target);
	if (buf_status(&dir) < 0 || !(af->dir = buf_detach(&dir))) {
		buf_free(&dir);
		return error_oom();
	}
	af->how = named_only ? ATOMIC_NAMED : ATOMIC_UNNAMED;
	return 0;
}

/* ---- beginning ---- */

/* "DIR/.BASE.tmp-PID-N" for the target, a fresh N each call. NULL on OOM. */
static char *tmp_name(const atomic_file *af)
{
	const char *base = strrchr(af->target, '/');
	base = base ? base + 1 : af->target;
	buf b = BUF_INIT;
	buf_put(&b, af->target, (size_t)(base - af->target));
	buf_printf(&b, ".%s" ATOMIC_TMP_MARK "%ld-%u", base, (long)getpid(), atomic_fetch_add(&tmp_counter, 1));
	char *s = buf_status(&b) < 0 ? NULL : buf_detach(&b);
	buf_free(&b);
	return s;
}

static int open_named(atomic_file *af, mode_t mode)
{
	int err = 0;
	for (int attempt = 0; attempt < ATOMIC_NAME_ATTEMPTS; attempt++) {
		char *tmp = tmp_name(af);
		if (!tmp)
			return error_oom();
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		err = errno;
		if (fd >= 0) {
			af->fd = fd;
			af->tmp = tmp;
			return 0;
		}
		free(tmp);
		if (err != EEXIST)
			break;
	}
	return fail(af, "cannot create a temporary file in %s", af->dir, err);
}

/*
 * An unnamed temporary file: nothing to leave behind if bsim is killed. It
 * is named at commit through /proc/self/fd, so it is tried only where that
 * exists. 0, or 1 when the named way must be taken instead.
 */
static int open_unnamed(atomic_file *af, mode_t mode)
{
#ifdef O_TMPFILE
	/* The name it gets at commit must fit (NAME_MAX): if not, the named way says so now, before any writing. */
	char *name = tmp_name(af);
	const char *last = name ? strrchr(name, '/') : NULL;
	bool fits = name && strlen(last ? last + 1 : name) <= NAME_MAX;
	free(name);
	if (!fits || access("/proc/self/fd", X_OK) != 0)
		return 1;
	int fd = open(af->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	if (fd < 0)
		return 1; /* EOPNOTSUPP, EISDIR (an old kernel), or a real error the named way reports */
	af->fd = fd;
	return 0;
#else
	(void)af;
	(void)mode;
	return 1;
#endif
}

static int open_through(atomic_file *af)
{
	/* O_NONBLOCK: a FIFO without a reader fails (ENXIO) rather than waiting for ever. No O_CREAT, no O_TRUNC. */
	int fd = open(af->path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENXIO)
			return error_set(BSIM_EIO, "cannot %s %s: it is a FIFO that no process is reading", af->what,
					 af->path);
		return error_set(BSIM_EIO, "cannot %s %s: %s", af->what, af->path, strerror(errno));
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	af->fd = fd;
	return 0;
}

static int begin(atomic_file *af, const char *path, mode_t mode, const char *what, bool named_only)
{
	*af = (atomic_file)ATOMIC_FILE_INIT;
	af->path = path;
	af->what = what;
	int rc = classify(af, named_only);
	if (rc == 0 && af->how == ATOMIC_THROUGH)
		rc = open_through(af);
	else if (rc == 0) {
		remove_stale(af->dir);
		if (af->how == ATOMIC_NAMED || open_unnamed(af, mode) != 0) {
			af->how = ATOMIC_NAMED;
			rc = open_named(af, mode);
		}
	}
	if (rc < 0)
		release(af);
	return rc;
}

int atomic_file_begin(atomic_file *af, const char *path, mode_t mode, const char *what)
{
	return begin(af, path, mode, what, false);
}

int atomic_file_begin_named(atomic_file *af, const char *path, mode_t mode, const char *what)
{
	return begin(af, path, mode, what, true);
}

/* ---- writing and finishing ---- */

/* Where a write failed, for its message. */
static int write_failed(const atomic_file *af, int err)
{
	if (af->how == ATOMIC_THROUGH)
		return error_set(BSIM_EIO, "cannot %s %s: writing to it: %s", af->what, af->path, strerror(err));
	if (af->tmp)
		return fail(af, "writing %s", af->tmp, err);
	return fail(af, "writing a temporary file in %s", af->dir, err);
}

int atomic_file_write(atomic_file *af, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(af->fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return write_failed(af, errno);
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * After the rename: make the new directory entry durable too. A failure
 * here cannot undo the write, so it is not one.
 */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* Give the unnamed file a name beside the target (linkat cannot replace a file, so rename does that next). */
static int link_unnamed(atomic_file *af)
{
	char proc[64];
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", af->fd);
	int err = 0;
	for (int attempt = 0; attempt < ATOMIC_NAME_ATTEMPTS; attempt++) {
		char *tmp = tmp_name(af);
		if (!tmp)
			return error_oom();
		if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0) {
			af->tmp = tmp;
			return 0;
		}
		err = errno;
		free(tmp);
		if (err != EEXIST)
			break;
	}
	return fail(af, "cannot name the temporary file in %s", af->dir, err);
}

int atomic_file_commit(atomic_file *af)
{
	int rc = 0;
	if (af->how == ATOMIC_THROUGH) {
		int fd = af->fd;
		af->fd = -1;
		if (close(fd) != 0)
			rc = write_failed(af, errno);
		release(af);
		return rc;
	}
	if (fsync(af->fd) != 0)
		rc = write_failed(af, errno);
	if (rc == 0 && af->how == ATOMIC_UNNAMED)
		rc = link_unnamed(af);
	int fd = af->fd;
	af->fd = -1;
	/* close reports a delayed write error (NFS, a full disk) that write did not. */
	if (close(fd) != 0 && rc == 0)
		rc = write_failed(af, errno);
	if (rc == 0 && rename(af->tmp, af->target) != 0)
		rc = fail(af, "cannot replace it with %s", af->tmp, errno);
	if (rc < 0) {
		atomic_file_abort(af);
		return rc;
	}
	sync_dir(af->dir);
	release(af);
	return 0;
}

void atomic_file_abort(atomic_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp && af->how != ATOMIC_THROUGH)
		unlink(af->tmp);
	release(af);
}

int atomic_file_replace(const char *path, const char *data, size_t len, mode_t mode, const char *what)
{
	atomic_file af;
	int rc = atomic_file_begin(&af, path, mode, what);
	if (rc < 0)
		return rc;
	if ((rc = atomic_file_write(&af, data, len)) < 0) {
		atomic_file_abort(&af);
		return rc;
	}
	return atomic_file_commit(&af);
}

int atomic_file_probe(const char *path, const char *what)
{
	atomic_file af = ATOMIC_FILE_INIT;
	af.path = path;
	af.what = what;
	int rc = classify(&af, false);
	if (rc == 0 && af.how == ATOMIC_THROUGH) {
		if (access(path, W_OK) != 0)
			rc = error_set(BSIM_EIO, "cannot %s %s: %s", what, path, strerror(errno));
		release(&af);
		return rc;
	}
	release(&af);
	if (rc < 0)
		return rc;
	if ((rc = atomic_file_begin(&af, path, 0600, what)) == 0)
		atomic_file_abort(&af);
	return rc;
}
