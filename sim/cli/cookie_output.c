/*
 * cookie_output.c: how `bsim cookie` writes what a run does, as text lines
 * or JSON lines (docs/cookie-command.md): values, dumps, storage results,
 * exceptions, failed loads, the events a listening tab receives, --explain
 * lines and the trace. The field names and the order of JSON members are
 * the documented ones and never change (the real-browser oracle prints the
 * same cookie lines).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cookie_run_internal.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

/* Room for an ISO 8601 instant as timefmt.h writes it. */
#define TIME_TEXT_MAX 32

static void put_time(buf *b, bsim_time t)
{
	char text[TIME_TEXT_MAX];
	time_format_iso8601(t, text, sizeof text);
	buf_puts(b, text);
}

static void member_time(buf *b, const char *key, bsim_time t)
{
	jsonw_key(b, key, false);
	buf_putc(b, '"');
	put_time(b, t);
	buf_putc(b, '"');
}

static void member_null(buf *b, const char *key)
{
	jsonw_key(b, key, false);
	buf_puts(b, "null");
}

/* The start of a JSON line: the op that produced it. */
static void line_start(run *r, buf *b, const char *type)
{
	buf_putc(b, '{');
	jsonw_member_str(b, "type", type, true);
	jsonw_member_str(b, "op", cookie_op_name(r->op->kind), false);
	jsonw_member_int(b, "line", r->op->line, false);
}

const char *out_tab_name(const run *r, int name)
{
	return name >= 0 ? r->ops->names[name] : NULL;
}

/* The name the file gave the tab with this id, open or closed since, or NULL. */
static const char *name_of_id(const run *r, int id)
{
	if (id < 0 || (size_t)id >= r->id_names_cap || r->id_names[id] < 0)
		return NULL;
	return r->ops->names[r->id_names[id]];
}

/* What --explain reports: refusals and every way a cookie leaves the jar. Stores are for dump. */
static const char *event_kind_name(bsim_cookie_event_kind kind)
{
	switch (kind) {
	case BSIM_COOKIE_REFUSED: return "refused";
	case BSIM_COOKIE_EVICTED: return "evicted";
	case BSIM_COOKIE_EXPIRED: return "expired";
	case BSIM_COOKIE_SESSION_ENDED: return "session-ended";
	case BSIM_COOKIE_DELETED: return "deleted";
	default: return NULL;
	}
}

void out_cookie_event(run *r, const bsim_cookie_event *ev)
{
	const char *kind = event_kind_name(ev->kind);
	if (!r->cfg->explain || !kind || !r->op)
		return;
	const bsim_cookie_view *c = ev->cookie;
	const char *code = bsim_cookie_reason_code(ev->reason);
	const char *message = ev->message ? ev->message : "";
	buf *b = r->out;
	if (r->cfg->json) {
		line_start(r, b, "event");
		jsonw_member_str(b, "kind", kind, false);
		jsonw_member_str(b, "reason", code, false);
		jsonw_member_str(b, "message", message, false);
		jsonw_member_str(b, "url", ev->url, false);
		jsonw_member_str(b, "name", c ? c->name : NULL, false);
		jsonw_member_str(b, "domain", c ? c->domain : NULL, false);
		jsonw_member_str(b, "path", c ? c->path : NULL, false);
		member_time(b, "at", ev->at);
		buf_puts(b, "}\n");
	} else {
		buf_printf(b, "%s:%d: %s [%s] %s\n", r->cfg->file, r->op->line, kind, code, message);
	}
}

/* Storage refusals the op left in the trace (--explain), before its result. */
void out_explain_trace(run *r)
{
	size_t n = bsim_browser_trace_count(r->b);
	for (size_t i = r->trace_mark; r->cfg->explain && i < n; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(r->b, i);
		const char *prefix = "storage-refused:";
		if (strncmp(e->code, prefix, strlen(prefix)) != 0)
			continue;
		const char *reason = e->code + strlen(prefix);
		buf *b = r->out;
		if (r->cfg->json) {
			line_start(r, b, "event");
			jsonw_member_str(b, "kind", "storage-refused", false);
			jsonw_member_str(b, "reason", reason, false);
			jsonw_member_str(b, "message", e->message, false);
			jsonw_member_str(b, "url", bsim_tab_url(r->b, e->tab), false);
			jsonw_member_str(b, "name", e->subject, false);
			member_null(b, "domain");
			member_null(b, "path");
			member_time(b, "at", e->at);
			buf_puts(b, "}\n");
		} else {
			buf_printf(b, "%s:%d: storage-refused [%s] %s\n", r->cfg->file, r->op->line, reason, e->message);
		}
	}
	r->trace_mark = n;
}

static const char *same_site_name(bsim_samesite s)
{
	switch (s) {
	case BSIM_SAMESITE_NONE: return "none";
	case BSIM_SAMESITE_LAX: return "lax";
	case BSIM_SAMESITE_STRICT: return "strict";
	default: return "unspecified";
	}
}

static const char *priority_name(bsim_priority p)
{
	switch (p) {
	case BSIM_PRIORITY_LOW: return "low";
	case BSIM_PRIORITY_HIGH: return "high";
	default: return "medium";
	}
}

int out_dump_cookie(const bsim_cookie_view *c, void *userdata)
{
	run *r = userdata;
	buf *b = &r->result;
	const char *domain = c->domain ? c->domain : "";
	if (r->cfg->json) {
		line_start(r, b, "cookie");
		jsonw_member_str(b, "name", c->name, false);
		jsonw_member_str(b, "value", c->value, false);
		jsonw_member_str(b, "domain", domain, false);
		jsonw_member_bool(b, "host_only", c->host_only, false);
		jsonw_member_str(b, "path", c->path, false);
		jsonw_member_bool(b, "secure", c->secure, false);
		jsonw_member_bool(b, "http_only", c->http_only, false);
		jsonw_member_str(b, "same_site", same_site_name(c->same_site), false);
		jsonw_member_str(b, "priority", priority_name(c->priority), false);
		jsonw_member_bool(b, "persistent", c->persistent, false);
		if (c->persistent)
			member_time(b, "expires", c->expires);
		else
			member_null(b, "expires");
		jsonw_member_str(b, "partition_key", c->partition_key, false);
		buf_puts(b, "}\n");
		return 0;
	}
	buf_printf(b, "%s=%s; ", c->name ? c->name : "", c->value ? c->value : "");
	if (c->host_only)
		buf_printf(b, "Host=%s", domain);
	else
		buf_printf(b, "Domain=.%s", domain);
	buf_printf(b, "; Path=%s; ", c->path ? c->path : "");
	if (c->persistent) {
		buf_puts(b, "Expires=");
		put_time(b, c->expires);
	} else {
		buf_puts(b, "Session");
	}
	if (c->secure)
		buf_puts(b, "; Secure");
	if (c->http_only)
		buf_puts(b, "; HttpOnly");
	if (c->same_site == BSIM_SAMESITE_NONE)
		buf_puts(b, "; SameSite=None");
	else if (c->same_site == BSIM_SAMESITE_LAX)
		buf_puts(b, "; SameSite=Lax");
	else if (c->same_site == BSIM_SAMESITE_STRICT)
		buf_puts(b, "; SameSite=Strict");
	if (c->priority == BSIM_PRIORITY_LOW)
		buf_puts(b, "; Priority=Low");
	else if (c->priority == BSIM_PRIORITY_HIGH)
		buf_puts(b, "; Priority=High");
	if (c->partition_key)
		buf_printf(b, "; Partitioned=%s", c->partition_key);
	buf_putc(b, '\n');
	return 0;
}

/* The result of a get or read: one line. url is the op's, or the tab's page for read NAME. */
void out_value(run *r, const char *url, const char *value)
{
	buf *b = &r->result;
	if (r->cfg->json) {
		line_start(r, b, "value");
		jsonw_member_str(b, "url", url, false);
		jsonw_member_str(b, "value", value, false);
		buf_puts(b, "}\n");
	} else {
		buf_puts(b, value);
		buf_putc(b, '\n');
	}
}

/* What a page saw thrown: "QuotaExceededError: ..." */
void out_exception(run *r, int id, const char *name, const char *text)
{
	buf *b = &r->result;
	/* The browser's sentence ends by naming the exception, which the output names first. */
	size_t len = strlen(text), nl = strlen(name);
	if (len > nl + 3 && text[len - 1] == ')' && memcmp(text + len - nl - 1, name, nl) == 0 &&
	    memcmp(text + len - nl - 3, " (", 2) == 0)
		len -= nl + 3;
	char *message = strndup(text, len);
	if (!message) {
		b->failed = true;
		return;
	}
	if (r->cfg->json) {
		line_start(r, b, "exception");
		jsonw_member_str(b, "tab", out_tab_name(r, r->op->tab), false);
		jsonw_member_str(b, "url", bsim_tab_url(r->b, id), false);
		jsonw_member_str(b, "name", name, false);
		jsonw_member_str(b, "message", message, false);
		buf_puts(b, "}\n");
	} else {
		buf_printf(b, "%s: %s\n", name, message);
	}
	free(message);
}

void out_navigation_error(run *r, const char *url, const char *message)
{
	buf *b = &r->result;
	if (r->cfg->json) {
		line_start(r, b, "navigation-error");
		jsonw_member_str(b, "tab", out_tab_name(r, r->op->tab), false);
		jsonw_member_str(b, "url", url, false);
		jsonw_member_str(b, "message", message, false);
		buf_puts(b, "}\n");
	} else {
		buf_printf(b, "navigation error: %s\n", message);
	}
}

/*
 * A storage call's result. getItem and key(): the string, or NULL for
 * null; length: the number. Text shows null as an empty line, as get
 * shows no Cookie header; JSON keeps them apart.
 */
void out_storage(run *r, int id, const char *value, bool is_length, size_t length)
{
	buf *b = &r->result;
	const cookie_op *op = r->op;
	if (!r->cfg->json) {
		if (is_length)
			buf_printf(b, "%zu\n", length);
		else
			buf_printf(b, "%s\n", value ? value : "");
		return;
	}
	line_start(r, b, "storage");
	jsonw_member_str(b, "tab", out_tab_name(r, op->tab), false);
	jsonw_member_str(b, "url", bsim_tab_url(r->b, id), false);
	jsonw_member_str(b, "method", cookie_storage_method_name(op->method), false);
	jsonw_member_str(b, "key", op->key, false);
	if (op->method == COOKIE_STORAGE_KEY)
		jsonw_member_int(b, "index", (int64_t)op->index, false);
	else
		member_null(b, "index");
	if (is_length)
		jsonw_member_int(b, "value", (int64_t)length, false);
	else
		jsonw_member_str(b, "value", value, false);
	buf_puts(b, "}\n");
}

static const char *trace_kind_name(bsim_trace_kind kind)
{
	switch (kind) {
	case BSIM_TRACE_COOKIE: return "cookie";
	case BSIM_TRACE_STORAGE: return "storage";
	case BSIM_TRACE_EVENT: return "event";
	case BSIM_TRACE_TAB: return "tab";
	case BSIM_TRACE_NAVIGATION: return "navigation";
	case BSIM_TRACE_SESSION: return "session";
	}
	return "?";
}

/* A JSON string, or null, after a space and key= (text form of events). */
static void text_field(buf *b, const char *key, const char *value)
{
	buf_printf(b, " %s=", key);
	jsonw_cstr(b, value);
}

void out_storage_event(run *r, int name, const bsim_storage_event *ev)
{
	buf *b = r->out;
	const char *area = ev->kind == BSIM_STORAGE_LOCAL ? "local" : "session";
	if (r->cfg->json) {
		line_start(r, b, "dom-event");
		jsonw_member_str(b, "tab", out_tab_name(r, name), false);
		jsonw_member_str(b, "event", "storage", false);
		jsonw_member_str(b, "area", area, false);
		jsonw_member_str(b, "key", ev->key, false);
		jsonw_member_str(b, "old_value", ev->old_value, false);
		jsonw_member_str(b, "new_value", ev->new_value, false);
		jsonw_member_str(b, "url", ev->url, false);
		member_time(b, "at", ev->at);
		buf_puts(b, "}\n");
		return;
	}
	buf_printf(b, "event %s storage %s", out_tab_name(r, name), area);
	text_field(b, "key", ev->key);
	text_field(b, "old", ev->old_value);
	text_field(b, "new", ev->new_value);
	text_field(b, "url", ev->url);
	buf_putc(b, '\n');
}

void out_focus_event(run *r, int name, int focused)
{
	buf *b = r->out;
	const char *what = focused ? "focus" : "blur";
	if (r->cfg->json) {
		line_start(r, b, "dom-event");
		jsonw_member_str(b, "tab", out_tab_name(r, name), false);
		jsonw_member_str(b, "event", what, false);
		member_null(b, "area");
		member_null(b, "key");
		member_null(b, "old_value");
		member_null(b, "new_value");
		member_null(b, "url");
		member_time(b, "at", bsim_browser_now(r->b));
		buf_puts(b, "}\n");
		return;
	}
	buf_printf(b, "event %s %s\n", out_tab_name(r, name), what);
}

void out_trace(run *r)
{
	buf *b = &r->result;
	size_t n = bsim_browser_trace_count(r->b);
	for (size_t i = 0; i < n; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(r->b, i);
		const char *name = name_of_id(r, e->tab);
		if (r->cfg->json) {
			line_start(r, b, "trace");
			member_time(b, "at", e->at);
			jsonw_member_str(b, "kind", trace_kind_name(e->kind), false);
			jsonw_member_str(b, "tab", name, false);
			if (e->tab >= 0)
				jsonw_member_int(b, "tab_id", e->tab, false);
			else
				member_null(b, "tab_id");
			jsonw_member_str(b, "code", e->code, false);
			jsonw_member_str(b, "message", e->message, false);
			jsonw_member_str(b, "subject", e->subject, false);
			buf_puts(b, "}\n");
		} else {
			put_time(b, e->at);
			if (name)
				buf_printf(b, " %s", name);
			else if (e->tab >= 0)
				buf_printf(b, " #%d", e->tab);
			else
				buf_puts(b, " -");
			buf_printf(b, " %s: %s\n", e->code, e->message);
		}
	}
	/* Printed whole: the refusals in it were explained where they happened. */
	r->trace_mark = n;
}
