/*
 * test_http_state.c: Adam Barth's http-state cookie suite
 * (../shared/conformance/http-state/cases.json), every case run through
 * the jar once per engine preset, the way the suite's own server runs it
 * (conformance/README.md §1): the agent navigates to request_url, the
 * response carries the case's Set-Cookie headers and a redirect, the agent
 * follows it to result_url, and the Cookie header it sends there must equal
 * expected_cookie (null: no Cookie header, which the jar gives as "").
 *
 * A case may fail only where the real browser fails it too: such cases are
 * listed, with what that browser does differently, in
 * tests/conformance/expectations/http-state-<engine>.txt (one line
 * "id<TAB>reason"). The test fails on an unlisted failure, and on a listed
 * case that passes (a stale entry hides a fixed or a changed behaviour).
 * Each run prints its count, e.g. "http-state chromium: 171/178 pass, 7 listed".
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/cookie.h"
#include "support.h"
#include "util/buf.h"

/*
 * The virtual clock for every case: 2015-01-01T00:00:00Z. The suites'
 * Expires dates assume a "now" between 2007-08-07 and 2019-08-07
 * (conformance/README.md, Time); the wall clock would fail some cases.
 */
#define CONFORMANCE_NOW_MS INT64_C(1420070400000)

#define SUITE "http-state"
#define CASES_PATH "conformance/http-state/cases.json"

/* ---- expectation files (the same code is in test_wpt.c) ---------------- */

typedef struct listed_case {
	char *id;
	char *reason;
	int line;
	bool seen;
} listed_case;

typedef struct expectations {
	char path[512];
	listed_case *items;
	size_t count;
} expectations;

/* tests/conformance/expectations/<suite>-<engine>.txt; an absent file lists nothing. */
static void expectations_load(expectations *e, const char *suite, const char *engine)
{
	memset(e, 0, sizeof *e);
	snprintf(e->path, sizeof e->path, "tests/conformance/expectations/%s-%s.txt", suite, engine);
	char *text = NULL;
	if (support_read_file(support_source_path(e->path), &text, NULL) != 0)
		return;
	int line = 0;
	for (char *s = text, *next; s && *s; s = next) {
		line++;
		next = strchr(s, '\n');
		if (next)
			*next++ = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		char *tab = strchr(s, '\t');
		cr_assert(tab && tab > s && tab[1] != '\0',
			  "%s:%d: expected \"id<TAB>reason\", with the reason saying what the browser does", e->path,
			  line);
		*tab = '\0';
		for (size_t i = 0; i < e->count; i++)
			cr_assert(strcmp(e->items[i].id, s) != 0, "%s:%d: %s is listed twice (first on line %d)",
				  e->path, line, s, e->items[i].line);
		e->items = realloc(e->items, (e->count + 1) * sizeof *e->items);
		e->items[e->count++] = (listed_case){strdup(s), strdup(tab + 1), line, false};
	}
	free(text);
}

static listed_case *expectations_find(expectations *e, const char *id)
{
	for (size_t i = 0; i < e->count; i++)
		if (strcmp(e->items[i].id, id) == 0)
			return &e->items[i];
	return NULL;
}

static void expectations_free(expectations *e)
{
	for (size_t i = 0; i < e->count; i++) {
		free(e->items[i].id);
		free(e->items[i].reason);
	}
	free(e->items);
}

/* The outcome of one suite on one engine. */
typedef struct tally {
	const char *suite;
	const char *engine;
	int total, passed, listed_failures, unexpected;
	buf problems; /* one paragraph per unexpected result */
} tally;

/* s[0..len) quoted for a report line, control characters escaped. */
static void put_quoted(buf *b, const char *s, size_t len)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7F)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

/* Record one case; `what` describes its input, shown only when the result is unexpected. */
static void judge(tally *t, expectations *e, const char *id, bool pass, const char *what, const char *expected,
		  const char *got)
{
	listed_case *l = expectations_find(e, id);
	t->total++;
	if (pass)
		t->passed++;
	if (l) {
		l->seen = true;
		if (!pass)
			t->listed_failures++;
	}
	if (pass == (l == NULL))
		return;
	t->unexpected++;
	if (pass) {
		buf_printf(&t->problems, "  %s passes but is listed in %s:%d (%s): remove the entry\n", id, e->path,
			   l->line, l->reason);
	} else {
		buf_printf(&t->problems, "  %s fails and is not listed: %s\n    expected ", id, what);
		put_quoted(&t->problems, expected, strlen(expected));
		buf_puts(&t->problems, "\n    got      ");
		put_quoted(&t->problems, got, strlen(got));
		buf_putc(&t->problems, '\n');
	}
}

/*
 * Print the count and every unexpected result (stderr, in the test log),
 * then release the tally. Entries naming no case of the suite count as
 * unexpected. Returns how many results were unexpected; the caller asserts
 * on it once everything else is freed, so a failing run reports no leaks.
 */
static int tally_finish(tally *t, expectations *e, char *summary, size_t size)
{
	for (size_t i = 0; i < e->count; i++) {
		if (!e->items[i].seen) {
			t->unexpected++;
			buf_printf(&t->problems, "  %s is listed in %s:%d but is not a case of the suite\n",
				   e->items[i].id, e->path, e->items[i].line);
		}
	}
	snprintf(summary, size, "%s %s: %d/%d pass, %d listed%s", t->suite, t->engine, t->passed, t->total,
		 t->listed_failures, t->unexpected ? ", UNEXPECTED RESULTS" : "");
	fprintf(stderr, "conformance: %s\n", summary);
	cr_log_info("%s", summary);
	if (t->unexpected)
		fprintf(stderr, "%s", buf_cstr(&t->problems));
	buf_free(&t->problems);
	return t->unexpected;
}

/* The verdict of one suite on one engine, after tally_finish. */
#define ASSERT_VERDICT(t, unexpected, summary)                                                              \
	do {                                                                                                 \
		cr_assert_eq((unexpected), 0, "%s: %d unexpected result(s), listed above", (summary), (unexpected)); \
		cr_assert_gt((t).total, 0, "%s: no cases ran", (summary));                                    \
	} while (0)

/* ---- running a case ------------------------------------------------------- */

/*
 * An HTTP stack hands the cookie code a field value without its leading and
 * trailing spaces and tabs (RFC 9110 §5.5); cases.json keeps them as the
 * test files have them.
 */
static void trim_ows(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static const char *field(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* One case on one engine: the Cookie header sent to result_url. *got is allocated. */
static void run_case(char **got, bsim_engine engine, json_t *c, buf *what)
{
	const char *request_url = field(c, "request_url");
	const char *result_url = field(c, "result_url");
	json_t *headers = json_object_get(c, "set_cookie");
	cr_assert(request_url && result_url && json_is_array(headers), "malformed case %s", field(c, "id"));
	bsim_jar *jar = NULL;
	cr_assert_eq(bsim_jar_new(&jar, engine), 0);
	bsim_jar_set_time(jar, CONFORMANCE_NOW_MS);
	bsim_cookie_ctx navigate = BSIM_COOKIE_CTX_NAVIGATE;
	buf_puts(what, "Set-Cookie ");
	size_t i;
	json_t *h;
	json_array_foreach(headers, i, h) {
		const char *v = json_string_value(h);
		size_t len = json_string_length(h);
		if (i)
			buf_puts(what, ", ");
		put_quoted(what, v, len);
		trim_ows(&v, &len);
		int rc = bsim_jar_set_cookie(jar, request_url, v, len, &navigate);
		cr_assert_eq(rc, 0, "%s: set_cookie on %s failed: %s", field(c, "id"), request_url,
			     bsim_error_last()->message);
	}
	buf_printf(what, " on %s, Cookie header at %s", request_url, result_url);
	int rc = bsim_jar_cookie_header(got, jar, result_url, &navigate);
	cr_assert_eq(rc, 0, "%s: cookie_header on %s failed: %s", field(c, "id"), result_url,
		     bsim_error_last()->message);
	bsim_jar_free(jar);
}

static void run_suite(bsim_engine engine)
{
	const char *path = support_shared_path(CASES_PATH);
	if (!path)
		cr_skip_test("%s not found under BSIM_SHARED (../shared beside the checkout); "
			     "the public cookie suites are read from there, never copied",
			     CASES_PATH);
	json_error_t err;
	/* JSON_ALLOW_NUL: one case sends a NUL inside a Set-Cookie value. */
	json_t *root = json_load_file(path, JSON_ALLOW_NUL, &err);
	cr_assert(root, "%s:%d: %s", path, err.line, err.text);
	json_t *cases = json_object_get(root, "cases");
	cr_assert(json_is_array(cases), "%s: no \"cases\" array", path);

	const char *engine_name = bsim_engine_name(engine);
	expectations e;
	expectations_load(&e, SUITE, engine_name);
	tally t = {.suite = SUITE, .engine = engine_name, .problems = BUF_INIT};
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *id = field(c, "id");
		const char *expected = field(c, "expected_cookie");
		cr_assert(id, "case %zu has no id", i);
		buf what = BUF_INIT;
		char *got = NULL;
		run_case(&got, engine, c, &what);
		if (!expected)
			expected = ""; /* null: no Cookie header */
		judge(&t, &e, id, strcmp(got, expected) == 0, buf_cstr(&what), expected, got);
		free(got);
		buf_free(&what);
	}
	char summary[256];
	int unexpected = tally_finish(&t, &e, summary, sizeof summary);
	expectations_free(&e);
	json_decref(root);
	ASSERT_VERDICT(t, unexpected, summary);
}

Test(http_state, chromium)
{
	run_suite(BSIM_ENGINE_CHROMIUM);
}

Test(http_state, firefox)
{
	run_suite(BSIM_ENGINE_FIREFOX);
}

Test(http_state, safari)
{
	run_suite(BSIM_ENGINE_SAFARI);
}
