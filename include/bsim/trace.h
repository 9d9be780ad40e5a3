/*
 * trace.h: one entry of a browser's trace (what happened, when, to which
 * tab, and why, in a sentence). Its own header because the trace outlives
 * the browser: a scenario's result carries a copy and the reporters read
 * it, without any access to live state (docs/architecture.md).
 */
#ifndef BSIM_TRACE_H
#define BSIM_TRACE_H

#include "bsim/units.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bsim_trace_kind {
	BSIM_TRACE_COOKIE = 0,   /* stored, replaced, refused, evicted, expired, session-ended, deleted */
	BSIM_TRACE_STORAGE,      /* set, removed, cleared, refused (quota) */
	BSIM_TRACE_EVENT,        /* a storage/focus event delivered to a tab */
	BSIM_TRACE_TAB,          /* opened, closed, focused */
	BSIM_TRACE_NAVIGATION,   /* navigated, reloaded, back, failed to resolve; live requests and responses */
	BSIM_TRACE_SESSION       /* browser closed, started, restarted, profile saved/loaded */
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
