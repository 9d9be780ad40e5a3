/*
 * ops.h: an op file of `bsim cookie` (ops_types.h) as a scenario of the one
 * runner: the program and the step kinds that run its ops.
 */
#ifndef BSIM_SCENARIO_READ_OPS_H
#define BSIM_SCENARIO_READ_OPS_H

#include "bsim/browser.h"
#include "scenario/read/ops_types.h"
#include "scenario/scenario_internal.h"

typedef struct ops_program ops_program;

/*
 * The checked ops as a scenario of the one runner: a first step readies the
 * run (checks the files it reads, loads --hosts), then one step per op.
 * *out is the caller's, freed with ops_program_free; it borrows ops and
 * config, which must outlive it.
 */
int ops_program_new(ops_program **out, const cookie_op_list *ops, const ops_run_config *config);
const bsim_scenario *ops_program_scenario(const ops_program *p);
void ops_program_free(ops_program *p);

/* The step kind that runs op kind k (run/ops_steps.c), and the one that readies the run. */
const step_kind *ops_step_kind(cookie_op_kind k);
const step_kind *ops_start_kind(void);
/* The data every op step carries: its op, and the run's configuration. */
typedef struct ops_step_data {
	const cookie_op *op;
	const cookie_op_list *ops;
	const ops_run_config *config;
} ops_step_data;

#endif
