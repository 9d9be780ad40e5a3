/*
 * jar_call.h: the jar as bsim's own floors call it (the browser): with URLs
 * already parsed (net/url.h), and with the caller's number for who acts,
 * handed back with every event the call causes, so the browser knows which
 * tab a refusal or an eviction belongs to without keeping it aside.
 * include/bsim/cookie.h is the same jar for callers outside bsim, with URLs
 * as text; each of its calls is one of these with no actor.
 */
#ifndef BSIM_COOKIE_JAR_CALL_H
#define BSIM_COOKIE_JAR_CALL_H

#include <stdbool.h>
#include <stddef.h>

#include "bsim/cookie.h"
#include "net/url.h"

/* The actor of a call nobody in particular made (a public call, the clock, the end of a session). */
#define JAR_NO_ACTOR (-1)

/* The context of one call: bsim_cookie_ctx with the top-level URL parsed, and who acts. */
typedef struct jar_call {
	const url *top;      /* the top-level document, or a navigation's initiator; NULL: first party */
	bool top_level;      /* a top-level navigation */
	bool unsafe_method;  /* POST and other non-idempotent methods */
	int actor;           /* the caller's number for who acts (the browser: a tab id), or JAR_NO_ACTOR */
} jar_call;

/* A top-level GET navigation from nowhere (a typed URL) by actor. */
#define JAR_CALL_NAVIGATE(actor) ((jar_call){NULL, true, false, (actor)})

/*
 * Told of every event with the actor of the call that caused it
 * (JAR_NO_ACTOR for expiry on the clock, the end of a session, a restore).
 * It sits beside bsim_jar_set_observer's observer; both are told.
 */
typedef void (*jar_actor_observer)(const bsim_cookie_event *event, int actor, void *userdata);
void jar_set_actor_observer(bsim_jar *jar, jar_actor_observer fn, void *userdata);

/* As bsim_jar_set_cookie, bsim_jar_script_set, bsim_jar_cookie_header, bsim_jar_script_get and
 * bsim_jar_request_verdicts; u and call->top are borrowed for the call only. */
int jar_set_cookie(bsim_jar *jar, const url *u, const char *header, size_t len, const jar_call *call);
int jar_script_set(bsim_jar *jar, const url *u, const char *cookie_string, size_t len, const jar_call *call);
int jar_cookie_header(char **out, bsim_jar *jar, const url *u, const jar_call *call);
int jar_script_get(char **out, bsim_jar *jar, const url *u, const jar_call *call);
int jar_request_verdicts(bsim_jar *jar, const url *u, const jar_call *call, bsim_send_visit fn, void *userdata);

#endif
