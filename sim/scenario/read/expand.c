/*
 * expand.c: fragments put in place (docs/scenario-language.md, "Reuse:
 * fragments and parameters"). A <use fragment="NAME" P="v"/> is replaced
 * by the fragment's steps with ${P} replaced in every attribute value and
 * text, and a scenario's elements become the flat list of steps the runner
 * walks, each step keeping its own location and, when it came from a
 * fragment, where the outermost <use> stood. ${...} is substituted only
 * inside fragments; elsewhere it is left as written. The step and text
 * budgets (SCENARIO_MAX_STEPS, SCENARIO_MAX_EXPANDED_BYTES) hold however
 * the uses are arranged. The names themselves (scopes, includes) are
 * fragments.c's.
 */
#include "scenario/read/fragments.h"


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

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
			const char *like = scope_closest(sc, name);
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
