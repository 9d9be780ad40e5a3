/*
 * timefmt.h: reading and writing instants as text (ISO 8601 for the
 * command line and dumps, IMF-fixdate as HTTP writes it). Pure arithmetic on
 * the proleptic Gregorian calendar in UTC: no locale, no time zone database,
 * no wall clock.
 */
#ifndef BSIM_UTIL_TIMEFMT_H
#define BSIM_UTIL_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seconds since 1970-01-01T00:00:00Z for a UTC civil date and time (no range check). */
int64_t time_from_civil(int64_t year, int month, int day, int hour, int minute, int second);
/* The inverse of time_from_civil. */
void time_to_civil(int64_t seconds, int64_t *year, int *month, int *day, int *hour, int *minute,
		   int *second);

/* Gregorian leap year: every 4th year, except centuries not divisible by 400 (1600 and 2000 are, 1900 and 2100 are not). */
bool time_is_leap_year(int64_t year);
/* Days in month 1..12 of year (28..31), or 0 for a month outside 1..12. */
int time_days_in_month(int64_t year, int month);

/*
 * Parse "2015-01-01", "2015-01-01T00:00:00Z", "2015-01-01T10:00:00+02:00",
 * with optional fractional seconds, into milliseconds since the epoch.
 * Returns false for anything else.
 * Also accepted: hh:mm without seconds, a ',' before the fraction (digits
 * past the third are dropped), lowercase 't'/'z', an offset of "±hh", and the
 * expanded years "+010000"/"-000001" that time_format_iso8601 writes. Refused:
 * a date-time without a zone (bsim has no local time), 24:00, second 60.
 */
bool time_parse_iso8601(const char *s, int64_t *out_ms);

/*
 * Latest instant a virtual clock may start at or reach: 9999-12-31T23:59:59.999Z,
 * the last one an ISO 8601 four-digit year can print. It also keeps the
 * millisecond clock and what is added to it far from overflowing int64.
 */
#define TIME_INSTANT_MAX_MS INT64_C(253402300799999)

/*
 * An instant a person gives for a virtual clock (bsim cookie --now,
 * bsim run --now, a scenario's now=): time_parse_iso8601, and at most
 * TIME_INSTANT_MAX_MS. Returns false for anything else (out_ms untouched).
 */
bool time_parse_instant(const char *s, int64_t *out_ms);

/*
 * at - start, saturated to the int64 range: a clock that started far back
 * (now= takes years before 1970) and waited past 2^62 would otherwise
 * overflow the difference.
 */
int64_t time_since(int64_t at, int64_t start);

/*
 * A span of ms milliseconds as "HH:MM:SS", with ".mmm" when not whole
 * seconds and a leading '-' when negative; hours unbounded ("26:00:00").
 * Cut to outlen - 1 bytes as snprintf cuts; TIME_SPAN_LEN always fits.
 * Failure messages, stories and every report's trace lines write virtual
 * times with it.
 */
#define TIME_SPAN_LEN 32
void time_format_span(int64_t ms, char *out, size_t outlen);

/* v in decimal at p, zero-padded to at least width digits (width <= 20); returns the bytes written, at most 20. */
size_t time_format_decimal(char *p, uint64_t v, size_t width);

/*
 * "2015-01-01T00:00:00Z" (".123" added when ms is not whole seconds). out needs 32 bytes.
 * Years outside 0000..9999 are written "+030827" / "-000001" (sign and six digits).
 */
void time_format_iso8601(int64_t ms, char *out, size_t outlen);

/*
 * "Thu, 01 Jan 2015 00:00:00 GMT". out needs 32 bytes (enough for years up to
 * six digits; longer output is cut at outlen and still NUL-terminated).
 * Years outside 0000..9999, which IMF-fixdate cannot express, are written in full.
 */
void time_format_imf(int64_t seconds, char *out, size_t outlen);

#endif
