/*
 * runner.c: running one scenario on a fresh simulated browser and keeping
 * what a reporter needs. The steps run in order on one virtual clock and
 * stop at the first one that fails or cannot run; failure.c writes the
 * failure (where, what was expected and found, the cause the trace gives,
 * the replay command) and judges expect-failure. The tabs a scenario names
 * and the hosts lines it adds are kept here. The trace is copied into the
 * result, so reporters never look at a live browser (unless the scenario
 * is events_only: its caller heard the trace as it happened).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario/run/runner_internal.h"
#include "scenario/run/story.h"
#include "util/timefmt.h"
#include "util/grow.h"

void run_elapsed(bsim_time start, bsim_time at, char *out, size_t outlen)
{
	/* Milliseconds too: sub-second waits ("500ms") would otherwise print two different instants alike. */
	int64_t ms = time_since(at, start);
	time_format_span(ms < 0 ? 0 : ms, out, outlen);
}

int run_advance(run_ctx *rc, int64_t ms)
{
	bsim_time now = bsim_browser_now(rc->browser);
	if (ms > INT64_MAX - now)
		return error_set(BSIM_ELIMIT, "the virtual clock would overflow");
	return run_advance_to(rc, now + ms);
}

int64_t run_within_ms(const run_ctx *rc)
{
	return rc->sc->within_given ? rc->sc->within_ms : EXPECT_WITHIN_DEFAULT_MS;
}

/*
 * Put the clock where step s stands (after=, at=) before it runs, running
 * everything due on the way. An at= the clock has passed is an error: the
 * steps run in file order, and a step cannot go back in time.
 */
static int place_step(run_ctx *rc, const step *s)
{
	if (s->place == STEP_PLACE_NONE)
		return 0;
	if (s->place == STEP_PLACE_AFTER)
		return s->place_ms ? run_advance(rc, s->place_ms) : 0;
	bsim_time now = bsim_browser_now(rc->browser);
	if (s->place_ms > INT64_MAX - rc->start)
		return step_error(s, BSIM_ELIMIT, "at=\"%s\": the virtual clock would overflow", step_attr(s, "at"));
	bsim_time to = rc->start + s->place_ms;
	if (to < now) {
		char want[TIME_SPAN_LEN], was[TIME_SPAN_LEN];
		run_elapsed(rc->start, to, want, sizeof want);
		run_elapsed(rc->start, now, was, sizeof was);
		return step_error(s, BSIM_EINVAL,
				  "at=\"%s\" is %s, but the clock is already at %s: steps run in file order; place this one after the previous step with after=\"...\"",
				  step_attr(s, "at"), want, was);
	}
	return run_advance_to(rc, to);
}

int run_advance_to(run_ctx *rc, bsim_time to)
{
	bsim_time now = bsim_browser_now(rc->browser);
	if (to < now)
		to = now;
	if (rc->ext.advance)
		return rc->ext.advance(rc, to);
	return bsim_browser_wait(rc->browser, to - now);
}

int run_page_loaded(run_ctx *rc)
{
	bsim_time ms = bsim_browser_page_load_ms(rc->browser);
	return ms > 0 ? run_advance(rc, ms) : 0;
}

bsim_time run_next_due(run_ctx *rc)
{
	return rc->ext.next_due ? rc->ext.next_due(rc) : BSIM_TIME_NEVER;
}

/*
 * Events run at one instant before a wait moves on to its limit regardless:
 * a model that leaves an event due now however often it runs must not hang
 * the run. Far more than one instant holds in practice (a poll, its
 * response, a page's handlers).
 */
#define RUN_EVENTS_AT_ONE_INSTANT_MAX 1000

int run_advance_next(run_ctx *rc, bsim_time limit)
{
	bsim_time now = bsim_browser_now(rc->browser), due = run_next_due(rc);
	bsim_time to = due == BSIM_TIME_NEVER || due > limit ? limit : due < now ? now : due;
	if (to > now || now != rc->stuck_at)
		rc->stuck_events = 0;
	rc->stuck_at = now;
	if (to == now && ++rc->stuck_events > RUN_EVENTS_AT_ONE_INSTANT_MAX)
		to = limit;
	return run_advance_to(rc, to);
}

bool run_settled(run_ctx *rc)
{
	return rc->ext.settled ? rc->ext.settled(rc) : true;
}

/* Scenario tab names, sorted, for "no tab named" messages. */
typedef struct name_list {
	const char **names;
	size_t n;
} name_list;

static void collect_name(const char *key, void *value, void *ud)
{
	(void)value;
	name_list *l = ud;
	l->names[l->n++] = key;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ", "-joined tab names, sorted (so messages are the same every run); open ones only when open_only. */
static void put_tab_names(buf *out, run_ctx *rc, bool open_only)
{
	name_list l = {calloc(rc->tabs.count ? rc->tabs.count : 1, sizeof *l.names), 0};
	if (!l.names)
		return;
	strmap_foreach(&rc->tabs, collect_name, &l);
	qsort(l.names, l.n, sizeof *l.names, by_name);
	size_t shown = 0;
	for (size_t i = 0; i < l.n; i++) {
		int id = (int)(intptr_t)strmap_get(&rc->tabs, l.names[i], strlen(l.names[i]));
		if (open_only && !bsim_tab_url(rc->browser, id))
			continue;
		buf_printf(out, "%s%s", shown++ ? ", " : "", l.names[i]);
	}
	if (!shown)
		buf_puts(out, "none");
	free(l.names);
}

int run_tab(int *out, run_ctx *rc, const step *s)
{
	const char *name = step_attr(s, "tab");
	if (!name)
		name = rc->last_tab;
	if (!name)
		return step_error(s, BSIM_ENOTFOUND,
				  "no tab to act on: no tab was opened yet; open one with <tab name=\"...\" url=\"...\"/> or name one with tab=\"...\"");
	void *v = strmap_get(&rc->tabs, name, strlen(name));
	buf names = BUF_INIT;
	int rc2 = 0;
	if (!v) {
		put_tab_names(&names, rc, false);
		rc2 = step_error(s, BSIM_ENOTFOUND, "no tab named \"%s\" (tabs named so far: %s)", name,
				 buf_cstr(&names));
	} else if (!bsim_tab_url(rc->browser, (int)(intptr_t)v)) {
		put_tab_names(&names, rc, true);
		rc2 = step_error(s, BSIM_ENOTFOUND,
				 "tab \"%s\" is not open: it was closed, or the browser closed (open tabs: %s)", name,
				 buf_cstr(&names));
	} else {
		*out = (int)(intptr_t)v;
		rc->last_tab = name;
	}
	buf_free(&names);
	return rc2;
}

int run_name_tab(run_ctx *rc, const char *name, int id)
{
	if (strmap_put(&rc->tabs, name, strlen(name), (void *)(intptr_t)id) < 0)
		return error_oom();
	rc->last_tab = name;
	return 0;
}

/* ---- the result ---- */

/* Trace entries are borrowed from the browser, which the run frees: keep copies. */
static int copy_trace(bsim_result *r, const bsim_browser *b)
{
	size_t n = bsim_browser_trace_count(b);
	if (!n)
		return 0;
	if (!(r->trace = calloc(n, sizeof *r->trace)))
		return error_oom();
	for (size_t i = 0; i < n; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(b, i);
		bsim_trace_entry *c = &r->trace[i];
		*c = *e;
		c->code = strdup(e->code);
		c->message = strdup(e->message);
		c->subject = e->subject ? strdup(e->subject) : NULL;
		r->n_trace = i + 1;
		if (!c->code || !c->message || (e->subject && !c->subject))
			return error_oom();
	}
	return 0;
}

/*
 * Hosts text failed at line N of the text (the error's fields; its message
 * says only what failed): say it at the element, as "hosts line N: WHAT".
 */
static int hosts_error(int code, const src_loc *at)
{
	error_state e;
	error_save(&e);
	if (e.has_file && strcmp(e.file, "hosts") == 0 && e.line > 0)
		return error_set_at(code, at->file, at->line, at->col, "hosts line %d: %s", e.line, e.message);
	return error_set_at(code, at->file, at->line, at->col, "%s", e.message);
}

int run_add_hosts(run_ctx *rc, const char *text, const src_loc *at)
{
	int code = bsim_browser_add_hosts(rc->browser, text, "hosts");
	return code < 0 ? hosts_error(code, at) : 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The browser tells a load as the navigation starts; its load event fires at load_at (page.c). */
static void heard_page(const bsim_page_event *ev, void *userdata)
{
	run_ctx *rc = userdata;
	if (ev->kind != BSIM_PAGE_LOAD)
		return;
	if (ARRAY_GROW(&rc->loads, &rc->cap_loads, rc->n_loads + 1) < 0) {
		rc->loads_lost = true;
		return;
	}
	rc->loads[rc->n_loads++] = (run_load){ev->tab, ev->load_at};
}

static void run_ctx_free(run_ctx *rc)
{
	/* An extension holds listeners on the browser's tabs: it goes first. */
	if (rc->ext.free)
		rc->ext.free(rc->ext.data);
	free(rc->fail_subject);
	free(rc->marks);
	free(rc->mark_steps);
	free(rc->loads);
	strmap_free(&rc->tabs);
	buf_free(&rc->failure);
	for (size_t i = 0; i < rc->n_causes; i++)
		free(rc->causes[i]);
	free(rc->causes);
	bsim_browser_free(rc->browser);
}

static int add_mark(run_ctx *rc, size_t mark, const step *s)
{
	if (ARRAY_GROW(&rc->marks, &rc->cap_marks, rc->n_marks + 1) < 0 ||
	    ARRAY_GROW(&rc->mark_steps, &rc->cap_mark_steps, rc->n_marks + 1) < 0)
		return BSIM_ENOMEM;
	rc->marks[rc->n_marks] = mark;
	rc->mark_steps[rc->n_marks++] = s;
	return 0;
}

/* A navigation step's own load-time= holds for the documents it loads; the scenario's comes back after it. */
static int run_with_load_time(step *s, run_ctx *rc)
{
	int64_t ms;
	if (!step_attr(s, "load-time"))
		return s->kind->run(s, rc);
	int code = step_attr_duration(s, "load-time", &ms);
	if (code < 0 || (code = bsim_browser_set_page_load_ms(rc->browser, ms)) < 0)
		return code;
	code = s->kind->run(s, rc);
	int back = bsim_browser_set_page_load_ms(rc->browser, rc->sc->page_load_ms);
	return code < 0 ? code : back;
}

/* The steps, in order, until one fails or cannot run. */
static int run_steps(bsim_result *r, run_ctx *rc)
{
	const bsim_scenario *sc = rc->sc;
	if (sc->hosts) {
		const src_loc *at = sc->hosts_at.file ? &sc->hosts_at : &sc->at;
		int code = run_add_hosts(rc, sc->hosts, at);
		if (code == BSIM_ENOMEM)
			return code;
		if (code < 0)
			return result_compose_error(r, at);
	}
	for (size_t i = 0; i < sc->n_steps && i < rc->stop_after; i++) {
		step *s = &sc->steps[i];
		size_t mark = bsim_browser_trace_count(rc->browser);
		int code;
		/* Marks serve stories, which an events_only caller never reads (its steps never run_fail). */
		if (!sc->events_only && (code = add_mark(rc, mark, s)) < 0)
			return code;
		if (!s->kind || !s->kind->run)
			code = step_error(s, BSIM_EINVAL, "<%s> is not a step bsim knows", s->element ? s->element : "?");
		else if ((code = place_step(rc, s)) == 0)
			code = run_with_load_time(s, rc);
		if (code == 0 && rc->ext.after_step)
			code = rc->ext.after_step(rc);
		if (code == 0 && rc->loads_lost)
			code = error_oom(); /* a load event could not be kept: <wait for="load"> would miss it */
		if (code == STEP_FAILED) {
			/* A kind that reports failure without run_fail still gets a located message. */
			if (!rc->failed_step) {
				rc->failed_step = s;
				buf_printf(&rc->failure, "expectation failed: <%s>", s->element ? s->element : "?");
			}
			r->outcome = BSIM_FAILED;
			return result_compose_failure(r, rc);
		}
		/*
		 * Any error of a step, memory included, is this scenario's: it ends
		 * with the error and the suite goes on (only composing the result
		 * itself failing for memory stops the run).
		 */
		if (code < 0) {
			int c2 = run_add_error_causes(rc, mark);
			if (c2 < 0)
				return c2;
			return result_compose_error(r, &s->at);
		}
	}
	return 0;
}

int bsim_scenario_run(bsim_result **out, const bsim_scenario *sc, const bsim_run_options *opts)
{
	return runner_run(out, sc, opts, SIZE_MAX);
}

int runner_run(bsim_result **out, const bsim_scenario *sc, const bsim_run_options *opts, size_t stop_after)
{
	uint64_t started = now_ns();
	bsim_result *r = calloc(1, sizeof *r);
	if (!r)
		return error_oom();
	r->sc = sc;
	r->seed = opts && opts->seed_set ? opts->seed : sc->seed;
	/* The file's now= wins: the scenario was written for that instant. */
	r->start_from_run = !sc->start_given && opts && opts->version >= 2 && opts->now_set;
	r->start_time = r->start_from_run ? opts->now : sc->start_time;
	if (opts) {
		/* Version 1 fields only: a caller built against version 1 passes a shorter struct. */
		r->run.live = opts->live;
		r->run.ca_file = opts->ca_file;
		r->run.insecure = opts->insecure;
	}

	bsim_browser_options bo = BSIM_BROWSER_OPTIONS_INIT;
	bo.engine = sc->engine;
	bo.seed = r->seed;
	bo.start_time = r->start_time;
	bo.session_restore = sc->session_restore;
	bo.open_resolution = sc->open_resolution;
	bo.page_load_ms = sc->page_load_ms;

	run_ctx rc = {0};
	rc.sc = sc;
	rc.start = r->start_time;
	rc.stop_after = stop_after;
	if (opts)
		rc.opts = *opts;
	rc.tabs = (strmap)STRMAP_INIT;
	rc.failure = (buf)BUF_INIT;
	int code = bsim_browser_new(&rc.browser, &bo);
	if (code == BSIM_ENOMEM)
		goto out;
	if (code < 0) {
		rc.browser = NULL;
		code = result_compose_error(r, &sc->at);
		goto out;
	}
	/* Loads are kept for <wait for="load">, which an op program (events_only) never has: its navigations keep none. */
	if ((!sc->events_only && (code = bsim_browser_on_page(rc.browser, heard_page, &rc)) < 0) ||
	    (code = run_steps(r, &rc)) < 0)
		goto out;
	if (!sc->events_only && (code = copy_trace(r, rc.browser)) < 0)
		goto out;
	/* The marks move to the result, for stories told after the run. */
	r->marks = rc.marks;
	r->mark_steps = rc.mark_steps;
	r->n_marks = rc.n_marks;
	rc.marks = NULL;
	rc.mark_steps = NULL;
	code = result_judge_expected_failure(r, &rc);
out:
	run_ctx_free(&rc);
	if (code < 0) {
		bsim_result_free(r);
		return code;
	}
	r->elapsed_ns = now_ns() - started;
	*out = r;
	return 0;
}

int bsim_result_skipped(bsim_result **out, const bsim_scenario *sc, const char *reason)
{
	bsim_result *r = calloc(1, sizeof *r);
	if (!r || !(r->message = strdup(reason ? reason : "not run"))) {
		free(r);
		return error_oom();
	}
	r->sc = sc;
	r->outcome = BSIM_SKIPPED;
	r->seed = sc->seed;
	r->start_time = sc->start_time;
	*out = r;
	return 0;
}

void bsim_result_free(bsim_result *r)
{
	if (!r)
		return;
	free(r->message);
	free(r->fail_file);
	for (size_t i = 0; i < r->n_trace; i++) {
		free((char *)r->trace[i].code);
		free((char *)r->trace[i].message);
		free((char *)r->trace[i].subject);
	}
	free(r->trace);
	free(r->marks);
	free(r->mark_steps);
	free(r);
}

static const bsim_trace_entry *result_entry(const void *trace, size_t index)
{
	return bsim_result_trace_at(trace, index);
}

story_src story_src_of_result(const bsim_result *r)
{
	story_src src = {result_entry, r, r->n_trace, r->marks, (const step *const *)r->mark_steps, r->n_marks,
			 r->start_time};
	return src;
}

const bsim_scenario *bsim_result_scenario(const bsim_result *r)
{
	return r->sc;
}

bsim_outcome bsim_result_outcome(const bsim_result *r)
{
	return r->outcome;
}

int bsim_result_expected_failure(const bsim_result *r)
{
	return r->expected_failure;
}

const char *bsim_result_message(const bsim_result *r)
{
	return r->message;
}

const char *bsim_result_fail_file(const bsim_result *r)
{
	return r->fail_file;
}

int bsim_result_fail_line(const bsim_result *r)
{
	return r->fail_line;
}

int bsim_result_fail_column(const bsim_result *r)
{
	return r->fail_col;
}

uint64_t bsim_result_seed(const bsim_result *r)
{
	return r->seed;
}

bsim_time bsim_result_start_time(const bsim_result *r)
{
	return r->start_time;
}

uint64_t bsim_result_elapsed_ns(const bsim_result *r)
{
	return r->elapsed_ns;
}

size_t bsim_result_trace_count(const bsim_result *r)
{
	return r->n_trace;
}

const bsim_trace_entry *bsim_result_trace_at(const bsim_result *r, size_t index)
{
	return index < r->n_trace ? &r->trace[index] : NULL;
}
