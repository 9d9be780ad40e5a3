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
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "golden.h"
#include "support.h"

/* Mirrors of the op reader's limits (sim/scenario/read/ops.h); the tests cross them by one byte. */
#define OPS_MAX_INPUT (16 * 1024 * 1024)
#define OPS_MAX_LINE (1024 * 1024)
#define OPS_MAX_ERRORS 20

#define OPS(name) "tests/cli/ops/" name

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
	support_to_source_root();
	support_run r = {0};
	cr_assert_eq(support_run_bsim(&r, input, argv), 0, "could not run bsim (BSIM_EXE)");
	return r;
}

#define RUN(...) run_input(NULL, __VA_ARGS__, (const char *)NULL)
#define RUN_STDIN(input, ...) run_input((input), __VA_ARGS__, (const char *)NULL)

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
	char *meson = NULL;
	cr_assert_eq(support_read_file(support_source_path("meson.build"), &meson, NULL), 0, "cannot read meson.build");
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
			support_append_n(kept, strlen(expl.out) + 1, line, len);
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
	cr_assert_eq(count_lines_with(r.out, "<stdin>:4: expired [expired] "), 1, "the wait reports the expiry: %s", r.out);
	cr_assert_eq(count_lines_with(r.out, "<stdin>:6: session-ended [session-ended] "), 1, "%s", r.out);
	/* The expiry is reported at the wait, before the get's own output line. */
	cr_assert(strstr(r.out, "expired [expired]") < strstr(r.out, "\ns=1\n"), "%s", r.out);
	support_run_free(&r);
}

Test(cookie, explain_reports_evictions_at_the_domain_limit)
{
	/* browser-rules.md L2 and §14: the 181st cookie under one site purges 31 (150 remain). */
	size_t size = 181 * 64 + 64, n = 0;
	char *ops = malloc(size);
	for (int i = 0; i < 181; i++)
		n += (size_t)snprintf(ops + n, size - n, "set https://www.shop.com/ c%03d=%d\n", i, i);
	snprintf(ops + n, size - n, "dump\n");
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
		 "bsim cookie: error: unknown engine \"edge\"; did you mean chromium? (expected chromium, firefox or safari)\n"},
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
	size_t n = 0, size = 64 * (OPS_MAX_ERRORS + 5);
	char *input = malloc(size);
	for (int i = 0; i < OPS_MAX_ERRORS + 5; i++)
		n += (size_t)snprintf(input + n, size - n, "bogus %d\n", i);
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
		memcpy(input + OPS_MAX_LINE + extra, "\n", 2);
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
	support_to_source_root();
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

/* ==== the browser: tabs, storage, events, hosts, session, files ========== */

/* A fresh directory for the files a test writes; removed by remove_dir. */
static char *make_dir(void)
{
	char *dir = strdup("/tmp/bsim-cli-XXXXXX");
	cr_assert(dir && mkdtemp(dir), "cannot make a temporary directory");
	return dir;
}

static void remove_dir(char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			char path[1024];
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

/* dir/name into out (static storage is not enough: tests hold several paths). */
static void path_in(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);
	cr_assert(n > 0 && (size_t)n < size);
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert(f, "cannot write %s", path);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

/* The whole file; *len its size. Fails the test when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	char *data = NULL;
	cr_assert_eq(support_read_file(path, &data, len), 0, "cannot read %s", path);
	return data;
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Run an op file written from `ops` (printf-style paths already in it) with extra options. */
static support_run run_ops_file(const char *dir, const char *ops, const char *opt1, const char *opt2)
{
	char path[1024];
	path_in(path, sizeof path, dir, "run.ops");
	write_bytes(path, ops, strlen(ops));
	if (opt2)
		return RUN("cookie", opt1, opt2, path);
	if (opt1)
		return RUN("cookie", opt1, path);
	return RUN("cookie", path);
}

/* ---- goldens ----------------------------------------------------------- */

Test(browser_ops, every_tab_and_storage_op_golden)
{
	support_run r = RUN("cookie", "--explain", OPS("tabs.ops"));
	assert_success(&r);
	assert_golden("tests/cli/golden/tabs.out", r.out);
	support_run_free(&r);
	r = RUN("cookie", "--explain", "--json", OPS("tabs.ops"));
	assert_success(&r);
	json_decref(json_lines(r.out));
	assert_golden("tests/cli/golden/tabs.jsonl", r.out);
	support_run_free(&r);
}

Test(browser_ops, close_plain_and_with_session_restore_golden)
{
	support_run plain = RUN("cookie", "--explain", OPS("session.ops"));
	support_run restore = RUN("cookie", "--explain", "--session-restore", OPS("session.ops"));
	assert_success(&plain);
	assert_success(&restore);
	assert_golden("tests/cli/golden/session.plain.out", plain.out);
	assert_golden("tests/cli/golden/session.restore.out", restore.out);
	/* C1, C3: the session cookie goes with a plain quit and survives a restore. */
	cr_assert(strstr(plain.out, "\nkeep=1\n"), "%s", plain.out);
	cr_assert(strstr(restore.out, "\nsess=1; keep=1\n"), "%s", restore.out);
	/* C3: restored tabs come back at the next start. */
	cr_assert_eq(count_lines_with(restore.out, " tab-restored: "), 3, "%s", restore.out);
	cr_assert_eq(count_lines_with(plain.out, " tab-restored: "), 0, "%s", plain.out);
	support_run_free(&plain);
	support_run_free(&restore);
}

Test(browser_ops, hosts_golden)
{
	support_run r = RUN("cookie", "--explain", OPS("hosts.ops"));
	assert_success(&r);
	assert_golden("tests/cli/golden/hosts.out", r.out);
	cr_assert_eq(count_lines_with(r.out, "navigation error: cannot resolve "), 2, "%s", r.out);
	support_run_free(&r);
}

Test(browser_ops, bad_browser_lines_golden)
{
	support_run r = RUN("cookie", "--explain", OPS("browser-errors.ops"));
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.out, "");
	assert_golden("tests/cli/golden/browser-errors.err", r.err);
	support_run_free(&r);
}

Test(browser_ops, two_runs_are_byte_identical)
{
	const char *files[] = {OPS("tabs.ops"), OPS("session.ops"), OPS("hosts.ops")};
	const char *modes[] = {"--explain", "--json", "--session-restore"};
	for (size_t i = 0; i < 3; i++) {
		for (size_t m = 0; m < 3; m++) {
			support_run a = RUN("cookie", modes[m], files[i]);
			support_run b = RUN("cookie", modes[m], files[i]);
			assert_success(&a);
			cr_assert(strlen(a.out) > 0);
			cr_assert_str_eq(a.out, b.out, "%s %s", modes[m], files[i]);
			support_run_free(&a);
			support_run_free(&b);
		}
	}
}

/* ---- bad lines ----------------------------------------------------------- */

Test(browser_ops, each_bad_browser_line_is_reported)
{
	static const struct {
		const char *input;
		const char *err;
	} cases[] = {
		{"tab\n", "<stdin>:1: error: \"tab\" needs a tab name and, if it loads a page, the URL, "
			  "e.g. tab a https://www.shop.com/\n"},
		{"tab a https://www.shop.com/ x\n",
		 "<stdin>:1: error: unexpected text after the URL: \"x\"; \"tab\" takes a tab name and a URL\n"},
		{"tab a-tab-name-of-thirty-three-chars-\n",
		 "<stdin>:1: error: \"tab\" needs a tab name, and \"a-tab-name-of-thirty-three-chars-\" is not one: "
		 "a tab name is letters, digits, \"_\" and \"-\", up to 32 characters\n"},
		{"tab a www.shop.com\n", "the URL parser's cause"}, /* exit 2 and one error line */
		{"tab a\ntab a\n", "<stdin>:2: error: tab \"a\" is already open (line 1); close-tab it first or pick another name\n"},
		{"tab a https://www.shop.com/\nclose\nread a\n",
		 "<stdin>:3: error: tab \"a\" is not open: close on line 2 closed it; open it again with tab a URL\n"},
		{"tab a https://www.shop.com/\nrestart\nfocus a\n",
		 "<stdin>:3: error: tab \"a\" is not open: restart on line 2 closed it; open it again with tab a URL\n"},
		{"open\n", "<stdin>:1: error: \"open\" needs the new tab's name, the name of the tab that calls "
			   "window.open and the URL, e.g. open b a https://www.shop.com/help\n"},
		{"tab a\nopen b a https://www.shop.com/ noreferrer\n",
		 "<stdin>:2: error: unexpected text after the URL: \"noreferrer\"; \"open\" takes only \"noopener\" after the URL\n"},
		{"open b a https://www.shop.com/\n",
		 "<stdin>:1: error: no tab is named \"a\"; open it first, e.g. tab a https://www.shop.com/\n"},
		{"tab a\nnavigate a\n",
		 "<stdin>:2: error: \"navigate\" needs a tab name and a URL, e.g. navigate a https://www.shop.com/cart\n"},
		{"tab a\nreload\n", "<stdin>:2: error: \"reload\" needs a tab name, e.g. reload a\n"},
		{"tab a\nfocus a now\n",
		 "<stdin>:2: error: unexpected text after the tab name: \"now\"; \"focus\" takes only a tab name\n"},
		{"tab a https://www.shop.com/\nback a\n",
		 "<stdin>:2: error: tab \"a\" has no earlier page to go back to; navigate it first\n"},
		{"tab a https://www.shop.com/\nnavigate a https://www.shop.com/x\nback a\nback a\n",
		 "<stdin>:4: error: tab \"a\" has no earlier page to go back to; navigate it first\n"},
		{"tab a\nlisten a\nlisten a\n", "<stdin>:3: error: tab \"a\" already listens; its events are printed once\n"},
		{"tab a\nlocal a\n", "<stdin>:2: error: \"local\" needs a tab name and a method (set, get, remove, clear, "
				    "length or key), e.g. local a set theme dark\n"},
		{"tab a\nsession a put k v\n",
		 "<stdin>:2: error: unknown sessionStorage method \"put\"; expected set, get, remove, clear, length or key\n"},
		{"tab a\nlocal a set\n", "<stdin>:2: error: \"local set\" needs a key and a value, e.g. local a set theme dark\n"},
		{"tab a\nlocal a set k\n", "<stdin>:2: error: \"local set\" needs a value after the key, separated by one "
					  "space (for an empty value, end the line with that one space)\n"},
		{"tab a\nlocal a get\n", "<stdin>:2: error: \"local get\" needs a key, e.g. local a get theme\n"},
		{"tab a\nsession a remove a b\n",
		 "<stdin>:2: error: unexpected text after the key: \"b\"; a key is one word\n"},
		{"tab a\nlocal a clear all\n",
		 "<stdin>:2: error: unexpected text after \"clear\": \"all\"; \"clear\" takes no argument\n"},
		{"tab a\nlocal a key -1\n", "<stdin>:2: error: \"local key\" needs an index, a whole number from 0 to "
					   "1000000000, e.g. local a key 0\n"},
		{"tab a\nscript a\n", "<stdin>:2: error: \"script\" needs a cookie string after the tab name, separated "
				     "by one space (for an empty value, end the line with that one space)\n"},
		{"read nobody\n", "<stdin>:1: error: no tab is named \"nobody\"; open it first, e.g. tab nobody "
				  "https://www.shop.com/\n"},
		{"respond https://www.shop.com/\n",
		 "<stdin>:1: error: \"respond\" needs a Set-Cookie value after the URL, separated by one space "
		 "(for an empty value, end the line with that one space)\n"},
		{"respond https://www.shop.com/ a=1\ntab a https://www.shop.com/x\n",
		 "<stdin>:1: error: no tab loads https://www.shop.com/ after this line, so this response is never "
		 "received; add a tab, open or navigate to exactly that URL, or remove the line\n"},
		{"hosts\n", "<stdin>:1: error: \"hosts\" needs an IP address and host names, e.g. hosts 127.0.0.1 "
			    "www.shop.com store.shop.com\n"},
		{"hosts www.shop.com 127.0.0.1\n",
		 "<stdin>:1: error: \"www.shop.com\" is not an IP address; a hosts line is an address then names, "
		 "e.g. \"127.0.0.1 www.shop.com\"\n"},
		{"save\n", "<stdin>:1: error: \"save\" needs a file name, e.g. save profile.db\n"},
		{"import   \n", "<stdin>:1: error: \"import\" needs a file name, e.g. import state.json\n"},
		{"export state.db\n", "<stdin>:1: error: \"export\" writes Playwright storageState JSON to a .json file "
				      "or Netscape cookies.txt to a .txt file; name the file so (was \"state.db\")\n"},
		{"restart now\n", "<stdin>:1: error: unexpected text after \"restart\": \"now\"; \"restart\" takes no argument\n"},
		{"trace all\n", "<stdin>:1: error: unexpected text after \"trace\": \"all\"; \"trace\" takes no argument\n"},
		{"naviagte a https://www.shop.com/\n",
		 "<stdin>:1: error: unknown operation \"naviagte\"; did you mean \"navigate\"? (bsim cookie --help lists "
		 "every operation)\n"},
		{"tab a\nclose-tabs a\n",
		 "<stdin>:2: error: unknown operation \"close-tabs\"; did you mean \"close-tab\"? (bsim cookie --help lists "
		 "every operation)\n"},
		/* A file that uses browser ops is told all of them. */
		{"tab a\nfetch a\n",
		 "<stdin>:2: error: unknown operation \"fetch\"; expected one of set, script, get, read, wait, close, dump, "
		 "respond, hosts, tab, open, navigate, reload, back, focus, close-tab, local, session, listen, restart, "
		 "save, load, import, export or trace (a # starts a comment line)\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		support_run r = RUN_STDIN(cases[i].input, "cookie", "-");
		if (cases[i].err[strlen(cases[i].err) - 1] == '\n') {
			assert_input_error(&r, cases[i].err);
		} else {
			cr_assert_eq(r.status, 2, "%s", cases[i].input);
			cr_assert_str_eq(r.out, "");
			cr_assert_eq(count_lines_with(r.err, "error:"), 1, "%s", r.err);
		}
		support_run_free(&r);
	}
}

Test(browser_ops, a_tab_url_must_be_a_page)
{
	support_run r = RUN_STDIN("tab a wss://www.shop.com/socket\n", "cookie", "-");
	assert_input_error(&r, "<stdin>:1: error: \"tab\" loads a page, and a page has an http, https or file URL "
			       "(was \"wss://www.shop.com/socket\")\n");
	support_run_free(&r);
	r = RUN_STDIN("tab a\nnavigate a shop\n", "cookie", "-");
	cr_assert_eq(r.status, 2);
	cr_assert(strncmp(r.err, "<stdin>:2: error: \"navigate\" needs an absolute http, https, ws, wss or file URL: ",
			  strlen("<stdin>:2: error: \"navigate\" needs an absolute")) == 0,
		  "%s", r.err);
	support_run_free(&r);
}

Test(browser_ops, storage_values_with_a_nul_byte_are_bad_lines)
{
	char *dir = make_dir();
	char path[1024];
	path_in(path, sizeof path, dir, "nul.ops");
	const char input[] = "tab a https://www.shop.com/\nlocal a set k v\0w\n";
	write_bytes(path, input, sizeof input - 1);
	support_run r = RUN("cookie", path);
	char want[1200];
	snprintf(want, sizeof want, "%s:2: error: the value contains a NUL byte, which bsim cannot store in Web "
				    "Storage; remove it\n", path);
	assert_input_error(&r, want);
	support_run_free(&r);
	remove_dir(dir);
}

/* ---- storage as a page sees it ------------------------------------------ */

Test(browser_ops, get_tells_null_from_empty_in_json)
{
	support_run r = RUN_STDIN("tab a https://www.shop.com/\n"
				  "local a set empty \n"
				  "local a get empty\n"
				  "local a get missing\n"
				  "local a length\n"
				  "local a key 0\n"
				  "local a key 1\n",
				  "cookie", "--json", "-");
	assert_success(&r);
	json_t *lines = json_lines(r.out);
	cr_assert_eq(json_array_size(lines), 5, "%s", r.out);
	json_t *empty = json_array_get(lines, 0), *missing = json_array_get(lines, 1);
	cr_assert_str_eq(json_string_value(json_object_get(empty, "type")), "storage");
	cr_assert_str_eq(json_string_value(json_object_get(empty, "method")), "getItem");
	cr_assert_str_eq(json_string_value(json_object_get(empty, "tab")), "a");
	cr_assert_str_eq(json_string_value(json_object_get(empty, "url")), "https://www.shop.com/");
	cr_assert_str_eq(json_string_value(json_object_get(empty, "value")), "");
	cr_assert(json_is_null(json_object_get(missing, "value")), "%s", r.out);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(lines, 2), "value")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lines, 3), "value")), "empty");
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(lines, 3), "index")), 0);
	cr_assert(json_is_null(json_object_get(json_array_get(lines, 4), "value")));
	json_decref(lines);
	support_run_free(&r);
	/* Text shows both as an empty line. */
	r = RUN_STDIN("tab a https://www.shop.com/\nlocal a set empty \nlocal a get empty\nlocal a get missing\n",
		      "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "\n\n");
	support_run_free(&r);
}

Test(browser_ops, storage_is_per_origin_and_session_storage_per_tab)
{
	/* browser-rules.md W1, W5. */
	support_run r = RUN_STDIN("tab a https://www.shop.com/\n"
				  "local a set k www\n"
				  "session a set s 1\n"
				  "tab b https://store.shop.com/\n"
				  "local b get k\n"
				  "tab c https://www.shop.com/other\n"
				  "local c get k\n"
				  "session c get s\n"
				  "open d a https://www.shop.com/\n"
				  "session d get s\n"
				  "open e a https://www.shop.com/ noopener\n"
				  "session e get s\n"
				  "tab f http://www.shop.com/\n"
				  "local f get k\n",
				  "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "\nwww\n\n1\n\n\n");
	support_run_free(&r);
}

Test(browser_ops, listen_prints_events_for_that_tab_only_from_then_on)
{
	/* W4: other tabs of the origin hear a change, never the writer, and nothing when nothing changed. */
	support_run r = RUN_STDIN("tab a https://www.shop.com/\n"
				  "tab b https://www.shop.com/\n"
				  "tab c https://store.shop.com/\n"
				  "local a set early 1\n"
				  "listen a\n"
				  "listen b\n"
				  "listen c\n"
				  "local a set k 1\n"
				  "local a set k 1\n"
				  "local b remove k\n"
				  "local b remove k\n"
				  "session a set s 1\n"
				  "local a clear\n"
				  "local a clear\n"
				  "focus a\n",
				  "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out,
			 "event b storage local key=\"k\" old=null new=\"1\" url=\"https://www.shop.com/\"\n"
			 "event a storage local key=\"k\" old=\"1\" new=null url=\"https://www.shop.com/\"\n"
			 "event b storage local key=null old=null new=null url=\"https://www.shop.com/\"\n"
			 "event c blur\n"
			 "event a focus\n");
	support_run_free(&r);
}

Test(browser_ops, dom_events_in_json)
{
	support_run r = RUN_STDIN("tab a https://www.shop.com/\ntab b https://www.shop.com/\nlisten a\n"
				  "local b set k v\nfocus a\n",
				  "cookie", "--json", "-");
	assert_success(&r);
	json_t *lines = json_lines(r.out);
	cr_assert_eq(json_array_size(lines), 2, "%s", r.out);
	json_t *st = json_array_get(lines, 0), *fo = json_array_get(lines, 1);
	cr_assert_str_eq(json_string_value(json_object_get(st, "type")), "dom-event");
	cr_assert_str_eq(json_string_value(json_object_get(st, "op")), "local");
	cr_assert_eq(json_integer_value(json_object_get(st, "line")), 4);
	cr_assert_str_eq(json_string_value(json_object_get(st, "tab")), "a");
	cr_assert_str_eq(json_string_value(json_object_get(st, "event")), "storage");
	cr_assert_str_eq(json_string_value(json_object_get(st, "area")), "local");
	cr_assert_str_eq(json_string_value(json_object_get(st, "key")), "k");
	cr_assert(json_is_null(json_object_get(st, "old_value")));
	cr_assert_str_eq(json_string_value(json_object_get(st, "new_value")), "v");
	cr_assert_str_eq(json_string_value(json_object_get(st, "url")), "https://www.shop.com/");
	cr_assert_str_eq(json_string_value(json_object_get(fo, "event")), "focus");
	cr_assert_str_eq(json_string_value(json_object_get(fo, "op")), "focus");
	cr_assert(json_is_null(json_object_get(fo, "key")));
	json_decref(lines);
	support_run_free(&r);
}

/* Six values of a million characters: over Chromium's 10 MiB of UTF-16 (W2) at the sixth. */
static char *quota_ops(const char *after)
{
	size_t value = 1000000, n = 0, size = 6 * (value + 64) + 256 + strlen(after);
	char *ops = malloc(size);
	n += (size_t)snprintf(ops, size, "tab a https://www.shop.com/\n");
	for (int i = 0; i < 6; i++) {
		n += (size_t)snprintf(ops + n, size - n, "local a set k%d ", i);
		memset(ops + n, 'x', value);
		n += value;
		ops[n++] = '\n';
	}
	memcpy(ops + n, after, strlen(after) + 1);
	return ops;
}

Test(browser_ops, quota_exceeded_is_an_output_and_the_run_goes_on)
{
	/* W3: setItem throws QuotaExceededError, the old value stays. */
	char *ops = quota_ops("local a length\nlocal a get k5\nlocal a set k0 small\nlocal a get k0\n");
	support_run r = RUN_STDIN(ops, "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "QuotaExceededError: localStorage quota exceeded on https://www.shop.com:443: "
				"10485760 bytes per origin in chromium\n5\n\nsmall\n");
	support_run_free(&r);

	r = RUN_STDIN(ops, "cookie", "--explain", "-");
	assert_success(&r);
	cr_assert(strncmp(r.out, "<stdin>:7: storage-refused [quota] localStorage.setItem(\"k5\") refused on "
				 "https://www.shop.com/: ",
			  strlen("<stdin>:7: storage-refused [quota] localStorage.setItem(\"k5\") refused on ")) == 0,
		  "%.300s", r.out);
	cr_assert(strstr(r.out, "\nQuotaExceededError: "), "the explanation comes before the exception");
	support_run_free(&r);

	r = RUN_STDIN(ops, "cookie", "--explain", "--json", "-");
	assert_success(&r);
	json_t *lines = json_lines(r.out);
	json_t *ev = json_array_get(lines, 0), *ex = json_array_get(lines, 1);
	cr_assert_str_eq(json_string_value(json_object_get(ev, "type")), "event");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "kind")), "storage-refused");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "reason")), "quota");
	cr_assert_str_eq(json_string_value(json_object_get(ev, "name")), "k5");
	cr_assert(json_is_null(json_object_get(ev, "domain")));
	cr_assert_str_eq(json_string_value(json_object_get(ex, "type")), "exception");
	cr_assert_str_eq(json_string_value(json_object_get(ex, "name")), "QuotaExceededError");
	cr_assert_str_eq(json_string_value(json_object_get(ex, "tab")), "a");
	json_decref(lines);
	support_run_free(&r);
	free(ops);
}

Test(browser_ops, a_blank_tab_has_no_storage_and_no_cookies)
{
	/* W9, F4: about:blank is an opaque origin. */
	support_run r = RUN_STDIN("set https://www.shop.com/ a=1\ntab e\nread e\nscript e b=2\nsession e set k v\n"
				  "get https://www.shop.com/\n",
				  "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "\nSecurityError: tab 1 shows about:blank, whose opaque origin has no sessionStorage\n"
				"a=1\n");
	support_run_free(&r);
}

/* ---- tabs, pages and cookies --------------------------------------------- */

Test(browser_ops, read_and_script_on_a_tab_use_its_page)
{
	support_run r = RUN_STDIN("tab a https://www.shop.com/cart/\n"
				  "script a c=1\n"
				  "read a\n"
				  "read https://www.shop.com/\n"
				  "navigate a https://www.shop.com/\n"
				  "read a\n",
				  "cookie", "--json", "-");
	assert_success(&r);
	json_t *lines = json_lines(r.out);
	cr_assert_eq(json_array_size(lines), 3);
	/* document.cookie's default path is the page's directory: /cart. */
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lines, 0), "value")), "c=1");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lines, 0), "url")),
			 "https://www.shop.com/cart/");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lines, 1), "value")), "");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(lines, 2), "url")), "https://www.shop.com/");
	json_decref(lines);
	support_run_free(&r);
}

Test(browser_ops, respond_headers_go_with_the_next_load_of_their_url)
{
	support_run r = RUN_STDIN("tab a https://www.a.com/\n"
				  "respond https://www.b.com/ s=1; SameSite=Strict\n"
				  "respond https://www.b.com/ n=2\n"
				  "navigate a https://www.b.com/\n"
				  "read a\n"
				  "respond https://www.b.com/ n=3\n"
				  "reload a\n"
				  "read a\n"
				  "tab c https://www.b.com/\n"
				  "read c\n",
				  "cookie", "-");
	assert_success(&r);
	/* A top-level cross-site navigation's response may set SameSite=Strict cookies (RFC 6265bis §5.2). */
	cr_assert_str_eq(r.out, "s=1; n=2\ns=1; n=2\ns=1; n=3\n");
	support_run_free(&r);
}

Test(browser_ops, a_failed_load_keeps_the_tab_and_back_after_it_is_an_error)
{
	/* The check counts pages assuming every load works; with a hosts file one may not. */
	support_run r = RUN_STDIN("hosts 127.0.0.1 www.testsite.com\n"
				  "tab a https://www.testsite.com/\n"
				  "navigate a https://store.testsite.com/\n"
				  "back a\n",
				  "cookie", "-");
	assert_input_error(&r, "<stdin>:4: error: tab \"a\" has no earlier page to go back to (a load before failed)\n");
	support_run_free(&r);
}

Test(browser_ops, hosts_option)
{
	char *dir = make_dir();
	char hosts[1024], bad[1024], missing[1024];
	path_in(hosts, sizeof hosts, dir, "hosts");
	path_in(bad, sizeof bad, dir, "bad-hosts");
	path_in(missing, sizeof missing, dir, "missing");
	const char *good = "# test hosts\n127.0.0.1 www.localhost.com\n";
	write_bytes(hosts, good, strlen(good));
	write_bytes(bad, "127.0.0.1 ok.test\nnot-an-ip x.test\n", 35);
	const char *ops = "tab a http://www.localhost.com/\ntab b http://www.shop.com/\n";
	support_run r = RUN_STDIN(ops, "cookie", "--hosts", hosts, "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "navigation error: cannot resolve www.shop.com: the host is not in the hosts file; "
				"add a line such as \"127.0.0.1 www.shop.com\" to the hosts, or allow open resolution\n");
	support_run_free(&r);
	r = RUN_STDIN(ops, "cookie", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "", "without a hosts file every name resolves");
	support_run_free(&r);

	char want[2048];
	char opt[1100];
	snprintf(opt, sizeof opt, "--hosts=%s", bad);
	r = RUN_STDIN(ops, "cookie", opt, "-");
	snprintf(want, sizeof want, "%s:2: error: \"not-an-ip\" is not an IP address; a hosts line is an address then "
				    "names, e.g. \"127.0.0.1 www.shop.com\"\n", bad);
	assert_input_error(&r, want);
	support_run_free(&r);
	r = RUN_STDIN(ops, "cookie", "--hosts", missing, "-");
	snprintf(want, sizeof want, "bsim cookie: error: cannot open hosts file \"%s\": No such file or directory\n",
		 missing);
	assert_input_error(&r, want);
	support_run_free(&r);
	r = RUN_STDIN(ops, "cookie", "-", "--hosts");
	assert_input_error(&r, "bsim cookie: error: --hosts needs a value\nRun 'bsim cookie --help' for usage.\n");
	support_run_free(&r);
	remove_dir(dir);
}

Test(browser_ops, session_restore_brings_tabs_back_with_their_session_storage)
{
	/* C3, C4. */
	const char *ops = "tab a https://www.shop.com/\n"
			  "session a set step 2\n"
			  "set https://www.shop.com/ sess=1\n"
			  "restart\n"
			  "session a get step\n"
			  "read a\n"
			  "close\n"
			  "wait 60\n"
			  "session a get step\n";
	support_run r = RUN_STDIN(ops, "cookie", "--session-restore", "-");
	assert_success(&r);
	cr_assert_str_eq(r.out, "2\nsess=1\n2\n");
	support_run_free(&r);
	r = RUN_STDIN(ops, "cookie", "-");
	assert_input_error(&r, "<stdin>:5: error: tab \"a\" is not open: restart on line 4 closed it; open it again "
			       "with tab a URL\n"
			       "<stdin>:6: error: tab \"a\" is not open: restart on line 4 closed it; open it again "
			       "with tab a URL\n"
			       "<stdin>:9: error: tab \"a\" is not open: restart on line 4 closed it; open it again "
			       "with tab a URL\n");
	support_run_free(&r);
}

Test(browser_ops, trace_names_tabs_and_codes)
{
	support_run r = RUN_STDIN("tab a https://www.shop.com/\nclose-tab a\nset https://shop.github.io/ x=1; "
				  "Domain=github.io\ntrace\n",
				  "cookie", "--json", "-");
	assert_success(&r);
	json_t *lines = json_lines(r.out);
	size_t n = json_array_size(lines);
	cr_assert_geq(n, 5, "%s", r.out);
	json_t *first = json_array_get(lines, 0), *opened = json_array_get(lines, 1), *last = json_array_get(lines, n - 1);
	cr_assert_str_eq(json_string_value(json_object_get(first, "type")), "trace");
	cr_assert_str_eq(json_string_value(json_object_get(first, "code")), "browser-started");
	cr_assert(json_is_null(json_object_get(first, "tab")));
	cr_assert_str_eq(json_string_value(json_object_get(opened, "code")), "tab-opened");
	cr_assert_str_eq(json_string_value(json_object_get(opened, "kind")), "tab");
	cr_assert_str_eq(json_string_value(json_object_get(opened, "tab")), "a");
	cr_assert_eq(json_integer_value(json_object_get(opened, "tab_id")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(last, "code")), "cookie-refused:public-suffix");
	cr_assert_str_eq(json_string_value(json_object_get(last, "subject")), "x");
	cr_assert_str_eq(json_string_value(json_object_get(last, "kind")), "cookie");
	json_decref(lines);
	support_run_free(&r);
	/* A closed tab keeps its name in the trace. */
	r = RUN_STDIN("tab a https://www.shop.com/\nclose-tab a\ntrace\n", "cookie", "-");
	assert_success(&r);
	cr_assert(strstr(r.out, "2015-01-01T00:00:00Z a tab-closed: tab 1 closed\n"), "%s", r.out);
	support_run_free(&r);
}

Test(browser_ops, help_lists_the_browser_ops_and_options)
{
	support_run r = RUN("cookie", "--help");
	assert_success(&r);
	const char *words[] = {"tab NAME [URL]", "open NAME FROM URL [noopener]", "navigate NAME URL", "close-tab NAME",
			       "local NAME set KEY VALUE", "session NAME", "listen NAME", "respond URL VALUE",
			       "hosts IP NAME", "restart", "save FILE", "load FILE", "import FILE", "export FILE",
			       "trace", "--hosts FILE", "--session-restore"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		cr_assert(strstr(r.out, words[i]), "help lacks %s", words[i]);
	support_run_free(&r);
}

/* ---- profiles ------------------------------------------------------------- */

/* The state a dump and the storage gets print, to compare across a round trip. */
#define STATE_OPS                                                                                        \
	"dump\n"                                                                                         \
	"tab check https://www.shop.com/\n"                                                              \
	"local check get theme\n"                                                                        \
	"local check get later\n"

Test(browser_ops, profile_round_trip_across_restart_and_processes)
{
	char *dir = make_dir();
	char db[1024], ops[4096];
	path_in(db, sizeof db, dir, "profile.db");
	/* Within one run: what was saved comes back after a restart, and what came later goes. */
	snprintf(ops, sizeof ops,
		 "tab a https://www.shop.com/\n"
		 "set https://www.shop.com/ keep=1; Max-Age=3600; Path=/; Secure; SameSite=Strict\n"
		 "set https://www.shop.com/ wide=2; Domain=shop.com; Max-Age=7200; HttpOnly\n"
		 "local a set theme dark\n"
		 "dump\n"
		 "save %s\n"
		 "set https://www.shop.com/ later=1; Max-Age=3600\n"
		 "local a set later 1\n"
		 "restart\n"
		 "load %s\n" STATE_OPS,
		 db, db);
	support_run one = run_ops_file(dir, ops, NULL, NULL);
	assert_success(&one);
	const char *dump = "keep=1; Host=www.shop.com; Path=/; Expires=2015-01-01T01:00:00Z; Secure; SameSite=Strict\n"
			   "wide=2; Domain=.shop.com; Path=/; Expires=2015-01-01T02:00:00Z; HttpOnly\n";
	char want[2048];
	snprintf(want, sizeof want, "%s%sdark\n\n", dump, dump);
	cr_assert_str_eq(one.out, want);
	support_run_free(&one);

	/* Across processes: a second bsim loads what the first saved. */
	snprintf(ops, sizeof ops, "load %s\n" STATE_OPS, db);
	support_run two = run_ops_file(dir, ops, NULL, NULL);
	assert_success(&two);
	snprintf(want, sizeof want, "%sdark\n\n", dump);
	cr_assert_str_eq(two.out, want);
	support_run_free(&two);
	remove_dir(dir);
}

/* The bytes of a good profile, made by bsim. */
static char *good_profile(const char *dir, const char *db, size_t *len)
{
	char ops[4096];
	snprintf(ops, sizeof ops, "tab a https://www.shop.com/\nset https://www.shop.com/ k=1; Max-Age=60\n"
				  "local a set theme dark\nsave %s\n",
		 db);
	support_run r = run_ops_file(dir, ops, NULL, NULL);
	assert_success(&r);
	support_run_free(&r);
	return slurp(db, len);
}

/*
 * A load or import of `bad` stops the run before anything is done: exit 2,
 * exactly FILE:4: error: OP: `cause`, nothing on stdout, no earlier save
 * written, and the file byte for byte as it was. A cause ending in "..." is
 * checked up to there (the rest is a JSON parser's wording).
 */
static void assert_refused_and_unchanged(const char *dir, const char *op, const char *bad, const char *cause)
{
	size_t before_len = 0, after_len = 0;
	char *before = slurp(bad, &before_len);
	char out[1024], ops[4096];
	path_in(out, sizeof out, dir, "written-before.db");
	unlink(out);
	snprintf(ops, sizeof ops, "set https://www.shop.com/ a=1\nget https://www.shop.com/\nsave %s\n%s %s\n", out, op,
		 bad);
	support_run r = run_ops_file(dir, ops, NULL, NULL);
	char want[4096];
	snprintf(want, sizeof want, "%s/run.ops:4: error: %s: %s\n", dir, op, cause);
	size_t cut = strlen(want);
	if (cut > 4 && strcmp(want + cut - 4, "...\n") == 0) {
		cut -= 4;
		cr_assert_eq(r.status, 2, "%s %s: exit %d, stderr %s", op, bad, r.status, r.err);
		cr_assert_str_eq(r.out, "");
		cr_assert(strncmp(r.err, want, cut) == 0, "want %.*s... got %s", (int)cut, want, r.err);
		cr_assert_eq(count_lines_with(r.err, "error:"), 1, "%s", r.err);
	} else {
		assert_input_error(&r, want);
	}
	cr_assert(!file_exists(out), "the save before the bad %s ran", op);
	char *after = slurp(bad, &after_len);
	cr_assert(before_len == after_len && memcmp(before, after, before_len) == 0, "%s changed", bad);
	free(before);
	free(after);
	support_run_free(&r);
}

Test(browser_ops, corrupt_foreign_and_newer_profiles_are_refused_and_left_unchanged)
{
	char *dir = make_dir();
	char db[1024], truncated[1024], garbage[1024], newer[1024], foreign[1024], empty[1024];
	path_in(db, sizeof db, dir, "good.db");
	path_in(truncated, sizeof truncated, dir, "truncated.db");
	path_in(garbage, sizeof garbage, dir, "garbage.db");
	path_in(newer, sizeof newer, dir, "newer.db");
	path_in(foreign, sizeof foreign, dir, "foreign.db");
	path_in(empty, sizeof empty, dir, "empty.db");
	size_t len = 0;
	char *good = good_profile(dir, db, &len);
	cr_assert_gt(len, 4096u);

	write_bytes(truncated, good, len - 1000);
	char noise[3000];
	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (char)(i * 131 + 7);
	write_bytes(garbage, noise, sizeof noise);
	write_bytes(empty, "", 0);

	write_bytes(newer, good, len);
	sqlite3 *s = NULL;
	cr_assert_eq(sqlite3_open(newer, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(s, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(s);
	cr_assert_eq(sqlite3_open(foreign, &s), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(s, "CREATE TABLE moz_cookies(name TEXT, value TEXT); "
				     "INSERT INTO moz_cookies VALUES ('a', '1')",
				  NULL, NULL, NULL),
		     SQLITE_OK);
	sqlite3_close(s);

	char cause[2048];
	snprintf(cause, sizeof cause, "profile %s is truncated: %zu bytes is not a whole number of 4096-byte pages",
		 truncated, len - 1000);
	assert_refused_and_unchanged(dir, "load", truncated, cause);
	snprintf(cause, sizeof cause, "profile %s is not an SQLite database (it does not begin with \"SQLite format 3\")",
		 garbage);
	assert_refused_and_unchanged(dir, "load", garbage, cause);
	snprintf(cause, sizeof cause, "profile %s is empty, not an SQLite database", empty);
	assert_refused_and_unchanged(dir, "load", empty, cause);
	snprintf(cause, sizeof cause, "profile %s was written by a newer bsim (schema 99; this build reads up to 1): "
				      "upgrade bsim", newer);
	assert_refused_and_unchanged(dir, "load", newer, cause);
	snprintf(cause, sizeof cause, "profile %s is an SQLite database but not a bsim profile: it has no \"meta\" table",
		 foreign);
	assert_refused_and_unchanged(dir, "load", foreign, cause);

	/* The good profile itself loads. */
	char ops[4096];
	snprintf(ops, sizeof ops, "load %s\ndump\n", db);
	support_run r = run_ops_file(dir, ops, NULL, NULL);
	assert_success(&r);
	cr_assert_str_eq(r.out, "k=1; Host=www.shop.com; Path=/; Expires=2015-01-01T00:01:00Z\n");
	support_run_free(&r);
	free(good);
	remove_dir(dir);
}

Test(browser_ops, a_missing_profile_or_import_is_an_input_error)
{
	support_run r = RUN_STDIN("load /nonexistent/bsim/profile.db\n", "cookie", "-");
	assert_input_error(&r, "<stdin>:1: error: load: cannot read profile /nonexistent/bsim/profile.db: "
			       "No such file or directory\n");
	support_run_free(&r);
	r = RUN_STDIN("tab a https://www.shop.com/\nimport /nonexistent/bsim/state.json\n", "cookie", "-");
	assert_input_error(&r, "<stdin>:2: error: import: cannot read /nonexistent/bsim/state.json: "
			       "No such file or directory\n");
	support_run_free(&r);
}

Test(browser_ops, a_failed_save_or_export_leaves_the_existing_file_unchanged)
{
	/* A name the file system holds but whose temporary twin (NAME.tmp-XXXXXX) is too long to create. */
	char *dir = make_dir();
	char name[256];
	memset(name, 'p', 246);
	memcpy(name + 246, ".txt", sizeof ".txt");
	char path[1024];
	path_in(path, sizeof path, dir, name);
	const char *original = "# Netscape HTTP Cookie File\nwww.shop.com\tFALSE\t/\tFALSE\t0\told\t1\n";
	write_bytes(path, original, strlen(original));
	static const struct {
		const char *op;
		const char *cause; /* %s: the path, then the directory */
	} cases[] = {
		{"save", "cannot save profile %s: cannot create a temporary file in %s: File name too long"},
		{"export", "cannot write %s: cannot create a temporary file in %s: File name too long"},
	};
	for (size_t i = 0; i < 2; i++) {
		char ops[4096], cause[4096], want[8192];
		snprintf(ops, sizeof ops, "set https://www.shop.com/ a=1\nget https://www.shop.com/\n%s %s\n", cases[i].op,
			 path);
		support_run r = run_ops_file(dir, ops, NULL, NULL);
		snprintf(cause, sizeof cause, cases[i].cause, path, dir);
		snprintf(want, sizeof want, "%s/run.ops:3: error: %s: %s\n", dir, cases[i].op, cause);
		assert_input_error(&r, want);
		size_t len = 0;
		char *after = slurp(path, &len);
		cr_assert_str_eq(after, original);
		free(after);
		support_run_free(&r);
	}
	remove_dir(dir);
}

/* ---- interchange ------------------------------------------------------------- */

/* At a clock past today (the wall clock) nothing in the file has expired yet: no warning. */
Test(browser_ops, an_export_at_a_clock_past_today_does_not_warn)
{
	char *dir = make_dir();
	char json[1024], ops[2048];
	path_in(json, sizeof json, dir, "state.json");
	snprintf(ops, sizeof ops, "set https://www.shop.com/ keep=1; Max-Age=3600; Path=/\nexport %s\n", json);
	support_run w = run_ops_file(dir, ops, "--now", "9000-01-01T00:00:00Z");
	assert_success(&w);
	support_run_free(&w);
}

Test(browser_ops, export_and_import_round_trip_both_formats)
{
	char *dir = make_dir();
	char json[1024], txt[1024], ops[4096];
	path_in(json, sizeof json, dir, "state.json");
	path_in(txt, sizeof txt, dir, "cookies.txt");
	/* Explicit SameSite: storageState has no "unspecified" (Playwright reports the engine's default). */
	snprintf(ops, sizeof ops,
		 "tab a https://www.shop.com/\n"
		 "set https://www.shop.com/ keep=1; Max-Age=3600; Path=/; Secure; SameSite=Strict\n"
		 "set https://www.shop.com/ wide=2; Domain=shop.com; Path=/; Max-Age=7200; HttpOnly; SameSite=Lax\n"
		 "local a set theme dark\n"
		 "export %s\n"
		 "export %s\n"
		 "dump\n",
		 json, txt);
	support_run w = run_ops_file(dir, ops, NULL, NULL);
	cr_assert_eq(w.status, 0, "exit %d, stderr:\n%s", w.status, w.err);
	/*
	 * The default clock is in 2015: a real browser would drop both cookies
	 * at once, and the export says so (the one wall-clock read; the files
	 * themselves do not depend on it).
	 */
	char warned[4096];
	snprintf(warned, sizeof warned,
		 "bsim: warning: %s: 2 of its 2 persistent cookies have already expired in real time (the virtual "
		 "clock is at 2015-01-01T00:00:00Z), so a real browser loading the file drops them at once; to use it "
		 "in a browser, export at a clock near today: --now (bsim cookie, bsim run) or the scenario's now=\n"
		 "bsim: warning: %s: 2 of its 2 persistent cookies have already expired in real time (the virtual "
		 "clock is at 2015-01-01T00:00:00Z), so a real browser loading the file drops them at once; to use it "
		 "in a browser, export at a clock near today: --now (bsim cookie, bsim run) or the scenario's now=\n",
		 json, txt);
	cr_expect_str_eq(w.err, warned);
	cr_assert_str_eq(w.out, "keep=1; Host=www.shop.com; Path=/; Expires=2015-01-01T01:00:00Z; Secure; SameSite=Strict\n"
				"wide=2; Domain=.shop.com; Path=/; Expires=2015-01-01T02:00:00Z; HttpOnly; SameSite=Lax\n");
	size_t len = 0;
	char *text = slurp(json, &len);
	cr_assert(text[0] == '{' && strstr(text, "\"origins\""), "%s", text);
	free(text);
	text = slurp(txt, &len);
	cr_assert(strncmp(text, "# Netscape HTTP Cookie File", 27) == 0, "%s", text);
	free(text);

	static const struct {
		const char *file;
		const char *want;
	} cases[] = {
		{"state.json", "keep=1; Host=www.shop.com; Path=/; Expires=2015-01-01T01:00:00Z; Secure; SameSite=Strict\n"
			       "wide=2; Domain=.shop.com; Path=/; Expires=2015-01-01T02:00:00Z; HttpOnly; SameSite=Lax\n"
			       "dark\n"},
		/* cookies.txt holds neither SameSite nor localStorage. */
		{"cookies.txt", "keep=1; Host=www.shop.com; Path=/; Expires=2015-01-01T01:00:00Z; Secure\n"
				"wide=2; Domain=.shop.com; Path=/; Expires=2015-01-01T02:00:00Z; HttpOnly\n"
				"\n"},
	};
	for (size_t i = 0; i < 2; i++) {
		char path[1024];
		path_in(path, sizeof path, dir, cases[i].file);
		snprintf(ops, sizeof ops, "import %s\ndump\ntab a https://www.shop.com/\nlocal a get theme\n", path);
		support_run r = run_ops_file(dir, ops, NULL, NULL);
		assert_success(&r);
		cr_assert_str_eq(r.out, cases[i].want, "import %s", cases[i].file);
		support_run_free(&r);
	}
	support_run_free(&w);
	remove_dir(dir);
}

Test(browser_ops, corrupt_imports_are_refused_and_left_unchanged)
{
	char *dir = make_dir();
	static const struct {
		const char *name;
		const char *content;
		const char *fragment;
	} cases[] = {
		{"bad.json", "{\"cookies\": [\n  {\"name\": \"a\",\n", "%s:3:..."},
		{"typed.json", "{\"cookies\":[{\"name\":1}]}", "%s: cookies[0].name: expected a string, got a number"},
		{"bad.txt", "# Netscape HTTP Cookie File\nwww.shop.com\tFALSE\n",
		 "%s:2: expected 7 TAB-separated fields (domain, include subdomains, path, secure, expires, name, value), "
		 "found 2"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[1024], cause[2048];
		path_in(path, sizeof path, dir, cases[i].name);
		write_bytes(path, cases[i].content, strlen(cases[i].content));
		snprintf(cause, sizeof cause, cases[i].fragment, path);
		assert_refused_and_unchanged(dir, "import", path, cause);
	}
	remove_dir(dir);
}

Test(browser_ops, a_file_an_earlier_op_writes_is_read_when_its_turn_comes)
{
	char *dir = make_dir();
	char db[1024], ops[4096];
	path_in(db, sizeof db, dir, "made-here.db");
	snprintf(ops, sizeof ops, "set https://www.shop.com/ k=1; Max-Age=60\nsave %s\nload %s\nget https://www.shop.com/\n",
		 db, db);
	support_run r = run_ops_file(dir, ops, NULL, NULL);
	assert_success(&r);
	cr_assert_str_eq(r.out, "k=1\n");
	support_run_free(&r);
	remove_dir(dir);
}
