/*
 * runner.c: running one scenario on a fresh simulated browser and keeping
 * what a reporter needs. The steps run in order on one virtual clock and
 * stop at the first one that fails or cannot run; the failure is written
 * for the QA engineer who reads it in CI: where (FILE:LINE:COL, and where a
 * fragment was used), what was expected and found, the cause the browser's
 * trace gives (the refusal, eviction, expiry or session end, with its rule
 * and engine), then the seed and the command that replays the run. A
 * scenario that declares expect-failure passes only when it fails with that
 * cause. The trace is copied into the result, so reporters never look at a
 * live browser.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario/scenario_internal.h"
#include "scenario/run/story.h"
#include "util/timefmt.h"
#include "util/grow.h"

/*
 * The longest first line of a failure (the expectation as written, then
 * what was found) and the longest error text kept: twice error.c's 1024, so
 * a long cookie string or URL is cut only where the error channel would.
 */
#define RUN_LINE_MAX 2048

struct bsim_result {
	const bsim_scenario *sc;
	bsim_outcome outcome;
	int expected_failure;
	char *message;           /* NULL when passed (unless an expected failure) */
	char *fail_file;
	int fail_line;
	int fail_col;
	uint64_t seed;
	bsim_time start_time;    /* the instant the clock started at */
	bool start_from_run;     /* it came from the run options (bsim run --now), so the replay command repeats it */
	bsim_run_options run;    /* how the run fetched, for the replay command (ca_file borrowed: read while composing) */
	uint64_t elapsed_ns;
	bsim_trace_entry *trace; /* deep copies */
	size_t n_trace;
	size_t *marks;           /* the run's step marks (run_ctx), for stories */
	const step **mark_steps;
	size_t n_marks;
};

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

void run_elapsed(bsim_time start, bsim_time at, char *out, size_t outlen)
{
	/* Milliseconds too: sub-second waits ("500ms") would otherwise print two different instants alike. */
	int64_t ms = time_since(at, start);
	time_format_span(ms < 0 ? 0 : ms, out, outlen);
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

int run_advance(run_ctx *rc, int64_t ms)
{
	if (rc->ext.advance)
		return rc->ext.advance(rc, bsim_browser_now(rc->browser) + ms);
	return bsim_browser_wait(rc->browser, ms);
}

static const bsim_trace_entry *browser_entry(const void *trace, size_t index)
{
	return bsim_browser_trace_at(trace, index);
}

/*
 * Under the cause: the tail of the cookie's story, when the trace says more
 * about it than the cause line alone (a store before the refusal, the
 * requests that carried it or left it out).
 */
static void add_story(run_ctx *rc, const char *subject)
{
	story_src src = {browser_entry, rc->browser, bsim_browser_trace_count(rc->browser), rc->marks,
			 rc->mark_steps, rc->n_marks, rc->start};
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

/* "FILE:LINE:COL: ", which starts a result's message: rendered as every error's location is (error_render). */
static void put_location(buf *b, const src_loc *at)
{
	bsim_error e = {0, "", at->file ? at->file : "(scenario)", at->line, at->col};
	error_render(b, &e);
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
static int compose_failure(bsim_result *r, run_ctx *rc)
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

static int compose_error(bsim_result *r, const src_loc *at)
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
static int judge_expected_failure(bsim_result *r, run_ctx *rc)
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
 * For a step that could not run, the trace codes it left that say why
 * (a navigation to a host the hosts file does not name), so expect-failure
 * can name them too.
 */
static int add_error_causes(run_ctx *rc, size_t from)
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

/*
 * Hosts text failed at line N of the text (the error's fields; its message
 * may repeat them as "hosts:N: error: WHAT"): say it at the element, as
 * "hosts line N: WHAT".
 */
static int hosts_error(int code, const src_loc *at)
{
	error_state e;
	error_save(&e);
	const char *what = e.message;
	char head[64];
	snprintf(head, sizeof head, "hosts:%d: error: ", e.line);
	if (strncmp(what, head, strlen(head)) == 0)
		what += strlen(head);
	if (e.has_file && strcmp(e.file, "hosts") == 0 && e.line > 0)
		return error_set_at(code, at->file, at->line, at->col, "hosts line %d: %s", e.line, what);
	return error_set_at(code, at->file, at->line, at->col, "%s", what);
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

static void run_ctx_free(run_ctx *rc)
{
	/* An extension holds listeners on the browser's tabs: it goes first. */
	if (rc->ext.free)
		rc->ext.free(rc->ext.data);
	free(rc->fail_subject);
	free(rc->marks);
	free(rc->mark_steps);
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
			return compose_error(r, at);
	}
	for (size_t i = 0; i < sc->n_steps && i < rc->stop_after; i++) {
		step *s = &sc->steps[i];
		size_t mark = bsim_browser_trace_count(rc->browser);
		int code;
		if ((code = add_mark(rc, mark, s)) < 0)
			return code;
		if (!s->kind || !s->kind->run)
			code = step_error(s, BSIM_EINVAL, "<%s> is not a step bsim knows", s->element ? s->element : "?");
		else
			code = s->kind->run(s, rc);
		if (code == 0 && rc->ext.after_step)
			code = rc->ext.after_step(rc);
		if (code == STEP_FAILED) {
			/* A kind that reports failure without run_fail still gets a located message. */
			if (!rc->failed_step) {
				rc->failed_step = s;
				buf_printf(&rc->failure, "expectation failed: <%s>", s->element ? s->element : "?");
			}
			r->outcome = BSIM_FAILED;
			return compose_failure(r, rc);
		}
		/*
		 * Any error of a step, memory included, is this scenario's: it ends
		 * with the error and the suite goes on (only composing the result
		 * itself failing for memory stops the run).
		 */
		if (code < 0) {
			int c2 = add_error_causes(rc, mark);
			if (c2 < 0)
				return c2;
			return compose_error(r, &s->at);
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
		code = compose_error(r, &sc->at);
		goto out;
	}
	if ((code = run_steps(r, &rc)) < 0)
		goto out;
	if ((code = copy_trace(r, rc.browser)) < 0)
		goto out;
	/* The marks move to the result, for stories told after the run. */
	r->marks = rc.marks;
	r->mark_steps = rc.mark_steps;
	r->n_marks = rc.n_marks;
	rc.marks = NULL;
	rc.mark_steps = NULL;
	code = judge_expected_failure(r, &rc);
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
