/*
 * ops.c: the reporter of `bsim cookie`: what a run of an op file does
 * (scenario/read/ops.h, its listener), written as text lines or JSON lines
 * (docs/cookie-command.md): values, dumps, storage results, exceptions,
 * failed loads, the events a listening tab receives, --explain lines and
 * the trace; and the errors that stop a run, as FILE:LINE: error: ...
 * lines. Events are written where they happen; an op's results after its
 * events, when it is done. The field names and the order of JSON members
 * are the documented ones and never change (the real-browser oracle
 * prints the same cookie lines). It reads what the run hands it, never
 * the live browser.
 */
#include "report/ops.h"
#include "report/report_util.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/jsonw.h"
#include "util/timefmt.h"

struct ops_reporter {
	ops_report_options o;
	ops_listener listener;
	buf out;        /* what goes to stdout: events as they happen, then each op's results */
	buf result;     /* the op's own results, written after its events */
	buf err;        /* errors that stopped the run */
	ops_report_status status;
};

typedef ops_reporter run;

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
static void line_start(const ops_where *w, buf *b, const char *type)
{
	buf_putc(b, '{');
	jsonw_member_str(b, "type", type, true);
	jsonw_member_str(b, "op", w->op, false);
	jsonw_member_int(b, "line", w->line, false);
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

static void on_cookie_event(void *data, const ops_where *w, const bsim_cookie_event *ev)
{
	run *r = data;
	const char *kind = event_kind_name(ev->kind);
	if (!r->o.explain || !kind)
		return;
	const bsim_cookie_view *c = ev->cookie;
	const char *code = bsim_cookie_reason_code(ev->reason);
	const char *message = ev->message ? ev->message : "";
	buf *b = &r->out;
	if (r->o.json) {
		line_start(w, b, "event");
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
		buf_printf(b, "%s:%d: %s [%s] %s\n", r->o.file, w->line, kind, code, message);
	}
}

/* A storage refusal the op left in the trace (--explain), before its result. */
static void on_storage_refused(void *data, const ops_where *w, const bsim_trace_entry *e, const char *url)
{
	run *r = data;
	if (!r->o.explain)
		return;
	const char *reason = e->code + strlen("storage-refused:");
	buf *b = &r->out;
	if (r->o.json) {
		line_start(w, b, "event");
		jsonw_member_str(b, "kind", "storage-refused", false);
		jsonw_member_str(b, "reason", reason, false);
		jsonw_member_str(b, "message", e->message, false);
		jsonw_member_str(b, "url", url, false);
		jsonw_member_str(b, "name", e->subject, false);
		member_null(b, "domain");
		member_null(b, "path");
		member_time(b, "at", e->at);
		buf_puts(b, "}\n");
	} else {
		buf_printf(b, "%s:%d: storage-refused [%s] %s\n", r->o.file, w->line, reason, e->message);
	}
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

static void on_dump_cookie(void *data, const ops_where *w, const bsim_cookie_view *c)
{
	run *r = data;
	buf *b = &r->result;
	const char *domain = c->domain ? c->domain : "";
	if (r->o.json) {
		line_start(w, b, "cookie");
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
		return;
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
}

/* The result of a get or read: one line. url is the op's, or the tab's page for read NAME. */
static void on_value(void *data, const ops_where *w, const char *url, const char *value)
{
	run *r = data;
	buf *b = &r->result;
	if (r->o.json) {
		line_start(w, b, "value");
		jsonw_member_str(b, "url", url, false);
		jsonw_member_str(b, "value", value, false);
		buf_puts(b, "}\n");
	} else {
		buf_puts(b, value);
		buf_putc(b, '\n');
	}
}

/* What a page saw thrown: "QuotaExceededError: ..." */
static void on_exception(void *data, const ops_where *w, const char *tab, const char *url, const char *name,
			 const char *text)
{
	run *r = data;
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
	if (r->o.json) {
		line_start(w, b, "exception");
		jsonw_member_str(b, "tab", tab, false);
		jsonw_member_str(b, "url", url, false);
		jsonw_member_str(b, "name", name, false);
		jsonw_member_str(b, "message", message, false);
		buf_puts(b, "}\n");
	} else {
		buf_printf(b, "%s: %s\n", name, message);
	}
	free(message);
}

static void on_navigation_error(void *data, const ops_where *w, const char *tab, const char *url,
				const char *message)
{
	run *r = data;
	buf *b = &r->result;
	if (r->o.json) {
		line_start(w, b, "navigation-error");
		jsonw_member_str(b, "tab", tab, false);
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
static void on_storage(void *data, const ops_where *w, const cookie_op *op, const char *tab, const char *url,
		       const char *value, bool is_length, size_t length)
{
	run *r = data;
	buf *b = &r->result;
	if (!r->o.json) {
		if (is_length)
			buf_printf(b, "%zu\n", length);
		else
			buf_printf(b, "%s\n", value ? value : "");
		return;
	}
	line_start(w, b, "storage");
	jsonw_member_str(b, "tab", tab, false);
	jsonw_member_str(b, "url", url, false);
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

/* A JSON string, or null, after a space and key= (text form of events). */
static void text_field(buf *b, const char *key, const char *value)
{
	buf_printf(b, " %s=", key);
	jsonw_cstr(b, value);
}

static void on_storage_event(void *data, const ops_where *w, const char *tab, const bsim_storage_event *ev)
{
	run *r = data;
	buf *b = &r->out;
	const char *area = ev->kind == BSIM_STORAGE_LOCAL ? "local" : "session";
	if (r->o.json) {
		line_start(w, b, "dom-event");
		jsonw_member_str(b, "tab", tab, false);
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
	buf_printf(b, "event %s storage %s", tab, area);
	text_field(b, "key", ev->key);
	text_field(b, "old", ev->old_value);
	text_field(b, "new", ev->new_value);
	text_field(b, "url", ev->url);
	buf_putc(b, '\n');
}

static void on_focus_event(void *data, const ops_where *w, const char *tab, int focused, bsim_time at)
{
	run *r = data;
	buf *b = &r->out;
	const char *what = focused ? "focus" : "blur";
	if (r->o.json) {
		line_start(w, b, "dom-event");
		jsonw_member_str(b, "tab", tab, false);
		jsonw_member_str(b, "event", what, false);
		member_null(b, "area");
		member_null(b, "key");
		member_null(b, "old_value");
		member_null(b, "new_value");
		member_null(b, "url");
		member_time(b, "at", at);
		buf_puts(b, "}\n");
		return;
	}
	buf_printf(b, "event %s %s\n", tab, what);
}

/* One entry of the whole trace (the trace op). */
static void on_trace_entry(void *data, const ops_where *w, const bsim_trace_entry *e, const char *name)
{
	run *r = data;
	buf *b = &r->result;
	if (r->o.json) {
		line_start(w, b, "trace");
		member_time(b, "at", e->at);
		jsonw_member_str(b, "kind", report_trace_kind_name(e->kind), false);
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

/* The op is done: its results follow its events. */
static void on_op_done(void *data, const ops_where *w)
{
	(void)w;
	run *r = data;
	buf_put(&r->out, r->result.ptr ? r->result.ptr : "", r->result.len);
	buf_clear(&r->result);
}

static void worsen(run *r, ops_report_status s)
{
	if (s > r->status)
		r->status = s;
}

/*
 * An op that could not run: an input error for files, else bsim's own.
 * The error channel holds "OP: INNER" (or, for the op's own sentence, the
 * sentence alone).
 */
static void on_op_failed(void *data, const ops_where *w, int code, bool own_sentence)
{
	run *r = data;
	const char *msg = bsim_error_last()->message;
	size_t op_len = strlen(w->op);
	const char *inner = strncmp(msg, w->op, op_len) == 0 && strncmp(msg + op_len, ": ", 2) == 0 ? msg + op_len + 2 : msg;
	if (!*inner)
		inner = "out of memory";
	if (own_sentence) {
		error_render_where(&r->err, r->o.file, w->line, 0);
		buf_printf(&r->err, "error: %s\n", msg);
		worsen(r, OPS_REPORT_INPUT_ERROR);
	} else if (code == BSIM_ECORRUPT || code == BSIM_EIO || code == BSIM_EINVAL || code == BSIM_ELIMIT) {
		/* A message already placed in its file ("x.json:3:5: error: ...") keeps its place, not a second "error:". */
		const char *placed = strstr(inner, "error: ");
		error_render_where(&r->err, r->o.file, w->line, 0);
		buf_printf(&r->err, "error: %s: ", w->op);
		if (placed) {
			buf_put(&r->err, inner, (size_t)(placed - inner));
			buf_puts(&r->err, placed + strlen("error: "));
		} else {
			buf_puts(&r->err, inner);
		}
		buf_putc(&r->err, '\n');
		worsen(r, OPS_REPORT_INPUT_ERROR);
	} else {
		buf_printf(&r->err, "bsim cookie: internal error: line %d (%s): %s\n", w->line, w->op, inner);
		worsen(r, OPS_REPORT_INTERNAL_ERROR);
	}
}

static void on_hosts_file_failed(void *data, int code)
{
	run *r = data;
	const bsim_error *e = bsim_error_last();
	/* A bad line is reported in its place (the error's fields: FILE:LINE: error: ...); anything else is about the file. */
	if (e->file) {
		error_render(&r->err, e, "error");
		buf_putc(&r->err, '\n');
	} else {
		buf_printf(&r->err, "bsim cookie: error: --hosts: %s\n", e->message);
	}
	worsen(r, code == BSIM_ENOMEM ? OPS_REPORT_INTERNAL_ERROR : OPS_REPORT_INPUT_ERROR);
}

int ops_reporter_new(ops_reporter **out, const ops_report_options *o)
{
	ops_reporter *r = calloc(1, sizeof *r);
	if (!r)
		return error_oom();
	r->o = *o;
	r->out = (buf)BUF_INIT;
	r->result = (buf)BUF_INIT;
	r->err = (buf)BUF_INIT;
	r->listener = (ops_listener){
		.data = r,
		.cookie_event = on_cookie_event,
		.storage_refused = on_storage_refused,
		.dump_cookie = on_dump_cookie,
		.value = on_value,
		.exception = on_exception,
		.navigation_error = on_navigation_error,
		.storage = on_storage,
		.storage_event = on_storage_event,
		.focus_event = on_focus_event,
		.trace_entry = on_trace_entry,
		.op_done = on_op_done,
		.op_failed = on_op_failed,
		.hosts_file_failed = on_hosts_file_failed,
	};
	*out = r;
	return 0;
}

const ops_listener *ops_reporter_listener(const ops_reporter *r)
{
	return &r->listener;
}

ops_report_status ops_reporter_status(const ops_reporter *r)
{
	/* Output that could not be kept is bsim's own failure: nothing half-written is printed. */
	if (buf_status(&r->out) < 0 || buf_status(&r->result) < 0 || buf_status(&r->err) < 0)
		return OPS_REPORT_INTERNAL_ERROR;
	return r->status;
}

const buf *ops_reporter_output(const ops_reporter *r)
{
	return &r->out;
}

const buf *ops_reporter_errors(const ops_reporter *r)
{
	return &r->err;
}

void ops_reporter_free(ops_reporter *r)
{
	if (!r)
		return;
	buf_free(&r->out);
	buf_free(&r->result);
	buf_free(&r->err);
	free(r);
}
