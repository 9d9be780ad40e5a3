/*
 * steps.c: the browser-level steps of the scenario language
 * (docs/scenario-language.md, "Steps"). Each element is a step kind: its
 * prepare checks the attributes when the file loads, so a typo is reported
 * at its FILE:LINE:COL before anything runs; its run drives the simulated
 * browser through the public API, exactly as a user or a page script would.
 * A cookie the browser refuses is not a step error: the page never learns
 * of it, and the trace records why, for an expectation to find later.
 * <use> is expanded by the loader; <set-cookie> is a child of <tab> and
 * <navigate>, not a step; <expect> lives in expect.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interchange/interchange.h"
#include "net/url.h"
#include "scenario/file_access.h"
#include "scenario/run/wait_event.h"
#include "scenario/scenario_internal.h"

/* ---- checks shared by the kinds (step_prepare has checked the attribute names against the schema) ---- */

static int require_attr(const step *s, const char *name, const char *example)
{
	const char *v = step_attr(s, name);
	if (!v || !*v)
		return step_error(s, BSIM_EINVAL, "<%s> needs %s=\"...\" (e.g. %s=\"%s\")", s->element, name, name,
				  example);
	return 0;
}

/* A URL the browser can load: checked at load time so a typo never waits for the run. */
static int check_url(const step *s, const char *name)
{
	const char *text = step_attr(s, name);
	if (!text)
		return 0;
	url *u;
	int rc = url_parse(&u, text);
	if (rc < 0)
		return step_wrap(s, rc == BSIM_ERROR ? BSIM_ERROR : BSIM_EINVAL, "%s=\"%s\" is not a URL bsim can load", name,
				 text);
	url_free(u);
	return 0;
}

/* <set-cookie> children: one response header value each. */
static int check_set_cookie_children(const step *s)
{
	if (s->n_children > STEP_MAX_SET_COOKIE)
		return step_error(s, BSIM_ELIMIT, "<%s> has %zu <set-cookie> children; the limit is %d", s->element,
				  s->n_children, STEP_MAX_SET_COOKIE);
	for (size_t i = 0; i < s->n_children; i++) {
		const step *c = &s->children[i];
		if (!c->element || strcmp(c->element, "set-cookie") != 0)
			return step_error(c, BSIM_EINVAL, "<%s> may only hold <set-cookie> elements, not <%s>", s->element,
					  c->element ? c->element : "?");
		if (!c->text)
			return step_error(c, BSIM_EINVAL,
					  "<set-cookie> needs the header value as its text, e.g. <set-cookie>sid=1; Path=/</set-cookie>");
	}
	if (s->n_children && !step_attr(s, "url"))
		return step_error(s, BSIM_EINVAL, "<%s> has <set-cookie> headers but no url=\"...\" whose response carries them",
				  s->element);
	return 0;
}

/* The response whose Set-Cookie headers are s's <set-cookie> children. headers needs n_children slots. */
static void response_of(const step *s, const char **headers, bsim_response *resp)
{
	for (size_t i = 0; i < s->n_children; i++)
		headers[i] = s->children[i].text;
	resp->set_cookie = headers;
	resp->set_cookie_count = s->n_children;
}

/*
 * A call into the browser failed: the step could not run. The message
 * names the step's action and keeps the browser's reason.
 */
static int call_failed(const step *s, int code, const char *what)
{
	if (code == BSIM_ENOMEM)
		return code;
	return step_wrap(s, code, "%s", what);
}

/* ---- live fetching: fetch="live" and its options on <tab> and <navigate> ---- */

static int file_path_of(char *out, size_t len, const step *s, const run_ctx *rc, const char *attr);

/* Methods a live navigation may use: a link or a form (GET, POST), and what a 307/308 test needs. */
static const char *const live_methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", NULL};

/* fetch=, method=, ca-file=, insecure=, network=: checked when the file loads. */
static int live_prepare(const step *s)
{
	const char *fetch = step_attr(s, "fetch");
	int flag, rc;
	if (fetch && strcmp(fetch, "live") != 0 && strcmp(fetch, "scripted") != 0)
		return step_error(s, BSIM_EINVAL, "fetch=\"%s\": expected fetch=\"live\" (from a real server) or fetch=\"scripted\" (the <set-cookie> children)",
				  fetch);
	bool live = fetch && strcmp(fetch, "live") == 0;
	if (live && s->n_children)
		return step_error(s, BSIM_EINVAL,
				  "<%s fetch=\"live\"> takes its Set-Cookie headers from the server; remove the <set-cookie> children or the fetch attribute",
				  s->element);
	if (live && !step_attr(s, "url"))
		return step_error(s, BSIM_EINVAL, "<%s fetch=\"live\"> needs url=\"...\", the page to fetch", s->element);
	static const char *const live_only[] = {"method", "ca-file", "insecure", "network", NULL};
	for (const char *const *a = live_only; *a; a++)
		if (step_attr(s, *a) && fetch && !live)
			return step_error(s, BSIM_EINVAL, "%s= applies to live fetching; fetch=\"scripted\" does not use it", *a);
	const char *method = step_attr(s, "method");
	if (method) {
		bool known = false;
		for (const char *const *m = live_methods; *m && !known; m++)
			known = strcmp(method, *m) == 0;
		if (!known)
			return step_error(s, BSIM_EINVAL, "method=\"%s\": expected GET, POST, PUT, DELETE or PATCH (upper case)", method);
	}
	if ((rc = step_attr_bool(s, "insecure", 0, &flag)) < 0 || (rc = step_attr_bool(s, "network", 0, &flag)) < 0)
		return rc;
	if (step_attr(s, "ca-file") && !*step_attr(s, "ca-file"))
		return step_error(s, BSIM_EINVAL, "ca-file=\"\" names no file; give the PEM file of the test server's certificate");
	return 0;
}

/*
 * Whether s fetches live: fetch="live", or `bsim run --live` for a step
 * with a URL and no scripted response (fetch="scripted" opts out).
 */
static bool fetches_live(const step *s, const run_ctx *rc)
{
	const char *fetch = step_attr(s, "fetch");
	if (fetch)
		return strcmp(fetch, "live") == 0;
	return rc->opts.live && step_attr(s, "url") && !s->n_children;
}

/* The live options of s: its attributes, else the run's. ca_path holds a ca-file= path made relative to the scenario. */
static int live_options_of(bsim_live_options *out, char *ca_path, size_t len, const step *s, const run_ctx *rc)
{
	*out = (bsim_live_options)BSIM_LIVE_OPTIONS_INIT;
	int code;
	out->method = step_attr(s, "method");
	out->ca_file = rc->opts.ca_file;
	out->insecure = rc->opts.insecure;
	if (rc->opts.version >= 3) {
		out->allow_redirect = rc->opts.allow_redirect;
		out->n_allow_redirect = rc->opts.n_allow_redirect;
	}
	if ((code = step_attr_bool(s, "insecure", out->insecure, &out->insecure)) < 0 ||
	    (code = step_attr_bool(s, "network", 0, &out->allow_network)) < 0)
		return code;
	if (step_attr(s, "ca-file")) {
		if ((code = file_path_of(ca_path, len, s, rc, "ca-file")) < 0)
			return code;
		out->ca_file = ca_path;
	}
	return 0;
}

/* ---- <hosts> ---- */

static int hosts_prepare(step *s)
{
	if (!s->text)
		return step_error(s, BSIM_EINVAL,
				  "<hosts> needs /etc/hosts lines as its text, e.g. <hosts>127.0.0.1 www.shop.com</hosts>");
	return 0;
}

static int hosts_run(step *s, run_ctx *rc)
{
	return run_add_hosts(rc, s->text, &s->at);
}

/* ---- <tab name url?> ---- */

static int tab_prepare(step *s)
{
	int rc;
	if ((rc = require_attr(s, "name", "a")) < 0 ||
	    (rc = check_url(s, "url")) < 0 || (rc = live_prepare(s)) < 0)
		return rc;
	return check_set_cookie_children(s);
}

static int tab_run(step *s, run_ctx *rc)
{
	const char *name = step_attr(s, "name"), *u = step_attr(s, "url");
	const char **headers = calloc(s->n_children ? s->n_children : 1, sizeof *headers);
	if (!headers)
		return error_oom();
	bsim_response resp;
	response_of(s, headers, &resp);
	int id = -1, code;
	if (fetches_live(s, rc)) {
		bsim_live_options live;
		char ca[FILE_ACCESS_PATH_MAX];
		if ((code = live_options_of(&live, ca, sizeof ca, s, rc)) == 0)
			code = bsim_tab_open_live(&id, rc->browser, u, &live);
	} else {
		code = bsim_tab_open(&id, rc->browser, u, &resp);
	}
	free(headers);
	if (code < 0) {
		char what[256];
		snprintf(what, sizeof what, "cannot open tab \"%.100s\" on %.120s", name, u ? u : "about:blank");
		return call_failed(s, code, what);
	}
	if ((code = run_name_tab(rc, name, id)) < 0)
		return code;
	return u ? run_page_loaded(rc) : 0;
}

/* ---- <navigate tab? url> ---- */

static int navigate_prepare(step *s)
{
	int rc;
	if ((rc = require_attr(s, "url", "https://www.shop.com/")) < 0 || (rc = check_url(s, "url")) < 0 ||
	    (rc = live_prepare(s)) < 0)
		return rc;
	return check_set_cookie_children(s);
}

static int navigate_run(step *s, run_ctx *rc)
{
	int id;
	int code = run_tab(&id, rc, s);
	if (code < 0)
		return code;
	const char **headers = calloc(s->n_children ? s->n_children : 1, sizeof *headers);
	if (!headers)
		return error_oom();
	bsim_response resp;
	response_of(s, headers, &resp);
	if (fetches_live(s, rc)) {
		bsim_live_options live;
		char ca[FILE_ACCESS_PATH_MAX];
		if ((code = live_options_of(&live, ca, sizeof ca, s, rc)) == 0)
			code = bsim_tab_navigate_live(rc->browser, id, step_attr(s, "url"), &live);
	} else {
		code = bsim_tab_navigate(rc->browser, id, step_attr(s, "url"), &resp);
	}
	free(headers);
	if (code < 0) {
		char what[256];
		snprintf(what, sizeof what, "cannot navigate tab \"%.100s\" to %.120s", rc->last_tab, step_attr(s, "url"));
		return call_failed(s, code, what);
	}
	return run_page_loaded(rc);
}

/* ---- <window-open name from url noopener?> ---- */

static int window_open_prepare(step *s)
{
	int rc, noopener;
	if ((rc = require_attr(s, "name", "popup")) < 0 ||
	    (rc = require_attr(s, "from", "a")) < 0 || (rc = require_attr(s, "url", "https://www.shop.com/")) < 0 ||
	    (rc = check_url(s, "url")) < 0)
		return rc;
	return step_attr_bool(s, "noopener", 0, &noopener);
}

static int window_open_run(step *s, run_ctx *rc)
{
	int noopener = 0, opener, id = -1;
	int code = step_attr_bool(s, "noopener", 0, &noopener);
	if (code < 0)
		return code;
	const char *from = step_attr(s, "from");
	void *v = strmap_get(&rc->tabs, from, strlen(from));
	/* run_tab reads tab=; window-open names its opener with from=. */
	if (!v || !bsim_tab_url(rc->browser, (int)(intptr_t)v))
		return step_error(s, BSIM_ENOTFOUND, "from=\"%s\": %s", from,
				  v ? "that tab is not open" : "no tab has that name");
	opener = (int)(intptr_t)v;
	code = bsim_tab_open_from(&id, rc->browser, opener, step_attr(s, "url"), noopener);
	if (code < 0) {
		char what[256];
		snprintf(what, sizeof what, "window.open from tab \"%.100s\" failed", from);
		return call_failed(s, code, what);
	}
	if ((code = run_name_tab(rc, step_attr(s, "name"), id)) < 0)
		return code;
	return run_page_loaded(rc);
}

/* ---- <reload/>, <back/>, <focus/>, <close-tab/>: one action on a tab ---- */

static int tab_action(step *s, run_ctx *rc, int (*fn)(bsim_browser *, int), const char *verb)
{
	int id;
	int code = run_tab(&id, rc, s);
	if (code < 0)
		return code;
	if ((code = fn(rc->browser, id)) < 0) {
		char what[256];
		snprintf(what, sizeof what, "cannot %s tab \"%.100s\"", verb, rc->last_tab);
		return call_failed(s, code, what);
	}
	return 0;
}

static int reload_run(step *s, run_ctx *rc)
{
	int code = tab_action(s, rc, bsim_tab_reload, "reload");
	return code < 0 ? code : run_page_loaded(rc);
}

static int back_run(step *s, run_ctx *rc)
{
	int id;
	int code = run_tab(&id, rc, s);
	if (code < 0)
		return code;
	/* The browser's message names its tab id; the scenario knows the tab by name. */
	if ((code = bsim_tab_back(rc->browser, id)) == BSIM_ENOTFOUND)
		return step_error(s, code, "cannot go back in tab \"%s\": it has no earlier page", rc->last_tab);
	if (code < 0) {
		char what[256];
		snprintf(what, sizeof what, "cannot go back in tab \"%.100s\"", rc->last_tab);
		return call_failed(s, code, what);
	}
	return run_page_loaded(rc);
}

static int focus_run(step *s, run_ctx *rc)
{
	return tab_action(s, rc, bsim_tab_focus, "focus");
}

static int close_tab_run(step *s, run_ctx *rc)
{
	return tab_action(s, rc, bsim_tab_close, "close");
}

/* ---- <cookie tab? write> ---- */

static int cookie_prepare(step *s)
{
	if (!step_attr(s, "write"))
		return step_error(s, BSIM_EINVAL, "<cookie> needs write=\"...\", what the page assigns to document.cookie (e.g. write=\"sid=1; Path=/\")");
	return 0;
}

static int cookie_run(step *s, run_ctx *rc)
{
	int id;
	int code = run_tab(&id, rc, s);
	if (code < 0)
		return code;
	/* A refusal is silent to the page; the trace keeps it. */
	if ((code = bsim_script_cookie_set(rc->browser, id, step_attr(s, "write"))) < 0)
		return call_failed(s, code, "document.cookie could not be written");
	return 0;
}

/* ---- <storage tab? area set value | remove | clear> ---- */

static int storage_area_of(const step *s, bsim_storage_kind *out)
{
	const char *area = step_attr(s, "area");
	if (area && strcmp(area, "local") == 0)
		*out = BSIM_STORAGE_LOCAL;
	else if (area && strcmp(area, "session") == 0)
		*out = BSIM_STORAGE_SESSION;
	else
		return step_error(s, BSIM_EINVAL, "<storage> needs area=\"local\" or area=\"session\"%s%s%s",
				  area ? ", not \"" : "", area ? area : "", area ? "\"" : "");
	return 0;
}

static int storage_prepare(step *s)
{
	bsim_storage_kind kind;
	int rc, clear = 0;
	if ((rc = storage_area_of(s, &kind)) < 0 ||
	    (rc = step_attr_bool(s, "clear", 0, &clear)) < 0)
		return rc;
	int actions = (step_attr(s, "set") != NULL) + (step_attr(s, "remove") != NULL) + (step_attr(s, "clear") != NULL);
	if (actions != 1)
		return step_error(s, BSIM_EINVAL,
				  "<storage> does one thing: set=\"KEY\" value=\"V\", remove=\"KEY\" or clear=\"true\" (it has %d of them)",
				  actions);
	if (step_attr(s, "set") && !step_attr(s, "value"))
		return step_error(s, BSIM_EINVAL, "<storage set=\"%s\"> needs value=\"...\"", step_attr(s, "set"));
	if (!step_attr(s, "set") && step_attr(s, "value"))
		return step_error(s, BSIM_EINVAL, "<storage> takes value=\"...\" only with set=\"KEY\"");
	if (step_attr(s, "clear") && !clear)
		return step_error(s, BSIM_EINVAL, "<storage clear=\"false\"> does nothing; leave the step out, or use clear=\"true\"");
	return 0;
}

static int storage_run(step *s, run_ctx *rc)
{
	bsim_storage_kind kind = BSIM_STORAGE_LOCAL;
	int id;
	int code = storage_area_of(s, &kind);
	if (code < 0 || (code = run_tab(&id, rc, s)) < 0)
		return code;
	const char *key;
	if ((key = step_attr(s, "set")))
		code = bsim_storage_set(rc->browser, id, kind, key, step_attr(s, "value"));
	else if ((key = step_attr(s, "remove")))
		code = bsim_storage_remove(rc->browser, id, kind, key);
	else
		code = bsim_storage_clear(rc->browser, id, kind);
	/* Over quota the page gets a QuotaExceededError and the old value stays; the trace keeps storage-refused:quota. */
	if (code == BSIM_EQUOTA)
		return 0;
	/* W9: the browser's message names its tab id; the scenario knows the tab by name. */
	if (code == BSIM_ESECURITY)
		return step_error(s, code, "tab \"%s\" shows about:blank, whose opaque origin has no %s (SecurityError)",
				  rc->last_tab, kind == BSIM_STORAGE_LOCAL ? "localStorage" : "sessionStorage");
	if (code < 0)
		return call_failed(s, code, kind == BSIM_STORAGE_LOCAL ? "localStorage could not be written"
								       : "sessionStorage could not be written");
	return 0;
}

/* ---- <wait for> ---- */

/* for= a duration (a value that reads as one is one, as recorded scenarios write it), else an event (wait_event.c). */
static int wait_prepare(step *s)
{
	int64_t ms;
	int rc;
	if ((rc = require_attr(s, "for", "2s")) < 0)
		return rc;
	s->data = NULL;
	if (scenario_duration_parse(step_attr(s, "for"), &ms, NULL) == BSIM_EINVAL)
		return wait_event_prepare(s);
	if ((rc = step_attr_duration(s, "for", &ms)) < 0)
		return rc;
	if (step_attr(s, "tab") || step_attr(s, "timeout"))
		return step_error(s, BSIM_EINVAL, "<wait for=\"%s\"> waits that long; tab= and timeout= go with for=\"EVENT\" (e.g. for=\"poll\")",
				  step_attr(s, "for"));
	return 0;
}

static int wait_run(step *s, run_ctx *rc)
{
	if (s->data)
		return wait_event_run(s, rc);
	int64_t ms;
	int code = step_attr_duration(s, "for", &ms);
	if (code < 0)
		return code;
	if ((code = run_advance(rc, ms)) < 0)
		return call_failed(s, code, "cannot wait");
	return 0;
}

/* ---- <close-browser/>, <restart/> ---- */

static int close_browser_run(step *s, run_ctx *rc)
{
	int code = bsim_browser_close(rc->browser);
	return code < 0 ? call_failed(s, code, "the browser could not close") : 0;
}

static int restart_run(step *s, run_ctx *rc)
{
	int code = bsim_browser_restart(rc->browser);
	/* A session restore reloads the kept tabs: the step ends at their load, as a navigation does. */
	if (code < 0)
		return call_failed(s, code, "the browser could not restart");
	return rc->sc->session_restore ? run_page_loaded(rc) : 0;
}

/* ---- <save-profile file/>, <load-profile file/>, <import file/>, <export file/> ---- */

static int file_prepare(step *s)
{
	return require_attr(s, "file", strstr(s->element, "profile") ? "profile.sqlite" : "state.json");
}

/*
 * The path a file attribute names, relative to the scenario file's folder
 * (docs/scenario-language.md), checked again against the folder rule now
 * that the step is about to touch it (file_access.h).
 */
static int file_path_of(char *out, size_t len, const step *s, const run_ctx *rc, const char *attr)
{
	return file_access_path(out, len, s, attr, rc->sc->at.file, rc->sc->files);
}

/* The browser's profile messages already say what failed ("cannot read profile P: ..."): keep them as they are. */
static int profile_failed(const step *s, int code, const char *what)
{
	if (code == BSIM_ENOMEM)
		return code;
	error_state inner;
	error_save(&inner);
	if (strncmp(inner.message, "cannot ", 7) == 0)
		return step_error(s, code, "%s", inner.message);
	return call_failed(s, code, what);
}

static int export_by_extension(bsim_browser *b, const char *path)
{
	int rc = interchange_export(b, path, INTERCHANGE_AUTO);
	if (rc == 0)
		interchange_warn_if_expired(stderr, b, path);
	return rc;
}

/* The steps that read or write a file: what each calls, and what it says when that fails. */
static const struct {
	const char *element;
	int (*op)(bsim_browser *b, const char *path);
	bool profile; /* profile_failed: a profile's own messages already say "cannot ..." */
	const char *what;
} file_steps[] = {
	{"save-profile", bsim_browser_save_profile, true, "cannot save the profile"},
	{"load-profile", bsim_browser_load_profile, true, "cannot load the profile"},
	{"import", interchange_import, false, "cannot import"},
	{"export", export_by_extension, false, "cannot export"},
};

static int file_run(step *s, run_ctx *rc)
{
	for (size_t i = 0; i < sizeof file_steps / sizeof *file_steps; i++) {
		if (strcmp(s->element, file_steps[i].element) != 0)
			continue;
		char path[FILE_ACCESS_PATH_MAX];
		int code = file_path_of(path, sizeof path, s, rc, "file");
		if (code < 0)
			return code;
		code = file_steps[i].op(rc->browser, path);
		if (code >= 0)
			return 0;
		return file_steps[i].profile ? profile_failed(s, code, file_steps[i].what)
					     : call_failed(s, code, file_steps[i].what);
	}
	return step_error(s, BSIM_ERROR, "<%s> is not a file step", s->element);
}

/* ---- <response url><set-cookie>...</set-cookie></response>: Set-Cookie straight into the jar ---- */

static void response_release(void *data)
{
	response_digest *d = data;
	if (!d)
		return;
	free((void *)d->values);
	free((void *)d->lens);
	free(d);
}

static int response_prepare(step *s)
{
	int rc;
	if ((rc = require_attr(s, "url", "https://www.shop.com/")) < 0 ||
	    (rc = check_url(s, "url")) < 0 || (rc = check_set_cookie_children(s)) < 0)
		return rc;
	if (!s->n_children)
		return step_error(s, BSIM_EINVAL,
				  "<response> needs the headers it carries, e.g. <set-cookie>sid=1; Path=/</set-cookie>");
	response_digest *d = calloc(1, sizeof *d);
	const char **values = calloc(s->n_children, sizeof *values);
	size_t *lens = calloc(s->n_children, sizeof *lens);
	if (!d || !values || !lens) {
		free(d);
		free(values);
		free(lens);
		return error_oom();
	}
	for (size_t i = 0; i < s->n_children; i++) {
		values[i] = s->children[i].text;
		lens[i] = strlen(s->children[i].text);
	}
	*d = (response_digest){step_attr(s, "url"), values, lens, s->n_children};
	s->data = d;
	return 0;
}

/*
 * Each header as the response to a top-level navigation to url carries it
 * (bsim_jar_set_cookie with the navigation context), with no tab: a refusal
 * is not an error, and the trace keeps why.
 */
static int response_run(step *s, run_ctx *rc)
{
	const response_digest *d = s->data;
	bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;
	bsim_jar *jar = bsim_browser_jar(rc->browser);
	for (size_t i = 0; i < d->n; i++) {
		int code = bsim_jar_set_cookie(jar, d->url, d->values[i], d->lens[i], &ctx);
		if (code < 0)
			return call_failed(s, code, "the response could not be received");
	}
	return 0;
}

/* ---- registration ---- */

static const step_kind builtin[] = {
	{"hosts", hosts_prepare, hosts_run, NULL},
	{"tab", tab_prepare, tab_run, NULL},
	{"navigate", navigate_prepare, navigate_run, NULL},
	{"window-open", window_open_prepare, window_open_run, NULL},
	{"reload", NULL, reload_run, NULL},
	{"back", NULL, back_run, NULL},
	{"focus", NULL, focus_run, NULL},
	{"close-tab", NULL, close_tab_run, NULL},
	{"cookie", cookie_prepare, cookie_run, NULL},
	{"storage", storage_prepare, storage_run, NULL},
	{"wait", wait_prepare, wait_run, NULL},
	{"close-browser", NULL, close_browser_run, NULL},
	{"restart", NULL, restart_run, NULL},
	{"save-profile", file_prepare, file_run, NULL},
	{"load-profile", file_prepare, file_run, NULL},
	{"import", file_prepare, file_run, NULL},
	{"export", file_prepare, file_run, NULL},
	{"response", response_prepare, response_run, response_release},
};

void steps_register_builtin(void)
{
	for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
		step_kind_register(&builtin[i]);
}
