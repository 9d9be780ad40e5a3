/*
 * strmap.c: the string-keyed hash map of strmap.h. The table stays at most
 * half full (counting tombstones) so probe chains stay short.
 */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"

/* A deleted slot: its key pointer is this sentinel so probing continues past it. */
static char tombstone_key;
#define TOMB (&tombstone_key)

uint64_t strmap_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static strmap_slot *find(const strmap *m, const char *key, size_t len, uint64_t h)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = h & mask;; i = (i + 1) & mask) {
		strmap_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (s->key != TOMB && s->hash == h && strncmp(s->key, key, len) == 0 && s->key[len] == '\0')
			return s;
	}
}

void *strmap_get(const strmap *m, const char *key, size_t len)
{
	strmap_slot *s = find(m, key, len, strmap_hash(key, len));
	return s ? s->value : NULL;
}

static int resize(strmap *m, size_t cap)
{
	strmap_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return error_oom();
	for (size_t i = 0; i < m->cap; i++) {
		strmap_slot *o = &m->slots[i];
		if (!o->key || o->key == TOMB)
			continue;
		size_t j = o->hash & (cap - 1);
		while (slots[j].key)
			j = (j + 1) & (cap - 1);
		slots[j] = *o;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	m->tombs = 0;
	return 0;
}

int strmap_put(strmap *m, const char *key, size_t len, void *value)
{
	uint64_t h = strmap_hash(key, len);
	strmap_slot *s = find(m, key, len, h);
	if (s) {
		s->value = value;
		return 0;
	}
	if ((m->count + m->tombs + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap : 16;
		while ((m->count + 1) * 2 > cap)
			cap *= 2;
		if (resize(m, cap) < 0)
			return BSIM_ENOMEM;
	}
	char *k = malloc(len + 1);
	if (!k)
		return error_oom();
	memcpy(k, key, len);
	k[len] = '\0';
	size_t mask = m->cap - 1;
	size_t i = h & mask;
	while (m->slots[i].key && m->slots[i].key != TOMB)
		i = (i + 1) & mask;
	if (m->slots[i].key == TOMB)
		m->tombs--;
	m->slots[i].key = k;
	m->slots[i].hash = h;
	m->slots[i].value = value;
	m->count++;
	return 0;
}

void *strmap_remove(strmap *m, const char *key, size_t len)
{
	strmap_slot *s = find(m, key, len, strmap_hash(key, len));
	if (!s)
		return NULL;
	void *v = s->value;
	free(s->key);
	s->key = TOMB;
	s->value = NULL;
	m->count--;
	m->tombs++;
	return v;
}

void strmap_foreach(const strmap *m, void (*fn)(const char *key, void *value, void *ud), void *ud)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key && m->slots[i].key != TOMB)
			fn(m->slots[i].key, m->slots[i].value, ud);
}

void strmap_free(strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key && m->slots[i].key != TOMB)
			free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->count = m->tombs = 0;
}
