/*
 * file_access.c: the folder rule for the files a scenario names
 * (file_access.h).
 */
#include "scenario/file_access.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/path.h"

/*
 * Every attribute of a step that names a file, and what the step does with
 * it (scenarios/bsim.rng; <include file> is read by the loader, expand.c).
 */
static const struct {
	const char *element; /* NULL: any element */
	const char *attr;
	file_mode mode;
} file_attrs[] = {
	{"save-profile", "file", FILE_WRITE},
	{"export", "file", FILE_WRITE},
	{"load-profile", "file", FILE_READ},
	{"import", "file", FILE_READ},
	{NULL, "ca-file", FILE_READ}, /* <tab>, <navigate>: the live HTTPS certificates */
};

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void file_policy_free(file_policy *p)
{
	free_list(p->read, p->n_read);
	free_list(p->write, p->n_write);
	*p = (file_policy){0};
}

static int resolve_dirs(char ***out, size_t *n_out, const char *const *dirs, size_t n, const char *option)
{
	*out = NULL;
	*n_out = 0;
	if (!n)
		return 0;
	char **v = calloc(n, sizeof *v);
	if (!v)
		return error_oom();
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (!dirs[i] || !*dirs[i] || stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode) ||
		    !(v[i] = realpath(dirs[i], NULL))) {
			int err = dirs[i] && *dirs[i] && errno ? errno : ENOTDIR;
			free_list(v, i);
			return error_set(BSIM_EINVAL, "%s \"%s\": expected a directory: %s", option, dirs[i] ? dirs[i] : "",
					 err == ENOENT || err == ENOTDIR ? (err == ENOENT ? "it does not exist" : "not a directory")
									 : strerror(err));
		}
	}
	*out = v;
	*n_out = n;
	return 0;
}

int file_policy_init(file_policy *p, const bsim_load_options *opts)
{
	*p = (file_policy){0};
	if (!opts)
		return 0;
	int rc = resolve_dirs(&p->read, &p->n_read, opts->allow_read, opts->n_allow_read, "--allow-read");
	if (rc == 0)
		rc = resolve_dirs(&p->write, &p->n_write, opts->allow_write, opts->n_allow_write, "--allow-write");
	if (rc < 0)
		file_policy_free(p);
	return rc;
}

static bool within_any(const char *real, char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (path_within(real, dirs[i]))
			return true;
	return false;
}

int file_access_check(const file_policy *p, const char *scenario_file, file_mode mode, const char *path, char *why,
		      size_t whylen)
{
	buf folder = BUF_INIT;
	path_dir_of(&folder, scenario_file ? scenario_file : "x");
	char *root = NULL, *real = NULL;
	int rc = 0;
	if (buf_status(&folder) < 0) {
		rc = error_oom();
		goto out;
	}
	if (path_real(&root, buf_cstr(&folder)) < 0 || path_real(&real, path) < 0) {
		rc = errno == ENOMEM ? error_oom() : BSIM_EINVAL;
		snprintf(why, whylen, "cannot be resolved: %s", strerror(errno));
		goto out;
	}
	if (path_within(real, root) || (p && within_any(real, p->write, p->n_write)) ||
	    (p && mode == FILE_READ && within_any(real, p->read, p->n_read)))
		goto out;
	buf parent = BUF_INIT;
	path_dir_of(&parent, real);
	snprintf(why, whylen, "%s outside the scenario's folder %s (it leads to %s); bsim run %s %s to permit it",
		 mode == FILE_WRITE ? "writes" : "reads", buf_cstr(&folder), real,
		 mode == FILE_WRITE ? "--allow-write" : "--allow-read", buf_cstr(&parent));
	buf_free(&parent);
	rc = BSIM_EINVAL;
out:
	free(root);
	free(real);
	buf_free(&folder);
	return rc;
}

int file_access_path(char *out, size_t len, const step *s, const char *attr, const char *scenario_file,
		     const file_policy *p)
{
	const char *value = step_attr(s, attr);
	size_t i = 0;
	while (i < sizeof file_attrs / sizeof *file_attrs &&
	       !(strcmp(file_attrs[i].attr, attr) == 0 &&
		 (!file_attrs[i].element || strcmp(file_attrs[i].element, s->element) == 0)))
		i++;
	if (!value || i == sizeof file_attrs / sizeof *file_attrs)
		return step_error(s, BSIM_ERROR, "<%s> %s= is not a file attribute", s->element, attr);
	/* Relative to the scenario file's folder (docs/scenario-language.md); an absolute path stays. */
	const char *slash = scenario_file ? strrchr(scenario_file, '/') : NULL;
	int n = value[0] == '/' || !slash ? snprintf(out, len, "%s", value)
					  : snprintf(out, len, "%.*s/%s", (int)(slash - scenario_file), scenario_file, value);
	if (n < 0 || (size_t)n >= len)
		return step_error(s, BSIM_ELIMIT, "the path of \"%s\" is longer than %d bytes", value, FILE_ACCESS_PATH_MAX);
	char why[3 * FILE_ACCESS_PATH_MAX];
	int rc = file_access_check(p, scenario_file, file_attrs[i].mode, out, why, sizeof why);
	if (rc == BSIM_EINVAL)
		return step_error(s, rc, "<%s %s=\"%s\"> %s", s->element, attr, value, why);
	return rc;
}

int file_access_step(const step *s, const char *scenario_file, const file_policy *p)
{
	for (size_t i = 0; i < sizeof file_attrs / sizeof *file_attrs; i++) {
		if ((file_attrs[i].element && strcmp(file_attrs[i].element, s->element) != 0) ||
		    !step_attr(s, file_attrs[i].attr))
			continue;
		char path[FILE_ACCESS_PATH_MAX];
		int rc = file_access_path(path, sizeof path, s, file_attrs[i].attr, scenario_file, p);
		if (rc < 0)
			return rc;
	}
	return 0;
}
