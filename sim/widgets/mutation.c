/*
 * mutation.c: reads BSIM_WIDGET_MUTATE for the widget model's mutation
 * build (mutation.h). Compiled only with -Dwidget_mutation=true; a bad
 * value stops the run, so a typo in tests/widget-mutation/run can never
 * pass as "the mutation was caught" nor as "nothing to mutate".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/mutation.h"

/* Longest NAME in BSIM_WIDGET_MUTATE: every widget cookie name is far shorter. */
#define MUTATION_NAME_MAX 128

static struct {
	bool read;
	char name[MUTATION_NAME_MAX];
	widget_mutation_kind kind;
} mutation;

static void mutation_read(void)
{
	mutation.read = true;
	const char *env = getenv("BSIM_WIDGET_MUTATE");
	if (!env || !*env)
		return;
	const char *colon = strrchr(env, ':');
	size_t len = colon ? (size_t)(colon - env) : 0;
	static const struct {
		const char *name;
		widget_mutation_kind kind;
	} kinds[] = {{"nowrite", WIDGET_MUT_NOWRITE}, {"nodelete", WIDGET_MUT_NODELETE}, {"wrong", WIDGET_MUT_WRONG}};
	for (size_t i = 0; colon && len > 0 && len < sizeof mutation.name && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(colon + 1, kinds[i].name) == 0) {
			memcpy(mutation.name, env, len);
			mutation.name[len] = '\0';
			mutation.kind = kinds[i].kind;
			fprintf(stderr, "bsim: widget mutation build: %s is mutated (%s)\n", mutation.name, kinds[i].name);
			return;
		}
	fprintf(stderr,
		"bsim: BSIM_WIDGET_MUTATE=\"%s\": expected NAME:KIND with KIND nowrite, nodelete or wrong "
		"(e.g. webchat.state.session:nowrite); unset it to run the model unmutated\n",
		env);
	exit(3);
}

bool widget_mutated(const char *name, widget_mutation_kind kind)
{
	if (!mutation.read)
		mutation_read();
	return mutation.kind == kind && strcmp(mutation.name, name) == 0;
}
