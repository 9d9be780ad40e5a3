/*
 * test_scenario_run.c: running scenarios (sim/scenario/runner.c, steps.c,
 * expect.c): every step and every expectation of docs/scenario-language.md,
 * passing and failing with the exact message a QA engineer reads; the
 * expect-failure rule; determinism and the seed; located errors; engine
 * differences; session restore; profiles and interchange files.
 *
 * Scenarios are built in memory here (a small builder of steps with
 * attributes, as the loader would make them).
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsim/script.h"
#include "scenario/scenario_internal.h"
#include "widgets/cookie_options.h"
#include "support.h"

/* ---- building scenarios in memory ---- */

#define FILE_NAME "t.xml"
#define MAX_STEPS 64

typedef struct sb {
	bsim_scenario sc;
	step steps[MAX_STEPS];
} sb;

static sb *sb_new(bsim_engine engine)
{
	sb *b = calloc(1, sizeof *b);
	b->sc.name = strdup("test");
	b->sc.at = (src_loc){FILE_NAME, 1, 1, NULL, 0, 0};
	b->sc.engine = engine;
	b->sc.seed = 1;
	b->sc.start_time = BSIM_DEFAULT_START_TIME;
	b->sc.open_resolution = 1;
	b->sc.steps = b->steps;
	return b;
}

static void step_init(step *s, const char *element, int line, const char *text, va_list ap)
{
	s->element = strdup(element);
	s->at = (src_loc){FILE_NAME, line, 3, NULL, 0, 0};
	s->text = text ? strdup(text) : NULL;
	const char *name;
	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		s->attr_names = realloc(s->attr_names, (s->n_attrs + 1) * sizeof *s->attr_names);
		s->attr_values = realloc(s->attr_values, (s->n_attrs + 1) * sizeof *s->attr_values);
		s->attr_names[s->n_attrs] = strdup(name);
		s->attr_values[s->n_attrs] = strdup(value);
		s->n_attrs++;
	}
}

/* Append a step on line `line`: attribute name/value pairs, NULL-terminated. */
static step *add(sb *b, int line, const char *element, ...)
{
	cr_assert_lt(b->sc.n_steps, MAX_STEPS);
	step *s = &b->steps[b->sc.n_steps++];
	va_list ap;
	va_start(ap, element);
	step_init(s, element, line, NULL, ap);
	va_end(ap);
	return s;
}

/* A step with text content (<hosts>). */
static step *add_text(sb *b, int line, const char *element, const char *text, ...)
{
	step *s = &b->steps[b->sc.n_steps++];
	va_list ap;
	va_start(ap, text);
	step_init(s, element, line, text, ap);
	va_end(ap);
	return s;
}

/* A <set-cookie> child. */
static void add_set_cookie(step *parent, const char *header)
{
	parent->children = realloc(parent->children, (parent->n_children + 1) * sizeof *parent->children);
	step *c = &parent->children[parent->n_children++];
	memset(c, 0, sizeof *c);
	c->element = strdup("set-cookie");
	c->text = strdup(header);
	c->at = parent->at;
	c->at.line++;
}

static void step_free(step *s)
{
	if (s->kind && s->kind->release && s->data)
		s->kind->release(s->data);
	free(s->element);
	free(s->text);
	for (size_t i = 0; i < s->n_attrs; i++) {
		free(s->attr_names[i]);
		free(s->attr_values[i]);
	}
	free(s->attr_names);
	free(s->attr_values);
	for (size_t i = 0; i < s->n_children; i++)
		step_free(&s->children[i]);
	free(s->children);
}

static void sb_free(sb *b)
{
	for (size_t i = 0; i < b->sc.n_steps; i++)
		step_free(&b->steps[i]);
	free(b->sc.name);
	free(b->sc.expect_failure);
	free(b->sc.hosts);
	free(b);
}

/* Find each step's kind and prepare it, as the loader does; the first error's code. */
static int sb_prepare(sb *b)
{
	for (size_t i = 0; i < b->sc.n_steps; i++) {
		step *s = &b->steps[i];
		s->kind = step_kind_find(s->element);
		if (!s->kind)
			return error_set_at(BSIM_EINVAL, s->at.file, s->at.line, s->at.col, "unknown <%s>", s->element);
		int rc = step_prepare(s);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Prepare (which must succeed) and run. */
static bsim_result *run(sb *b)
{
	cr_assert_eq(sb_prepare(b), 0, "prepare: %s", bsim_error_last()->message);
	bsim_result *r = NULL;
	cr_assert_eq(bsim_scenario_run(&r, &b->sc, NULL), 0, "%s", bsim_error_last()->message);
	return r;
}

static void expect_passed(bsim_result *r)
{
	cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "outcome %d: %s", bsim_result_outcome(r),
		     bsim_result_message(r) ? bsim_result_message(r) : "");
	cr_expect_null(bsim_result_message(r));
	cr_expect_null(bsim_result_fail_file(r));
}

/*
 * The message without the line a failed expectation adds after waiting its
 * timeout ("  waited 5s until ...": test_scenario_time.c checks it), so
 * these tables say what each failure found and why. out holds 16 KiB.
 */
static const char *without_waited(const char *got, char *out, size_t len)
{
	const char *w = strstr(got, "\n  waited ");
	if (!w)
		return got;
	const char *end = strchr(w + 1, '\n');
	snprintf(out, len, "%.*s%s", (int)(w - got), got, end ? end : "");
	return out;
}

/* r's message without the waited line (NULL when it has none); valid until the next call. */
static const char *shown(const bsim_result *r)
{
	static char text[16384];
	const char *got = bsim_result_message(r);
	return got ? without_waited(got, text, sizeof text) : NULL;
}

static void expect_message(bsim_result *r, bsim_outcome outcome, const char *want)
{
	cr_expect_eq(bsim_result_outcome(r), outcome, "outcome %d, want %d", bsim_result_outcome(r), outcome);
	const char *got = shown(r);
	cr_expect_not_null(got);
	if (got)
		cr_expect_str_eq(got, want, "message:\n%s\n--- want:\n%s", got, want);
}

/* Run and expect it to pass. */
static void passes(sb *b)
{
	bsim_result *r = run(b);
	expect_passed(r);
	bsim_result_free(r);
	sb_free(b);
}

/* Run and expect exactly this failure. */
static void fails(sb *b, bsim_outcome outcome, const char *want)
{
	bsim_result *r = run(b);
	expect_message(r, outcome, want);
	bsim_result_free(r);
	sb_free(b);
}

#define REPLAY "\n  seed 1 \xC2\xB7 replay: bsim run t.xml:1 --engine chromium --seed 1 --trace"

/* The result's trace holds an entry with this code (and subject, when given). */
static bool traced(const bsim_result *r, const char *code, const char *subject)
{
	for (size_t i = 0; i < bsim_result_trace_count(r); i++) {
		const bsim_trace_entry *e = bsim_result_trace_at(r, i);
		if (strcmp(e->code, code) == 0 && (!subject || (e->subject && strcmp(e->subject, subject) == 0)))
			return true;
	}
	return false;
}

/* A fresh directory for files a scenario writes; the scenario's file is placed in it. */
static char *temp_dir(void)
{
	char tmpl[] = "/tmp/bsim-run-XXXXXX";
	char *d = mkdtemp(tmpl);
	cr_assert_not_null(d);
	return strdup(d);
}

static void remove_dir(char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
	free(dir);
}

/* ---- steps ---- */

Test(scenario_run, tab_opens_names_and_focuses)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "tab", "name", "b", "url", "https://store.testsite.com/", NULL);
	add(b, 4, "expect", "tabs", "2", NULL);
	add(b, 5, "expect", "focused", "b", NULL);
	add(b, 6, "tab", "name", "blank", NULL);
	add(b, 7, "expect", "tabs", "3", NULL);
	add(b, 8, "expect", "focused", "blank", NULL);
	/* about:blank is cookie-averse: document.cookie reads "". */
	add(b, 9, "expect", "document-cookie", "", NULL);
	passes(b);
}

Test(scenario_run, tab_and_navigate_carry_set_cookie_headers)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	step *t = add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add_set_cookie(t, "sid=1; Path=/");
	add_set_cookie(t, "wide=w; Domain=testsite.com; Path=/");
	/* No tab=: the tab named most recently. */
	step *n = add(b, 5, "navigate", "url", "https://store.testsite.com/cart", NULL);
	add_set_cookie(n, "cart=2; Path=/cart; HttpOnly");
	add(b, 7, "expect", "cookie", "sid", "value", "1", "domain", "www.testsite.com", "path", "/", NULL);
	add(b, 8, "expect", "cookie", "wide", "domain", ".testsite.com", NULL);
	add(b, 9, "expect", "cookie", "cart", "http-only", "true", "path", "/cart", NULL);
	add(b, 10, "expect", "document-cookie", "wide=w", NULL);
	add(b, 11, "expect", "cookie-header", "https://store.testsite.com/cart", "equals", "cart=2; wide=w", NULL);
	add(b, 12, "expect", "cookie-header", "https://www.testsite.com/", "equals", "sid=1; wide=w", NULL);
	passes(b);
}

Test(scenario_run, window_open_copies_session_storage_unless_noopener)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "storage", "area", "session", "set", "k", "value", "v", NULL);
	add(b, 4, "window-open", "name", "pop", "from", "a", "url", "https://www.testsite.com/chat", NULL);
	add(b, 5, "expect", "session", "k", "value", "v", NULL);
	add(b, 6, "expect", "focused", "pop", NULL);
	add(b, 7, "window-open", "name", "alone", "from", "a", "url", "https://www.testsite.com/chat", "noopener", "true", NULL);
	add(b, 8, "expect", "session", "k", "present", "false", NULL);
	add(b, 9, "expect", "tabs", "3", NULL);
	passes(b);
}

Test(scenario_run, reload_back_focus_close_tab)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "navigate", "tab", "a", "url", "https://www.testsite.com/cart", NULL);
	add(b, 4, "back", NULL);
	add(b, 5, "reload", "tab", "a", NULL);
	add(b, 6, "tab", "name", "b", "url", "https://www.testsite.com/b", NULL);
	add(b, 7, "focus", "tab", "a", NULL);
	add(b, 8, "expect", "focused", "a", NULL);
	add(b, 9, "close-tab", NULL);
	add(b, 10, "expect", "tabs", "1", NULL);
	add(b, 11, "expect", "focused", "b", NULL);
	bsim_result *r = run(b);
	expect_passed(r);
	cr_expect(traced(r, "went-back", NULL));
	cr_expect(traced(r, "reloaded", NULL));
	cr_expect(traced(r, "tab-closed", NULL));
	bsim_result_free(r);
	sb_free(b);
}

Test(scenario_run, back_without_history_is_an_error)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "back", NULL);
	fails(b, BSIM_ERRORED, "t.xml:3:3: error: cannot go back in tab \"a\": it has no earlier page" REPLAY);
}

Test(scenario_run, cookie_write_goes_through_the_script_view)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "s=1; Path=/; SameSite=Lax; Max-Age=60", NULL);
	/* HttpOnly is refused from a script (RFC 6265bis §5.7 step 15): silent to the page. */
	add(b, 4, "cookie", "tab", "a", "write", "h=1; HttpOnly", NULL);
	add(b, 5, "expect", "cookie", "s", "same-site", "lax", "session", "false", "secure", "false", NULL);
	add(b, 6, "expect", "refused", "h", "reason", "httponly-from-script", NULL);
	add(b, 7, "expect", "refused", "h", NULL);
	add(b, 8, "expect", "cookie", "h", "present", "false", NULL);
	passes(b);
}

Test(scenario_run, storage_set_remove_clear_and_events)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "tab", "name", "b", "url", "https://www.testsite.com/other", NULL);
	add(b, 4, "tab", "name", "c", "url", "https://store.testsite.com/", NULL);
	add(b, 5, "storage", "tab", "a", "area", "local", "set", "k", "value", "1", NULL);
	add(b, 6, "storage", "area", "local", "set", "j", "value", "2", NULL);
	add(b, 7, "expect", "local", "k", "tab", "b", "value", "1", NULL);
	add(b, 8, "expect", "local", "k", "tab", "c", "present", "false", NULL);
	add(b, 9, "expect", "event", "storage", "tab", "b", "key", "k", "count", "1", NULL);
	add(b, 10, "expect", "event", "storage", "tab", "b", "count", "2", NULL);
	add(b, 11, "expect", "event", "storage", "tab", "b", NULL);
	add(b, 12, "expect", "event", "storage", "tab", "a", "count", "0", NULL);
	add(b, 13, "expect", "event", "storage", "tab", "c", "count", "0", NULL);
	add(b, 14, "storage", "tab", "a", "area", "local", "remove", "k", NULL);
	add(b, 15, "expect", "local", "k", "tab", "b", "present", "false", NULL);
	add(b, 16, "storage", "tab", "a", "area", "session", "set", "s", "value", "x", NULL);
	add(b, 17, "expect", "session", "s", "value", "x", NULL);
	add(b, 18, "expect", "session", "s", "tab", "b", "present", "false", NULL);
	add(b, 19, "storage", "tab", "a", "area", "local", "clear", "true", NULL);
	add(b, 20, "expect", "local", "j", "tab", "a", "present", "false", NULL);
	add(b, 21, "expect", "event", "storage", "tab", "b", "count", "4", NULL);
	passes(b);
}

Test(scenario_run, wait_advances_the_virtual_clock)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "p=1; Max-Age=10", NULL);
	add(b, 4, "wait", "for", "9s", NULL);
	add(b, 5, "expect", "document-cookie-contains", "p=1", NULL);
	add(b, 6, "wait", "for", "1000ms", NULL);
	add(b, 7, "expect", "document-cookie-lacks", "p", NULL);
	add(b, 8, "expect", "cookie", "p", "present", "false", NULL);
	bsim_result *r = run(b);
	expect_passed(r);
	cr_expect(traced(r, "cookie-expired", "p"));
	const bsim_trace_entry *last = bsim_result_trace_at(r, bsim_result_trace_count(r) - 1);
	cr_expect_eq(last->at - BSIM_DEFAULT_START_TIME, 10000);
	bsim_result_free(r);
	sb_free(b);
}

Test(scenario_run, close_browser_ends_the_session)
{
	sb *b = sb_new(BSIM_ENGINE_FIREFOX);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "sess=1", NULL);
	add(b, 4, "cookie", "write", "keep=1; Max-Age=3600", NULL);
	add(b, 5, "storage", "area", "local", "set", "l", "value", "1", NULL);
	add(b, 6, "storage", "area", "session", "set", "s", "value", "1", NULL);
	add(b, 7, "close-browser", NULL);
	add(b, 8, "expect", "tabs", "0", NULL);
	add(b, 9, "expect", "cookie", "sess", "present", "false", NULL);
	add(b, 10, "expect", "cookie", "keep", "session", "false", NULL);
	add(b, 11, "tab", "name", "b", "url", "https://www.testsite.com/", NULL);
	add(b, 12, "expect", "local", "l", "value", "1", NULL);
	add(b, 13, "expect", "session", "s", "present", "false", NULL);
	add(b, 14, "expect", "document-cookie", "keep=1", NULL);
	passes(b);
}

Test(scenario_run, restart_keeps_persistent_state)
{
	sb *b = sb_new(BSIM_ENGINE_SAFARI);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "sess=1", NULL);
	add(b, 4, "cookie", "write", "keep=1; Max-Age=3600", NULL);
	add(b, 5, "restart", NULL);
	add(b, 6, "expect", "tabs", "0", NULL);
	add(b, 7, "expect", "cookie", "keep", NULL);
	add(b, 8, "expect", "cookie", "sess", "present", "false", NULL);
	bsim_result *r = run(b);
	expect_passed(r);
	cr_expect(traced(r, "cookie-session-ended", "sess"));
	cr_expect(traced(r, "browser-closed", NULL));
	bsim_result_free(r);
	sb_free(b);
}

Test(scenario_run, a_closed_tab_name_is_a_located_error)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "close-browser", NULL);
	add(b, 4, "tab", "name", "b", "url", "https://www.testsite.com/", NULL);
	add(b, 5, "cookie", "tab", "a", "write", "x=1", NULL);
	fails(b, BSIM_ERRORED,
	      "t.xml:5:3: error: tab \"a\" is not open: it was closed, or the browser closed (open tabs: b)" REPLAY);
}

Test(scenario_run, session_restore_keeps_tabs_session_cookies_and_session_storage)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.session_restore = 1;
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "tab", "name", "b", "url", "https://store.testsite.com/", NULL);
	add(b, 4, "cookie", "write", "sess=1; Domain=testsite.com", NULL);
	add(b, 5, "storage", "tab", "a", "area", "session", "set", "s", "value", "1", NULL);
	add(b, 6, "close-browser", NULL);
	add(b, 7, "expect", "tabs", "0", NULL);
	add(b, 8, "restart", NULL);
	add(b, 9, "expect", "tabs", "2", NULL);
	add(b, 10, "expect", "cookie", "sess", "session", "true", NULL);
	add(b, 11, "expect", "session", "s", "tab", "a", "value", "1", NULL);
	add(b, 12, "expect", "document-cookie", "sess=1", "tab", "b", NULL);
	bsim_result *r = run(b);
	expect_passed(r);
	cr_expect(traced(r, "tab-restored", NULL));
	cr_expect(!traced(r, "cookie-session-ended", NULL));
	bsim_result_free(r);
	sb_free(b);
}

Test(scenario_run, session_restore_off_loses_them)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "sess=1", NULL);
	add(b, 4, "restart", NULL);
	add(b, 5, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 6, "expect", "document-cookie-contains", "sess=1", NULL);
	fails(b, BSIM_FAILED,
	      "t.xml:6:3: expectation failed: document-cookie-contains=\"sess=1\" (was: \"\")\n"
	      "  it ended with the session when the browser closed at 00:00:00: session cookie sess (host www.testsite.com, path /) dropped: the browser closed (RFC 6265bis §5.7, session cookies end with the session; chromium)\n"
	      "  the story of sess:\n"
	      "    00:00:00  t.xml:3:3  tab 1  cookie sess stored (host www.testsite.com, path /) for the session from https://www.testsite.com/\n"
	      "    00:00:00  t.xml:4:3  session cookie sess (host www.testsite.com, path /) dropped: the browser closed (RFC 6265bis §5.7, session cookies end with the session; chromium)" REPLAY);
}

Test(scenario_run, profile_round_trip_save_restart_load)
{
	char *dir = temp_dir();
	char file[512];
	snprintf(file, sizeof file, "%s/scenario.xml", dir);
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.at.file = file;
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "keep=1; Max-Age=3600; SameSite=Strict", NULL);
	add(b, 4, "storage", "area", "local", "set", "l", "value", "saved", NULL);
	/* Relative to the scenario file's folder. */
	add(b, 5, "save-profile", "file", "profile.sqlite", NULL);
	add(b, 6, "cookie", "write", "later=1; Max-Age=3600", NULL);
	add(b, 7, "storage", "area", "local", "set", "l", "value", "changed", NULL);
	add(b, 8, "restart", NULL);
	add(b, 9, "load-profile", "file", "profile.sqlite", NULL);
	add(b, 10, "tab", "name", "b", "url", "https://www.testsite.com/", NULL);
	add(b, 11, "expect", "cookie", "keep", "same-site", "strict", "session", "false", NULL);
	add(b, 12, "expect", "cookie", "later", "present", "false", NULL);
	add(b, 13, "expect", "local", "l", "value", "saved", NULL);
	for (size_t i = 0; i < b->sc.n_steps; i++)
		b->steps[i].at.file = file;
	bsim_result *r = run(b);
	expect_passed(r);
	cr_expect(traced(r, "profile-saved", NULL));
	cr_expect(traced(r, "profile-loaded", NULL));
	char path[600];
	snprintf(path, sizeof path, "%s/profile.sqlite", dir);
	cr_expect_eq(access(path, F_OK), 0, "%s not written", path);
	bsim_result_free(r);
	sb_free(b);
	remove_dir(dir);
}

Test(scenario_run, export_then_import)
{
	char *dir = temp_dir();
	char file[512];
	snprintf(file, sizeof file, "%s/scenario.xml", dir);
	const char *formats[] = {"state.json", "cookies.txt"};
	for (size_t f = 0; f < 2; f++) {
		sb *b = sb_new(BSIM_ENGINE_FIREFOX);
		b->sc.at.file = file;
		add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
		add(b, 3, "cookie", "write", "keep=1; Max-Age=3600", NULL);
		add(b, 4, "export", "file", formats[f], NULL);
		add(b, 5, "cookie", "write", "keep=; Max-Age=0", NULL);
		add(b, 6, "expect", "cookie", "keep", "present", "false", NULL);
		add(b, 7, "import", "file", formats[f], NULL);
		add(b, 8, "expect", "cookie", "keep", "value", "1", "domain", "www.testsite.com", NULL);
		passes(b);
	}
	remove_dir(dir);
}

Test(scenario_run, an_unreadable_profile_is_a_located_error)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.at.file = "/nonexistent/dir/s.xml";
	add(b, 2, "load-profile", "file", "p.sqlite", NULL);
	b->steps[0].at.file = "/nonexistent/dir/s.xml";
	fails(b, BSIM_ERRORED,
	      "/nonexistent/dir/s.xml:2:3: error: cannot read profile /nonexistent/dir/p.sqlite: No such file or directory\n"
	      "  seed 1 \xC2\xB7 replay: bsim run /nonexistent/dir/s.xml:1 --engine chromium --seed 1 --trace");
}

Test(scenario_run, a_malformed_import_names_its_place)
{
	char *dir = temp_dir();
	char file[512], data[600];
	snprintf(file, sizeof file, "%s/s.xml", dir);
	snprintf(data, sizeof data, "%s/bad.json", dir);
	FILE *f = fopen(data, "w");
	fputs("{\"cookies\": [}", f);
	fclose(f);
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.at.file = file;
	add(b, 2, "import", "file", "bad.json", NULL);
	b->steps[0].at.file = file;
	bsim_result *r = run(b);
	cr_expect_eq(bsim_result_outcome(r), BSIM_ERRORED);
	char head[1400];
	snprintf(head, sizeof head, "%s:2:3: error: cannot import: %s:1:14: ", file, data);
	cr_expect(strncmp(bsim_result_message(r), head, strlen(head)) == 0, "%s", bsim_result_message(r));
	bsim_result_free(r);
	sb_free(b);
	remove_dir(dir);
}

Test(scenario_run, hosts_resolve_only_their_names)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.open_resolution = 0;
	b->sc.hosts = strdup("127.0.0.1 www.testsite.com");
	b->sc.hosts_at = (src_loc){FILE_NAME, 2, 3, NULL, 0, 0};
	add(b, 3, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add_text(b, 4, "hosts", "127.0.0.1 store.testsite.com\n# later", NULL);
	add(b, 5, "navigate", "url", "https://store.testsite.com/", NULL);
	add(b, 6, "navigate", "url", "https://elsewhere.example/", NULL);
	fails(b, BSIM_ERRORED,
	      "t.xml:6:3: error: cannot navigate tab \"a\" to https://elsewhere.example/: cannot resolve elsewhere.example: the host is not in the hosts file; add a line such as \"127.0.0.1 elsewhere.example\" to the hosts, or allow open resolution" REPLAY);
}

Test(scenario_run, a_bad_hosts_line_is_located)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.hosts = strdup("127.0.0.1 a.test\nwww.testsite.com");
	b->sc.hosts_at = (src_loc){FILE_NAME, 2, 3, NULL, 0, 0};
	fails(b, BSIM_ERRORED,
	      "t.xml:2:3: error: hosts line 2: \"www.testsite.com\" is not an IP address; a hosts line is an address then names, e.g. \"127.0.0.1 www.shop.com\"" REPLAY);
	b = sb_new(BSIM_ENGINE_CHROMIUM);
	add_text(b, 4, "hosts", "10.0.0.1", NULL);
	fails(b, BSIM_ERRORED, "t.xml:4:3: error: hosts line 1: address 10.0.0.1 names no host; add the names after it" REPLAY);
}

Test(scenario_run, a_tab_name_that_does_not_exist)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "b", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 4, "navigate", "tab", "zz", "url", "https://www.testsite.com/x", NULL);
	fails(b, BSIM_ERRORED, "t.xml:4:3: error: no tab named \"zz\" (tabs named so far: a, b)" REPLAY);

	b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "reload", NULL);
	fails(b, BSIM_ERRORED,
	      "t.xml:2:3: error: no tab to act on: no tab was opened yet; open one with <tab name=\"...\" url=\"...\"/> or name one with tab=\"...\"" REPLAY);

	b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "window-open", "name", "p", "from", "nope", "url", "https://www.testsite.com/", NULL);
	fails(b, BSIM_ERRORED, "t.xml:3:3: error: from=\"nope\": no tab has that name" REPLAY);

	b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "expect", "focused", "nope", NULL);
	fails(b, BSIM_ERRORED, "t.xml:3:3: error: focused=\"nope\": no tab has that name" REPLAY);
}

Test(scenario_run, storage_on_a_blank_page_is_an_error)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", NULL);
	add(b, 3, "storage", "area", "local", "set", "k", "value", "v", NULL);
	fails(b, BSIM_ERRORED,
	      "t.xml:3:3: error: tab \"a\" shows about:blank, whose opaque origin has no localStorage (SecurityError)" REPLAY);
	b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", NULL);
	add(b, 3, "expect", "session", "k", NULL);
	fails(b, BSIM_ERRORED,
	      "t.xml:3:3: error: tab \"a\" shows about:blank, whose opaque origin has no sessionStorage (SecurityError)" REPLAY);
}

/* ---- <deploy cookie-*>: main.cookieOptions by the widget's own rules ---- */

/* The deploy step takes and refuses what `bsim widget domain --cookie-options` does (sim/widgets/cookie_options.c),
 * with the same words after its own place. */
Test(scenario_run, deploy_cookie_attributes_follow_the_cookie_options_rules)
{
	static const struct {
		const char *attr, *text, *json; /* the attribute, its text, the main.cookieOptions object */
		bool ok;
	} rows[] = {
		{"cookie-domain", ".x.com; secure", "{\"domain\":\".x.com; secure\"}", false},
		{"cookie-path", "/a\nb", "{\"path\":\"/a\\nb\"}", false},
		{"cookie-samesite", "loose", "{\"sameSite\":\"loose\"}", false},
		{"cookie-secure", "yes", "{\"secure\":\"yes\"}", false},
		{"cookie-expires", "-1", "{\"expires\":-1}", false},
		{"cookie-expires", "3651", "{\"expires\":3651}", false},
		{"cookie-expires", "99999999999999999999", "{\"expires\":99999999999999999}", false},
		/* and what both take */
		{"cookie-domain", "", "{\"domain\":\"\"}", true},
		{"cookie-samesite", "none", "{\"sameSite\":\"none\"}", true},
		{"cookie-secure", "false", "{\"secure\":false}", true},
		{"cookie-expires", "3650", "{\"expires\":3650}", true},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		widget_config c;
		widget_config_init(&c);
		json_t *root = json_loads(rows[i].json, 0, NULL);
		cr_assert_not_null(root, "row %zu", i);
		int json_rc = widget_cookie_options_from_json(&c, root);
		char json_msg[1024];
		snprintf(json_msg, sizeof json_msg, "%s", bsim_error_last()->message);
		json_decref(root);
		widget_config_clear(&c);

		sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
		add(b, 2, "deploy", rows[i].attr, rows[i].text, NULL);
		int step_rc = sb_prepare(b);
		cr_expect_eq(json_rc, rows[i].ok ? 0 : BSIM_EINVAL, "row %zu: cookie_options gave %d", i, json_rc);
		cr_expect_eq(step_rc, json_rc, "row %zu: <deploy %s> gave %d, cookie_options %d", i, rows[i].attr, step_rc, json_rc);
		if (!rows[i].ok) {
			/* "$.member: what was expected" there, "<deploy> attr="text": what was expected" here. */
			const char *expected = strstr(json_msg, ": ");
			cr_assert_not_null(expected, "row %zu: %s", i, json_msg);
			char want[1024];
			snprintf(want, sizeof want, "<deploy> %s=\"%s\"%s", rows[i].attr, rows[i].text, expected);
			cr_expect_str_eq(bsim_error_last()->message, want, "row %zu", i);
			cr_expect_eq(bsim_error_last()->line, 2, "row %zu", i);
		}
		sb_free(b);
	}
}

/* ---- expectations: every variant, passing and failing ---- */

/* A step from an attribute list (name, value, ..., NULL). */
static step *add_list(sb *b, int line, const char *element, const char *const *attrs)
{
	step *s = add(b, line, element, NULL);
	for (size_t i = 0; attrs[i]; i += 2) {
		s->attr_names = realloc(s->attr_names, (s->n_attrs + 1) * sizeof *s->attr_names);
		s->attr_values = realloc(s->attr_values, (s->n_attrs + 1) * sizeof *s->attr_values);
		s->attr_names[s->n_attrs] = strdup(attrs[i]);
		s->attr_values[s->n_attrs] = strdup(attrs[i + 1]);
		s->n_attrs++;
	}
	return s;
}

/*
 * The same page for every case: tab a on www, tab b on the same origin,
 * cookies of several kinds, storage in both areas, one refusal.
 */
static sb *expect_fixture(void)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	step *t = add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add_set_cookie(t, "sid=1; Path=/; Secure; HttpOnly; SameSite=Strict");
	add(b, 4, "cookie", "write", "wide=w; Domain=testsite.com; Path=/; Max-Age=600", NULL);
	add(b, 5, "cookie", "write", "deep=d; Path=/cart", NULL);
	add(b, 6, "wait", "for", "2s", NULL);
	add(b, 7, "cookie", "write", "psl=x; Domain=com", NULL);
	add(b, 8, "tab", "name", "b", "url", "https://www.testsite.com/b", NULL);
	add(b, 9, "storage", "tab", "a", "area", "local", "set", "k", "value", "v", NULL);
	add(b, 10, "storage", "tab", "a", "area", "session", "set", "s", "value", "sv", NULL);
	add(b, 11, "focus", "tab", "a", NULL);
	/* An instant as a page writes Date.now(): 1 s before the clock's 2 s (the scenario starts at 1420070400000). */
	add(b, 12, "cookie", "tab", "a", "write", "ts=1420070401000; Path=/ts", NULL);
	return b;
}

typedef struct expect_case {
	const char *attrs[20];
	const char *message; /* NULL: passes; else the first line and any cause lines (the replay line is added) */
} expect_case;

#define FAIL "t.xml:20:3: expectation failed: "

static const expect_case expect_cases[] = {
	/* cookie= */
	{{"cookie", "sid", NULL}, NULL},
	{{"cookie", "sid", "value", "1", "domain", "www.testsite.com", "path", "/", "secure", "true", "http-only", "true",
	  "same-site", "strict", "session", "true", NULL}, NULL},
	{{"cookie", "wide", "domain", ".testsite.com", "session", "false", "same-site", "unspecified", NULL}, NULL},
	{{"cookie", "nope", "present", "false", NULL}, NULL},
	{{"cookie", "sid", "value", "2", "present", "false", NULL}, NULL},
	{{"cookie", "nope", NULL}, FAIL "cookie=\"nope\" (was: absent)"},
	{{"cookie", "sid", "value", "2", NULL}, FAIL "cookie=\"sid\" value=\"2\" (was: value=\"1\")"
	 "\n  the story of sid:\n"
	 "    00:00:00  t.xml:2:3  tab 1  cookie sid stored (host www.testsite.com, path /) for the session from https://www.testsite.com/ with Secure, HttpOnly, SameSite=Strict\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie sid sent to https://www.testsite.com/b"},
	{{"cookie", "wide", "domain", "testsite.com", "path", "/", NULL},
	 FAIL "cookie=\"wide\" domain=\"testsite.com\" path=\"/\" (was: domain=\".testsite.com\" path=\"/\")"
	 "\n  the story of wide:\n"
	 "    00:00:00  t.xml:4:3  tab 1  cookie wide stored (domain .testsite.com, path /) until 2015-01-01T00:10:00Z from https://www.testsite.com/\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie wide sent to https://www.testsite.com/b"},
	{{"cookie", "sid", "secure", "false", NULL}, FAIL "cookie=\"sid\" secure=\"false\" (was: secure=\"true\")"
	 "\n  the story of sid:\n"
	 "    00:00:00  t.xml:2:3  tab 1  cookie sid stored (host www.testsite.com, path /) for the session from https://www.testsite.com/ with Secure, HttpOnly, SameSite=Strict\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie sid sent to https://www.testsite.com/b"},
	{{"cookie", "sid", "http-only", "false", NULL}, FAIL "cookie=\"sid\" http-only=\"false\" (was: http-only=\"true\")"
	 "\n  the story of sid:\n"
	 "    00:00:00  t.xml:2:3  tab 1  cookie sid stored (host www.testsite.com, path /) for the session from https://www.testsite.com/ with Secure, HttpOnly, SameSite=Strict\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie sid sent to https://www.testsite.com/b"},
	{{"cookie", "sid", "same-site", "lax", NULL}, FAIL "cookie=\"sid\" same-site=\"lax\" (was: same-site=\"strict\")"
	 "\n  the story of sid:\n"
	 "    00:00:00  t.xml:2:3  tab 1  cookie sid stored (host www.testsite.com, path /) for the session from https://www.testsite.com/ with Secure, HttpOnly, SameSite=Strict\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie sid sent to https://www.testsite.com/b"},
	{{"cookie", "sid", "session", "false", NULL}, FAIL "cookie=\"sid\" session=\"false\" (was: session=\"true\")"
	 "\n  the story of sid:\n"
	 "    00:00:00  t.xml:2:3  tab 1  cookie sid stored (host www.testsite.com, path /) for the session from https://www.testsite.com/ with Secure, HttpOnly, SameSite=Strict\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie sid sent to https://www.testsite.com/b"},
	{{"cookie", "sid", "present", "false", NULL},
	 FAIL "cookie=\"sid\" present=\"false\" (was: present: value=\"1\" domain=\"www.testsite.com\" path=\"/\" secure=\"true\" http-only=\"true\" same-site=\"strict\" session=\"true\")"},
	{{"cookie", "psl", NULL},
	 FAIL "cookie=\"psl\" (was: absent)\n"
	 "  the browser never stored it: refused on https://www.testsite.com/ at 00:00:02: Domain \".com\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)"},
	/* document-cookie= */
	{{"document-cookie", "wide=w", NULL}, NULL},
	{{"document-cookie", "wide=w", "tab", "b", NULL}, NULL},
	{{"document-cookie", "wide=x", NULL}, FAIL "document-cookie=\"wide=x\" (was: \"wide=w\")"
	 "\n  the story of wide:\n"
	 "    00:00:00  t.xml:4:3  tab 1  cookie wide stored (domain .testsite.com, path /) until 2015-01-01T00:10:00Z from https://www.testsite.com/\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie wide sent to https://www.testsite.com/b"},
	{{"document-cookie", "wide=w; sid=1", NULL},
	 FAIL "document-cookie=\"wide=w; sid=1\" (was: \"wide=w\")\n"
	 "  the jar holds sid (value=\"1\" domain=\"www.testsite.com\" path=\"/\" secure=\"true\" http-only=\"true\" same-site=\"strict\" session=\"true\"), but document.cookie on https://www.testsite.com/ does not show it"
	 "\n  the story of sid:\n"
	 "    00:00:00  t.xml:2:3  tab 1  cookie sid stored (host www.testsite.com, path /) for the session from https://www.testsite.com/ with Secure, HttpOnly, SameSite=Strict\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie sid sent to https://www.testsite.com/b"},
	/* document-cookie-contains= */
	{{"document-cookie-contains", "wide=w", NULL}, NULL},
	{{"document-cookie-contains", "wide=", NULL}, FAIL "document-cookie-contains=\"wide=\" (was: \"wide=w\")"
	 "\n  the story of wide:\n"
	 "    00:00:00  t.xml:4:3  tab 1  cookie wide stored (domain .testsite.com, path /) until 2015-01-01T00:10:00Z from https://www.testsite.com/\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie wide sent to https://www.testsite.com/b"},
	{{"document-cookie-contains", "deep=d", "tab", "b", NULL},
	 "t.xml:20:3: expectation failed: document-cookie-contains=\"deep=d\" tab=\"b\" (was: \"wide=w\")\n"
	 "  the jar holds deep (value=\"d\" domain=\"www.testsite.com\" path=\"/cart\" secure=\"false\" http-only=\"false\" same-site=\"unspecified\" session=\"true\"), but document.cookie on https://www.testsite.com/b does not show it"
	 "\n  the story of deep:\n"
	 "    00:00:00  t.xml:5:3  tab 1  cookie deep stored (host www.testsite.com, path /cart) for the session from https://www.testsite.com/\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie deep not sent to https://www.testsite.com/b: its Path /cart does not match the request's path /b (RFC 6265bis §5.1.4; chromium)  [cookie-not-sent:path]"},
	{{"document-cookie-contains", "psl=x", NULL},
	 FAIL "document-cookie-contains=\"psl=x\" (was: \"wide=w\")\n"
	 "  the browser never stored it: refused on https://www.testsite.com/ at 00:00:02: Domain \".com\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)"},
	/* document-cookie-lacks= */
	{{"document-cookie-lacks", "sid", NULL}, NULL},
	{{"document-cookie-lacks", "wid", NULL}, NULL},
	{{"document-cookie-lacks", "wide", NULL}, FAIL "document-cookie-lacks=\"wide\" (was: \"wide=w\")"},
	/* cookie-header= */
	{{"cookie-header", "https://www.testsite.com/cart", "equals", "deep=d; sid=1; wide=w", NULL}, NULL},
	{{"cookie-header", "http://other.example/", "equals", "", NULL}, NULL},
	{{"cookie-header", "http://www.testsite.com/", "equals", "sid=1; wide=w", NULL},
	 FAIL "cookie-header=\"http://www.testsite.com/\" equals=\"sid=1; wide=w\" (was: \"wide=w\")\n"
	 "  the jar holds sid (value=\"1\" domain=\"www.testsite.com\" path=\"/\" secure=\"true\" http-only=\"true\" same-site=\"strict\" session=\"true\"), but the request to http://www.testsite.com/ does not show it"
	 "\n  the story of sid:\n"
	 "    00:00:00  t.xml:2:3  tab 1  cookie sid stored (host www.testsite.com, path /) for the session from https://www.testsite.com/ with Secure, HttpOnly, SameSite=Strict\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie sid sent to https://www.testsite.com/b"},
	/* local= and session= */
	{{"local", "k", "value", "v", NULL}, NULL},
	{{"local", "k", "tab", "b", NULL}, NULL},
	{{"local", "nope", "present", "false", NULL}, NULL},
	{{"local", "k", "value", "w", NULL}, FAIL "local=\"k\" value=\"w\" (was: \"v\")"},
	{{"local", "nope", NULL}, FAIL "local=\"nope\" (was: absent)"},
	{{"local", "k", "present", "false", NULL}, FAIL "local=\"k\" present=\"false\" (was: \"v\")"},
	{{"session", "s", "value", "sv", NULL}, NULL},
	{{"session", "s", "tab", "b", "present", "false", NULL}, NULL},
	{{"session", "s", "tab", "b", NULL}, FAIL "session=\"s\" tab=\"b\" (was: absent)"},
	/* refused= and evicted= */
	{{"refused", "psl", NULL}, NULL},
	{{"refused", "psl", "reason", "public-suffix", NULL}, NULL},
	{{"refused", "psl", "reason", "domain-mismatch", NULL},
	 FAIL "refused=\"psl\" reason=\"domain-mismatch\" (was: cookie-refused:public-suffix)\n"
	 "  the browser never stored it: refused on https://www.testsite.com/ at 00:00:02: Domain \".com\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)"},
	{{"refused", "wide", NULL}, FAIL "refused=\"wide\" (was: cookie-stored)"
	 "\n  the story of wide:\n"
	 "    00:00:00  t.xml:4:3  tab 1  cookie wide stored (domain .testsite.com, path /) until 2015-01-01T00:10:00Z from https://www.testsite.com/\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie wide sent to https://www.testsite.com/b"},
	{{"refused", "nope", NULL}, FAIL "refused=\"nope\" (was: no entry for this cookie in the trace)"},
	{{"evicted", "wide", NULL}, FAIL "evicted=\"wide\" (was: cookie-stored)"
	 "\n  the story of wide:\n"
	 "    00:00:00  t.xml:4:3  tab 1  cookie wide stored (domain .testsite.com, path /) until 2015-01-01T00:10:00Z from https://www.testsite.com/\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie wide sent to https://www.testsite.com/b"},
	/* event="storage" */
	{{"event", "storage", "tab", "b", NULL}, NULL},
	{{"event", "storage", "tab", "a", NULL}, FAIL "event=\"storage\" tab=\"a\" (was: 0)"},
	{{"event", "storage", "tab", "b", "key", "k", "count", "1", NULL}, NULL},
	{{"event", "storage", "tab", "b", "key", "s", NULL}, FAIL "event=\"storage\" tab=\"b\" key=\"s\" (was: 0)"},
	{{"event", "storage", "tab", "b", "count", "2", NULL}, FAIL "event=\"storage\" tab=\"b\" count=\"2\" (was: 1)"},
	/* younger-than= and older-than=: the value as epoch milliseconds against the virtual clock */
	{{"cookie", "ts", "younger-than", "2s", NULL}, NULL},
	{{"cookie", "ts", "older-than", "1s", NULL}, NULL},
	/* It only ages while it waits: the failure shows the age at the end of the 5 s wait. */
	{{"cookie", "ts", "younger-than", "1s", NULL}, FAIL "cookie=\"ts\" younger-than=\"1s\" (was: value=\"1420070401000\" age=\"6000ms\")"},
	{{"cookie", "ts", "younger-than", "1s", "within", "0", NULL}, FAIL "cookie=\"ts\" younger-than=\"1s\" (was: value=\"1420070401000\" age=\"1000ms\")"},
	{{"cookie", "wide", "older-than", "1s", NULL}, FAIL "cookie=\"wide\" older-than=\"1s\" (was: value=\"w\")"
	 "\n  the story of wide:\n"
	 "    00:00:00  t.xml:4:3  tab 1  cookie wide stored (domain .testsite.com, path /) until 2015-01-01T00:10:00Z from https://www.testsite.com/\n"
	 "    00:00:02  t.xml:8:3  tab 2  cookie wide sent to https://www.testsite.com/b"},
	/* request= carried=: what the latest request to a URL carried, from the trace */
	{{"cookie", "sid", "request", "https://www.testsite.com/b", "carried", "true", NULL}, NULL},
	{{"cookie", "sid", "request", "https://www.testsite.com/b", "carried", "false", NULL},
	 FAIL "cookie=\"sid\" request=\"https://www.testsite.com/b\" carried=\"false\" (was: cookie-sent)"},
	{{"cookie", "sid", "request", "https://www.testsite.com/c", "carried", "true", NULL},
	 FAIL "cookie=\"sid\" request=\"https://www.testsite.com/c\" carried=\"true\" (was: no request to that URL in the trace considered the cookie)"},
	/* tabs= and focused= */
	{{"tabs", "2", NULL}, NULL},
	{{"tabs", "3", NULL}, FAIL "tabs=\"3\" (was: 2)"},
	{{"focused", "a", NULL}, NULL},
	{{"focused", "b", NULL}, FAIL "focused=\"b\" (was: \"a\")"},
};

Test(scenario_run, every_expectation_passing_and_failing)
{
	for (size_t i = 0; i < sizeof expect_cases / sizeof *expect_cases; i++) {
		const expect_case *c = &expect_cases[i];
		sb *b = expect_fixture();
		add_list(b, 20, "expect", c->attrs);
		/* A step after the expectation shows that a failure stops the scenario. */
		add(b, 21, "close-browser", NULL);
		bsim_result *r = run(b);
		if (!c->message) {
			cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "case %zu (%s=\"%s\"): %s", i, c->attrs[0],
				     c->attrs[1], bsim_result_message(r));
			cr_expect(traced(r, "browser-closed", NULL), "case %zu: the scenario stopped early", i);
		} else {
			char want[4096];
			snprintf(want, sizeof want, "%s" REPLAY, c->message);
			cr_expect_eq(bsim_result_outcome(r), BSIM_FAILED, "case %zu (%s=\"%s\") passed", i, c->attrs[0],
				     c->attrs[1]);
			const char *got = shown(r);
			cr_expect_str_eq(got ? got : "(null)", want, "case %zu:\n%s\n--- want:\n%s", i, got, want);
			cr_expect_str_eq(bsim_result_fail_file(r) ? bsim_result_fail_file(r) : "", "t.xml");
			cr_expect_eq(bsim_result_fail_line(r), 20);
			cr_expect_eq(bsim_result_fail_column(r), 3);
			cr_expect(!traced(r, "browser-closed", NULL), "case %zu: ran past the failure", i);
		}
		bsim_result_free(r);
		sb_free(b);
	}
}

/* ---- causes from the trace ---- */

Test(scenario_run, cause_evicted)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	step *t = add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	/* One more than Chromium's 180 per site (browser-rules.md L2). */
	char header[64];
	for (int i = 0; i < 181; i++) {
		snprintf(header, sizeof header, "c%d=%d; Max-Age=3600", i, i);
		add_set_cookie(t, header);
	}
	add(b, 3, "expect", "evicted", "c0", "reason", "domain-limit", NULL);
	add(b, 4, "expect", "evicted", "c0", NULL);
	add(b, 5, "expect", "refused", "c0", NULL);
	fails(b, BSIM_FAILED,
	      "t.xml:5:3: expectation failed: refused=\"c0\" (was: cookie-evicted:domain-limit)\n"
	      "  it was evicted at 00:00:00: cookie c0 (host www.testsite.com, path /) evicted: its site went over chromium's limit of 180 cookies (purged to 150, least recently used first) (RFC 6265bis §5.7 eviction, per-domain limit; chromium)\n"
	      "  the story of c0:\n"
	      "    00:00:00  t.xml:2:3  tab 1  cookie c0 stored (host www.testsite.com, path /) until 2015-01-01T01:00:00Z from https://www.testsite.com/\n"
	      "    00:00:00  t.xml:2:3  tab 1  cookie c0 (host www.testsite.com, path /) evicted: its site went over chromium's limit of 180 cookies (purged to 150, least recently used first) (RFC 6265bis §5.7 eviction, per-domain limit; chromium)  [cookie-evicted:domain-limit]" REPLAY);
}

Test(scenario_run, cause_expired)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "p=1; Max-Age=10", NULL);
	add(b, 4, "wait", "for", "1m", NULL);
	add(b, 5, "expect", "document-cookie-contains", "p=1", NULL);
	fails(b, BSIM_FAILED,
	      "t.xml:5:3: expectation failed: document-cookie-contains=\"p=1\" (was: \"\")\n"
	      "  it expired: cookie p (host www.testsite.com, path /) expired at 2015-01-01T00:00:10Z (RFC 6265bis §5.7 eviction, expiry-time in the past; chromium)\n"
	      "  the story of p:\n"
	      "    00:00:00  t.xml:3:3  tab 1  cookie p stored (host www.testsite.com, path /) until 2015-01-01T00:00:10Z from https://www.testsite.com/\n"
	      "    00:01:00  t.xml:4:3  cookie p (host www.testsite.com, path /) expired at 2015-01-01T00:00:10Z (RFC 6265bis §5.7 eviction, expiry-time in the past; chromium)" REPLAY);
}

Test(scenario_run, cause_deleted)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "p=1", NULL);
	add(b, 4, "wait", "for", "500ms", NULL);
	add(b, 5, "cookie", "write", "p=; Max-Age=0", NULL);
	add(b, 6, "expect", "cookie", "p", NULL);
	fails(b, BSIM_FAILED,
	      "t.xml:6:3: expectation failed: cookie=\"p\" (was: absent)\n"
	      "  it was deleted at 00:00:00.500: cookie p from https://www.testsite.com/ arrived already expired: it deleted the stored cookie of the same name, domain and path (RFC 6265bis §5.7 step 23; chromium)\n"
	      "  the story of p:\n"
	      "    00:00:00  t.xml:3:3  tab 1  cookie p stored (host www.testsite.com, path /) for the session from https://www.testsite.com/\n"
	      "    00:00:00.500  t.xml:5:3  tab 1  cookie p from https://www.testsite.com/ arrived already expired: it deleted the stored cookie of the same name, domain and path (RFC 6265bis §5.7 step 23; chromium)" REPLAY);
}

Test(scenario_run, cause_refused_after_an_earlier_store)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "cookie", "write", "p=1", NULL);
	add(b, 4, "cookie", "write", "p=2; Domain=other.example", NULL);
	add(b, 5, "expect", "cookie", "p", "value", "2", NULL);
	fails(b, BSIM_FAILED,
	      "t.xml:5:3: expectation failed: cookie=\"p\" value=\"2\" (was: value=\"1\")\n"
	      "  the browser did not store it: refused on https://www.testsite.com/ at 00:00:00: Domain \".other.example\" does not cover the host www.testsite.com (RFC 6265bis §5.7 step 10; chromium)\n"
	      "  the story of p:\n"
	      "    00:00:00  t.xml:3:3  tab 1  cookie p stored (host www.testsite.com, path /) for the session from https://www.testsite.com/\n"
	      "    00:00:00  t.xml:4:3  tab 1  cookie p refused on https://www.testsite.com/: Domain \".other.example\" does not cover the host www.testsite.com (RFC 6265bis §5.7 step 10; chromium)  [cookie-refused:domain-mismatch]" REPLAY);
}

Test(scenario_run, cause_storage_refused_over_quota)
{
	size_t len = 6 * 1024 * 1024;
	char *big = malloc(len + 1);
	memset(big, 'x', len);
	big[len] = '\0';
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "storage", "area", "local", "set", "big", "value", big, NULL);
	add(b, 4, "expect", "local", "big", NULL);
	free(big);
	bsim_result *r = run(b);
	cr_expect_eq(bsim_result_outcome(r), BSIM_FAILED);
	const char *want = "t.xml:4:3: expectation failed: local=\"big\" (was: absent)\n"
			   "  the browser refused to store it at 00:00:00: localStorage.setItem(\"big\") refused on https://www.testsite.com/: ";
	cr_expect(strncmp(shown(r), want, strlen(want)) == 0, "%s", bsim_result_message(r));
	bsim_result_free(r);
	sb_free(b);
}

/* ---- expect-failure ---- */

static sb *github_io(const char *expect_failure)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.expect_failure = expect_failure ? strdup(expect_failure) : NULL;
	add(b, 2, "tab", "name", "a", "url", "https://shop.github.io/", NULL);
	add(b, 3, "wait", "for", "2s", NULL);
	add(b, 4, "cookie", "write", "_genesys.widgets.webchat.state.session=abc; Domain=.github.io; Path=/", NULL);
	add(b, 5, "expect", "cookie", "_genesys.widgets.webchat.state.session", NULL);
	return b;
}

#define GITHUB_IO_FAILURE                                                                                          \
	"t.xml:5:3: expectation failed: cookie=\"_genesys.widgets.webchat.state.session\" (was: absent)\n"         \
	"  the browser never stored it: refused on https://shop.github.io/ at 00:00:02: Domain \".github.io\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)"

Test(scenario_run, the_documented_failure)
{
	fails(github_io(NULL), BSIM_FAILED, GITHUB_IO_FAILURE REPLAY);
}

Test(scenario_run, expect_failure_matched)
{
	const char *declared[] = {"cookie-refused:public-suffix", "cookie-refused"};
	for (size_t i = 0; i < 2; i++) {
		sb *b = github_io(declared[i]);
		bsim_result *r = run(b);
		cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s", declared[i]);
		cr_expect_eq(bsim_result_expected_failure(r), 1);
		cr_expect_str_eq(shown(r), GITHUB_IO_FAILURE REPLAY);
		cr_expect_eq(bsim_result_fail_line(r), 5);
		bsim_result_free(r);
		sb_free(b);
	}
}

Test(scenario_run, expect_failure_not_matched)
{
	const char *declared[] = {"cookie-refused:domain-mismatch", "cookie-ref", "cookie-evicted"};
	for (size_t i = 0; i < 3; i++) {
		sb *b = github_io(declared[i]);
		bsim_result *r = run(b);
		char want[2048];
		snprintf(want, sizeof want,
			 GITHUB_IO_FAILURE "\n  the scenario declares expect-failure=\"%s\", but the cause was cookie-refused:public-suffix" REPLAY,
			 declared[i]);
		expect_message(r, BSIM_FAILED, want);
		cr_expect_eq(bsim_result_expected_failure(r), 0);
		bsim_result_free(r);
		sb_free(b);
	}
	/* A failure the trace does not explain. */
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.expect_failure = strdup("cookie-refused");
	add(b, 2, "expect", "tabs", "1", NULL);
	fails(b, BSIM_FAILED,
	      "t.xml:2:3: expectation failed: tabs=\"1\" (was: 0)\n"
	      "  the scenario declares expect-failure=\"cookie-refused\", but the trace gives no cause for this failure" REPLAY);
}

Test(scenario_run, expect_failure_but_passed)
{
	sb *b = github_io("cookie-refused:public-suffix");
	/* The fixed twin: a host whose registrable domain takes the cookie. */
	free(b->steps[0].attr_values[1]);
	b->steps[0].attr_values[1] = strdup("https://shop.example.com/");
	free(b->steps[2].attr_values[0]);
	b->steps[2].attr_values[0] = strdup("_genesys.widgets.webchat.state.session=abc; Domain=.example.com; Path=/");
	bsim_result *r = run(b);
	expect_message(r, BSIM_FAILED,
		       "t.xml:1:1: expectation failed: expect-failure=\"cookie-refused:public-suffix\" (was: passed)\n"
		       "  the scenario declares that it fails this way, but every step passed" REPLAY);
	cr_expect_str_eq(bsim_result_fail_file(r), "t.xml");
	cr_expect_eq(bsim_result_fail_line(r), 1);
	bsim_result_free(r);
	sb_free(b);
}

Test(scenario_run, expect_failure_on_an_unresolved_navigation)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.open_resolution = 0;
	b->sc.expect_failure = strdup("navigation-failed:unresolved");
	add(b, 2, "tab", "name", "a", "url", "https://nowhere.example/", NULL);
	bsim_result *r = run(b);
	cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s", bsim_result_message(r));
	cr_expect_eq(bsim_result_expected_failure(r), 1);
	bsim_result_free(r);
	sb_free(b);
}

/* ---- determinism and the seed ---- */

Test(scenario_run, two_runs_give_the_same_trace_and_message)
{
	bsim_result *r[2];
	sb *b[2];
	for (int k = 0; k < 2; k++) {
		b[k] = expect_fixture();
		add(b[k], 20, "expect", "cookie", "psl", NULL);
		r[k] = run(b[k]);
	}
	cr_assert_str_eq(bsim_result_message(r[0]), bsim_result_message(r[1]));
	cr_assert_eq(bsim_result_trace_count(r[0]), bsim_result_trace_count(r[1]));
	cr_assert_gt(bsim_result_trace_count(r[0]), 10);
	for (size_t i = 0; i < bsim_result_trace_count(r[0]); i++) {
		const bsim_trace_entry *x = bsim_result_trace_at(r[0], i), *y = bsim_result_trace_at(r[1], i);
		cr_expect_eq(x->at, y->at);
		cr_expect_eq(x->tab, y->tab);
		cr_expect_eq(x->kind, y->kind);
		cr_expect_str_eq(x->code, y->code);
		cr_expect_str_eq(x->message, y->message);
		cr_expect_str_eq(x->subject ? x->subject : "", y->subject ? y->subject : "");
	}
	cr_expect_null(bsim_result_trace_at(r[0], bsim_result_trace_count(r[0])));
	for (int k = 0; k < 2; k++) {
		bsim_result_free(r[k]);
		sb_free(b[k]);
	}
}

Test(scenario_run, the_seed_option_overrides_the_scenario_seed)
{
	sb *b = github_io(NULL);
	b->sc.seed = 7;
	cr_assert_eq(sb_prepare(b), 0);
	bsim_result *r = NULL;
	cr_assert_eq(bsim_scenario_run(&r, &b->sc, NULL), 0);
	cr_expect_eq(bsim_result_seed(r), 7);
	cr_expect(strstr(bsim_result_message(r), "\n  seed 7 \xC2\xB7 replay: bsim run t.xml:1 --engine chromium --seed 7 --trace"));
	bsim_result_free(r);
	bsim_run_options o = BSIM_RUN_OPTIONS_INIT;
	o.seed_set = 1;
	o.seed = 42;
	cr_assert_eq(bsim_scenario_run(&r, &b->sc, &o), 0);
	cr_expect_eq(bsim_result_seed(r), 42);
	cr_expect(strstr(bsim_result_message(r), "\n  seed 42 \xC2\xB7 replay: bsim run t.xml:1 --engine chromium --seed 42 --trace"));
	cr_expect_eq(bsim_result_scenario(r), &b->sc);
	bsim_result_free(r);
	sb_free(b);
}

Test(scenario_run, replay_quotes_a_path_the_shell_would_split)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	b->sc.at.file = "my tests/it's.xml";
	add(b, 2, "expect", "tabs", "1", NULL);
	b->steps[0].at.file = "my tests/it's.xml";
	fails(b, BSIM_FAILED,
	      "my tests/it's.xml:2:3: expectation failed: tabs=\"1\" (was: 0)\n"
	      "  seed 1 \xC2\xB7 replay: bsim run 'my tests/it'\\''s.xml:1' --engine chromium --seed 1 --trace");
}

/* The replay command repeats every run option that changes the outcome: how navigations were fetched, and the engine. */
Test(scenario_run, replay_repeats_the_engine_and_the_live_options)
{
	sb *b = sb_new(BSIM_ENGINE_FIREFOX);
	add(b, 2, "expect", "tabs", "1", NULL);
	cr_assert_eq(sb_prepare(b), 0);
	bsim_run_options o = BSIM_RUN_OPTIONS_INIT;
	o.live = 1;
	o.ca_file = "certs/my ca.pem";
	o.insecure = 1;
	bsim_result *r = NULL;
	cr_assert_eq(bsim_scenario_run(&r, &b->sc, &o), 0);
	const char *want = "\n  seed 1 \xC2\xB7 replay: bsim run t.xml:1 --engine firefox --seed 1 --live --ca-file 'certs/my ca.pem' "
			   "--insecure --trace";
	cr_expect(strstr(bsim_result_message(r), want), "%s", bsim_result_message(r));
	bsim_result_free(r);
	sb_free(b);
}

/* ---- engines ---- */

Test(scenario_run, a_secure_cookie_on_http_localhost_per_engine)
{
	static const struct {
		bsim_engine engine;
		const char *message;
	} cases[] = {
		{BSIM_ENGINE_CHROMIUM, NULL},
		{BSIM_ENGINE_FIREFOX, NULL},
		{BSIM_ENGINE_SAFARI,
		 "t.xml:4:3: expectation failed: cookie=\"s\" secure=\"true\" (was: absent)\n"
		 "  the browser never stored it: refused on http://localhost:8080/ at 00:00:00: the Secure attribute needs a secure page, and http://localhost:8080/ is not one (RFC 6265bis §5.7 step 13; safari)" "\n  seed 1 \xC2\xB7 replay: bsim run t.xml:1 --engine safari --seed 1 --trace"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sb *b = sb_new(cases[i].engine);
		b->sc.open_resolution = 0;
		add(b, 2, "tab", "name", "a", "url", "http://localhost:8080/", NULL);
		add(b, 3, "cookie", "write", "s=1; Secure", NULL);
		add(b, 4, "expect", "cookie", "s", "secure", "true", NULL);
		bsim_result *r = run(b);
		if (!cases[i].message)
			cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s: %s", bsim_engine_name(cases[i].engine),
				     bsim_result_message(r));
		else
			expect_message(r, BSIM_FAILED, cases[i].message);
		bsim_result_free(r);
		sb_free(b);
	}
}

/* ---- fragments ---- */

Test(scenario_run, a_step_from_a_fragment_says_where_it_was_used)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	step *s = add(b, 3, "expect", "local", "k", NULL);
	s->at = (src_loc){"fragments.xml", 7, 5, FILE_NAME, 3, 3};
	fails(b, BSIM_FAILED,
	      "fragments.xml:7:5: expectation failed: local=\"k\" (was: absent)\n"
	      "  from the fragment used at t.xml:3:3" REPLAY);

	b = sb_new(BSIM_ENGINE_CHROMIUM);
	s = add(b, 2, "reload", NULL);
	s->at = (src_loc){"fragments.xml", 9, 5, FILE_NAME, 2, 3};
	fails(b, BSIM_ERRORED,
	      "fragments.xml:9:5: error: no tab to act on: no tab was opened yet; open one with <tab name=\"...\" url=\"...\"/> or name one with tab=\"...\"\n"
	      "  from the fragment used at t.xml:2:3" REPLAY);
}

/* ---- load-time checks of the kinds (prepare) ---- */

typedef struct prepare_case {
	const char *element;
	const char *attrs[12];
	const char *message;
} prepare_case;

static const prepare_case prepare_cases[] = {
	{"tab", {"url", "https://x.com/", NULL}, "<tab> needs name=\"...\" (e.g. name=\"a\")"},
	{"tab", {"name", "a", "url", "ftp://x.com/", NULL}, NULL},
	{"navigate", {"tab", "a", NULL}, "<navigate> needs url=\"...\" (e.g. url=\"https://www.shop.com/\")"},
	{"navigate", {"url", "https://x.com/", "target", "a", NULL},
	 "<navigate> does not take the attribute target; it takes tab, url"},
	{"window-open", {"name", "p", "url", "https://x.com/", NULL}, "<window-open> needs from=\"...\" (e.g. from=\"a\")"},
	{"window-open", {"name", "p", "from", "a", "url", "https://x.com/", "noopener", "yes", NULL}, NULL},
	{"reload", {"url", "https://x.com/", NULL}, "<reload> does not take the attribute url; it takes tab"},
	{"cookie", {"tab", "a", NULL}, NULL},
	{"storage", {"area", "local", "set", "k", NULL}, "<storage set=\"k\"> needs value=\"...\""},
	{"storage", {"area", "disk", "clear", "true", NULL}, "<storage> needs area=\"local\" or area=\"session\", not \"disk\""},
	{"storage", {"area", "local", "set", "k", "value", "v", "remove", "k", NULL},
	 "<storage> does one thing: set=\"KEY\" value=\"V\", remove=\"KEY\" or clear=\"true\" (it has 2 of them)"},
	{"wait", {NULL}, "<wait> needs for=\"...\" (e.g. for=\"2s\")"},
	{"close-browser", {"now", "true", NULL}, "<close-browser> does not take the attribute now; it takes after, at"},
	{"load-profile", {NULL}, "<load-profile> needs file=\"...\" (e.g. file=\"profile.sqlite\")"},
	{"expect", {"tab", "a", NULL}, NULL},
	{"expect", {"cookie", "x", "same-site", "loose", NULL}, "same-site=\"loose\": write none, lax, strict or unspecified"},
	{"expect", {"cookie", "x", "equals", "1", NULL},
	 "<expect cookie=...> does not take the attribute equals; it takes present, value, domain, path, secure, http-only, same-site, session"},
	{"expect", {"refused", "x", "reason", "too-big", NULL}, NULL},
	{"expect", {"event", "focus", NULL}, "event=\"focus\": bsim checks event=\"storage\" and the widget's WebChatService.restored"},
	{"expect", {"event", "storage", "count", "-1", NULL}, "count=\"-1\" is not a count: give a whole number from 0 to 1000000"},
	{"expect", {"tabs", "two", NULL}, "tabs=\"two\" is not a count: give a whole number from 0 to 1000000"},
	{"expect", {"local", "k", "value", "v", "present", "false", NULL},
	 "<expect local=...> takes value=\"...\" or present=\"false\", not both"},
	{"expect", {"cookie-header", "https://x.com/", NULL},
	 "<expect cookie-header=...> needs equals=\"...\" (\"\" when no cookie is sent)"},
	{"expect", {"focused", "a", "tab", "a", NULL}, "<expect focused=...> does not take the attribute tab; it takes within, after, at"},
	/* a step's place on the clock: one of after= and at=, each a duration */
	{"tab", {"name", "a", "after", "1s", "at", "2s", NULL},
	 "<tab> takes after=\"...\" (since the previous step) or at=\"...\" (since the scenario's start), not both"},
	{"expect", {"tabs", "1", "after", "1s", "at", "2s", NULL}, "<expect> takes after=\"...\""},
	{"reload", {"at", "soon", NULL}, "<reload> at=\"soon\": expected a duration such as 500ms"},
	{"expect", {"tabs", "1", "within", "a while", NULL}, "<expect> within=\"a while\": expected a duration"},
	{"expect", {"tabs", "1", "within", "25h", NULL},
	 "<expect> within=\"25h\": a timeout is at most 1d (EXPECT_WITHIN_MAX_MS); to let more time pass, use <wait for=\"DURATION\"/>"},
	{"wait", {"for", "poll", "timeout", "2d", NULL}, "<wait> timeout=\"2d\": a timeout is at most 1d"},
	/* the widget's elements and variants: the same table, generated from the schema */
	{"backend", {"do", "up", "tab", "a", NULL},
	 "<backend> does not take the attribute tab; it takes do, delay, status, latency, jitter, chat, secure-key, after, at"},
	{"expect", {"chat", "open", "owner", "a", NULL},
	 "<expect chat=...> does not take the attribute owner; it takes tab, minimized, unread, transcript, invite, console"},
	{"expect", {"owner", "a", "tab", "a", NULL}, "<expect owner=...> does not take the attribute tab; it takes origin"},
};

Test(scenario_run, kinds_check_their_attributes_at_load_time)
{
	for (size_t i = 0; i < sizeof prepare_cases / sizeof *prepare_cases; i++) {
		const prepare_case *c = &prepare_cases[i];
		sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
		add_list(b, 4, c->element, c->attrs);
		bsim_error_clear();
		cr_expect_lt(sb_prepare(b), 0, "case %zu <%s> was accepted", i, c->element);
		const bsim_error *e = bsim_error_last();
		cr_expect_str_eq(e->file ? e->file : "", "t.xml", "case %zu", i);
		cr_expect_eq(e->line, 4, "case %zu", i);
		if (c->message)
			cr_expect(strstr(e->message, c->message), "case %zu: %s\n--- want:\n%s", i, e->message, c->message);
		else
			cr_expect_neq(e->message[0], '\0', "case %zu: no message", i);
		sb_free(b);
	}
}

Test(scenario_run, set_cookie_children_need_a_url_and_text)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	step *t = add(b, 2, "tab", "name", "a", NULL);
	add_set_cookie(t, "a=1");
	cr_expect_lt(sb_prepare(b), 0);
	cr_expect(strstr(bsim_error_last()->message, "<tab> has <set-cookie> headers but no url=\"...\""), "%s",
		  bsim_error_last()->message);
	sb_free(b);
}

Test(scenario_run, elapsed_time_and_timestamps)
{
	char out[32];
	run_elapsed(BSIM_DEFAULT_START_TIME, BSIM_DEFAULT_START_TIME + 2000, out, sizeof out);
	cr_expect_str_eq(out, "00:00:02");
	run_elapsed(BSIM_DEFAULT_START_TIME, BSIM_DEFAULT_START_TIME + 49 * 3600000LL + 61500, out, sizeof out);
	cr_expect_str_eq(out, "49:01:01.500");
	/* Counted from the run's own start, whatever instant that is. */
	bsim_time start = INT64_C(1711848600000); /* 2024-03-31T01:30:00Z */
	run_elapsed(start, start + 3000, out, sizeof out);
	cr_expect_str_eq(out, "00:00:03");
	sb *b = github_io(NULL);
	bsim_result *r = run(b);
	cr_expect_gt(bsim_result_elapsed_ns(r), 0);
	bsim_result_free(r);
	sb_free(b);
}

/* ---- scenario files (tests/scenario/run/) through the loader ---- */

/* Load one file (which must load cleanly). */
static bsim_suite *load_file(const char *path)
{
	bsim_suite *suite = NULL;
	int rc = bsim_suite_load(&suite, &path, 1);
	if (rc < 0 && suite && bsim_suite_error_count(suite))
		cr_assert_fail("%s: %s", path, bsim_suite_error_at(suite, 0)->message);
	cr_assert_eq(rc, 0, "%s: %s", path, bsim_error_last()->message);
	return suite;
}

static char *fixture(const char *name)
{
	char rel[256];
	snprintf(rel, sizeof rel, "tests/scenario/run/%s", name);
	return strdup(support_source_path(rel));
}

/* Run scenario i of the suite. */
static bsim_result *run_at(bsim_suite *suite, size_t i)
{
	cr_assert_lt(i, bsim_suite_count(suite));
	bsim_result *r = NULL;
	cr_assert_eq(bsim_scenario_run(&r, bsim_suite_at(suite, i), NULL), 0, "%s", bsim_error_last()->message);
	return r;
}

/* want with every "@" replaced by path. */
static char *with_path(const char *want, const char *path)
{
	buf b = BUF_INIT;
	for (const char *p = want; *p; p++) {
		if (*p == '@')
			buf_puts(&b, path);
		else
			buf_putc(&b, *p);
	}
	return buf_detach(&b);
}

static void expect_file_message(bsim_result *r, bsim_outcome outcome, const char *want, const char *path)
{
	char *w = with_path(want, path);
	expect_message(r, outcome, w);
	free(w);
}

/* The replay line of the scenario on line `line` of the fixture, run on `engine`. */
#define FILE_REPLAY_AT(line, engine) "\n  seed 1 \xC2\xB7 replay: bsim run @:" #line " --engine " engine " --seed 1 --trace"
#define FILE_REPLAY FILE_REPLAY_AT(2, "chromium")

Test(scenario_file, the_documented_failure)
{
	char *path = fixture("github-io.xml");
	bsim_suite *suite = load_file(path);
	cr_assert_eq(bsim_suite_count(suite), 1);
	bsim_result *r = run_at(suite, 0);
	expect_file_message(r, BSIM_FAILED,
			    "@:6:3: expectation failed: cookie=\"_genesys.widgets.webchat.state.session\" (was: absent)\n"
			    "  the browser never stored it: refused on https://shop.github.io/ at 00:00:02.200: Domain \".github.io\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)" FILE_REPLAY,
			    path);
	cr_expect_str_eq(bsim_result_fail_file(r), path);
	cr_expect_eq(bsim_result_fail_line(r), 6);
	cr_expect_eq(bsim_result_fail_column(r), 3);
	bsim_result_free(r);
	bsim_suite_free(suite);
	free(path);
}

Test(scenario_file, expect_failure_matched_not_matched_and_passed)
{
	char *path = fixture("expect-failure.xml");
	bsim_suite *suite = load_file(path);
	cr_assert_eq(bsim_suite_count(suite), 4);
	const char *failure = "@:6:5: expectation failed: cookie=\"sid\" (was: absent)\n"
			      "  from the fragment used at @:%d:5\n"
			      "  the browser never stored it: refused on https://shop.github.io/ at 00:00:00.200: Domain \".github.io\" is a public suffix (RFC 6265bis §5.7 step 9; chromium)";
	for (size_t i = 0; i < 2; i++) {
		bsim_result *r = run_at(suite, i);
		cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s: %s", bsim_scenario_name(bsim_suite_at(suite, i)),
			     bsim_result_message(r));
		cr_expect_eq(bsim_result_expected_failure(r), 1);
		char want[2048];
		snprintf(want, sizeof want, failure, i == 0 ? 9 : 12);
		support_append(want, sizeof want, i == 0 ? FILE_REPLAY_AT(8, "chromium") : FILE_REPLAY_AT(11, "chromium"));
		expect_file_message(r, BSIM_PASSED, want, path);
		bsim_result_free(r);
	}
	bsim_result *r = run_at(suite, 2);
	char want[2048];
	snprintf(want, sizeof want, failure, 15);
	support_append(want, sizeof want, "\n  the scenario declares expect-failure=\"cookie-refused:domain-mismatch\", but the cause was cookie-refused:public-suffix" FILE_REPLAY_AT(14, "chromium"));
	expect_file_message(r, BSIM_FAILED, want, path);
	cr_expect_eq(bsim_result_expected_failure(r), 0);
	bsim_result_free(r);
	r = run_at(suite, 3);
	expect_file_message(r, BSIM_FAILED,
			    "@:17:3: expectation failed: expect-failure=\"cookie-refused:public-suffix\" (was: passed)\n"
			    "  the scenario declares that it fails this way, but every step passed" FILE_REPLAY_AT(17, "chromium"),
			    path);
	cr_expect_eq(bsim_result_fail_line(r), 17);
	bsim_result_free(r);
	bsim_suite_free(suite);
	free(path);
}

Test(scenario_file, one_run_per_engine)
{
	char *path = fixture("engines.xml");
	bsim_suite *suite = load_file(path);
	cr_assert_eq(bsim_suite_count(suite), 3);
	for (size_t i = 0; i < 3; i++) {
		bsim_result *r = run_at(suite, i);
		bsim_engine e = bsim_scenario_engine(bsim_suite_at(suite, i));
		if (e == BSIM_ENGINE_SAFARI)
			expect_file_message(r, BSIM_FAILED,
					    "@:5:3: expectation failed: cookie=\"s\" secure=\"true\" (was: absent)\n"
					    "  the browser never stored it: refused on http://localhost:8080/ at 00:00:00.200: the Secure attribute needs a secure page, and http://localhost:8080/ is not one (RFC 6265bis §5.7 step 13; safari)" FILE_REPLAY_AT(2, "safari"),
					    path);
		else
			cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s: %s", bsim_engine_name(e), bsim_result_message(r));
		bsim_result_free(r);
	}
	bsim_suite_free(suite);
	free(path);
}

Test(scenario_file, session_restore_on_and_off)
{
	char *path = fixture("restore.xml");
	bsim_suite *suite = load_file(path);
	cr_assert_eq(bsim_suite_count(suite), 2);
	bsim_result *r = run_at(suite, 0);
	cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s", bsim_result_message(r));
	bsim_result_free(r);
	r = run_at(suite, 1);
	expect_file_message(r, BSIM_FAILED,
			    "@:21:5: expectation failed: document-cookie-contains=\"sess=1\" (was: \"\")\n"
			    "  it ended with the session when the browser closed at 00:00:00.400: session cookie sess (domain .testsite.com, path /) dropped: the browser closed (RFC 6265bis §5.7, session cookies end with the session; chromium)\n"
	      "  the story of sess:\n"
	      "    00:00:00.400  @:6:5  tab 2  cookie sess stored (domain .testsite.com, path /) for the session from https://store.testsite.com/\n"
	      "    00:00:00.400  @:8:5  session cookie sess (domain .testsite.com, path /) dropped: the browser closed (RFC 6265bis §5.7, session cookies end with the session; chromium)" FILE_REPLAY_AT(17, "chromium"),
			    path);
	bsim_result_free(r);
	bsim_suite_free(suite);
	free(path);
}

Test(scenario_file, every_step_passes)
{
	char *path = fixture("every-step.xml");
	bsim_suite *suite = load_file(path);
	cr_assert_eq(bsim_suite_count(suite), 1);
	bsim_result *r = run_at(suite, 0);
	cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s", bsim_result_message(r));
	cr_expect_eq(bsim_result_seed(r), 3);
	cr_expect(traced(r, "went-back", NULL));
	cr_expect(traced(r, "reloaded", NULL));
	cr_expect(traced(r, "browser-closed", NULL));
	bsim_result_free(r);
	bsim_suite_free(suite);
	free(path);
}

Test(scenario_file, profile_and_interchange_files_beside_the_scenario)
{
	char *src = fixture("profile.xml");
	char *dir = temp_dir();
	char path[600], *text = NULL;
	size_t len;
	cr_assert_eq(support_read_file(src, &text, &len), 0);
	snprintf(path, sizeof path, "%s/profile.xml", dir);
	FILE *f = fopen(path, "w");
	fwrite(text, 1, len, f);
	fclose(f);
	free(text);
	bsim_suite *suite = load_file(path);
	bsim_result *r = run_at(suite, 0);
	cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s", bsim_result_message(r));
	cr_expect(traced(r, "profile-loaded", NULL));
	const char *written[] = {"profile.sqlite", "state.json", "cookies.txt"};
	for (size_t i = 0; i < 3; i++) {
		char p[700];
		snprintf(p, sizeof p, "%s/%s", dir, written[i]);
		cr_expect_eq(access(p, F_OK), 0, "%s not written", p);
	}
	bsim_result_free(r);
	bsim_suite_free(suite);
	remove_dir(dir);
	free(src);
}

Test(scenario_file, located_errors)
{
	static const struct {
		const char *file;
		const char *message;
	} cases[] = {
		{"unknown-tab.xml", "@:4:3: error: no tab named \"b\" (tabs named so far: a)" FILE_REPLAY},
		{"hosts.xml",
		 "@:5:3: error: cannot navigate tab \"a\" to https://store.testsite.com/: cannot resolve store.testsite.com: the host is not in the hosts file; add a line such as \"127.0.0.1 store.testsite.com\" to the hosts, or allow open resolution" FILE_REPLAY},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *path = fixture(cases[i].file);
		bsim_suite *suite = load_file(path);
		bsim_result *r = run_at(suite, 0);
		expect_file_message(r, BSIM_ERRORED, cases[i].message, path);
		bsim_result_free(r);
		bsim_suite_free(suite);
		free(path);
	}
}

/* ---- every step that cannot run: a located error ---- */

typedef struct step_error_case {
	const char *element;
	const char *attrs[10];
	const char *message; /* after "t.xml:3:3: error: " */
} step_error_case;

static const step_error_case step_error_cases[] = {
	{"tab", {"name", "b", "url", "https://nowhere.example/", NULL},
	 "cannot open tab \"b\" on https://nowhere.example/: cannot resolve nowhere.example: the host is not in the hosts file; add a line such as \"127.0.0.1 nowhere.example\" to the hosts, or allow open resolution"},
	{"navigate", {"url", "https://nowhere.example/", NULL},
	 "cannot navigate tab \"a\" to https://nowhere.example/: cannot resolve nowhere.example: the host is not in the hosts file; add a line such as \"127.0.0.1 nowhere.example\" to the hosts, or allow open resolution"},
	{"window-open", {"name", "p", "from", "a", "url", "https://nowhere.example/", NULL},
	 "window.open from tab \"a\" failed: cannot resolve nowhere.example: the host is not in the hosts file; add a line such as \"127.0.0.1 nowhere.example\" to the hosts, or allow open resolution"},
	{"reload", {"tab", "x", NULL}, "no tab named \"x\" (tabs named so far: a, gone)"},
	{"back", {NULL}, "cannot go back in tab \"a\": it has no earlier page"},
	{"focus", {"tab", "gone", NULL}, "tab \"gone\" is not open: it was closed, or the browser closed (open tabs: a)"},
	{"close-tab", {"tab", "gone", NULL}, "tab \"gone\" is not open: it was closed, or the browser closed (open tabs: a)"},
	{"cookie", {"tab", "x", "write", "a=1", NULL}, "no tab named \"x\" (tabs named so far: a, gone)"},
	{"storage", {"tab", "gone", "area", "local", "clear", "true", NULL},
	 "tab \"gone\" is not open: it was closed, or the browser closed (open tabs: a)"},
	{"wait", {"for", "9223372036854775807ms", NULL}, "cannot wait: the virtual clock would overflow"},
	{"save-profile", {"file", "nonexistent/dir/p.sqlite", NULL}, "cannot save profile nonexistent/dir/p.sqlite: "},
	{"export", {"file", "nonexistent/dir/state.json", NULL}, "cannot export: cannot write nonexistent/dir/state.json: "},
	{"import", {"file", "nonexistent/dir/state.json", NULL}, "cannot import: cannot read nonexistent/dir/state.json: "},
	/* The folder rule again as the step runs (file_access.h): a step the loader never saw is held to it too. */
	{"export", {"file", "/nonexistent/dir/state.json", NULL},
	 "<export file=\"/nonexistent/dir/state.json\"> writes outside the scenario's folder . (it leads to "
	 "/nonexistent/dir/state.json); bsim run --allow-write /nonexistent/dir to permit it"},
	{"load-profile", {"file", "../p.sqlite", NULL}, "<load-profile file=\"../p.sqlite\"> reads outside the scenario's folder ."},
	{"expect", {"document-cookie", "", "tab", "gone", NULL},
	 "tab \"gone\" is not open: it was closed, or the browser closed (open tabs: a)"},
};

Test(scenario_run, every_step_that_cannot_run_is_a_located_error)
{
	for (size_t i = 0; i < sizeof step_error_cases / sizeof *step_error_cases; i++) {
		const step_error_case *c = &step_error_cases[i];
		sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
		b->sc.open_resolution = 0;
		b->sc.hosts = strdup("127.0.0.1 www.testsite.com");
		add(b, 1, "tab", "name", "gone", "url", "https://www.testsite.com/", NULL);
		add(b, 1, "close-tab", NULL);
		add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
		b->steps[0].at.line = b->steps[1].at.line = 1;
		add_list(b, 3, c->element, c->attrs);
		bsim_result *r = run(b);
		cr_expect_eq(bsim_result_outcome(r), BSIM_ERRORED, "case %zu <%s>: %s", i, c->element,
			     bsim_result_message(r));
		const char *got = bsim_result_message(r) ? bsim_result_message(r) : "";
		char want[1024];
		snprintf(want, sizeof want, "t.xml:3:3: error: %s", c->message ? c->message : "");
		cr_expect(strncmp(got, want, strlen(want)) == 0, "case %zu:\n%s\n--- want:\n%s", i, got, want);
		cr_expect(strstr(got, REPLAY), "case %zu: no replay line", i);
		sb_free(b);
		bsim_result_free(r);
	}
}

/* ---- a plug-in expectation, as the widget steps will add ---- */

static int glow_prepare(step *s)
{
	int *want = malloc(sizeof *want);
	*want = (int)strtol(step_attr(s, "glow"), NULL, 10);
	s->data = want;
	return 0;
}

static int glow_check(step *s, run_ctx *rc)
{
	int want = *(int *)s->data;
	int got = (int)bsim_browser_tab_count(rc->browser);
	return want == got ? 0 : run_fail(rc, s, NULL, "glow=\"%d\" (was: %d)", want, got);
}

static void glow_release(void *data)
{
	free(data);
}

Test(scenario_run, a_plug_in_expectation_keeps_its_prepared_data)
{
	static const expect_kind glow = {"glow", glow_prepare, glow_check, glow_release, NULL};
	cr_assert_eq(expect_kind_register(&glow), 0, "%s", bsim_error_last()->message);
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "expect", "glow", "1", NULL);
	add(b, 4, "expect", "glow", "2", NULL);
	fails(b, BSIM_FAILED, "t.xml:4:3: expectation failed: glow=\"2\" (was: 1)" REPLAY);
}

/*
 * ---- expectations that wait (expect_wait.c), against an extension with
 * one pending piece of work: 300 ms after the <pending> step, the page
 * writes cookie "late" (as a response that takes time would). Until then
 * the pages have not settled. ----
 */

#define PENDING_MS 300

typedef struct pending {
	bsim_time due;
	int tab;
	bool done;
} pending;

static int pending_advance(run_ctx *rc, bsim_time to)
{
	pending *p = rc->ext.data;
	bsim_time now = bsim_browser_now(rc->browser);
	if (!p->done && to >= p->due) {
		cr_assert_eq(bsim_browser_wait(rc->browser, p->due - now), 0);
		cr_assert_eq(bsim_script_cookie_set(rc->browser, p->tab, "late=1; Path=/"), 0);
		p->done = true;
		now = p->due;
	}
	return bsim_browser_wait(rc->browser, to - now);
}

static bsim_time pending_next_due(run_ctx *rc)
{
	pending *p = rc->ext.data;
	return p->done ? BSIM_TIME_NEVER : p->due;
}

static bool pending_settled(run_ctx *rc)
{
	return ((pending *)rc->ext.data)->done;
}

static int pending_run(step *s, run_ctx *rc)
{
	pending *p = calloc(1, sizeof *p);
	cr_assert_eq(run_tab(&p->tab, rc, s), 0);
	p->due = bsim_browser_now(rc->browser) + PENDING_MS;
	rc->ext = (run_ext){p, free, pending_advance, NULL, pending_next_due, pending_settled};
	return 0;
}

/* A scenario: tab a, then work pending for 300 ms, then the expectation on line 4 (attribute pairs). */
static sb *pending_then(const char *const *expect_attrs)
{
	static const step_kind pending_kind = {"pending", NULL, pending_run, NULL};
	if (!step_kind_find("pending"))
		cr_assert_eq(step_kind_register(&pending_kind), 0);
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add(b, 3, "pending", NULL);
	add_list(b, 4, "expect", expect_attrs);
	return b;
}

typedef struct waiting_case {
	const char *attrs[8];
	int64_t scenario_within_ms;  /* 0: the default */
	const char *message;         /* NULL: passes */
} waiting_case;

static const waiting_case waiting_cases[] = {
	/* it holds 300 ms later: the expectation waits for it */
	{{"cookie", "late", NULL}, 0, NULL},
	/* an absence is judged only once the page settled, where the cookie is there */
	{{"cookie", "late", "present", "false", NULL}, 0,
	 "t.xml:4:3: expectation failed: cookie=\"late\" present=\"false\" (was: present: value=\"1\" domain=\"www.testsite.com\" path=\"/\" secure=\"false\" http-only=\"false\" same-site=\"unspecified\" session=\"true\")\n"
	 "  waited 5s until 00:00:05; the value was the same since 00:00:00.300"},
	{{"document-cookie-lacks", "late", NULL}, 0,
	 "t.xml:4:3: expectation failed: document-cookie-lacks=\"late\" (was: \"late=1\")\n"
	 "  waited 5s until 00:00:05; the value was the same since 00:00:00.300"},
	/* within="0": right now, no waiting and no settling */
	{{"cookie", "late", "within", "0", NULL}, 0, "t.xml:4:3: expectation failed: cookie=\"late\" (was: absent)"},
	{{"cookie", "late", "present", "false", "within", "0", NULL}, 0, NULL},
	/* a timeout shorter than the work: it waits that long and no longer, the scenario's or its own */
	{{"cookie", "late", NULL}, 200,
	 "t.xml:4:3: expectation failed: cookie=\"late\" (was: absent)\n  waited 200ms until 00:00:00.200; the value was the same since 00:00:00"},
	{{"cookie", "late", "within", "250ms", NULL}, 200,
	 "t.xml:4:3: expectation failed: cookie=\"late\" (was: absent)\n  waited 250ms until 00:00:00.250; the value was the same since 00:00:00"},
	{{"cookie", "late", "within", "1s", NULL}, 200, NULL},
};

Test(scenario_run, expectations_wait_for_their_condition_and_absences_for_the_pages_to_settle)
{
	for (size_t i = 0; i < sizeof waiting_cases / sizeof *waiting_cases; i++) {
		const waiting_case *c = &waiting_cases[i];
		sb *b = pending_then(c->attrs);
		b->sc.within_given = c->scenario_within_ms > 0;
		b->sc.within_ms = c->scenario_within_ms;
		bsim_result *r = run(b);
		if (!c->message) {
			cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "case %zu: %s", i, bsim_result_message(r));
		} else {
			char want[2048];
			snprintf(want, sizeof want, "%s" REPLAY, c->message);
			const char *got = bsim_result_message(r);
			cr_expect_str_eq(got ? got : "(null)", want, "case %zu:\n%s\n--- want:\n%s", i, got, want);
			cr_expect_eq(bsim_result_fail_line(r), 4, "case %zu", i);
		}
		bsim_result_free(r);
		sb_free(b);
	}
}

/* A waiting expectation that passed moved the clock to where it held: a later at= before that is in the past. */
Test(scenario_run, a_waiting_expectation_leaves_the_clock_where_it_held)
{
	static const char *const attrs[] = {"cookie", "late", NULL};
	sb *b = pending_then(attrs);
	add(b, 5, "expect", "tabs", "1", "at", "299ms", NULL);
	fails(b, BSIM_ERRORED,
	      "t.xml:5:3: error: at=\"299ms\" is 00:00:00.299, but the clock is already at 00:00:00.300: steps run in file order; place this one after the previous step with after=\"...\"" REPLAY);
	b = pending_then(attrs);
	add(b, 5, "expect", "tabs", "1", "at", "300ms", NULL);
	passes(b);
}

/* A failed trial leaves nothing behind: the kept failure has its cause once, and names its own step. */
Test(scenario_run, a_waited_failure_counts_its_cause_once)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "tab", "name", "a", "url", "https://shop.example.github.io/", NULL);
	add(b, 3, "cookie", "write", "sid=1; Domain=github.io", NULL);
	add(b, 4, "expect", "cookie", "sid", NULL);
	/* A declared failure that does not match lists the causes found: each trial's would show up there. */
	b->sc.expect_failure = strdup("cookie-evicted");
	bsim_result *r = run(b);
	const char *got = bsim_result_message(r);
	cr_assert_not_null(got);
	cr_expect_eq(bsim_result_fail_line(r), 4);
	cr_expect(strstr(got, "but the cause was cookie-refused:public-suffix\n"), "%s", got);
	const char *first = strstr(got, "the browser never stored it");
	cr_expect(first && !strstr(first + 1, "the browser never stored it"), "%s", got);
	cr_expect(strstr(got, "\n  waited 5s until 00:00:05; the value was the same since 00:00:00\n"), "%s", got);
	bsim_result_free(r);
	sb_free(b);
}

Test(scenario_run, evicted_only_takes_the_reasons_that_evict)
{
	sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "expect", "evicted", "p", "reason", "expired", NULL);
	cr_assert_eq(sb_prepare(b), BSIM_EINVAL);
	cr_assert(strstr(bsim_error_last()->message, "present=\"false\""), "%s", bsim_error_last()->message);
	sb_free(b);
	b = sb_new(BSIM_ENGINE_CHROMIUM);
	add(b, 2, "expect", "evicted", "p", "reason", "domain-limit", NULL);
	cr_assert_eq(sb_prepare(b), 0, "%s", bsim_error_last()->message);
	sb_free(b);
}

/* ---- where the clock starts (now=, bsim run --now) ---- */

/* 2024-06-01T12:00:00Z. */
#define NOW_2024 INT64_C(1717243200000)

/* A scenario written for an instant: its own now=. */
static sb *sb_at(bsim_engine engine, bsim_time start)
{
	sb *b = sb_new(engine);
	b->sc.start_time = start;
	b->sc.start_given = true;
	return b;
}

/* A fixed Expires counts from the scenario's instant; times in messages count from its start. */
Test(scenario_run, now_starts_the_clock_where_the_scenario_says)
{
	sb *b = sb_at(BSIM_ENGINE_CHROMIUM, NOW_2024);
	step *t = add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add_set_cookie(t, "promo=1; Path=/; Expires=Sat, 01 Jun 2024 13:00:00 GMT");
	add(b, 4, "expect", "cookie", "promo", "value", "1", NULL);
	add(b, 5, "wait", "for", "59m", NULL);
	add(b, 6, "expect", "cookie", "promo", NULL);
	add(b, 7, "wait", "for", "2m", NULL);
	add(b, 8, "expect", "cookie", "promo", NULL);
	bsim_result *r = run(b);
	cr_expect_eq(bsim_result_start_time(r), NOW_2024);
	expect_message(r, BSIM_FAILED,
		       "t.xml:8:3: expectation failed: cookie=\"promo\" (was: absent)\n"
		       "  it expired: cookie promo (host www.testsite.com, path /) expired at 2024-06-01T13:00:00Z (RFC 6265bis §5.7 eviction, expiry-time in the past; chromium)\n"
		       "  the story of promo:\n"
		       "    00:00:00  t.xml:2:3  tab 1  cookie promo stored (host www.testsite.com, path /) until 2024-06-01T13:00:00Z from https://www.testsite.com/\n"
		       "    01:01:00  t.xml:7:3  cookie promo (host www.testsite.com, path /) expired at 2024-06-01T13:00:00Z (RFC 6265bis §5.7 eviction, expiry-time in the past; chromium)" REPLAY);
	/* The trace is on the real instants: the browser started at now=. */
	cr_expect_eq(bsim_result_trace_at(r, 0)->at, NOW_2024);
	bsim_result_free(r);
	sb_free(b);
}

/* The same header is kept or dropped by where the clock stands when it arrives. */
Test(scenario_run, an_expires_before_now_arrives_expired)
{
	static const struct {
		bsim_time start;
		bool given;
		bool stored;
	} cases[] = {
		{NOW_2024, true, false},                /* 11:00 is an hour before now= */
		{NOW_2024 - 7200000, true, true},       /* now= 10:00: an hour to live */
		{BSIM_DEFAULT_START_TIME, false, true}, /* bsim's default, 2015: nine years to live (no cap on safari) */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sb *b = sb_new(BSIM_ENGINE_SAFARI);
		b->sc.start_time = cases[i].start;
		b->sc.start_given = cases[i].given;
		step *t = add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
		add_set_cookie(t, "old=1; Path=/; Expires=Sat, 01 Jun 2024 11:00:00 GMT");
		add(b, 4, "expect", "cookie", "old", "present", cases[i].stored ? "true" : "false", NULL);
		bsim_result *r = run(b);
		cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "case %zu: %s", i,
			     bsim_result_message(r) ? bsim_result_message(r) : "");
		cr_expect_eq(traced(r, "cookie-stored", "old"), cases[i].stored, "case %zu", i);
		bsim_result_free(r);
		sb_free(b);
	}
}

/* Chromium's 400-day cap (P12) counts from the clock's instant, not from bsim's default start. */
Test(scenario_run, the_400_day_cap_counts_from_now)
{
	/* 2030-01-01T00:00:00Z; the header asks for 2031-06-01, 516 days on; the cap makes it 2031-02-05. */
	sb *b = sb_at(BSIM_ENGINE_CHROMIUM, INT64_C(1893456000000));
	step *t = add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
	add_set_cookie(t, "long=1; Path=/; Expires=Sun, 01 Jun 2031 00:00:00 GMT");
	add(b, 4, "wait", "for", "399d", NULL);
	add(b, 5, "expect", "cookie", "long", NULL);
	add(b, 6, "wait", "for", "1d", NULL);
	add(b, 7, "expect", "cookie", "long", "present", "false", NULL);
	bsim_result *r = run(b);
	expect_passed(r);
	bool capped = false;
	for (size_t i = 0; i < bsim_result_trace_count(r); i++) {
		const bsim_trace_entry *e = bsim_result_trace_at(r, i);
		capped |= strcmp(e->code, "cookie-stored") == 0 && strstr(e->message, "until 2031-02-05T00:00:00Z");
	}
	cr_expect(capped, "the cookie should be stored until 2030-01-01 + 400 days");
	bsim_result_free(r);
	sb_free(b);
}

/* bsim run --now moves the start of a scenario that gives none, and the replay command repeats it. */
Test(scenario_run, the_run_option_now_moves_only_scenarios_without_now)
{
	bsim_run_options o = BSIM_RUN_OPTIONS_INIT;
	o.now_set = 1;
	o.now = NOW_2024;
	static const struct {
		bool given;
		bsim_time own;
		bsim_time want;
		const char *replay;
	} cases[] = {
		{false, BSIM_DEFAULT_START_TIME, NOW_2024,
		 "\n  seed 1 \xC2\xB7 replay: bsim run t.xml:1 --engine chromium --seed 1 --now 2024-06-01T12:00:00Z --trace"},
		/* The file's now= wins: the scenario was written for it, and replays with it. */
		{true, INT64_C(1893456000000), INT64_C(1893456000000), REPLAY},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		sb *b = sb_new(BSIM_ENGINE_CHROMIUM);
		b->sc.start_time = cases[i].own;
		b->sc.start_given = cases[i].given;
		add(b, 2, "tab", "name", "a", "url", "https://www.testsite.com/", NULL);
		add(b, 3, "wait", "for", "2s", NULL);
		add(b, 4, "cookie", "write", "late=1; Domain=github.io", NULL);
		add(b, 5, "expect", "cookie", "late", NULL);
		cr_assert_eq(sb_prepare(b), 0);
		bsim_result *r = NULL;
		cr_assert_eq(bsim_scenario_run(&r, &b->sc, &o), 0);
		cr_expect_eq(bsim_result_start_time(r), cases[i].want, "case %zu", i);
		const char *msg = bsim_result_message(r);
		cr_assert_not_null(msg);
		/* Relative times are the same wherever the clock starts. */
		cr_expect(strstr(msg, " at 00:00:02: "), "case %zu: %s", i, msg);
		size_t n = strlen(msg), k = strlen(cases[i].replay);
		cr_expect(n >= k && strcmp(msg + n - k, cases[i].replay) == 0, "case %zu: %s", i, msg);
		bsim_result_free(r);
		sb_free(b);
	}
}
