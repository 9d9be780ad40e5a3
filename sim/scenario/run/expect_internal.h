/*
 * expect_internal.h: what the <expect> variants of expect.c and
 * expect_cookie.c share: the failure message in the words of the file, and
 * the variants expect.c registers (in its order, which expect_kind_for
 * follows).
 */
#ifndef BSIM_SCENARIO_EXPECT_INTERNAL_H
#define BSIM_SCENARIO_EXPECT_INTERNAL_H

#include "scenario/scenario_internal.h"

/*
 * Run k's check on s, waiting on the virtual clock up to the step's within=
 * (else the scenario's timeout) for it to hold (expect_wait.c). 0, STEP_FAILED
 * with the last trial's failure and how long it waited, or negative.
 */
int expect_wait(const expect_kind *k, step *s, run_ctx *rc);

/* What the expectation asked, as written: its attributes in file order, but for after=, at= and within=. */
void expect_put_asked(buf *b, const step *s);
/* How many attributes it asks with (after=, at= and within= left out). */
size_t expect_asked_count(const step *s);

/* Whether s carries attribute name with exactly value (for expect_kind.denies). */
bool expect_attr_is(const step *s, const char *name, const char *value);

/* run_fail with every attribute as written first and "(was: WAS)" after; subject as run_fail's. */
int expect_fail_was(run_ctx *rc, const step *s, const char *subject, const char *was);

/* A cookie of the jar with every attribute, as a failure describes it: value="1" domain=".x.com" path="/" ... */
void expect_put_cookie(buf *b, const bsim_cookie_view *v);

/* document-cookie=, document-cookie-contains=, document-cookie-lacks= (expect_cookie.c). */
int expect_document_cookie_prepare(step *s);
int expect_document_cookie_check(step *s, run_ctx *rc);
/* cookie-header="URL" equals= | max-size= (expect_cookie.c). */
int expect_cookie_header_prepare(step *s);
int expect_cookie_header_check(step *s, run_ctx *rc);

#endif
