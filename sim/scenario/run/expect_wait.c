/*
 * expect_wait.c: expectations that wait for their condition on the virtual
 * clock, as Playwright's web-first assertions wait for theirs
 * (docs/scenario-language.md, "Waiting"). Every expect kind runs through
 * here: its check is tried; while it fails, the clock moves to the next
 * event due in the run (or the next retry instant, never past the
 * deadline) and the check is tried again, each failed trial's message
 * discarded; at the deadline the last trial's failure is kept, with how
 * long it waited and since when it found what it found. An expectation of
 * an absence is judged only where the pages have settled (run_settled), so
 * it cannot pass merely because what it denies has not happened yet. A
 * check that holds at once costs one call and nothing more.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run/expect_internal.h"
#include "scenario/write/xml.h"
#include "util/timefmt.h"

/*
 * The gaps between trials when nothing in the run is due sooner (a cookie
 * expiring is no event of the run): 100, 250 and 500 ms, then every second,
 * as Playwright retries an assertion (playwright.dev/docs/test-assertions;
 * its server retries after [100, 250, 500, 1000] ms).
 */
static const int64_t retry_gaps_ms[] = {100, 250, 500, 1000};

/* What the trials found: the latest failure text, and the instant it was first found. */
typedef struct trials {
	buf last;
	bsim_time since;
	size_t n;
} trials;

/* Forget a trial's failure (its message, cause codes and subject), so the next trial starts clean. */
static void discard_failure(run_ctx *rc, size_t causes_before)
{
	rc->failed_step = NULL;
	buf_clear(&rc->failure);
	while (rc->n_causes > causes_before)
		free(rc->causes[--rc->n_causes]);
	free(rc->fail_subject);
	rc->fail_subject = NULL;
}

/* Remember what a failed trial found (when it differs from the last, it changed now). */
static int note_trial(trials *t, run_ctx *rc)
{
	const char *text = buf_cstr(&rc->failure);
	if (!t->n++ || strcmp(text, buf_cstr(&t->last)) != 0) {
		buf_clear(&t->last);
		buf_puts(&t->last, text);
		t->since = bsim_browser_now(rc->browser);
	}
	return buf_status(&t->last) < 0 ? error_oom() : 0;
}

/*
 * Under the first line of the kept failure: "waited 5s until 00:00:06.150;
 * the value was the same since 00:00:00.200" (the first line, what was
 * asked and found, reads as it does in every report's summary).
 */
static int add_waited(run_ctx *rc, const trials *t, int64_t within_ms)
{
	char until[TIME_SPAN_LEN], since[TIME_SPAN_LEN];
	run_elapsed(rc->start, bsim_browser_now(rc->browser), until, sizeof until);
	run_elapsed(rc->start, t->since, since, sizeof since);
	const char *text = buf_cstr(&rc->failure);
	size_t first = strcspn(text, "\n");
	buf b = BUF_INIT;
	buf_put(&b, text, first);
	buf_puts(&b, "\n  waited ");
	scenario_xml_duration(&b, within_ms);
	buf_printf(&b, " until %s; the value was the same since %s%s", until, since, text + first);
	int code = buf_status(&b) < 0 ? error_oom() : 0;
	if (code == 0) {
		buf_clear(&rc->failure);
		buf_put(&rc->failure, buf_cstr(&b), b.len);
	}
	buf_free(&b);
	return code;
}

/* The instant of the next retry, never past the deadline (an event due sooner comes first: run_advance_next). */
static bsim_time next_retry(bsim_time now, bsim_time deadline, size_t retry)
{
	size_t n_gaps = sizeof retry_gaps_ms / sizeof *retry_gaps_ms;
	int64_t gap = retry_gaps_ms[retry < n_gaps ? retry : n_gaps - 1];
	return gap > deadline - now ? deadline : now + gap;
}

/* The check failed (or could not be judged yet): try again on the clock until it holds or the deadline passes. */
static int wait_for_it(const expect_kind *k, step *s, run_ctx *rc, int64_t within_ms, bool denies, size_t causes_before)
{
	trials t = {BUF_INIT, 0, 0};
	int code = 0;
	if (rc->failed_step && (code = note_trial(&t, rc)) < 0)
		goto out;
	discard_failure(rc, causes_before);
	bsim_time now = bsim_browser_now(rc->browser);
	bsim_time deadline = within_ms > INT64_MAX - now ? INT64_MAX : now + within_ms;
	size_t retry = 0;
	for (;;) {
		if ((code = run_advance_next(rc, next_retry(now, deadline, retry))) < 0)
			goto out;
		now = bsim_browser_now(rc->browser);
		bool last = now >= deadline;
		if (!last && denies && !run_settled(rc))
			continue;
		code = k->check(s, rc);
		if (code != STEP_FAILED)
			goto out;
		if (last)
			break;
		if ((code = note_trial(&t, rc)) < 0)
			goto out;
		discard_failure(rc, causes_before);
		retry++;
	}
	/* The last trial's failure is kept; it changed at this instant when it differs from the one before. */
	if (!t.n || strcmp(buf_cstr(&rc->failure), buf_cstr(&t.last)) != 0)
		t.since = now;
	code = rc->failed_step ? add_waited(rc, &t, within_ms) : 0;
	if (code == 0)
		code = STEP_FAILED;
out:
	buf_free(&t.last);
	return code;
}

int expect_wait(const expect_kind *k, step *s, run_ctx *rc)
{
	int64_t within_ms = s->within_given ? s->within_ms : run_within_ms(rc);
	size_t causes_before = rc->n_causes;
	/* The first trial, at once: where an expectation that holds costs what it always did (settled pages
	 * need not ask whether it denies anything). */
	if (within_ms == 0 || run_settled(rc) || !k->denies || !k->denies(s)) {
		int code = k->check(s, rc);
		if (code != STEP_FAILED || within_ms == 0)
			return code;
	}
	return wait_for_it(k, s, rc, within_ms, k->denies && k->denies(s), causes_before);
}
