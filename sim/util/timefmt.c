/*
 * timefmt.c: calendar arithmetic and the text forms of instants (timefmt.h).
 * Dates are proleptic Gregorian in UTC, counted in whole days from
 * 1970-01-01 with floor division, so an instant before 1970 (or before year
 * 0) is handled by the same code as any other. Nothing here asks libc for a
 * time zone, a locale or the clock: a run formats and parses the same on
 * every host, whatever TZ or LANG say.
 */
#include "util/timefmt.h"

#include <stdio.h>
#include <string.h>

#define SECONDS_PER_MINUTE 60
#define SECONDS_PER_HOUR 3600
#define SECONDS_PER_DAY 86400
#define MS_PER_SECOND 1000

/*
 * The Gregorian calendar repeats every 400 years (146097 days); inside such a
 * cycle a century has 36524 days (its last year is common) and a 4-year run
 * 1461 (its last year is leap). Counting days from 0001-01-01 puts every
 * cycle boundary on a year of the form 400k+1, which keeps the split below
 * free of special cases.
 */
#define DAYS_PER_400_YEARS 146097
#define DAYS_PER_100_YEARS 36524
#define DAYS_PER_4_YEARS 1461
#define DAYS_PER_YEAR 365
/* Days from 0001-01-01 to 1970-01-01. */
#define DAYS_0001_TO_1970 719162

/*
 * ISO 8601 years outside 0000..9999 are written in the expanded form with a
 * sign and six digits, the form ECMAScript's Date.prototype.toISOString uses,
 * so a dump of a saturated cookie expiry still reads back.
 */
#define ISO_EXPANDED_YEAR_DIGITS 6
#define ISO_PLAIN_YEAR_MAX 9999
/* Milliseconds carry three fraction digits; further digits are read and dropped. */
#define ISO_FRACTION_DIGITS 3

static const char *const weekday_names[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const month_names[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
/* Days before the first of each month in a common year. */
static const int days_before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

/* Division rounding toward minus infinity (b > 0): C's '/' rounds toward zero. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b < 0) ? q - 1 : q;
}

/* The matching remainder, always in 0..b-1. Never multiplies, so INT64_MIN is safe. */
static int64_t floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;
	return r < 0 ? r + b : r;
}

bool time_is_leap_year(int64_t year)
{
	/* '%' of a negative year is negative or zero; only "== 0" is tested, so the sign does not matter. */
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int time_days_in_month(int64_t year, int month)
{
	static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && time_is_leap_year(year))
		return 29;
	return lengths[month - 1];
}

/* Days from 1970-01-01 to the first day of year. */
static int64_t days_before_year(int64_t year)
{
	int64_t y = year - 1; /* whole years since 0001 */
	int64_t days = y * DAYS_PER_YEAR + floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400);
	return days - DAYS_0001_TO_1970;
}

int64_t time_from_civil(int64_t year, int month, int day, int hour, int minute, int second)
{
	/* A month outside 1..12 carries into the year, as timegm does; day and time are plain offsets. */
	int64_t m0 = (int64_t)month - 1;
	year += floor_div(m0, 12);
	m0 = floor_mod(m0, 12);

	int64_t days = days_before_year(year) + days_before_month[m0];
	if (m0 >= 2 && time_is_leap_year(year))
		days += 1;
	days += (int64_t)day - 1;

	int64_t in_day = (int64_t)hour * SECONDS_PER_HOUR + (int64_t)minute * SECONDS_PER_MINUTE + second;
	days += floor_div(in_day, SECONDS_PER_DAY);
	in_day = floor_mod(in_day, SECONDS_PER_DAY);
	/*
	 * Before 1970 the day's start can lie below INT64_MIN while the instant
	 * itself does not (time_to_civil(INT64_MIN) must map back), so count
	 * from the next midnight down instead.
	 */
	if (days < 0 && in_day > 0)
		return (days + 1) * SECONDS_PER_DAY + (in_day - SECONDS_PER_DAY);
	return days * SECONDS_PER_DAY + in_day;
}

void time_to_civil(int64_t seconds, int64_t *year, int *month, int *day, int *hour, int *minute,
		   int *second)
{
	int64_t days = floor_div(seconds, SECONDS_PER_DAY);
	int64_t rest = floor_mod(seconds, SECONDS_PER_DAY);
	*hour = (int)(rest / SECONDS_PER_HOUR);
	*minute = (int)(rest % SECONDS_PER_HOUR / SECONDS_PER_MINUTE);
	*second = (int)(rest % SECONDS_PER_MINUTE);

	/* Split the day count since 0001-01-01 into 400-, 100-, 4- and 1-year runs. */
	int64_t d = days + DAYS_0001_TO_1970;
	int64_t n400 = floor_div(d, DAYS_PER_400_YEARS);
	d -= n400 * DAYS_PER_400_YEARS; /* 0..146096 */
	int64_t n100 = d / DAYS_PER_100_YEARS;
	if (n100 == 4) /* the last day of a 400-year cycle belongs to its fourth century */
		n100 = 3;
	d -= n100 * DAYS_PER_100_YEARS;
	int64_t n4 = d / DAYS_PER_4_YEARS;
	d -= n4 * DAYS_PER_4_YEARS;
	int64_t n1 = d / DAYS_PER_YEAR;
	if (n1 == 4) /* the last day of a 4-year run is day 366 of its leap year */
		n1 = 3;
	d -= n1 * DAYS_PER_YEAR; /* day of the year, 0-based */

	int64_t y = n400 * 400 + n100 * 100 + n4 * 4 + n1 + 1;
	int m = 1;
	while (m < 12 && d >= time_days_in_month(y, m)) {
		d -= time_days_in_month(y, m);
		m++;
	}
	*year = y;
	*month = m;
	*day = (int)d + 1;
}

/* Reads exactly n ASCII digits at *p. */
static bool read_fixed_digits(const char **p, int n, int64_t *out)
{
	int64_t v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* "YYYY", or the expanded "+YYYYYY" / "-YYYYYY" that time_format_iso8601 writes. */
static bool read_iso_year(const char **p, int64_t *year)
{
	char sign = **p;
	if (sign == '+' || sign == '-') {
		(*p)++;
		if (!read_fixed_digits(p, ISO_EXPANDED_YEAR_DIGITS, year))
			return false;
		/* ISO 8601 and ECMAScript both forbid "-000000": year zero has no sign. */
		if (sign == '-' && *year == 0)
			return false;
		if (sign == '-')
			*year = -*year;
		return true;
	}
	return read_fixed_digits(p, 4, year);
}

/* "hh:mm[:ss[.fff]]" → seconds into the day and milliseconds. */
static bool read_iso_time(const char **p, int64_t *seconds, int64_t *ms)
{
	int64_t h, m, s = 0, frac = 0;
	if (!read_fixed_digits(p, 2, &h) || **p != ':')
		return false;
	(*p)++;
	if (!read_fixed_digits(p, 2, &m))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!read_fixed_digits(p, 2, &s))
			return false;
		/* ISO 8601 allows '.' or ',' before the fraction; at least one digit must follow. */
		if (**p == '.' || **p == ',') {
			(*p)++;
			int digits = 0;
			while (**p >= '0' && **p <= '9') {
				if (digits < ISO_FRACTION_DIGITS)
					frac = frac * 10 + (**p - '0');
				digits++;
				(*p)++;
			}
			if (digits == 0)
				return false;
			for (int i = digits; i < ISO_FRACTION_DIGITS; i++)
				frac *= 10;
		}
	}
	/* No 24:00 and no leap second 60: bsim's clock has neither. */
	if (h > 23 || m > 59 || s > 59)
		return false;
	*seconds = h * SECONDS_PER_HOUR + m * SECONDS_PER_MINUTE + s;
	*ms = frac;
	return true;
}

/* "Z", "+hh:mm", "-hh:mm" or "±hh" → seconds east of UTC. */
static bool read_iso_offset(const char **p, int64_t *offset)
{
	char c = **p;
	if (c == 'Z' || c == 'z') {
		(*p)++;
		*offset = 0;
		return true;
	}
	if (c != '+' && c != '-')
		return false; /* no zone: a local time, which bsim has no zone to read in */
	(*p)++;
	int64_t h, m = 0;
	if (!read_fixed_digits(p, 2, &h))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!read_fixed_digits(p, 2, &m))
			return false;
	}
	if (h > 23 || m > 59)
		return false;
	*offset = (h * SECONDS_PER_HOUR + m * SECONDS_PER_MINUTE) * (c == '-' ? -1 : 1);
	return true;
}

bool time_parse_iso8601(const char *s, int64_t *out_ms)
{
	if (!s)
		return false;
	const char *p = s;
	int64_t year, month, day;
	if (!read_iso_year(&p, &year) || *p++ != '-' || !read_fixed_digits(&p, 2, &month) ||
	    *p++ != '-' || !read_fixed_digits(&p, 2, &day))
		return false;
	if (month < 1 || month > 12 || day < 1 || day > time_days_in_month(year, (int)month))
		return false;

	int64_t seconds = time_from_civil(year, (int)month, (int)day, 0, 0, 0);
	int64_t ms = 0;
	if (*p != '\0') {
		/* RFC 3339 §5.6 (a profile of ISO 8601) allows a lowercase 't' and 'z'. */
		if (*p != 'T' && *p != 't')
			return false;
		p++;
		int64_t in_day, offset;
		if (!read_iso_time(&p, &in_day, &ms) || !read_iso_offset(&p, &offset))
			return false;
		seconds += in_day - offset;
	}
	if (*p != '\0')
		return false;
	if (out_ms)
		*out_ms = seconds * MS_PER_SECOND + ms;
	return true;
}

bool time_parse_instant(const char *s, int64_t *out_ms)
{
	int64_t ms;
	if (!time_parse_iso8601(s, &ms) || ms > TIME_INSTANT_MAX_MS)
		return false;
	if (out_ms)
		*out_ms = ms;
	return true;
}

int64_t time_since(int64_t at, int64_t start)
{
	if (start < 0 && at > INT64_MAX + start)
		return INT64_MAX;
	if (start > 0 && at < INT64_MIN + start)
		return INT64_MIN;
	return at - start;
}

size_t time_format_decimal(char *p, uint64_t v, size_t width)
{
	char rev[20];
	size_t n = 0;
	do {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	size_t pad = width > n ? width - n : 0;
	memset(p, '0', pad);
	for (size_t i = 0; i < n; i++)
		p[pad + i] = rev[n - 1 - i];
	return pad + n;
}

/*
 * Digits written by hand, not snprintf: every trace line of every report
 * starts with one (snprintf was two thirds of formatting a line). Reads
 * as "%02d:%02d:%02d.%03d" would; test_report.c checks it against that.
 */
void time_format_span(int64_t ms, char *out, size_t outlen)
{
	if (!outlen)
		return;
	char text[TIME_SPAN_LEN + 8];
	size_t n = 0;
	if (ms < 0) {
		text[n++] = '-';
		ms = ms == INT64_MIN ? INT64_MAX : -ms;
	}
	uint64_t s = (uint64_t)ms / 1000, frac = (uint64_t)ms % 1000;
	n += time_format_decimal(text + n, s / 3600, 2);
	text[n++] = ':';
	n += time_format_decimal(text + n, s / 60 % 60, 2);
	text[n++] = ':';
	n += time_format_decimal(text + n, s % 60, 2);
	if (frac) {
		text[n++] = '.';
		n += time_format_decimal(text + n, frac, 3);
	}
	size_t keep = n < outlen ? n : outlen - 1;
	memcpy(out, text, keep);
	out[keep] = '\0';
}

/* Writes the year as ISO 8601 does: four digits, or sign and six digits outside 0000..9999. */
static void format_iso_year(int64_t year, char *out, size_t outlen)
{
	if (year >= 0 && year <= ISO_PLAIN_YEAR_MAX)
		snprintf(out, outlen, "%04lld", (long long)year);
	else
		snprintf(out, outlen, "%+0*lld", ISO_EXPANDED_YEAR_DIGITS + 1, (long long)year);
}

void time_format_iso8601(int64_t ms, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return;
	int64_t seconds = floor_div(ms, MS_PER_SECOND);
	int frac = (int)floor_mod(ms, MS_PER_SECOND);
	int64_t year;
	int month, day, hour, minute, second;
	time_to_civil(seconds, &year, &month, &day, &hour, &minute, &second);

	char ybuf[24];
	format_iso_year(year, ybuf, sizeof ybuf);
	if (frac)
		snprintf(out, outlen, "%s-%02d-%02dT%02d:%02d:%02d.%03dZ", ybuf, month, day, hour, minute,
			 second, frac);
	else
		snprintf(out, outlen, "%s-%02d-%02dT%02d:%02d:%02dZ", ybuf, month, day, hour, minute, second);
}

void time_format_imf(int64_t seconds, char *out, size_t outlen)
{
	if (!out || outlen == 0)
		return;
	int64_t year;
	int month, day, hour, minute, second;
	time_to_civil(seconds, &year, &month, &day, &hour, &minute, &second);
	/* 1970-01-01 was a Thursday (index 4 from Sunday). */
	int weekday = (int)floor_mod(floor_div(seconds, SECONDS_PER_DAY) + 4, 7);

	/*
	 * RFC 9110 §5.6.7 gives IMF-fixdate a four-digit year. Years outside
	 * 0000..9999 have no such form; they are written in full (with a '-'
	 * before year 0) rather than cut, so a dump never shows a wrong date.
	 */
	char ybuf[24];
	if (year >= 0)
		snprintf(ybuf, sizeof ybuf, "%04lld", (long long)year);
	else
		snprintf(ybuf, sizeof ybuf, "-%04lld", -(long long)year);
	snprintf(out, outlen, "%s, %02d %s %s %02d:%02d:%02d GMT", weekday_names[weekday], day,
		 month_names[month - 1], ybuf, hour, minute, second);
}
