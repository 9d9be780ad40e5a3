/*
 * fuzz_cookie_ops.c: the operation language of `bsim cookie`, a reader of
 * the scenario layer (sim/scenario/read/ops*.c, docs/cookie-command.md):
 * the whole input as an op file, checked as the command checks it, then
 * run by the one runner with the ops reporter listening when it touches
 * no file. It links libbsim alone.
 *
 * Ops that read or write files (save, load, import, export) are checked
 * but not run: a fuzzed path could name any file. The input's first byte
 * picks the engine and whether the output is text or JSON lines, so every
 * preset is reached.
 *
 * Invariants: a bad file is answered with located diagnostics (never
 * silence) and a located error in the error channel; what the checker
 * accepts the run accepts (it passes, the reporter saw no error); and two
 * runs of one file print the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "report/ops.h"
#include "scenario/read/ops.h"
#include "util/buf.h"

/* Ops run per input: every op kind many times over, while an input stays fast. */
#define MAX_RUN_OPS 500

static bool touches_files(const cookie_op_list *ops)
{
	for (size_t i = 0; i < ops->count; i++)
		if (ops->ops[i].path)
			return true;
	return false;
}

static void run_once(const cookie_op_list *ops, const ops_run_config *cfg, const ops_report_options *ro, buf *out)
{
	ops_reporter *rep = NULL;
	ops_program *prog = NULL;
	bsim_result *result = NULL;
	FUZZ_CHECK(ops_reporter_new(&rep, ro) == 0, "no reporter: %s", bsim_error_last()->message);
	ops_run_config c = *cfg;
	c.listener = ops_reporter_listener(rep);
	FUZZ_CHECK(ops_program_new(&prog, ops, &c) == 0, "no program: %s", bsim_error_last()->message);
	FUZZ_CHECK(bsim_scenario_run(&result, ops_program_scenario(prog), NULL) == 0, "the run failed itself: %s",
		   bsim_error_last()->message);
	FUZZ_CHECK(bsim_result_outcome(result) == BSIM_PASSED && ops_reporter_status(rep) == OPS_REPORT_OK,
		   "the checker accepted the file, the run stopped: %.500s %.500s", bsim_result_message(result),
		   buf_cstr(ops_reporter_errors(rep)));
	const buf *o = ops_reporter_output(rep);
	buf_put(out, o->ptr ? o->ptr : "", o->len);
	bsim_result_free(result);
	ops_program_free(prog);
	ops_reporter_free(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > COOKIE_OPS_MAX_INPUT)
		return 0;
	unsigned ctl = size ? data[0] : 0;
	cookie_op_list ops = COOKIE_OP_LIST_INIT;
	ops.text = fuzz_strndup(data, size);
	ops.text_len = size;
	cookie_ops_config check = {(bsim_engine)(ctl % BSIM_ENGINE_COUNT), BSIM_DEFAULT_START_TIME,
				   (ctl / 3) % 2 == 1};
	int rc = cookie_ops_parse(&ops, "fuzz.ops", &check);
	FUZZ_CHECK(rc == 0 || rc == BSIM_EINVAL, "the checker failed itself (%d): %s", rc, bsim_error_last()->message);
	if (rc == BSIM_EINVAL) {
		const bsim_error *e = bsim_error_last();
		FUZZ_CHECK(ops.n_diags > 0 && e->file && strcmp(e->file, "fuzz.ops") == 0 && *e->message,
			   "a refused op file without a located error: \"%.300s\"", e->message);
		for (size_t i = 0; i < ops.n_diags; i++)
			FUZZ_CHECK(*ops.diags[i].text && !strchr(ops.diags[i].text, '\n'),
				   "diagnostic %zu is empty or holds a newline: \"%.300s\"", i, ops.diags[i].text);
	} else {
		FUZZ_CHECK(ops.n_diags == 0, "an accepted op file with a diagnostic: %.300s", ops.diags[0].text);
		for (size_t i = 0; i < ops.count; i++)
			FUZZ_CHECK(ops.ops[i].line >= 1 && (unsigned)ops.ops[i].kind < COOKIE_OP_KIND_COUNT,
				   "op %zu: line %d kind %d", i, ops.ops[i].line, (int)ops.ops[i].kind);
		if (!touches_files(&ops) && ops.count <= MAX_RUN_OPS) {
			ops_run_config cfg = {"fuzz.ops", check.engine, check.start, check.session_restore, NULL, NULL};
			ops_report_options ro = {"fuzz.ops", (ctl / 12) % 2 == 1, (ctl / 6) % 2 == 1};
			buf a = BUF_INIT, b = BUF_INIT;
			run_once(&ops, &cfg, &ro, &a);
			run_once(&ops, &cfg, &ro, &b);
			FUZZ_CHECK(a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0),
				   "two runs of one op file printed different output");
			buf_free(&a);
			buf_free(&b);
		}
	}
	cookie_op_list_free(&ops);
	return 0;
}
