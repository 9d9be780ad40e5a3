/*
 * fragments.h: what fragments.c (the names: scopes, fragment definitions,
 * <include>d fragment files) and expand.c (putting fragments in place of
 * their <use>s) share.
 */
#ifndef BSIM_SCENARIO_FRAGMENTS_H
#define BSIM_SCENARIO_FRAGMENTS_H

#include <stdbool.h>

#include "scenario/read/load_internal.h"
#include "util/strmap.h"

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

/* Parameter names (docs/scenario-language.md, "Reuse"): what can follow "${" and stand as an attribute of <use>. */
static inline bool name_start_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static inline bool name_char(char c)
{
	return name_start_char(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* A parameter name: what can follow "${" and stand as an attribute of <use>. */
static inline bool param_name_ok(const char *s)
{
	if (!name_start_char(*s))
		return false;
	for (s++; *s; s++)
		if (!name_char(*s))
			return false;
	return true;
}


/* The fragment named name in sc or a scope around it, or NULL. */
const fragment *scope_lookup(const scope *sc, const char *name);
/* 1 when an include of sc or a scope around it failed, so a missing name was already reported. */
bool scope_incomplete(const scope *sc);
/* The fragment name closest to a misspelt one, or NULL. */
const char *scope_closest(const scope *sc, const char *name);

#endif
