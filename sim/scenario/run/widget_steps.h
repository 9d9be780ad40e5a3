/*
 * widget_steps.h: what the widget's steps (widget_steps.c) and its
 * <expect> variants (widget_expect.c) share: the run's widget world, and
 * the attribute checks both make.
 */
#ifndef BSIM_SCENARIO_WIDGET_STEPS_H
#define BSIM_SCENARIO_WIDGET_STEPS_H

#include <stdbool.h>

#include "scenario/scenario_internal.h"
#include "widgets/widgets.h"

/* The run's widget world, made (and set up as the run's extension) at the first widget step. 0 or negative. */
int widget_world_of(widget_world **out, run_ctx *rc);
/* Every attribute value of s is short enough to hand to the page (WIDGET_ARG_MAX), else a located BSIM_ELIMIT. */
int widget_check_lengths(const step *s);
/*
 * The index of attribute name's value in `choices` (NULL-terminated) in
 * *out (-1 when absent and not required), or a located error naming them.
 */
int widget_attr_choice(const step *s, const char *name, const char *const *choices, bool required, int *out);
/* Register the widget's <expect> variants (widget_expect.c). */
void widget_expect_register(void);

#endif
