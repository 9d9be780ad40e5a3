/*
 * ops_program.c: a checked op file (ops.h) as a scenario of the one
 * runner. The first step readies the run (run/ops_steps.c); then each op
 * is a step at its line, carrying its op. `set URL VALUE` carries a
 * <response> step (run/steps.c), the step kind scenario XML writes the
 * same action with; its value is kept byte for byte with its length, as
 * op files may hold what XML cannot (a NUL, leading blanks).
 */
#include <stdint.h>
#include <stdlib.h>

#include "scenario/read/ops.h"
#include "util/error.h"

/*
 * The seed of the browser's random generator. Fixed, so that two runs of
 * one op file are byte for byte the same; nothing an op prints draws on it
 * today, but GUIDs and ids a future op shows will.
 */
#define OPS_RUN_SEED 1

struct ops_program {
	bsim_scenario sc;
	step *steps;                /* the start step, then one per op */
	ops_step_data *data;        /* parallel to steps */
	step *responses;            /* the <response> child of each set op, by op index */
	response_digest *digests;   /* their data, by op index */
	size_t *lens;               /* each set value's length, by op index */
};

static void fill_response(ops_program *p, const step_kind *k, size_t i, const cookie_op *op, step *s)
{
	p->lens[i] = op->value_len;
	p->digests[i] = (response_digest){op->url, &op->value, &p->lens[i], 1};
	/* No file: a failure is told at the op's line, by the op step around it. */
	p->responses[i] = (step){.kind = k, .element = "response", .data = &p->digests[i]};
	s->children = &p->responses[i];
	s->n_children = 1;
}

int ops_program_new(ops_program **out, const cookie_op_list *ops, const ops_run_config *config)
{
	const step_kind *response = step_kind_find("response");
	if (!response)
		return error_set(BSIM_ERROR, "no step kind for <response> is registered");
	ops_program *p = calloc(1, sizeof *p);
	size_t n = ops->count + 1;
	if (!p || !(p->steps = calloc(n, sizeof *p->steps)) || !(p->data = calloc(n, sizeof *p->data)) ||
	    !(p->responses = calloc(n, sizeof *p->responses)) || !(p->digests = calloc(n, sizeof *p->digests)) ||
	    !(p->lens = calloc(n, sizeof *p->lens))) {
		ops_program_free(p);
		return error_oom();
	}
	for (size_t i = 0; i < n; i++) {
		const cookie_op *op = i ? &ops->ops[i - 1] : NULL;
		step *s = &p->steps[i];
		p->data[i] = (ops_step_data){op, ops, config};
		*s = (step){.kind = op ? ops_step_kind(op->kind) : ops_start_kind(),
			    .at = {.file = config->file, .line = op ? op->line : 0},
			    .element = (char *)(op ? cookie_op_name(op->kind) : "ops-start"),
			    .data = &p->data[i]};
		if (op && op->kind == COOKIE_OP_SET)
			fill_response(p, response, i, op, s);
	}
	bsim_scenario *sc = &p->sc;
	sc->name = (char *)config->file;
	sc->at.file = config->file;
	sc->engine = config->engine;
	sc->seed = OPS_RUN_SEED;
	sc->start_time = config->now;
	sc->start_given = true;
	sc->session_restore = config->session_restore;
	/* Every name resolves unless the file or --hosts gives a hosts file: the jar ops never needed one. */
	sc->open_resolution = !config->hosts_path && !ops->uses_hosts;
	sc->steps = p->steps;
	sc->n_steps = n;
	/* The reporter hears every trace entry as it is made (report/ops.c): no copy in the result. */
	sc->events_only = true;
	*out = p;
	return 0;
}

const bsim_scenario *ops_program_scenario(const ops_program *p)
{
	return &p->sc;
}

void ops_program_free(ops_program *p)
{
	if (!p)
		return;
	free(p->steps);
	free(p->data);
	free(p->responses);
	free(p->digests);
	free(p->lens);
	free(p);
}
