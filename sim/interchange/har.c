/*
 * har.c: reading a HAR 1.2 capture (har.h) with jansson, as Chrome
 * (DevTools, models/har/Log.ts), Firefox (netmonitor HAR exporter) and
 * Safari (Web Inspector) export it, into entries sorted by startedDateTime
 * with the top-level navigations marked; and the facts the import asks of
 * a capture: which engine wrote it, and whether it was sanitized.
 *
 * Only the members the import uses are read and checked; everything else
 * (timings, bodies, cache, exporter extensions other than _resourceType and
 * _initiator) is ignored whatever it holds, since exporters disagree on it.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "interchange/har.h"
#include "interchange/interchange.h"
#include "util/timefmt.h"

typedef struct reader {
	const char *name;
	char path[128]; /* the JSON path of the object being read */
} reader;

/* Raise BSIM_EINVAL (or code) at r->path + "." + member (member may be NULL). */
static int bad_code(const reader *r, int code, const char *member, const char *fmt, ...) BSIM_PRINTF(4, 5);

static int bad_code(const reader *r, int code, const char *member, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = ic_path_verror(code, r->name, r->path, member, fmt, ap);
	va_end(ap);
	return rc;
}

#define bad(r, member, ...) bad_code((r), BSIM_EINVAL, (member), __VA_ARGS__)

/* A string member into *out (allocated; NULL when absent and not required). */
static int get_string(const reader *r, json_t *obj, const char *member, int required, size_t max, char **out)
{
	*out = NULL;
	json_t *v = json_object_get(obj, member);
	if (!v || json_is_null(v)) {
		if (required)
			return bad(r, member, "missing (every browser's HAR export has it; was the file edited?)");
		return 0;
	}
	if (!json_is_string(v))
		return bad(r, member, "expected a string, got %s", ic_json_kind(v));
	if (json_string_length(v) > max)
		return bad_code(r, BSIM_ELIMIT, member, "%zu bytes, longer than the %zu bsim reads", json_string_length(v),
				max);
	return (*out = strndup(json_string_value(v), json_string_length(v))) ? 0 : error_oom();
}

/* An array member (NULL when absent and not required). */
static int get_array(const reader *r, json_t *obj, const char *member, int required, size_t max, const char *max_name,
		     json_t **out)
{
	*out = NULL;
	json_t *v = json_object_get(obj, member);
	if (!v) {
		if (required)
			return bad(r, member, "missing (every browser's HAR export has it; was the file edited?)");
		return 0;
	}
	if (!json_is_array(v))
		return bad(r, member, "expected an array, got %s", ic_json_kind(v));
	if (json_array_size(v) > max)
		return bad_code(r, BSIM_ELIMIT, member,
				"%zu items, more than the %zu bsim reads (%s); record a shorter capture, or split it",
				json_array_size(v), max, max_name);
	*out = v;
	return 0;
}

static int get_object(const reader *r, json_t *obj, const char *member, int required, json_t **out)
{
	*out = NULL;
	json_t *v = json_object_get(obj, member);
	if (!v) {
		if (required)
			return bad(r, member, "missing (every browser's HAR export has it; was the file edited?)");
		return 0;
	}
	if (!json_is_object(v))
		return bad(r, member, "expected an object, got %s", ic_json_kind(v));
	*out = v;
	return 0;
}

static int get_bool(const reader *r, json_t *obj, const char *member, int *out)
{
	*out = -1;
	json_t *v = json_object_get(obj, member);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return bad(r, member, "expected true or false, got %s", ic_json_kind(v));
	*out = json_is_true(v);
	return 0;
}

static int get_time(const reader *r, json_t *obj, const char *member, int64_t *out)
{
	char *text = NULL;
	int rc = get_string(r, obj, member, 1, HAR_MAX_STRING_BYTES, &text);
	if (rc < 0)
		return rc;
	if (!time_parse_iso8601(text, out))
		rc = bad(r, member, "\"%.60s\" is not an ISO 8601 date-time with a zone (such as 2024-05-01T10:00:00.123Z)",
			 text);
	/* The scenario starts its clock at the first navigation (now=), which takes instants up to year 9999. */
	else if (!time_parse_instant(text, out))
		rc = bad(r, member, "\"%.60s\" is past 9999-12-31T23:59:59.999Z, the latest instant a scenario's clock takes",
			 text);
	free(text);
	return rc;
}

/* A member that is a path below the current one: push, read, pop. */
#define WITH_PATH(r, saved, fmt, ...)                                                                \
	do {                                                                                         \
		snprintf((saved), sizeof(saved), "%s", (r)->path);                                   \
		size_t l_ = strlen((r)->path);                                                       \
		snprintf((r)->path + l_, sizeof (r)->path - l_, fmt, __VA_ARGS__);                  \
	} while (0)

static int read_headers(reader *r, json_t *obj, har_header **out, size_t *n)
{
	json_t *list;
	int rc = get_array(r, obj, "headers", 1, HAR_MAX_HEADERS, "HAR_MAX_HEADERS", &list);
	if (rc < 0)
		return rc;
	size_t count = json_array_size(list);
	if (!count)
		return 0;
	if (!(*out = calloc(count, sizeof **out)))
		return error_oom();
	char saved[sizeof r->path];
	for (size_t i = 0; i < count; i++) {
		WITH_PATH(r, saved, ".headers[%zu]", i);
		json_t *h = json_array_get(list, i);
		har_header *hd = &(*out)[*n];
		if (!json_is_object(h))
			rc = bad(r, NULL, "expected a {\"name\", \"value\"} object, got %s", ic_json_kind(h));
		else if ((rc = get_string(r, h, "name", 1, HAR_MAX_HEADER_BYTES, &hd->name)) >= 0 &&
			 (rc = get_string(r, h, "value", 1, HAR_MAX_HEADER_BYTES, &hd->value)) >= 0) {
			(*n)++;
			if (strlen(hd->name) + strlen(hd->value) > HAR_MAX_HEADER_BYTES)
				rc = bad_code(r, BSIM_ELIMIT, NULL, "name and value together exceed the %d bytes bsim reads",
					      HAR_MAX_HEADER_BYTES);
		} else {
			free(hd->name);
			hd->name = NULL;
		}
		snprintf(r->path, sizeof r->path, "%s", saved);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int read_cookies(reader *r, json_t *obj, har_cookie **out, size_t *n)
{
	json_t *list;
	/* Safari leaves cookies out where there are none; Chrome and Firefox write []. */
	int rc = get_array(r, obj, "cookies", 0, HAR_MAX_COOKIES, "HAR_MAX_COOKIES", &list);
	if (rc < 0 || !list || !json_array_size(list))
		return rc;
	size_t count = json_array_size(list);
	if (!(*out = calloc(count, sizeof **out)))
		return error_oom();
	char saved[sizeof r->path];
	for (size_t i = 0; i < count; i++) {
		WITH_PATH(r, saved, ".cookies[%zu]", i);
		json_t *c = json_array_get(list, i);
		har_cookie *k = &(*out)[(*n)++];
		k->secure = k->http_only = -1;
		if (!json_is_object(c))
			rc = bad(r, NULL, "expected a cookie object, got %s", ic_json_kind(c));
		else if ((rc = get_string(r, c, "name", 1, HAR_MAX_HEADER_BYTES, &k->name)) >= 0 &&
			 (rc = get_string(r, c, "value", 1, HAR_MAX_HEADER_BYTES, &k->value)) >= 0 &&
			 (rc = get_string(r, c, "domain", 0, HAR_MAX_STRING_BYTES, &k->domain)) >= 0 &&
			 (rc = get_string(r, c, "path", 0, HAR_MAX_STRING_BYTES, &k->path)) >= 0 &&
			 (rc = get_string(r, c, "sameSite", 0, HAR_MAX_STRING_BYTES, &k->same_site)) >= 0 &&
			 (rc = get_bool(r, c, "secure", &k->secure)) >= 0 &&
			 (rc = get_bool(r, c, "httpOnly", &k->http_only)) >= 0) {
			/* Optional and loosely written by exporters: a string or nothing. */
			json_t *x = json_object_get(c, "expires");
			if (json_is_string(x) && json_string_length(x) <= HAR_MAX_STRING_BYTES &&
			    !(k->expires = strdup(json_string_value(x))))
				rc = error_oom();
		}
		snprintf(r->path, sizeof r->path, "%s", saved);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int read_entry(reader *r, json_t *e, har_entry *out)
{
	if (!json_is_object(e))
		return bad(r, NULL, "expected an entry object, got %s", ic_json_kind(e));
	json_t *req, *resp, *content = NULL, *init = NULL;
	int rc;
	if ((rc = get_string(r, e, "pageref", 0, HAR_MAX_STRING_BYTES, &out->pageref)) < 0 ||
	    (rc = get_time(r, e, "startedDateTime", &out->started_ms)) < 0 ||
	    (rc = get_string(r, e, "_resourceType", 0, HAR_MAX_STRING_BYTES, &out->resource_type)) < 0 ||
	    (rc = get_object(r, e, "request", 1, &req)) < 0 || (rc = get_object(r, e, "response", 1, &resp)) < 0)
		return rc;
	/* Chrome marks an entry served from its memory or disk cache with _fromCache ("memory", "disk"). */
	json_t *fc = json_object_get(e, "_fromCache");
	out->from_cache = fc && !json_is_null(fc) && !json_is_false(fc);
	/* Chrome's _initiator is an object whose type is "parser", "script", "other" ...; only the type is kept. */
	json_t *iv = json_object_get(e, "_initiator");
	if (iv && json_is_object(iv))
		init = iv;
	if (init) {
		char saved[sizeof r->path];
		WITH_PATH(r, saved, "%s", "._initiator");
		rc = get_string(r, init, "type", 0, HAR_MAX_STRING_BYTES, &out->initiator_type);
		snprintf(r->path, sizeof r->path, "%s", saved);
		if (rc < 0)
			return rc;
	}

	char saved[sizeof r->path];
	WITH_PATH(r, saved, "%s", ".request");
	if ((rc = get_string(r, req, "method", 1, HAR_MAX_STRING_BYTES, &out->method)) >= 0 &&
	    (rc = get_string(r, req, "url", 1, HAR_MAX_URL_BYTES, &out->url)) >= 0 &&
	    (rc = read_headers(r, req, &out->req_headers, &out->n_req_headers)) >= 0)
		rc = read_cookies(r, req, &out->req_cookies, &out->n_req_cookies);
	snprintf(r->path, sizeof r->path, "%s", saved);
	if (rc < 0)
		return rc;
	/* headersSize is only evidence (har_sanitized_how): anything but a whole number reads as unknown. */
	json_t *hs = json_object_get(req, "headersSize");
	out->req_headers_size = hs && json_is_integer(hs) ? (int64_t)json_integer_value(hs) : -1;
	hs = json_object_get(resp, "headersSize");
	out->resp_headers_size = hs && json_is_integer(hs) ? (int64_t)json_integer_value(hs) : -1;

	WITH_PATH(r, saved, "%s", ".response");
	json_t *status = json_object_get(resp, "status");
	if (!status)
		rc = bad(r, "status", "missing (every browser's HAR export has it; was the file edited?)");
	else if (!json_is_integer(status))
		rc = bad(r, "status", "expected a whole number, got %s", ic_json_kind(status));
	else if (json_integer_value(status) < 0 || json_integer_value(status) > 999)
		rc = bad(r, "status", "%lld is not an HTTP status (0 for a request that got no response, else 100-999)",
			 (long long)json_integer_value(status));
	else
		out->status = (int)json_integer_value(status);
	if (rc >= 0 && (rc = get_string(r, resp, "redirectURL", 0, HAR_MAX_URL_BYTES, &out->redirect_url)) >= 0 &&
	    (rc = read_headers(r, resp, &out->resp_headers, &out->n_resp_headers)) >= 0 &&
	    (rc = read_cookies(r, resp, &out->resp_cookies, &out->n_resp_cookies)) >= 0 &&
	    (rc = get_object(r, resp, "content", 0, &content)) >= 0 && content) {
		char inner[sizeof r->path];
		WITH_PATH(r, inner, "%s", ".content");
		rc = get_string(r, content, "mimeType", 0, HAR_MAX_STRING_BYTES, &out->mime_type);
		snprintf(r->path, sizeof r->path, "%s", inner);
	}
	snprintf(r->path, sizeof r->path, "%s", saved);
	return rc;
}

static void free_headers(har_header *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(h[i].name);
		free(h[i].value);
	}
	free(h);
}

static void free_cookies(har_cookie *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].name);
		free(c[i].value);
		free(c[i].domain);
		free(c[i].path);
		free(c[i].same_site);
		free(c[i].expires);
	}
	free(c);
}

void har_log_free(har_log *h)
{
	if (!h)
		return;
	free(h->creator_name);
	free(h->creator_version);
	free(h->browser_name);
	free(h->browser_version);
	for (size_t i = 0; i < h->n_pages; i++) {
		free(h->pages[i].id);
		free(h->pages[i].title);
	}
	free(h->pages);
	for (size_t i = 0; i < h->n_entries; i++) {
		har_entry *e = &h->entries[i];
		free(e->method);
		free(e->url);
		free(e->pageref);
		free(e->resource_type);
		free(e->initiator_type);
		free(e->redirect_url);
		free(e->mime_type);
		free_headers(e->req_headers, e->n_req_headers);
		free_headers(e->resp_headers, e->n_resp_headers);
		free_cookies(e->req_cookies, e->n_req_cookies);
		free_cookies(e->resp_cookies, e->n_resp_cookies);
	}
	free(h->entries);
	free(h);
}

/* What one pass over the JSON text found before jansson parses it. */
typedef struct json_scan {
	size_t deep_at;           /* where the nesting first went past HAR_MAX_DEPTH, or SIZE_MAX */
	size_t values;            /* strings, numbers, literals, arrays and objects */
	size_t cost;              /* the bytes jansson's tree would take (HAR_COST_*), capped at SIZE_MAX / 2 */
} json_scan;

/*
 * One pass over the text, before jansson sees it: the deepest nesting of
 * arrays and objects (a hostile file is refused before it costs a deep
 * recursion) and the memory its tree would take, value by value, so that
 * HAR_MAX_TREE_BYTES is checked before the tree is built. Lexical only:
 * jansson validates the syntax afterwards. Strings are skipped with their
 * escapes; a string after '{' or ',' inside an object is a member's key.
 */
static void scan_json(const char *data, size_t len, json_scan *out)
{
	bool in_object[HAR_MAX_DEPTH + 1];
	int depth = 0;
	bool expect_key = false;
	size_t cost = 0;
	*out = (json_scan){SIZE_MAX, 0, 0};
	for (size_t i = 0; i < len && cost < SIZE_MAX / 2; i++) {
		char c = data[i];
		if (c == '"') {
			size_t start = i + 1;
			for (i = start; i < len && data[i] != '"'; i++)
				if (data[i] == '\\')
					i++;
			size_t bytes = (i < len ? i : len) - start;
			cost += (expect_key ? HAR_COST_MEMBER : HAR_COST_STRING) + bytes;
			out->values += !expect_key;
			expect_key = false;
		} else if (c == '[' || c == '{') {
			if (depth >= HAR_MAX_DEPTH) {
				out->deep_at = i;
				return;
			}
			in_object[++depth] = c == '{';
			expect_key = c == '{';
			cost += c == '{' ? HAR_COST_OBJECT : HAR_COST_ARRAY;
			out->values++;
		} else if (c == ']' || c == '}') {
			if (depth > 0)
				depth--;
			expect_key = false;
		} else if (c == ',') {
			expect_key = depth > 0 && in_object[depth];
		} else if (c == '-' || (c >= '0' && c <= '9')) {
			while (i + 1 < len && strchr("0123456789+-.eE", data[i + 1]) && data[i + 1])
				i++;
			cost += HAR_COST_NUMBER;
			out->values++;
		} else if (c == 't' || c == 'f' || c == 'n') {
			while (i + 1 < len && data[i + 1] >= 'a' && data[i + 1] <= 'z')
				i++;
			cost += HAR_COST_LITERAL;
			out->values++;
		}
	}
	out->cost = cost;
}

/* Entries by startedDateTime, the file order breaking ties (qsort is not stable). */
static int by_start(const void *a, const void *b)
{
	const har_entry *x = a, *y = b;
	if (x->started_ms != y->started_ms)
		return x->started_ms < y->started_ms ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static int read_creator(reader *r, json_t *log, const char *member, char **name, char **version, int required)
{
	json_t *obj;
	int rc = get_object(r, log, member, required, &obj);
	if (rc < 0 || !obj)
		return rc;
	char saved[sizeof r->path];
	WITH_PATH(r, saved, ".%s", member);
	if ((rc = get_string(r, obj, "name", 1, HAR_MAX_STRING_BYTES, name)) >= 0)
		rc = get_string(r, obj, "version", 0, HAR_MAX_STRING_BYTES, version);
	snprintf(r->path, sizeof r->path, "%s", saved);
	return rc;
}

int har_parse(har_log **out, const char *name, const char *data, size_t len)
{
	*out = NULL;
	/* A UTF-8 byte order mark, as scenarios and the other interchange formats allow. */
	ic_skip_bom(&data, &len);
	if (len > HAR_MAX_FILE_BYTES)
		return ic_error(BSIM_ELIMIT, name, 0, 0, NULL, "%zu bytes, more than the %d MiB bsim reads from a capture",
				len, HAR_MAX_FILE_BYTES / (1024 * 1024));
	json_scan scan;
	scan_json(data, len, &scan);
	if (scan.deep_at != SIZE_MAX)
		return ic_error(BSIM_ELIMIT, name, 0, 0, NULL,
				"nesting deeper than %d arrays and objects at byte %zu: not a browser's HAR export",
				HAR_MAX_DEPTH, scan.deep_at);
	if (scan.cost > HAR_MAX_TREE_BYTES)
		return ic_error(BSIM_ELIMIT, name, 0, 0, NULL,
				"%zu JSON values would take about %zu MiB of memory to read, more than the %zu MiB bsim "
				"gives one capture (HAR_MAX_TREE_BYTES); a browser's export of that size is mostly "
				"response bodies: export fewer requests, or without the bodies",
				scan.values, scan.cost / (1024 * 1024), HAR_MAX_TREE_BYTES / (1024 * 1024));
	json_error_t err;
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
	if (!root)
		return ic_error(BSIM_EINVAL, name, err.line > 0 ? err.line : 1, err.column > 0 ? err.column : 0, NULL,
				"not valid JSON: %s (export the capture again from the browser's network panel: "
				"Save all as HAR)",
				err.text);
	reader rd = {name, ""};
	reader *r = &rd;
	har_log *h = calloc(1, sizeof *h);
	int rc = 0;
	json_t *log, *pages = NULL, *entries = NULL;
	if (!h) {
		rc = error_oom();
		goto out;
	}
	if (!json_is_object(root)) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, NULL,
			      "expected a HAR object {\"log\": {...}}, got %s: not a HAR capture", ic_json_kind(root));
		goto out;
	}
	log = json_object_get(root, "log");
	if (!log) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, NULL,
			      "not a HAR capture: it has no \"log\" member (a HAR file is what a browser's network panel "
			      "saves with \"Save all as HAR\")");
		goto out;
	}
	if (!json_is_object(log)) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, "log", "expected an object, got %s", ic_json_kind(log));
		goto out;
	}
	snprintf(r->path, sizeof r->path, "log");
	if ((rc = read_creator(r, log, "creator", &h->creator_name, &h->creator_version, 1)) < 0 ||
	    (rc = read_creator(r, log, "browser", &h->browser_name, &h->browser_version, 0)) < 0 ||
	    (rc = get_array(r, log, "pages", 0, HAR_MAX_PAGES, "HAR_MAX_PAGES", &pages)) < 0 ||
	    (rc = get_array(r, log, "entries", 1, HAR_MAX_ENTRIES, "HAR_MAX_ENTRIES", &entries)) < 0)
		goto out;

	size_t n = json_array_size(pages);
	if (n && !(h->pages = calloc(n, sizeof *h->pages))) {
		rc = error_oom();
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(r->path, sizeof r->path, "log.pages[%zu]", i);
		json_t *p = json_array_get(pages, i);
		har_page *pg = &h->pages[h->n_pages++];
		if (!json_is_object(p)) {
			rc = bad(r, NULL, "expected a page object, got %s", ic_json_kind(p));
			goto out;
		}
		if ((rc = get_string(r, p, "id", 1, HAR_MAX_STRING_BYTES, &pg->id)) < 0 ||
		    (rc = get_string(r, p, "title", 0, HAR_MAX_STRING_BYTES, &pg->title)) < 0 ||
		    (rc = get_time(r, p, "startedDateTime", &pg->started_ms)) < 0)
			goto out;
	}

	n = json_array_size(entries);
	if (n && !(h->entries = calloc(n, sizeof *h->entries))) {
		rc = error_oom();
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(r->path, sizeof r->path, "log.entries[%zu]", i);
		har_entry *e = &h->entries[h->n_entries++];
		e->index = i;
		if ((rc = read_entry(r, json_array_get(entries, i), e)) < 0)
			goto out;
	}
	if (h->n_entries > 1)
		qsort(h->entries, h->n_entries, sizeof *h->entries, by_start);
	har_mark_navigations(h);
out:
	json_decref(root);
	if (rc < 0) {
		har_log_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

/* ---- facts about a capture ---- */

const char *har_header_get(const har_header *headers, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(headers[i].name, name) == 0)
			return headers[i].value;
	return NULL;
}

static bool is_html(const har_entry *e)
{
	const char *type = e->mime_type;
	if (!type)
		type = har_header_get(e->resp_headers, e->n_resp_headers, "content-type");
	return type && (strncasecmp(type, "text/html", 9) == 0 || strncasecmp(type, "application/xhtml+xml", 21) == 0);
}

/* The URL a redirect goes to: redirectURL as given, or joined to the entry's origin when it is a path. */
static void redirect_target(const har_entry *e, char *out, size_t outlen)
{
	const char *to = e->redirect_url;
	if (!to || !*to)
		to = har_header_get(e->resp_headers, e->n_resp_headers, "location");
	*out = '\0';
	if (!to || !*to)
		return;
	if (to[0] == '/' && to[1] != '/') {
		/* Origin of the entry's URL: scheme://authority. */
		const char *p = strstr(e->url, "://");
		size_t olen = p ? (size_t)(p + 3 - e->url) + strcspn(p + 3, "/?#") : 0;
		snprintf(out, outlen, "%.*s%s", (int)olen, e->url, to);
	} else {
		snprintf(out, outlen, "%s", to);
	}
}

void har_mark_navigations(har_log *h)
{
	char target[2048] = "";
	for (size_t i = 0; i < h->n_entries; i++) {
		har_entry *e = &h->entries[i];
		const char *dest = har_header_get(e->req_headers, e->n_req_headers, "sec-fetch-dest");
		bool is_get = strcmp(e->method, "GET") == 0 || strcmp(e->method, "POST") == 0;
		if (dest)
			e->navigation = strcasecmp(dest, "document") == 0;
		else if (e->resource_type)
			/* A document the HTML parser requested is an iframe's: Chrome's top-level
			 * loads show "other" or "script". */
			e->navigation = strcmp(e->resource_type, "document") == 0 &&
					!(e->initiator_type && strcmp(e->initiator_type, "parser") == 0);
		else if (*target && strcmp(e->url, target) == 0)
			e->navigation = true;
		else if (is_get && is_html(e)) {
			bool opens_page = true;
			if (e->pageref)
				for (size_t j = 0; j < i && opens_page; j++)
					if (h->entries[j].pageref && strcmp(h->entries[j].pageref, e->pageref) == 0)
						opens_page = false;
			e->navigation = opens_page;
		}
		if (e->navigation && e->status >= 300 && e->status < 400)
			redirect_target(e, target, sizeof target);
		else if (e->navigation)
			*target = '\0';
	}
}

const char *har_find_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return hay;
	return NULL;
}

static bool contains_ci(const char *hay, const char *needle)
{
	return hay && har_find_ci(hay, needle) != NULL;
}

bsim_engine har_guess_engine(const har_log *h, char *why, size_t whylen)
{
	/* log.browser: Firefox writes {"name": "Firefox"}; Safari {"name": "Safari"} in some versions. */
	if (contains_ci(h->browser_name, "firefox")) {
		snprintf(why, whylen, "log.browser.name \"%.40s\"", h->browser_name);
		return BSIM_ENGINE_FIREFOX;
	}
	if (contains_ci(h->browser_name, "safari") || contains_ci(h->browser_name, "webkit")) {
		snprintf(why, whylen, "log.browser.name \"%.40s\"", h->browser_name);
		return BSIM_ENGINE_SAFARI;
	}
	if (contains_ci(h->browser_name, "chrom") || contains_ci(h->browser_name, "edge")) {
		snprintf(why, whylen, "log.browser.name \"%.40s\"", h->browser_name);
		return BSIM_ENGINE_CHROMIUM;
	}
	/* log.creator: Firefox names itself; Safari's Web Inspector is "WebKit Web Inspector"; Chrome's is "WebInspector". */
	if (contains_ci(h->creator_name, "firefox")) {
		snprintf(why, whylen, "log.creator.name \"%.40s\"", h->creator_name);
		return BSIM_ENGINE_FIREFOX;
	}
	if (contains_ci(h->creator_name, "webkit")) {
		snprintf(why, whylen, "log.creator.name \"%.40s\"", h->creator_name);
		return BSIM_ENGINE_SAFARI;
	}
	/* Chrome's creator names no browser, and Edge, Brave and Opera write the same: ask the User-Agent. */
	for (size_t i = 0; i < h->n_entries; i++) {
		const har_entry *e = &h->entries[i];
		const char *ua = har_header_get(e->req_headers, e->n_req_headers, "user-agent");
		if (!ua)
			continue;
		bsim_engine eng;
		if (strstr(ua, "Firefox/"))
			eng = BSIM_ENGINE_FIREFOX;
		else if (strstr(ua, "Chrome/") || strstr(ua, "Chromium/") || strstr(ua, "CriOS/"))
			eng = BSIM_ENGINE_CHROMIUM;
		else if (strstr(ua, "Safari/"))
			eng = BSIM_ENGINE_SAFARI;
		else
			continue;
		snprintf(why, whylen, "the User-Agent of log.entries[%zu]", e->index);
		return eng;
	}
	if (h->creator_name && strcmp(h->creator_name, "WebInspector") == 0) {
		snprintf(why, whylen, "log.creator.name \"WebInspector\" (Chrome DevTools)");
		return BSIM_ENGINE_CHROMIUM;
	}
	snprintf(why, whylen, "nothing in the capture names the browser; chromium by default");
	return BSIM_ENGINE_CHROMIUM;
}

bool har_looks_sanitized(const har_log *h)
{
	size_t navs = 0;
	for (size_t i = 0; i < h->n_entries; i++) {
		const har_entry *e = &h->entries[i];
		navs += e->navigation;
		if (e->n_req_cookies || e->n_resp_cookies || har_header_get(e->req_headers, e->n_req_headers, "cookie") ||
		    har_header_get(e->resp_headers, e->n_resp_headers, "set-cookie"))
			return false;
	}
	return navs > 0;
}

/*
 * The start line a headersSize also counts: "GET URL HTTP/1.1" is shorter
 * than the method, the whole URL and 16 bytes; "HTTP/1.1 200 OK" than 64.
 * Overestimated on purpose, so that only a missing header line shows.
 */
#define HAR_START_LINE_ALLOWANCE 64

/* The shortest line a removed cookie header takes: "Cookie: a=b\r\n". */
#define HAR_MIN_COOKIE_LINE 13

int64_t har_unlisted_header_bytes(const har_entry *e, bool response)
{
	int64_t size = response ? e->resp_headers_size : e->req_headers_size;
	if (size <= 0)
		return 0;
	const har_header *hd = response ? e->resp_headers : e->req_headers;
	size_t n = response ? e->n_resp_headers : e->n_req_headers;
	int64_t listed = 2; /* the blank line closing the header section */
	for (size_t i = 0; i < n; i++)
		listed += (int64_t)(strlen(hd[i].name) + strlen(hd[i].value) + 4); /* "name: value\r\n" */
	listed += response ? HAR_START_LINE_ALLOWANCE
			   : (int64_t)(strlen(e->method) + strlen(e->url) + 16);
	return size > listed ? size - listed : 0;
}

void har_sanitized_how(const har_log *h, char *out, size_t outlen)
{
	for (size_t i = 0; i < h->n_entries; i++) {
		const har_entry *e = &h->entries[i];
		for (int side = 0; side < 2; side++) {
			int64_t hidden = har_unlisted_header_bytes(e, side == 1);
			if (hidden >= HAR_MIN_COOKIE_LINE) {
				snprintf(out, outlen,
					 "it was exported sanitized: log.entries[%zu].%s.headersSize counts %lld bytes of "
					 "header lines the file no longer lists",
					 e->index, side ? "response" : "request", (long long)hidden);
				return;
			}
		}
	}
	bool chrome = h->creator_name && strcmp(h->creator_name, "WebInspector") == 0;
	snprintf(out, outlen, "%s",
		 chrome ? "it was most likely exported sanitized (Chrome DevTools' default, which leaves no other mark)"
			: "it was most likely exported sanitized");
}
