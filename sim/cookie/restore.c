/*
 * restore.c: putting saved cookies back (a profile load, an import), with
 * only the invariants every stored cookie keeps, and, for an import, the
 * engine's limits. A large restore into one site keeps an index of the
 * bucket (BUCKET_INDEX_MIN) so that finding each cookie's equivalent is not
 * a scan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cookie/jar_internal.h"
#include "net/psl.h"
#include "util/error.h"

/* §5.6 step 1: the CTLs that void a cookie are all but HTAB, which Firefox stores inside a value (P1). */
static bool has_ctl(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7F)
			return true;
	return false;
}

/* The equivalence key of c (§5.7 step 23's fields), into jar->scratch. */
static int equivalence_key(bsim_jar *jar, const cookie *c)
{
	buf_clear(&jar->scratch);
	buf_put(&jar->scratch, c->strs, c->name_len + 1);
	buf_put(&jar->scratch, cookie_domain(c), c->domain_len + 1);
	buf_put(&jar->scratch, cookie_path(c), c->path_len + 1);
	buf_putc(&jar->scratch, c->host_only ? '1' : '0');
	if (c->partition_key)
		buf_puts(&jar->scratch, c->partition_key);
	return buf_status(&jar->scratch) < 0 ? error_oom() : 0;
}

/*
 * Where in b the cookie equivalent to c is (UINT32_MAX: none), leaving c's
 * equivalence key in jar->scratch when b is indexed. Small buckets are
 * scanned; from BUCKET_INDEX_MIN cookies on, the index answers.
 */
static int restore_find(bsim_jar *jar, bucket *b, const cookie *c, uint32_t *at)
{
	*at = UINT32_MAX;
	if (b->n < BUCKET_INDEX_MIN && !b->index) {
		for (uint32_t i = 0; i < b->n; i++)
			if (cookie_equivalent(b->items[i], c)) {
				*at = i;
				break;
			}
		return 0;
	}
	if (!b->index) {
		if (!(b->index = calloc(1, sizeof *b->index)))
			return error_oom();
		for (uint32_t i = 0; i < b->n; i++) {
			if (equivalence_key(jar, b->items[i]) < 0 ||
			    strmap_put(b->index, buf_cstr(&jar->scratch), jar->scratch.len, (void *)(uintptr_t)(i + 1)) < 0) {
				bucket_index_drop(b);
				return error_oom();
			}
		}
	}
	if (equivalence_key(jar, c) < 0)
		return BSIM_ENOMEM;
	uintptr_t pos = (uintptr_t)strmap_get(b->index, buf_cstr(&jar->scratch), jar->scratch.len);
	if (pos)
		*at = (uint32_t)(pos - 1);
	return 0;
}

/* limits: run the engine's per-site and global caps on a new cookie, as a Playwright import into the browser does. */
static int restore(bsim_jar *jar, const bsim_cookie_view *v, bool limits)
{
	if (!v || !v->name || !v->value || !v->domain || !v->path)
		return error_set(BSIM_EINVAL, "cookie to restore lacks a name, value, domain or path");
	size_t nl = strlen(v->name), vl = strlen(v->value), dl = strlen(v->domain), pl = strlen(v->path);
	const char *label = nl ? v->name : "(nameless)";
	/* The invariants the storage model guarantees (§5.7 steps 2-4). */
	if (nl + vl > COOKIE_MAX_NAME_VALUE)
		return error_set(BSIM_EINVAL, "cookie %.80s: name and value are %zu bytes, over the limit of %d",
				 label, nl + vl, COOKIE_MAX_NAME_VALUE);
	if (nl + vl == 0)
		return error_set(BSIM_EINVAL, "cookie has neither a name nor a value");
	if (has_ctl(v->name) || has_ctl(v->value) || has_ctl(v->path))
		return error_set(BSIM_EINVAL, "cookie %.80s contains a control character", label);
	if (pl == 0 || v->path[0] != '/')
		return error_set(BSIM_EINVAL, "cookie %.80s: path \"%.80s\" does not start with '/'", label, v->path);
	/* The view's domain is canonical, without the leading dot a Domain attribute or a file may carry. */
	if (v->domain[0] == '.')
		return error_set(BSIM_EINVAL, "cookie %.80s: domain \"%.80s\" starts with a dot: write the host name alone",
				 label, v->domain);
	if (dl > HOST_NAME_MAX_LEN + 2)
		return error_set(BSIM_EINVAL, "cookie %.80s: domain is longer than a host name can be", label);
	char *canon = NULL;
	if (dl) {
		int rc = host_canonicalize(&canon, v->domain, dl);
		if (rc < 0)
			return error_wrap(BSIM_EINVAL, "cookie %.80s: domain \"%.80s\" is not a host name", label,
					  v->domain);
		if (strcmp(canon, v->domain) != 0) {
			error_set(BSIM_EINVAL, "cookie %.80s: domain \"%.80s\" is not canonical (expected \"%s\")", label,
				  v->domain, canon);
			free(canon);
			return BSIM_EINVAL;
		}
	}
	parsed_cookie pc;
	memset(&pc, 0, sizeof pc);
	pc.name = v->name;
	pc.name_len = nl;
	pc.value = v->value;
	pc.value_len = vl;
	cookie *c = cookie_make(&pc, v->domain, dl, v->path, pl);
	if (!c) {
		free(canon);
		return error_oom();
	}
	c->host_only = v->host_only != 0;
	c->secure = v->secure != 0;
	c->http_only = v->http_only != 0;
	c->persistent = v->persistent != 0;
	c->same_site = v->same_site & 3;
	c->priority = v->priority > BSIM_PRIORITY_HIGH ? BSIM_PRIORITY_MEDIUM : v->priority;
	c->expires = v->persistent ? v->expires : COOKIE_TIME_MAX;
	c->creation = v->creation;
	c->last_access = limits && jar->preset->import_unaccessed ? COOKIE_NEVER_ACCESSED : v->last_access;
	if (v->partition_key && !(c->partition_key = strdup(v->partition_key))) {
		cookie_free(c);
		free(canon);
		return error_oom();
	}
	/* The bucket is the registrable domain of the cookie's domain, as in storage. */
	char key[HOST_NAME_MAX_LEN + 8];
	const char *k = v->domain;
	if (dl && psl_registrable_domain(v->domain, key, sizeof key))
		k = key;
	free(canon);
	bucket *b = bucket_for(jar, k, strlen(k), true);
	if (!b) {
		cookie_free(c);
		return error_oom();
	}
	if (c->persistent && c->expires < jar->earliest_expiry)
		jar->earliest_expiry = c->expires;
	uint32_t at = UINT32_MAX;
	int rc = restore_find(jar, b, c, &at);
	if (rc < 0) {
		cookie_free(c);
		return rc;
	}
	c->seq = c->script_seq = jar->next_seq++;
	if (at != UINT32_MAX) {
		cookie_free(b->items[at]);
		b->items[at] = c;
		return 0;
	}
	if (limits && !evict_before_add(jar, b, c, JAR_NO_ACTOR)) {
		cookie_free(c); /* Firefox: a non-secure newcomer to a full site with nothing non-secure to push out */
		return 0;
	}
	if (bucket_push(b, c) < 0) {
		cookie_free(c);
		return BSIM_ENOMEM;
	}
	if (b->index && strmap_put(b->index, buf_cstr(&jar->scratch), jar->scratch.len,
				   (void *)(uintptr_t)b->n) < 0)
		bucket_index_drop(b); /* only slower: the next restore scans or rebuilds */
	jar->total++;
	if (c->last_access < jar->earliest_access)
		jar->earliest_access = c->last_access;
	if (limits)
		evict_after_add(jar, b, JAR_NO_ACTOR); /* a removal drops the bucket's index itself */
	return 0;
}

int bsim_jar_restore(bsim_jar *jar, const bsim_cookie_view *v)
{
	return restore(jar, v, false);
}

int bsim_jar_import(bsim_jar *jar, const bsim_cookie_view *v)
{
	return restore(jar, v, true);
}
