/*
 * page.c: what a page hears of its own life, and where it is. The browser
 * calls page_emit at each point a document loads in a tab or leaves it
 * (tab.c: load, tab close; browser.c: browser close, session restore), and
 * every subscriber hears a typed bsim_page_event (script.h), so a page
 * script follows page loads by listening, never by reading the trace.
 * location.href is the URL as the browser parsed it (net/url.h).
 */
#include <stdlib.h>
#include <string.h>

#include "browser/browser_internal.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/grow.h"

int bsim_browser_on_page(bsim_browser *b, bsim_page_listener fn, void *userdata)
{
	if (!fn)
		return error_set(BSIM_EINVAL, "a page listener needs a function");
	int rc = ARRAY_GROW(&b->page_listeners, &b->cap_page_listeners, b->n_page_listeners + 1);
	if (rc < 0)
		return rc;
	b->page_listeners[b->n_page_listeners++] = (page_listener){fn, userdata};
	return 0;
}

int bsim_browser_off_page(bsim_browser *b, bsim_page_listener fn, void *userdata)
{
	for (size_t i = 0; i < b->n_page_listeners; i++) {
		if (b->page_listeners[i].fn == fn && b->page_listeners[i].userdata == userdata) {
			memmove(&b->page_listeners[i], &b->page_listeners[i + 1],
				(b->n_page_listeners - i - 1) * sizeof *b->page_listeners);
			b->n_page_listeners--;
			break;
		}
	}
	return 0;
}

void page_emit(bsim_browser *b, bsim_page_event_kind kind, const tab *t, int restored, int persisted)
{
	bsim_time now = bsim_browser_now(b);
	bsim_page_event ev = {kind, t->id, now, t->url, restored, persisted, now + b->opts.page_load_ms};
	for (size_t i = 0; i < b->n_page_listeners; i++)
		b->page_listeners[i].fn(&ev, b->page_listeners[i].userdata);
}

bsim_time bsim_browser_page_load_ms(const bsim_browser *b)
{
	return b->opts.page_load_ms;
}

int bsim_browser_set_page_load_ms(bsim_browser *b, bsim_time ms)
{
	if (ms < 0)
		return error_set(BSIM_EINVAL, "a page load time is 0 ms or more, not %lld", (long long)ms);
	b->opts.page_load_ms = ms;
	return 0;
}

void bsim_script_request_trace(bsim_browser *b, int tab, bsim_request_phase phase, const char *name,
			       const char *detail)
{
	static const char *const codes[] = {"request-sent", "response-received", "request-dropped", "request-failed"};
	static const char *const verbs[] = {"sent", "answered", "dropped", "failed"};
	if ((unsigned)phase > BSIM_REQUEST_FAILED || !name)
		return;
	trace_add(b, BSIM_TRACE_REQUEST, tab, codes[phase], name, "%s request %s%s%s", name, verbs[phase],
		  detail && *detail ? ": " : "", detail ? detail : "");
}

int bsim_script_location_href(char **out, const char *text)
{
	*out = NULL;
	url *u;
	int rc = url_parse(&u, text);
	if (rc < 0)
		return rc;
	buf b = BUF_INIT;
	if (u->scheme == URL_SCHEME_FILE) {
		buf_printf(&b, "file://%s", u->path);
	} else {
		/* WHATWG URL: the scheme's default port is not serialized. */
		int default_port = url_scheme_is_secure(u->scheme) ? 443 : 80;
		buf_printf(&b, "%s://%s", url_scheme_name(u->scheme), u->host);
		if (u->port != default_port)
			buf_printf(&b, ":%d", u->port);
		buf_printf(&b, "%s", u->path);
		if (u->query)
			buf_printf(&b, "?%s", u->query);
	}
	url_free(u);
	if (buf_status(&b) < 0) {
		buf_free(&b);
		return error_oom();
	}
	*out = buf_detach(&b);
	return *out ? 0 : error_oom();
}
