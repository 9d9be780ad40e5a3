/*
 * test_browser_page.c: the page events of the script view (bsim/script.h,
 * sim/browser/page.c): every way a document comes into a tab (navigation,
 * reload, history back, a new tab, window.open, session restore) is one
 * load, every way it goes (a new document replacing it, its tab or the
 * browser closing) one unload, heard in the order they happen by every
 * subscriber, with the tab, the URL and the virtual time.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/browser.h"

#define HEARD_MAX 32

typedef struct heard {
	char lines[HEARD_MAX][160];
	size_t n;
} heard;

/* One line per event: "load 1 https://a.test/ restored" / "unload 1 https://a.test/ persisted". */
static void record(const bsim_page_event *ev, void *userdata)
{
	heard *h = userdata;
	cr_assert_lt(h->n, HEARD_MAX, "more page events than the test expects");
	snprintf(h->lines[h->n++], sizeof h->lines[0], "%s %d %s%s%s",
		 ev->kind == BSIM_PAGE_LOAD ? "load" : "unload", ev->tab, ev->url ? ev->url : "about:blank",
		 ev->restored ? " restored" : "", ev->persisted ? " persisted" : "");
}

static bsim_browser *browser_with(int session_restore)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.session_restore = session_restore;
	o.open_resolution = 1;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0, "%s", bsim_error_last()->message);
	return b;
}

static void expect_heard(const heard *h, const char *const *want, size_t n_want)
{
	for (size_t i = 0; i < h->n && i < n_want; i++)
		cr_expect_str_eq(h->lines[i], want[i], "event %zu: \"%s\", want \"%s\"", i, h->lines[i], want[i]);
	cr_assert_eq(h->n, n_want, "%zu page events heard, want %zu", h->n, n_want);
}

/* What each browser action makes the pages hear, on a browser with one tab open on a.test/1. */
typedef struct page_case {
	const char *what;
	int session_restore;
	int (*act)(bsim_browser *b, int tab);
	const char *want[4];
} page_case;

static int act_navigate(bsim_browser *b, int tab)
{
	return bsim_tab_navigate(b, tab, "https://a.test/2", NULL);
}

static int act_reload(bsim_browser *b, int tab)
{
	return bsim_tab_reload(b, tab);
}

static int act_back(bsim_browser *b, int tab)
{
	int rc = bsim_tab_navigate(b, tab, "https://a.test/2", NULL);
	return rc < 0 ? rc : bsim_tab_back(b, tab);
}

static int act_close_tab(bsim_browser *b, int tab)
{
	return bsim_tab_close(b, tab);
}

static int act_window_open(bsim_browser *b, int tab)
{
	int child;
	return bsim_tab_open_from(&child, b, tab, "https://b.test/", 0);
}

static int act_close_browser(bsim_browser *b, int tab)
{
	(void)tab;
	return bsim_browser_close(b);
}

static int act_restart(bsim_browser *b, int tab)
{
	(void)tab;
	return bsim_browser_restart(b);
}

static int act_focus(bsim_browser *b, int tab)
{
	return bsim_tab_focus(b, tab);
}

static int act_unresolved(bsim_browser *b, int tab)
{
	/* A navigation that fails leaves the page where it was: nothing goes, nothing loads. */
	return bsim_tab_navigate(b, tab, "not a url", NULL) < 0 ? 0 : -1;
}

static const page_case page_cases[] = {
	{"navigate", 0, act_navigate, {"unload 1 https://a.test/1", "load 1 https://a.test/2"}},
	{"reload", 0, act_reload, {"unload 1 https://a.test/1", "load 1 https://a.test/1"}},
	{"back", 0, act_back,
	 {"unload 1 https://a.test/1", "load 1 https://a.test/2", "unload 1 https://a.test/2", "load 1 https://a.test/1"}},
	{"close the tab", 0, act_close_tab, {"unload 1 https://a.test/1"}},
	{"window.open", 0, act_window_open, {"load 2 https://b.test/"}},
	{"close the browser", 0, act_close_browser, {"unload 1 https://a.test/1"}},
	{"close the browser, session restore on", 1, act_close_browser, {"unload 1 https://a.test/1 persisted"}},
	{"restart, session restore on", 1, act_restart,
	 {"unload 1 https://a.test/1 persisted", "load 1 https://a.test/1 restored"}},
	{"restart, session restore off", 0, act_restart, {"unload 1 https://a.test/1"}},
	{"focus", 0, act_focus, {NULL}},
	{"a navigation that fails", 0, act_unresolved, {NULL}},
};

Test(browser_page, each_action_makes_the_pages_hear_its_loads_and_unloads)
{
	size_t ran = 0;
	for (size_t i = 0; i < sizeof page_cases / sizeof *page_cases; i++, ran++) {
		const page_case *c = &page_cases[i];
		bsim_browser *b = browser_with(c->session_restore);
		int tab = -1;
		cr_assert_eq(bsim_tab_open(&tab, b, "https://a.test/1", NULL), 0, "%s", bsim_error_last()->message);
		cr_assert_eq(tab, 1, "%s: the first tab is 1", c->what);
		heard h = {0};
		cr_assert_eq(bsim_browser_on_page(b, record, &h), 0);
		cr_assert_eq(c->act(b, tab), 0, "%s: %s", c->what, bsim_error_last()->message);
		size_t n_want = 0;
		while (n_want < 4 && c->want[n_want])
			n_want++;
		cr_log_info("%s", c->what);
		expect_heard(&h, c->want, n_want);
		bsim_browser_free(b);
	}
	cr_assert_eq(ran, sizeof page_cases / sizeof *page_cases);
}

Test(browser_page, a_new_tab_on_a_url_loads_it_and_a_blank_one_loads_nothing)
{
	bsim_browser *b = browser_with(0);
	heard h = {0};
	cr_assert_eq(bsim_browser_on_page(b, record, &h), 0);
	int tab = -1, blank = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://a.test/", NULL), 0, "%s", bsim_error_last()->message);
	/* A blank tab loads no document a script runs in. */
	cr_assert_eq(bsim_tab_open(&blank, b, NULL, NULL), 0, "%s", bsim_error_last()->message);
	const char *want[] = {"load 1 https://a.test/"};
	expect_heard(&h, want, 1);
	bsim_browser_free(b);
}

typedef struct stamp {
	bsim_time at;
	int calls;
} stamp;

static void stamp_at(const bsim_page_event *ev, void *userdata)
{
	stamp *s = userdata;
	s->at = ev->at;
	s->calls++;
}

Test(browser_page, an_event_carries_the_virtual_time)
{
	bsim_browser *b = browser_with(0);
	stamp s = {0, 0};
	cr_assert_eq(bsim_browser_on_page(b, stamp_at, &s), 0);
	cr_assert_eq(bsim_browser_wait(b, 2500), 0);
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://a.test/", NULL), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(s.calls, 1);
	cr_assert_eq(s.at, BSIM_DEFAULT_START_TIME + 2500, "at %lld", (long long)s.at);
	bsim_browser_free(b);
}

Test(browser_page, every_subscriber_hears_in_order_and_one_removed_hears_nothing)
{
	bsim_browser *b = browser_with(0);
	heard first = {0}, second = {0};
	cr_assert_eq(bsim_browser_on_page(b, record, &first), 0);
	cr_assert_eq(bsim_browser_on_page(b, record, &second), 0);
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://a.test/", NULL), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(bsim_browser_off_page(b, record, &first), 0);
	/* Removing twice is fine: a page may always clean up. */
	cr_assert_eq(bsim_browser_off_page(b, record, &first), 0);
	cr_assert_eq(bsim_tab_close(b, tab), 0);
	const char *want_first[] = {"load 1 https://a.test/"};
	const char *want_second[] = {"load 1 https://a.test/", "unload 1 https://a.test/"};
	expect_heard(&first, want_first, 1);
	expect_heard(&second, want_second, 2);
	bsim_browser_free(b);
}

Test(browser_page, a_listener_needs_a_function)
{
	bsim_browser *b = browser_with(0);
	cr_assert_eq(bsim_browser_on_page(b, NULL, NULL), BSIM_EINVAL);
	cr_assert(strstr(bsim_error_last()->message, "function"), "%s", bsim_error_last()->message);
	bsim_browser_free(b);
}

/* ---- the page load time and the request trace (bsim_browser_options.page_load_ms, bsim_script_request_trace) ---- */

static void record_load_at(const bsim_page_event *ev, void *userdata)
{
	bsim_time *last = userdata;
	if (ev->kind == BSIM_PAGE_LOAD)
		*last = ev->load_at - ev->at;
}

Test(browser_page, a_load_event_comes_the_page_load_time_after_its_navigation)
{
	static const bsim_time rows[] = {0, 200, 1500};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
		o.open_resolution = 1;
		o.page_load_ms = rows[i];
		bsim_browser *b = NULL;
		cr_assert_eq(bsim_browser_new(&b, &o), 0, "%s", bsim_error_last()->message);
		bsim_time load = -1;
		cr_assert_eq(bsim_browser_on_page(b, record_load_at, &load), 0);
		int tab;
		cr_assert_eq(bsim_tab_open(&tab, b, "https://a.test/1", NULL), 0);
		cr_expect_eq(load, rows[i], "row %zu: load %lld ms after the navigation", i, (long long)load);
		/* A step's own load time holds for the navigations after it. */
		cr_assert_eq(bsim_browser_set_page_load_ms(b, rows[i] + 7), 0);
		cr_assert_eq(bsim_tab_navigate(b, tab, "https://a.test/2", NULL), 0);
		cr_expect_eq(load, rows[i] + 7, "row %zu", i);
		cr_expect_eq(bsim_browser_page_load_ms(b), rows[i] + 7);
		bsim_browser_free(b);
	}
}

Test(browser_page, a_negative_page_load_time_is_refused)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.page_load_ms = -1;
	bsim_browser *b = NULL;
	cr_expect_eq(bsim_browser_new(&b, &o), BSIM_EINVAL);
	cr_expect_null(b);
	b = browser_with(0);
	cr_expect_eq(bsim_browser_set_page_load_ms(b, -5), BSIM_EINVAL);
	cr_expect_eq(bsim_browser_page_load_ms(b), 0, "the old load time stays");
	bsim_browser_free(b);
}

Test(browser_page, a_page_scripts_requests_are_traced_with_their_phase)
{
	static const struct {
		bsim_request_phase phase;
		const char *code, *message;
	} rows[] = {
		{BSIM_REQUEST_SENT, "request-sent", "poll request sent: to the server"},
		{BSIM_REQUEST_ANSWERED, "response-received", "poll request answered: to the server"},
		{BSIM_REQUEST_DROPPED, "request-dropped", "poll request dropped: to the server"},
		{BSIM_REQUEST_FAILED, "request-failed", "poll request failed: to the server"},
	};
	bsim_browser *b = browser_with(0);
	int tab;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://a.test/1", NULL), 0);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		size_t n = bsim_browser_trace_count(b);
		bsim_script_request_trace(b, tab, rows[i].phase, "poll", "to the server");
		cr_assert_eq(bsim_browser_trace_count(b), n + 1, "row %zu: one entry", i);
		const bsim_trace_entry *e = bsim_browser_trace_at(b, n);
		cr_expect_eq(e->kind, BSIM_TRACE_REQUEST);
		cr_expect_eq(e->tab, tab);
		cr_expect_str_eq(e->code, rows[i].code);
		cr_expect_str_eq(e->subject, "poll");
		cr_expect_str_eq(e->message, rows[i].message);
	}
	/* A phase the view does not know, or no name, is not traced. */
	size_t n = bsim_browser_trace_count(b);
	bsim_script_request_trace(b, tab, (bsim_request_phase)99, "poll", NULL);
	bsim_script_request_trace(b, tab, BSIM_REQUEST_SENT, NULL, NULL);
	cr_expect_eq(bsim_browser_trace_count(b), n);
	bsim_browser_free(b);
}
