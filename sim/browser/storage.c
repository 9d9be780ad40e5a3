/*
 * storage.c: Web Storage areas and the maps that hold them (browser-rules.md
 * §10), with each engine's quota counted the way that engine counts it (W2)
 * and refused the way it refuses (W3). The browser turns the storage_change
 * a write returns into `storage` events (W4); this file knows no tabs.
 *
 * key() order. The HTML standard leaves the order to the browser and only
 * asks that it stay the same while the area is unchanged. All three engines
 * walk a hash table: Blink's StorageAreaMap iterates a WTF::HashMap
 * (third_party/blink/renderer/modules/storage/storage_area_map.cc), Firefox
 * an nsTHashMap (dom/localstorage/LSSnapshot.cpp GetKey,
 * dom/storage/SessionStorageCache.cpp Key) and WebKit a WTF::HashMap
 * (Source/WebCore/storage/StorageMap.cpp key). That order follows the
 * engines' string hashes and table sizes, so no page can rely on it and bsim
 * cannot reproduce it; every engine here uses insertion order instead:
 * a new key goes last, overwriting keeps a key's place (as the engines'
 * in-place updates do), and removing closes the gap. It is stable while the
 * area is unchanged, as the standard requires.
 *
 * Counting (W2). Engines count JavaScript strings, that is UTF-16 code
 * units; bsim is given UTF-8, so it decodes to count. Bytes that are not
 * UTF-8 count as the U+FFFD each maximal invalid subsequence becomes under
 * the WHATWG Encoding standard's UTF-8 decoder (what a page's text decoding
 * would have handed the script): one code unit, outside Latin-1. They are
 * stored as given, not rewritten.
 */
#include "browser/storage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/strmap.h"

/* How an engine turns a string into quota usage. */
typedef enum quota_count {
	/* Blink storage_area_map.cc QuotaForString: 2 bytes per UTF-16 code unit. */
	COUNT_UTF16_BYTES,
	/* Firefox LocalStorageCache / SessionStorageCache / LSSnapshot: nsString
	 * Length(), UTF-16 code units, compared with the quota as is. */
	COUNT_UTF16_UNITS,
	/* WebKit StorageMap::setItem adds String::sizeInBytes(): 1 byte per
	 * character for a string WTF holds in 8 bits (every character in
	 * Latin-1), 2 bytes per code unit otherwise. bsim takes "every code
	 * point at or below U+00FF" as 8-bit, which is how a script's strings
	 * usually come out; a 16-bit substring of Latin-1 text would count double
	 * in Safari. */
	COUNT_WTF_BYTES
} quota_count;

/* One engine's quota for one kind of storage (W2). */
typedef struct storage_quota {
	quota_count count;
	uint64_t per_origin; /* per storage area: one origin, or one origin in one tab */
	uint64_t per_site;   /* all origins of one site together; 0 = no such cap */
	const char *unit;    /* for messages: what per_origin is counted in */
	const char *source;  /* where the numbers come from */
} storage_quota;

#define KIB ((uint64_t)1024)
#define MIB (KIB * 1024)

static const storage_quota quotas[BSIM_ENGINE_COUNT][2] = {
	[BSIM_ENGINE_CHROMIUM] = {
		/* W2: kPerStorageAreaQuota = 10 MiB, enforced in the renderer by
		 * StorageAreaMap; the storage service allows 100 KiB more
		 * (kPerStorageAreaOverQuotaAllowance) only for racing writers,
		 * which a script never sees. */
		[STORAGE_LOCAL] = {COUNT_UTF16_BYTES, 10 * MIB, 0, "bytes",
				   "components/services/storage/dom_storage/dom_storage_constants.cc kPerStorageAreaQuota"},
		/* W2: sessionStorage areas are the same CachedStorageArea with the same quota. */
		[STORAGE_SESSION] = {COUNT_UTF16_BYTES, 10 * MIB, 0, "bytes",
				     "components/services/storage/dom_storage/dom_storage_constants.cc kPerStorageAreaQuota"},
	},
	[BSIM_ENGINE_FIREFOX] = {
		/* W2: dom.storage.default_quota = 5120 (KiB, but compared with
		 * code units: LocalStorageManager::GetOriginQuota multiplies by
		 * 1024) and dom.storage.default_site_quota = 25600 for the site
		 * (GetSiteQuota takes the larger of the two prefs). */
		[STORAGE_LOCAL] = {COUNT_UTF16_UNITS, 5120 * KIB, 25600 * KIB, "UTF-16 code units",
				   "modules/libpref/init/StaticPrefList.yaml dom.storage.default_quota, "
				   "dom.storage.default_site_quota; dom/storage/LocalStorageManager.cpp"},
		/* W2: SessionStorageCache::DataSet::ProcessUsageDelta checks the origin quota only. */
		[STORAGE_SESSION] = {COUNT_UTF16_UNITS, 5120 * KIB, 0, "UTF-16 code units",
				     "dom/storage/SessionStorageCache.cpp ProcessUsageDelta"},
	},
	[BSIM_ENGINE_SAFARI] = {
		/* W2: localStorageQuotaInBytes = 5 * MB, and WTF's MB is 1024 * 1024. */
		[STORAGE_LOCAL] = {COUNT_WTF_BYTES, 5 * MIB, 0, "bytes",
				   "Source/WebKit/NetworkProcess/storage/LocalStorageManager.cpp localStorageQuotaInBytes"},
		/* W2 (?): the session quota is the page's sessionStorageQuota
		 * setting; WebKit sets 5 MB where it sets one and MDN gives 5 MiB,
		 * so bsim uses the local quota. */
		[STORAGE_SESSION] = {COUNT_WTF_BYTES, 5 * MIB, 0, "bytes",
				     "Source/WebCore/page/Settings sessionStorageQuota (?)"},
	},
};

/* One key/value pair, linked in key() order. */
typedef struct storage_item {
	char *key;
	char *value;
	uint64_t cost; /* key + value as the engine counts them */
	struct storage_item *prev, *next;
} storage_item;

/*
 * Where the last key() call stopped, so a page walking key(0..length-1)
 * costs one step per call (the habit of Blink's StorageAreaMap key
 * iterator). Reading keys does not change the area, so the cursor lives
 * behind a pointer that a const area may still move.
 */
typedef struct key_cursor {
	const storage_item *item; /* NULL: not placed */
	size_t index;
} key_cursor;

struct storage_area {
	strmap index; /* key -> storage_item */
	storage_item *head, *tail;
	size_t length;
	uint64_t usage;
	char *site;   /* the site whose total this area counts in (W2, Firefox), or NULL */
	key_cursor *cursor;
};

/* A site's total across its origins (W2, Firefox), in the engine's unit. */
typedef struct site_usage {
	uint64_t usage;
} site_usage;

struct storage_map {
	bsim_engine engine;
	storage_kind kind;
	const storage_quota *quota;
	strmap areas; /* origin -> storage_area */
	strmap sites; /* site -> site_usage; empty when the engine has no site cap */
};

/* ---- counting (W2) ---- */

#define REPLACEMENT_CHARACTER 0xFFFDu

typedef struct text_measure {
	uint64_t units; /* UTF-16 code units */
	bool latin1;    /* every code point at or below U+00FF */
} text_measure;

static void measure_code_point(text_measure *m, uint32_t cp)
{
	m->units += cp > 0xFFFFu ? 2 : 1;
	if (cp > 0xFFu)
		m->latin1 = false;
}

/*
 * The WHATWG Encoding standard's UTF-8 decoder, counting instead of
 * emitting: a maximal subsequence that cannot start or continue a
 * well-formed sequence becomes one U+FFFD, and the byte that broke it is
 * read again. Overlongs, surrogates (ED A0..BF) and code points above
 * U+10FFFF are such subsequences.
 */
static text_measure measure_utf8(const char *s)
{
	text_measure m = {0, true};
	const unsigned char *p = (const unsigned char *)s;
	unsigned needed = 0, seen = 0;
	unsigned char lower = 0x80, upper = 0xBF;
	uint32_t cp = 0;
	while (*p) {
		unsigned char b = *p;
		if (needed == 0) {
			p++;
			if (b <= 0x7F) {
				measure_code_point(&m, b);
			} else if (b >= 0xC2 && b <= 0xDF) {
				needed = 1;
				cp = b & 0x1Fu;
			} else if (b >= 0xE0 && b <= 0xEF) {
				if (b == 0xE0)
					lower = 0xA0;
				if (b == 0xED)
					upper = 0x9F;
				needed = 2;
				cp = b & 0x0Fu;
			} else if (b >= 0xF0 && b <= 0xF4) {
				if (b == 0xF0)
					lower = 0x90;
				if (b == 0xF4)
					upper = 0x8F;
				needed = 3;
				cp = b & 0x07u;
			} else {
				measure_code_point(&m, REPLACEMENT_CHARACTER);
			}
			continue;
		}
		if (b < lower || b > upper) {
			/* Not consumed: it may start the next sequence. */
			needed = seen = 0;
			cp = 0;
			lower = 0x80;
			upper = 0xBF;
			measure_code_point(&m, REPLACEMENT_CHARACTER);
			continue;
		}
		p++;
		lower = 0x80;
		upper = 0xBF;
		cp = (cp << 6) | (b & 0x3Fu);
		if (++seen == needed) {
			measure_code_point(&m, cp);
			needed = seen = 0;
			cp = 0;
		}
	}
	if (needed)
		measure_code_point(&m, REPLACEMENT_CHARACTER);
	return m;
}

static uint64_t string_cost(const storage_quota *q, const char *s)
{
	text_measure m = measure_utf8(s);
	switch (q->count) {
	case COUNT_UTF16_BYTES:
		return 2 * m.units;
	case COUNT_UTF16_UNITS:
		return m.units;
	case COUNT_WTF_BYTES:
		return m.latin1 ? m.units : 2 * m.units;
	}
	return 2 * m.units;
}

/* ---- one area ---- */

static storage_area *area_new(void)
{
	storage_area *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	if (!(a->cursor = calloc(1, sizeof *a->cursor))) {
		free(a);
		return NULL;
	}
	a->index = (strmap)STRMAP_INIT;
	return a;
}

static void item_free(storage_item *it)
{
	free(it->key);
	free(it->value);
	free(it);
}

static void area_drop_items(storage_area *a)
{
	storage_item *it = a->head;
	while (it) {
		storage_item *next = it->next;
		item_free(it);
		it = next;
	}
	strmap_free(&a->index);
	a->index = (strmap)STRMAP_INIT;
	a->head = a->tail = NULL;
	a->length = 0;
	a->usage = 0;
	a->cursor->item = NULL;
}

static void area_free(storage_area *a)
{
	if (!a)
		return;
	area_drop_items(a);
	free(a->cursor);
	free(a->site);
	free(a);
}

static storage_item *area_lookup(const storage_area *a, const char *key)
{
	return strmap_get(&a->index, key, strlen(key));
}

/* Link a new item last in key() order. Takes key and value on success. */
static int area_append(storage_area *a, char *key, char *value, uint64_t cost)
{
	storage_item *it = calloc(1, sizeof *it);
	if (!it)
		return error_oom();
	if (strmap_put(&a->index, key, strlen(key), it) < 0) {
		free(it);
		return BSIM_ENOMEM;
	}
	it->key = key;
	it->value = value;
	it->cost = cost;
	it->prev = a->tail;
	if (a->tail)
		a->tail->next = it;
	else
		a->head = it;
	a->tail = it;
	a->length++;
	a->usage += cost;
	a->cursor->item = NULL;
	return 0;
}

static void area_unlink(storage_area *a, storage_item *it)
{
	strmap_remove(&a->index, it->key, strlen(it->key));
	if (it->prev)
		it->prev->next = it->next;
	else
		a->head = it->next;
	if (it->next)
		it->next->prev = it->prev;
	else
		a->tail = it->prev;
	a->length--;
	a->usage -= it->cost;
	a->cursor->item = NULL;
}

size_t storage_area_length(const storage_area *a)
{
	return a ? a->length : 0;
}

const char *storage_area_key(const storage_area *a, size_t n)
{
	if (!a || n >= a->length)
		return NULL;
	key_cursor *c = a->cursor;
	/* Start from whichever of the first item, the cursor and the last item is nearest. */
	const storage_item *it = a->head;
	size_t i = 0;
	size_t from_end = a->length - 1 - n;
	if (c->item) {
		size_t from_cursor = c->index > n ? c->index - n : n - c->index;
		if (from_cursor < n && from_cursor <= from_end) {
			it = c->item;
			i = c->index;
		} else if (from_end < n) {
			it = a->tail;
			i = a->length - 1;
		}
	} else if (from_end < n) {
		it = a->tail;
		i = a->length - 1;
	}
	while (i < n) {
		it = it->next;
		i++;
	}
	while (i > n) {
		it = it->prev;
		i--;
	}
	c->item = it;
	c->index = n;
	return it->key;
}

const char *storage_area_get(const storage_area *a, const char *key)
{
	if (!a || !key)
		return NULL;
	const storage_item *it = area_lookup(a, key);
	return it ? it->value : NULL;
}

size_t storage_area_usage(const storage_area *a)
{
	return a ? (size_t)a->usage : 0;
}

/* ---- the map ---- */

/* A bsim bound, not an engine rule: more origins than this in one map is a runaway scenario. */
static int too_many_origins(const storage_map *m)
{
	if (m->areas.count < STORAGE_MAX_ORIGINS)
		return 0;
	return error_set(BSIM_ELIMIT, "%s holds %d origins, bsim's limit per map (STORAGE_MAX_ORIGINS)",
			 m->kind == STORAGE_LOCAL ? "localStorage" : "sessionStorage", STORAGE_MAX_ORIGINS);
}

int storage_map_new(storage_map **out, bsim_engine engine, storage_kind kind)
{
	if (!out)
		return error_set(BSIM_EINVAL, "storage_map_new: no out pointer");
	*out = NULL;
	if ((unsigned)engine >= BSIM_ENGINE_COUNT)
		return error_set(BSIM_EINVAL, "storage_map_new: unknown engine %d", (int)engine);
	if (kind != STORAGE_LOCAL && kind != STORAGE_SESSION)
		return error_set(BSIM_EINVAL, "storage_map_new: unknown storage kind %d", (int)kind);
	storage_map *m = calloc(1, sizeof *m);
	if (!m)
		return error_oom();
	m->engine = engine;
	m->kind = kind;
	m->quota = &quotas[engine][kind];
	m->areas = (strmap)STRMAP_INIT;
	m->sites = (strmap)STRMAP_INIT;
	*out = m;
	return 0;
}

static void free_area_value(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	area_free(value);
}

static void free_site_value(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	free(value);
}

void storage_map_free(storage_map *m)
{
	if (!m)
		return;
	strmap_foreach(&m->areas, free_area_value, NULL);
	strmap_free(&m->areas);
	strmap_foreach(&m->sites, free_site_value, NULL);
	strmap_free(&m->sites);
	free(m);
}

storage_area *storage_map_find(const storage_map *m, const char *origin)
{
	if (!m || !origin)
		return NULL;
	return strmap_get(&m->areas, origin, strlen(origin));
}

static site_usage *site_find(const storage_map *m, const char *site)
{
	return site ? strmap_get(&m->sites, site, strlen(site)) : NULL;
}

static uint64_t site_total(const storage_map *m, const char *site)
{
	const site_usage *s = site_find(m, site);
	return s ? s->usage : 0;
}

/*
 * Count an area in its site's total from now on (W2, Firefox). An area
 * first written without a site (a profile load) joins when a page's write
 * names one, bringing what it already holds.
 */
static int area_join_site(storage_map *m, storage_area *a, const char *site)
{
	if (!m->quota->per_site || !site || a->site)
		return 0;
	site_usage *s = site_find(m, site);
	bool added = false;
	if (!s) {
		if (!(s = calloc(1, sizeof *s)))
			return error_oom();
		if (strmap_put(&m->sites, site, strlen(site), s) < 0) {
			free(s);
			return BSIM_ENOMEM;
		}
		added = true;
	}
	if (!(a->site = strdup(site))) {
		if (added)
			free(strmap_remove(&m->sites, site, strlen(site)));
		return error_oom();
	}
	s->usage += a->usage;
	return 0;
}

static void site_add(storage_map *m, const storage_area *a, uint64_t grow, uint64_t shrink)
{
	site_usage *s = site_find(m, a->site);
	if (s)
		s->usage = s->usage + grow - shrink;
}

static const char *kind_name(storage_kind kind)
{
	return kind == STORAGE_LOCAL ? "localStorage" : "sessionStorage";
}

/*
 * W2, W3: may this write add `grow` to the area? Only a write that grows the
 * usage is checked (Blink StorageAreaMap::SetItemInternal, Firefox
 * ProcessUsageDelta; WebKit checks every write, which comes to the same
 * since an area never holds more than its quota). The origin comes first,
 * then the site, as in Firefox's LocalStorageCache.
 */
static int check_quota(const storage_map *m, const storage_area *a, const char *origin, const char *site,
		       uint64_t grow)
{
	const storage_quota *q = m->quota;
	const char *engine = bsim_engine_name(m->engine);
	uint64_t usage = a ? a->usage : 0;
	if (usage + grow > q->per_origin)
		return error_set(BSIM_EQUOTA, "%s quota exceeded on %s: %llu %s per origin in %s (QuotaExceededError)",
				 kind_name(m->kind), origin, (unsigned long long)q->per_origin, q->unit, engine);
	if (!q->per_site)
		return 0;
	const char *joined = a && a->site ? a->site : site;
	if (!joined)
		return 0;
	uint64_t total = site_total(m, joined);
	if (!(a && a->site))
		total += usage; /* this area joins the site with this write */
	if (total + grow > q->per_site)
		return error_set(BSIM_EQUOTA,
				 "%s quota exceeded on %s: %llu %s per site %s in %s (QuotaExceededError)",
				 kind_name(m->kind), origin, (unsigned long long)q->per_site, q->unit, joined, engine);
	return 0;
}

static int area_for_write(storage_map *m, const char *origin, storage_area **out)
{
	storage_area *a = storage_map_find(m, origin);
	if (a) {
		*out = a;
		return 0;
	}
	int rc = too_many_origins(m);
	if (rc < 0)
		return rc;
	if (!(a = area_new()))
		return error_oom();
	if (strmap_put(&m->areas, origin, strlen(origin), a) < 0) {
		area_free(a);
		return BSIM_ENOMEM;
	}
	*out = a;
	return 0;
}

int storage_map_set(storage_map *m, const char *origin, const char *site, const char *key, const char *value,
		    storage_change *change)
{
	if (change) {
		change->changed = false;
		change->old_value = NULL;
	}
	if (!m || !origin || !key || !value || !change)
		return error_set(BSIM_EINVAL, "storage_map_set: missing map, origin, key, value or change");
	const storage_quota *q = m->quota;
	storage_area *a = storage_map_find(m, origin);
	storage_item *it = a ? area_lookup(a, key) : NULL;
	uint64_t old_cost = it ? it->cost : 0;
	uint64_t new_cost = string_cost(q, key) + string_cost(q, value);
	int rc;
	if (new_cost > old_cost && (rc = check_quota(m, a, origin, site, new_cost - old_cost)) < 0)
		return rc;

	/* W4: the same value stored again changes nothing and fires no event. */
	if (it && strcmp(it->value, value) == 0) {
		if (!(change->old_value = strdup(it->value)))
			return error_oom();
		return 0;
	}

	char *value_copy = strdup(value);
	char *key_copy = it ? NULL : strdup(key);
	if (!value_copy || (!it && !key_copy)) {
		free(value_copy);
		free(key_copy);
		return error_oom();
	}
	bool created = !a;
	if ((rc = area_for_write(m, origin, &a)) < 0 || (rc = area_join_site(m, a, site)) < 0)
		goto fail;
	if (it) {
		change->old_value = it->value; /* handed to the caller */
		it->value = value_copy;
		it->cost = new_cost;
		a->usage = a->usage + new_cost - old_cost;
		a->cursor->item = NULL;
	} else {
		if ((rc = area_append(a, key_copy, value_copy, new_cost)) < 0)
			goto fail;
	}
	site_add(m, a, new_cost, old_cost);
	change->changed = true;
	return 0;

fail:
	free(value_copy);
	free(key_copy);
	/* A write that failed leaves no trace: an origin it would have created has no area. */
	if (created && a && a->length == 0) {
		strmap_remove(&m->areas, origin, strlen(origin));
		area_free(a);
	}
	return rc;
}

int storage_map_remove(storage_map *m, const char *origin, const char *key, storage_change *change)
{
	if (change) {
		change->changed = false;
		change->old_value = NULL;
	}
	if (!m || !origin || !key || !change)
		return error_set(BSIM_EINVAL, "storage_map_remove: missing map, origin, key or change");
	storage_area *a = storage_map_find(m, origin);
	storage_item *it = a ? area_lookup(a, key) : NULL;
	/* W4: removing an absent key changes nothing. */
	if (!it)
		return 0;
	area_unlink(a, it);
	site_add(m, a, 0, it->cost);
	change->changed = true;
	change->old_value = it->value; /* handed to the caller */
	free(it->key);
	free(it);
	return 0;
}

int storage_map_clear(storage_map *m, const char *origin, storage_change *change)
{
	if (change) {
		change->changed = false;
		change->old_value = NULL;
	}
	if (!m || !origin || !change)
		return error_set(BSIM_EINVAL, "storage_map_clear: missing map, origin or change");
	storage_area *a = storage_map_find(m, origin);
	/* W4: clearing an empty area changes nothing. */
	if (!a || a->length == 0)
		return 0;
	site_add(m, a, 0, a->usage);
	area_drop_items(a);
	change->changed = true; /* W4: clear() reports key, oldValue and newValue as null */
	return 0;
}

/* ---- visiting and copying ---- */

typedef struct origin_entry {
	const char *origin;
	const storage_area *area;
} origin_entry;

typedef struct origin_list {
	origin_entry *v;
	size_t n;
} origin_list;

static void collect_origin(const char *key, void *value, void *ud)
{
	origin_list *l = ud;
	l->v[l->n].origin = key;
	l->v[l->n].area = value;
	l->n++;
}

static int by_origin(const void *x, const void *y)
{
	return strcmp(((const origin_entry *)x)->origin, ((const origin_entry *)y)->origin);
}

/* The map's origins sorted by their bytes, so every run visits them alike. Caller frees l->v. */
static int sorted_origins(const storage_map *m, origin_list *l)
{
	l->n = 0;
	l->v = NULL;
	if (!m->areas.count)
		return 0;
	if (!(l->v = calloc(m->areas.count, sizeof *l->v)))
		return error_oom();
	strmap_foreach(&m->areas, collect_origin, l);
	qsort(l->v, l->n, sizeof *l->v, by_origin);
	return 0;
}

int storage_map_foreach(const storage_map *m, storage_origin_visit fn, void *ud)
{
	if (!m || !fn)
		return error_set(BSIM_EINVAL, "storage_map_foreach: missing map or visitor");
	origin_list l;
	int rc = sorted_origins(m, &l);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < l.n && rc == 0; i++)
		rc = fn(l.v[i].origin, l.v[i].area, ud);
	free(l.v);
	return rc;
}

static int area_copy(storage_map *dst, const char *origin, const storage_area *src)
{
	storage_area *a;
	int rc = area_for_write(dst, origin, &a);
	if (rc < 0)
		return rc;
	for (const storage_item *it = src->head; it; it = it->next) {
		char *k = strdup(it->key), *v = strdup(it->value);
		if (!k || !v || (rc = area_append(a, k, v, it->cost)) < 0) {
			free(k);
			free(v);
			return rc < 0 ? rc : error_oom();
		}
	}
	/* The site totals are rebuilt from the areas that joined one. */
	return area_join_site(dst, a, src->site);
}

int storage_map_clone(storage_map **out, const storage_map *m)
{
	if (!out || !m)
		return error_set(BSIM_EINVAL, "storage_map_clone: missing map or out pointer");
	*out = NULL;
	storage_map *c = NULL;
	origin_list l = {NULL, 0};
	int rc = storage_map_new(&c, m->engine, m->kind);
	if (rc < 0)
		goto out;
	if ((rc = sorted_origins(m, &l)) < 0)
		goto out;
	for (size_t i = 0; i < l.n; i++)
		if ((rc = area_copy(c, l.v[i].origin, l.v[i].area)) < 0)
			goto out;
	*out = c;
	c = NULL;
out:
	free(l.v);
	storage_map_free(c);
	return rc;
}

/* ---- what the quotas are ---- */

size_t storage_map_quota(const storage_map *m)
{
	return m ? (size_t)m->quota->per_origin : 0;
}

size_t storage_map_site_quota(const storage_map *m)
{
	return m ? (size_t)m->quota->per_site : 0;
}

const char *storage_map_quota_unit(const storage_map *m)
{
	return m ? m->quota->unit : "";
}

size_t storage_map_site_usage(const storage_map *m, const char *site)
{
	return m ? (size_t)site_total(m, site) : 0;
}
