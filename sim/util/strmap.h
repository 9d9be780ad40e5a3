/*
 * strmap.h: a hash map from strings to pointers (open addressing, linear
 * probing, FNV-1a). The jar keys its cookies by registrable domain with it,
 * so a lookup costs what one site's cookies cost, not the jar's size.
 * Keys are copied; values are the caller's.
 */
#ifndef BSIM_UTIL_STRMAP_H
#define BSIM_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap_slot {
	char *key;     /* NULL: empty slot */
	uint64_t hash;
	void *value;
} strmap_slot;

typedef struct strmap {
	strmap_slot *slots;
	size_t cap;    /* a power of two, or 0 */
	size_t count;
	size_t tombs;  /* deleted slots still on probe chains */
} strmap;

#define STRMAP_INIT {NULL, 0, 0, 0}

uint64_t strmap_hash(const char *s, size_t len);

/* The value under key[0..len), or NULL. */
void *strmap_get(const strmap *m, const char *key, size_t len);
/* Insert or replace. Returns 0 or BSIM_ENOMEM. */
int strmap_put(strmap *m, const char *key, size_t len, void *value);
/* Remove; returns the old value or NULL. */
void *strmap_remove(strmap *m, const char *key, size_t len);
/* Visit every entry (order unspecified). */
void strmap_foreach(const strmap *m, void (*fn)(const char *key, void *value, void *ud), void *ud);
/* Free the keys and the table (not the values). */
void strmap_free(strmap *m);

#endif
