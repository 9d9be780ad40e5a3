/*
 * browser_internal.h: the browser's data structures, shared by its files
 * (browser.c: lifetime, clock, randomness, hosts, trace; tab.c: tabs,
 * navigation, focus; script.c: the script view and storage events).
 */
#ifndef BSIM_BROWSER_INTERNAL_H
#define BSIM_BROWSER_INTERNAL_H

#include <stdbool.h>

#include "bsim/browser.h"
#include "browser/storage.h"
#include "cookie/jar_call.h"
#include "net/url.h"
#include "util/buf.h"
#include "util/strmap.h"

typedef struct listener {
	void (*fn)(void);  /* a bsim_storage_listener or bsim_focus_listener */
	void *userdata;
} listener;

typedef struct tab {
	int id;
	char *url;           /* NULL: about:blank */
	url *page;           /* url parsed once per navigation, or NULL */
	char *origin;        /* storage origin of the page (W1, W8), or NULL */
	char *site;          /* scheme://registrable domain, for Firefox's per-site quota (W2) */
	char **history;      /* earlier URLs, oldest first */
	size_t history_len, history_cap;
	storage_map *session;/* this tab's sessionStorage, per origin */
	listener *storage_listeners;
	size_t n_storage_listeners;
	listener *focus_listeners;
	size_t n_focus_listeners;
	listener *visibility_listeners;
	size_t n_visibility_listeners;
} tab;

/* A subscriber to every tab's page events (page.c). */
typedef struct page_listener {
	bsim_page_listener fn;
	void *userdata;
} page_listener;

typedef struct trace_log {
	bsim_trace_entry *entries;
	size_t n, cap;
} trace_log;

struct bsim_browser {
	bsim_browser_options opts;
	char *profile_path;
	bsim_jar *jar;
	url_cache *urls;     /* URLs given as text at the public API (frame URLs), parsed once */
	uint64_t rng;
	strmap hosts;        /* canonical host -> canonical IP (strdup'd) */
	tab **tabs;          /* open tabs, in opening order */
	size_t n_tabs, cap_tabs;
	tab **restore;       /* tabs kept for session restore while the browser is closed */
	size_t n_restore;
	int next_tab_id;
	int focused;         /* tab id or -1: the active tab, the one visible */
	bool window_focused; /* the window has focus: document.hasFocus() of the active tab */
	bool running;
	storage_map *local;
	bsim_cookie_observer cookie_observer; /* a caller's, after the trace */
	void *cookie_observer_data;
	trace_log trace;
	page_listener *page_listeners; /* bsim_browser_on_page, in registration order */
	size_t n_page_listeners, cap_page_listeners;
	buf scratch;
	/* cookie (name, domain, path, partition) -> "VERDICT ORIGIN" last traced for it (browser_trace_request) */
	strmap last_verdict;
	buf verdict_key;
};

/* browser.c */
void trace_add(bsim_browser *b, bsim_trace_kind kind, int tab, const char *code, const char *subject,
	       const char *fmt, ...) BSIM_PRINTF(6, 7);
int browser_ensure_running(bsim_browser *b);
/*
 * A top-level request to u in call (its actor a tab id) is about to leave:
 * trace, for each cookie of u's site, whether its Cookie header carries it
 * ("cookie-sent") or why not ("cookie-not-sent:VERDICT").
 */
int browser_trace_request(bsim_browser *b, const url *u, const jar_call *call);
/* bsim_browser_resolve for a parsed URL. */
int browser_resolve_url(bsim_browser *b, const url *u);
tab *browser_tab(const bsim_browser *b, int id);
/* The origin string of a URL for storage ("https://www.shop.com:443"); engine rules for file: (W8). */
int browser_origin_of(const bsim_browser *b, const url *u, buf *out);

/* tab.c */
void tab_free(tab *t);

/* page.c: tell every page listener that t's document loaded or goes (bsim_page_event). */
void page_emit(bsim_browser *b, bsim_page_event_kind kind, const tab *t, int restored, int persisted);

/*
 * live.c: fetch `start` as tab `tab_id`'s top-level navigation from
 * `initiator` (the page that was there, or NULL), following redirects
 * through the jar. *final is the URL the last response came from
 * (allocated; the caller frees it).
 */
int live_fetch(bsim_browser *b, int tab_id, const url *initiator, const char *start,
	       const bsim_live_options *opts, char **final);

/*
 * The address the hosts file gives a canonical host, or NULL. One trailing
 * dot names the same host (an absolute DNS name), both in the hosts file
 * and in a URL, so "www.x.com." and "www.x.com" look up one entry: the
 * file's names are stored without it and the lookup drops it.
 */
const char *browser_hosts_lookup(const bsim_browser *b, const char *host);
/* The length of host without one trailing dot: the key the hosts file uses. */
size_t browser_hosts_key_len(const char *host);

#endif
