/*
 * test_cookie_date.c: the cookie-date parser of cookie/date.h. One test per
 * rule, named after it: RFC 6265bis §5.1.1 step by step (rfc_5_1_1_*), then
 * what Chromium's ParseCookieExpirationTime does differently (chromium_*),
 * then the parser's own promises (bounded work, no read past len). Each test
 * is a small table; a row gives the input and what each syntax must make of
 * it, so the rows where the two syntaxes disagree show the difference.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cookie/date.h"
#include "util/timefmt.h"
#include "support.h"

typedef struct date_row {
	const char *input;
	size_t len;
	const char *rfc;      /* the instant as ISO 8601, or NULL: not a cookie date */
	const char *chromium; /* likewise for COOKIE_DATE_CHROMIUM */
} date_row;

/* Rows are string literals, so their length (embedded NULs included) comes from sizeof. */
#define SAME(in, iso) {in, sizeof(in) - 1, iso, iso}
#define NEITHER(in) {in, sizeof(in) - 1, NULL, NULL}
#define DIFFER(in, rfc_iso, chromium_iso) {in, sizeof(in) - 1, rfc_iso, chromium_iso}

#define CHECK_ROWS(...)                                                      \
	do {                                                                 \
		static const date_row rows_[] = {__VA_ARGS__};               \
		check_rows(rows_, sizeof rows_ / sizeof rows_[0]);           \
	} while (0)

/* Where COOKIE_DATE_CHROMIUM saturates, as ISO 8601. */
#define CR_EARLIEST "1601-01-01T00:00:00Z"
#define CR_LATEST "+030827-12-31T23:59:59Z"

/* The date every variation below is built around. */
#define APR15 "2017-04-15T21:01:22Z"

/* Parses from an exact-size heap copy with no terminator, so that ASan and valgrind catch a read past len. */
static bool parse_exact(const char *input, size_t len, cookie_date_syntax syntax, int64_t *out)
{
	char *copy = malloc(len ? len : 1);
	if (!copy)
		cr_assert_fail("out of memory");
	if (len)
		memcpy(copy, input, len);
	bool ok = cookie_date_parse(copy, len, syntax, out);
	free(copy);
	return ok;
}

/* The input with bytes outside printable ASCII shown as \xNN, for failure messages. */
static const char *shown(const char *s, size_t len)
{
	static char out[512];
	size_t o = 0;
	for (size_t i = 0; i < len && o + 5 < sizeof out; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02X", c);
	}
	out[o] = '\0';
	return out;
}

static void check_one(const date_row *r, cookie_date_syntax syntax, const char *expected)
{
	const char *name = syntax == COOKIE_DATE_CHROMIUM ? "chromium" : "rfc6265bis";
	int64_t t = 0;
	bool ok = parse_exact(r->input, r->len, syntax, &t);
	char got[40] = "(no date)";
	if (ok)
		time_format_iso8601(t * 1000, got, sizeof got);
	if (!expected) {
		cr_expect(!ok, "[%s] \"%s\": expected no cookie date, got %s", name, shown(r->input, r->len), got);
		return;
	}
	cr_expect(ok && strcmp(got, expected) == 0, "[%s] \"%s\": expected %s, got %s", name,
		  shown(r->input, r->len), expected, got);
}

static void check_rows(const date_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		check_one(&rows[i], COOKIE_DATE_RFC6265BIS, rows[i].rfc);
		check_one(&rows[i], COOKIE_DATE_CHROMIUM, rows[i].chromium);
	}
}

/* ---- RFC 6265bis §5.1.1 step 1: date-tokens and delimiters ---- */

Test(cookie_date, rfc_5_1_1_step1_each_delimiter_byte_separates_tokens)
{
	/* The delimiter set written out: tab and the ASCII punctuation except ':'. */
	static const char delimiters[] = "\t !\"#$%&'()*+,-./;<=>?@[\\]^_`{|}~";
	for (int c = 0; c < 256; c++) {
		/*
		 * "Apr" c "15": with a delimiter, 15 is a token of its own (the day); otherwise it hides inside
		 * the month token.
		 */
		char in[] = "Apr?15 2017 21:01:22";
		in[3] = (char)c;
		bool is_delim = c != 0 && memchr(delimiters, c, sizeof delimiters - 1) != NULL;
		date_row r = {in, sizeof in - 1, is_delim ? APR15 : NULL, is_delim ? APR15 : NULL};
		check_one(&r, COOKIE_DATE_RFC6265BIS, r.rfc);
		check_one(&r, COOKIE_DATE_CHROMIUM, r.chromium);
	}
}

Test(cookie_date, rfc_5_1_1_step1_leading_trailing_and_repeated_delimiters_are_ignored)
{
	CHECK_ROWS(SAME(" ,;15 -- Apr //2017\t21:01:22 ;;", APR15),
		   SAME("\"Sat, 15-Apr-17\\\"21:01:22\\\"GMT\"", APR15), /* quotes and backslashes are delimiters */
		   SAME("{15}[Apr](2017)<21:01:22>", APR15));
}

Test(cookie_date, rfc_5_1_1_step1_controls_nul_and_high_bytes_belong_to_tokens)
{
	CHECK_ROWS(
		/*
		 * A control byte after the day: the RFC's day-of-month allows a non-digit tail; Chromium sees a
		 * 3-byte token, too long for a day, and takes it as year 15.
		 */
		DIFFER("15\x01 Apr 2017 21:01:22", APR15, NULL),
		DIFFER("15\xC3\xA9 Apr 2017 21:01:22", APR15, NULL),
		SAME("Apr\x7F\xFF 15 2017 21:01:22", APR15),
		/* NUL is an ordinary token byte here; Chromium's atoi and sscanf stop at it. */
		SAME("15 Apr 2017 21:01:22\0GMT", APR15),
		SAME("1\0 Apr 2017 21:01:22", "2017-04-01T21:01:22Z"),
		NEITHER("15 Apr 2017 21:01\0:22"));
}

Test(cookie_date, rfc_5_1_1_step1_empty_and_delimiter_only_inputs_are_no_date)
{
	CHECK_ROWS(NEITHER(""), NEITHER(" ,;-/"), NEITHER("IAmNoDate"));
	int64_t t;
	cr_expect(!cookie_date_parse(NULL, 0, COOKIE_DATE_RFC6265BIS, &t));
	cr_expect(!cookie_date_parse(NULL, 5, COOKIE_DATE_CHROMIUM, &t));
}

/* ---- §5.1.1 step 2.1: the time ---- */

Test(cookie_date, rfc_5_1_1_step2_1_time_fields_have_one_or_two_digits)
{
	CHECK_ROWS(SAME("1 Jan 2010 0:0:0", "2010-01-01T00:00:00Z"), SAME("1 Jan 2010 1:02:3", "2010-01-01T01:02:03Z"),
		   SAME("Wednesday, 01-Jan-10 0:0:00 GMT", "2010-01-01T00:00:00Z"));
}

Test(cookie_date, rfc_5_1_1_step2_1_time_may_be_followed_by_a_non_digit)
{
	CHECK_ROWS(SAME("15 Apr 2017 21:01:22GMT", APR15), SAME("15 Apr 2017 21:01:22:99", APR15));
}

Test(cookie_date, rfc_5_1_1_step2_1_a_three_digit_field_is_not_a_time)
{
	CHECK_ROWS(
		/* Chromium's sscanf("%2u") stops after two digits and ignores the rest. */
		DIFFER("15 Apr 2017 21:01:223", NULL, APR15),
		NEITHER("15 Apr 2017 21:001:22"),
		/* The RFC reads "021:01:22" as year 21 (three digits, then ':'); Chromium drops it. */
		DIFFER("15 Apr 021:01:22 10:00:00", "2021-04-15T10:00:00Z", NULL));
}

Test(cookie_date, rfc_5_1_1_step2_1_the_first_time_wins_even_when_invalid)
{
	CHECK_ROWS(SAME("15 Apr 2017 21:01:22 11:22:33", APR15), NEITHER("15 Apr 2017 91:22:33 21:01:22"),
		   SAME("Sat, 15-Apr-17 ::00 21:01:22", APR15));
}

Test(cookie_date, rfc_5_1_1_step2_1_time_may_come_anywhere)
{
	CHECK_ROWS(SAME("21:01:22 15 Apr 2017", APR15), SAME("Apr 21:01:22 15 2017", APR15),
		   SAME("15 Apr 2017 GMT 21:01:22", APR15));
}

Test(cookie_date, rfc_5_1_1_step2_1_hh_mm_is_no_time_but_can_be_the_day)
{
	/*
	 * "12:30" fails the time production, then matches day-of-month (12, then ':'); Chromium never reads a
	 * colon token as a day.
	 */
	CHECK_ROWS(DIFFER("12:30 Apr 2017 21:01:22", "2017-04-12T21:01:22Z", NULL));
}

Test(cookie_date, rfc_5_1_1_step2_2_a_second_time_shaped_token_can_be_the_day)
{
	CHECK_ROWS(DIFFER("21:01:22 11:22:33 Apr 2017", "2017-04-11T21:01:22Z", NULL));
}

Test(cookie_date, rfc_5_1_1_step2_1_time_must_start_with_a_digit)
{
	CHECK_ROWS(NEITHER("15 Apr 2017 T21:01:22"), NEITHER("15 Apr 2017 :21:01:22"));
}

/* ---- §5.1.1 step 2.2: the day of month ---- */

Test(cookie_date, rfc_5_1_1_step2_2_day_may_carry_a_suffix)
{
	/* P10: Chromium reads "15th" (4 bytes) as year 15, then finds no day. */
	CHECK_ROWS(DIFFER("15th Apr 2017 21:01:22", APR15, NULL),
		   DIFFER("Apr 1st 2017 21:01:22", "2017-04-01T21:01:22Z", NULL),
		   SAME("1a Apr 2017 21:01:22", "2017-04-01T21:01:22Z"));
}

Test(cookie_date, rfc_5_1_1_step2_2_three_digits_are_not_a_day)
{
	/* "015" is the RFC's year 15 and Chromium's too; neither finds a day. */
	CHECK_ROWS(NEITHER("015 Apr 2017 21:01:22"), NEITHER("Thu, 012-Aug-2008 20:49:07 GMT"));
}

Test(cookie_date, rfc_5_1_1_step2_2_the_first_day_wins_and_a_second_number_is_the_year)
{
	CHECK_ROWS(SAME("15 16 Apr 21:01:22", "2016-04-15T21:01:22Z"),
		   SAME("15 Apr 16 2017 21:01:22", "2016-04-15T21:01:22Z"), SAME("Apr 15 21:01:22 17", APR15),
		   SAME("2017 Apr 15 21:01:22", APR15));
}

Test(cookie_date, rfc_5_1_1_step2_2_digits_then_letters_are_a_day_before_a_month)
{
	/*
	 * Day-of-month is tried before month, so "01Apr" is day 1; Chromium takes the 5-byte numeric token as
	 * year 1.
	 */
	CHECK_ROWS(DIFFER("01Apr Apr 2017 21:01:22", "2017-04-01T21:01:22Z", NULL));
}

/* ---- §5.1.1 step 2.3: the month ---- */

Test(cookie_date, rfc_5_1_1_step2_3_month_is_a_case_insensitive_three_letter_prefix)
{
	static const char *const names[12] = {"JANUARY", "february", "MaRcH", "aPRIL", "MAY", "june",
					      "July", "AUGUST", "Sept", "octobre", "NOVember", "dEc"};
	for (int m = 0; m < 12; m++) {
		char in[64], want[32];
		int n = snprintf(in, sizeof in, "1 %s 2000 00:00:00", names[m]);
		snprintf(want, sizeof want, "2000-%02d-01T00:00:00Z", m + 1);
		date_row r = {in, (size_t)n, want, want};
		check_one(&r, COOKIE_DATE_RFC6265BIS, want);
		check_one(&r, COOKIE_DATE_CHROMIUM, want);
	}
	CHECK_ROWS(SAME("Partyday, 18- April-07 22:50:12", "2007-04-18T22:50:12Z"),
		   SAME("Partyday, 18 - Apri-07 22:50:12", "2007-04-18T22:50:12Z"));
}

Test(cookie_date, rfc_5_1_1_step2_3_two_letters_are_no_month)
{
	CHECK_ROWS(NEITHER("15 Ap 2017 21:01:22"), NEITHER("15 A 2017 21:01:22"));
}

Test(cookie_date, rfc_5_1_1_step2_3_the_first_month_wins)
{
	/* Any word that starts like a month is one: "Decoy" makes December. */
	CHECK_ROWS(SAME("15 Apr May 2017 21:01:22", APR15), SAME("Decoy 15 Apr 2017 21:01:22", "2017-12-15T21:01:22Z"));
}

Test(cookie_date, rfc_5_1_1_step2_3_weekdays_and_zone_names_are_ignored)
{
	CHECK_ROWS(SAME("Sunday 15 Apr 2017 21:01:22 PST", APR15), SAME("WillyWonka  ,  15-apr-17   21:01:22", APR15));
}

/* ---- §5.1.1 step 2.4: the year ---- */

Test(cookie_date, rfc_5_1_1_step2_4_year_has_two_to_four_digits)
{
	/* P10: Chromium takes any numeric token of up to 5 bytes once the day is known. */
	CHECK_ROWS(DIFFER("15 Apr 7 21:01:22", NULL, "2007-04-15T21:01:22Z"),
		   DIFFER("15 Apr 20170 21:01:22", NULL, "+020170-04-15T21:01:22Z"),
		   NEITHER("15 Apr 002017 21:01:22"));
}

Test(cookie_date, rfc_5_1_1_step2_4_year_may_carry_a_suffix)
{
	/* Chromium skips a 6-byte numeric token, so it finds no year. */
	CHECK_ROWS(DIFFER("15 Apr 2017AD 21:01:22", APR15, NULL));
}

Test(cookie_date, rfc_5_1_1_step2_4_the_first_year_wins)
{
	CHECK_ROWS(SAME("15 Apr 2017 2018 21:01:22", APR15), SAME("15 Apr 123456 2017 21:01:22", APR15),
		   SAME("Sat, 15-Apr-17 21:01:22 GMT-0400", APR15));
}

/* ---- §5.1.1 steps 3 and 4: two-digit years ---- */

Test(cookie_date, rfc_5_1_1_step3_two_digit_year_70_is_1970)
{
	CHECK_ROWS(SAME("1 Jan 70 00:00:00", "1970-01-01T00:00:00Z"),
		   SAME("Jan 1, 70 00:00:00", "1970-01-01T00:00:00Z"));
}

Test(cookie_date, rfc_5_1_1_step3_two_digit_year_99_is_1999)
{
	CHECK_ROWS(SAME("31 Dec 99 23:59:59", "1999-12-31T23:59:59Z"));
}

Test(cookie_date, rfc_5_1_1_step4_two_digit_year_69_is_2069)
{
	CHECK_ROWS(SAME("1 Jan 69 00:00:00", "2069-01-01T00:00:00Z"));
}

Test(cookie_date, rfc_5_1_1_step4_two_digit_year_00_is_2000)
{
	CHECK_ROWS(SAME("1 Jan 00 00:00:00", "2000-01-01T00:00:00Z"), SAME("Sat, 15-Apr-17 21:01:22 GMT", APR15));
}

Test(cookie_date, rfc_5_1_1_step3_4_the_value_not_the_digit_count_decides)
{
	CHECK_ROWS(SAME("1 Jan 0069 00:00:00", "2069-01-01T00:00:00Z"),
		   SAME("1 Jan 0070 00:00:00", "1970-01-01T00:00:00Z"),
		   SAME("1 Jan 070 00:00:00", "1970-01-01T00:00:00Z"));
}

Test(cookie_date, rfc_5_1_1_step4_three_digit_years_are_not_expanded)
{
	CHECK_ROWS(DIFFER("1 Jan 100 00:00:00", NULL, CR_EARLIEST));
}

/* ---- §5.1.1 step 5: all fields present and in range ---- */

Test(cookie_date, rfc_5_1_1_step5_every_field_is_required)
{
	CHECK_ROWS(NEITHER("Apr 2017 21:01:22"), NEITHER("15 2017 21:01:22"), NEITHER("15 Apr 21:01:22"),
		   NEITHER("15 Apr 2017"), NEITHER("Mon, 01-Jan-2011 00: 00:00 GMT"));
}

Test(cookie_date, rfc_5_1_1_step5_day_must_be_1_to_31)
{
	CHECK_ROWS(NEITHER("0 Apr 2017 21:01:22"), NEITHER("32 Jan 2017 21:01:22"), NEITHER("98 April 17 21:01:22"),
		   SAME("31 Jan 2017 21:01:22", "2017-01-31T21:01:22Z"));
}

Test(cookie_date, rfc_5_1_1_step5_year_before_1601_fails)
{
	/* Chromium saturates such a year to its earliest time instead. */
	CHECK_ROWS(DIFFER("1 Jan 1600 00:00:00", NULL, CR_EARLIEST), DIFFER("31 Dec 1600 23:59:59", NULL, CR_EARLIEST),
		   DIFFER("1600 April 15 21:01:22", NULL, CR_EARLIEST),
		   SAME("1 Jan 1601 00:00:00", "1601-01-01T00:00:00Z"));
}

Test(cookie_date, rfc_5_1_1_step5_hour_minute_second_ranges)
{
	CHECK_ROWS(NEITHER("15 Apr 2017 24:00:00"), NEITHER("15 Apr 2017 23:60:00"),
		   NEITHER("15 Apr 2017 23:59:60"), /* no leap seconds */
		   SAME("15 Apr 2017 23:59:59", "2017-04-15T23:59:59Z"));
}

/* ---- §5.1.1 step 6: the date must exist ---- */

Test(cookie_date, rfc_5_1_1_step6_the_date_must_exist)
{
	CHECK_ROWS(NEITHER("31 Apr 2017 21:01:22"), NEITHER("30 Feb 2016 00:00:00"), NEITHER("29 Feb 2017 00:00:00"),
		   NEITHER("29 Feb 2100 00:00:00"), NEITHER("29 Feb 1700 00:00:00"),
		   SAME("29 Feb 2016 00:00:00", "2016-02-29T00:00:00Z"),
		   SAME("29 Feb 2000 00:00:00", "2000-02-29T00:00:00Z"),
		   SAME("29 Feb 1604 12:00:00", "1604-02-29T12:00:00Z"),
		   SAME("30 Apr 2017 21:01:22", "2017-04-30T21:01:22Z"));
}

/* ---- §5.1.1 step 7: the result ---- */

Test(cookie_date, rfc_5_1_1_step7_the_three_http_date_forms)
{
	CHECK_ROWS(SAME("Sun, 06 Nov 1994 08:49:37 GMT", "1994-11-06T08:49:37Z"),
		   SAME("Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z"),
		   SAME("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z"));
	int64_t t = 0;
	cr_expect(cookie_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", 29, COOKIE_DATE_RFC6265BIS, &t));
	cr_expect_eq(t, INT64_C(784111777));
}

Test(cookie_date, rfc_5_1_1_step7_zones_and_offsets_are_not_applied)
{
	CHECK_ROWS(SAME("15 Apr 2017 21:01:22 +0200", APR15), SAME("Sat, 15-Apr-17 21:01:22 GMT-0400 (EDT)", APR15),
		   SAME("Wed Dec 12 2007 08:44:07 GMT-0500 (EST)", "2007-12-12T08:44:07Z"));
}

Test(cookie_date, rfc_5_1_1_step7_the_widest_dates)
{
	CHECK_ROWS(SAME("31 Dec 9999 23:59:59", "9999-12-31T23:59:59Z"),
		   SAME("1 Jan 1970 00:00:00", "1970-01-01T00:00:00Z"),
		   SAME("31 Dec 1969 23:59:59", "1969-12-31T23:59:59Z"));
}

/* ---- Chromium: saturation (date.c says why bsim saturates at 1601..30827) ---- */

Test(cookie_date, chromium_saturation_bounds_are_1601_and_30827)
{
	cr_expect_eq(COOKIE_DATE_CHROMIUM_EARLIEST, time_from_civil(1601, 1, 1, 0, 0, 0));
	cr_expect_eq(COOKIE_DATE_CHROMIUM_LATEST, time_from_civil(30827, 12, 31, 23, 59, 59));
}

Test(cookie_date, chromium_saturates_years_above_30827)
{
	CHECK_ROWS(DIFFER("Thu, 12-Aug-31841 20:49:07 GMT", NULL, CR_LATEST),
		   DIFFER("1 Jan 30828 00:00:00", NULL, CR_LATEST), DIFFER("1 Jan 99999 00:00:00", NULL, CR_LATEST),
		   /* inside the range the date is kept exactly */
		   DIFFER("31 Dec 30827 23:59:59", NULL, CR_LATEST),
		   DIFFER("29 Feb 30800 00:00:00", NULL, "+030800-02-29T00:00:00Z"));
}

Test(cookie_date, chromium_saturates_years_below_1601)
{
	CHECK_ROWS(DIFFER("15 Apr 999 21:01:22", NULL, CR_EARLIEST), DIFFER("15 Apr 0100 21:01:22", NULL, CR_EARLIEST));
}

Test(cookie_date, chromium_saturation_checks_field_ranges_not_the_calendar)
{
	CHECK_ROWS(DIFFER("31 Apr 40000 21:01:22", NULL, CR_LATEST), DIFFER("30 Feb 1500 00:00:00", NULL, CR_EARLIEST),
		   DIFFER("15 Apr 40000 23:59:60", NULL, CR_LATEST), /* a leap second passes the range check */
		   NEITHER("Thu, 33-Aug-31841 20:49:07 GMT"), NEITHER("1600 April 33 21:01:22"),
		   NEITHER("15 Apr 40000 24:00:00"), NEITHER("0 Apr 1500 00:00:00"), NEITHER("15 Apr 1500 23:61:00"));
}

Test(cookie_date, chromium_time_skips_white_space_after_a_colon)
{
	/* sscanf's %u skips \n \v \f \r (space and tab never reach it: they are delimiters). */
	CHECK_ROWS(DIFFER("15 Apr 2017 21:\r01:\n22", NULL, APR15), DIFFER("15 Apr 2017 21:\v01:\f22", NULL, APR15));
}

Test(cookie_date, chromium_skips_numeric_tokens_longer_than_five_bytes)
{
	CHECK_ROWS(NEITHER("Thu, 12-Aug-9999999999 20:49:07 GMT"), NEITHER("Thu, 999999999999-Aug-2007 20:49:07 GMT"),
		   NEITHER("Thu, 12-Aug-2007 20:61:99999999999 GMT"));
}

/* ---- the parser's own promises ---- */

Test(cookie_date, reads_no_byte_past_len)
{
	static const char in[] = "21:01:22 15 Apr 2017";
	int64_t t = 0;
	/* Cut inside the year: "20" is all there is, and it reads as 2020. */
	cr_assert(cookie_date_parse(in, sizeof in - 1 - 2, COOKIE_DATE_RFC6265BIS, &t));
	cr_expect_eq(t, time_from_civil(2020, 4, 15, 21, 1, 22));
	cr_assert(cookie_date_parse(in, sizeof in - 1 - 2, COOKIE_DATE_CHROMIUM, &t));
	cr_expect_eq(t, time_from_civil(2020, 4, 15, 21, 1, 22));
	/* Cut the time to "21:01:2". */
	static const char in2[] = "15 Apr 2017 21:01:22";
	cr_assert(cookie_date_parse(in2, sizeof in2 - 2, COOKIE_DATE_RFC6265BIS, &t));
	cr_expect_eq(t, time_from_civil(2017, 4, 15, 21, 1, 2));
}

Test(cookie_date, leaves_the_output_alone_on_failure)
{
	int64_t t = 42;
	cr_expect(!cookie_date_parse("15 Apr 2017", 11, COOKIE_DATE_RFC6265BIS, &t));
	cr_expect(!cookie_date_parse("15 Apr 2017", 11, COOKIE_DATE_CHROMIUM, &t));
	cr_expect_eq(t, 42);
	cr_expect(cookie_date_parse("15 Apr 2017 21:01:22", 20, COOKIE_DATE_CHROMIUM, NULL));
}

/* Inputs far larger than any Expires value: linear work finishes at once, quadratic work would not. */
#define HUGE_INPUT (8u << 20)

static void check_huge(char fill, const char *tail, bool rfc_ok, bool chromium_ok)
{
	size_t tail_len = strlen(tail);
	char *in = malloc(HUGE_INPUT + tail_len);
	cr_assert_not_null(in);
	memset(in, fill, HUGE_INPUT);
	memcpy(in + HUGE_INPUT, tail, tail_len);
	int64_t t;
	size_t len = HUGE_INPUT + tail_len;
	cr_expect_eq(cookie_date_parse(in, len, COOKIE_DATE_RFC6265BIS, &t), rfc_ok, "fill '%c'", fill);
	cr_expect_eq(cookie_date_parse(in, len, COOKIE_DATE_CHROMIUM, &t), chromium_ok, "fill '%c'", fill);
	free(in);
}

static void check_huge_pattern(const char *unit, const char *tail, bool rfc_ok, bool chromium_ok)
{
	size_t unit_len = strlen(unit), tail_len = strlen(tail);
	size_t n = HUGE_INPUT / unit_len * unit_len;
	char *in = malloc(n + tail_len);
	cr_assert_not_null(in);
	for (size_t i = 0; i < n; i += unit_len)
		memcpy(in + i, unit, unit_len);
	memcpy(in + n, tail, tail_len);
	int64_t t;
	cr_expect_eq(cookie_date_parse(in, n + tail_len, COOKIE_DATE_RFC6265BIS, &t), rfc_ok, "unit \"%s\"", unit);
	cr_expect_eq(cookie_date_parse(in, n + tail_len, COOKIE_DATE_CHROMIUM, &t), chromium_ok, "unit \"%s\"", unit);
	free(in);
}

Test(cookie_date, work_stays_linear_on_huge_inputs, .timeout = 60)
{
	check_huge(' ', "15 Apr 2017 21:01:22", true, true); /* all delimiters, then a date */
	check_huge('1', " Apr 2017 21:01:22", false, false); /* one enormous numeric token */
	check_huge(':', " 15 Apr 2017 21:01:22", true, true);
	check_huge('x', " 15 Apr 2017 21:01:22", true, true);
	check_huge_pattern("1:", " 15 Apr 2017", true, true); /* "1:1:1:1..." is the time 01:01:01 in both */
	check_huge_pattern("x,", " 15 Apr 2017 21:01:22", true, true); /* millions of tokens */
	check_huge_pattern("123456,", " 15 Apr 21:01:22", false, false);
}

Test(cookie_date, random_inputs_parse_safely_and_results_read_back)
{
	/* Date-shaped pieces, edge values and odd bytes, glued with and without delimiters. */
	static const char *const pieces[] = {"15", "1", "31", "29", "0", "Apr", "feb", "DECEMBER", "Sat", "2017", "17",
					     "99", "69", "0070", "1601", "1600", "9999", "30828", "7", "21:01:22",
					     "0:0:0", "23:59:60", "24:00:00", "12:30", "15th", "GMT", "\x01", "\x80",
					     "\xFF", "\r", ":", "x"};
	static const char glue[] = " ,-/\t;(\"";
	uint64_t state = UINT64_C(0x9E3779B97F4A7C15);
	int rfc_dates = 0, chromium_dates = 0;
	for (int round = 0; round < 200000; round++) {
		char in[128];
		size_t len = 0;
		int n = (int)(support_random(&state) % 8);
		for (int k = 0; k < n; k++) {
			const char *piece = pieces[support_random(&state) % (sizeof pieces / sizeof pieces[0])];
			size_t plen = strlen(piece);
			uint64_t g = support_random(&state) % (sizeof glue + 2);
			if (k > 0 && g < sizeof glue - 1)
				in[len++] = glue[g]; /* otherwise the pieces run together */
			else if (k > 0 && g == sizeof glue - 1)
				in[len++] = '\0';
			memcpy(in + len, piece, plen);
			len += plen;
		}
		int64_t t_rfc = 0, t_cr = 0;
		bool ok_rfc = parse_exact(in, len, COOKIE_DATE_RFC6265BIS, &t_rfc);
		bool ok_cr = parse_exact(in, len, COOKIE_DATE_CHROMIUM, &t_cr);
		if (ok_cr) {
			chromium_dates++;
			if (t_cr < COOKIE_DATE_CHROMIUM_EARLIEST || t_cr > COOKIE_DATE_CHROMIUM_LATEST)
				cr_assert_fail("chromium result out of its bounds for \"%s\"", shown(in, len));
		}
		if (!ok_rfc)
			continue;
		rfc_dates++;
		/*
		 * Whatever the RFC syntax accepts is a date 1601..9999, and its IMF-fixdate reads back to it in
		 * both syntaxes.
		 */
		int64_t year;
		int mo, d, h, mi, s;
		time_to_civil(t_rfc, &year, &mo, &d, &h, &mi, &s);
		if (year < 1601 || year > 9999)
			cr_assert_fail("year %lld from \"%s\"", (long long)year, shown(in, len));
		char imf[32];
		time_format_imf(t_rfc, imf, sizeof imf);
		int64_t back = 0;
		if (!cookie_date_parse(imf, strlen(imf), COOKIE_DATE_RFC6265BIS, &back) || back != t_rfc)
			cr_assert_fail("%s does not read back", imf);
		if (!cookie_date_parse(imf, strlen(imf), COOKIE_DATE_CHROMIUM, &back) || back != t_rfc)
			cr_assert_fail("%s does not read back in the chromium syntax", imf);
	}
	cr_log_info("random inputs: %d of 200000 were RFC cookie dates, %d Chromium ones", rfc_dates, chromium_dates);
	cr_expect(rfc_dates > 1000 && chromium_dates > 1000, "the pieces should make some dates (%d, %d)", rfc_dates,
		  chromium_dates);
}

Test(cookie_date, imf_fixdates_read_back_across_the_range)
{
	uint64_t state = UINT64_C(0x2545F4914F6CDD1D);
	int64_t lo = time_from_civil(1601, 1, 1, 0, 0, 0), hi = time_from_civil(9999, 12, 31, 23, 59, 59);
	for (int i = 0; i < 100000; i++) {
		int64_t t = lo + (int64_t)(support_random(&state) % (uint64_t)(hi - lo + 1));
		char imf[32];
		time_format_imf(t, imf, sizeof imf);
		int64_t back_rfc = 0, back_cr = 0;
		if (!parse_exact(imf, strlen(imf), COOKIE_DATE_RFC6265BIS, &back_rfc) || back_rfc != t)
			cr_assert_fail("%s does not read back", imf);
		if (!parse_exact(imf, strlen(imf), COOKIE_DATE_CHROMIUM, &back_cr) || back_cr != t)
			cr_assert_fail("%s does not read back in the chromium syntax", imf);
	}
}
