/*
 * mutation.h: the widget model's mutation switch, for proving that every
 * cookie and storage key of the model is checked by some scenario
 * (tests/widget-mutation/run). Only a build configured with
 * -Dwidget_mutation=true defines BSIM_WIDGET_MUTATION and compiles
 * mutation.c; in every other build widget_mutated() is the constant false,
 * so the hooks cost nothing and the release binary cannot be mutated.
 *
 * In a mutation build, BSIM_WIDGET_MUTATE=NAME:KIND (read once, at the first
 * widget world) breaks the model for one cookie or key. NAME is the cookie's
 * name after `_genesys.widgets.` (`webchat.state.session`), or a storage
 * key's (`inFocus`, `chatPollPending`, `Widgets.ready`); KIND is one of
 * `nowrite` (the write is skipped), `nodelete` (the delete is skipped) and
 * `wrong` (the value written is replaced by WIDGET_MUTANT_VALUE).
 */
#ifndef BSIM_WIDGETS_MUTATION_H
#define BSIM_WIDGETS_MUTATION_H

#include <stdbool.h>

typedef enum widget_mutation_kind {
	WIDGET_MUT_NOWRITE = 1,
	WIDGET_MUT_NODELETE,
	WIDGET_MUT_WRONG,
} widget_mutation_kind;

/* What a `wrong` mutation writes: no widget value has this form, so a reader that trusts it misbehaves. */
#define WIDGET_MUTANT_VALUE "bsim-mutant"

#ifdef BSIM_WIDGET_MUTATION
/* True when BSIM_WIDGET_MUTATE names this cookie or key with this kind. */
bool widget_mutated(const char *name, widget_mutation_kind kind);
#else
#define widget_mutated(name, kind) ((void)(name), (void)(kind), false)
#endif

#endif
