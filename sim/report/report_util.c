/*
 * report_util.c: the helpers of report_util.h: terminal-safe text, and the
 * names and time formats all reports share.
 */
#include "report/report_util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/atomic_file.h"
#include "util/timefmt.h"

bool report_cp_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void report_put_cp_escape(buf *b, uint32_t cp)
{
	buf_printf(b, "\\u{%04" PRIX32 "}", cp);
}

void report_put_terminal_text(buf *b, const char *s, size_t len, int multiline)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t used = utf8_next(s + i, len - i, &cp);
		if (report_cp_unsafe(cp) && cp != '\t' && !(multiline && cp == '\n'))
			report_put_cp_escape(b, cp);
		else
			utf8_put(b, cp);
		i += used;
	}
}

const char *report_outcome_name(bsim_outcome o)
{
	switch (o) {
	case BSIM_PASSED:
		return "passed";
	case BSIM_FAILED:
		return "failed";
	case BSIM_ERRORED:
		return "errored";
	case BSIM_SKIPPED:
		return "skipped";
	}
	return "errored";
}

const char *report_trace_kind_name(bsim_trace_kind k)
{
	switch (k) {
	case BSIM_TRACE_COOKIE:
		return "cookie";
	case BSIM_TRACE_STORAGE:
		return "storage";
	case BSIM_TRACE_EVENT:
		return "event";
	case BSIM_TRACE_TAB:
		return "tab";
	case BSIM_TRACE_NAVIGATION:
		return "navigation";
	case BSIM_TRACE_SESSION:
		return "session";
	case BSIM_TRACE_REQUEST:
		return "request";
	}
	return "unknown";
}

int64_t report_vtime_ms(bsim_time at, bsim_time start)
{
	return time_since(at, start);
}

void report_format_vtime(char *out, size_t outlen, bsim_time at, bsim_time start)
{
	/* Only a profile loaded from elsewhere could hold a negative time; it reads with its '-'. */
	time_format_span(report_vtime_ms(at, start), out, outlen);
}

void report_format_duration(char *out, size_t outlen, uint64_t ns)
{
	double ms = (double)ns / 1e6;
	if (ms < 10)
		snprintf(out, outlen, "%.2f ms", ms);
	else if (ms < 1000)
		snprintf(out, outlen, "%.1f ms", ms);
	else
		snprintf(out, outlen, "%.2f s", ms / 1000);
}

void report_trace_line(buf *b, const bsim_trace_entry *e, bsim_time start)
{
	char at[REPORT_VTIME_LEN];
	report_format_vtime(at, sizeof at, e->at, start);
	buf_puts(b, at);
	if (e->tab >= 0) {
		char tab[8 + 20];
		memcpy(tab, "  tab ", 6);
		buf_put(b, tab, 6 + time_format_decimal(tab + 6, (uint64_t)e->tab, 1));
	}
	/* Appends, not printf: every reporter writes every trace line through here. */
	buf_put(b, "  ", 2);
	buf_puts(b, e->code ? e->code : "");
	if (e->message && *e->message) {
		buf_put(b, "  ", 2);
		buf_puts(b, e->message);
	}
}

size_t report_first_line_len(const char *s)
{
	return strcspn(s, "\n");
}

void report_count(report_counts *c, const bsim_result *const *results, size_t n)
{
	*c = (report_counts){0, 0, 0, 0, 0};
	for (size_t i = 0; i < n; i++) {
		switch (bsim_result_outcome(results[i])) {
		case BSIM_PASSED:
			c->passed++;
			break;
		case BSIM_FAILED:
			c->failed++;
			break;
		case BSIM_ERRORED:
			c->errored++;
			break;
		case BSIM_SKIPPED:
			c->skipped++;
			break;
		}
		c->elapsed_ns += bsim_result_elapsed_ns(results[i]);
	}
}

const bsim_report_options *report_options_or_default(const bsim_report_options *opts)
{
	static const bsim_report_options defaults = BSIM_REPORT_OPTIONS_INIT;
	return opts ? opts : &defaults;
}

int report_write_file(const char *path, const buf *text)
{
	if (strcmp(path, "-") != 0)
		return atomic_file_replace(path, text->ptr ? text->ptr : "", text->len, 0666, "write report");
	errno = 0;
	if (fwrite(text->ptr ? text->ptr : "", 1, text->len, stdout) != text->len || fflush(stdout) != 0)
		return error_set(BSIM_EIO, "cannot write report - (stdout): %s", strerror(errno ? errno : EIO));
	return 0;
}
