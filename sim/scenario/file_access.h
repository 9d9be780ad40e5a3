/*
 * file_access.h: which files a scenario may touch. A scenario is untrusted
 * input (one attached to a ticket, one from a fuzzer), yet its steps name
 * files: <save-profile> and <export> write one, <load-profile>, <import>,
 * <include> and ca-file= read one. The rule (docs/limits.md, "Files a
 * scenario touches"): every such path, after `..` and symbolic links are
 * resolved, lies in the scenario file's own folder or below it, or in a
 * directory the user named on the command line (bsim run --allow-read DIR,
 * --allow-write DIR; a directory one may write in may also be read).
 * Otherwise a scenario from elsewhere could replace a shell profile or a
 * CI script, or read /etc/shadow when CI runs as root.
 *
 * The rule is applied twice: when the file loads (every path is known by
 * then, fragments expanded), so `bsim check` reports it and nothing runs;
 * and again just before the step touches the file, since a symbolic link
 * may have changed since. This is one place for it: the table of file
 * attributes below is the whole list.
 */
#ifndef BSIM_SCENARIO_FILE_ACCESS_H
#define BSIM_SCENARIO_FILE_ACCESS_H

#include <stddef.h>

#include "bsim/scenario.h"
#include "scenario/scenario_internal.h"

/* The longest path a file attribute may make, joined with the scenario's folder (PATH_MAX on Linux). */
#define FILE_ACCESS_PATH_MAX 4096

typedef enum file_mode { FILE_READ, FILE_WRITE } file_mode;

/* The directories the user allowed besides each scenario's own folder, as real paths. */
struct file_policy {
	char **read;
	size_t n_read;
	char **write;   /* allowed for reading too */
	size_t n_write;
};

/*
 * Resolve the directories of opts (NULL: none). On failure
 * (BSIM_EINVAL: one is not a directory) p holds nothing to free.
 */
int file_policy_init(file_policy *p, const bsim_load_options *opts);
void file_policy_free(file_policy *p);

/*
 * Whether a scenario loaded from scenario_file may read or write path (as
 * the step will open it: already joined with the scenario's folder). 0, or
 * BSIM_EINVAL with why = "reads outside the scenario's folder DIR (it leads
 * to REAL); bsim run --allow-read DIR to permit it" (to follow "<element
 * attr=\"value\"> ").
 */
int file_access_check(const file_policy *p, const char *scenario_file, file_mode mode, const char *path, char *why,
		      size_t whylen);

/*
 * The path of step s's file attribute `attr`, joined with the folder of
 * scenario_file (an absolute path stays), into out, and checked against the
 * rule (p NULL: no directory allowed besides the folder). 0, or a code with
 * a message located at the step (step_error).
 */
int file_access_path(char *out, size_t len, const step *s, const char *attr, const char *scenario_file,
		     const file_policy *p);

/* Check every file attribute of s (at load time). 0, or a code with a located message. */
int file_access_step(const step *s, const char *scenario_file, const file_policy *p);

#endif
