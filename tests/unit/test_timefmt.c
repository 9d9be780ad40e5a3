/*
 * test_timefmt.c: calendar arithmetic and the text forms of util/timefmt.h.
 * The calendar is checked against a plain day-by-day walk over more than two
 * thousand years each side of 1970, and against anchors computed elsewhere;
 * the text forms by fixed examples, round trips and rejected inputs.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "util/timefmt.h"
#include "support.h"

static void expect_civil(int64_t seconds, int64_t year, int month, int day, int hour, int minute, int second)
{
	int64_t y;
	int mo, d, h, mi, s;
	time_to_civil(seconds, &y, &mo, &d, &h, &mi, &s);
	cr_expect(y == year && mo == month && d == day && h == hour && mi == minute && s == second,
		  "%lld: expected %lld-%02d-%02d %02d:%02d:%02d, got %lld-%02d-%02d %02d:%02d:%02d", (long long)seconds,
		  (long long)year, month, day, hour, minute, second, (long long)y, mo, d, h, mi, s);
	cr_expect_eq(time_from_civil(year, month, day, hour, minute, second), seconds, "%lld-%02d-%02d back to %lld",
		     (long long)year, month, day, (long long)seconds);
}

/* ---- civil arithmetic ---- */

Test(timefmt, anchors_computed_independently)
{
	expect_civil(0, 1970, 1, 1, 0, 0, 0);
	expect_civil(INT64_C(784111777), 1994, 11, 6, 8, 49, 37);  /* RFC 9110's example date */
	expect_civil(INT64_C(951868800), 2000, 3, 1, 0, 0, 0);
	expect_civil(INT64_C(2147483647), 2038, 1, 19, 3, 14, 7);  /* the 32-bit time_t limit */
	expect_civil(INT64_C(-2203891200), 1900, 3, 1, 0, 0, 0);
	expect_civil(INT64_C(-11644473600), 1601, 1, 1, 0, 0, 0);  /* the Windows epoch */
	expect_civil(INT64_C(-62167219200), 0, 1, 1, 0, 0, 0);
	expect_civil(INT64_C(253402300799), 9999, 12, 31, 23, 59, 59);
	expect_civil(INT64_C(910670515199), 30827, 12, 31, 23, 59, 59);
}

Test(timefmt, negative_times_count_back_from_1970)
{
	expect_civil(-1, 1969, 12, 31, 23, 59, 59);
	expect_civil(-86400, 1969, 12, 31, 0, 0, 0);
	expect_civil(-86401, 1969, 12, 30, 23, 59, 59);
	expect_civil(-(INT64_C(365) * 86400), 1969, 1, 1, 0, 0, 0);
	/* Year 0 and before: the proleptic calendar has a year 0, and it is a leap year. */
	expect_civil(time_from_civil(0, 2, 29, 12, 0, 0), 0, 2, 29, 12, 0, 0);
	expect_civil(time_from_civil(-1, 12, 31, 23, 59, 59), -1, 12, 31, 23, 59, 59);
	cr_expect_eq(time_from_civil(0, 1, 1, 0, 0, 0) - time_from_civil(-1, 1, 1, 0, 0, 0), 365 * 86400);
}

Test(timefmt, leap_years_follow_the_gregorian_rule)
{
	static const struct {
		int64_t year;
		bool leap;
	} years[] = {{1600, true}, {1700, false}, {1800, false}, {1900, false}, {2000, true}, {2100, false},
		     {2400, true}, {2023, false}, {2024, true}, {0, true},    {-4, true},    {-100, false},
		     {-400, true}, {1601, false}, {30800, true}};
	for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
		cr_expect_eq(time_is_leap_year(years[i].year), years[i].leap, "%lld", (long long)years[i].year);
		cr_expect_eq(time_days_in_month(years[i].year, 2), years[i].leap ? 29 : 28, "%lld",
			     (long long)years[i].year);
		int64_t days = (time_from_civil(years[i].year + 1, 1, 1, 0, 0, 0) -
				time_from_civil(years[i].year, 1, 1, 0, 0, 0)) / 86400;
		cr_expect_eq(days, years[i].leap ? 366 : 365, "%lld has %lld days", (long long)years[i].year,
			     (long long)days);
	}
	cr_expect_eq(time_days_in_month(2017, 0), 0);
	cr_expect_eq(time_days_in_month(2017, 13), 0);
	cr_expect_eq(time_days_in_month(2017, 4), 30);
	cr_expect_eq(time_days_in_month(2017, 12), 31);
}

/* One step of the day-by-day walk, done the long way. */
static void next_day(int64_t *y, int *m, int *d)
{
	if (++*d > time_days_in_month(*y, *m)) {
		*d = 1;
		if (++*m > 12) {
			*m = 1;
			++*y;
		}
	}
}

static void previous_day(int64_t *y, int *m, int *d)
{
	if (--*d < 1) {
		if (--*m < 1) {
			*m = 12;
			--*y;
		}
		*d = time_days_in_month(*y, *m);
	}
}

#define WALK_DAYS 900000 /* about 2460 years each way: past 1600, 2000, 2100, 2400 and year 0 */

Test(timefmt, every_day_agrees_with_a_day_by_day_walk)
{
	int64_t y = 1970;
	int m = 1, d = 1;
	for (int64_t day = 0; day <= WALK_DAYS; day++) {
		int64_t gy;
		int gm, gd, h, mi, s;
		int64_t t = day * 86400 + 43200;
		time_to_civil(t, &gy, &gm, &gd, &h, &mi, &s);
		if (gy != y || gm != m || gd != d || h != 12)
			cr_assert_fail("day %lld: walk says %lld-%02d-%02d, got %lld-%02d-%02d", (long long)day,
				       (long long)y, m, d, (long long)gy, gm, gd);
		if (time_from_civil(y, m, d, 12, 0, 0) != t)
			cr_assert_fail("day %lld: %lld-%02d-%02d does not map back", (long long)day, (long long)y, m,
				       d);
		next_day(&y, &m, &d);
	}
	y = 1970, m = 1, d = 1;
	for (int64_t day = 0; day >= -WALK_DAYS; day--) {
		int64_t gy;
		int gm, gd, h, mi, s;
		int64_t t = day * 86400;
		time_to_civil(t, &gy, &gm, &gd, &h, &mi, &s);
		if (gy != y || gm != m || gd != d || h != 0)
			cr_assert_fail("day %lld: walk says %lld-%02d-%02d, got %lld-%02d-%02d", (long long)day,
				       (long long)y, m, d, (long long)gy, gm, gd);
		if (time_from_civil(y, m, d, 0, 0, 0) != t)
			cr_assert_fail("day %lld: %lld-%02d-%02d does not map back", (long long)day, (long long)y, m,
				       d);
		previous_day(&y, &m, &d);
	}
}

Test(timefmt, fields_out_of_range_carry_over)
{
	cr_expect_eq(time_from_civil(2015, 13, 1, 0, 0, 0), time_from_civil(2016, 1, 1, 0, 0, 0));
	cr_expect_eq(time_from_civil(2015, 0, 1, 0, 0, 0), time_from_civil(2014, 12, 1, 0, 0, 0));
	cr_expect_eq(time_from_civil(2015, -11, 1, 0, 0, 0), time_from_civil(2014, 1, 1, 0, 0, 0));
	cr_expect_eq(time_from_civil(2016, 3, 0, 0, 0, 0), time_from_civil(2016, 2, 29, 0, 0, 0));
	cr_expect_eq(time_from_civil(2015, 1, 1, 24, 0, 0), time_from_civil(2015, 1, 2, 0, 0, 0));
	cr_expect_eq(time_from_civil(2015, 1, 1, 0, 0, -1), time_from_civil(2014, 12, 31, 23, 59, 59));
}

Test(timefmt, the_whole_int64_range_converts_without_overflow)
{
	int64_t y;
	int mo, d, h, mi, s;
	time_to_civil(INT64_MAX, &y, &mo, &d, &h, &mi, &s);
	cr_expect(y > INT64_C(292000000000) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
	cr_expect_eq(time_from_civil(y, mo, d, h, mi, s), INT64_MAX);
	time_to_civil(INT64_MIN, &y, &mo, &d, &h, &mi, &s);
	cr_expect(y < -INT64_C(292000000000) && mo >= 1 && mo <= 12 && d >= 1 && d <= 31);
	cr_expect_eq(time_from_civil(y, mo, d, h, mi, s), INT64_MIN);
}

/* ---- ISO 8601 ---- */

static void expect_iso_ms(const char *text, int64_t ms)
{
	int64_t got = 0;
	cr_expect(time_parse_iso8601(text, &got), "\"%s\" should parse", text);
	cr_expect_eq(got, ms, "\"%s\": expected %lld ms, got %lld", text, (long long)ms, (long long)got);
}

#define S(y, mo, d, h, mi, s) (time_from_civil(y, mo, d, h, mi, s) * 1000)

Test(timefmt, iso8601_parses_the_documented_forms)
{
	expect_iso_ms("2015-01-01", S(2015, 1, 1, 0, 0, 0));
	expect_iso_ms("2015-01-01T00:00:00Z", INT64_C(1420070400000));
	expect_iso_ms("2015-01-01T10:00:00+02:00", S(2015, 1, 1, 8, 0, 0));
	expect_iso_ms("2015-01-01T00:30:00-01:30", S(2015, 1, 1, 2, 0, 0));
	/* The offset crosses midnight and the year. */
	expect_iso_ms("2015-01-01T00:00:00+01:00", S(2014, 12, 31, 23, 0, 0));
	expect_iso_ms("2015-01-01T00:00:00-00:00", S(2015, 1, 1, 0, 0, 0));
	expect_iso_ms("2015-01-01T10:00:00+02", S(2015, 1, 1, 8, 0, 0));
	expect_iso_ms("2015-01-01T10:00Z", S(2015, 1, 1, 10, 0, 0));
	expect_iso_ms("2015-01-01t10:00:00z", S(2015, 1, 1, 10, 0, 0));
}

Test(timefmt, iso8601_fractional_seconds_become_milliseconds)
{
	expect_iso_ms("2015-01-01T00:00:00.5Z", S(2015, 1, 1, 0, 0, 0) + 500);
	expect_iso_ms("2015-01-01T00:00:00.123Z", S(2015, 1, 1, 0, 0, 0) + 123);
	expect_iso_ms("2015-01-01T00:00:00.123999Z", S(2015, 1, 1, 0, 0, 0) + 123); /* extra digits are dropped */
	expect_iso_ms("2015-01-01T00:00:00,25Z", S(2015, 1, 1, 0, 0, 0) + 250);
	expect_iso_ms("1969-12-31T23:59:59.999Z", -1);
	expect_iso_ms("1970-01-01T00:00:00.001Z", 1);
}

Test(timefmt, iso8601_years_outside_four_digits_use_the_expanded_form)
{
	expect_iso_ms("+010000-01-01T00:00:00Z", S(10000, 1, 1, 0, 0, 0));
	expect_iso_ms("+030827-12-31T23:59:59Z", INT64_C(910670515199) * 1000);
	expect_iso_ms("-000001-12-31", S(-1, 12, 31, 0, 0, 0));
	expect_iso_ms("+002015-01-01", S(2015, 1, 1, 0, 0, 0));
	expect_iso_ms("0000-02-29", S(0, 2, 29, 0, 0, 0));
	expect_iso_ms("1600-02-29", S(1600, 2, 29, 0, 0, 0));
}

Test(timefmt, iso8601_rejects_malformed_input)
{
	static const char *const bad[] = {
		"", "2015", "2015-01", "2015-1-01", "2015-01-1", "20150101", "15-01-01", "2015/01/01",
		"2015-13-01", "2015-00-01", "2015-01-00", "2015-01-32", "2015-02-29", "2016-02-30", "2100-02-29",
		"2015-04-31", " 2015-01-01", "2015-01-01 ", "2015-01-01T", "2015-01-01T00:00:00", /* no zone */
		"2015-01-01 00:00:00Z", "2015-01-01T24:00:00Z", "2015-01-01T23:60:00Z", "2015-01-01T23:59:60Z",
		"2015-01-01T1:00:00Z", "2015-01-01T10Z", "2015-01-01T10:00:0Z", "2015-01-01T00:00:00.Z",
		"2015-01-01T00:00.5Z", "2015-01-01T00:00:00+2:00", "2015-01-01T00:00:00+02:0",
		"2015-01-01T00:00:00+24:00", "2015-01-01T00:00:00+02:60", "2015-01-01T00:00:00+0200x",
		"2015-01-01T00:00:00ZZ", "2015-01-01T00:00:00Zjunk", "2015-01-01T00:00:00 Z", "+10000-01-01",
		"+0100000-01-01", "-000000-01-01", "2015-01-01Z", "x2015-01-01",
		"2015-01-01T00:00:00\xEF\xBC\xBA",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t ms = 7;
		cr_expect(!time_parse_iso8601(bad[i], &ms), "\"%s\" should be rejected", bad[i]);
		cr_expect_eq(ms, 7, "\"%s\": output written on failure", bad[i]);
	}
	cr_expect(!time_parse_iso8601(NULL, NULL));
}

/* A clock's start: any ISO 8601 instant up to the last one a four-digit year prints. */
Test(timefmt, instant_is_iso8601_up_to_year_9999)
{
	const struct {
		const char *text;
		bool ok;
		int64_t ms;
	} cases[] = {
		{"2015-01-01T00:00:00Z", true, INT64_C(1420070400000)},
		{"2024-03-31T03:30:00+02:00", true, S(2024, 3, 31, 1, 30, 0)},
		{"9999-12-31T23:59:59.999Z", true, TIME_INSTANT_MAX_MS},
		{"1969-12-31T23:59:59.999Z", true, -1},
		{"+010000-01-01T00:00:00Z", false, 0},
		/* The offset carries it past the last instant. */
		{"9999-12-31T23:59:59-00:01", false, 0},
		{"2015-01-01T00:00:00", false, 0},
		{"tomorrow", false, 0},
		{"", false, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int64_t ms = 7;
		cr_expect_eq(time_parse_instant(cases[i].text, &ms), cases[i].ok, "\"%s\"", cases[i].text);
		cr_expect_eq(ms, cases[i].ok ? cases[i].ms : 7, "\"%s\": %lld", cases[i].text, (long long)ms);
	}
}

/* Time since a start, even from the ends of the range (a clock started before 1970 that waited 2^63 ms). */
Test(timefmt, time_since_saturates_instead_of_overflowing)
{
	static const struct {
		int64_t at, start, want;
	} cases[] = {
		{1420070402000, 1420070400000, 2000},
		{5, -5, 10},
		{INT64_MAX, -1, INT64_MAX},
		{INT64_MAX - 10, -100, INT64_MAX},
		{INT64_MAX - 100, -10, INT64_MAX - 90},
		{INT64_MIN, 1, INT64_MIN},
		{-5, 5, -10},
		{INT64_MAX, INT64_MAX, 0},
		{INT64_MIN, INT64_MIN, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		cr_expect_eq(time_since(cases[i].at, cases[i].start), cases[i].want, "case %zu: %lld", i,
			     (long long)time_since(cases[i].at, cases[i].start));
}

static void expect_iso_text(int64_t ms, const char *text)
{
	char out[32];
	time_format_iso8601(ms, out, sizeof out);
	cr_expect_str_eq(out, text, "%lld ms", (long long)ms);
}

Test(timefmt, iso8601_formats_utc_with_milliseconds_only_when_needed)
{
	expect_iso_text(0, "1970-01-01T00:00:00Z");
	expect_iso_text(1, "1970-01-01T00:00:00.001Z");
	expect_iso_text(-1, "1969-12-31T23:59:59.999Z");
	expect_iso_text(INT64_C(1420070400000), "2015-01-01T00:00:00Z");
	expect_iso_text(INT64_C(1420070400120), "2015-01-01T00:00:00.120Z");
	expect_iso_text(S(2000, 2, 29, 23, 59, 59), "2000-02-29T23:59:59Z");
	expect_iso_text(S(0, 1, 1, 0, 0, 0), "0000-01-01T00:00:00Z");
	expect_iso_text(S(9999, 12, 31, 23, 59, 59), "9999-12-31T23:59:59Z");
	expect_iso_text(S(10000, 1, 1, 0, 0, 0), "+010000-01-01T00:00:00Z");
	expect_iso_text(S(-1, 1, 1, 0, 0, 0), "-000001-01-01T00:00:00Z");
	expect_iso_text(INT64_C(910670515199) * 1000, "+030827-12-31T23:59:59Z");
}

Test(timefmt, iso8601_round_trips)
{
	/* Every instant with a six-digit year at most reads back exactly. */
	int64_t lo = S(-999999, 1, 1, 0, 0, 0), hi = S(999999, 12, 31, 23, 59, 59) + 999;
	uint64_t state = UINT64_C(0xD1B54A32D192ED03);
	for (int i = 0; i < 200000; i++) {
		int64_t ms;
		switch (i % 3) {
		case 0: /* anywhere in the parseable range */
			ms = lo + (int64_t)(support_random(&state) % (uint64_t)(hi - lo + 1));
			break;
		case 1: /* near 1970, where the sign of the fraction matters */
			ms = (int64_t)(support_random(&state) % 200000000) - 100000000;
			break;
		default: /* whole seconds between 1601 and 30827, the cookie range */
			ms = (INT64_C(-11644473600) +
			      (int64_t)(support_random(&state) % UINT64_C(922314988800))) * 1000; /* 1601 .. 30827 */
			break;
		}
		char text[32];
		time_format_iso8601(ms, text, sizeof text);
		int64_t back = 0;
		if (!time_parse_iso8601(text, &back))
			cr_assert_fail("\"%s\" (from %lld) does not parse", text, (long long)ms);
		if (back != ms)
			cr_assert_fail("\"%s\": %lld came back as %lld", text, (long long)ms, (long long)back);
	}
}

Test(timefmt, formatting_fits_32_bytes_and_respects_outlen)
{
	static const int64_t extremes[] = {INT64_MIN, INT64_MIN + 1, -1, 0, INT64_MAX};
	for (size_t i = 0; i < sizeof extremes / sizeof extremes[0]; i++) {
		char out[32];
		time_format_iso8601(extremes[i], out, sizeof out);
		cr_expect(strlen(out) < sizeof out && out[strlen(out) - 1] == 'Z', "iso %lld: \"%s\"",
			  (long long)extremes[i], out);
	}
	/* A small buffer is filled, terminated, and not overrun. */
	char small[8 + 4];
	memset(small, '#', sizeof small);
	time_format_iso8601(0, small, 8);
	cr_expect_str_eq(small, "1970-01");
	cr_expect(small[8] == '#' && small[11] == '#');
	memset(small, '#', sizeof small);
	time_format_imf(0, small, 8);
	cr_expect_str_eq(small, "Thu, 01");
	cr_expect(small[8] == '#');
	time_format_imf(0, small, 0); /* nothing written */
	time_format_iso8601(0, NULL, 0);
}

/* ---- IMF-fixdate ---- */

static void expect_imf(int64_t seconds, const char *text)
{
	char out[32];
	time_format_imf(seconds, out, sizeof out);
	cr_expect_str_eq(out, text, "%lld s", (long long)seconds);
}

Test(timefmt, imf_fixdate_examples)
{
	expect_imf(0, "Thu, 01 Jan 1970 00:00:00 GMT");
	expect_imf(INT64_C(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
	expect_imf(INT64_C(1420070400), "Thu, 01 Jan 2015 00:00:00 GMT");
	expect_imf(-1, "Wed, 31 Dec 1969 23:59:59 GMT");
	expect_imf(time_from_civil(2000, 2, 29, 0, 0, 0), "Tue, 29 Feb 2000 00:00:00 GMT");
	expect_imf(time_from_civil(2100, 3, 1, 0, 0, 0), "Mon, 01 Mar 2100 00:00:00 GMT");
	expect_imf(time_from_civil(1600, 3, 1, 0, 0, 0), "Wed, 01 Mar 1600 00:00:00 GMT");
	expect_imf(INT64_C(-11644473600), "Mon, 01 Jan 1601 00:00:00 GMT");
	expect_imf(INT64_C(253402300799), "Fri, 31 Dec 9999 23:59:59 GMT");
	/* Outside four digits there is no IMF-fixdate; the year is written in full rather than cut. */
	expect_imf(INT64_C(910670515199), "Fri, 31 Dec 30827 23:59:59 GMT");
	expect_imf(time_from_civil(-1, 12, 31, 0, 0, 0), "Fri, 31 Dec -0001 00:00:00 GMT");
}

Test(timefmt, imf_weekday_advances_by_one_each_day)
{
	static const char *const names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	int w = 4; /* 1970-01-01 was a Thursday */
	for (int64_t day = 0; day < 200000; day++) {
		char out[32];
		time_format_imf(day * 86400, out, sizeof out);
		if (strncmp(out, names[w], 3) != 0)
			cr_assert_fail("day %lld: %s, expected %s", (long long)day, out, names[w]);
		time_format_imf(-day * 86400, out, sizeof out);
		if (strncmp(out, names[(4 - day % 7 + 7) % 7], 3) != 0)
			cr_assert_fail("day -%lld: %s", (long long)day, out);
		w = (w + 1) % 7;
	}
}
