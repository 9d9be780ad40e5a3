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
 * The conventions of bsim.rng this relies on are written at its top.
 */
#include "scenario/read/load_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlregexp.h>

#include "cookie/preset.h"
#include "util/suggest.h"
#include "util/grow.h"

/* An element of the language takes at most this many distinct attributes (bsim.rng's <expect> has 21). */
#define ATTR_NAMES_MAX 64
/* Alternatives one element's attribute patterns expand to (<expect>: 16); past it the explanation falls back to libxml2's. */
#define ALTS_MAX 256
/* How deep define references nest in bsim.rng; a guard, never reached by a sane schema. */
#define RNG_DEPTH_MAX 32
/* Longest attribute value or text quoted back in a message. */
#define QUOTE_MAX 60

/* ---- what the schema allows inside an element ---- */

/* The child elements a content pattern allows, with groups a define documents ("a step") kept as one label. */
typedef struct content {
	const char *names[ATTR_NAMES_MAX * 2];
	size_t n;
	const char *labels[8];
	size_t n_labels;
	bool text;
	bool overflow;
} content;

static void add_name(const char **names, size_t *n, size_t max, const char *name, bool *overflow)
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
static void collect_content(const schema_model *m, const xmlNode *pat, content *c, bool labelled, int depth)
{
	if (depth > RNG_DEPTH_MAX)
		return;
	for (const xmlNode *ch = pat ? pat->children : NULL; ch; ch = ch->next) {
		if (!rng_is(ch, NULL) || rng_is(ch, "attribute"))
			continue;
		if (rng_is(ch, "element")) {
			const char *name = rng_prop(ch, "name");
			if (name)
				add_name(c->names, &c->n, sizeof c->names / sizeof *c->names, name, &c->overflow);
		} else if (rng_is(ch, "text") || rng_is(ch, "data") || rng_is(ch, "value") || rng_is(ch, "list")) {
			c->text = true;
		} else if (rng_is(ch, "ref")) {
			const xmlNode *def = rng_define(m, rng_prop(ch, "name"));
			const char *label = rng_documentation(def);
			if (label && !labelled)
				add_name(c->labels, &c->n_labels, sizeof c->labels / sizeof *c->labels, label, &c->overflow);
			collect_content(m, def, c, labelled || label, depth + 1);
		} else {
			if (rng_is(ch, "mixed"))
				c->text = true;
			collect_content(m, ch, c, labelled, depth + 1);
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
				add_name(names, n, max, rng_prop(ch, "name"), overflow);
		} else if (rng_is(ch, "ref")) {
			const xmlNode *def = rng_define(m, rng_prop(ch, "name"));
			if (!rng_documentation(def))
				collect_unlabelled(m, def, names, n, max, overflow, depth + 1);
		} else {
			collect_unlabelled(m, ch, names, n, max, overflow, depth + 1);
		}
	}
}

static bool content_allows(const content *c, const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->names[i], name) == 0)
			return true;
	return false;
}

/* "<include> or a step", "<fragment>, <include> or <scenario>". */
static void put_expected(buf *b, const schema_model *m, const xmlNode *pat)
{
	const char *names[ATTR_NAMES_MAX];
	size_t n = 0;
	bool overflow = false;
	collect_unlabelled(m, pat, names, &n, ATTR_NAMES_MAX, &overflow, 0);
	content c = {0};
	collect_content(m, pat, &c, false, 0);
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
static void collect_required(const schema_model *m, const xmlNode *pat, const char **names, size_t *n, size_t max,
			     bool *overflow, int depth)
{
	if (depth > RNG_DEPTH_MAX)
		return;
	for (const xmlNode *ch = pat ? pat->children : NULL; ch; ch = ch->next) {
		if (rng_is(ch, "element")) {
			if (rng_prop(ch, "name"))
				add_name(names, n, max, rng_prop(ch, "name"), overflow);
		} else if (rng_is(ch, "ref")) {
			collect_required(m, rng_define(m, rng_prop(ch, "name")), names, n, max, overflow, depth + 1);
		} else if (rng_is(ch, "group") || rng_is(ch, "oneOrMore") || rng_is(ch, "interleave") || rng_is(ch, "mixed")) {
			collect_required(m, ch, names, n, max, overflow, depth + 1);
		}
	}
}

/* ---- attributes: the element's attribute patterns as alternatives ---- */

typedef struct alt {
	uint64_t req, opt;
	bool wildcard;                             /* any other attribute too (<use>'s parameters) */
	unsigned char order[ATTR_NAMES_MAX];       /* required attributes, in the schema's order */
	unsigned n_order;
	const xmlNode *val[ATTR_NAMES_MAX];        /* the value pattern of each attribute (NULL: any text) */
} alt;

typedef struct alts {
	alt *v;
	size_t n, cap;
} alts;

typedef struct attr_table {
	const char *names[ATTR_NAMES_MAX];
	size_t n;
	bool overflow;
} attr_table;

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

static int alts_of_group(const schema_model *m, attr_table *t, const xmlNode *first, alts *out, int depth);

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
		if (alts_of_group(m, t, p->children, &sub, depth + 1) < 0) {
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
		return alts_of_group(m, t, rng_define(m, rng_prop(p, "name")) ? rng_define(m, rng_prop(p, "name"))->children : NULL,
				     out, depth + 1);
	if (rng_is(p, "group") || rng_is(p, "oneOrMore") || rng_is(p, "interleave") || rng_is(p, "mixed"))
		return alts_of_group(m, t, p->children, out, depth + 1);
	/* element, text, empty, data, value, list: content, no attribute */
	return alts_unit(out);
}

static int alts_of_group(const schema_model *m, attr_table *t, const xmlNode *first, alts *out, int depth)
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

static bool value_ok(const schema_model *m, const xmlNode *p, const char *v, int depth);

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
		if (!value_ok(m, item, token, depth + 1)) {
			if (out)
				snprintf(out, outlen, "%s", token);
			return true;
		}
	}
	return false;
}

static bool value_ok(const schema_model *m, const xmlNode *p, const char *v, int depth)
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
			if (rng_is(c, NULL) && value_ok(m, c, v, depth + 1))
				return true;
		return false;
	}
	if (rng_is(p, "ref"))
		return value_ok(m, rng_first_child(rng_define(m, rng_prop(p, "name"))), v, depth + 1);
	if (rng_is(p, "oneOrMore"))
		return value_ok(m, rng_first_child(p), v, depth + 1);
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
static void describe(buf *b, const schema_model *m, const xmlNode *p, int depth)
{
	if (!p || depth > RNG_DEPTH_MAX || rng_is(p, "text")) {
		buf_puts(b, "text");
	} else if (rng_is(p, "ref")) {
		const xmlNode *def = rng_define(m, rng_prop(p, "name"));
		const char *doc = rng_documentation(def);
		if (doc)
			buf_puts(b, doc);
		else
			describe(b, m, rng_first_child(def), depth + 1);
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
			describe(b, m, c, depth + 1);
			i++;
		}
	} else if (rng_is(p, "oneOrMore")) {
		describe(b, m, rng_first_child(p), depth + 1);
	} else if (rng_is(p, "list")) {
		describe(b, m, rng_first_child(p), depth + 1);
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
static const char *value_suggest(const schema_model *m, const xmlNode *p, const char *v, char *word, size_t len)
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
		    !value_ok(d->m, a->val[ia[i].index], ia[i].value, 0))
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
		if (k < 0 || !(((a->req | a->opt) >> k) & 1) || value_ok(d->m, a->val[k], ia[i].value, 0))
			continue;
		buf b = BUF_INIT;
		put_quoted(&b, ia[i].value);
		char word[QUOTE_MAX + 1];
		const char *like = value_suggest(d->m, a->val[k], ia[i].value, word, sizeof word);
		if (like) {
			if (strcmp(word, ia[i].value) != 0)
				buf_printf(&b, ": \"%s\"", word);
			buf_printf(&b, ": did you mean %s? (expected ", like);
			describe(&b, d->m, a->val[k], 0);
			buf_putc(&b, ')');
		} else {
			buf_puts(&b, ": expected ");
			describe(&b, d->m, a->val[k], 0);
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
	if (alts_of_group(d->m, &t, def->children, &as, 0) < 0 || t.overflow || as.n == 0)
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
				add_name(seen, &n_seen, ALTS_MAX, t.names[leaders[i]], &overflow);
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
	collect_content(d->m, def, &c, false, 0);
	char text[QUOTE_MAX + 8];
	if (!c.text && has_text(e, text, sizeof text))
		report(d, e, "<%s> takes no text (found \"%s\")", el, text);
	const char *req[16];
	size_t n_req = 0;
	bool overflow = false;
	collect_required(d->m, def, req, &n_req, 16, &overflow, 0);
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
	collect_content(d->m, parent_pat, &c, false, 0);
	const xmlNode *def = e->ns ? NULL : rng_element(d->m, el);
	if (!content_allows(&c, el) || e->ns) {
		buf b = BUF_INIT;
		const char *like = def ? NULL : suggest(&c, (const char *)e->name);
		if (like) {
			buf_printf(&b, "did you mean <%s>?", like);
		} else if (c.n == 0 && parent) {
			buf_printf(&b, "<%s> takes no child elements", parent);
		} else {
			buf_puts(&b, "expected ");
			put_expected(&b, d->m, parent_pat);
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
