/*
 * schema.c: checking a scenario file against scenarios/bsim.rng, which is
 * compiled into the library (scripts/embed_schema.py), so bsim checks
 * files against the schema it was built with and reads nothing at run
 * time. libxml2 validates; when a file is invalid, explain.c says why,
 * from the same schema read as a tree (the model). Should explain.c find
 * nothing (a constraint it does not model, such as order), libxml2's own
 * findings are reported, one per element.
 */
#include "scenario/read/load_internal.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>

/* scenario_schema.c, generated from scenarios/bsim.rng by scripts/embed_schema.py. */
extern const char scenario_schema_rng[];
extern const size_t scenario_schema_rng_len;

#define RNG_NS "http://relaxng.org/ns/structure/1.0"
#define ANNOTATION_NS "http://relaxng.org/ns/compatibility/annotations/1.0"

/* libxml2 findings kept for the fallback explanation. */
#define RAW_ERRORS_MAX 64

typedef struct schema_state {
	xmlRelaxNGPtr schema;
	schema_model model;
} schema_state;

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
/* libxml2 does not promise that one compiled RELAX NG schema can validate in several threads at once. */
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;
static schema_state *current;
static char init_error[512];

/* ---- the schema as a tree ---- */

bool rng_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, RNG_NS) == 0 && (!name || strcmp((const char *)n->name, name) == 0);
}

const char *rng_prop(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n ? n->properties : NULL; a; a = a->next)
		if (!a->ns && strcmp((const char *)a->name, name) == 0)
			return a->children && a->children->content ? (const char *)a->children->content : "";
	return NULL;
}

const xmlNode *rng_first_child(const xmlNode *n)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (rng_is(c, NULL))
			return c;
	return NULL;
}

const xmlNode *rng_define(const schema_model *m, const char *name)
{
	return name ? strmap_get(&m->defines, name, strlen(name)) : NULL;
}

const xmlNode *rng_element(const schema_model *m, const char *name)
{
	return name ? strmap_get(&m->elements, name, strlen(name)) : NULL;
}

const char *rng_documentation(const xmlNode *def)
{
	for (const xmlNode *c = def ? def->children : NULL; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && c->ns && c->ns->href &&
		    strcmp((const char *)c->ns->href, ANNOTATION_NS) == 0 &&
		    strcmp((const char *)c->name, "documentation") == 0 && c->children && c->children->content)
			return (const char *)c->children->content;
	}
	return NULL;
}

static int index_model(schema_model *m, const xmlNode *n)
{
	for (; n; n = n->next) {
		if (!rng_is(n, NULL))
			continue;
		const char *name = rng_prop(n, "name");
		if (rng_is(n, "element") && name && !strmap_get(&m->elements, name, strlen(name)) &&
		    strmap_put(&m->elements, name, strlen(name), (void *)n) < 0)
			return BSIM_ENOMEM;
		if (rng_is(n, "define") && name && !strmap_get(&m->defines, name, strlen(name)) &&
		    strmap_put(&m->defines, name, strlen(name), (void *)n) < 0)
			return BSIM_ENOMEM;
		if (rng_is(n, "start") && !m->start)
			m->start = n;
		if (index_model(m, n->children) < 0)
			return BSIM_ENOMEM;
	}
	return 0;
}

static void state_free(schema_state *st)
{
	if (!st)
		return;
	if (st->schema)
		xmlRelaxNGFree(st->schema);
	if (st->model.doc)
		xmlFreeDoc(st->model.doc);
	strmap_free(&st->model.defines);
	strmap_free(&st->model.elements);
	free(st);
}

static void keep_first_error(void *ud, xmlErrorPtr e)
{
	char *out = ud;
	if (!out || out[0] || !e || !e->message)
		return;
	if (e->line > 0)
		snprintf(out, sizeof init_error, "line %d: %s", e->line, e->message);
	else
		snprintf(out, sizeof init_error, "%s", e->message);
	size_t n = strlen(out);
	while (n && out[n - 1] == '\n')
		out[--n] = '\0';
}

static void ignore_generic(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Compile rng and index it. NULL with `why` filled when it does not compile. */
static schema_state *state_new(const char *rng, size_t len, char *why)
{
	why[0] = '\0';
	schema_state *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(why, sizeof init_error, "out of memory");
		return NULL;
	}
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(why, keep_first_error);
	xmlSetGenericErrorFunc(NULL, ignore_generic);
	xmlRelaxNGParserCtxtPtr pc = xmlRelaxNGNewMemParserCtxt(rng, (int)len);
	if (pc) {
		xmlRelaxNGSetParserStructuredErrors(pc, keep_first_error, why);
		st->schema = xmlRelaxNGParse(pc);
		xmlRelaxNGFreeParserCtxt(pc);
	}
	st->model.doc = xmlReadMemory(rng, (int)len, "bsim.rng", NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_generic);
	if (!st->schema || !st->model.doc || index_model(&st->model, st->model.doc->children) < 0 || !st->model.start) {
		if (!why[0])
			snprintf(why, sizeof init_error, "it does not compile");
		state_free(st);
		return NULL;
	}
	return st;
}

static void init_embedded(void)
{
	xml_init();
	current = state_new(scenario_schema_rng, scenario_schema_rng_len, init_error);
}

int schema_replace(const char *rng, size_t len)
{
	pthread_once(&schema_once, init_embedded);
	char why[sizeof init_error];
	schema_state *st = rng ? state_new(rng, len, why) : state_new(scenario_schema_rng, scenario_schema_rng_len, why);
	if (!st)
		return error_set(BSIM_EINVAL, "schema does not compile: %s", why);
	pthread_mutex_lock(&schema_lock);
	schema_state *old = current;
	current = st;
	pthread_mutex_unlock(&schema_lock);
	state_free(old);
	return 0;
}

/* ---- validation ---- */

typedef struct raw_error {
	const xmlNode *node;
	int line;
	char message[256];
} raw_error;

typedef struct raw_errors {
	raw_error v[RAW_ERRORS_MAX];
	size_t n;
} raw_errors;

static void keep_raw(void *ud, xmlErrorPtr e)
{
	raw_errors *r = ud;
	if (!r || !e || r->n == RAW_ERRORS_MAX)
		return;
	raw_error *x = &r->v[r->n++];
	x->node = e->node;
	x->line = e->line;
	snprintf(x->message, sizeof x->message, "%s", e->message ? e->message : "not valid");
	size_t n = strlen(x->message);
	while (n && (x->message[n - 1] == '\n' || x->message[n - 1] == ' '))
		x->message[--n] = '\0';
	lower_first_word(x->message);
}

/* libxml2's findings, one per element: used only when the walk above found nothing. */
static void report_raw(const xml_file *f, load_errors *errs, const raw_errors *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const xmlNode *node = r->v[i].node;
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = node && r->v[j].node == node;
		if (dup)
			continue;
		if (node && node->type == XML_ELEMENT_NODE)
			load_error(errs, BSIM_EINVAL, f->path, xml_node_line(node), xml_node_col(node),
				   "<%s> is not valid here: %s", (const char *)node->name, r->v[i].message);
		else
			load_error(errs, BSIM_EINVAL, f->path, r->v[i].line, 0, "not valid: %s", r->v[i].message);
	}
	if (r->n == 0)
		load_error(errs, BSIM_EINVAL, f->path, 1, 1, "not a valid scenario file");
}

int schema_validate(const xml_file *f, load_errors *errs)
{
	pthread_once(&schema_once, init_embedded);
	pthread_mutex_lock(&schema_lock);
	int code = 0;
	const schema_state *st = current;
	if (!st) {
		code = load_error(errs, BSIM_ERROR, f->path, 0, 0, "internal error: bsim's schema does not compile: %s",
				  init_error);
		goto out;
	}
	raw_errors *raw = calloc(1, sizeof *raw);
	xmlRelaxNGValidCtxtPtr vc = raw ? xmlRelaxNGNewValidCtxt(st->schema) : NULL;
	if (!vc) {
		free(raw);
		code = error_oom();
		goto out;
	}
	xmlStructuredErrorFunc old_serror = xmlStructuredError;
	void *old_sctx = xmlStructuredErrorContext;
	xmlGenericErrorFunc old_generic = xmlGenericError;
	void *old_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(raw, keep_raw);
	xmlSetGenericErrorFunc(NULL, ignore_generic);
	xmlRelaxNGSetValidStructuredErrors(vc, keep_raw, raw);
	int rc = xmlRelaxNGValidateDoc(vc, f->doc);
	xmlSetStructuredErrorFunc(old_sctx, old_serror);
	xmlSetGenericErrorFunc(old_gctx, old_generic);
	xmlRelaxNGFreeValidCtxt(vc);
	if (rc != 0) {
		if (schema_explain(&st->model, f, errs) == 0)
			report_raw(f, errs, raw);
		code = BSIM_EINVAL;
	}
	free(raw);
out:
	pthread_mutex_unlock(&schema_lock);
	return code;
}
