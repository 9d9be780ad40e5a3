/*
 * explain.c: saying in words why a scenario file does not fit the schema.
 *
 * libxml2 decides validity (schema.c), but its messages are terse and
 * sometimes wrong about the cause ("Invalid attribute seed" for a seed
 * that is not a number; "failed to validate attributes" for a missing
 * one). So for an invalid file the loader walks it against bsim.rng read
 * as a tree, element by element in document order, and reports at each
 * element's FILE:LINE:COL: an element unknown or out of place (with what
 * its parent holds, or the name it was likely meant to be); attributes the
 * element never takes; a combination the schema does not allow (the
 * element's attribute patterns are expanded into alternatives, and the
 * closest one explains what is missing, extra or clashing); a value that
 * does not fit (said as the value's <a:documentation> or its choices);
 * text where none belongs; a required child missing.
 *
 * What the schema allows inside an element (its children, its attribute
 * alternatives, its values) is read from the model by explain_model.c;
 * this file walks the file and reports. The conventions of bsim.rng this
 * relies on are written at its top.
 */
#include "scenario/read/explain_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/suggest.h"


/* ---- the walk ---- */

typedef struct diag {
	const schema_model *m;
	const xml_file *f;
	load_errors *errs;
	int found;
	int code;
} diag;

static void report(diag *d, const xmlNode *at, const char *fmt, ...) BSIM_PRINTF(3, 4);
static void report(diag *d, const xmlNode *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	load_verror(d->errs, BSIM_EINVAL, d->f->path, xml_node_line(at), xml_node_col(at), fmt, ap);
	va_end(ap);
	d->found++;
}

/* A value as quoted back: at most QUOTE_MAX characters. */
static void put_quoted(buf *b, const char *v)
{
	size_t n = strlen(v);
	if (n > QUOTE_MAX)
		buf_printf(b, "\"%.*s...\"", QUOTE_MAX, v);
	else
		buf_printf(b, "\"%s\"", v);
}

static int popcount64(uint64_t x)
{
	return __builtin_popcountll(x);
}

typedef struct inst_attr {
	const char *name;  /* the attribute's name in the file, with its prefix */
	char *value;
	int index;         /* in the table, or -1 */
} inst_attr;

/* How far alternative a is from the attributes present; lower is closer. */
static int alt_distance(const diag *d, const alt *a, uint64_t present, const inst_attr *ia, size_t n, size_t unknown)
{
	int score = popcount64(a->req & ~present);
	if (!a->wildcard)
		score += popcount64(present & ~(a->req | a->opt)) + (int)unknown;
	for (size_t i = 0; i < n; i++)
		if (ia[i].index >= 0 && (((a->req | a->opt) >> ia[i].index) & 1) &&
		    !model_value_ok(d->m, a->val[ia[i].index], ia[i].value, 0))
			score++;
	return score;
}

static const inst_attr *find_inst(const inst_attr *ia, size_t n, int index)
{
	for (size_t i = 0; i < n; i++)
		if (ia[i].index == index)
			return &ia[i];
	return NULL;
}

static void explain_alt(diag *d, const xmlNode *e, const attr_table *t, const alts *as, const alt *a, uint64_t present,
			const inst_attr *ia, size_t n, size_t unknown, int leader)
{
	const char *el = (const char *)e->name;
	/* values that do not fit */
	for (size_t i = 0; i < n; i++) {
		int k = ia[i].index;
		if (k < 0 || !(((a->req | a->opt) >> k) & 1) || model_value_ok(d->m, a->val[k], ia[i].value, 0))
			continue;
		buf b = BUF_INIT;
		put_quoted(&b, ia[i].value);
		char word[QUOTE_MAX + 1];
		const char *like = model_value_suggest(d->m, a->val[k], ia[i].value, word, sizeof word);
		if (like) {
			if (strcmp(word, ia[i].value) != 0)
				buf_printf(&b, ": \"%s\"", word);
			buf_printf(&b, ": did you mean %s? (expected ", like);
			model_describe(&b, d->m, a->val[k], 0);
			buf_putc(&b, ')');
		} else {
			buf_puts(&b, ": expected ");
			model_describe(&b, d->m, a->val[k], 0);
		}
		report(d, e, "<%s> %s=%s", el, ia[i].name, buf_cstr(&b));
		buf_free(&b);
	}
	/* attributes this alternative does not take: name the one they clash with */
	uint64_t extra = a->wildcard ? 0 : present & ~(a->req | a->opt);
	for (int k = 0; k < (int)t->n; k++) {
		if (!((extra >> k) & 1))
			continue;
		const alt *best = NULL;
		int best_score = 0;
		for (size_t j = 0; j < as->n; j++) {
			const alt *b = &as->v[j];
			if (!(((b->req | b->opt) >> k) & 1))
				continue;
			int s = alt_distance(d, b, present, ia, n, unknown);
			if (!best || s < best_score) {
				best = b;
				best_score = s;
			}
		}
		int clash = -1;
		if (best) {
			uint64_t mine = present & (a->req | a->opt) & ~(best->req | best->opt);
			for (unsigned o = 0; o < a->n_order && clash < 0; o++)
				if ((mine >> a->order[o]) & 1)
					clash = a->order[o];
			for (int j = 0; j < (int)t->n && clash < 0; j++)
				if ((mine >> j) & 1)
					clash = j;
		}
		if (clash >= 0)
			report(d, e, "<%s>: the attribute %s does not go with %s", el, t->names[k], t->names[clash]);
		else
			report(d, e, "<%s> does not take the attribute %s here", el, t->names[k]);
	}
	/* required attributes missing */
	uint64_t missing = a->req & ~present;
	for (unsigned o = 0; o < a->n_order; o++) {
		int k = a->order[o];
		if (!((missing >> k) & 1))
			continue;
		const inst_attr *lead = leader >= 0 ? find_inst(ia, n, leader) : NULL;
		if (lead) {
			buf b = BUF_INIT;
			put_quoted(&b, lead->value);
			report(d, e, "<%s %s=%s> needs %s=\"...\"", el, lead->name, buf_cstr(&b), t->names[k]);
			buf_free(&b);
		} else {
			report(d, e, "<%s> needs %s=\"...\"", el, t->names[k]);
		}
	}
}

static void check_attributes(diag *d, const xmlNode *e, const xmlNode *def)
{
	const char *el = (const char *)e->name;
	attr_table t = {0};
	alts as = {0};
	inst_attr ia[ATTR_NAMES_MAX];
	size_t n = 0, unknown = 0;
	if (model_alts_of_group(d->m, &t, def->children, &as, 0) < 0 || t.overflow || as.n == 0)
		goto out; /* too intricate to explain: libxml2's words will do */

	uint64_t present = 0;
	bool any_wild = false;
	for (size_t i = 0; i < as.n; i++)
		any_wild |= as.v[i].wildcard;
	for (const xmlAttr *a = e->properties; a && n < ATTR_NAMES_MAX; a = a->next) {
		inst_attr *x = &ia[n++];
		x->name = (const char *)a->name;
		x->value = (char *)xmlNodeListGetString(e->doc, a->children, 1);
		x->index = -1;
		if (!a->ns)
			for (size_t k = 0; k < t.n; k++)
				if (strcmp(t.names[k], x->name) == 0)
					x->index = (int)k;
		if (x->index >= 0)
			present |= (uint64_t)1 << x->index;
		else
			unknown++;
		if (!x->value)
			x->value = (char *)xmlStrdup((const xmlChar *)"");
	}

	/* attributes the element never takes */
	if (unknown && !any_wild) {
		buf list = BUF_INIT;
		for (size_t k = 0; k < t.n; k++)
			buf_printf(&list, "%s%s", k ? ", " : "", t.names[k]);
		for (size_t i = 0; i < n; i++) {
			if (ia[i].index >= 0)
				continue;
			const char *like = ia[i].name[0] ? suggest_closest(ia[i].name, t.names, t.n) : NULL;
			if (like)
				report(d, e, "<%s> does not take the attribute %s; did you mean %s?", el, ia[i].name, like);
			else
				report(d, e, "<%s> does not take the attribute %s; it takes %s", el, ia[i].name,
				       t.n ? buf_cstr(&list) : "none");
		}
		buf_free(&list);
		goto out;
	}
	for (size_t i = 0; i < as.n; i++)
		if (alt_distance(d, &as.v[i], present, ia, n, unknown) == 0)
			goto out; /* a combination the schema allows */

	/* required in every alternative */
	uint64_t common = ~(uint64_t)0;
	for (size_t i = 0; i < as.n; i++)
		common &= as.v[i].req;
	if (common & ~present) {
		for (size_t k = 0; k < t.n; k++)
			if (((common & ~present) >> k) & 1)
				report(d, e, "<%s> needs %s=\"...\"", el, t.names[k]);
		goto out;
	}
	/* the variant: the first required attribute of an alternative that the others need not have */
	int leaders[ALTS_MAX];
	for (size_t i = 0; i < as.n; i++) {
		leaders[i] = -1;
		for (unsigned o = 0; o < as.v[i].n_order && leaders[i] < 0; o++)
			if (!((common >> as.v[i].order[o]) & 1))
				leaders[i] = as.v[i].order[o];
	}
	bool some_led = false;
	for (size_t i = 0; i < as.n; i++)
		some_led |= leaders[i] >= 0 && ((present >> leaders[i]) & 1);
	size_t best = SIZE_MAX;
	int best_score = 0;
	for (size_t i = 0; i < as.n; i++) {
		bool candidate = some_led ? leaders[i] >= 0 && ((present >> leaders[i]) & 1) : leaders[i] < 0;
		if (!candidate)
			continue;
		int s = alt_distance(d, &as.v[i], present, ia, n, unknown);
		if (best == SIZE_MAX || s < best_score) {
			best = i;
			best_score = s;
		}
	}
	if (best == SIZE_MAX) {
		buf list = BUF_INIT;
		const char *seen[ALTS_MAX];
		size_t n_seen = 0;
		bool overflow = false;
		for (size_t i = 0; i < as.n; i++)
			if (leaders[i] >= 0)
				model_add_name(seen, &n_seen, ALTS_MAX, t.names[leaders[i]], &overflow);
		for (size_t i = 0; i < n_seen; i++)
			buf_printf(&list, "%s%s", i == 0 ? "" : i + 1 == n_seen ? " or " : ", ", seen[i]);
		report(d, e, "<%s> needs one of the attributes %s", el, buf_cstr(&list));
		buf_free(&list);
		goto out;
	}
	explain_alt(d, e, &t, &as, &as.v[best], present, ia, n, unknown, some_led ? leaders[best] : -1);
out:
	for (size_t i = 0; i < n; i++)
		xmlFree(ia[i].value);
	free(as.v);
}

/* ---- elements ---- */

/* The closest allowed name to a misspelt one, or NULL. */
static const char *suggest(const content *c, const char *name)
{
	return suggest_closest(name, c->names, c->n);
}

static bool has_text(const xmlNode *e, char *first, size_t len)
{
	for (const xmlNode *c = e->children; c; c = c->next) {
		if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
			continue;
		const char *t = (const char *)c->content;
		while (t && (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r'))
			t++;
		if (t && *t) {
			size_t n = strcspn(t, "\r\n");
			snprintf(first, len, "%.*s%s", (int)(n > QUOTE_MAX ? QUOTE_MAX : n), t, n > QUOTE_MAX ? "..." : "");
			return true;
		}
	}
	return false;
}

static void check_element(diag *d, const xmlNode *e, const xmlNode *parent_pat, const char *parent, int depth);

static void check_children(diag *d, const xmlNode *e, const xmlNode *def, int depth)
{
	const char *el = (const char *)e->name;
	content c = {0};
	model_collect_content(d->m, def, &c, false, 0);
	char text[QUOTE_MAX + 8];
	if (!c.text && has_text(e, text, sizeof text))
		report(d, e, "<%s> takes no text (found \"%s\")", el, text);
	const char *req[16];
	size_t n_req = 0;
	bool overflow = false;
	model_collect_required(d->m, def, req, &n_req, 16, &overflow, 0);
	for (size_t i = 0; i < n_req; i++) {
		bool seen = false;
		for (const xmlNode *ch = e->children; ch && !seen; ch = ch->next)
			seen = ch->type == XML_ELEMENT_NODE && strcmp((const char *)ch->name, req[i]) == 0;
		if (!seen)
			report(d, e, "<%s> needs a <%s>", el, req[i]);
	}
	for (const xmlNode *ch = e->children; ch; ch = ch->next)
		if (ch->type == XML_ELEMENT_NODE)
			check_element(d, ch, def, el, depth + 1);
}

/* e under a parent whose content pattern is parent_pat (the <start> for the root). */
static void check_element(diag *d, const xmlNode *e, const xmlNode *parent_pat, const char *parent, int depth)
{
	const char *el = (const char *)e->name;
	char qualified[256];
	if (e->ns && e->ns->prefix) {
		/* bsim's elements have no namespace: <x:tab> is not <tab> */
		snprintf(qualified, sizeof qualified, "%s:%s", (const char *)e->ns->prefix, el);
		el = qualified;
	}
	content c = {0};
	model_collect_content(d->m, parent_pat, &c, false, 0);
	const xmlNode *def = e->ns ? NULL : rng_element(d->m, el);
	if (!model_content_allows(&c, el) || e->ns) {
		buf b = BUF_INIT;
		const char *like = def ? NULL : suggest(&c, (const char *)e->name);
		if (like) {
			buf_printf(&b, "did you mean <%s>?", like);
		} else if (c.n == 0 && parent) {
			buf_printf(&b, "<%s> takes no child elements", parent);
		} else {
			buf_puts(&b, "expected ");
			model_put_expected(&b, d->m, parent_pat);
		}
		if (!parent && def)
			report(d, e, "<%s> cannot be the root element; %s", el, buf_cstr(&b));
		else if (!parent)
			report(d, e, "unknown root element <%s>; %s", el, buf_cstr(&b));
		else if (!def)
			report(d, e, "unknown element <%s> in <%s>; %s", el, parent, buf_cstr(&b));
		else
			report(d, e, "<%s> is not allowed in <%s>; %s", el, parent, buf_cstr(&b));
		buf_free(&b);
		/* what is inside an element bsim does not know, or one out of place, is not what was meant either */
		return;
	}
	if (depth > SCENARIO_MAX_DEPTH)
		return;
	check_attributes(d, e, def);
	check_children(d, e, def, depth);
}

int schema_explain(const schema_model *m, const xml_file *f, load_errors *errs)
{
	diag d = {m, f, errs, 0, 0};
	check_element(&d, xmlDocGetRootElement(f->doc), m->start, NULL, 0);
	return d.found;
}
