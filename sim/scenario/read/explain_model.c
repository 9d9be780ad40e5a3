/*
 * explain_model.c: what the schema allows inside an element, read from
 * bsim.rng as a tree (schema_model) for explain.c: the child elements its
 * content pattern names (with groups a define documents, "a step", kept as
 * one label), the alternatives its attribute patterns expand to (each a
 * set of required and optional attributes with their value patterns), and
 * whether a value fits its pattern, said in words (its <a:documentation>
 * or its choices) with the closest choice for a misspelt one. The
 * conventions of bsim.rng this relies on are written at its top.
 */
#include "scenario/read/explain_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlregexp.h>

#include "cookie/preset.h"
#include "util/grow.h"
#include "util/suggest.h"

/* ---- what the schema allows inside an element ---- */

void model_add_name(const char **names, size_t *n, size_t max, const char *name, bool *overflow)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return;
	if (*n == max) {
		*overflow = true;
		return;
	}
	names[(*n)++] = name;
}

/*
 * Every child element a content pattern allows (c->names), whether it allows
 * text, and the labels of the documented groups it refers to ("a step"),
 * outermost only: `labelled` is set inside such a group.
 */
void model_collect_content(const schema_model *m, const xmlNode *pat, content *c, bool labelled, int depth)
{
	if (depth > RNG_DEPTH_MAX)
		return;
	for (const xmlNode *ch = pat ? pat->children : NULL; ch; ch = ch->next) {
		if (!rng_is(ch, NULL) || rng_is(ch, "attribute"))
			continue;
		if (rng_is(ch, "element")) {
			const char *name = rng_prop(ch, "name");
			if (name)
				model_add_name(c->names, &c->n, sizeof c->names / sizeof *c->names, name, &c->overflow);
		} else if (rng_is(ch, "text") || rng_is(ch, "data") || rng_is(ch, "value") || rng_is(ch, "list")) {
			c->text = true;
		} else if (rng_is(ch, "ref")) {
			const xmlNode *def = rng_define(m, rng_prop(ch, "name"));
			const char *label = rng_documentation(def);
			if (label && !labelled)
				model_add_name(c->labels, &c->n_labels, sizeof c->labels / sizeof *c->labels, label, &c->overflow);
			model_collect_content(m, def, c, labelled || label, depth + 1);
		} else {
			if (rng_is(ch, "mixed"))
				c->text = true;
			model_collect_content(m, ch, c, labelled, depth + 1);
		}
	}
}

/* Names allowed directly (not under a label), for the "expected" list. */
static void collect_unlabelled(const schema_model *m, const xmlNode *pat, const char **names, size_t *n, size_t max,
			       bool *overflow, int depth)
{
	if (depth > RNG_DEPTH_MAX)
		return;
	for (const xmlNode *ch = pat ? pat->children : NULL; ch; ch = ch->next) {
		if (!rng_is(ch, NULL) || rng_is(ch, "attribute"))
			continue;
		if (rng_is(ch, "element")) {
			if (rng_prop(ch, "name"))
				model_add_name(names, n, max, rng_prop(ch, "name"), overflow);
		} else if (rng_is(ch, "ref")) {
			const xmlNode *def = rng_define(m, rng_prop(ch, "name"));
			if (!rng_documentation(def))
				collect_unlabelled(m, def, names, n, max, overflow, depth + 1);
		} else {
			collect_unlabelled(m, ch, names, n, max, overflow, depth + 1);
		}
	}
}

bool model_content_allows(const content *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->names[i], name) == 0)
			return true;
	return false;
}

/* "<include> or a step", "<fragment>, <include> or <scenario>". */
void model_put_expected(buf *b, const schema_model *m, const xmlNode *pat)
{
	const char *names[ATTR_NAMES_MAX];
	size_t n = 0;
	bool overflow = false;
	collect_unlabelled(m, pat, names, &n, ATTR_NAMES_MAX, &overflow, 0);
	content c = {0};
	model_collect_content(m, pat, &c, false, 0);
	size_t total = n + c.n_labels;
	for (size_t i = 0; i < total; i++) {
		if (i)
			buf_puts(b, i + 1 == total ? " or " : ", ");
		if (i < n)
			buf_printf(b, "<%s>", names[i]);
		else
			buf_puts(b, c.labels[i - n]);
	}
}

/* Child elements a content pattern requires: those outside any optional, zeroOrMore or choice. */
void model_collect_required(const schema_model *m, const xmlNode *pat, const char **names, size_t *n, size_t max,
			     bool *overflow, int depth)
{
	if (depth > RNG_DEPTH_MAX)
		return;
	for (const xmlNode *ch = pat ? pat->children : NULL; ch; ch = ch->next) {
		if (rng_is(ch, "element")) {
			if (rng_prop(ch, "name"))
				model_add_name(names, n, max, rng_prop(ch, "name"), overflow);
		} else if (rng_is(ch, "ref")) {
			model_collect_required(m, rng_define(m, rng_prop(ch, "name")), names, n, max, overflow, depth + 1);
		} else if (rng_is(ch, "group") || rng_is(ch, "oneOrMore") || rng_is(ch, "interleave") || rng_is(ch, "mixed")) {
			model_collect_required(m, ch, names, n, max, overflow, depth + 1);
		}
	}
}

/* ---- attributes: the element's attribute patterns as alternatives ---- */

static int table_index(attr_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->names[i], name) == 0)
			return (int)i;
	if (t->n == ATTR_NAMES_MAX) {
		t->overflow = true;
		return -1;
	}
	t->names[t->n] = name;
	return (int)t->n++;
}

static int alts_push(alts *a, const alt *x)
{
	if (a->n == ALTS_MAX)
		return -1;
	if (ARRAY_GROW(&a->v, &a->cap, a->n + 1) < 0)
		return -1;
	a->v[a->n++] = *x;
	return 0;
}

static int alts_unit(alts *a)
{
	alt u;
	memset(&u, 0, sizeof u);
	a->n = 0;
	return alts_push(a, &u);
}

/* a := a x b: every pair of alternatives, attributes together. */
static int alts_product(alts *a, const alts *b)
{
	alts out = {0};
	for (size_t i = 0; i < a->n; i++) {
		for (size_t j = 0; j < b->n; j++) {
			alt c = a->v[i];
			const alt *y = &b->v[j];
			c.req |= y->req;
			c.opt |= y->opt;
			c.wildcard |= y->wildcard;
			for (unsigned k = 0; k < y->n_order && c.n_order < ATTR_NAMES_MAX; k++)
				c.order[c.n_order++] = y->order[k];
			for (unsigned k = 0; k < ATTR_NAMES_MAX; k++)
				if (((y->req | y->opt) >> k) & 1)
					c.val[k] = y->val[k];
			if (alts_push(&out, &c) < 0) {
				free(out.v);
				return -1;
			}
		}
	}
	free(a->v);
	*a = out;
	return 0;
}

static int alts_of(const schema_model *m, attr_table *t, const xmlNode *p, alts *out, int depth)
{
	if (depth > RNG_DEPTH_MAX)
		return -1;
	if (rng_is(p, "attribute")) {
		alt a;
		memset(&a, 0, sizeof a);
		const char *name = rng_prop(p, "name");
		if (!name) {
			a.wildcard = true; /* a name class: anyName, nsName */
		} else {
			int i = table_index(t, name);
			if (i < 0)
				return -1;
			a.req = (uint64_t)1 << i;
			a.order[a.n_order++] = (unsigned char)i;
			a.val[i] = rng_first_child(p);
		}
		out->n = 0;
		return alts_push(out, &a);
	}
	if (rng_is(p, "choice")) {
		out->n = 0;
		for (const xmlNode *c = p->children; c; c = c->next) {
			if (!rng_is(c, NULL))
				continue;
			alts sub = {0};
			int rc = alts_of(m, t, c, &sub, depth + 1);
			for (size_t i = 0; rc == 0 && i < sub.n; i++)
				rc = alts_push(out, &sub.v[i]);
			free(sub.v);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	if (rng_is(p, "optional") || rng_is(p, "zeroOrMore")) {
		alts sub = {0};
		if (model_alts_of_group(m, t, p->children, &sub, depth + 1) < 0) {
			free(sub.v);
			return -1;
		}
		int rc;
		if (sub.n == 1) {
			/* one alternative: its attributes become optional ones */
			alt a = sub.v[0];
			a.opt |= a.req;
			a.req = 0;
			a.n_order = 0;
			out->n = 0;
			rc = alts_push(out, &a);
		} else {
			rc = alts_unit(out);
			for (size_t i = 0; rc == 0 && i < sub.n; i++)
				rc = alts_push(out, &sub.v[i]);
		}
		free(sub.v);
		return rc;
	}
	if (rng_is(p, "ref"))
		return model_alts_of_group(m, t, rng_define(m, rng_prop(p, "name")) ? rng_define(m, rng_prop(p, "name"))->children : NULL,
				     out, depth + 1);
	if (rng_is(p, "group") || rng_is(p, "oneOrMore") || rng_is(p, "interleave") || rng_is(p, "mixed"))
		return model_alts_of_group(m, t, p->children, out, depth + 1);
	/* element, text, empty, data, value, list: content, no attribute */
	return alts_unit(out);
}

int model_alts_of_group(const schema_model *m, attr_table *t, const xmlNode *first, alts *out, int depth)
{
	if (alts_unit(out) < 0)
		return -1;
	for (const xmlNode *c = first; c; c = c->next) {
		if (!rng_is(c, NULL))
			continue;
		alts sub = {0};
		int rc = alts_of(m, t, c, &sub, depth);
		if (rc == 0)
			rc = alts_product(out, &sub);
		free(sub.v);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* ---- attribute values ---- */

/* Whitespace collapsed, as RELAX NG compares a token <value>. */
static bool token_equal(const char *a, const char *b)
{
	while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
		a++;
	while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
		b++;
	while (*a || *b) {
		bool sa = *a == ' ' || *a == '\t' || *a == '\n' || *a == '\r';
		bool sb = *b == ' ' || *b == '\t' || *b == '\n' || *b == '\r';
		if (sa || sb) {
			while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
				a++;
			while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
				b++;
			if ((*a == '\0') != (*b == '\0') || !sa || !sb)
				return *a == '\0' && *b == '\0';
			continue;
		}
		if (*a != *b)
			return false;
		a++;
		b++;
	}
	return true;
}

/*
 * The first whitespace-separated token of v that the <list> pattern p's
 * item does not take (RELAX NG §6.2.8: a list's value is split at
 * whitespace), copied to out when given; false when every token fits.
 */
static bool list_bad_token(const schema_model *m, const xmlNode *p, const char *v, char *out, size_t outlen, int depth)
{
	const xmlNode *item = rng_first_child(p);
	char token[QUOTE_MAX + 1];
	for (const char *t = v; *t;) {
		t += strspn(t, " \t\n\r");
		size_t len = strcspn(t, " \t\n\r");
		if (!len)
			break;
		snprintf(token, sizeof token, "%.*s", (int)(len < QUOTE_MAX ? len : QUOTE_MAX), t);
		t += len;
		if (!model_value_ok(m, item, token, depth + 1)) {
			if (out)
				snprintf(out, outlen, "%s", token);
			return true;
		}
	}
	return false;
}

bool model_value_ok(const schema_model *m, const xmlNode *p, const char *v, int depth)
{
	if (!p || depth > RNG_DEPTH_MAX)
		return true;
	if (rng_is(p, "value")) {
		const char *want = p->children && p->children->content ? (const char *)p->children->content : "";
		const char *type = rng_prop(p, "type");
		return type && strcmp(type, "string") == 0 ? strcmp(want, v) == 0 : token_equal(want, v);
	}
	if (rng_is(p, "choice")) {
		for (const xmlNode *c = p->children; c; c = c->next)
			if (rng_is(c, NULL) && model_value_ok(m, c, v, depth + 1))
				return true;
		return false;
	}
	if (rng_is(p, "ref"))
		return model_value_ok(m, rng_first_child(rng_define(m, rng_prop(p, "name"))), v, depth + 1);
	if (rng_is(p, "oneOrMore"))
		return model_value_ok(m, rng_first_child(p), v, depth + 1);
	if (rng_is(p, "list"))
		return !list_bad_token(m, p, v, NULL, 0, depth) && v[strspn(v, " \t\n\r")];
	if (rng_is(p, "data")) {
		for (const xmlNode *c = p->children; c; c = c->next) {
			const char *pname = rng_is(c, "param") ? rng_prop(c, "name") : NULL;
			if (!pname || strcmp(pname, "pattern") != 0 || !c->children || !c->children->content)
				continue;
			xmlRegexpPtr re = xmlRegexpCompile(c->children->content);
			if (!re)
				continue;
			int m = xmlRegexpExec(re, (const xmlChar *)v);
			xmlRegFreeRegexp(re);
			if (m != 1)
				return false;
		}
		return true;
	}
	return true;
}

/* What a value pattern expects, in words: "true or false", "local or session", "a whole number". */
void model_describe(buf *b, const schema_model *m, const xmlNode *p, int depth)
{
	if (!p || depth > RNG_DEPTH_MAX || rng_is(p, "text")) {
		buf_puts(b, "text");
	} else if (rng_is(p, "ref")) {
		const xmlNode *def = rng_define(m, rng_prop(p, "name"));
		const char *doc = rng_documentation(def);
		if (doc)
			buf_puts(b, doc);
		else
			model_describe(b, m, rng_first_child(def), depth + 1);
	} else if (rng_is(p, "value")) {
		buf_puts(b, p->children && p->children->content ? (const char *)p->children->content : "");
	} else if (rng_is(p, "choice")) {
		size_t n = 0, i = 0;
		for (const xmlNode *c = p->children; c; c = c->next)
			n += rng_is(c, NULL);
		for (const xmlNode *c = p->children; c; c = c->next) {
			if (!rng_is(c, NULL))
				continue;
			if (i)
				buf_puts(b, i + 1 == n ? " or " : ", ");
			model_describe(b, m, c, depth + 1);
			i++;
		}
	} else if (rng_is(p, "oneOrMore")) {
		model_describe(b, m, rng_first_child(p), depth + 1);
	} else if (rng_is(p, "list")) {
		model_describe(b, m, rng_first_child(p), depth + 1);
		buf_puts(b, ", separated by spaces");
	} else if (rng_is(p, "data")) {
		buf_printf(b, "a valid %s", rng_prop(p, "type") ? rng_prop(p, "type") : "value");
	} else {
		buf_puts(b, "a valid value");
	}
}

/* Collect the <value>s a pattern allows (through choices, refs and lists), up to max. */
static void collect_values(const schema_model *m, const xmlNode *p, const char **out, size_t *n, size_t max, int depth)
{
	if (!p || depth > RNG_DEPTH_MAX || *n >= max)
		return;
	if (rng_is(p, "value")) {
		out[(*n)++] = p->children && p->children->content ? (const char *)p->children->content : "";
	} else if (rng_is(p, "ref")) {
		collect_values(m, rng_first_child(rng_define(m, rng_prop(p, "name"))), out, n, max, depth + 1);
	} else if (rng_is(p, "choice") || rng_is(p, "list") || rng_is(p, "oneOrMore")) {
		for (const xmlNode *c = p->children; c; c = c->next)
			if (rng_is(c, NULL))
				collect_values(m, c, out, n, max, depth + 1);
	}
}

/*
 * The value a mistyped one most likely meant (util/suggest.h), or NULL; the
 * word judged (the bad token of a list) goes to word. The engines' own
 * vocabulary knows the names people use for them ("chrome", "webkit").
 */
const char *model_value_suggest(const schema_model *m, const xmlNode *p, const char *v, char *word, size_t len)
{
	const xmlNode *q = p;
	for (int i = 0; q && rng_is(q, "ref") && i < RNG_DEPTH_MAX; i++)
		q = rng_first_child(rng_define(m, rng_prop(q, "name")));
	if (!(q && rng_is(q, "list") && list_bad_token(m, q, v, word, len, 0)))
		snprintf(word, len, "%s", v);
	const char *values[32];
	size_t n = 0;
	collect_values(m, p, values, &n, sizeof values / sizeof *values, 0);
	bool engines = n == BSIM_ENGINE_COUNT;
	for (size_t i = 0; engines && i < n; i++)
		engines = strcmp(values[i], bsim_engine_name((bsim_engine)i)) == 0;
	if (engines)
		return cookie_engine_suggest(word);
	return *word ? suggest_closest(word, values, n) : NULL;
}
