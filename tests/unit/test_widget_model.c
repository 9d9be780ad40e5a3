/*
 * test_widget_model.c: the widget model (sim/widgets/model*.c, backend.c)
 * on a real simulated browser: the chat's state machine, the unread badge
 * (widget-behaviour.md E.27, I.4, I.5), the restore decisions of a page
 * load (D.23, I.9, I.10, I.14, J.3 a-e) and a delete that leaves a
 * same-name cookie under another Domain (B.8). Each table row names the
 * rule it pins.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsim/browser.h"
#include "support.h"
#include "widgets/widgets.h"
#include "widgets/widgets_internal.h"

typedef struct fixture {
	bsim_browser *b;
	widget_world *w;
	int tab;
} fixture;

static void setup(fixture *f, const char *url, const char *site)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.open_resolution = 1;
	cr_assert_eq(bsim_browser_new(&f->b, &o), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(widget_world_new(&f->w, f->b), 0);
	widget_config c;
	widget_config_init(&c);
	c.restore_timeout_ms = 5000;
	if (site)
		c.site = strdup(site);
	cr_assert_eq(widget_deploy(f->w, &c), 0);
	widget_config_clear(&c);
	/* The rules here are about what a page does, not when: the server answers at once (the clock's own
	 * tests, below, give it a latency). */
	cr_assert_eq(widget_backend_latency(f->w, 0, 0), 0);
	f->w->work = (widget_work){0, 0, 0, 0};
	cr_assert_eq(bsim_tab_open(&f->tab, f->b, url, NULL), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(widget_sync(f->w), 0);
}

static void teardown(fixture *f)
{
	widget_world_free(f->w);
	bsim_browser_free(f->b);
}

/* Everything due by now runs (answers at latency 0, loads), as the page would before anyone looks. */
static void flush(fixture *f)
{
	cr_assert_eq(widget_advance(f->w, bsim_browser_now(f->b)), 0, "%s", bsim_error_last()->message);
}

static widget_view view(fixture *f, int tab)
{
	widget_view v;
	flush(f);
	cr_assert_eq(widget_view_of(f->w, tab, &v), 0, "%s", bsim_error_last()->message);
	return v;
}

static void advance(fixture *f, int64_t ms)
{
	cr_assert_eq(widget_advance(f->w, bsim_browser_now(f->b) + ms), 0, "%s", bsim_error_last()->message);
}

/* The cookie's value as the page sees it, or NULL (caller frees). */
static char *page_cookie(fixture *f, int tab, const char *name)
{
	char *all = NULL;
	flush(f);
	cr_assert_eq(bsim_script_cookie_get(&all, f->b, tab), 0);
	size_t n = strlen(name);
	char *found = NULL;
	for (char *p = all; p && *p;) {
		char *end = strstr(p, "; ");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > n && p[n] == '=' && strncmp(p, name, n) == 0) {
			found = strndup(p + n + 1, len - n - 1);
			break;
		}
		p = end ? end + 2 : NULL;
	}
	free(all);
	return found;
}

static bool has_cookie(fixture *f, int tab, const char *name)
{
	char *v = page_cookie(f, tab, name);
	free(v);
	return v != NULL;
}

#define S "_genesys.widgets.webchat.state."

/* ---- the state machine ---- */

typedef struct state_row {
	const char *rule;
	widget_action steps[4];
	size_t n;
	widget_chat_state want;
	bool live;
} state_row;

Test(widget_model, state_machine_table)
{
	static const state_row rows[] = {
		{"a page with nothing to restore shows the button", {0}, 0, WIDGET_CHAT_NONE, false},
		{"open shows the form", {WIDGET_OPEN}, 1, WIDGET_CHAT_OPEN, false},
		{"start runs a chat", {WIDGET_START}, 1, WIDGET_CHAT_ACTIVE, true},
		{"end leaves the ended chat on screen", {WIDGET_START, WIDGET_END}, 2, WIDGET_CHAT_ENDED, false},
		{"close on a running chat: the page restores it at once (c-close-chat)", {WIDGET_START, WIDGET_CLOSE}, 2,
		 WIDGET_CHAT_ACTIVE, true},
		{"close after an end goes back to the button", {WIDGET_START, WIDGET_END, WIDGET_CLOSE}, 3, WIDGET_CHAT_NONE,
		 false},
		{"a chat can start again after an end", {WIDGET_START, WIDGET_END, WIDGET_START}, 3, WIDGET_CHAT_ACTIVE, true},
		{"minimize does not end the chat", {WIDGET_START, WIDGET_MINIMIZE}, 2, WIDGET_CHAT_ACTIVE, true},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		fixture f;
		setup(&f, "https://www.testsite.com/", "testsite.com");
		for (size_t k = 0; k < rows[i].n; k++)
			cr_expect_eq(widget_act(f.w, f.tab, rows[i].steps[k], NULL, NULL), 0, "%s: step %zu: %s", rows[i].rule, k,
				     bsim_error_last()->message);
		widget_view v = view(&f, f.tab);
		cr_expect_eq(v.chat, rows[i].want, "%s: chat=%s, want %s", rows[i].rule, widget_chat_state_name(v.chat),
			     widget_chat_state_name(rows[i].want));
		cr_expect_eq(v.live, rows[i].live, "%s: live", rows[i].rule);
		teardown(&f);
	}
}

Test(widget_model, chat_state_names_round_trip)
{
	for (int s = WIDGET_CHAT_NONE; s <= WIDGET_CHAT_RESTORE_FAILED; s++)
		cr_expect_eq(widget_chat_state_from_name(widget_chat_state_name((widget_chat_state)s)), s);
	cr_expect_eq(widget_chat_state_from_name("restoring"), -1);
}

/* ---- the badge ---- */

typedef struct badge_row {
	const char *rule;
	int before;       /* agent lines before minimize */
	int after;        /* agent lines while minimized */
	bool second_tab;  /* a second minimized tab on the same origin, opened 500 ms after the start */
	int64_t gap_ms;   /* between the minimize and each line while minimized */
	int want_a, want_b;
	const char *want_count;
} badge_row;

Test(widget_model, badge_table)
{
	static const badge_row rows[] = {
		{"E.27: nothing new, no badge, no count stored", 3, 0, false, 1000, 0, 0, NULL},
		{"I.4: each line while minimized counts once", 3, 2, false, 1000, 2, 0, "2"},
		/* Minimized before the first poll: "Chat Started", then the agent's "Connected" and line, all unread. */
		{"I.4: minimized before the first poll", 0, 1, false, 1000, 3, 0, "3"},
		/* Each page counts a line into the shared count at its own poll: the one that polls second shows more.
		 * As in the recorded run (e-two-tabs-minimized) the front tab b polls first after each line: lines at
		 * 2000 and 3500 ms, b (front, 250 ms ticks from its restore at 500) polls at 2250 and 4500, a (hidden,
		 * whole seconds) at 3000 and 5000. */
		{"I.5: two minimized tabs inflate the shared count: 4 on the hidden tab, 3 on the front one", 3, 2, true, 1500, 4,
		 3, "4"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const badge_row *r = &rows[i];
		fixture f;
		setup(&f, "https://www.testsite.com/", "testsite.com");
		cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
		for (int k = 0; k < r->before; k++)
			cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "x", 0), 0);
		/* The page reads them at its first poll, 250 ms after the start, before the customer minimizes. */
		if (r->before)
			advance(&f, 250);
		int b = -1;
		if (r->second_tab) {
			advance(&f, 250);
			cr_assert_eq(bsim_tab_open(&b, f.b, "https://www.testsite.com/help", NULL), 0);
			cr_assert_eq(widget_sync(f.w), 0);
			cr_assert_eq(widget_act(f.w, b, WIDGET_MINIMIZE, NULL, NULL), 0);
		}
		cr_assert_eq(widget_act(f.w, f.tab, WIDGET_MINIMIZE, NULL, NULL), 0);
		for (int k = 0; k < r->after; k++) {
			advance(&f, r->gap_ms);
			cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "x", 0), 0);
		}
		/* Every page reads the last line at its next poll: within 2 s here (I.6: a hidden tab polls on whole seconds). */
		advance(&f, 2000);
		cr_expect_eq(view(&f, f.tab).unread, r->want_a, "%s: tab a badge %d, want %d", r->rule, view(&f, f.tab).unread,
			     r->want_a);
		if (r->second_tab)
			cr_expect_eq(view(&f, b).unread, r->want_b, "%s: tab b badge %d, want %d", r->rule, view(&f, b).unread,
				     r->want_b);
		char *count = page_cookie(&f, f.tab, S "asyncUnreadMessageCount");
		if (r->want_count)
			cr_expect(count && strcmp(count, r->want_count) == 0, "%s: count %s, want %s", r->rule,
				  count ? count : "(absent)", r->want_count);
		else
			cr_expect_null(count, "%s: count %s, want none", r->rule, count);
		free(count);
		teardown(&f);
	}
}

Test(widget_model, badge_survives_navigation_and_maximize_clears_it)
{
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	for (int k = 0; k < 3; k++)
		cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "x", 0), 0);
	/* The page reads the lines at its first poll, 250 ms after the start: the customer has seen them. */
	advance(&f, 250);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_MINIMIZE, NULL, NULL), 0);
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "x", 0), 0);
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "x", 0), 0);
	advance(&f, 750); /* the poll at 1000 ms brings both */
	cr_expect_eq(view(&f, f.tab).unread, 2);
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://store.testsite.com/", NULL), 0);
	widget_view v = view(&f, f.tab);
	/* I.4: restored minimized with the same badge; the replay is not unread. */
	cr_expect(v.restored && v.minimized);
	cr_expect_eq(v.unread, 2);
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "x", 0), 0);
	cr_expect_eq(view(&f, f.tab).unread, 2, "the new page has not polled yet");
	advance(&f, 250); /* its first poll, 250 ms after the restore */
	cr_expect_eq(view(&f, f.tab).unread, 3);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_MAXIMIZE, NULL, NULL), 0);
	cr_expect_eq(view(&f, f.tab).unread, 0);
	cr_expect_not(has_cookie(&f, f.tab, S "lastMessageCountRead"));
	cr_expect_not(has_cookie(&f, f.tab, S "asyncUnreadMessageCount"));
	char *min = page_cookie(&f, f.tab, S "minimized");
	cr_expect_str_eq(min, "false");
	free(min);
	teardown(&f);
}

/* ---- restore decisions ---- */

typedef struct restore_row {
	const char *rule;
	const char *cookies[4];     /* planted with Domain=.testsite.com; Path=/ before the reload */
	const char *restore;        /* "none", "restored", "timeout", "failed" */
	const char *code;
	const char *kept[3];        /* still there after the load */
	const char *gone[3];        /* deleted by the load */
} restore_row;

Test(widget_model, restore_decisions_of_partial_cookie_states)
{
	static const restore_row rows[] = {
		{"J.3a: session only: nothing, the lone cookie stays", {S "session=ABC"}, "none", "missing-keys",
		 {S "session"}, {NULL}},
		{"J.3b: keys only: ignored", {S "keys={%22secureKey%22:%22k%22}"}, "none", "missing-session", {S "keys"}, {NULL}},
		{"J.3e: a chat the server does not know: restoreTimeout, everything deleted",
		 {S "session=NOPE", S "keys={%22secureKey%22:%22k%22}"}, "timeout", "unknown", {NULL}, {S "session", S "keys"}},
		{"J.3d: ping 20 s old with restoreTimeout 5 s: restoreTimeout without asking",
		 {S "session=NOPE", S "keys={%22secureKey%22:%22k%22}", S "ping=1420070380000", S "minimized=true"}, "timeout",
		 "stale-ping", {NULL}, {S "session", S "ping", S "minimized"}},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const restore_row *r = &rows[i];
		fixture f;
		setup(&f, "https://www.testsite.com/", "testsite.com");
		for (size_t k = 0; k < 4 && r->cookies[k]; k++) {
			char line[256];
			snprintf(line, sizeof line, "%s; Domain=.testsite.com; Path=/", r->cookies[k]);
			cr_assert_eq(bsim_script_cookie_set(f.b, f.tab, line), 0);
		}
		cr_assert_eq(bsim_tab_reload(f.b, f.tab), 0);
		widget_view v = view(&f, f.tab);
		cr_expect_str_eq(v.restore, r->restore, "%s: restore=%s", r->rule, v.restore);
		cr_expect_str_eq(v.restore_code, r->code, "%s: reason=%s", r->rule, v.restore_code);
		for (size_t k = 0; k < 3 && r->kept[k]; k++)
			cr_expect(has_cookie(&f, f.tab, r->kept[k]), "%s: %s should stay", r->rule, r->kept[k]);
		for (size_t k = 0; k < 3 && r->gone[k]; k++)
			cr_expect_not(has_cookie(&f, f.tab, r->gone[k]), "%s: %s should be deleted", r->rule, r->gone[k]);
		teardown(&f);
	}
}

Test(widget_model, restore_without_ping_lets_the_server_decide)
{
	/* J.3c: session + keys and no ping: no timeout check however long away. The start's answer writes the
	 * session and keys; the page goes before its first poll (250 ms later) writes a ping. */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	flush(&f);
	cr_assert(has_cookie(&f, f.tab, S "session"));
	cr_assert_not(has_cookie(&f, f.tab, S "ping"));
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://elsewhere.example/", NULL), 0);
	advance(&f, 600000);
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://www.testsite.com/", NULL), 0);
	cr_expect_str_eq(view(&f, f.tab).restore, "restored");
	teardown(&f);
}

Test(widget_model, restore_timeout_keeps_open_and_the_badge_counters)
{
	/* I.9: session, keys, ping, minimized go; open=true and both counters survive. */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	advance(&f, 1000);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_MINIMIZE, NULL, NULL), 0);
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "x", 0), 0);
	advance(&f, 750); /* the poll at 1750 ms brings the agent's join and line: the badge counters are written */
	cr_assert(has_cookie(&f, f.tab, S "asyncUnreadMessageCount"));
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://elsewhere.example/", NULL), 0);
	advance(&f, 20000);
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://store.testsite.com/", NULL), 0);
	widget_view v = view(&f, f.tab);
	cr_expect_eq(v.chat, WIDGET_CHAT_RESTORE_TIMEOUT);
	cr_expect(v.invite_shown, "D.25: the re-invite toast");
	cr_expect_not(has_cookie(&f, f.tab, S "session"));
	cr_expect_not(has_cookie(&f, f.tab, S "ping"));
	cr_expect_not(has_cookie(&f, f.tab, S "minimized"));
	cr_expect(has_cookie(&f, f.tab, S "open"));
	cr_expect(has_cookie(&f, f.tab, S "lastMessageCountRead"));
	cr_expect(has_cookie(&f, f.tab, S "asyncUnreadMessageCount"));
	teardown(&f);
}

typedef struct server_row {
	const char *rule;
	widget_backend_fault fault;
	bool end_chat;
	const char *restore, *code;
	bool session_kept;
} server_row;

Test(widget_model, restore_by_what_the_server_says)
{
	static const server_row rows[] = {
		{"I.10: the server ended the chat: restoreTimeout", WIDGET_BACKEND_UP, true, "timeout", "ended", false},
		{"I.10, I.14: server down: restoreFailed, cookies kept", WIDGET_BACKEND_DOWN, false, "failed", "network", true},
		{"guess: wrong keys are rejected: restoreFailed", WIDGET_BACKEND_WRONG_KEYS, false, "failed", "rejected", true},
		{"J.3e: forgotten: restoreTimeout", WIDGET_BACKEND_FORGET, false, "timeout", "unknown", false},
		{"the server answers: restored", WIDGET_BACKEND_UP, false, "restored", "", true},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const server_row *r = &rows[i];
		fixture f;
		setup(&f, "https://www.testsite.com/", "testsite.com");
		cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
		/* The start's answer makes the chat; a page that went before it dropped it, and had no chat. */
		cr_assert_eq(view(&f, f.tab).chat, WIDGET_CHAT_ACTIVE, "%s", r->rule);
		/* Away from the site, so no page of it hears the end before the restore asks. */
		cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://elsewhere.example/", NULL), 0);
		if (r->end_chat)
			cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_END, NULL, 0), 0);
		cr_assert_eq(widget_backend(f.w, r->fault, 0), 0);
		cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://store.testsite.com/", NULL), 0);
		widget_view v = view(&f, f.tab);
		cr_expect_str_eq(v.restore, r->restore, "%s: restore=%s", r->rule, v.restore);
		cr_expect_str_eq(v.restore_code, r->code, "%s: reason=%s", r->rule, v.restore_code);
		cr_expect_eq(has_cookie(&f, f.tab, S "session"), r->session_kept, "%s: session kept", r->rule);
		teardown(&f);
	}
}

Test(widget_model, restore_failed_is_retried_until_the_ping_is_too_old)
{
	/* I.14: each page fails again while the server is down, then restoreTimeout cleans up. */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	advance(&f, 1000); /* a poll writes the ping the timeout is measured from */
	cr_assert_eq(widget_backend(f.w, WIDGET_BACKEND_DOWN, 0), 0);
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://elsewhere.example/", NULL), 0);
	advance(&f, 2000);
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://www.testsite.com/a", NULL), 0);
	cr_expect_str_eq(view(&f, f.tab).restore, "failed");
	cr_expect_eq(widget_event_count(f.w, f.tab, WIDGET_EV_ERROR), 1, "an unreachable server's restore publishes an error");
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://elsewhere.example/", NULL), 0);
	advance(&f, 10000);
	cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://www.testsite.com/b", NULL), 0);
	cr_expect_str_eq(view(&f, f.tab).restore, "timeout");
	cr_expect_str_eq(view(&f, f.tab).restore_code, "stale-ping");
	teardown(&f);
}

/* ---- deletes ---- */

Test(widget_model, a_delete_leaves_a_same_name_cookie_under_another_domain)
{
	/* B.8, I.12: the delete rewrites under the widget's Domain and Path only. */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(bsim_script_cookie_set(f.b, f.tab, S "session=OLD; Path=/"), 0);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_END, NULL, NULL), 0);
	char *v = page_cookie(&f, f.tab, S "session");
	cr_expect_str_eq(v, "OLD");
	free(v);
	teardown(&f);
}

Test(widget_model, refused_cookies_end_the_chat_at_its_first_poll)
{
	/* I.7: on foo.github.io every write is refused; the chat ends by itself about 250 ms later. */
	fixture f;
	setup(&f, "https://shop.example.github.io/", NULL);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	cr_expect_eq(view(&f, f.tab).chat, WIDGET_CHAT_ACTIVE);
	advance(&f, 300);
	widget_view v = view(&f, f.tab);
	cr_expect_eq(v.chat, WIDGET_CHAT_ENDED);
	cr_expect_str_eq(v.missing_cookie, "_genesys.widgets.webchat.state.session");
	/* It ends as a chat ends: "Chat Ended" alone, the event (g-github-io-refused, i-agent-end-two-tabs). */
	cr_expect_eq(v.transcript, 1, "Chat Ended alone");
	cr_expect_eq(widget_event_count(f.w, f.tab, WIDGET_EV_ENDED), 1);
	teardown(&f);
}

Test(widget_model, a_restore_timeout_keeps_the_windows_autoload_entry_unless_minimized)
{
	/* I.9; d-restore-timeout-away (window open) against e-stale-badge-after-timeout (minimized). */
	for (int minimized = 0; minimized < 2; minimized++) {
		fixture f;
		setup(&f, "https://www.testsite.com/", "testsite.com");
		cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
		advance(&f, 1000);
		if (minimized)
			cr_assert_eq(widget_act(f.w, f.tab, WIDGET_MINIMIZE, NULL, NULL), 0);
		cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://elsewhere.example/", NULL), 0);
		advance(&f, 20000);
		cr_assert_eq(bsim_tab_navigate(f.b, f.tab, "https://store.testsite.com/", NULL), 0);
		cr_expect_eq(view(&f, f.tab).chat, WIDGET_CHAT_RESTORE_TIMEOUT);
		char *list = page_cookie(&f, f.tab, "_genesys.widgets.app.autoLoadList");
		cr_expect_str_eq(list, minimized ? "{%22WebChatService%22:false}" : "{%22WebChatService%22:false%2C%22WebChat%22:true}",
				 "minimized=%d", minimized);
		free(list);
		teardown(&f);
	}
}

Test(widget_model, close_on_a_running_chat_restores_it_in_the_same_page)
{
	/* c-close-chat: open=false, then restored at once; no disconnect, the cookies stay, open=true. */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	advance(&f, 1000);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_CLOSE, NULL, NULL), 0);
	widget_view v = view(&f, f.tab);
	cr_expect_eq(v.chat, WIDGET_CHAT_ACTIVE);
	cr_expect_eq(v.transcript, 0, "the reopened window shows only what later polls bring");
	cr_expect_eq(widget_event_count(f.w, f.tab, WIDGET_EV_RESTORED), 1);
	cr_expect(has_cookie(&f, f.tab, S "session"));
	char *open = page_cookie(&f, f.tab, S "open");
	cr_expect_str_eq(open, "true");
	free(open);
	teardown(&f);
}

Test(widget_model, polls_follow_the_cadence)
{
	/* I.13 and the widget's poll loop: 250 ms ticks, rate 500 ms x1.2 to 3 s: polls at 250, then 750, 750, 1000,
	 * 1250, 1250, 1500, 2000, 2250, 2750, 3000, 3000 ms apart. */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	static const struct { int64_t at; const char *ping; } steps[] = {
		{249, NULL}, {250, "1420070400250"}, {999, "1420070400250"}, {1000, "1420070401000"},
		{1749, "1420070401000"}, {1750, "1420070401750"}, {2750, "1420070402750"}, {4000, "1420070404000"},
		{5250, "1420070405250"}, {6749, "1420070405250"}, {6750, "1420070406750"}, {8750, "1420070408750"},
		{11000, "1420070411000"}, {13750, "1420070413750"}, {16749, "1420070413750"}, {16750, "1420070416750"},
		{19750, "1420070419750"},
	};
	int64_t t0 = bsim_browser_now(f.b);
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
		cr_assert_eq(widget_advance(f.w, t0 + steps[i].at), 0);
		char *p = page_cookie(&f, f.tab, S "ping");
		if (steps[i].ping)
			cr_expect(p && strcmp(p, steps[i].ping) == 0, "at %lld ms: ping %s, want %s", (long long)steps[i].at,
				  p ? p : "(absent)", steps[i].ping);
		else
			cr_expect_null(p, "at %lld ms: no poll yet", (long long)steps[i].at);
		free(p);
	}
	teardown(&f);
}

/* Trace entries from index `from` on: how many have code `code` and subject `subject`. */
static size_t trace_count(fixture *f, size_t from, const char *code, const char *subject)
{
	size_t n = 0;
	for (size_t i = from; i < bsim_browser_trace_count(f->b); i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(f->b, i);
		n += strcmp(e->code, code) == 0 && e->subject && strcmp(e->subject, subject) == 0;
	}
	return n;
}

Test(widget_model, a_polls_answer_writes_ping_index_and_rewrites_keys_and_session)
{
	/*
	 * I.13, J.5: each poll writes ping once and index once, and its answer
	 * rewrites keys and session (twice, as the real widget does; a rewrite of
	 * the same cookie is no state change, so the trace tells the first one
	 * only). A keys or session cookie lost while the poll is in flight comes
	 * back with the answer.
	 */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_backend_latency(f.w, 100, 0), 0);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	advance(&f, 100); /* the start's answer writes keys and session once (C.9, C.10), before the window */
	size_t from = bsim_browser_trace_count(f.b);
	advance(&f, 250); /* the first poll is sent */
	cr_assert_eq(widget_sent_count(f.w, f.tab, WIDGET_REQ_POLL), 1, "one poll in the window");
	/* A site script deletes both while the poll is in flight. */
	cr_assert_eq(bsim_script_cookie_set(f.b, f.tab, S "keys=; domain=.testsite.com; path=/; max-age=0"), 0);
	cr_assert_eq(bsim_script_cookie_set(f.b, f.tab, S "session=; domain=.testsite.com; path=/; max-age=0"), 0);
	size_t gone = bsim_browser_trace_count(f.b);
	advance(&f, 100); /* its answer */
	static const struct { const char *cookie; size_t writes; } rows[] = {
		{S "ping", 1}, {S "keys", 1}, {S "session", 1}, {S "index", 1},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		size_t at = strstr(rows[i].cookie, "ping") || strstr(rows[i].cookie, "index") ? from : gone;
		size_t n = trace_count(&f, at, "cookie-stored", rows[i].cookie) +
			   trace_count(&f, at, "cookie-replaced", rows[i].cookie);
		cr_expect_eq(n, rows[i].writes, "%s written %zu times by the first poll, want %zu", rows[i].cookie, n,
			     rows[i].writes);
	}
	cr_expect(has_cookie(&f, f.tab, S "keys") && has_cookie(&f, f.tab, S "session"), "the answer wrote them back");
	cr_expect(view(&f, f.tab).live, "the chat goes on");
	teardown(&f);
}

Test(widget_model, the_send_brings_the_rate_back_to_500_ms_on_the_tick_grid)
{
	/* tt() after a send: the rate drops to pollRateMin; the next poll is the first 250 ms tick 500 ms after the last. */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	advance(&f, 6800); /* polls at 250 ... 5250, 6750 */
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_SEND, "hi", NULL), 0);
	advance(&f, 449); /* 7249: the tick at 7250 is the first 500 ms after 6750 */
	char *p = page_cookie(&f, f.tab, S "ping");
	cr_expect_str_eq(p, "1420070406750");
	free(p);
	advance(&f, 1);
	p = page_cookie(&f, f.tab, S "ping");
	cr_expect_str_eq(p, "1420070407250");
	free(p);
	teardown(&f);
}

Test(widget_model, system_lines_count_in_the_transcript_and_index_is_the_next_position)
{
	/* The customer's join is message 1 ("Chat Started"), the agent's join "<agent> Connected"; C.12: index is
	 * the last message's index + 1, written only by a poll that brings messages; a local end adds "Chat Ended". */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	cr_expect_eq(view(&f, f.tab).transcript, 0);
	cr_expect_not(has_cookie(&f, f.tab, S "index"));
	advance(&f, 250);
	cr_expect_eq(view(&f, f.tab).transcript, 1, "Chat Started after the first poll");
	char *v = page_cookie(&f, f.tab, S "index");
	cr_expect_str_eq(v, "2");
	free(v);
	size_t from = bsim_browser_trace_count(f.b);
	advance(&f, 750); /* a poll with nothing new writes no index */
	cr_expect_eq(trace_count(&f, from, "cookie-replaced", S "index"), 0);
	cr_assert_eq(widget_agent_join(f.w, "Anna"), 0);
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "Hello", 0), 0);
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "How can I help?", 0), 0);
	cr_expect_eq(view(&f, f.tab).transcript, 1, "the page has the agent's lines at its next poll, not before");
	advance(&f, 750); /* the poll at 1750 ms */
	cr_expect_eq(view(&f, f.tab).transcript, 4);
	v = page_cookie(&f, f.tab, S "index");
	cr_expect_str_eq(v, "5");
	free(v);
	/* c-customer-send: the customer's line is a server message too; the poll after the send moves index. */
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_SEND, "hi", NULL), 0);
	advance(&f, 1000);
	v = page_cookie(&f, f.tab, S "index");
	cr_expect_str_eq(v, "6", "index after the customer's line");
	free(v);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_MINIMIZE, NULL, NULL), 0);
	v = page_cookie(&f, f.tab, S "lastMessageCountRead");
	cr_expect_str_eq(v, "4", "minimize counts the rendered lines, system lines included");
	free(v);
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_END, NULL, NULL), 0);
	cr_expect_eq(view(&f, f.tab).transcript, 6, "the customer's line, then Chat Ended after a local end");
	cr_expect_eq(widget_sent_count(f.w, f.tab, WIDGET_REQ_DISCONNECT), 1);
	teardown(&f);
}

Test(widget_model, a_chat_the_server_forgets_ends_in_the_open_page_and_the_next_page_restores_nothing)
{
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	cr_assert_eq(widget_act(f.w, f.tab, WIDGET_START, NULL, NULL), 0);
	advance(&f, 1000);
	cr_assert_eq(widget_backend(f.w, WIDGET_BACKEND_FORGET, 0), 0);
	cr_expect_eq(view(&f, f.tab).chat, WIDGET_CHAT_ACTIVE, "the page learns it at its next poll");
	advance(&f, 750); /* the poll at 1750 ms gets error 102 */
	widget_view v = view(&f, f.tab);
	cr_expect_eq(v.chat, WIDGET_CHAT_ENDED);
	cr_expect_eq(v.transcript, 2, "Chat Started, Chat Ended");
	cr_expect_eq(widget_event_count(f.w, f.tab, WIDGET_EV_ERROR), 1);
	static const char *const gone[] = {S "session", S "keys", S "ping", S "index", S "filters",
					   "_genesys.widgets.webchat.metaData"};
	for (size_t i = 0; i < sizeof gone / sizeof *gone; i++)
		cr_expect_not(has_cookie(&f, f.tab, gone[i]), "%s deleted", gone[i]);
	char *open = page_cookie(&f, f.tab, S "open");
	cr_expect_str_eq(open, "true");
	free(open);
	cr_assert_eq(bsim_tab_reload(f.b, f.tab), 0);
	v = view(&f, f.tab);
	cr_expect_str_eq(v.restore, "none");
	cr_expect_not(v.invite_shown, "no re-invite toast");
	teardown(&f);
}

/* A restore of a chat planted on the server with the cookies a support engineer writes. */
static void plant(fixture *f, bool with_open)
{
	cr_assert_eq(widget_backend_chat(f->w, "c1", "k1"), 0);
	static const char *const cookies[] = {
		S "session=c1; Domain=.testsite.com; Path=/",
		S "keys={%22secureKey%22:%22k1%22%2C%22alias%22:%22%22%2C%22userId%22:%22u%22}; Domain=.testsite.com; Path=/",
	};
	for (size_t i = 0; i < 2; i++)
		cr_assert_eq(bsim_script_cookie_set(f->b, f->tab, cookies[i]), 0);
	if (with_open)
		cr_assert_eq(bsim_script_cookie_set(f->b, f->tab, S "open=false; Domain=.testsite.com; Path=/"), 0);
}

Test(widget_model, a_restore_writes_index_also_where_planted_cookies_had_none)
{
	/* g-plant-no-ping: the restore's reply brings the customer's join, so index=2. */
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	plant(&f, false);
	cr_assert_eq(bsim_tab_reload(f.b, f.tab), 0);
	cr_expect_str_eq(view(&f, f.tab).restore, "restored");
	char *v = page_cookie(&f, f.tab, S "index");
	cr_expect_str_eq(v, "2");
	free(v);
	teardown(&f);
}

Test(widget_model, every_restore_writes_open_and_a_failed_one_shows_the_toast)
{
	fixture f;
	setup(&f, "https://www.testsite.com/", "testsite.com");
	plant(&f, false);
	cr_assert_eq(bsim_tab_reload(f.b, f.tab), 0);
	widget_view v = view(&f, f.tab);
	cr_expect_eq(v.chat, WIDGET_CHAT_RESTORED, "%s", v.reason);
	cr_expect_eq(v.transcript, 1, "the replay has the customer's join");
	char *open = page_cookie(&f, f.tab, S "open");
	cr_expect_str_eq(open, "true", "a restore writes open=true where the planted cookies lack it");
	free(open);
	cr_expect_eq(widget_event_count(f.w, f.tab, WIDGET_EV_RESTORED), 1);
	/* The server answers 404: restoreFailed, and the toast as for a timeout. */
	cr_assert_eq(widget_backend_status(f.w, 404), 0);
	cr_assert_eq(bsim_tab_reload(f.b, f.tab), 0);
	v = view(&f, f.tab);
	cr_expect_str_eq(v.restore, "failed");
	cr_expect_str_eq(v.restore_code, "status");
	cr_expect(v.invite_shown, "a failed restore shows the re-invite toast");
	cr_expect_eq(widget_event_count(f.w, f.tab, WIDGET_EV_RESTORE_FAILED), 1);
	cr_expect_eq(widget_event_count(f.w, f.tab, WIDGET_EV_ERROR), 1, "the failed restore publishes an error first");
	cr_expect_eq(widget_sent_count(f.w, f.tab, WIDGET_REQ_RESTORE), 2);
	teardown(&f);
}

Test(widget_model, opening_the_chat_window_writes_metadata)
{
	static const widget_action opens[][2] = {{WIDGET_OPEN, WIDGET_OPEN}, {WIDGET_INVITE_OFFER, WIDGET_INVITE_ACCEPT}};
	for (size_t i = 0; i < 2; i++) {
		fixture f;
		setup(&f, "https://www.testsite.com/", "testsite.com");
		for (size_t k = 0; k < 2; k++)
			cr_assert_eq(widget_act(f.w, f.tab, opens[i][k], NULL, NULL), 0);
		cr_expect(has_cookie(&f, f.tab, "_genesys.widgets.webchat.metaData"), "row %zu: the form opening writes metaData", i);
		teardown(&f);
	}
}

/* ---- end to end: the real bsim on the bundled widget scenarios ---- */

typedef struct e2e_row {
	const char *file;    /* under scenarios/ */
	const char *engine;
	const char *lines[4]; /* lines the failure must print, in order, with expect-failure stripped */
} e2e_row;

Test(widget_model, bundled_bug_scenarios_fail_naming_the_cookie_and_the_reason)
{
	static const e2e_row rows[] = {
		{"bugs/widget-github-io.xml", "chromium",
		 {":13:3: expectation failed: chat=\"restored\" (was: none)",
		  "  restore needs cookie _genesys.widgets.webchat.state.session",
		  /* The start's answer writes the session (the last refusal, after the one at its submit): the page's
		   * load (200 ms), the form's submit (172 ms), the server's latency (100 ms) and the start's work (65 ms). */
		  "  the browser never stored it: refused on https://shop.example.github.io/ at 00:00:00.537: "
		  "Domain \".github.io\" is a public suffix",
		  NULL}},
		{"bugs/widget-cookie-count.xml", "chromium",
		 {"expectation failed: chat=\"restored\" (was: none)", "  restore needs cookie _genesys.widgets.webchat.state.session",
		  /* The offers page's response, 1 s after the start answered at 0.537 s. */
		  "  it was evicted at 00:00:01.537: cookie _genesys.widgets.webchat.state.session", NULL}},
		{"bugs/widget-ping-timeout.xml", "chromium",
		 {"expectation failed: chat=\"restored\" (was: restoreTimeout)",
		  /* The last poll before leaving was at 4.537 s (the start answered at 0.537 s, polls 250, 750, 750, 1000,
		   * 1250 ms apart); back at 2 min 5.737 s, the page loads 200 ms later and its App sends the restore 33 ms
		   * after that, at 2 min 5.970 s: 121 s. */
		  "  restoreTimeout: cookie _genesys.widgets.webchat.state.ping is 121 s old", NULL}},
	};
	char dir[] = "/tmp/bsim-widget-XXXXXX";
	cr_assert(mkdtemp(dir), "mkdtemp failed");
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const e2e_row *r = &rows[i];
		char src[1024], path[1200], *text = NULL;
		size_t len;
		snprintf(src, sizeof src, "scenarios/%s", r->file);
		cr_assert_eq(support_read_file(support_source_path(src), &text, &len), 0, "cannot read %s", src);
		/* The same scenario without its expect-failure: the failure itself is printed. */
		char *ef = strstr(text, "expect-failure=\"");
		cr_assert(ef, "%s declares no expect-failure", r->file);
		char *end = strchr(ef + 16, '"');
		memset(ef, ' ', (size_t)(end - ef + 1));
		snprintf(path, sizeof path, "%s/%zu.xml", dir, i);
		FILE *f = fopen(path, "w");
		cr_assert(f);
		fputs(text, f);
		fclose(f);
		free(text);
		const char *argv[] = {"run", "--no-timing", "--engine", r->engine, path, NULL};
		support_run run;
		cr_assert_eq(support_run_bsim(&run, NULL, argv), 0, "could not run bsim (BSIM_EXE)");
		cr_expect_eq(run.status, 1, "%s: exit %d\n%s%s", r->file, run.status, run.out, run.err);
		const char *at = run.out;
		for (size_t k = 0; k < 4 && r->lines[k]; k++) {
			const char *hit = strstr(at, r->lines[k]);
			cr_expect(hit, "%s: the output lacks (after what came before)\n  %s\noutput:\n%s", r->file, r->lines[k], run.out);
			if (hit)
				at = hit + strlen(r->lines[k]);
		}
		support_run_free(&run);
		remove(path);
	}
	rmdir(dir);
}

typedef struct error_row {
	const char *xml;
	int status;
	const char *want;   /* in stdout (a run) or stderr (a load error) */
} error_row;

Test(widget_model, widget_steps_that_cannot_run_or_load_say_where_and_why)
{
	static const error_row rows[] = {
		{"<scenario name=\"s\">\n  <deploy site=\"testsite.com\"/>\n  <tab name=\"a\" url=\"https://www.testsite.com/\"/>\n"
		 "  <webchat do=\"send\" text=\"hi\"/>\n</scenario>\n",
		 1, "x.xml:4:3: error: webchat send in tab \"a\": cannot send: no chat is running in this tab's page (it is closed)"},
		{"<scenario name=\"s\">\n  <tab name=\"a\" url=\"https://www.testsite.com/\"/>\n  <webchat do=\"start\"/>\n</scenario>\n",
		 1, "x.xml:3:3: error: webchat start in tab \"a\": this tab's page has no widget: no <deploy> step came before it"},
		{"<scenario name=\"s\">\n  <agent say=\"hello\"/>\n</scenario>\n", 1,
		 "x.xml:2:3: error: the agent cannot act: no chat has started yet"},
		{"<scenario name=\"s\">\n  <deploy version=\"7.1\"/>\n</scenario>\n", 2,
		 "x.xml:2:3: error: version=\"7.1\" is not a widget version bsim models; it knows 9.0.018.07, 9.0.005.00, 8.5"},
		{"<scenario name=\"s\">\n  <deploy frame=\"chat.vendor.com\"/>\n</scenario>\n", 2,
		 "x.xml:2:3: error: frame=\"chat.vendor.com\" is not an http(s) URL"},
		/* Attributes the model would ignore are refused, never dropped silently. */
		{"<scenario name=\"s\">\n  <deploy plugin-load-delay=\"2s\"/>\n</scenario>\n", 2,
		 "x.xml:2:3: error: plugin-load-delay=\"2s\" is not modelled"},
		{"<scenario name=\"s\">\n  <deploy lazy=\"false\"/>\n</scenario>\n", 2,
		 "x.xml:2:3: error: lazy=\"false\" is not modelled"},
		/* The agent's join and leave, the backend's status and planted chats, what the widget sent. */
		{"<scenario name=\"s\">\n  <deploy/>\n  <tab name=\"a\" url=\"https://www.testsite.com/\"/>\n"
		 "  <webchat do=\"start\"/>\n  <agent leave=\"true\"/>\n</scenario>\n",
		 1, "x.xml:5:3: error: the agent cannot act: no agent is in chat"},
		{"<scenario name=\"s\">\n  <deploy/>\n  <tab name=\"a\" url=\"https://www.testsite.com/\"/>\n"
		 "  <webchat do=\"start\"/>\n  <agent join=\"Anna\"/>\n  <agent join=\"Ben\"/>\n</scenario>\n",
		 1, "x.xml:6:3: error: the agent cannot act: agent Anna is already in chat"},
		{"<scenario name=\"s\">\n  <backend chat=\"c1\"/>\n  <backend chat=\"c1\"/>\n</scenario>\n", 1,
		 "x.xml:3:3: error: the backend cannot do that: chat id \"c1\" is already a chat of the backend"},
		{"<scenario name=\"s\">\n  <backend status=\"200\"/>\n</scenario>\n", 2,
		 "x.xml:2:3: error: <backend status=\"200\">: give an HTTP error status (400 to 599)"},
		{"<scenario name=\"s\">\n  <deploy/>\n  <tab name=\"a\" url=\"https://www.testsite.com/\"/>\n"
		 "  <webchat do=\"start\"/>\n  <wait for=\"1s\"/>\n  <expect sent=\"poll\" count=\"3\" within=\"0\"/>\n</scenario>\n",
		 /* The start step ends at its answer (load, submit, latency, work: 00:00:00.537); the first poll comes 250 ms
		  * later, the next 750 ms after it (firstPollMs and pollGaps in tests/widget-oracle/timing.json). */
		 1, "x.xml:6:3: expectation failed: sent=\"poll\" count=\"3\" (was: 2)"},
		{"<scenario name=\"s\">\n  <deploy/>\n  <tab name=\"a\" url=\"https://www.testsite.com/\"/>\n"
		 "  <expect owner=\"gone\"/>\n</scenario>\n",
		 2, "x.xml:4:3: error: owner=\"gone\" asks about one origin's key"},
	};
	char dir[] = "/tmp/bsim-widget-XXXXXX";
	cr_assert(mkdtemp(dir), "mkdtemp failed");
	char path[256];
	snprintf(path, sizeof path, "%s/x.xml", dir);
	cr_assert_eq(chdir(dir), 0);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		FILE *f = fopen("x.xml", "w");
		cr_assert(f);
		fputs(rows[i].xml, f);
		fclose(f);
		const char *argv[] = {"run", "--no-timing", "x.xml", NULL};
		support_run run;
		cr_assert_eq(support_run_bsim(&run, NULL, argv), 0, "could not run bsim (BSIM_EXE)");
		cr_expect_eq(run.status, rows[i].status, "row %zu: exit %d\n%s%s", i, run.status, run.out, run.err);
		cr_expect(strstr(run.out, rows[i].want) || strstr(run.err, rows[i].want), "row %zu lacks\n  %s\nstdout:\n%s\nstderr:\n%s",
			  i, rows[i].want, run.out, run.err);
		support_run_free(&run);
	}
	remove("x.xml");
	cr_assert_eq(chdir("/"), 0);
	rmdir(dir);
}

/* ---- the cookie writer's value encoding ---- */

Test(widget_model, values_are_encoded_as_the_widgets_cookie_writer_does)
{
	/* js-cookie 2.x: encodeURIComponent, then # $ & + : < > = / ? @ [ ] ^ ` { } | decoded back (I.12 on JSON). */
	static const struct { const char *raw, *written; } rows[] = {
		{"{\"WebChatService\":true,\"WebChat\":true}", "{%22WebChatService%22:true%2C%22WebChat%22:true}"},
		{"a;b c", "a%3Bb%20c"},
		{"50%", "50%25"},
		{"[\"\\\\d{16}\"]", "[%22%5C%5Cd{16}%22]"},
		{"caf\xc3\xa9", "caf%C3%A9"},
		{"#$&+:<>=/?@[]^`{}|", "#$&+:<>=/?@[]^`{}|"},
		{"-_.!~*'()", "-_.!~*'()"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		buf b = BUF_INIT;
		widget_value_encode(&b, rows[i].raw);
		cr_expect_str_eq(buf_cstr(&b), rows[i].written, "row %zu: %s", i, rows[i].raw);
		buf_free(&b);
	}
}
