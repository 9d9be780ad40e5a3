/*
 * test_dates.c: the cookie-date examples of the http-state suite
 * (../shared/conformance/http-state/dates/cases.json; conformance/README.md
 * §1 "Dates"), every input run through cookie_date_parse and the result
 * written as an IMF-fixdate, the way the suite writes its expectations.
 *
 * The RFC 6265bis syntax must give every expected date (null: the input is
 * no cookie date). The Chromium syntax may part from the suite only where
 * Chromium's own parser does: such cases are listed in
 * tests/conformance/expectations/dates-chromium.txt, one line
 * "id<TAB>reason", the reason saying what Chromium's parser does instead.
 * The test fails on an unlisted difference, on a listed case that agrees
 * (a stale entry hides a changed behaviour) and on an entry naming no case;
 * expectations.c reads the file and counts.
 * Each run logs its count, e.g. "dates chromium: 55/56 pass, 1 listed".
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookie/date.h"
#include "expectations.h"
#include "support.h"
#include "util/buf.h"
#include "util/timefmt.h"

#define CASES_PATH "conformance/http-state/dates/cases.json"

/* IMF-fixdate is 29 bytes; timefmt asks for 32. */
#define IMF_LEN 32

/*
 * s[0..len) in quotes, bytes outside printable ASCII escaped. Unlike
 * put_quoted (expectations.h) it escapes bytes above 0x7E too (\xHH): the
 * date parser reads bytes, so the report shows bytes, not characters.
 */
static void put_quoted_bytes(buf *b, const char *s, size_t len)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7F)
			buf_printf(b, "\\x%02X", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

typedef struct date_case {
	const char *id;
	const char *input;
	size_t len;
	const char *expected; /* IMF-fixdate, or NULL: not a cookie date */
} date_case;

static void read_case(json_t *c, size_t index, date_case *out)
{
	json_t *id = json_object_get(c, "id"), *input = json_object_get(c, "input"),
	       *expected = json_object_get(c, "expected");
	cr_assert(json_is_string(id) && json_is_string(input) && (json_is_string(expected) || json_is_null(expected)),
		  "case %zu: expected string id and input, and a string or null expected", index);
	out->id = json_string_value(id);
	out->input = json_string_value(input);
	out->len = json_string_length(input);
	out->expected = json_is_string(expected) ? json_string_value(expected) : NULL;
}

/* Runs one case; *got is the IMF-fixdate or "null". Returns whether it matches the suite. */
static bool run_case(const date_case *c, cookie_date_syntax syntax, char got[IMF_LEN])
{
	int64_t t = 0;
	bool ok = cookie_date_parse(c->input, c->len, syntax, &t);
	if (ok)
		time_format_imf(t, got, IMF_LEN);
	else
		snprintf(got, IMF_LEN, "null");
	return c->expected ? ok && strcmp(got, c->expected) == 0 : !ok;
}

static void describe(buf *b, const date_case *c, const char *got)
{
	buf_printf(b, "  %s: input ", c->id);
	put_quoted_bytes(b, c->input, c->len);
	buf_printf(b, "\n    expected %s\n    got      %s\n", c->expected ? c->expected : "null", got);
}

Test(conformance_dates, rfc6265bis_gives_every_expected_date)
{
	json_t *root = NULL;
	json_t *cases = support_shared_cases(CASES_PATH, &root);
	buf problems = BUF_INIT;
	size_t total = json_array_size(cases), passed = 0;
	for (size_t i = 0; i < total; i++) {
		date_case c;
		char got[IMF_LEN];
		read_case(json_array_get(cases, i), i, &c);
		if (run_case(&c, COOKIE_DATE_RFC6265BIS, got))
			passed++;
		else
			describe(&problems, &c, got);
	}
	fprintf(stderr, "conformance: dates rfc6265bis: %zu/%zu pass\n", passed, total);
	cr_log_info("dates rfc6265bis: %zu/%zu pass", passed, total);
	cr_expect_eq(passed, total, "dates rfc6265bis: %zu/%zu pass; failing:\n%s", passed, total, buf_cstr(&problems));
	buf_free(&problems);
	json_decref(root);
}

Test(conformance_dates, chromium_differs_only_where_listed)
{
	json_t *root = NULL;
	json_t *cases = support_shared_cases(CASES_PATH, &root);
	tally t;
	tally_begin(&t, "dates", "chromium");
	size_t total = json_array_size(cases);
	for (size_t i = 0; i < total; i++) {
		date_case c;
		char got[IMF_LEN];
		read_case(json_array_get(cases, i), i, &c);
		bool pass = run_case(&c, COOKIE_DATE_CHROMIUM, got);
		listed_case *l;
		if (!tally_count(&t, c.id, pass, &l))
			continue;
		/* Not tally_judge: a date result is a date or null, shown bare; describe shows the input's bytes. */
		if (pass) {
			buf_printf(&t.problems,
				   "  %s agrees with the suite but is listed in %s:%d (%s): remove the entry\n", c.id,
				   t.listed.path, l->line, l->reason);
		} else {
			describe(&t.problems, &c, got);
			buf_printf(&t.problems, "    (not listed in %s)\n", t.listed.path);
		}
	}
	tally_check_entries(&t);
	/* The differences go in the failure message, so the count line is never marked. */
	char summary[256];
	tally_summary(&t, summary, sizeof summary, false);
	cr_expect_eq(t.unexpected, 0, "%s; %d unexpected:\n%s", summary, t.unexpected, buf_cstr(&t.problems));
	tally_free(&t);
	json_decref(root);
}
