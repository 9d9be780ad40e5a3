/*
 * test_cli_widget.c: `bsim widget domain`, end to end. Every test runs the
 * real binary and checks the exit code, stdout and stderr: the Domain field
 * scripts cut, each engine's verdict on the widget's cookie with the jar's
 * reason, the versions, JSON lines, and the errors that print nothing on
 * stdout.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

static support_run run_args(const char *first, ...)
{
	const char *argv[32];
	size_t n = 0;
	va_list ap;
	va_start(ap, first);
	for (const char *a = first; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	support_run r = {0};
	cr_assert_eq(support_run_bsim(&r, NULL, argv), 0, "could not run bsim (BSIM_EXE)");
	return r;
}

#define RUN(...) run_args(__VA_ARGS__, (const char *)NULL)

typedef struct domain_row {
	const char *version;
	const char *url;
	const char *domain;  /* the first field after the URL */
	const char *engines; /* the three verdict fields */
} domain_row;

static const domain_row rows[] = {
	{"9.0.018.07", "https://www.testsite.com/", ".testsite.com", "chromium=stored firefox=stored safari=stored"},
	{"9.0.018.07", "https://shop.example.co.uk/cart", ".example.co.uk",
	 "chromium=stored firefox=stored safari=stored"},
	{"9.0.018.07", "https://foo.github.io/", ".github.io",
	 "chromium=refused:public-suffix firefox=refused:public-suffix safari=refused:public-suffix"},
	{"9.0.018.07", "https://x.vercel.app/", ".vercel.app",
	 "chromium=refused:public-suffix firefox=refused:public-suffix safari=refused:public-suffix"},
	{"9.0.018.07", "https://shop.azurewebsites.net/", ".azurewebsites.net",
	 "chromium=refused:public-suffix firefox=refused:public-suffix safari=refused:public-suffix"},
	{"9.0.018.07", "https://www.nhs.uk/", ".www.nhs.uk", "chromium=stored firefox=stored safari=stored"},
	{"9.0.018.07", "http://localhost:8080/", "host-only", "chromium=stored firefox=stored safari=stored"},
	{"9.0.018.07", "http://127.0.0.1/", "host-only", "chromium=stored firefox=stored safari=stored"},
	{"9.0.018.07", "http://[::1]:8080/", "host-only", "chromium=stored firefox=stored safari=stored"},
	{"9.0.018.07", "http://localhost.com/", ".localhost.com", "chromium=stored firefox=stored safari=stored"},
	{"9.0.018.07", "https://WWW.TestSite.COM:443/", ".testsite.com",
	 "chromium=stored firefox=stored safari=stored"},
	{"9.0.018.07", "https://www.testsite.com./", ".com.",
	 "chromium=refused:public-suffix firefox=refused:public-suffix safari=refused:public-suffix"},
	{"9.0.018.07", "file:///home/qa/chat.html", "host-only",
	 "chromium=refused:scheme-not-cookieable firefox=stored safari=refused:scheme-not-cookieable"},
	{"9.0.018.07", "https://shop.br.com/", ".shop.br.com", "chromium=stored firefox=stored safari=stored"},
	{"9.0.005.00", "https://shop.br.com/", ".br.com",
	 "chromium=refused:public-suffix firefox=refused:public-suffix safari=refused:public-suffix"},
	{"8.5", "http://localhost/", ".localhost",
	 "chromium=stored firefox=stored safari=refused:no-registrable-domain"},
	{"8.5", "http://127.0.0.1:8080/", ".",
	 "chromium=refused:domain-mismatch firefox=refused:domain-mismatch safari=refused:domain-mismatch"},
	{"8.5", "https://www.testsite.com/", ".testsite.com", "chromium=stored firefox=stored safari=stored"},
};

Test(widget_domain_cli, one_line_per_url_domain_first_then_each_engine)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const domain_row *w = &rows[i];
		support_run r = RUN("widget", "domain", "--version", w->version, w->url);
		bool all_stored = !strstr(w->engines, "refused");
		cr_expect_eq(r.status, all_stored ? 0 : 1, "%s %s: exit %d\n%s", w->version, w->url, r.status, r.err);
		char want[512];
		snprintf(want, sizeof want, "%s %s %s", w->url, w->domain, w->engines);
		cr_expect_eq(strncmp(r.out, want, strlen(want)), 0, "%s %s:\n got %s\nwant %s", w->version, w->url, r.out,
			     want);
		cr_expect_eq(strchr(r.out, '\n'), r.out + strlen(r.out) - 1, "one line: %s", r.out);
		/* A refusal carries the jar's sentence and rule; a success nothing more. */
		if (all_stored)
			cr_expect_eq(strlen(r.out), strlen(want) + 1, "%s", r.out);
		else
			cr_expect(strstr(r.out, " | ") && strstr(r.out, "refused on ") &&
					  (strstr(r.out, "RFC 6265bis") || strstr(r.out, "HTML document.cookie")),
				  "%s", r.out);
		cr_expect_str_eq(r.err, "", "%s", r.err);
		support_run_free(&r);
	}
}

Test(widget_domain_cli, the_default_version_is_9_0_018_07_and_urls_keep_their_order)
{
	support_run r = RUN("widget", "domain", "https://shop.br.com/", "http://intranet/", "https://a.b.c.example.org/");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "https://shop.br.com/ .shop.br.com chromium=stored firefox=stored safari=stored\n"
				"http://intranet/ host-only chromium=stored firefox=stored safari=stored\n"
				"https://a.b.c.example.org/ .example.org chromium=stored firefox=stored safari=stored\n");
	support_run_free(&r);
}

Test(widget_domain_cli, json_lines_carry_the_cookie_written_and_each_verdict)
{
	support_run r = RUN("widget", "domain", "--json", "--version=9.0.005.00", "https://foo.github.io/",
			    "https://WWW.Example.co.uk/");
	cr_assert_eq(r.status, 1, "%s", r.err);
	const char *second = strchr(r.out, '\n');
	cr_assert(second);
	json_error_t err;
	json_t *a = json_loadb(r.out, (size_t)(second - r.out), 0, &err);
	json_t *b = json_loads(second + 1, 0, &err);
	cr_assert(a && b, "%s", r.out);
	cr_assert_str_eq(json_string_value(json_object_get(a, "domain")), ".github.io");
	cr_assert_str_eq(json_string_value(json_object_get(a, "version")), "9.0.005.00");
	/* 9.0.005.00 writes no SameSite (B.6). */
	cr_assert_str_eq(json_string_value(json_object_get(a, "cookie")),
			 "_genesys.widgets.webchat.state.session=bsim-probe; path=/; domain=.github.io");
	json_t *ch = json_object_get(json_object_get(a, "engines"), "chromium");
	cr_assert(json_is_false(json_object_get(ch, "stored")));
	cr_assert_str_eq(json_string_value(json_object_get(ch, "reason")), "public-suffix");
	cr_assert_str_eq(json_string_value(json_object_get(ch, "rule")), "RFC 6265bis §5.7 step 9");
	cr_assert(strstr(json_string_value(json_object_get(ch, "message")), "public suffix"));
	cr_assert_str_eq(json_string_value(json_object_get(b, "href")), "https://www.example.co.uk/");
	cr_assert_str_eq(json_string_value(json_object_get(b, "domain")), ".example.co.uk");
	json_t *sa = json_object_get(json_object_get(b, "engines"), "safari");
	cr_assert(json_is_true(json_object_get(sa, "stored")));
	cr_assert_str_eq(json_string_value(json_object_get(sa, "stored_domain")), "example.co.uk");
	cr_assert(json_is_false(json_object_get(sa, "stored_host_only")));
	json_decref(a);
	json_decref(b);

	support_run h = RUN("widget", "domain", "--json", "http://localhost/");
	json_t *c = json_loads(h.out, 0, &err);
	cr_assert(c, "%s", h.out);
	cr_assert(json_is_null(json_object_get(c, "domain")));
	cr_assert(json_is_true(json_object_get(c, "host_only")));
	json_decref(c);
	support_run_free(&h);
	support_run_free(&r);
}

typedef struct bad_row {
	const char *args[6];
	const char *err; /* a phrase stderr must hold */
} bad_row;

Test(widget_domain_cli, bad_input_exits_2_with_nothing_on_stdout)
{
	static const bad_row bad[] = {
		{{"widget", "domain", "https://www.testsite.com/", "htp://x", NULL}, "URL 2 \"htp://x\""},
		{{"widget", "domain", "not a url", NULL}, "URL 1 \"not a url\""},
		{{"widget", "domain", "https://a b/", NULL}, "URL 1"},
		{{"widget", "domain", "--version", "9", "https://x.com/", NULL}, "expected one of 9.0.018.07, 9.0.005.00, 8.5"},
		{{"widget", "domain", "--version", NULL}, "--version needs a value"},
		{{"widget", "domain", NULL}, "expected at least one URL"},
		{{"widget", "domain", "--jsn", "https://x.com/", NULL}, "unknown option \"--jsn\""},
		{{"widget", NULL}, "expected a widget command"},
		{{"widget", "domains", "https://x.com/", NULL}, "unknown widget command \"domains\""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		support_run r = {0};
		cr_assert_eq(support_run_bsim(&r, NULL, bad[i].args), 0);
		cr_expect_eq(r.status, 2, "case %zu: exit %d", i, r.status);
		cr_expect_str_eq(r.out, "", "case %zu printed: %s", i, r.out);
		cr_expect(strstr(r.err, bad[i].err), "case %zu: stderr lacks \"%s\":\n%s", i, bad[i].err, r.err);
		cr_expect(strstr(r.err, "bsim widget"), "case %zu: %s", i, r.err);
		support_run_free(&r);
	}
}

Test(widget_domain_cli, help_is_reachable_three_ways)
{
	const char *ways[][4] = {{"widget", "--help", NULL}, {"widget", "domain", "-h", NULL}, {"help", "widget", NULL}};
	for (size_t i = 0; i < 3; i++) {
		support_run r = {0};
		cr_assert_eq(support_run_bsim(&r, NULL, ways[i]), 0);
		cr_expect_eq(r.status, 0);
		cr_expect(strstr(r.out, "Usage: bsim widget domain"), "%s", r.out);
		cr_expect(strstr(r.out, "--version VERSION"), "%s", r.out);
		support_run_free(&r);
	}
	support_run r = RUN("--help");
	cr_expect(strstr(r.out, "widget "), "the command list names widget: %s", r.out);
	support_run_free(&r);
}
