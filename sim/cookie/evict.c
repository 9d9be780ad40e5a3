/*
 * evict.c: the limits a browser puts on its jar, as each engine enforces
 * them (browser-rules.md §5): Chromium purges a registrable domain from 181
 * cookies to 150 in priority rounds and the whole jar from 3301 to 3000
 * among cookies idle for 30 days; Firefox evicts the least recently used
 * non-secure cookies before adding the 181st and may drop the newcomer;
 * Safari shows no per-domain limit.
 */
#include <stdlib.h>
#include <string.h>

#include "cookie/jar_internal.h"
#include "util/grow.h"

/* Chromium cookie_monster.h kDomainCookiesQuotaLow/Medium/High: the newest
 * cookies of each priority that a domain purge never touches. */
static const uint32_t priority_quota[3] = {30, 50, 70};

static int by_lru(const void *a, const void *b)
{
	const cookie *x = *(const cookie *const *)a, *y = *(const cookie *const *)b;
	if (x->last_access != y->last_access)
		return x->last_access < y->last_access ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void remove_cookie(bsim_jar *jar, bucket *b, const cookie *victim, bsim_cookie_reason reason, int actor)
{
	for (uint32_t i = 0; i < b->n; i++) {
		if (b->items[i] == victim) {
			jar_remove_at(jar, b, i, BSIM_COOKIE_EVICTED, reason, actor);
			return;
		}
	}
}

static void remove_expired(bsim_jar *jar, bucket *b, int actor)
{
	for (uint32_t i = 0; i < b->n;) {
		if (cookie_is_expired(jar, b->items[i]))
			jar_remove_at(jar, b, i, BSIM_COOKIE_EXPIRED, BSIM_REASON_EXPIRED, actor);
		else
			i++;
	}
}

/* The bucket's cookies, least recently used first. Caller frees. */
static cookie **sorted_lru(const bucket *b)
{
	cookie **v = malloc((b->n ? b->n : 1) * sizeof *v);
	if (!v)
		return NULL;
	memcpy(v, b->items, b->n * sizeof *v);
	qsort(v, b->n, sizeof *v, by_lru);
	return v;
}

bool evict_before_add(bsim_jar *jar, bucket *b, const cookie *newcomer, int actor)
{
	const cookie_preset *p = jar->preset;
	if (p->eviction != EVICT_FIREFOX_NONSECURE_LRU || b->n < (uint32_t)p->domain_max)
		return true;
	/* Firefox CookieStorage::AddCookie / FindStaleCookies: expired first. */
	remove_expired(jar, b, actor);
	if (b->n < (uint32_t)p->domain_max)
		return true;
	/* §14 (Firefox ESR run): after the 181st cookie, 150 remain. */
	uint32_t need = b->n + 1 - (uint32_t)p->domain_purge_to;
	uint32_t n = b->n;
	cookie **lru = sorted_lru(b);
	if (!lru)
		return true;
	uint32_t evicted = 0;
	for (uint32_t i = 0; i < n && evicted < need; i++) {
		if (!lru[i]->secure) {
			remove_cookie(jar, b, lru[i], BSIM_REASON_DOMAIN_LIMIT, actor);
			lru[i] = NULL;
			evicted++;
		}
	}
	/* Only a Secure newcomer may push out Secure cookies. */
	if (evicted < need && newcomer->secure) {
		for (uint32_t i = 0; i < n && evicted < need; i++) {
			if (lru[i]) {
				remove_cookie(jar, b, lru[i], BSIM_REASON_DOMAIN_LIMIT, actor);
				evicted++;
			}
		}
	}
	free(lru);
	/* A non-secure newcomer with nothing to push out is dropped. */
	return evicted > 0 || newcomer->secure;
}

/* Chromium CookieMonster::PurgeLeastRecentMatches for one priority round. */
static uint32_t purge_round(bsim_jar *jar, bucket *b, cookie **lru, uint32_t n, bsim_priority prio,
			    bool protect_secure, uint32_t goal, int actor)
{
	uint32_t count = 0, secure = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (lru[i] && lru[i]->priority == prio) {
			count++;
			secure += lru[i]->secure;
		}
	}
	uint32_t quota = priority_quota[prio];
	if (count <= quota)
		return 0;
	uint32_t keep = protect_secure ? (secure > quota ? secure : quota) : quota;
	if (count <= keep)
		return 0;
	uint32_t deletable = count - keep, removed = 0;
	for (uint32_t i = 0; i < n && removed < goal && deletable > 0; i++) {
		cookie *c = lru[i];
		if (!c || c->priority != prio || (protect_secure && c->secure))
			continue;
		remove_cookie(jar, b, c, BSIM_REASON_DOMAIN_LIMIT, actor);
		lru[i] = NULL;
		removed++;
		deletable--;
	}
	return removed;
}

typedef struct global_scan {
	bsim_jar *jar;
	bsim_time cutoff;
	bsim_time earliest;
	struct victim {
		bucket *b;
		cookie *c;
	} *v;
	size_t n, cap;
	bool failed;
} global_scan;

static void scan_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	global_scan *g = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++) {
		cookie *c = b->items[i];
		if (c->last_access < g->earliest)
			g->earliest = c->last_access;
		if (c->last_access >= g->cutoff && !cookie_is_expired(g->jar, c))
			continue;
		if (g->n == g->cap && ARRAY_GROW(&g->v, &g->cap, g->n + 1) < 0) {
			g->failed = true;
			return;
		}
		g->v[g->n].b = b;
		g->v[g->n].c = c;
		g->n++;
	}
}

static int victim_order(const void *a, const void *b)
{
	const struct victim *x = a, *y = b;
	/* Chromium GarbageCollect: non-secure before secure, each least recently used first. */
	if (x->c->secure != y->c->secure)
		return x->c->secure ? 1 : -1;
	const cookie *cx = x->c, *cy = y->c;
	return by_lru(&cx, &cy);
}

static void global_purge(bsim_jar *jar, int actor)
{
	const cookie_preset *p = jar->preset;
	if (!p->global_max || jar->total <= (size_t)p->global_max)
		return;
	bsim_time cutoff = jar->now - p->global_safe_age_ms;
	/* The lower bound keeps this check O(1) until something may be old enough (L3). */
	if (jar->earliest_access >= cutoff)
		return;
	global_scan g = {jar, cutoff, INT64_MAX, NULL, 0, 0, false};
	strmap_foreach(&jar->buckets, scan_bucket, &g);
	if (!g.failed && g.n) {
		qsort(g.v, g.n, sizeof *g.v, victim_order);
		for (size_t i = 0; i < g.n && jar->total > (size_t)p->global_purge_to; i++) {
			bsim_cookie_reason why = cookie_is_expired(jar, g.v[i].c) ? BSIM_REASON_EXPIRED
										 : BSIM_REASON_GLOBAL_LIMIT;
			bsim_cookie_event_kind kind = why == BSIM_REASON_EXPIRED ? BSIM_COOKIE_EXPIRED
										 : BSIM_COOKIE_EVICTED;
			for (uint32_t j = 0; j < g.v[i].b->n; j++) {
				if (g.v[i].b->items[j] == g.v[i].c) {
					jar_remove_at(jar, g.v[i].b, j, kind, why, actor);
					break;
				}
			}
		}
		/* The survivors' oldest access: either the jar is back under the
		 * floor, or every old cookie went and the check stays O(1). */
		global_scan again = {jar, INT64_MIN, INT64_MAX, NULL, 0, 0, false};
		strmap_foreach(&jar->buckets, scan_bucket, &again);
		jar->earliest_access = again.earliest;
		free(again.v);
	} else {
		jar->earliest_access = g.earliest;
	}
	free(g.v);
}

void evict_after_add(bsim_jar *jar, bucket *b, int actor)
{
	const cookie_preset *p = jar->preset;
	if (jar->now < jar->earliest_access)
		jar->earliest_access = jar->now;
	if (p->eviction == EVICT_CHROMIUM_PRIORITY && b->n > (uint32_t)p->domain_max) {
		/* Chromium GarbageCollect: expired cookies of the domain go first. */
		remove_expired(jar, b, actor);
		if (b->n > (uint32_t)p->domain_max) {
			uint32_t goal = b->n - (uint32_t)p->domain_purge_to, n = b->n;
			cookie **lru = sorted_lru(b);
			if (lru) {
				static const struct {
					bsim_priority prio;
					bool protect_secure;
				} rounds[] = {
					{BSIM_PRIORITY_LOW, true},     {BSIM_PRIORITY_LOW, false},
					{BSIM_PRIORITY_MEDIUM, true},  {BSIM_PRIORITY_HIGH, true},
					{BSIM_PRIORITY_MEDIUM, false}, {BSIM_PRIORITY_HIGH, false},
				};
				for (size_t r = 0; r < sizeof rounds / sizeof rounds[0] && goal > 0; r++)
					goal -= purge_round(jar, b, lru, n, rounds[r].prio, rounds[r].protect_secure,
							    goal, actor);
				free(lru);
			}
		}
	}
	global_purge(jar, actor);
}
