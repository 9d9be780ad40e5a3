/*
 * report_util.h: what the reporters share. Results carry text bsim did not
 * write itself (scenario names, cookie names and values from Set-Cookie
 * headers), so every reporter decodes it as UTF-8 with replacement before
 * putting it into XML, YAML or JSON, each of which rejects a document with
 * a stray byte. Also the names and formats every report spells the same
 * way: outcomes, trace kinds, virtual times and durations.
 */
#ifndef BSIM_REPORT_UTIL_H
#define BSIM_REPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bsim/report.h"
#include "util/buf.h"
#include "util/timefmt.h"
#include "util/utf8.h"

/*
 * Whether cp must not reach a terminal as it is: a C0 or C1 control or DEL
 * (ECMA-48: ESC and CSI U+009B start sequences that move the cursor or
 * recolour), or a bidirectional formatting character (Unicode UAX #9 §2:
 * ALM U+061C, LRM and RLM U+200E-U+200F, LRE..RLO U+202A-U+202E, LRI..PDI
 * U+2066-U+2069), which reorders the text after it ("Trojan Source",
 * CVE-2021-42574).
 */
bool report_cp_unsafe(uint32_t cp);
/* cp written so that a person sees which it was: "\u{202E}". */
void report_put_cp_escape(buf *b, uint32_t cp);
/*
 * Text from input files for a terminal: decoded as UTF-8 with replacement,
 * every unsafe code point (report_cp_unsafe) escaped as \u{XXXX}, except tab
 * and, when multiline, newline.
 */
void report_put_terminal_text(buf *b, const char *s, size_t len, int multiline);

/* "passed", "failed", "errored", "skipped": the words every report uses. */
const char *report_outcome_name(bsim_outcome o);
/* "cookie", "storage", "event", "tab", "navigation", "session". */
const char *report_trace_kind_name(bsim_trace_kind k);

/*
 * Virtual time `at` since the run's start (bsim_result_start_time: the
 * scenario's now=, bsim run --now, or BSIM_DEFAULT_START_TIME): "00:00:02",
 * "00:00:02.500", hours unbounded ("26:00:00"). out needs REPORT_VTIME_LEN bytes.
 */
#define REPORT_VTIME_LEN TIME_SPAN_LEN
void report_format_vtime(char *out, size_t outlen, bsim_time at, bsim_time start);
/* at, in milliseconds since start. */
int64_t report_vtime_ms(bsim_time at, bsim_time start);

/* A wall-clock duration for people: "0.41 ms", "12.3 ms", "1.23 s". out needs 32 bytes. */
void report_format_duration(char *out, size_t outlen, uint64_t ns);

/*
 * One trace entry of a run that started at `start`, as a line of text,
 * without indentation or newline:
 * "00:00:02  tab 1  cookie-refused:public-suffix  sid: Domain ... (rule; engine)".
 * Bytes are copied as they are; the caller sanitizes for its format.
 */
void report_trace_line(buf *b, const bsim_trace_entry *e, bsim_time start);

/*
 * Write a file report's text to path: "-" is stdout (flushed, and a write
 * error there is an error like any other), anything else goes through the
 * atomic writer. BSIM_EIO with "cannot write report PATH: why".
 */
int report_write_file(const char *path, const buf *text);

/* The length of the first line of s (up to the first '\n'). */
size_t report_first_line_len(const char *s);

/* Counts over results, as every summary gives them. */
typedef struct report_counts {
	size_t passed;
	size_t failed;
	size_t errored;
	size_t skipped;       /* chosen but not run (--fail-fast) */
	uint64_t elapsed_ns;  /* the sum of the results' run times */
} report_counts;
void report_count(report_counts *c, const bsim_result *const *results, size_t n);

/* opts, or the defaults of BSIM_REPORT_OPTIONS_INIT when NULL. */
const bsim_report_options *report_options_or_default(const bsim_report_options *opts);

#endif
