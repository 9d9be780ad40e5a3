/*
 * storage_state.c: Playwright's storageState JSON (interchange.h), read and
 * written with jansson.
 *
 *   {"cookies": [{"name", "value", "domain", "path", "expires", "httpOnly",
 *                 "secure", "sameSite"}, ...],
 *    "origins": [{"origin": "https://www.shop.com",
 *                 "localStorage": [{"name", "value"}, ...]}, ...]}
 *
 * Playwright's conventions: expires is Unix seconds, possibly fractional,
 * and -1 for a session cookie; a leading dot on domain is the only sign that
 * a cookie is not host-only; sameSite is always one of Strict, Lax, None, so
 * "unspecified" cannot be written and an export writes what the engine
 * treats it as. The format has no sessionStorage, creation time or Priority.
 * A partitioned cookie carries its top-level site in "partitionKey", as in
 * newer Playwright releases, and Chromium's ancestor chain bit in
 * "_crHasCrossSiteAncestor"; both are written only for partitioned cookies,
 * as Playwright writes them. A leading UTF-8 byte order mark is skipped.
 * Strings are UTF-8: a cookie whose bytes are not (a Set-Cookie may carry
 * any octet but CTLs) is refused by the export, naming it, since JSON has no
 * escape for a raw byte; cookies.txt carries it.
 *
 * Errors name the file and the JSON path of the bad value
 * ("cookies[3].expires: expected a number, got a string"), or the line and
 * column of a syntax error.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interchange/interchange.h"
#include "net/host.h"
#include "net/psl.h"
#include "util/buf.h"
#include "util/utf8.h"

/*
 * The longest string read: a localStorage value may fill an area's 10 MiB
 * quota (Chromium, browser-rules.md W2), counted in UTF-16 code units, so up
 * to about 15 MiB of UTF-8. Cookie strings are bounded far lower by
 * bsim_jar_restore.
 */
#define STORAGE_STATE_MAX_STRING (16 * 1024 * 1024)

/*
 * What Playwright writes for a cookie whose SameSite was never given: the
 * value the engine applies (browser-rules.md §11). Chromium reports no
 * sameSite and Playwright fills in "Lax"; Firefox and WebKit report "None".
 */
static const char *const unspecified_same_site[BSIM_ENGINE_COUNT] = {
	[BSIM_ENGINE_CHROMIUM] = "Lax",
	[BSIM_ENGINE_FIREFOX] = "None",
	[BSIM_ENGINE_SAFARI] = "None",
};

/*
 * Chromium keys a partitioned cookie by its top-level site and by whether a
 * frame above the one that set it is cross-site (the ancestor chain bit of
 * net/cookies/cookie_partition_key.h; Playwright's _crHasCrossSiteAncestor).
 * Playwright passes the member to Chromium only, and a partitioned cookie
 * without it gets true (crBrowser.ts addCookies); Firefox and WebKit have
 * no such bit.
 */
static const bool has_ancestor_bit[BSIM_ENGINE_COUNT] = {
	[BSIM_ENGINE_CHROMIUM] = true,
};

/*
 * bsim's frames are one level deep, so the bit follows from the sites: a
 * cookie is cross-site to its partition exactly when its registrable domain
 * is not the partition's site. A file may hold the other combination:
 * Chromium 156 stores it from addCookies and sends it in no context bsim
 * models (only a frame inside a cross-site frame reads it). bsim keeps such
 * a cookie under its top-level site with one of these marks, which no
 * context's site equals, and writes the bit back on export. Index: the bit.
 */
static const char *const unreachable_mark[2] = {" (no cross-site ancestor)", " (cross-site ancestor)"};

typedef struct parser {
	ic_state *s;
	const char *name;
	bsim_engine engine;
	char path[96];
} parser;

/* Raise an error at the JSON path p->path + "." + member (member may be NULL). */
static int bad(const parser *p, const char *member, const char *fmt, ...) BSIM_PRINTF(3, 4);

static int bad(const parser *p, const char *member, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ic_path_verror(BSIM_EINVAL, p->name, p->path, member, fmt, ap);
	va_end(ap);
	return rc;
}

/* A string member: required or optional (*out NULL when absent). *out allocated. */
static int get_string(const parser *p, json_t *obj, const char *member, int required, char **out)
{
	*out = NULL;
	json_t *v = json_object_get(obj, member);
	if (!v) {
		if (required)
			return bad(p, member, "missing (a storageState %s has one)",
				   strncmp(p->path, "cookies", 7) == 0 ? "cookie" : "item");
		return 0;
	}
	if (!json_is_string(v))
		return bad(p, member, "expected a string, got %s", ic_json_kind(v));
	if (json_string_length(v) > STORAGE_STATE_MAX_STRING)
		return bad(p, member, "%zu bytes, longer than the %d bytes bsim reads", json_string_length(v),
			   STORAGE_STATE_MAX_STRING);
	return (*out = strdup(json_string_value(v))) ? 0 : error_oom();
}

static int get_bool(const parser *p, json_t *obj, const char *member, int *out)
{
	*out = 0;
	json_t *v = json_object_get(obj, member);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return bad(p, member, "expected true or false, got %s", ic_json_kind(v));
	*out = json_is_true(v);
	return 0;
}

/* expires: -1 for a session cookie, else Unix seconds (fractional allowed) into milliseconds. */
static int get_expires(const parser *p, json_t *obj, ic_cookie *c)
{
	json_t *v = json_object_get(obj, "expires");
	c->persistent = 0;
	if (!v)
		return 0;
	if (!json_is_number(v))
		return bad(p, "expires", "expected a number, got %s", ic_json_kind(v));
	double d = json_number_value(v);
	if (json_is_integer(v) ? json_integer_value(v) == -1 : d == -1.0)
		return 0;
	/* Playwright's rewriteCookies takes -1 or 0 up to the same latest second. */
	if (!(d >= 0.0) || d > (double)INTERCHANGE_EXPIRES_MAX_S) {
		char shown[48];
		ic_number_text(shown, sizeof shown, v);
		return bad(p, "expires", "%s is neither -1 (a session cookie) nor Unix seconds from 0 to %lld", shown,
			   (long long)INTERCHANGE_EXPIRES_MAX_S);
	}
	c->persistent = 1;
	/* To the nearest millisecond (d >= 0 here, so adding a half rounds). */
	c->expires = json_is_integer(v) ? (bsim_time)json_integer_value(v) * 1000 : (bsim_time)(d * 1000.0 + 0.5);
	return 0;
}

/* Whether a cookie on `domain` is cross-site to the top-level site `key` ("https://shop.com", or
 * "shop.com" in a schemeless engine). */
static bool cross_site_to(const char *domain, const char *key)
{
	const char *sep = strstr(key, "://");
	const char *key_site = sep ? sep + 3 : key;
	char reg[HOST_NAME_MAX_LEN + 2];
	return strcmp(psl_registrable_domain(domain, reg, sizeof reg) ? reg : domain, key_site) != 0;
}

/* The partition a cookie read from a file lands in: its partitionKey, marked when the bit makes it unreachable. */
static int resolve_partition(const parser *p, ic_cookie *c)
{
	/* A site has no blank; one would also pass for an unreachable mark. */
	if (c->partition_key && strpbrk(c->partition_key, " \t")) {
		char quoted[96];
		host_quote(quoted, sizeof quoted, c->partition_key, strlen(c->partition_key));
		return bad(p, "partitionKey", "\"%s\" is not a top-level site (such as https://shop.com)", quoted);
	}
	if (!c->partition_key || !has_ancestor_bit[p->engine])
		return 0;
	int bit = c->cross_site_ancestor < 0 ? 1 : c->cross_site_ancestor;
	if (bit == cross_site_to(c->domain, c->partition_key))
		return 0;
	buf k = BUF_INIT;
	buf_puts(&k, c->partition_key);
	buf_puts(&k, unreachable_mark[bit]);
	char *marked = buf_detach(&k);
	if (!marked)
		return error_oom();
	free(c->partition_key);
	c->partition_key = marked;
	return 0;
}

static int parse_cookie(parser *p, json_t *obj, size_t index)
{
	snprintf(p->path, sizeof p->path, "cookies[%zu]", index);
	if (!json_is_object(obj))
		return bad(p, NULL, "expected a cookie object, got %s", ic_json_kind(obj));
	ic_cookie *c = ic_state_add_cookie(p->s, p->name);
	if (!c)
		return bsim_error_last()->code;
	snprintf(c->where, sizeof c->where, "%s", p->path);
	int rc;
	char *domain = NULL, *same_site = NULL;
	if ((rc = get_string(p, obj, "name", 1, &c->name)) < 0 || (rc = get_string(p, obj, "value", 1, &c->value)) < 0 ||
	    (rc = get_string(p, obj, "domain", 1, &domain)) < 0 || (rc = get_string(p, obj, "path", 1, &c->path)) < 0 ||
	    (rc = get_expires(p, obj, c)) < 0 || (rc = get_bool(p, obj, "httpOnly", &c->http_only)) < 0 ||
	    (rc = get_bool(p, obj, "secure", &c->secure)) < 0 ||
	    (rc = get_string(p, obj, "sameSite", 0, &same_site)) < 0 ||
	    (rc = get_string(p, obj, "partitionKey", 0, &c->partition_key)) < 0 ||
	    (rc = get_bool(p, obj, "_crHasCrossSiteAncestor", &c->cross_site_ancestor)) < 0)
		goto out;
	if (!json_object_get(obj, "_crHasCrossSiteAncestor"))
		c->cross_site_ancestor = -1;
	/* The leading dot is the only host-only signal the format has. */
	c->host_only = domain[0] != '.';
	if (!(c->domain = strdup(domain + !c->host_only))) {
		rc = error_oom();
		goto out;
	}
	if ((rc = resolve_partition(p, c)) < 0)
		goto out;
	if (!same_site)
		c->same_site = BSIM_SAMESITE_UNSPECIFIED;
	else if (strcmp(same_site, "Strict") == 0)
		c->same_site = BSIM_SAMESITE_STRICT;
	else if (strcmp(same_site, "Lax") == 0)
		c->same_site = BSIM_SAMESITE_LAX;
	else if (strcmp(same_site, "None") == 0)
		c->same_site = BSIM_SAMESITE_NONE;
	else
		rc = bad(p, "sameSite", "\"%.40s\" is not Strict, Lax or None", same_site);
out:
	free(domain);
	free(same_site);
	return rc;
}

static int parse_origin(parser *p, json_t *obj, size_t index)
{
	snprintf(p->path, sizeof p->path, "origins[%zu]", index);
	if (!json_is_object(obj))
		return bad(p, NULL, "expected an origin object, got %s", ic_json_kind(obj));
	char *text = NULL, *origin = NULL;
	int rc = get_string(p, obj, "origin", 1, &text);
	if (rc < 0)
		return rc;
	rc = ic_origin_to_bsim(&origin, text);
	free(text);
	if (rc < 0)
		return rc == BSIM_ENOMEM ? rc : bad(p, "origin", "%s", bsim_error_last()->message);
	json_t *list = json_object_get(obj, "localStorage");
	if (list && !json_is_array(list)) {
		rc = bad(p, "localStorage", "expected an array, got %s", ic_json_kind(list));
		goto out;
	}
	size_t i;
	json_t *entry;
	json_array_foreach(list, i, entry) {
		snprintf(p->path, sizeof p->path, "origins[%zu].localStorage[%zu]", index, i);
		if (!json_is_object(entry)) {
			rc = bad(p, NULL, "expected a {name, value} object, got %s", ic_json_kind(entry));
			goto out;
		}
		ic_item *it = ic_state_add_item(p->s, p->name);
		if (!it) {
			rc = bsim_error_last()->code;
			goto out;
		}
		snprintf(it->where, sizeof it->where, "%s", p->path);
		if (!(it->origin = strdup(origin))) {
			rc = error_oom();
			goto out;
		}
		if ((rc = get_string(p, entry, "name", 1, &it->key)) < 0 ||
		    (rc = get_string(p, entry, "value", 1, &it->value)) < 0)
			goto out;
	}
out:
	free(origin);
	return rc;
}

/* Items sorted by origin and key, the file order breaking ties, to find repeats. */
static int by_origin_key(const void *a, const void *b)
{
	const ic_item *x = *(const ic_item *const *)a, *y = *(const ic_item *const *)b;
	int c = strcmp(x->origin, y->origin);
	if (!c)
		c = strcmp(x->key, y->key);
	return c ? c : (x < y ? -1 : x > y);
}

typedef struct origin_at {
	char *origin; /* in bsim's form */
	size_t index;
} origin_at;

static int by_origin_then_index(const void *a, const void *b)
{
	const origin_at *x = a, *y = b;
	int c = strcmp(x->origin, y->origin);
	return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* One origin listed twice, or one key twice under an origin: no browser's state looks like that. */
static int check_repeats(const parser *p, json_t *origins)
{
	ic_state *s = p->s;
	int rc = 0;
	size_t n = json_array_size(origins);
	if (n > 1) {
		origin_at *all = calloc(n, sizeof *all);
		if (!all)
			return error_oom();
		for (size_t i = 0; i < n && rc == 0; i++) {
			all[i].index = i;
			/* Every entry parsed already, so the conversion cannot fail but for memory. */
			rc = ic_origin_to_bsim(&all[i].origin,
					       json_string_value(json_object_get(json_array_get(origins, i), "origin")));
		}
		if (rc == 0) {
			qsort(all, n, sizeof *all, by_origin_then_index);
			for (size_t i = 1; i < n && rc == 0; i++)
				if (strcmp(all[i].origin, all[i - 1].origin) == 0)
					rc = ic_error(BSIM_EINVAL, p->name, 0, 0, NULL,
						      "origins[%zu].origin: %s is listed twice (also origins[%zu])",
						      all[i].index, all[i].origin, all[i - 1].index);
		}
		for (size_t i = 0; i < n; i++)
			free(all[i].origin);
		free(all);
		if (rc < 0)
			return rc;
	}
	if (s->n_items < 2)
		return 0;
	const ic_item **sorted = malloc(s->n_items * sizeof *sorted);
	if (!sorted)
		return error_oom();
	for (size_t i = 0; i < s->n_items; i++)
		sorted[i] = &s->items[i];
	qsort(sorted, s->n_items, sizeof *sorted, by_origin_key);
	for (size_t i = 1; i < s->n_items && rc == 0; i++)
		if (strcmp(sorted[i]->origin, sorted[i - 1]->origin) == 0 && strcmp(sorted[i]->key, sorted[i - 1]->key) == 0)
			rc = ic_error(BSIM_EINVAL, p->name, 0, 0, NULL, "%s.name: \"%.80s\" appears twice (also %s)",
				      sorted[i]->where, sorted[i]->key, sorted[i - 1]->where);
	free(sorted);
	return rc;
}

int storage_state_parse(ic_state *s, const char *name, const char *data, size_t len, bsim_engine engine)
{
	json_error_t err;
	/* A UTF-8 byte order mark some editors add, as scenarios and cookies.txt allow. */
	ic_skip_bom(&data, &len);
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		/* jansson names its own flag for a NUL; say what it means instead. */
		const char *text = strstr(err.text, "\\u0000") ? "a string holds \\u0000 (NUL), which no cookie or storage item holds"
							    : err.text;
		return ic_error(BSIM_EINVAL, name, err.line > 0 ? err.line : 1, err.column > 0 ? err.column : 0, NULL,
				"%s", text);
	}
	parser p = {s, name, (unsigned)engine < BSIM_ENGINE_COUNT ? engine : BSIM_ENGINE_CHROMIUM, ""};
	int rc = 0;
	json_t *cookies = NULL, *origins = NULL;
	if (!json_is_object(root)) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, NULL,
			      "expected a storageState object {\"cookies\": [...], \"origins\": [...]}, got %s",
			      ic_json_kind(root));
		goto out;
	}
	cookies = json_object_get(root, "cookies");
	origins = json_object_get(root, "origins");
	if (!cookies && !origins) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, NULL,
			      "not a Playwright storageState: it has neither \"cookies\" nor \"origins\"");
		goto out;
	}
	if (cookies && !json_is_array(cookies)) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, "cookies", "expected an array, got %s", ic_json_kind(cookies));
		goto out;
	}
	if (origins && !json_is_array(origins)) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, "origins", "expected an array, got %s", ic_json_kind(origins));
		goto out;
	}
	size_t i;
	json_t *v;
	json_array_foreach(cookies, i, v) {
		if ((rc = parse_cookie(&p, v, i)) < 0)
			goto out;
	}
	json_array_foreach(origins, i, v) {
		if ((rc = parse_origin(&p, v, i)) < 0)
			goto out;
	}
	rc = check_repeats(&p, origins);
out:
	json_decref(root);
	return rc;
}

/* ---- writing ---- */

typedef struct renderer {
	json_t *cookies;
	json_t *origins;
	json_t *current;     /* the localStorage array of the origin being written */
	char *current_origin;/* in bsim's form */
	const char *unspecified;
	int rc;
} renderer;

/* json_*_set_new with every failure folded into r->rc. */
static void put(renderer *r, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		r->rc = error_oom();
}

/*
 * JSON strings are text: a field whose bytes are not UTF-8 has no JSON
 * form (a \u escape names a character, not a byte). Refuse it, naming the
 * field and the cookie (or item), rather than write something else.
 */
static int not_utf8(const char *what, const char *text, const char *owner_kind, const char *owner,
		    const char *where)
{
	size_t n = strlen(text), at = utf8_invalid_at(text, n);
	if (at == n)
		return 0;
	char quoted[120], place[120];
	host_quote(quoted, sizeof quoted, owner, strlen(owner));
	host_quote(place, sizeof place, where, strlen(where));
	return error_set(BSIM_EINVAL,
			 "%s \"%s\" on %s: its %s holds byte 0x%02X (at byte %zu), which is not UTF-8 and which "
			 "storageState (JSON text) cannot carry; export to a .txt file (cookies.txt) instead, "
			 "or change that %s",
			 owner_kind, quoted, place, what, (unsigned char)text[at], at + 1, what);
}

/* partitionKey and _crHasCrossSiteAncestor, in the order Playwright writes them. */
static void render_partition(renderer *r, json_t *o, const bsim_cookie_view *c)
{
	size_t n = strlen(c->partition_key);
	for (int bit = 0; bit < 2; bit++) {
		size_t m = strlen(unreachable_mark[bit]);
		if (n > m && strcmp(c->partition_key + n - m, unreachable_mark[bit]) == 0) {
			put(r, o, "partitionKey", json_stringn(c->partition_key, n - m));
			put(r, o, "_crHasCrossSiteAncestor", json_boolean(bit));
			return;
		}
	}
	put(r, o, "partitionKey", json_string(c->partition_key));
	put(r, o, "_crHasCrossSiteAncestor", json_boolean(cross_site_to(c->domain, c->partition_key)));
}

static int render_cookie(const bsim_cookie_view *c, void *ud)
{
	renderer *r = ud;
	int bad_text;
	if ((bad_text = not_utf8("name", c->name, "cookie", c->name, c->domain)) < 0 ||
	    (bad_text = not_utf8("value", c->value, "cookie", c->name, c->domain)) < 0 ||
	    (bad_text = not_utf8("path", c->path, "cookie", c->name, c->domain)) < 0) {
		r->rc = bad_text;
		return 1;
	}
	json_t *o = json_object();
	if (!o || json_array_append_new(r->cookies, o) != 0) {
		r->rc = error_oom();
		return 1;
	}
	put(r, o, "name", json_string(c->name));
	put(r, o, "value", json_string(c->value));
	buf d = BUF_INIT;
	if (!c->host_only)
		buf_putc(&d, '.');
	buf_puts(&d, c->domain);
	put(r, o, "domain", buf_status(&d) == 0 ? json_string(buf_cstr(&d)) : NULL);
	buf_free(&d);
	put(r, o, "path", json_string(c->path));
	/* -1 through json_integer: jansson would print a real as -1.0. */
	bsim_time expires = ic_expires_clamp(c->expires);
	if (!c->persistent)
		put(r, o, "expires", json_integer(-1));
	else if (expires % 1000 == 0)
		put(r, o, "expires", json_integer(expires / 1000));
	else
		put(r, o, "expires", json_real((double)expires / 1000.0));
	put(r, o, "httpOnly", json_boolean(c->http_only));
	put(r, o, "secure", json_boolean(c->secure));
	const char *ss = c->same_site == BSIM_SAMESITE_STRICT ? "Strict"
			 : c->same_site == BSIM_SAMESITE_LAX  ? "Lax"
			 : c->same_site == BSIM_SAMESITE_NONE ? "None"
							      : r->unspecified;
	put(r, o, "sameSite", json_string(ss));
	if (c->partition_key)
		render_partition(r, o, c);
	return r->rc < 0;
}

static int render_item(const char *origin, const char *key, const char *value, void *ud)
{
	renderer *r = ud;
	int bad_text;
	if ((bad_text = not_utf8("key", key, "localStorage item", key, origin)) < 0 ||
	    (bad_text = not_utf8("value", value, "localStorage item", key, origin)) < 0) {
		r->rc = bad_text;
		return 1;
	}
	if (!r->current_origin || strcmp(r->current_origin, origin) != 0) {
		free(r->current_origin);
		if (!(r->current_origin = strdup(origin))) {
			r->rc = error_oom();
			return 1;
		}
		char *shown = NULL;
		if (ic_origin_from_bsim(&shown, origin) < 0) {
			r->rc = BSIM_ENOMEM;
			return 1;
		}
		json_t *o = json_object();
		r->current = json_array();
		if (!o || json_array_append_new(r->origins, o) != 0) {
			json_decref(r->current);
			r->current = NULL;
			free(shown);
			r->rc = error_oom();
			return 1;
		}
		put(r, o, "origin", json_string(shown));
		free(shown);
		put(r, o, "localStorage", r->current);
		if (r->rc < 0)
			return 1;
	}
	json_t *item = json_object();
	if (!item || json_array_append_new(r->current, item) != 0) {
		r->rc = error_oom();
		return 1;
	}
	put(r, item, "name", json_string(key));
	put(r, item, "value", json_string(value));
	return r->rc < 0;
}

int storage_state_render(char **out, size_t *len, bsim_browser *b)
{
	*out = NULL;
	*len = 0;
	renderer r = {json_array(), json_array(), NULL, NULL, NULL, 0};
	bsim_engine e = bsim_browser_engine(b);
	r.unspecified = (unsigned)e < BSIM_ENGINE_COUNT ? unspecified_same_site[e] : "Lax";
	json_t *root = json_object();
	int rc = 0;
	if (!root || !r.cookies || !r.origins) {
		json_decref(r.cookies);
		json_decref(r.origins);
		rc = error_oom();
		goto out;
	}
	/* Key order as Playwright writes it: cookies, then origins. */
	put(&r, root, "cookies", r.cookies);
	put(&r, root, "origins", r.origins);
	if (r.rc < 0) {
		rc = r.rc;
		goto out;
	}
	rc = bsim_jar_foreach(bsim_browser_jar(b), render_cookie, &r);
	if (r.rc < 0 || rc < 0) {
		rc = r.rc < 0 ? r.rc : rc;
		goto out;
	}
	rc = bsim_browser_local_foreach(b, render_item, &r);
	if (r.rc < 0 || rc < 0) {
		rc = r.rc < 0 ? r.rc : rc;
		goto out;
	}
	/*
	 * As Playwright's JSON.stringify(state, undefined, 2): two-space
	 * indent, no trailing newline. Fractional expiries keep milliseconds
	 * (15 significant digits cover seconds up to year 9999 and three decimals).
	 */
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	if (!text) {
		rc = error_oom();
		goto out;
	}
	*out = text;
	*len = strlen(text);
out:
	free(r.current_origin);
	json_decref(root);
	return rc;
}
