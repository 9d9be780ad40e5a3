/*
 * test_browser.c: the simulated browser of include/bsim/browser.h: tabs and
 * focus, the hosts file, the script view, storage events (browser-rules.md
 * W1, W4, W5), session lifetime (C1-C4), determinism and the trace.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsim/browser.h"
#include "support.h"

static bsim_browser *browser_with(bsim_engine engine, int session_restore)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.engine = engine;
	o.session_restore = session_restore;
	o.open_resolution = 1;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0, "%s", bsim_error_last()->message);
	return b;
}

static int open_tab(bsim_browser *b, const char *url)
{
	int id = -1;
	cr_assert_eq(bsim_tab_open(&id, b, url, NULL), 0, "open %s: %s", url, bsim_error_last()->message);
	return id;
}

static void expect_cookie(bsim_browser *b, int tab, const char *want)
{
	char *got = NULL;
	cr_assert_eq(bsim_script_cookie_get(&got, b, tab), 0, "%s", bsim_error_last()->message);
	cr_assert_str_eq(got, want, "document.cookie on tab %d: \"%s\", want \"%s\"", tab, got, want);
	free(got);
}

static void expect_item(bsim_browser *b, int tab, bsim_storage_kind kind, const char *key, const char *want)
{
	char *got = NULL;
	cr_assert_eq(bsim_storage_get(&got, b, tab, kind, key), 0, "%s", bsim_error_last()->message);
	if (!want)
		cr_assert_null(got, "%s on tab %d: \"%s\", want absent", key, tab, got);
	else {
		cr_assert_not_null(got, "%s on tab %d: absent, want \"%s\"", key, tab, want);
		cr_assert_str_eq(got, want);
	}
	free(got);
}

static size_t count_trace(bsim_browser *b, const char *code, int tab)
{
	size_t n = 0;
	for (size_t i = 0; i < bsim_browser_trace_count(b); i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(b, i);
		if (strcmp(e->code, code) == 0 && (tab < 0 || e->tab == tab))
			n++;
	}
	return n;
}

/* ---- tabs and focus ---- */

typedef struct focus_log {
	char text[256];
} focus_log;

static void on_focus(bsim_browser *b, int tab, int focused, void *ud)
{
	(void)b;
	focus_log *l = ud;
	char one[32];
	snprintf(one, sizeof one, "%s%d ", focused ? "+" : "-", tab);
	support_append(l->text, sizeof l->text, one);
}

Test(browser, exactly_one_tab_is_focused_blur_before_focus)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	focus_log log = {""};
	int a = open_tab(b, "https://www.testsite.com/");
	cr_assert_eq(bsim_browser_focused_tab(b), a);
	bsim_tab_on_focus(b, a, on_focus, &log);
	int c = open_tab(b, "https://www.testsite.com/x");
	bsim_tab_on_focus(b, c, on_focus, &log);
	cr_assert_eq(bsim_browser_focused_tab(b), c, "a new tab takes focus");
	bsim_tab_focus(b, a);
	cr_assert_str_eq(log.text, "-1 -2 +1 ");
	bsim_tab_close(b, a);
	cr_assert_eq(bsim_browser_focused_tab(b), c, "closing the focused tab focuses a neighbour");
	cr_assert_eq(bsim_browser_tab_count(b), 1);
	bsim_browser_free(b);
}

/* One log for focus and visibility: "+1" focus, "-1" blur, "v1" visible, "h1" hidden. */
static void on_visibility(bsim_browser *b, int tab, int visible, void *ud)
{
	(void)b;
	focus_log *l = ud;
	char one[32];
	snprintf(one, sizeof one, "%s%d ", visible ? "v" : "h", tab);
	support_append(l->text, sizeof l->text, one);
}

Test(browser, tab_switch_hides_the_old_page_before_the_new_one_shows)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	focus_log log = {""};
	int a = open_tab(b, "https://www.testsite.com/");
	cr_assert_eq(bsim_tab_on_focus(b, a, on_focus, &log), 0);
	cr_assert_eq(bsim_tab_on_visibility(b, a, on_visibility, &log), 0);
	int c = open_tab(b, "https://store.testsite.com/");
	cr_assert_eq(bsim_tab_on_focus(b, c, on_focus, &log), 0);
	cr_assert_eq(bsim_tab_on_visibility(b, c, on_visibility, &log), 0);
	cr_assert_str_eq(log.text, "-1 h1 ", "opening a tab blurs and hides the old one");
	cr_assert_eq(bsim_tab_visible(b, c), 1);
	cr_assert_eq(bsim_tab_visible(b, a), 0);
	cr_assert_eq(bsim_tab_has_focus(b, c), 1);
	cr_assert_eq(bsim_tab_has_focus(b, a), 0);
	log.text[0] = '\0';
	bsim_tab_focus(b, a);
	cr_assert_str_eq(log.text, "-2 h2 v1 +1 ");
	log.text[0] = '\0';
	bsim_tab_focus(b, a);
	cr_assert_str_eq(log.text, "", "focusing the focused tab changes nothing");
	bsim_tab_close(b, a);
	cr_assert_str_eq(log.text, "v2 +2 ", "the neighbour of a closed front tab shows and gets focus");
	cr_assert_eq(bsim_tab_has_focus(b, a), 0, "no such tab");
	bsim_browser_free(b);
}

Test(browser, removed_listeners_hear_nothing)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	focus_log log = {""};
	int a = open_tab(b, "https://www.testsite.com/");
	bsim_tab_on_focus(b, a, on_focus, &log);
	bsim_tab_on_visibility(b, a, on_visibility, &log);
	cr_assert_eq(bsim_tab_off_focus(b, a, on_focus, &log), 0);
	cr_assert_eq(bsim_tab_off_visibility(b, a, on_visibility, &log), 0);
	cr_assert_eq(bsim_tab_off_focus(b, a, on_focus, &log), 0, "removing twice is harmless");
	cr_assert_eq(bsim_tab_off_storage(b, 99, NULL, NULL), 0, "a gone tab is harmless");
	int c = open_tab(b, "https://www.testsite.com/x");
	bsim_tab_focus(b, a);
	bsim_tab_close(b, c);
	cr_assert_str_eq(log.text, "");
	bsim_browser_free(b);
}

Test(browser, i16_a_session_restored_window_has_no_focus_until_the_user_gives_it)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 1);
	focus_log log = {""};
	int a = open_tab(b, "https://www.testsite.com/");
	int c = open_tab(b, "https://www.testsite.com/x");
	cr_assert_eq(bsim_browser_restart(b), 0);
	cr_assert_eq(bsim_browser_focused_tab(b), c, "the last tab is the active one again");
	cr_assert_eq(bsim_tab_visible(b, c), 1);
	cr_assert_eq(bsim_tab_has_focus(b, c), 0, "document.hasFocus() is false after session restore (I.16)");
	cr_assert_eq(bsim_tab_has_focus(b, a), 0);
	cr_assert_eq(bsim_tab_on_focus(b, c, on_focus, &log), 0);
	cr_assert_eq(bsim_tab_on_visibility(b, c, on_visibility, &log), 0);
	cr_assert_eq(bsim_tab_focus(b, c), 0);
	cr_assert_str_eq(log.text, "+2 ", "focusing the active tab gives it focus, with no visibility change");
	cr_assert_eq(bsim_tab_has_focus(b, c), 1);
	bsim_browser_free(b);
}

Test(browser, listeners_of_a_tab_kept_for_restore_can_be_removed)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 1);
	focus_log log = {""};
	int a = open_tab(b, "https://www.testsite.com/");
	int c = open_tab(b, "https://www.testsite.com/x");
	bsim_tab_on_focus(b, a, on_focus, &log);
	cr_assert_eq(bsim_browser_close(b), 0);
	cr_assert_eq(bsim_tab_off_focus(b, a, on_focus, &log), 0);
	cr_assert_eq(bsim_browser_restart(b), 0);
	bsim_tab_focus(b, a);
	bsim_tab_focus(b, c);
	cr_assert_str_eq(log.text, "", "the closed page's listener is gone");
	bsim_browser_free(b);
}

Test(browser, navigate_back_and_reload_keep_history)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int t = open_tab(b, "https://www.testsite.com/");
	cr_assert_eq(bsim_tab_navigate(b, t, "https://store.testsite.com/cart", NULL), 0);
	cr_assert_str_eq(bsim_tab_url(b, t), "https://store.testsite.com/cart");
	cr_assert_eq(bsim_tab_back(b, t), 0);
	cr_assert_str_eq(bsim_tab_url(b, t), "https://www.testsite.com/");
	cr_assert_eq(bsim_tab_back(b, t), BSIM_ENOTFOUND);
	cr_assert_eq(bsim_tab_reload(b, t), 0);
	cr_assert_eq(count_trace(b, "reloaded", t), 1);
	bsim_browser_free(b);
}

Test(browser, navigation_response_cookies_go_through_the_jar)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	const char *h[] = {"sid=1; Domain=testsite.com", "bad=1; Domain=github.io"};
	bsim_response r = {h, 2};
	int t = -1;
	cr_assert_eq(bsim_tab_open(&t, b, "https://www.testsite.com/", &r), 0);
	expect_cookie(b, t, "sid=1");
	cr_assert_eq(count_trace(b, "cookie-refused:public-suffix", t), 1, "§5.7 step 9 comes before the domain-match of step 10");
	bsim_browser_free(b);
}

typedef struct framed_case {
	bsim_engine engine;
	const char *frame;
	const char *cookie;
	const char *read;        /* what the frame's document.cookie then reads */
	const char *refusal;     /* trace code of the refusal, or NULL */
} framed_case;

Test(browser, a_cross_site_iframe_writes_document_cookie_under_samesite_and_third_party_rules)
{
	static const framed_case cases[] = {
		/* §5.2: a same-site frame is first-party for SameSite. */
		{BSIM_ENGINE_CHROMIUM, "https://chat.shop.com/w", "a=1; SameSite=Strict", "a=1", NULL},
		/* §5.7 step 18: a cross-site frame may set only SameSite=None cookies. */
		{BSIM_ENGINE_CHROMIUM, "https://chat.vendor.com/w", "a=1; SameSite=Strict", "",
		 "cookie-refused:samesite-cross-site"},
		{BSIM_ENGINE_CHROMIUM, "https://chat.vendor.com/w", "a=1", "", "cookie-refused:samesite-cross-site"},
		{BSIM_ENGINE_CHROMIUM, "https://chat.vendor.com/w", "a=1; SameSite=None; Secure", "a=1", NULL},
		/* X1: Safari blocks third-party cookies outright. */
		{BSIM_ENGINE_SAFARI, "https://chat.vendor.com/w", "a=1; SameSite=None; Secure", "",
		 "cookie-refused:third-party-blocked"},
		/* X1: Firefox partitions them: the frame still reads its own. */
		{BSIM_ENGINE_FIREFOX, "https://chat.vendor.com/w", "a=1; SameSite=None; Secure", "a=1", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const framed_case *c = &cases[i];
		bsim_browser *b = browser_with(c->engine, 0);
		int t = open_tab(b, "https://www.shop.com/");
		cr_assert_eq(bsim_script_cookie_set_framed(b, t, c->frame, c->cookie), 0, "%s", bsim_error_last()->message);
		char *got = NULL;
		cr_assert_eq(bsim_script_cookie_get_framed(&got, b, t, c->frame), 0);
		cr_expect_str_eq(got, c->read, "case %zu (%s in %s): read \"%s\"", i, c->cookie, c->frame, got);
		free(got);
		if (c->refusal)
			cr_expect_eq(count_trace(b, c->refusal, t), 1, "case %zu: no %s traced on the tab", i, c->refusal);
		bsim_browser_free(b);
	}
}

Test(browser, a_blank_tab_embeds_no_frame)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int t = open_tab(b, NULL);
	cr_assert_eq(bsim_script_cookie_set_framed(b, t, "https://chat.vendor.com/", "a=1"), BSIM_EINVAL);
	cr_assert(strstr(bsim_error_last()->message, "about:blank"), "%s", bsim_error_last()->message);
	char *got = NULL;
	cr_assert_eq(bsim_script_cookie_get_framed(&got, b, 99, "https://chat.vendor.com/"), BSIM_ENOTFOUND);
	bsim_browser_free(b);
}

/* ---- hosts ---- */

Test(browser, hosts_file_decides_what_resolves)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0);
	cr_assert_eq(bsim_browser_add_hosts(b, "# the documented workaround\n127.0.0.1  localhost.com www.localhost.com\n::1 six.test\n", "hosts"), 0,
		     "%s", bsim_error_last()->message);
	cr_assert_eq(bsim_browser_resolve(b, "http://www.localhost.com/"), 0);
	cr_assert_eq(bsim_browser_resolve(b, "http://LOCALHOST.com./"), 0);
	cr_assert_eq(bsim_browser_resolve(b, "http://six.test/"), 0);
	cr_assert_eq(bsim_browser_resolve(b, "http://localhost:8080/"), 0);
	cr_assert_eq(bsim_browser_resolve(b, "http://app.localhost/"), 0);
	cr_assert_eq(bsim_browser_resolve(b, "http://127.0.0.1/"), 0);
	cr_assert_eq(bsim_browser_resolve(b, "file:///tmp/x.html"), 0);
	cr_assert_eq(bsim_browser_resolve(b, "https://www.testsite.com/"), BSIM_ERESOLVE);
	cr_assert(strstr(bsim_error_last()->message, "127.0.0.1 www.testsite.com"), "%s", bsim_error_last()->message);
	int t = -1;
	cr_assert_eq(bsim_tab_open(&t, b, "https://www.testsite.com/", NULL), BSIM_ERESOLVE);
	cr_assert_eq(bsim_browser_tab_count(b), 0, "a failed open leaves no tab");
	cr_assert_eq(count_trace(b, "tab-opened", -1), count_trace(b, "tab-closed", -1), "and the trace closes what it opened");
	bsim_browser_free(b);
}

/*
 * A trailing dot names the same host (an absolute DNS name) in the hosts
 * file and in a URL alike: a line "127.0.0.1 www.testsite.com." serves both
 * spellings, and a host still missing is advised without its dot.
 */
Test(browser, a_trailing_dot_in_hosts_or_url_names_the_same_host)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0);
	cr_assert_eq(bsim_browser_add_hosts(b, "127.0.0.1 www.testsite.com.\n", "hosts"), 0, "%s",
		     bsim_error_last()->message);
	cr_expect_eq(bsim_browser_resolve(b, "https://www.testsite.com/"), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(bsim_browser_resolve(b, "https://www.testsite.com./"), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(bsim_browser_resolve(b, "https://store.testsite.com./"), BSIM_ERESOLVE);
	cr_expect_str_eq(bsim_error_last()->message,
			 "cannot resolve store.testsite.com.: the host is not in the hosts file; add a line such as "
			 "\"127.0.0.1 store.testsite.com\" to the hosts, or allow open resolution");
	int t = -1;
	cr_expect_eq(bsim_tab_open(&t, b, "https://www.testsite.com/", NULL), 0, "%s", bsim_error_last()->message);
	bsim_browser_free(b);
}

/*
 * A bad hosts line: the error's fields hold the source and the line, and
 * its message says only what failed (the location is rendered from the
 * fields, error_render, never written into the text as well).
 */
Test(browser, bad_hosts_line_names_source_and_line)
{
	static const struct {
		const char *text, *source;
		int code, line;
		const char *message; /* how the message starts */
	} rows[] = {
		{"127.0.0.1 ok.test\nwww.shop.com 127.0.0.1\n", "my-hosts", BSIM_EINVAL, 2,
		 "\"www.shop.com\" is not an IP address; "},
		{"1.2.3.4\n", "h", BSIM_EINVAL, 1, "address 1.2.3.4 names no host; add the names after it"},
		{"127.0.0.1 bad%host\n", "h2", BSIM_EINVAL, 1, "bad host name \"bad%host\": "},
	};
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		cr_assert_eq(bsim_browser_add_hosts(b, rows[i].text, rows[i].source), rows[i].code, "row %zu", i);
		const bsim_error *e = bsim_error_last();
		cr_expect(strncmp(e->message, rows[i].message, strlen(rows[i].message)) == 0, "row %zu: %s", i, e->message);
		char where[64];
		snprintf(where, sizeof where, "%s:%d", rows[i].source, rows[i].line);
		cr_expect(!strstr(e->message, where) && !strstr(e->message, "error:"),
			  "row %zu: the message repeats the location: %s", i, e->message);
		cr_expect_str_eq(e->file, rows[i].source, "row %zu", i);
		cr_expect_eq(e->line, rows[i].line, "row %zu", i);
		cr_expect_eq(e->column, 0, "row %zu", i);
	}
	/* the host name's own reason survives the wrap whole */
	const char *m = bsim_error_last()->message, *head = rows[2].message;
	cr_assert(strlen(m) > strlen(head) + 5 && !strstr(m + strlen(head), "bad host name"), "%s", m);
	/* a line past the limit */
	char *longline = malloc(8192);
	cr_assert_not_null(longline);
	memset(longline, 'a', 8191);
	longline[8191] = '\0';
	cr_assert_eq(bsim_browser_add_hosts(b, longline, "h3"), BSIM_ELIMIT);
	free(longline);
	cr_expect(strncmp(bsim_error_last()->message, "hosts line longer than ", 23) == 0, "%s", bsim_error_last()->message);
	cr_expect_str_eq(bsim_error_last()->file, "h3");
	cr_expect_eq(bsim_error_last()->line, 1);
	bsim_browser_free(b);
}

/* ---- storage ---- */

Test(browser, w1_localstorage_is_per_origin_and_shared_by_tabs)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int www = open_tab(b, "https://www.testsite.com/");
	int www2 = open_tab(b, "https://www.testsite.com/other");
	int store = open_tab(b, "https://store.testsite.com/");
	int plain = open_tab(b, "http://www.testsite.com/");
	cr_assert_eq(bsim_storage_set(b, www, BSIM_STORAGE_LOCAL, "_genesys.widgets.inFocus", "guid-1"), 0);
	expect_item(b, www2, BSIM_STORAGE_LOCAL, "_genesys.widgets.inFocus", "guid-1");
	expect_item(b, store, BSIM_STORAGE_LOCAL, "_genesys.widgets.inFocus", NULL);
	expect_item(b, plain, BSIM_STORAGE_LOCAL, "_genesys.widgets.inFocus", NULL);
	bsim_browser_free(b);
}

Test(browser, w1_sessionstorage_is_per_tab)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int a = open_tab(b, "https://www.testsite.com/");
	int c = open_tab(b, "https://www.testsite.com/");
	cr_assert_eq(bsim_storage_set(b, a, BSIM_STORAGE_SESSION, "k", "v"), 0);
	expect_item(b, a, BSIM_STORAGE_SESSION, "k", "v");
	expect_item(b, c, BSIM_STORAGE_SESSION, "k", NULL);
	bsim_tab_navigate(b, a, "https://www.testsite.com/next", NULL);
	expect_item(b, a, BSIM_STORAGE_SESSION, "k", "v");
	bsim_browser_free(b);
}

typedef struct event_log {
	int count;
	char last[256];
} event_log;

static void on_storage(const bsim_storage_event *ev, void *ud)
{
	event_log *l = ud;
	l->count++;
	snprintf(l->last, sizeof l->last, "%d %s %s %s %s", ev->tab, ev->key ? ev->key : "null",
		 ev->old_value ? ev->old_value : "null", ev->new_value ? ev->new_value : "null", ev->url);
}

Test(browser, w4_storage_event_goes_to_other_same_origin_tabs_only)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	event_log writer = {0, ""}, peer = {0, ""}, other = {0, ""};
	int a = open_tab(b, "https://www.testsite.com/a");
	int p = open_tab(b, "https://www.testsite.com/p");
	int o = open_tab(b, "https://store.testsite.com/");
	bsim_tab_on_storage(b, a, on_storage, &writer);
	bsim_tab_on_storage(b, p, on_storage, &peer);
	bsim_tab_on_storage(b, o, on_storage, &other);
	bsim_storage_set(b, a, BSIM_STORAGE_LOCAL, "k", "1");
	char want[256];
	snprintf(want, sizeof want, "%d k null 1 https://www.testsite.com/a", p);
	cr_assert_str_eq(peer.last, want);
	bsim_storage_set(b, a, BSIM_STORAGE_LOCAL, "k", "1");
	cr_assert_eq(peer.count, 1, "storing the same value again fires nothing");
	bsim_storage_remove(b, a, BSIM_STORAGE_LOCAL, "absent");
	cr_assert_eq(peer.count, 1, "removing an absent key fires nothing");
	bsim_storage_clear(b, a, BSIM_STORAGE_LOCAL);
	cr_assert_eq(peer.count, 2);
	snprintf(want, sizeof want, "%d null null null https://www.testsite.com/a", p);
	cr_assert_str_eq(peer.last, want, "clear() sends key, oldValue and newValue null");
	bsim_storage_clear(b, a, BSIM_STORAGE_LOCAL);
	cr_assert_eq(peer.count, 2, "clearing an empty area fires nothing");
	bsim_storage_set(b, a, BSIM_STORAGE_SESSION, "s", "1");
	cr_assert_eq(peer.count, 2, "sessionStorage is not shared across tabs");
	cr_assert_eq(writer.count, 0, "never the writer");
	cr_assert_eq(other.count, 0, "never another origin");
	cr_assert_eq(count_trace(b, "event-storage", p), 2);
	bsim_browser_free(b);
}

Test(browser, w5_window_open_copies_sessionstorage_unless_noopener)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int a = open_tab(b, "https://www.testsite.com/");
	bsim_storage_set(b, a, BSIM_STORAGE_SESSION, "k", "v");
	int child = -1, lonely = -1;
	cr_assert_eq(bsim_tab_open_from(&child, b, a, "https://www.testsite.com/popup", 0), 0);
	cr_assert_eq(bsim_tab_open_from(&lonely, b, a, "https://www.testsite.com/popup", 1), 0);
	expect_item(b, child, BSIM_STORAGE_SESSION, "k", "v");
	expect_item(b, lonely, BSIM_STORAGE_SESSION, "k", NULL);
	bsim_storage_set(b, child, BSIM_STORAGE_SESSION, "k", "changed");
	expect_item(b, a, BSIM_STORAGE_SESSION, "k", "v");
	bsim_browser_free(b);
}

Test(browser, w9_blank_page_has_no_storage)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int t = open_tab(b, NULL);
	char *v = NULL;
	cr_assert_eq(bsim_storage_get(&v, b, t, BSIM_STORAGE_LOCAL, "k"), BSIM_ESECURITY);
	expect_cookie(b, t, "");
	bsim_browser_free(b);
}

Test(browser, w8_file_pages_share_one_localstorage_in_chromium)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int a = open_tab(b, "file:///home/qa/a/index.html");
	int c = open_tab(b, "file:///tmp/other.html");
	bsim_storage_set(b, a, BSIM_STORAGE_LOCAL, "k", "v");
	expect_item(b, c, BSIM_STORAGE_LOCAL, "k", "v");
	bsim_browser_free(b);
	b = browser_with(BSIM_ENGINE_FIREFOX, 0);
	a = open_tab(b, "file:///home/qa/a/index.html");
	c = open_tab(b, "file:///tmp/other.html");
	bsim_storage_set(b, a, BSIM_STORAGE_LOCAL, "k", "v");
	expect_item(b, c, BSIM_STORAGE_LOCAL, "k", NULL);
	bsim_browser_free(b);
}

/* ---- session lifetime ---- */

static void write_state(bsim_browser *b, int t)
{
	bsim_script_cookie_set(b, t, "_genesys.widgets.webchat.state.session=1; Domain=.testsite.com; Path=/");
	bsim_script_cookie_set(b, t, "keep=1; Max-Age=86400; Path=/");
	bsim_storage_set(b, t, BSIM_STORAGE_LOCAL, "_genesys.widgets.inFocus", "g");
	bsim_storage_set(b, t, BSIM_STORAGE_SESSION, "s", "1");
}

Test(browser, c1_close_drops_session_state_keeps_persistent)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int t = open_tab(b, "https://www.testsite.com/");
	write_state(b, t);
	cr_assert_eq(bsim_browser_close(b), 0);
	cr_assert_eq(bsim_browser_running(b), 0);
	cr_assert_eq(bsim_browser_tab_count(b), 0);
	int n = open_tab(b, "https://www.testsite.com/");
	cr_assert_eq(bsim_browser_running(b), 1, "opening a tab starts the browser");
	cr_assert_neq(n, t, "tab ids are never reused");
	expect_cookie(b, n, "keep=1");
	expect_item(b, n, BSIM_STORAGE_LOCAL, "_genesys.widgets.inFocus", "g");
	expect_item(b, n, BSIM_STORAGE_SESSION, "s", NULL);
	cr_assert_eq(count_trace(b, "cookie-session-ended", -1), 1);
	bsim_browser_free(b);
}

Test(browser, c3_session_restore_keeps_session_cookies_tabs_and_sessionstorage)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 1);
	int t = open_tab(b, "https://www.testsite.com/");
	write_state(b, t);
	cr_assert_eq(bsim_browser_restart(b), 0);
	cr_assert_eq(bsim_browser_tab_count(b), 1);
	cr_assert_eq(bsim_browser_tab_at(b, 0), t, "the restored tab keeps its id");
	cr_assert_str_eq(bsim_tab_url(b, t), "https://www.testsite.com/");
	expect_cookie(b, t, "_genesys.widgets.webchat.state.session=1; keep=1");
	expect_item(b, t, BSIM_STORAGE_SESSION, "s", "1");
	bsim_browser_free(b);
}

Test(browser, profile_path_carries_persistent_state_across_browsers)
{
	char path[] = "/tmp/bsim-test-profile-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path);
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.open_resolution = 1;
	o.profile_path = path;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0, "%s", bsim_error_last()->message);
	int t = open_tab(b, "https://www.testsite.com/");
	write_state(b, t);
	cr_assert_eq(bsim_browser_close(b), 0, "%s", bsim_error_last()->message);
	bsim_browser_free(b);
	cr_assert_eq(bsim_browser_new(&b, &o), 0, "%s", bsim_error_last()->message);
	t = open_tab(b, "https://www.testsite.com/");
	expect_cookie(b, t, "keep=1");
	expect_item(b, t, BSIM_STORAGE_LOCAL, "_genesys.widgets.inFocus", "g");
	bsim_browser_free(b);
	unlink(path);
}

/* ---- clock, randomness, determinism ---- */

Test(browser, expiry_follows_wait)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int t = open_tab(b, "https://www.testsite.com/");
	bsim_script_cookie_set(b, t, "short=1; Max-Age=10");
	cr_assert_eq(bsim_browser_wait(b, 9999), 0);
	expect_cookie(b, t, "short=1");
	cr_assert_eq(bsim_browser_wait(b, 1), 0);
	cr_assert_eq(count_trace(b, "cookie-expired", -1), 1, "the wait itself records the expiry");
	expect_cookie(b, t, "");
	cr_assert_eq(bsim_browser_wait(b, -1), BSIM_EINVAL);
	bsim_browser_free(b);
}

Test(browser, guids_follow_the_seed)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.seed = 7;
	bsim_browser *a = NULL, *c = NULL;
	cr_assert_eq(bsim_browser_new(&a, &o), 0);
	cr_assert_eq(bsim_browser_new(&c, &o), 0);
	char g1[37], g2[37], g3[37];
	bsim_browser_guid(a, g1);
	bsim_browser_guid(c, g2);
	cr_assert_str_eq(g1, g2, "same seed, same GUID");
	bsim_browser_guid(a, g3);
	cr_assert_str_neq(g1, g3);
	cr_assert_eq(strlen(g1), 36);
	cr_assert_eq(g1[14], '4', "version 4: %s", g1);
	cr_assert(strchr("89ab", g1[19]), "variant 10: %s", g1);
	bsim_browser_free(a);
	bsim_browser_free(c);
}

Test(browser, trace_records_refusals_with_reason_codes_and_time)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int t = open_tab(b, "https://foo.github.io/");
	bsim_browser_wait(b, 2000);
	bsim_script_cookie_set(b, t, "_genesys.widgets.webchat.state.session=1; Domain=.github.io; Path=/");
	const bsim_trace_entry *hit = NULL;
	for (size_t i = 0; i < bsim_browser_trace_count(b); i++)
		if (strcmp(bsim_browser_trace_at(b, i)->code, "cookie-refused:public-suffix") == 0)
			hit = bsim_browser_trace_at(b, i);
	cr_assert_not_null(hit);
	cr_assert_eq(hit->tab, t);
	cr_assert_eq(hit->at, BSIM_DEFAULT_START_TIME + 2000);
	cr_assert_str_eq(hit->subject, "_genesys.widgets.webchat.state.session");
	cr_assert(strstr(hit->message, "is a public suffix"), "%s", hit->message);
	bsim_browser_free(b);
}

Test(browser, cookie_events_are_traced_on_the_tab_whose_call_caused_them)
{
	bsim_browser *b = browser_with(BSIM_ENGINE_CHROMIUM, 0);
	int a = open_tab(b, "https://www.shop.com/");
	int t = open_tab(b, "https://www.testsite.com/");
	/* A frame's write, a page's write, and a read that sweeps an expired cookie, each on its own tab. */
	cr_assert_eq(bsim_script_cookie_set_framed(b, t, "https://chat.other.org/", "f=1; Domain=github.io"), 0);
	cr_assert_eq(bsim_script_cookie_set(b, a, "p=1; Domain=github.io"), 0);
	cr_assert_eq(bsim_script_cookie_set(b, a, "short=1; Max-Age=1"), 0);
	cr_assert_eq(count_trace(b, "cookie-refused:public-suffix", t), 1);
	cr_assert_eq(count_trace(b, "cookie-refused:public-suffix", a), 1);
	cr_assert_eq(count_trace(b, "cookie-stored", a), 1);
	/* The clock moves without a wait's sweep: the page's read finds the cookie expired. */
	bsim_jar_set_time(bsim_browser_jar(b), bsim_browser_now(b) + 2000);
	expect_cookie(b, a, "");
	cr_assert_eq(count_trace(b, "cookie-expired", a), 1);
	bsim_browser_free(b);
}
