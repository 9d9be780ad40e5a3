/*
 * script.c: the script view — what a page script on a tab can observe and
 * do, and the only door the widget model uses: document.cookie through the
 * jar's script rules (of the tab's page, or of an iframe inside it), localStorage and sessionStorage, and the `storage`
 * events a write sends to the other tabs of the same origin
 * (browser-rules.md W4: never to the writer; none when nothing changed).
 */
#include <stdlib.h>
#include <string.h>

#include "browser/browser_internal.h"
#include "util/error.h"

static int page_of(tab **out, bsim_browser *b, int id)
{
	tab *t = browser_tab(b, id);
	if (!t)
		return error_set(BSIM_ENOTFOUND, "no open tab %d", id);
	*out = t;
	return 0;
}

int bsim_script_cookie_get(char **out, bsim_browser *b, int id)
{
	tab *t = NULL;
	int rc = page_of(&t, b, id);
	if (rc < 0)
		return rc;
	/* A blank page is cookie-averse (F4): document.cookie reads "". */
	if (!t->url) {
		*out = strdup("");
		return *out ? 0 : error_oom();
	}
	jar_call call = {NULL, false, false, id};
	return jar_script_get(out, b->jar, t->page, &call);
}

int bsim_script_cookie_set(bsim_browser *b, int id, const char *s)
{
	tab *t = NULL;
	int rc = page_of(&t, b, id);
	if (rc < 0)
		return rc;
	if (!t->url)
		return 0; /* F4: writes on a cookie-averse document do nothing */
	jar_call call = {NULL, false, false, id};
	return jar_script_set(b->jar, t->page, s, strlen(s), &call);
}

/*
 * An iframe's document: the tab's page is the top-level site, and a frame
 * is never a top-level navigation. *frame is the frame's URL parsed
 * (borrowed from the browser's URL cache).
 */
static int frame_call(jar_call *call, const url **frame, bsim_browser *b, int id, const char *frame_url)
{
	tab *t = NULL;
	int rc = page_of(&t, b, id);
	if (rc < 0)
		return rc;
	if (!t->url)
		return error_set(BSIM_EINVAL, "tab %d shows about:blank, which embeds no frame; load the page that embeds %s first",
				 id, frame_url ? frame_url : "the frame");
	if (!frame_url)
		return error_set(BSIM_EINVAL, "no frame URL given");
	if ((rc = url_cache_get(frame, b->urls, frame_url)) < 0)
		return rc;
	*call = (jar_call){t->page, false, false, id};
	return 0;
}

int bsim_script_cookie_get_framed(char **out, bsim_browser *b, int id, const char *frame_url)
{
	*out = NULL;
	jar_call call;
	const url *frame;
	int rc = frame_call(&call, &frame, b, id, frame_url);
	if (rc < 0)
		return rc;
	return jar_script_get(out, b->jar, frame, &call);
}

int bsim_script_cookie_set_framed(bsim_browser *b, int id, const char *frame_url, const char *s)
{
	jar_call call;
	const url *frame;
	int rc = frame_call(&call, &frame, b, id, frame_url);
	if (rc < 0)
		return rc;
	return jar_script_set(b->jar, frame, s, strlen(s), &call);
}

/* The storage area a tab's page uses: its origin key and map (W1). */
typedef struct page_storage {
	tab *t;
	storage_map *map;
	const char *origin; /* borrowed from the tab */
	const char *site;
} page_storage;

static int page_storage_of(page_storage *ps, bsim_browser *b, int id, bsim_storage_kind kind)
{
	memset(ps, 0, sizeof *ps);
	int rc = page_of(&ps->t, b, id);
	if (rc < 0)
		return rc;
	/* W9: a page with an opaque origin (about:blank here) gets a SecurityError. */
	if (!ps->t->url)
		return error_set(BSIM_ESECURITY, "tab %d shows about:blank, whose opaque origin has no %s (SecurityError)",
				 id, kind == BSIM_STORAGE_LOCAL ? "localStorage" : "sessionStorage");
	ps->origin = ps->t->origin;
	ps->site = ps->t->site;
	ps->map = kind == BSIM_STORAGE_LOCAL ? b->local : ps->t->session;
	return 0;
}

static const char *kind_name(bsim_storage_kind kind)
{
	return kind == BSIM_STORAGE_LOCAL ? "localStorage" : "sessionStorage";
}

/*
 * W4: a change fires a `storage` event at every other document whose
 * storage area is the same: for localStorage every other tab on the origin;
 * for sessionStorage only documents of the same tab, and bsim models one
 * document per tab, so none.
 */
static void dispatch(bsim_browser *b, const page_storage *ps, bsim_storage_kind kind, const char *key,
		     const char *old_value, const char *new_value)
{
	if (kind != BSIM_STORAGE_LOCAL)
		return;
	/* Listeners may open or close tabs: walk a snapshot of the ids. */
	size_t n = b->n_tabs;
	int *ids = malloc((n ? n : 1) * sizeof *ids);
	if (!ids)
		return;
	for (size_t i = 0; i < n; i++)
		ids[i] = b->tabs[i]->id;
	for (size_t i = 0; i < n; i++) {
		tab *t = browser_tab(b, ids[i]);
		if (!t || t == ps->t || !t->origin || strcmp(t->origin, ps->origin) != 0)
			continue;
		trace_add(b, BSIM_TRACE_EVENT, t->id, "event-storage", key,
			  "storage event on tab %d: key %s, old %s%s%s, new %s%s%s, from %s", t->id, key ? key : "(clear)",
			  old_value ? "\"" : "", old_value ? old_value : "null", old_value ? "\"" : "",
			  new_value ? "\"" : "", new_value ? new_value : "null", new_value ? "\"" : "", ps->t->url);
		bsim_storage_event ev = {t->id, kind, key, old_value, new_value, ps->t->url, bsim_jar_time(b->jar)};
		for (size_t k = 0; k < t->n_storage_listeners; k++) {
			((bsim_storage_listener)(void (*)(void))t->storage_listeners[k].fn)(
				&ev, t->storage_listeners[k].userdata);
			if (!(t = browser_tab(b, ids[i])))
				break;
		}
	}
	free(ids);
}

int bsim_storage_get(char **out, bsim_browser *b, int id, bsim_storage_kind kind, const char *key)
{
	page_storage ps;
	int rc = page_storage_of(&ps, b, id, kind);
	if (rc < 0)
		return rc;
	storage_area *a = storage_map_find(ps.map, ps.origin);
	const char *v = a ? storage_area_get(a, key) : NULL;
	*out = NULL;
	if (v && !(*out = strdup(v)))
		rc = error_oom();
	return rc;
}

int bsim_storage_set(bsim_browser *b, int id, bsim_storage_kind kind, const char *key, const char *value)
{
	page_storage ps;
	int rc = page_storage_of(&ps, b, id, kind);
	if (rc < 0)
		return rc;
	storage_change ch = {false, NULL};
	rc = storage_map_set(ps.map, ps.origin, ps.site, key, value, &ch);
	if (rc == BSIM_EQUOTA) {
		trace_add(b, BSIM_TRACE_STORAGE, id, "storage-refused:quota", key, "%s.setItem(\"%.80s\") refused on %s: %s",
			  kind_name(kind), key, ps.t->url, bsim_error_last()->message);
	} else if (rc == 0 && ch.changed) {
		trace_add(b, BSIM_TRACE_STORAGE, id, "storage-set", key, "%s.setItem(\"%.80s\", \"%.80s\") on %s",
			  kind_name(kind), key, value, ps.t->url);
		dispatch(b, &ps, kind, key, ch.old_value, value);
	}
	free(ch.old_value);
	return rc;
}

int bsim_storage_remove(bsim_browser *b, int id, bsim_storage_kind kind, const char *key)
{
	page_storage ps;
	int rc = page_storage_of(&ps, b, id, kind);
	if (rc < 0)
		return rc;
	storage_change ch = {false, NULL};
	rc = storage_map_remove(ps.map, ps.origin, key, &ch);
	if (rc == 0 && ch.changed) {
		trace_add(b, BSIM_TRACE_STORAGE, id, "storage-removed", key, "%s.removeItem(\"%.80s\") on %s",
			  kind_name(kind), key, ps.t->url);
		dispatch(b, &ps, kind, key, ch.old_value, NULL);
	}
	free(ch.old_value);
	return rc;
}

int bsim_storage_clear(bsim_browser *b, int id, bsim_storage_kind kind)
{
	page_storage ps;
	int rc = page_storage_of(&ps, b, id, kind);
	if (rc < 0)
		return rc;
	storage_change ch = {false, NULL};
	rc = storage_map_clear(ps.map, ps.origin, &ch);
	if (rc == 0 && ch.changed) {
		trace_add(b, BSIM_TRACE_STORAGE, id, "storage-cleared", NULL, "%s.clear() on %s", kind_name(kind),
			  ps.t->url);
		dispatch(b, &ps, kind, NULL, NULL, NULL);
	}
	free(ch.old_value);
	return rc;
}

int bsim_storage_length(size_t *out, bsim_browser *b, int id, bsim_storage_kind kind)
{
	page_storage ps;
	int rc = page_storage_of(&ps, b, id, kind);
	if (rc < 0)
		return rc;
	storage_area *a = storage_map_find(ps.map, ps.origin);
	*out = a ? storage_area_length(a) : 0;
	return 0;
}

int bsim_storage_key(char **out, bsim_browser *b, int id, bsim_storage_kind kind, size_t n)
{
	page_storage ps;
	int rc = page_storage_of(&ps, b, id, kind);
	if (rc < 0)
		return rc;
	storage_area *a = storage_map_find(ps.map, ps.origin);
	const char *k = a ? storage_area_key(a, n) : NULL;
	*out = NULL;
	if (k && !(*out = strdup(k)))
		rc = error_oom();
	return rc;
}
