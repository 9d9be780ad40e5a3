/*
 * test_scenario_ops.c: op files as a reader of the scenario layer
 * (sim/scenario/read/ops*.c), the <response> step they share with
 * scenario XML (sim/scenario/run/steps.c), and the ops reporter
 * (sim/report/ops.c) fed by a run of the one runner.
 *
 * The reader's bad lines are errors of the one error channel, located at
 * FILE:LINE, and kept in line order; URLs are checked by the URL parser.
 * End-to-end output of `bsim cookie` is tests/cli/test_cli_cookie.c's.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/scenario.h"
#include "net/url.h"
#include "report/ops.h"
#include "scenario/read/ops.h"
#include "support.h"

/* ---- the <response> step, from scenario XML ---- */

/* Load a one-scenario file around body; *rc is what the load returned. */
static bsim_suite *load_xml_rc(const char *body, int *rc)
{
	const char *dir = support_temp_dir("ops");
	cr_assert(dir, "no scratch directory");
	char path[512];
	snprintf(path, sizeof path, "%s/response.xml", dir);
	FILE *f = fopen(path, "w");
	cr_assert(f, "cannot write %s", path);
	fprintf(f, "<?xml version=\"1.0\"?>\n<scenario name=\"response\">\n%s</scenario>\n", body);
	fclose(f);
	const char *paths[] = {path};
	bsim_suite *suite = NULL;
	*rc = bsim_suite_load(&suite, paths, 1);
	return suite;
}

static bsim_suite *load_xml(const char *body)
{
	int rc;
	bsim_suite *suite = load_xml_rc(body, &rc);
	cr_assert_eq(rc, 0, "load: %s", bsim_error_last()->message);
	return suite;
}

static bsim_result *run_only(bsim_suite *suite)
{
	cr_assert_eq(bsim_suite_error_count(suite), 0, "load error: %s",
		     bsim_suite_error_count(suite) ? bsim_suite_error_at(suite, 0)->message : "");
	cr_assert_eq(bsim_suite_count(suite), 1);
	bsim_result *r = NULL;
	cr_assert_eq(bsim_scenario_run(&r, bsim_suite_at(suite, 0), NULL), 0, "%s", bsim_error_last()->message);
	return r;
}

Test(scenario_ops, response_writes_every_header_into_the_jar_without_a_tab, .fini = support_temp_dirs_remove)
{
	bsim_suite *suite = load_xml("  <response url=\"https://www.shop.com/\">\n"
				     "    <set-cookie>sid=1; Path=/</set-cookie>\n"
				     "    <set-cookie>theme=dark</set-cookie>\n"
				     "  </response>\n"
				     "  <expect cookie=\"sid\" value=\"1\" domain=\"www.shop.com\"/>\n"
				     "  <expect cookie-header=\"https://www.shop.com/\" equals=\"sid=1; theme=dark\"/>\n");
	bsim_result *r = run_only(suite);
	cr_assert_eq(bsim_result_outcome(r), BSIM_PASSED, "%s", bsim_result_message(r));
	bsim_result_free(r);
	bsim_suite_free(suite);
}

Test(scenario_ops, a_refused_response_cookie_is_traced_not_an_error, .fini = support_temp_dirs_remove)
{
	bsim_suite *suite = load_xml("  <response url=\"https://shop.github.io/\">\n"
				     "    <set-cookie>a=1; Domain=github.io</set-cookie>\n"
				     "  </response>\n");
	bsim_result *r = run_only(suite);
	cr_assert_eq(bsim_result_outcome(r), BSIM_PASSED, "%s", bsim_result_message(r));
	bool refused = false;
	for (size_t i = 0; i < bsim_result_trace_count(r); i++) {
		const bsim_trace_entry *e = bsim_result_trace_at(r, i);
		refused |= strncmp(e->code, "cookie-refused", 14) == 0 && e->subject && strcmp(e->subject, "a") == 0;
	}
	cr_assert(refused, "no cookie-refused entry for a in the trace");
	bsim_result_free(r);
	bsim_suite_free(suite);
}

/* Bad <response> elements: each is a load error that says what to write. */
static const struct {
	const char *body;
	const char *says;
} bad_responses[] = {
	{"<response url=\"https://www.shop.com/\"/>", "<set-cookie>"},
	{"<response url=\"www.shop.com\"><set-cookie>a=1</set-cookie></response>", "url=\"www.shop.com\""},
	{"<response><set-cookie>a=1</set-cookie></response>", "url"},
	{"<response url=\"https://www.shop.com/\" tab=\"a\"><set-cookie>a=1</set-cookie></response>", "tab"},
};

Test(scenario_ops, bad_responses_are_load_errors, .fini = support_temp_dirs_remove)
{
	size_t ran = 0;
	for (size_t i = 0; i < sizeof bad_responses / sizeof *bad_responses; i++) {
		int rc;
		bsim_suite *suite = load_xml_rc(bad_responses[i].body, &rc);
		/* A load error is the load's result, or an error of the suite it kept. */
		const bsim_error *e = rc < 0 ? bsim_error_last()
				      : suite && bsim_suite_error_count(suite) ? bsim_suite_error_at(suite, 0) : NULL;
		cr_assert(e, "case %zu loaded: %s", i, bad_responses[i].body);
		cr_assert(strstr(e->message, bad_responses[i].says), "case %zu: %s", i, e->message);
		cr_assert_gt(e->line, 0, "case %zu: no line", i);
		bsim_suite_free(suite);
		ran++;
	}
	cr_assert_eq(ran, sizeof bad_responses / sizeof *bad_responses);
}

/* ---- the op reader ---- */

static int parse(cookie_op_list *ops, const char *text)
{
	*ops = (cookie_op_list)COOKIE_OP_LIST_INIT;
	ops->text = strdup(text);
	ops->text_len = strlen(text);
	cr_assert(ops->text);
	cookie_ops_config cfg = {BSIM_ENGINE_CHROMIUM, BSIM_DEFAULT_START_TIME, false};
	return cookie_ops_parse(ops, "t.ops", &cfg);
}

Test(scenario_ops, bad_lines_are_located_errors_kept_in_line_order)
{
	cookie_op_list ops;
	int rc = parse(&ops, "respond https://a.com/ x=1\nfetch https://a.com/\nwait soon\n");
	cr_assert_eq(rc, BSIM_EINVAL);
	const bsim_error *e = bsim_error_last();
	cr_assert_str_eq(e->file, "t.ops");
	cr_assert_eq(e->line, 1, "the error channel names the first bad line, was %d", e->line);
	cr_assert_eq(ops.n_diags, 3);
	/* The unused respond is only known at the end, but is reported at its line, first. */
	int want_lines[] = {1, 2, 3};
	const char *want_start[] = {"no tab loads https://a.com/", "unknown operation \"fetch\"", "\"wait\" needs"};
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(ops.diags[i].line, want_lines[i], "diag %zu at line %d", i, ops.diags[i].line);
		cr_assert(strncmp(ops.diags[i].text, want_start[i], strlen(want_start[i])) == 0, "diag %zu: %s", i,
			  ops.diags[i].text);
	}
	buf out = BUF_INIT;
	ops_diag_render(&out, &ops, "t.ops");
	cr_assert(strncmp(buf_cstr(&out), "t.ops:1: error: no tab loads", 28) == 0, "%s", buf_cstr(&out));
	buf_free(&out);
	cookie_op_list_free(&ops);
}

Test(scenario_ops, urls_are_checked_by_the_url_parser)
{
	const char *bad[] = {"www.shop.com", "ftp://www.shop.com/", "https://exa%mple.com/", "http://"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		url *u = NULL;
		cr_assert_eq(url_parse(&u, bad[i]), BSIM_EINVAL, "%s parses", bad[i]);
		char want[1200];
		snprintf(want, sizeof want, "\"get\" needs an absolute http, https, ws, wss or file URL: %s",
			 bsim_error_last()->message);
		char line[256];
		snprintf(line, sizeof line, "get %s\n", bad[i]);
		cookie_op_list ops;
		cr_assert_eq(parse(&ops, line), BSIM_EINVAL, "%s", bad[i]);
		cr_assert_eq(ops.n_diags, 1);
		cr_assert_str_eq(ops.diags[0].text, want);
		cookie_op_list_free(&ops);
	}
}

/* ---- a run through the one runner, heard by the reporter ---- */

typedef struct run_out {
	ops_report_status status;
	bsim_outcome outcome;
	char *out;
	char *err;
	size_t n_trace; /* trace entries the result kept */
} run_out;

static run_out run_ops(const char *text, bool json)
{
	cookie_op_list ops;
	cr_assert_eq(parse(&ops, text), 0, "%s", bsim_error_last()->message);
	ops_reporter *rep = NULL;
	ops_report_options ro = {"t.ops", json, true};
	cr_assert_eq(ops_reporter_new(&rep, &ro), 0);
	ops_run_config cfg = {"t.ops", BSIM_ENGINE_CHROMIUM, BSIM_DEFAULT_START_TIME, false, NULL,
			      ops_reporter_listener(rep)};
	ops_program *prog = NULL;
	cr_assert_eq(ops_program_new(&prog, &ops, &cfg), 0);
	bsim_result *r = NULL;
	cr_assert_eq(bsim_scenario_run(&r, ops_program_scenario(prog), NULL), 0);
	run_out o = {ops_reporter_status(rep), bsim_result_outcome(r), strdup(buf_cstr(ops_reporter_output(rep))),
		     strdup(buf_cstr(ops_reporter_errors(rep))), bsim_result_trace_count(r)};
	bsim_result_free(r);
	ops_program_free(prog);
	ops_reporter_free(rep);
	cookie_op_list_free(&ops);
	return o;
}

Test(scenario_ops, set_get_and_explain_reach_the_reporter_in_order)
{
	run_out o = run_ops("set https://www.shop.com/ sid=1; Path=/\n"
			    "set https://shop.github.io/ a=1; Domain=github.io\n"
			    "get https://www.shop.com/\n",
			    false);
	cr_assert_eq(o.status, OPS_REPORT_OK, "%s", o.err);
	cr_assert_eq(o.outcome, BSIM_PASSED);
	/* The refusal is an --explain line at its op's line; get's value follows. */
	cr_assert(strncmp(o.out, "t.ops:2: refused [", 18) == 0, "%s", o.out);
	const char *last = strrchr(o.out, '\n');
	cr_assert(last && last[1] == '\0');
	cr_assert(strstr(o.out, "]") && strcmp(o.out + strlen(o.out) - 6, "sid=1\n") == 0, "%s", o.out);
	free(o.out);
	free(o.err);
}

Test(scenario_ops, json_lines_name_the_op_and_its_line)
{
	run_out o = run_ops("set https://www.shop.com/ sid=1\nget https://www.shop.com/\n", true);
	cr_assert_eq(o.status, OPS_REPORT_OK, "%s", o.err);
	cr_assert_str_eq(o.out, "{\"type\":\"value\",\"op\":\"get\",\"line\":2,\"url\":\"https://www.shop.com/\","
				"\"value\":\"sid=1\"}\n");
	free(o.out);
	free(o.err);
}

Test(scenario_ops, an_op_that_cannot_run_stops_the_run_with_a_located_error)
{
	run_out o = run_ops("set https://www.shop.com/ sid=1\nsave /nonexistent-dir/x/profile.db\nget https://www.shop.com/\n",
			    false);
	cr_assert_eq(o.status, OPS_REPORT_INPUT_ERROR, "%s", o.err);
	cr_assert_eq(o.outcome, BSIM_ERRORED);
	cr_assert(strncmp(o.err, "t.ops:2: error: save: ", 22) == 0, "%s", o.err);
	cr_assert_str_eq(o.out, "", "get ran after the failed op: %s", o.out);
	free(o.out);
	free(o.err);
}

/* The reporter heard the trace as it happened: the result keeps no copy of it (a large op file doubled in memory). */
Test(scenario_ops, the_result_keeps_no_copy_of_the_trace_the_reporter_heard)
{
	run_out o = run_ops("set https://shop.github.io/ a=1; Domain=github.io\n", false);
	cr_assert_eq(o.status, OPS_REPORT_OK, "%s", o.err);
	cr_assert(strstr(o.out, "refused [public-suffix]"), "the refusal was not heard: %s", o.out);
	cr_assert_eq(o.n_trace, 0, "the result copied %zu trace entries", o.n_trace);
	free(o.out);
	free(o.err);
}
