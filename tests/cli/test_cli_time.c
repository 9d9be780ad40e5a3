/*
 * test_cli_time.c: time inside a scenario, end to end: the real bsim runs
 * the files under tests/scenario/time/ and each outcome and message is
 * checked. Steps placed with after= and at= (an at= already past, both on
 * one step), expectations that wait for their condition (an absence that
 * comes later, within="0", a scenario's own timeout, the last value and
 * when it changed), <wait for="EVENT"> on a deployed widget whose
 * started chat polls on its own cadence, a navigation step that ends at
 * the page's load (a scenario's load-time= and a step's own), a widget
 * start that ends at its answer unless no-wait-after races it, and the
 * request a race lost, named by a failure and by `bsim explain`.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#define RUN(...) (support_to_source_root(), SUPPORT_RUN(__VA_ARGS__))
#define DIR "tests/scenario/time/"

typedef struct time_case {
	const char *file;
	int exit_code;
	const char *lines[10]; /* each must appear in stdout (or stderr for a load error), whole lines */
} time_case;

static const time_case cases[] = {
	{"placement.xml", 1,
	 {"PASS  " DIR "placement.xml:6  a Max-Age=1 cookie is there 900 ms after it arrived [chromium]\n",
	  "PASS  " DIR "placement.xml:12  and gone 1100 ms after, judged at once [chromium]\n",
	  "\n" DIR "placement.xml:25:5: error: at=\"1500ms\" is 00:00:01.500, but the clock is already at 00:00:02.200: steps run "
	  "in file order; place this one after the previous step with after=\"...\"\n",
	  "2 passed, 0 failed, 1 errored\n"}},
	{"both.xml", 2,
	 {DIR "both.xml:4:3: error: <reload> takes after=\"...\" (since the previous step) or at=\"...\" (since the "
	  "scenario's start), not both\n"}},
	{"expect-wait.xml", 1,
	 {"PASS  " DIR "expect-wait.xml:4  an absence that comes later passes when it comes [chromium]\n",
	  "\n" DIR "expect-wait.xml:14:5: expectation failed: cookie=\"sid\" present=\"false\" (was: present: value=\"1\" "
	  "domain=\"www.testsite.com\" path=\"/\" secure=\"false\" http-only=\"false\" same-site=\"unspecified\" "
	  "session=\"false\")\n  seed 1",
	  "\n" DIR "expect-wait.xml:20:5: expectation failed: cookie=\"sid\" value=\"2\" (was: absent)\n"
	  /* Tried from the load at 0.2 s, then 100, 250 and 500 ms later and every second: the expiry at 2 s is
	   * seen at the trial at 2.05 s. */
	  "  waited 5s until 00:00:05.200; the value was the same since 00:00:02.050\n",
	  "\n" DIR "expect-wait.xml:24:5: expectation failed: cookie=\"never\" (was: absent)\n"
	  "  waited 1500ms until 00:00:01.800; the value was the same since 00:00:00.300\n",
	  "PASS  " DIR "expect-wait.xml:26  a chat the agent leaves idle ends, and the expectation waits for it [chromium]\n",
	  "2 passed, 3 failed\n"}},
	{"wait-event.xml", 1,
	 {"PASS  " DIR "wait-event.xml:4  polls, requests and the widget's events come on the clock [chromium]\n",
	  "PASS  " DIR "wait-event.xml:16  a failed poll is an error event at the next poll [chromium]\n",
	  /* The restore's outcome 172 ms after the cart's load (33 ms, the latency, the restore's work). */
	  "PASS  " DIR "wait-event.xml:27  a restore comes after the navigation's load, within the wait [chromium]\n",
	  "\n" DIR "wait-event.xml:42:5: expectation failed: waited 3s (until 00:00:04.737) for a restore outcome in tab "
	  "\"a\": none came; 1 came before the wait began at 00:00:01.737\n",
	  "\n" DIR "wait-event.xml:49:5: expectation failed: waited 3s (until 00:00:03.537) for a restore outcome in tab "
	  "\"a\": there was none\n",
	  /* The tab's document fired its load event at 200 ms, where its navigation step ended. */
	  "\n" DIR "wait-event.xml:53:5: expectation failed: waited 500ms (until 00:00:01.700) for a document load in tab "
	  "\"a\": none came; the last one was at 00:00:00.200\n",
	  "\n" DIR "wait-event.xml:58:5: expectation failed: waited 2s (until 00:00:02.400) for a storage event in tab \"a\": "
	  "there was none\n",
	  /* no-wait-after: the step ends at the load (200 ms), the submit sends the start 172 ms later. */
	  "PASS  " DIR "wait-event.xml:62  a start raced with no-wait-after is seen when its request goes [chromium]\n",
	  "\n" DIR "wait-event.xml:75:5: expectation failed: waited 1s (until 00:00:01.737) for a start request in tab \"a\": "
	  "none came; 1 came before the wait began at 00:00:00.737\n",
	  "4 passed, 5 failed\n"}},
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
	{"wait-unknown.xml", 2,
	 {DIR "wait-unknown.xml:4:3: error: <wait> for=\"pol\": expected a duration such as 500ms, 2s, 10m, 1h or 1d, or "
	  "an event: load, restore, request, storage, start, poll, ",
	  "; did you mean poll?\n"}},
};

Test(cli_time, steps_expectations_and_waits_on_the_virtual_clock)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const time_case *c = &cases[i];
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

/* The same run twice: byte for byte the same (the clock and the trials are deterministic). */
Test(cli_time, a_run_that_waits_is_the_same_every_time)
{
	support_run a = RUN("run", "--no-timing", "--trace", DIR "wait-event.xml");
	support_run b = RUN("run", "--no-timing", "--trace", DIR "wait-event.xml");
	cr_expect_str_eq(a.out, b.out);
	support_run_free(&a);
	support_run_free(&b);
}

Test(cli_time, explain_tells_the_request_a_restart_dropped_and_when_it_was_sent)
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
