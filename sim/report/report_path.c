/*
 * report_path.c: whether a report file can be written where it is asked
 * for (report.h, bsim_report_path_check), checked before a run starts
 * rather than after a long run whose report would then be lost.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsim/report.h"
#include "util/atomic_file.h"
#include "util/error.h"

/* The folder a new file at path goes into (what must exist and take files). */
static int check_folder(const char *path, const char *label)
{
	struct stat st;
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return error_oom();
	int rc = 0;
	if (stat(dir, &st) != 0)
		rc = error_set(BSIM_EINVAL, "%s %s: the directory %s does not exist", label, path, dir);
	else if (!S_ISDIR(st.st_mode))
		rc = error_set(BSIM_EINVAL, "%s %s: %s is not a directory", label, path, dir);
	else if (access(dir, W_OK) != 0)
		rc = error_set(BSIM_EINVAL, "%s %s: cannot write into %s: %s", label, path, dir, strerror(errno));
	free(dir);
	return rc;
}

int bsim_report_path_check(const char *path, const char *label)
{
	struct stat st;
	if (strcmp(path, "-") == 0)
		return 0;
	/* A link, device or FIFO: the writer follows or writes through it, and says what it cannot do. */
	bool special = lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
	if (!special) {
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return error_set(BSIM_EINVAL, "%s %s: is a directory; expected a file name", label, path);
		int rc = check_folder(path, label);
		if (rc < 0)
			return rc;
	}
	/* Root passes access(); only creating a file tells (/proc refuses one even to root). */
	if (atomic_file_probe(path, "write report") < 0)
		return error_wrap(BSIM_EINVAL, "%s", label); /* an inner BSIM_ENOMEM stays itself */
	return 0;
}
