/*
 * explain_internal.h: what explain.c (walking an invalid file and saying
 * what is wrong) asks of explain_model.c (what bsim.rng allows inside an
 * element: child elements, attribute alternatives, values).
 */
#ifndef BSIM_SCENARIO_EXPLAIN_INTERNAL_H
#define BSIM_SCENARIO_EXPLAIN_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "scenario/read/load_internal.h"

/* An element of the language takes at most this many distinct attributes (bsim.rng's <expect> has 21). */
#define ATTR_NAMES_MAX 64
/* Alternatives one element's attribute patterns expand to (<expect>: 16); past it the explanation falls back to libxml2's. */
#define ALTS_MAX 256
/* How deep define references nest in bsim.rng; a guard, never reached by a sane schema. */
#define RNG_DEPTH_MAX 32
/* Longest attribute value or text quoted back in a message. */
#define QUOTE_MAX 60

/* The child elements a content pattern allows, with groups a define documents ("a step") kept as one label. */
typedef struct content {
	const char *names[ATTR_NAMES_MAX * 2];
	size_t n;
	const char *labels[8];
	size_t n_labels;
	bool text;
	bool overflow;
} content;

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

/* Add name to names (once; *overflow when max are there already). */
void model_add_name(const char **names, size_t *n, size_t max, const char *name, bool *overflow);
/*
 * Every child element a content pattern allows (c->names), whether it allows
 * text, and the labels of the documented groups it refers to ("a step"),
 * outermost only: `labelled` is set inside such a group.
 */
void model_collect_content(const schema_model *m, const xmlNode *pat, content *c, bool labelled, int depth);
/* Whether the collected content allows a child element named name. */
bool model_content_allows(const content *c, const char *name);
/* "<include> or a step", "<fragment>, <include> or <scenario>". */
void model_put_expected(buf *b, const schema_model *m, const xmlNode *pat);
/* Child elements a content pattern requires: those outside any optional, zeroOrMore or choice. */
void model_collect_required(const schema_model *m, const xmlNode *pat, const char **names, size_t *n, size_t max,
			     bool *overflow, int depth);
/*
 * The attribute alternatives of a sequence of patterns from first on (the
 * content of an element, a group or a define): their names go to t, their
 * alternatives to out. 0, or -1 past ALTS_MAX or ATTR_NAMES_MAX.
 */
int model_alts_of_group(const schema_model *m, attr_table *t, const xmlNode *first, alts *out, int depth);
/* Whether v fits the value pattern p (a choice, a list, a data type with its pattern). */
bool model_value_ok(const schema_model *m, const xmlNode *p, const char *v, int depth);
/* What a value pattern expects, in words: "true or false", "local or session", "a whole number". */
void model_describe(buf *b, const schema_model *m, const xmlNode *p, int depth);
/*
 * The value a mistyped one most likely meant (util/suggest.h), or NULL; the
 * word judged (the bad token of a list) goes to word. The engines' own
 * vocabulary knows the names people use for them ("chrome", "webkit").
 */
const char *model_value_suggest(const schema_model *m, const xmlNode *p, const char *v, char *word, size_t len);

#endif
