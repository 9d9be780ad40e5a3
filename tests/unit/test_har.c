/*
 * test_har.c: the HAR importer (sim/interchange/har.h, include/bsim/har.h).
 * Malformed captures are refused with their exact message and JSON path;
 * entries are sorted by startedDateTime with ties in file order;
 * navigations are told from subresources by each exporter's evidence; the
 * engine is guessed from the capture; the widget's Domain derivation
 * stand-in follows widget-behaviour.md section H; redaction keeps lengths;
 * sanitized captures are detected; the scenario starts at the capture's
 * first navigation (now=) and replays Set-Cookie headers as captured, an
 * Expires moving back only by what --max-gap cut. Captures are the fixtures under tests/fixtures/har/ (written by
 * tests/fixtures/har/make/make.py in each browser's export format) or small
 * inline documents.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsim/har.h"
#include "bsim/scenario.h"
#include "interchange/har.h"
#include "scenario/read/har_import.h"
#include "widgets/release.h"
#include "support.h"

/* printf into a new string (asprintf is a GNU extension). */
static char *fmt(const char *f, ...)
{
	va_list ap, ap2;
	va_start(ap, f);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	cr_assert(n >= 0);
	char *out = malloc((size_t)n + 1);
	cr_assert(out);
	vsnprintf(out, (size_t)n + 1, f, ap2);
	va_end(ap2);
	return out;
}

/* A minimal valid capture around the given entries (JSON text of the array's items). */
static char *capture(const char *creator, const char *entries)
{
	return fmt("{\"log\": {\"version\": \"1.2\", \"creator\": %s, \"entries\": [%s]}}", creator, entries);
}

#define CHROME "{\"name\": \"WebInspector\", \"version\": \"537.36\"}"

/* An entry: start time, URL, the request's extra headers (JSON items), _resourceType (or NULL), status, mime. */
static char *entry(const char *started, const char *url, const char *req_headers, const char *type, int status,
		   const char *mime, const char *redirect)
{
	char rt[64] = "";
	if (type)
		snprintf(rt, sizeof rt, "\"_resourceType\": \"%s\", ", type);
	return fmt("{%s\"startedDateTime\": \"%s\", \"request\": {\"method\": \"GET\", \"url\": \"%s\", "
			   "\"headers\": [%s], \"cookies\": []}, \"response\": {\"status\": %d, \"headers\": [], "
			   "\"cookies\": [], \"content\": {\"mimeType\": \"%s\"}, \"redirectURL\": \"%s\"}}",
			   rt, started, url, req_headers, status, mime, redirect);
}

static har_log *parse_ok(const char *text)
{
	har_log *h = NULL;
	int rc = har_parse(&h, "t.har", text, strlen(text));
	cr_assert_eq(rc, 0, "parse failed: %s", bsim_error_last()->message);
	return h;
}

Test(har, bad_captures_are_refused_with_their_json_path)
{
	static const struct {
		const char *text;
		int code;
		const char *message;
	} cases[] = {
		{"[]", BSIM_EINVAL, "t.har: error: expected a HAR object {\"log\": {...}}, got an array: not a HAR capture"},
		{"{\"cookies\": []}", BSIM_EINVAL,
		 "t.har: error: not a HAR capture: it has no \"log\" member (a HAR file is what a browser's network panel "
		 "saves with \"Save all as HAR\")"},
		{"{\"log\": []}", BSIM_EINVAL, "t.har: error: log: expected an object, got an array"},
		{"{\"log\": {\"entries\": []}}", BSIM_EINVAL,
		 "t.har: error: log.creator: missing (every browser's HAR export has it; was the file edited?)"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}}}", BSIM_EINVAL,
		 "t.har: error: log.entries: missing (every browser's HAR export has it; was the file edited?)"},
		{"{\"log\": {\"creator\": {\"name\": 7}, \"entries\": []}}", BSIM_EINVAL,
		 "t.har: error: log.creator.name: expected a string, got a number"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": {}}}", BSIM_EINVAL,
		 "t.har: error: log.entries: expected an array, got an object"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [3]}}", BSIM_EINVAL,
		 "t.har: error: log.entries[0]: expected an entry object, got a number"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [{\"startedDateTime\": \"yesterday\"}]}}",
		 BSIM_EINVAL,
		 "t.har: error: log.entries[0].startedDateTime: \"yesterday\" is not an ISO 8601 date-time with a zone "
		 "(such as 2024-05-01T10:00:00.123Z)"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [{\"startedDateTime\": \"2024-05-01T10:00:00Z\", "
		 "\"request\": {\"method\": \"GET\", \"url\": \"https://a.com/\", \"headers\": [{\"name\": \"a\", "
		 "\"value\": 3}]}, \"response\": {\"status\": 200, \"headers\": []}}]}}",
		 BSIM_EINVAL, "t.har: error: log.entries[0].request.headers[0].value: expected a string, got a number"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [{\"startedDateTime\": \"2024-05-01T10:00:00Z\", "
		 "\"request\": {\"method\": \"GET\", \"url\": \"https://a.com/\", \"headers\": []}, \"response\": "
		 "{\"status\": \"200\", \"headers\": []}}]}}",
		 BSIM_EINVAL, "t.har: error: log.entries[0].response.status: expected a whole number, got a string"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [{\"startedDateTime\": \"2024-05-01T10:00:00Z\", "
		 "\"request\": {\"method\": \"GET\", \"url\": \"https://a.com/\", \"headers\": []}, \"response\": "
		 "{\"status\": 200, \"headers\": [], \"cookies\": [{\"name\": \"a\", \"value\": \"b\"}, \"c=d\"]}}]}}",
		 BSIM_EINVAL, "t.har: error: log.entries[0].response.cookies[1]: expected a cookie object, got a string"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [{\"startedDateTime\": \"2024-05-01T10:00:00Z\", "
		 "\"request\": {\"method\": \"GET\", \"headers\": []}, \"response\": {\"status\": 200, \"headers\": []}}]}}",
		 BSIM_EINVAL,
		 "t.har: error: log.entries[0].request.url: missing (every browser's HAR export has it; was the file "
		 "edited?)"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [{\"startedDateTime\": \"2024-05-01T10:00:00Z\", "
		 "\"request\": {\"method\": \"GET\", \"url\": \"https://a.com/\", \"headers\": []}, \"response\": "
		 "{\"status\": 200, \"headers\": [], \"cookies\": [{\"name\": \"a\", \"value\": \"b\", \"secure\": "
		 "\"yes\"}]}}]}}",
		 BSIM_EINVAL, "t.har: error: log.entries[0].response.cookies[0].secure: expected true or false, got a string"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"pages\": [{\"id\": \"page_1\"}], \"entries\": []}}",
		 BSIM_EINVAL,
		 "t.har: error: log.pages[0].startedDateTime: missing (every browser's HAR export has it; was the file "
		 "edited?)"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"entries\": [}}", BSIM_EINVAL,
		 "t.har:1:48: error: not valid JSON: unexpected token near '}' (export the capture again from the "
		 "browser's network panel: Save all as HAR)"},
		{"{\"log\": {\"creator\": {\"name\": \"x\"}, \"creator\": {\"name\": \"y\"}, \"entries\": []}}", BSIM_EINVAL,
		 "t.har:1:44: error: not valid JSON: duplicate object key near '\"creator\"' (export the capture again "
		 "from the browser's network panel: Save all as HAR)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		har_log *h = NULL;
		int rc = har_parse(&h, "t.har", cases[i].text, strlen(cases[i].text));
		cr_expect_eq(rc, cases[i].code, "case %zu: rc %d", i, rc);
		cr_expect_null(h, "case %zu: a log despite the error", i);
		cr_expect_str_eq(bsim_error_last()->message, cases[i].message, "case %zu: %s", i,
				 bsim_error_last()->message);
	}
}

Test(har, limits_are_named)
{
	/* Nesting: far past HAR_MAX_DEPTH, refused before jansson recurses. */
	size_t depth = 5000;
	char *deep = malloc(depth * 2 + 1);
	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[depth * 2] = '\0';
	har_log *h = NULL;
	cr_expect_eq(har_parse(&h, "t.har", deep, strlen(deep)), BSIM_ELIMIT);
	cr_expect_str_eq(bsim_error_last()->message,
			 "t.har: error: nesting deeper than 64 arrays and objects at byte 64: not a browser's HAR export");
	free(deep);

	/* Headers of one request: one past HAR_MAX_HEADERS. */
	size_t size = (size_t)(HAR_MAX_HEADERS + 1) * 32, n = 0;
	char *headers = malloc(size);
	for (int i = 0; i <= HAR_MAX_HEADERS; i++)
		n += (size_t)snprintf(headers + n, size - n, "%s{\"name\":\"h\",\"value\":\"v\"}", i ? "," : "");
	char *e = entry("2024-05-01T10:00:00Z", "https://a.com/", headers, "document", 200, "text/html", "");
	char *text = capture(CHROME, e);
	cr_expect_eq(har_parse(&h, "t.har", text, strlen(text)), BSIM_ELIMIT);
	cr_expect_str_eq(bsim_error_last()->message,
			 "t.har: error: log.entries[0].request.headers: 2001 items, more than the 2000 bsim reads "
			 "(HAR_MAX_HEADERS); record a shorter capture, or split it");
	free(headers);
	free(e);
	free(text);

	/* A header value past HAR_MAX_HEADER_BYTES. */
	size_t big = HAR_MAX_HEADER_BYTES + 1;
	char *value = malloc(big + 64);
	cr_assert_not_null(value);
	n = (size_t)snprintf(value, big + 64, "{\"name\":\"cookie\",\"value\":\"");
	memset(value + n, 'a', big);
	memcpy(value + n + big, "\"}", sizeof "\"}");
	e = entry("2024-05-01T10:00:00Z", "https://a.com/", value, "document", 200, "text/html", "");
	text = capture(CHROME, e);
	cr_expect_eq(har_parse(&h, "t.har", text, strlen(text)), BSIM_ELIMIT);
	cr_expect_str_eq(bsim_error_last()->message,
			 "t.har: error: log.entries[0].request.headers[0].value: 65537 bytes, longer than the 65536 bsim reads");
	free(value);
	free(e);
	free(text);
}

Test(har, entries_sort_by_start_with_ties_in_file_order)
{
	char *a = entry("2024-05-01T10:00:02.000Z", "https://a.com/2", "", "xhr", 200, "application/json", "");
	char *b = entry("2024-05-01T12:00:01.000+02:00", "https://a.com/1", "", "document", 200, "text/html", "");
	char *c = entry("2024-05-01T10:00:02.000Z", "https://a.com/3", "", "xhr", 200, "application/json", "");
	char *d = entry("2024-05-01T10:00:00.500Z", "https://a.com/0", "", "xhr", 200, "application/json", "");
	char *all = fmt("%s,%s,%s,%s", a, b, c, d);
	char *text = capture(CHROME, all);
	har_log *h = parse_ok(text);
	static const char *const order[] = {"https://a.com/0", "https://a.com/1", "https://a.com/2", "https://a.com/3"};
	cr_assert_eq(h->n_entries, 4);
	for (size_t i = 0; i < 4; i++)
		cr_expect_str_eq(h->entries[i].url, order[i], "position %zu", i);
	/* The +02:00 offset is the same instant as 10:00:01Z. */
	cr_expect_eq(h->entries[1].started_ms - h->entries[0].started_ms, 500);
	har_log_free(h);
	free(a), free(b), free(c), free(d), free(all), free(text);
}

Test(har, navigations_by_each_exporters_evidence)
{
	static const struct {
		const char *headers, *type, *mime, *redirect, *url;
		int status;
		bool navigation;
		const char *why;
	} cases[] = {
		{"{\"name\":\"Sec-Fetch-Dest\",\"value\":\"document\"}", "xhr", "text/html", "", "https://a.com/", 200, true,
		 "Sec-Fetch-Dest wins over _resourceType"},
		{"{\"name\":\"sec-fetch-dest\",\"value\":\"iframe\"}", "document", "text/html", "", "https://a.com/f", 200,
		 false, "an iframe is a document to Chrome but not top-level"},
		{"", "document", "text/html", "https://a.com/next", "https://a.com/r", 302, true, "Chrome document, a redirect"},
		{"", NULL, "text/html", "", "https://a.com/next", 200, true, "the redirect's target (no other evidence)"},
		{"", NULL, "text/html", "", "https://a.com/more", 200, true, "HTML in a capture without pages"},
		{"", NULL, "image/png", "", "https://a.com/i.png", 200, false, "not HTML"},
		{"", "script", "text/html", "", "https://a.com/s", 200, false, "Chrome script"},
	};
	char *all = NULL;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char when[40];
		snprintf(when, sizeof when, "2024-05-01T10:00:0%zu.000Z", i);
		char *e = entry(when, cases[i].url, cases[i].headers, cases[i].type, cases[i].status, cases[i].mime,
				cases[i].redirect);
		char *next = fmt("%s%s%s", all ? all : "", all ? "," : "", e);
		free(all);
		free(e);
		all = next;
	}
	char *text = capture(CHROME, all);
	har_log *h = parse_ok(text);
	for (size_t i = 0; i < h->n_entries; i++)
		cr_expect_eq(h->entries[i].navigation, cases[i].navigation, "case %zu: %s", i, cases[i].why);
	har_log_free(h);
	free(all);
	free(text);
}

Test(har, html_opening_its_page_is_a_navigation_without_other_evidence)
{
	/* As Safari exports: no Sec-Fetch-*, no _resourceType; pageref groups a page's entries. */
	const char *text =
		"{\"log\": {\"creator\": {\"name\": \"WebKit Web Inspector\"}, \"entries\": ["
		"{\"pageref\": \"page_0\", \"startedDateTime\": \"2024-05-01T10:00:00Z\", \"request\": {\"method\": \"GET\","
		" \"url\": \"https://a.com/\", \"headers\": []}, \"response\": {\"status\": 200, \"headers\": [{\"name\": "
		"\"Content-Type\", \"value\": \"text/html\"}]}},"
		"{\"pageref\": \"page_0\", \"startedDateTime\": \"2024-05-01T10:00:01Z\", \"request\": {\"method\": \"GET\","
		" \"url\": \"https://a.com/frame\", \"headers\": []}, \"response\": {\"status\": 200, \"headers\": [], "
		"\"content\": {\"mimeType\": \"text/html\"}}},"
		"{\"pageref\": \"page_1\", \"startedDateTime\": \"2024-05-01T10:00:02Z\", \"request\": {\"method\": \"GET\","
		" \"url\": \"https://a.com/two\", \"headers\": []}, \"response\": {\"status\": 200, \"headers\": [], "
		"\"content\": {\"mimeType\": \"text/html; charset=utf-8\"}}}]}}";
	har_log *h = parse_ok(text);
	cr_expect(h->entries[0].navigation);
	cr_expect_not(h->entries[1].navigation);
	cr_expect(h->entries[2].navigation);
	har_log_free(h);
}

static har_log *fixture(const char *name)
{
	char rel[128];
	snprintf(rel, sizeof rel, "tests/fixtures/har/%s", name);
	char *text = NULL;
	size_t len = 0;
	cr_assert_eq(support_read_file(support_source_path(rel), &text, &len), 0, "cannot read %s", rel);
	har_log *h = NULL;
	cr_assert_eq(har_parse(&h, name, text, len), 0, "%s: %s", name, bsim_error_last()->message);
	free(text);
	return h;
}

Test(har, redirect_chains_in_every_exporters_format)
{
	/* Each capture: the 302 login, its target, the widget's script, two chat requests, the store page. */
	static const char *const files[] = {"redirect-chrome.har", "redirect-firefox.har", "redirect-safari.har"};
	for (size_t f = 0; f < 3; f++) {
		har_log *h = fixture(files[f]);
		size_t navs = 0;
		for (size_t i = 0; i < h->n_entries; i++)
			navs += h->entries[i].navigation;
		cr_expect_eq(navs, 3, "%s: %zu navigations", files[f], navs);
		cr_expect(h->entries[0].navigation && h->entries[0].status == 302, "%s", files[f]);
		cr_expect(h->entries[1].navigation, "%s: the redirect's target", files[f]);
		cr_expect_str_eq(h->entries[1].url, "https://www.testsite.com/account", "%s", files[f]);
		cr_expect_not(h->entries[2].navigation, "%s: the widget's script", files[f]);
		har_log_free(h);
	}
}

Test(har, engine_guess)
{
	static const struct {
		const char *file;
		bsim_engine engine;
		const char *why;
	} cases[] = {
		{"redirect-chrome.har", BSIM_ENGINE_CHROMIUM, "the User-Agent of log.entries[0]"},
		{"redirect-firefox.har", BSIM_ENGINE_FIREFOX, "log.browser.name \"Firefox\""},
		{"redirect-safari.har", BSIM_ENGINE_SAFARI, "log.creator.name \"WebKit Web Inspector\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		har_log *h = fixture(cases[i].file);
		char why[160];
		cr_expect_eq(har_guess_engine(h, why, sizeof why), cases[i].engine, "%s", cases[i].file);
		cr_expect_str_eq(why, cases[i].why, "%s", cases[i].file);
		har_log_free(h);
	}
	/* Nothing names a browser: Chrome's creator alone, then the default. */
	har_log *h = parse_ok("{\"log\": {\"creator\": {\"name\": \"WebInspector\"}, \"entries\": []}}");
	char why[160];
	cr_expect_eq(har_guess_engine(h, why, sizeof why), BSIM_ENGINE_CHROMIUM);
	cr_expect_str_eq(why, "log.creator.name \"WebInspector\" (Chrome DevTools)");
	har_log_free(h);
}

Test(har, widget_domain_as_the_widget_derives_it)
{
	static const struct {
		const char *url, *version, *domain;
	} cases[] = {
		{"https://www.testsite.com/", "9", ".testsite.com"},
		{"https://store.testsite.com/cart", "9", ".testsite.com"},
		{"http://localhost:8080/", "9", ""},
		{"http://localhost.com:8080/", "9", ".localhost.com"},
		{"http://127.0.0.1:8080/", "9", ""},
		{"http://[::1]:8080/", "9", ""},
		{"http://intranet/", "9", ""},
		{"https://www.example.co.uk/", "9", ".example.co.uk"},
		{"https://example.co.uk/", "9", ".example.co.uk"},
		{"https://foo.github.io/", "9", ".github.io"},
		{"https://www.nhs.uk/", "9", ".www.nhs.uk"},
		{"https://a.b.c.example.org/", "9", ".example.org"},
		{"https://WWW.TestSite.COM/", "9", ".testsite.com"},
		{"https://www.testsite.com./", "9", ".com."},
		{"https://user@shop.testsite.com:8443/", "9", ".testsite.com"},
		/* 8.5 always writes a Domain (widget-behaviour.md A.4). */
		{"http://localhost:8080/", "8.5", ".localhost"},
		{"http://127.0.0.1/", "8.5", "."},
		{"https://www.testsite.com/", "8.5", ".testsite.com"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *d = NULL;
		cr_assert_eq(har_widget_domain(&d, cases[i].url, widget_version_of_release(cases[i].version)), 0);
		cr_expect_str_eq(d, cases[i].domain, "%s (%s)", cases[i].url, cases[i].version);
		free(d);
	}
}

static char *import_fixture(const char *rel, const bsim_har_options *o, bsim_har_summary *sum)
{
	char *text = NULL, *xml = NULL;
	size_t len = 0, xlen = 0;
	cr_assert_eq(support_read_file(support_source_path(rel), &text, &len), 0, "cannot read %s", rel);
	int rc = bsim_har_import_mem(&xml, &xlen, sum, rel, text, len, o);
	cr_assert_eq(rc, 0, "%s: %s", rel, bsim_error_last()->message);
	cr_expect_eq(strlen(xml), xlen);
	free(text);
	return xml;
}

Test(har, redaction_keeps_lengths_and_widget_values)
{
	bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
	o.widget = 0; /* the cookie-level replay writes the widget's values */
	bsim_har_summary sum;
	char *xml = import_fixture("tests/fixtures/har/redirect-chrome.har", &o, &sum);
	/* auth=eyJhbGciOiJIUzI1NiJ9.c2VjcmV0 (29 bytes of value) becomes 29 x's; the attributes stay. */
	cr_expect(strstr(xml, "<set-cookie>auth=xxxxxxxxxxxxxxxxxxxxxxxxxxxxx; Domain=.testsite.com; Path=/; Secure; HttpOnly;"),
		  "%s", xml);
	cr_expect_null(strstr(xml, "c2VjcmV0"));
	/* The login URL's query (a token) is dropped. */
	cr_expect(strstr(xml, "<tab name=\"a\" url=\"https://www.testsite.com/login\">"), "%s", xml);
	cr_expect_null(strstr(xml, "s3cr3t"));
	/* Widget cookie values are kept: they are what the scenario checks. */
	cr_expect(strstr(xml, "_genesys.widgets.webchat.state.session=00047aCFSPCW0ABC"));
	free(xml);

	o.redact = 0;
	xml = import_fixture("tests/fixtures/har/redirect-chrome.har", &o, &sum);
	cr_expect(strstr(xml, "<set-cookie>auth=eyJhbGciOiJIUzI1NiJ9.c2VjcmV0;"), "%s", xml);
	cr_expect(strstr(xml, "url=\"https://www.testsite.com/login?next=%2Faccount&amp;token=s3cr3t\""), "%s", xml);
	cr_expect(strstr(xml, "Not redacted (the no-redact option)"));
	free(xml);
}

Test(har, the_scenario_starts_at_the_capture_and_replays_headers_as_captured)
{
	bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
	o.redact = 0;
	char *xml = import_fixture("tests/fixtures/har/redirect-chrome.har", &o, NULL);
	/* The first navigation started at 2026-03-02T09:15:00.120Z: the scenario's clock starts there. */
	cr_expect(strstr(xml, "<scenario name=\"imported from redirect-chrome.har: Sign in\" engine=\"chromium\" "
			      "now=\"2026-03-02T09:15:00.120Z\" tags=\"imported-har\">"),
		  "%s", xml);
	/* The server's header, byte for byte: its Expires is a day after the capture, and so after now=. */
	cr_expect(strstr(xml, "<set-cookie>auth=eyJhbGciOiJIUzI1NiJ9.c2VjcmV0; Domain=.testsite.com; Path=/; Secure; "
			      "HttpOnly; Expires=Tue, 03 Mar 2026 09:15:00 GMT</set-cookie>"),
		  "%s", xml);
	cr_expect(strstr(xml, "Clock: the scenario starts at the capture's first navigation, 2026-03-02T09:15:00.120Z"),
		  "%s", xml);
	cr_expect_null(strstr(xml, "moved back"), "%s", xml);
	free(xml);
}

/* Two pages two hours apart; each response sets cookies with and without an Expires date. */
static char *gap_capture(void)
{
	return capture(CHROME,
		       "{\"_resourceType\": \"document\", \"startedDateTime\": \"2024-05-01T10:00:00Z\", \"request\": "
		       "{\"method\": \"GET\", \"url\": \"https://www.testsite.com/\", \"headers\": []}, \"response\": "
		       "{\"status\": 200, \"headers\": [{\"name\": \"Set-Cookie\", \"value\": \"a=1; Path=/; "
		       "Expires=Wed, 01 May 2024 11:00:00 GMT\"}]}},"
		       "{\"_resourceType\": \"document\", \"startedDateTime\": \"2024-05-01T12:00:00Z\", \"request\": "
		       "{\"method\": \"GET\", \"url\": \"https://www.testsite.com/b\", \"headers\": []}, \"response\": "
		       "{\"status\": 200, \"headers\": [{\"name\": \"Set-Cookie\", \"value\": \"b=1;expires=Wed, 01-May-2024 "
		       "13:00:00 GMT; Path=/\\nc=1; Max-Age=60\\nd=1; Expires=soon\"}]}}");
}

static char *import_text(const char *text, const bsim_har_options *o)
{
	char *xml = NULL;
	size_t len = 0;
	cr_assert_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", text, strlen(text), o), 0, "%s",
		     bsim_error_last()->message);
	return xml;
}

/*
 * --max-gap puts the scenario's clock behind the capture's by what it cut: an
 * Expires written after the cut moves back as much, so the cookie keeps the
 * hour it had; headers before the cut, and dates that do not parse, stay as captured.
 */
Test(har, max_gap_moves_later_expires_back_by_what_it_cut)
{
	bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
	char *text = gap_capture();
	char *xml = import_text(text, &o);
	cr_expect(strstr(xml, "now=\"2024-05-01T10:00:00Z\""), "%s", xml);
	cr_expect(strstr(xml, "<set-cookie>a=x; Path=/; Expires=Wed, 01 May 2024 11:00:00 GMT</set-cookie>"), "%s", xml);
	cr_expect(strstr(xml, "<wait for=\"7200s\"/>\n"), "%s", xml);
	cr_expect(strstr(xml, "<set-cookie>b=x;expires=Wed, 01-May-2024 13:00:00 GMT; Path=/</set-cookie>"), "%s", xml);
	cr_expect_null(strstr(xml, "moved back"), "%s", xml);
	free(xml);

	o.max_gap_ms = 3600000;
	xml = import_text(text, &o);
	cr_expect(strstr(xml, "<set-cookie>a=x; Path=/; Expires=Wed, 01 May 2024 11:00:00 GMT</set-cookie>"), "%s", xml);
	cr_expect(strstr(xml, "<wait for=\"3600s\"/> <!-- captured: 7200s, cut by the max-gap option -->"), "%s", xml);
	cr_expect(strstr(xml, "  <!-- Expires dates below are moved back 3600s from the captured ones: the max-gap option "
			      "cut that much before this step -->\n  <navigate tab=\"a\" url=\"https://www.testsite.com/b\">"),
		  "%s", xml);
	cr_expect(strstr(xml, "<set-cookie>b=x; Expires=Wed, 01 May 2024 12:00:00 GMT; Path=/</set-cookie>"), "%s", xml);
	cr_expect(strstr(xml, "<set-cookie>c=x; Max-Age=60</set-cookie>"), "%s", xml);
	cr_expect(strstr(xml, "<set-cookie>d=x; Expires=soon</set-cookie>"), "%s", xml);
	cr_expect(strstr(xml, "an Expires date after a cut moves back by\n     the time cut before it"), "%s", xml);

	/* Run it: b keeps the hour it had in the capture; a, an hour's cookie, is gone after the hour the gap was cut to. */
	char *end = strstr(xml, "</scenario>");
	cr_assert_not_null(end);
	*end = '\0';
	char *checked = fmt("%s  <expect cookie=\"a\" present=\"false\"/>\n  <wait for=\"59m\"/>\n  <expect cookie=\"b\"/>\n"
			    "  <wait for=\"2m\"/>\n  <expect cookie=\"b\" present=\"false\"/>\n</scenario>\n",
			    xml);
	char path[] = "/tmp/bsim-har-gap-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, checked, strlen(checked)), (ssize_t)strlen(checked));
	close(fd);
	const char *paths[] = {path};
	bsim_suite *suite = NULL;
	cr_assert_eq(bsim_suite_load(&suite, paths, 1), 0, "%s", checked);
	bsim_result *r = NULL;
	cr_assert_eq(bsim_scenario_run(&r, bsim_suite_at(suite, 0), NULL), 0);
	cr_expect_eq(bsim_result_outcome(r), BSIM_PASSED, "%s", bsim_result_message(r) ? bsim_result_message(r) : "");
	bsim_result_free(r);
	bsim_suite_free(suite);
	unlink(path);
	free(checked);
	free(xml);
	free(text);
}

/* A capture's first navigation past year 9999 cannot start a scenario's clock: refused with its path. */
Test(har, a_start_past_year_9999_is_refused)
{
	char *text = capture(CHROME, "{\"_resourceType\": \"document\", \"startedDateTime\": \"+010000-01-01T00:00:00Z\", "
				     "\"request\": {\"method\": \"GET\", \"url\": \"https://a.com/\", \"headers\": []}, "
				     "\"response\": {\"status\": 200, \"headers\": []}}");
	char *xml = NULL;
	size_t len = 0;
	cr_expect_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", text, strlen(text), NULL), BSIM_EINVAL);
	cr_expect_null(xml);
	cr_expect_str_eq(bsim_error_last()->message,
			 "t.har: error: log.entries[0].startedDateTime: \"+010000-01-01T00:00:00Z\" is past "
			 "9999-12-31T23:59:59.999Z, the latest instant a scenario's clock takes");
	free(text);
}

Test(har, sanitized_captures_are_detected_and_still_give_the_navigations)
{
	bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
	o.widget = 0; /* the cookie-level replay; the widget model's skeleton is tested below */
	bsim_har_summary sum;
	char *xml = import_fixture("tests/fixtures/har/sanitized-chrome.har", &o, &sum);
	cr_expect_eq(sum.sanitized, 1);
	cr_expect_eq(sum.navigations, 3);
	/* Only the widget's own writes at the chat's start: no request shows what became of them. */
	cr_expect_eq(sum.widget_writes, 2);
	cr_expect_eq(sum.derived_expects, 2);
	cr_expect(strstr(xml, "but the capture holds no cookie data to show what became of its cookies"), "%s", xml);
	cr_expect(strstr(xml, "WARNING: the capture holds no cookie data at all"));
	cr_expect(strstr(xml, "\"Allow to generate HAR with sensitive data\""));
	free(xml);

	xml = import_fixture("tests/fixtures/har/redirect-chrome.har", &o, &sum);
	cr_expect_eq(sum.sanitized, 0);
	cr_expect_null(strstr(xml, "WARNING"));
	free(xml);
}

Test(har, a_capture_without_navigations_is_an_error)
{
	char *e = entry("2024-05-01T10:00:00Z", "https://a.com/api", "", "xhr", 200, "application/json", "");
	char *text = capture(CHROME, e);
	char *xml = NULL;
	size_t len = 0;
	cr_expect_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", text, strlen(text), NULL), BSIM_EINVAL);
	cr_expect_null(xml);
	cr_expect_str_eq(bsim_error_last()->message,
			 "t.har: error: log.entries: no top-level navigation among 1 entries (no document request): record "
			 "the capture with the network panel open before the page loads, then Save all as HAR");
	free(e);
	free(text);
}

Test(har, options_version_is_checked)
{
	bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
	o.version = 99;
	char *xml = NULL;
	size_t len = 0;
	cr_expect_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", "{}", 2, &o), BSIM_EINVAL);
	cr_expect_null(xml);
}

Test(har, navigations_bsim_cannot_load_or_replay_are_refused_with_their_path)
{
	char *e = entry("2024-05-01T10:00:00Z", "chrome-extension://abc/page.html", "", "document", 200, "text/html", "");
	char *text = capture(CHROME, e);
	char *xml = NULL;
	size_t len = 0;
	cr_expect_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", text, strlen(text), NULL), BSIM_EINVAL);
	cr_expect_null(xml);
	/* The URL layer's message, wrapped whole (error_wrap): it names the URL again, as the context does. */
	cr_expect_str_eq(bsim_error_last()->message,
			 "t.har: error: log.entries[0].request.url: a top-level navigation to "
			 "\"chrome-extension://abc/page.html\", which is not a page bsim can load: unsupported scheme "
			 "\"chrome-extension\" in URL \"chrome-extension://abc/page.html\": bsim simulates http, https, ws, "
			 "wss and file URLs");
	cr_expect_str_eq(bsim_error_last()->file, "t.har");
	free(e);
	free(text);

	/* More Set-Cookie headers than one step replays. */
	size_t n = 1001;
	char *cookies = malloc(n * 48);
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(cookies + at, n * 48 - at, "%s{\"name\":\"set-cookie\",\"value\":\"c%zu=1\"}", i ? "," : "", i);
	text = fmt("{\"log\": {\"creator\": " CHROME ", \"entries\": [{\"_resourceType\": \"document\", \"startedDateTime\": "
		   "\"2024-05-01T10:00:00Z\", \"request\": {\"method\": \"GET\", \"url\": \"https://a.com/\", \"headers\": []}, "
		   "\"response\": {\"status\": 200, \"headers\": [%s]}}]}}",
		   cookies);
	cr_expect_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", text, strlen(text), NULL), BSIM_ELIMIT);
	cr_expect_str_eq(bsim_error_last()->message,
			 "t.har: error: log.entries[0].response.headers: 1001 Set-Cookie headers, more than the 1000 one "
			 "scenario step replays");
	free(cookies);
	free(text);
}

Test(har, the_written_scenario_is_well_formed_xml_whatever_the_capture_holds)
{
	/* A title whose 80-byte cut falls inside a UTF-8 sequence; XML specials, CR, a tab and a control in headers. */
	char title[400] = "";
	for (int i = 0; i < 39; i++)
		support_append(title, sizeof title, "a");
	for (int i = 0; i < 30; i++)
		support_append(title, sizeof title, "\\u00e9"); /* two bytes each: byte 80 is the middle of one */
	char *text = fmt(
		"{\"log\": {\"creator\": " CHROME ", \"pages\": [{\"id\": \"page_1\", \"title\": \"%s <&> \\\"q\\\"\", "
		"\"startedDateTime\": \"2024-05-01T10:00:00Z\"}], \"entries\": [{\"pageref\": \"page_1\", "
		"\"_resourceType\": \"document\", \"startedDateTime\": \"2024-05-01T10:00:00Z\", \"request\": {\"method\": "
		"\"GET\", \"url\": \"https://a.com/x?q=<&>\", \"headers\": []}, \"response\": {\"status\": 200, \"headers\": "
		"[{\"name\": \"Set-Cookie\", \"value\": \"a=<b>&c\\r; Path=/\\t; X\\u0001--\"}]}}]}}",
		title);
	char *xml = NULL;
	size_t len = 0;
	bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
	o.redact = 0;
	cr_assert_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", text, strlen(text), &o), 0, "%s",
		     bsim_error_last()->message);
	char path[] = "/tmp/bsim-har-xml-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, xml, len), (ssize_t)len);
	close(fd);
	const char *paths[] = {path};
	bsim_suite *suite = NULL;
	int rc = bsim_suite_load(&suite, paths, 1);
	cr_expect_eq(rc, 0, "%s\n%s", bsim_suite_error_count(suite) ? bsim_suite_error_at(suite, 0)->message : "", xml);
	cr_expect(strstr(xml, "<set-cookie>a=&lt;b&gt;&amp;c&#13;; Path=/\t; X?--</set-cookie>"), "%s", xml);
	cr_expect(strstr(xml, "url=\"https://a.com/x?q=&lt;&amp;&gt;\""), "%s", xml);
	/* 39 a's, 20 e-acutes, and the half of the 21st that the cut left, which cannot be written. */
	cr_expect(strstr(xml, "\u00e9\u00e9?\" engine="), "%s", xml);
	bsim_suite_free(suite);
	unlink(path);
	free(xml);
	free(text);
}

Test(har, a_request_that_never_went_out_proves_no_loss)
{
	/* The chat's cookies go out with a poll; then the next page loads with or without them. */
	static const struct {
		const char *extra; /* members added to the second navigation */
		size_t expects;    /* derived expectations */
	} cases[] = {
		{"", 2},                          /* it went without them: expected anyway (lost) */
		{"\"_fromCache\": \"disk\", ", 0}, /* served from Chrome's cache: no request, no Cookie header */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *text = fmt(
			"{\"log\": {\"creator\": " CHROME ", \"entries\": ["
			"{\"_resourceType\": \"document\", \"startedDateTime\": \"2024-05-01T10:00:00Z\", \"request\": "
			"{\"method\": \"GET\", \"url\": \"https://www.testsite.com/\", \"headers\": []}, \"response\": "
			"{\"status\": 200, \"headers\": []}},"
			"{\"_resourceType\": \"xhr\", \"startedDateTime\": \"2024-05-01T10:00:01Z\", \"request\": {\"method\": "
			"\"POST\", \"url\": \"https://gms.testsite.com/genesys/2/chat/x\", \"headers\": [], \"cookies\": ["
			"{\"name\": \"_genesys.widgets.webchat.state.session\", \"value\": \"s1\", \"domain\": \".testsite.com\"},"
			"{\"name\": \"_genesys.widgets.webchat.state.keys\", \"value\": \"k1\", \"domain\": \".testsite.com\"}]}, "
			"\"response\": {\"status\": 200, \"headers\": []}},"
			"{%s\"_resourceType\": \"document\", \"startedDateTime\": \"2024-05-01T10:00:05Z\", \"request\": "
			"{\"method\": \"GET\", \"url\": \"https://store.testsite.com/\", \"headers\": []}, \"response\": "
			"{\"status\": 200, \"headers\": []}}]}}",
			cases[i].extra);
		char *xml = NULL;
		size_t len = 0;
		bsim_har_summary sum;
		bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
		o.widget = 0;
		cr_assert_eq(bsim_har_import_mem(&xml, &len, &sum, "t.har", text, strlen(text), &o), 0, "%s",
			     bsim_error_last()->message);
		cr_expect_eq(sum.widget_writes, 2, "case %zu", i);
		cr_expect_eq(sum.derived_expects, cases[i].expects, "case %zu:\n%s", i, xml);
		free(xml);
		free(text);
	}
}

Test(har, a_document_the_parser_requested_is_an_iframe)
{
	/* As Chrome exports without Sec-Fetch-Dest: the page, then an iframe's document requested by the HTML parser. */
	har_log *h = parse_ok(
		"{\"log\": {\"creator\": " CHROME ", \"entries\": ["
		"{\"_initiator\": {\"type\": \"other\"}, \"_resourceType\": \"document\", \"startedDateTime\": "
		"\"2024-05-01T10:00:00Z\", \"request\": {\"method\": \"GET\", \"url\": \"https://a.com/\", \"headers\": []}, "
		"\"response\": {\"status\": 200, \"headers\": []}},"
		"{\"_initiator\": {\"type\": \"parser\", \"url\": \"https://a.com/\"}, \"_resourceType\": \"document\", "
		"\"startedDateTime\": \"2024-05-01T10:00:01Z\", \"request\": {\"method\": \"GET\", \"url\": "
		"\"https://chat.b.com/frame\", \"headers\": []}, \"response\": {\"status\": 200, \"headers\": []}},"
		"{\"_initiator\": {\"type\": \"script\"}, \"_resourceType\": \"document\", \"startedDateTime\": "
		"\"2024-05-01T10:00:02Z\", \"request\": {\"method\": \"GET\", \"url\": \"https://a.com/next\", \"headers\": "
		"[]}, \"response\": {\"status\": 200, \"headers\": []}}]}}");
	cr_expect(h->entries[0].navigation);
	cr_expect_not(h->entries[1].navigation, "an iframe");
	cr_expect(h->entries[2].navigation, "location.href set by a script");
	har_log_free(h);
}

/* An entry with a method, for the widget's requests (a minimal Chrome xhr). */
static char *xhr(const char *started, const char *method, const char *url, const char *cookies)
{
	return fmt("{\"_resourceType\": \"xhr\", \"startedDateTime\": \"%s\", \"request\": {\"method\": \"%s\", "
		   "\"url\": \"%s\", \"headers\": [], \"cookies\": [%s]}, \"response\": {\"status\": 200, \"headers\": []}}",
		   started, method, url, cookies);
}

Test(har, the_widgets_requests_by_their_url)
{
	static const struct {
		const char *method, *url;
		bool chat, start, script;
	} cases[] = {
		{"POST", "https://gms.x.com/genesys/2/chat/customer-support", true, true, false},
		{"POST", "https://gms.x.com/genesys/2/chat/customer-support/", true, true, false},
		{"POST", "https://gms.x.com/genesys/2/chat/customer-support?x=1", true, true, false},
		{"POST", "https://gms.x.com/genesys/2/chat/customer-support/00047aCFSPCW0ABC/refresh", true, false, false},
		{"GET", "https://gms.x.com/genesys/2/chat/customer-support", true, false, false},
		{"POST", "https://x.com/gms/2/chat/sales", true, true, false},
		{"POST", "https://api.mypurecloud.com/api/v2/webchat/guest/conversations", true, true, false},
		{"GET", "https://api.mypurecloud.com/api/v2/webchat/guest/conversations/c1/messages", true, false, false},
		{"POST", "https://x.com/genesys/2/chat/", true, false, false},
		{"GET", "https://apps.mypurecloud.com/widgets/9.0/widgets.min.js", false, false, true},
		{"GET", "https://apps.mypurecloud.com/widgets/9.0/cxbus.min.js", false, false, true},
		{"GET", "https://x.com/js/Widgets.Min.JS", false, false, true},
		{"GET", "https://x.com/page?load=widgets.min.js", false, false, false},
		{"POST", "https://x.com/chat/start", false, false, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		har_entry e = {0};
		e.method = (char *)cases[i].method;
		e.url = (char *)cases[i].url;
		cr_expect_eq(har_is_chat_request(&e), cases[i].chat, "chat request: %s %s", e.method, e.url);
		cr_expect_eq(har_is_chat_start(&e), cases[i].start, "chat start: %s %s", e.method, e.url);
		cr_expect_eq(har_is_widget_script(&e), cases[i].script, "widget script: %s", e.url);
	}
}

Test(har, the_widget_version_a_capture_suggests)
{
	static const struct {
		const char *url, *cookie_domain; /* the page or script, and a widget cookie's listed Domain (or NULL) */
		const char *version;             /* NULL: the default build */
		const char *why;
	} cases[] = {
		{"https://x.com/js/widgets/8.5.007.03/widgets.min.js", NULL, "8.5", "names 8.5.007.03"},
		{"https://x.com/js/gwc-9.0.005.04/widgets.min.js", NULL, "9.0.005.00", "names 9.0.005.04"},
		{"https://apps.mypurecloud.com/widgets/9.0/widgets.min.js", NULL, NULL, "names 9.0"},
		{"https://x.com/v2024/widgets.min.js", NULL, NULL, "nothing in the capture names a version"},
		{"https://x.com/js/widgets.min.js", NULL, NULL, "nothing in the capture names a version"},
		{"http://localhost:8080/api", ".localhost", "8.5", "which only 8.5 writes there"},
		{"http://127.0.0.1:8080/api", ".", "8.5", "which only 8.5 writes there"},
		{"https://www.testsite.com/api", ".testsite.com", NULL, "nothing in the capture names a version"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *cookie = cases[i].cookie_domain
				       ? fmt("{\"name\": \"_genesys.widgets.webchat.state.session\", \"value\": \"s\", "
					     "\"domain\": \"%s\"}",
					     cases[i].cookie_domain)
				       : fmt("%s", "");
		char *nav = entry("2024-05-01T10:00:00Z", "https://www.testsite.com/", "", "document", 200, "text/html", "");
		char *e = xhr("2024-05-01T10:00:01Z", "GET", cases[i].url, cookie);
		char *entries = fmt("%s, %s", nav, e);
		char *text = capture(CHROME, entries);
		har_log *h = parse_ok(text);
		char why[200];
		const char *v = har_guess_widget_version(h, why, sizeof why);
		if (cases[i].version)
			cr_expect(v && strcmp(v, cases[i].version) == 0, "%s: %s", cases[i].url, v ? v : "(default)");
		else
			cr_expect_null(v, "%s: %s", cases[i].url, v);
		cr_expect(strstr(why, cases[i].why), "%s: %s", cases[i].url, why);
		har_log_free(h);
		free(cookie);
		free(nav);
		free(e);
		free(entries);
		free(text);
	}
}

/* A page, a chat started on it (or not), then a second page; imported with the widget model. */
Test(har, the_widget_model_starts_the_chat_and_expects_it_restored)
{
	static const struct {
		const char *second;  /* the second page's extra entries */
		const char *version; /* the widget-version option, or NULL */
		bool deploy;         /* the scenario deploys the widget */
		const char *want[4]; /* in the scenario, in order */
	} cases[] = {
		/* A chat starts; the next page loads the widget: restored expected there. */
		{"%s, {\"_resourceType\": \"script\", \"startedDateTime\": \"2024-05-01T10:00:06Z\", \"request\": {\"method\": "
		 "\"GET\", \"url\": \"https://store.testsite.com/js/widgets.min.js\", \"headers\": []}, \"response\": "
		 "{\"status\": 200, \"headers\": []}}",
		 NULL, true, {"<deploy/>", "<webchat tab=\"a\" do=\"start\"/>", "<navigate tab=\"a\" url=\"https://store.testsite.com/\"/>",
			      "<expect tab=\"a\" chat=\"restored\"/>"}},
		/* The next page shows no widget: nothing is expected of it. */
		{"%s", NULL, true, {"<deploy/>", "<webchat tab=\"a\" do=\"start\"/>", "<navigate tab=\"a\" url=\"https://store.testsite.com/\"/>\n</scenario>", NULL}},
		/* The option picks the build. */
		{"%s", "8.5", true, {"<deploy version=\"8.5\"/>", "<webchat tab=\"a\" do=\"start\"/>", NULL, NULL}},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *nav1 = entry("2024-05-01T10:00:00Z", "https://www.testsite.com/", "", "document", 200, "text/html", "");
		char *start = xhr("2024-05-01T10:00:02Z", "POST", "https://gms.testsite.com/genesys/2/chat/service", "");
		char *nav2 = entry("2024-05-01T10:00:05Z", "https://store.testsite.com/", "", "document", 200, "text/html", "");
		char *second = fmt(cases[i].second, nav2);
		char *entries = fmt("%s, %s, %s", nav1, start, second);
		char *text = capture(CHROME, entries);
		bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
		o.widget_version = cases[i].version;
		bsim_har_summary sum;
		char *xml = NULL;
		size_t len = 0;
		cr_assert_eq(bsim_har_import_mem(&xml, &len, &sum, "t.har", text, strlen(text), &o), 0, "%s",
			     bsim_error_last()->message);
		cr_expect_eq(sum.widget_model, 1, "case %zu", i);
		cr_expect_eq(sum.chat_starts, 1, "case %zu", i);
		cr_expect_eq(sum.widget_writes, 0, "case %zu", i);
		const char *at = xml;
		for (size_t k = 0; k < 4 && cases[i].want[k]; k++) {
			const char *p = strstr(at, cases[i].want[k]);
			cr_expect(p, "case %zu: \"%s\" missing or out of order in:\n%s", i, cases[i].want[k], xml);
			if (p)
				at = p;
		}
		free(xml);

		/* The same capture without the widget model: the hand-made writes of a refused chat. */
		o.widget = 0;
		cr_assert_eq(bsim_har_import_mem(&xml, &len, &sum, "t.har", text, strlen(text), &o), 0);
		cr_expect_eq(sum.widget_model, 0);
		cr_expect_null(strstr(xml, "<deploy"), "case %zu:\n%s", i, xml);
		cr_expect_null(strstr(xml, "<webchat"), "case %zu:\n%s", i, xml);
		cr_expect(strstr(xml, "<cookie tab=\"a\" write=\"_genesys.widgets.webchat.state.session=placeholder-chat-id"),
			  "case %zu:\n%s", i, xml);
		free(xml);
		free(nav1);
		free(start);
		free(nav2);
		free(second);
		free(entries);
		free(text);
	}
}

Test(har, no_widget_in_the_capture_no_widget_model)
{
	char *nav1 = entry("2024-05-01T10:00:00Z", "https://www.testsite.com/", "", "document", 200, "text/html", "");
	char *nav2 = entry("2024-05-01T10:00:05Z", "https://store.testsite.com/", "", "document", 200, "text/html", "");
	char *entries = fmt("%s, %s", nav1, nav2);
	char *text = capture(CHROME, entries);
	bsim_har_summary sum;
	char *xml = NULL;
	size_t len = 0;
	cr_assert_eq(bsim_har_import_mem(&xml, &len, &sum, "t.har", text, strlen(text), NULL), 0);
	cr_expect_eq(sum.widget_model, 0);
	cr_expect_null(strstr(xml, "<deploy"), "%s", xml);
	free(xml);
	free(nav1);
	free(nav2);
	free(entries);
	free(text);
}

Test(har, a_sanitized_capture_names_what_shows_it)
{
	static const struct {
		const char *file, *how;
	} cases[] = {
		/* HTTP/2: Chrome's headersSize is -1, so nothing but the missing cookies shows it. */
		{"tests/fixtures/har/sanitized-chrome.har",
		 "it was most likely exported sanitized (Chrome DevTools' default, which leaves no other mark)"},
		/* HTTP/1.1: headersSize still counts the Cookie line the export removed. */
		{"tests/fixtures/har/sanitized-chrome-http1.har",
		 "it was exported sanitized: log.entries[0].response.headersSize counts"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
		bsim_har_summary sum;
		char *xml = import_fixture(cases[i].file, &o, &sum);
		cr_expect_eq(sum.sanitized, 1, "%s", cases[i].file);
		cr_expect(strncmp(sum.sanitized_how, cases[i].how, strlen(cases[i].how)) == 0, "%s: %s", cases[i].file,
			  sum.sanitized_how);
		cr_expect(strstr(xml, cases[i].how), "%s:\n%s", cases[i].file, xml);
		/* The widget model still starts the chat where the capture's requests show it. */
		cr_expect_eq(sum.widget_model, 1, "%s", cases[i].file);
		cr_expect_eq(sum.chat_starts, 1, "%s", cases[i].file);
		cr_expect(strstr(xml, "<webchat tab=\"a\" do=\"start\"/>"), "%s:\n%s", cases[i].file, xml);
		free(xml);
	}
	/* A capture with its cookies counts nothing unlisted. */
	char *text = NULL;
	size_t len = 0;
	cr_assert_eq(support_read_file(support_source_path("tests/fixtures/har/redirect-chrome.har"), &text, &len), 0);
	har_log *h = parse_ok(text);
	for (size_t i = 0; i < h->n_entries; i++) {
		cr_expect_eq(har_unlisted_header_bytes(&h->entries[i], false), 0);
		cr_expect_eq(har_unlisted_header_bytes(&h->entries[i], true), 0);
	}
	har_log_free(h);
	free(text);
}

/* A widget cookie's Domain as an edited capture may list it: the expectation names it only when it names a host. */
Test(har, listed_widget_domains_that_name_no_host_are_not_expected)
{
	static const struct {
		const char *listed, *expect; /* the Domain cookies[] lists; the <expect> the scenario writes */
	} cases[] = {
		{".testsite.com", "<expect cookie=\"_genesys.widgets.webchat.state.session\" domain=\".testsite.com\"/>"},
		{"www.testsite.com", "<expect cookie=\"_genesys.widgets.webchat.state.session\" domain=\"www.testsite.com\"/>"},
		{".", "<expect cookie=\"_genesys.widgets.webchat.state.session\"/>"},
		{"..", "<expect cookie=\"_genesys.widgets.webchat.state.session\"/>"},
		{"", "<expect cookie=\"_genesys.widgets.webchat.state.session\"/>"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *cookie = fmt("{\"name\": \"_genesys.widgets.webchat.state.session\", \"value\": \"s\", \"domain\": \"%s\"}",
				   cases[i].listed);
		char *nav1 = entry("2024-05-01T10:00:00Z", "https://www.testsite.com/", "", "document", 200, "text/html", "");
		char *start = xhr("2024-05-01T10:00:01Z", "POST", "https://gms.testsite.com/genesys/2/chat/service", "");
		char *poll = xhr("2024-05-01T10:00:02Z", "POST", "https://gms.testsite.com/genesys/2/chat/service/c1/refresh",
				 cookie);
		char *nav2 = fmt("{\"_resourceType\": \"document\", \"startedDateTime\": \"2024-05-01T10:00:05Z\", \"request\": "
				 "{\"method\": \"GET\", \"url\": \"https://www.testsite.com/cart\", \"headers\": [], \"cookies\": "
				 "[%s]}, \"response\": {\"status\": 200, \"headers\": []}}",
				 cookie);
		char *entries = fmt("%s, %s, %s, %s", nav1, start, poll, nav2);
		char *text = capture(CHROME, entries);
		char *xml = NULL;
		size_t len = 0;
		cr_assert_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", text, strlen(text), NULL), 0, "%s",
			     bsim_error_last()->message);
		cr_expect(strstr(xml, cases[i].expect), "case %zu:\n%s", i, xml);
		char path[] = "/tmp/bsim-har-xml-XXXXXX";
		int fd = mkstemp(path);
		cr_assert(fd >= 0);
		cr_assert_eq(write(fd, xml, len), (ssize_t)len);
		close(fd);
		const char *paths[] = {path};
		bsim_suite *suite = NULL;
		cr_expect_eq(bsim_suite_load(&suite, paths, 1), 0, "case %zu: %s\n%s", i,
			     bsim_suite_error_count(suite) ? bsim_suite_error_at(suite, 0)->message : "", xml);
		bsim_suite_free(suite);
		unlink(path);
		free(xml);
		free(text);
		free(entries);
		free(nav2);
		free(poll);
		free(start);
		free(nav1);
		free(cookie);
	}
}

/*
 * An exporter that lists response cookies[] but no Set-Cookie header: the
 * header is rebuilt from the object, its expires (HAR 1.2: ISO 8601,
 * optional) included; Chrome's 1969-12-31T23:59:59.000Z, null and a missing
 * expires all mean a session cookie.
 */
Test(har, response_cookie_objects_keep_their_expiry)
{
	static const struct {
		const char *expires; /* the JSON member, or "" for none */
		const char *want;    /* the <set-cookie> line the scenario holds */
	} cases[] = {
		{"\"expires\": \"2024-06-01T10:00:00.000Z\", ", "sid=1; Path=/; Expires=Sat, 01 Jun 2024 10:00:00 GMT"},
		{"\"expires\": \"2024-06-01T12:00:00+02:00\", ", "sid=1; Path=/; Expires=Sat, 01 Jun 2024 10:00:00 GMT"},
		{"\"expires\": \"1969-12-31T23:59:59.000Z\", ", "sid=1; Path=/</set-cookie>"},
		{"\"expires\": null, ", "sid=1; Path=/</set-cookie>"},
		{"", "sid=1; Path=/</set-cookie>"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *nav = fmt("{\"_resourceType\": \"document\", \"startedDateTime\": \"2024-05-01T10:00:00Z\", \"request\": "
				"{\"method\": \"GET\", \"url\": \"https://www.testsite.com/\", \"headers\": [], \"cookies\": []}, "
				"\"response\": {\"status\": 200, \"headers\": [], \"cookies\": [{\"name\": \"sid\", \"value\": "
				"\"1\", \"path\": \"/\", %s\"httpOnly\": false, \"secure\": false}], \"content\": {\"mimeType\": "
				"\"text/html\"}, \"redirectURL\": \"\"}}",
				cases[i].expires);
		char *text = capture(CHROME, nav);
		char *xml = NULL;
		size_t len = 0;
		bsim_har_options o = BSIM_HAR_OPTIONS_INIT;
		o.redact = 0;
		cr_assert_eq(bsim_har_import_mem(&xml, &len, NULL, "t.har", text, strlen(text), &o), 0, "case %zu: %s", i,
			     bsim_error_last()->message);
		cr_expect(strstr(xml, cases[i].want), "case %zu: no \"%s\" in:\n%s", i, cases[i].want, xml);
		free(xml);
		free(text);
		free(nav);
	}
}

/* An editor's UTF-8 byte order mark was refused in a HAR while scenarios and cookies.txt accepted it. */
Test(har, a_byte_order_mark_is_skipped)
{
	char *e = entry("2026-03-02T09:15:00.000Z", "https://www.shop.com/", "", "document", 200, "text/html", "");
	char *text = capture(CHROME, e);
	char *bom = fmt("\xEF\xBB\xBF%s", text);
	har_log *h = parse_ok(bom);
	cr_expect_eq(h->n_entries, 1);
	har_log_free(h);
	free(bom);
	free(text);
	free(e);
}

/*
 * Playwright's recordHar in minimal mode leaves every cookies[] empty and
 * keeps the Cookie headers: the requests' cookies come from the headers,
 * and only where cookies[] has none (a Chrome capture keeps its own).
 */
Test(har, request_cookies_come_from_the_cookie_header_when_cookies_is_empty)
{
	har_log *h = fixture("recordhar-minimal.har");
	size_t lists = 9, headers = 9;
	cr_assert_eq(har_request_cookies_from_headers(h, &lists, &headers), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(lists, 0);
	cr_expect_eq(headers, 3);
	const har_entry *account = &h->entries[1];
	cr_assert_str_eq(account->url, "https://www.testsite.com/account");
	cr_assert_eq(account->n_req_cookies, 1);
	cr_expect_str_eq(account->req_cookies[0].name, "auth");
	cr_expect_str_eq(account->req_cookies[0].value, "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0");
	cr_expect_null(account->req_cookies[0].domain);
	har_log_free(h);

	h = fixture("redirect-chrome.har");
	cr_assert_eq(har_request_cookies_from_headers(h, &lists, &headers), 0);
	cr_expect_eq(lists, 3);
	cr_expect_eq(headers, 0);
	cr_expect_str_eq(h->entries[1].req_cookies[0].domain, ".testsite.com");
	har_log_free(h);

	/* Pairs as a browser joins them; a pair without '=' is a nameless cookie's value. */
	char *e = entry("2026-03-02T09:15:00.000Z", "https://www.shop.com/",
			"{\"name\": \"cookie\", \"value\": \"a=1;  b=x=y ;nameless\"}, {\"name\": \"Cookie\", \"value\": \"c=\"}",
			"document", 200, "text/html", "");
	char *text = capture(CHROME, e);
	h = parse_ok(text);
	cr_assert_eq(har_request_cookies_from_headers(h, &lists, &headers), 0);
	cr_expect_eq(headers, 1);
	static const char *const want[][2] = {{"a", "1"}, {"b", "x=y"}, {"", "nameless"}, {"c", ""}};
	cr_assert_eq(h->entries[0].n_req_cookies, 4);
	for (size_t i = 0; i < 4; i++) {
		cr_expect_str_eq(h->entries[0].req_cookies[i].name, want[i][0], "pair %zu", i);
		cr_expect_str_eq(h->entries[0].req_cookies[i].value, want[i][1], "pair %zu", i);
	}
	har_log_free(h);
	free(text);
	free(e);
}
