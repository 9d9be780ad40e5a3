/*
 * test_wpt.c: the web-platform-tests cookie cases, every case run through
 * the jar once per engine preset (conformance/README.md §2 and §3):
 *
 * - wpt/http-state/cases.json, WPT's copy of http-state with its 2020
 *   updates, run as http-state runs: Set-Cookie headers on a navigation to
 *   request_url, then the Cookie header sent to result_url, compared with
 *   expected_cookie (null: none, which the jar gives as "");
 * - wpt/cases.json, rows of WPT's cookie tables, run as WPT's helpers run
 *   them: the page at page_url fetches set_url, whose response carries the
 *   Set-Cookie headers (api "set-cookie-header"; a redirect_location is
 *   followed), or a script on page_url assigns each string to
 *   document.cookie (api "document.cookie"); then document.cookie is read on
 *   read_url and compared with `expected` ("" = no cookie).
 *
 * As in test_http_state.c, a case may fail only where the real browser
 * fails it too, listed with what that browser does differently in
 * tests/conformance/expectations/<suite>-<engine>.txt (suites "wpt-http-state"
 * and "wpt"); unlisted failures and stale entries fail the test, and each
 * run prints its count, e.g. "wpt chromium: 190/198 pass, 8 listed".
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
 * Expires dates assume a "now" between 2007-08-07 and 2027-04-18
 * (conformance/README.md, Time); the wall clock would fail some cases.
 */
#define CONFORMANCE_NOW_MS INT64_C(1420070400000)

/* ---- expectation files (the same code is in test_http_state.c) ---------------- */

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

static json_t *load_cases(const char *relative, json_t **root)
{
	const char *path = support_shared_path(relative);
	if (!path)
		cr_skip_test("%s not found under BSIM_SHARED (../shared beside the checkout); "
			     "the public cookie suites are read from there, never copied",
			     relative);
	json_error_t err;
	*root = json_load_file(path, JSON_ALLOW_NUL, &err);
	cr_assert(*root, "%s:%d: %s", path, err.line, err.text);
	json_t *cases = json_object_get(*root, "cases");
	cr_assert(json_is_array(cases), "%s: no \"cases\" array", path);
	return cases;
}

/* Set-Cookie headers of one response to `url`, each trimmed as an HTTP stack trims it. */
static void set_headers(bsim_jar *jar, const char *id, const char *url, json_t *headers,
			const bsim_cookie_ctx *ctx, buf *what)
{
	size_t i;
	json_t *h;
	buf_puts(what, "Set-Cookie ");
	json_array_foreach(headers, i, h) {
		const char *v = json_string_value(h);
		size_t len = json_string_length(h);
		if (i)
			buf_puts(what, ", ");
		put_quoted(what, v, len);
		trim_ows(&v, &len);
		int rc = bsim_jar_set_cookie(jar, url, v, len, ctx);
		cr_assert_eq(rc, 0, "%s: set_cookie on %s failed: %s", id, url, bsim_error_last()->message);
	}
	buf_printf(what, " on %s", url);
}

/* ---- WPT's copy of http-state ---------------------------------------------- */

static void run_http_state_copy(bsim_engine engine)
{
	json_t *root;
	json_t *cases = load_cases("conformance/wpt/http-state/cases.json", &root);
	const char *engine_name = bsim_engine_name(engine);
	expectations e;
	expectations_load(&e, "wpt-http-state", engine_name);
	tally t = {.suite = "wpt-http-state", .engine = engine_name, .problems = BUF_INIT};
	bsim_cookie_ctx navigate = BSIM_COOKIE_CTX_NAVIGATE;
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *id = field(c, "id");
		const char *request_url = field(c, "request_url");
		const char *result_url = field(c, "result_url");
		const char *expected = field(c, "expected_cookie");
		json_t *headers = json_object_get(c, "set_cookie");
		cr_assert(id && request_url && result_url && json_is_array(headers), "malformed case %zu", i);
		bsim_jar *jar = NULL;
		cr_assert_eq(bsim_jar_new(&jar, engine), 0);
		bsim_jar_set_time(jar, CONFORMANCE_NOW_MS);
		buf what = BUF_INIT;
		set_headers(jar, id, request_url, headers, &navigate, &what);
		buf_printf(&what, ", Cookie header at %s", result_url);
		char *got = NULL;
		cr_assert_eq(bsim_jar_cookie_header(&got, jar, result_url, &navigate), 0, "%s: %s", id,
			     bsim_error_last()->message);
		if (!expected)
			expected = ""; /* null: no cookie */
		judge(&t, &e, id, strcmp(got, expected) == 0, buf_cstr(&what), expected, got);
		free(got);
		buf_free(&what);
		bsim_jar_free(jar);
	}
	char summary[256];
	int unexpected = tally_finish(&t, &e, summary, sizeof summary);
	expectations_free(&e);
	json_decref(root);
	ASSERT_VERDICT(t, unexpected, summary);
}

/* ---- WPT's cookie tables ------------------------------------------------------ */

/*
 * The context of a request or document inside the test page: the page
 * itself is the top-level document; set_url (fetched by the page), the
 * redirect target and the frames the helpers read from are same-site
 * subresources of it.
 */
static bsim_cookie_ctx context_in_page(const char *url, const char *page_url)
{
	if (strcmp(url, page_url) == 0)
		return BSIM_COOKIE_CTX_NAVIGATE;
	return (bsim_cookie_ctx){page_url, 0, 0};
}

static void run_tables(bsim_engine engine)
{
	json_t *root;
	json_t *cases = load_cases("conformance/wpt/cases.json", &root);
	const char *engine_name = bsim_engine_name(engine);
	expectations e;
	expectations_load(&e, "wpt", engine_name);
	tally t = {.suite = "wpt", .engine = engine_name, .problems = BUF_INIT};
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *id = field(c, "id");
		const char *api = field(c, "api");
		const char *page_url = field(c, "page_url");
		const char *set_url = field(c, "set_url");
		const char *redirect = field(c, "redirect_location");
		const char *read_url = field(c, "read_url");
		const char *expected = field(c, "expected");
		json_t *strings = json_object_get(c, "set_cookie");
		cr_assert(id && api && page_url && set_url && read_url && expected && json_is_array(strings),
			  "malformed case %zu", i);
		bsim_jar *jar = NULL;
		cr_assert_eq(bsim_jar_new(&jar, engine), 0);
		bsim_jar_set_time(jar, CONFORMANCE_NOW_MS);
		buf what = BUF_INIT;
		if (strcmp(api, "set-cookie-header") == 0) {
			bsim_cookie_ctx ctx = context_in_page(set_url, page_url);
			set_headers(jar, id, set_url, strings, &ctx, &what);
			if (redirect) {
				/* The fetch follows the 302; the request it makes carries cookies, nothing more. */
				char *sent = NULL;
				ctx = context_in_page(redirect, page_url);
				cr_assert_eq(bsim_jar_cookie_header(&sent, jar, redirect, &ctx), 0, "%s: %s", id,
					     bsim_error_last()->message);
				free(sent);
				buf_printf(&what, ", redirected to %s", redirect);
			}
		} else {
			cr_assert_str_eq(api, "document.cookie", "%s: unknown api", id);
			bsim_cookie_ctx ctx = context_in_page(page_url, page_url);
			size_t k;
			json_t *s;
			buf_puts(&what, "document.cookie = ");
			json_array_foreach(strings, k, s) {
				if (k)
					buf_puts(&what, ", ");
				put_quoted(&what, json_string_value(s), json_string_length(s));
				cr_assert_eq(bsim_jar_script_set(jar, page_url, json_string_value(s),
								 json_string_length(s), &ctx),
					     0, "%s: %s", id, bsim_error_last()->message);
			}
			buf_printf(&what, " on %s", page_url);
		}
		buf_printf(&what, ", document.cookie at %s", read_url);
		bsim_cookie_ctx ctx = context_in_page(read_url, page_url);
		char *got = NULL;
		cr_assert_eq(bsim_jar_script_get(&got, jar, read_url, &ctx), 0, "%s: %s", id,
			     bsim_error_last()->message);
		judge(&t, &e, id, strcmp(got, expected) == 0, buf_cstr(&what), expected, got);
		free(got);
		buf_free(&what);
		bsim_jar_free(jar);
	}
	char summary[256];
	int unexpected = tally_finish(&t, &e, summary, sizeof summary);
	expectations_free(&e);
	json_decref(root);
	ASSERT_VERDICT(t, unexpected, summary);
}

Test(wpt_http_state, chromium)
{
	run_http_state_copy(BSIM_ENGINE_CHROMIUM);
}

Test(wpt_http_state, firefox)
{
	run_http_state_copy(BSIM_ENGINE_FIREFOX);
}

Test(wpt_http_state, safari)
{
	run_http_state_copy(BSIM_ENGINE_SAFARI);
}

Test(wpt, chromium)
{
	run_tables(BSIM_ENGINE_CHROMIUM);
}

Test(wpt, firefox)
{
	run_tables(BSIM_ENGINE_FIREFOX);
}

Test(wpt, safari)
{
	run_tables(BSIM_ENGINE_SAFARI);
}
