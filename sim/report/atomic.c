/*
 * atomic.c: report files written whole or not at all (atomic.h). The
 * temporary file is created beside the target with O_EXCL under a name no
 * other writer uses (the process id and a counter), so two bsim processes
 * writing reports into one directory never share a temporary file.
 */
#include "report/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
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

int report_write_atomic(const char *path, const char *data, size_t len)
{
	int rc = 0;
	int fd = -1;
	buf tmp = BUF_INIT;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!*base)
		return error_set(BSIM_EIO, "cannot write report %s: not a file name", path);

	for (int attempt = 0; attempt < ATOMIC_NAME_ATTEMPTS; attempt++) {
		buf_clear(&tmp);
		buf_put(&tmp, path, (size_t)(base - path));
		buf_printf(&tmp, ".%s.tmp-%ld-%u", base, (long)getpid(), atomic_fetch_add(&tmp_counter, 1));
		if (buf_status(&tmp) < 0) {
			rc = BSIM_ENOMEM;
			goto out;
		}
		fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		rc = error_set(BSIM_EIO, "cannot write report %s: %s", path, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = error_set(BSIM_EIO, "cannot write report %s: %s", path, strerror(errno));
		close(fd);
		unlink(buf_cstr(&tmp));
		goto out;
	}
	if (close(fd) < 0) {
		rc = error_set(BSIM_EIO, "cannot write report %s: %s", path, strerror(errno));
		unlink(buf_cstr(&tmp));
		goto out;
	}
	if (rename(buf_cstr(&tmp), path) < 0) {
		rc = error_set(BSIM_EIO, "cannot write report %s: %s", path, strerror(errno));
		unlink(buf_cstr(&tmp));
		goto out;
	}
	sync_dir(path);
out:
	buf_free(&tmp);
	return rc;
}
