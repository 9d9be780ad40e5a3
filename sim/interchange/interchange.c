/*
 * interchange.c: what storageState and cookies.txt share (interchange.h):
 * telling the formats apart, reading a file within its limits, applying a
 * parsed state to a browser all or nothing, converting origins between
 * Playwright's form and bsim's, and writing an export atomically.
 *
 * All or nothing: a parsed state is first applied to a scratch browser of
 * the same engine and clock that also holds a copy of the real browser's
 * localStorage, so every cookie bsim_jar_restore would refuse and every
 * quota a write would exceed is found there. Only then is the real browser
 * changed, by the same calls, which can then fail only for lack of memory.
 */
#include "interchange/interchange.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cookie/parse.h"
#include "net/host.h"
#include "util/atomic_file.h"
#include "util/buf.h"

const char *interchange_format_name(interchange_format fmt)
{
	switch (fmt) {
	case INTERCHANGE_STORAGE_STATE: return "storageState";
	case INTERCHANGE_COOKIES_TXT: return "cookies.txt";
	default: return "auto";
	}
}

int ic_path_verror(int code, const char *name, const char *path, const char *member, const char *fmt, va_list ap)
{
	char where[INTERCHANGE_PATH_MAX], what[600];
	if (member)
		snprintf(where, sizeof where, "%s%s%s", path, *path ? "." : "", member);
	else
		snprintf(where, sizeof where, "%s", path);
	vsnprintf(what, sizeof what, fmt, ap);
	return ic_error(code, name, 0, 0, where, "%s", what);
}

void ic_skip_bom(const char **data, size_t *len)
{
	if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
		*data += 3;
		*len -= 3;
	}
}

void ic_number_text(char *out, size_t outlen, const json_t *number)
{
	/* DBL_MAX printed in full is 309 digits. */
	char text[400];
	if (json_is_integer(number)) {
		snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(number));
	} else {
		snprintf(text, sizeof text, "%.3f", json_number_value(number));
		char *end = text + strlen(text);
		while (end > text && end[-1] == '0')
			*--end = '\0';
		if (end > text && end[-1] == '.')
			*--end = '\0';
	}
	if (strlen(text) < outlen)
		snprintf(out, outlen, "%s", text);
	else if (outlen > 4)
		snprintf(out, outlen, "%.*s...", (int)(outlen - 4), text);
	else if (outlen)
		out[0] = '\0';
}

bsim_time ic_expires_clamp(bsim_time expires_ms)
{
	if (expires_ms < INTERCHANGE_EXPIRES_MIN_S * 1000)
		return INTERCHANGE_EXPIRES_MIN_S * 1000;
	if (expires_ms > INTERCHANGE_EXPIRES_MAX_S * 1000)
		return INTERCHANGE_EXPIRES_MAX_S * 1000;
	return expires_ms;
}

const char *ic_json_kind(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

int ic_error(int code, const char *name, int line, int col, const char *where, const char *fmt, ...)
{
	char what[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	if (line > 0 && col > 0)
		return error_set_at(code, name, line, col, "%s:%d:%d: error: %s", name, line, col, what);
	if (line > 0)
		return error_set_at(code, name, line, 0, "%s:%d: error: %s", name, line, what);
	if (where && *where)
		return error_set_at(code, name, 0, 0, "%s: error: %s: %s", name, where, what);
	return error_set_at(code, name, 0, 0, "%s: error: %s", name, what);
}

/* ---- the parsed state ---- */

ic_cookie *ic_state_add_cookie(ic_state *s, const char *name)
{
	if (s->n_cookies >= INTERCHANGE_MAX_COOKIES) {
		ic_error(BSIM_ELIMIT, name, 0, 0, NULL, "more than %d cookies, the most bsim imports from one file"
			 " (INTERCHANGE_MAX_COOKIES); split the file and import the parts in turn",
			 INTERCHANGE_MAX_COOKIES);
		return NULL;
	}
	if (s->n_cookies == s->cap_cookies) {
		size_t cap = s->cap_cookies ? s->cap_cookies * 2 : 16;
		ic_cookie *c = realloc(s->cookies, cap * sizeof *c);
		if (!c) {
			error_oom();
			return NULL;
		}
		s->cookies = c;
		s->cap_cookies = cap;
	}
	ic_cookie *c = &s->cookies[s->n_cookies++];
	memset(c, 0, sizeof *c);
	return c;
}

ic_item *ic_state_add_item(ic_state *s, const char *name)
{
	if (s->n_items >= INTERCHANGE_MAX_LOCAL_ITEMS) {
		ic_error(BSIM_ELIMIT, name, 0, 0, NULL,
			 "more than %d localStorage items, the most bsim imports from one file"
			 " (INTERCHANGE_MAX_LOCAL_ITEMS); split the file and import the parts in turn",
			 INTERCHANGE_MAX_LOCAL_ITEMS);
		return NULL;
	}
	if (s->n_items == s->cap_items) {
		size_t cap = s->cap_items ? s->cap_items * 2 : 16;
		ic_item *it = realloc(s->items, cap * sizeof *it);
		if (!it) {
			error_oom();
			return NULL;
		}
		s->items = it;
		s->cap_items = cap;
	}
	ic_item *it = &s->items[s->n_items++];
	memset(it, 0, sizeof *it);
	return it;
}

void ic_state_free(ic_state *s)
{
	for (size_t i = 0; i < s->n_cookies; i++) {
		ic_cookie *c = &s->cookies[i];
		free(c->name);
		free(c->value);
		free(c->domain);
		free(c->path);
		free(c->partition_key);
	}
	for (size_t i = 0; i < s->n_items; i++) {
		free(s->items[i].origin);
		free(s->items[i].key);
		free(s->items[i].value);
	}
	free(s->cookies);
	free(s->items);
	memset(s, 0, sizeof *s);
}

/* ---- origins ---- */

/* The default port a Playwright origin leaves out. */
static int default_port(const char *scheme)
{
	return strcmp(scheme, "https") == 0 ? 443 : 80;
}

/* Host characters an origin may hold: an ASCII (punycode) name or a bracketed IPv6 literal. */
static int host_char(int c)
{
	return isalnum(c) || c == '-' || c == '.' || c == '_' || c == '[' || c == ']' || c == ':';
}

/*
 * Split "scheme://host[:port]" into parts; the host is lowercased. Returns
 * 0 or BSIM_EINVAL with a message saying what is wrong.
 */
static int split_origin(const char *origin, char *scheme, size_t slen, char *host, size_t hlen, int *port)
{
	size_t n = strlen(origin);
	if (n > INTERCHANGE_MAX_ORIGIN)
		return error_set(BSIM_EINVAL, "origin is %zu bytes, longer than any origin (%d)", n,
				 INTERCHANGE_MAX_ORIGIN);
	const char *sep = strstr(origin, "://");
	if (!sep)
		return error_set(BSIM_EINVAL, "\"%s\" is not an origin (scheme://host[:port])", origin);
	size_t sl = (size_t)(sep - origin);
	if (sl >= slen)
		return error_set(BSIM_EINVAL, "\"%s\" is not an http or https origin", origin);
	for (size_t i = 0; i < sl; i++)
		scheme[i] = (char)tolower((unsigned char)origin[i]);
	scheme[sl] = '\0';
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		return error_set(BSIM_EINVAL, "\"%s\" is not an http or https origin", origin);
	const char *h = sep + 3, *end = h + strlen(h);
	/* The port is after the last ':' that follows the host (an IPv6 literal has its own inside brackets). */
	const char *colon = NULL;
	const char *rb = strchr(h, ']');
	colon = strchr(rb ? rb : h, ':');
	const char *hend = colon ? colon : end;
	size_t hl = (size_t)(hend - h);
	if (hl == 0)
		return error_set(BSIM_EINVAL, "\"%s\" has no host", origin);
	if (hl >= hlen)
		return error_set(BSIM_EINVAL, "\"%s\" has a host longer than a host name can be", origin);
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)h[i];
		if (c == '/' || c == '?' || c == '#')
			return error_set(BSIM_EINVAL, "\"%s\" is not an origin: it has a path, query or fragment", origin);
		if (c >= 0x80)
			return error_set(BSIM_EINVAL, "\"%s\" has a non-ASCII host; write it in punycode (xn--...)", origin);
		if (!host_char(c))
			return error_set(BSIM_EINVAL, "\"%s\" has a bad character '%c' in its host", origin, c);
		host[i] = (char)tolower(c);
	}
	host[hl] = '\0';
	if (host[0] == '[' && host[hl - 1] != ']')
		return error_set(BSIM_EINVAL, "\"%s\" has an unclosed IPv6 literal", origin);
	*port = default_port(scheme);
	if (colon) {
		const char *p = colon + 1;
		if (!*p || strlen(p) > 5)
			return error_set(BSIM_EINVAL, "\"%s\" has a bad port", origin);
		long v = 0;
		for (; *p; p++) {
			if (*p == '/' || *p == '?' || *p == '#')
				return error_set(BSIM_EINVAL, "\"%s\" is not an origin: it has a path, query or fragment",
						 origin);
			if (!isdigit((unsigned char)*p))
				return error_set(BSIM_EINVAL, "\"%s\" has a bad port", origin);
			v = v * 10 + (*p - '0');
		}
		if (v < 1 || v > 65535)
			return error_set(BSIM_EINVAL, "\"%s\" has a port out of range (1-65535)", origin);
		*port = (int)v;
	}
	return 0;
}

int ic_origin_to_bsim(char **out, const char *origin)
{
	*out = NULL;
	/* bsim's own file: areas (browser-rules.md W8) round-trip as they are. */
	if (strncmp(origin, "file://", 7) == 0) {
		if (strlen(origin) > INTERCHANGE_MAX_ORIGIN)
			return error_set(BSIM_EINVAL, "origin is longer than %d bytes", INTERCHANGE_MAX_ORIGIN);
		return (*out = strdup(origin)) ? 0 : error_oom();
	}
	char scheme[8], host[INTERCHANGE_MAX_ORIGIN + 1];
	int port, rc = split_origin(origin, scheme, sizeof scheme, host, sizeof host, &port);
	if (rc < 0)
		return rc;
	buf b = BUF_INIT;
	buf_printf(&b, "%s://%s:%d", scheme, host, port);
	return (*out = buf_detach(&b)) ? 0 : error_oom();
}

int ic_origin_from_bsim(char **out, const char *origin)
{
	*out = NULL;
	char scheme[8], host[INTERCHANGE_MAX_ORIGIN + 1];
	int port;
	if (strncmp(origin, "file://", 7) == 0 ||
	    split_origin(origin, scheme, sizeof scheme, host, sizeof host, &port) < 0) {
		bsim_error_clear();
		return (*out = strdup(origin)) ? 0 : error_oom();
	}
	buf b = BUF_INIT;
	if (port == default_port(scheme))
		buf_printf(&b, "%s://%s", scheme, host);
	else
		buf_printf(&b, "%s://%s:%d", scheme, host, port);
	return (*out = buf_detach(&b)) ? 0 : error_oom();
}

/* ---- telling the formats apart ---- */

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

interchange_format interchange_detect(const char *path, const char *data, size_t len)
{
	size_t i = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && (data[i] == '{' || data[i] == '['))
		return INTERCHANGE_STORAGE_STATE;
	if (i < len && data[i] == '#')
		return INTERCHANGE_COOKIES_TXT;
	const char *eol = i < len ? memchr(data + i, '\n', len - i) : NULL;
	size_t line_len = eol ? (size_t)(eol - (data + i)) : len - i;
	if (i < len && memchr(data + i, '\t', line_len))
		return INTERCHANGE_COOKIES_TXT;
	return path && has_suffix(path, ".json") ? INTERCHANGE_STORAGE_STATE : INTERCHANGE_COOKIES_TXT;
}

/* ---- applying a state ---- */

typedef struct copy_ctx {
	bsim_browser *to;
	int rc;
} copy_ctx;

static int copy_item(const char *origin, const char *key, const char *value, void *ud)
{
	copy_ctx *c = ud;
	c->rc = bsim_browser_local_set(c->to, origin, key, value);
	return c->rc < 0;
}

static void view_of(bsim_cookie_view *v, const ic_cookie *c, bsim_time now)
{
	memset(v, 0, sizeof *v);
	v->name = c->name;
	v->value = c->value;
	v->domain = c->domain;
	v->path = c->path;
	v->host_only = c->host_only;
	v->secure = c->secure;
	v->http_only = c->http_only;
	v->persistent = c->persistent;
	v->same_site = c->same_site;
	v->priority = BSIM_PRIORITY_MEDIUM; /* neither format carries Priority: Chromium's default (L2) */
	v->partition_key = c->partition_key;
	v->expires = c->expires;
	v->creation = now;
	v->last_access = now;
}

/*
 * What Playwright's addCookies asks of each cookie before a browser sees it
 * (Chromium's CanonicalCookie::CreateSanitizedCookie): a name, value,
 * domain and path a Set-Cookie header could carry, by the Set-Cookie
 * parser's own rules (cookie_field_problem), and a domain.
 */
static int check_fields(const ic_cookie *c, const char *name, const cookie_preset *p)
{
	const struct {
		const char *member; /* the storageState member, or the cookies.txt field */
		const char *text;
		cookie_field kind;
	} fields[] = {
		{"name", c->name, COOKIE_FIELD_NAME},
		{"value", c->value, COOKIE_FIELD_VALUE},
		{"domain", c->domain, COOKIE_FIELD_ATTRIBUTE},
		{"path", c->path, COOKIE_FIELD_ATTRIBUTE},
	};
	char where[INTERCHANGE_PATH_MAX];
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const char *text = fields[i].text;
		size_t len = strlen(text);
		const char *why = fields[i].kind == COOKIE_FIELD_ATTRIBUTE && len == 0
					  ? "is empty; a cookie belongs to a host (Playwright's addCookies refuses a cookie "
					    "without a domain)"
					  : cookie_field_problem(text, len, fields[i].kind, p);
		if (!why)
			continue;
		char quoted[96];
		host_quote(quoted, sizeof quoted, text, len);
		if (c->line > 0)
			return ic_error(BSIM_EINVAL, name, c->line, 0, NULL, "the %s field \"%s\" %s", fields[i].member,
					quoted, why);
		snprintf(where, sizeof where, "%s.%s", c->where, fields[i].member);
		return ic_error(BSIM_EINVAL, name, 0, 0, where, "\"%s\" %s", quoted, why);
	}
	return 0;
}

/* Apply s to b: items, then cookies. `check` names failures in the file (the scratch pass). */
static int apply(bsim_browser *b, const ic_state *s, const char *name, int check)
{
	bsim_time now = bsim_browser_now(b);
	bsim_jar *jar = bsim_browser_jar(b);
	for (size_t i = 0; i < s->n_items; i++) {
		const ic_item *it = &s->items[i];
		int rc = bsim_browser_local_set(b, it->origin, it->key, it->value);
		if (rc < 0)
			return check && rc != BSIM_ENOMEM
				       ? ic_error(rc, name, 0, 0, it->where, "%s", bsim_error_last()->message)
				       : rc;
	}
	const cookie_preset *preset = cookie_preset_get(bsim_browser_engine(b));
	for (size_t i = 0; i < s->n_cookies; i++) {
		const ic_cookie *c = &s->cookies[i];
		int bad = check ? check_fields(c, name, preset) : 0;
		if (bad < 0)
			return bad;
		bsim_cookie_view v;
		view_of(&v, c, now);
		int rc = bsim_jar_import(jar, &v);
		if (rc < 0)
			return check && rc != BSIM_ENOMEM
				       ? ic_error(BSIM_EINVAL, name, c->line, 0, c->where, "%s", bsim_error_last()->message)
				       : rc;
	}
	return 0;
}

static int apply_all_or_nothing(bsim_browser *b, const ic_state *s, const char *name)
{
	bsim_browser_options opts = BSIM_BROWSER_OPTIONS_INIT;
	opts.engine = bsim_browser_engine(b);
	opts.start_time = bsim_browser_now(b);
	bsim_browser *scratch = NULL;
	int rc = bsim_browser_new(&scratch, &opts);
	if (rc < 0)
		return rc;
	/* The real browser's localStorage, so quotas count what the merge will hold. */
	copy_ctx cc = {scratch, 0};
	if (s->n_items) {
		rc = bsim_browser_local_foreach(b, copy_item, &cc);
		if (cc.rc < 0)
			rc = cc.rc;
	}
	if (rc >= 0)
		rc = apply(scratch, s, name, 1);
	bsim_browser_free(scratch);
	if (rc < 0)
		return rc;
	return apply(b, s, name, 0);
}

int interchange_import_data(bsim_browser *b, const char *name, const char *data, size_t len,
			    interchange_format fmt)
{
	if (!b || !name || (!data && len))
		return error_set(BSIM_EINVAL, "interchange_import_data needs a browser, a name and data");
	if (len > INTERCHANGE_MAX_FILE_BYTES)
		return ic_error(BSIM_ELIMIT, name, 0, 0, NULL, "%zu bytes, over the %d bytes bsim imports from one file"
				" (INTERCHANGE_MAX_FILE_BYTES); split the file and import the parts in turn",
				len, INTERCHANGE_MAX_FILE_BYTES);
	if (fmt == INTERCHANGE_AUTO)
		fmt = interchange_detect(name, data ? data : "", len);
	ic_state s = IC_STATE_INIT;
	int rc = fmt == INTERCHANGE_STORAGE_STATE ? storage_state_parse(&s, name, data ? data : "", len,
									      bsim_browser_engine(b))
						  : cookies_txt_parse(&s, name, data ? data : "", len);
	if (rc >= 0)
		rc = apply_all_or_nothing(b, &s, name);
	ic_state_free(&s);
	return rc;
}

int ic_read_file(const char *path, size_t max, const char *max_name, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set_at(BSIM_EIO, path, 0, 0, "cannot read %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_set_at(BSIM_EIO, path, 0, 0, "cannot read %s: not a regular file", path);
	}
	if ((uintmax_t)st.st_size > max) {
		close(fd);
		return ic_error(BSIM_ELIMIT, path, 0, 0, NULL, "%jd bytes, over the %zu bytes bsim imports from one file"
				" (%s); split the file and import the parts in turn",
				(intmax_t)st.st_size, max, max_name);
	}
	/* One byte past the size tells a file that grew while being read. */
	size_t cap = (size_t)st.st_size + 1;
	char *data = malloc(cap + 1);
	if (!data) {
		close(fd);
		return error_oom();
	}
	size_t got = 0;
	while (got < cap) {
		ssize_t n = read(fd, data + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			free(data);
			return error_set_at(BSIM_EIO, path, 0, 0, "cannot read %s: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got > (size_t)st.st_size) {
		free(data);
		return error_set_at(BSIM_EIO, path, 0, 0, "cannot read %s: it changed while being read", path);
	}
	data[got] = '\0';
	*out = data;
	*len = got;
	return 0;
}

int interchange_import(bsim_browser *b, const char *path)
{
	if (!b || !path)
		return error_set(BSIM_EINVAL, "interchange_import needs a browser and a path");
	char *data = NULL;
	size_t len = 0;
	int rc = ic_read_file(path, INTERCHANGE_MAX_FILE_BYTES, "INTERCHANGE_MAX_FILE_BYTES", &data, &len);
	if (rc == 0)
		rc = interchange_import_data(b, path, data, len, INTERCHANGE_AUTO);
	free(data);
	return rc;
}

/* ---- exporting ---- */

int interchange_render(char **out, size_t *len, bsim_browser *b, interchange_format fmt)
{
	*out = NULL;
	*len = 0;
	if (fmt == INTERCHANGE_STORAGE_STATE)
		return storage_state_render(out, len, b);
	if (fmt == INTERCHANGE_COOKIES_TXT)
		return cookies_txt_render(out, len, b);
	return error_set(BSIM_EINVAL, "no format given to render");
}

typedef struct expiry_count {
	bsim_time real_now;
	size_t expired, total;
} expiry_count;

static int count_expired(const bsim_cookie_view *c, void *ud)
{
	expiry_count *n = ud;
	if (c->persistent) {
		n->total++;
		n->expired += ic_expires_clamp(c->expires) <= n->real_now;
	}
	return 0;
}

size_t interchange_expired_at(bsim_browser *b, bsim_time real_now, size_t *total)
{
	expiry_count n = {real_now, 0, 0};
	/* What the export writes: bsim_jar_foreach leaves out what the virtual clock expired. */
	bsim_jar_foreach(bsim_browser_jar(b), count_expired, &n);
	*total = n.total;
	return n.expired;
}

void interchange_warn_if_expired(FILE *to, bsim_browser *b, const char *path)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return;
	size_t total = 0;
	size_t expired = interchange_expired_at(b, (bsim_time)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, &total);
	if (!expired)
		return;
	char clock[40];
	time_format_iso8601(bsim_browser_now(b), clock, sizeof clock);
	fprintf(to,
		"bsim: warning: %s: %zu of its %zu persistent cookies have already expired in real time (the virtual "
		"clock is at %s), so a real browser loading the file drops them at once; to use it in a browser, "
		"export at a clock near today: --now (bsim cookie, bsim run) or the scenario's now=\n",
		path, expired, total, clock);
}

int interchange_export(bsim_browser *b, const char *path, interchange_format fmt)
{
	if (!b || !path || !*path)
		return error_set(BSIM_EINVAL, "interchange_export needs a browser and a path");
	if (fmt == INTERCHANGE_AUTO)
		fmt = has_suffix(path, ".json") ? INTERCHANGE_STORAGE_STATE : INTERCHANGE_COOKIES_TXT;
	char *text = NULL;
	size_t len = 0;
	int rc = interchange_render(&text, &len, b, fmt);
	if (rc == 0)
		rc = atomic_file_replace(path, text, len, 0600, "write"); /* 0600: cookies are credentials */
	free(text);
	return rc;
}
