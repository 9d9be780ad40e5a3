/*
 * test_widget_focus.c: the widget's in-focus arbitration (sim/widgets/focus.c)
 * against the simulated browser: tab open, focus change, owner tab closed,
 * owner navigated away, tabs on two sub-domains, a restart with session
 * restore, and the GUID's format (widget-behaviour.md F.30-32, I.6, I.12,
 * I.16, J.5).
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/browser.h"
#include "widgets/focus.h"
#include "support.h"

#define WWW "https://www.testsite.com/"
#define STORE "https://store.testsite.com/"

static bsim_browser *browser(int session_restore, uint64_t seed)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.open_resolution = 1;
	o.session_restore = session_restore;
	o.seed = seed;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0, "%s", bsim_error_last()->message);
	return b;
}

static int open_tab(bsim_browser *b, const char *url)
{
	int id = -1;
	cr_assert_eq(bsim_tab_open(&id, b, url, NULL), 0, "%s", bsim_error_last()->message);
	return id;
}

/* A change log per page: "+" App.focus, "-" App.blur, only on a change. */
typedef struct page {
	widget_focus *f;
	char log[64];
} page;

static void on_change(widget_focus *f, bool focused, void *ud)
{
	(void)f;
	page *p = ud;
	support_append(p->log, sizeof p->log, focused ? "+" : "-");
}

static void load(page *p, bsim_browser *b, int tab)
{
	memset(p, 0, sizeof *p);
	cr_assert_eq(widget_focus_new(&p->f, b, tab, NULL), 0, "%s", bsim_error_last()->message);
	widget_focus_set_change_fn(p->f, on_change, p);
	cr_assert_eq(widget_focus_on_event(p->f, WIDGET_FOCUS_INIT, NULL), 0, "%s", bsim_error_last()->message);
}

static void unload(page *p)
{
	widget_focus_free(p->f);
	p->f = NULL;
}

static char *stored(bsim_browser *b, int tab)
{
	char *v = NULL;
	cr_assert_eq(bsim_storage_get(&v, b, tab, BSIM_STORAGE_LOCAL, WIDGET_FOCUS_KEY), 0);
	return v;
}

static void expect_owner(bsim_browser *b, int tab, const page *p)
{
	char *v = stored(b, tab);
	cr_assert_not_null(v, "the key is absent on tab %d", tab);
	cr_assert_str_eq(v, widget_focus_guid(p->f), "the key on tab %d names another page", tab);
	free(v);
	bool owns = false;
	cr_assert_eq(widget_focus_owns_key(&owns, p->f), 0);
	cr_assert(owns);
}

static size_t count_sets(bsim_browser *b, int tab)
{
	size_t n = 0;
	for (size_t i = 0; i < bsim_browser_trace_count(b); i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(b, i);
		if (strcmp(e->code, "storage-set") == 0 && e->tab == tab && e->subject &&
		    strcmp(e->subject, WIDGET_FOCUS_KEY) == 0)
			n++;
	}
	return n;
}

Test(widget_focus, guid_has_the_widgets_format_and_follows_the_seed)
{
	static const uint64_t seeds[] = {1, 2, 7, 42, 0xffffffffffffffffULL};
	char first[WIDGET_FOCUS_GUID_LEN + 1] = "";
	for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
		bsim_browser *b = browser(0, seeds[s]);
		char g[WIDGET_FOCUS_GUID_LEN + 1], again[WIDGET_FOCUS_GUID_LEN + 1];
		widget_focus_make_guid(b, g);
		bsim_browser_free(b);
		b = browser(0, seeds[s]);
		widget_focus_make_guid(b, again);
		bsim_browser_free(b);
		cr_expect_str_eq(g, again, "seed %llu: not deterministic", (unsigned long long)seeds[s]);
		cr_expect_eq(strlen(g), WIDGET_FOCUS_GUID_LEN, "%s", g);
		/* I.12: 10-5-5-5-15 lowercase hex. */
		static const size_t dashes[] = {10, 16, 22, 28};
		for (size_t i = 0, d = 0; g[i]; i++) {
			if (d < 4 && i == dashes[d]) {
				cr_expect_eq(g[i], '-', "%s: no dash at %zu", g, i);
				d++;
			} else {
				cr_expect(isxdigit((unsigned char)g[i]) && !isupper((unsigned char)g[i]), "%s: '%c' at %zu",
					  g, g[i], i);
			}
		}
		if (s == 0)
			snprintf(first, sizeof first, "%s", g);
		else
			cr_expect_str_neq(g, first, "seed %llu gives seed 1's GUID", (unsigned long long)seeds[s]);
	}
}

Test(widget_focus, a_tab_opened_claims_the_key_with_two_writes)
{
	bsim_browser *b = browser(0, 1);
	int a = open_tab(b, WWW);
	page pa;
	load(&pa, b, a);
	cr_assert(widget_focus_focused(pa.f));
	cr_assert_str_eq(pa.log, "+");
	expect_owner(b, a, &pa);
	cr_assert_eq(count_sets(b, a), 2, "F.30: \"\" then the GUID");
	/* A second page load on the same tab has a fresh GUID. */
	char old[WIDGET_FOCUS_GUID_LEN + 1];
	snprintf(old, sizeof old, "%s", widget_focus_guid(pa.f));
	unload(&pa);
	cr_assert_eq(bsim_tab_reload(b, a), 0);
	load(&pa, b, a);
	cr_assert_str_neq(widget_focus_guid(pa.f), old);
	expect_owner(b, a, &pa);
	unload(&pa);
	bsim_browser_free(b);
}

Test(widget_focus, events_before_the_widget_loads_do_nothing)
{
	bsim_browser *b = browser(0, 1);
	int a = open_tab(b, WWW);
	widget_focus *f = NULL;
	cr_assert_eq(widget_focus_new(&f, b, a, NULL), 0);
	cr_assert_eq(widget_focus_on_event(f, WIDGET_FOCUS_MOUSEDOWN, NULL), 0);
	cr_assert_null(stored(b, a));
	cr_assert_not(widget_focus_focused(f));
	widget_focus_free(f);
	cr_assert_eq(widget_focus_new(&f, b, 99, NULL), BSIM_ENOTFOUND);
	bsim_browser_free(b);
}

Test(widget_focus, j5_a_new_tab_takes_over_and_the_old_one_blurs)
{
	bsim_browser *b = browser(0, 1);
	int a = open_tab(b, WWW);
	page pa, pb;
	load(&pa, b, a);
	int t = open_tab(b, WWW "cart");
	load(&pb, b, t);
	expect_owner(b, t, &pb);
	cr_assert(widget_focus_focused(pb.f));
	cr_assert_not(widget_focus_focused(pa.f), "J.5: A publishes App.blur");
	cr_assert_str_eq(pa.log, "+-");
	/* Focus change: the user goes back to A, which claims; B blurs. */
	cr_assert_eq(bsim_tab_focus(b, a), 0);
	expect_owner(b, a, &pa);
	cr_assert(widget_focus_focused(pa.f));
	cr_assert_not(widget_focus_focused(pb.f));
	cr_assert_str_eq(pa.log, "+-+");
	cr_assert_str_eq(pb.log, "+-");
	cr_assert_eq(widget_focus_last_error(pa.f), 0);
	unload(&pa);
	unload(&pb);
	bsim_browser_free(b);
}

Test(widget_focus, f30b_another_guid_blurs_the_front_tab_until_its_next_event)
{
	bsim_browser *b = browser(0, 1);
	int a = open_tab(b, WWW);
	int t = open_tab(b, WWW "cart");
	page pa, pb;
	load(&pb, b, t);
	cr_assert_eq(bsim_tab_focus(b, a), 0);
	load(&pa, b, a);
	pa.log[0] = pb.log[0] = '\0';
	/* A click reaches the hidden page B (a scripted one): B claims, A hears
	 * "" (no blur: the value is empty) then B's GUID (blur, F.30 b). A does
	 * not claim back in the same run of the handler: cx-app.js read
	 * pageFocus (still true) before (b), so (c) sees a focused page. */
	cr_assert_eq(widget_focus_on_event(pb.f, WIDGET_FOCUS_MOUSEDOWN, NULL), 0);
	cr_assert_str_eq(pa.log, "-");
	expect_owner(b, t, &pb);
	cr_assert_not(widget_focus_focused(pb.f), "without document focus B publishes App.blur");
	/* A's next event finds it blurred while it holds document focus: it takes the key back (F.30 c). */
	cr_assert_eq(widget_focus_on_event(pa.f, WIDGET_FOCUS_KEYDOWN, NULL), 0);
	cr_assert_str_eq(pa.log, "-+");
	expect_owner(b, a, &pa);
	unload(&pa);
	unload(&pb);
	bsim_browser_free(b);
}

Test(widget_focus, i6_the_owner_closes_and_the_next_tab_claims_at_once)
{
	bsim_browser *b = browser(0, 1);
	int a = open_tab(b, WWW);
	int t = open_tab(b, WWW "cart");
	page pa, pb;
	load(&pa, b, a);
	load(&pb, b, t);
	cr_assert_eq(bsim_tab_focus(b, a), 0);
	expect_owner(b, a, &pa);
	unload(&pa); /* F.30: nothing on unload */
	cr_assert_eq(bsim_tab_close(b, a), 0);
	expect_owner(b, t, &pb);
	cr_assert(widget_focus_focused(pb.f), "I.6: no stale GUID when another tab of the origin is focused");
	unload(&pb);
	bsim_browser_free(b);
}

Test(widget_focus, f30_a_closed_owner_leaves_its_guid_when_no_tab_of_the_origin_is_focused)
{
	bsim_browser *b = browser(0, 1);
	int other = open_tab(b, "https://elsewhere.example/");
	int a = open_tab(b, WWW);
	page pa;
	load(&pa, b, a);
	char guid[WIDGET_FOCUS_GUID_LEN + 1];
	snprintf(guid, sizeof guid, "%s", widget_focus_guid(pa.f));
	size_t sets = count_sets(b, a);
	unload(&pa);
	cr_assert_eq(bsim_tab_close(b, a), 0);
	cr_assert_eq(bsim_browser_focused_tab(b), other);
	/* A new page of the origin sees the closed page's GUID before its widget loads. */
	int n = open_tab(b, WWW);
	char *v = stored(b, n);
	cr_assert_not_null(v);
	cr_assert_str_eq(v, guid, "the closed tab's GUID stays until another page claims");
	free(v);
	cr_assert_eq(count_sets(b, a), sets, "nothing written on unload");
	bsim_browser_free(b);
}

Test(widget_focus, the_owner_navigates_away_and_leaves_its_guid_behind)
{
	bsim_browser *b = browser(0, 1);
	int t = open_tab(b, WWW "cart");
	int a = open_tab(b, WWW);
	page pa, pb;
	load(&pb, b, t);
	load(&pa, b, a);
	char old[WIDGET_FOCUS_GUID_LEN + 1];
	snprintf(old, sizeof old, "%s", widget_focus_guid(pa.f));
	unload(&pa);
	cr_assert_eq(bsim_tab_navigate(b, a, STORE, NULL), 0);
	load(&pa, b, a);
	expect_owner(b, a, &pa);
	/* www's key still names the page that left; B, hidden, stays blurred. */
	char *v = stored(b, t);
	cr_assert_str_eq(v, old);
	free(v);
	cr_assert_not(widget_focus_focused(pb.f));
	cr_assert_eq(bsim_tab_focus(b, t), 0);
	expect_owner(b, t, &pb);
	cr_assert(widget_focus_focused(pb.f));
	unload(&pa);
	unload(&pb);
	bsim_browser_free(b);
}

Test(widget_focus, f32_i6_tabs_on_two_sub_domains_each_own_their_origins_key)
{
	bsim_browser *b = browser(0, 1);
	int w = open_tab(b, WWW);
	page pw, ps;
	load(&pw, b, w);
	int s = open_tab(b, STORE);
	load(&ps, b, s);
	/* localStorage is per origin: neither hears the other's claim. */
	expect_owner(b, w, &pw);
	expect_owner(b, s, &ps);
	cr_assert_eq(count_sets(b, w), 2);
	cr_assert_eq(count_sets(b, s), 2);
	/* The www page, hidden by the tab switch, publishes App.blur but keeps
	 * the key: back on it, it finds its own GUID and writes nothing. */
	cr_assert_not(widget_focus_focused(pw.f));
	cr_assert_eq(bsim_tab_focus(b, w), 0);
	cr_assert(widget_focus_focused(pw.f));
	cr_assert_eq(count_sets(b, w), 4, "(c) claims: the page was blurred");
	expect_owner(b, s, &ps);
	unload(&pw);
	unload(&ps);
	bsim_browser_free(b);
}

Test(widget_focus, i16_after_session_restore_the_reopened_tab_writes_nothing)
{
	bsim_browser *b = browser(1, 1);
	int a = open_tab(b, WWW);
	page pa;
	load(&pa, b, a);
	char old[WIDGET_FOCUS_GUID_LEN + 1];
	snprintf(old, sizeof old, "%s", widget_focus_guid(pa.f));
	cr_assert_eq(bsim_browser_close(b), 0);
	unload(&pa); /* the model frees pages after the close; the tab waits for restore */
	cr_assert_eq(bsim_browser_restart(b), 0);
	cr_assert_eq(bsim_browser_tab_count(b), 1);
	size_t sets = count_sets(b, a);
	load(&pa, b, a);
	cr_assert_not(widget_focus_focused(pa.f));
	cr_assert_eq(count_sets(b, a), sets, "I.16: no inFocus write");
	char *v = stored(b, a);
	cr_assert_str_eq(v, old, "the GUID from before the restart stays");
	free(v);
	/* The user turns to the window: the page claims. */
	cr_assert_eq(bsim_tab_focus(b, a), 0);
	expect_owner(b, a, &pa);
	unload(&pa);
	bsim_browser_free(b);
}

Test(widget_focus, a_restart_without_session_restore_keeps_the_key_in_local_storage)
{
	bsim_browser *b = browser(0, 1);
	int a = open_tab(b, WWW);
	page pa;
	load(&pa, b, a);
	char old[WIDGET_FOCUS_GUID_LEN + 1];
	snprintf(old, sizeof old, "%s", widget_focus_guid(pa.f));
	unload(&pa);
	cr_assert_eq(bsim_browser_restart(b), 0);
	int n = open_tab(b, WWW);
	char *v = stored(b, n);
	cr_assert_str_eq(v, old, "localStorage survives a restart (C4)");
	free(v);
	load(&pa, b, n);
	expect_owner(b, n, &pa);
	unload(&pa);
	bsim_browser_free(b);
}

/* cx-app.js reads pageFocus before its focus branch: a tab coming to the front claims in (a) and again in (c),
 * so the key is written "", GUID, "", GUID and the other tab hears four storage events (seen running the
 * widget); a click on the page that owns the key writes nothing. */
Test(widget_focus, a_tab_coming_to_the_front_claims_twice_and_a_click_on_the_owner_writes_nothing)
{
	bsim_browser *b = browser(0, 1);
	int a = open_tab(b, WWW);
	page pa, pb;
	load(&pa, b, a);
	int t = open_tab(b, WWW "cart");
	load(&pb, b, t);
	size_t before = count_sets(b, a);
	cr_assert_eq(bsim_tab_focus(b, a), 0);
	expect_owner(b, a, &pa);
	cr_assert_eq(count_sets(b, a) - before, 4, "the front tab writes the key four times, not %zu",
		     count_sets(b, a) - before);
	before = count_sets(b, a);
	cr_assert_eq(widget_focus_on_event(pa.f, WIDGET_FOCUS_MOUSEDOWN, NULL), 0);
	cr_assert_eq(count_sets(b, a), before, "a click on the owner writes nothing");
	unload(&pa);
	unload(&pb);
	bsim_browser_free(b);
}
