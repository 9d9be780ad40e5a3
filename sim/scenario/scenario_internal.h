/*
 * scenario_internal.h: what the loader, the steps, the expectations and the
 * runner share. A scenario is a list of steps; each step is one XML element
 * kept with its location, its attributes (parameters already substituted)
 * and its children, and handled by a step kind found by element name in a
 * registry. <expect> is one step kind whose variants (cookie=, local=,
 * refused=, ...; later chat=, unread=) are expect kinds in a second
 * registry, found by the attribute that names them. Widget steps plug in by
 * registering kinds (and extending scenarios/bsim.rng): the loader and the
 * runner do not change.
 */
#ifndef BSIM_SCENARIO_INTERNAL_H
#define BSIM_SCENARIO_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bsim/browser.h"
#include "bsim/scenario.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"

/* Where an element is. `file` is owned by the suite. `used_at_*` is set for
 * a step that came from a fragment: where the <use> stood. */
typedef struct src_loc {
	const char *file;
	int line;
	int col;
	const char *used_at_file;
	int used_at_line;
	int used_at_col;
} src_loc;

typedef struct run_ctx run_ctx;
typedef struct step step;
typedef struct file_policy file_policy; /* file_access.h */

typedef struct step_kind {
	const char *element;                 /* "navigate" */
	/* Check and digest attributes at load time (a bad duration, an unknown
	 * reason code): error_set_at with s->at, return BSIM_EINVAL. May be NULL. */
	int (*prepare)(step *s);
	/* Do it. 0; STEP_FAILED after run_fail(); or a negative code (the step
	 * could not run: the message is in the error channel). */
	int (*run)(step *s, run_ctx *rc);
	void (*release)(void *data);
} step_kind;

typedef enum step_place { STEP_PLACE_NONE = 0, STEP_PLACE_AFTER, STEP_PLACE_AT } step_place;

/*
 * How long an expectation waits for its condition, and a <wait for="EVENT">
 * for its event, unless the scenario (<scenario within=>) or the step says:
 * 5 s, Playwright's expect timeout (expect.timeout, default 5000 ms,
 * playwright.dev/docs/test-timeouts), whose web-first assertions these follow.
 */
#define EXPECT_WITHIN_DEFAULT_MS 5000
/*
 * The longest such timeout (within=, timeout=): a day, far past anything a
 * page takes to show what it will show; a wait longer than that is a
 * <wait for="DURATION">. A chat that polls every few seconds runs every
 * poll through a wait, so a hostile timeout of years would run for hours.
 */
#define EXPECT_WITHIN_MAX_MS (24 * 60 * 60 * 1000)

struct step {
	const step_kind *kind;
	src_loc at;
	char *element;
	size_t n_attrs;
	char **attr_names;
	char **attr_values;
	char *text;          /* text content, trimmed of surrounding white space, or NULL */
	step *children;      /* child elements, e.g. <set-cookie> under <navigate> */
	size_t n_children;
	void *data;          /* the kind's digest, from prepare */
	/* Where it stands on the clock (docs/scenario-language.md, "Time"), read by step_prepare: the runner
	 * advances the clock there before the step runs. Zero (a step built in memory): where the last one left it. */
	step_place place;
	int64_t place_ms;    /* after=: since the previous step; at=: since the scenario's start */
	bool within_given;   /* <expect within=>: its own timeout, in within_ms (0: right now) */
	int64_t within_ms;
};

/* The result of a step that found an expectation false. */
#define STEP_FAILED 1

/* The attribute's value, or NULL when absent. */
const char *step_attr(const step *s, const char *name);
/* Typed attributes: error_set_at(s->at) with what was expected, and BSIM_EINVAL. */
int step_attr_bool(const step *s, const char *name, int dflt, int *out);
/* "500ms", "2s", "10m", "1h", "1d" (and a bare number of seconds). */
int step_attr_duration(const step *s, const char *name, int64_t *out_ms);
/* A timeout (within=, timeout=): a duration of at most EXPECT_WITHIN_MAX_MS. */
int step_attr_timeout(const step *s, const char *name, int64_t *out_ms);
/*
 * The same durations as text (an option's value), without raising an error:
 * 0; BSIM_EINVAL when it is none; BSIM_ELIMIT past what the clock counts,
 * with *out_ms then the longest count of that unit and *unit (may be NULL)
 * its suffix, for the message.
 */
int scenario_duration_parse(const char *text, int64_t *out_ms, const char **unit);
/* Largest count an attribute takes (count=, tabs=, unread=, ...): far past what a scenario can produce, and safe in an int. */
#define STEP_COUNT_MAX 1000000
/* Response headers a <tab> or <navigate> may carry: far beyond the cookies a real response sets (browsers cap a site at 180). */
#define STEP_MAX_SET_COOKIE 1000
/* A count attribute: a decimal integer in 0..STEP_COUNT_MAX; BSIM_ENOTFOUND when absent. */
int step_attr_count(const step *s, const char *name, int *out);
/*
 * Every attribute of s is one the schema gives its element (for <expect>,
 * the variant named by `variant`; NULL for other elements), else a located
 * error naming those it takes. A file is checked against the schema itself
 * when it loads; this check is for steps that come another way.
 */
int step_check_attrs(const step *s, const char *variant);
/* Make s ready to run: step_check_attrs, its after=/at=/within=, then its kind's prepare (s->kind is set). 0 or negative. */
int step_prepare(step *s);

/* A formatted error at the step's location (in the error's fields, not its text). Returns code. */
int step_error(const step *s, int code, const char *fmt, ...) BSIM_PRINTF(3, 4);
/*
 * The last error (from the browser, the widget model, a file reader),
 * wrapped at the step: "CONTEXT: inner message" (error_wrap_at, which
 * saves the inner message before formatting). Returns the code recorded.
 */
int step_wrap(const step *s, int code, const char *fmt, ...) BSIM_PRINTF(3, 4);

/* Registries. Built-in kinds are registered on first use; widgets add theirs. */
const step_kind *step_kind_find(const char *element);
int step_kind_register(const step_kind *k);

typedef struct expect_kind {
	const char *attr;                    /* the attribute naming the variant: "cookie" */
	int (*prepare)(step *s);
	int (*check)(step *s, run_ctx *rc);  /* 0, STEP_FAILED after run_fail(), or negative */
	void (*release)(void *data);
	/*
	 * Whether the expectation asks for an absence (a cookie not present or
	 * not sent, no chat, no badge, a count of 0, ...): it is then judged
	 * only where the pages have settled (docs/scenario-language.md,
	 * "Waiting"), so it cannot pass merely because what it denies has not
	 * happened yet. NULL: never.
	 */
	bool (*denies)(const step *s);
} expect_kind;

/* The first registered expect kind whose attribute the step carries, or NULL. */
const expect_kind *expect_kind_for(const step *s);
int expect_kind_register(const expect_kind *k);
/* <expect event="..."> for every event but "storage" goes to k (the widget's events); NULL: none. */
void expect_event_extend(const expect_kind *k);

struct bsim_scenario {
	char *name;
	src_loc at;
	int end_line;          /* the last line of its <scenario> element (bsim run FILE:LINE) */
	char **tags;
	size_t n_tags;
	bsim_engine engine;
	uint64_t seed;
	bsim_time start_time;  /* where its virtual clock starts: now= (its own or its suite's), else BSIM_DEFAULT_START_TIME */
	bool start_given;      /* now= was given, so bsim run --now leaves it alone */
	char *expect_failure;  /* "cookie-refused:public-suffix", "cookie-refused" or NULL */
	char *hosts;           /* hosts-file text, or NULL */
	src_loc hosts_at;
	int session_restore;
	int open_resolution;   /* 1 unless the scenario gives hosts */
	bsim_time page_load_ms;/* load-time=: a navigation's start to its load event (BSIM_PAGE_LOAD_DEFAULT_MS) */
	step *steps;           /* shared by the per-engine copies of one scenario element */
	size_t n_steps;
	bool owns_steps;       /* the one copy that frees them */
	const file_policy *files; /* the directories its steps may touch besides its folder (the suite's) */
	/*
	 * Its caller hears the run as it happens and reads only the result's
	 * outcome and message (bsim cookie's op program): the runner keeps no
	 * copy of the trace in the result and no step marks (stories are not
	 * told), which on a large op file added a third to the run's memory.
	 */
	bool events_only;
	/* <scenario within=>: how long its expectations wait (EXPECT_WITHIN_DEFAULT_MS when not given). */
	bool within_given;
	int64_t within_ms;
};

/*
 * A part of bsim that keeps state beside the browser for one run (the
 * widget model): the runner tells it after every step, lets it advance the
 * virtual clock through its own timers, and frees it before the browser.
 */
typedef struct run_ext {
	void *data;
	void (*free)(void *data);
	/* Advance the clock to `to`, firing the extension's timers in time order; 0 or negative. */
	int (*advance)(run_ctx *rc, bsim_time to);
	/* After each step that ran without error: follow what the step did to the browser; 0 or negative. */
	int (*after_step)(run_ctx *rc);
	/* The instant of the extension's next due event (a timer, a response, a page's load), or BSIM_TIME_NEVER. */
	bsim_time (*next_due)(run_ctx *rc);
	/*
	 * Whether the pages have settled: nothing they wait for is pending (no
	 * load, no request in flight, no news the server holds for a page that
	 * polls). Expectations of an absence are judged there
	 * (docs/scenario-language.md, "Waiting").
	 */
	bool (*settled)(run_ctx *rc);
} run_ext;

/* A document's load event: its tab and when it fires (its navigation, plus the page load time). */
typedef struct run_load {
	int tab;
	bsim_time at;
} run_load;

/* While a scenario runs. */
struct run_ctx {
	bsim_browser *browser;
	const bsim_scenario *sc;
	bsim_run_options opts; /* the run's options (seed, live fetching) */
	bsim_time start;       /* the instant the run's clock started at: times in messages count from it */
	strmap tabs;           /* scenario tab name -> (intptr_t) tab id */
	const char *last_tab;  /* the tab named most recently, used when a step names none */
	/* The failure, once a step reports one. */
	const step *failed_step;
	buf failure;           /* "expectation failed: ..." and cause lines */
	char **causes;         /* trace codes that explain it (for expect-failure) */
	size_t n_causes, cap_causes;
	run_ext ext;           /* zeroed when no extension runs */
	/* Where each step's trace entries begin, so a cookie's story can name its steps (story.c). */
	size_t *marks;
	const step **mark_steps;
	size_t n_marks, cap_marks, cap_mark_steps;
	size_t stop_after;     /* run at most this many steps (bsim explain --at); SIZE_MAX: all */
	char *fail_subject;    /* the cookie or key a failure concerns, whose story goes under it */
	bsim_time stuck_at;    /* run_advance_next: the instant it last ran events at, and how many in a row */
	size_t stuck_events;
	/* Each document's load event as the browser told it (bsim_page_event.load_at), for <wait for="load">. */
	run_load *loads;
	size_t n_loads, cap_loads;
	bool loads_lost;       /* one could not be kept (out of memory) */
};

/*
 * Record that s failed: fmt says what was expected and what was found
 * ("cookie=\"x\" (was: absent)"). When subject names a cookie or a storage
 * key, the trace is searched for what happened to it (refused, evicted,
 * expired, session ended) and the cause is added under the message, with
 * its trace code kept for expect-failure. Returns STEP_FAILED.
 */
int run_fail(run_ctx *rc, const step *s, const char *subject, const char *fmt, ...) BSIM_PRINTF(4, 5);

/* Add a cause code to the failure (for expect-failure) beside those the trace gave run_fail. */
int run_add_cause(run_ctx *rc, const char *code);

/* How long an expectation waits when its step does not say: the scenario's within=, else EXPECT_WITHIN_DEFAULT_MS. */
int64_t run_within_ms(const run_ctx *rc);

/* Advance the virtual clock by ms, through the extension's timers when one runs (<wait>, after=). */
int run_advance(run_ctx *rc, int64_t ms);
/* Advance the clock to the instant `to` (not before now), running everything due on the way. */
int run_advance_to(run_ctx *rc, bsim_time to);
/*
 * A navigation step ends at the page's load event, as a browser automation's
 * goto does: the clock moves on by the page load time, everything due on the
 * way running (load-time=, BSIM_PAGE_LOAD_DEFAULT_MS).
 */
int run_page_loaded(run_ctx *rc);
/* The instant of the next event due in the run (BSIM_TIME_NEVER: none). */
bsim_time run_next_due(run_ctx *rc);
/*
 * Advance to the next event due in the run, or to `limit` when none is due
 * sooner, never past it (<wait for="EVENT">, expectations that wait).
 */
int run_advance_next(run_ctx *rc, bsim_time limit);
/* Whether the run's pages have settled (run_ext.settled; true when no extension runs). */
bool run_settled(run_ctx *rc);

/*
 * The tab a step acts on: its `tab` attribute (a name from an earlier <tab>),
 * else the last tab named. BSIM_ENOTFOUND with a located message when
 * there is none.
 */
int run_tab(int *out, run_ctx *rc, const step *s);
/* Remember a tab name (from <tab> or <window-open>). */
int run_name_tab(run_ctx *rc, const char *name, int id);

/*
 * Add hosts-file lines (the scenario's <hosts>, or a later <hosts> step) to
 * the browser; a bad line is a located error at `at` ("hosts line 2: ...").
 */
int run_add_hosts(run_ctx *rc, const char *text, const src_loc *at);

/* "00:00:02": `at` since the run's start (its clock's first instant), for messages. out needs 32 bytes. */
void run_elapsed(bsim_time start, bsim_time at, char *out, size_t outlen);

/*
 * The digest of a <response> step (steps.c): the Set-Cookie headers of a
 * response to a top-level navigation to url that no tab receives, so they
 * go straight into the jar. Readers other than the XML loader (op files)
 * build it themselves, each value byte for byte with its length.
 */
typedef struct response_digest {
	const char *url;
	const char *const *values;
	const size_t *lens;
	size_t n;
} response_digest;

/* Built-in kinds (steps.c, expect.c, widget_steps.c); called by the registries. */
void steps_register_builtin(void);
void expect_register_builtin(void);
void widget_steps_register(void);

#endif
