/*
 * browser.h: the simulated browser. One engine preset, one virtual clock,
 * one seeded random generator, one cookie jar, one hosts file, and tabs
 * whose pages a script can observe through exactly what a page script sees:
 * document.cookie, localStorage, sessionStorage, and storage and focus
 * events (the script view, bsim/script.h, which this header includes).
 * Every state change is appended to the browser's trace with the virtual
 * time, so a failing scenario can say why.
 *
 * Tabs are named by small integer ids that stay unique for the browser's
 * lifetime (a closed tab's id is never reused).
 */
#ifndef BSIM_BROWSER_H
#define BSIM_BROWSER_H

#include <stddef.h>
#include <stdint.h>

#include "bsim/cookie.h"
#include "bsim/error.h"
#include "bsim/script.h"
#include "bsim/trace.h"

#ifdef __cplusplus
extern "C" {
#endif


typedef struct bsim_browser_options {
	unsigned version;        /* BSIM_BROWSER_OPTIONS_VERSION */
	bsim_engine engine;
	uint64_t seed;           /* seeds GUIDs and ids; printed with every failure */
	bsim_time start_time;    /* the virtual clock's start */
	/* 1: "continue where you left off" (C3): session cookies, tabs and their sessionStorage survive a restart */
	int session_restore;
	int open_resolution;     /* 1: every host name resolves (no hosts file needed) */
	const char *profile_path;/* when set, close saves the persistent state there and start loads it (SQLite) */
	/*
	 * How long a document takes from its navigation to its load event: the
	 * page's scripts run then (bsim_page_event.load_at). 0: at once.
	 */
	bsim_time page_load_ms;
} bsim_browser_options;

/*
 * The default page load time: 200 ms from the navigation's start to the
 * load event, the median the recorded real-widget runs measured on a
 * loopback server (tests/widget-oracle/TIMING.md); a scenario sets its own
 * with load-time=.
 */
#define BSIM_PAGE_LOAD_DEFAULT_MS 200

#define BSIM_BROWSER_OPTIONS_VERSION 1
#define BSIM_BROWSER_OPTIONS_INIT                                                                   \
	{BSIM_BROWSER_OPTIONS_VERSION, BSIM_ENGINE_CHROMIUM, 1, BSIM_DEFAULT_START_TIME, 0, 0, NULL, 0}

/* A new running browser with no tab. Free with bsim_browser_free. */
int bsim_browser_new(bsim_browser **out, const bsim_browser_options *opts);
void bsim_browser_free(bsim_browser *b);

bsim_engine bsim_browser_engine(const bsim_browser *b);
/* The jar, borrowed. Scenarios inspect it; pages reach it only through the script view. */
bsim_jar *bsim_browser_jar(bsim_browser *b);

/*
 * Hear every cookie event of the browser's jar, after the browser has put it
 * in its trace (the browser holds the jar's own observer slot: do not call
 * bsim_jar_set_observer on its jar). NULL stops.
 */
void bsim_browser_set_cookie_observer(bsim_browser *b, bsim_cookie_observer fn, void *userdata);

/* ---- hosts ---- */

/*
 * Add /etc/hosts-style lines ("127.0.0.1 www.shop.com store.shop.com",
 * '#' comments). `source` names the text in errors (a file name, or
 * "scenario"). BSIM_EINVAL for a bad line: the error's file and line are
 * SOURCE and the line, and its message says only what failed.
 */
int bsim_browser_add_hosts(bsim_browser *b, const char *text, const char *source);
int bsim_browser_load_hosts_file(bsim_browser *b, const char *path);
/* 0 when url's host resolves (hosts file, localhost, IP literal, open resolution, or a file: URL); BSIM_ERESOLVE otherwise. */
int bsim_browser_resolve(bsim_browser *b, const char *url);

/* ---- tabs and pages ---- */

/* A Set-Cookie header list for a navigation's response. */
typedef struct bsim_response {
	const char *const *set_cookie; /* header values */
	size_t set_cookie_count;
} bsim_response;

/*
 * Open a tab on url (NULL: about:blank) and focus it. Opening a tab on a
 * closed browser starts it again (as a user would). *out gets the tab id.
 */
int bsim_tab_open(int *out, bsim_browser *b, const char *url, const bsim_response *resp);
/*
 * window.open from tab `opener`: the new tab starts with a copy of the
 * opener's sessionStorage unless noopener (W5).
 */
int bsim_tab_open_from(int *out, bsim_browser *b, int opener, const char *url, int noopener);
/* Top-level navigation; the response's Set-Cookie headers go through the jar first. */
int bsim_tab_navigate(bsim_browser *b, int tab, const char *url, const bsim_response *resp);
int bsim_tab_reload(bsim_browser *b, int tab);
/*
 * Live navigation: the page comes from a real HTTP(S) server (libcurl).
 * The jar supplies each request's Cookie header and takes every Set-Cookie
 * header of every response, redirects included, with the navigation's
 * context; redirects are followed one hop at a time (301/302/303 turn the
 * method into GET, 307/308 keep it) up to BSIM_LIVE_REDIRECT_MAX. Host
 * names resolve only through the hosts file (CURLOPT_RESOLVE), localhost
 * and IP literals, unless allow_network. A redirect may reach only a name
 * the hosts file maps, at the port the navigation started on, or the start
 * URL's own host and port, unless allow_redirect names the target
 * ("HOST" for any port, or "HOST:PORT"): a server's Location must not turn
 * the test into a request to 127.0.0.2, localhost:6379 or a cloud metadata
 * address (allow_network does not widen this: a file may set it, only the
 * user's command line sets allow_redirect). The virtual clock does not move.
 * Each request and response (status and headers) is in the trace, and a
 * Cookie header over a common server limit adds a warning (code
 * "request-header-large"). Failures (connection refused, TLS, timeout, too
 * many redirects) return BSIM_EIO, BSIM_ELIMIT or BSIM_ERESOLVE with the
 * URL and libcurl's message; the tab keeps its page.
 */
typedef struct bsim_live_options {
	unsigned version;        /* BSIM_LIVE_OPTIONS_VERSION */
	const char *method;      /* "GET" when NULL; "POST" for a form submission */
	const char *ca_file;     /* PEM certificates to trust instead of the system's, or NULL */
	int insecure;            /* 1: accept any certificate (self-signed test servers) */
	int allow_network;       /* 1: names the hosts file lacks go to the system's resolver */
	/* Version 2: */
	const char *const *allow_redirect; /* redirect targets allowed beyond the rule above: "HOST" or "HOST:PORT" */
	size_t n_allow_redirect;
} bsim_live_options;
#define BSIM_LIVE_OPTIONS_VERSION 2
#define BSIM_LIVE_OPTIONS_INIT {BSIM_LIVE_OPTIONS_VERSION, NULL, NULL, 0, 0, NULL, 0}

/*
 * Whether entry is a redirect target bsim_live_options.allow_redirect can
 * hold: a host name or IP literal ([...] for IPv6), with ":PORT" or
 * without. 0, or BSIM_EINVAL with a message saying what is wrong.
 */
int bsim_live_redirect_entry_check(const char *entry);

/* Chromium's net::URLRequest kMaxRedirects and Firefox's network.http.redirection-limit are both 20. */
#define BSIM_LIVE_REDIRECT_MAX 20

/* bsim_tab_navigate, fetching the page live. */
int bsim_tab_navigate_live(bsim_browser *b, int tab, const char *url, const bsim_live_options *opts);
/* bsim_tab_open, fetching the page live (a failed fetch closes the new tab again). */
int bsim_tab_open_live(int *out, bsim_browser *b, const char *url, const bsim_live_options *opts);
/* History back; BSIM_ENOTFOUND when there is nothing to go back to. */
int bsim_tab_back(bsim_browser *b, int tab);
int bsim_tab_close(bsim_browser *b, int tab);

/* The focused tab's id, or -1. */
int bsim_browser_focused_tab(const bsim_browser *b);
/* Open tabs, in opening order. */
size_t bsim_browser_tab_count(const bsim_browser *b);
int bsim_browser_tab_at(const bsim_browser *b, size_t index);

/* ---- session lifetime ---- */

/*
 * close-browser: every tab closes; session cookies and sessionStorage go,
 * persistent cookies and localStorage stay (C1-C4). With session_restore
 * the session is kept for the next start.
 */
int bsim_browser_close(bsim_browser *b);
/* Close (if running) and start a new session on the same profile. */
int bsim_browser_restart(bsim_browser *b);
/* 1 while the browser runs. */
int bsim_browser_running(const bsim_browser *b);

/* ---- profiles and interchange ---- */

/* Save the persistent state (cookies with every attribute, localStorage) to an SQLite profile, atomically. */
int bsim_browser_save_profile(bsim_browser *b, const char *path);
/* Replace the persistent state with a profile's. BSIM_ECORRUPT for a corrupt, foreign or newer profile (left unchanged). */
int bsim_browser_load_profile(bsim_browser *b, const char *path);

/* localStorage by origin ("https://www.shop.com:443"), outside any page: for imports and exports. */
int bsim_browser_local_set(bsim_browser *b, const char *origin, const char *key, const char *value);
typedef int (*bsim_local_visit)(const char *origin, const char *key, const char *value, void *userdata);
/* Every localStorage item, origins in sorted order, keys in the engine's key() order. */
int bsim_browser_local_foreach(bsim_browser *b, bsim_local_visit fn, void *userdata);

/* ---- the trace ---- */

/* The entry types are in bsim/trace.h (a result carries them too). */

size_t bsim_browser_trace_count(const bsim_browser *b);
/* Borrowed; valid for the browser's lifetime. */
const bsim_trace_entry *bsim_browser_trace_at(const bsim_browser *b, size_t index);

#ifdef __cplusplus
}
#endif
#endif
