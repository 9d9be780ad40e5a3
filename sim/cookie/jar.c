/*
 * jar.c: the cookie store of include/bsim/cookie.h: its lifetime, its
 * buckets, the context of a call, the cookie record, and the sweeps over the
 * whole jar (expiry on the clock, the end of a session, clearing, visiting).
 * The storage model of RFC 6265bis §5.7 is store.c, retrieval (§5.8.3)
 * retrieve.c, restoring saved cookies restore.c; engine differences come
 * from the preset (preset.c), limits from evict.c and the sentences of
 * every event from explain.c.
 *
 * A request looks only at the bucket of its registrable domain, so its cost
 * is what that site's cookies cost, not the size of the jar.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cookie/jar_internal.h"
#include "net/psl.h"
#include "util/error.h"
#include "util/grow.h"

int bsim_jar_new(bsim_jar **out, bsim_engine engine)
{
	const cookie_preset *p = cookie_preset_get(engine);
	if (!p)
		return error_set(BSIM_EINVAL, "unknown engine %d", (int)engine);
	/* Fail closed: without the public suffix list no Domain can be judged. */
	int rc = psl_open();
	if (rc < 0)
		return rc;
	bsim_jar *jar = calloc(1, sizeof *jar);
	if (!jar)
		return error_oom();
	jar->preset = p;
	jar->next_seq = 1;
	jar->earliest_access = INT64_MAX;
	jar->earliest_expiry = COOKIE_TIME_MAX;
	if ((rc = url_cache_new(&jar->urls)) < 0) {
		free(jar);
		return rc;
	}
	*out = jar;
	return 0;
}

static void free_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++)
		cookie_free(b->items[i]);
	bucket_index_drop(b);
	free(b->items);
	free(b);
}

void bucket_index_drop(bucket *b)
{
	if (b->index) {
		strmap_free(b->index);
		free(b->index);
		b->index = NULL;
	}
}

void bsim_jar_free(bsim_jar *jar)
{
	if (!jar)
		return;
	strmap_foreach(&jar->buckets, free_bucket, NULL);
	strmap_free(&jar->buckets);
	process_free(jar);
	url_cache_free(jar->urls);
	buf_free(&jar->msg);
	buf_free(&jar->scratch);
	free(jar);
}

bsim_engine bsim_jar_engine(const bsim_jar *jar)
{
	return jar->preset->engine;
}

void bsim_jar_set_time(bsim_jar *jar, bsim_time now)
{
	jar->now = now;
}

bsim_time bsim_jar_time(const bsim_jar *jar)
{
	return jar->now;
}

void bsim_jar_set_observer(bsim_jar *jar, bsim_cookie_observer fn, void *userdata)
{
	jar->observer = fn;
	jar->observer_data = userdata;
}

void jar_set_actor_observer(bsim_jar *jar, jar_actor_observer fn, void *userdata)
{
	jar->actor_observer = fn;
	jar->actor_observer_data = userdata;
}

size_t bsim_jar_count(const bsim_jar *jar)
{
	return jar->total;
}

void cookie_free(cookie *c)
{
	if (!c)
		return;
	free(c->strs);
	free(c->partition_key);
	free(c);
}

bool cookie_is_expired(const bsim_jar *jar, const cookie *c)
{
	return c->persistent && c->expires <= jar->now;
}

void jar_remove_at(bsim_jar *jar, bucket *b, uint32_t i, bsim_cookie_event_kind kind,
		   bsim_cookie_reason reason, int actor)
{
	cookie *c = b->items[i];
	if (jar_observed(jar))
		explain_removed(jar, actor, c, kind, reason, NULL);
	bucket_index_drop(b);
	b->items[i] = b->items[--b->n];
	jar->total--;
	cookie_free(c);
}

bucket *bucket_for(bsim_jar *jar, const char *key, size_t len, bool create)
{
	bucket *b = strmap_get(&jar->buckets, key, len);
	if (b || !create)
		return b;
	b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	if (strmap_put(&jar->buckets, key, len, b) < 0) {
		free(b);
		return NULL;
	}
	return b;
}

int bucket_push(bucket *b, cookie *c)
{
	/* Asked only when full: a push is on every new cookie's path. */
	if (b->n == b->cap) {
		int rc = ARRAY_GROW(&b->items, &b->cap, (size_t)b->n + 1);
		if (rc < 0)
			return rc;
	}
	b->items[b->n++] = c;
	return 0;
}



int jar_call_of(bsim_jar *jar, const url **u, jar_call *call, const char *url_text, const bsim_cookie_ctx *ctx)
{
	/* No context: a top-level navigation (BSIM_COOKIE_CTX_NAVIGATE). */
	*call = JAR_CALL_NAVIGATE(JAR_NO_ACTOR);
	int err = url_cache_get(u, jar->urls, url_text);
	if (err < 0 || !ctx)
		return err;
	call->top_level = ctx->top_level != 0;
	call->unsafe_method = ctx->unsafe_method != 0;
	if (ctx->top_url)
		return url_cache_get(&call->top, jar->urls, ctx->top_url);
	return 0;
}



/* Where cookies may live on this URL at all (F1): the bucket host, or NULL. */
const char *cookie_host_of(const cookie_preset *p, const url *u)
{
	if (u->scheme != URL_SCHEME_FILE)
		return u->host;
	return p->file_cookies == FILE_COOKIES_SHARED_HOST ? "" : NULL;
}

cookie *cookie_make(const parsed_cookie *pc, const char *dom, size_t dom_len, const char *path,
			   size_t path_len)
{
	cookie *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	size_t total = pc->name_len + pc->value_len + dom_len + path_len + 4;
	c->strs = malloc(total);
	if (!c->strs) {
		free(c);
		return NULL;
	}
	char *w = c->strs;
	memcpy(w, pc->name, pc->name_len);
	w += pc->name_len;
	*w++ = '\0';
	memcpy(w, pc->value, pc->value_len);
	w += pc->value_len;
	*w++ = '\0';
	memcpy(w, dom, dom_len);
	w += dom_len;
	*w++ = '\0';
	memcpy(w, path, path_len);
	w[path_len] = '\0';
	c->name_len = (uint32_t)pc->name_len;
	c->value_len = (uint32_t)pc->value_len;
	c->domain_len = (uint16_t)dom_len;
	c->path_len = (uint32_t)path_len;
	return c;
}

static bool same_partition(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool cookie_equivalent(const cookie *c, const cookie *n)
{
	/* §5.7 step 23: same name, domain, host-only flag and path (and partition, CHIPS). */
	return c->name_len == n->name_len && c->domain_len == n->domain_len &&
	       c->path_len == n->path_len && c->host_only == n->host_only &&
	       memcmp(c->strs, n->strs, c->name_len) == 0 &&
	       memcmp(cookie_domain(c), cookie_domain(n), c->domain_len) == 0 &&
	       memcmp(cookie_path(c), cookie_path(n), c->path_len) == 0 &&
	       same_partition(c->partition_key, n->partition_key);
}

static void end_session_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	bsim_jar *jar = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n;) {
		if (!b->items[i]->persistent)
			jar_remove_at(jar, b, i, BSIM_COOKIE_SESSION_ENDED, BSIM_REASON_SESSION_END, JAR_NO_ACTOR);
		else
			i++;
	}
}

static void expire_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	bsim_jar *jar = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n;) {
		if (cookie_is_expired(jar, b->items[i]))
			jar_remove_at(jar, b, i, BSIM_COOKIE_EXPIRED, BSIM_REASON_EXPIRED, JAR_NO_ACTOR);
		else
			i++;
	}
}

static void min_expiry_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	bsim_time *min = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++)
		if (b->items[i]->persistent && b->items[i]->expires < *min)
			*min = b->items[i]->expires;
}

void bsim_jar_expire(bsim_jar *jar)
{
	/* Nothing can have expired before the earliest expiry: a wait costs nothing then. */
	if (jar->now < jar->earliest_expiry)
		return;
	strmap_foreach(&jar->buckets, expire_bucket, jar);
	bsim_time min = COOKIE_TIME_MAX;
	strmap_foreach(&jar->buckets, min_expiry_bucket, &min);
	jar->earliest_expiry = min;
}

void bsim_jar_end_session(bsim_jar *jar)
{
	/* §5.7 final paragraph, C1-C2: a session cookie lives until the browser closes. */
	strmap_foreach(&jar->buckets, end_session_bucket, jar);
	process_end(jar);
}

typedef struct collect {
	const bsim_jar *jar;
	cookie **all;
	size_t n;
} collect;

static void collect_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	collect *col = ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++)
		if (!cookie_is_expired(col->jar, b->items[i]))
			col->all[col->n++] = b->items[i];
}

static int by_seq(const void *a, const void *b)
{
	const cookie *x = *(const cookie *const *)a, *y = *(const cookie *const *)b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int bsim_jar_foreach(const bsim_jar *jar, bsim_cookie_visit fn, void *userdata)
{
	collect col = {jar, NULL, 0};
	if (jar->total) {
		col.all = malloc(jar->total * sizeof *col.all);
		if (!col.all)
			return error_oom();
	}
	strmap_foreach(&jar->buckets, collect_bucket, &col);
	if (col.n > 1)
		qsort(col.all, col.n, sizeof *col.all, by_seq);
	int rc = 0;
	for (size_t i = 0; i < col.n && rc == 0; i++) {
		bsim_cookie_view v;
		cookie_view_of(&v, col.all[i]);
		rc = fn(&v, userdata);
	}
	free(col.all);
	return rc;
}

static void clear_bucket(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	bucket *b = value;
	for (uint32_t i = 0; i < b->n; i++)
		cookie_free(b->items[i]);
	b->n = 0;
	bucket_index_drop(b);
}

void bsim_jar_clear(bsim_jar *jar)
{
	strmap_foreach(&jar->buckets, clear_bucket, NULL);
	process_end(jar);
	jar->total = 0;
	jar->earliest_access = INT64_MAX;
	jar->earliest_expiry = COOKIE_TIME_MAX;
}
