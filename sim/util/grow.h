/*
 * grow.h: the one array-growth helper. Every growable array in bsim (steps,
 * cookies, tabs, trace lines) grows through array_grow(), so the doubling
 * policy and the size_t overflow check (count * element size must not wrap,
 * CERT MEM07-C) are written once.
 */
#ifndef BSIM_UTIL_GROW_H
#define BSIM_UTIL_GROW_H

#include <stddef.h>

/*
 * Make *items (an array of *cap elements of elem_size bytes) hold at least
 * need elements. Grows by doubling from 8, keeps the contents, and leaves
 * *items and *cap untouched on failure. Returns 0, or BSIM_ENOMEM (raised
 * with error_oom()) when memory runs out or the size would overflow.
 */
int array_grow(void *items, size_t *cap, size_t need, size_t elem_size);

/* array_grow for a typed pointer: ARRAY_GROW(&list->items, &list->cap, n + 1). */
#define ARRAY_GROW(itemsp, capp, need) array_grow((itemsp), (capp), (need), sizeof **(itemsp))

#endif
