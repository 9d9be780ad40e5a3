/*
 * test_cli_clock.c: steps that take time as a browser's do, end to end:
 * the real bsim runs tests/scenario/clock/ and the bundled race bugs. A
 * navigation step ends at the page's load (a scenario's load-time= and a
 * step's own), a widget start ends at its answer unless no-wait-after
 * races it, and `bsim explain` tells the requests that never got their
 * answer to their page, with when they were sent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define RUN(...) (support_to_source_root(), SUPPORT_RUN(__VA_ARGS__))
#define DIR "tests/scenario/clock/"

typedef struct clock_case {
	const char *file;
	int exit_code;
	const char *lines[6]; /* each must appear in stdout or stderr */
} clock_case;

static const clock_case cases[] = {
	{"load-time.xml", 1,
	 {DIR "load-time.xml:5:5: error: at=\"999ms\" is 00:00:00.999, but the clock is already at 00:00:01: ",
	  "PASS  " DIR "load-time.xml:8  a step's own load-time wins for that step [chromium]\n",
	  "1 passed, 0 failed, 1 errored\n"}},
	{"start-latency.xml", 1,
	 {"PASS  " DIR "start-latency.xml:4  the start step ends at its answer [chromium]\n",
	  "PASS  " DIR "start-latency.xml:12  no-wait-after ends it at the click [chromium]\n",
	  DIR "start-latency.xml:26:5: error: at=\"836ms\" is 00:00:00.836, but the clock is already at 00:00:00.837: ",
	  "2 passed, 0 failed, 1 errored\n"}},
	{"down-mid-restore.xml", 1,
	 {DIR "down-mid-restore.xml:13:3: expectation failed: chat=\"restored\" (was: restoreFailed)\n",
	  "\n  the restore request sent at 00:00:02.770 failed at 00:00:02.837: the connection to the chat server failed "
	  "(it is down or reset the connection)\n"}},
	{"no-wait-open.xml", 2,
	 {DIR "no-wait-open.xml:4:3: error: no-wait-after= goes with do=\"start\" or do=\"send\", the actions that wait for "
	  "an answer\n"}},
};

Test(cli_clock, navigations_end_at_the_load_and_a_start_at_its_answer)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const clock_case *c = &cases[i];
		char path[256];
		snprintf(path, sizeof path, DIR "%s", c->file);
		support_run r = RUN("run", "--no-timing", path);
		cr_expect_eq(r.status, c->exit_code, "%s: exit %d, want %d\n%s%s", c->file, r.status, c->exit_code, r.out, r.err);
		for (size_t k = 0; k < sizeof c->lines / sizeof *c->lines && c->lines[k]; k++)
			cr_expect(strstr(r.out, c->lines[k]) || strstr(r.err, c->lines[k]), "%s: missing\n%s\n--- in:\n%s%s",
				  c->file, c->lines[k], r.out, r.err);
		support_run_free(&r);
	}
}

Test(cli_clock, explain_tells_the_request_a_restart_dropped_and_when_it_was_sent)
{
	support_run r = RUN("explain", "--cookie", "*session", "scenarios/bugs/widget-race-restart-send-in-flight.xml");
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	cr_expect(strstr(r.out, "failed as expected\n"), "%s", r.out);
	cr_expect(strstr(r.out, "\n  requests that never got their answer to the page\n"), "%s", r.out);
	cr_expect(strstr(r.out, "tab 1  send request dropped: its page went 100 ms after the send, before the answer "
				"(due 400 ms after the send) (sent at 00:00:03.387)  [request-dropped]\n"),
		  "%s", r.out);
	support_run_free(&r);
}
