/*
 * expectations.h: what the conformance suites share: the expectations
 * files (tests/conformance/expectations/<suite>-<engine>.txt, one line
 * "id<TAB>reason" per case the real browser fails too, '#' starts a
 * comment) and the verdict of one suite on one engine against them. A case
 * that fails and is not listed, a listed case that passes (a stale entry
 * hides a fixed or a changed behaviour) and an entry naming no case of the
 * suite are all unexpected, and any unexpected result fails the test. Each
 * run prints its count as "conformance: SUITE ENGINE: N/M pass, K listed",
 * the line ./run collects into its report.
 */
#ifndef BSIM_TEST_EXPECTATIONS_H
#define BSIM_TEST_EXPECTATIONS_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* One entry of an expectations file. */
typedef struct listed_case {
	char *id;
	char *reason; /* what the real browser does instead */
	int line;
	bool seen; /* a case of the suite has this id */
} listed_case;

typedef struct expectations {
	char path[512]; /* relative to the source root, as the messages show it */
	listed_case *items;
	size_t count;
} expectations;

/* The outcome of one suite on one engine. */
typedef struct tally {
	const char *suite;
	const char *engine;
	expectations listed;
	int total, passed, listed_failures, unexpected;
	buf problems; /* one paragraph per unexpected result */
} tally;

/*
 * Start a tally and read tests/conformance/expectations/<suite>-<engine>.txt
 * (an absent file lists nothing); a malformed or repeated line fails the
 * test. suite and engine are borrowed for the tally's life. Release with
 * tally_finish, or tally_free.
 */
void tally_begin(tally *t, const char *suite, const char *engine);

/*
 * Count one case. Returns true when its result is unexpected: it fails and
 * is not listed, or it passes and *entry is the stale entry listing it. The
 * caller says why in t->problems; tally_judge does it in the common words.
 */
bool tally_count(tally *t, const char *id, bool pass, listed_case **entry);

/*
 * Count one case and explain an unexpected result: `what` describes the
 * case's input, expected and got are quoted beside it.
 */
void tally_judge(tally *t, const char *id, bool pass, const char *what, const char *expected, const char *got);

/* Count the entries that named no case of the suite as unexpected; once, after the last case. */
void tally_check_entries(tally *t);

/*
 * Write "SUITE ENGINE: N/M pass, K listed" into summary, with ", UNEXPECTED
 * RESULTS" after it when mark_unexpected, and print it as the "conformance:"
 * line (stderr, in the test log) and in Criterion's log.
 */
void tally_summary(const tally *t, char *summary, size_t size, bool mark_unexpected);

/*
 * tally_check_entries, tally_summary (marked when anything was unexpected),
 * then every unexpected result on stderr, then tally_free. Returns how many
 * results were unexpected; the caller asserts on it (ASSERT_VERDICT) once
 * everything else is freed, so a failing run reports no leaks.
 */
int tally_finish(tally *t, char *summary, size_t size);

/* Release the problems and the expectations; the counts stay readable. */
void tally_free(tally *t);

/* The verdict of one suite on one engine, after tally_finish. */
#define ASSERT_VERDICT(t, unexpected, summary)                                                              \
	do {                                                                                                 \
		cr_assert_eq((unexpected), 0, "%s: %d unexpected result(s), listed above", (summary), (unexpected)); \
		cr_assert_gt((t).total, 0, "%s: no cases ran", (summary));                                    \
	} while (0)

/* s[0..len) quoted for a report line, '"' and '\\' escaped, control characters as \xhh. */
void put_quoted(buf *b, const char *s, size_t len);

#endif
