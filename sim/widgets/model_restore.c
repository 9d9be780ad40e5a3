/*
 * model_restore.c: the restore a widget page runs at every load, as the
 * widget's code decides it (widget-behaviour.md D.23-D.25, G.36, I.9,
 * I.10, I.14, J.3): which cookies must be there, when the ping is too old,
 * what each answer of the server leads to, and what each outcome deletes
 * and keeps. The default and v3 transports restore by session and keys;
 * purecloud-v2-sockets by ConversationID, keeping its cookies on any
 * failure. The restore is a request: page_restore sends it at the load
 * (or decides without the server: cookies missing, a stale ping), and
 * page_restore_answer acts on the server's answer when it reaches the page
 * (clock.c), if the page is still there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/widgets_internal.h"

/* D.23, I.9, J.3d: the cleanup of a restore timeout. */
static int restore_timeout_cleanup(widget_world *w, widget_page *p)
{
	static const char *const gone[] = {"webchat.state.ping", "webchat.state.filters", "webchat.metaData",
					   "webchat.state.minimized", "webchat.state.unreadMessages"};
	/* I.9: the service's autoLoadList entry turns false; the window's stays true when the chat's window was
	 * open, not minimized ({"WebChatService":false,"WebChat":true}: d-restore-timeout-away, d-server-ended-away,
	 * d-server-forgot-away), and goes when it was minimized (e-stale-badge-after-timeout) or planted cookies
	 * had no list (g-plant-stale-ping). widget-behaviour.md I.9 saw both and blamed timing; the recorded runs
	 * split by the minimized state. open=true and both badge counters survive. */
	char *list = NULL, *min = NULL;
	int rc = page_cookie_get(w, p, "app.autoLoadList", &list);
	if (rc >= 0)
		rc = page_cookie_get(w, p, "webchat.state.minimized", &min);
	bool window = rc >= 0 && list && strstr(list, "\"WebChat\":true") && !(min && strcmp(min, "true") == 0);
	free(list);
	free(min);
	if (rc >= 0)
		rc = chat_delete_session_cookies(w, p, false);
	for (size_t i = 0; rc >= 0 && i < sizeof gone / sizeof *gone; i++)
		rc = page_cookie_delete(w, p, gone[i]);
	if (rc >= 0)
		rc = page_cookie_set(w, p, "app.autoLoadList",
				     window ? "{\"WebChatService\":false,\"WebChat\":true}" : "{\"WebChatService\":false}");
	p->restore = RESTORE_TIMEOUT;
	page_event(w, p, WIDGET_EV_RESTORE_TIMEOUT);
	/* D.25: the re-invite toast. */
	if (w->cfg.invite_on_restore_timeout)
		p->invite_shown = true;
	return rc;
}

/* restoreFailed: the event, and the re-invite toast as a timed-out restore shows it (D.25; seen running the widget). */
static void restore_failed_mark(widget_world *w, widget_page *p)
{
	p->restore = RESTORE_FAILED;
	page_event(w, p, WIDGET_EV_RESTORE_FAILED);
	if (w->cfg.invite_on_restore_timeout)
		p->invite_shown = true;
}

/* D.25, I.14: restoreFailed deletes only these; the chat's own cookies stay for the next page. */
static int restore_failed_cleanup(widget_world *w, widget_page *p)
{
	static const char *const gone[] = {"webchat.metaData", "webchat.state.minimized", "webchat.state.unreadMessages"};
	int rc = 0;
	for (size_t i = 0; rc >= 0 && i < sizeof gone / sizeof *gone; i++)
		rc = page_cookie_delete(w, p, gone[i]);
	restore_failed_mark(w, p);
	return rc;
}

/* A restore the server accepted: reopen, replay the transcript from position 1, badge from the counters (D.25, I.2, I.4). */
static int restore_ok(widget_world *w, widget_page *p, chat_session *s)
{
	int rc;
	p->restore = RESTORE_OK;
	p->live = p->restored = true;
	page_event(w, p, WIDGET_EV_RESTORED);
	snprintf(p->session_id, sizeof p->session_id, "%s", s->id);
	char *open = NULL, *min = NULL;
	if ((rc = page_cookie_get(w, p, tp_open(w), &open)) < 0)
		return rc;
	/* C.14: a non-async restore reopens regardless; an async one stays hidden when open is "false". */
	p->open = !(w->cfg.async && open && strcmp(open, "false") == 0);
	free(open);
	/* Every restore that shows the chat writes open=true, also when the planted cookies lack it (seen running
	 * the widget); an async one kept hidden leaves "false". */
	if (p->open && (rc = page_cookie_set(w, p, tp_open(w), "true")) < 0)
		return rc;
	if ((rc = page_cookie_get(w, p, "webchat.state.minimized", &min)) < 0)
		return rc;
	p->minimized = (min && strcmp(min, "true") == 0) || (w->cfg.mobile && w->cfg.minimize_on_mobile_restore);
	free(min);
	/* I.2: the whole transcript replays from position 1, system lines included. */
	p->transcript = (int)s->n_lines;
	p->position = s->n_lines;
	p->own_unseen = 0;
	p->n_rendered = 0;
	for (size_t i = 0; i < s->n_lines; i++)
		if (s->lines[i] != LINE_CUSTOMER)
			p->n_rendered++;
	/* C.9: the session cookies are rewritten from the server's reply. */
	if ((rc = chat_set_session_cookies(w, p, s)) < 0 || (rc = chat_write_autoload(w, p, true)) < 0)
		return rc;
	/* C.12: the restore's reply brings the transcript, so index becomes its next position, also where planted
	 * cookies had none (g-plant-no-ping: index=2, the customer's join). */
	p->indexed = p->position;
	char v[24];
	snprintf(v, sizeof v, "%zu", p->position + 1);
	if (w->cfg.transport != WIDGET_TRANSPORT_V2_SOCKETS && s->n_lines > 0 &&
	    (rc = page_cookie_set(w, p, tp_index(w), v)) < 0)
		return rc;
	/* I.13: metaData counters grow on every restore (the replayed lines are counted again). */
	p->metadata_restores++;
	if ((rc = chat_write_metadata(w, p)) < 0)
		return rc;
	if (p->minimized && (rc = chat_badge(w, p)) < 0)
		return rc;
	if (w->cfg.transport != WIDGET_TRANSPORT_V2_SOCKETS)
		chat_start_polling(w, p);
	page_note(p, NULL, false, "restored chat %s (%d transcript lines replayed)", s->id, p->transcript);
	return 0;
}

/* The request carries what the page read from its cookies now (v2: the member too); the server answers later. */
static int restore_send(widget_world *w, widget_page *p, const char *session, const char *key, const char *member)
{
	snprintf(p->req_session, sizeof p->req_session, "%s", session);
	snprintf(p->req_key, sizeof p->req_key, "%s", key);
	snprintf(p->req_member, sizeof p->req_member, "%s", member);
	return page_request(w, p, WIDGET_REQ_RESTORE);
}

/* D.24, G.36: Genesys Cloud v2 restores by ConversationID; any failure keeps the transport's cookies. */
static int restore_v2(widget_world *w, widget_page *p)
{
	char *conv = NULL, *jwt = NULL, *member = NULL, name[256];
	int rc = page_cookie_get(w, p, "webchat.state.purecloud-v2-sockets.ConversationID", &conv);
	if (rc >= 0 && conv)
		rc = page_cookie_get(w, p, "webchat.state.purecloud-v2-sockets.JWtoken", &jwt);
	if (rc >= 0 && conv)
		rc = page_cookie_get(w, p, "webchat.state.purecloud-v2-sockets.MemberID", &member);
	if (rc < 0 || !conv)
		goto out;
	if (!jwt || !member) {
		widget_cookie_name(w, !jwt ? "webchat.state.purecloud-v2-sockets.JWtoken"
					   : "webchat.state.purecloud-v2-sockets.MemberID", name, sizeof name);
		page_note(p, name, false, "the member-state call needs %s; it failed, so restoreFailed (the cookies stay)", name);
		p->restore_code = "missing-member";
		restore_failed_mark(w, p);
		goto out;
	}
	/* The JWT carries the chat's secret after its header (chat_set_session_cookies writes "eyJ.KEY"). */
	const char *secret = strncmp(jwt, "eyJ.", 4) == 0 ? jwt + 4 : jwt;
	rc = restore_send(w, p, conv, secret, member);
out:
	free(conv);
	free(jwt);
	free(member);
	return rc;
}

/* The answer to a v2 restore: the server's state now, when the answer reaches the page. */
static int restore_v2_answer(widget_world *w, widget_page *p)
{
	chat_session *s;
	backend_answer a = backend_refresh(&w->be, p->req_session, p->req_key, w->answer_timed_out, &s);
	/* D.24: the member-state call names the member; another conversation's (or a garbled) MemberID is a 404. */
	if (a == BACKEND_OK && strcmp(p->req_member, s->user_id) != 0)
		a = BACKEND_REJECTED;
	if (a == BACKEND_OK)
		return restore_ok(w, p, s);
	page_note(p, NULL, false, "restoreFailed: %s; the v2 cookies stay, so every page fails again until the browser closes",
		  backend_answer_name(a));
	p->restore_code = a == BACKEND_NETWORK   ? "network"
			: a == BACKEND_TIMEOUT ? "slow"
			: a == BACKEND_ENDED   ? "ended"
			: a == BACKEND_UNKNOWN ? "unknown"
			: a == BACKEND_STATUS  ? "status"
					       : "rejected";
	restore_failed_mark(w, p);
	return 0;
}

/* The secureKey inside the keys cookie's JSON ({"secureKey":"...",...}); "" when absent. */
static void keys_secure_key(const char *keys, char *out, size_t outlen)
{
	out[0] = '\0';
	const char *k = keys ? strstr(keys, "\"secureKey\":\"") : NULL;
	if (!k)
		return;
	k += 13;
	const char *e = strchr(k, '"');
	if (e)
		snprintf(out, outlen, "%.*s", (int)(e - k), k);
}

int page_restore(widget_world *w, widget_page *p)
{
	if (w->cfg.transport == WIDGET_TRANSPORT_V2_SOCKETS)
		return restore_v2(w, p);
	char *session = NULL, *keys = NULL, *ping = NULL, name[256], key[64];
	int rc = page_cookie_get(w, p, tp_session(w), &session);
	if (rc >= 0)
		rc = page_cookie_get(w, p, tp_keys(w), &keys);
	if (rc < 0)
		goto out;
	keys_secure_key(keys, key, sizeof key);
	if (!session || !*session) {
		/* G.36, J.3b: keys without a session are ignored. */
		widget_cookie_name(w, tp_session(w), name, sizeof name);
		page_note(p, name, false, "restore needs cookie %s%s", name, keys ? " (keys alone are ignored)" : "");
		p->restore_code = "missing-session";
		goto out;
	}
	if (!keys || !*key) {
		/* G.36, J.3a: a session without keys is rejected quietly: no call, no event, the lone cookie stays. */
		widget_cookie_name(w, tp_keys(w), name, sizeof name);
		page_note(p, name, false, "restore needs cookie %s beside the session; without it the widget does nothing", name);
		p->restore_code = "missing-keys";
		goto out;
	}
	/* D.23, J.3c: no ping, no timeout check; the server decides. */
	if (!w->cfg.async && (rc = page_cookie_get(w, p, "webchat.state.ping", &ping)) < 0)
		goto out;
	int64_t now = bsim_browser_now(w->b);
	if (ping && *ping) {
		int64_t at = strtoll(ping, NULL, 10);
		if (now - at >= w->cfg.restore_timeout_ms) {
			widget_cookie_name(w, "webchat.state.ping", name, sizeof name);
			page_note(p, name, true,
				  "restoreTimeout: cookie %s is %lld s old, not younger than webchat.restoreTimeout (%lld s); the widget deleted the chat's cookies without asking the server",
				  name, (long long)((now - at) / 1000), (long long)(w->cfg.restore_timeout_ms / 1000));
			p->restore_code = "stale-ping";
			rc = restore_timeout_cleanup(w, p);
			goto out;
		}
	}
	rc = restore_send(w, p, session, key, "");
out:
	free(session);
	free(keys);
	free(ping);
	return rc;
}

int page_restore_answer(widget_world *w, widget_page *p)
{
	if (w->cfg.transport == WIDGET_TRANSPORT_V2_SOCKETS)
		return restore_v2_answer(w, p);
	chat_session *s;
	int rc = 0;
	backend_answer a = backend_refresh(&w->be, p->req_session, p->req_key, w->answer_timed_out, &s);
	switch (a) {
	case BACKEND_OK:
		rc = restore_ok(w, p, s);
		break;
	case BACKEND_ENDED:
		/* D.23, I.10: a chat the server ended is a restoreTimeout, not a restoreFailed. */
		page_note(p, NULL, false, "restoreTimeout: %s", backend_answer_name(a));
		p->restore_code = "ended";
		rc = restore_timeout_cleanup(w, p);
		break;
	case BACKEND_UNKNOWN:
		/* J.3e: keys rewritten empty, then everything deleted as for a timeout. */
		page_note(p, NULL, false, "restoreTimeout: %s", backend_answer_name(a));
		p->restore_code = "unknown";
		page_event(w, p, WIDGET_EV_ERROR);
		rc = page_cookie_set(w, p, tp_keys(w), "{\"secureKey\":\"\",\"alias\":\"\",\"userId\":\"\"}");
		if (rc >= 0)
			rc = restore_timeout_cleanup(w, p);
		break;
	default:
		/* D.23, I.14: a failed request keeps the cookies; the next page tries again. */
		page_note(p, NULL, false, "restoreFailed: %s; the chat's cookies stay and the next page tries again", backend_answer_name(a));
		p->restore_code = a == BACKEND_REJECTED ? "rejected" : a == BACKEND_TIMEOUT ? "slow" : a == BACKEND_STATUS ? "status" : "network";
		/* The failed request publishes WebChatService.error before restoreFailed, for an unreachable server and
		 * for an HTTP error status (seen running the widget: d-server-down-twice, d-server-404-away). */
		if (a == BACKEND_NETWORK || a == BACKEND_STATUS)
			page_event(w, p, WIDGET_EV_ERROR);
		rc = restore_failed_cleanup(w, p);
		break;
	}
	return rc;
}
