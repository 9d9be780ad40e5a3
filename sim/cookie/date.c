/*
 * date.c: the cookie-date parser behind the Expires attribute, in the two
 * syntaxes of date.h. COOKIE_DATE_RFC6265BIS is the algorithm of RFC 6265bis
 * §5.1.1 step by step. COOKIE_DATE_CHROMIUM models the tokenizer Chromium
 * ships (net/cookies/cookie_util.cc, ParseCookieExpirationTime): it agrees
 * with the RFC on ordinary dates and parts from it on odd ones
 * (browser-rules.md P10), and it saturates years it cannot represent where
 * the RFC fails.
 *
 * Both syntaxes walk s[0..len) once, left to right. Each token is examined a
 * bounded number of times (the field matchers read a few bytes; the only
 * full scan is Chromium's search for ':'), so the work is linear in len for
 * any input; nothing reads past len and no NUL terminator is needed.
 */
#include "cookie/date.h"

#include <string.h>

#include "util/timefmt.h"

/* §5.1.1 steps 3-4, which Chromium copies: two-digit years 70..99 are 19xx, 0..69 are 20xx. */
#define TWO_DIGIT_YEAR_PIVOT 70
#define TWO_DIGIT_YEAR_MAX 99

/* §5.1.1 step 5: the earliest year a cookie-date may name. */
#define RFC_MIN_YEAR 1601
/* §5.1.1 grammar: time-field and day-of-month are 1*2DIGIT, year is 2*4DIGIT. */
#define RFC_FIELD_MAX_DIGITS 2
#define RFC_YEAR_MIN_DIGITS 2
#define RFC_YEAR_MAX_DIGITS 4

/*
 * Chromium: a numeric token of at most 2 characters is the day and one of at
 * most 5 the year; longer ones are skipped because "overflow with atoi() is
 * unspecified". Time fields are read with sscanf("%2u"), width 2.
 */
#define CHROMIUM_DAY_MAX_LEN 2
#define CHROMIUM_YEAR_MAX_LEN 5
#define CHROMIUM_TIME_FIELD_WIDTH 2

/*
 * Saturation, COOKIE_DATE_CHROMIUM only. Chromium hands the fields to
 * base::Time::FromUTCExploded; when that fails but the fields pass
 * Exploded::HasValidValues, a year above the platform's kExplodedMaxYear
 * becomes base::Time::Max() and one below kExplodedMinYear the earliest
 * non-null time (SaturatedTimeFromUTCExploded, same file). The bounds are
 * per platform: Windows 1601..30827, macOS and Android 1902 and up, 64-bit
 * Linux none. bsim saturates outside 1601..30827 (Windows's bounds, and the
 * years base/time/time.h promises to explode on every platform) because:
 *  - a scenario's result must not depend on which host Chromium would run on;
 *  - the jar decides the same under any of those bounds: a date before 1902
 *    is long past (the cookie is expired on arrival) and one after 30827 is
 *    far beyond the 400-day cap the jar applies afterwards (P12);
 *  - every expiry stays printable by timefmt.
 * Max() has no value in seconds; bsim uses the last second of 30827. The
 * earliest non-null time is one microsecond after 1601-01-01T00:00:00Z, which
 * is that second in bsim's whole seconds (Chromium also turns an exact
 * 1601-01-01T00:00:00Z into it, to keep a valid date from reading as "none").
 * The bounds are COOKIE_DATE_CHROMIUM_MIN_YEAR/MAX_YEAR in date.h.
 */

/* Exploded::HasValidValues, the only check a saturated date passes, allows second 60 (a leap second). */
#define CHROMIUM_RANGE_CHECK_MAX_SECOND 60

typedef struct date_token {
	const unsigned char *p;
	size_t n; /* at least 1 */
} date_token;

typedef struct date_fields {
	bool found_time, found_day, found_month, found_year;
	int hour, minute, second;
	int day;   /* 1..31 once checked */
	int month; /* 1..12 */
	int year;
} date_fields;

static const char month_prefixes[12][3] = {
	{'j', 'a', 'n'}, {'f', 'e', 'b'}, {'m', 'a', 'r'}, {'a', 'p', 'r'}, {'m', 'a', 'y'}, {'j', 'u', 'n'},
	{'j', 'u', 'l'}, {'a', 'u', 'g'}, {'s', 'e', 'p'}, {'o', 'c', 't'}, {'n', 'o', 'v'}, {'d', 'e', 'c'},
};

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * §5.1.1 step 1: delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E,
 * that is tab and every ASCII punctuation mark except ':'. Chromium's
 * kDelimiters lists the same set, so one tokenizer serves both syntaxes.
 * Everything else (letters, digits, ':', other controls, NUL, bytes >= 0x7F)
 * is part of a token.
 */
static bool is_delimiter(unsigned char c)
{
	return c == 0x09 || (c >= 0x20 && c <= 0x2F) || (c >= 0x3B && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
	       (c >= 0x7B && c <= 0x7E);
}

/* The next maximal run of non-delimiters at or after *pos; false when none is left. */
static bool next_token(const unsigned char *s, size_t len, size_t *pos, date_token *t)
{
	size_t i = *pos;
	while (i < len && is_delimiter(s[i]))
		i++;
	if (i == len) {
		*pos = len;
		return false;
	}
	size_t start = i;
	while (i < len && !is_delimiter(s[i]))
		i++;
	t->p = s + start;
	t->n = i - start;
	*pos = i;
	return true;
}

static bool all_found(const date_fields *f)
{
	return f->found_time && f->found_day && f->found_month && f->found_year;
}

/* Reads at most max digits from t at *i; returns how many it read. */
static size_t read_digits(const date_token *t, size_t *i, size_t max, int *value)
{
	size_t k = 0;
	int v = 0;
	while (k < max && *i < t->n && is_digit(t->p[*i])) {
		v = v * 10 + (t->p[*i] - '0');
		(*i)++;
		k++;
	}
	*value = v;
	return k;
}

/* The "[ non-digit *OCTET ]" tail of §5.1.1: the token ends at i or goes on with a non-digit. */
static bool ends_or_non_digit(const date_token *t, size_t i)
{
	return i == t->n || !is_digit(t->p[i]);
}

/*
 * The month a token's first three bytes name, in any ASCII case, or 0. Both
 * syntaxes read months so: §5.1.1 month = ( "jan" / ... ) *OCTET (ABNF
 * strings are case-insensitive), Chromium a case-insensitive prefix match.
 */
static int month_of(const date_token *t)
{
	if (t->n < 3)
		return 0;
	for (int m = 0; m < 12; m++) {
		/* c | 0x20 equals a lowercase letter only for that letter and its capital. */
		if ((t->p[0] | 0x20) == month_prefixes[m][0] && (t->p[1] | 0x20) == month_prefixes[m][1] &&
		    (t->p[2] | 0x20) == month_prefixes[m][2])
			return m + 1;
	}
	return 0;
}

/* §5.1.1 steps 3-4. */
static int expand_two_digit_year(int year)
{
	if (year >= TWO_DIGIT_YEAR_PIVOT && year <= TWO_DIGIT_YEAR_MAX)
		return year + 1900;
	if (year >= 0 && year < TWO_DIGIT_YEAR_PIVOT)
		return year + 2000;
	return year;
}

/*
 * §5.1.1 time = hms-time [ non-digit *OCTET ], hms-time = time-field ":"
 * time-field ":" time-field, time-field = 1*2DIGIT. Reading each field
 * greedily is exact: where two digits are present, stopping after one would
 * leave a digit where ':' or a non-digit is required.
 */
static bool rfc_match_time(const date_token *t, date_fields *f)
{
	int v[3];
	size_t i = 0;
	for (int k = 0; k < 3; k++) {
		if (k > 0) {
			if (i == t->n || t->p[i] != ':')
				return false;
			i++;
		}
		if (read_digits(t, &i, RFC_FIELD_MAX_DIGITS, &v[k]) == 0)
			return false;
	}
	if (!ends_or_non_digit(t, i))
		return false;
	f->hour = v[0];
	f->minute = v[1];
	f->second = v[2];
	return true;
}

/* §5.1.1 day-of-month = 1*2DIGIT [ non-digit *OCTET ]: "15th" is day 15. */
static bool rfc_match_day(const date_token *t, date_fields *f)
{
	size_t i = 0;
	int v;
	if (read_digits(t, &i, RFC_FIELD_MAX_DIGITS, &v) == 0 || !ends_or_non_digit(t, i))
		return false;
	f->day = v;
	return true;
}

/* §5.1.1 year = 2*4DIGIT [ non-digit *OCTET ]: "2017AD" is 2017; "7" and "20170" are not years. */
static bool rfc_match_year(const date_token *t, date_fields *f)
{
	size_t i = 0;
	int v;
	if (read_digits(t, &i, RFC_YEAR_MAX_DIGITS, &v) < RFC_YEAR_MIN_DIGITS || !ends_or_non_digit(t, i))
		return false;
	f->year = v;
	return true;
}

/*
 * time_optional: Firefox hands Expires to NSPR's PR_ParseTimeString, which
 * takes a date without a time as midnight UTC ("Jan 1 1999"; Firefox ESR 153
 * run, tests/oracle/traces/p10-expires-formats.ops). bsim models only that
 * difference from the RFC algorithm, not NSPR's whole grammar.
 */
static bool parse_rfc6265bis(const unsigned char *s, size_t len, bool time_optional, int64_t *out)
{
	date_fields f = {0};
	size_t pos = 0;
	date_token t;

	/*
	 * Step 2: each token, in order, fills the first still-empty field whose
	 * production it matches, trying time, day-of-month, month, year in that
	 * order; a token matching none is skipped. Once all four are found no
	 * later token can change anything, so the walk stops there.
	 */
	while (!all_found(&f) && next_token(s, len, &pos, &t)) {
		if (!f.found_time && rfc_match_time(&t, &f)) {
			f.found_time = true; /* step 2.1 */
		} else if (!f.found_day && rfc_match_day(&t, &f)) {
			f.found_day = true; /* step 2.2 */
		} else if (!f.found_month && (f.month = month_of(&t)) != 0) {
			f.found_month = true; /* step 2.3 */
		} else if (!f.found_year && rfc_match_year(&t, &f)) {
			f.found_year = true; /* step 2.4 */
		}
	}

	/* Step 5, first bullet: all four fields are required. */
	if (time_optional && !f.found_time) {
		f.found_time = true;
		f.hour = f.minute = f.second = 0;
	}
	if (!all_found(&f))
		return false;
	/* Steps 3 and 4: the value, not the digit count, decides: "0069" is 2069 too. */
	f.year = expand_two_digit_year(f.year);
	/* Step 5: the ranges. (Leap seconds cannot be written.) */
	if (f.day < 1 || f.day > 31 || f.year < RFC_MIN_YEAR || f.hour > 23 || f.minute > 59 || f.second > 59)
		return false;
	/* Step 6: the date must exist: no 31 April, no 29 February in a common year. */
	if (f.day > time_days_in_month(f.year, f.month))
		return false;
	*out = time_from_civil(f.year, f.month, f.day, f.hour, f.minute, f.second);
	return true;
}

/* atoi on the token: its leading digits. A token starts with a digit; any other byte, NUL included, ends the number. */
static int chromium_leading_number(const date_token *t)
{
	size_t i = 0;
	int v;
	read_digits(t, &i, CHROMIUM_YEAR_MAX_LEN, &v);
	return v;
}

/*
 * sscanf(token, "%2u:%2u:%2u") == 3. Each %2u first skips white space
 * (isspace in the C locale); space and tab are delimiters, so inside a token
 * that leaves \n \v \f \r. The sign %u would also accept cannot occur: '+'
 * and '-' are delimiters. sscanf reads the token as a C string, so a NUL ends
 * it, which the digit and ':' tests below already do. Only the conversion
 * count is checked: whatever follows the seconds ("22GMT", "223") is ignored.
 */
static bool chromium_scan_time(const date_token *t, date_fields *f)
{
	int v[3];
	size_t i = 0;
	for (int k = 0; k < 3; k++) {
		if (k > 0) {
			if (i == t->n || t->p[i] != ':')
				return false;
			i++;
		}
		while (i < t->n && t->p[i] >= 0x0A && t->p[i] <= 0x0D)
			i++;
		if (read_digits(t, &i, CHROMIUM_TIME_FIELD_WIDTH, &v[k]) == 0)
			return false;
	}
	f->hour = v[0];
	f->minute = v[1];
	f->second = v[2];
	return true;
}

static bool parse_chromium(const unsigned char *s, size_t len, int64_t *out)
{
	date_fields f = {0};
	size_t pos = 0;
	date_token t;

	/* Stopping once all four are found is safe here too: every branch below needs an empty field. */
	while (!all_found(&f) && next_token(s, len, &pos, &t)) {
		if (!is_digit(t.p[0])) {
			/*
			 * A token not starting with a digit can only be the month ("Januar", "Apri"); zone names
			 * and weekdays are skipped.
			 */
			if (!f.found_month && (f.month = month_of(&t)) != 0)
				f.found_month = true;
		} else if (memchr(t.p, ':', t.n)) {
			/*
			 * A numeric token with a colon is only ever the time: the first
			 * that scans wins, and one that does not scan is dropped, never
			 * read as a day or year as the RFC may ("12:30" is its day 12).
			 */
			if (!f.found_time && chromium_scan_time(&t, &f))
				f.found_time = true;
		} else if (!f.found_day && t.n <= CHROMIUM_DAY_MAX_LEN) {
			/* By length, not digits: "1a" is day 1, "15th" (4 bytes) falls through to the year. */
			f.day = chromium_leading_number(&t);
			f.found_day = true;
		} else if (!f.found_year && t.n <= CHROMIUM_YEAR_MAX_LEN) {
			f.year = chromium_leading_number(&t);
			f.found_year = true;
		}
	}

	if (!all_found(&f))
		return false;
	f.year = expand_two_digit_year(f.year);

	if (f.year < COOKIE_DATE_CHROMIUM_MIN_YEAR || f.year > COOKIE_DATE_CHROMIUM_MAX_YEAR) {
		/*
		 * Out of range: Exploded::HasValidValues checks field ranges only,
		 * not the calendar ("31 Apr 40000" saturates), and allows second 60.
		 */
		if (f.day < 1 || f.day > 31 || f.hour > 23 || f.minute > 59 ||
		    f.second > CHROMIUM_RANGE_CHECK_MAX_SECOND)
			return false;
		if (f.year < COOKIE_DATE_CHROMIUM_MIN_YEAR)
			*out = COOKIE_DATE_CHROMIUM_EARLIEST;
		else
			*out = COOKIE_DATE_CHROMIUM_LATEST;
		return true;
	}
	/*
	 * In range, FromUTCExploded succeeds only for a real instant: it converts
	 * and explodes the result again, and a 31 April or a second 60 does not
	 * come back unchanged, so the date is refused (no saturation applies).
	 */
	if (f.day < 1 || f.day > time_days_in_month(f.year, f.month) || f.hour > 23 || f.minute > 59 || f.second > 59)
		return false;
	*out = time_from_civil(f.year, f.month, f.day, f.hour, f.minute, f.second);
	return true;
}

bool cookie_date_parse(const char *s, size_t len, cookie_date_syntax syntax, int64_t *out_seconds)
{
	if (!s)
		return false;
	const unsigned char *u = (const unsigned char *)s;
	int64_t t = 0;
	bool ok = syntax == COOKIE_DATE_CHROMIUM ? parse_chromium(u, len, &t)
						 : parse_rfc6265bis(u, len, syntax == COOKIE_DATE_FIREFOX, &t);
	if (ok && out_seconds)
		*out_seconds = t;
	return ok;
}
