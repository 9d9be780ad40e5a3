/*
 * tab.c: tabs and their pages: open (blank, by URL, or by window.open with
 * the opener's sessionStorage copied, browser-rules.md W5), top-level
 * navigation through the hosts file with the response's Set-Cookie headers
 * going through the jar (scripted, or fetched from a real server by
 * live.c), the cookies each navigation's request carried recorded in the
 * trace, reload, back, focus (exactly one focused tab, blur before focus;
 * the active tab is the visible one), close, and the listeners a page
 * registers and removes.
 */
#include <stdlib.h>
#include <string.h>

#include "browser/browser_internal.h"
#include "util/error.h"
#include "util/grow.h"

void tab_free(tab *t)
{
	if (!t)
		return;
	free(t->url);
	url_free(t->page);
	free(t->origin);
	free(t->site);
	for (size_t i = 0; i < t->history_len; i++)
		free(t->history[i]);
	free(t->history);
	storage_map_free(t->session);
	free(t->storage_listeners);
	free(t->focus_listeners);
	free(t->visibility_listeners);
	free(t);
}

tab *browser_tab(const bsim_browser *b, int id)
{
	for (size_t i = 0; i < b->n_tabs; i++)
		if (b->tabs[i]->id == id)
			return b->tabs[i];
	return NULL;
}

static int no_tab(int id)
{
	return error_set(BSIM_ENOTFOUND, "no open tab %d", id);
}

const char *bsim_tab_url(const bsim_browser *b, int id)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return NULL;
	return t->url ? t->url : "about:blank";
}

int bsim_browser_focused_tab(const bsim_browser *b)
{
	return b->focused;
}

size_t bsim_browser_tab_count(const bsim_browser *b)
{
	return b->n_tabs;
}

int bsim_browser_tab_at(const bsim_browser *b, size_t index)
{
	return index < b->n_tabs ? b->tabs[index]->id : -1;
}

static void notify_focus(bsim_browser *b, tab *t, int focused)
{
	trace_add(b, BSIM_TRACE_EVENT, t->id, focused ? "event-focus" : "event-blur", NULL, "%s event on tab %d",
		  focused ? "focus" : "blur", t->id);
	for (size_t i = 0; i < t->n_focus_listeners; i++)
		((bsim_focus_listener)(void (*)(void))t->focus_listeners[i].fn)(b, t->id, focused,
										t->focus_listeners[i].userdata);
}

static void notify_visibility(bsim_browser *b, tab *t, int visible)
{
	/* Not traced: it follows from the "tab-focused" entry already there. */
	for (size_t i = 0; i < t->n_visibility_listeners; i++)
		((bsim_visibility_listener)(void (*)(void))t->visibility_listeners[i].fn)(
			b, t->id, visible, t->visibility_listeners[i].userdata);
}

int bsim_tab_focus(bsim_browser *b, int id)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return no_tab(id);
	bool had_focus = b->window_focused;
	if (b->focused == id) {
		if (had_focus)
			return 0;
		/* The active tab of an unfocused (session-restored) window gets focus
		 * without a visibility change. */
		b->window_focused = true;
		trace_add(b, BSIM_TRACE_TAB, id, "tab-focused", NULL, "tab %d focused", id);
		notify_focus(b, t, 1);
		return 0;
	}
	int old_id = b->focused;
	b->focused = id;
	b->window_focused = true;
	trace_add(b, BSIM_TRACE_TAB, id, "tab-focused", NULL, "tab %d focused", id);
	/* The window losing focus hears blur before the other hears focus (HTML
	 * focus update steps); the tab switch hides the old page before the new
	 * one shows (Page Visibility: one window, one visible tab). Listeners may
	 * close tabs, so each is looked up again. */
	tab *old = browser_tab(b, old_id);
	if (old && had_focus)
		notify_focus(b, old, 0);
	if ((old = browser_tab(b, old_id)))
		notify_visibility(b, old, 0);
	if ((t = browser_tab(b, id)) && b->focused == id)
		notify_visibility(b, t, 1);
	if ((t = browser_tab(b, id)) && b->focused == id)
		notify_focus(b, t, 1);
	return 0;
}

int bsim_tab_has_focus(const bsim_browser *b, int id)
{
	return b->running && b->window_focused && b->focused == id && browser_tab(b, id) != NULL;
}

int bsim_tab_visible(const bsim_browser *b, int id)
{
	return b->running && b->focused == id && browser_tab(b, id) != NULL;
}

static int history_push(tab *t, const char *url)
{
	int rc = ARRAY_GROW(&t->history, &t->history_cap, t->history_len + 1);
	if (rc < 0)
		return rc;
	char *copy = strdup(url);
	if (!copy)
		return error_oom();
	t->history[t->history_len++] = copy;
	return 0;
}

/*
 * Load url into t: resolve, apply the response's cookies (scripted in
 * resp, or fetched live when `live` is given: the page is then the URL the
 * last redirect led to), switch the page.
 */
static int load(bsim_browser *b, tab *t, const char *text, const bsim_response *resp, const char *how,
		const bsim_live_options *live)
{
	char *fetched = NULL;
	int rc;
	if (live) {
		if (live->version != BSIM_LIVE_OPTIONS_VERSION)
			return error_set(BSIM_EINVAL, "live options version %u; this build knows %d", live->version,
					 BSIM_LIVE_OPTIONS_VERSION);
		if ((rc = live_fetch(b, t->id, t->page, text, live, &fetched)) < 0)
			return rc;
		text = fetched;
	}
	url *u;
	if ((rc = url_parse(&u, text)) < 0) {
		free(fetched);
		return rc;
	}
	if (!live && (rc = browser_resolve_url(b, u)) < 0) {
		url_free(u);
		trace_add(b, BSIM_TRACE_NAVIGATION, t->id, "navigation-failed:unresolved", NULL,
			  "tab %d could not load %s: %s", t->id, text, bsim_error_last()->message);
		return rc;
	}
	/* The navigation's initiator decides whether it is same-site (§5.2):
	 * the page that was there, or the user (no initiator) on a blank tab. */
	jar_call call = {t->page, true, false, t->id};
	/* What the request carried, for stories of cookies (a live fetch traced each hop already). */
	if (!live && u->scheme != URL_SCHEME_FILE && (rc = browser_trace_request(b, u, &call)) < 0) {
		url_free(u);
		return rc;
	}
	for (size_t i = 0; !live && resp && i < resp->set_cookie_count; i++) {
		const char *h = resp->set_cookie[i];
		if ((rc = jar_set_cookie(b->jar, u, h, strlen(h), &call)) < 0)
			break;
	}
	if (rc < 0) {
		url_free(u);
		free(fetched);
		return rc;
	}
	/* What storage needs of the page is worked out once per navigation, not per access. */
	char *copy = strdup(text), *origin = NULL, *site = NULL;
	if (copy && browser_origin_of(b, u, &b->scratch) == 0)
		origin = strdup(buf_cstr(&b->scratch));
	buf_clear(&b->scratch);
	buf_printf(&b->scratch, "%s://%s", url_scheme_name(u->scheme), u->registrable ? u->registrable : u->host);
	if (origin && buf_status(&b->scratch) == 0)
		site = strdup(buf_cstr(&b->scratch));
	if (!copy || !origin || !site) {
		free(copy);
		free(origin);
		free(site);
		free(fetched);
		url_free(u);
		return error_oom();
	}
	if (t->url)
		page_emit(b, BSIM_PAGE_UNLOAD, t, 0, 0); /* pagehide of the document the new one replaces */
	free(t->url);
	url_free(t->page);
	free(t->origin);
	free(t->site);
	t->url = copy;
	t->page = u;
	t->origin = origin;
	t->site = site;
	trace_add(b, BSIM_TRACE_NAVIGATION, t->id, how, NULL, "tab %d %s %s", t->id,
		  strcmp(how, "reloaded") == 0 ? "reloaded" : "loaded", text);
	page_emit(b, BSIM_PAGE_LOAD, t, 0, 0);
	free(fetched);
	return 0;
}

static int add_tab(tab **out, bsim_browser *b)
{
	int rc = browser_ensure_running(b);
	if (rc < 0)
		return rc;
	tab *t = calloc(1, sizeof *t);
	if (!t)
		return error_oom();
	t->id = b->next_tab_id++;
	if ((rc = ARRAY_GROW(&b->tabs, &b->cap_tabs, b->n_tabs + 1)) < 0) {
		free(t);
		return rc;
	}
	b->tabs[b->n_tabs++] = t;
	*out = t;
	return 0;
}

static void drop_tab(bsim_browser *b, tab *t)
{
	for (size_t i = 0; i < b->n_tabs; i++) {
		if (b->tabs[i] == t) {
			memmove(&b->tabs[i], &b->tabs[i + 1], (b->n_tabs - i - 1) * sizeof *b->tabs);
			b->n_tabs--;
			break;
		}
	}
	tab_free(t);
}

static int open_tab(int *out, bsim_browser *b, const char *url, const bsim_response *resp,
		    const bsim_live_options *live)
{
	tab *t = NULL;
	int rc = add_tab(&t, b);
	if (rc < 0)
		return rc;
	if ((rc = storage_map_new(&t->session, b->opts.engine, STORAGE_SESSION)) < 0) {
		drop_tab(b, t);
		return rc;
	}
	trace_add(b, BSIM_TRACE_TAB, t->id, "tab-opened", NULL, "tab %d opened", t->id);
	if (url && (rc = load(b, t, url, resp, "navigated", live)) < 0) {
		trace_add(b, BSIM_TRACE_TAB, t->id, "tab-closed", NULL, "tab %d closed: its page could not load", t->id);
		drop_tab(b, t);
		return rc;
	}
	*out = t->id;
	return bsim_tab_focus(b, t->id);
}

int bsim_tab_open(int *out, bsim_browser *b, const char *url, const bsim_response *resp)
{
	return open_tab(out, b, url, resp, NULL);
}

int bsim_tab_open_live(int *out, bsim_browser *b, const char *url, const bsim_live_options *opts)
{
	if (!url)
		return error_set(BSIM_EINVAL, "a live tab needs a URL to fetch");
	return open_tab(out, b, url, NULL, opts);
}

int bsim_tab_open_from(int *out, bsim_browser *b, int opener_id, const char *url, int noopener)
{
	tab *opener = browser_tab(b, opener_id);
	if (!opener)
		return no_tab(opener_id);
	tab *t = NULL;
	int rc = add_tab(&t, b);
	if (rc < 0)
		return rc;
	/* W5: window.open with an opener starts from a copy of its sessionStorage;
	 * noopener (and <a target=_blank>) starts empty. */
	opener = browser_tab(b, opener_id);
	rc = noopener ? storage_map_new(&t->session, b->opts.engine, STORAGE_SESSION)
		      : storage_map_clone(&t->session, opener->session);
	if (rc < 0) {
		drop_tab(b, t);
		return rc;
	}
	trace_add(b, BSIM_TRACE_TAB, t->id, "tab-opened", NULL, "tab %d opened by window.open from tab %d%s", t->id,
		  opener_id, noopener ? " (noopener: sessionStorage not copied)" : " (sessionStorage copied)");
	if (url && (rc = load(b, t, url, NULL, "navigated", NULL)) < 0) {
		trace_add(b, BSIM_TRACE_TAB, t->id, "tab-closed", NULL, "tab %d closed: its page could not load", t->id);
		drop_tab(b, t);
		return rc;
	}
	*out = t->id;
	return bsim_tab_focus(b, t->id);
}

static int navigate(bsim_browser *b, int id, const char *url, const bsim_response *resp,
		    const bsim_live_options *live)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return no_tab(id);
	char *prev = t->url ? strdup(t->url) : NULL;
	if (t->url && !prev)
		return error_oom();
	int rc = load(b, t, url, resp, "navigated", live);
	if (rc == 0 && prev)
		rc = history_push(t, prev);
	free(prev);
	return rc;
}

int bsim_tab_navigate(bsim_browser *b, int id, const char *url, const bsim_response *resp)
{
	return navigate(b, id, url, resp, NULL);
}

int bsim_tab_navigate_live(bsim_browser *b, int id, const char *url, const bsim_live_options *opts)
{
	return navigate(b, id, url, NULL, opts);
}

int bsim_tab_reload(bsim_browser *b, int id)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return no_tab(id);
	if (!t->url)
		return 0;
	char *u = strdup(t->url);
	if (!u)
		return error_oom();
	int rc = load(b, t, u, NULL, "reloaded", NULL);
	free(u);
	return rc;
}

int bsim_tab_back(bsim_browser *b, int id)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return no_tab(id);
	if (!t->history_len)
		return error_set(BSIM_ENOTFOUND, "tab %d has no earlier page to go back to", id);
	/* The entry leaves the history only once its page loaded. */
	int rc = load(b, t, t->history[t->history_len - 1], NULL, "went-back", NULL);
	if (rc == 0)
		free(t->history[--t->history_len]);
	return rc;
}

int bsim_tab_close(bsim_browser *b, int id)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return no_tab(id);
	size_t index = 0;
	while (b->tabs[index] != t)
		index++;
	trace_add(b, BSIM_TRACE_TAB, id, "tab-closed", NULL, "tab %d closed", id);
	page_emit(b, BSIM_PAGE_UNLOAD, t, 0, 0);
	drop_tab(b, t);
	/* The browser focuses a neighbour: the tab before it, or the new first one. */
	if (b->focused == id) {
		b->focused = -1;
		if (b->n_tabs) {
			int next = b->tabs[index ? index - 1 : 0]->id;
			return bsim_tab_focus(b, next);
		}
	}
	return 0;
}

static int add_listener(listener **list, size_t *n, void (*fn)(void), void *ud)
{
	listener *l = realloc(*list, (*n + 1) * sizeof *l);
	if (!l)
		return error_oom();
	l[*n].fn = fn;
	l[*n].userdata = ud;
	*list = l;
	(*n)++;
	return 0;
}

int bsim_tab_on_storage(bsim_browser *b, int id, bsim_storage_listener fn, void *userdata)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return no_tab(id);
	return add_listener(&t->storage_listeners, &t->n_storage_listeners, (void (*)(void))fn, userdata);
}

int bsim_tab_on_focus(bsim_browser *b, int id, bsim_focus_listener fn, void *userdata)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return no_tab(id);
	return add_listener(&t->focus_listeners, &t->n_focus_listeners, (void (*)(void))fn, userdata);
}

int bsim_tab_on_visibility(bsim_browser *b, int id, bsim_visibility_listener fn, void *userdata)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return no_tab(id);
	return add_listener(&t->visibility_listeners, &t->n_visibility_listeners, (void (*)(void))fn, userdata);
}

/* An open tab, or one kept for session restore: a page may clean up either. */
static tab *any_tab(const bsim_browser *b, int id)
{
	tab *t = browser_tab(b, id);
	for (size_t i = 0; !t && i < b->n_restore; i++)
		if (b->restore[i]->id == id)
			t = b->restore[i];
	return t;
}

static void remove_listener(listener *list, size_t *n, void (*fn)(void), void *ud)
{
	for (size_t i = 0; i < *n; i++) {
		if (list[i].fn == fn && list[i].userdata == ud) {
			memmove(&list[i], &list[i + 1], (*n - i - 1) * sizeof *list);
			(*n)--;
			return;
		}
	}
}

int bsim_tab_off_storage(bsim_browser *b, int id, bsim_storage_listener fn, void *userdata)
{
	tab *t = any_tab(b, id);
	if (t)
		remove_listener(t->storage_listeners, &t->n_storage_listeners, (void (*)(void))fn, userdata);
	return 0;
}

int bsim_tab_off_focus(bsim_browser *b, int id, bsim_focus_listener fn, void *userdata)
{
	tab *t = any_tab(b, id);
	if (t)
		remove_listener(t->focus_listeners, &t->n_focus_listeners, (void (*)(void))fn, userdata);
	return 0;
}

int bsim_tab_off_visibility(bsim_browser *b, int id, bsim_visibility_listener fn, void *userdata)
{
	tab *t = any_tab(b, id);
	if (t)
		remove_listener(t->visibility_listeners, &t->n_visibility_listeners, (void (*)(void))fn, userdata);
	return 0;
}
