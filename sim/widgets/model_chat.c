/*
 * model_chat.c: what a running widget does on one page: open, start (with
 * chatStartLock), polls on the virtual clock with their cadence and the
 * ping cookie, transcript lines and the index, minimize/maximize and the
 * unread badge computed from lastMessageCountRead and
 * asyncUnreadMessageCount, end, the invite toast and autoInvite.disabled,
 * Console state, prefilters, zoom, and the transport-specific cookies of
 * pureengage-v3-rest and purecloud-v2-sockets (widget-behaviour.md
 * sections C, E, F.31, I and J). Every cookie goes through model.c's
 * document.cookie helpers.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/mutation.h"
#include "widgets/widgets_internal.h"

/* ---- transport-specific cookie names (C.9-C.12, C.20, the product page's v3 rows) ---- */

static const char *const v2_cookies[] = {
	"webchat.state.purecloud-v2-sockets.JWtoken", "webchat.state.purecloud-v2-sockets.ConversationID",
	"webchat.state.purecloud-v2-sockets.MemberID", "webchat.state.purecloud-v2-sockets.WS_URL",
	"webchat.state.purecloud-v2-sockets.LastMsgId",
};

const char *tp_session(const widget_world *w)
{
	return w->cfg.transport == WIDGET_TRANSPORT_V3_REST ? "webchat.state.pureengage-v3-rest.session"
							     : "webchat.state.session";
}

const char *tp_keys(const widget_world *w)
{
	return w->cfg.transport == WIDGET_TRANSPORT_V3_REST ? "webchat.state.pureengage-v3-rest.keys"
							     : "webchat.state.keys";
}

const char *tp_index(const widget_world *w)
{
	return w->cfg.transport == WIDGET_TRANSPORT_V3_REST ? "webchat.state.pureengage-v3-rest.index"
							     : "webchat.state.index";
}

const char *tp_open(const widget_world *w)
{
	return w->cfg.transport == WIDGET_TRANSPORT_V3_REST ? "webchat.state.pureengage-v3-rest.open"
							     : "webchat.state.open";
}

/* ---- cookies a chat keeps ---- */

int chat_set_session_cookies(widget_world *w, widget_page *p, const chat_session *s)
{
	char v[256];
	int rc;
	if (w->cfg.transport == WIDGET_TRANSPORT_V2_SOCKETS) {
		/* C.20: all five rewritten at start and on each message. */
		const char *values[5];
		char jwt[64], ws[96], last[24];
		snprintf(jwt, sizeof jwt, "eyJ.%s", s->secure_key);
		snprintf(ws, sizeof ws, "wss://streaming.mypurecloud.com/channels/%s", s->user_id);
		snprintf(last, sizeof last, "%zu", s->n_lines);
		values[0] = jwt, values[1] = s->id, values[2] = s->user_id, values[3] = ws, values[4] = last;
		for (size_t i = 0; i < 5; i++)
			if ((rc = page_cookie_set(w, p, v2_cookies[i], values[i])) < 0)
				return rc;
		return 0;
	}
	/* C.10: keys is JSON {secureKey, alias, userId}, escaped as I.12 says. */
	snprintf(v, sizeof v, "{\"secureKey\":\"%s\",\"alias\":\"%s\",\"userId\":\"%s\"}",
		 s->secure_key, s->alias, s->user_id);
	if ((rc = page_cookie_set(w, p, tp_keys(w), v)) < 0)
		return rc;
	return page_cookie_set(w, p, tp_session(w), s->id);
}

int chat_delete_session_cookies(widget_world *w, widget_page *p, bool all)
{
	int rc = 0;
	if (w->cfg.transport == WIDGET_TRANSPORT_V2_SOCKETS) {
		for (size_t i = 0; i < 5 && rc >= 0; i++)
			rc = page_cookie_delete(w, p, v2_cookies[i]);
		return rc;
	}
	const char *names[] = {tp_session(w), tp_keys(w), "webchat.state.ping", tp_index(w), "webchat.state.filters",
			       "webchat.metaData"};
	size_t n = all ? 6 : 4;
	for (size_t i = 0; i < n && rc >= 0; i++)
		rc = page_cookie_delete(w, p, names[i]);
	return rc;
}

int chat_write_autoload(widget_world *w, widget_page *p, bool active)
{
	/* C.19, I.15: true on start/restore, false (kept) on end. */
	return page_cookie_set(w, p, "app.autoLoadList",
			       active ? "{\"WebChatService\":true,\"WebChat\":true}"
				      : "{\"WebChatService\":false,\"WebChat\":false}");
}

int chat_write_metadata(widget_world *w, widget_page *p)
{
	if (!w->cfg.metadata_enabled)
		return 0;
	/* C.17: the widget's own metrics; these fields are bsim's stand-in (docs/widget-model.md). */
	char v[160];
	snprintf(v, sizeof v, "{\"proactive\":false,\"restores\":%d,\"lines\":%d}", p->metadata_restores,
		 p->transcript);
	return page_cookie_set(w, p, "webchat.metaData", v);
}

void chat_start_polling(widget_world *w, widget_page *p)
{
	p->poll_origin = bsim_browser_now(w->b);
	p->last_poll = INT64_MIN;
	p->poll_rate = WIDGET_POLL_RATE_MIN_MS;
	chat_schedule_poll(w, p);
}

/* F.31: App.focus as the page's in-focus arbitration last published it. */
static bool page_focused(const widget_page *p)
{
	return p->focus && widget_focus_focused(p->focus);
}

void chat_schedule_poll(widget_world *w, widget_page *p)
{
	bool sleeping = w->cfg.sleep_enabled && !page_focused(p);
	if (sleeping && w->cfg.transport == WIDGET_TRANSPORT_V3_REST) {
		p->next_poll = WIDGET_NEVER; /* F.31: v3 pauses until the page is focused again */
		return;
	}
	/* The first tick after now at which the time since the last poll reaches the rate (30 s when sleeping). */
	int64_t now = bsim_browser_now(w->b);
	int64_t due = p->last_poll == INT64_MIN ? now : p->last_poll + (sleeping ? WIDGET_POLL_SLEEP_MS : p->poll_rate);
	p->next_poll = chat_tick_at(p, due <= now ? now + 1 : due);
}

int64_t chat_tick_at(const widget_page *p, int64_t t)
{
	/* The loop's timer ticks every WIDGET_POLL_TICK_MS from poll_origin. */
	int64_t ticks = (t - p->poll_origin + WIDGET_POLL_TICK_MS - 1) / WIDGET_POLL_TICK_MS;
	return p->poll_origin + ticks * WIDGET_POLL_TICK_MS;
}

/* ---- the unread badge (E.27, I.4, I.5) ---- */

static int cookie_int(widget_world *w, widget_page *p, const char *name, int *out, bool *present)
{
	char *v = NULL;
	int rc = page_cookie_get(w, p, name, &v);
	*present = v != NULL;
	/* The page's number, as the widget's parseInt reads it; past an int it saturates (atoi's overflow was undefined). */
	long n = v ? strtol(v, NULL, 10) : 0;
	*out = n > INT_MAX ? INT_MAX : n < INT_MIN ? INT_MIN : (int)n;
	free(v);
	return rc;
}

static int set_int(widget_world *w, widget_page *p, const char *name, int n)
{
	char v[24];
	snprintf(v, sizeof v, "%d", n);
	return page_cookie_set(w, p, name, v);
}

int chat_badge(widget_world *w, widget_page *p)
{
	int last, count;
	bool has_last, has_count;
	int rc = cookie_int(w, p, "webchat.state.lastMessageCountRead", &last, &has_last);
	if (rc >= 0)
		rc = cookie_int(w, p, "webchat.state.asyncUnreadMessageCount", &count, &has_count);
	if (rc < 0)
		return rc;
	/* d = N - lastMessageCountRead; the shared count wins when it is at least d, else d is shown and stored. */
	int d = p->n_rendered - last;
	if (has_count && count >= d) {
		p->badge = count;
	} else {
		p->badge = d > 0 ? d : 0;
		if (d > 0)
			rc = set_int(w, p, "webchat.state.asyncUnreadMessageCount", d);
	}
	if (p->badge < 0)
		p->badge = 0;
	return rc;
}

int chat_deliver(widget_world *w, widget_page *p, line_kind k)
{
	int rc = 0;
	p->transcript++;
	/* cx-webchat.js counts every rendered message but the customer's own (type "Client"): system lines count. */
	if (k == LINE_CUSTOMER)
		return 0;
	p->n_rendered++;
	if (p->minimized) {
		int count;
		bool has;
		/* I.4: each line while minimized increments the shared count, even in a non-async chat. */
		if ((rc = cookie_int(w, p, "webchat.state.asyncUnreadMessageCount", &count, &has)) < 0)
			return rc;
		if (has && (rc = set_int(w, p, "webchat.state.asyncUnreadMessageCount", count + 1)) < 0)
			return rc;
		rc = chat_badge(w, p);
	}
	if (rc >= 0 && w->cfg.transport == WIDGET_TRANSPORT_V2_SOCKETS && p->live) {
		chat_session *s = backend_find(&w->be, p->session_id);
		if (s)
			rc = chat_set_session_cookies(w, p, s);
	}
	return rc;
}

int chat_fetch_lines(widget_world *w, widget_page *p, const chat_session *s)
{
	int rc = 0;
	while (rc >= 0 && p->position < s->n_lines) {
		line_kind k = (line_kind)s->lines[p->position++];
		/* The customer's own line, shown at its send, comes back in the reply: counted, not shown again. */
		if (k == LINE_CUSTOMER && p->own_unseen > 0) {
			p->own_unseen--;
			continue;
		}
		rc = chat_deliver(w, p, k);
	}
	return rc;
}

/* ---- start, poll, end ---- */

int chat_start(widget_world *w, widget_page *p)
{
	char *lock = NULL, name[256];
	int64_t now = bsim_browser_now(w->b);
	int rc = 0;
	bool rest = w->cfg.transport != WIDGET_TRANSPORT_V2_SOCKETS;
	p->open = true; /* the form was shown and submitted, whatever the server answers */
	/* I.3, F.31: startChat is refused while chatStartLock is under 2 s old; a stale one is deleted. */
	if (rest && (rc = page_cookie_get(w, p, "webchat.state.chatStartLock", &lock)) < 0)
		return rc;
	if (lock) {
		int64_t at = strtoll(lock, NULL, 10);
		free(lock);
		if (now - at < WIDGET_START_LOCK_MS) {
			widget_cookie_name(w, "webchat.state.chatStartLock", name, sizeof name);
			page_note(p, NULL, false, "startChat refused (statusCode 1): %s is %lld ms old, under %d ms", name,
				  (long long)(now - at), WIDGET_START_LOCK_MS);
			p->starting = false;
			return 0;
		}
		if ((rc = page_cookie_delete(w, p, "webchat.state.chatStartLock")) < 0)
			return rc;
	}
	/* I.13: a new chat first deletes the old one's cookies. */
	if ((rc = chat_delete_session_cookies(w, p, false)) < 0)
		return rc;
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)now);
	if (rest && (rc = page_cookie_set(w, p, "webchat.state.chatStartLock", v)) < 0)
		return rc;
	p->starting = true;
	return page_request(w, p, WIDGET_REQ_START);
}

/* The server created the chat when the start reached it; its answer (the chat's id and keys) reaches the page now. */
int chat_start_answer(widget_world *w, widget_page *p)
{
	int rc;
	bool rest = w->cfg.transport != WIDGET_TRANSPORT_V2_SOCKETS;
	size_t idx;
	p->starting = false;
	if (w->answer_timed_out) {
		/* No chat: the form stays, and so does the lock until it is stale (F.31). */
		page_note(p, NULL, false, "the start got no answer within the widget's request timeout");
		return 0;
	}
	if ((rc = backend_start(&w->be, w->b, &idx)) < 0)
		return rc;
	chat_session *s = &w->be.sessions[idx];
	if ((rc = chat_set_session_cookies(w, p, s)) < 0)
		return rc;
	if (rest && (rc = page_cookie_delete(w, p, "webchat.state.chatStartLock")) < 0)
		return rc;
	snprintf(p->session_id, sizeof p->session_id, "%s", s->id);
	p->live = true;
	p->restored = p->ended = false;
	p->open = true;
	p->transcript = p->n_rendered = 0;
	p->position = p->indexed = 0;
	p->invite_shown = false;
	p->next_invite = WIDGET_NEVER;
	p->metadata_restores = 0;
	p->own_unseen = 0;
	if ((rc = page_cookie_set(w, p, tp_open(w), "true")) < 0 || (rc = chat_write_autoload(w, p, true)) < 0 ||
	    (rc = chat_write_metadata(w, p)) < 0)
		return rc;
	if (rest) {
		chat_start_polling(w, p);
	} else {
		/* v2: the socket pushes the customer's join at once. */
		while (rc >= 0 && p->position < s->n_lines)
			rc = chat_deliver(w, p, (line_kind)s->lines[p->position++]);
		if (rc < 0)
			return rc;
	}
	page_note(p, NULL, false, "chat %s started", s->id);
	return 0;
}

int chat_end_local(widget_world *w, widget_page *p, bool by_agent)
{
	page_note(p, NULL, false, "chat %s ended %s", p->session_id,
		  by_agent ? "on the server (the agent ended it, the agent's idle limit passed, or the server forgot it)"
			   : "by the customer");
	page_event(w, p, WIDGET_EV_ENDED);
	/* The page renders "Chat Ended" however the chat ended; I.15: the chat's cookies go, autoLoadList turns
	 * false, open=true stays. */
	int rc = chat_deliver(w, p, LINE_SYSTEM);
	if (rc >= 0)
		rc = chat_delete_session_cookies(w, p, true);
	if (rc >= 0)
		rc = chat_write_autoload(w, p, false);
	p->live = false;
	p->ended = true;
	p->next_poll = WIDGET_NEVER;
	return rc;
}

/* A poll is over (answered, or the chat ended before its send): v3 lifts its poll mutex. */
static int chat_poll_done(widget_world *w, widget_page *p, int rc, char *session, char *keys)
{
	if (w->cfg.transport == WIDGET_TRANSPORT_V3_REST && rc >= 0 &&
	    !widget_mutated("chatPollPending", WIDGET_MUT_NODELETE)) {
		int r2 = bsim_storage_remove(w->b, p->tab, BSIM_STORAGE_LOCAL, "_genesys.widgets.chatPollPending");
		if (r2 < 0)
			rc = r2;
	}
	free(session);
	free(keys);
	return rc;
}

int chat_poll(widget_world *w, widget_page *p)
{
	if (!p->live)
		return 0;
	int rc = 0;
	char v[24], *session = NULL, *keys = NULL, name[256];
	bool v3 = w->cfg.transport == WIDGET_TRANSPORT_V3_REST;
	/* I.13, C.11: ping before every poll, failed ones included; never in async mode. */
	snprintf(v, sizeof v, "%lld", (long long)bsim_browser_now(w->b));
	if (!w->cfg.async && (rc = page_cookie_set(w, p, "webchat.state.ping", v)) < 0)
		return rc;
	/* C.21: the v3 REST poll mutex in localStorage. */
	if (v3 && !widget_mutated("chatPollPending", WIDGET_MUT_NOWRITE) &&
	    (rc = bsim_storage_set(w->b, p->tab, BSIM_STORAGE_LOCAL, "_genesys.widgets.chatPollPending",
				   widget_mutated("chatPollPending", WIDGET_MUT_WRONG) ? WIDGET_MUTANT_VALUE : "true")) < 0 &&
	    rc != BSIM_EQUOTA)
		return rc;
	if ((rc = page_cookie_get(w, p, tp_session(w), &session)) < 0 || (rc = page_cookie_get(w, p, tp_keys(w), &keys)) < 0)
		goto out;
	if (!session || strcmp(session, p->session_id) != 0 || !keys) {
		/* I.7, J.4: the poll reads the chat from its cookies; without them the chat ends by itself, the server not told. */
		widget_cookie_name(w, !session || strcmp(session, p->session_id) != 0 ? tp_session(w) : tp_keys(w), name,
				   sizeof name);
		page_note(p, name, false, "the chat ended by itself at a poll: it needs cookie %s", name);
		/* It ends as a chat ends (seen running the widget: i-agent-end-two-tabs, the hidden tab after the
		 * front one ended the chat): "Chat Ended" without the lines it never fetched, filters and metaData
		 * deleted, autoLoadList false; the ping it has just written stays. */
		page_event(w, p, WIDGET_EV_ENDED);
		if ((rc = chat_deliver(w, p, LINE_SYSTEM)) >= 0 && (rc = page_cookie_delete(w, p, "webchat.state.filters")) >= 0 &&
		    (rc = page_cookie_delete(w, p, "webchat.metaData")) >= 0)
			rc = chat_write_autoload(w, p, false);
		p->live = false;
		p->ended = true;
		p->next_poll = WIDGET_NEVER;
		goto out;
	}
	/* The loop waits for the answer before its next poll (its pending flag): no tick is armed until then. */
	p->last_poll = bsim_browser_now(w->b);
	p->next_poll = WIDGET_NEVER;
	rc = page_request(w, p, WIDGET_REQ_POLL);
	free(session);
	free(keys);
	return rc;
out:
	return chat_poll_done(w, p, rc, session, keys);
}

/* The poll's answer: the server's state now, when it reaches the page. */
int chat_poll_answer(widget_world *w, widget_page *p)
{
	if (!p->live)
		return chat_poll_done(w, p, 0, NULL, NULL);
	int rc = 0;
	char v[24];
	chat_session *s;
	backend_answer a = backend_refresh(&w->be, p->session_id, NULL, w->answer_timed_out, &s);
	/* The poll carries the keys the page started with; backend_refresh checks them only on restore. */
	if (a == BACKEND_REJECTED) {
		s = backend_find(&w->be, p->session_id);
		a = s && s->ended ? BACKEND_ENDED : BACKEND_OK;
	}
	if ((a == BACKEND_OK || a == BACKEND_ENDED) && s) {
		/* New messages since the page's position, then the session rewritten from the reply (I.13). */
		rc = chat_fetch_lines(w, p, s);
		/* I.13, J.5: each poll reply rewrites keys and session twice, as a trace of the real widget shows. */
		for (int i = 0; i < 2 && rc >= 0 && a == BACKEND_OK; i++)
			rc = chat_set_session_cookies(w, p, s);
		/* C.12: index is the next transcript position (last message index + 1), written only when the reply
		 * has messages: 2 after the first poll, which brings the customer's own join. The customer's own line
		 * is a server message too: the poll after a send brings it back, so index moves past it although the
		 * page rendered it at the send (c-customer-send: index=5 after join, agent's join, agent line, send). */
		snprintf(v, sizeof v, "%zu", p->position + 1);
		if (rc >= 0 && p->position > p->indexed && a == BACKEND_OK) {
			rc = page_cookie_set(w, p, tp_index(w), v);
			p->indexed = p->position;
		}
	}
	if (rc >= 0 && (a == BACKEND_ENDED || a == BACKEND_UNKNOWN)) {
		/* chatEnded, or error 102 for a chat the server forgot: the page ends the chat (I.15, J.3e; seen
		 * running the widget). */
		if (a == BACKEND_UNKNOWN)
			page_event(w, p, WIDGET_EV_ERROR);
		rc = chat_end_local(w, p, true);
		return chat_poll_done(w, p, rc, NULL, NULL);
	}
	if (a != BACKEND_OK)
		page_event(w, p, WIDGET_EV_ERROR); /* I.14: an error per poll, the chat stays */
	/* The loop's rate grows x1.2 (truncated) after each poll, up to pollRateMax; the time since the last poll
	 * counts from its send. */
	if (p->poll_rate < WIDGET_POLL_RATE_MAX_MS)
		p->poll_rate = p->poll_rate * WIDGET_POLL_RATE_MULT_NUM / WIDGET_POLL_RATE_MULT_DEN;
	if (p->poll_rate > WIDGET_POLL_RATE_MAX_MS)
		p->poll_rate = WIDGET_POLL_RATE_MAX_MS;
	chat_schedule_poll(w, p);
	return chat_poll_done(w, p, rc, NULL, NULL);
}

int chat_invite_fire(widget_world *w, widget_page *p)
{
	(void)w;
	if (!p->live)
		p->invite_shown = true;
	return 0;
}

/* ---- JSON lists kept in a cookie (filters, Console subscriptions) ---- */

/* item as a JSON string (JSON.stringify's escapes). */
static void put_json_string(buf *b, const char *item)
{
	buf_putc(b, '"');
	for (const unsigned char *c = (const unsigned char *)item; *c; c++) {
		if (*c == '"' || *c == '\\')
			buf_printf(b, "\\%c", *c);
		else if (*c < 0x20)
			buf_printf(b, "\\u%04x", *c);
		else
			buf_putc(b, (char)*c);
	}
	buf_putc(b, '"');
}

static int list_append(widget_world *w, widget_page *p, const char *name, const char *item)
{
	char *cur = NULL;
	int rc = page_cookie_get(w, p, name, &cur);
	if (rc < 0)
		return rc;
	buf json = BUF_INIT;
	size_t len = cur ? strlen(cur) : 0;
	if (cur && len > 2 && cur[0] == '[' && cur[len - 1] == ']')
		buf_printf(&json, "%.*s,", (int)(len - 1), cur);
	else
		buf_putc(&json, '[');
	put_json_string(&json, item);
	buf_putc(&json, ']');
	rc = buf_status(&json) < 0 ? error_oom() : page_cookie_set(w, p, name, buf_cstr(&json));
	free(cur);
	buf_free(&json);
	return rc;
}

int chat_console_load(widget_world *w, widget_page *p)
{
	char *v = NULL;
	int rc = page_cookie_get(w, p, "console.session", &v);
	p->console_open = v && strcmp(v, "true") == 0;
	free(v);
	return rc;
}

/* ---- the user's actions ---- */

static int need_live(widget_page *p, const char *what)
{
	if (!p->live)
		return error_set(BSIM_ENOTFOUND, "cannot %s: no chat is running in this tab's page (it is %s)", what,
				 p->ended ? "ended" : p->open ? "open, not started" : "closed");
	return 0;
}

/* WIDGET_OPEN. */
static int act_open(widget_world *w, widget_page *p)
{
	int rc;
	/* D.25: WebChat.open tries WebChatService.restore first, else shows the form. */
	if (!p->live && p->restore == RESTORE_FAILED && (rc = page_restore(w, p)) < 0)
		return rc;
	if (p->live)
		return page_cookie_set(w, p, tp_open(w), "true");
	p->open = true;
	p->ended = false;
	/* C.16: a fresh open deletes unreadMessages, which nothing ever writes; C.17: the window opening
	 * writes metaData (seen running the widget). */
	if ((rc = page_cookie_set(w, p, tp_open(w), "true")) >= 0 &&
	    (rc = page_cookie_delete(w, p, "webchat.state.unreadMessages")) >= 0)
		rc = chat_write_metadata(w, p);
	return rc;
}

/* WIDGET_SEND. */
static int act_send(widget_world *w, widget_page *p)
{
	int rc;
	if ((rc = need_live(p, "send")) < 0)
		return rc;
	return page_request(w, p, WIDGET_REQ_SEND);
}

/* The send's answer: the server took the line when the request reached it. */
int chat_send_answer(widget_world *w, widget_page *p)
{
	int rc;
	chat_session *s = backend_find(&w->be, p->session_id);
	/* I.13: polling speeds back up to pollRateMin after a send, whatever its answer (tt() in always()). */
	p->poll_rate = WIDGET_POLL_RATE_MIN_MS;
	if (w->cfg.transport != WIDGET_TRANSPORT_V2_SOCKETS && p->live && !page_awaits(p, WIDGET_REQ_POLL))
		chat_schedule_poll(w, p);
	if (!s || w->be.down || w->be.status || s->ended || w->answer_timed_out)
		return 0; /* the message is lost with the request; the page keeps polling */
	if ((rc = backend_add_line(s, LINE_CUSTOMER)) < 0)
		return rc;
	s->last_customer_at = bsim_browser_now(w->b);
	/* The sending page shows its line; the chat's other pages get it at their next poll (v2: pushed). */
	if (p->live && w->cfg.transport != WIDGET_TRANSPORT_V2_SOCKETS) {
		p->own_unseen++;
		if ((rc = chat_deliver(w, p, LINE_CUSTOMER)) < 0)
			return rc;
	}
	return widget_push(w, s);
}

/* WIDGET_MINIMIZE. */
static int act_minimize(widget_world *w, widget_page *p)
{
	int rc;
	p->minimized = true;
	if (!p->live)
		return 0; /* C.15: the cookie is written only while a chat is active */
	int last;
	bool has;
	if ((rc = cookie_int(w, p, "webchat.state.lastMessageCountRead", &last, &has)) < 0)
		return rc;
	if (!has && (rc = set_int(w, p, "webchat.state.lastMessageCountRead", p->n_rendered)) < 0)
		return rc;
	if ((rc = page_cookie_set(w, p, "webchat.state.minimized", "true")) < 0)
		return rc;
	return chat_badge(w, p);
}

/* WIDGET_MAXIMIZE. */
static int act_maximize(widget_world *w, widget_page *p)
{
	int rc;
	p->minimized = false;
	p->badge = 0;
	if (!p->live)
		return 0;
	/* I.4: maximize deletes both counters and writes minimized=false. */
	if ((rc = page_cookie_delete(w, p, "webchat.state.lastMessageCountRead")) < 0 ||
	    (rc = page_cookie_delete(w, p, "webchat.state.asyncUnreadMessageCount")) < 0)
		return rc;
	return page_cookie_set(w, p, "webchat.state.minimized", "false");
}

/* WIDGET_CLOSE on a running chat. */
static int act_close_live(widget_world *w, widget_page *p)
{
	int rc;
	/* WebChat.close on a running chat does not end it (seen running the widget: c-close-chat): the
	 * window closes (open=false), then the same page restores the chat at once (WebChatService.restored,
	 * WebChat.opened, open=true); no disconnect, every cookie stays, and the reopened window shows only
	 * what later polls bring, since the restore asks from the stored index on. */
	if ((rc = page_cookie_set(w, p, tp_open(w), "false")) < 0)
		return rc;
	page_sent(w, p, WIDGET_REQ_RESTORE);
	page_event(w, p, WIDGET_EV_RESTORED);
	p->open = true; /* the view says active: the load's restore was not this */
	p->transcript = p->n_rendered = 0;
	page_note(p, NULL, false, "WebChat.close: chat %s goes on; the page restored it at once", p->session_id);
	return page_cookie_set(w, p, tp_open(w), "true");
}

/* WIDGET_END, and WIDGET_CLOSE of a window with no running chat (close = end, then close the window). */
static int act_end_or_close(widget_world *w, widget_page *p, bool close)
{
	int rc;
	if (p->live) {
		chat_session *s = backend_find(&w->be, p->session_id);
		page_sent(w, p, WIDGET_REQ_DISCONNECT);
		if (s && !w->be.down && !w->be.status)
			s->ended = true;
		if ((rc = chat_end_local(w, p, false)) < 0)
			return rc;
	}
	if (!close)
		return 0;
	/* The product page: the counters are cleared when WebChat is closed; C.14: open=false. */
	p->open = p->ended = p->minimized = false;
	p->badge = 0;
	if ((rc = page_cookie_delete(w, p, "webchat.state.lastMessageCountRead")) < 0 ||
	    (rc = page_cookie_delete(w, p, "webchat.state.asyncUnreadMessageCount")) < 0)
		return rc;
	return page_cookie_set(w, p, tp_open(w), "false");
}

/* WIDGET_INVITE_ACCEPT and WIDGET_INVITE_DECLINE. */
static int act_invite_answer(widget_world *w, widget_page *p, bool accept)
{
	int rc;
	if (!p->invite_shown)
		return error_set(BSIM_EINVAL, "no invite is shown in this tab's page to %s", accept ? "accept" : "decline");
	p->invite_shown = false;
	p->next_invite = WIDGET_NEVER;
	/* C.18, J.2: both answers write autoInvite.disabled=true (session cookie); accept opens the form. */
	if ((rc = page_cookie_set(w, p, "webchat.autoInvite.disabled", "true")) < 0)
		return rc;
	if (accept) {
		/* J.2: accept opens the form; the window opening writes metaData (seen running the widget). */
		p->open = true;
		if ((rc = page_cookie_set(w, p, tp_open(w), "true")) >= 0)
			rc = chat_write_metadata(w, p);
	}
	return rc;
}

/* The Console actions: each writes its console.* cookies. */
static int act_console(widget_world *w, widget_page *p, widget_action a, const char *arg1, const char *arg2)
{
	int rc;
	char v[256];
	switch (a) {
	case WIDGET_CONSOLE_OPEN:
	case WIDGET_CONSOLE_CLOSE:
		p->console_open = a == WIDGET_CONSOLE_OPEN;
		return page_cookie_set(w, p, "console.session", p->console_open ? "true" : "false");
	case WIDGET_CONSOLE_COMMAND:
		if ((rc = page_cookie_set(w, p, "console.commandPlugin", arg1 ? arg1 : "")) < 0)
			return rc;
		return page_cookie_set(w, p, "console.command", arg2 ? arg2 : "");
	case WIDGET_CONSOLE_EVENT:
		if ((rc = page_cookie_set(w, p, "console.eventPlugin", arg1 ? arg1 : "")) < 0)
			return rc;
		return page_cookie_set(w, p, "console.event", arg2 ? arg2 : "");
	case WIDGET_CONSOLE_OPTIONS:
		return page_cookie_set(w, p, "console.optionsArea", arg1 ? arg1 : "{}");
	case WIDGET_CONSOLE_SUBSCRIBE:
		snprintf(v, sizeof v, "%s.%s", arg1 ? arg1 : "", arg2 ? arg2 : "");
		return list_append(w, p, "console.activeSubscriptions", v);
	case WIDGET_CONSOLE_MOVE:
		snprintf(v, sizeof v, "{\"x\":%d,\"y\":%d}", arg1 ? (int)strtol(arg1, NULL, 10) : 0,
		         arg2 ? (int)strtol(arg2, NULL, 10) : 0);
		return page_cookie_set(w, p, "console.windowPosition", v);
	default:
		return 0;
	}
}

int widget_act(widget_world *w, int tab, widget_action a, const char *arg1, const char *arg2)
{
	int rc = widget_catch_up(w);
	if (rc < 0)
		return rc;
	widget_page *p = page_of_tab(w, tab);
	if (!p)
		return error_set(BSIM_ENOTFOUND, "this tab's page has no widget: %s",
				 !w->deployed ? "no <deploy> step came before it" : "its host is not on the deployed site");
	switch (a) {
	case WIDGET_OPEN:
		return act_open(w, p);
	case WIDGET_START:
		if (p->live || p->starting)
			return error_set(BSIM_EINVAL, "cannot start: a chat is already %s in this tab's page",
					 p->live ? "running" : "starting (its start request is in flight)");
		/* The form is shown and submitted; its start request goes when the submit's work is done. */
		p->open = true;
		p->starting = true;
		if (!w->work.start_submit)
			return chat_start(w, p);
		p->next_start = bsim_browser_now(w->b) + w->work.start_submit;
		return 0;
	case WIDGET_SEND:
		return act_send(w, p);
	case WIDGET_MINIMIZE:
		return act_minimize(w, p);
	case WIDGET_MAXIMIZE:
		return act_maximize(w, p);
	case WIDGET_CLOSE:
		if (p->live)
			return act_close_live(w, p);
		/* A window with no running chat closes as below. */
		return act_end_or_close(w, p, true);
	case WIDGET_END:
		return act_end_or_close(w, p, false);
	case WIDGET_PREFILTER:
		/* C.13: prefilter regexes as a JSON list. */
		return list_append(w, p, "webchat.state.filters", arg1 ? arg1 : "");
	case WIDGET_ZOOM:
		return page_cookie_set(w, p, "app.zoomLevel", arg1 ? arg1 : "1");
	case WIDGET_INVITE_OFFER:
		return chat_invite_fire(w, p);
	case WIDGET_INVITE_ACCEPT:
	case WIDGET_INVITE_DECLINE:
		return act_invite_answer(w, p, a == WIDGET_INVITE_ACCEPT);
	case WIDGET_CONSOLE_OPEN:
	case WIDGET_CONSOLE_CLOSE:
	case WIDGET_CONSOLE_COMMAND:
	case WIDGET_CONSOLE_EVENT:
	case WIDGET_CONSOLE_OPTIONS:
	case WIDGET_CONSOLE_SUBSCRIBE:
	case WIDGET_CONSOLE_MOVE:
		return act_console(w, p, a, arg1, arg2);
	}
	return 0;
}
