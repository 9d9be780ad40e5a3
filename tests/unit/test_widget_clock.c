/*
 * test_widget_clock.c: the widget model's event loop on the virtual clock
 * (sim/widgets/clock.c), on a real simulated browser whose documents take
 * a page load time and whose chat server answers after a latency: when a
 * restore, a poll and a start are answered, what a page that goes drops,
 * when an agent's line reaches each page and how two pages count it into
 * the shared unread count (widget-behaviour.md I.5), a hidden tab's timers
 * on whole seconds (I.6), chatStartLock while a start is in flight (I.3),
 * the order of answers due at one instant, jitter from the seeded
 * generator, a server slower than the request timeout, and when the model
 * calls itself settled and what it says is due next.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/browser.h"
#include "widgets/widgets.h"
#include "widgets/widgets_internal.h"

/* The recorded runs' figures (tests/widget-oracle/TIMING.md): a page loads in about 200 ms, the server answers in about 100. */
#define LOAD_MS 200
#define LATENCY_MS 100
#define WWW "https://www.testsite.com/"

typedef struct fixture {
	bsim_browser *b;
	widget_world *w;
	int a;
} fixture;

typedef struct setup_opts {
	uint64_t seed;
	int64_t load_ms, latency_ms, jitter_ms;
	int64_t request_timeout_ms; /* 0: the default */
	bool any_site;              /* the widget on every page, not only testsite.com's */
	bool recorded_work;         /* keep the widget's own work times (WIDGET_WORK_RECORDED); else none */
} setup_opts;

#define SETUP_DEFAULT {1, LOAD_MS, LATENCY_MS, 0, 0, false, false}

static bsim_time now(fixture *f)
{
	return bsim_browser_now(f->b);
}

static void run_to(fixture *f, bsim_time at)
{
	cr_assert_eq(widget_advance(f->w, at), 0, "%s", bsim_error_last()->message);
}

static void run_for(fixture *f, int64_t ms)
{
	run_to(f, now(f) + ms);
}

/* A tab on url, its document loaded (the page load time after the open). */
static int open_loaded(fixture *f, const char *url)
{
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, f->b, url, NULL), 0, "%s", bsim_error_last()->message);
	run_for(f, bsim_browser_page_load_ms(f->b));
	return tab;
}

static void setup(fixture *f, const setup_opts *o)
{
	bsim_browser_options bo = BSIM_BROWSER_OPTIONS_INIT;
	bo.open_resolution = 1;
	bo.seed = o->seed;
	bo.page_load_ms = o->load_ms;
	cr_assert_eq(bsim_browser_new(&f->b, &bo), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(widget_world_new(&f->w, f->b), 0);
	widget_config c;
	widget_config_init(&c);
	if (!o->any_site)
		c.site = strdup("testsite.com");
	if (o->request_timeout_ms)
		c.request_timeout_ms = o->request_timeout_ms;
	cr_assert_eq(widget_deploy(f->w, &c), 0);
	widget_config_clear(&c);
	cr_assert_eq(widget_backend_latency(f->w, o->latency_ms, o->jitter_ms), 0);
	/* These tests pin the loop (loads, latency, drops, order); the widget's own work has its test below. */
	if (!o->recorded_work)
		f->w->work = (widget_work){0, 0, 0, 0};
	f->a = open_loaded(f, WWW);
}

static void teardown(fixture *f)
{
	widget_world_free(f->w);
	bsim_browser_free(f->b);
}

static widget_view look(fixture *f, int tab)
{
	widget_view v;
	cr_assert_eq(widget_view_of(f->w, tab, &v), 0, "%s", bsim_error_last()->message);
	return v;
}

static void act(fixture *f, int tab, widget_action a)
{
	cr_assert_eq(widget_act(f->w, tab, a, NULL, NULL), 0, "%s", bsim_error_last()->message);
}

/* Start a chat on tab and run to its start's answer. */
static void start_chat(fixture *f, int tab)
{
	act(f, tab, WIDGET_START);
	cr_assert_eq(look(f, tab).chat, WIDGET_CHAT_OPEN, "the form is submitted; no chat before the start's answer");
	run_for(f, LATENCY_MS);
	cr_assert_eq(look(f, tab).chat, WIDGET_CHAT_ACTIVE, "the chat runs at the start's answer");
}

static void navigate(fixture *f, int tab, const char *url)
{
	cr_assert_eq(bsim_tab_navigate(f->b, tab, url, NULL), 0, "%s", bsim_error_last()->message);
}

/* The trace from index `from` on: entries of tab (-1: any) with code and request name. */
static bool is(const bsim_trace_entry *e, int tab, const char *code, const char *subject)
{
	return (tab < 0 || e->tab == tab) && strcmp(e->code, code) == 0 && e->subject && strcmp(e->subject, subject) == 0;
}

static size_t trace_n(fixture *f, size_t from, int tab, const char *code, const char *subject)
{
	size_t n = 0;
	for (size_t i = from; i < bsim_browser_trace_count(f->b); i++)
		n += is(bsim_browser_trace_at(f->b, i), tab, code, subject);
	return n;
}

/* The instant of the first such entry, or -1. */
static bsim_time trace_first(fixture *f, size_t from, int tab, const char *code, const char *subject)
{
	for (size_t i = from; i < bsim_browser_trace_count(f->b); i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(f->b, i);
		if (is(e, tab, code, subject))
			return e->at;
	}
	return -1;
}

/* Run until tab sends its next request `name`; its instant. */
static bsim_time run_to_sent(fixture *f, int tab, const char *name)
{
	size_t from = bsim_browser_trace_count(f->b);
	for (int guard = 0; guard < 1000 && !trace_n(f, from, tab, "request-sent", name); guard++) {
		bsim_time due = widget_next_due(f->w);
		cr_assert_neq(due, BSIM_TIME_NEVER, "nothing is due: tab %d never sends %s", tab, name);
		run_to(f, due);
	}
	return trace_first(f, from, tab, "request-sent", name);
}

static bool has_cookie(fixture *f, int tab, const char *short_name)
{
	char *v = NULL;
	cr_assert_eq(widget_catch_up(f->w), 0);
	widget_page *p = page_of_tab(f->w, tab);
	cr_assert(p, "tab %d has no widget", tab);
	cr_assert_eq(page_cookie_get(f->w, p, short_name, &v), 0);
	free(v);
	return v != NULL;
}

/* ---- the restore ---- */

Test(widget_clock, a_restore_answers_the_latency_after_the_load)
{
	static const struct { int64_t load_ms, latency_ms; } rows[] = {{LOAD_MS, LATENCY_MS}, {LOAD_MS, 0}, {0, 280}, {450, 30}};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		fixture f;
		setup_opts o = SETUP_DEFAULT;
		o.load_ms = rows[i].load_ms;
		o.latency_ms = rows[i].latency_ms;
		setup(&f, &o);
		act(&f, f.a, WIDGET_START);
		run_for(&f, rows[i].latency_ms);
		cr_assert(look(&f, f.a).live, "row %zu", i);
		size_t from = bsim_browser_trace_count(f.b);
		bsim_time t = now(&f), answer = t + rows[i].load_ms + rows[i].latency_ms;
		navigate(&f, f.a, "https://store.testsite.com/");
		if (answer > t) {
			run_to(&f, answer - 1);
			widget_view v = look(&f, f.a);
			cr_expect_neq(v.chat, WIDGET_CHAT_RESTORED, "row %zu: restored 1 ms before its answer", i);
			cr_expect(!v.loaded || strcmp(v.restore, "none") == 0, "row %zu: restore=%s before its answer", i, v.restore);
		}
		run_to(&f, answer);
		cr_expect_eq(look(&f, f.a).chat, WIDGET_CHAT_RESTORED, "row %zu: not restored at its answer", i);
		cr_expect_eq(trace_first(&f, from, f.a, "request-sent", "restore"), t + rows[i].load_ms,
			     "row %zu: the restore is sent at the load event", i);
		cr_expect_eq(trace_first(&f, from, f.a, "response-received", "restore"), answer, "row %zu", i);
		teardown(&f);
	}
}

typedef struct drop_row {
	const char *rule;
	int64_t second_after; /* the second navigation, this long after the first */
	size_t dropped;       /* restores dropped */
	int restored_events;  /* WebChatService.restored on the tab, both pages */
} drop_row;

Test(widget_clock, a_navigation_while_the_restore_is_in_flight_drops_it)
{
	static const drop_row rows[] = {
		{"before the load event: the widget never ran, nothing was sent", LOAD_MS / 2, 0, 1},
		{"the restore sent, its answer pending: dropped", LOAD_MS + LATENCY_MS / 2, 1, 1},
		{"the restore answered just now: nothing pending", LOAD_MS + LATENCY_MS, 0, 2},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const drop_row *r = &rows[i];
		fixture f;
		setup_opts o = SETUP_DEFAULT;
		setup(&f, &o);
		start_chat(&f, f.a);
		size_t from = bsim_browser_trace_count(f.b);
		bsim_time t = now(&f);
		navigate(&f, f.a, "https://store.testsite.com/");
		run_to(&f, t + r->second_after);
		navigate(&f, f.a, "https://www.testsite.com/cart");
		bsim_time t2 = now(&f);
		cr_assert_eq(widget_catch_up(f.w), 0); /* the model hears the page go */
		cr_expect_eq(trace_n(&f, from, f.a, "request-dropped", "restore"), r->dropped, "%s", r->rule);
		if (r->dropped)
			cr_expect_eq(trace_first(&f, from, f.a, "request-dropped", "restore"), t2, "%s: dropped when the page went", r->rule);
		/* The dropped answer's instant passes without a restore; the new page restores on its own. */
		run_to(&f, t2 + LOAD_MS + LATENCY_MS - 1);
		cr_expect_eq(look(&f, f.a).chat, WIDGET_CHAT_NONE, "%s: the new page restored before its own answer", r->rule);
		run_to(&f, t2 + LOAD_MS + LATENCY_MS);
		cr_expect_eq(look(&f, f.a).chat, WIDGET_CHAT_RESTORED, "%s: the new page restores", r->rule);
		cr_expect_eq(widget_event_count(f.w, f.a, WIDGET_EV_RESTORED), r->restored_events, "%s", r->rule);
		teardown(&f);
	}
}

/* ---- polls ---- */

Test(widget_clock, a_poll_in_flight_when_the_tab_navigates_is_dropped)
{
	static const struct { int64_t after; size_t dropped; } rows[] = {{0, 1}, {LATENCY_MS - 1, 1}, {LATENCY_MS, 0}};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		fixture f;
		setup_opts o = SETUP_DEFAULT;
		setup(&f, &o);
		start_chat(&f, f.a);
		bsim_time sent = run_to_sent(&f, f.a, "poll");
		run_to(&f, sent + rows[i].after);
		size_t from = bsim_browser_trace_count(f.b);
		navigate(&f, f.a, "https://store.testsite.com/");
		cr_assert_eq(widget_catch_up(f.w), 0);
		cr_expect_eq(trace_n(&f, from, f.a, "request-dropped", "poll"), rows[i].dropped, "row %zu", i);
		/* Past the dropped answer's instant: no answer reached any page; the new page polls only after its restore. */
		run_to(&f, sent + LATENCY_MS + LOAD_MS);
		cr_expect_eq(trace_n(&f, from, f.a, "response-received", "poll"), 0, "row %zu: an answer after the page went", i);
		run_to(&f, now(&f) + LATENCY_MS);
		cr_expect_eq(look(&f, f.a).chat, WIDGET_CHAT_RESTORED, "row %zu", i);
		teardown(&f);
	}
}

/* A page's transcript and badge, and the shared count, at the instant its poll's answer brought the line. */
typedef struct reached {
	int tab;
	bsim_time at;
	int badge;
	bool count_present;
} reached;

Test(widget_clock, an_agent_line_reaches_each_page_at_its_next_polls_answer_and_each_counts_it_in_that_order)
{
	fixture f;
	setup_opts o = SETUP_DEFAULT;
	setup(&f, &o);
	start_chat(&f, f.a);
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "Hello", 0), 0);
	int tabs[2] = {f.a, open_loaded(&f, WWW "help")};
	run_for(&f, 3000); /* both pages have Chat Started, the agent's join and line */
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(look(&f, tabs[i]).transcript, 3, "tab %d", tabs[i]);
		act(&f, tabs[i], WIDGET_MINIMIZE);
	}
	cr_assert_not(has_cookie(&f, f.a, "webchat.state.asyncUnreadMessageCount"));
	bsim_time said = now(&f);
	size_t from = bsim_browser_trace_count(f.b);
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "two", 0), 0);
	/* Event by event: a page's transcript grows only at an instant its poll's answer reached it. */
	reached got[2];
	size_t n = 0;
	bool done[2] = {false, false};
	for (int guard = 0; guard < 100 && n < 2; guard++) {
		run_to(&f, widget_next_due(f.w));
		for (int i = 0; i < 2; i++) {
			widget_view v = look(&f, tabs[i]);
			if (done[i] || v.transcript == 3)
				continue;
			cr_assert_eq(v.transcript, 4, "tab %d", tabs[i]);
			done[i] = true;
			got[n++] = (reached){tabs[i], now(&f), v.unread, has_cookie(&f, tabs[i], "webchat.state.asyncUnreadMessageCount")};
		}
	}
	cr_assert_eq(n, 2, "the line reached %zu pages by %lld ms", n, (long long)(now(&f) - said));
	cr_assert_neq(got[0].at, got[1].at, "both pages polled at one instant: the order is not what is looked at");
	for (size_t k = 0; k < 2; k++) {
		size_t at_answer = 0;
		for (size_t i = from; i < bsim_browser_trace_count(f.b); i++) {
			const bsim_trace_entry *e = bsim_browser_trace_at(f.b, i);
			at_answer += is(e, got[k].tab, "response-received", "poll") && e->at == got[k].at;
		}
		cr_expect_eq(at_answer, 1, "tab %d got the line at %lld, not at a poll's answer", got[k].tab,
			     (long long)(got[k].at - said));
		cr_expect_gt(got[k].at, said);
	}
	/* I.5: the first page to read it stores the count 1 (d = 1); the second increments it to 2 and shows 2. */
	cr_expect_eq(got[0].badge, 1, "first page (tab %d)", got[0].tab);
	cr_expect_eq(got[1].badge, 2, "second page (tab %d)", got[1].tab);
	char *count = NULL;
	cr_assert_eq(page_cookie_get(f.w, page_of_tab(f.w, f.a), "webchat.state.asyncUnreadMessageCount", &count), 0);
	cr_expect_str_eq(count, "2");
	free(count);
	teardown(&f);
}

/* The instants tab sent polls at, from trace index `from`. */
static size_t poll_instants(fixture *f, size_t from, int tab, bsim_time *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = from; i < bsim_browser_trace_count(f->b) && n < cap; i++)
		if (is(bsim_browser_trace_at(f->b, i), tab, "request-sent", "poll"))
			out[n++] = bsim_browser_trace_at(f->b, i)->at;
	return n;
}

/* Every poll of `hidden` on a whole second, every poll of `front` on its 250 ms grid from `origin`, and not all on
 * whole seconds (so the hidden tab's alignment is not the grid's). */
static void check_cadence(fixture *f, size_t from, int hidden, int front, bsim_time origin)
{
	bsim_time at[64];
	size_t n = poll_instants(f, from, hidden, at, 64);
	cr_expect_geq(n, 3, "the hidden tab polled %zu times", n);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(at[i] % WIDGET_HIDDEN_TIMER_ALIGN_MS, 0, "hidden tab %d polled at %lld ms", hidden, (long long)(at[i] % 1000));
	n = poll_instants(f, from, front, at, 64);
	cr_expect_geq(n, 3, "the front tab polled %zu times", n);
	size_t off_second = 0;
	for (size_t i = 0; i < n; i++) {
		cr_expect_eq((at[i] - origin) % WIDGET_POLL_TICK_MS, 0, "front tab %d polled off its grid", front);
		off_second += at[i] % WIDGET_HIDDEN_TIMER_ALIGN_MS != 0;
	}
	cr_expect_gt(off_second, 0, "the front tab's polls all fell on whole seconds");
}

Test(widget_clock, a_hidden_tabs_polls_fall_on_whole_seconds_and_the_front_tabs_on_the_250_ms_grid)
{
	/* I.6; Chromium's throttled wake-ups of a hidden tab (WIDGET_HIDDEN_TIMER_ALIGN_MS). */
	fixture f;
	setup_opts o = SETUP_DEFAULT;
	setup(&f, &o);
	cr_assert_eq(now(&f) % 1000, LOAD_MS, "the fixture's clock starts on a whole second");
	act(&f, f.a, WIDGET_START);
	bsim_time a_origin = now(&f) + LATENCY_MS; /* the loop ticks from the start's answer: never on a whole second */
	run_for(&f, 1500);
	int b = -1;
	cr_assert_eq(bsim_tab_open(&b, f.b, WWW "help", NULL), 0);
	bsim_time b_origin = now(&f) + LOAD_MS + LATENCY_MS; /* from its restore's answer */
	size_t from = bsim_browser_trace_count(f.b);
	run_for(&f, 15000);
	cr_assert_eq(look(&f, b).chat, WIDGET_CHAT_RESTORED);
	check_cadence(&f, from, f.a, b, b_origin);
	/* The customer turns back to tab a: a's timers run on its own grid again, b's on whole seconds. */
	cr_assert_eq(bsim_tab_focus(f.b, f.a), 0);
	from = bsim_browser_trace_count(f.b);
	run_for(&f, 15000);
	check_cadence(&f, from, b, f.a, a_origin);
	teardown(&f);
}

/* ---- the start ---- */

Test(widget_clock, chat_start_lock_is_there_while_the_start_is_in_flight_and_refuses_another_tab)
{
	/* I.3, F.31: the lock is written at the send and deleted at the answer; a start under it is refused. */
	static const struct { int64_t after; bool refused; } rows[] = {{0, true}, {LATENCY_MS - 1, true}, {LATENCY_MS, false}};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		fixture f;
		setup_opts o = SETUP_DEFAULT;
		setup(&f, &o);
		int b = open_loaded(&f, WWW "help");
		bsim_time s = now(&f);
		act(&f, f.a, WIDGET_START);
		run_to(&f, s + rows[i].after);
		cr_expect_eq(has_cookie(&f, b, "webchat.state.chatStartLock"), rows[i].refused, "row %zu: the lock %lld ms after the send",
			     i, (long long)rows[i].after);
		act(&f, b, WIDGET_START);
		cr_expect_eq(widget_sent_count(f.w, b, WIDGET_REQ_START), rows[i].refused ? 0 : 1, "row %zu", i);
		if (rows[i].refused)
			cr_expect(strstr(look(&f, b).reason, "startChat refused"), "row %zu: %s", i, look(&f, b).reason);
		run_for(&f, LATENCY_MS);
		cr_expect(look(&f, f.a).live, "row %zu: tab a's chat runs", i);
		cr_expect_eq(look(&f, b).live, !rows[i].refused, "row %zu", i);
		teardown(&f);
	}
}

Test(widget_clock, answers_due_at_one_instant_arrive_in_the_order_their_requests_were_sent)
{
	/* Two sites, so no chatStartLock stands between the two starts. */
	for (int first = 0; first < 2; first++) {
		fixture f;
		setup_opts o = SETUP_DEFAULT;
		o.any_site = true;
		setup(&f, &o);
		int tabs[2] = {f.a, open_loaded(&f, "https://www.othersite.example/")};
		size_t from = bsim_browser_trace_count(f.b);
		bsim_time s = now(&f);
		act(&f, tabs[first], WIDGET_START);
		act(&f, tabs[!first], WIDGET_START);
		run_to(&f, s + LATENCY_MS);
		int order[2], n = 0;
		for (size_t i = from; i < bsim_browser_trace_count(f.b); i++) {
			const bsim_trace_entry *e = bsim_browser_trace_at(f.b, i);
			if (is(e, -1, "response-received", "start") && n < 2) {
				cr_expect_eq(e->at, s + LATENCY_MS);
				order[n++] = e->tab;
			}
		}
		cr_assert_eq(n, 2);
		cr_expect_eq(order[0], tabs[first], "the start sent first is answered first");
		cr_expect_eq(order[1], tabs[!first]);
		teardown(&f);
	}
}

/* ---- the server's answer time ---- */

/* The answer times of the first `cap` requests of tab (sent to answered), in send order. */
static size_t answer_times(fixture *f, int tab, int64_t *out, size_t cap)
{
	size_t n = 0, count = bsim_browser_trace_count(f->b);
	for (size_t i = 0; i < count && n < cap; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(f->b, i);
		if (e->tab != tab || strcmp(e->code, "request-sent") != 0)
			continue;
		for (size_t j = i + 1; j < count; j++) {
			const bsim_trace_entry *r = bsim_browser_trace_at(f->b, j);
			if (is(r, tab, "response-received", e->subject)) {
				out[n++] = r->at - e->at;
				break;
			}
		}
	}
	return n;
}

#define JITTER_MS 400
#define SAMPLES 8

static size_t run_jittered(uint64_t seed, int64_t jitter, int64_t *out)
{
	fixture f;
	setup_opts o = SETUP_DEFAULT;
	o.seed = seed;
	o.jitter_ms = jitter;
	setup(&f, &o);
	act(&f, f.a, WIDGET_START);
	run_for(&f, 15000);
	size_t n = answer_times(&f, f.a, out, SAMPLES);
	teardown(&f);
	return n;
}

Test(widget_clock, jitter_is_drawn_from_the_seed)
{
	int64_t one[SAMPLES], again[SAMPLES], other[SAMPLES], none[SAMPLES];
	cr_assert_eq(run_jittered(1, JITTER_MS, one), SAMPLES);
	cr_assert_eq(run_jittered(1, JITTER_MS, again), SAMPLES);
	cr_assert_eq(run_jittered(2, JITTER_MS, other), SAMPLES);
	cr_assert_eq(run_jittered(1, 0, none), SAMPLES);
	size_t distinct = 0;
	for (size_t i = 0; i < SAMPLES; i++) {
		cr_expect(one[i] >= LATENCY_MS && one[i] <= LATENCY_MS + JITTER_MS, "answer %zu took %lld ms", i, (long long)one[i]);
		cr_expect_eq(none[i], LATENCY_MS, "without jitter every answer takes the latency");
		distinct += i > 0 && one[i] != one[0];
	}
	cr_expect_gt(distinct, 0, "every answer took the same time: no jitter was drawn");
	cr_expect_arr_eq(one, again, sizeof one, "the same seed gives the same instants");
	cr_expect_arr_neq(one, other, sizeof one, "another seed gives other instants");
}

typedef struct slow_row {
	const char *rule;
	int64_t delay_ms;       /* <backend slow=> */
	const char *restore, *code;
	int64_t answered_after; /* the restore's answer, after its send */
} slow_row;

#define TIMEOUT_MS 5000

Test(widget_clock, a_server_slower_than_the_request_timeout_answers_with_a_timeout_at_the_timeout)
{
	static const slow_row rows[] = {
		{"slow within the timeout: restored late", 1000, "restored", "", LATENCY_MS + 1000},
		{"slow past the timeout: restoreFailed at the timeout", TIMEOUT_MS + 1000, "failed", "slow", TIMEOUT_MS},
		/* The delay alone is under the timeout, the delay and the latency are not: the widget still waited the
		 * whole timeout, so the answer is a timeout (the request's whole answer time decides, page_flight). */
		{"latency and delay past the timeout: restoreFailed at the timeout", TIMEOUT_MS - LATENCY_MS / 2, "failed", "slow",
		 TIMEOUT_MS},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const slow_row *r = &rows[i];
		fixture f;
		setup_opts o = SETUP_DEFAULT;
		o.request_timeout_ms = TIMEOUT_MS;
		setup(&f, &o);
		start_chat(&f, f.a);
		cr_assert_eq(widget_backend(f.w, WIDGET_BACKEND_SLOW, r->delay_ms), 0);
		size_t from = bsim_browser_trace_count(f.b);
		navigate(&f, f.a, "https://store.testsite.com/");
		bsim_time sent = now(&f) + LOAD_MS;
		run_to(&f, sent + r->answered_after - 1);
		cr_expect_str_eq(look(&f, f.a).restore, "none", "%s: decided before its answer", r->rule);
		run_to(&f, sent + r->answered_after);
		widget_view v = look(&f, f.a);
		cr_expect_str_eq(v.restore, r->restore, "%s: restore=%s", r->rule, v.restore);
		cr_expect_str_eq(v.restore_code, r->code, "%s: code=%s", r->rule, v.restore_code);
		/* No answer within the timeout is a failed request in the trace. */
		const char *code = strcmp(r->restore, "failed") == 0 ? "request-failed" : "response-received";
		cr_expect_eq(trace_first(&f, from, f.a, code, "restore"), sent + r->answered_after, "%s", r->rule);
		teardown(&f);
	}
}

/* ---- settled, and what is due next ---- */

/* widget_next_due names the instant of the next thing that happens: nothing before it, something at it. */
static void check_next_due(fixture *f, const char *when)
{
	bsim_time due = widget_next_due(f->w);
	cr_assert_neq(due, BSIM_TIME_NEVER, "%s: nothing due", when);
	size_t from = bsim_browser_trace_count(f->b);
	if (due > now(f)) {
		run_to(f, due - 1);
		cr_expect_eq(bsim_browser_trace_count(f->b), from, "%s: something happened before the instant named", when);
	}
	run_to(f, due);
	cr_expect_gt(bsim_browser_trace_count(f->b), from, "%s: nothing happened at the instant named", when);
}

Test(widget_clock, settled_and_next_due_follow_the_requests_and_the_servers_news)
{
	fixture f;
	setup_opts o = SETUP_DEFAULT;
	setup(&f, &o);
	cr_expect(widget_settled(f.w), "a page with nothing to do");
	cr_expect_eq(widget_next_due(f.w), BSIM_TIME_NEVER, "no timer armed without a chat or an auto-invite");
	bsim_time s = now(&f);
	act(&f, f.a, WIDGET_START);
	cr_expect_not(widget_settled(f.w), "the start is in flight");
	cr_expect_eq(widget_next_due(f.w), s + LATENCY_MS);
	check_next_due(&f, "the start's answer");
	cr_expect_not(widget_settled(f.w), "the server holds Chat Started the page has not polled for");
	check_next_due(&f, "the first poll");
	cr_expect_eq(trace_first(&f, 0, f.a, "request-sent", "poll"), now(&f));
	cr_expect_not(widget_settled(f.w), "the poll is in flight");
	check_next_due(&f, "the first poll's answer");
	cr_expect(widget_settled(f.w), "the page has all the server has");
	cr_assert_eq(widget_agent(f.w, WIDGET_AGENT_SAY, "Hello", 0), 0);
	cr_expect_not(widget_settled(f.w), "the server holds the agent's line");
	bsim_time poll = run_to_sent(&f, f.a, "poll");
	run_to(&f, poll + LATENCY_MS);
	cr_expect_eq(look(&f, f.a).transcript, 3);
	cr_expect(widget_settled(f.w), "the poll brought the line");
	navigate(&f, f.a, "https://store.testsite.com/");
	cr_expect_not(widget_settled(f.w), "the old document's unload and the new one's load are pending");
	cr_expect_eq(widget_next_due(f.w), now(&f), "the unload is due at once");
	cr_assert_eq(widget_catch_up(f.w), 0);
	cr_expect_not(widget_settled(f.w), "the new document's load is pending");
	cr_expect_eq(widget_next_due(f.w), now(&f) + LOAD_MS, "%lld", (long long)(widget_next_due(f.w) - now(&f)));
	check_next_due(&f, "the new page's load");
	cr_expect_eq(trace_first(&f, 0, f.a, "request-sent", "restore"), now(&f), "the load sends the restore");
	teardown(&f);
}

/*
 * The widget's own work (TIMING.md medians): the chat form's submit sends
 * the start 172 ms after the click, WebChatService.started shows 65 ms after
 * its answer; the App asks for a restore 33 ms after the load, restored
 * shows 39 ms after the answer.
 */
Test(widget_clock, the_widgets_own_work_delays_the_start_and_the_restore_as_recorded)
{
	setup_opts o = SETUP_DEFAULT;
	o.recorded_work = true;
	fixture f;
	setup(&f, &o);
	size_t from = bsim_browser_trace_count(f.b);
	bsim_time click = now(&f);
	act(&f, f.a, WIDGET_START);
	run_for(&f, WIDGET_START_SUBMIT_MS - 1);
	cr_expect_eq(trace_n(&f, from, f.a, "request-sent", "start"), 0, "no start before the submit's work is done");
	run_for(&f, 1);
	cr_expect_eq(trace_first(&f, from, f.a, "request-sent", "start"), click + WIDGET_START_SUBMIT_MS);
	run_for(&f, LATENCY_MS + WIDGET_START_WORK_MS - 1);
	cr_expect_eq(look(&f, f.a).chat, WIDGET_CHAT_OPEN, "started shows only after the answer's work");
	run_for(&f, 1);
	cr_expect_eq(look(&f, f.a).chat, WIDGET_CHAT_ACTIVE);
	run_for(&f, 2000);
	from = bsim_browser_trace_count(f.b);
	bsim_time nav = now(&f);
	navigate(&f, f.a, WWW "next");
	run_for(&f, LOAD_MS + WIDGET_RESTORE_AFTER_LOAD_MS);
	cr_expect_eq(trace_first(&f, from, f.a, "request-sent", "restore"), nav + LOAD_MS + WIDGET_RESTORE_AFTER_LOAD_MS);
	run_for(&f, LATENCY_MS + WIDGET_RESTORE_WORK_MS - 1);
	cr_expect_neq(look(&f, f.a).chat, WIDGET_CHAT_RESTORED, "restored shows only after the answer's work");
	run_for(&f, 1);
	cr_expect_eq(look(&f, f.a).chat, WIDGET_CHAT_RESTORED);
	teardown(&f);
}
