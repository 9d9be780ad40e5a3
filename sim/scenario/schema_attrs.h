/*
 * schema_attrs.h: the attributes each element of the scenario language
 * takes, as the schema (scenarios/bsim.rng) says. The table is generated
 * from the schema at build time (scripts/gen_attr_tables.py writes
 * scenario_attrs.c), so the schema is the one list: a file is checked
 * against the schema itself when it loads, and steps that reach a kind by
 * another road (built in memory, or by a reader of another format) are
 * checked against this table by step_prepare (attr.c).
 */
#ifndef BSIM_SCENARIO_SCHEMA_ATTRS_H
#define BSIM_SCENARIO_SCHEMA_ATTRS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct schema_attr_row {
	const char *element;        /* "navigate" */
	const char *variant;        /* for <expect>: the attribute naming the variant ("cookie"); else NULL */
	const char *const *attrs;   /* in schema order, NULL-terminated; a variant's own attribute first */
	bool open;                  /* attributes of any name are allowed too (<use>'s parameters) */
} schema_attr_row;

extern const schema_attr_row schema_attr_rows[];
extern const size_t schema_attr_row_count;

/* The row of element (and variant, NULL for a plain element), or NULL when the schema has none. */
const schema_attr_row *schema_attrs_find(const char *element, const char *variant);

#endif
