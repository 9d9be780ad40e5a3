/*
 * failure.c: how a run's failure is written (docs/scenario-language.md,
 * "A failed expectation"). run_fail records what an expectation found; the
 * trace is searched for the cause of a missing cookie or key (refused,
 * evicted, expired, session ended, deleted), with its rule and engine and
 * the tail of the cookie's story; the result's message is then composed for
 * the QA engineer who reads it in CI: where (FILE:LINE:COL, rendered as
 * every error's location is, and where a fragment was used), what was
 * expected and found, the cause, then the seed and the command that
 * replays the run. expect-failure is judged here too: a scenario that
 * declares it passes only when it fails with that cause.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run/runner_internal.h"
#include "scenario/run/story.h"
#include "util/grow.h"
#include "util/timefmt.h"

/*
 * The longest first line of a failure (the expectation as written, then
 * what was found) and the longest error text kept: twice error.c's 1024, so
 * a long cookie string or URL is cut only where the error channel would.
 */
#define RUN_LINE_MAX 2048

/*
 * The trace codes that say why a cookie or a storage item is not there,
 * and how a failure phrases each one (docs/scenario-language.md, "A failed
 * expectation ... names the cause from the trace").
 */
static const char *const cause_prefixes[] = {
	"cookie-refused", "cookie-evicted", "cookie-expired", "cookie-session-ended", "cookie-deleted",
	"storage-refused",
};

/* code is prefix, or prefix followed by ":REASON". */
static bool code_has_prefix(const char *code, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(code, prefix, n) == 0 && (code[n] == '\0' || code[n] == ':');
}

static bool is_cause_code(const char *code)
{
	for (size_t i = 0; i < sizeof cause_prefixes / sizeof *cause_prefixes; i++)
		if (code_has_prefix(code, cause_prefixes[i]))
			return true;
	return false;
}

static int add_cause(run_ctx *rc, const char *code)
{
	if (ARRAY_GROW(&rc->causes, &rc->cap_causes, rc->n_causes + 1) < 0)
		return BSIM_ENOMEM;
	if (!(rc->causes[rc->n_causes] = strdup(code)))
		return error_oom();
	rc->n_causes++;
	return 0;
}

/*
 * "cookie NAME refused on URL: DETAIL (RULE; ENGINE)" becomes
 * "refused on URL at 00:00:02: DETAIL (RULE; ENGINE)": the instant goes
 * beside the page it happened on.
 */
static void put_refusal(buf *b, const char *message, const char *when)
{
	const char *on = strstr(message, " refused on ");
	const char *colon = on ? strstr(on + 12, ": ") : NULL;
	if (!colon) {
		buf_printf(b, "refused at %s: %s", when, message);
		return;
	}
	buf_put(b, on + 1, (size_t)(colon - on - 1));
	buf_printf(b, " at %s%s", when, colon);
}

/* Whether the trace shows the cookie stored before entry `before`. */
static bool stored_before(const bsim_browser *b, const char *subject, size_t before)
{
	for (size_t i = 0; i < before; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(b, i);
		if (e->subject && strcmp(e->subject, subject) == 0 &&
		    (strcmp(e->code, "cookie-stored") == 0 || strcmp(e->code, "cookie-replaced") == 0))
			return true;
	}
	return false;
}

/* The latest trace entry that explains why `subject` is missing, as a cause line. */
static int add_trace_cause(run_ctx *rc, const char *subject)
{
	size_t n = bsim_browser_trace_count(rc->browser);
	for (size_t i = n; i-- > 0;) {
		const bsim_trace_entry *e = bsim_browser_trace_at(rc->browser, i);
		if (!e->subject || strcmp(e->subject, subject) != 0 || !is_cause_code(e->code))
			continue;
		char when[32];
		run_elapsed(rc->start, e->at, when, sizeof when);
		buf *f = &rc->failure;
		buf_puts(f, "\n  ");
		if (code_has_prefix(e->code, "cookie-refused")) {
			buf_puts(f, stored_before(rc->browser, subject, i) ? "the browser did not store it: "
									   : "the browser never stored it: ");
			put_refusal(f, e->message, when);
		} else if (code_has_prefix(e->code, "cookie-evicted")) {
			buf_printf(f, "it was evicted at %s: %s", when, e->message);
		} else if (code_has_prefix(e->code, "cookie-expired")) {
			buf_printf(f, "it expired: %s", e->message);
		} else if (code_has_prefix(e->code, "cookie-session-ended")) {
			buf_printf(f, "it ended with the session when the browser closed at %s: %s", when, e->message);
		} else if (code_has_prefix(e->code, "cookie-deleted")) {
			buf_printf(f, "it was deleted at %s: %s", when, e->message);
		} else {
			buf_printf(f, "the browser refused to store it at %s: %s", when, e->message);
		}
		return add_cause(rc, e->code);
	}
	return 0;
}

int run_add_cause(run_ctx *rc, const char *code)
{
	return add_cause(rc, code);
}

/*
 * Under the cause: the tail of the cookie's story, when the trace says more
 * about it than the cause line alone (a store before the refusal, the
 * requests that carried it or left it out).
 */
static void add_story(run_ctx *rc, const char *subject)
{
	story_src src = story_src_of_run(rc);
	buf story = BUF_INIT;
	int n = story_cookie_text(&story, &src, subject, "    ", STORY_FAILURE_LINES);
	if (n >= 2 && buf_status(&story) == 0) {
		buf_printf(&rc->failure, "\n  the story of %s:\n", subject);
		/* The failure's lines are joined by "\n" without a final one. */
		buf_put(&rc->failure, buf_cstr(&story), story.len - 1);
	}
	buf_free(&story);
}

int run_fail(run_ctx *rc, const step *s, const char *subject, const char *fmt, ...)
{
	rc->failed_step = s;
	buf_clear(&rc->failure);
	buf_puts(&rc->failure, "expectation failed: ");
	char line[RUN_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	buf_puts(&rc->failure, line);
	if (subject && add_trace_cause(rc, subject) < 0)
		buf_puts(&rc->failure, "\n  (the cause could not be recorded: out of memory)");
	/* The story goes under whatever the expectation adds after this call (composed in compose_failure). */
	free(rc->fail_subject);
	rc->fail_subject = subject ? strdup(subject) : NULL;
	return STEP_FAILED;
}

/* "FILE:LINE:COL: ", which starts a result's message: rendered as every error's location is (error_render). */
static void put_location(buf *b, const src_loc *at)
{
	bsim_error e = {0, "", at->file ? at->file : "(scenario)", at->line, at->col};
	error_render(b, &e, NULL);
}

/* The path as a shell word: quoted only when it needs to be, so the common case reads plainly. */
static void put_shell_word(buf *b, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:=@%", *p))
			plain = false;
	if (plain) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			buf_puts(b, "'\\''");
		else
			buf_putc(b, *p);
	}
	buf_putc(b, '\'');
}

/*
 * The command that replays r exactly: the scenario itself (FILE:LINE, which
 * selects only it), its engine and seed, its start when the run chose it (a
 * scenario's own now= needs no option), and how navigations were fetched
 * (--live and its certificates), the run options that change an outcome.
 */
static void put_replay(buf *b, const bsim_result *r)
{
	const bsim_scenario *sc = r->sc;
	unsigned long long seed = (unsigned long long)r->seed;
	buf_printf(b, "\n  seed %llu \xC2\xB7 replay: bsim run ", seed);
	if (sc->at.file && sc->at.line > 0) {
		char where[4200];
		snprintf(where, sizeof where, "%s:%d", sc->at.file, sc->at.line);
		put_shell_word(b, where);
	} else {
		put_shell_word(b, sc->at.file ? sc->at.file : "SCENARIO");
	}
	buf_printf(b, " --engine %s --seed %llu", bsim_engine_name(sc->engine), seed);
	if (r->start_from_run) {
		char now[32];
		time_format_iso8601(r->start_time, now, sizeof now);
		buf_printf(b, " --now %s", now);
	}
	if (r->run.live) {
		buf_puts(b, " --live");
		if (r->run.ca_file) {
			buf_puts(b, " --ca-file ");
			put_shell_word(b, r->run.ca_file);
		}
		if (r->run.insecure)
			buf_puts(b, " --insecure");
	}
	buf_puts(b, " --trace");
}

/* Under the first line of a step from a fragment: where the <use> stood. */
static void put_used_at(buf *b, const src_loc *at)
{
	if (!at->used_at_file)
		return;
	buf_printf(b, "\n  from the fragment used at %s:%d:%d", at->used_at_file, at->used_at_line, at->used_at_col);
}

static int set_fail_location(bsim_result *r, const src_loc *at)
{
	free(r->fail_file);
	r->fail_file = NULL;
	if (at->file && !(r->fail_file = strdup(at->file)))
		return error_oom();
	r->fail_line = at->line;
	r->fail_col = at->col;
	return 0;
}

/* A failed expectation: the head line, the used-at line, the cause lines, the replay line. */
int result_compose_failure(bsim_result *r, run_ctx *rc)
{
	const step *s = rc->failed_step;
	if (rc->fail_subject)
		add_story(rc, rc->fail_subject);
	const char *text = buf_cstr(&rc->failure);
	const char *nl = strchr(text, '\n');
	size_t first = nl ? (size_t)(nl - text) : strlen(text);
	buf m = BUF_INIT;
	put_location(&m, &s->at);
	buf_put(&m, text, first);
	put_used_at(&m, &s->at);
	if (nl)
		buf_puts(&m, nl);
	put_replay(&m, r);
	if (buf_status(&m) < 0 || set_fail_location(r, &s->at) < 0) {
		buf_free(&m);
		return error_oom();
	}
	r->message = buf_detach(&m);
	return r->message ? 0 : error_oom();
}

/*
 * "error: " and the error channel's message for a step that could not run,
 * with an inner "error: " of a file it read folded in, so the line reads
 * "scenario.xml:5:3: error: state.json:3:7: ...".
 */
static void error_text(char *out, size_t len)
{
	error_state e;
	error_save(&e);
	const char *msg = e.message;
	if (strncmp(msg, "error: ", 7) == 0)
		msg += 7;
	const char *inner = strstr(msg, ": error: ");
	if (inner)
		snprintf(out, len, "error: %.*s: %s", (int)(inner - msg), msg, inner + 9);
	else
		snprintf(out, len, "error: %s", msg);
}

int result_compose_error(bsim_result *r, const src_loc *at)
{
	char text[RUN_LINE_MAX];
	error_text(text, sizeof text);
	buf m = BUF_INIT;
	put_location(&m, at);
	buf_puts(&m, text);
	put_used_at(&m, at);
	put_replay(&m, r);
	if (buf_status(&m) < 0 || set_fail_location(r, at) < 0) {
		buf_free(&m);
		return error_oom();
	}
	r->message = buf_detach(&m);
	r->outcome = BSIM_ERRORED;
	return r->message ? 0 : error_oom();
}

/* A declared reason matches a cause equal to it or one it is a prefix of ("cookie-refused" of "cookie-refused:public-suffix"). */
static bool causes_match(const run_ctx *rc, const char *declared)
{
	for (size_t i = 0; i < rc->n_causes; i++)
		if (code_has_prefix(rc->causes[i], declared))
			return true;
	return false;
}

/* Apply expect-failure to a finished run. */
int result_judge_expected_failure(bsim_result *r, run_ctx *rc)
{
	const bsim_scenario *sc = rc->sc;
	const char *declared = sc->expect_failure;
	if (!declared)
		return 0;
	buf m = BUF_INIT;
	if (r->outcome == BSIM_PASSED) {
		/* The bug this scenario reproduces no longer happens: that is news, so it fails. */
		put_location(&m, &sc->at);
		buf_printf(&m, "expectation failed: expect-failure=\"%s\" (was: passed)", declared);
		buf_puts(&m, "\n  the scenario declares that it fails this way, but every step passed");
		put_replay(&m, r);
		if (buf_status(&m) < 0 || set_fail_location(r, &sc->at) < 0) {
			buf_free(&m);
			return error_oom();
		}
		r->message = buf_detach(&m);
		r->outcome = BSIM_FAILED;
		return r->message ? 0 : error_oom();
	}
	if (causes_match(rc, declared)) {
		r->outcome = BSIM_PASSED;
		r->expected_failure = 1;
		return 0;
	}
	/* It failed, but not as declared: say so above the replay line. */
	const char *msg = r->message;
	const char *replay = strstr(msg, "\n  seed ");
	size_t keep = replay ? (size_t)(replay - msg) : strlen(msg);
	buf_put(&m, msg, keep);
	buf_printf(&m, "\n  the scenario declares expect-failure=\"%s\", but ", declared);
	if (!rc->n_causes) {
		buf_puts(&m, "the trace gives no cause for this failure");
	} else {
		buf_puts(&m, "the cause was ");
		for (size_t i = 0; i < rc->n_causes; i++)
			buf_printf(&m, "%s%s", i ? ", " : "", rc->causes[i]);
	}
	if (replay)
		buf_puts(&m, replay);
	if (buf_status(&m) < 0) {
		buf_free(&m);
		return error_oom();
	}
	free(r->message);
	r->message = buf_detach(&m);
	if (r->outcome == BSIM_PASSED)
		r->outcome = BSIM_FAILED;
	return r->message ? 0 : error_oom();
}

/*
 * For a step that could not run, the trace codes it left that say why
 * (a navigation to a host the hosts file does not name), so expect-failure
 * can name them too.
 */
int run_add_error_causes(run_ctx *rc, size_t from)
{
	size_t n = bsim_browser_trace_count(rc->browser);
	for (size_t i = from; i < n; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(rc->browser, i);
		if (code_has_prefix(e->code, "navigation-failed")) {
			int rc2 = add_cause(rc, e->code);
			if (rc2 < 0)
				return rc2;
		}
	}
	return 0;
}
