/*
 * scenario.h: scenario files and their results. A QA engineer writes
 * scenarios in XML (scenarios/bsim.rng is the schema; docs/scenario-language.md
 * the reference); bsim loads them, each element keeping its file:line:col,
 * runs each scenario once per engine on a fresh simulated browser, and
 * returns results that carry everything a reporter needs (outcome, the
 * failure with its location and cause, the trace), so reporters never look
 * at live state.
 */
#ifndef BSIM_SCENARIO_H
#define BSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "bsim/cookie.h"
#include "bsim/trace.h"
#include "bsim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bsim_suite bsim_suite;
typedef struct bsim_scenario bsim_scenario;

/*
 * Load scenario files: each path is a file or a directory searched
 * recursively for *.xml (in sorted order, so runs are reproducible). A
 * scenario that names several engines becomes one scenario per engine.
 * Load errors do not stop the load: *out always receives the suite (free it),
 * holding what loaded and every error; the return is 0 when there was none,
 * BSIM_EINVAL otherwise.
 */
int bsim_suite_load(bsim_suite **out, const char *const *paths, size_t n_paths);

/*
 * Which files the scenarios may touch besides their own folder. A scenario
 * reads and writes files only in its file's folder and below (after `..`
 * and symbolic links are resolved; docs/limits.md), unless a directory is
 * named here: bsim run --allow-read DIR and --allow-write DIR. A path
 * outside is a load error at the step that names it, and, should the file
 * system change before the step runs, a step error then.
 */
typedef struct bsim_load_options {
	unsigned version;               /* BSIM_LOAD_OPTIONS_VERSION */
	const char *const *allow_read;  /* directories any scenario may read files in */
	size_t n_allow_read;
	const char *const *allow_write; /* directories any scenario may write (and read) files in */
	size_t n_allow_write;
} bsim_load_options;
#define BSIM_LOAD_OPTIONS_VERSION 1
#define BSIM_LOAD_OPTIONS_INIT {BSIM_LOAD_OPTIONS_VERSION, NULL, 0, NULL, 0}

/*
 * bsim_suite_load with options (NULL: the defaults). A directory of opts
 * that does not exist is an error (BSIM_EINVAL, *out NULL): nothing loads.
 */
int bsim_suite_load_with(bsim_suite **out, const char *const *paths, size_t n_paths, const bsim_load_options *opts);
void bsim_suite_free(bsim_suite *suite);

size_t bsim_suite_count(const bsim_suite *suite);
const bsim_scenario *bsim_suite_at(const bsim_suite *suite, size_t index);

/* Load errors, each with file, line, column and a message saying what was expected. */
size_t bsim_suite_error_count(const bsim_suite *suite);
const bsim_error *bsim_suite_error_at(const bsim_suite *suite, size_t index);

const char *bsim_scenario_name(const bsim_scenario *sc);
const char *bsim_scenario_file(const bsim_scenario *sc);
int bsim_scenario_line(const bsim_scenario *sc);
int bsim_scenario_column(const bsim_scenario *sc);
/* The last line of its <scenario> element: lines line..end_line are the scenario's (bsim run FILE:LINE). */
int bsim_scenario_end_line(const bsim_scenario *sc);
bsim_engine bsim_scenario_engine(const bsim_scenario *sc);
size_t bsim_scenario_tag_count(const bsim_scenario *sc);
const char *bsim_scenario_tag(const bsim_scenario *sc, size_t index);
/* The declared expected failure, e.g. "cookie-refused:public-suffix", or NULL. */
const char *bsim_scenario_expect_failure(const bsim_scenario *sc);
/* The scenario's own seed (its seed attribute, else 1). */
uint64_t bsim_scenario_seed(const bsim_scenario *sc);
/* Where its virtual clock starts: its now= attribute (or its suite's), else BSIM_DEFAULT_START_TIME. */
bsim_time bsim_scenario_start_time(const bsim_scenario *sc);
/* 1 when the file gives the start (now= on the scenario or its suite): bsim_run_options.now_set does not move it. */
int bsim_scenario_start_given(const bsim_scenario *sc);

typedef struct bsim_run_options {
	unsigned version;  /* BSIM_RUN_OPTIONS_VERSION */
	int seed_set;      /* 1: seed overrides the scenario's own */
	uint64_t seed;
	int live;          /* 1: every navigation without scripted <set-cookie> headers is fetched live (bsim run --live) */
	const char *ca_file; /* live HTTPS: PEM certificates to trust (a step's ca-file= wins), or NULL */
	int insecure;      /* live HTTPS: accept any certificate */
	/* Version 2: */
	int now_set;       /* 1: a scenario whose file gives no now= starts its clock at `now` (bsim run --now) */
	bsim_time now;
	/* Version 3: */
	const char *const *allow_redirect; /* live redirects allowed beyond the hosts file (bsim_live_options) */
	size_t n_allow_redirect;
} bsim_run_options;
#define BSIM_RUN_OPTIONS_VERSION 3
#define BSIM_RUN_OPTIONS_INIT {BSIM_RUN_OPTIONS_VERSION, 0, 0, 0, NULL, 0, 0, BSIM_DEFAULT_START_TIME, NULL, 0}

typedef enum bsim_outcome {
	BSIM_PASSED = 0,   /* every expectation held (or it failed exactly as declared) */
	BSIM_FAILED = 1,   /* an expectation failed (or it passed / failed otherwise than declared) */
	BSIM_ERRORED = 2,  /* a step could not run (bad URL, unknown tab, unreadable profile) */
	BSIM_SKIPPED = 3   /* not run: the run stopped before it (bsim run --fail-fast); see bsim_result_skipped */
} bsim_outcome;

typedef struct bsim_result bsim_result;

/* Run one scenario on a fresh browser. Only memory errors fail the call; a failing scenario is a result. */
int bsim_scenario_run(bsim_result **out, const bsim_scenario *sc, const bsim_run_options *opts);
void bsim_result_free(bsim_result *r);
/*
 * A result for a scenario that was chosen but not run, so that reports list
 * the whole selection: outcome BSIM_SKIPPED, message `reason` (copied; e.g.
 * "not run: the run stopped at the first failure (--fail-fast)"), no trace.
 * Only memory errors fail the call.
 */
int bsim_result_skipped(bsim_result **out, const bsim_scenario *sc, const char *reason);

const bsim_scenario *bsim_result_scenario(const bsim_result *r);
bsim_outcome bsim_result_outcome(const bsim_result *r);
/* 1 when the scenario declared expect-failure and failed that way (counted as passed). */
int bsim_result_expected_failure(const bsim_result *r);
/*
 * For a failed or errored result: the whole message, as printed:
 *   FILE:LINE:COL: expectation failed: cookie="x" (was: absent)
 *     the browser never stored it: refused on URL at 00:00:02: ... (rule; engine)
 *     seed 7 · replay: bsim run FILE --seed 7 --trace
 * NULL for a passed result (for an expected failure, the failure it matched).
 */
const char *bsim_result_message(const bsim_result *r);
/*
 * The failing step's location (file NULL when passed; for an expected
 * failure, the step that failed as declared; for a scenario that passed
 * but declared expect-failure, the <scenario> element).
 */
const char *bsim_result_fail_file(const bsim_result *r);
int bsim_result_fail_line(const bsim_result *r);
int bsim_result_fail_column(const bsim_result *r);
uint64_t bsim_result_seed(const bsim_result *r);
/*
 * The instant the run's virtual clock started at (the scenario's now=, else
 * the run options' now, else BSIM_DEFAULT_START_TIME). Reports print trace
 * times relative to it ("00:00:02").
 */
bsim_time bsim_result_start_time(const bsim_result *r);
/* Wall time the run took, nanoseconds (reporters drop it with --no-timing). */
uint64_t bsim_result_elapsed_ns(const bsim_result *r);
/* The browser's trace, copied out of the run. */
size_t bsim_result_trace_count(const bsim_result *r);
const bsim_trace_entry *bsim_result_trace_at(const bsim_result *r, size_t index);

/* ---- choosing scenarios: what bsim run and bsim list run ---- */

/* A FILE:LINE a person gave: the scenario of FILE whose <scenario> element holds LINE. */
typedef struct bsim_line_ref {
	const char *file; /* as the suite names it (bsim_scenario_file) */
	int line;         /* 1-based */
} bsim_line_ref;

/* More shards than this is a typo, not a CI matrix (GitLab's `parallel:` stops at 200). */
#define BSIM_SHARDS_MAX 10000

typedef struct bsim_select_options {
	unsigned version;                  /* BSIM_SELECT_OPTIONS_VERSION */
	const char *const *filters;        /* a name fragment, or tag:NAME; a scenario matching any one is chosen; none: all */
	size_t n_filters;
	int engine_set;                    /* 1: only the copies that run on engine */
	bsim_engine engine;
	const bsim_line_ref *lines;        /* of a file named here, only the scenarios holding one of these lines... */
	size_t n_lines;
	const char *const *whole_files;    /* ...unless the file is also named whole (bsim run FILE:3 FILE) */
	size_t n_whole_files;
	unsigned shard_index;              /* 1-based shard of shard_count, taken last; shard_count 0: no sharding */
	unsigned shard_count;
} bsim_select_options;
#define BSIM_SELECT_OPTIONS_VERSION 1
#define BSIM_SELECT_OPTIONS_INIT {BSIM_SELECT_OPTIONS_VERSION, NULL, 0, 0, BSIM_ENGINE_CHROMIUM, NULL, 0, NULL, 0, 0, 0}

/*
 * The scenarios of suite that opts chooses, in suite order, into *out (an
 * array the caller frees; the scenarios stay the suite's). *n_unsharded
 * (when not NULL) counts those chosen before the shard is taken, so a caller
 * can tell an empty shard from an empty choice. BSIM_EINVAL for a shard
 * outside 1..N or N over BSIM_SHARDS_MAX, else only memory errors.
 */
int bsim_suite_select(const bsim_scenario ***out, size_t *n_out, size_t *n_unsharded, const bsim_suite *suite,
		      const bsim_select_options *opts);

/*
 * 0 when a scenario of suite from file holds line; else BSIM_ENOTFOUND, the
 * error at file:line naming the lines that would do ("no scenario there;
 * the scenarios of FILE are on lines 2-9, 11-20") or that the file holds none.
 */
int bsim_suite_check_line(const bsim_suite *suite, const char *file, int line);

/*
 * The shard (1..count) the scenarios of the file at path land in: a stable
 * hash (FNV-1a) of the path, less a leading "./" and doubled slashes, the
 * same on every machine and release.
 */
unsigned bsim_shard_of(const char *path, unsigned count);

/* ---- running many: bsim run's -j and --fail-fast ---- */

/* More threads than this only queue for the same cores; it also bounds a typo such as -j 1000000. */
#define BSIM_JOBS_MAX 256

typedef struct bsim_batch_options {
	unsigned version;             /* BSIM_BATCH_OPTIONS_VERSION */
	const bsim_run_options *run;  /* for every scenario; NULL: the defaults */
	/* scenarios run at a time, each on a thread (0 or 1: on the caller's thread; at most BSIM_JOBS_MAX) */
	unsigned jobs;
	int fail_fast;                /* 1: stop after the first scenario, in the order given, that did not pass */
	/*
	 * Called on the caller's thread with each result (index among total) as
	 * soon as it and every one before it are in, in the order given, so it
	 * can be printed at once. A negative return stops the run with that code.
	 */
	int (*on_result)(const bsim_result *r, size_t index, size_t total, void *userdata);
	void *userdata;
} bsim_batch_options;
#define BSIM_BATCH_OPTIONS_VERSION 1
#define BSIM_BATCH_OPTIONS_INIT {BSIM_BATCH_OPTIONS_VERSION, NULL, 1, 0, NULL, NULL}

/*
 * Run scenarios[0..n), each on a fresh browser, up to opts->jobs at a time.
 * *out receives n results in the order given (the caller frees each with
 * bsim_result_free, then the array); after a --fail-fast stop the
 * scenarios not run have BSIM_SKIPPED results, so a report lists the whole
 * selection, and what started meanwhile on other threads is dropped, so
 * the stopping point does not depend on thread timing. Fails (nothing in
 * *out) only on memory or when on_result fails; the error says which
 * scenario was running.
 */
int bsim_scenarios_run(bsim_result ***out, const bsim_scenario *const *scenarios, size_t n,
		       const bsim_batch_options *opts);

/* ---- stories: what happened to each cookie, for a support ticket ---- */

typedef struct bsim_story_options {
	unsigned version;            /* BSIM_STORY_OPTIONS_VERSION */
	/* glob (fnmatch) of the cookie names told, also after a "DEPLOYMENTID." prefix; NULL: "_genesys.widgets.*" */
	const char *cookie_pattern;
	const char *at;              /* end after this step: "N" (1-based step number) or "FILE:LINE"; NULL: the whole scenario */
	int json;                    /* 1: one JSON object on one line instead of text */
	const bsim_run_options *run; /* seed and live fetching; NULL: the defaults */
} bsim_story_options;
#define BSIM_STORY_OPTIONS_VERSION 1
#define BSIM_STORY_OPTIONS_INIT {BSIM_STORY_OPTIONS_VERSION, NULL, NULL, 0, NULL}

/*
 * Run sc (up to `at`) and tell the story of each cookie it touched whose
 * name matches: every write (with Domain and Path), refusal, eviction,
 * expiry and session end, and every navigation request that carried it or
 * left it out and why, each with its virtual time, step FILE:LINE:COL and
 * tab. *out is allocated (the caller frees it) and ends with a newline.
 * BSIM_EINVAL when `at` names no step of sc; only memory errors otherwise
 * (a failing scenario is part of the story).
 */
int bsim_scenario_story(char **out, const bsim_scenario *sc, const bsim_story_options *opts);

#ifdef __cplusplus
}
#endif
#endif
