/*
 * backend.c: the scripted chat server the widget talks to. Chats are keyed
 * by id and secure key (widget-behaviour.md C.9, C.10); the scenario adds
 * agent lines, typing, the end of a chat and an agent's idle limit on the
 * virtual clock, and faults: down (every request fails with a network
 * error), slow (every answer takes a delay; past the widget's request
 * timeout a restore fails), forget (the server answers a refresh of the
 * chat with error 102, J.3e) and wrong keys (the server rejects the keys
 * the page holds), an HTTP status for every request (404, 500, a reset
 * connection), agents joining and leaving (ParticipantJoined and
 * ParticipantLeft messages), and chats planted with given ids, which no page
 * started. Ids and keys come from the browser's seeded generator, so a run
 * is reproducible.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "widgets/widgets_internal.h"

void backend_free(chat_backend *be)
{
	for (size_t i = 0; i < be->n; i++)
		free(be->sessions[i].lines);
	free(be->sessions);
	memset(be, 0, sizeof *be);
	be->last_live = SIZE_MAX;
}

int backend_plant(chat_backend *be, bsim_browser *b, const char *id, const char *secure_key, size_t *out)
{
	if (be->n >= WIDGET_SESSIONS_MAX)
		return error_set(BSIM_ELIMIT, "the chat backend holds %d chats, its limit for one run", WIDGET_SESSIONS_MAX);
	int rc = ARRAY_GROW(&be->sessions, &be->cap, be->n + 1);
	if (rc < 0)
		return rc;
	chat_session *s = &be->sessions[be->n];
	memset(s, 0, sizeof *s);
	/* GMS chat ids and secure keys are opaque hex strings; these only need to be unique and reproducible. */
	if (id && (!*id || strlen(id) >= sizeof s->id || backend_find(be, id)))
		return error_set(BSIM_EINVAL, "chat id \"%s\" is %s", id,
				 !*id ? "empty" : backend_find(be, id) ? "already a chat of the backend" : "too long (at most 39 bytes)");
	if (secure_key && strlen(secure_key) >= sizeof s->secure_key)
		return error_set(BSIM_EINVAL, "secure key \"%s\" is too long (at most 39 bytes)", secure_key);
	snprintf(s->id, sizeof s->id, "%016llX", (unsigned long long)bsim_browser_random(b));
	snprintf(s->secure_key, sizeof s->secure_key, "%016llx", (unsigned long long)bsim_browser_random(b));
	if (id)
		snprintf(s->id, sizeof s->id, "%s", id);
	if (secure_key)
		snprintf(s->secure_key, sizeof s->secure_key, "%s", secure_key);
	snprintf(s->user_id, sizeof s->user_id, "%012llX", (unsigned long long)(bsim_browser_random(b) >> 16));
	snprintf(s->alias, sizeof s->alias, "%u", (unsigned)(bsim_browser_random(b) % 900 + 100));
	s->last_customer_at = bsim_browser_now(b);
	*out = be->n++;
	be->last_live = *out;
	/* The customer's own ParticipantJoined is message 1 of every chat: the page renders "Chat Started". */
	return backend_add_line(s, LINE_SYSTEM);
}

int backend_start(chat_backend *be, bsim_browser *b, size_t *out)
{
	return backend_plant(be, b, NULL, NULL, out);
}

int backend_agent_join(chat_session *s, const char *name)
{
	snprintf(s->agent, sizeof s->agent, "%s", name && *name ? name : "Agent");
	s->agent_present = true;
	return backend_add_line(s, LINE_SYSTEM);
}

int backend_agent_leave(chat_session *s)
{
	s->agent_present = false;
	return backend_add_line(s, LINE_SYSTEM);
}

chat_session *backend_find(chat_backend *be, const char *id)
{
	for (size_t i = 0; id && i < be->n; i++)
		if (strcmp(be->sessions[i].id, id) == 0)
			return &be->sessions[i];
	return NULL;
}

backend_answer backend_refresh(chat_backend *be, const char *id, const char *secure_key, bool timed_out,
			       chat_session **out)
{
	*out = NULL;
	if (be->down || be->status == WIDGET_STATUS_RESET)
		return BACKEND_NETWORK;
	if (be->status)
		return BACKEND_STATUS;
	if (timed_out)
		return BACKEND_TIMEOUT;
	chat_session *s = backend_find(be, id);
	if (!s || s->forgotten)
		return BACKEND_UNKNOWN;
	if (s->wrong_keys || !secure_key || strcmp(secure_key, s->secure_key) != 0)
		return BACKEND_REJECTED;
	*out = s;
	return s->ended ? BACKEND_ENDED : BACKEND_OK;
}

int backend_add_line(chat_session *s, line_kind k)
{
	if (s->n_lines >= WIDGET_TRANSCRIPT_MAX)
		return error_set(BSIM_ELIMIT, "chat %s has %d transcript lines, the backend's limit", s->id,
				 WIDGET_TRANSCRIPT_MAX);
	int rc = ARRAY_GROW(&s->lines, &s->cap_lines, s->n_lines + 1);
	if (rc < 0)
		return rc;
	s->lines[s->n_lines++] = (char)k;
	return 0;
}

const char *backend_answer_name(backend_answer a)
{
	switch (a) {
	case BACKEND_OK: return "the chat is open";
	case BACKEND_ENDED: return "the server says the chat ended";
	case BACKEND_UNKNOWN: return "the server does not know the chat (error 102)";
	case BACKEND_REJECTED: return "the server rejected the chat's keys";
	case BACKEND_NETWORK: return "the chat server is unreachable (network error)";
	case BACKEND_TIMEOUT: return "the chat server did not answer within the request timeout";
	case BACKEND_STATUS: return "the chat server answered with an HTTP error status";
	}
	return "?";
}
