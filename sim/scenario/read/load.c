/*
 * load.c: bsim_suite_load and the suite it returns. Paths are files or
 * directories (searched recursively for *.xml, entries in byte order,
 * hidden ones skipped, so every machine loads the same files in the same
 * order); each file is read safely (xmlread.c), checked against the schema
 * (schema.c), and its scenarios built (build.c: attributes read, fragments
 * expanded, each step prepared, one bsim_scenario per engine) into the
 * suite. A file whose root is <fragments> holds no scenario; it is checked
 * and kept for the <include>s that name it. The load's error list is kept
 * here too.
 *
 * Errors never stop the load: each is recorded, located, and the load goes
 * on with the next scenario and the next file. A scenario with an error is
 * left out of the suite; the caller sees every error at once.
 */
#include "scenario/read/load_internal.h"
#include "scenario/file_access.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/grow.h"

/*
 * Errors kept per load. A hostile or badly broken file could otherwise
 * produce one per element (100,000): nobody reads past the first screens,
 * and CI logs have limits of their own.
 */
#define LOAD_MAX_ERRORS 1000

struct bsim_suite {
	bsim_scenario *items;
	size_t n, cap;
	load_errors errs;
	char **files;          /* every path a location names */
	size_t n_files, cap_files;
	file_policy access;    /* directories allowed besides each scenario's folder */
};

/* ---- errors ---- */

/* Both errors concern the same file, line and column. */
static bool same_place(const bsim_error *e, const char *file, int line, int col)
{
	if (!e->file != !file || (file && strcmp(e->file, file) != 0))
		return false;
	return e->line == line && e->column == col;
}

int load_verror(load_errors *errs, int code, const char *file, int line, int col, const char *fmt, va_list ap)
{
	if (errs->n >= LOAD_MAX_ERRORS)
		return code;
	char text[LOAD_MESSAGE_MAX];
	if (errs->n == LOAD_MAX_ERRORS - 1) {
		/* the last slot says that the list stops here */
		file = NULL;
		line = col = 0;
		snprintf(text, sizeof text, "too many errors: only the first %d are shown", LOAD_MAX_ERRORS - 1);
	} else {
		vsnprintf(text, sizeof text, fmt, ap);
	}
	size_t first = strcspn(text, "\n");
	for (size_t i = 0; i < errs->n; i++) {
		const char *m = errs->items[i].message;
		if (same_place(&errs->items[i], file, line, col) && strlen(m) >= first && strncmp(m, text, first) == 0 &&
		    (m[first] == '\0' || m[first] == '\n'))
			return code;
	}
	if (ARRAY_GROW(&errs->items, &errs->cap, errs->n + 1) < 0) {
		errs->oom = true;
		return code;
	}
	bsim_error *e = &errs->items[errs->n];
	e->code = code;
	e->file = file ? strdup(file) : NULL;
	e->line = line;
	e->column = col;
	e->message = strdup(text);
	if (!e->message || (file && !e->file)) {
		free((char *)e->file);
		free((char *)e->message);
		errs->oom = true;
		return code;
	}
	errs->n++;
	return code;
}

int load_error(load_errors *errs, int code, const char *file, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	load_verror(errs, code, file, line, col, fmt, ap);
	va_end(ap);
	return code;
}

void load_errors_free(load_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++) {
		free((char *)errs->items[i].file);
		free((char *)errs->items[i].message);
	}
	free(errs->items);
	memset(errs, 0, sizeof *errs);
}

/* ---- the suite's copies of paths ---- */

static const char *suite_intern(void *suite, const char *path)
{
	bsim_suite *s = suite;
	for (size_t i = s->n_files; i-- > 0;)
		if (strcmp(s->files[i], path) == 0)
			return s->files[i];
	if (ARRAY_GROW(&s->files, &s->cap_files, s->n_files + 1) < 0)
		return NULL;
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	s->files[s->n_files++] = copy;
	return copy;
}

int suite_add(bsim_suite *suite, const bsim_scenario *sc)
{
	if (ARRAY_GROW(&suite->items, &suite->cap, suite->n + 1) < 0)
		return BSIM_ENOMEM;
	suite->items[suite->n++] = *sc;
	return 0;
}

/* ---- files and directories ---- */

static void load_file(loader *ld, bsim_suite *suite, const char *given)
{
	char *real = realpath(given, NULL);
	if (real && loader_has_lib(ld, real)) {
		free(real);
		return; /* read already, as a fragment file some scenario includes */
	}
	const char *path = suite_intern(suite, given);
	xml_file xf;
	if (!path) {
		load_error(ld->errs, BSIM_ENOMEM, given, 0, 0, "out of memory");
		goto out;
	}
	if (xml_file_read(&xf, path, ld->errs) < 0)
		goto out;
	if (schema_validate(&xf, ld->errs) < 0) {
		xml_file_free(&xf);
		goto out;
	}
	const xmlNode *root = xmlDocGetRootElement(xf.doc);
	if (strcmp((const char *)root->name, "fragments") == 0) {
		fragments_file_load(ld, path, &xf);
		goto out;
	}
	ld->chain[0] = path;
	ld->chain_real[0] = real ? real : (char *)path;
	ld->chain_n = 1;
	names_seen seen = {0};
	if (strcmp((const char *)root->name, "suite") == 0) {
		suite_defaults defaults = {BSIM_DEFAULT_START_TIME, false, false};
		char *now = xml_attr_dup(root, "now");
		if (now) {
			char msg[LOAD_MESSAGE_MAX];
			if (read_now(now, "<suite>", &defaults.start_time, msg, sizeof msg))
				defaults.start_given = true;
			else
				load_error(ld->errs, BSIM_EINVAL, path, xml_node_line(root), xml_node_col(root), "%s", msg);
			defaults.start_bad = !defaults.start_given;
			free(now);
		}
		scope *ss = scope_new(NULL);
		if (!ss) {
			load_error(ld->errs, BSIM_ENOMEM, path, 0, 0, "out of memory");
		} else {
			scope_add_from(ld, ss, root, path);
			for (const xmlNode *ch = root->children; ch; ch = ch->next)
				if (ch->type == XML_ELEMENT_NODE && strcmp((const char *)ch->name, "scenario") == 0)
					build_scenario(ld, suite, ch, path, ss, &seen, &defaults);
			scope_free(ss);
		}
	} else {
		build_scenario(ld, suite, root, path, NULL, &seen, NULL);
	}
	ld->chain_n = 0;
	for (size_t i = 0; i < seen.n; i++)
		free(seen.v[i].name);
	free(seen.v);
	xml_file_free(&xf);
out:
	free(real);
}

typedef struct dir_seen {
	dev_t dev;
	ino_t ino;
	const struct dir_seen *up;
} dir_seen;

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

static char *join_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl && dir[dl - 1] == '/';
	char *p = malloc(dl + nl + 2);
	if (p) {
		memcpy(p, dir, dl);
		if (!slash)
			p[dl++] = '/';
		memcpy(p + dl, name, nl + 1);
	}
	return p;
}

static void walk(loader *ld, bsim_suite *suite, const char *dir, const dir_seen *up)
{
	DIR *d = opendir(dir);
	if (!d) {
		load_error(ld->errs, BSIM_EIO, dir, 0, 0, "cannot read directory: %s", strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *ent;
	while ((ent = readdir(d))) {
		if (ent->d_name[0] == '.')
			continue; /* ., .., and hidden entries such as .git */
		if (ARRAY_GROW(&names, &cap, n + 1) < 0)
			break;
		if (!(names[n] = strdup(ent->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, compare_names);
	for (size_t i = 0; i < n; i++) {
		char *path = join_path(dir, names[i]);
		struct stat st;
		if (!path) {
			load_error(ld->errs, BSIM_ENOMEM, dir, 0, 0, "out of memory");
		} else if (stat(path, &st) < 0) {
			if (ends_with(path, ".xml"))
				load_error(ld->errs, BSIM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			bool loop = false;
			for (const dir_seen *s = up; s && !loop; s = s->up)
				loop = s->dev == st.st_dev && s->ino == st.st_ino;
			dir_seen me = {st.st_dev, st.st_ino, up};
			if (!loop) /* a symbolic link back up the tree is not followed twice */
				walk(ld, suite, path, &me);
		} else if (S_ISREG(st.st_mode) && ends_with(path, ".xml")) {
			load_file(ld, suite, path);
		}
		free(path);
		free(names[i]);
	}
	free(names);
}

static void load_path(loader *ld, bsim_suite *suite, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		load_error(ld->errs, BSIM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		dir_seen me = {st.st_dev, st.st_ino, NULL};
		walk(ld, suite, path, &me);
	} else {
		load_file(ld, suite, path);
	}
}

/* ---- the public API ---- */

int bsim_suite_load(bsim_suite **out, const char *const *paths, size_t n_paths)
{
	return bsim_suite_load_with(out, paths, n_paths, NULL);
}

int bsim_suite_load_with(bsim_suite **out, const char *const *paths, size_t n_paths, const bsim_load_options *opts)
{
	*out = NULL;
	bsim_suite *suite = calloc(1, sizeof *suite);
	if (!suite)
		return error_oom();
	int rc = file_policy_init(&suite->access, opts);
	if (rc < 0) {
		free(suite);
		return rc;
	}
	xml_init();
	loader ld = {0};
	ld.files = &suite->access;
	ld.errs = &suite->errs;
	ld.intern = suite_intern;
	ld.suite = suite;
	for (size_t i = 0; i < n_paths; i++)
		if (paths && paths[i])
			load_path(&ld, suite, paths[i]);
	loader_free(&ld);
	*out = suite;
	if (suite->errs.oom)
		return error_oom();
	if (suite->errs.n) {
		const bsim_error *e = &suite->errs.items[0];
		return error_set_at(BSIM_EINVAL, e->file, e->line, e->column, "%s", e->message);
	}
	bsim_error_clear();
	return 0;
}

void bsim_suite_free(bsim_suite *suite)
{
	if (!suite)
		return;
	for (size_t i = 0; i < suite->n; i++)
		scenario_fields_free(&suite->items[i]);
	free(suite->items);
	load_errors_free(&suite->errs);
	file_policy_free(&suite->access);
	for (size_t i = 0; i < suite->n_files; i++)
		free(suite->files[i]);
	free(suite->files);
	free(suite);
}

size_t bsim_suite_count(const bsim_suite *suite)
{
	return suite ? suite->n : 0;
}

const bsim_scenario *bsim_suite_at(const bsim_suite *suite, size_t index)
{
	return suite && index < suite->n ? &suite->items[index] : NULL;
}

size_t bsim_suite_error_count(const bsim_suite *suite)
{
	return suite ? suite->errs.n : 0;
}

const bsim_error *bsim_suite_error_at(const bsim_suite *suite, size_t index)
{
	return suite && index < suite->errs.n ? &suite->errs.items[index] : NULL;
}

const char *bsim_scenario_name(const bsim_scenario *sc)
{
	return sc->name;
}

const char *bsim_scenario_file(const bsim_scenario *sc)
{
	return sc->at.file;
}

int bsim_scenario_line(const bsim_scenario *sc)
{
	return sc->at.line;
}

int bsim_scenario_end_line(const bsim_scenario *sc)
{
	return sc->end_line;
}

int bsim_scenario_column(const bsim_scenario *sc)
{
	return sc->at.col;
}

bsim_engine bsim_scenario_engine(const bsim_scenario *sc)
{
	return sc->engine;
}

size_t bsim_scenario_tag_count(const bsim_scenario *sc)
{
	return sc->n_tags;
}

const char *bsim_scenario_tag(const bsim_scenario *sc, size_t index)
{
	return index < sc->n_tags ? sc->tags[index] : NULL;
}

const char *bsim_scenario_expect_failure(const bsim_scenario *sc)
{
	return sc->expect_failure;
}

uint64_t bsim_scenario_seed(const bsim_scenario *sc)
{
	return sc->seed;
}

bsim_time bsim_scenario_start_time(const bsim_scenario *sc)
{
	return sc->start_time;
}

int bsim_scenario_start_given(const bsim_scenario *sc)
{
	return sc->start_given;
}
