/*
 * fuzz_cookie_ops.c: the operation language of `bsim cookie`
 * (sim/cli/cookie_ops*.c, docs/cookie-command.md): the whole input as an
 * op file, checked as the command checks it, then run when it touches no
 * file.
 *
 * Ops that read or write files (save, load, import, export) are checked
 * but not run: a fuzzed path could name any file. The input's first byte
 * picks the engine and whether the output is text or JSON lines, so every
 * preset is reached.
 *
 * Invariants: a bad file is answered with FILE:LINE: error: lines (never
 * silence); what the checker accepts the run accepts (exit 0, no
 * diagnostic); and two runs of one file print the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cookie_ops.h"
#include "cli/cookie_run.h"
#include "fuzz_support.h"
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

static void run_once(const cookie_op_list *ops, const cookie_run_config *cfg, buf *out)
{
	buf diag = BUF_INIT;
	int code = cookie_run(ops, cfg, out, &diag);
	FUZZ_CHECK(code == CLI_EXIT_OK, "the checker accepted the file, the run exited %d: %.500s", code,
		   buf_cstr(&diag));
	FUZZ_CHECK(diag.len == 0, "a run that succeeded wrote a diagnostic: %.500s", buf_cstr(&diag));
	buf_free(&diag);
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
	buf diag = BUF_INIT;
	int rc = cookie_ops_parse(&ops, "fuzz.ops", &check, &diag);
	FUZZ_CHECK(rc == 0 || rc == BSIM_EINVAL, "the checker failed itself (%d): %s", rc, bsim_error_last()->message);
	if (rc == BSIM_EINVAL) {
		FUZZ_CHECK(diag.len > 0 && strncmp(buf_cstr(&diag), "fuzz.ops:", 9) == 0 &&
				   strstr(buf_cstr(&diag), "error: "),
			   "a refused op file without a located error: \"%.300s\"", buf_cstr(&diag));
		FUZZ_CHECK(diag.ptr[diag.len - 1] == '\n', "a diagnostic not ended by a newline");
	} else {
		FUZZ_CHECK(diag.len == 0, "an accepted op file with a diagnostic: %.300s", buf_cstr(&diag));
		for (size_t i = 0; i < ops.count; i++)
			FUZZ_CHECK(ops.ops[i].line >= 1 && (unsigned)ops.ops[i].kind < COOKIE_OP_KIND_COUNT,
				   "op %zu: line %d kind %d", i, ops.ops[i].line, (int)ops.ops[i].kind);
		if (!touches_files(&ops) && ops.count <= MAX_RUN_OPS) {
			cookie_run_config cfg = {
				.file = "fuzz.ops",
				.engine = check.engine,
				.now = check.start,
				.explain = (ctl / 6) % 2 == 1,
				.json = (ctl / 12) % 2 == 1,
				.session_restore = check.session_restore,
				.hosts_path = NULL,
			};
			buf a = BUF_INIT, b = BUF_INIT;
			run_once(&ops, &cfg, &a);
			run_once(&ops, &cfg, &b);
			FUZZ_CHECK(a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0),
				   "two runs of one op file printed different output");
			buf_free(&a);
			buf_free(&b);
		}
	}
	buf_free(&diag);
	cookie_op_list_free(&ops);
	return 0;
}
