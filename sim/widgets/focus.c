/*
 * focus.c: in-focus arbitration as the widget's App module does it
 * (widget-behaviour.md F.30 from widgets.min.js 9.0.018.07 cx-app; I.6, I.12,
 * I.16 and J.5 from runs of that build). One widget_focus per page load;
 * the browser delivers focus, visibility and storage events to it through
 * the tab's listeners, and the model delivers the user's clicks and keys.
 */
#include "widgets/focus.h"

#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "widgets/mutation.h"

struct widget_focus {
	bsim_browser *b;
	int tab;
	char *key;
	char guid[WIDGET_FOCUS_GUID_LEN + 1];
	bool started;  /* INIT has run: the App's handler is installed */
	bool focused;  /* App.focus published last */
	unsigned publishes;
	int last_error;
	widget_focus_change_fn change;
	void *change_data;
};

void widget_focus_make_guid(bsim_browser *b, char out[WIDGET_FOCUS_GUID_LEN + 1])
{
	/* I.12: lowercase hex in 10-5-5-5-15 groups; 40 nibbles from the seeded generator. */
	static const int groups[] = {10, 5, 5, 5, 15};
	static const char hex[] = "0123456789abcdef";
	uint64_t bits = 0;
	int left = 0;
	size_t o = 0;
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		if (g)
			out[o++] = '-';
		for (int i = 0; i < groups[g]; i++) {
			if (!left) {
				bits = bsim_browser_random(b);
				left = 16;
			}
			out[o++] = hex[bits & 0xf];
			bits >>= 4;
			left--;
		}
	}
	out[o] = '\0';
}

static void publish(widget_focus *f, bool focused)
{
	f->publishes++;
	bool changed = f->focused != focused;
	f->focused = focused;
	if (changed && f->change)
		f->change(f, focused, f->change_data);
}

/* F.30 (a): App.focus, then "" and the GUID, so every other tab hears a change even when the GUID was already there. */
static int claim(widget_focus *f)
{
	publish(f, true);
	if (widget_mutated("inFocus", WIDGET_MUT_NOWRITE))
		return 0;
	int rc = bsim_storage_set(f->b, f->tab, BSIM_STORAGE_LOCAL, f->key, "");
	if (rc == 0)
		rc = bsim_storage_set(f->b, f->tab, BSIM_STORAGE_LOCAL, f->key,
				      widget_mutated("inFocus", WIDGET_MUT_WRONG) ? WIDGET_MUTANT_VALUE : f->guid);
	return rc;
}

int widget_focus_on_event(widget_focus *f, widget_focus_event ev, const char *storage_value)
{
	if (ev == WIDGET_FOCUS_INIT)
		f->started = true;
	if (!f->started)
		return 0;
	int rc = 0;
	/* cx-app.js reads pageFocus once, before (a): a page that was not focused and claims in (a) claims again
	 * in (c). So a tab coming to the front writes "", GUID, "", GUID (four storage events elsewhere; seen
	 * running the widget). */
	bool was_focused = f->focused;
	if (ev == WIDGET_FOCUS_FOCUS || ev == WIDGET_FOCUS_MOUSEDOWN || ev == WIDGET_FOCUS_KEYDOWN) {
		char *stored = NULL;
		if ((rc = bsim_storage_get(&stored, f->b, f->tab, BSIM_STORAGE_LOCAL, f->key)) < 0)
			return rc;
		bool ours = stored && strcmp(stored, f->guid) == 0;
		free(stored);
		if (!ours && (rc = claim(f)) < 0)
			return rc;
	} else if (ev == WIDGET_FOCUS_STORAGE && storage_value && *storage_value &&
		   strcmp(storage_value, f->guid) != 0) {
		publish(f, false); /* F.30 (b): another tab took the key */
	}
	/* F.30 (c); I.16: a page without document focus (a hidden tab, a
	 * session-restored window) publishes App.blur and writes nothing. */
	/* A tab coming to the front hears visibilitychange before its window focus: document.hasFocus() is still
	 * false then, so the claim comes with the focus event that follows (which makes it the double claim). */
	if (ev != WIDGET_FOCUS_VISIBILITY && bsim_tab_has_focus(f->b, f->tab)) {
		if (!was_focused && rc >= 0)
			rc = claim(f);
	} else {
		publish(f, false);
	}
	return rc;
}

static void record(widget_focus *f, int rc)
{
	if (rc < 0)
		f->last_error = rc;
}

static void on_storage(const bsim_storage_event *ev, void *userdata)
{
	widget_focus *f = userdata;
	if (ev->kind != BSIM_STORAGE_LOCAL)
		return;
	/* The handler runs on every storage event; only the key's value can blur. */
	bool ours = ev->key && strcmp(ev->key, f->key) == 0;
	record(f, widget_focus_on_event(f, WIDGET_FOCUS_STORAGE, ours ? ev->new_value : NULL));
}

static void on_focus(bsim_browser *b, int tab, int focused, void *userdata)
{
	(void)b;
	(void)tab;
	/* The widget listens for focus, not blur (F.30). */
	if (focused)
		record(userdata, widget_focus_on_event(userdata, WIDGET_FOCUS_FOCUS, NULL));
}

static void on_visibility(bsim_browser *b, int tab, int visible, void *userdata)
{
	(void)b;
	(void)tab;
	(void)visible;
	record(userdata, widget_focus_on_event(userdata, WIDGET_FOCUS_VISIBILITY, NULL));
}

static void unlisten(widget_focus *f)
{
	bsim_tab_off_storage(f->b, f->tab, on_storage, f);
	bsim_tab_off_focus(f->b, f->tab, on_focus, f);
	bsim_tab_off_visibility(f->b, f->tab, on_visibility, f);
}

int widget_focus_new(widget_focus **out, bsim_browser *b, int tab, const char *key)
{
	*out = NULL;
	if (!bsim_tab_url(b, tab))
		return error_set(BSIM_ENOTFOUND, "in-focus: no open tab %d", tab);
	widget_focus *f = calloc(1, sizeof *f);
	if (!f)
		return error_oom();
	f->b = b;
	f->tab = tab;
	if (!(f->key = strdup(key ? key : WIDGET_FOCUS_KEY))) {
		free(f);
		return error_oom();
	}
	widget_focus_make_guid(b, f->guid);
	int rc = bsim_tab_on_storage(b, tab, on_storage, f);
	if (rc == 0)
		rc = bsim_tab_on_focus(b, tab, on_focus, f);
	if (rc == 0)
		rc = bsim_tab_on_visibility(b, tab, on_visibility, f);
	if (rc < 0) {
		widget_focus_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

int widget_focus_load(widget_focus **out, bsim_browser *b, int tab)
{
	int rc = widget_focus_new(out, b, tab, NULL);
	if (rc == 0 && (rc = widget_focus_on_event(*out, WIDGET_FOCUS_INIT, NULL)) < 0) {
		widget_focus_free(*out);
		*out = NULL;
	}
	return rc;
}

void widget_focus_free(widget_focus *f)
{
	if (!f)
		return;
	unlisten(f);
	free(f->key);
	free(f);
}

void widget_focus_set_change_fn(widget_focus *f, widget_focus_change_fn fn, void *userdata)
{
	f->change = fn;
	f->change_data = userdata;
}

bool widget_focus_focused(const widget_focus *f)
{
	return f->focused;
}

const char *widget_focus_guid(const widget_focus *f)
{
	return f->guid;
}

int widget_focus_tab(const widget_focus *f)
{
	return f->tab;
}

const char *widget_focus_key(const widget_focus *f)
{
	return f->key;
}

int widget_focus_owns_key(bool *out, widget_focus *f)
{
	*out = false;
	char *stored = NULL;
	int rc = bsim_storage_get(&stored, f->b, f->tab, BSIM_STORAGE_LOCAL, f->key);
	if (rc < 0)
		return rc;
	*out = stored && strcmp(stored, f->guid) == 0;
	free(stored);
	return 0;
}

int widget_focus_last_error(const widget_focus *f)
{
	return f->last_error;
}

unsigned widget_focus_publish_count(const widget_focus *f)
{
	return f->publishes;
}
