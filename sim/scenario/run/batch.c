/*
 * batch.c: running many scenarios, as `bsim run` does (scenario.h,
 * bsim_scenarios_run): on -j threads, with results handed on in the order
 * given whatever order they finish in, and --fail-fast.
 *
 * Workers take the next scenario in order under one lock; each finished
 * result goes into its own slot and wakes the caller, who waits for the
 * slots in order. The caller hands on result i only after result i - 1,
 * so it can be printed as soon as everything before it is in, and a
 * --fail-fast run stops at a point that does not depend on thread timing.
 * Each scenario runs on a fresh browser of its own, so the runs share
 * nothing but this pool; bsim's error channel is per thread, so a worker
 * saves a failure (error_save) into the slot for the caller to raise again.
 */
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/scenario.h"
#include "util/error.h"

/* Why the scenarios after a --fail-fast stop have no run of their own. */
#define BATCH_SKIPPED_REASON "not run: the run stopped at the first failure (--fail-fast)"

typedef struct slot {
	bsim_result *result;
	int rc;
	error_state *error; /* the failed run's error, or NULL (then only memory failed) */
	bool done;
} slot;

typedef struct pool {
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	const bsim_scenario *const *scenarios;
	size_t n;
	const bsim_run_options *opts;
	size_t next; /* the next scenario to start */
	bool stop;   /* pool_free: start no more */
	slot *slots;
	pthread_t *threads;
	unsigned n_threads;
} pool;

static void run_one(pool *p, size_t i)
{
	bsim_result *r = NULL;
	int rc = bsim_scenario_run(&r, p->scenarios[i], p->opts);
	error_state *error = NULL;
	if (rc < 0 && (error = malloc(sizeof *error)))
		error_save(error);
	pthread_mutex_lock(&p->lock);
	p->slots[i] = (slot){r, rc, error, true};
	pthread_cond_broadcast(&p->done_cond);
	pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg)
{
	pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (p->stop || p->next >= p->n) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		size_t i = p->next++;
		pthread_mutex_unlock(&p->lock);
		run_one(p, i);
	}
}

/*
 * Start running scenarios[0..n) with up to `jobs` threads (0 or 1: none,
 * each scenario runs on the caller's thread inside pool_take). When no
 * thread can be started the pool quietly runs on the caller's thread.
 */
static int pool_start(pool **out, const bsim_scenario *const *scenarios, size_t n, unsigned jobs,
		      const bsim_run_options *opts)
{
	pool *p = calloc(1, sizeof *p);
	if (!p)
		return error_oom();
	p->scenarios = scenarios;
	p->n = n;
	p->opts = opts;
	p->slots = calloc(n ? n : 1, sizeof *p->slots);
	if (jobs > BSIM_JOBS_MAX)
		jobs = BSIM_JOBS_MAX;
	if (jobs > n)
		jobs = (unsigned)n;
	p->threads = calloc(jobs ? jobs : 1, sizeof *p->threads);
	if (!p->slots || !p->threads) {
		free(p->slots);
		free(p->threads);
		free(p);
		return error_oom();
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->done_cond, NULL);
	if (jobs > 1)
		while (p->n_threads < jobs && pthread_create(&p->threads[p->n_threads], NULL, worker, p) == 0)
			p->n_threads++;
	*out = p;
	return 0;
}

/* Wait for scenario i and take its result; call with i = 0, 1, 2, ... in order. */
static int pool_take(pool *p, size_t i, bsim_result **out)
{
	if (p->n_threads == 0) {
		run_one(p, i);
	} else {
		pthread_mutex_lock(&p->lock);
		while (!p->slots[i].done)
			pthread_cond_wait(&p->done_cond, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
	slot *s = &p->slots[i];
	*out = s->result;
	s->result = NULL;
	if (s->rc < 0)
		return s->error ? error_restore(s->error) : error_oom();
	return 0;
}

/* Start no more scenarios, wait for those running, free every result not taken, and the pool. */
static void pool_free(pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_mutex_unlock(&p->lock);
	for (unsigned t = 0; t < p->n_threads; t++)
		pthread_join(p->threads[t], NULL);
	for (size_t i = 0; i < p->n; i++) {
		bsim_result_free(p->slots[i].result);
		free(p->slots[i].error);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->done_cond);
	free(p->slots);
	free(p->threads);
	free(p);
}

/*
 * Take the results in order, handing each on; with fail_fast stop after the
 * first that did not pass. Returns how many were taken, or a negative code.
 */
static int take_in_order(pool *p, bsim_result **results, size_t n, const bsim_batch_options *o)
{
	for (size_t i = 0; i < n; i++) {
		int rc = pool_take(p, i, &results[i]);
		if (rc < 0)
			return error_wrap(rc, "running %s:%d", bsim_scenario_file(p->scenarios[i]),
					  bsim_scenario_line(p->scenarios[i]));
		if (o->on_result && (rc = o->on_result(results[i], i, n, o->userdata)) < 0)
			return rc;
		if (o->fail_fast && bsim_result_outcome(results[i]) != BSIM_PASSED)
			return (int)(i + 1);
	}
	return (int)n;
}

int bsim_scenarios_run(bsim_result ***out, const bsim_scenario *const *scenarios, size_t n,
		       const bsim_batch_options *opts)
{
	static const bsim_batch_options defaults = BSIM_BATCH_OPTIONS_INIT;
	const bsim_batch_options *o = opts ? opts : &defaults;
	if (n > (size_t)INT_MAX)
		return error_set(BSIM_ELIMIT, "%zu scenarios in one run; at most %d", n, INT_MAX);
	pool *p = NULL;
	bsim_result **results = calloc(n ? n : 1, sizeof *results);
	int rc = results ? pool_start(&p, scenarios, n, o->jobs, o->run) : error_oom();
	if (rc < 0) {
		free(results);
		return rc;
	}
	rc = take_in_order(p, results, n, o);
	/* Whatever -j started beyond the stopping point is waited for and dropped. */
	pool_free(p);
	/* The scenarios not run are reported as skipped, so that every report lists the whole selection. */
	for (size_t i = rc < 0 ? n : (size_t)rc; i < n && rc >= 0; i++)
		if ((rc = bsim_result_skipped(&results[i], scenarios[i], BATCH_SKIPPED_REASON)) < 0)
			rc = error_wrap(rc, "reporting the scenarios not run");
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			bsim_result_free(results[i]);
		free(results);
		return rc;
	}
	*out = results;
	return 0;
}
