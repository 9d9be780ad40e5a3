/*
 * clock.c: the widget's event loop on the virtual clock. What a page
 * script waits for is an event at an instant: a page's load event (the
 * browser's page load time after its navigation), the answer to a request
 * (sent now, answered after the chat server's latency and jitter, or its
 * `slow` delay, never later than the request timeout), the poll loop's
 * ticks, the invite's idle timer, and the server's own timers (an agent's
 * idle limit). widget_advance runs them in time order up to an instant.
 *
 * At one instant the order is fixed, so a run is reproducible: page events
 * in the order the browser told them, then answers in the order their
 * requests were sent, then the pages' timers (page by page, in the order
 * the pages loaded; the restore of the App's init, a submitted start, a
 * poll, then an invite), then the server's timers.
 *
 * A page that goes (navigation, reload, tab or browser closed) takes its
 * timers with it, and every request in flight is dropped, as a browser
 * aborts a document's XHRs: the trace says what was pending. A hidden
 * tab's timers wake on whole seconds (WIDGET_HIDDEN_TIMER_ALIGN_MS);
 * answers are network events and are not throttled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"
#include "widgets/widgets_internal.h"

/* ---- page events, heard from the browser ---- */

void widget_page_heard(const bsim_page_event *ev, void *userdata)
{
	widget_world *w = userdata;
	if (ev->kind == BSIM_PAGE_UNLOAD) {
		/* A document that goes before its load event never ran the widget: its load is dropped. */
		size_t o = 0;
		for (size_t i = 0; i < w->n_tasks; i++)
			if (!(w->tasks[i].kind == BSIM_PAGE_LOAD && w->tasks[i].tab == ev->tab))
				w->tasks[o++] = w->tasks[i];
		w->n_tasks = o;
	}
	if (ARRAY_GROW(&w->tasks, &w->cap_tasks, w->n_tasks + 1) < 0) {
		w->tasks_lost = true;
		return;
	}
	bsim_time due = ev->kind == BSIM_PAGE_LOAD ? ev->load_at : ev->at;
	w->tasks[w->n_tasks++] = (page_task){ev->kind, ev->tab, due, ev->restored != 0, ev->persisted != 0};
}

/* The first task due at or before `to` (ties: the order heard), or SIZE_MAX. */
static size_t first_task(const widget_world *w, bsim_time to)
{
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < w->n_tasks; i++)
		if (w->tasks[i].due <= to && (best == SIZE_MAX || w->tasks[i].due < w->tasks[best].due))
			best = i;
	return best;
}

int widget_sync(widget_world *w)
{
	if (w->tasks_lost)
		return error_oom();
	int rc = 0;
	bsim_time now = bsim_browser_now(w->b);
	/* A handler may hear more events: the queue is looked at again at every turn. */
	for (size_t i; rc >= 0 && (i = first_task(w, now)) != SIZE_MAX;) {
		page_task t = w->tasks[i];
		memmove(w->tasks + i, w->tasks + i + 1, (w->n_tasks - i - 1) * sizeof *w->tasks);
		w->n_tasks--;
		if (t.kind == BSIM_PAGE_LOAD)
			rc = page_load(w, t.tab, t.restored);
		else if (!t.persisted)
			page_unload(w, t.tab);
		else
			page_freeze(w, t.tab);
		/* A tab the browser keeps for session restore keeps its page until the restored load replaces it, but the
		 * browser has quit: its requests in flight are dropped and its timers stop (t-restart-poll-in-flight: the
		 * poll in flight never ended). */
	}
	return rc;
}

/* ---- requests in flight ---- */

/* How long the server takes to answer a request sent now (uncut: the caller applies the request timeout). */
static bsim_time answer_delay(widget_world *w)
{
	const chat_backend *be = &w->be;
	bsim_time d = be->latency_ms;
	/* Jitter only when asked for: a draw moves the seeded generator, and with it every later id. */
	if (be->jitter_ms > 0)
		d += (bsim_time)(bsim_browser_random(w->b) % (uint64_t)(be->jitter_ms + 1));
	return d + be->delay_ms;
}

int page_request(widget_world *w, widget_page *p, widget_request r)
{
	page_sent(w, p, r);
	page_flight *f = NULL;
	for (size_t i = 0; i < WIDGET_FLIGHTS_MAX && !f; i++)
		if (!p->flights[i].used)
			f = &p->flights[i];
	if (!f)
		return error_set(BSIM_ELIMIT, "the page has %d requests in flight, the model's limit", WIDGET_FLIGHTS_MAX);
	bsim_time now = bsim_browser_now(w->b);
	/* The page's own work on the answer (parsing, rendering) before what the model does with it shows. */
	bsim_time work = r == WIDGET_REQ_START ? w->work.start_answer : r == WIDGET_REQ_RESTORE ? w->work.restore_answer : 0;
	/* The widget gives up at its request timeout: an answer that would come later is a timeout, at that instant. */
	bsim_time d = answer_delay(w);
	bool timed_out = d >= w->cfg.request_timeout_ms;
	*f = (page_flight){true, r, now, now + (timed_out ? w->cfg.request_timeout_ms : d + work), w->flight_seq++, timed_out};
	char detail[96];
	snprintf(detail, sizeof detail, "to the chat server, answer due in %lld ms", (long long)(f->due - now));
	bsim_script_request_trace(w->b, p->tab, BSIM_REQUEST_SENT, widget_request_name(r), detail);
	return 0;
}

bool page_awaits(const widget_page *p, widget_request r)
{
	for (size_t i = 0; i < WIDGET_FLIGHTS_MAX; i++)
		if (p->flights[i].used && p->flights[i].kind == r)
			return true;
	return false;
}

void page_freeze(widget_world *w, int tab)
{
	widget_page *p = page_of_tab(w, tab);
	if (!p)
		return;
	page_drop_flights(w, p);
	p->next_poll = p->next_invite = p->next_restore = p->next_start = WIDGET_NEVER;
	p->starting = false;
}

void page_drop_flights(widget_world *w, widget_page *p)
{
	bsim_time now = bsim_browser_now(w->b);
	for (size_t i = 0; i < WIDGET_FLIGHTS_MAX; i++) {
		page_flight *f = &p->flights[i];
		if (!f->used)
			continue;
		char detail[200];
		snprintf(detail, sizeof detail, "its page went %lld ms after the send, before the answer (due %lld ms after the send)",
			 (long long)(now - f->sent_at), (long long)(f->due - f->sent_at));
		bsim_script_request_trace(w->b, p->tab, BSIM_REQUEST_DROPPED, widget_request_name(f->kind), detail);
		f->used = false;
	}
}

void widget_fail_flights(widget_world *w)
{
	bsim_time now = bsim_browser_now(w->b);
	for (size_t i = 0; i < w->pages_end; i++)
		for (size_t j = 0; w->pages[i].used && j < WIDGET_FLIGHTS_MAX; j++)
			if (w->pages[i].flights[j].used && w->pages[i].flights[j].due > now)
				w->pages[i].flights[j].due = now;
}

/* The answer to f reaches p: traced, then handled by what sent it. */
static int flight_answer(widget_world *w, widget_page *p, page_flight *f)
{
	widget_request r = f->kind;
	bool timed_out = f->timed_out;
	f->used = false;
	/* A server that is down (or resets connections) gives no answer, nor one slower than the widget waits. */
	if (timed_out)
		bsim_script_request_trace(w->b, p->tab, BSIM_REQUEST_FAILED, widget_request_name(r),
					  "no answer within the widget's request timeout");
	else if (w->be.down || w->be.status == WIDGET_STATUS_RESET)
		bsim_script_request_trace(w->b, p->tab, BSIM_REQUEST_FAILED, widget_request_name(r),
					  "the connection to the chat server failed (it is down or reset the connection)");
	else
		bsim_script_request_trace(w->b, p->tab, BSIM_REQUEST_ANSWERED, widget_request_name(r), NULL);
	w->answer_timed_out = timed_out;
	int rc = 0;
	switch (r) {
	case WIDGET_REQ_RESTORE:
		rc = page_restore_answer(w, p);
		break;
	case WIDGET_REQ_POLL:
		rc = chat_poll_answer(w, p);
		break;
	case WIDGET_REQ_START:
		rc = chat_start_answer(w, p);
		break;
	case WIDGET_REQ_SEND:
		rc = chat_send_answer(w, p);
		break;
	default:
		break; /* a disconnect or a customNotice: nothing in the page waits for it */
	}
	w->answer_timed_out = false;
	return rc;
}

/* ---- the clock ---- */

typedef enum event_kind { EV_NONE, EV_TASK, EV_ANSWER, EV_RESTORE, EV_START, EV_POLL, EV_INVITE, EV_IDLE_END } event_kind;

typedef struct next_event {
	event_kind kind;
	bsim_time at;
	size_t page, slot; /* the page (or chat, for EV_IDLE_END) and the flight */
} next_event;

/* A timer of p's document, due at `due`, as the browser runs it: a hidden tab's on the next whole second. */
static bsim_time timer_due(const widget_world *w, const widget_page *p, bsim_time due)
{
	if (due == WIDGET_NEVER || bsim_tab_visible(w->b, p->tab))
		return due;
	bsim_time a = WIDGET_HIDDEN_TIMER_ALIGN_MS;
	bsim_time r = due % a;
	return r ? due + (a - r) : due;
}

static void consider(next_event *e, event_kind k, bsim_time at, size_t page, size_t slot)
{
	/* Strictly earlier wins: at one instant the first considered (the documented order) stays. */
	if (at == WIDGET_NEVER || (e->kind != EV_NONE && at >= e->at))
		return;
	*e = (next_event){k, at, page, slot};
}

/* The earliest event at or before `to`, in the order the file's head documents. */
static next_event next_event_until(widget_world *w, bsim_time to)
{
	next_event e = {EV_NONE, 0, 0, 0};
	size_t t = first_task(w, to);
	if (t != SIZE_MAX)
		consider(&e, EV_TASK, w->tasks[t].due, t, 0);
	/* Answers: the earliest, and at one instant the first sent. */
	const page_flight *best = NULL;
	size_t bp = 0, bs = 0;
	for (size_t i = 0; i < w->pages_end; i++) {
		const widget_page *p = &w->pages[i];
		for (size_t j = 0; p->used && j < WIDGET_FLIGHTS_MAX; j++) {
			const page_flight *f = &p->flights[j];
			if (f->used && f->due <= to &&
			    (!best || f->due < best->due || (f->due == best->due && f->seq < best->seq))) {
				best = f;
				bp = i;
				bs = j;
			}
		}
	}
	if (best)
		consider(&e, EV_ANSWER, best->due, bp, bs);
	for (size_t i = 0; i < w->pages_end; i++) {
		widget_page *p = &w->pages[i];
		if (!p->used)
			continue;
		/* The App's init is part of the load, not a timer the browser throttles. */
		if (p->next_restore <= to)
			consider(&e, EV_RESTORE, p->next_restore, i, 0);
		if (p->next_start <= to)
			consider(&e, EV_START, p->next_start, i, 0);
		bsim_time poll = timer_due(w, p, p->next_poll), invite = timer_due(w, p, p->next_invite);
		if (poll <= to)
			consider(&e, EV_POLL, poll, i, 0);
		if (invite <= to)
			consider(&e, EV_INVITE, invite, i, 0);
	}
	for (size_t i = 0; i < w->be.n; i++) {
		chat_session *s = &w->be.sessions[i];
		if (s->ended || !s->idle_limit_ms)
			continue;
		bsim_time due = s->last_customer_at + s->idle_limit_ms;
		if (due <= to)
			consider(&e, EV_IDLE_END, due, i, 0);
	}
	return e;
}

int widget_push(widget_world *w, chat_session *s)
{
	/* purecloud-v2-sockets pushes every message over its socket at once; the REST transports wait for their polls. */
	if (w->cfg.transport != WIDGET_TRANSPORT_V2_SOCKETS)
		return 0;
	widget_page *pages[WIDGET_PAGES_MAX];
	size_t n = pages_of_chat(w, s->id, pages);
	int rc = 0;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		widget_page *p = pages[i];
		while (rc >= 0 && p->position < s->n_lines)
			rc = chat_deliver(w, p, (line_kind)s->lines[p->position++]);
		if (rc >= 0 && s->ended)
			rc = chat_end_local(w, p, true);
	}
	return rc;
}

int chat_ended_by_server(widget_world *w, chat_session *s)
{
	/* The agent's ParticipantLeft, then chatEnded: each page reads both at its next poll (v2: pushed at once). */
	int rc = s->agent_present ? backend_agent_leave(s) : 0;
	s->ended = true;
	return rc < 0 ? rc : widget_push(w, s);
}

static int run_event(widget_world *w, const next_event *e)
{
	widget_page *p = &w->pages[e->page];
	switch (e->kind) {
	case EV_TASK:
		return widget_sync(w);
	case EV_ANSWER:
		return flight_answer(w, p, &p->flights[e->slot]);
	case EV_RESTORE:
		p->next_restore = WIDGET_NEVER;
		return page_restore(w, p);
	case EV_START:
		p->next_start = WIDGET_NEVER;
		return chat_start(w, p);
	case EV_POLL:
		p->next_poll = WIDGET_NEVER;
		return chat_poll(w, p);
	case EV_INVITE:
		p->next_invite = WIDGET_NEVER;
		return chat_invite_fire(w, p);
	case EV_IDLE_END:
		return chat_ended_by_server(w, &w->be.sessions[e->page]);
	case EV_NONE:
		break;
	}
	return 0;
}

int widget_advance(widget_world *w, bsim_time to)
{
	int rc = widget_sync(w);
	/* Each event fires once and re-arms later, so this ends; the bound guards against one that does not move. */
	for (size_t guard = 0; rc >= 0 && guard < 10000000; guard++) {
		next_event e = next_event_until(w, to);
		if (e.kind == EV_NONE)
			break;
		bsim_time now = bsim_browser_now(w->b);
		if (e.at > now && (rc = bsim_browser_wait(w->b, e.at - now)) < 0)
			return rc;
		if ((rc = run_event(w, &e)) >= 0)
			rc = widget_sync(w);
	}
	bsim_time now = bsim_browser_now(w->b);
	if (rc >= 0 && to > now)
		rc = bsim_browser_wait(w->b, to - now);
	return rc;
}

void widget_view_timing(widget_world *w, const widget_page *p, widget_view *out)
{
	out->sleeping = p->live && w->cfg.sleep_enabled && !(p->focus && widget_focus_focused(p->focus));
	out->next_poll = p->next_poll == WIDGET_NEVER ? BSIM_TIME_NEVER : timer_due(w, p, p->next_poll);
	chat_session *s = p->live ? backend_find(&w->be, p->session_id) : NULL;
	out->unfetched = s && s->n_lines > p->position ? (int)(s->n_lines - p->position) : 0;
	out->others_minimized = 0;
	for (size_t i = 0; p->live && i < w->pages_end; i++) {
		const widget_page *o = &w->pages[i];
		out->others_minimized += o != p && o->used && o->live && o->minimized && strcmp(o->session_id, p->session_id) == 0;
	}
}

int widget_catch_up(widget_world *w)
{
	return widget_advance(w, bsim_browser_now(w->b));
}

bsim_time widget_next_due(widget_world *w)
{
	next_event e = next_event_until(w, BSIM_TIME_NEVER - 1);
	return e.kind == EV_NONE ? BSIM_TIME_NEVER : e.at;
}

static bool page_starting(const widget_page *p)
{
	return p->starting;
}

static bool page_sending(const widget_page *p)
{
	return page_awaits(p, WIDGET_REQ_SEND);
}

/* Run the clock, event by event, while p is there and still waiting (the bound guards against an event that does not move). */
static int run_while(widget_world *w, widget_page *p, bool (*waiting)(const widget_page *p))
{
	int rc = 0;
	for (size_t guard = 0; rc >= 0 && p->used && waiting(p) && guard < 1000000; guard++) {
		bsim_time due = widget_next_due(w);
		if (due == BSIM_TIME_NEVER)
			break;
		rc = widget_advance(w, due);
	}
	return rc;
}

int widget_await_answer(widget_world *w, int tab, widget_action a)
{
	widget_page *p = page_of_tab(w, tab);
	if (!p || (a != WIDGET_START && a != WIDGET_SEND))
		return 0;
	return run_while(w, p, a == WIDGET_START ? page_starting : page_sending);
}

int widget_run_until_started(widget_world *w, widget_page *p)
{
	return run_while(w, p, page_starting);
}

/* A page of a chat the server has news for that the page has not fetched: lines, or its end. */
static bool page_has_news(widget_world *w, const widget_page *p)
{
	if (!p->live || w->cfg.transport == WIDGET_TRANSPORT_V2_SOCKETS)
		return false;
	chat_session *s = backend_find(&w->be, p->session_id);
	return s && (p->position < s->n_lines || s->ended || s->forgotten);
}

bool widget_settled(widget_world *w)
{
	if (w->n_tasks)
		return false;
	for (size_t i = 0; i < w->pages_end; i++) {
		const widget_page *p = &w->pages[i];
		if (!p->used)
			continue;
		for (size_t j = 0; j < WIDGET_FLIGHTS_MAX; j++)
			if (p->flights[j].used)
				return false;
		if (p->next_restore != WIDGET_NEVER || p->starting || page_has_news(w, p))
			return false;
	}
	return true;
}
