/*
 * cookie_run_internal.h: what the runner of `bsim cookie` (cookie_run.c:
 * ops on the browser) and its writer (cookie_output.c: text and JSON
 * lines) share: the state of one run and the writers' entry points. Not
 * used outside these two files.
 */
#ifndef BSIM_CLI_COOKIE_RUN_INTERNAL_H
#define BSIM_CLI_COOKIE_RUN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "bsim/browser.h"
#include "cli/cookie_run.h"

struct run;

/* What a listening tab's callbacks need: the run and the tab's name. */
typedef struct listen_ctx {
	struct run *r;
	int name;
} listen_ctx;

typedef struct run {
	const cookie_run_config *cfg;
	const cookie_op_list *ops;
	const cookie_op *op;    /* the op being run, for the line outputs belong to */
	bsim_browser *b;
	int *ids;               /* the browser's tab id behind each name, -1 when not open */
	int *id_names;          /* the name each tab id was opened under, for the trace (ids only grow) */
	size_t id_names_cap;
	buf *out;               /* the run's output: events as they happen, then each op's result */
	buf *diag;
	buf result;             /* the op's own output, written after its explanations */
	size_t trace_mark;      /* trace entries before the op */
	listen_ctx **listeners;
	size_t n_listeners;
	const cookie_op **pending; /* respond ops whose header no load has carried yet, in file order */
	size_t n_pending, cap_pending;
} run;

/* The name at index `name` of the file's tab names, or NULL for -1. */
const char *out_tab_name(const run *r, int name);

/* Written where they happen, into r->out. */
/* A jar event, for --explain (refusals and removals; stores are for dump). */
void out_cookie_event(run *r, const bsim_cookie_event *ev);
/* Storage refusals the op left in the trace since r->trace_mark (--explain); moves the mark. */
void out_explain_trace(run *r);
/* An event delivered to a listening tab. */
void out_storage_event(run *r, int name, const bsim_storage_event *ev);
void out_focus_event(run *r, int name, int focused);

/* The op's own result, into r->result. */
/* A bsim_cookie_visit for dump; userdata is the run. */
int out_dump_cookie(const bsim_cookie_view *c, void *userdata);
/* get and read: url is the op's, or the tab's page for read NAME. */
void out_value(run *r, const char *url, const char *value);
/* What a page saw thrown: name "QuotaExceededError" or "SecurityError", the browser's sentence. */
void out_exception(run *r, int id, const char *name, const char *text);
void out_navigation_error(run *r, const char *url, const char *message);
/* A storage call's result: getItem and key() a string or NULL, length a number. */
void out_storage(run *r, int id, const char *value, bool is_length, size_t length);
/* The whole trace so far; moves the mark past it. */
void out_trace(run *r);

#endif
