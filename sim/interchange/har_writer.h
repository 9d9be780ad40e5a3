/*
 * har_writer.h (internal): what the two halves of the HAR import share:
 * har_scenario.c decides what a capture means (navigations, the widget's
 * writes, derived expectations), har_write.c writes it as scenario text.
 */
#ifndef BSIM_INTERCHANGE_HAR_WRITER_H
#define BSIM_INTERCHANGE_HAR_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "interchange/har.h"
#include "bsim/har.h"
#include "util/buf.h"

/*
 * Widget cookie names tracked through one capture: the widget writes about
 * 35 (genesys-widgets-cookies.md plus the undocumented ones); more than
 * this many distinct _genesys.widgets.* names is not the widget.
 */
#define HAR_MAX_WIDGET_COOKIES 64

typedef struct widget_cookie {
	char *name, *value, *domain; /* domain as a Domain attribute (".x.com"), or "" for host-only */
	char *page;                  /* the URL of the page it was written on (its host, for a host-only cookie) */
	bool secure;
	bool lost;                   /* a "lost" expectation was written for it already */
} widget_cookie;

typedef struct writer {
	const har_log *h;
	const bsim_har_options *o;
	bsim_har_summary *sum;
	buf out;
	const char *version;         /* "9" or "8.5" */
	int64_t start;               /* the capture's first navigation: the scenario's now= */
	int64_t t0;                  /* the capture's instant of the scenario's start, moved on by every cut gap */
	int64_t vt;                  /* virtual milliseconds since the start, as waited so far */
	char tab[8];                 /* the current tab's name ("a", "b" ...) */
	bool tab_open;
	bool closed_done;
	bool sanitized_skip;         /* no cookie data: nothing is derived from requests */
	const char *page_url;        /* the URL of the page the tab shows (the last navigation's) */
	bool widget;                 /* the widget model is deployed: it writes its own cookies */
	const char *deploy_version;  /* the <deploy version> preset, NULL for the default build */
	bool chat_started;           /* a <webchat do="start"> was written */
	bool expect_restore;         /* a chat started: the next page showing the widget expects it restored */
	bool any_chat_start;         /* the capture has a request that starts a chat (har_is_chat_start) */
	widget_cookie known[HAR_MAX_WIDGET_COOKIES];
	size_t n_known;
} writer;

/* XML text (attribute: an attribute value) with &, <, > (and " and white space in attributes) escaped. */
void harw_escaped(buf *b, const char *s, bool attribute);
/* The same for s[0..n). */
void harw_escaped_n(buf *b, const char *s, size_t n, bool attribute);
/* Text inside <!-- -->, with "--" and a final '-' broken up. */
void harw_comment_text(buf *b, const char *s);
/* "  <!-- TEXT -->" on a line of its own. */
void harw_comment(writer *w, const char *fmt, ...) BSIM_PRINTF(2, 3);
/* A URL as the scenario writes it (the query and fragment dropped when redacting). */
void harw_url(buf *b, const writer *w, const char *url, bool attribute);
/* "2s", "1500ms". */
void harw_duration(buf *b, int64_t ms);
/* A <wait> up to the capture's instant `at`, capped by max_gap. */
void harw_wait_until(writer *w, int64_t at);
/* The <tab> or <navigate> of a navigation entry, with its Set-Cookie headers. 0 or BSIM_ENOMEM. */
int harw_navigation(writer *w, const har_entry *e);
/* How many lines of e's Set-Cookie headers (one header may join several with newlines) `counts` accepts. */
size_t har_count_set_cookie_lines(const har_entry *e, bool (*counts)(const char *line, size_t len));
/* The header comment. */
void harw_header(writer *w, const char *name);
/* The <scenario ...> start tag. */
void harw_scenario_open(writer *w, const char *name);
/* <hosts> naming every navigation's host. */
void harw_hosts(writer *w);

#endif
