/*
 * har_import.h (internal): the HAR reader of the scenario layer, turning a
 * capture parsed by interchange/har.h into a scenario (include/bsim/har.h,
 * docs/har-import.md). What its files share:
 *   har.c          the entry points, the options and the checks a capture must pass;
 *   har_pages.c    the scenario page by page: navigations, chat starts, restores;
 *   har_cookies.c  the widget's cookies: script writes reproduced, expectations derived;
 *   har_widget.c   the widget in a capture (script, chat requests, release) and its Domain;
 *   har_text.c     the capture's own text in the scenario: header, hosts, waits, Set-Cookie replay.
 * The scenario's XML is laid out by scenario/write/xml.h.
 */
#ifndef BSIM_SCENARIO_READ_HAR_IMPORT_H
#define BSIM_SCENARIO_READ_HAR_IMPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "bsim/har.h"
#include "interchange/har.h"
#include "util/buf.h"
#include "widgets/version.h"

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

/* One import in progress: the capture, what was decided so far, and the scenario text. */
typedef struct har_import {
	const har_log *h;
	const bsim_har_options *o;
	bsim_har_summary *sum;
	buf out;
	const char *version;         /* "9" or "8.5": the release whose Domain the import derives, as the text names it */
	const widget_version *cookie_version; /* its preset (widgets/release.h) */
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
} har_import;

/* ---- har_pages.c ---- */

/* The whole scenario into w->out, from the capture's first navigation on. 0 or a negative BSIM_E* code. */
int har_write_scenario(har_import *w, const char *name);

/* ---- har_cookies.c ---- */

/* Whether name is one of the widget's cookies (the _genesys.widgets. prefix, optionally after a deploymentID). */
bool har_is_widget_cookie(const char *name);

/* The cookies whose absence loses the chat (widget-behaviour.md D.23): the ones a "lost" expectation checks. */
bool har_restore_needs(const char *name);
/* The widget cookie known by that name, or NULL. */
widget_cookie *har_known_get(har_import *w, const char *name);
/* Remember name=value as written on the current page with that Domain ("" host-only). 0 or BSIM_ENOMEM. */
int har_known_set(har_import *w, const char *name, const char *value, const char *domain, bool secure);
void har_known_free(har_import *w);
/* The widget cookies a request carried that no earlier step gave the browser, reproduced as script writes. */
int har_reproduce_script_writes(har_import *w, const har_entry *e);
/* The restore cookies a navigation carried, as expectations; done[] (HAR_MAX_COOKIES) marks those checked. */
void har_expect_carried(har_import *w, const har_entry *e, bool before, bool *done);
/* Expect the widget cookies a navigation went without although their Domain covers it. */
void har_expect_lost(har_import *w, const har_entry *e);
/* A chat ran on the page but no request carried its cookies: the widget's writes reproduced and expected. */
int har_reproduce_refused_chat(har_import *w, const har_entry *chat);
/* Server-set widget cookies become known too, so a later request carrying them is not taken for a script write. */
int har_learn_set_cookies(har_import *w, const har_entry *e);
/* The widget's placeholder session and keys, as a chat start writes them. */
int har_known_chat_start(har_import *w, const char *domain);

/* ---- har_widget.c ---- */

/*
 * The Domain attribute value the widget release v writes on a page URL
 * (".testsite.com"), or "" for host-only, as the widget model derives it
 * (widgets/domain.h). *out allocated.
 */
int har_widget_domain(char **out, const char *url, const widget_version *v);

/*
 * The widget in a capture. A chat API request (GMS /genesys/2/chat/,
 * /gms/2/chat/, the v3 and Cloud web-chat APIs); the widget's script
 * (widgets.min.js, cxbus); the request that starts a chat (GMS: POST
 * /genesys/2/chat/{service}, no chat id yet; Cloud: POST
 * .../guest/conversations).
 */
bool har_is_chat_request(const har_entry *e);
bool har_is_widget_script(const har_entry *e);
bool har_is_chat_start(const har_entry *e);

/* Whether the capture shows the widget (script, chat request or widget cookie); *why says where. */
bool har_widget_seen(const har_log *h, char *why, size_t whylen);

/*
 * The widget preset the capture suggests: "8.5", "9.0.005.00", or NULL for
 * the default 9.x build. From the release a widget script's URL names, else
 * 8.5's Domain=. signature in a request's cookies[]. *why says which.
 */
const char *har_guess_widget_version(const har_log *h, char *why, size_t whylen);

/* Whether the request carried the widget's session cookie. */
bool har_carries_session(const har_entry *e);
/* The first entry of the page [nav, next) that shows the widget, or NULL. */
const har_entry *har_page_widget(const har_log *h, size_t nav, size_t next);
/* <deploy>: the widget model on every page. */
void har_put_deploy(har_import *w);
/* <webchat do="start"> where the capture's chat started. 0 or a negative BSIM_E* code. */
int har_put_chat_start(har_import *w, const har_entry *e);
/* <expect chat="restored"> on the first page showing the widget after a chat started. */
void har_put_expect_restored(har_import *w, const har_entry *nav, const har_entry *shown);

/* ---- har_text.c ---- */

/* A URL as the scenario writes it (the query and fragment dropped when redacting): its length in url. */
size_t har_url_len(const har_import *w, const char *url);
/* A <wait> up to the capture's instant `at`, capped by max_gap. */
void har_wait_until(har_import *w, int64_t at);
/* The <tab> or <navigate> of a navigation entry, with its Set-Cookie headers. 0 or BSIM_ENOMEM. */
int har_put_navigation(har_import *w, const har_entry *e);
/* How many lines of e's Set-Cookie headers (one header may join several with newlines) `counts` accepts. */
size_t har_count_set_cookie_lines(const har_entry *e, bool (*counts)(const char *line, size_t len));
/* The Set-Cookie lines a navigation replays (blank ones dropped), or its response cookies[] without headers. */
size_t har_set_cookie_lines(const har_entry *e);
/* The header comment. */
void har_put_header(har_import *w, const char *name);
/* The <scenario ...> start tag. */
void har_put_scenario_open(har_import *w, const char *name);
/* <hosts> naming every navigation's host. */
void har_put_hosts(har_import *w);

#endif
