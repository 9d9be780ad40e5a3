/*
 * tap.c: results as TAP version 14 (testanything.org/tap-version-14-specification),
 * for harnesses such as prove that read the Test Anything Protocol:
 *
 *   TAP version 14
 *   1..N
 *   ok 1 - NAME [engine]
 *   not ok 2 - NAME [engine]
 *     ---
 *     outcome: failed
 *     message: |
 *       FILE:LINE:COL: expectation failed: ...
 *     file: "FILE"
 *     line: 9
 *     seed: 7
 *     ...
 *   # 1 passed, 1 failed
 *
 * The plan comes first (every result is known when the report is written).
 * The YAML block stays inside the subset that TAP harnesses' own YAML
 * readers take (prove's YAMLish): plain `key: value`, double-quoted strings
 * and `|` block scalars. No time is written, so TAP output is identical run
 * to run. An expected failure is an `ok` (bsim counts it as passed), not a
 * `# TODO`, which would tell the harness the test is not yet meant to pass.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "bsim/report.h"
#include "report/report_util.h"
#include "util/buf.h"
#include "util/error.h"

/*
 * A test point's description: TAP 14 gives `#` (which starts a directive)
 * and `\` escapes; a line break or a tab would end or break up the test
 * line, so it becomes a space, and another control or a bidi character is
 * escaped as \u{XXXX} (report_cp_unsafe).
 */
static void put_description(buf *b, const char *s)
{
	size_t len = strlen(s);
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t used = utf8_next(s + i, len - i, &cp);
		if (cp == '#' || cp == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)cp);
		} else if (cp == '\n' || cp == '\r' || cp == '\t') {
			buf_putc(b, ' ');
		} else if (report_cp_unsafe(cp)) {
			report_put_cp_escape(b, cp); /* as the terminal shows it: a name cannot reorder or recolour the line */
		} else {
			utf8_put(b, cp);
		}
		i += used;
	}
}

/* YAML §5.1: a printable character (tab is allowed in content); the rest is replaced. */
static uint32_t yaml_printable(uint32_t cp)
{
	if ((cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp <= 0x9F && cp != 0x85) || cp == 0xFFFE ||
	    cp == 0xFFFF)
		return UTF8_REPLACEMENT;
	return cp;
}

/* A YAML double-quoted scalar, on one line. */
static void put_quoted(buf *b, const char *s, size_t len)
{
	buf_putc(b, '"');
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t used = utf8_next(s + i, len - i, &cp);
		if (cp == '"' || cp == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)cp);
		} else if (cp == '\t') {
			buf_puts(b, "\\t");
		} else if (cp == '\n') {
			buf_puts(b, "\\n");
		} else if (report_cp_unsafe(cp)) {
			/* YAML 1.2 §5.7 escapes: the harness reads the character back, a terminal shows the escape. */
			buf_printf(b, "\\u%04X", (unsigned)cp);
		} else {
			utf8_put(b, yaml_printable(cp));
		}
		i += used;
	}
	buf_putc(b, '"');
}

/*
 * `key: |` and a block scalar, each line indented two more than the
 * key. An empty line keeps the indentation, since YAMLish ends the block
 * at the first line indented less than the first.
 */
static void put_block(buf *b, const char *key, const char *s)
{
	size_t len = strlen(s);
	/* A block's indentation is read from its first line: one that starts blank goes quoted. */
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '\n') {
		buf_printf(b, "  %s: ", key);
		put_quoted(b, s, len);
		buf_putc(b, '\n');
		return;
	}
	buf_printf(b, "  %s: |\n", key);
	while (len > 0 && s[len - 1] == '\n')
		len--;
	size_t start = 0;
	for (;;) {
		size_t end = start;
		while (end < len && s[end] != '\n')
			end++;
		buf_puts(b, "    ");
		size_t i = start;
		while (i < end) {
			uint32_t cp;
			size_t used = utf8_next(s + i, end - i, &cp);
			/* A carriage return would be read as a line break. */
			if (cp == '\r')
				utf8_put(b, UTF8_REPLACEMENT);
			else if (cp != '\t' && report_cp_unsafe(cp))
				report_put_cp_escape(b, cp);
			else
				utf8_put(b, yaml_printable(cp));
			i += used;
		}
		buf_putc(b, '\n');
		if (end >= len)
			break;
		start = end + 1;
	}
}

static void put_point(buf *b, const bsim_result *r, size_t number, const bsim_report_options *opts)
{
	const bsim_scenario *sc = bsim_result_scenario(r);
	bsim_outcome outcome = bsim_result_outcome(r);
	int failed = outcome == BSIM_FAILED || outcome == BSIM_ERRORED;
	buf_printf(b, "%s %zu - ", failed ? "not ok" : "ok", number);
	put_description(b, bsim_scenario_name(sc));
	buf_printf(b, " [%s]", bsim_engine_name(bsim_scenario_engine(sc)));
	if (outcome == BSIM_SKIPPED) {
		/* TAP 14 "Directives": an ok point with # SKIP and the reason, which harnesses count as skipped. */
		buf_puts(b, " # SKIP ");
		put_description(b, bsim_result_message(r));
		buf_putc(b, '\n');
		return;
	}
	buf_putc(b, '\n');

	size_t n_trace = bsim_result_trace_count(r);
	int with_trace = n_trace > 0 && (opts->trace == BSIM_TRACE_ALL ||
					 (failed && opts->trace == BSIM_TRACE_FAILING));
	if (!failed && !with_trace)
		return;

	buf_puts(b, "  ---\n");
	buf_printf(b, "  outcome: %s\n", report_outcome_name(outcome));
	if (failed) {
		const char *message = bsim_result_message(r);
		put_block(b, "message", message && *message ? message : report_outcome_name(outcome));
		/* The failing step's location; the scenario's own when the run gave none. */
		const char *file = bsim_result_fail_file(r);
		int line = bsim_result_fail_line(r);
		if (!file) {
			file = bsim_scenario_file(sc);
			line = bsim_scenario_line(sc);
		}
		buf_puts(b, "  file: ");
		put_quoted(b, file, strlen(file));
		buf_printf(b, "\n  line: %d\n", line);
		buf_printf(b, "  seed: %" PRIu64 "\n", bsim_result_seed(r));
	}
	if (with_trace) {
		buf line = BUF_INIT;
		buf_puts(b, "  trace:\n");
		for (size_t i = 0; i < n_trace; i++) {
			buf_clear(&line);
			report_trace_line(&line, bsim_result_trace_at(r, i), bsim_result_start_time(r));
			buf_puts(b, "    - ");
			put_quoted(b, buf_cstr(&line), line.len);
			buf_putc(b, '\n');
		}
		if (buf_status(&line) < 0)
			b->failed = true;
		buf_free(&line);
	}
	buf_puts(b, "  ...\n");
}

int bsim_report_tap(FILE *out, const bsim_result *const *results, size_t n, const bsim_report_options *opts)
{
	opts = report_options_or_default(opts);
	int rc = 0;
	buf b = BUF_INIT;
	report_counts c;
	report_count(&c, results, n);
	buf_printf(&b, "TAP version 14\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++)
		put_point(&b, results[i], i + 1, opts);
	buf_printf(&b, "# %zu passed, %zu failed", c.passed, c.failed);
	if (c.errored)
		buf_printf(&b, ", %zu errored", c.errored);
	if (c.skipped)
		buf_printf(&b, ", %zu skipped", c.skipped);
	buf_putc(&b, '\n');
	if ((rc = buf_status(&b)) < 0)
		goto out;
	if (fwrite(b.ptr, 1, b.len, out) != b.len || fflush(out) != 0) {
		rc = error_set(BSIM_EIO, "cannot write the TAP report");
		goto out;
	}
out:
	buf_free(&b);
	return rc;
}
