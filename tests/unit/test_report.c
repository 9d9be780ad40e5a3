/*
 * test_report.c: the reporters (sim/report/) on real results. Each test
 * loads and runs small scenario files under tests/scenario/report/ (a pass
 * on two engines, a failure, an error, an expected failure, names that
 * need escaping), then reads back what a reporter wrote the way its
 * consumer would: JUnit with libxml2 (well-formed, valid against the
 * de-facto schema in tests/fixtures/report/junit.xsd, counts that add up),
 * TAP line by line and through Perl's TAP::Parser (what prove uses), JSON
 * with jansson. Report files must be replaced whole or not at all.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <dirent.h>
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bsim/report.h"
#include "bsim/scenario.h"
#include "report/report_util.h"
#include "util/timefmt.h"
#include "support.h"

#define RUN_DIR "tests/scenario/report/run"
#define ALL_PASS "tests/scenario/report/all-pass.xml"

/* What tests/scenario/report/run holds, in suite order (files sorted). */
#define N_RESULTS 7
#define N_PASSED 4
#define N_FAILED 2
#define N_ERRORED 1

typedef struct run_set {
	bsim_suite *suite;
	bsim_result **results;
	size_t n;
} run_set;

/* Load path (relative to the source root, so file names read as a person types them) and run every scenario. */
static run_set run_path(const char *path)
{
	support_to_source_root();
	run_set s = {0};
	const char *paths[] = {path};
	int rc = bsim_suite_load(&s.suite, paths, 1);
	cr_assert(s.suite, "no suite for %s", path);
	if (rc < 0 || bsim_suite_error_count(s.suite)) {
		const bsim_error *e = bsim_suite_error_count(s.suite) ? bsim_suite_error_at(s.suite, 0) : bsim_error_last();
		cr_assert_fail("%s does not load: %s:%d:%d: %s", path, e->file ? e->file : "?", e->line, e->column,
			       e->message);
	}
	s.n = bsim_suite_count(s.suite);
	s.results = calloc(s.n ? s.n : 1, sizeof *s.results);
	cr_assert(s.results);
	for (size_t i = 0; i < s.n; i++)
		cr_assert_eq(bsim_scenario_run(&s.results[i], bsim_suite_at(s.suite, i), NULL), 0,
			     "run %zu: %s", i, bsim_error_last()->message);
	return s;
}

static void run_set_free(run_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		bsim_result_free(s->results[i]);
	free(s->results);
	bsim_suite_free(s->suite);
}

static const bsim_result *const *results_of(const run_set *s)
{
	return (const bsim_result *const *)s->results;
}

/* A fresh directory under /tmp, removed after the test (the suite's .fini); static storage. */
static const char *temp_dir(void)
{
	const char *dir = support_temp_dir("report");
	cr_assert(dir, "cannot make a scratch directory");
	return dir;
}

TestSuite(report, .fini = support_temp_dirs_remove);

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	cr_assert(f, "cannot create %s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* Output of a reporter that writes to a FILE *, as a string. */
typedef int (*stream_reporter)(FILE *, const bsim_result *const *, size_t, const bsim_report_options *);

static char *capture(stream_reporter fn, const run_set *s, const bsim_report_options *opts)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert(f);
	cr_assert_eq(fn(f, results_of(s), s->n, opts), 0, "%s", bsim_error_last()->message);
	fclose(f);
	return text;
}

static char *title_of(const bsim_result *r)
{
	const bsim_scenario *sc = bsim_result_scenario(r);
	const char *name = bsim_scenario_name(sc), *engine = bsim_engine_name(bsim_scenario_engine(sc));
	size_t len = strlen(name) + strlen(engine) + 4;
	char *t = malloc(len);
	cr_assert(t);
	snprintf(t, len, "%s [%s]", name, engine);
	return t;
}

/* The trace of r as the text reports write it, one entry a line. */
static char *trace_text(const bsim_result *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	for (size_t i = 0; i < bsim_result_trace_count(r); i++) {
		buf line = BUF_INIT;
		report_trace_line(&line, bsim_result_trace_at(r, i), bsim_result_start_time(r));
		fprintf(f, "%s\n", buf_cstr(&line));
		buf_free(&line);
	}
	fclose(f);
	return text;
}

/* ---- the fixture itself ------------------------------------------- */

Test(report, the_fixture_gives_every_outcome)
{
	run_set s = run_path(RUN_DIR);
	cr_assert_eq(s.n, N_RESULTS);
	report_counts c;
	report_count(&c, results_of(&s), s.n);
	cr_expect_eq(c.passed, N_PASSED);
	cr_expect_eq(c.failed, N_FAILED);
	cr_expect_eq(c.errored, N_ERRORED);
	size_t expected = 0;
	for (size_t i = 0; i < s.n; i++)
		expected += bsim_result_expected_failure(s.results[i]) != 0;
	cr_expect_eq(expected, 1, "xfail.xml must be an expected failure");
	run_set_free(&s);
}

/* ---- JUnit ---------------------------------------------------------- */

static xmlDoc *write_and_parse_junit(const run_set *s, const bsim_report_options *opts, char **text_out)
{
	char path[128];
	snprintf(path, sizeof path, "%s/junit.xml", temp_dir());
	cr_assert_eq(bsim_report_junit(path, results_of(s), s->n, opts), 0, "%s", bsim_error_last()->message);
	char *text = support_slurp(path);
	xmlDoc *doc = xmlReadMemory(text, (int)strlen(text), path, NULL, XML_PARSE_NONET);
	cr_assert(doc, "the JUnit report is not well-formed XML:\n%s", text);
	if (text_out)
		*text_out = text;
	else
		free(text);
	return doc;
}

static long attr_long(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	cr_assert(v, "<%s> has no %s", n->name, name);
	char *end;
	long x = strtol((const char *)v, &end, 10);
	cr_assert_eq(*end, '\0', "%s=\"%s\" is not a whole number", name, v);
	xmlFree(v);
	return x;
}

/* The attribute as a malloc'd C string (free it). */
static char *attr_str(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	cr_assert(v, "<%s> has no %s", n->name, name);
	char *s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static xmlNode *child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

static char *text_of(xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s = strdup(v ? (const char *)v : "");
	xmlFree(v);
	return s;
}

Test(report, junit_is_well_formed_and_valid_against_the_de_facto_schema)
{
	run_set s = run_path(RUN_DIR);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	xmlDoc *doc = write_and_parse_junit(&s, &opts, NULL);
	xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(support_source_path("tests/fixtures/report/junit.xsd"));
	xmlSchema *schema = xmlSchemaParse(pc);
	cr_assert(schema, "tests/fixtures/report/junit.xsd does not parse");
	xmlSchemaValidCtxt *vc = xmlSchemaNewValidCtxt(schema);
	cr_expect_eq(xmlSchemaValidateDoc(vc, doc), 0, "the JUnit report is not valid against junit.xsd");
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	xmlFreeDoc(doc);
	run_set_free(&s);
}

/* 0 when doc is valid against the XSD at path (relative to the source root), with libxml2's validator. */
static int validate(xmlDoc *doc, const char *xsd)
{
	xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(support_source_path(xsd));
	xmlSchema *schema = xmlSchemaParse(pc);
	cr_assert(schema, "%s does not parse", xsd);
	xmlSchemaValidCtxt *vc = xmlSchemaNewValidCtxt(schema);
	int rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
	return rc;
}

/*
 * --junit-schema=jenkins: every outcome, a skipped scenario included, in a
 * file valid against docs/junit-jenkins.xsd (the Jenkins xunit plugin's
 * junit-10 constraints), which the common file is not (file, line,
 * testsuites@skipped).
 */
Test(report, junit_for_jenkins_is_valid_against_the_xunit_schema)
{
	run_set s = run_path(RUN_DIR);
	/* The last result as a scenario --fail-fast did not run. */
	bsim_result_free(s.results[s.n - 1]);
	cr_assert_eq(bsim_result_skipped(&s.results[s.n - 1], bsim_suite_at(s.suite, s.n - 1), "not run"), 0);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	xmlDoc *common = write_and_parse_junit(&s, &opts, NULL);
	cr_expect_neq(validate(common, "docs/junit-jenkins.xsd"), 0, "the common file is valid for Jenkins: no need for the mode");
	cr_expect_eq(validate(common, "tests/fixtures/report/junit.xsd"), 0);
	xmlFreeDoc(common);
	opts.junit_schema = BSIM_JUNIT_JENKINS;
	xmlDoc *doc = write_and_parse_junit(&s, &opts, NULL);
	cr_expect_eq(validate(doc, "docs/junit-jenkins.xsd"), 0, "the Jenkins file is not valid against junit-jenkins.xsd");
	cr_expect_eq(validate(doc, "tests/fixtures/report/junit.xsd"), 0, "the Jenkins file left the de-facto format");
	xmlNode *root = xmlDocGetRootElement(doc);
	cr_expect_eq(attr_long(root, "tests"), N_RESULTS);
	cr_expect_null(xmlHasProp(root, (const xmlChar *)"skipped"));
	size_t skipped = 0;
	for (xmlNode *ts = root->children; ts; ts = ts->next) {
		if (ts->type != XML_ELEMENT_NODE)
			continue;
		cr_expect_null(xmlHasProp(ts, (const xmlChar *)"file"));
		for (xmlNode *tc = ts->children; tc; tc = tc->next) {
			if (tc->type != XML_ELEMENT_NODE)
				continue;
			cr_expect_null(xmlHasProp(tc, (const xmlChar *)"file"));
			cr_expect_null(xmlHasProp(tc, (const xmlChar *)"line"));
			skipped += child(tc, "skipped") != NULL;
		}
	}
	cr_expect_eq(skipped, 1);
	xmlFreeDoc(doc);
	run_set_free(&s);
}

Test(report, junit_counts_add_up_at_every_level)
{
	run_set s = run_path(RUN_DIR);
	xmlDoc *doc = write_and_parse_junit(&s, NULL, NULL);
	xmlNode *root = xmlDocGetRootElement(doc);
	cr_assert_str_eq((const char *)root->name, "testsuites");
	cr_expect_eq(attr_long(root, "tests"), N_RESULTS);
	cr_expect_eq(attr_long(root, "failures"), N_FAILED);
	cr_expect_eq(attr_long(root, "errors"), N_ERRORED);
	cr_expect_eq(attr_long(root, "skipped"), 0);
	long suites = 0, tests = 0, failures = 0, errors = 0;
	for (xmlNode *ts = root->children; ts; ts = ts->next) {
		if (ts->type != XML_ELEMENT_NODE)
			continue;
		cr_assert_str_eq((const char *)ts->name, "testsuite");
		suites++;
		long cases = 0, f = 0, e = 0;
		for (xmlNode *tc = ts->children; tc; tc = tc->next) {
			if (tc->type != XML_ELEMENT_NODE)
				continue;
			cases++;
			f += child(tc, "failure") != NULL;
			e += child(tc, "error") != NULL;
		}
		cr_expect_eq(attr_long(ts, "tests"), cases);
		cr_expect_eq(attr_long(ts, "failures"), f);
		cr_expect_eq(attr_long(ts, "errors"), e);
		tests += cases;
		failures += f;
		errors += e;
	}
	cr_expect_eq(suites, 5, "one testsuite per scenario file");
	cr_expect_eq(tests, N_RESULTS);
	cr_expect_eq(failures, N_FAILED);
	cr_expect_eq(errors, N_ERRORED);
	xmlFreeDoc(doc);
	run_set_free(&s);
}

Test(report, junit_testcases_carry_name_engine_location_failure_and_trace)
{
	run_set s = run_path(RUN_DIR);
	xmlDoc *doc = write_and_parse_junit(&s, NULL, NULL);
	xmlNode *root = xmlDocGetRootElement(doc);
	size_t i = 0;
	for (xmlNode *ts = root->children; ts; ts = ts->next) {
		if (ts->type != XML_ELEMENT_NODE)
			continue;
		char *suite_name = attr_str(ts, "name");
		for (xmlNode *tc = ts->children; tc; tc = tc->next) {
			if (tc->type != XML_ELEMENT_NODE)
				continue;
			cr_assert_lt(i, s.n);
			const bsim_result *r = s.results[i++];
			const bsim_scenario *sc = bsim_result_scenario(r);
			char *want = title_of(r);
			char *name = attr_str(tc, "name"), *classname = attr_str(tc, "classname"),
			     *file = attr_str(tc, "file");
			cr_expect_str_eq(name, want);
			cr_expect_str_eq(classname, bsim_scenario_file(sc));
			/* file and line say where a CI annotation goes: the failing step, as in TAP and JSON. */
			bool failed = bsim_result_outcome(r) != BSIM_PASSED && bsim_result_fail_file(r);
			const char *at_file = failed ? bsim_result_fail_file(r) : bsim_scenario_file(sc);
			int at_line = failed ? bsim_result_fail_line(r) : bsim_scenario_line(sc);
			cr_expect_str_eq(file, at_file);
			cr_expect_str_eq(suite_name, bsim_scenario_file(sc));
			cr_expect_eq(attr_long(tc, "line"), at_line, "%s: line %ld, want %d", want, attr_long(tc, "line"), at_line);
			bsim_outcome o = bsim_result_outcome(r);
			xmlNode *f = child(tc, o == BSIM_ERRORED ? "error" : "failure");
			if (o == BSIM_PASSED) {
				cr_expect_null(child(tc, "failure"), "%s", want);
				cr_expect_null(child(tc, "error"), "%s", want);
			} else {
				cr_assert(f, "%s: no <failure>/<error>", want);
				const char *msg = bsim_result_message(r);
				char *message = attr_str(f, "message"), *type = attr_str(f, "type"), *body = text_of(f);
				cr_expect_eq(strlen(message), strcspn(msg, "\n"), "%s: message=\"%s\"", want, message);
				cr_expect_eq(strncmp(message, msg, strlen(message)), 0, "%s", want);
				cr_expect_str_eq(type, o == BSIM_ERRORED ? "errored" : "failed");
				cr_expect_eq(strncmp(body, msg, strlen(msg)), 0, "%s: the text must start with the whole message", want);
				char *trace = trace_text(r);
				cr_expect(strstr(body, trace), "%s: the failure text must hold the trace", want);
				free(trace);
				free(message);
				free(type);
				free(body);
			}
			xmlNode *out = child(tc, "system-out");
			cr_assert(out, "%s: no <system-out>", want);
			char *trace = trace_text(r), *text = text_of(out);
			if (bsim_result_expected_failure(r))
				cr_expect(strstr(text, "failed as expected: ") == text, "%s", text);
			cr_expect(strstr(text, trace), "%s: system-out is the trace", want);
			free(trace);
			free(text);
			free(want);
			free(name);
			free(classname);
			free(file);
		}
		free(suite_name);
	}
	cr_expect_eq(i, s.n);
	xmlFreeDoc(doc);
	run_set_free(&s);
}

Test(report, junit_escapes_names_so_that_they_read_back_exactly)
{
	run_set s = run_path("tests/scenario/report/run/escape.xml");
	cr_assert_eq(s.n, 2);
	char *raw = NULL;
	xmlDoc *doc = write_and_parse_junit(&s, NULL, &raw);
	cr_expect_null(strstr(raw, "]]>"), "\"]]>\" must not appear unescaped");
	xmlNode *ts = child(xmlDocGetRootElement(doc), "testsuite");
	size_t i = 0;
	for (xmlNode *tc = ts->children; tc; tc = tc->next) {
		if (tc->type != XML_ELEMENT_NODE)
			continue;
		char *want = title_of(s.results[i++]);
		char *name = attr_str(tc, "name");
		cr_expect_str_eq(name, want, "line breaks, tabs and carriage returns in a name survive");
		free(name);
		free(want);
	}
	/* The carriage return is written as a reference: a raw one would be read as a line break. */
	cr_expect(strstr(raw, "&#13;"));
	cr_expect(strstr(raw, "\xF0\x9F\x8D\xAA"), "characters beyond the BMP are written as UTF-8");
	free(raw);
	xmlFreeDoc(doc);
	run_set_free(&s);
}

Test(report, junit_times_are_seconds_or_zero_without_timing)
{
	run_set s = run_path(RUN_DIR);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	opts.timing = 0;
	char *off = NULL, *on = NULL;
	xmlDoc *a = write_and_parse_junit(&s, &opts, &off);
	opts.timing = 1;
	xmlDoc *b = write_and_parse_junit(&s, &opts, &on);
	cr_expect_null(strstr(off, "time=\"0.0"), "with timing off every time is 0");
	int zeros = 0;
	for (const char *p = off; (p = strstr(p, " time=\"")); p++)
		zeros += strncmp(p, " time=\"0\"", 9) == 0;
	cr_expect_eq(zeros, 1 + 5 + N_RESULTS, "testsuites, 5 testsuites and every testcase");
	cr_expect(strstr(on, "time=\"0.0"), "times are seconds with decimals:\n%s", on);
	cr_expect_null(strstr(off, "timestamp"), "no wall-clock timestamp");
	free(off);
	free(on);
	xmlFreeDoc(a);
	xmlFreeDoc(b);
	run_set_free(&s);
}

/* ---- TAP ------------------------------------------------------------ */

static char **split_lines(char *text, size_t *n)
{
	size_t cap = 16;
	char **lines = malloc(cap * sizeof *lines);
	*n = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		cr_assert(nl, "the last line has no newline");
		*nl = '\0';
		if (*n == cap)
			lines = realloc(lines, (cap *= 2) * sizeof *lines);
		lines[(*n)++] = p;
		p = nl + 1;
	}
	return lines;
}

Test(report, tap_is_version_14_with_plan_points_and_yaml_for_failures)
{
	run_set s = run_path(RUN_DIR);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	opts.trace = BSIM_TRACE_NONE;
	char *text = capture(bsim_report_tap, &s, &opts);
	size_t n;
	char **lines = split_lines(text, &n);
	cr_assert_gt(n, 2);
	cr_expect_str_eq(lines[0], "TAP version 14");
	cr_expect_str_eq(lines[1], "1..7");
	size_t point = 0;
	for (size_t i = 2; i < n; i++) {
		if (lines[i][0] == '#')
			continue;
		const bsim_result *r = s.results[point];
		int failed = bsim_result_outcome(r) != BSIM_PASSED;
		char head[32];
		snprintf(head, sizeof head, "%s %zu - ", failed ? "not ok" : "ok", ++point);
		cr_assert(strncmp(lines[i], head, strlen(head)) == 0, "line %zu: \"%s\", want \"%s...\"", i + 1,
			  lines[i], head);
		cr_expect_null(strchr(lines[i] + strlen(head), '\r'));
		if (!failed) {
			cr_expect(i + 1 >= n || strcmp(lines[i + 1], "  ---") != 0, "a pass has no YAML block");
			continue;
		}
		cr_assert_str_eq(lines[++i], "  ---");
		char seed[64];
		snprintf(seed, sizeof seed, "  seed: %llu", (unsigned long long)bsim_result_seed(r));
		int has_outcome = 0, has_message = 0, has_file = 0, has_line = 0, has_seed = 0;
		while (++i < n && strcmp(lines[i], "  ...") != 0) {
			cr_assert(strncmp(lines[i], "  ", 2) == 0, "YAML is indented: \"%s\"", lines[i]);
			has_outcome |= strncmp(lines[i], "  outcome: ", 11) == 0;
			has_message |= strcmp(lines[i], "  message: |") == 0;
			has_file |= strncmp(lines[i], "  file: \"", 9) == 0;
			has_line |= strncmp(lines[i], "  line: ", 8) == 0;
			has_seed |= strcmp(lines[i], seed) == 0;
		}
		cr_expect(has_outcome && has_message && has_file && has_line && has_seed, "point %zu lacks a field", point);
	}
	cr_expect_eq(point, N_RESULTS);
	cr_expect_str_eq(lines[n - 1], "# 4 passed, 2 failed, 1 errored");
	free(lines);
	free(text);
	run_set_free(&s);
}

Test(report, tap_escapes_hash_and_backslash_and_keeps_a_test_line_on_one_line)
{
	run_set s = run_path("tests/scenario/report/run/escape.xml");
	char *text = capture(bsim_report_tap, &s, NULL);
	cr_expect(strstr(text, "\nnot ok 1 - quotes \"q\" & <tags> \\# hash \\\\ backslash ]]> done [chromium]\n"),
		  "%s", text);
	cr_expect(strstr(text, "\nok 2 - line break tab return \xC3\xA9t\xC3\xA9 \xF0\x9F\x8D\xAA [chromium]\n"),
		  "%s", text);
	free(text);
	run_set_free(&s);
}

/*
 * Perl's TAP::Parser (prove's) reads the stream: no parse errors, the plan
 * and the failures as counted, and every YAML block parsed with its
 * message. It knows TAP up to version 13, of which 14 is a superset, so
 * the version line is lowered for it.
 */
static char *tap_parser_verdict(const char *tap)
{
	char path[128];
	snprintf(path, sizeof path, "%s/report.tap", temp_dir());
	char *copy = strdup(tap);
	char *v = strstr(copy, "TAP version 14");
	cr_assert_eq(v, copy);
	v[13] = '3';
	write_text(path, copy);
	free(copy);
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "perl -MTAP::Parser -e '"
		 "my $p = TAP::Parser->new({source => $ARGV[0]}); my ($yaml, $msg) = (0, 0);"
		 "while (my $r = $p->next) { if ($r->is_yaml) { $yaml++; $msg++ if defined $r->data->{message} } }"
		 "printf \"planned=%%d run=%%d failed=%%d errors=%%d yaml=%%d messages=%%d\\n\","
		 " $p->tests_planned, $p->tests_run, scalar($p->failed), scalar($p->parse_errors), $yaml, $msg;"
		 "print \"$_\\n\" for $p->parse_errors' %s",
		 path);
	FILE *p = popen(cmd, "r");
	cr_assert(p, "cannot run perl");
	char *out = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&out, &len);
	char line[512];
	while (fgets(line, sizeof line, p))
		fputs(line, o);
	fclose(o);
	cr_expect_eq(pclose(p), 0);
	return out;
}

Test(report, tap_is_read_by_perls_tap_parser)
{
	run_set s = run_path(RUN_DIR);
	char *text = capture(bsim_report_tap, &s, NULL);
	char *verdict = tap_parser_verdict(text);
	cr_expect_str_eq(verdict, "planned=7 run=7 failed=3 errors=0 yaml=3 messages=3\n", "%s", text);
	free(verdict);
	free(text);
	run_set_free(&s);
}

Test(report, tap_trace_follows_the_trace_mode)
{
	run_set s = run_path(RUN_DIR);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	static const struct {
		bsim_trace_mode mode;
		const char *verdict;
		int traces;
	} cases[] = {
		{BSIM_TRACE_NONE, "planned=7 run=7 failed=3 errors=0 yaml=3 messages=3\n", 0},
		{BSIM_TRACE_FAILING, "planned=7 run=7 failed=3 errors=0 yaml=3 messages=3\n", 3},
		{BSIM_TRACE_ALL, "planned=7 run=7 failed=3 errors=0 yaml=7 messages=3\n", 7},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		opts.trace = cases[i].mode;
		char *text = capture(bsim_report_tap, &s, &opts);
		int traces = 0;
		for (const char *p = text; (p = strstr(p, "\n  trace:\n")); p++)
			traces++;
		cr_expect_eq(traces, cases[i].traces, "mode %d:\n%s", cases[i].mode, text);
		char *verdict = tap_parser_verdict(text);
		cr_expect_str_eq(verdict, cases[i].verdict, "mode %d", cases[i].mode);
		free(verdict);
		free(text);
	}
	run_set_free(&s);
}

Test(report, tap_passes_under_prove_when_everything_passes)
{
	run_set s = run_path(ALL_PASS);
	char *text = capture(bsim_report_tap, &s, NULL);
	char path[128];
	snprintf(path, sizeof path, "%s/pass.tap", temp_dir());
	text[13] = '3';
	write_text(path, text);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "prove --exec cat %s >/dev/null 2>&1", path);
	cr_expect_eq(system(cmd), 0, "prove rejects:\n%s", text);
	free(text);
	run_set_free(&s);
}

/* ---- JSON ----------------------------------------------------------- */

static json_t *write_and_parse_json(const run_set *s, const bsim_report_options *opts)
{
	char path[128];
	snprintf(path, sizeof path, "%s/report.json", temp_dir());
	cr_assert_eq(bsim_report_json(path, results_of(s), s->n, opts), 0, "%s", bsim_error_last()->message);
	json_error_t err;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	cr_assert(doc, "the JSON report does not parse: %d:%d: %s", err.line, err.column, err.text);
	return doc;
}

Test(report, json_holds_every_result_with_stable_fields)
{
	run_set s = run_path(RUN_DIR);
	json_t *doc = write_and_parse_json(&s, NULL);
	cr_expect_str_eq(json_string_value(json_object_get(doc, "format")), "bsim-report");
	cr_expect_eq(json_integer_value(json_object_get(doc, "version")), 1);
	json_t *sum = json_object_get(doc, "summary");
	cr_expect_eq(json_integer_value(json_object_get(sum, "total")), N_RESULTS);
	cr_expect_eq(json_integer_value(json_object_get(sum, "passed")), N_PASSED);
	cr_expect_eq(json_integer_value(json_object_get(sum, "failed")), N_FAILED);
	cr_expect_eq(json_integer_value(json_object_get(sum, "errored")), N_ERRORED);
	cr_expect(json_is_real(json_object_get(sum, "elapsed_ms")));
	json_t *results = json_object_get(doc, "results");
	cr_assert_eq(json_array_size(results), s.n);
	for (size_t i = 0; i < s.n; i++) {
		const bsim_result *r = s.results[i];
		const bsim_scenario *sc = bsim_result_scenario(r);
		json_t *o = json_array_get(results, i);
		cr_expect_str_eq(json_string_value(json_object_get(o, "scenario")), bsim_scenario_name(sc));
		cr_expect_str_eq(json_string_value(json_object_get(o, "file")), bsim_scenario_file(sc));
		cr_expect_eq(json_integer_value(json_object_get(o, "line")), bsim_scenario_line(sc));
		cr_expect_eq(json_integer_value(json_object_get(o, "column")), bsim_scenario_column(sc));
		cr_expect_str_eq(json_string_value(json_object_get(o, "engine")),
				 bsim_engine_name(bsim_scenario_engine(sc)));
		cr_expect_eq(json_array_size(json_object_get(o, "tags")), bsim_scenario_tag_count(sc));
		cr_expect_str_eq(json_string_value(json_object_get(o, "outcome")),
				 report_outcome_name(bsim_result_outcome(r)));
		cr_expect_eq(json_is_true(json_object_get(o, "expected_failure")), bsim_result_expected_failure(r) != 0);
		const char *declared = bsim_scenario_expect_failure(sc);
		if (declared)
			cr_expect_str_eq(json_string_value(json_object_get(o, "declared_failure")), declared);
		else
			cr_expect(json_is_null(json_object_get(o, "declared_failure")));
		const char *msg = bsim_result_message(r);
		if (msg)
			cr_expect_str_eq(json_string_value(json_object_get(o, "message")), msg);
		else
			cr_expect(json_is_null(json_object_get(o, "message")));
		json_t *fail = json_object_get(o, "fail");
		if (bsim_result_fail_file(r)) {
			cr_expect_str_eq(json_string_value(json_object_get(fail, "file")), bsim_result_fail_file(r));
			cr_expect_eq(json_integer_value(json_object_get(fail, "line")), bsim_result_fail_line(r));
			cr_expect_eq(json_integer_value(json_object_get(fail, "column")), bsim_result_fail_column(r));
		} else {
			cr_expect(json_is_null(fail));
		}
		cr_expect_eq((uint64_t)json_integer_value(json_object_get(o, "seed")), bsim_result_seed(r));
		char start[32];
		time_format_iso8601(bsim_result_start_time(r), start, sizeof start);
		cr_expect_str_eq(json_string_value(json_object_get(o, "start")), start);
		cr_expect(json_is_real(json_object_get(o, "elapsed_ms")));
		json_t *trace = json_object_get(o, "trace");
		cr_assert_eq(json_array_size(trace), bsim_result_trace_count(r));
		for (size_t k = 0; k < json_array_size(trace); k++) {
			const bsim_trace_entry *e = bsim_result_trace_at(r, k);
			json_t *t = json_array_get(trace, k);
			cr_expect_eq(json_integer_value(json_object_get(t, "at")), e->at - bsim_result_start_time(r));
			cr_expect_str_eq(json_string_value(json_object_get(t, "kind")), report_trace_kind_name(e->kind));
			if (e->tab >= 0)
				cr_expect_eq(json_integer_value(json_object_get(t, "tab")), e->tab);
			else
				cr_expect(json_is_null(json_object_get(t, "tab")));
			cr_expect_str_eq(json_string_value(json_object_get(t, "code")), e->code);
			cr_expect_str_eq(json_string_value(json_object_get(t, "message")), e->message);
			if (e->subject)
				cr_expect_str_eq(json_string_value(json_object_get(t, "subject")), e->subject);
			else
				cr_expect(json_is_null(json_object_get(t, "subject")));
		}
	}
	json_decref(doc);
	run_set_free(&s);
}

Test(report, json_leaves_out_times_without_timing_and_escapes_names)
{
	run_set s = run_path("tests/scenario/report/run/escape.xml");
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	opts.timing = 0;
	json_t *doc = write_and_parse_json(&s, &opts);
	cr_expect_null(json_object_get(json_object_get(doc, "summary"), "elapsed_ms"));
	json_t *results = json_object_get(doc, "results");
	for (size_t i = 0; i < s.n; i++) {
		json_t *o = json_array_get(results, i);
		cr_expect_null(json_object_get(o, "elapsed_ms"));
		cr_expect_str_eq(json_string_value(json_object_get(o, "scenario")),
				 bsim_scenario_name(bsim_result_scenario(s.results[i])));
	}
	json_decref(doc);
	run_set_free(&s);
}

/* ---- terminal ------------------------------------------------------- */

Test(report, progress_is_one_line_per_result_with_index_outcome_location_and_title)
{
	run_set s = run_path(RUN_DIR);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	opts.timing = 0;
	static const char *const want[N_RESULTS] = {
		"[1/7] ERROR tests/scenario/report/run/error.xml:3  unknown tab [chromium]\n",
		"[2/7] FAIL  tests/scenario/report/run/escape.xml:8  quotes \"q\" & <tags> # hash \\ backslash ]]> done [chromium]\n",
		"[3/7] PASS  tests/scenario/report/run/escape.xml:13  line\\u{000A}break\ttab\\u{000D}return \xC3\xA9t\xC3\xA9 \xF0\x9F\x8D\xAA [chromium]\n",
		"[4/7] FAIL  tests/scenario/report/run/fail.xml:3  public suffix refused [chromium]\n",
		"[5/7] PASS  tests/scenario/report/run/pass.xml:3  cookie is stored [chromium]\n",
		"[6/7] PASS  tests/scenario/report/run/pass.xml:3  cookie is stored [firefox]\n",
		"[7/7] PASS  tests/scenario/report/run/xfail.xml:3  bug still reproduced [chromium]  (failed as expected: cookie-refused:public-suffix)\n",
	};
	for (size_t i = 0; i < s.n; i++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		cr_assert_eq(bsim_report_progress(f, s.results[i], i + 1, s.n, &opts), 0);
		fclose(f);
		cr_expect_str_eq(text, want[i]);
		free(text);
	}
	run_set_free(&s);
}

Test(report, progress_pads_the_index_and_adds_the_time_when_timing)
{
	run_set s = run_path(ALL_PASS);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert_eq(bsim_report_progress(f, s.results[0], 3, 120, NULL), 0);
	fclose(f);
	cr_expect(strncmp(text, "[  3/120] PASS  ", 16) == 0, "%s", text);
	cr_expect(strstr(text, " ms\n"), "%s", text);
	free(text);
	run_set_free(&s);
}

static const char *last_line(const char *text)
{
	size_t len = strlen(text);
	cr_assert(len > 0 && text[len - 1] == '\n');
	const char *p = text + len - 1;
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

Test(report, summary_shows_failures_in_full_and_ends_with_the_counts)
{
	run_set s = run_path(RUN_DIR);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	opts.timing = 0;
	opts.trace = BSIM_TRACE_NONE;
	char *text = capture(bsim_report_summary, &s, &opts);
	cr_expect_str_eq(last_line(text), "4 passed, 2 failed, 1 errored\n");
	for (size_t i = 0; i < s.n; i++) {
		const char *msg = bsim_result_message(s.results[i]);
		if (bsim_result_outcome(s.results[i]) != BSIM_PASSED)
			cr_expect(strstr(text, msg), "the summary holds the whole message:\n%s", msg);
	}
	cr_expect(strstr(text, "\nERROR unknown tab [chromium]\n"), "%s", text);
	cr_expect(strstr(text, "\nFAIL  public suffix refused [chromium]\n"), "%s", text);
	cr_expect_null(strstr(text, "trace ("), "no trace without --trace");
	cr_expect_null(strstr(text, "\033["), "no colour unless asked");
	free(text);

	opts.timing = 1;
	text = capture(bsim_report_summary, &s, &opts);
	const char *last = last_line(text);
	cr_expect(strncmp(last, "4 passed, 2 failed, 1 errored in ", 33) == 0, "%s", last);
	cr_expect(strstr(last, "ms\n") || strstr(last, " s\n"), "%s", last);
	free(text);
	run_set_free(&s);
}

Test(report, summary_of_a_clean_run_has_no_errored_count)
{
	run_set s = run_path(ALL_PASS);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	opts.timing = 0;
	char *text = capture(bsim_report_summary, &s, &opts);
	cr_expect_str_eq(text, "\n3 passed, 0 failed\n");
	free(text);
	run_set_free(&s);
}

Test(report, summary_trace_modes_and_colour)
{
	run_set s = run_path(RUN_DIR);
	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	opts.timing = 0;
	static const struct {
		bsim_trace_mode mode;
		int traces;
		int blocks;
	} cases[] = {
		{BSIM_TRACE_NONE, 0, 3},
		{BSIM_TRACE_FAILING, 3, 3},
		{BSIM_TRACE_ALL, 7, 7},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		opts.trace = cases[i].mode;
		char *text = capture(bsim_report_summary, &s, &opts);
		int traces = 0, blocks = 0;
		for (const char *p = text; (p = strstr(p, "\n  trace (")); p++)
			traces++;
		for (const char *p = text; (p = strstr(p, "\n\n")); p++)
			blocks++;
		cr_expect_eq(traces, cases[i].traces, "mode %d:\n%s", cases[i].mode, text);
		cr_expect_eq(blocks, cases[i].blocks, "mode %d:\n%s", cases[i].mode, text);
		free(text);
	}
	opts.color = 1;
	char *text = capture(bsim_report_summary, &s, &opts);
	cr_expect(strstr(text, "\033[31m\033[1m2 failed\033[0m"), "%s", text);
	free(text);
	run_set_free(&s);
}

/* ---- hostile text ---------------------------------------------------- */

/*
 * A scenario file's path is the one text in a report that XML did not
 * check: it may hold control characters and bytes that are not UTF-8. No
 * report may break on it (XML 1.0 forbids most C0 controls even as
 * references; JSON and YAML need UTF-8), and the terminal must not receive
 * an escape sequence.
 */
Test(report, control_characters_and_stray_bytes_in_a_path_break_no_report)
{
	support_to_source_root();
	char *scenario = support_slurp(RUN_DIR "/fail.xml");
	const char *dir = temp_dir();
	char path[160];
	snprintf(path, sizeof path, "%s/f\001a\033[31mil\377.xml", dir);
	FILE *f = fopen(path, "wb");
	cr_assert(f);
	fputs(scenario, f);
	fclose(f);
	free(scenario);
	run_set s = run_path(path);
	cr_assert_eq(s.n, 1);

	xmlDoc *doc = write_and_parse_junit(&s, NULL, NULL);
	xmlNode *tc = child(child(xmlDocGetRootElement(doc), "testsuite"), "testcase");
	char *classname = attr_str(tc, "classname");
	cr_expect(strstr(classname, "/f\xEF\xBF\xBD" "a\xEF\xBF\xBD[31mil\xEF\xBF\xBD.xml"), "%s", classname);
	free(classname);
	xmlFreeDoc(doc);

	json_t *json = write_and_parse_json(&s, NULL);
	const char *file = json_string_value(json_object_get(json_array_get(json_object_get(json, "results"), 0), "file"));
	cr_expect(strstr(file, "/f\001a\033[31mil\xEF\xBF\xBD.xml"), "JSON escapes controls and replaces the stray byte");
	json_decref(json);

	bsim_report_options opts = BSIM_REPORT_OPTIONS_INIT;
	opts.trace = BSIM_TRACE_ALL;
	char *tap = capture(bsim_report_tap, &s, &opts);
	char *verdict = tap_parser_verdict(tap);
	cr_expect_str_eq(verdict, "planned=1 run=1 failed=1 errors=0 yaml=1 messages=1\n", "%s", tap);
	cr_expect_null(strchr(tap, '\033'));
	free(verdict);
	free(tap);

	char *summary = capture(bsim_report_summary, &s, &opts);
	cr_expect_null(strchr(summary, '\033'), "an escape sequence reached the terminal");
	cr_expect_null(strchr(summary, '\001'));
	free(summary);
	run_set_free(&s);
}

/* ---- atomic report files -------------------------------------------- */

Test(report, a_report_replaces_the_old_file_whole_and_leaves_no_temporary_file)
{
	run_set s = run_path(ALL_PASS);
	const char *dir = temp_dir();
	char path[128];
	snprintf(path, sizeof path, "%s/junit.xml", dir);
	write_text(path, "old report\n");
	cr_assert_eq(bsim_report_junit(path, results_of(&s), s.n, NULL), 0);
	char *text = support_slurp(path);
	cr_expect(strncmp(text, "<?xml", 5) == 0);
	cr_expect_eq(support_entries(dir), 1, "only the report is left in %s", dir);
	struct stat st;
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0666 & ~(unsigned)umask(022), "mode %o", st.st_mode & 0777);
	free(text);
	run_set_free(&s);
}

Test(report, a_report_into_a_missing_directory_fails_with_the_path)
{
	run_set s = run_path(ALL_PASS);
	const char *dir = temp_dir();
	char path[160];
	snprintf(path, sizeof path, "%s/no-such-dir/junit.xml", dir);
	cr_expect_eq(bsim_report_junit(path, results_of(&s), s.n, NULL), BSIM_EIO);
	cr_expect(strstr(bsim_error_last()->message, path), "%s", bsim_error_last()->message);
	cr_expect_eq(bsim_report_json(path, results_of(&s), s.n, NULL), BSIM_EIO);
	cr_expect_eq(support_entries(dir), 0);
	run_set_free(&s);
}

/*
 * A write that fails half-way (here: the file-size limit, which holds even
 * for root, for whom a read-only directory is no obstacle) leaves the old
 * report byte for byte and no temporary file. Done in a child, so the limit
 * stays there.
 */
Test(report, a_failed_write_leaves_the_existing_report_unchanged)
{
	run_set s = run_path(RUN_DIR);
	const char *dir = temp_dir();
	static const char *const names[] = {"junit.xml", "report.json"};
	for (size_t k = 0; k < 2; k++) {
		char path[128];
		snprintf(path, sizeof path, "%s/%s", dir, names[k]);
		write_text(path, "the old report, which must survive\n");
		pid_t pid = fork();
		cr_assert_neq(pid, -1);
		if (pid == 0) {
			signal(SIGXFSZ, SIG_IGN);
			struct rlimit lim = {256, 256};
			setrlimit(RLIMIT_FSIZE, &lim);
			int rc = k == 0 ? bsim_report_junit(path, results_of(&s), s.n, NULL)
					: bsim_report_json(path, results_of(&s), s.n, NULL);
			_exit(rc == BSIM_EIO && strstr(bsim_error_last()->message, path) ? 0 : 1);
		}
		int status;
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: the write did not fail with BSIM_EIO",
			  names[k]);
		char *text = support_slurp(path);
		cr_expect_str_eq(text, "the old report, which must survive\n");
		free(text);
		cr_expect_eq(support_entries(dir), (int)k + 1, "a temporary file was left in %s", dir);
	}
	run_set_free(&s);
}

/* report_format_vtime writes its digits by hand: it must read as the printf form it replaced, everywhere. */
static void vtime_by_printf(char *out, size_t outlen, int64_t ms)
{
	const char *sign = "";
	if (ms < 0) {
		sign = "-";
		ms = ms == INT64_MIN ? INT64_MAX : -ms;
	}
	int64_t s = ms / 1000;
	int frac = (int)(ms % 1000);
	if (frac)
		snprintf(out, outlen, "%s%02" PRId64 ":%02d:%02d.%03d", sign, s / 3600, (int)(s / 60 % 60), (int)(s % 60), frac);
	else
		snprintf(out, outlen, "%s%02" PRId64 ":%02d:%02d", sign, s / 3600, (int)(s / 60 % 60), (int)(s % 60));
}

Test(report, virtual_times_read_as_printf_would_write_them)
{
	static const int64_t edges[] = {0, 1, 9, 10, 99, 100, 999, 1000, 1001, 59999, 60000, 3599999, 3600000,
					 36000000, 360000000, 86399999, INT64_C(999999999999), INT64_MAX / 2, -1, -1000,
					 -3600001};
	char want[REPORT_VTIME_LEN + 8], got[REPORT_VTIME_LEN];
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0] + 2000; i++) {
		int64_t ms;
		if (i < sizeof edges / sizeof edges[0]) {
			ms = edges[i];
		} else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;  /* xorshift: spans of every size */
			ms = (int64_t)(x >> (x % 50 + 1));
		}
		vtime_by_printf(want, sizeof want, ms);
		report_format_vtime(got, sizeof got, BSIM_DEFAULT_START_TIME + ms, BSIM_DEFAULT_START_TIME);
		cr_expect_str_eq(got, want, "%" PRId64 " ms", ms);
		/* A short buffer is cut as snprintf cuts. */
		char small[6];
		report_format_vtime(small, sizeof small, BSIM_DEFAULT_START_TIME + ms, BSIM_DEFAULT_START_TIME);
		cr_expect_eq(strncmp(small, want, 5), 0, "%" PRId64 " ms", ms);
		cr_expect_eq(small[5], '\0');
	}
}

Test(report, virtual_times_read_as_the_failure_messages_write_them)
{
	static const struct {
		int64_t ms;
		const char *want;
	} cases[] = {
		{0, "00:00:00"}, {1500, "00:00:01.500"}, {61000, "00:01:01"}, {26 * 3600000LL, "26:00:00"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[REPORT_VTIME_LEN];
		report_format_vtime(out, sizeof out, BSIM_DEFAULT_START_TIME + cases[i].ms, BSIM_DEFAULT_START_TIME);
		cr_expect_str_eq(out, cases[i].want);
		/* The same span from another start reads the same. */
		bsim_time start = INT64_C(1711848600000); /* 2024-03-31T01:30:00Z */
		report_format_vtime(out, sizeof out, start + cases[i].ms, start);
		cr_expect_str_eq(out, cases[i].want);
	}
}

/* bsim_report_path_check: a report path that cannot be written is refused before the run, and says why. */
Test(report, a_report_path_is_checked_before_the_run)
{
	char dir[] = "/tmp/bsim-report-path-XXXXXX";
	cr_assert(mkdtemp(dir));
	char file[128], in_file[160], missing[160], good[160];
	snprintf(file, sizeof file, "%s/plain", dir);
	FILE *f = fopen(file, "w");
	cr_assert(f);
	fclose(f);
	snprintf(in_file, sizeof in_file, "%s/report.xml", file);
	snprintf(missing, sizeof missing, "%s/none/report.xml", dir);
	snprintf(good, sizeof good, "%s/report.xml", dir);
	char want_dir[200], want_missing[400], want_in_file[400];
	snprintf(want_dir, sizeof want_dir, "--junit %s: is a directory; expected a file name", dir);
	snprintf(want_missing, sizeof want_missing, "--junit %s: the directory %s/none does not exist", missing, dir);
	snprintf(want_in_file, sizeof want_in_file, "--junit %s: %s is not a directory", in_file, file);
	struct {
		const char *path;
		int rc;
		const char *message;
	} rows[] = {
		{"-", 0, NULL},
		{good, 0, NULL},
		{dir, BSIM_EINVAL, want_dir},
		{missing, BSIM_EINVAL, want_missing},
		{in_file, BSIM_EINVAL, want_in_file},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		int rc = bsim_report_path_check(rows[i].path, "--junit");
		cr_expect_eq(rc, rows[i].rc, "row %zu: %s", i, bsim_error_last()->message);
		if (rows[i].message)
			cr_expect_str_eq(bsim_error_last()->message, rows[i].message, "row %zu", i);
	}
	/* The check leaves nothing behind: the folder holds only the file made above. */
	cr_expect_eq(access(good, F_OK), -1);
	remove(file);
	cr_expect_eq(rmdir(dir), 0);
}
