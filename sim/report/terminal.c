/*
 * terminal.c: what a person (or a CI log) reads while bsim runs. One
 * progress line per result, in suite order:
 *
 *   [ 2/12] FAIL  scenarios/bugs/github-io.xml:3  chat restores [firefox]  0.41 ms
 *
 * then the summary: each failure in full (the message already leads with
 * FILE:LINE:COL, gives the cause from the trace and the replay command),
 * the trace when asked for, and last the line CI greps for:
 *
 *   11 passed, 1 failed in 4.52 ms
 *
 * (", N errored" and ", N skipped" when there are any: a scenario not run
 * after --fail-fast stopped the run is skipped.)
 * The time is the scenarios' own run time, summed (under -j it exceeds the
 * wall time). Colour is the caller's decision (a terminal and no NO_COLOR);
 * text from scenario files is printed with control and bidi characters
 * escaped (\u{202E}), so a scenario name cannot move the cursor, recolour
 * the terminal or reorder the line.
 */
#include <string.h>

#include "bsim/report.h"
#include "report/report_util.h"
#include "util/buf.h"
#include "util/error.h"

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_GREEN "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_DIM "\033[2m"

/* Text from input files: controls and bidi characters escaped (report_put_terminal_text). */
static void put_text_n(buf *b, const char *s, size_t len, int multiline)
{
	report_put_terminal_text(b, s, len, multiline);
}

static void put_text(buf *b, const char *s, int multiline)
{
	if (s)
		put_text_n(b, s, strlen(s), multiline);
}

static void put_colored(buf *b, const char *color, const char *text, const bsim_report_options *opts)
{
	if (opts->color && *color)
		buf_printf(b, "%s%s%s", color, text, ANSI_RESET);
	else
		buf_puts(b, text);
}

static const char *outcome_label(bsim_outcome o, const char **color)
{
	switch (o) {
	case BSIM_PASSED:
		*color = ANSI_GREEN;
		return "PASS ";
	case BSIM_FAILED:
		*color = ANSI_RED ANSI_BOLD;
		return "FAIL ";
	case BSIM_ERRORED:
		*color = ANSI_YELLOW ANSI_BOLD;
		return "ERROR";
	case BSIM_SKIPPED:
		*color = ANSI_DIM;
		return "SKIP ";
	}
	*color = ANSI_YELLOW;
	return "ERROR";
}

/* "NAME [engine]" */
static void put_title(buf *b, const bsim_scenario *sc)
{
	put_text(b, bsim_scenario_name(sc), 0);
	buf_printf(b, " [%s]", bsim_engine_name(bsim_scenario_engine(sc)));
}

static int write_out(FILE *out, buf *b)
{
	int rc = buf_status(b);
	if (rc < 0)
		return rc;
	if (fwrite(b->ptr ? b->ptr : "", 1, b->len, out) != b->len || fflush(out) != 0)
		return error_set(BSIM_EIO, "cannot write the report to the terminal");
	return 0;
}

static size_t digits(size_t n)
{
	size_t d = 1;
	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

int bsim_report_progress(FILE *out, const bsim_result *r, size_t index, size_t total,
			 const bsim_report_options *opts)
{
	opts = report_options_or_default(opts);
	const bsim_scenario *sc = bsim_result_scenario(r);
	const char *color;
	const char *label = outcome_label(bsim_result_outcome(r), &color);
	buf b = BUF_INIT;
	buf_printf(&b, "[%*zu/%zu] ", (int)digits(total), index, total);
	put_colored(&b, color, label, opts);
	buf_puts(&b, " ");
	put_text(&b, bsim_scenario_file(sc), 0);
	buf_printf(&b, ":%d  ", bsim_scenario_line(sc));
	put_title(&b, sc);
	if (bsim_result_outcome(r) == BSIM_PASSED && bsim_result_expected_failure(r)) {
		buf_puts(&b, "  (failed as expected");
		const char *declared = bsim_scenario_expect_failure(sc);
		if (declared) {
			buf_puts(&b, ": ");
			put_text(&b, declared, 0);
		}
		buf_putc(&b, ')');
	}
	if (opts->timing) {
		char t[32];
		report_format_duration(t, sizeof t, bsim_result_elapsed_ns(r));
		buf_puts(&b, "  ");
		put_colored(&b, ANSI_DIM, t, opts);
	}
	buf_putc(&b, '\n');
	/* Warnings a passing run would otherwise hide: a Cookie header common servers refuse. */
	size_t n_trace = bsim_result_trace_count(r);
	for (size_t i = 0; i < n_trace; i++) {
		const bsim_trace_entry *e = bsim_result_trace_at(r, i);
		if (strcmp(e->code, "request-header-large") != 0)
			continue;
		buf_puts(&b, "  warning: ");
		put_text(&b, e->message, 0);
		buf_putc(&b, '\n');
	}
	int rc = write_out(out, &b);
	buf_free(&b);
	return rc;
}

static void put_trace(buf *b, const bsim_result *r)
{
	size_t n = bsim_result_trace_count(r);
	buf line = BUF_INIT;
	buf_printf(b, "  trace (%zu %s):\n", n, n == 1 ? "entry" : "entries");
	for (size_t i = 0; i < n; i++) {
		buf_clear(&line);
		report_trace_line(&line, bsim_result_trace_at(r, i), bsim_result_start_time(r));
		buf_puts(b, "    ");
		put_text_n(b, buf_cstr(&line), line.len, 0);
		buf_putc(b, '\n');
	}
	if (buf_status(&line) < 0)
		b->failed = true;
	buf_free(&line);
}

/* One result in full: a title line, the message, the trace when asked for. */
static void put_block(buf *b, const bsim_result *r, int with_trace, const bsim_report_options *opts)
{
	const bsim_scenario *sc = bsim_result_scenario(r);
	bsim_outcome outcome = bsim_result_outcome(r);
	const char *color;
	const char *label = outcome_label(outcome, &color);
	const char *message = bsim_result_message(r);
	buf_putc(b, '\n');
	put_colored(b, color, label, opts);
	buf_puts(b, " ");
	put_title(b, sc);
	if (outcome == BSIM_PASSED && bsim_result_expected_failure(r))
		buf_puts(b, "  (failed as expected)");
	buf_putc(b, '\n');
	if (message && *message) {
		size_t len = strlen(message);
		put_text_n(b, message, len, 1);
		if (message[len - 1] != '\n')
			buf_putc(b, '\n');
	} else if (outcome != BSIM_PASSED) {
		/* A failure without a message would say nothing: say where, at least. */
		put_text(b, bsim_scenario_file(sc), 0);
		buf_printf(b, ":%d:%d: %s\n", bsim_scenario_line(sc), bsim_scenario_column(sc),
			   report_outcome_name(outcome));
	}
	if (with_trace)
		put_trace(b, r);
}

int bsim_report_summary(FILE *out, const bsim_result *const *results, size_t n, const bsim_report_options *opts)
{
	opts = report_options_or_default(opts);
	buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		bsim_outcome o = bsim_result_outcome(results[i]);
		if (o == BSIM_SKIPPED)
			continue; /* counted below; the run said why it stopped */
		int failed = o != BSIM_PASSED;
		int with_trace = opts->trace == BSIM_TRACE_ALL || (failed && opts->trace == BSIM_TRACE_FAILING);
		if (failed || opts->trace == BSIM_TRACE_ALL)
			put_block(&b, results[i], with_trace, opts);
	}

	report_counts c;
	report_count(&c, results, n);
	char count[64];
	buf_putc(&b, '\n');
	snprintf(count, sizeof count, "%zu passed", c.passed);
	put_colored(&b, c.passed && !c.failed && !c.errored ? ANSI_GREEN ANSI_BOLD : "", count,
		    opts);
	snprintf(count, sizeof count, "%zu failed", c.failed);
	buf_puts(&b, ", ");
	put_colored(&b, c.failed ? ANSI_RED ANSI_BOLD : "", count, opts);
	if (c.errored) {
		snprintf(count, sizeof count, "%zu errored", c.errored);
		buf_puts(&b, ", ");
		put_colored(&b, ANSI_YELLOW ANSI_BOLD, count, opts);
	}
	if (c.skipped) {
		snprintf(count, sizeof count, "%zu skipped", c.skipped);
		buf_puts(&b, ", ");
		put_colored(&b, ANSI_YELLOW, count, opts);
	}
	if (opts->timing) {
		char t[32];
		report_format_duration(t, sizeof t, c.elapsed_ns);
		buf_printf(&b, " in %s", t);
	}
	buf_putc(&b, '\n');
	int rc = write_out(out, &b);
	buf_free(&b);
	return rc;
}
