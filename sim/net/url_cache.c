/*
 * url_cache.c: the bounded cache of parsed URLs (url.h's url_cache) that
 * the cookie jar's hot path asks, and its memo of what each origin's
 * "scheme://authority" text parsed to. Two generations of an open-address
 * table keyed by a hash of the URL text; the parse itself is url.c's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/url.h"
#include "net/url_internal.h"
#include "util/error.h"
#include "util/strmap.h"

/*
 * The largest table of a cache generation: a power of two twice URL_CACHE_MAX, so the
 * linear-probe table is at most half full and a lookup ends within a few
 * slots.
 */
#define URL_CACHE_SLOTS (2 * URL_CACHE_MAX)

/* ---- the authority memo (url_internal.h) ---- */


static void origin_facts_free(origin_facts *f)
{
	if (!f)
		return;
	free(f->host);
	free(f->registrable);
	free(f);
}

static void origin_facts_free_entry(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	origin_facts_free(value);
}

void origin_memo_clear(strmap *memo)
{
	strmap_foreach(memo, origin_facts_free_entry, NULL);
	strmap_free(memo);
	*memo = (strmap)STRMAP_INIT;
}

void origin_memo_put(strmap *memo, const char *authority, size_t len, const url *u)
{
	if (strmap_get(memo, authority, len))
		return;
	if (memo->count >= URL_ORIGIN_MEMO_MAX)
		origin_memo_clear(memo);
	origin_facts *f = calloc(1, sizeof *f);
	if (!f)
		return;
	*f = (origin_facts){.kind = u->kind, .port = u->port, .trailing_dot = u->trailing_dot,
			    .loopback = u->loopback, .host_is_public_suffix = u->host_is_public_suffix};
	f->host = strdup(u->host);
	f->registrable = u->registrable ? strdup(u->registrable) : NULL;
	if (!f->host || (u->registrable && !f->registrable) || strmap_put(memo, authority, len, f) < 0)
		origin_facts_free(f);
}

/* A "." or ".." segment in path[0..n), which libcurl would remove. */
static bool has_dot_segment(const char *path, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (path[i] != '.' || (i > 0 && path[i - 1] != '/'))
			continue;
		size_t dots = (i + 1 < n && path[i + 1] == '.') ? 2 : 1;
		if (i + dots == n || path[i + dots] == '/')
			return true;
	}
	return false;
}

const origin_facts *origin_memo_find(const strmap *memo, const char *ct, size_t ct_len, size_t authority_end,
					    span *path, span *query)
{
	const origin_facts *f = strmap_get(memo, ct, authority_end);
	if (!f)
		return NULL;
	const char *p = ct + authority_end;
	size_t n = ct_len - authority_end;
	const char *q = memchr(p, '?', n);
	size_t path_len = q ? (size_t)(q - p) : n;
	if (has_dot_segment(p, path_len))
		return NULL;
	*path = (span){p, path_len};
	*query = q ? (span){q + 1, n - path_len - 1} : (span){NULL, 0};
	return f;
}

/* ---- the cache ---- */

enum { SLOT_EMPTY = 0, SLOT_FULL, SLOT_MOVED };

typedef struct cache_slot {
	uint64_t hash;
	size_t len;
	url *u;             /* owned while state is SLOT_FULL */
	int state;          /* SLOT_MOVED: promoted to the current generation; keeps probe chains intact */
} cache_slot;

/* First table size: a scenario's browser sees a handful of URLs, so a jar
 * should not pay for URL_CACHE_SLOTS slots until it needs them. */
#define URL_CACHE_FIRST_SLOTS 64

typedef struct cache_gen {
	cache_slot *slots;  /* cap slots, a power of two up to URL_CACHE_SLOTS; NULL until first used */
	size_t cap;
	size_t count;       /* SLOT_FULL slots */
	size_t used;        /* SLOT_FULL and SLOT_MOVED slots, at most URL_CACHE_MAX */
} cache_gen;

struct url_cache {
	cache_gen cur;
	cache_gen old;
	strmap origins;  /* "scheme://authority" -> origin_facts */
};

/* 64-bit multiply-xorshift over 8-byte words: a URL of 60 bytes hashes in a few ns. */
static uint64_t hash_text(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
		h ^= h >> 31;
	}
	uint64_t w = 0;
	memcpy(&w, s + i, n - i);
	h = (h ^ w) * 0x94d049bb133111ebull;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 32);
}

static cache_slot *gen_find(cache_gen *g, uint64_t hash, const char *text, size_t len)
{
	if (!g->cap)
		return NULL;
	const size_t mask = g->cap - 1;
	/* Ends: a table is at most half used (see cache_insert). */
	for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
		cache_slot *s = &g->slots[i];
		if (s->state == SLOT_EMPTY)
			return NULL;
		if (s->state == SLOT_FULL && s->hash == hash && s->len == len &&
		    memcmp(s->u->text, text, len) == 0)
			return s;
	}
}

static void gen_clear(cache_gen *g)
{
	for (size_t i = 0; i < g->cap; i++)
		if (g->slots[i].state == SLOT_FULL)
			url_free(g->slots[i].u);
	if (g->cap)
		memset(g->slots, 0, g->cap * sizeof g->slots[0]);
	g->count = g->used = 0;
}

/* Double the current generation's table (it holds only SLOT_FULL slots). */
static int gen_grow(cache_gen *g)
{
	size_t cap = g->cap ? g->cap * 2 : URL_CACHE_FIRST_SLOTS;
	cache_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return error_oom();
	for (size_t i = 0; i < g->cap; i++) {
		if (g->slots[i].state != SLOT_FULL)
			continue;
		size_t j = (size_t)g->slots[i].hash & (cap - 1);
		while (slots[j].state != SLOT_EMPTY)
			j = (j + 1) & (cap - 1);
		slots[j] = g->slots[i];
	}
	free(g->slots);
	g->slots = slots;
	g->cap = cap;
	return 0;
}

/* Add u to the current generation, first retiring it if full (the old generation's URLs are freed). */
static int cache_insert(url_cache *c, uint64_t hash, size_t len, url *u)
{
	if (c->cur.used == URL_CACHE_MAX) {
		gen_clear(&c->old);
		cache_gen t = c->old;
		c->old = c->cur;
		c->cur = t;
	}
	/* Keep the table at most half full, so probe chains stay short and end. */
	if ((c->cur.used + 1) * 2 > c->cur.cap && gen_grow(&c->cur) < 0) {
		url_free(u);
		return BSIM_ENOMEM;
	}
	const size_t mask = c->cur.cap - 1;
	size_t i = (size_t)hash & mask;
	while (c->cur.slots[i].state != SLOT_EMPTY)
		i = (i + 1) & mask;
	c->cur.slots[i] = (cache_slot){hash, len, u, SLOT_FULL};
	c->cur.count++;
	c->cur.used++;
	return 0;
}

int url_cache_new(url_cache **out)
{
	if (!out)
		return error_set(BSIM_EINVAL, "url_cache_new: no place for the result");
	*out = NULL;
	url_cache *c = calloc(1, sizeof *c);
	if (!c)
		return error_oom();
	*out = c;
	return 0;
}

void url_cache_free(url_cache *c)
{
	if (!c)
		return;
	gen_clear(&c->cur);
	gen_clear(&c->old);
	origin_memo_clear(&c->origins);
	free(c->cur.slots);
	free(c->old.slots);
	free(c);
}

size_t url_cache_count(const url_cache *c)
{
	return c ? c->cur.count + c->old.count : 0;
}

int url_cache_get(const url **out, url_cache *c, const char *text)
{
	if (!out || !c)
		return error_set(BSIM_EINVAL, "url_cache_get: no cache or no place for the result");
	*out = NULL;
	size_t len = text ? strnlen(text, (size_t)URL_MAX_LEN + 1) : 0;
	if (len == 0 || len > URL_MAX_LEN) {
		url *ignored = NULL;
		return url_parse(&ignored, text);  /* sets the message for empty and over-long text */
	}
	uint64_t hash = hash_text(text, len);
	cache_slot *s = gen_find(&c->cur, hash, text, len);
	if (s) {
		*out = s->u;
		return 0;
	}
	s = gen_find(&c->old, hash, text, len);
	if (s) {
		/* Promote the same object, so earlier pointers to it stay valid too. */
		url *u = s->u;
		s->u = NULL;
		s->state = SLOT_MOVED;
		c->old.count--;
		if (cache_insert(c, hash, len, u) < 0)
			return BSIM_ENOMEM;
		*out = u;
		return 0;
	}
	url *u = NULL;
	int rc = url_parse_memo(&u, text, &c->origins);
	if (rc < 0)
		return rc;  /* errors are not cached: the next call sets the same message again */
	if ((rc = cache_insert(c, hash, len, u)) < 0)
		return rc;
	*out = u;
	return 0;
}
