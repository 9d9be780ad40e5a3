/*
 * ops_internal.h: the op-file checker's state, shared by its two files:
 * ops.c (reading, lines, the cookie jar ops) and ops_check.c (tabs,
 * storage, hosts, session and files). Not used outside the checker.
 *
 * A bad line is an error like any other: its message is built with
 * ops_error_at, then ops_bad raises it in the error channel at the line
 * and keeps it among the file's diagnostics, and returns BSIM_EINVAL; the
 * line loop goes on to the next line, so one pass reports every bad line.
 */
#ifndef BSIM_SCENARIO_READ_OPS_INTERNAL_H
#define BSIM_SCENARIO_READ_OPS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "bsim/browser.h"
#include "net/url.h"
#include "scenario/read/ops.h"
#include "util/strmap.h"

/* What the check knows of one tab name at the current line. */
typedef struct tab_state {
	bool open;
	bool blank;         /* about:blank: nothing loaded yet */
	size_t history;     /* pages `back` can go back to */
	bool listening;
	int opened_line;
	int closed_line;    /* where it last closed, 0 if never */
	const char *closed_by; /* the op that closed it */
} tab_state;

/* A `respond` waiting for a tab to load its URL. */
typedef struct pending_response {
	const char *url;
	int line;
	bool used;
} pending_response;

/* A file an earlier save or export writes. */
typedef struct written_file {
	const char *path;
	int line;
} written_file;

typedef struct parser {
	cookie_op_list *list;
	const char *file;
	const cookie_ops_config *config;
	buf msg;                 /* the bad line's message being built (ops_error_at) */
	int msg_line;
	int errors;
	bsim_browser *hosts_check; /* hosts lines are checked by adding them to it */
	url_cache *urls;         /* URL checks: a file names few distinct URLs many times */
	int64_t clock_ms;        /* where the virtual clock will be after the ops so far */
	bool browser_vocabulary; /* the file uses browser ops: messages list all ops */
	tab_state *tabs;         /* parallel to list->names */
	size_t tabs_cap;
	strmap name_index;       /* name -> its index + 1 (a generated file may name thousands of tabs) */
	pending_response *responses;
	size_t n_responses, cap_responses;
	written_file *written;
	size_t n_written, cap_written;
} parser;

/* Start the message of a bad line; the caller writes it (a final newline is dropped) and returns ops_bad(p). */
buf *ops_error_at(parser *p, int line);
/*
 * Raise the message begun by ops_error_at in the error channel at its line
 * and keep it among the diagnostics. Returns BSIM_EINVAL, or BSIM_ENOMEM
 * when it could not be kept.
 */
int ops_bad(parser *p);
/* Keep a diagnostic for line (0: the whole file) at its place in line order. 0 or BSIM_ENOMEM. */
int ops_diag_add(cookie_op_list *list, int line, const char *text);
/* s[0..len) for a message: quoted, cut, anything unprintable as \xNN. */
void ops_quote(buf *b, const char *s, size_t len);
bool ops_is_blank(char c);
bool ops_only_blanks(const char *s, size_t len);
/* Report "unexpected text after ..." for junk[0..len) (blanks before it skipped). */
void ops_unexpected(parser *p, int line, const char *after, const char *junk, size_t len, const char *takes);

/*
 * The next word of rest[0..len) from *i: skips blanks, then takes bytes up
 * to the next blank. *i ends just after the word. Returns false (word
 * untouched) when only blanks are left.
 */
bool ops_word(char *rest, size_t len, size_t *i, char **word, size_t *word_len);

/* Check a URL as the run will use it. Returns 0, or BSIM_EINVAL from ops_bad, or < 0 on failure. */
int ops_check_url(parser *p, int line, cookie_op_kind kind, const char *url);

/*
 * The browser ops (ops_check.c). rest[0..len) is the line after
 * the op word; the line's text is NUL-terminated at rest[len]. Returns 0
 * (op filled in), BSIM_EINVAL (bad line, from ops_bad) or another negative
 * code (failure of bsim).
 */
int ops_parse_browser(parser *p, cookie_op *op, char *rest, size_t len);
/* `read NAME` and `script NAME STRING` on a tab: name[0..name_len), value after it. */
int ops_parse_tab_cookie(parser *p, cookie_op *op, char *name, size_t name_len, char *rest, size_t len);
/* A respond line: its header waits for a tab to load its URL. */
int ops_note_response(parser *p, cookie_op *op);
/* True when word could only be a tab name (no scheme, no dot, no slash). */
bool ops_looks_like_tab_name(const char *word, size_t len);
/* close and restart: what they do to the open names. */
void ops_session_ends(parser *p, int line, const char *by);
/* After the last line: a respond no load used is a bad line. 0, or < 0 on failure. */
int ops_finish(parser *p);
void ops_parser_free(parser *p);

#endif
