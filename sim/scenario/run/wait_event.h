/*
 * wait_event.h: <wait for="EVENT"> (wait_event.c), which the <wait> step of
 * steps.c hands every for= that is not a duration.
 */
#ifndef BSIM_SCENARIO_WAIT_EVENT_H
#define BSIM_SCENARIO_WAIT_EVENT_H

#include "scenario/scenario_internal.h"

/* for= names an event bsim knows (else a located error listing them, with the likely one): s->data digests it. */
int wait_event_prepare(step *s);
/* Move the clock until the event comes to the tab (0) or the timeout passes (STEP_FAILED after run_fail). */
int wait_event_run(step *s, run_ctx *rc);

#endif
