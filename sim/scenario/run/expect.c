/*
 * expect.c: the <expect> step and its built-in variants
 * (docs/scenario-language.md, "Expectations"). The attribute that names
 * what is checked (cookie=, local=, refused=, ...) picks a variant from the
 * expect registry, so widget expectations plug in beside these. Each
 * variant checks its attributes when the file loads and, when it runs, only
 * looks: the jar, the script view, storage and the trace. A false
 * expectation says what was asked and what was found, in the words of the
 * scenario file (`cookie="sid" value="2" (was: value="1")`), and hands
 * run_fail the cookie or key concerned so the runner can add the cause the
 * trace gives. Here: cookie= (the jar's own view), local= and session=
 * (storage), refused= and evicted= (the trace), event=, tabs=, focused=;
 * what a page and a server see of cookies (document-cookie=,
 * cookie-header=) is in expect_cookie.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario/run/expect_internal.h"

/* ---- shared ---- */

/* after=, at= and within= say when to look (docs/scenario-language.md, "Time", "Waiting"), not what is asked. */
static bool is_timing(const char *name)
{
	return strcmp(name, "after") == 0 || strcmp(name, "at") == 0 || strcmp(name, "within") == 0;
}

size_t expect_asked_count(const step *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n_attrs; i++)
		n += !is_timing(s->attr_names[i]);
	return n;
}

void expect_put_asked(buf *b, const step *s)
{
	size_t start = b->len;
	for (size_t i = 0; i < s->n_attrs; i++)
		if (!is_timing(s->attr_names[i]))
			buf_printf(b, "%s%s=\"%s\"", b->len > start ? " " : "", s->attr_names[i], s->attr_values[i]);
}

/* run_fail with the asked attributes first and "(was: ...)" after. */
int expect_fail_was(run_ctx *rc, const step *s, const char *subject, const char *was)
{
	buf b = BUF_INIT;
	expect_put_asked(&b, s);
	int r = buf_status(&b) < 0 ? error_oom()
				    : run_fail(rc, s, subject, "%s (was: %s)", buf_cstr(&b), was);
	buf_free(&b);
	return r;
}

/* A reason code for refused=/evicted= (bsim cookie --explain lists them). */
static int check_reason(const step *s)
{
	const char *code = step_attr(s, "reason");
	bsim_cookie_reason r;
	if (code && bsim_cookie_reason_from_code(&r, code) < 0)
		return step_error(s, BSIM_EINVAL,
				  "reason=\"%s\" is not a cookie reason code (e.g. public-suffix, domain-mismatch, domain-limit; `bsim cookie --explain` lists them)",
				  code);
	return 0;
}

/* A tab name an expectation looks at must be one the scenario opened: found by run_tab. */

/* ---- cookie="NAME": the jar's own view ---- */

typedef struct cookie_query {
	const char *name;
	int present;
	const char *value;
	const char *domain;   /* without the leading dot */
	int host_only;        /* with domain: 1 for "x.com", 0 for ".x.com" */
	const char *path;
	int secure, http_only, session; /* -1: not asked */
	int same_site;                  /* a bsim_samesite, or -1 */
	int64_t younger_ms, older_ms;   /* the value as epoch ms is younger / at least this old; -1: not asked */
	int64_t now_ms;                 /* the virtual clock, for younger_ms and older_ms */
} cookie_query;

static const char *const same_site_names[] = {"unspecified", "none", "lax", "strict"};

static int query_bool(const step *s, const char *name, int *out)
{
	*out = -1;
	return step_attr(s, name) ? step_attr_bool(s, name, 0, out) : 0;
}

static int cookie_query_of(cookie_query *q, const step *s)
{
	memset(q, 0, sizeof *q);
	q->name = step_attr(s, "cookie");
	q->value = step_attr(s, "value");
	q->path = step_attr(s, "path");
	q->same_site = -1;
	int rc;
	q->younger_ms = q->older_ms = -1;
	if ((step_attr(s, "younger-than") && (rc = step_attr_duration(s, "younger-than", &q->younger_ms)) < 0) ||
	    (step_attr(s, "older-than") && (rc = step_attr_duration(s, "older-than", &q->older_ms)) < 0))
		return rc;
	if ((rc = step_attr_bool(s, "present", 1, &q->present)) < 0 || (rc = query_bool(s, "secure", &q->secure)) < 0 ||
	    (rc = query_bool(s, "http-only", &q->http_only)) < 0 || (rc = query_bool(s, "session", &q->session)) < 0)
		return rc;
	const char *d = step_attr(s, "domain");
	if (d) {
		q->host_only = d[0] != '.';
		q->domain = q->host_only ? d : d + 1;
		if (!*q->domain)
			return step_error(s, BSIM_EINVAL, "domain=\"%s\" names no host: write \".x.com\" for a domain cookie, \"x.com\" for a host-only one", d);
	}
	const char *ss = step_attr(s, "same-site");
	if (ss) {
		for (int i = 0; i < 4; i++)
			if (strcmp(ss, same_site_names[i]) == 0)
				q->same_site = i;
		if (q->same_site < 0)
			return step_error(s, BSIM_EINVAL, "same-site=\"%s\": write none, lax, strict or unspecified", ss);
	}
	return 0;
}

static bool cookie_matches(const cookie_query *q, const bsim_cookie_view *v)
{
	if (strcmp(v->name, q->name) != 0)
		return false;
	if (q->value && strcmp(v->value, q->value) != 0)
		return false;
	if (q->domain && (v->host_only != q->host_only || strcasecmp(v->domain, q->domain) != 0))
		return false;
	if (q->path && strcmp(v->path, q->path) != 0)
		return false;
	if (q->secure >= 0 && !v->secure != !q->secure)
		return false;
	if (q->http_only >= 0 && !v->http_only != !q->http_only)
		return false;
	if (q->session >= 0 && !v->persistent == !q->session)
		return false;
	if (q->same_site >= 0 && (int)v->same_site != q->same_site)
		return false;
	if (q->younger_ms >= 0 || q->older_ms >= 0) {
		/* An instant the page wrote as JavaScript's Date.now(): decimal milliseconds since the epoch. */
		char *end;
		long long at = strtoll(v->value, &end, 10);
		if (!*v->value || *end)
			return false;
		int64_t age = q->now_ms - (int64_t)at;
		if ((q->younger_ms >= 0 && age >= q->younger_ms) || (q->older_ms >= 0 && age < q->older_ms))
			return false;
	}
	return true;
}

/* One cookie, in the attributes of <expect cookie=...>: all of them, or only those the query asks about. */
static void put_cookie(buf *b, const bsim_cookie_view *v, const cookie_query *q, bool all)
{
	size_t start = b->len;
#define SEP (b->len > start ? " " : "")
	if (all || q->value || q->younger_ms >= 0 || q->older_ms >= 0)
		buf_printf(b, "%svalue=\"%s\"", SEP, v->value);
	char *end;
	long long at = strtoll(v->value, &end, 10);
	if ((q->younger_ms >= 0 || q->older_ms >= 0) && *v->value && !*end)
		buf_printf(b, "%sage=\"%lldms\"", SEP, (long long)(q->now_ms - at));
	if (all || q->domain)
		buf_printf(b, "%sdomain=\"%s%s\"", SEP, v->host_only ? "" : ".", v->domain);
	if (all || q->path)
		buf_printf(b, "%spath=\"%s\"", SEP, v->path);
	if (all || q->secure >= 0)
		buf_printf(b, "%ssecure=\"%s\"", SEP, v->secure ? "true" : "false");
	if (all || q->http_only >= 0)
		buf_printf(b, "%shttp-only=\"%s\"", SEP, v->http_only ? "true" : "false");
	if (all || q->same_site >= 0)
		buf_printf(b, "%ssame-site=\"%s\"", SEP,
			   (unsigned)v->same_site < 4 ? same_site_names[v->same_site] : "unspecified");
	if (all || q->session >= 0)
		buf_printf(b, "%ssession=\"%s\"", SEP, v->persistent ? "false" : "true");
#undef SEP
}

void expect_put_cookie(buf *b, const bsim_cookie_view *v)
{
	cookie_query all = {.younger_ms = -1, .older_ms = -1};
	put_cookie(b, v, &all, true);
}

typedef struct cookie_search {
	const cookie_query *q;
	size_t named;        /* cookies with the name */
	size_t matching;
	buf named_desc;      /* "; "-joined, each as the query's attributes */
	buf match_desc;      /* the first match, in full */
} cookie_search;

static int visit_cookie(const bsim_cookie_view *v, void *ud)
{
	cookie_search *cs = ud;
	if (strcmp(v->name, cs->q->name) != 0)
		return 0;
	if (cs->named++)
		buf_puts(&cs->named_desc, "; ");
	put_cookie(&cs->named_desc, v, cs->q, false);
	if (cookie_matches(cs->q, v) && !cs->matching++)
		put_cookie(&cs->match_desc, v, cs->q, true);
	return 0;
}

static int cookie_prepare(step *s)
{
	cookie_query q;
	if ((step_attr(s, "request") != NULL) != (step_attr(s, "carried") != NULL))
		return step_error(s, BSIM_EINVAL, "request=\"URL\" and carried=\"true|false\" go together: whether the latest request to URL carried the cookie");
	if (step_attr(s, "request") && expect_asked_count(s) != 3)
		return step_error(s, BSIM_EINVAL, "request= and carried= check the trace, not the jar: they take no other attribute than cookie=");
	return cookie_query_of(&q, s);
}

/* request="URL" carried="BOOL": the latest verdict the trace recorded for the cookie on a request to URL (verdicts
 * are recorded when they are news, so the latest one at or before a request is that request's). */
static int cookie_carried_check(step *s, run_ctx *rc)
{
	const char *name = step_attr(s, "cookie"), *url = step_attr(s, "request");
	int want;
	int code = step_attr_bool(s, "carried", 0, &want);
	if (code < 0)
		return code;
	size_t ul = strlen(url);
	const bsim_trace_entry *last = NULL;
	for (size_t i = 0, n = bsim_browser_trace_count(rc->browser); i < n; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(rc->browser, i);
		if (e->kind != BSIM_TRACE_COOKIE || !e->subject || strcmp(e->subject, name) != 0 ||
		    (strcmp(e->code, "cookie-sent") != 0 && strncmp(e->code, "cookie-not-sent:", 16) != 0))
			continue;
		/* The message names the request's URL after "sent to " (browser.c on_verdict). */
		const char *at = strstr(e->message, " sent to ");
		if (at && strncmp(at + 9, url, ul) == 0 && (at[9 + ul] == '\0' || at[9 + ul] == ':'))
			last = e;
	}
	if (last && (strcmp(last->code, "cookie-sent") == 0) == (want != 0))
		return 0;
	return expect_fail_was(rc, s, NULL, last ? last->code : "no request to that URL in the trace considered the cookie");
}

static int cookie_check(step *s, run_ctx *rc)
{
	if (step_attr(s, "request"))
		return cookie_carried_check(s, rc);
	cookie_query q;
	int code = cookie_query_of(&q, s);
	if (code < 0)
		return code;
	q.now_ms = bsim_browser_now(rc->browser);
	cookie_search cs = {&q, 0, 0, BUF_INIT, BUF_INIT};
	code = bsim_jar_foreach(bsim_browser_jar(rc->browser), visit_cookie, &cs);
	if (code >= 0 && (buf_status(&cs.named_desc) < 0 || buf_status(&cs.match_desc) < 0))
		code = error_oom();
	if (code >= 0) {
		if (q.present && !cs.matching) {
			/* Attributes asked of a cookie that is there but differs: show what it has; it is not "absent". */
			const char *was = cs.named && buf_cstr(&cs.named_desc)[0] ? buf_cstr(&cs.named_desc) : "absent";
			code = expect_fail_was(rc, s, q.name, was);
		} else if (!q.present && cs.matching) {
			buf was = BUF_INIT;
			buf_printf(&was, "present: %s", buf_cstr(&cs.match_desc));
			code = buf_status(&was) < 0 ? error_oom() : expect_fail_was(rc, s, NULL, buf_cstr(&was));
			buf_free(&was);
		}
	}
	buf_free(&cs.named_desc);
	buf_free(&cs.match_desc);
	return code;
}

/* ---- local="KEY", session="KEY" ---- */

static int storage_prepare_kind(step *s, const char *attr)
{
	int present, rc = step_attr_bool(s, "present", 1, &present);
	if (rc < 0)
		return rc;
	if (!present && step_attr(s, "value"))
		return step_error(s, BSIM_EINVAL, "<expect %s=...> takes value=\"...\" or present=\"false\", not both", attr);
	return 0;
}

static int local_prepare(step *s)
{
	return storage_prepare_kind(s, "local");
}

static int session_prepare(step *s)
{
	return storage_prepare_kind(s, "session");
}

static int storage_check_kind(step *s, run_ctx *rc, const char *attr, bsim_storage_kind kind)
{
	const char *key = step_attr(s, attr), *want = step_attr(s, "value");
	int present, id;
	int code = step_attr_bool(s, "present", 1, &present);
	if (code < 0 || (code = run_tab(&id, rc, s)) < 0)
		return code;
	char *got = NULL;
	const char *area = kind == BSIM_STORAGE_LOCAL ? "localStorage" : "sessionStorage";
	if ((code = bsim_storage_get(&got, rc->browser, id, kind, key)) == BSIM_ESECURITY)
		return step_error(s, code, "tab \"%s\" shows about:blank, whose opaque origin has no %s (SecurityError)",
				  rc->last_tab, area);
	if (code < 0)
		return code == BSIM_ENOMEM ? code : step_wrap(s, code, "%s could not be read", area);
	buf was = BUF_INIT;
	if (got)
		buf_printf(&was, "\"%s\"", got);
	else
		buf_puts(&was, "absent");
	if (buf_status(&was) < 0)
		code = error_oom();
	else if (!present && got)
		code = expect_fail_was(rc, s, NULL, buf_cstr(&was));
	else if (present && (!got || (want && strcmp(got, want) != 0)))
		code = expect_fail_was(rc, s, key, buf_cstr(&was));
	buf_free(&was);
	free(got);
	return code;
}

static int local_check(step *s, run_ctx *rc)
{
	return storage_check_kind(s, rc, "local", BSIM_STORAGE_LOCAL);
}

static int session_check(step *s, run_ctx *rc)
{
	return storage_check_kind(s, rc, "session", BSIM_STORAGE_SESSION);
}

/* ---- refused="NAME", evicted="NAME": what the trace shows ---- */

static int refused_prepare(step *s)
{
	return check_reason(s);
}

static int evicted_prepare(step *s)
{
	int rc = check_reason(s);
	if (rc < 0)
		return rc;
	/* Only the limits evict: an expiry or a session end is its own trace entry. */
	const char *reason = step_attr(s, "reason");
	if (reason && strcmp(reason, "domain-limit") != 0 && strcmp(reason, "global-limit") != 0)
		return step_error(s, BSIM_EINVAL,
				  "evicted= takes reason=\"domain-limit\" or \"global-limit\" (was \"%s\"); to check that a cookie expired or ended with the session, use <expect cookie=\"NAME\" present=\"false\"/>",
				  reason);
	return 0;
}

/* Passes when the trace has an entry "PREFIX[:REASON]" for the cookie. */
static int trace_check_kind(step *s, run_ctx *rc, const char *attr, const char *prefix)
{
	const char *name = step_attr(s, attr), *reason = step_attr(s, "reason");
	char want[128];
	snprintf(want, sizeof want, "%s%s%s", prefix, reason ? ":" : "", reason ? reason : "");
	size_t wl = strlen(want);
	const char *latest = NULL;
	size_t n = bsim_browser_trace_count(rc->browser);
	for (size_t i = 0; i < n; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(rc->browser, i);
		if (e->kind != BSIM_TRACE_COOKIE || !e->subject || strcmp(e->subject, name) != 0)
			continue;
		if (strncmp(e->code, want, wl) == 0 && (e->code[wl] == '\0' || e->code[wl] == ':'))
			return 0;
		/* What happened to the cookie in the jar; a request carrying it or not changes nothing there. */
		if (strncmp(e->code, "cookie-sent", 11) != 0 && strncmp(e->code, "cookie-not-sent", 15) != 0)
			latest = e->code;
	}
	return expect_fail_was(rc, s, name, latest ? latest : "no entry for this cookie in the trace");
}

static int refused_check(step *s, run_ctx *rc)
{
	return trace_check_kind(s, rc, "refused", "cookie-refused");
}

static int evicted_check(step *s, run_ctx *rc)
{
	return trace_check_kind(s, rc, "evicted", "cookie-evicted");
}

/* ---- event="storage" (other events: the extension that publishes them, e.g. the widget's) ---- */

static const expect_kind *event_ext;

void expect_event_extend(const expect_kind *k)
{
	event_ext = k;
}

static bool event_is_storage(const step *s)
{
	return strcmp(step_attr(s, "event"), "storage") == 0;
}

static int event_prepare(step *s)
{
	if (!event_is_storage(s) && event_ext)
		return event_ext->prepare(s);
	if (!event_is_storage(s))
		return step_error(s, BSIM_EINVAL, "event=\"%s\": the event bsim checks is event=\"storage\"", step_attr(s, "event"));
	int count;
	int rc = step_attr_count(s, "count", &count);
	return rc == BSIM_ENOTFOUND ? 0 : rc;
}

static int event_check(step *s, run_ctx *rc)
{
	if (!event_is_storage(s) && event_ext)
		return event_ext->check(s, rc);
	const char *key = step_attr(s, "key");
	int id, count = -1;
	int code = step_attr_count(s, "count", &count);
	if ((code < 0 && code != BSIM_ENOTFOUND) || (code = run_tab(&id, rc, s)) < 0)
		return code;
	int got = 0;
	size_t n = bsim_browser_trace_count(rc->browser);
	for (size_t i = 0; i < n; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(rc->browser, i);
		if (e->tab == id && strcmp(e->code, "event-storage") == 0 &&
		    (!key || (e->subject && strcmp(e->subject, key) == 0)))
			got++;
	}
	if (count >= 0 ? got == count : got > 0)
		return 0;
	char was[32];
	snprintf(was, sizeof was, "%d", got);
	return expect_fail_was(rc, s, key, was);
}

/* ---- tabs="N", focused="NAME" ---- */

static int tabs_prepare(step *s)
{
	int n;
	return step_attr_count(s, "tabs", &n);
}

static int tabs_check(step *s, run_ctx *rc)
{
	int want = 0;
	int code = step_attr_count(s, "tabs", &want);
	if (code < 0)
		return code;
	size_t got = bsim_browser_tab_count(rc->browser);
	if (got == (size_t)want)
		return 0;
	char was[32];
	snprintf(was, sizeof was, "%zu", got);
	return expect_fail_was(rc, s, NULL, was);
}

typedef struct name_of {
	int id;
	const char *name;
} name_of;

static void find_name(const char *key, void *value, void *ud)
{
	name_of *n = ud;
	/* Two names for one tab cannot happen (each <tab> opens a new one), but keep the first in order. */
	if ((int)(intptr_t)value == n->id && (!n->name || strcmp(key, n->name) < 0))
		n->name = key;
}

static int focused_check(step *s, run_ctx *rc)
{
	const char *want = step_attr(s, "focused");
	void *v = strmap_get(&rc->tabs, want, strlen(want));
	if (!v)
		return step_error(s, BSIM_ENOTFOUND, "focused=\"%s\": no tab has that name", want);
	int focused = bsim_browser_focused_tab(rc->browser);
	if (focused == (int)(intptr_t)v)
		return 0;
	name_of n = {focused, NULL};
	strmap_foreach(&rc->tabs, find_name, &n);
	char was[300];
	if (focused < 0)
		snprintf(was, sizeof was, "no tab focused");
	else if (n.name)
		snprintf(was, sizeof was, "\"%.256s\"", n.name);
	else
		snprintf(was, sizeof was, "an unnamed tab");
	return expect_fail_was(rc, s, NULL, was);
}

/* ---- the <expect> step ---- */

/*
 * A variant that keeps data from its prepare gets it back in check; the
 * step's data then holds the variant with it, since release sees only the data.
 */
typedef struct expect_box {
	const expect_kind *kind;
	void *data;
} expect_box;

static int expect_prepare(step *s)
{
	const expect_kind *k = expect_kind_for(s);
	if (!k)
		return step_error(s, BSIM_EINVAL,
				  "<expect> needs an attribute saying what to check: cookie, document-cookie, document-cookie-contains, document-cookie-lacks, cookie-header, local, session, refused, evicted, event, tabs or focused");
	s->data = NULL;
	/* The attributes the schema gives this variant, then the variant's own checks. */
	int rc = step_check_attrs(s, k->attr);
	if (rc == 0 && k->prepare)
		rc = k->prepare(s);
	if (rc < 0 || !s->data)
		return rc;
	expect_box *box = malloc(sizeof *box);
	if (!box) {
		if (k->release)
			k->release(s->data);
		s->data = NULL;
		return error_oom();
	}
	box->kind = k;
	box->data = s->data;
	s->data = box;
	return 0;
}

static int expect_run(step *s, run_ctx *rc)
{
	if (!s->data) {
		const expect_kind *k = expect_kind_for(s);
		if (!k || !k->check)
			return step_error(s, BSIM_EINVAL, "<expect> names nothing bsim can check");
		return expect_wait(k, s, rc);
	}
	/* The variant sees its own data, on a copy of the step, so the shared step is never written
	 * while runs go on in parallel. */
	expect_box *box = s->data;
	step view = *s;
	view.data = box->data;
	int code = expect_wait(box->kind, &view, rc);
	if (rc->failed_step == &view)
		rc->failed_step = s;
	return code;
}

static void expect_release(void *data)
{
	expect_box *box = data;
	if (!box)
		return;
	if (box->kind->release)
		box->kind->release(box->data);
	free(box);
}

/* ---- which expectations ask for an absence (expect_kind.denies; docs/scenario-language.md, "Waiting") ---- */

bool expect_attr_is(const step *s, const char *name, const char *value)
{
	const char *v = step_attr(s, name);
	return v && strcmp(v, value) == 0;
}

/* A cookie not in the jar, or not carried by a request. */
static bool cookie_denies(const step *s)
{
	return expect_attr_is(s, "present", "false") || expect_attr_is(s, "carried", "false");
}

/* document.cookie empty, or without a pair. */
static bool document_cookie_denies(const step *s)
{
	return expect_attr_is(s, "document-cookie", "") || step_attr(s, "document-cookie-lacks") != NULL;
}

/* No Cookie header, or one no longer than a bound (which an empty jar meets too). */
static bool cookie_header_denies(const step *s)
{
	return expect_attr_is(s, "equals", "") || step_attr(s, "max-size") != NULL;
}

static bool storage_denies(const step *s)
{
	return expect_attr_is(s, "present", "false");
}

/* No event (storage or the widget's), or no tab. */
static bool count_denies(const step *s)
{
	return expect_attr_is(s, "count", "0") || expect_attr_is(s, "tabs", "0");
}

/* In registration order: cookie= before session=, since <expect cookie="x" session="true"> asks about a cookie. */
static const expect_kind builtin[] = {
	{"cookie", cookie_prepare, cookie_check, NULL, cookie_denies},
	{"document-cookie", expect_document_cookie_prepare, expect_document_cookie_check, NULL, document_cookie_denies},
	{"document-cookie-contains", expect_document_cookie_prepare, expect_document_cookie_check, NULL, NULL},
	{"document-cookie-lacks", expect_document_cookie_prepare, expect_document_cookie_check, NULL, document_cookie_denies},
	{"cookie-header", expect_cookie_header_prepare, expect_cookie_header_check, NULL, cookie_header_denies},
	{"local", local_prepare, local_check, NULL, storage_denies},
	{"session", session_prepare, session_check, NULL, storage_denies},
	{"refused", refused_prepare, refused_check, NULL, NULL},
	{"evicted", evicted_prepare, evicted_check, NULL, NULL},
	{"event", event_prepare, event_check, NULL, count_denies},
	{"tabs", tabs_prepare, tabs_check, NULL, count_denies},
	{"focused", NULL, focused_check, NULL, NULL},
};

static const step_kind expect_step = {"expect", expect_prepare, expect_run, expect_release};

void expect_register_builtin(void)
{
	step_kind_register(&expect_step);
	for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
		expect_kind_register(&builtin[i]);
}
