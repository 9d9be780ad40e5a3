/*
 * story.h: the story of a cookie, told from a run's trace: where it was
 * written, refused, evicted, expired or ended with the session, and which
 * requests carried it or not, each with the step that did it and the
 * virtual time. `bsim explain` prints it for every widget cookie; a failed
 * expectation prints the tail of its subject's story under its message.
 * The runner records where each step's trace entries begin (its marks), so
 * every entry can name its step.
 */
#ifndef BSIM_SCENARIO_STORY_H
#define BSIM_SCENARIO_STORY_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario/scenario_internal.h"

/* The trace entries of a run and the steps that wrote them. */
typedef struct story_src {
	const bsim_trace_entry *(*entry)(const void *trace, size_t index);
	const void *trace;
	size_t n;                    /* entries told: the story ends before entry n */
	const size_t *marks;         /* marks[k]: the trace length when step k began */
	const step *const *steps;    /* steps[k]: that step */
	size_t n_marks;
	bsim_time start;             /* the run's first instant: times are told from it */
} story_src;

/*
 * The story of cookie `name`, one line per trace entry about it, each
 * "INDENT00:00:02  FILE:LINE:COL  tab N  WHAT  [CODE]"; consecutive entries
 * that read the same are one line ending "  (N times)". With max_lines > 0
 * only the last max_lines are told, after a line saying how many came
 * before. Returns the number of lines about the cookie (0: nothing
 * written), or BSIM_ENOMEM.
 */
int story_cookie_text(buf *out, const story_src *src, const char *name, const char *indent, size_t max_lines);

/* Whether a cookie name is told by `bsim explain`: pattern (fnmatch), also after a "DEPLOYMENTID."
 * prefix (widget-behaviour.md item 7). */
bool story_name_matches(const char *pattern, const char *name);

/* Run sc's first stop_after steps (SIZE_MAX: all), keeping the step marks in the result. */
int runner_run(bsim_result **out, const bsim_scenario *sc, const bsim_run_options *opts, size_t stop_after);
/* The story source of a finished run: its trace copy and its marks (borrowed from r). */
story_src story_src_of_result(const bsim_result *r);
/* The live run's trace and step marks, as a story reads them. */
story_src story_src_of_run(run_ctx *rc);
/*
 * Entry i is a page script's request whose answer never reached its page:
 * a restore, start or send dropped when its page went (a poll dropped so is
 * routine), or any request that failed. *sent: when it was sent.
 */
bool story_lost_request(const story_src *src, size_t i, bsim_time *sent);

/* The default pattern: the widget's cookies (widget-behaviour.md item 5). */
#define STORY_WIDGET_PATTERN "_genesys.widgets.*"

/* Lines of story a failed expectation prints under its cause: enough for the last store, refusal and request. */
#define STORY_FAILURE_LINES 6

#endif
