/*
 * load_internal.h: what the parts of the scenario loader share.
 * xmlread.c turns one file into a libxml2 tree safely and knows where each
 * element starts; schema.c checks the tree against the embedded RELAX NG
 * schema and explain.c says in words why a file does not fit; expand.c and
 * fragments.c handle fragments, parameters and includes; build.c builds
 * scenarios from valid trees; load.c reads files and directories into the
 * suite. Load errors go to
 * one list, kept by the suite, each with its file, line and column in its
 * fields and "what" as its message.
 */
#ifndef BSIM_SCENARIO_LOAD_INTERNAL_H
#define BSIM_SCENARIO_LOAD_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#include "bsim/error.h"
#include "scenario/scenario_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"

/*
 * Limits on one scenario file (docs/scenario-language.md, "Safety"). Files
 * are untrusted input and CI loads hundreds of them; these are far beyond
 * any hand-written scenario and low enough that a hostile file cannot make
 * a load slow or large.
 */
#define SCENARIO_MAX_FILE_BYTES ((size_t)16 * 1024 * 1024)
#define SCENARIO_MAX_DEPTH 64
#define SCENARIO_MAX_ELEMENTS 100000

/* Where an element's start tag begins ('<'), found by xmlread.c. */
typedef struct xml_pos {
	int line;
	int col;
} xml_pos;

/* The collected load errors (the suite owns them). */
typedef struct load_errors {
	bsim_error *items;  /* message and file owned */
	size_t n, cap;
	bool oom;           /* an error could not be recorded */
} load_errors;

/*
 * Record an error at file:line:col (line 0: the whole file; file NULL: no
 * file). The location stays in the error's fields; whoever shows the error
 * renders it (error_render: "FILE:LINE:COL: what", or "FILE: what").
 * An error already recorded at the same place with the same first line is
 * not recorded twice (a fragment used in fifty scenarios reports its own
 * mistake once). Returns code.
 */
int load_error(load_errors *errs, int code, const char *file, int line, int col, const char *fmt, ...)
	BSIM_PRINTF(6, 7);
int load_verror(load_errors *errs, int code, const char *file, int line, int col, const char *fmt, va_list ap);
void load_errors_free(load_errors *errs);

/* Longest load message: a sentence quoting a few values of at most 60 characters, and a path or two. */
#define LOAD_MESSAGE_MAX 2048

/* ---- xmlread.c ---- */

/* One parsed file: the tree, and the start of every element in document order. */
typedef struct xml_file {
	const char *path;   /* as given or joined (borrowed from the caller) */
	xmlDocPtr doc;
	xml_pos *pos;       /* pos[i] for the i-th element; each element's _private points at its entry */
	size_t n_pos;
} xml_file;

/*
 * Read and parse `path` with every safety limit; on success each element's
 * `_private` points at its xml_pos. On failure the error is recorded (one,
 * located) and a negative code returned; f holds nothing to free.
 */
int xml_file_read(xml_file *f, const char *path, load_errors *errs);
void xml_file_free(xml_file *f);

/* An element's line and column (1-based; 0 when unknown). */
int xml_node_line(const xmlNode *n);
int xml_node_col(const xmlNode *n);

/* "Opening and ending tag mismatch" -> "opening and ...", to follow a colon; "AttValue" stays. */
void lower_first_word(char *msg);

/* libxml2 set up once per process (xmlInitParser); safe to call often. */
void xml_init(void);

/* ---- expand.c: fragments, parameters, includes, the flat step list ---- */

/*
 * Reuse limits (docs/scenario-language.md, "Reuse"). Fragments that use
 * fragments multiply: ten uses per level over sixteen levels is 10^16
 * steps, the billion-laughs attack again. The step and text bounds stop
 * that however the uses are arranged.
 */
#define FRAGMENT_MAX_DEPTH 16
#define INCLUDE_MAX_DEPTH 16
#define SCENARIO_MAX_STEPS 100000
#define SCENARIO_MAX_EXPANDED_BYTES ((size_t)64 * 1024 * 1024)

typedef struct scope scope;
typedef struct frag_lib frag_lib;

/* One bsim_suite_load: where errors go, the fragment files read so far, the files being read (for cycles). */
typedef struct loader {
	load_errors *errs;
	/* Copy path into the suite, which outlives the load; every src_loc points at such a copy. NULL on OOM. */
	const char *(*intern)(void *suite, const char *path);
	void *suite;
	frag_lib **libs;
	size_t n_libs, cap_libs;
	const char *chain[INCLUDE_MAX_DEPTH + 2];  /* display paths of the files being read, outermost first */
	char *chain_real[INCLUDE_MAX_DEPTH + 2];
	size_t chain_n;
	const file_policy *files;  /* the directories allowed besides the folder of chain[0] (file_access.h) */
} loader;

/* A scope of fragment names; lookups fall back to parent. */
scope *scope_new(scope *parent);
void scope_free(scope *sc);
/*
 * Add node's <fragment> children and the fragments of its <include>s (read
 * relative to file) to sc. Returns the number of errors recorded.
 */
int scope_add_from(loader *ld, scope *sc, const xmlNode *node, const char *file);

/* Read a <fragments> file met on its own (a path given, or found in a directory): checked, kept for includes. */
void fragments_file_load(loader *ld, const char *path, xml_file *f);
/* 1 when the file at this real path was already read as a fragment file. */
bool loader_has_lib(const loader *ld, const char *real);
void loader_free(loader *ld);

typedef struct step_list {
	step *v;
	size_t n, cap;
	size_t bytes;   /* text held, against SCENARIO_MAX_EXPANDED_BYTES */
} step_list;

/*
 * The steps under node (a <scenario>), with every <use> replaced by its
 * fragment's steps, parameters substituted. Returns the number of errors
 * recorded; out holds what was built either way.
 */
int expand_steps(loader *ld, step_list *out, const xmlNode *node, const char *file, scope *sc);

/* Free what a step holds (its kind's data included), not the step itself. */
void step_clear(step *s);
void steps_free(step *v, size_t n);

/* An attribute of a file's element (entities decoded), malloc'd for the caller to free; NULL when absent. */
char *xml_attr_dup(const xmlNode *n, const char *name);

/* ---- build.c: one <scenario> element into scenarios, one per engine ---- */

typedef struct name_seen {
	char *name;
	int line, col;
} name_seen;

typedef struct names_seen {
	name_seen *v;
	size_t n, cap;
} names_seen;

/* What a <suite> gives every scenario in it that does not say otherwise. */
typedef struct suite_defaults {
	bsim_time start_time;
	bool start_given;      /* the suite has now= */
	bool start_bad;        /* its now= is not an instant (reported at the suite) */
} suite_defaults;

/*
 * Build the <scenario> n of file (scope parent: its suite's fragments;
 * seen: the names of the file's scenarios so far; defaults NULL outside a
 * <suite>) and add a copy per engine to suite, or record its errors.
 */
void build_scenario(loader *ld, bsim_suite *suite, const xmlNode *n, const char *file, scope *parent,
		    names_seen *seen, const suite_defaults *defaults);
/* Add a scenario to the suite (its fields are moved in); 0 or BSIM_ENOMEM. */
int suite_add(bsim_suite *suite, const bsim_scenario *sc);
/* now= of a <scenario> or <suite> (`what`): 1 and *out, or 0 and why in msg. */
bool read_now(const char *v, const char *what, bsim_time *out, char *msg, size_t msglen);
/* Free what a scenario holds (its steps when it owns them), not the scenario itself. */
void scenario_fields_free(bsim_scenario *sc);

/* ---- schema.c and explain.c ---- */

/* bsim.rng as a tree: what explain.c reads to say why a file does not fit. */
typedef struct schema_model {
	xmlDocPtr doc;
	const xmlNode *start;
	strmap defines;        /* name -> <define> */
	strmap elements;       /* name -> <element> (each is defined once) */
} schema_model;

/* A RELAX NG element of the model (any when name is NULL). */
bool rng_is(const xmlNode *n, const char *name);
/* An attribute of a model element, or NULL. */
const char *rng_prop(const xmlNode *n, const char *name);
const xmlNode *rng_first_child(const xmlNode *n);
const xmlNode *rng_define(const schema_model *m, const char *name);
const xmlNode *rng_element(const schema_model *m, const char *name);
/* The <a:documentation> text of a define, or NULL. */
const char *rng_documentation(const xmlNode *def);

/* Walk an invalid file against the model, recording each problem. Returns how many were found. */
int schema_explain(const schema_model *m, const xml_file *f, load_errors *errs);

/*
 * Validate f against the embedded schema. 0 when valid; otherwise every
 * problem is recorded, located at its element and saying what was
 * expected, and BSIM_EINVAL returned.
 */
int schema_validate(const xml_file *f, load_errors *errs);

/*
 * Replace the embedded schema with `rng` (tests of a language extended
 * before its kinds exist). NULL restores the embedded one. Not safe while
 * another thread loads.
 */
int schema_replace(const char *rng, size_t len);

#endif
