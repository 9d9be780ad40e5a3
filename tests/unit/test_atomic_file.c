/*
 * test_atomic_file.c: output files replaced whole or not at all
 * (sim/util/atomic_file.h), the one path every report, profile and export
 * takes. Each case checks the target afterwards, byte for byte, and that no
 * temporary file is left beside it.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
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
		"not a file name",                    /* no_name */
		"Is a directory",                     /* dirpath: the rename fails */
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
