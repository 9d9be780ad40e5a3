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

#define RUN(...) SUPPORT_RUN(__VA_ARGS__)

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

/* main.cookieOptions merged last (B.6, G.10): what the widget writes, then what each engine keeps. */
typedef struct options_row {
	const char *options;
	const char *url;
	const char *line;   /* the text line, up to the first " | " */
	const char *cookie; /* --json's "cookie" */
} options_row;

Test(widget_domain_cli, cookie_options_are_merged_last_and_checked_by_each_engine)
{
	static const options_row opt_rows[] = {
		/* An explicit domain replaces the derived one: it can rescue a site the widget's table gets wrong. */
		{"{\"domain\":\"foo.github.io\"}", "https://foo.github.io/",
		 "https://foo.github.io/ foo.github.io chromium=stored firefox=stored safari=stored",
		 "_genesys.widgets.webchat.state.session=bsim-probe; path=/; domain=foo.github.io; sameSite=strict"},
		/* "" removes the Domain: host-only. */
		{"{\"domain\":\"\"}", "https://www.testsite.com/",
		 "https://www.testsite.com/ host-only chromium=stored firefox=stored safari=stored",
		 "_genesys.widgets.webchat.state.session=bsim-probe; path=/; sameSite=strict"},
		/* secure on an http page: every engine refuses. */
		{"{\"secure\":true,\"sameSite\":\"none\"}", "http://www.testsite.com/",
		 "http://www.testsite.com/ .testsite.com chromium=refused:secure-on-insecure-origin "
		 "firefox=refused:secure-on-insecure-origin safari=refused:secure-on-insecure-origin",
		 "_genesys.widgets.webchat.state.session=bsim-probe; path=/; domain=.testsite.com; sameSite=none; secure"},
		/* expires in days from the browser's clock (2015-01-01): a persistent cookie. */
		{"{\"expires\":30,\"path\":\"/shop\"}", "https://www.testsite.com/shop/",
		 "https://www.testsite.com/shop/ .testsite.com chromium=stored firefox=stored safari=stored",
		 "_genesys.widgets.webchat.state.session=bsim-probe; path=/shop; domain=.testsite.com; sameSite=strict; "
		 "expires=Sat, 31 Jan 2015 00:00:00 GMT"},
	};
	for (size_t i = 0; i < sizeof opt_rows / sizeof *opt_rows; i++) {
		const options_row *o = &opt_rows[i];
		support_run r = RUN("widget", "domain", "--cookie-options", o->options, o->url);
		cr_expect_eq(r.status, strstr(o->line, "refused") ? 1 : 0, "row %zu: exit %d\n%s", i, r.status, r.err);
		cr_expect_eq(strncmp(r.out, o->line, strlen(o->line)), 0, "row %zu:\n got %s\nwant %s", i, r.out, o->line);
		support_run_free(&r);
		support_run j = RUN("widget", "domain", "--json", "--cookie-options", o->options, o->url);
		json_error_t err;
		json_t *v = json_loads(j.out, 0, &err);
		cr_assert(v, "row %zu: %s", i, j.out);
		cr_expect_str_eq(json_string_value(json_object_get(v, "cookie")), o->cookie, "row %zu", i);
		cr_expect(json_is_string(json_object_get(v, "derived_domain")), "row %zu: derived_domain", i);
		json_decref(v);
		support_run_free(&j);
	}
	/* 8.5 ignores main.cookieOptions: the defaults, and a note on stderr that says so. */
	support_run r = RUN("widget", "domain", "--version", "8.5", "--cookie-options", "{\"secure\":true}",
			    "http://www.testsite.com/");
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_eq(r.out, "http://www.testsite.com/ .testsite.com chromium=stored firefox=stored safari=stored\n");
	cr_expect(strstr(r.err, "widget 8.5 ignores main.cookieOptions"), "%s", r.err);
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
		{{"widget", "domain", "--cookie-options", "{\"secure\":\"yes\"}", "https://x.com/", NULL},
		 "--cookie-options: $.secure: expected true or false"},
		{{"widget", "domain", "--cookie-options", "{\"secure\":true,", "https://x.com/", NULL},
		 "--cookie-options: column"},
		{{"widget", "domain", "--cookie-options", "[1]", "https://x.com/", NULL}, "$: expected an object"},
		{{"widget", "domain", "--cookie-options", "{\"colour\":1}", "https://x.com/", NULL},
		 "$.colour: unknown member"},
		{{"widget", "domain", "--cookie-options", "{\"expires\":-1}", "https://x.com/", NULL},
		 "$.expires: expected a whole number of days"},
		{{"widget", "domain", "--cookie-options", "{\"sameSite\":\"loose\"}", "https://x.com/", NULL},
		 "$.sameSite: expected \"strict\", \"lax\" or \"none\""},
		{{"widget", "domain", "--cookie-options", "{\"domain\":\".x.com; secure\"}", "https://x.com/", NULL},
		 "$.domain: expected an attribute value without ';'"},
		{{"widget", "domain", "--cookie-options", NULL}, "--cookie-options needs a value"},
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
