/*
 * widget_expect.c: the widget's <expect> variants (docs/scenario-language.md,
 * "The chat widget"): chat=, minimized=, unread=, transcript=, owner= (with
 * origin=), restore=, invite=, console= (what the page shows), sent= (the
 * requests the widget in a tab made) and event="WebChatService.X" (its
 * events; expect.c hands every event but "storage" here). A false widget
 * expectation says what the page showed, why the widget decided so, and
 * hands run_fail the cookie whose absence decided it, so the cause the
 * jar's trace gives (refused, evicted, expired, deleted) is printed and
 * expect-failure can name it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run/expect_internal.h"
#include "scenario/run/story.h"
#include "scenario/run/widget_steps.h"
#include "widgets/focus.h"

/* The length of URL's origin (scheme://host[:port]). */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");
	return p ? strcspn(p + 3, "/?#") + (size_t)(p + 3 - url) : strlen(url);
}

/* ---- <expect chat= minimized= unread= transcript= owner= restore= invite= console= tab?> ---- */

static const char *const chat_values[] = {"none", "open", "active", "restored", "ended", "restoreTimeout", "restoreFailed", NULL};
static const char *const restore_values[] = {"none", "restored", "timeout", "failed", NULL};
static const char *const restore_reasons[] = {"stale-ping", "ended", "unknown", "rejected", "network", "slow",
					      "missing-session", "missing-keys", "missing-member", "status", NULL};
static const char *const shown_values[] = {"shown", "none", NULL};
static const char *const open_values[] = {"open", "closed", NULL};

static int widget_expect_prepare(step *s)
{
	int code, v, n;
	if ((code = widget_check_lengths(s)) < 0 || (code = widget_attr_choice(s, "chat", chat_values, false, &v)) < 0 ||
	    (code = widget_attr_choice(s, "restore", restore_values, false, &v)) < 0 ||
	    (code = widget_attr_choice(s, "reason", restore_reasons, false, &v)) < 0 ||
	    (code = widget_attr_choice(s, "invite", shown_values, false, &v)) < 0 ||
	    (code = widget_attr_choice(s, "console", open_values, false, &v)) < 0 ||
	    (code = step_attr_bool(s, "minimized", 0, &v)) < 0)
		return code;
	if ((code = step_attr_count(s, "unread", &n)) < 0 && code != BSIM_ENOTFOUND)
		return code;
	if ((code = step_attr_count(s, "transcript", &n)) < 0 && code != BSIM_ENOTFOUND)
		return code;
	if (step_attr(s, "reason") && !step_attr(s, "restore"))
		return step_error(s, BSIM_EINVAL, "reason=\"...\" goes with restore=\"...\" (e.g. restore=\"failed\" reason=\"network\")");
	if (step_attr(s, "owner") && step_attr(s, "tab"))
		return step_error(s, BSIM_EINVAL, "owner=\"TAB\" names the tab itself; leave tab= out");
	const char *origin = step_attr(s, "origin");
	if (origin && (!step_attr(s, "owner") || (strncmp(origin, "https://", 8) != 0 && strncmp(origin, "http://", 7) != 0) ||
		       origin_len(origin) != strlen(origin)))
		return step_error(s, BSIM_EINVAL, "origin=\"%s\" goes with owner= and is an origin such as https://www.testsite.com (no path)",
				  origin);
	if (step_attr(s, "owner") && !origin && strcmp(step_attr(s, "owner"), "gone") == 0)
		return step_error(s, BSIM_EINVAL, "owner=\"gone\" asks about one origin's key: add origin=\"https://...\"");
	return 0;
}

/* A chat= value holds for a view: active covers a restored chat too; none covers a restore that did not happen. */
static bool chat_holds(int want, const widget_view *v)
{
	switch (want) {
	case WIDGET_CHAT_NONE: return !v->live && v->chat != WIDGET_CHAT_OPEN && v->chat != WIDGET_CHAT_ENDED;
	case WIDGET_CHAT_ACTIVE: return v->live;
	default: return (int)v->chat == want;
	}
}

typedef struct name_of_ctx {
	int id;
	const char *name;
} name_of_ctx;

static void find_name(const char *key, void *value, void *ud)
{
	name_of_ctx *c = ud;
	if ((int)(intptr_t)value == c->id && (!c->name || strcmp(key, c->name) < 0))
		c->name = key;
}

static const char *tab_name(run_ctx *rc, int id)
{
	name_of_ctx c = {id, NULL};
	strmap_foreach(&rc->tabs, find_name, &c);
	return c.name ? c.name : "?";
}

typedef struct held_ctx {
	const char *name;
	buf *desc;
	size_t n;
} held_ctx;

static int visit_held(const bsim_cookie_view *v, void *ud)
{
	held_ctx *h = ud;
	if (strcmp(v->name, h->name) == 0)
		buf_printf(h->desc, "%sdomain=\"%s%s\" path=\"%s\"%s", h->n++ ? "; " : "", v->host_only ? "" : ".", v->domain,
			   v->path, v->secure ? " secure=\"true\"" : "");
	return 0;
}

/* owner="TAB|none|gone" origin="ORIGIN": the inFocus key in ORIGIN's localStorage names that tab's page, nobody
 * (absent or ""), or a page that is gone (a GUID no page of the origin holds: it closed or navigated away, F.30). */
static int check_owner_of_origin(step *s, run_ctx *rc, widget_world *w, buf *was)
{
	const char *want = step_attr(s, "owner"), *origin = step_attr(s, "origin");
	size_t n = bsim_browser_tab_count(rc->browser), olen = strlen(origin);
	int reader = -1, owner = -1;
	for (size_t i = 0; i < n; i++) {
		int id = bsim_browser_tab_at(rc->browser, i);
		const char *url = bsim_tab_url(rc->browser, id);
		if (!url || origin_len(url) != olen || strncmp(url, origin, olen) != 0)
			continue;
		if (reader < 0)
			reader = id;
		widget_view v;
		int code = widget_view_of(w, id, &v);
		if (code < 0)
			return code;
		if (v.loaded && v.owns_key)
			owner = id;
	}
	if (reader < 0)
		return step_error(s, BSIM_ENOTFOUND, "origin=\"%s\": no open tab shows a page of that origin, so its localStorage cannot be read; check while one does",
				  origin);
	char *value = NULL;
	int code = bsim_storage_get(&value, rc->browser, reader, BSIM_STORAGE_LOCAL, WIDGET_FOCUS_KEY);
	if (code < 0 && code != BSIM_ENOTFOUND)
		return code;
	const char *got = !value || !*value ? "none" : owner >= 0 ? tab_name(rc, owner) : "gone";
	free(value);
	buf_puts(was, got);
	return strcmp(got, want) == 0 ? 0 : STEP_FAILED;
}

/* owner="TAB": that page's GUID is in its origin's _genesys.widgets.inFocus, and no other widget page's is in its own.
 * owner="none": no page's is. */
static int check_owner(step *s, run_ctx *rc, widget_world *w, buf *was, buf *why, const char **cause)
{
	const char *want = step_attr(s, "owner");
	if (step_attr(s, "origin"))
		return check_owner_of_origin(s, rc, w, was);
	size_t n = bsim_browser_tab_count(rc->browser);
	bool ok = true, want_focused = false;
	size_t believers = 0;
	const char *first_origin = NULL;
	bool split = false;
	for (size_t i = 0; i < n; i++) {
		int id = bsim_browser_tab_at(rc->browser, i);
		widget_view v;
		int code = widget_view_of(w, id, &v);
		if (code < 0)
			return code;
		if (!v.loaded || !v.owns_key)
			continue;
		const char *name = tab_name(rc, id);
		buf_printf(was, "%s%s", believers++ ? " " : "", name);
		if (strcmp(name, want) == 0)
			want_focused = true;
		else
			ok = false;
		/* F.32: an origin of its own means a localStorage, and an inFocus key, of its own. */
		const char *o = v.origin_url;
		const char *p = o ? strstr(o, "://") : NULL;
		size_t olen = p ? (size_t)(strcspn(p + 3, "/") + (size_t)(p + 3 - o)) : 0;
		if (first_origin && o && strncmp(first_origin, o, olen) != 0)
			split = true;
		if (!first_origin)
			first_origin = o;
	}
	if (!believers)
		buf_puts(was, "no tab");
	if (strcmp(want, "none") == 0 ? believers == 0 : ok && want_focused)
		return 0;
	if (split) {
		buf_puts(why, "\n  these tabs are on different origins: localStorage, and so _genesys.widgets.inFocus, is per origin, so each tab's key names that tab and both own the chat (F.32, I.6)");
		*cause = "widget-focus-split";
	}
	return STEP_FAILED;
}

/* What a widget expectation found: the values that differ, why, and the cookie and cause code to name. */
typedef struct verdict {
	buf was, why;
	const char *subject;   /* the cookie whose story explains it, or NULL */
	const char *cause;     /* a cause code of our own for expect-failure, or NULL */
	char subject_name[256];
	bool failed;
	bool hidden_check;     /* subject is a cookie the widget missed: see whether the jar holds it */
} verdict;

#define MISMATCH(vd, ...)                                                  \
	do {                                                               \
		buf_printf(&(vd)->was, "%s", (vd)->was.len ? " " : "");   \
		buf_printf(&(vd)->was, __VA_ARGS__);                        \
		(vd)->failed = true;                                       \
	} while (0)

/* The subject is the widget's cookie `key` (its name after the deployment's prefix), unless one is named already. */
static void subject_cookie(verdict *vd, widget_world *w, const char *key)
{
	if (vd->subject)
		return;
	widget_cookie_name(w, key, vd->subject_name, sizeof vd->subject_name);
	vd->subject = vd->subject_name;
}

/*
 * The tab's last request that never got its answer to the page: a restore,
 * start or send dropped when the page went (a poll dropped so is routine),
 * or any request that failed. Said with its instants, as the story of a
 * race: "the restore request sent at 00:00:01.020 was dropped at
 * 00:00:01.150: the page went while it was in flight".
 */
static void explain_requests(run_ctx *rc, int tab, verdict *vd)
{
	story_src src = story_src_of_run(rc);
	for (size_t i = src.n; i-- > 0;) {
		const bsim_trace_entry *e = src.entry(src.trace, i);
		bsim_time sent;
		if (e->tab != tab || !story_lost_request(&src, i, &sent))
			continue;
		bool dropped = strcmp(e->code, "request-dropped") == 0;
		char t0[32], t1[32];
		const char *why = strstr(e->message, ": "); /* the trace's sentence after "NAME request failed: " */
		run_elapsed(rc->start, sent, t0, sizeof t0);
		run_elapsed(rc->start, e->at, t1, sizeof t1);
		buf_printf(&vd->why, "\n  the %s request sent at %s %s at %s: %s", e->subject, t0, dropped ? "was dropped" : "failed", t1,
			   dropped ? "the page went while it was in flight, so its answer never reached a page" : why ? why + 2 : e->message);
		if (!vd->cause)
			vd->cause = e->code;
		return;
	}
}

/* A count that depends on the page's polls: when it polls next, and whether it sleeps (F.31). */
static void explain_polls(run_ctx *rc, const widget_view *v, verdict *vd)
{
	char at[32];
	if (v->unfetched > 0 && v->next_poll != BSIM_TIME_NEVER) {
		run_elapsed(rc->start, v->next_poll, at, sizeof at);
		buf_printf(&vd->why, "\n  the server holds %d message%s the page has not polled for; its next poll is at %s", v->unfetched,
			   v->unfetched == 1 ? "" : "s", at);
	}
	if (v->sleeping) {
		buf_puts(&vd->why, "\n  the page sleeps (sleepEnabled, not focused): it polls every 30 s until the customer turns to it (F.31)");
		if (!vd->cause)
			vd->cause = "widget-sleeping";
	}
}

/* chat="...": what the page shows, and why the widget decided so. */
static int check_chat(const step *s, widget_world *w, const widget_view *v, verdict *vd)
{
	int want;
	int code = widget_attr_choice(s, "chat", chat_values, false, &want);
	if (code < 0 || want < 0 || chat_holds(want, v))
		return code;
	MISMATCH(vd, "chat=\"%s\"", widget_chat_state_name(v->chat));
	if (!v->loaded)
		buf_printf(&vd->why, "\n  the page has no widget: %s",
			   widget_deployed(w) ? "its host is not on the deployed site" : "no <deploy> step came before it");
	else if (v->reason[0])
		buf_printf(&vd->why, "\n  %s", v->reason);
	if (want == WIDGET_CHAT_NONE && v->live && v->loaded_by_session_restore) {
		buf_puts(&vd->why, "\n  the page came back by session restore, and with it the chat's session cookies");
		vd->cause = "tab-restored";
	} else if (v->missing_cookie && !v->missing_is_stale) {
		vd->subject = v->missing_cookie;
		vd->hidden_check = true;
	}
	if (!strcmp(v->restore, "timeout"))
		vd->cause = "widget-restore-timeout";
	else if (!strcmp(v->restore, "failed"))
		vd->cause = "widget-restore-failed";
	return 0;
}

/* restore="..." reason="...": how the widget's restore ended. */
static int check_restore(const step *s, const widget_view *v, verdict *vd)
{
	int want;
	int code = widget_attr_choice(s, "restore", restore_values, false, &want);
	if (code < 0 || want < 0)
		return code;
	const char *reason = step_attr(s, "reason");
	if (strcmp(restore_values[want], v->restore) == 0 && (!reason || strcmp(reason, v->restore_code) == 0))
		return 0;
	if (reason)
		MISMATCH(vd, "restore=\"%s\" reason=\"%s\"", v->restore, v->restore_code);
	else
		MISMATCH(vd, "restore=\"%s\"", v->restore);
	if (v->reason[0])
		buf_printf(&vd->why, "\n  %s", v->reason);
	if (v->missing_cookie && !v->missing_is_stale && !vd->subject) {
		vd->subject = v->missing_cookie;
		vd->hidden_check = true;
	}
	return 0;
}

/* Every attribute but owner= against the page's view of the widget. */
static int check_view(const step *s, run_ctx *rc, widget_world *w, const widget_view *v, verdict *vd)
{
	int code, want, b, n = 0;
	if ((code = check_chat(s, w, v, vd)) < 0)
		return code;
	if (step_attr(s, "minimized")) {
		if ((code = step_attr_bool(s, "minimized", 0, &b)) < 0)
			return code;
		if (!b != !v->minimized) {
			MISMATCH(vd, "minimized=\"%s\"", v->minimized ? "true" : "false");
			subject_cookie(vd, w, "webchat.state.minimized");
		}
	}
	bool lines = false;
	if (step_attr_count(s, "unread", &n) == 0 && n != v->unread) {
		MISMATCH(vd, "unread=\"%d\"", v->unread);
		buf_puts(&vd->why, "\n  the badge is the larger of asyncUnreadMessageCount and the lines rendered since lastMessageCountRead (E.27, I.4)");
		subject_cookie(vd, w, "webchat.state.asyncUnreadMessageCount");
		if (v->others_minimized) {
			buf_printf(&vd->why, "\n  %d other minimized page%s of this chat count%s every line into asyncUnreadMessageCount too: the page that polls later shows the sum (I.5)",
				   v->others_minimized, v->others_minimized == 1 ? "" : "s", v->others_minimized == 1 ? "s" : "");
			vd->cause = "widget-badge-shared";
		}
		lines = true;
	}
	if (step_attr_count(s, "transcript", &n) == 0 && n != v->transcript) {
		MISMATCH(vd, "transcript=\"%d\"", v->transcript);
		lines = true;
	}
	if (lines)
		explain_polls(rc, v, vd);
	if ((code = check_restore(s, v, vd)) < 0)
		return code;
	if ((code = widget_attr_choice(s, "invite", shown_values, false, &want)) < 0)
		return code;
	if (want >= 0 && (want == 0) != v->invite_shown)
		MISMATCH(vd, "invite=\"%s\"", v->invite_shown ? "shown" : "none");
	if ((code = widget_attr_choice(s, "console", open_values, false, &want)) < 0)
		return code;
	if (want >= 0 && (want == 0) != v->console_open)
		MISMATCH(vd, "console=\"%s\"", v->console_open ? "open" : "closed");
	return 0;
}

#undef MISMATCH

/* The page does not see a cookie the jar holds (a Domain too narrow, another path, Secure on http). */
static void note_hidden_cookie(run_ctx *rc, const widget_view *v, verdict *vd)
{
	if (!vd->failed || !vd->hidden_check || !vd->subject)
		return;
	buf desc = BUF_INIT;
	held_ctx h = {vd->subject, &desc, 0};
	if (bsim_jar_foreach(bsim_browser_jar(rc->browser), visit_held, &h) >= 0 && h.n) {
		buf_printf(&vd->why, "\n  the jar holds %s (%s), but document.cookie on %s does not show it", vd->subject,
			   buf_cstr(&desc), v->origin_url ? v->origin_url : "the page");
		vd->cause = "widget-cookie-hidden";
		vd->subject = NULL;
	}
	buf_free(&desc);
}

/* A failed widget expectation: what was asked, what was found, why, and the cause codes. */
static int report_verdict(step *s, run_ctx *rc, verdict *vd)
{
	buf asked = BUF_INIT;
	expect_put_asked(&asked, s);
	int code;
	if (buf_status(&asked) < 0 || buf_status(&vd->was) < 0 || buf_status(&vd->why) < 0) {
		code = error_oom();
	} else {
		/* One mismatch reads as its bare value, like the other expectations: chat="restored" (was: none). */
		const char *w0 = buf_cstr(&vd->was);
		const char *eq = strchr(w0, '=');
		bool single = expect_asked_count(s) - (step_attr(s, "tab") != NULL) == 1 && eq && eq[1] == '"' &&
			      !strchr(eq + 2, ' ');
		char bare[256];
		if (single) {
			snprintf(bare, sizeof bare, "%s", eq + 2);
			bare[strcspn(bare, "\"")] = '\0';
		}
		code = run_fail(rc, s, vd->subject, "%s (was: %s)%s", buf_cstr(&asked), single ? bare : w0,
				buf_cstr(&vd->why));
		/* run_fail put the trace's cause after our lines; our own cause code goes beside it. */
		if (vd->cause && run_add_cause(rc, vd->cause) < 0)
			code = BSIM_ENOMEM;
	}
	buf_free(&asked);
	return code;
}

static int widget_expect_check(step *s, run_ctx *rc)
{
	widget_world *w;
	int id, code;
	if ((code = widget_world_of(&w, rc)) < 0)
		return code;
	verdict vd = {.was = BUF_INIT, .why = BUF_INIT};
	if (step_attr(s, "owner")) {
		code = check_owner(s, rc, w, &vd.was, &vd.why, &vd.cause);
		vd.failed = code == STEP_FAILED;
	} else {
		widget_view v;
		memset(&v, 0, sizeof v);
		if ((code = run_tab(&id, rc, s)) >= 0 && (code = widget_view_of(w, id, &v)) >= 0 &&
		    (code = check_view(s, rc, w, &v, &vd)) >= 0) {
			note_hidden_cookie(rc, &v, &vd);
			if (vd.failed)
				explain_requests(rc, id, &vd);
		}
	}
	if (code >= 0)
		code = vd.failed ? report_verdict(s, rc, &vd) : 0;
	buf_free(&vd.was);
	buf_free(&vd.why);
	return code;
}

/* ---- <expect sent="REQUEST" count? tab?> and <expect event="WebChatService.X" count? tab?> ---- */

static const char *const request_values[] = {"start", "poll", "restore", "send", "disconnect", "customNotice", NULL};

/* The index of the step's event= among the widget's events, or -1. */
static int event_index(const step *s)
{
	const char *v = step_attr(s, "event");
	for (int i = 0; widget_event_name((widget_event)i); i++)
		if (strcmp(widget_event_name((widget_event)i), v) == 0)
			return i;
	return -1;
}

static int log_prepare(step *s)
{
	int code, v, n;
	if ((code = widget_check_lengths(s)) < 0)
		return code;
	if (step_attr(s, "sent") && (code = widget_attr_choice(s, "sent", request_values, true, &v)) < 0)
		return code;
	if (step_attr(s, "event") && event_index(s) < 0) {
		buf list = BUF_INIT;
		for (int i = 0; widget_event_name((widget_event)i); i++)
			buf_printf(&list, "%s%s", i ? widget_event_name((widget_event)(i + 1)) ? ", " : " or " : "",
				   widget_event_name((widget_event)i));
		code = step_error(s, BSIM_EINVAL, "event=\"%s\": bsim checks event=\"storage\" and the widget's %s", step_attr(s, "event"),
				  buf_cstr(&list));
		buf_free(&list);
		return code;
	}
	if ((code = step_attr_count(s, "count", &n)) < 0 && code != BSIM_ENOTFOUND)
		return code;
	return 0;
}

/* With count=, exactly that many; without, at least one. */
static int log_check(step *s, run_ctx *rc)
{
	widget_world *w;
	int id, code, want = -1, got;
	if ((code = widget_world_of(&w, rc)) < 0 || (code = run_tab(&id, rc, s)) < 0 || (code = widget_sync(w)) < 0)
		return code;
	if (step_attr_count(s, "count", &want) < 0)
		want = -1;
	if (step_attr(s, "sent")) {
		int r;
		if ((code = widget_attr_choice(s, "sent", request_values, true, &r)) < 0)
			return code;
		got = widget_sent_count(w, id, (widget_request)r);
	} else {
		got = widget_event_count(w, id, (widget_event)event_index(s));
	}
	if (want >= 0 ? got == want : got > 0)
		return 0;
	buf asked = BUF_INIT;
	expect_put_asked(&asked, s);
	code = buf_status(&asked) < 0 ? error_oom()
				      : run_fail(rc, s, NULL, "%s (was: %d)\n  counted over every page tab \"%s\" loaded", buf_cstr(&asked), got,
						 rc->last_tab);
	buf_free(&asked);
	return code;
}

/* ---- which ask for an absence (expect_kind.denies) ---- */

/* No chat, no restore, no invite, no badge, no line, no owner: any of them makes the expectation one of an absence. */
static bool view_denies(const step *s)
{
	return expect_attr_is(s, "chat", "none") || expect_attr_is(s, "restore", "none") ||
	       expect_attr_is(s, "invite", "none") || expect_attr_is(s, "unread", "0") ||
	       expect_attr_is(s, "transcript", "0") || expect_attr_is(s, "owner", "none");
}

/* A request not sent, an event not published. */
static bool log_denies(const step *s)
{
	return expect_attr_is(s, "count", "0");
}

/* ---- registration ---- */

static const expect_kind widget_expects[] = {
	{"chat", widget_expect_prepare, widget_expect_check, NULL, view_denies},
	{"minimized", widget_expect_prepare, widget_expect_check, NULL, view_denies},
	{"unread", widget_expect_prepare, widget_expect_check, NULL, view_denies},
	{"transcript", widget_expect_prepare, widget_expect_check, NULL, view_denies},
	{"owner", widget_expect_prepare, widget_expect_check, NULL, view_denies},
	{"restore", widget_expect_prepare, widget_expect_check, NULL, view_denies},
	{"invite", widget_expect_prepare, widget_expect_check, NULL, view_denies},
	{"console", widget_expect_prepare, widget_expect_check, NULL, view_denies},
	{"sent", log_prepare, log_check, NULL, log_denies},
};

static const expect_kind widget_events = {"event", log_prepare, log_check, NULL, log_denies};

void widget_expect_register(void)
{
	for (size_t i = 0; i < sizeof widget_expects / sizeof *widget_expects; i++)
		expect_kind_register(&widget_expects[i]);
	expect_event_extend(&widget_events);
}
