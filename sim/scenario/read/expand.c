/*
 * expand.c: reuse in scenario files (docs/scenario-language.md, "Reuse:
 * fragments and parameters"). Fragments are named lists of steps; a
 * <use fragment="NAME" P="v"/> puts them in its place with ${P} replaced
 * in every attribute value and text. This file keeps the names in scopes,
 * reads <include>d fragment files (once each, relative to the including
 * file, refusing cycles), and turns a scenario's elements into the flat
 * list of steps the runner walks, each step keeping its own location and,
 * when it came from a fragment, where the outermost <use> stood.
 *
 * Scopes are lexical: a fragment's own <use>s resolve where the fragment
 * is written (its file, with that file's includes), not where it is used,
 * so a fragment means the same thing in every scenario. A suite's
 * fragments and includes serve all its scenarios; a scenario's includes
 * serve it alone. ${...} is substituted only inside fragments; elsewhere
 * it is left as written.
 */
#include "scenario/read/load_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/file_access.h"
#include "util/strmap.h"
#include "util/suggest.h"
#include "util/grow.h"

typedef struct fragment {
	char *name;
	const xmlNode *node;
	const char *file;      /* interned */
	char **params;
	size_t n_params, cap_params;
	char *params_text;     /* as written, for messages */
	scope *scope;          /* where the fragment's own <use>s resolve */
	bool expanding;        /* on the current chain of uses (a cycle when met again) */
} fragment;

struct scope {
	strmap names;          /* name -> fragment */
	const fragment **entries; /* the same, in the order added (errors come out in file order) */
	size_t n_entries, cap_entries;
	fragment **owned;
	size_t n_owned, cap_owned;
	scope *parent;
	bool incomplete;       /* an include failed: its names are missing, and that was reported */
};

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

/* ---- small helpers ---- */

char *xml_attr_dup(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	if (!v)
		return NULL;
	char *r = strdup((const char *)v);
	xmlFree(v);
	return r;
}

static bool name_start_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
	return name_start_char(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* A parameter name: what can follow "${" and stand as an attribute of <use>. */
static bool param_name_ok(const char *s)
{
	if (!name_start_char(*s))
		return false;
	for (s++; *s; s++)
		if (!name_char(*s))
			return false;
	return true;
}


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

static const fragment *scope_lookup(const scope *sc, const char *name)
{
	for (; sc; sc = sc->parent) {
		const fragment *f = strmap_get(&sc->names, name, strlen(name));
		if (f)
			return f;
	}
	return NULL;
}

static bool scope_incomplete(const scope *sc)
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

/* ---- expansion ---- */

typedef struct env {
	const fragment *f;
	char **values;         /* by parameter index */
} env;

typedef struct expander {
	loader *ld;
	step_list *out;
	int errors;
	const fragment *stack[FRAGMENT_MAX_DEPTH];
	size_t depth;
	src_loc use_at;        /* the outermost <use>, while depth > 0 */
	size_t env_bytes;      /* parameter values held, counted with the steps' text */
	bool full;             /* a limit was reached: stop expanding */
} expander;

static void ex_error(expander *ex, int code, const xmlNode *n, const char *file, const char *fmt, ...)
	BSIM_PRINTF(5, 6);
static void ex_error(expander *ex, int code, const xmlNode *n, const char *file, const char *fmt, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	char text[1024];
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	buf_puts(&b, text);
	if (ex->depth > 0)
		buf_printf(&b, "\n  from the fragment used at %s:%d:%d", ex->use_at.file, ex->use_at.line, ex->use_at.col);
	load_error(ex->ld->errs, buf_status(&b) < 0 ? BSIM_ENOMEM : code, file, xml_node_line(n), xml_node_col(n), "%s",
		   buf_status(&b) < 0 ? "out of memory" : buf_cstr(&b));
	buf_free(&b);
	ex->errors++;
}

static bool over_budget(const expander *ex, size_t more)
{
	return ex->out->bytes + ex->env_bytes + more > SCENARIO_MAX_EXPANDED_BYTES;
}

static void budget_error(expander *ex, const xmlNode *n, const char *file)
{
	if (!ex->full)
		ex_error(ex, BSIM_ELIMIT, n, file,
			 "fragments expand to more than %zu MiB of text; the limit for a scenario is %zu MiB"
			 " (SCENARIO_MAX_EXPANDED_BYTES); split the scenario",
			 SCENARIO_MAX_EXPANDED_BYTES >> 20, SCENARIO_MAX_EXPANDED_BYTES >> 20);
	ex->full = true;
}

static int param_index(const fragment *f, const char *name, size_t len)
{
	for (size_t i = 0; i < f->n_params; i++)
		if (strlen(f->params[i]) == len && memcmp(f->params[i], name, len) == 0)
			return (int)i;
	return -1;
}

static const char *declared(const fragment *f, char *out, size_t len)
{
	if (!f->n_params)
		snprintf(out, len, "it declares no parameters");
	else
		snprintf(out, len, "it declares params=\"%s\"", f->params_text);
	return out;
}

/*
 * in with ${P} replaced from e (untouched outside fragments). attr names the
 * attribute in an error (NULL: the element's text). NULL after an error was
 * recorded.
 */
static char *substitute(expander *ex, const xmlNode *n, const char *file, const env *e, const char *in,
			const char *attr)
{
	if (!e || !strstr(in, "${")) {
		char *r = strdup(in);
		if (!r)
			ex_error(ex, BSIM_ENOMEM, n, file, "out of memory");
		return r;
	}
	buf b = BUF_INIT;
	for (const char *p = in; *p;) {
		const char *q = p + 2;
		if (p[0] == '$' && p[1] == '{' && name_start_char(*q)) {
			while (name_char(*q))
				q++;
			if (*q == '}') {
				int i = param_index(e->f, p + 2, (size_t)(q - p - 2));
				if (i >= 0) {
					if (over_budget(ex, b.len + strlen(e->values[i]))) {
						budget_error(ex, n, file);
						buf_free(&b);
						return NULL;
					}
					buf_puts(&b, e->values[i]);
				} else {
					char decl[600];
					ex_error(ex, BSIM_EINVAL, n, file,
						 "<%s> %s%s uses ${%.*s}, but the fragment %s has no such parameter (%s)",
						 (const char *)n->name, attr ? attr : "text", attr ? "=\"...\"" : "",
						 (int)(q - p - 2), p + 2, e->f->name, declared(e->f, decl, sizeof decl));
					buf_put(&b, p, (size_t)(q + 1 - p));
				}
				p = q + 1;
				continue;
			}
		}
		buf_putc(&b, *p++);
	}
	if (buf_status(&b) < 0) {
		buf_free(&b);
		ex_error(ex, BSIM_ENOMEM, n, file, "out of memory");
		return NULL;
	}
	return buf_detach(&b);
}

void step_clear(step *s)
{
	if (!s)
		return;
	if (s->kind && s->kind->release && s->data)
		s->kind->release(s->data);
	free(s->element);
	for (size_t i = 0; i < s->n_attrs; i++) {
		free(s->attr_names[i]);
		free(s->attr_values[i]);
	}
	free(s->attr_names);
	free(s->attr_values);
	free(s->text);
	steps_free(s->children, s->n_children);
	memset(s, 0, sizeof *s);
}

void steps_free(step *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		step_clear(&v[i]);
	free(v);
}

/* The element's own text (not its children's), trimmed; NULL when there is none. */
static char *own_text(const xmlNode *n)
{
	buf b = BUF_INIT;
	for (const xmlNode *c = n->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content)
			buf_puts(&b, (const char *)c->content);
	const char *t = buf_cstr(&b);
	size_t start = strspn(t, " \t\r\n"), end = b.len;
	while (end > start && strchr(" \t\r\n", t[end - 1]))
		end--;
	char *r = end > start ? strndup(t + start, end - start) : NULL;
	buf_free(&b);
	return r;
}

static void build_step_parts(expander *ex, step *s, const xmlNode *n, const char *file, const env *e);

/* One element as a step; a step with an error is left without its element name, so no kind prepares it. */
static void build_step(expander *ex, step *s, const xmlNode *n, const char *file, const env *e)
{
	int before = ex->errors;
	build_step_parts(ex, s, n, file, e);
	if (ex->errors != before) {
		free(s->element);
		s->element = NULL;
	}
}

static void build_step_parts(expander *ex, step *s, const xmlNode *n, const char *file, const env *e)
{
	memset(s, 0, sizeof *s);
	s->at.file = file;
	s->at.line = xml_node_line(n);
	s->at.col = xml_node_col(n);
	if (ex->depth > 0) {
		s->at.used_at_file = ex->use_at.file;
		s->at.used_at_line = ex->use_at.line;
		s->at.used_at_col = ex->use_at.col;
	}
	size_t n_attrs = 0, n_children = 0, bytes = 0;
	for (const xmlAttr *a = n->properties; a; a = a->next)
		n_attrs++;
	for (const xmlNode *c = n->children; c; c = c->next)
		n_children += c->type == XML_ELEMENT_NODE;
	if (!(s->element = strdup((const char *)n->name)) ||
	    (n_attrs && (!(s->attr_names = calloc(n_attrs, sizeof *s->attr_names)) ||
			 !(s->attr_values = calloc(n_attrs, sizeof *s->attr_values)))) ||
	    (n_children && !(s->children = calloc(n_children, sizeof *s->children)))) {
		ex_error(ex, BSIM_ENOMEM, n, file, "out of memory");
		return;
	}
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		/* one text node is the common case; a value with character references has several */
		bool single = a->children && !a->children->next && a->children->type == XML_TEXT_NODE;
		xmlChar *raw = single ? a->children->content : xmlNodeListGetString(n->doc, a->children, 1);
		char *name = strdup((const char *)a->name);
		char *value = raw ? substitute(ex, n, file, e, (const char *)raw, name ? name : "?") : strdup("");
		if (!single)
			xmlFree(raw);
		if (!name || !value) {
			free(name);
			free(value);
			if (!ex->full)
				ex_error(ex, BSIM_ENOMEM, n, file, "out of memory");
			return;
		}
		bytes += strlen(name) + strlen(value) + 2;
		s->attr_names[s->n_attrs] = name;
		s->attr_values[s->n_attrs++] = value;
	}
	char *text = own_text(n);
	if (text) {
		s->text = substitute(ex, n, file, e, text, NULL);
		free(text);
		if (!s->text)
			return;
		bytes += strlen(s->text) + 1;
	}
	ex->out->bytes += bytes;
	if (over_budget(ex, 0)) {
		budget_error(ex, n, file);
		return;
	}
	for (const xmlNode *c = n->children; c && !ex->full; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			build_step(ex, &s->children[s->n_children++], c, file, e);
}

static void expand(expander *ex, const xmlNode *parent, const char *file, const scope *sc, const env *e);

static const char *closest_fragment(const scope *sc, const char *name)
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

static void expand_use(expander *ex, const xmlNode *n, const char *file, const scope *sc, const env *e)
{
	char *raw = xml_attr_dup(n, "fragment");
	char *name = raw ? substitute(ex, n, file, e, raw, "fragment") : NULL;
	free(raw);
	if (!name)
		return;
	const fragment *f = scope_lookup(sc, name);
	if (!f) {
		if (scope_incomplete(sc)) {
			ex->errors++; /* an include that failed, already reported, would have defined it */
		} else {
			const char *like = closest_fragment(sc, name);
			if (like)
				ex_error(ex, BSIM_EINVAL, n, file, "unknown fragment \"%s\"; did you mean \"%s\"?", name, like);
			else
				ex_error(ex, BSIM_EINVAL, n, file,
					 "unknown fragment \"%s\": no fragment of that name is defined or included here", name);
		}
		free(name);
		return;
	}
	char **values = calloc(f->n_params ? f->n_params : 1, sizeof *values);
	size_t held = 0;
	int errors = 0;
	char decl[600];
	if (!values) {
		ex_error(ex, BSIM_ENOMEM, n, file, "out of memory");
		free(name);
		return;
	}
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		const char *pname = (const char *)a->name;
		if (!a->ns && strcmp(pname, "fragment") == 0)
			continue;
		int i = a->ns ? -1 : param_index(f, pname, strlen(pname));
		if (i < 0) {
			ex_error(ex, BSIM_EINVAL, n, file, "<use fragment=\"%s\">: the fragment has no parameter %s (%s)", name,
				 pname, declared(f, decl, sizeof decl));
			errors++;
			continue;
		}
		xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
		values[i] = substitute(ex, n, file, e, v ? (const char *)v : "", pname);
		xmlFree(v);
		if (!values[i]) {
			errors++;
			continue;
		}
		held += strlen(values[i]);
	}
	for (size_t i = 0; i < f->n_params; i++) {
		if (!values[i] && !errors) {
			ex_error(ex, BSIM_EINVAL, n, file, "<use fragment=\"%s\"> needs %s=\"...\" (%s)", name, f->params[i],
				 declared(f, decl, sizeof decl));
			errors++;
		}
	}
	if (!errors && f->expanding) {
		buf b = BUF_INIT;
		size_t from = 0;
		while (from < ex->depth && ex->stack[from] != f)
			from++;
		for (size_t i = from; i < ex->depth; i++)
			buf_printf(&b, "%s -> ", ex->stack[i]->name);
		buf_puts(&b, f->name);
		ex_error(ex, BSIM_EINVAL, n, file, "fragment \"%s\" uses itself: %s", f->name, buf_cstr(&b));
		buf_free(&b);
		errors++;
	}
	if (!errors && ex->depth == FRAGMENT_MAX_DEPTH) {
		ex_error(ex, BSIM_ELIMIT, n, file, "<use fragment=\"%s\">: fragments nest deeper than %d levels", name,
			 FRAGMENT_MAX_DEPTH);
		errors++;
	}
	if (!errors) {
		if (ex->depth == 0)
			ex->use_at = (src_loc){file, xml_node_line(n), xml_node_col(n), NULL, 0, 0};
		ex->stack[ex->depth++] = f;
		((fragment *)f)->expanding = true;
		ex->env_bytes += held;
		env inner = {f, values};
		expand(ex, f->node, f->file, f->scope, &inner);
		ex->env_bytes -= held;
		((fragment *)f)->expanding = false;
		ex->depth--;
	}
	for (size_t i = 0; i < f->n_params; i++)
		free(values[i]);
	free(values);
	free(name);
}

static void expand(expander *ex, const xmlNode *parent, const char *file, const scope *sc, const env *e)
{
	for (const xmlNode *ch = parent->children; ch && !ex->full; ch = ch->next) {
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)ch->name;
		if (strcmp(name, "include") == 0 || strcmp(name, "fragment") == 0)
			continue;
		if (strcmp(name, "use") == 0) {
			expand_use(ex, ch, file, sc, e);
			continue;
		}
		step_list *out = ex->out;
		if (out->n == SCENARIO_MAX_STEPS) {
			ex_error(ex, BSIM_ELIMIT, ch, file, "more than %d steps; the limit for a scenario is %d (SCENARIO_MAX_STEPS); split the scenario",
				 SCENARIO_MAX_STEPS, SCENARIO_MAX_STEPS);
			ex->full = true;
			return;
		}
		if (ARRAY_GROW(&out->v, &out->cap, out->n + 1) < 0) {
			ex_error(ex, BSIM_ENOMEM, ch, file, "out of memory");
			ex->full = true;
			return;
		}
		build_step(ex, &out->v[out->n++], ch, file, e);
	}
}

int expand_steps(loader *ld, step_list *out, const xmlNode *node, const char *file, scope *sc)
{
	expander ex = {0};
	ex.ld = ld;
	ex.out = out;
	expand(&ex, node, file, sc, NULL);
	return ex.errors;
}
