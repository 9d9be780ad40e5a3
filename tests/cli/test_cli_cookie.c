/*
 * test_cli_cookie.c: `bsim cookie` and the bsim command itself, end to end.
 *
 * Every test runs the real binary (support_run_bsim) on real op files under
 * tests/cli/ops/ or on text fed to stdin, and checks the exit code, stdout
 * and stderr separately. Long outputs are compared with golden files under
 * tests/cli/golden/; after a deliberate change of format or of the jar's
 * messages, rerun with BSIM_UPDATE_GOLDEN=1 to rewrite them, and review the
 * diff. Tests run from the source root so that file names in messages are
 * the relative ones a person types (tests/cli/ops/x.ops:3: ...).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support.h"

/* Mirrors of the CLI's limits (sim/cli/cookie_ops.h); the tests cross them by one byte. */
#define OPS_MAX_INPUT (16 * 1024 * 1024)
#define OPS_MAX_LINE (1024 * 1024)
#define OPS_MAX_ERRORS 20

#define OPS(name) "tests/cli/ops/" name

static void to_source_root(void)
{
	const char *root = getenv("BSIM_SOURCE_ROOT");
	cr_assert(root && *root, "BSIM_SOURCE_ROOT is not set; run the tests with meson test");
	cr_assert_eq(chdir(root), 0, "cannot enter the source root %s", root);
}

/* Run bsim with the given arguments (NULL-terminated) and `input` on stdin. */
static support_run run_input(const char *input, ...)
{
	const char *argv[32];
	size_t n = 0;
	va_list ap;
	va_start(ap, input);
	const char *a;
	while ((a = va_arg(ap, const char *)) && n < 31)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	to_source_root();
	support_run r = {0};
	cr_assert_eq(support_run_bsim(&r, input, argv), 0, "could not run bsim (BSIM_EXE)");
	return r;
}

#define RUN(...) run_input(NULL, __VA_ARGS__, (const char *)NULL)
#define RUN_STDIN(input, ...) run_input((input), __VA_ARGS__, (const char *)NULL)

static char *read_source(const char *rel)
{
	char *text = NULL;
	cr_assert_eq(support_read_file(support_source_path(rel), &text, NULL), 0, "cannot read %s", rel);
	return text;
}

/* Compare with a golden file, or rewrite it when BSIM_UPDATE_GOLDEN is set. */
static void assert_golden(const char *rel, const char *actual)
{
	const char *update = getenv("BSIM_UPDATE_GOLDEN");
	if (update && *update && strcmp(update, "0") != 0) {
		FILE *f = fopen(support_source_path(rel), "wb");
		cr_assert(f, "cannot write %s", rel);
		fputs(actual, f);
		fclose(f);
		return;
	}
	char *expected = read_source(rel);
	cr_assert_str_eq(actual, expected, "output differs from %s (BSIM_UPDATE_GOLDEN=1 rewrites it)", rel);
	free(expected);
}

static void assert_success(const support_run *r)
{
	cr_assert_eq(r->status, 0, "exit %d, stderr:\n%s", r->status, r->err);
	cr_assert_str_eq(r->err, "", "unexpected stderr:\n%s", r->err);
}

/* An input error: exit 2, exactly `err` on stderr, nothing at all on stdout. */
static void assert_input_error(const support_run *r, const char *err)
{
	cr_assert_eq(r->status, 2, "exit %d (want 2), stderr:\n%s", r->status, r->err);
	cr_assert_str_eq(r->out, "", "something was printed on stdout:\n%s", r->out);
	cr_assert_str_eq(r->err, err);
}

static int count_lines_with(const char *text, const char *needle)
{
	int n = 0;
	const char *line = text;
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *copy = strndup(line, len);
		if (strstr(copy, needle))
			n++;
		free(copy);
		line += len + (end ? 1 : 0);
	}
	return n;
}

/* ---- bsim itself ---------------------------------------------------- */

Test(cli, version_is_the_projects)
{
	char *meson = read_source("meson.build");
	const char *v = strstr(meson, "version: '");
	cr_assert(v, "no version in meson.build");
	v += strlen("version: '");
	char want[64];
	snprintf(want, sizeof want, "bsim %.*s\n", (int)strcspn(v, "'"), v);
	free(meson);
	support_run r = RUN("--version");
	assert_success(&r);
	cr_assert_str_eq(r.out, want);
	support_run_free(&r);
}

Test(cli, help_lists_the_cookie_command)
{
	const char *forms[] = {"help", "--help", "-h"};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		support_run r = RUN(forms[i]);
		assert_success(&r);
		cr_assert(strstr(r.out, "Usage: bsim COMMAND"), "%s:\n%s", forms[i], r.out);
		cr_assert(strstr(r.out, "\n  cookie "), "%s:\n%s", forms[i], r.out);
		support_run_free(&r);
	}
}

Test(cli, help_for_cookie_is_the_same_both_ways)
{
	support_run a = RUN("help", "cookie");
	support_run b = RUN("cookie", "--help");
	assert_success(&a);
	assert_success(&b);
	cr_assert(strstr(a.out, "Usage: bsim cookie [OPTIONS] FILE"));
	cr_assert(strstr(a.out, "--engine NAME"));
	cr_assert(strstr(a.out, "2015-01-01T00:00:00Z"), "the default clock must be documented");
	cr_assert_str_eq(a.out, b.out);
	support_run_free(&a);
	support_run_free(&b);
}

Test(cli, no_arguments_is_a_usage_error_on_stderr)
{
	support_run r = run_input(NULL, (const char *)NULL);
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.out, "");
	cr_assert(strstr(r.err, "Usage: bsim COMMAND"), "%s", r.err);
	support_run_free(&r);
}

Test(cli, unknown_command_and_option)
{
	support_run r = RUN("frobnicate");
	assert_input_error(&r, "bsim: error: unknown command \"frobnicate\"\n"
			       "Run 'bsim help' for the list of commands.\n");
	support_run_free(&r);
	r = RUN("--frobnicate");
	assert_input_error(&r, "bsim: error: unknown option \"--frobnicate\"\n"
			       "Run 'bsim help' for the list of commands and options.\n");
	support_run_free(&r);
	r = RUN("help", "frobnicate");
	assert_input_error(&r, "bsim: error: unknown command \"frobnicate\"\n"
			       "Run 'bsim help' for the list of commands.\n");
	support_run_free(&r);
	r = RUN("help", "cookie", "extra");
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.out, "");
	support_run_free(&r);
}

/* ---- every op, in text --------------------------------------------- */

Test(cookie, every_op_golden)
{
	support_run r = RUN("cookie", OPS("basic.ops"));
	assert_success(&r);
	assert_golden("tests/cli/golden/basic.out", r.out);
	support_run_free(&r);
}

Test(cookie, get_prints_an_empty_line_for_no_cookie_and_read_hides_httponly)
{
	support_run r = RUN_STDIN("get https://www.shop.com/\n"
				  "set https://www.shop.com/ sid=1; HttpOnly\n"
				  "read https://www.shop.com/\n"
				  "get https://www.shop.com/\n"
				  "script https://www.shop.com/ ui=2\n"
				  "read https://www.shop.com/\n",
				  "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "\n\nsid=1\nui=2\n");
	support_run_free(&r);
}

Test(cookie, wait_moves_the_clock_and_close_ends_the_session)
{
	support_run r = RUN_STDIN("set https://www.shop.com/ short=1; Max-Age=60\n"
				  "set https://www.shop.com/ long=2; Max-Age=3600\n"
				  "set https://www.shop.com/ session=3\n"
				  "wait 59\n"
				  "get https://www.shop.com/\n"
				  "wait 2\n"
				  "get https://www.shop.com/\n"
				  "close\n"
				  "get https://www.shop.com/\n",
				  "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "short=1; long=2; session=3\nlong=2; session=3\nlong=2\n");
	support_run_free(&r);
}

Test(cookie, dump_format_and_creation_order)
{
	support_run r = RUN_STDIN("set https://www.shop.com/a/b z=1; Max-Age=3600\n"
		      "set https://www.shop.com/ a=2; Domain=.shop.com; Path=/; Secure; HttpOnly; SameSite=Lax\n"
		      "set https://www.shop.com/ m=3; SameSite=Strict; Priority=High\n"
		      "dump\n",
		      "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out,
			 "z=1; Host=www.shop.com; Path=/a; Expires=2015-01-01T01:00:00Z\n"
			 "a=2; Domain=.shop.com; Path=/; Session; Secure; HttpOnly; SameSite=Lax\n"
			 "m=3; Host=www.shop.com; Path=/; Session; SameSite=Strict; Priority=High\n");
	support_run_free(&r);
}

Test(cookie, dump_of_an_empty_jar_prints_nothing)
{
	support_run r = RUN_STDIN("dump\n", "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "");
	support_run_free(&r);
}

Test(cookie, value_is_the_rest_of_the_line_byte_for_byte)
{
	/* '#' after an op is data, inner spaces stay, and a CRLF ending is not part of the value. */
	support_run r = RUN_STDIN("# a comment\n"
				  "   \t\n"
				  "  set https://www.shop.com/ a=b  #c  d\r\n"
				  "\tget https://www.shop.com/   \r\n",
				  "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "a=b  #c  d\n");
	support_run_free(&r);
}

Test(cookie, empty_value_after_the_separating_space)
{
	support_run r = RUN_STDIN("set https://www.shop.com/ \nget https://www.shop.com/\n", "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "\n");
	support_run_free(&r);
}

Test(cookie, last_line_without_newline)
{
	support_run r = RUN_STDIN("set https://www.shop.com/ a=1\nget https://www.shop.com/", "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "a=1\n");
	support_run_free(&r);
}

/* ---- options --------------------------------------------------------- */

Test(cookie, engine_option_changes_the_rules)
{
	/* browser-rules.md F1: Firefox keeps file: cookies in one shared bucket; Chromium has none. */
	const char *ops = "script file:///home/qa/a.html k=1; path=/\nread file:///home/qa/b.html\n";
	support_run c = RUN_STDIN(ops, "cookie", "-");
	support_run c2 = RUN_STDIN(ops, "cookie", "--engine", "chromium", "-");
	support_run f = RUN_STDIN(ops, "cookie", "--engine", "firefox", "-");
	support_run f2 = RUN_STDIN(ops, "cookie", "--engine=firefox", "-");
	assert_success(&c);
	assert_success(&f);
	cr_assert_str_eq(c.out, "\n");
	cr_assert_str_eq(c2.out, c.out, "chromium is the default");
	cr_assert_str_eq(f.out, "k=1\n");
	cr_assert_str_eq(f2.out, f.out);
	support_run_free(&c);
	support_run_free(&c2);
	support_run_free(&f);
	support_run_free(&f2);
}

Test(cookie, safari_refuses_secure_on_http_localhost)
{
	/* browser-rules.md S1: no localhost exception in Safari. */
	const char *ops = "set http://localhost:8080/ s=1; Secure\nget http://localhost:8080/\n";
	support_run c = RUN_STDIN(ops, "cookie", "--engine", "chromium", "-");
	support_run s = RUN_STDIN(ops, "cookie", "--engine", "safari", "-");
	assert_success(&c);
	assert_success(&s);
	cr_assert_str_eq(c.out, "s=1\n");
	cr_assert_str_eq(s.out, "\n");
	support_run_free(&c);
	support_run_free(&s);
}

Test(cookie, now_option_sets_the_clock)
{
	const char *ops = "set https://www.shop.com/ a=1; Expires=Fri, 07 Aug 2027 08:04:19 GMT\n"
			  "set https://www.shop.com/ b=2; Max-Age=60\n"
			  "get https://www.shop.com/\n"
			  "dump\n";
	support_run d = RUN_STDIN(ops, "cookie", "-");
	assert_success(&d);
	cr_assert(strstr(d.out, "a=1; b=2\n") == d.out, "%s", d.out);
	cr_assert(strstr(d.out, "b=2; Host=www.shop.com; Path=/; Expires=2015-01-01T00:01:00Z\n"), "%s", d.out);
	support_run_free(&d);

	support_run later = RUN_STDIN(ops, "cookie", "--now", "2030-06-01T12:00:00Z", "-");
	assert_success(&later);
	cr_assert_str_eq(later.out, "b=2\nb=2; Host=www.shop.com; Path=/; Expires=2030-06-01T12:01:00Z\n");
	support_run_free(&later);

	support_run eq = RUN_STDIN(ops, "cookie", "--now=2030-06-01T14:00:00+02:00", "-");
	assert_success(&eq);
	cr_assert_str_eq(eq.out, "b=2\nb=2; Host=www.shop.com; Path=/; Expires=2030-06-01T12:01:00Z\n");
	support_run_free(&eq);
}

Test(cookie, explain_golden)
{
	support_run r = RUN("cookie", "--explain", OPS("explain.ops"));
	assert_success(&r);
	assert_golden("tests/cli/golden/explain.out", r.out);
	support_run_free(&r);
}

Test(cookie, explain_without_the_flag_prints_only_results)
{
	support_run plain = RUN("cookie", OPS("explain.ops"));
	support_run expl = RUN("cookie", "--explain", OPS("explain.ops"));
	assert_success(&plain);
	assert_success(&expl);
	/* Removing the explanation lines from --explain must leave exactly the plain output. */
	char *kept = calloc(1, strlen(expl.out) + 1);
	const char *line = expl.out;
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = (size_t)(end - line) + 1;
		if (strncmp(line, OPS("explain.ops:"), strlen(OPS("explain.ops:"))) != 0)
			strncat(kept, line, len);
		line += len;
	}
	cr_assert_str_eq(kept, plain.out);
	cr_assert_neq(strlen(expl.out), strlen(plain.out), "--explain added nothing");
	free(kept);
	support_run_free(&plain);
	support_run_free(&expl);
}

Test(cookie, explain_reports_each_kind_with_its_code)
{
	support_run r = RUN_STDIN("set https://shop.github.io/ w=1; Domain=.github.io; Path=/\n"
				  "set https://www.shop.com/ e=1; Max-Age=10\n"
				  "set https://www.shop.com/ s=1\n"
				  "wait 11\n"
				  "get https://www.shop.com/\n"
				  "close\n",
				  "cookie", "--explain", "-");
	assert_success(&r);
	cr_assert_eq(count_lines_with(r.out, "<stdin>:1: refused [public-suffix] "), 1, "%s", r.out);
	cr_assert_eq(count_lines_with(r.out, "<stdin>:5: expired [expired] "), 1, "%s", r.out);
	cr_assert_eq(count_lines_with(r.out, "<stdin>:6: session-ended [session-ended] "), 1, "%s", r.out);
	/* The expiry is reported before the get's own output line, which is the session cookie. */
	cr_assert(strstr(r.out, "expired [expired]") < strstr(r.out, "\ns=1\n"), "%s", r.out);
	support_run_free(&r);
}

Test(cookie, explain_reports_evictions_at_the_domain_limit)
{
	/* browser-rules.md L2 and §14: the 181st cookie under one site purges 31 (150 remain). */
	char *ops = malloc(181 * 64 + 64);
	size_t n = 0;
	for (int i = 0; i < 181; i++)
		n += (size_t)sprintf(ops + n, "set https://www.shop.com/ c%03d=%d\n", i, i);
	sprintf(ops + n, "dump\n");
	support_run r = RUN_STDIN(ops, "cookie", "--explain", "-");
	assert_success(&r);
	cr_assert_eq(count_lines_with(r.out, "<stdin>:181: evicted [domain-limit] "), 31, "%s", r.out);
	cr_assert_eq(count_lines_with(r.out, "; Host=www.shop.com; Path=/; Session"), 150);
	free(ops);
	support_run_free(&r);
}

/* ---- --json ------------------------------------------------------------ */

Test(cookie, json_golden)
{
	support_run r = RUN("cookie", "--json", "--explain", OPS("explain.ops"));
	assert_success(&r);
	assert_golden("tests/cli/golden/explain.jsonl", r.out);
	support_run_free(&r);
}

/* Each line of out as a JSON object; fails the test on a line that is not one. */
static json_t *json_lines(const char *out)
{
	json_t *all = json_array();
	const char *line = out;
	int n = 0;
	while (*line) {
		const char *end = strchr(line, '\n');
		cr_assert(end, "last line not terminated: %s", line);
		json_error_t err;
		json_t *obj = json_loadb(line, (size_t)(end - line), JSON_ALLOW_NUL, &err);
		cr_assert(obj && json_is_object(obj), "line %d is not a JSON object (%s): %.*s", n + 1, err.text,
			  (int)(end - line), line);
		json_array_append_new(all, obj);
		line = end + 1;
		n++;
	}
	return all;
}

Test(cookie, json_fields_of_values_cookies_and_events)
{
	support_run r = RUN_STDIN("set https://shop.github.io/ w=1; Domain=.github.io; Path=/\n"
				  "set https://www.shop.com/ a=\"q\\\"; Domain=shop.com; Max-Age=60; Secure\n"
				  "get https://www.shop.com/\n"
				  "read http://www.shop.com/\n"
				  "dump\n",
				  "cookie", "--json", "--explain", "-");
	assert_success(&r);
	json_t *lines = json_lines(r.out);
	cr_assert_eq(json_array_size(lines), 4, "%s", r.out);

	json_t *ev = json_array_get(lines, 0);
	cr_assert_str_eq(json_string_value(json_object_get(ev, "type")), "event");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "op")), "set");
	cr_assert_eq(json_integer_value(json_object_get(ev, "line")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(ev, "kind")), "refused");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "reason")), "public-suffix");
	cr_assert(json_string_length(json_object_get(ev, "message")) > 0);
	cr_assert_str_eq(json_string_value(json_object_get(ev, "url")), "https://shop.github.io/");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "name")), "w");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "at")), "2015-01-01T00:00:00Z");

	json_t *get = json_array_get(lines, 1);
	cr_assert_str_eq(json_string_value(json_object_get(get, "type")), "value");
	cr_assert_str_eq(json_string_value(json_object_get(get, "op")), "get");
	cr_assert_eq(json_integer_value(json_object_get(get, "line")), 3);
	cr_assert_str_eq(json_string_value(json_object_get(get, "url")), "https://www.shop.com/");
	cr_assert_str_eq(json_string_value(json_object_get(get, "value")), "a=\"q\\\"");

	json_t *read = json_array_get(lines, 2);
	cr_assert_str_eq(json_string_value(json_object_get(read, "op")), "read");
	cr_assert_str_eq(json_string_value(json_object_get(read, "value")), "", "Secure is not shown on http");

	json_t *c = json_array_get(lines, 3);
	cr_assert_str_eq(json_string_value(json_object_get(c, "type")), "cookie");
	cr_assert_str_eq(json_string_value(json_object_get(c, "op")), "dump");
	cr_assert_str_eq(json_string_value(json_object_get(c, "name")), "a");
	cr_assert_str_eq(json_string_value(json_object_get(c, "value")), "\"q\\\"");
	cr_assert_str_eq(json_string_value(json_object_get(c, "domain")), "shop.com");
	cr_assert(json_is_false(json_object_get(c, "host_only")));
	cr_assert_str_eq(json_string_value(json_object_get(c, "path")), "/");
	cr_assert(json_is_true(json_object_get(c, "secure")));
	cr_assert(json_is_false(json_object_get(c, "http_only")));
	cr_assert_str_eq(json_string_value(json_object_get(c, "same_site")), "unspecified");
	cr_assert_str_eq(json_string_value(json_object_get(c, "priority")), "medium");
	cr_assert(json_is_true(json_object_get(c, "persistent")));
	cr_assert_str_eq(json_string_value(json_object_get(c, "expires")), "2015-01-01T00:01:00Z");
	cr_assert(json_is_null(json_object_get(c, "partition_key")));
	json_decref(lines);
	support_run_free(&r);
}

Test(cookie, json_lines_stay_valid_for_bytes_that_are_not_utf8)
{
	/* A Latin-1 byte in a value: a JSON reader must still accept the line (the byte becomes U+FFFD). */
	support_run r = RUN_STDIN("set https://www.shop.com/ a=caf\xe9 \xe6\x98\xa5\ndump\n", "cookie", "--json", "-");
	assert_success(&r);
	json_t *lines = json_lines(r.out);
	cr_assert_eq(json_array_size(lines), 1, "%s", r.out);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lines, 0), "value")),
			 "caf\xef\xbf\xbd \xe6\x98\xa5");
	json_decref(lines);
	support_run_free(&r);
}

Test(cookie, json_without_explain_has_no_events)
{
	support_run r = RUN_STDIN("set https://shop.github.io/ w=1; Domain=.github.io\nget https://shop.github.io/\n",
				  "cookie", "--json", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "{\"type\":\"value\",\"op\":\"get\",\"line\":2,\"url\":\"https://shop.github.io/\","
				"\"value\":\"\"}\n");
	support_run_free(&r);
}

/* ---- determinism ------------------------------------------------------- */

Test(cookie, two_runs_are_byte_identical)
{
	const char *formats[] = {"--engine=chromium", "--json"};
	for (size_t i = 0; i < 2; i++) {
		support_run a = RUN("cookie", "--explain", formats[i], OPS("explain.ops"));
		support_run b = RUN("cookie", "--explain", formats[i], OPS("explain.ops"));
		assert_success(&a);
		cr_assert_str_eq(a.out, b.out);
		cr_assert(strlen(a.out) > 0);
		support_run_free(&a);
		support_run_free(&b);
	}
}

/* ---- usage errors ------------------------------------------------------- */

Test(cookie, usage_errors)
{
	static const struct {
		const char *args[4];
		const char *err;
	} cases[] = {
		{{"cookie", NULL}, "bsim cookie: error: expected an op file (or - for standard input)\n"},
		{{"cookie", "a.ops", "b.ops", NULL}, "bsim cookie: error: expected one op file, got a second: \"b.ops\"\n"},
		{{"cookie", "--engine", "edge", "-"},
		 "bsim cookie: error: unknown engine \"edge\"; expected chromium, firefox or safari\n"},
		{{"cookie", "-", "--engine", NULL}, "bsim cookie: error: --engine needs a value\n"},
		{{"cookie", "--now", "yesterday", "-"},
		 "bsim cookie: error: --now \"yesterday\" is not an ISO 8601 instant up to year 9999; "
		 "write e.g. 2015-01-01T00:00:00Z\n"},
		{{"cookie", "--colour", "-", NULL}, "bsim cookie: error: unknown option \"--colour\"\n"},
		{{"cookie", "--nowx=1", "-", NULL}, "bsim cookie: error: unknown option \"--nowx=1\"\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *const *a = cases[i].args;
		support_run r = run_input("get https://www.shop.com/\n", a[0], a[1], a[2], a[3], (const char *)NULL);
		char want[512];
		snprintf(want, sizeof want, "%sRun 'bsim cookie --help' for usage.\n", cases[i].err);
		assert_input_error(&r, want);
		support_run_free(&r);
	}
}

Test(cookie, double_dash_ends_options)
{
	support_run r = RUN("cookie", "--", "--no-such-file.ops");
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.out, "");
	cr_assert_str_eq(r.err, "bsim cookie: error: cannot open \"--no-such-file.ops\": No such file or directory\n");
	support_run_free(&r);
}

Test(cookie, missing_file)
{
	support_run r = RUN("cookie", OPS("does-not-exist.ops"));
	assert_input_error(&r, "bsim cookie: error: cannot open \"tests/cli/ops/does-not-exist.ops\": "
			       "No such file or directory\n");
	support_run_free(&r);
}

/* ---- bad lines ------------------------------------------------------------ */

Test(cookie, each_bad_line_is_reported_with_file_line_and_a_fix)
{
	static const struct {
		const char *input;
		const char *err;
	} cases[] = {
		{"get https://www.shop.com/\nsett https://www.shop.com/ a=1\n",
		 "<stdin>:2: error: unknown operation \"sett\"; expected set, script, get, read, wait, close or dump "
		 "(a # starts a comment line)\n"},
		{"get\n", "<stdin>:1: error: \"get\" needs a URL, e.g. get https://www.shop.com/\n"},
		{"read   \n", "<stdin>:1: error: \"read\" needs a URL, e.g. read https://www.shop.com/\n"},
		{"set\n", "<stdin>:1: error: \"set\" needs a URL and a Set-Cookie value, "
			  "e.g. set https://www.shop.com/ id=1; Path=/\n"},
		{"script\n", "<stdin>:1: error: \"script\" needs a URL and a cookie string, "
			     "e.g. script https://www.shop.com/ id=1; Path=/\n"},
		{"set https://www.shop.com/\n",
		 "<stdin>:1: error: \"set\" needs a Set-Cookie value after the URL, separated by one space "
		 "(for an empty value, end the line with that one space)\n"},
		{"script https://www.shop.com/\n",
		 "<stdin>:1: error: \"script\" needs a cookie string after the URL, separated by one space "
		 "(for an empty value, end the line with that one space)\n"},
		{"get https://www.shop.com/ please\n",
		 "<stdin>:1: error: unexpected text after the URL: \"please\"; \"get\" takes only a URL\n"},
		{"close now\n", "<stdin>:1: error: unexpected text after \"close\": \"now\"; \"close\" takes no argument\n"},
		{"dump all\n", "<stdin>:1: error: unexpected text after \"dump\": \"all\"; \"dump\" takes no argument\n"},
		{"wait\n", "<stdin>:1: error: \"wait\" needs a whole number of seconds, e.g. wait 3600\n"},
		{"wait 5m\n", "<stdin>:1: error: \"wait\" needs a whole number of seconds, e.g. wait 3600 (was \"5m\")\n"},
		{"wait -5\n", "<stdin>:1: error: \"wait\" needs a whole number of seconds, e.g. wait 3600 (was \"-5\")\n"},
		{"wait 1.5\n", "<stdin>:1: error: \"wait\" needs a whole number of seconds, e.g. wait 3600 (was \"1.5\")\n"},
		{"wait 10 20\n",
		 "<stdin>:1: error: \"wait\" needs a whole number of seconds, e.g. wait 3600 (was \"10 20\")\n"},
		{"wait 999999999999999999999999\n",
		 "<stdin>:1: error: wait \"999999999999999999999999\" takes the virtual clock past 9999-12-31T23:59:59Z, "
		 "the latest instant bsim can print; wait less\n"},
		{"wait 251000000000\nwait 1000000000\n",
		 "<stdin>:2: error: wait \"1000000000\" takes the virtual clock past 9999-12-31T23:59:59Z, "
		 "the latest instant bsim can print; wait less\n"},
		{"GET https://www.shop.com/\n",
		 "<stdin>:1: error: unknown operation \"GET\"; expected set, script, get, read, wait, close or dump "
		 "(a # starts a comment line)\n"},
		{"get www.shop.com/\n", "get"}, /* bad URLs: the cause comes from the URL parser */
		{"read ftp://www.shop.com/\n", "read"},
		{"set /cart a=1\n", "set"},
		{"script http:// a=1\n", "script"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		support_run r = RUN_STDIN(cases[i].input, "cookie", "-");
		if (strchr(cases[i].err, ' ')) {
			assert_input_error(&r, cases[i].err);
		} else {
			/* bsim's part of the message is fixed; the cause after it is the URL parser's. */
			char head[128];
			snprintf(head, sizeof head,
				 "<stdin>:1: error: \"%s\" needs an absolute http, https, ws, wss or file URL: ",
				 cases[i].err);
			cr_assert_eq(r.status, 2, "%s", cases[i].input);
			cr_assert_str_eq(r.out, "");
			cr_assert(strncmp(r.err, head, strlen(head)) == 0, "%s", r.err);
			cr_assert(strlen(r.err) > strlen(head) + 10, "no cause given: %s", r.err);
			cr_assert_eq(count_lines_with(r.err, "error:"), 1, "%s", r.err);
		}
		support_run_free(&r);
	}
}

Test(cookie, bad_line_in_a_file_names_the_file_and_prints_nothing_else)
{
	support_run r = RUN("cookie", "--explain", OPS("errors.ops"));
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.out, "", "the good lines before the bad ones must not be run or printed");
	assert_golden("tests/cli/golden/errors.err", r.err);
	support_run_free(&r);
}

Test(cookie, nul_byte_in_a_url)
{
	const char input[] = "get https://www.shop.com/\0x\n";
	/* support_run_bsim takes a C string; the NUL needs a file. */
	char path[] = "/tmp/bsim-cli-nul-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, input, sizeof input - 1), (ssize_t)(sizeof input - 1));
	close(fd);
	support_run r = RUN("cookie", path);
	char want[256];
	snprintf(want, sizeof want, "%s:1: error: the URL contains a NUL byte; remove it\n", path);
	assert_input_error(&r, want);
	unlink(path);
	support_run_free(&r);
}

Test(cookie, too_many_bad_lines_stop_the_report)
{
	size_t n = 0;
	char *input = malloc(64 * (OPS_MAX_ERRORS + 5));
	for (int i = 0; i < OPS_MAX_ERRORS + 5; i++)
		n += (size_t)sprintf(input + n, "bogus %d\n", i);
	support_run r = RUN_STDIN(input, "cookie", "-");
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.out, "");
	cr_assert_eq(count_lines_with(r.err, ": error: unknown operation \"bogus\""), OPS_MAX_ERRORS, "%s", r.err);
	cr_assert(strstr(r.err, "<stdin>:20: error: unknown operation"), "%s", r.err);
	cr_assert(strstr(r.err, "<stdin>: error: stopped after 20 bad lines (COOKIE_OPS_MAX_ERRORS); "
				"fix these and run again\n"),
		  "%s", r.err);
	free(input);
	support_run_free(&r);
}

Test(cookie, line_length_limit)
{
	/* Exactly at the limit is accepted; one byte more is refused and named. */
	const char *head = "set https://www.shop.com/ a=";
	char *input = malloc(OPS_MAX_LINE + 64);
	for (int extra = 0; extra <= 1; extra++) {
		size_t len = strlen(head);
		memcpy(input, head, len);
		memset(input + len, 'x', OPS_MAX_LINE + (size_t)extra - len);
		strcpy(input + OPS_MAX_LINE + extra, "\n");
		support_run r = RUN_STDIN(input, "cookie", "-");
		if (extra == 0) {
			assert_success(&r);
		} else {
			assert_input_error(&r, "<stdin>:1: error: line is 1048577 bytes, longer than the 1048576 bytes "
					       "a line may hold (COOKIE_OPS_MAX_LINE, 1 MiB); shorten the value\n");
		}
		support_run_free(&r);
	}
	free(input);
}

Test(cookie, input_size_limit)
{
	/* Comment lines of 1000 bytes, up to one byte past 16 MiB. */
	size_t total = OPS_MAX_INPUT + 1;
	char *input = malloc(total + 1);
	for (size_t i = 0; i < total; i += 1000) {
		size_t len = total - i < 1000 ? total - i : 1000;
		memset(input + i, '#', len);
		input[i + len - 1] = '\n';
	}
	input[total] = '\0';
	support_run r = RUN_STDIN(input, "cookie", "-");
	assert_input_error(&r, "<stdin>: error: input is larger than 16777216 bytes (COOKIE_OPS_MAX_INPUT, 16 MiB); "
			       "split it into several op files\n");
	support_run_free(&r);
	input[total - 1] = '\0'; /* exactly 16 MiB: accepted */
	r = RUN_STDIN(input, "cookie", "-");
	assert_success(&r);
	support_run_free(&r);
	free(input);
}

/* ---- the bundled op files -------------------------------------------------- */

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Every .ops file in scenarios/cookies runs cleanly on every engine, and what it
 * shows is pinned by a golden per engine: a change in what the browser
 * does on the widget's test hosts is a change someone must look at.
 */
Test(cookie, bundled_scenarios_run_on_every_engine)
{
	to_source_root();
	DIR *dir = opendir("scenarios/cookies");
	cr_assert(dir, "no scenarios/cookies directory");
	char *names[256];
	size_t count = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);
		if (len > 4 && strcmp(de->d_name + len - 4, ".ops") == 0 && count < 256)
			names[count++] = strndup(de->d_name, len - 4);
	}
	closedir(dir);
	cr_assert_geq(count, 8, "expected the bundled op files in scenarios/cookies");
	qsort(names, count, sizeof names[0], compare_names);
	const char *engines[] = {"chromium", "firefox", "safari"};
	for (size_t i = 0; i < count; i++) {
		char path[512], golden[512];
		snprintf(path, sizeof path, "scenarios/cookies/%s.ops", names[i]);
		for (size_t e = 0; e < 3; e++) {
			support_run r = RUN("cookie", "--explain", "--engine", engines[e], path);
			assert_success(&r);
			snprintf(golden, sizeof golden, "tests/cli/golden/scenarios/%s.%s.out", names[i], engines[e]);
			assert_golden(golden, r.out);
			support_run_free(&r);
		}
		free(names[i]);
	}
}
