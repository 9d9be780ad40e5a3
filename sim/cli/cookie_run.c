/*
 * cookie_run.c: running a checked op file on one simulated browser
 * (cookie_run.h) and writing what it does.
 *
 * The cookie jar ops act on the browser's jar by URL, as `bsim cookie` did
 * before it had tabs, so their output is unchanged; the browser ops act on
 * named tabs. Outputs are written in the order things happen: with
 * --explain, each jar event where the jar reports it, then storage refusals
 * found in the browser's trace, then the op's own result; events delivered
 * to listening tabs where the browser delivers them. A page's exception
 * (QuotaExceededError, SecurityError) and a failed navigation are results,
 * as a page sees them and goes on; an op file that cannot run (a profile
 * that will not load, a file that cannot be written) is an error, with
 * nothing on stdout.
 */
#include "cli/cookie_run.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/browser.h"
#include "cli/cli.h"
#include "cli/cookie_run_internal.h"
#include "interchange/interchange.h"
#include "util/error.h"

/*
 * The seed of the browser's random generator. Fixed, so that two runs of
 * one op file are byte for byte the same; nothing an op prints draws on it
 * today, but GUIDs and ids a future op shows will.
 */
#define COOKIE_RUN_SEED 1

/* A tab opened: name r->op->tab now stands for id. */
static int name_tab(run *r, int id)
{
	if (id < 0)
		return error_set(BSIM_ERROR, "the browser gave a new tab the id %d", id);
	if ((size_t)id >= r->id_names_cap) {
		size_t cap = r->id_names_cap ? r->id_names_cap : 16;
		while (cap <= (size_t)id)
			cap *= 2;
		int *names = realloc(r->id_names, cap * sizeof *names);
		if (!names)
			return error_oom();
		for (size_t i = r->id_names_cap; i < cap; i++)
			names[i] = -1;
		r->id_names = names;
		r->id_names_cap = cap;
	}
	r->id_names[id] = r->op->tab;
	r->ids[r->op->tab] = id;
	return 0;
}

/* An error that stops the run: FILE:LINE: error: ..., for the op being run. */
static int op_error(run *r, int code, const char *fmt, ...) BSIM_PRINTF(3, 4);

static int op_error(run *r, int code, const char *fmt, ...)
{
	buf_printf(r->diag, "%s:%d: error: ", r->cfg->file, r->op->line);
	va_list ap;
	va_start(ap, fmt);
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	buf_printf(r->diag, "%s\n", msg);
	return code;
}

/* A library failure while running an op: an input error for files, else bsim's own. */
static int op_failed(run *r, int rc)
{
	const bsim_error *e = bsim_error_last();
	const char *msg = *e->message ? e->message : "out of memory";
	if (rc == BSIM_ECORRUPT || rc == BSIM_EIO || rc == BSIM_EINVAL || rc == BSIM_ELIMIT) {
		/* A message already placed in its file ("x.json:3:5: error: ...") keeps its place, not a second "error:". */
		const char *inner = strstr(msg, "error: ");
		buf_printf(r->diag, "%s:%d: error: %s: ", r->cfg->file, r->op->line, cookie_op_name(r->op->kind));
		if (inner) {
			buf_put(r->diag, msg, (size_t)(inner - msg));
			buf_puts(r->diag, inner + strlen("error: "));
		} else {
			buf_puts(r->diag, msg);
		}
		buf_putc(r->diag, '\n');
		return CLI_EXIT_USAGE;
	}
	buf_printf(r->diag, "bsim cookie: internal error: line %d (%s): %s\n", r->op->line,
		   cookie_op_name(r->op->kind), msg);
	return CLI_EXIT_INTERNAL;
}

/* ---- the jar's events (--explain) ---- */

static void on_cookie_event(const bsim_cookie_event *ev, void *userdata)
{
	run *r = userdata;
	if (r->cfg->explain && r->op)
		out_cookie_event(r, ev);
}

/* Hear the jar's events after the browser has traced them. */
static void observe_jar(run *r)
{
	bsim_browser_set_cookie_observer(r->b, on_cookie_event, r);
}

/* ---- listening tabs ---- */

static void on_storage(const bsim_storage_event *ev, void *userdata)
{
	listen_ctx *l = userdata;
	out_storage_event(l->r, l->name, ev);
}

static void on_focus(bsim_browser *browser, int tab, int focused, void *userdata)
{
	(void)browser;
	(void)tab;
	listen_ctx *l = userdata;
	out_focus_event(l->r, l->name, focused);
}

static int listen(run *r, int id)
{
	listen_ctx *l = malloc(sizeof *l);
	listen_ctx **all = realloc(r->listeners, (r->n_listeners + 1) * sizeof *all);
	if (all)
		r->listeners = all;
	if (!l || !all) {
		free(l);
		return error_oom();
	}
	*l = (listen_ctx){r, r->op->tab};
	r->listeners[r->n_listeners++] = l;
	int rc = bsim_tab_on_storage(r->b, id, on_storage, l);
	if (rc == 0)
		rc = bsim_tab_on_focus(r->b, id, on_focus, l);
	return rc;
}

/* ---- ops ---- */

/*
 * Load url in tab id with every respond header waiting for it. A host
 * that does not resolve is the page's failure, not the file's: it is
 * printed and the run goes on, and the headers wait for the next load.
 */
static int load(run *r, int id, const char *url)
{
	const char **headers = NULL;
	size_t n = 0;
	for (size_t i = 0; i < r->n_pending; i++)
		n += strcmp(r->pending[i]->url, url) == 0;
	if (n && !(headers = malloc(n * sizeof *headers)))
		return error_oom();
	n = 0;
	for (size_t i = 0; i < r->n_pending; i++)
		if (strcmp(r->pending[i]->url, url) == 0)
			headers[n++] = r->pending[i]->value;
	bsim_response resp = {headers, n};
	int rc = bsim_tab_navigate(r->b, id, url, &resp);
	if (rc == 0) {
		/* Received: these headers are spent; the others keep their order. */
		size_t kept = 0;
		for (size_t i = 0; i < r->n_pending; i++)
			if (strcmp(r->pending[i]->url, url) != 0)
				r->pending[kept++] = r->pending[i];
		r->n_pending = kept;
	} else if (rc == BSIM_ERESOLVE) {
		out_navigation_error(r, url, bsim_error_last()->message);
		bsim_error_clear();
		rc = 0;
	}
	free(headers);
	return rc;
}

/* A respond op: its header waits for the next load of its URL. */
static int add_pending(run *r, const cookie_op *op)
{
	if (r->n_pending == r->cap_pending) {
		size_t cap = r->cap_pending ? r->cap_pending * 2 : 8;
		const cookie_op **p = realloc(r->pending, cap * sizeof *p);
		if (!p)
			return error_oom();
		r->pending = p;
		r->cap_pending = cap;
	}
	r->pending[r->n_pending++] = op;
	return 0;
}

/* A navigation other than a load by URL (reload, back): only resolution may fail it. */
static int renavigate(run *r, int id, int rc)
{
	if (rc == BSIM_ERESOLVE) {
		out_navigation_error(r, bsim_tab_url(r->b, id), bsim_error_last()->message);
		bsim_error_clear();
		return 0;
	}
	return rc;
}

/* close and restart: without session restore every tab goes, and with it every name. */
static void tabs_closed(run *r)
{
	if (r->cfg->session_restore)
		return;
	for (size_t i = 0; i < r->ops->name_count; i++)
		r->ids[i] = -1;
}

static int storage_op(run *r, int id)
{
	const cookie_op *op = r->op;
	bsim_storage_kind kind = op->kind == COOKIE_OP_LOCAL ? BSIM_STORAGE_LOCAL : BSIM_STORAGE_SESSION;
	char *value = NULL;
	size_t length = 0;
	int rc;
	switch (op->method) {
	case COOKIE_STORAGE_SET:
		rc = bsim_storage_set(r->b, id, kind, op->key, op->value);
		break;
	case COOKIE_STORAGE_GET:
		rc = bsim_storage_get(&value, r->b, id, kind, op->key);
		break;
	case COOKIE_STORAGE_REMOVE:
		rc = bsim_storage_remove(r->b, id, kind, op->key);
		break;
	case COOKIE_STORAGE_CLEAR:
		rc = bsim_storage_clear(r->b, id, kind);
		break;
	case COOKIE_STORAGE_LENGTH:
		rc = bsim_storage_length(&length, r->b, id, kind);
		break;
	case COOKIE_STORAGE_KEY:
		rc = bsim_storage_key(&value, r->b, id, kind, op->index);
		break;
	default:
		rc = BSIM_ERROR;
		break;
	}
	if (rc == BSIM_EQUOTA || rc == BSIM_ESECURITY) {
		/* W3, W9: the page sees a DOMException and goes on. */
		out_exception(r, id, rc == BSIM_EQUOTA ? "QuotaExceededError" : "SecurityError",
			      bsim_error_last()->message);
		bsim_error_clear();
		rc = 0;
	} else if (rc == 0 && op->method != COOKIE_STORAGE_SET && op->method != COOKIE_STORAGE_REMOVE &&
		   op->method != COOKIE_STORAGE_CLEAR) {
		out_storage(r, id, value, op->method == COOKIE_STORAGE_LENGTH, length);
	}
	free(value);
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

static int run_op(run *r, const cookie_op *op)
{
	bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;
	bsim_jar *jar = bsim_browser_jar(r->b);
	char *value = NULL;
	int id = op->tab >= 0 ? r->ids[op->tab] : -1;
	int rc = 0;
	r->op = op;
	if (needs_running_browser(op->kind) && !bsim_browser_running(r->b)) {
		if ((rc = bsim_browser_restart(r->b)) < 0)
			return op_failed(r, rc);
		id = op->tab >= 0 ? r->ids[op->tab] : -1;
	}
	switch (op->kind) {
	case COOKIE_OP_SET:
		rc = bsim_jar_set_cookie(jar, op->url, op->value, op->value_len, &ctx);
		break;
	case COOKIE_OP_SCRIPT:
		if (op->url)
			rc = bsim_jar_script_set(jar, op->url, op->value, op->value_len, &ctx);
		else
			rc = bsim_script_cookie_set(r->b, id, op->value);
		break;
	case COOKIE_OP_GET:
		if ((rc = bsim_jar_cookie_header(&value, jar, op->url, &ctx)) == 0)
			out_value(r, op->url, value);
		break;
	case COOKIE_OP_READ:
		if (op->url)
			rc = bsim_jar_script_get(&value, jar, op->url, &ctx);
		else
			rc = bsim_script_cookie_get(&value, r->b, id);
		if (rc == 0)
			out_value(r, op->url ? op->url : bsim_tab_url(r->b, id), value);
		break;
	case COOKIE_OP_WAIT:
		rc = bsim_browser_wait(r->b, op->wait_ms);
		break;
	case COOKIE_OP_CLOSE:
		rc = bsim_browser_close(r->b);
		tabs_closed(r);
		break;
	case COOKIE_OP_RESTART:
		rc = bsim_browser_restart(r->b);
		tabs_closed(r);
		break;
	case COOKIE_OP_DUMP:
		rc = bsim_jar_foreach(jar, out_dump_cookie, r);
		break;
	case COOKIE_OP_RESPOND:
		rc = add_pending(r, op);
		break;
	case COOKIE_OP_HOSTS:
		rc = bsim_browser_add_hosts(r->b, op->value, r->cfg->file);
		break;
	case COOKIE_OP_TAB:
		if ((rc = bsim_tab_open(&id, r->b, NULL, NULL)) == 0 && (rc = name_tab(r, id)) == 0) {
			/* Open, then load: a page that fails to load leaves the tab open, as a browser does. */
			if (op->url)
				rc = load(r, id, op->url);
		}
		break;
	case COOKIE_OP_OPEN:
		if ((rc = bsim_tab_open_from(&id, r->b, r->ids[op->opener], NULL, op->noopener)) == 0 &&
		    (rc = name_tab(r, id)) == 0)
			rc = load(r, id, op->url);
		break;
	case COOKIE_OP_NAVIGATE:
		rc = load(r, id, op->url);
		break;
	case COOKIE_OP_RELOAD:
		rc = renavigate(r, id, bsim_tab_reload(r->b, id));
		break;
	case COOKIE_OP_BACK:
		rc = bsim_tab_back(r->b, id);
		if (rc == BSIM_ENOTFOUND) {
			/* The check counts pages; a load that failed to resolve is one fewer. */
			return op_error(r, CLI_EXIT_USAGE,
					"tab \"%s\" has no earlier page to go back to (a load before failed)",
					out_tab_name(r, op->tab));
		}
		rc = renavigate(r, id, rc);
		break;
	case COOKIE_OP_FOCUS:
		rc = bsim_tab_focus(r->b, id);
		break;
	case COOKIE_OP_CLOSE_TAB:
		rc = bsim_tab_close(r->b, id);
		r->ids[op->tab] = -1;
		break;
	case COOKIE_OP_LOCAL:
	case COOKIE_OP_SESSION:
		rc = storage_op(r, id);
		break;
	case COOKIE_OP_LISTEN:
		rc = listen(r, id);
		break;
	case COOKIE_OP_SAVE:
		rc = bsim_browser_save_profile(r->b, op->path);
		break;
	case COOKIE_OP_LOAD:
		rc = bsim_browser_load_profile(r->b, op->path);
		break;
	case COOKIE_OP_IMPORT:
		rc = interchange_import(r->b, op->path);
		break;
	case COOKIE_OP_EXPORT:
		rc = interchange_export(r->b, op->path, format_of(op->format));
		if (rc == 0)
			interchange_warn_if_expired(stderr, r->b, op->path);
		break;
	case COOKIE_OP_TRACE:
		out_trace(r);
		break;
	default:
		rc = BSIM_ERROR;
		break;
	}
	free(value);
	if (rc < 0)
		return op_failed(r, rc);
	out_explain_trace(r);
	buf_put(r->out, r->result.ptr ? r->result.ptr : "", r->result.len);
	buf_clear(&r->result);
	if (buf_status(r->out) < 0 || buf_status(&r->result) < 0)
		return op_failed(r, BSIM_ENOMEM);
	return CLI_EXIT_OK;
}

/*
 * Before the first op: every profile and import file the run reads that no
 * earlier op writes is loaded into a scratch browser, so a corrupt or
 * foreign file stops the run before it changes anything (not even a file
 * an earlier save would write).
 */
static int check_input_files(run *r, const bsim_browser_options *o)
{
	bsim_browser *scratch = NULL;
	int exit_code = CLI_EXIT_OK;
	for (size_t i = 0; i < r->ops->count; i++) {
		const cookie_op *op = &r->ops->ops[i];
		if ((op->kind != COOKIE_OP_LOAD && op->kind != COOKIE_OP_IMPORT) || op->path_from_run)
			continue;
		int rc;
		if (!scratch && (rc = bsim_browser_new(&scratch, o)) < 0) {
			buf_printf(r->diag, "bsim cookie: internal error: creating a browser to check %s: %s\n", op->path,
				   bsim_error_last()->message);
			return CLI_EXIT_INTERNAL;
		}
		r->op = op;
		rc = op->kind == COOKIE_OP_LOAD ? bsim_browser_load_profile(scratch, op->path)
						: interchange_import(scratch, op->path);
		if (rc < 0) {
			int code = op_failed(r, rc);
			if (code > exit_code)
				exit_code = code;
		}
	}
	r->op = NULL;
	bsim_browser_free(scratch);
	return exit_code;
}

int cookie_run(const cookie_op_list *ops, const cookie_run_config *cfg, buf *out, buf *diag)
{
	run r = {.cfg = cfg, .ops = ops, .out = out, .diag = diag, .result = BUF_INIT};
	int exit_code = CLI_EXIT_OK;
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.engine = cfg->engine;
	o.seed = COOKIE_RUN_SEED;
	o.start_time = cfg->now;
	o.session_restore = cfg->session_restore;
	/* Every name resolves unless the file or --hosts gives a hosts file: the jar ops never needed one. */
	o.open_resolution = !cfg->hosts_path && !ops->uses_hosts;

	r.ids = malloc((ops->name_count ? ops->name_count : 1) * sizeof *r.ids);
	if (!r.ids) {
		buf_puts(diag, "bsim cookie: internal error: out of memory\n");
		exit_code = CLI_EXIT_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < ops->name_count; i++)
		r.ids[i] = -1;

	if ((exit_code = check_input_files(&r, &o)) != CLI_EXIT_OK)
		goto out;
	if (bsim_browser_new(&r.b, &o) < 0) {
		buf_printf(diag, "bsim cookie: internal error: creating the browser: %s\n", bsim_error_last()->message);
		exit_code = CLI_EXIT_INTERNAL;
		goto out;
	}
	if (cfg->hosts_path) {
		int rc = bsim_browser_load_hosts_file(r.b, cfg->hosts_path);
		if (rc < 0) {
			const char *msg = bsim_error_last()->message;
			/* A bad line is reported in its place (FILE:LINE: error: ...); anything else is about the file. */
			if (strstr(msg, ": error: "))
				buf_printf(diag, "%s\n", msg);
			else
				buf_printf(diag, "bsim cookie: error: --hosts: %s\n", msg);
			exit_code = rc == BSIM_ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_USAGE;
			goto out;
		}
	}
	observe_jar(&r);
	r.trace_mark = bsim_browser_trace_count(r.b);
	for (size_t i = 0; i < ops->count; i++) {
		exit_code = run_op(&r, &ops->ops[i]);
		if (exit_code != CLI_EXIT_OK)
			goto out;
	}
out:
	bsim_browser_free(r.b);
	for (size_t i = 0; i < r.n_listeners; i++)
		free(r.listeners[i]);
	free(r.listeners);
	free(r.ids);
	free(r.id_names);
	free(r.pending);
	buf_free(&r.result);
	return exit_code;
}
