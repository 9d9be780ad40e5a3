/*
 * registry.c: the step kinds (by element name) and the expect kinds (by
 * the attribute naming the variant). The built-in kinds of steps.c and
 * expect.c register themselves the first time either registry is used;
 * widgets and tests add theirs with the register functions. Kinds are
 * static tables owned by whoever registers them; the registries keep
 * pointers, in registration order, which is the order expect_kind_for
 * tries them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_internal.h"
#include "util/grow.h"

typedef struct kind_list {
	const void **v;
	size_t n, cap;
} kind_list;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static kind_list step_kinds, expect_kinds;

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
/* Set while the built-ins register, so their own register calls do not wait on the once they run under. */
static _Thread_local bool registering_builtin;

static void register_builtin(void)
{
	registering_builtin = true;
	steps_register_builtin();
	expect_register_builtin();
	widget_steps_register();
	registering_builtin = false;
}

static void ensure_builtin(void)
{
	if (!registering_builtin)
		pthread_once(&builtin_once, register_builtin);
}

static int list_add(kind_list *l, const void *k)
{
	if (ARRAY_GROW(&l->v, &l->cap, l->n + 1) < 0)
		return BSIM_ENOMEM;
	l->v[l->n++] = k;
	return 0;
}

const step_kind *step_kind_find(const char *element)
{
	ensure_builtin();
	const step_kind *found = NULL;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < step_kinds.n && !found; i++) {
		const step_kind *k = step_kinds.v[i];
		if (strcmp(k->element, element) == 0)
			found = k;
	}
	pthread_mutex_unlock(&registry_lock);
	return found;
}

int step_kind_register(const step_kind *k)
{
	if (!k || !k->element)
		return error_set(BSIM_EINVAL, "a step kind needs an element name");
	ensure_builtin();
	int code = 0;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < step_kinds.n && !code; i++)
		if (strcmp(((const step_kind *)step_kinds.v[i])->element, k->element) == 0)
			code = error_set(BSIM_EINVAL, "a step kind for <%s> is already registered", k->element);
	if (!code)
		code = list_add(&step_kinds, k);
	pthread_mutex_unlock(&registry_lock);
	return code;
}

const expect_kind *expect_kind_for(const step *s)
{
	ensure_builtin();
	const expect_kind *found = NULL;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < expect_kinds.n && !found; i++) {
		const expect_kind *k = expect_kinds.v[i];
		if (step_attr(s, k->attr))
			found = k;
	}
	pthread_mutex_unlock(&registry_lock);
	return found;
}

int expect_kind_register(const expect_kind *k)
{
	if (!k || !k->attr)
		return error_set(BSIM_EINVAL, "an expect kind needs the attribute that names it");
	ensure_builtin();
	int code = 0;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < expect_kinds.n && !code; i++)
		if (strcmp(((const expect_kind *)expect_kinds.v[i])->attr, k->attr) == 0)
			code = error_set(BSIM_EINVAL, "an expect kind for %s= is already registered", k->attr);
	if (!code)
		code = list_add(&expect_kinds, k);
	pthread_mutex_unlock(&registry_lock);
	return code;
}
