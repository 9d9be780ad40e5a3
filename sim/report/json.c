/*
 * json.c: every result, with its trace, as one JSON document for programs
 * (dashboards, flaky-test trackers, scripts that diff two runs). The field
 * names are a stable interface, documented in docs/report-formats.md: new
 * fields may be added, none is renamed or removed without a new "version".
 *
 * The document is written by hand rather than through a JSON library so
 * that its layout is fixed (one field a line, one trace entry a line, for
 * readable diffs), times keep three decimals, and text that is not UTF-8
 * (a cookie value from a Set-Cookie header) becomes U+FFFD instead of
 * making the whole report unwritable (util/jsonw.h writes every string).
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "bsim/report.h"
#include "report/report_util.h"
#include "util/buf.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

/* The format's version: raised only when a field changes meaning or goes away. */
#define REPORT_JSON_VERSION 1

static void json_ms(buf *b, uint64_t ns)
{
	buf_printf(b, "%.3f", (double)ns / 1e6);
}

static void put_trace_entry(buf *b, const bsim_trace_entry *e, bsim_time start)
{
	buf_printf(b, "{\"at\": %" PRId64 ", \"kind\": \"%s\", \"tab\": ", report_vtime_ms(e->at, start),
		   report_trace_kind_name(e->kind));
	if (e->tab >= 0)
		buf_printf(b, "%d", e->tab);
	else
		buf_puts(b, "null");
	buf_puts(b, ", \"code\": ");
	jsonw_cstr(b, e->code);
	buf_puts(b, ", \"subject\": ");
	jsonw_cstr(b, e->subject);
	buf_puts(b, ", \"message\": ");
	jsonw_cstr(b, e->message);
	buf_putc(b, '}');
}

static void put_result(buf *b, const bsim_result *r, const bsim_report_options *opts)
{
	const bsim_scenario *sc = bsim_result_scenario(r);
	buf_puts(b, "    {\n      \"scenario\": ");
	jsonw_cstr(b, bsim_scenario_name(sc));
	buf_puts(b, ",\n      \"file\": ");
	jsonw_cstr(b, bsim_scenario_file(sc));
	buf_printf(b, ",\n      \"line\": %d,\n      \"column\": %d,\n      \"engine\": \"%s\",\n      \"tags\": [",
		   bsim_scenario_line(sc), bsim_scenario_column(sc), bsim_engine_name(bsim_scenario_engine(sc)));
	size_t n_tags = bsim_scenario_tag_count(sc);
	for (size_t i = 0; i < n_tags; i++) {
		if (i)
			buf_puts(b, ", ");
		jsonw_cstr(b, bsim_scenario_tag(sc, i));
	}
	buf_printf(b, "],\n      \"outcome\": \"%s\",\n      \"expected_failure\": %s,\n      \"declared_failure\": ",
		   report_outcome_name(bsim_result_outcome(r)), bsim_result_expected_failure(r) ? "true" : "false");
	jsonw_cstr(b, bsim_scenario_expect_failure(sc));
	buf_puts(b, ",\n      \"message\": ");
	jsonw_cstr(b, bsim_result_message(r));
	buf_puts(b, ",\n      \"fail\": ");
	const char *fail_file = bsim_result_fail_file(r);
	if (fail_file) {
		buf_puts(b, "{\"file\": ");
		jsonw_cstr(b, fail_file);
		buf_printf(b, ", \"line\": %d, \"column\": %d}", bsim_result_fail_line(r),
			   bsim_result_fail_column(r));
	} else {
		buf_puts(b, "null");
	}
	buf_printf(b, ",\n      \"seed\": %" PRIu64, bsim_result_seed(r));
	/* The instant trace[].at counts from: a scenario's now= (a customer's capture time), or bsim's default. */
	char start[32];
	time_format_iso8601(bsim_result_start_time(r), start, sizeof start);
	buf_printf(b, ",\n      \"start\": \"%s\"", start);
	if (opts->timing) {
		buf_puts(b, ",\n      \"elapsed_ms\": ");
		json_ms(b, bsim_result_elapsed_ns(r));
	}
	size_t n_trace = bsim_result_trace_count(r);
	buf_puts(b, ",\n      \"trace\": [");
	for (size_t i = 0; i < n_trace; i++) {
		buf_puts(b, i ? ",\n        " : "\n        ");
		put_trace_entry(b, bsim_result_trace_at(r, i), bsim_result_start_time(r));
	}
	buf_puts(b, n_trace ? "\n      ]\n    }" : "]\n    }");
}

int bsim_report_json(const char *path, const bsim_result *const *results, size_t n,
		     const bsim_report_options *opts)
{
	opts = report_options_or_default(opts);
	int rc;
	buf b = BUF_INIT;
	report_counts c;
	report_count(&c, results, n);
	buf_printf(&b, "{\n  \"format\": \"bsim-report\",\n  \"version\": %d,\n  \"name\": ", REPORT_JSON_VERSION);
	jsonw_cstr(&b, opts->suite_name ? opts->suite_name : "bsim");
	buf_printf(&b, ",\n  \"summary\": {\"total\": %zu, \"passed\": %zu, \"failed\": %zu, \"errored\": %zu, \"skipped\": %zu",
		   n, c.passed, c.failed, c.errored, c.skipped);
	if (opts->timing) {
		buf_puts(&b, ", \"elapsed_ms\": ");
		json_ms(&b, c.elapsed_ns);
	}
	buf_puts(&b, "},\n  \"results\": [");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, i ? ",\n" : "\n");
		put_result(&b, results[i], opts);
	}
	buf_puts(&b, n ? "\n  ]\n}\n" : "]\n}\n");
	if ((rc = buf_status(&b)) < 0)
		goto out;
	rc = report_write_file(path, &b);
out:
	buf_free(&b);
	return rc;
}
