/*
 * fragments.c: the names of reuse in scenario files (docs/scenario-language.md,
 * "Reuse: fragments and parameters"). Fragments are named lists of steps,
 * kept in scopes; a file's <include>s read fragment files (once each,
 * relative to the including file, refusing cycles, and held to the folder
 * rule at every depth). Scopes are lexical: a fragment's own <use>s resolve
 * where the fragment is written (its file, with that file's includes), not
 * where it is used, so a fragment means the same thing in every scenario. A
 * suite's fragments and includes serve all its scenarios; a scenario's
 * includes serve it alone. expand.c puts the fragments in place.
 */
#include "scenario/read/fragments.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/file_access.h"
#include "util/grow.h"
#include "util/suggest.h"

enum { LIB_FAILED = 0, LIB_OK = 1 };

struct frag_lib {
	char *real;
	const char *path;      /* interned */
	xml_file xf;
	scope *sc;
	int state;
	/* The real paths of every file its includes read, at any depth (borrowed from their libs): a
	 * scenario that includes it later is held to the folder rule for each of them too. */
	const char **reached;
	size_t n_reached, cap_reached;
};

/* ---- scopes ---- */

scope *scope_new(scope *parent)
{
	scope *sc = calloc(1, sizeof *sc);
	if (sc)
		sc->parent = parent;
	return sc;
}

static void fragment_free(fragment *f)
{
	if (!f)
		return;
	free(f->name);
	for (size_t i = 0; i < f->n_params; i++)
		free(f->params[i]);
	free(f->params);
	free(f->params_text);
	free(f);
}

void scope_free(scope *sc)
{
	if (!sc)
		return;
	for (size_t i = 0; i < sc->n_owned; i++)
		fragment_free(sc->owned[i]);
	free(sc->owned);
	free(sc->entries);
	strmap_free(&sc->names);
	free(sc);
}

const fragment *scope_lookup(const scope *sc, const char *name)
{
	for (; sc; sc = sc->parent) {
		const fragment *f = strmap_get(&sc->names, name, strlen(name));
		if (f)
			return f;
	}
	return NULL;
}

bool scope_incomplete(const scope *sc)
{
	for (; sc; sc = sc->parent)
		if (sc->incomplete)
			return true;
	return false;
}

/* Make f visible in sc. 1 when the name was taken by another fragment (reported at f). */
static int scope_put(loader *ld, scope *sc, const fragment *f)
{
	const fragment *had = scope_lookup(sc, f->name);
	if (had == f)
		return 0;
	if (had) {
		load_error(ld->errs, BSIM_EINVAL, f->file, xml_node_line(f->node), xml_node_col(f->node),
			   "fragment \"%s\" is already defined at %s:%d:%d", f->name, had->file, xml_node_line(had->node),
			   xml_node_col(had->node));
		return 1;
	}
	if (ARRAY_GROW(&sc->entries, &sc->cap_entries, sc->n_entries + 1) < 0 ||
	    strmap_put(&sc->names, f->name, strlen(f->name), (void *)f) < 0) {
		load_error(ld->errs, BSIM_ENOMEM, f->file, 0, 0, "out of memory");
		return 1;
	}
	sc->entries[sc->n_entries++] = f;
	return 0;
}

/* A <fragment> element: its name and declared parameters. Owned by sc. */
static int fragment_define(loader *ld, scope *sc, const xmlNode *n, const char *file)
{
	int errors = 0;
	int line = xml_node_line(n), col = xml_node_col(n);
	fragment *f = calloc(1, sizeof *f);
	if (!f || ARRAY_GROW(&sc->owned, &sc->cap_owned, sc->n_owned + 1) < 0) {
		free(f);
		load_error(ld->errs, BSIM_ENOMEM, file, 0, 0, "out of memory");
		return 1;
	}
	sc->owned[sc->n_owned++] = f;
	f->node = n;
	f->file = file;
	f->scope = sc;
	f->name = xml_attr_dup(n, "name");
	f->params_text = xml_attr_dup(n, "params");
	if (!f->name || !*f->name) {
		load_error(ld->errs, BSIM_EINVAL, file, line, col, "<fragment> name=\"\": expected a name");
		return 1;
	}
	const char *p = f->params_text ? f->params_text : "";
	while (*p) {
		p += strspn(p, " \t\r\n");
		size_t len = strcspn(p, " \t\r\n");
		if (!len)
			break;
		char *name = strndup(p, len);
		p += len;
		if (!name || ARRAY_GROW(&f->params, &f->cap_params, f->n_params + 1) < 0) {
			free(name);
			load_error(ld->errs, BSIM_ENOMEM, file, 0, 0, "out of memory");
			return errors + 1;
		}
		bool dup = false;
		for (size_t i = 0; i < f->n_params && !dup; i++)
			dup = strcmp(f->params[i], name) == 0;
		if (!param_name_ok(name)) {
			errors++;
			load_error(ld->errs, BSIM_EINVAL, file, line, col,
				   "<fragment name=\"%s\">: parameter \"%s\" is not a name (letters, digits, '_', '-' and '.', "
				   "starting with a letter or '_')", f->name, name);
		} else if (strcmp(name, "fragment") == 0) {
			errors++;
			load_error(ld->errs, BSIM_EINVAL, file, line, col,
				   "<fragment name=\"%s\">: \"fragment\" cannot be a parameter: <use> names the fragment with it",
				   f->name);
		} else if (dup) {
			errors++;
			load_error(ld->errs, BSIM_EINVAL, file, line, col,
				   "<fragment name=\"%s\">: parameter \"%s\" is declared twice", f->name, name);
		}
		f->params[f->n_params++] = name;
	}
	if (errors)
		return errors;
	return scope_put(ld, sc, f);
}

/* ---- fragment files ---- */

bool loader_has_lib(const loader *ld, const char *real)
{
	for (size_t i = 0; i < ld->n_libs; i++)
		if (strcmp(ld->libs[i]->real, real) == 0)
			return true;
	return false;
}

static frag_lib *lib_find(const loader *ld, const char *real)
{
	for (size_t i = 0; i < ld->n_libs; i++)
		if (strcmp(ld->libs[i]->real, real) == 0)
			return ld->libs[i];
	return NULL;
}

static frag_lib *lib_add(loader *ld, char *real, const char *path)
{
	frag_lib *lib = calloc(1, sizeof *lib);
	if (!lib || ARRAY_GROW(&ld->libs, &ld->cap_libs, ld->n_libs + 1) < 0) {
		free(lib);
		free(real);
		load_error(ld->errs, BSIM_ENOMEM, path, 0, 0, "out of memory");
		return NULL;
	}
	lib->real = real;
	lib->path = path;
	lib->state = LIB_FAILED;
	ld->libs[ld->n_libs++] = lib;
	return lib;
}

/* Read the fragments and includes of a checked <fragments> file. */
static void lib_fill(loader *ld, frag_lib *lib)
{
	if (!(lib->sc = scope_new(NULL))) {
		load_error(ld->errs, BSIM_ENOMEM, lib->path, 0, 0, "out of memory");
		return;
	}
	ld->chain[ld->chain_n] = lib->path;
	ld->chain_real[ld->chain_n] = lib->real;
	ld->chain_n++;
	int errors = scope_add_from(ld, lib->sc, xmlDocGetRootElement(lib->xf.doc), lib->path);
	ld->chain_n--;
	lib->state = errors ? LIB_FAILED : LIB_OK;
}

void fragments_file_load(loader *ld, const char *path, xml_file *f)
{
	char *real = realpath(path, NULL);
	if (!real || lib_find(ld, real)) {
		free(real);
		xml_file_free(f);
		return;
	}
	frag_lib *lib = lib_add(ld, real, path);
	if (!lib) {
		xml_file_free(f);
		return;
	}
	lib->xf = *f;
	memset(f, 0, sizeof *f);
	lib_fill(ld, lib);
}

/* "dir/of/including.xml" + "common.xml" -> "dir/of/common.xml"; absolute paths stay. */
static char *join_relative(const char *including, const char *rel)
{
	const char *slash = strrchr(including, '/');
	if (rel[0] == '/' || !slash)
		return strdup(rel);
	size_t dl = (size_t)(slash - including) + 1, rl = strlen(rel);
	char *p = malloc(dl + rl + 1);
	if (!p)
		return NULL;
	memcpy(p, including, dl);
	memcpy(p + dl, rel, rl + 1);
	return p;
}

/* Whether the scenario being loaded (ld->chain[0]) may read real; reported at the <include> when not. */
static bool include_allowed(loader *ld, const char *real, const char *rel, const char *file, int line, int col)
{
	char why[3 * FILE_ACCESS_PATH_MAX];
	int rc = file_access_check(ld->files, ld->chain[0], FILE_READ, real, why, sizeof why);
	if (rc == 0)
		return true;
	if (rc == BSIM_ENOMEM)
		load_error(ld->errs, rc, file, line, col, "out of memory");
	else
		load_error(ld->errs, rc, file, line, col, "<include file=\"%s\"> %s", rel, why);
	return false;
}

static bool reached_allowed(loader *ld, const frag_lib *lib, const char *rel, const char *file, int line, int col)
{
	for (size_t i = 0; i < lib->n_reached; i++)
		if (!include_allowed(ld, lib->reached[i], rel, file, line, col))
			return false;
	return true;
}

/* Note that the file being read (the innermost of the chain), when it is a fragment file, reached lib. */
static void note_reached(loader *ld, const frag_lib *lib)
{
	frag_lib *parent = ld->chain_n ? lib_find(ld, ld->chain_real[ld->chain_n - 1]) : NULL;
	if (!parent || parent == lib)
		return;
	size_t need = parent->n_reached + 1 + lib->n_reached;
	if (ARRAY_GROW(&parent->reached, &parent->cap_reached, need) < 0) {
		load_error(ld->errs, BSIM_ENOMEM, parent->path, 0, 0, "out of memory");
		return;
	}
	parent->reached[parent->n_reached++] = lib->real;
	for (size_t i = 0; i < lib->n_reached; i++)
		parent->reached[parent->n_reached++] = lib->reached[i];
}

/* The fragment file an <include> names, read and checked once; NULL when it cannot serve (reported). */
static frag_lib *include_file(loader *ld, const xmlNode *n, const char *file)
{
	int line = xml_node_line(n), col = xml_node_col(n);
	char *rel = xml_attr_dup(n, "file");
	char *joined = rel ? join_relative(file, rel) : NULL;
	const char *path = joined ? ld->intern(ld->suite, joined) : NULL;
	frag_lib *out = NULL;
	char *real = NULL;
	if (!path) {
		load_error(ld->errs, BSIM_ENOMEM, file, line, col, "out of memory");
		goto out;
	}
	if (!*rel) {
		load_error(ld->errs, BSIM_EINVAL, file, line, col, "<include> file=\"\": expected a path");
		goto out;
	}
	/* The folder rule (file_access.h) first: whether a file outside exists is not the scenario's to learn. */
	if (!include_allowed(ld, path, rel, file, line, col))
		goto out;
	if (!(real = realpath(path, NULL))) {
		load_error(ld->errs, BSIM_EIO, file, line, col, "cannot include \"%s\": %s", rel, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < ld->chain_n; i++) {
		if (strcmp(ld->chain_real[i], real) != 0)
			continue;
		buf b = BUF_INIT;
		for (size_t j = i; j < ld->chain_n; j++)
			buf_printf(&b, "%s -> ", ld->chain[j]);
		buf_puts(&b, path);
		load_error(ld->errs, BSIM_EINVAL, file, line, col, "include cycle: %s", buf_cstr(&b));
		buf_free(&b);
		goto out;
	}
	/* A file read before: the rule holds for every file its includes reached too. */
	frag_lib *lib = lib_find(ld, real);
	if (lib && !reached_allowed(ld, lib, rel, file, line, col))
		goto out;
	if (lib) {
		out = lib->state == LIB_OK ? lib : NULL;
		goto out;
	}
	if (ld->chain_n > INCLUDE_MAX_DEPTH) {
		load_error(ld->errs, BSIM_ELIMIT, file, line, col,
			   "cannot include \"%s\": includes nest deeper than %d files", rel, INCLUDE_MAX_DEPTH);
		goto out;
	}
	if (!(lib = lib_add(ld, real, path))) {
		real = NULL;
		goto out;
	}
	real = NULL;
	if (xml_file_read(&lib->xf, path, ld->errs) < 0)
		goto out;
	const char *root = (const char *)xmlDocGetRootElement(lib->xf.doc)->name;
	if (strcmp(root, "fragments") != 0) {
		load_error(ld->errs, BSIM_EINVAL, file, line, col,
			   "cannot include \"%s\": its root element is <%s>; an included file holds <fragments>", rel, root);
		goto out;
	}
	if (schema_validate(&lib->xf, ld->errs) < 0)
		goto out;
	lib_fill(ld, lib);
	out = lib->state == LIB_OK ? lib : NULL;
out:
	if (out)
		note_reached(ld, out);
	free(real);
	free(rel);
	free(joined);
	return out;
}

int scope_add_from(loader *ld, scope *sc, const xmlNode *node, const char *file)
{
	int errors = 0;
	for (const xmlNode *ch = node->children; ch; ch = ch->next) {
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)ch->name, "fragment") == 0) {
			errors += fragment_define(ld, sc, ch, file);
		} else if (strcmp((const char *)ch->name, "include") == 0) {
			frag_lib *lib = include_file(ld, ch, file);
			if (!lib) {
				sc->incomplete = true;
				errors++;
				continue;
			}
			for (size_t i = 0; i < lib->sc->n_entries; i++)
				errors += scope_put(ld, sc, lib->sc->entries[i]);
		}
	}
	return errors;
}

void loader_free(loader *ld)
{
	for (size_t i = 0; i < ld->n_libs; i++) {
		frag_lib *lib = ld->libs[i];
		scope_free(lib->sc);
		xml_file_free(&lib->xf);
		free(lib->reached);
		free(lib->real);
		free(lib);
	}
	free(ld->libs);
	ld->libs = NULL;
	ld->n_libs = ld->cap_libs = 0;
}

const char *scope_closest(const scope *sc, const char *name)
{
	const char *best = NULL;
	size_t best_d = 3;
	for (; sc; sc = sc->parent) {
		for (size_t i = 0; i < sc->n_entries; i++) {
			size_t d = suggest_distance(name, sc->entries[i]->name);
			if (d < best_d) {
				best = sc->entries[i]->name;
				best_d = d;
			}
		}
	}
	return best;
}
