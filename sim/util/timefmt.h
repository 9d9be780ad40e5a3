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

/*
 * Parse "2015-01-01", "2015-01-01T00:00:00Z", "2015-01-01T10:00:00+02:00",
 * with optional fractional seconds, into milliseconds since the epoch.
 * Returns false for anything else.
 */
bool time_parse_iso8601(const char *s, int64_t *out_ms);

/* "2015-01-01T00:00:00Z" (".123" added when ms is not whole seconds). out needs 32 bytes. */
void time_format_iso8601(int64_t ms, char *out, size_t outlen);

/* "Thu, 01 Jan 2015 00:00:00 GMT". out needs 32 bytes. */
void time_format_imf(int64_t seconds, char *out, size_t outlen);

#endif
