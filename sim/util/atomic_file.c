/*
 * atomic_file.c: output files replaced whole or not at all (atomic_file.h),
 * for reports, profiles and exports alike.
 */
#include "util/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/error.h"

/* Names already taken (a stale file from a killed run with a recycled pid): try a few more counters, then give up. */
#define ATOMIC_NAME_ATTEMPTS 16

static atomic_uint tmp_counter;

/* The directory part of path ("." when there is none), into b. */
static void dir_of(buf *b, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		buf_puts(b, ".");
	else if (slash == path)
		buf_puts(b, "/");
	else
		buf_put(b, path, (size_t)(slash - path));
}

static int fail(const atomic_file *af, const char *fmt, const char *arg, int err)
{
	char reason[600];
	snprintf(reason, sizeof reason, fmt, arg);
	return error_set(BSIM_EIO, "cannot %s %s: %s: %s", af->what, af->path, reason, strerror(err));
}

int atomic_file_begin(atomic_file *af, const char *path, mode_t mode, const char *what)
{
	*af = (atomic_file)ATOMIC_FILE_INIT;
	af->path = path;
	af->what = what;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!*base)
		return error_set(BSIM_EIO, "cannot %s %s: not a file name", what, path);

	buf tmp = BUF_INIT;
	int fd = -1, err = 0;
	for (int attempt = 0; attempt < ATOMIC_NAME_ATTEMPTS; attempt++) {
		buf_clear(&tmp);
		buf_put(&tmp, path, (size_t)(base - path));
		buf_printf(&tmp, ".%s.tmp-%ld-%u", base, (long)getpid(), atomic_fetch_add(&tmp_counter, 1));
		if (buf_status(&tmp) < 0) {
			buf_free(&tmp);
			return error_oom();
		}
		fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		err = errno;
		if (fd >= 0 || err != EEXIST)
			break;
	}
	if (fd < 0) {
		buf dir = BUF_INIT;
		dir_of(&dir, path);
		int rc = buf_status(&dir) < 0 ? error_oom()
					      : fail(af, "cannot create a temporary file in %s", buf_cstr(&dir), err);
		buf_free(&dir);
		buf_free(&tmp);
		return rc;
	}
	af->fd = fd;
	af->tmp = buf_detach(&tmp);
	if (!af->tmp) {
		atomic_file_abort(af);
		return error_oom();
	}
	return 0;
}

int atomic_file_write(atomic_file *af, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(af->fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return fail(af, "writing %s", af->tmp, errno);
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
static void sync_dir(const char *path)
{
	buf dir = BUF_INIT;
	dir_of(&dir, path);
	if (buf_status(&dir) == 0) {
		int fd = open(buf_cstr(&dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			(void)fsync(fd);
			close(fd);
		}
	}
	buf_free(&dir);
}

int atomic_file_commit(atomic_file *af)
{
	int rc = 0;
	if (fsync(af->fd) != 0)
		rc = fail(af, "flushing %s to disk", af->tmp, errno);
	int fd = af->fd;
	af->fd = -1;
	/* close reports a delayed write error (NFS, a full disk) that write did not. */
	if (close(fd) != 0 && rc == 0)
		rc = fail(af, "writing %s", af->tmp, errno);
	if (rc == 0 && rename(af->tmp, af->path) != 0)
		rc = fail(af, "cannot replace it with %s", af->tmp, errno);
	if (rc < 0) {
		atomic_file_abort(af);
		return rc;
	}
	free(af->tmp);
	af->tmp = NULL;
	sync_dir(af->path);
	return 0;
}

void atomic_file_abort(atomic_file *af)
{
	if (af->fd >= 0)
		close(af->fd);
	af->fd = -1;
	if (af->tmp) {
		unlink(af->tmp);
		free(af->tmp);
		af->tmp = NULL;
	}
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
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return error_set(BSIM_EIO, "cannot %s %s: it is a directory; expected a file name", what, path);
	atomic_file af;
	int rc = atomic_file_begin(&af, path, 0600, what);
	if (rc == 0)
		atomic_file_abort(&af);
	return rc;
}
