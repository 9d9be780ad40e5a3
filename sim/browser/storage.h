/*
 * storage.h: Web Storage (localStorage and sessionStorage) as the engines
 * keep it (browser-rules.md §10). A storage_area is one origin's
 * localStorage, or one tab's sessionStorage for one origin. A storage_map
 * holds the areas of one kind, keyed by origin ("https://www.shop.com:443").
 *
 * This layer knows nothing of tabs or events: a write returns whether it
 * changed anything and the old value, and the browser (browser/) turns that
 * into `storage` events for the other tabs (W4). Quotas (W2, W3) are
 * enforced here, per engine.
 */
#ifndef BSIM_BROWSER_STORAGE_H
#define BSIM_BROWSER_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "bsim/cookie.h"

typedef struct storage_area storage_area;
typedef struct storage_map storage_map;

/* What a write did, for the browser's storage event (W4). */
typedef struct storage_change {
	bool changed;    /* false: no event (same value stored again, absent key removed, empty area cleared) */
	char *old_value; /* allocated, or NULL when the key was absent; the caller frees it */
} storage_change;

/* ---- one area ---- */

/* Number of items. */
size_t storage_area_length(const storage_area *a);
/* The n-th key in the engine's key() order, or NULL past the end. Borrowed. */
const char *storage_area_key(const storage_area *a, size_t n);
/* The value under key, or NULL. Borrowed until the next write to the area. */
const char *storage_area_get(const storage_area *a, const char *key);

/* ---- a map of areas (all localStorage, or one tab's sessionStorage) ---- */

typedef enum storage_kind {
	STORAGE_LOCAL = 0,
	STORAGE_SESSION = 1
} storage_kind;

/* A new empty map following the engine's quotas for that kind. */
int storage_map_new(storage_map **out, bsim_engine engine, storage_kind kind);
void storage_map_free(storage_map *m);
/* A deep copy (window.open copies the opener's sessionStorage, W5). */
int storage_map_clone(storage_map **out, const storage_map *m);

/* The area of an origin, or NULL when nothing was ever written there. Borrowed. */
storage_area *storage_map_find(const storage_map *m, const char *origin);

/*
 * setItem (W3): on success fills *change; over quota returns BSIM_EQUOTA with
 * a message naming the quota, and the old value stays. `site` is the
 * origin's registrable-domain site (Firefox also caps all origins of one
 * site, W2); it may be NULL where the engine has no such cap. A write to a
 * new origin past STORAGE_MAX_ORIGINS returns BSIM_ELIMIT. A refused write
 * leaves the map as it was (no area is created for it); remove and clear
 * never create one.
 */
int storage_map_set(storage_map *m, const char *origin, const char *site, const char *key,
		    const char *value, storage_change *change);
int storage_map_remove(storage_map *m, const char *origin, const char *key, storage_change *change);
int storage_map_clear(storage_map *m, const char *origin, storage_change *change);

/* Visit every origin that has an area, in a stable (sorted) order. */
typedef int (*storage_origin_visit)(const char *origin, const storage_area *a, void *ud);
int storage_map_foreach(const storage_map *m, storage_origin_visit fn, void *ud);

/*
 * What an area counts against its quota, as the engine counts it (W2):
 * bytes for chromium and safari, UTF-16 code units for firefox (see
 * storage_map_quota_unit).
 */
size_t storage_area_usage(const storage_area *a);

/* A bsim bound, not an engine rule: a map holds at most this many origins (BSIM_ELIMIT past it). */
#define STORAGE_MAX_ORIGINS 65536

/* The engine's quota per area (one origin, or one origin in one tab), in storage_map_quota_unit. */
size_t storage_map_quota(const storage_map *m);
/* The engine's cap on all origins of one site together (firefox localStorage), or 0 for none. */
size_t storage_map_site_quota(const storage_map *m);
/* "bytes" or "UTF-16 code units": what the quotas and usages of this map count. Static string. */
const char *storage_map_quota_unit(const storage_map *m);
/* What the origins of `site` count together against storage_map_site_quota (0 without a site cap). */
size_t storage_map_site_usage(const storage_map *m, const char *site);

#endif
