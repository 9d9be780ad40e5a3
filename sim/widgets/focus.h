/*
 * focus.h (internal): the widget's in-focus arbitration between tabs
 * (widget-behaviour.md F.29-32, I.6, I.16, J.5). Each page load of the
 * widget holds a fresh GUID and claims the localStorage key
 * "_genesys.widgets.inFocus" of its origin when the user turns to it; a
 * storage event naming another GUID tells it another tab took over. It acts
 * only through the tab's script view (localStorage, storage, focus and
 * visibility events, document.hasFocus()), like the widget's own code, so
 * tabs on different origins (www and store) each claim their own key and
 * both believe they own the chat, as in the field.
 *
 * Lifetime: widget_focus_new on the page's load registers the page's
 * listeners; the handler runs from widget_focus_on_event(INIT) on, when the
 * widget's App initialises; widget_focus_free when the page goes
 * (navigation, tab or browser close) removes the listeners and writes
 * nothing (F.30: nothing on unload). Free every widget_focus before its
 * browser.
 */
#ifndef BSIM_WIDGETS_FOCUS_H
#define BSIM_WIDGETS_FOCUS_H

#include <stdbool.h>

#include "bsim/script.h"

/* The localStorage key, never prefixed by main.deploymentID (B.7). */
#define WIDGET_FOCUS_KEY "_genesys.widgets.inFocus"
/* I.12: lowercase hex in groups of 10-5-5-5-15, plus four dashes. */
#define WIDGET_FOCUS_GUID_LEN 44

typedef struct widget_focus widget_focus;

/* What runs the handler (F.30): the App's init and the page's events. */
typedef enum widget_focus_event {
	WIDGET_FOCUS_INIT = 0,   /* the widget's App initialises on the page */
	WIDGET_FOCUS_FOCUS,      /* window focus (the browser delivers it itself too) */
	WIDGET_FOCUS_MOUSEDOWN,  /* the user clicks in the page */
	WIDGET_FOCUS_KEYDOWN,    /* the user types in the page */
	WIDGET_FOCUS_VISIBILITY, /* visibilitychange (the browser delivers it itself too) */
	WIDGET_FOCUS_STORAGE,    /* a storage event on the key, with its new value */
} widget_focus_event;

/* App.focus (focused true) or App.blur, published on a change of state. */
typedef void (*widget_focus_change_fn)(widget_focus *f, bool focused, void *userdata);

/*
 * A page load of the widget on tab: a fresh GUID from the browser's seeded
 * generator (F.30, I.12) and the page's storage, focus and visibility
 * listeners. key is the localStorage key (NULL: WIDGET_FOCUS_KEY). Nothing
 * is read or written until WIDGET_FOCUS_INIT. *out is owned by the caller:
 * free with widget_focus_free. 0 or a negative BSIM_E* code.
 */
int widget_focus_new(widget_focus **out, bsim_browser *b, int tab, const char *key);
/* widget_focus_new with WIDGET_FOCUS_KEY, then the INIT handler. */
int widget_focus_load(widget_focus **out, bsim_browser *b, int tab);
/* The page goes: listeners removed, storage untouched. NULL is fine. */
void widget_focus_free(widget_focus *f);

/*
 * Run the handler for ev (F.30): (a) on focus, mousedown or keydown while
 * the stored value is not this page's GUID: App.focus, write "" then the
 * GUID (two writes, so other tabs always hear a change); (b) on a storage
 * event with a non-empty value that is not ours: App.blur; (c) then, when
 * document.hasFocus() and not focused: claim as in (a); without
 * document focus: App.blur. storage_value is the event's new value (NULL
 * for a removal); ignored for other events. Events before INIT are
 * ignored: the widget has not loaded yet. 0 or a negative BSIM_E* code from
 * the storage write (BSIM_EQUOTA, BSIM_ESECURITY); the browser's own
 * deliveries keep the code for widget_focus_last_error.
 */
int widget_focus_on_event(widget_focus *f, widget_focus_event ev, const char *storage_value);

/* Hear App.focus and App.blur (one listener; NULL stops). */
void widget_focus_set_change_fn(widget_focus *f, widget_focus_change_fn fn, void *userdata);

/* The page believes it is focused (App.focus last): with sleepEnabled it polls at full speed. */
bool widget_focus_focused(const widget_focus *f);
/* This page's GUID, 44 characters. Borrowed for f's lifetime. */
const char *widget_focus_guid(const widget_focus *f);
int widget_focus_tab(const widget_focus *f);
/* The storage key this page claims. Borrowed. */
const char *widget_focus_key(const widget_focus *f);
/*
 * Whether the key in this page's origin holds this page's GUID now (what
 * the widget would read): *out true when it does. 0 or a negative BSIM_E*
 * code (BSIM_ENOTFOUND when the tab is gone).
 */
int widget_focus_owns_key(bool *out, widget_focus *f);
/* The last failure of a handler run by a browser event, 0 if none. */
int widget_focus_last_error(const widget_focus *f);
/* App.focus and App.blur published so far (for tests and traces). */
unsigned widget_focus_publish_count(const widget_focus *f);

/* A GUID in the widget's format from b's seeded generator into out[WIDGET_FOCUS_GUID_LEN + 1]. */
void widget_focus_make_guid(bsim_browser *b, char out[WIDGET_FOCUS_GUID_LEN + 1]);

#endif
