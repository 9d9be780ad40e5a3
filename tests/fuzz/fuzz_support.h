/*
 * fuzz_support.h: what the libFuzzer harnesses of tests/fuzz share: a
 * failed invariant aborts with a message (so libFuzzer saves the input as
 * a crash), an observer that counts the jar's events, the invariants every
 * jar keeps, and a text snapshot of a browser's persistent state for "the
 * same jar" and "unchanged" comparisons.
 *
 * Harnesses are built only with -Dfuzz=true (clang); see README.md.
 */
#ifndef BSIM_FUZZ_SUPPORT_H
#define BSIM_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bsim/browser.h"
#include "bsim/cookie.h"
#include "util/error.h"

/* Print "fuzz invariant failed: ..." and abort(): libFuzzer keeps the input. */
void fuzz_fail(const char *fmt, ...) BSIM_PRINTF(1, 2) __attribute__((noreturn));

#define FUZZ_CHECK(cond, ...)                                                                  \
	do {                                                                                   \
		if (!(cond))                                                                   \
			fuzz_fail(__VA_ARGS__);                                                \
	} while (0)

/* A bsim call that may only fail for lack of memory (the harness's own set-up). */
#define FUZZ_OK(call)                                                                          \
	do {                                                                                   \
		int fuzz_rc_ = (call);                                                         \
		if (fuzz_rc_ < 0)                                                              \
			fuzz_fail("%s: %d: %s", #call, fuzz_rc_, bsim_error_last()->message);  \
	} while (0)

/* The jar's events by kind (bsim_cookie_event_kind). */
typedef struct fuzz_events {
	size_t n[BSIM_COOKIE_UNCHANGED + 1];
} fuzz_events;

/* A bsim_cookie_observer; userdata is a fuzz_events. */
void fuzz_count_event(const bsim_cookie_event *ev, void *userdata);

/*
 * Each call of the storage model on one cookie ends in exactly one of
 * stored, replaced, deleted (it arrived expired) or refused: this many.
 */
size_t fuzz_outcomes(const fuzz_events *ev);

/*
 * The invariants of every jar: bsim_jar_count is at least what foreach
 * visits (expired cookies count until swept); no two cookies are equivalent (name, domain, host-only flag,
 * path and partition: RFC 6265bis §5.7 step 23 with CHIPS's key); every
 * cookie has a name or a value, at most COOKIE_MAX_NAME_VALUE bytes of them,
 * no control character, a path starting with '/', and a priority and
 * SameSite value the enums know. With `limits`, also the engine's
 * per-registrable-domain cap (L2), which the storage model keeps and an
 * import does not apply.
 */
void fuzz_check_jar(bsim_jar *jar, bool limits);

/*
 * The browser's persistent state as text: every cookie with every
 * attribute, then every localStorage item. `exact` keeps creation,
 * last-access and creation order; without it those are left out, and so
 * are cookies already expired on the virtual clock, as an export leaves
 * them. Returns an allocated string the caller frees.
 */
char *fuzz_snapshot(bsim_browser *b, bool exact);
/* The same, showing an unspecified SameSite as `unspecified_as` (what a format that cannot say "unspecified" writes). */
char *fuzz_snapshot_as(bsim_browser *b, bool exact, bsim_samesite unspecified_as);

/* A fresh browser of `engine` with a tab-free running session (open resolution). */
bsim_browser *fuzz_browser(bsim_engine engine);

/*
 * Put a few cookies and localStorage items into b, through the storage
 * model, so that "unchanged" and "merged" comparisons have something to
 * compare.
 */
void fuzz_populate(bsim_browser *b);

/* A private directory for this process's temporary files, made once ("$TMPDIR/bsim-fuzz-PID", /tmp without TMPDIR). */
const char *fuzz_tmpdir(void);

/* data[0..len) into a new NUL-terminated allocation. */
char *fuzz_strndup(const uint8_t *data, size_t len);

#endif
