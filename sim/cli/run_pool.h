/*
 * run_pool.h: running the scenarios `bsim run` chose, on -j threads, and
 * handing the results back in suite order whatever order they finish in.
 * The caller takes result i only after result i - 1, so it can print each
 * one as soon as everything before it is in, and stop early (--fail-fast)
 * at a point that does not depend on the thread timing.
 */
#ifndef BSIM_CLI_RUN_POOL_H
#define BSIM_CLI_RUN_POOL_H

#include <stddef.h>

#include "bsim/scenario.h"

typedef struct run_pool run_pool;

/*
 * Start running scenarios[0..n) with up to `jobs` threads (1: none, each
 * scenario runs on the caller's thread inside run_pool_take). scenarios
 * and opts must outlive the pool. Returns 0 or BSIM_ENOMEM. When no thread
 * can be started the pool quietly runs on the caller's thread.
 */
int run_pool_start(run_pool **out, const bsim_scenario *const *scenarios, size_t n, unsigned jobs,
		   const bsim_run_options *opts);

/*
 * Wait for scenario i and take its result (the caller frees it with
 * bsim_result_free). Call with i = 0, 1, 2, ... in order. A run that failed
 * inside bsim (memory) returns its negative code, with its message in the
 * calling thread's error channel.
 */
int run_pool_take(run_pool *p, size_t i, bsim_result **out);

/* Start no more scenarios, wait for those running, free every result not taken, and the pool. */
void run_pool_free(run_pool *p);

#endif
