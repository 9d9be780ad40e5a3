/*
 * test_atomic_file.c: output files replaced whole or not at all
 * (sim/util/atomic_file.h), the one path every report, profile and export
 * takes. Each case checks the target afterwards, byte for byte, and that no
 * temporary file is left beside it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bsim/error.h"
#include "support.h"
#include "util/atomic_file.h"

TestSuite(atomic_file, .fini = support_temp_dirs_remove);

static const char *scratch(void)
{
	const char *dir = support_temp_dir("atomic");
	cr_assert(dir, "cannot make a scratch directory: %s", strerror(errno));
	return dir;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static void expect_text(const char *path, const char *want)
{
	char *text = NULL;
	cr_assert_eq(support_read_file(path, &text, NULL), 0, "cannot read %s", path);
	cr_expect_str_eq(text, want, "%s", path);
	free(text);
}

static void expect_listing(const char *dir, const char *want)
{
	char *ls = support_dir_listing(dir);
	cr_assert(ls);
	cr_expect_str_eq(ls, want, "left in %s", dir);
	free(ls);
}

Test(atomic_file, replace_writes_the_new_file_with_the_mode_asked_for)
{
	const char *dir = scratch();
	char path[128];
	snprintf(path, sizeof path, "%s/state.json", dir);
	write_text(path, "old");
	cr_assert_eq(atomic_file_replace(path, "new content", 11, 0600, "write"), 0, "%s",
		     bsim_error_last()->message);
	expect_text(path, "new content");
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600 & ~(unsigned)umask(022), "mode %o", st.st_mode & 0777);
	expect_listing(dir, "state.json ");
}

/* Each way a path can be unusable: the message names the path and why; nothing is created. */
Test(atomic_file, an_unusable_path_fails_with_its_reason_and_creates_nothing)
{
	const char *dir = scratch();
	char file[128], dirpath[128], missing[160], under_file[160], no_name[160];
	snprintf(file, sizeof file, "%s/file", dir);
	write_text(file, "keep");
	snprintf(dirpath, sizeof dirpath, "%s/sub", dir);
	cr_assert_eq(mkdir(dirpath, 0700), 0);
	snprintf(missing, sizeof missing, "%s/missing/r.xml", dir);
	snprintf(under_file, sizeof under_file, "%s/file/r.xml", dir);
	snprintf(no_name, sizeof no_name, "%s/", dir);
	static const char *const reasons[] = {
		"cannot create a temporary file in",  /* missing */
		"cannot create a temporary file in",  /* under_file */
		"it is a directory",                  /* no_name */
		"it is a directory",                  /* dirpath: refused before anything is made */
		"cannot create a temporary file in",  /* /proc refuses new files even to root */
	};
	const char *const paths[] = {missing, under_file, no_name, dirpath, "/proc/version"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		int rc = atomic_file_replace(paths[i], "x", 1, 0666, "write report");
		cr_expect_eq(rc, BSIM_EIO, "%s: rc %d", paths[i], rc);
		const char *m = bsim_error_last()->message;
		cr_expect(strstr(m, "cannot write report") && strstr(m, paths[i]) && strstr(m, reasons[i]),
			  "%s: %s", paths[i], m);
	}
	expect_text(file, "keep");
	expect_listing(dir, "file sub ");
	expect_listing(dirpath, "");
}

Test(atomic_file, abort_and_a_failed_commit_leave_the_old_file)
{
	const char *dir = scratch();
	char path[128];
	snprintf(path, sizeof path, "%s/p.db", dir);
	write_text(path, "old profile");
	atomic_file af;
	cr_assert_eq(atomic_file_begin(&af, path, 0600, "save profile"), 0);
	cr_assert_eq(atomic_file_write(&af, "half", 4), 0);
	atomic_file_abort(&af);
	atomic_file_abort(&af); /* twice is harmless */
	expect_text(path, "old profile");
	expect_listing(dir, "p.db ");

	/* The file-size limit (which binds root too) fails the write half-way; in a child, so it stays there. */
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit lim = {16, 16};
		setrlimit(RLIMIT_FSIZE, &lim);
		int rc = atomic_file_replace(path, "far more than sixteen bytes of new profile", 42, 0600, "save profile");
		_exit(rc == BSIM_EIO && strstr(bsim_error_last()->message, path) ? 0 : 1);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the write did not fail with BSIM_EIO");
	expect_text(path, "old profile");
	expect_listing(dir, "p.db ");
}

Test(atomic_file, probe_says_whether_a_file_can_be_made_and_leaves_nothing)
{
	const char *dir = scratch();
	char ok[128], sub[128], bad[160];
	snprintf(ok, sizeof ok, "%s/report.xml", dir);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(bad, sizeof bad, "%s/missing/report.xml", dir);
	cr_expect_eq(atomic_file_probe(ok, "write report"), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(atomic_file_probe(sub, "write report"), BSIM_EIO);
	cr_expect(strstr(bsim_error_last()->message, "is a directory"), "%s", bsim_error_last()->message);
	cr_expect_eq(atomic_file_probe(bad, "write report"), BSIM_EIO);
	cr_expect_eq(atomic_file_probe("/proc/self/report.xml", "write report"), BSIM_EIO);
	expect_listing(dir, "sub ");
}

/* ---- what the path names: links followed, devices and FIFOs written through, never replaced ---- */

static void expect_char_device(const char *path, const struct stat *before)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
	cr_expect(S_ISCHR(st.st_mode), "%s is no longer a character device (mode %o)", path, st.st_mode);
	cr_expect_eq(st.st_rdev, before->st_rdev, "%s has another device number", path);
}

/*
 * A copy of the memory device 1:minor (/dev/null, /dev/full) in dir: a
 * writer that replaced devices would break the copy, never the machine's
 * own. Without the right to mknod (not root), the real device: such a user
 * cannot replace it anyway.
 */
static const char *device_copy(const char *dir, const char *name, unsigned minor, const char *real)
{
	static char path[4][160];
	static int slot;
	slot = (slot + 1) % 4;
	snprintf(path[slot], sizeof path[slot], "%s/%s", dir, name);
	if (mknod(path[slot], S_IFCHR | 0666, makedev(1, minor)) != 0)
		return real;
	return path[slot];
}

Test(atomic_file, a_symbolic_link_is_followed_and_stays_a_link)
{
	const char *dir = scratch();
	char sub[128], real[160], link[128], dangling[128], made[160];
	snprintf(sub, sizeof sub, "%s/sub", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(real, sizeof real, "%s/report.xml", sub);
	write_text(real, "old");
	snprintf(link, sizeof link, "%s/link.xml", dir);
	cr_assert_eq(symlink("sub/report.xml", link), 0);
	cr_assert_eq(atomic_file_replace(link, "new", 3, 0666, "write report"), 0, "%s", bsim_error_last()->message);
	struct stat st;
	cr_assert_eq(lstat(link, &st), 0);
	cr_expect(S_ISLNK(st.st_mode), "the link was replaced by a file");
	expect_text(real, "new");
	/* A link to a file not there yet makes that file, in the link target's directory. */
	snprintf(dangling, sizeof dangling, "%s/next.json", dir);
	cr_assert_eq(symlink("sub/made.json", dangling), 0);
	cr_assert_eq(atomic_file_replace(dangling, "{}", 2, 0600, "write"), 0, "%s", bsim_error_last()->message);
	snprintf(made, sizeof made, "%s/made.json", sub);
	expect_text(made, "{}");
	cr_assert_eq(lstat(dangling, &st), 0);
	cr_expect(S_ISLNK(st.st_mode));
	expect_listing(dir, "link.xml next.json sub ");
	expect_listing(sub, "made.json report.xml ");
	/* A loop of links is an error, not a hang. */
	char loop[128];
	snprintf(loop, sizeof loop, "%s/loop", dir);
	cr_assert_eq(symlink("loop", loop), 0);
	cr_expect_eq(atomic_file_replace(loop, "x", 1, 0666, "write report"), BSIM_EIO);
	cr_expect(strstr(bsim_error_last()->message, "symbolic link"), "%s", bsim_error_last()->message);
}

Test(atomic_file, dev_null_is_written_through_and_stays_a_device)
{
	const char *null = device_copy(scratch(), "null", 3, "/dev/null");
	struct stat before;
	cr_assert_eq(stat(null, &before), 0);
	cr_assert(S_ISCHR(before.st_mode), "%s is not a character device here", null);
	cr_expect_eq(atomic_file_replace(null, "report", 6, 0666, "write report"), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(atomic_file_probe(null, "write report"), 0, "%s", bsim_error_last()->message);
	expect_char_device(null, &before);
	/* A profile needs a regular file: refused, and the device untouched. */
	atomic_file af;
	cr_expect_eq(atomic_file_begin_named(&af, null, 0600, "save profile"), BSIM_EIO);
	char want[256];
	snprintf(want, sizeof want,
		 "cannot save profile %s: it is a character device; this file can only be written as a regular file", null);
	cr_expect_str_eq(bsim_error_last()->message, want);
	expect_char_device(null, &before);
}

Test(atomic_file, a_write_error_on_a_device_is_an_error_and_it_stays_a_device)
{
	const char *full = device_copy(scratch(), "full", 7, "/dev/full");
	struct stat before;
	if (stat(full, &before) != 0)
		cr_skip_test("no %s here", full);
	cr_expect_eq(atomic_file_replace(full, "report", 6, 0666, "write report"), BSIM_EIO);
	char want[256];
	snprintf(want, sizeof want, "cannot write report %s: writing to it: No space left on device", full);
	cr_expect_str_eq(bsim_error_last()->message, want);
	expect_char_device(full, &before);
}

Test(atomic_file, a_fifo_is_written_through_to_its_reader_or_refused_without_one)
{
	const char *dir = scratch();
	char fifo[128];
	snprintf(fifo, sizeof fifo, "%s/pipe", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	/* No reader: an error at once, not a wait for ever. */
	cr_expect_eq(atomic_file_replace(fifo, "x", 1, 0666, "write report"), BSIM_EIO);
	char want[256];
	snprintf(want, sizeof want, "cannot write report %s: it is a FIFO that no process is reading", fifo);
	cr_expect_str_eq(bsim_error_last()->message, want);
	/* With a reader, the reader gets every byte. */
	int rd = open(fifo, O_RDONLY | O_NONBLOCK);
	cr_assert_geq(rd, 0);
	cr_expect_eq(atomic_file_replace(fifo, "<testsuites/>\n", 14, 0666, "write report"), 0, "%s",
		     bsim_error_last()->message);
	char got[64] = {0};
	cr_expect_eq(read(rd, got, sizeof got - 1), 14);
	cr_expect_str_eq(got, "<testsuites/>\n");
	close(rd);
	struct stat st;
	cr_assert_eq(lstat(fifo, &st), 0);
	cr_expect(S_ISFIFO(st.st_mode), "the FIFO was replaced (mode %o)", st.st_mode);
	expect_listing(dir, "pipe ");
}

Test(atomic_file, a_socket_is_refused)
{
	const char *dir = scratch();
	char path[128];
	snprintf(path, sizeof path, "%s/sock", dir);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	cr_assert_lt(strlen(path), sizeof a.sun_path);
	memcpy(a.sun_path, path, strlen(path) + 1);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	cr_expect_eq(atomic_file_replace(path, "x", 1, 0666, "write report"), BSIM_EIO);
	char want[256];
	snprintf(want, sizeof want,
		 "cannot write report %s: it is a socket; bsim writes regular files, character devices and FIFOs", path);
	cr_expect_str_eq(bsim_error_last()->message, want);
	close(s);
	struct stat st;
	cr_assert_eq(lstat(path, &st), 0);
	cr_expect(S_ISSOCK(st.st_mode));
}

/* ---- temporary files a killed bsim leaves ---- */

/* A pid that was a process and is none now: a child that has exited and been reaped. */
Test(atomic_file, a_dead_writers_temporary_file_is_removed_by_the_next_write_and_a_live_ones_kept)
{
	const char *dir = scratch();
	pid_t live = fork();
	cr_assert_neq(live, -1);
	if (live == 0) {
		pause();
		_exit(0);
	}
	char dead_tmp[160], live_tmp[160], other[160], not_ours[160], path[128];
	snprintf(dead_tmp, sizeof dead_tmp, "%s/.profile.db.tmp-%ld-3", dir, (long)support_dead_pid());
	snprintf(live_tmp, sizeof live_tmp, "%s/.state.json.tmp-%ld-0", dir, (long)live);
	snprintf(other, sizeof other, "%s/.notes.tmp-x-1", dir);       /* not our pattern */
	snprintf(not_ours, sizeof not_ours, "%s/.tmp-%ld-1", dir, (long)support_dead_pid()); /* no BASE */
	write_text(dead_tmp, "61 MB of a killed save");
	write_text(live_tmp, "being written");
	write_text(other, "keep");
	write_text(not_ours, "keep");
	snprintf(path, sizeof path, "%s/report.xml", dir);
	cr_assert_eq(atomic_file_replace(path, "r", 1, 0666, "write report"), 0, "%s", bsim_error_last()->message);
	char want[256];
	snprintf(want, sizeof want, "%s %s %s report.xml ", strrchr(other, '/') + 1, strrchr(live_tmp, '/') + 1,
		 strrchr(not_ours, '/') + 1);
	expect_listing(dir, want);
	kill(live, SIGKILL);
	waitpid(live, NULL, 0);
}

Test(atomic_file, a_writer_killed_mid_write_leaves_nothing_after_the_next_write)
{
	const char *dir = scratch();
	char path[128], other[128];
	snprintf(path, sizeof path, "%s/big.json", dir);
	snprintf(other, sizeof other, "%s/report.xml", dir);
	pid_t pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		atomic_file af;
		if (atomic_file_begin(&af, path, 0600, "write") == 0 && atomic_file_write(&af, "half of it", 10) == 0)
			raise(SIGKILL);
		_exit(1);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status), "the writer was not killed mid-write");
	/* With O_TMPFILE nothing is left at all; without, the next write into the directory removes it. */
	cr_assert_eq(atomic_file_replace(other, "r", 1, 0666, "write report"), 0, "%s", bsim_error_last()->message);
	expect_listing(dir, "report.xml ");
}
