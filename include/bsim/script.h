/*
 * script.h: the script view, everything a page script running in a tab can
 * see and do, and nothing more: location.href, document.cookie,
 * localStorage and sessionStorage, the page's events (load and unload,
 * focus, visibility, storage), the virtual clock and the seeded random
 * generator. The Genesys Widgets model (sim/widgets) includes this header
 * and no other part of the browser: it cannot reach the cookie jar, so a
 * cookie the browser refuses is lost to it exactly as to the real widget,
 * and the trace says why (docs/widget-model.md).
 *
 * The browser (browser.h) includes this view; bsim_browser is opaque here.
 * Tabs are the small integer ids browser.h hands out.
 */
#ifndef BSIM_SCRIPT_H
#define BSIM_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "bsim/error.h"
#include "bsim/trace.h"
#include "bsim/units.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bsim_browser bsim_browser;

/* ---- the virtual clock and the seeded generator ---- */

bsim_time bsim_browser_now(const bsim_browser *b);
/* Advance the virtual clock by ms >= 0 (the `wait` step). A page script never moves the clock; the widget
 * model's timers do (widget_advance) until the run's event loop owns them. */
int bsim_browser_wait(bsim_browser *b, bsim_time ms);
/* The next value of the seeded generator (splitmix64). */
uint64_t bsim_browser_random(bsim_browser *b);
/* A random (version 4) GUID from the seeded generator, lowercase, into out[37]. */
void bsim_browser_guid(bsim_browser *b, char out[37]);

/* ---- location ---- */

/* The current URL of a tab ("about:blank" for a blank one), or NULL for no such tab. Borrowed. */
const char *bsim_tab_url(const bsim_browser *b, int tab);
/*
 * location.href of a document loaded from url, as the browser hands it to
 * the page: the URL parsed as the browser parses it, the host canonical
 * (lowercase, punycode, IPv4 dotted, IPv6 in brackets), the default port
 * dropped; user info and fragment left out. *out is malloc'd; the caller
 * frees it. BSIM_EINVAL (or BSIM_ELIMIT past BSIM_URL_MAX_LEN) with the
 * parser's message for a URL the browser would not load.
 */
int bsim_script_location_href(char **out, const char *url);

/* ---- document.cookie and Web Storage ---- */

/* document.cookie. *out allocated; the caller frees it. */
int bsim_script_cookie_get(char **out, bsim_browser *b, int tab);
/* document.cookie = s. A refusal is silent to the page (it is in the trace). */
int bsim_script_cookie_set(bsim_browser *b, int tab, const char *s);
/*
 * The same from a script in an iframe showing frame_url inside the tab's
 * page, which is the top-level document: SameSite (RFC 6265bis §5.2) and
 * the engine's third-party policy (browser-rules.md X1: allowed,
 * partitioned or blocked) apply as for any embedded document. BSIM_EINVAL
 * for a blank tab (nothing embeds the frame) or a bad frame_url.
 */
int bsim_script_cookie_get_framed(char **out, bsim_browser *b, int tab, const char *frame_url);
int bsim_script_cookie_set_framed(bsim_browser *b, int tab, const char *frame_url, const char *s);

/* bsim_storage_kind (local or session) is in bsim/trace.h, beside the events that name it. */

/* getItem: *out allocated, or NULL when the key is absent. */
int bsim_storage_get(char **out, bsim_browser *b, int tab, bsim_storage_kind kind, const char *key);
/* setItem: BSIM_EQUOTA when over the engine's quota (the old value stays). */
int bsim_storage_set(bsim_browser *b, int tab, bsim_storage_kind kind, const char *key, const char *value);
int bsim_storage_remove(bsim_browser *b, int tab, bsim_storage_kind kind, const char *key);
int bsim_storage_clear(bsim_browser *b, int tab, bsim_storage_kind kind);
int bsim_storage_length(size_t *out, bsim_browser *b, int tab, bsim_storage_kind kind);
/* key(n): *out allocated, or NULL past the end. */
int bsim_storage_key(char **out, bsim_browser *b, int tab, bsim_storage_kind kind, size_t n);

/* ---- the window ---- */

/* window.focus() (or the user turning to the tab): exactly one focused tab; blur then focus events. */
int bsim_tab_focus(bsim_browser *b, int tab);

/* ---- events a page may listen to ---- */

/* bsim_storage_event, the record a listener receives, is in bsim/trace.h. */

typedef void (*bsim_storage_listener)(const bsim_storage_event *ev, void *userdata);
/* Register a `storage` listener on a tab (called in registration order). */
int bsim_tab_on_storage(bsim_browser *b, int tab, bsim_storage_listener fn, void *userdata);

typedef void (*bsim_focus_listener)(bsim_browser *b, int tab, int focused, void *userdata);
/* Register a focus/blur listener on a tab. */
int bsim_tab_on_focus(bsim_browser *b, int tab, bsim_focus_listener fn, void *userdata);

/*
 * visibilitychange: bsim models one window, so the active tab (the one
 * bsim_browser_focused_tab names) is visible and every other tab hidden.
 * Switching tabs hides the old one before the new one shows: blur, hidden,
 * visible, focus.
 */
typedef void (*bsim_visibility_listener)(bsim_browser *b, int tab, int visible, void *userdata);
int bsim_tab_on_visibility(bsim_browser *b, int tab, bsim_visibility_listener fn, void *userdata);

/*
 * removeEventListener: drop the first listener registered with exactly this
 * fn and userdata. Also reaches a tab kept for session restore while the
 * browser is closed; 0 when the tab or the listener is gone already, so a
 * page script can always clean up. Not from inside a listener of the same tab.
 */
int bsim_tab_off_storage(bsim_browser *b, int tab, bsim_storage_listener fn, void *userdata);
int bsim_tab_off_focus(bsim_browser *b, int tab, bsim_focus_listener fn, void *userdata);
int bsim_tab_off_visibility(bsim_browser *b, int tab, bsim_visibility_listener fn, void *userdata);

/*
 * document.hasFocus(): 1 when tab is the active tab and the window has
 * focus, else 0 (also for no such tab). A window that comes back by session
 * restore has no focus until a tab is focused (a bsim_tab_focus, even on
 * the active tab, which then hears `focus`): the restored page sees
 * hasFocus() false (widget-behaviour.md I.16, Chromium 156).
 */
int bsim_tab_has_focus(const bsim_browser *b, int tab);
/* document.visibilityState == "visible": 1 for the active tab, else 0. */
int bsim_tab_visible(const bsim_browser *b, int tab);

/* ---- page lifecycle: what every page of the browser hears ---- */

/*
 * The events of a document's life in a tab. A script that runs on every
 * page (the widget's deployment) subscribes once for the whole browser.
 * The enumeration is meant to grow: events at virtual instants (timers,
 * responses) join it as further kinds, heard through the same subscription.
 */
typedef enum bsim_page_event_kind {
	BSIM_PAGE_LOAD = 0, /* load: a document loaded in the tab (navigation, reload, history back, session restore) */
	BSIM_PAGE_UNLOAD    /* pagehide: the tab's document goes (a new one replaces it, its tab or the browser closes) */
} bsim_page_event_kind;

typedef struct bsim_page_event {
	bsim_page_event_kind kind;
	int tab;
	bsim_time at;
	const char *url;   /* the document's URL as the tab holds it, NULL for about:blank; borrowed for the call */
	int restored;      /* LOAD: the tab came back by session restore (C3) */
	int persisted;     /* UNLOAD: the browser closed with session restore on and keeps the tab for its next start */
	bsim_time load_at; /* LOAD: when the document's load event fires and its scripts run (at + the page load time) */
} bsim_page_event;

/* How long a document takes from its navigation to its load event (bsim_browser_options.page_load_ms). */
bsim_time bsim_browser_page_load_ms(const bsim_browser *b);
/* The same for the navigations from now on (a step's own load-time=); BSIM_EINVAL below 0. */
int bsim_browser_set_page_load_ms(bsim_browser *b, bsim_time ms);

/* ---- a page script's requests to its servers ---- */

typedef enum bsim_request_phase {
	BSIM_REQUEST_SENT = 0, /* the page sent it (XHR send()) */
	BSIM_REQUEST_ANSWERED, /* its answer reached the page */
	BSIM_REQUEST_DROPPED,  /* the page went while it was in flight: a browser drops the answer (the XHR aborts) */
	BSIM_REQUEST_FAILED    /* no answer came: the connection failed or was reset (the XHR's error event) */
} bsim_request_phase;

/*
 * Put a page script's request in the trace, as a browser's network log
 * shows it: codes request-sent, response-received, request-dropped and request-failed,
 * the subject the request's name (e.g. "poll"), detail a sentence for
 * people (the answer, or what was pending when the page went).
 */
void bsim_script_request_trace(bsim_browser *b, int tab, bsim_request_phase phase, const char *name,
			       const char *detail);

/*
 * A page-lifecycle listener. It runs while the browser is in the middle of
 * the change (a navigation, a close), so it must not call back into the
 * browser: a page script queues its handler as a task and runs it when the
 * run turns to it, as a browser's event loop does.
 */
typedef void (*bsim_page_listener)(const bsim_page_event *ev, void *userdata);
/* Hear every tab's page events from now on (called in registration order). */
int bsim_browser_on_page(bsim_browser *b, bsim_page_listener fn, void *userdata);
/* Drop the first listener registered with exactly fn and userdata; 0 when it is gone already. */
int bsim_browser_off_page(bsim_browser *b, bsim_page_listener fn, void *userdata);

#ifdef __cplusplus
}
#endif
#endif
