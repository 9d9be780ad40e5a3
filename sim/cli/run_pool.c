/*
 * run_pool.c: the -j threads of `bsim run` (run_pool.h). Workers take the
 * next scenario in suite order under one lock; each finished result goes
 * into its own slot and wakes the caller, who waits for the slots in
 * order. Each scenario runs on a fresh browser of its own, so the runs
 * share nothing but this pool; bsim's error channel is per thread, so a
 * worker copies a failure's message into the slot for the caller to raise.
 */
#include "cli/run_pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

typedef struct slot {
	bsim_result *result;
	int rc;
	char *error;      /* the failed run's message, or NULL */
	bool done;
} slot;

struct run_pool {
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	const bsim_scenario *const *scenarios;
	size_t n;
	const bsim_run_options *opts;
	size_t next;      /* the next scenario to start */
	bool stop;        /* run_pool_free: start no more */
	slot *slots;
	pthread_t *threads;
	unsigned n_threads;
};

static void run_one(run_pool *p, size_t i)
{
	bsim_result *r = NULL;
	int rc = bsim_scenario_run(&r, p->scenarios[i], p->opts);
	char *error = NULL;
	if (rc < 0) {
		const bsim_error *e = bsim_error_last();
		error = strdup(*e->message ? e->message : "out of memory");
	}
	pthread_mutex_lock(&p->lock);
	p->slots[i] = (slot){r, rc, error, true};
	pthread_cond_broadcast(&p->done_cond);
	pthread_mutex_unlock(&p->lock);
}

static void *worker(void *arg)
{
	run_pool *p = arg;
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

int run_pool_start(run_pool **out, const bsim_scenario *const *scenarios, size_t n, unsigned jobs,
		   const bsim_run_options *opts)
{
	run_pool *p = calloc(1, sizeof *p);
	if (!p)
		return error_oom();
	p->scenarios = scenarios;
	p->n = n;
	p->opts = opts;
	p->slots = calloc(n ? n : 1, sizeof *p->slots);
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

int run_pool_take(run_pool *p, size_t i, bsim_result **out)
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
		return s->rc == BSIM_ENOMEM && !s->error ? error_oom()
							 : error_set(s->rc, "%s", s->error ? s->error : "out of memory");
	return 0;
}

void run_pool_free(run_pool *p)
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
