/*
 * browser.c: the simulated browser's lifetime and the state every tab
 * shares: the virtual clock, the seeded random generator, the hosts file,
 * the cookie jar, localStorage, the trace, and what closing and restarting
 * the browser keep (browser-rules.md §8: session cookies and
 * sessionStorage end with the session unless the browser restores it).
 * Tabs live in tab.c, the script view in script.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "browser/browser_internal.h"
#include "browser/profile.h"
#include "net/host.h"
#include "util/error.h"
#include "util/grow.h"

/* Longest hosts-file line read; /etc/hosts lines are short, and this bounds hostile input. */
#define HOSTS_LINE_MAX 4096
/* Largest hosts file read (bytes): far beyond any real one. */
#define HOSTS_FILE_MAX (1024 * 1024)

/* ---- trace ---- */

/* Trace messages are cut at this many bytes less one: a cookie's sentence quotes its value, which may be 4 KiB. */
#define TRACE_MESSAGE_MAX 1024

/* Append an entry whose message (already cut to TRACE_MESSAGE_MAX - 1 bytes) is msg. */
static void trace_push(bsim_browser *b, bsim_trace_kind kind, int tab, const char *code, const char *subject,
		       const char *msg)
{
	trace_log *t = &b->trace;
	/* Asked only when full: every cookie a widget writes on a poll is traced. */
	if (t->n == t->cap && ARRAY_GROW(&t->entries, &t->cap, t->n + 1) < 0)
		return; /* the trace is a record; losing an entry under OOM must not fail the step */
	bsim_trace_entry *e = &t->entries[t->n];
	e->at = bsim_jar_time(b->jar);
	e->kind = kind;
	e->tab = tab;
	e->code = strdup(code);
	e->message = strdup(msg);
	e->subject = subject ? strdup(subject) : NULL;
	if (!e->code || !e->message) {
		free((char *)e->code);
		free((char *)e->message);
		free((char *)e->subject);
		return;
	}
	t->n++;
}

void trace_add(bsim_browser *b, bsim_trace_kind kind, int tab, const char *code, const char *subject,
	       const char *fmt, ...)
{
	char msg[TRACE_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	trace_push(b, kind, tab, code, subject, msg);
}

/*
 * trace_add with the message first then second, cut as trace_add cuts it,
 * without printf: the jar reports every cookie it stores through here, and
 * a widget writes cookies on every poll.
 */
static void trace_add2(bsim_browser *b, bsim_trace_kind kind, int tab, const char *code, const char *subject,
		       const char *first, const char *second)
{
	char msg[TRACE_MESSAGE_MAX];
	size_t n = 0;
	const char *parts[2] = {first, second};
	for (size_t i = 0; i < 2; i++) {
		size_t len = strlen(parts[i]);
		if (len > sizeof msg - 1 - n)
			len = sizeof msg - 1 - n;
		memcpy(msg + n, parts[i], len);
		n += len;
	}
	msg[n] = '\0';
	trace_push(b, kind, tab, code, subject, msg);
}

size_t bsim_browser_trace_count(const bsim_browser *b)
{
	return b->trace.n;
}

const bsim_trace_entry *bsim_browser_trace_at(const bsim_browser *b, size_t index)
{
	return index < b->trace.n ? &b->trace.entries[index] : NULL;
}

static const char *cookie_event_code(bsim_cookie_event_kind kind)
{
	switch (kind) {
	case BSIM_COOKIE_STORED: return "cookie-stored";
	case BSIM_COOKIE_REPLACED: return "cookie-replaced";
	case BSIM_COOKIE_DELETED: return "cookie-deleted";
	case BSIM_COOKIE_REFUSED: return "cookie-refused";
	case BSIM_COOKIE_EVICTED: return "cookie-evicted";
	case BSIM_COOKIE_EXPIRED: return "cookie-expired";
	case BSIM_COOKIE_SESSION_ENDED: return "cookie-session-ended";
	case BSIM_COOKIE_UNCHANGED: return "cookie-unchanged";
	}
	return "cookie";
}

static void forget_verdict(bsim_browser *b, const bsim_cookie_view *c);

/* Every jar event becomes a trace entry of the tab that acted (the call's actor);
 * refusals and evictions carry their reason code. */
static void on_cookie_event(const bsim_cookie_event *ev, int tab, void *ud)
{
	bsim_browser *b = ud;
	/* No state change: nothing for the trace, nor for the verdicts of the next request (cookie.h). */
	if (ev->kind == BSIM_COOKIE_UNCHANGED) {
		if (b->cookie_observer)
			b->cookie_observer(ev, b->cookie_observer_data);
		return;
	}
	char code[96];
	const char *kind = cookie_event_code(ev->kind);
	if (ev->kind == BSIM_COOKIE_REFUSED || ev->kind == BSIM_COOKIE_EVICTED)
		snprintf(code, sizeof code, "%s:%s", kind, bsim_cookie_reason_code(ev->reason));
	else
		snprintf(code, sizeof code, "%s", kind);
	/* The jar's sentence names Domain, Path and lifetime; a cookie's story also needs the
	 * attributes that decide where it is sent. */
	char attrs[128] = "";
	const bsim_cookie_view *c = ev->cookie;
	if (c && (ev->kind == BSIM_COOKIE_STORED || ev->kind == BSIM_COOKIE_REPLACED)) {
		static const char *const samesite[] = {"", "SameSite=None", "SameSite=Lax", "SameSite=Strict"};
		const char *parts[4] = {c->secure ? "Secure" : "", c->http_only ? "HttpOnly" : "",
					samesite[c->same_site & 3], c->partition_key ? "Partitioned" : ""};
		size_t n = 0;
		/* At most " with " and four names with ", " between: 69 bytes, so no part is ever cut. */
		for (size_t i = 0; i < 4; i++) {
			if (!*parts[i])
				continue;
			const char *sep = n ? ", " : " with ";
			size_t sl = strlen(sep), pl = strlen(parts[i]);
			memcpy(attrs + n, sep, sl);
			memcpy(attrs + n + sl, parts[i], pl);
			n += sl + pl;
		}
		attrs[n] = '\0';
	}
	trace_add2(b, BSIM_TRACE_COOKIE, tab, code, ev->cookie ? ev->cookie->name : NULL, ev->message, attrs);
	/* After a change in the jar, the next request's verdict on the cookie belongs in its story again. */
	if (ev->cookie)
		forget_verdict(b, ev->cookie);
	if (b->cookie_observer)
		b->cookie_observer(ev, b->cookie_observer_data);
}

typedef struct request_trace {
	bsim_browser *b;
	int tab;
	const char *url;
	const char *place;  /* what a verdict is news for: the request's URL */
} request_trace;

/* The identity of a stored cookie (RFC 6265bis §5.7: name, domain, path; and its partition), as a map key. */
static const char *verdict_key(buf *k, const bsim_cookie_view *c)
{
	buf_clear(k);
	/* 0x1F never occurs in a stored cookie's name, domain or path (control characters are refused). */
	buf_printf(k, "%s%s%s%s", c->name, c->domain, c->path, c->partition_key ? c->partition_key : "");
	return buf_status(k) == 0 ? buf_cstr(k) : NULL;
}

/*
 * Whether this verdict is news for the cookie's story: a story lists where
 * a cookie went and where it stopped going, not each of a thousand
 * navigations to one page. So a verdict is traced when it differs from the
 * last one traced for the cookie, or goes to another URL (so `<expect
 * request=URL carried=>` finds the verdict of every page a scenario
 * visits); any jar event for the cookie (on_cookie_event) makes the next
 * verdict news again. A rewrite of the same cookie is no jar event.
 */
static bool verdict_is_news(request_trace *rt, const bsim_cookie_view *c, const char *code)
{
	bsim_browser *b = rt->b;
	const char *key = verdict_key(&b->verdict_key, c);
	if (!key)
		return true;
	size_t klen = strlen(key);
	char *old = strmap_get(&b->last_verdict, key, klen);
	size_t clen = strlen(code);
	if (old && strncmp(old, code, clen) == 0 && old[clen] == ' ' && strcmp(old + clen + 1, rt->place) == 0)
		return false;
	size_t size = clen + 1 + strlen(rt->place) + 1;
	char *now = malloc(size);
	if (!now)
		return true;
	snprintf(now, size, "%s %s", code, rt->place);
	if (strmap_put(&b->last_verdict, key, klen, now) < 0) {
		free(now);
		return true;
	}
	free(old);
	return true;
}

static void forget_verdict(bsim_browser *b, const bsim_cookie_view *c)
{
	const char *key = verdict_key(&b->verdict_key, c);
	if (key)
		free(strmap_remove(&b->last_verdict, key, strlen(key)));
}

static void on_verdict(const bsim_cookie_view *c, bsim_send_verdict v, const char *why, void *ud)
{
	request_trace *rt = ud;
	char code[64];
	snprintf(code, sizeof code, v == BSIM_SEND_SENT ? "cookie-sent" : "cookie-not-sent:%s", bsim_send_verdict_code(v));
	if (!verdict_is_news(rt, c, code))
		return;
	if (v == BSIM_SEND_SENT) {
		trace_add(rt->b, BSIM_TRACE_COOKIE, rt->tab, "cookie-sent", c->name, "cookie %s sent to %s", c->name,
			  rt->url);
		return;
	}
	trace_add(rt->b, BSIM_TRACE_COOKIE, rt->tab, code, c->name, "cookie %s not sent to %s: %s", c->name, rt->url,
		  why);
}

int browser_trace_request(bsim_browser *b, const url *u, const jar_call *call)
{
	request_trace rt = {b, call->actor, u->text, u->text};
	return jar_request_verdicts(b->jar, u, call, on_verdict, &rt);
}

void bsim_browser_set_cookie_observer(bsim_browser *b, bsim_cookie_observer fn, void *userdata)
{
	b->cookie_observer = fn;
	b->cookie_observer_data = userdata;
}

/* ---- lifetime ---- */

int bsim_browser_new(bsim_browser **out, const bsim_browser_options *opts)
{
	bsim_browser_options defaults = BSIM_BROWSER_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version != BSIM_BROWSER_OPTIONS_VERSION)
		return error_set(BSIM_EINVAL, "browser options version %u; this build knows %d", opts->version,
				 BSIM_BROWSER_OPTIONS_VERSION);
	bsim_browser *b = calloc(1, sizeof *b);
	if (!b)
		return error_oom();
	if (opts->page_load_ms < 0) {
		free(b);
		return error_set(BSIM_EINVAL, "a page load time is 0 ms or more, not %lld", (long long)opts->page_load_ms);
	}
	b->opts = *opts;
	b->focused = -1;
	b->next_tab_id = 1;
	b->rng = opts->seed;
	int rc;
	if (opts->profile_path && !(b->profile_path = strdup(opts->profile_path))) {
		rc = error_oom();
		goto fail;
	}
	b->opts.profile_path = b->profile_path;
	if ((rc = bsim_jar_new(&b->jar, opts->engine)) < 0)
		goto fail;
	bsim_jar_set_time(b->jar, opts->start_time);
	jar_set_actor_observer(b->jar, on_cookie_event, b);
	if ((rc = url_cache_new(&b->urls)) < 0)
		goto fail;
	if ((rc = storage_map_new(&b->local, opts->engine, STORAGE_LOCAL)) < 0)
		goto fail;
	if ((rc = browser_ensure_running(b)) < 0)
		goto fail;
	*out = b;
	return 0;
fail:
	bsim_browser_free(b);
	return rc;
}

static void free_host_value(const char *key, void *value, void *ud)
{
	(void)key;
	(void)ud;
	free(value);
}

void bsim_browser_free(bsim_browser *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n_tabs; i++)
		tab_free(b->tabs[i]);
	free(b->tabs);
	for (size_t i = 0; i < b->n_restore; i++)
		tab_free(b->restore[i]);
	free(b->restore);
	strmap_foreach(&b->hosts, free_host_value, NULL);
	strmap_free(&b->hosts);
	strmap_foreach(&b->last_verdict, free_host_value, NULL);
	strmap_free(&b->last_verdict);
	buf_free(&b->verdict_key);
	storage_map_free(b->local);
	bsim_jar_free(b->jar);
	url_cache_free(b->urls);
	for (size_t i = 0; i < b->trace.n; i++) {
		free((char *)b->trace.entries[i].code);
		free((char *)b->trace.entries[i].message);
		free((char *)b->trace.entries[i].subject);
	}
	free(b->trace.entries);
	free(b->page_listeners);
	buf_free(&b->scratch);
	free(b->profile_path);
	free(b);
}

bsim_engine bsim_browser_engine(const bsim_browser *b)
{
	return b->opts.engine;
}

bsim_jar *bsim_browser_jar(bsim_browser *b)
{
	return b->jar;
}

int bsim_browser_running(const bsim_browser *b)
{
	return b->running;
}

static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

int browser_ensure_running(bsim_browser *b)
{
	if (b->running)
		return 0;
	/* A profile, when there is one, is the persistent state a start reads. */
	if (b->profile_path && file_exists(b->profile_path)) {
		int rc = profile_load(b->profile_path, b->jar, &b->local, b->opts.engine);
		if (rc < 0)
			return rc;
		trace_add(b, BSIM_TRACE_SESSION, -1, "profile-loaded", NULL, "profile %s loaded", b->profile_path);
	}
	b->running = true;
	trace_add(b, BSIM_TRACE_SESSION, -1, "browser-started", NULL, "the browser started");
	/* C3: with session restore the tabs come back, with their sessionStorage. */
	if (b->n_restore) {
		for (size_t i = 0; i < b->n_restore; i++) {
			tab *t = b->restore[i];
			int rc = ARRAY_GROW(&b->tabs, &b->cap_tabs, b->n_tabs + 1);
			if (rc < 0)
				return rc;
			b->tabs[b->n_tabs++] = t;
			trace_add(b, BSIM_TRACE_TAB, t->id, "tab-restored", NULL, "tab %d restored on %s", t->id,
				  t->url ? t->url : "about:blank");
			page_emit(b, BSIM_PAGE_LOAD, t, 1, 0);
		}
		free(b->restore);
		b->restore = NULL;
		b->n_restore = 0;
		/* I.16 (widget-behaviour.md, Chromium 156): the restored window has
		 * no focus until the user gives it some; its last tab is the active one. */
		if (b->n_tabs)
			b->focused = b->tabs[b->n_tabs - 1]->id;
		b->window_focused = false;
	}
	return 0;
}

int bsim_browser_close(bsim_browser *b)
{
	if (!b->running)
		return 0;
	trace_add(b, BSIM_TRACE_SESSION, -1, "browser-closed", NULL, "the browser closed%s",
		  b->opts.session_restore ? " (session restore on: the session is kept)" : "");
	if (b->opts.session_restore) {
		/* C3: the tabs, their sessionStorage and the session cookies wait for the next start. */
		b->restore = b->tabs;
		b->n_restore = b->n_tabs;
		for (size_t i = 0; i < b->n_tabs; i++)
			page_emit(b, BSIM_PAGE_UNLOAD, b->tabs[i], 0, 1);
	} else {
		for (size_t i = 0; i < b->n_tabs; i++) {
			trace_add(b, BSIM_TRACE_TAB, b->tabs[i]->id, "tab-closed", NULL, "tab %d closed with the browser",
				  b->tabs[i]->id);
			page_emit(b, BSIM_PAGE_UNLOAD, b->tabs[i], 0, 0);
			tab_free(b->tabs[i]);
		}
		free(b->tabs);
		/* C1-C2: session cookies end with the session. */
		bsim_jar_end_session(b->jar);
	}
	b->tabs = NULL;
	b->n_tabs = b->cap_tabs = 0;
	b->focused = -1;
	b->window_focused = false;
	b->running = false;
	if (b->profile_path) {
		int rc = profile_save(b->profile_path, b->jar, b->local, b->opts.engine);
		if (rc < 0)
			return rc;
		trace_add(b, BSIM_TRACE_SESSION, -1, "profile-saved", NULL, "profile %s saved", b->profile_path);
	}
	return 0;
}

int bsim_browser_restart(bsim_browser *b)
{
	int rc = bsim_browser_close(b);
	if (rc < 0)
		return rc;
	return browser_ensure_running(b);
}

int bsim_browser_save_profile(bsim_browser *b, const char *path)
{
	int rc = profile_save(path, b->jar, b->local, b->opts.engine);
	if (rc == 0)
		trace_add(b, BSIM_TRACE_SESSION, -1, "profile-saved", NULL, "profile %s saved", path);
	return rc;
}

int bsim_browser_load_profile(bsim_browser *b, const char *path)
{
	int rc = profile_load(path, b->jar, &b->local, b->opts.engine);
	if (rc == 0)
		trace_add(b, BSIM_TRACE_SESSION, -1, "profile-loaded", NULL, "profile %s loaded", path);
	return rc;
}

/* ---- time and randomness ---- */

bsim_time bsim_browser_now(const bsim_browser *b)
{
	return bsim_jar_time(b->jar);
}

int bsim_browser_wait(bsim_browser *b, bsim_time ms)
{
	if (ms < 0)
		return error_set(BSIM_EINVAL, "cannot wait a negative time (%lld ms)", (long long)ms);
	bsim_time now = bsim_jar_time(b->jar);
	if (now > INT64_MAX - ms)
		return error_set(BSIM_ELIMIT, "the virtual clock would overflow");
	bsim_jar_set_time(b->jar, now + ms);
	/* The trace shows a cookie expiring during the wait, not at the next lookup of its site. */
	bsim_jar_expire(b->jar);
	return 0;
}

uint64_t bsim_browser_random(bsim_browser *b)
{
	/* splitmix64: small, fast, and the same sequence on every platform. */
	uint64_t z = (b->rng += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

void bsim_browser_guid(bsim_browser *b, char out[37])
{
	uint64_t hi = bsim_browser_random(b), lo = bsim_browser_random(b);
	/* RFC 9562 version 4, variant 10. */
	hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
	lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
	snprintf(out, 37, "%08llx-%04llx-%04llx-%04llx-%012llx", (unsigned long long)(hi >> 32),
		 (unsigned long long)((hi >> 16) & 0xFFFF), (unsigned long long)(hi & 0xFFFF),
		 (unsigned long long)(lo >> 48), (unsigned long long)(lo & 0xFFFFFFFFFFFFULL));
}

/* ---- hosts ---- */

size_t browser_hosts_key_len(const char *host)
{
	size_t len = strlen(host);
	return len > 1 && host[len - 1] == '.' ? len - 1 : len;
}

const char *browser_hosts_lookup(const bsim_browser *b, const char *host)
{
	return strmap_get(&b->hosts, host, browser_hosts_key_len(host));
}

int bsim_browser_add_hosts(bsim_browser *b, const char *text, const char *source)
{
	if (!source)
		source = "hosts";
	int lineno = 0;
	const char *p = text;
	while (*p) {
		lineno++;
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len > HOSTS_LINE_MAX)
			return error_set_at(BSIM_ELIMIT, source, lineno, 0, "hosts line longer than %d bytes", HOSTS_LINE_MAX);
		char line[HOSTS_LINE_MAX + 1];
		memcpy(line, p, len);
		line[len] = '\0';
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *save = NULL, *tok = strtok_r(line, " \t\r", &save);
		if (tok) {
			char *ip = NULL;
			if (host_canonicalize(&ip, tok, strlen(tok)) < 0 ||
			    (host_classify(ip) != HOST_KIND_IPV4 && host_classify(ip) != HOST_KIND_IPV6)) {
				free(ip);
				/* An unbracketed IPv6 address is what hosts files hold. */
				if (strchr(tok, ':')) {
					char br[128];
					snprintf(br, sizeof br, "[%s]", tok);
					if (host_canonicalize(&ip, br, strlen(br)) < 0)
						ip = NULL;
				} else {
					ip = NULL;
				}
				if (!ip)
					return error_set_at(BSIM_EINVAL, source, lineno, 0,
							    "\"%s\" is not an IP address; a hosts line is an address then names, e.g. \"127.0.0.1 www.shop.com\"",
							    tok);
			}
			int names = 0;
			const char *address = tok;
			while ((tok = strtok_r(NULL, " \t\r", &save))) {
				char *name = NULL;
				if (host_canonicalize(&name, tok, strlen(tok)) < 0) {
					/* the location lives in the fields (error_render); the wrap keeps the inner reason whole */
					error_wrap_at(BSIM_EINVAL, source, lineno, 0, "bad host name \"%s\"", tok);
					free(ip);
					return BSIM_EINVAL;
				}
				char *copy = strdup(ip);
				size_t key = browser_hosts_key_len(name);
				void *old = strmap_get(&b->hosts, name, key);
				if (!copy || strmap_put(&b->hosts, name, key, copy) < 0) {
					free(copy);
					free(name);
					free(ip);
					return error_oom();
				}
				free(old);
				free(name);
				names++;
			}
			if (!names) {
				free(ip);
				return error_set_at(BSIM_EINVAL, source, lineno, 0,
						    "address %s names no host; add the names after it", address);
			}
			free(ip);
		}
		p += len;
		if (*p == '\n')
			p++;
	}
	return 0;
}

int bsim_browser_load_hosts_file(bsim_browser *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return error_set(BSIM_EIO, "cannot read hosts file %s", path);
	char *text = malloc(HOSTS_FILE_MAX + 1);
	if (!text) {
		fclose(f);
		return error_oom();
	}
	size_t n = fread(text, 1, HOSTS_FILE_MAX + 1, f);
	fclose(f);
	if (n > HOSTS_FILE_MAX) {
		free(text);
		return error_set(BSIM_ELIMIT, "hosts file %s is larger than %d bytes", path, HOSTS_FILE_MAX);
	}
	text[n] = '\0';
	int rc = bsim_browser_add_hosts(b, text, path);
	free(text);
	return rc;
}

int bsim_browser_resolve(bsim_browser *b, const char *text)
{
	url *u;
	int rc = url_parse(&u, text);
	if (rc < 0)
		return rc;
	rc = browser_resolve_url(b, u);
	url_free(u);
	return rc;
}

int browser_resolve_url(bsim_browser *b, const url *u)
{
	int rc = 0;
	/* file: has no host; IP literals need no lookup; browsers resolve localhost and *.localhost to loopback. */
	bool ok = u->scheme == URL_SCHEME_FILE || u->kind == HOST_KIND_IPV4 || u->kind == HOST_KIND_IPV6 ||
		  u->kind == HOST_KIND_LOCALHOST || u->kind == HOST_KIND_LOCALHOST_SUB || b->opts.open_resolution;
	if (!ok)
		ok = browser_hosts_lookup(b, u->host) != NULL;
	if (!ok)
		rc = error_set(BSIM_ERESOLVE,
			       "cannot resolve %s: the host is not in the hosts file; add a line such as \"127.0.0.1 %.*s\" to the hosts, or allow open resolution",
			       u->host, (int)browser_hosts_key_len(u->host), u->host);
	return rc;
}

/* ---- origins ---- */

int browser_origin_of(const bsim_browser *b, const url *u, buf *out)
{
	buf_clear(out);
	if (u->scheme == URL_SCHEME_FILE) {
		/* W8: Chromium keeps one area for every file: page; Firefox one per directory (§14). */
		buf_puts(out, "file://");
		if (b->opts.engine == BSIM_ENGINE_FIREFOX) {
			const char *slash = strrchr(u->path, '/');
			buf_put(out, u->path, slash ? (size_t)(slash - u->path) + 1 : 0);
		}
		return buf_status(out);
	}
	buf_printf(out, "%s://%s:%d", url_scheme_name(u->scheme), u->host, u->port);
	return buf_status(out);
}

/* ---- localStorage outside pages ---- */

int bsim_browser_local_set(bsim_browser *b, const char *origin, const char *key, const char *value)
{
	storage_change ch = {false, NULL};
	int rc = storage_map_set(b->local, origin, NULL, key, value, &ch);
	free(ch.old_value);
	return rc;
}

typedef struct local_visit {
	bsim_local_visit fn;
	void *ud;
} local_visit;

static int visit_origin(const char *origin, const storage_area *a, void *ud)
{
	local_visit *lv = ud;
	size_t n = storage_area_length(a);
	for (size_t i = 0; i < n; i++) {
		const char *k = storage_area_key(a, i);
		int rc = lv->fn(origin, k, storage_area_get(a, k), lv->ud);
		if (rc)
			return rc;
	}
	return 0;
}

int bsim_browser_local_foreach(bsim_browser *b, bsim_local_visit fn, void *userdata)
{
	local_visit lv = {fn, userdata};
	return storage_map_foreach(b->local, visit_origin, &lv);
}
