/*
 * wait_event.c: <wait for="EVENT" tab? timeout?> (docs/scenario-language.md,
 * "Time"): the clock moves, event by event, until the tab sees the event
 * or the timeout passes; a timeout fails the step as an expectation does,
 * saying what it waited for, until when, and when the last one came.
 * Events are counted, never assumed to happen at once: a document loaded
 * and a storage event heard come from the browser's trace (with their
 * instants); a restore's outcome, a request and the widget's events from
 * the widget's own counters (widget_sent_count, widget_event_count), which
 * grow as the model answers on the clock.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run/wait_event.h"
#include "scenario/run/widget_steps.h"
#include "scenario/write/xml.h"
#include "util/suggest.h"
#include "util/timefmt.h"

/*
 * The events a <wait for> knows, besides the widget's requests and events
 * by name ("poll", "send", "WebChatService.restored" ...). A widget request
 * named like one of these ("restore") is the word here: a restore's outcome.
 */
typedef enum wait_kind {
	WAIT_LOAD = 0,  /* a document loaded in the tab */
	WAIT_RESTORE,   /* any outcome of the widget's restore: restored, restoreFailed, restoreTimeout */
	WAIT_REQUEST,   /* any request of the widget to the chat server */
	WAIT_STORAGE,   /* a storage event heard in the tab */
	WAIT_WIDGET_REQUEST, /* one of the widget's requests: + its widget_request */
	WAIT_WIDGET_EVENT = WAIT_WIDGET_REQUEST + WIDGET_REQUEST_COUNT, /* + its widget_event */
	WAIT_KIND_END = WAIT_WIDGET_EVENT + WIDGET_EVENT_COUNT,
} wait_kind;

static const char *const own_names[] = {"load", "restore", "request", "storage"};
/* What the failure calls each of the own events. */
static const char *const own_words[] = {"a document load", "a restore outcome", "a request of the widget",
					"a storage event"};

/* The trace codes of a document that loaded in a tab (sim/browser/tab.c load(), browser.c session restore). */

/* The name of kind k as a scenario writes it, or NULL when a name of the language stands for it already. */
static const char *kind_name(int k)
{
	if (k < WAIT_WIDGET_REQUEST)
		return own_names[k];
	if (k < WAIT_WIDGET_EVENT) {
		const char *n = widget_request_name((widget_request)(k - WAIT_WIDGET_REQUEST));
		for (size_t i = 0; n && i < sizeof own_names / sizeof *own_names; i++)
			if (strcmp(n, own_names[i]) == 0)
				return NULL;
		return n;
	}
	return widget_event_name((widget_event)(k - WAIT_WIDGET_EVENT));
}

static int kind_of(const char *name)
{
	for (int k = 0; k < WAIT_KIND_END; k++) {
		const char *n = kind_name(k);
		if (n && strcmp(n, name) == 0)
			return k;
	}
	return -1;
}

/* The step's digest: its wait_kind + 1 in s->data (no allocation; 0 is a duration). */
int wait_event_prepare(step *s)
{
	const char *v = step_attr(s, "for");
	int k = kind_of(v);
	if (k >= 0) {
		s->data = (void *)(intptr_t)(k + 1);
		int64_t ms;
		return step_attr(s, "timeout") ? step_attr_timeout(s, "timeout", &ms) : 0;
	}
	const char *names[WAIT_KIND_END];
	size_t n = 0;
	buf list = BUF_INIT;
	for (int i = 0; i < WAIT_KIND_END; i++) {
		if (!(names[n] = kind_name(i)))
			continue;
		buf_printf(&list, "%s%s", n ? ", " : "", names[n]);
		n++;
	}
	const char *guess = suggest_closest(v, names, n);
	int rc = buf_status(&list) < 0 ? error_oom()
	       : step_error(s, BSIM_EINVAL, "<wait> for=\"%s\": expected a duration such as 500ms, 2s, 10m, 1h or 1d, or an event: %s%s%s%s",
			    v, buf_cstr(&list), guess ? "; did you mean " : "", guess ? guess : "", guess ? "?" : "");
	buf_free(&list);
	return rc;
}

/* How many of the event the tab has seen so far, and (when the trace tells) the instant of the last. */
typedef struct seen {
	long count;
	bsim_time last_at;  /* BSIM_TIME_NEVER when unknown */
	size_t scanned;     /* trace entries counted so far */
	bool primed;        /* counted once: a count that grows after this grew at the instant it is seen */
} seen;

/* The widget's counters for kind k in tab id (0 when no widget runs). */
static long widget_count(run_ctx *rc, int k, int id)
{
	widget_world *w;
	if (!rc->ext.data || widget_world_of(&w, rc) < 0 || widget_sync(w) < 0)
		return 0;
	long n = 0;
	if (k == WAIT_RESTORE)
		return widget_event_count(w, id, WIDGET_EV_RESTORED) + widget_event_count(w, id, WIDGET_EV_RESTORE_FAILED) +
		       widget_event_count(w, id, WIDGET_EV_RESTORE_TIMEOUT);
	if (k == WAIT_REQUEST) {
		for (int r = 0; r < WIDGET_REQUEST_COUNT; r++)
			n += widget_sent_count(w, id, (widget_request)r);
		return n;
	}
	if (k < WAIT_WIDGET_EVENT)
		return widget_sent_count(w, id, (widget_request)(k - WAIT_WIDGET_REQUEST));
	return widget_event_count(w, id, (widget_event)(k - WAIT_WIDGET_EVENT));
}

/* Bring `seen` up to now: new trace entries for load and storage, the counters for the rest. */
static void look(seen *sn, run_ctx *rc, int k, int id)
{
	if (k != WAIT_LOAD && k != WAIT_STORAGE) {
		long n = widget_count(rc, k, id);
		if (sn->primed && n > sn->count)
			sn->last_at = bsim_browser_now(rc->browser);
		sn->count = n;
		sn->primed = true;
		return;
	}
	if (k == WAIT_LOAD) {
		/* A load counts at its load event, which comes the page load time after the navigation's trace entry. */
		bsim_time now = bsim_browser_now(rc->browser);
		sn->count = 0;
		for (size_t i = 0; i < rc->n_loads; i++)
			if (rc->loads[i].tab == id && rc->loads[i].at <= now) {
				sn->count++;
				sn->last_at = rc->loads[i].at;
			}
		return;
	}
	size_t n = bsim_browser_trace_count(rc->browser);
	for (; sn->scanned < n; sn->scanned++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(rc->browser, sn->scanned);
		if (e->tab == id && strcmp(e->code, "event-storage") == 0) {
			sn->count++;
			sn->last_at = e->at;
		}
	}
}

static void put_what(buf *b, int k)
{
	if (k < WAIT_WIDGET_REQUEST)
		buf_puts(b, own_words[k]);
	else if (k < WAIT_WIDGET_EVENT)
		buf_printf(b, "a %s request", kind_name(k));
	else
		buf_puts(b, kind_name(k));
}

/* "waited 5s (until 00:00:06.150) for a poll in tab "a": none came; the last one was at 00:00:01" */
static int fail_waited(run_ctx *rc, const step *s, int k, int64_t timeout_ms, const seen *before, bsim_time began_at)
{
	char until[TIME_SPAN_LEN], last[TIME_SPAN_LEN];
	run_elapsed(rc->start, bsim_browser_now(rc->browser), until, sizeof until);
	buf b = BUF_INIT;
	buf_puts(&b, "waited ");
	scenario_xml_duration(&b, timeout_ms);
	buf_printf(&b, " (until %s) for ", until);
	put_what(&b, k);
	buf_printf(&b, " in tab \"%s\": ", rc->last_tab);
	if (!before->count) {
		buf_puts(&b, "there was none");
	} else if (before->last_at != BSIM_TIME_NEVER) {
		run_elapsed(rc->start, before->last_at, last, sizeof last);
		buf_printf(&b, "none came; the last one was at %s", last);
	} else {
		/* The widget's counters tell how many, not when: the wait's start bounds the last one. */
		char began[TIME_SPAN_LEN];
		run_elapsed(rc->start, began_at, began, sizeof began);
		buf_printf(&b, "none came; %ld came before the wait began at %s", before->count, began);
	}
	int code = buf_status(&b) < 0 ? error_oom() : run_fail(rc, s, NULL, "%s", buf_cstr(&b));
	buf_free(&b);
	return code;
}

int wait_event_run(step *s, run_ctx *rc)
{
	int k = (int)(intptr_t)s->data - 1, id, code;
	int64_t timeout_ms = run_within_ms(rc);
	if ((code = run_tab(&id, rc, s)) < 0 ||
	    (step_attr(s, "timeout") && (code = step_attr_timeout(s, "timeout", &timeout_ms)) < 0))
		return code;
	seen sn = {0, BSIM_TIME_NEVER, 0, false};
	look(&sn, rc, k, id);
	seen before = sn;
	bsim_time now = bsim_browser_now(rc->browser), began_at = now;
	bsim_time deadline = timeout_ms > INT64_MAX - now ? INT64_MAX : now + timeout_ms;
	while (now < deadline) {
		if ((code = run_advance_next(rc, deadline)) < 0)
			return code;
		now = bsim_browser_now(rc->browser);
		look(&sn, rc, k, id);
		if (sn.count > before.count)
			return 0;
	}
	return fail_waited(rc, s, k, timeout_ms, &before, began_at);
}
