/*
 * grow.c: array_grow(), see grow.h. The pointer to the array is passed as
 * void * (a void ** would not accept a struct cookie ** without a cast), and
 * read and written through memcpy, which C11 allows for any object pointer
 * type of the same representation (all of bsim's targets).
 */
#include "util/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* First allocation; small enough not to matter, large enough to skip the 1-2-4 steps. */
#define ARRAY_GROW_FIRST 8

int array_grow(void *items, size_t *cap, size_t need, size_t elem_size)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : ARRAY_GROW_FIRST;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return error_oom();
		n *= 2;
	}
	if (elem_size && n > SIZE_MAX / elem_size)
		return error_oom();
	void *old;
	memcpy(&old, items, sizeof old);
	void *grown = realloc(old, n * elem_size);
	if (!grown)
		return error_oom();
	memcpy(items, &grown, sizeof grown);
	*cap = n;
	return 0;
}
