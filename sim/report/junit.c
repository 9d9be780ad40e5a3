/*
 * junit.c: the JUnit XML report that GitLab, Jenkins and GitHub test
 * reporters read. JUnit XML has no official schema; this writes the
 * de-facto set they agree on (docs/report-formats.md):
 *
 *   testsuites (name, tests, failures, errors, skipped, time)
 *     testsuite per scenario file (name = file, same counts, time, file)
 *       testcase per scenario and engine (name "NAME [engine]",
 *                 classname = file, time, file and line of the failing
 *                 step, else of the scenario)
 *         failure|error (message = first line, type; text = the whole
 *                 message and the trace), system-out = the trace;
 *         or skipped (message: why it did not run, e.g. --fail-fast)
 *
 * With BSIM_JUNIT_JENKINS it leaves out what the Jenkins xunit plugin's
 * junit-10 schema does not allow (docs/junit-jenkins.xsd: testsuites@skipped,
 * testsuite@file, testcase@file and @line): the failing step's location is
 * still the first line of the failure's text.
 *
 * GitLab shows testcase@classname as the suite and keys a test by classname
 * and name, dropping later duplicates: the engine in the name keeps the
 * copies of one scenario apart. Counts always add up (tests = passed +
 * failures + errors + skipped), times are seconds, and no timestamp is written, so
 * the file depends only on the results (and on timing, which --no-timing
 * turns to 0).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/report.h"
#include "report/report_util.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

/* docs/junit-jenkins.xsd, compiled in (scripts/embed_schema.py). */
extern const char report_junit_jenkins_xsd[];
extern const size_t report_junit_jenkins_xsd_len;

/*
 * XML 1.0 §2.2 Char: tab, newline, carriage return and U+0020 up, less the
 * surrogates and U+FFFE/U+FFFF. Anything else is not allowed even as a
 * character reference, so it is replaced.
 */
static int xml_char_allowed(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp != 0xFFFE && cp != 0xFFFF;
}

/* A byte written as it is in text and attributes alike: printable ASCII but the markup characters. */
static inline bool xml_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>' && c != '"';
}

/*
 * Escape s[0..len) for element text (attr 0) or a double-quoted attribute
 * value (attr 1). In an attribute, tab and newlines are written as
 * character references, or attribute-value normalization (§3.3.3) would
 * turn them into spaces; in text a carriage return is, or end-of-line
 * handling (§2.11) would drop it.
 */
static void xml_put_n(buf *b, const char *s, size_t len, int attr)
{
	size_t i = 0;
	while (i < len) {
		/*
		 * Runs of plain bytes are copied whole: a widget scenario's trace is
		 * thousands of lines, and one call per character made the JUnit
		 * report a third of `bsim run --junit`.
		 */
		size_t run = i;
		while (run < len && xml_plain((unsigned char)s[run]))
			run++;
		if (run > i) {
			buf_put(b, s + i, run - i);
			i = run;
			if (i == len)
				break;
		}
		uint32_t cp;
		size_t used = utf8_next(s + i, len - i, &cp);
		if (!xml_char_allowed(cp))
			cp = UTF8_REPLACEMENT;
		switch (cp) {
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '"':
			buf_puts(b, attr ? "&quot;" : "\"");
			break;
		case '\t':
			buf_puts(b, attr ? "&#9;" : "\t");
			break;
		case '\n':
			buf_puts(b, attr ? "&#10;" : "\n");
			break;
		case '\r':
			buf_puts(b, "&#13;");
			break;
		default:
			if (cp == UTF8_REPLACEMENT || used > 1)
				utf8_put(b, cp);
			else
				buf_putc(b, (char)cp);
		}
		i += used;
	}
}

static void xml_put(buf *b, const char *s, int attr)
{
	if (s)
		xml_put_n(b, s, strlen(s), attr);
}

static void put_seconds(buf *b, uint64_t ns, const bsim_report_options *opts)
{
	if (!opts->timing)
		buf_puts(b, "0");
	else
		buf_printf(b, "%.6f", (double)ns / 1e9);
}

static void put_trace(buf *b, const bsim_result *r)
{
	buf line = BUF_INIT;
	size_t n = bsim_result_trace_count(r);
	for (size_t i = 0; i < n; i++) {
		buf_clear(&line);
		report_trace_line(&line, bsim_result_trace_at(r, i), bsim_result_start_time(r));
		if (buf_status(&line) < 0) {
			b->failed = true;
			break;
		}
		xml_put_n(b, line.ptr, line.len, 0);
		buf_putc(b, '\n');
	}
	buf_free(&line);
}

/* The strict schema when asked for (a version 1 caller knows only the common one). */
static bool jenkins(const bsim_report_options *opts)
{
	return opts->version >= 2 && opts->junit_schema == BSIM_JUNIT_JENKINS;
}

/* root: the <testsuites> element, which junit-10.xsd allows no skipped count. */
static void put_counts(buf *b, const report_counts *c, const bsim_report_options *opts, bool root)
{
	buf_printf(b, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\"",
		   c->passed + c->failed + c->errored + c->skipped, c->failed, c->errored);
	if (!(root && jenkins(opts)))
		buf_printf(b, " skipped=\"%zu\"", c->skipped);
	buf_puts(b, " time=\"");
	put_seconds(b, c->elapsed_ns, opts);
	buf_putc(b, '"');
}

static void put_testcase(buf *b, const bsim_result *r, const bsim_report_options *opts)
{
	const bsim_scenario *sc = bsim_result_scenario(r);
	const char *file = bsim_scenario_file(sc);
	bsim_outcome outcome = bsim_result_outcome(r);
	const char *message = bsim_result_message(r);
	size_t n_trace = bsim_result_trace_count(r);

	buf_puts(b, "    <testcase name=\"");
	xml_put(b, bsim_scenario_name(sc), 1);
	buf_printf(b, " [%s]\" classname=\"", bsim_engine_name(bsim_scenario_engine(sc)));
	xml_put(b, file, 1);
	buf_puts(b, "\" time=\"");
	put_seconds(b, bsim_result_elapsed_ns(r), opts);
	buf_putc(b, '"');
	if (!jenkins(opts)) {
		/*
		 * Where a CI annotation goes: the step that failed or errored (TAP and
		 * JSON give the same), which a fragment may hold in another file; else
		 * (passed, also as expected, or skipped) the scenario.
		 */
		const char *at_file = bsim_result_fail_file(r);
		int at_line = bsim_result_fail_line(r);
		if (!at_file || (outcome != BSIM_FAILED && outcome != BSIM_ERRORED)) {
			at_file = file;
			at_line = bsim_scenario_line(sc);
		}
		buf_puts(b, " file=\"");
		xml_put(b, at_file, 1);
		buf_printf(b, "\" line=\"%d\"", at_line);
	}

	if (outcome == BSIM_SKIPPED) {
		buf_puts(b, ">\n      <skipped message=\"");
		xml_put(b, message, 1);
		buf_puts(b, "\"/>\n    </testcase>\n");
		return;
	}
	int has_failure = outcome != BSIM_PASSED;
	int expected = outcome == BSIM_PASSED && bsim_result_expected_failure(r) && message;
	if (!has_failure && !expected && n_trace == 0) {
		buf_puts(b, "/>\n");
		return;
	}
	buf_puts(b, ">\n");
	if (has_failure) {
		const char *element = outcome == BSIM_ERRORED ? "error" : "failure";
		const char *text = message && *message ? message : report_outcome_name(outcome);
		buf_printf(b, "      <%s message=\"", element);
		xml_put_n(b, text, report_first_line_len(text), 1);
		buf_printf(b, "\" type=\"%s\">", report_outcome_name(outcome));
		xml_put(b, text, 0);
		buf_putc(b, '\n');
		if (n_trace) {
			buf_puts(b, "\ntrace:\n");
			put_trace(b, r);
		}
		buf_printf(b, "</%s>\n", element);
	}
	if (expected || n_trace) {
		buf_puts(b, "      <system-out>");
		if (expected) {
			buf_puts(b, "failed as expected: ");
			xml_put(b, message, 0);
			buf_puts(b, "\n\n");
		}
		put_trace(b, r);
		buf_puts(b, "</system-out>\n");
	}
	buf_puts(b, "    </testcase>\n");
}

/*
 * The results grouped by file, files in the order they first appear and
 * results in their own order within a file: order[] receives the indices,
 * starts[g] the first position of group g (n_groups + 1 entries).
 */
static int group_by_file(const bsim_result *const *results, size_t n, size_t *order, size_t **starts_out,
			 size_t *n_groups_out)
{
	int rc = 0;
	strmap groups = STRMAP_INIT;
	size_t n_groups = 0;
	size_t *group = malloc((n ? n : 1) * sizeof *group);
	size_t *starts = calloc(n + 2, sizeof *starts);
	if (!group || !starts) {
		rc = error_oom();
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *file = bsim_scenario_file(bsim_result_scenario(results[i]));
		size_t len = strlen(file);
		/* Values are group + 1, so that NULL means "not seen yet". */
		uintptr_t g = (uintptr_t)strmap_get(&groups, file, len);
		if (!g) {
			g = ++n_groups;
			if ((rc = strmap_put(&groups, file, len, (void *)g)) < 0)
				goto out;
		}
		group[i] = g - 1;
		starts[g]++;
	}
	for (size_t g = 1; g <= n_groups; g++)
		starts[g] += starts[g - 1];
	size_t *next = calloc(n_groups + 1, sizeof *next);
	if (!next) {
		rc = error_oom();
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		order[starts[group[i]] + next[group[i]]++] = i;
	free(next);
out:
	strmap_free(&groups);
	free(group);
	if (rc < 0) {
		free(starts);
		return rc;
	}
	*starts_out = starts;
	*n_groups_out = n_groups;
	return 0;
}

/* The first validity error, kept instead of libxml2 printing it. */
static void keep_first_error(void *ctx, const xmlError *e)
{
	char *first = ctx;
	if (!*first && e && e->message)
		snprintf(first, 256, "line %d: %.*s", e->line, (int)strcspn(e->message, "\n"), e->message);
}

/*
 * The strict mode's promise is a file the Jenkins xunit plugin takes: check
 * the document against docs/junit-jenkins.xsd before writing it, and refuse
 * to write one that is not (a bug in bsim, never in the scenarios).
 */
static int check_jenkins(const buf *b)
{
	char first[256] = "";
	int rc = 0;
	xmlDoc *doc = NULL;
	xmlSchema *schema = NULL;
	xmlSchemaValidCtxt *valid = NULL;
	xmlSchemaParserCtxt *parser = xmlSchemaNewMemParserCtxt(report_junit_jenkins_xsd, (int)report_junit_jenkins_xsd_len);
	if (!parser || !(schema = xmlSchemaParse(parser)) || !(valid = xmlSchemaNewValidCtxt(schema))) {
		rc = error_set(BSIM_ERROR, "cannot read the compiled-in docs/junit-jenkins.xsd");
		goto out;
	}
	xmlSchemaSetValidStructuredErrors(valid, (xmlStructuredErrorFunc)keep_first_error, first);
	doc = xmlReadMemory(b->ptr, (int)b->len, "junit.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || xmlSchemaValidateDoc(valid, doc) != 0)
		rc = error_set(BSIM_ERROR,
			       "the JUnit report is not valid against docs/junit-jenkins.xsd (%s); it was not written",
			       *first ? first : "not well-formed");
out:
	xmlFreeDoc(doc);
	xmlSchemaFreeValidCtxt(valid);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(parser);
	return rc;
}

int bsim_report_junit(const char *path, const bsim_result *const *results, size_t n,
		      const bsim_report_options *opts)
{
	opts = report_options_or_default(opts);
	int rc = 0;
	buf b = BUF_INIT;
	size_t *order = malloc((n ? n : 1) * sizeof *order);
	const bsim_result **group = malloc((n ? n : 1) * sizeof *group);
	size_t *starts = NULL;
	size_t n_groups = 0;
	if (!order || !group) {
		rc = error_oom();
		goto out;
	}
	if ((rc = group_by_file(results, n, order, &starts, &n_groups)) < 0)
		goto out;

	report_counts all;
	report_count(&all, results, n);
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
	xml_put(&b, opts->suite_name ? opts->suite_name : "bsim", 1);
	buf_putc(&b, '"');
	put_counts(&b, &all, opts, true);
	buf_puts(&b, ">\n");
	for (size_t g = 0; g < n_groups; g++) {
		size_t count = starts[g + 1] - starts[g];
		for (size_t k = 0; k < count; k++)
			group[k] = results[order[starts[g] + k]];
		const char *file = bsim_scenario_file(bsim_result_scenario(group[0]));
		report_counts c;
		report_count(&c, group, count);
		buf_puts(&b, "  <testsuite name=\"");
		xml_put(&b, file, 1);
		buf_putc(&b, '"');
		put_counts(&b, &c, opts, false);
		if (!jenkins(opts)) {
			buf_puts(&b, " file=\"");
			xml_put(&b, file, 1);
			buf_putc(&b, '"');
		}
		buf_puts(&b, ">\n");
		for (size_t k = 0; k < count; k++)
			put_testcase(&b, group[k], opts);
		buf_puts(&b, "  </testsuite>\n");
	}
	buf_puts(&b, "</testsuites>\n");
	if ((rc = buf_status(&b)) < 0)
		goto out;
	if (jenkins(opts) && (rc = check_jenkins(&b)) < 0)
		goto out;
	rc = report_write_file(path, &b);
out:
	free(order);
	free(group);
	free(starts);
	buf_free(&b);
	return rc;
}
