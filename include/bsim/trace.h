/*
 * trace.h: the records of what happened in a browser: an entry of its
 * trace (what, when, to which tab, and why, in a sentence) and a storage
 * event as a page hears it. Their own header because the records outlive
 * the browser: a scenario's result carries a copy and the reporters read
 * them, without any access to live state (docs/architecture.md).
 */
#ifndef BSIM_TRACE_H
#define BSIM_TRACE_H

#include "bsim/units.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bsim_storage_kind {
	BSIM_STORAGE_LOCAL = 0,
	BSIM_STORAGE_SESSION = 1
} bsim_storage_kind;

typedef struct bsim_storage_event {
	int tab;                 /* the tab receiving it */
	bsim_storage_kind kind;
	const char *key;         /* NULL for clear() */
	const char *old_value;   /* NULL when absent */
	const char *new_value;   /* NULL for removeItem and clear() */
	const char *url;         /* the writer's page */
	bsim_time at;
} bsim_storage_event;

typedef enum bsim_trace_kind {
	BSIM_TRACE_COOKIE = 0,   /* stored, replaced, refused, evicted, expired, session-ended, deleted */
	BSIM_TRACE_STORAGE,      /* set, removed, cleared, refused (quota) */
	BSIM_TRACE_EVENT,        /* a storage/focus event delivered to a tab */
	BSIM_TRACE_TAB,          /* opened, closed, focused */
	BSIM_TRACE_NAVIGATION,   /* navigated, reloaded, back, failed to resolve; live requests and responses */
	BSIM_TRACE_SESSION,      /* browser closed, started, restarted, profile saved/loaded */
	BSIM_TRACE_REQUEST       /* a page script's request to a server (XHR): sent, answered, dropped with its page */
} bsim_trace_kind;

typedef struct bsim_trace_entry {
	bsim_time at;
	bsim_trace_kind kind;
	int tab;                 /* -1 when no tab is concerned */
	const char *code;        /* stable, e.g. "cookie-refused:public-suffix", "storage-set", "tab-opened" */
	const char *message;     /* one sentence for people */
	const char *subject;     /* the cookie name or storage key concerned, or NULL */
} bsim_trace_entry;

#ifdef __cplusplus
}
#endif
#endif
