/*
 * ops_steps.c: the step kinds of op files (scenario/read/ops.h), run by
 * the one runner like every other step.
 *
 * The cookie jar ops act on the browser's jar by URL, as `bsim cookie` did
 * before it had tabs (set is the <response> step of steps.c); the browser
 * ops act on tabs the file names. What they do goes to the run's listener
 * (report/ops.c) in the order things happen: jar events where the jar
 * reports them, then storage refusals found in the browser's trace, then
 * the op's own results and op_done; events delivered to listening tabs
 * where the browser delivers them. A page's exception (QuotaExceededError,
 * SecurityError) and a failed navigation are results, as a page sees them
 * and goes on; an op that cannot run (a profile that will not load, a file
 * that cannot be written) is a step error: the listener hears op_failed
 * with the error in the error channel, and the run stops.
 *
 * The state beside the browser (which tab id each name stands for, the
 * listening tabs, the respond headers waiting for a load) is the run's
 * extension (run_ext), made by the first step, which readies the run.
 */
#include <stdlib.h>
#include <string.h>

#include "bsim/browser.h"
#include "interchange/interchange.h"
#include "scenario/read/ops.h"
#include "util/error.h"
#include "util/grow.h"

typedef struct ops_state ops_state;

/* What a listening tab's callbacks need: the run and the tab's name. */
typedef struct listen_ctx {
	ops_state *st;
	int name;
} listen_ctx;

struct ops_state {
	run_ctx *rc;
	const cookie_op_list *ops;
	const ops_run_config *cfg;
	const ops_listener *l;
	const cookie_op *op;    /* the op being run, for the line outputs belong to */
	int *ids;               /* the browser's tab id behind each name, -1 when not open */
	int *id_names;          /* the name each tab id was opened under, for the trace (ids only grow) */
	size_t id_names_cap;
	size_t trace_mark;      /* trace entries before the op */
	listen_ctx **listeners;
	size_t n_listeners, cap_listeners;
	const cookie_op **pending; /* respond ops whose header no load has carried yet, in file order */
	size_t n_pending, cap_pending;
};

static ops_where where(const ops_state *st)
{
	return (ops_where){cookie_op_name(st->op->kind), st->op->line};
}

/* The name at index `name` of the file's tab names, or NULL for -1. */
static const char *tab_name(const ops_state *st, int name)
{
	return name >= 0 ? st->ops->names[name] : NULL;
}

/* The name the file gave the tab with this id, open or closed since, or NULL. */
static const char *name_of_id(const ops_state *st, int id)
{
	if (id < 0 || (size_t)id >= st->id_names_cap || st->id_names[id] < 0)
		return NULL;
	return st->ops->names[st->id_names[id]];
}

/* A tab opened: name st->op->tab now stands for id. */
static int name_tab(ops_state *st, int id)
{
	if (id < 0)
		return error_set(BSIM_ERROR, "the browser gave a new tab the id %d", id);
	size_t old = st->id_names_cap;
	if (ARRAY_GROW(&st->id_names, &st->id_names_cap, (size_t)id + 1) < 0)
		return BSIM_ENOMEM;
	for (size_t i = old; i < st->id_names_cap; i++)
		st->id_names[i] = -1;
	st->id_names[id] = st->op->tab;
	st->ids[st->op->tab] = id;
	return 0;
}

/*
 * An op that could not run. A call's error is wrapped in the op's name and
 * place (error_wrap_at keeps the inner message whole); an op's own
 * sentence is raised at its place already. The listener hears it while
 * it is in the error channel.
 */
static int op_failed(ops_state *st, int code, bool own_sentence)
{
	ops_where w = where(st);
	if (!own_sentence)
		code = error_wrap_at(code, st->cfg->file, w.line, 0, "%s", w.op);
	st->l->op_failed(st->l->data, &w, code, own_sentence);
	return code;
}

/* ---- the jar's events and listening tabs ---- */

static void on_cookie_event(const bsim_cookie_event *ev, void *userdata)
{
	ops_state *st = userdata;
	if (st->op && st->l->cookie_event) {
		ops_where w = where(st);
		st->l->cookie_event(st->l->data, &w, ev);
	}
}

static void on_storage(const bsim_storage_event *ev, void *userdata)
{
	listen_ctx *c = userdata;
	ops_where w = where(c->st);
	c->st->l->storage_event(c->st->l->data, &w, tab_name(c->st, c->name), ev);
}

static void on_focus(bsim_browser *browser, int tab, int focused, void *userdata)
{
	(void)tab;
	listen_ctx *c = userdata;
	ops_where w = where(c->st);
	c->st->l->focus_event(c->st->l->data, &w, tab_name(c->st, c->name), focused, bsim_browser_now(browser));
}

static int listen(ops_state *st, int id)
{
	if (ARRAY_GROW(&st->listeners, &st->cap_listeners, st->n_listeners + 1) < 0)
		return BSIM_ENOMEM;
	listen_ctx *c = malloc(sizeof *c);
	if (!c)
		return error_oom();
	*c = (listen_ctx){st, st->op->tab};
	st->listeners[st->n_listeners++] = c;
	int rc = bsim_tab_on_storage(st->rc->browser, id, on_storage, c);
	if (rc == 0)
		rc = bsim_tab_on_focus(st->rc->browser, id, on_focus, c);
	return rc;
}

/* Storage refusals the op left in the trace since the mark, before its result; moves the mark. */
static void explain_trace(ops_state *st)
{
	bsim_browser *b = st->rc->browser;
	size_t n = bsim_browser_trace_count(b);
	const char *prefix = "storage-refused:";
	for (size_t i = st->trace_mark; i < n && st->l->storage_refused; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(b, i);
		if (strncmp(e->code, prefix, strlen(prefix)) != 0)
			continue;
		ops_where w = where(st);
		st->l->storage_refused(st->l->data, &w, e, bsim_tab_url(b, e->tab));
	}
	st->trace_mark = n;
}

/* The whole trace so far, printed whole: the refusals in it were explained where they happened. */
static void trace_all(ops_state *st)
{
	bsim_browser *b = st->rc->browser;
	size_t n = bsim_browser_trace_count(b);
	ops_where w = where(st);
	for (size_t i = 0; i < n; i++) {
		const bsim_trace_entry *e = bsim_browser_trace_at(b, i);
		st->l->trace_entry(st->l->data, &w, e, name_of_id(st, e->tab));
	}
	st->trace_mark = n;
}

static int dump_cookie(const bsim_cookie_view *c, void *userdata)
{
	ops_state *st = userdata;
	ops_where w = where(st);
	st->l->dump_cookie(st->l->data, &w, c);
	return 0;
}

static void value(ops_state *st, const char *url, const char *v)
{
	ops_where w = where(st);
	st->l->value(st->l->data, &w, url, v);
}

static void navigation_error(ops_state *st, const char *url)
{
	ops_where w = where(st);
	st->l->navigation_error(st->l->data, &w, tab_name(st, st->op->tab), url, bsim_error_last()->message);
	bsim_error_clear();
}

/* ---- ops ---- */

/*
 * Load url in tab id with every respond header waiting for it. A host
 * that does not resolve is the page's failure, not the file's: it is
 * printed and the run goes on, and the headers wait for the next load.
 */
static int load(ops_state *st, int id, const char *url)
{
	const char **headers = NULL;
	size_t n = 0;
	for (size_t i = 0; i < st->n_pending; i++)
		n += strcmp(st->pending[i]->url, url) == 0;
	if (n && !(headers = malloc(n * sizeof *headers)))
		return error_oom();
	n = 0;
	for (size_t i = 0; i < st->n_pending; i++)
		if (strcmp(st->pending[i]->url, url) == 0)
			headers[n++] = st->pending[i]->value;
	bsim_response resp = {headers, n};
	int rc = bsim_tab_navigate(st->rc->browser, id, url, &resp);
	if (rc == 0) {
		/* Received: these headers are spent; the others keep their order. */
		size_t kept = 0;
		for (size_t i = 0; i < st->n_pending; i++)
			if (strcmp(st->pending[i]->url, url) != 0)
				st->pending[kept++] = st->pending[i];
		st->n_pending = kept;
	} else if (rc == BSIM_ERESOLVE) {
		navigation_error(st, url);
		rc = 0;
	}
	free(headers);
	return rc;
}

/* A navigation other than a load by URL (reload, back): only resolution may fail it. */
static int renavigate(ops_state *st, int id, int rc)
{
	if (rc == BSIM_ERESOLVE) {
		navigation_error(st, bsim_tab_url(st->rc->browser, id));
		return 0;
	}
	return rc;
}

/* close and restart: without session restore every tab goes, and with it every name. */
static void tabs_closed(ops_state *st)
{
	if (st->cfg->session_restore)
		return;
	for (size_t i = 0; i < st->ops->name_count; i++)
		st->ids[i] = -1;
}

static int storage_call(ops_state *st, int id, char **value_out, size_t *length)
{
	const cookie_op *op = st->op;
	bsim_browser *b = st->rc->browser;
	bsim_storage_kind kind = op->kind == COOKIE_OP_LOCAL ? BSIM_STORAGE_LOCAL : BSIM_STORAGE_SESSION;
	switch (op->method) {
	case COOKIE_STORAGE_SET: return bsim_storage_set(b, id, kind, op->key, op->value);
	case COOKIE_STORAGE_GET: return bsim_storage_get(value_out, b, id, kind, op->key);
	case COOKIE_STORAGE_REMOVE: return bsim_storage_remove(b, id, kind, op->key);
	case COOKIE_STORAGE_CLEAR: return bsim_storage_clear(b, id, kind);
	case COOKIE_STORAGE_LENGTH: return bsim_storage_length(length, b, id, kind);
	case COOKIE_STORAGE_KEY: return bsim_storage_key(value_out, b, id, kind, op->index);
	}
	return error_set(BSIM_ERROR, "storage method %d has no call", (int)op->method);
}

static int storage_op(ops_state *st, int id)
{
	const cookie_op *op = st->op;
	char *v = NULL;
	size_t length = 0;
	int rc = storage_call(st, id, &v, &length);
	const char *url = bsim_tab_url(st->rc->browser, id);
	ops_where w = where(st);
	if (rc == BSIM_EQUOTA || rc == BSIM_ESECURITY) {
		/* W3, W9: the page sees a DOMException and goes on. */
		st->l->exception(st->l->data, &w, tab_name(st, op->tab), url,
				 rc == BSIM_EQUOTA ? "QuotaExceededError" : "SecurityError", bsim_error_last()->message);
		bsim_error_clear();
		rc = 0;
	} else if (rc == 0 && op->method != COOKIE_STORAGE_SET && op->method != COOKIE_STORAGE_REMOVE &&
		   op->method != COOKIE_STORAGE_CLEAR) {
		st->l->storage(st->l->data, &w, op, tab_name(st, op->tab), url, v,
			       op->method == COOKIE_STORAGE_LENGTH, length);
	}
	free(v);
	return rc;
}

/* Ops that a page or a person at the browser does: a closed browser starts again for them. */
static bool needs_running_browser(cookie_op_kind kind)
{
	switch (kind) {
	case COOKIE_OP_WAIT:
	case COOKIE_OP_CLOSE:
	case COOKIE_OP_DUMP:
	case COOKIE_OP_RESPOND:
	case COOKIE_OP_HOSTS:
	case COOKIE_OP_RESTART:
	case COOKIE_OP_SAVE:
	case COOKIE_OP_LOAD:
	case COOKIE_OP_IMPORT:
	case COOKIE_OP_EXPORT:
	case COOKIE_OP_TRACE:
		return false;
	default:
		return true;
	}
}

static interchange_format format_of(cookie_file_format f)
{
	return f == COOKIE_FORMAT_STORAGE_STATE ? INTERCHANGE_STORAGE_STATE : INTERCHANGE_COOKIES_TXT;
}

/* The cookie jar ops by URL (set runs the <response> step it carries). */
static int jar_op(ops_state *st, step *s)
{
	const cookie_op *op = st->op;
	bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;
	bsim_jar *jar = bsim_browser_jar(st->rc->browser);
	char *v = NULL;
	int rc = 0;
	switch (op->kind) {
	case COOKIE_OP_SET:
		rc = s->children[0].kind->run(&s->children[0], st->rc);
		break;
	case COOKIE_OP_SCRIPT:
		rc = bsim_jar_script_set(jar, op->url, op->value, op->value_len, &ctx);
		break;
	case COOKIE_OP_GET:
		if ((rc = bsim_jar_cookie_header(&v, jar, op->url, &ctx)) == 0)
			value(st, op->url, v);
		break;
	case COOKIE_OP_READ:
		if ((rc = bsim_jar_script_get(&v, jar, op->url, &ctx)) == 0)
			value(st, op->url, v);
		break;
	default:
		rc = error_set(BSIM_ERROR, "op %s is not a jar op", cookie_op_name(op->kind));
		break;
	}
	free(v);
	return rc;
}

/* The ops on a named tab. */
static int tab_op(ops_state *st, int id)
{
	const cookie_op *op = st->op;
	bsim_browser *b = st->rc->browser;
	char *v = NULL;
	int rc = 0;
	switch (op->kind) {
	case COOKIE_OP_SCRIPT:
		return bsim_script_cookie_set(b, id, op->value);
	case COOKIE_OP_READ:
		if ((rc = bsim_script_cookie_get(&v, b, id)) == 0)
			value(st, bsim_tab_url(b, id), v);
		free(v);
		return rc;
	case COOKIE_OP_TAB:
		if ((rc = bsim_tab_open(&id, b, NULL, NULL)) == 0 && (rc = name_tab(st, id)) == 0 && op->url)
			/* Open, then load: a page that fails to load leaves the tab open, as a browser does. */
			rc = load(st, id, op->url);
		return rc;
	case COOKIE_OP_OPEN:
		if ((rc = bsim_tab_open_from(&id, b, st->ids[op->opener], NULL, op->noopener)) == 0 &&
		    (rc = name_tab(st, id)) == 0)
			rc = load(st, id, op->url);
		return rc;
	case COOKIE_OP_NAVIGATE:
		return load(st, id, op->url);
	case COOKIE_OP_RELOAD:
		return renavigate(st, id, bsim_tab_reload(b, id));
	case COOKIE_OP_BACK:
		rc = bsim_tab_back(b, id);
		if (rc == BSIM_ENOTFOUND) {
			/* The check counts pages; a load that failed to resolve is one fewer. */
			return op_failed(st, error_set_at(BSIM_EINVAL, st->cfg->file, op->line, 0,
							  "tab \"%s\" has no earlier page to go back to (a load before failed)",
							  tab_name(st, op->tab)),
					 true);
		}
		return renavigate(st, id, rc);
	case COOKIE_OP_FOCUS:
		return bsim_tab_focus(b, id);
	case COOKIE_OP_CLOSE_TAB:
		rc = bsim_tab_close(b, id);
		st->ids[op->tab] = -1;
		return rc;
	case COOKIE_OP_LOCAL:
	case COOKIE_OP_SESSION:
		return storage_op(st, id);
	case COOKIE_OP_LISTEN:
		return listen(st, id);
	default:
		return error_set(BSIM_ERROR, "op %s is not a tab op", cookie_op_name(op->kind));
	}
}

static int export_file(bsim_browser *b, const cookie_op *op)
{
	int rc = interchange_export(b, op->path, format_of(op->format));
	if (rc == 0)
		interchange_warn_if_expired(stderr, b, op->path);
	return rc;
}

/* The ops on the browser as a whole. */
static int browser_op(ops_state *st)
{
	const cookie_op *op = st->op;
	bsim_browser *b = st->rc->browser;
	int rc = 0;
	switch (op->kind) {
	case COOKIE_OP_WAIT: return run_advance(st->rc, op->wait_ms);
	case COOKIE_OP_CLOSE:
		rc = bsim_browser_close(b);
		tabs_closed(st);
		return rc;
	case COOKIE_OP_RESTART:
		rc = bsim_browser_restart(b);
		tabs_closed(st);
		return rc;
	case COOKIE_OP_DUMP: return bsim_jar_foreach(bsim_browser_jar(b), dump_cookie, st);
	case COOKIE_OP_RESPOND:
		/* Its header waits for the next load of its URL. */
		if (ARRAY_GROW(&st->pending, &st->cap_pending, st->n_pending + 1) < 0)
			return BSIM_ENOMEM;
		st->pending[st->n_pending++] = op;
		return 0;
	case COOKIE_OP_HOSTS: return bsim_browser_add_hosts(b, op->value, st->cfg->file);
	case COOKIE_OP_SAVE: return bsim_browser_save_profile(b, op->path);
	case COOKIE_OP_LOAD: return bsim_browser_load_profile(b, op->path);
	case COOKIE_OP_IMPORT: return interchange_import(b, op->path);
	case COOKIE_OP_EXPORT: return export_file(b, op);
	case COOKIE_OP_TRACE:
		trace_all(st);
		return 0;
	default:
		return error_set(BSIM_ERROR, "op %s is not a browser op", cookie_op_name(op->kind));
	}
}

static bool is_jar_op(const cookie_op *op)
{
	return op->kind == COOKIE_OP_SET || op->kind == COOKIE_OP_GET ||
	       ((op->kind == COOKIE_OP_SCRIPT || op->kind == COOKIE_OP_READ) && op->url);
}

static int op_step_run(step *s, run_ctx *rc)
{
	const ops_step_data *d = s->data;
	ops_state *st = rc->ext.data;
	if (!st)
		return step_error(s, BSIM_ERROR, "op %s ran before the run was readied", cookie_op_name(d->op->kind));
	const cookie_op *op = d->op;
	int id = op->tab >= 0 ? st->ids[op->tab] : -1;
	int code = 0;
	st->op = op;
	if (needs_running_browser(op->kind) && !bsim_browser_running(rc->browser)) {
		if ((code = bsim_browser_restart(rc->browser)) < 0)
			return op_failed(st, code, false);
		id = op->tab >= 0 ? st->ids[op->tab] : -1;
	}
	if (is_jar_op(op))
		code = jar_op(st, s);
	else if (op->tab >= 0)
		code = tab_op(st, id);
	else
		code = browser_op(st);
	if (code < 0) {
		/* The back op above has told the listener already. */
		if (!(op->kind == COOKIE_OP_BACK && code == BSIM_EINVAL))
			op_failed(st, code, false);
		return code;
	}
	explain_trace(st);
	ops_where w = where(st);
	st->l->op_done(st->l->data, &w);
	return 0;
}

/* ---- the first step: ready the run ---- */

static void state_free(void *data)
{
	ops_state *st = data;
	if (!st)
		return;
	/* The browser outlives the extension: it must call none of this state's callbacks. */
	bsim_browser_set_cookie_observer(st->rc->browser, NULL, NULL);
	for (size_t i = 0; i < st->n_listeners; i++)
		free(st->listeners[i]);
	free(st->listeners);
	free(st->ids);
	free(st->id_names);
	free(st->pending);
	free(st);
}

/*
 * Every profile and import file the run reads that no earlier op writes
 * is loaded into a scratch browser first, so a corrupt or foreign file
 * stops the run before it changes anything (not even a file an earlier
 * save would write). Each bad file is told to the listener.
 */
static int check_input_files(ops_state *st, const bsim_browser_options *o)
{
	bsim_browser *scratch = NULL;
	int failed = 0;
	for (size_t i = 0; i < st->ops->count; i++) {
		const cookie_op *op = &st->ops->ops[i];
		if ((op->kind != COOKIE_OP_LOAD && op->kind != COOKIE_OP_IMPORT) || op->path_from_run)
			continue;
		st->op = op;
		int rc;
		if (!scratch && (rc = bsim_browser_new(&scratch, o)) < 0)
			return op_failed(st, rc, false);
		rc = op->kind == COOKIE_OP_LOAD ? bsim_browser_load_profile(scratch, op->path)
						: interchange_import(scratch, op->path);
		/* Every bad file is told, not only the first. */
		if (rc < 0)
			failed = op_failed(st, rc, false);
	}
	st->op = NULL;
	bsim_browser_free(scratch);
	return failed;
}

static int start_run(step *s, run_ctx *rc)
{
	const ops_step_data *d = s->data;
	ops_state *st = calloc(1, sizeof *st);
	if (!st)
		return error_oom();
	*st = (ops_state){.rc = rc, .ops = d->ops, .cfg = d->config, .l = d->config->listener};
	rc->ext = (run_ext){.data = st, .free = state_free};
	if (!(st->ids = malloc((st->ops->name_count ? st->ops->name_count : 1) * sizeof *st->ids)))
		return error_oom();
	for (size_t i = 0; i < st->ops->name_count; i++)
		st->ids[i] = -1;
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.engine = rc->sc->engine;
	o.seed = rc->sc->seed;
	o.start_time = rc->sc->start_time;
	o.session_restore = rc->sc->session_restore;
	o.open_resolution = rc->sc->open_resolution;
	int code = check_input_files(st, &o);
	if (code < 0)
		return code;
	if (st->cfg->hosts_path && (code = bsim_browser_load_hosts_file(rc->browser, st->cfg->hosts_path)) < 0) {
		st->l->hosts_file_failed(st->l->data, code);
		return code;
	}
	/* Hear the jar's events after the browser has traced them. */
	bsim_browser_set_cookie_observer(rc->browser, on_cookie_event, st);
	st->trace_mark = bsim_browser_trace_count(rc->browser);
	return 0;
}

static const step_kind op_kind = {"op", NULL, op_step_run, NULL};
static const step_kind start_kind = {"ops-start", NULL, start_run, NULL};

const step_kind *ops_step_kind(cookie_op_kind k)
{
	(void)k;
	return &op_kind;
}

const step_kind *ops_start_kind(void)
{
	return &start_kind;
}
