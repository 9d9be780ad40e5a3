/*
 * widget_steps.c: the widget's steps and expectations in the scenario
 * language (docs/scenario-language.md, "The chat widget"): <deploy>,
 * <webchat>, <agent>, <backend>, <invite>, <console>, <user>, and the
 * <expect> variants chat=, minimized=, unread=, transcript=, owner= (with
 * origin=), restore=, invite=, console=, sent= (the requests the widget in a
 * tab made) and event="WebChatService.X" (its events; expect.c hands every
 * event but "storage" here). They plug into the registries; the widget
 * model (sim/widgets/) runs as the run's extension: it follows every step
 * through the browser's trace and moves the virtual clock through its
 * polls and timers when a <wait> or an after= advances it. A false widget
 * expectation says what the page showed, why the widget decided so, and
 * hands run_fail the cookie whose absence decided it, so the cause the
 * jar's trace gives (refused, evicted, expired, deleted) is printed and
 * expect-failure can name it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_internal.h"
#include "widgets/focus.h"
#include "widgets/widgets.h"

/* Longest value a widget step passes to the page (a message, a prefilter, Console options): sixteen times
 * what one cookie can hold (4096 bytes), so an oversized value still reaches the browser to be refused, and
 * a hostile file cannot make every poll copy megabytes. */
#define WIDGET_ARG_MAX (16 * 4096)
/* Longest agent nickname, planted chat id or secure key: what the backend keeps (chat_session's fields). */
#define WIDGET_NAME_MAX 39

/* ---- shared ---- */

/* The length of URL's origin (scheme://host[:port]). */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");
	return p ? strcspn(p + 3, "/?#") + (size_t)(p + 3 - url) : strlen(url);
}

static int check_allowed(const step *s, const char *const *allowed)
{
	for (size_t i = 0; i < s->n_attrs; i++)
		if (strlen(s->attr_values[i]) > WIDGET_ARG_MAX)
			return step_error(s, BSIM_ELIMIT, "%s= is %zu bytes long; a widget step takes at most %d", s->attr_names[i],
					  strlen(s->attr_values[i]), WIDGET_ARG_MAX);
	for (size_t i = 0; i < s->n_attrs; i++) {
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(s->attr_names[i], *a) == 0;
		if (ok)
			continue;
		buf list = BUF_INIT;
		for (const char *const *a = allowed; *a; a++)
			buf_printf(&list, "%s%s", a == allowed ? "" : ", ", *a);
		int rc = step_error(s, BSIM_EINVAL, "<%s> does not take the attribute %s; it takes %s", s->element,
				    s->attr_names[i], buf_cstr(&list));
		buf_free(&list);
		return rc;
	}
	return 0;
}

/* The index of the attribute's value in `choices` (NULL-terminated), or a located error naming them. */
static int attr_choice(const step *s, const char *name, const char *const *choices, bool required, int *out)
{
	const char *v = step_attr(s, name);
	*out = -1;
	if (!v) {
		if (!required)
			return 0;
	} else {
		for (int i = 0; choices[i]; i++)
			if (strcmp(choices[i], v) == 0) {
				*out = i;
				return 0;
			}
	}
	buf list = BUF_INIT;
	for (int i = 0; choices[i]; i++)
		buf_printf(&list, "%s%s", i ? "|" : "", choices[i]);
	int rc = v ? step_error(s, BSIM_EINVAL, "<%s %s=\"%s\">: %s= takes %s", s->element, name, v, name, buf_cstr(&list))
		   : step_error(s, BSIM_EINVAL, "<%s> needs %s=\"%s\"", s->element, name, buf_cstr(&list));
	buf_free(&list);
	return rc;
}

static void ext_free(void *data)
{
	widget_world_free(data);
}

static int ext_advance(run_ctx *rc, bsim_time to)
{
	return widget_advance(rc->ext.data, to);
}

static int ext_after_step(run_ctx *rc)
{
	return widget_sync(rc->ext.data);
}

/* The run's widget world, made at the first widget step. */
static int world_of(widget_world **out, run_ctx *rc)
{
	if (!rc->ext.data) {
		widget_world *w;
		int code = widget_world_new(&w, rc->browser);
		if (code < 0)
			return code;
		rc->ext = (run_ext){w, ext_free, ext_advance, ext_after_step};
	}
	*out = rc->ext.data;
	return 0;
}

/* after="2s": the step happens that much later, the widget's timers running in between. */
static int run_after(const step *s, run_ctx *rc)
{
	int64_t ms = 0;
	int code = step_attr(s, "after") ? step_attr_duration(s, "after", &ms) : 0;
	if (code < 0)
		return code;
	return ms ? run_advance(rc, ms) : 0;
}

/* A model call failed: the step could not run; the message names the step's action. */
static int widget_failed(const step *s, int code, const char *what)
{
	if (code == BSIM_ENOMEM)
		return code;
	return step_error(s, code, "%s: %s", what, bsim_error_last()->message);
}

/* ---- <deploy site? version? ...> ---- */

static const char *const deploy_attrs[] = {
	"site", "frame", "version", "transport", "restore-timeout", "plugin-load-delay", "request-timeout", "metadata",
	"invite-on-restore-timeout", "sleep", "minimize-on-mobile-restore", "mobile", "lazy", "async", "auto-invite",
	"deployment-id", "cookie-domain", "cookie-path", "cookie-samesite", "cookie-secure", "cookie-expires", NULL};
static const char *const transports[] = {"gms", "pureengage-v3-rest", "purecloud-v2-sockets", NULL};
static const char *const samesites[] = {"strict", "lax", "none", NULL};

static char *dup_attr(const step *s, const char *name)
{
	const char *v = step_attr(s, name);
	return v ? strdup(v) : NULL;
}

/* Fill c from the step's attributes (defaults as shipped for the rest). */
static int deploy_config(const step *s, widget_config *c)
{
	widget_config_init(c);
	int code, b, t = 0, ss = -1;
	int64_t ms;
	const char *v = step_attr(s, "version");
	if (v && !(c->version = widget_version_find(v))) {
		const char *like = widget_version_suggest(v);
		if (like)
			return step_error(s, BSIM_EINVAL, "version=\"%s\" is not a widget version bsim models; did you mean %s?",
					  v, like);
		return step_error(s, BSIM_EINVAL, "version=\"%s\" is not a widget version bsim models; it knows %s", v,
				  widget_version_names());
	}
	if ((code = attr_choice(s, "transport", transports, false, &t)) < 0)
		return code;
	c->transport = t < 0 ? WIDGET_TRANSPORT_GMS : (widget_transport)t;
	/* Accepted by the schema so that the error says why: an attribute the model would ignore is refused, never dropped. */
	if (step_attr(s, "plugin-load-delay"))
		return step_error(s, BSIM_EINVAL,
				  "plugin-load-delay=\"%s\" is not modelled: bsim's widget initialises in the page load itself "
				  "(no main.pluginLoadDelay timer, C.19), so it would change nothing; remove the attribute",
				  step_attr(s, "plugin-load-delay"));
	if (step_attr(s, "lazy"))
		return step_error(s, BSIM_EINVAL,
				  "lazy=\"%s\" is not modelled: the widget writes app.autoLoadList with or without lazy "
				  "loading and a restore does not read it (widget-behaviour.md G.7, J.3), so it would change "
				  "nothing; remove the attribute",
				  step_attr(s, "lazy"));
	struct { const char *name; int64_t *out; } durations[] = {
		{"restore-timeout", &c->restore_timeout_ms}, {"request-timeout", &c->request_timeout_ms}};
	for (size_t i = 0; i < sizeof durations / sizeof *durations; i++)
		if (step_attr(s, durations[i].name)) {
			if ((code = step_attr_duration(s, durations[i].name, &ms)) < 0)
				return code;
			*durations[i].out = ms;
		}
	struct { const char *name; bool *out; } flags[] = {
		{"metadata", &c->metadata_enabled}, {"invite-on-restore-timeout", &c->invite_on_restore_timeout},
		{"sleep", &c->sleep_enabled}, {"minimize-on-mobile-restore", &c->minimize_on_mobile_restore},
		{"mobile", &c->mobile}, {"async", &c->async}};
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
		if ((code = step_attr_bool(s, flags[i].name, *flags[i].out, &b)) < 0)
			return code;
		*flags[i].out = b;
	}
	if (step_attr(s, "auto-invite")) {
		if ((code = step_attr_duration(s, "auto-invite", &ms)) < 0)
			return code;
		c->auto_invite_seconds = (int)(ms / 1000 > 86400 ? 86400 : ms / 1000);
	}
	if ((code = attr_choice(s, "cookie-samesite", samesites, false, &ss)) < 0)
		return code;
	if (step_attr(s, "cookie-secure")) {
		if ((code = step_attr_bool(s, "cookie-secure", 0, &b)) < 0)
			return code;
		c->opt_secure = b;
	}
	if (step_attr(s, "cookie-expires")) {
		int days = 0;
		if ((code = step_attr_count(s, "cookie-expires", &days)) < 0)
			return code;
		if (days > WIDGET_EXPIRES_DAYS_MAX)
			return step_error(s, BSIM_EINVAL, "cookie-expires=\"%d\": give a number of days up to %d", days,
					  WIDGET_EXPIRES_DAYS_MAX);
		c->opt_expires_days = days;
	}
	const char *site = step_attr(s, "site");
	if (site && (!*site || strchr(site, '/') || strchr(site, ':')))
		return step_error(s, BSIM_EINVAL, "site=\"%s\" is not a host name: give the site's domain, e.g. site=\"testsite.com\"", site);
	c->site = dup_attr(s, "site");
	const char *frame = step_attr(s, "frame");
	if (frame && strncmp(frame, "https://", 8) != 0 && strncmp(frame, "http://", 7) != 0)
		return step_error(s, BSIM_EINVAL, "frame=\"%s\" is not an http(s) URL: give the address of the page the widget's iframe shows", frame);
	if (frame && !(c->frame_url = strdup(frame)))
		return error_oom();
	c->deployment_id = dup_attr(s, "deployment-id");
	c->opt_domain = dup_attr(s, "cookie-domain");
	c->opt_path = dup_attr(s, "cookie-path");
	c->opt_samesite = ss >= 0 ? strdup(samesites[ss]) : NULL;
	if ((site && !c->site) || (step_attr(s, "deployment-id") && !c->deployment_id) ||
	    (step_attr(s, "cookie-domain") && !c->opt_domain) || (step_attr(s, "cookie-path") && !c->opt_path) ||
	    (ss >= 0 && !c->opt_samesite))
		return error_oom();
	return 0;
}

static int deploy_prepare(step *s)
{
	widget_config c;
	int code = check_allowed(s, deploy_attrs);
	if (code >= 0)
		code = deploy_config(s, &c);
	widget_config_clear(&c);
	return code;
}

static int deploy_run(step *s, run_ctx *rc)
{
	widget_world *w;
	widget_config c;
	int code = deploy_config(s, &c);
	if (code >= 0)
		code = world_of(&w, rc);
	if (code >= 0)
		code = widget_deploy(w, &c);
	widget_config_clear(&c);
	return code;
}

/* ---- <webchat do tab? after? ...> ---- */

static const char *const webchat_actions[] = {"open", "start", "send", "minimize", "maximize", "close", "end",
					      "prefilter", "zoom", NULL};
static const widget_action webchat_map[] = {WIDGET_OPEN, WIDGET_START, WIDGET_SEND, WIDGET_MINIMIZE, WIDGET_MAXIMIZE,
					    WIDGET_CLOSE, WIDGET_END, WIDGET_PREFILTER, WIDGET_ZOOM};

static int after_ok(const step *s)
{
	int64_t ms;
	return step_attr(s, "after") ? step_attr_duration(s, "after", &ms) : 0;
}

static int webchat_prepare(step *s)
{
	static const char *const allowed[] = {"do", "tab", "after", "text", "pattern", "level", NULL};
	int a, code;
	if ((code = check_allowed(s, allowed)) < 0 || (code = attr_choice(s, "do", webchat_actions, true, &a)) < 0 ||
	    (code = after_ok(s)) < 0)
		return code;
	if (webchat_map[a] == WIDGET_PREFILTER && !step_attr(s, "pattern"))
		return step_error(s, BSIM_EINVAL, "<webchat do=\"prefilter\"> needs pattern=\"...\" (a regular expression)");
	return 0;
}

/* Run a page action on the step's tab (after its after=). */
static int page_action(step *s, run_ctx *rc, widget_action a, const char *arg1, const char *arg2, const char *what)
{
	widget_world *w;
	int id, code;
	if ((code = run_after(s, rc)) < 0 || (code = world_of(&w, rc)) < 0 || (code = run_tab(&id, rc, s)) < 0)
		return code;
	if ((code = widget_act(w, id, a, arg1, arg2)) < 0) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s in tab \"%.80s\"", what, rc->last_tab);
		return widget_failed(s, code, msg);
	}
	return 0;
}

static int webchat_run(step *s, run_ctx *rc)
{
	int a;
	int code = attr_choice(s, "do", webchat_actions, true, &a);
	if (code < 0)
		return code;
	const char *arg = step_attr(s, "text");
	if (webchat_map[a] == WIDGET_PREFILTER)
		arg = step_attr(s, "pattern");
	else if (webchat_map[a] == WIDGET_ZOOM)
		arg = step_attr(s, "level");
	char what[64];
	snprintf(what, sizeof what, "webchat %s", webchat_actions[a]);
	return page_action(s, rc, webchat_map[a], arg, NULL, what);
}

/* ---- <agent say= | do="typing|end" | idle=, after?> ---- */

static const char *const agent_actions[] = {"typing", "end", NULL};

static int agent_prepare(step *s)
{
	static const char *const allowed[] = {"say", "do", "idle", "join", "leave", "after", NULL};
	int code, a;
	int64_t ms;
	if ((code = check_allowed(s, allowed)) < 0 || (code = after_ok(s)) < 0 ||
	    (code = attr_choice(s, "do", agent_actions, false, &a)) < 0)
		return code;
	int n = (step_attr(s, "say") != NULL) + (step_attr(s, "do") != NULL) + (step_attr(s, "idle") != NULL) +
		(step_attr(s, "join") != NULL) + (step_attr(s, "leave") != NULL);
	if (n != 1)
		return step_error(s, BSIM_EINVAL,
				  "<agent> does one thing: say=\"TEXT\", do=\"typing|end\", idle=\"DURATION\", join=\"NAME\" or leave=\"true\" (it has %d of them)", n);
	if (step_attr(s, "leave") && strcmp(step_attr(s, "leave"), "true") != 0)
		return step_error(s, BSIM_EINVAL, "<agent leave=\"%s\">: write leave=\"true\"", step_attr(s, "leave"));
	if (step_attr(s, "join") && (!*step_attr(s, "join") || strlen(step_attr(s, "join")) > WIDGET_NAME_MAX))
		return step_error(s, BSIM_EINVAL, "<agent join=\"%s\">: give the agent's nickname, 1 to %d bytes",
				  step_attr(s, "join"), WIDGET_NAME_MAX);
	return step_attr(s, "idle") ? step_attr_duration(s, "idle", &ms) : 0;
}

static int agent_run(step *s, run_ctx *rc)
{
	widget_world *w;
	int a = -1, code;
	int64_t idle = 0;
	if ((code = run_after(s, rc)) < 0 || (code = world_of(&w, rc)) < 0 ||
	    (code = attr_choice(s, "do", agent_actions, false, &a)) < 0)
		return code;
	if (step_attr(s, "idle") && (code = step_attr_duration(s, "idle", &idle)) < 0)
		return code;
	if (step_attr(s, "join") || step_attr(s, "leave")) {
		code = step_attr(s, "join") ? widget_agent_join(w, step_attr(s, "join")) : widget_agent_leave(w);
		return code < 0 ? widget_failed(s, code, "the agent cannot act") : 0;
	}
	widget_agent_action act = step_attr(s, "say") ? WIDGET_AGENT_SAY
				  : step_attr(s, "idle") ? WIDGET_AGENT_IDLE
				  : a == 0 ? WIDGET_AGENT_TYPING : WIDGET_AGENT_END;
	if ((code = widget_agent(w, act, step_attr(s, "say"), idle)) < 0)
		return widget_failed(s, code, "the agent cannot act");
	return 0;
}

/* ---- <backend do="down|up|slow|forget|wrong-keys" delay? after?> ---- */

static const char *const backend_actions[] = {"down", "up", "slow", "forget", "wrong-keys", NULL};

/* status="404|500|...|reset|ok": the status every request gets (WIDGET_STATUS_RESET; 0 for ok). */
static int backend_status(const step *s, int *out)
{
	const char *v = step_attr(s, "status");
	*out = 0;
	if (strcmp(v, "ok") == 0)
		return 0;
	if (strcmp(v, "reset") == 0) {
		*out = WIDGET_STATUS_RESET;
		return 0;
	}
	if (strlen(v) == 3 && v[0] >= '4' && v[0] <= '5' && v[1] >= '0' && v[1] <= '9' && v[2] >= '0' && v[2] <= '9') {
		*out = (int)strtol(v, NULL, 10);
		return 0;
	}
	return step_error(s, BSIM_EINVAL,
			  "<backend status=\"%s\">: give an HTTP error status (400 to 599), \"reset\" (the connection is reset) or \"ok\"", v);
}

static int backend_prepare(step *s)
{
	static const char *const allowed[] = {"do", "delay", "after", "status", "chat", "secure-key", NULL};
	int code, a;
	int64_t ms;
	if ((code = check_allowed(s, allowed)) < 0 || (code = after_ok(s)) < 0)
		return code;
	int n = (step_attr(s, "do") != NULL) + (step_attr(s, "status") != NULL) + (step_attr(s, "chat") != NULL);
	if (n != 1)
		return step_error(s, BSIM_EINVAL, "<backend> does one thing: do=\"...\", status=\"...\" or chat=\"ID\" (it has %d of them)", n);
	if (step_attr(s, "status"))
		return backend_status(s, &a);
	if (step_attr(s, "chat")) {
		const char *id = step_attr(s, "chat"), *key = step_attr(s, "secure-key");
		if (!*id || strlen(id) > WIDGET_NAME_MAX || (key && strlen(key) > WIDGET_NAME_MAX))
			return step_error(s, BSIM_EINVAL, "<backend chat=\"%s\">: the chat id and secure-key are 1 to %d bytes",
					  id, WIDGET_NAME_MAX);
		return 0;
	}
	if (step_attr(s, "secure-key"))
		return step_error(s, BSIM_EINVAL, "secure-key=\"...\" goes with chat=\"ID\"");
	if ((code = attr_choice(s, "do", backend_actions, true, &a)) < 0)
		return code;
	if ((a == WIDGET_BACKEND_SLOW) != (step_attr(s, "delay") != NULL))
		return step_error(s, BSIM_EINVAL, "<backend do=\"slow\"> and only it takes delay=\"DURATION\" (how long each answer takes)");
	return step_attr(s, "delay") ? step_attr_duration(s, "delay", &ms) : 0;
}

static int backend_run(step *s, run_ctx *rc)
{
	widget_world *w;
	int a, code;
	int64_t ms = 0;
	if ((code = run_after(s, rc)) < 0 || (code = world_of(&w, rc)) < 0)
		return code;
	if (step_attr(s, "status") || step_attr(s, "chat")) {
		if (step_attr(s, "status"))
			code = backend_status(s, &a) < 0 ? BSIM_EINVAL : widget_backend_status(w, a);
		else
			code = widget_backend_chat(w, step_attr(s, "chat"), step_attr(s, "secure-key"));
		return code < 0 ? widget_failed(s, code, "the backend cannot do that") : 0;
	}
	if ((code = attr_choice(s, "do", backend_actions, true, &a)) < 0)
		return code;
	if (step_attr(s, "delay") && (code = step_attr_duration(s, "delay", &ms)) < 0)
		return code;
	if ((code = widget_backend(w, (widget_backend_fault)a, ms)) < 0)
		return widget_failed(s, code, "the backend cannot do that");
	return 0;
}

/* ---- <invite do="offer|accept|decline" tab? after?> ---- */

static const char *const invite_actions[] = {"offer", "accept", "decline", NULL};

static int invite_prepare(step *s)
{
	static const char *const allowed[] = {"do", "tab", "after", NULL};
	int code, a;
	if ((code = check_allowed(s, allowed)) < 0 || (code = after_ok(s)) < 0)
		return code;
	return attr_choice(s, "do", invite_actions, true, &a);
}

static int invite_run(step *s, run_ctx *rc)
{
	int a;
	int code = attr_choice(s, "do", invite_actions, true, &a);
	if (code < 0)
		return code;
	static const widget_action map[] = {WIDGET_INVITE_OFFER, WIDGET_INVITE_ACCEPT, WIDGET_INVITE_DECLINE};
	return page_action(s, rc, map[a], NULL, NULL, "invite");
}

/* ---- <console do=... plugin? command? event? value? x? y? tab? after?> ---- */

static const char *const console_actions[] = {"open", "close", "command", "event", "options", "subscribe", "move", NULL};

static int console_prepare(step *s)
{
	static const char *const allowed[] = {"do", "tab", "after", "plugin", "command", "event", "value", "x", "y", NULL};
	int code, a;
	if ((code = check_allowed(s, allowed)) < 0 || (code = after_ok(s)) < 0 ||
	    (code = attr_choice(s, "do", console_actions, true, &a)) < 0)
		return code;
	static const char *const needs[][2] = {{NULL, NULL}, {NULL, NULL}, {"plugin", "command"}, {"plugin", "event"},
					       {"value", NULL}, {"plugin", "event"}, {"x", "y"}};
	for (int i = 0; i < 2; i++)
		if (needs[a][i] && !step_attr(s, needs[a][i]))
			return step_error(s, BSIM_EINVAL, "<console do=\"%s\"> needs %s=\"...\"", console_actions[a], needs[a][i]);
	return 0;
}

static int console_run(step *s, run_ctx *rc)
{
	int a;
	int code = attr_choice(s, "do", console_actions, true, &a);
	if (code < 0)
		return code;
	static const widget_action map[] = {WIDGET_CONSOLE_OPEN, WIDGET_CONSOLE_CLOSE, WIDGET_CONSOLE_COMMAND,
					    WIDGET_CONSOLE_EVENT, WIDGET_CONSOLE_OPTIONS, WIDGET_CONSOLE_SUBSCRIBE,
					    WIDGET_CONSOLE_MOVE};
	const char *a1 = step_attr(s, "plugin"), *a2 = step_attr(s, a == 2 ? "command" : "event");
	if (a == 4)
		a1 = step_attr(s, "value");
	if (a == 6)
		a1 = step_attr(s, "x"), a2 = step_attr(s, "y");
	return page_action(s, rc, map[a], a1, a2, "console");
}

/* ---- <user do="click|key|focus" tab? after?> ---- */

static const char *const user_actions[] = {"click", "key", "focus", NULL};

static int user_prepare(step *s)
{
	static const char *const allowed[] = {"do", "tab", "after", NULL};
	int code, a;
	if ((code = check_allowed(s, allowed)) < 0 || (code = after_ok(s)) < 0)
		return code;
	return attr_choice(s, "do", user_actions, true, &a);
}

static int user_run(step *s, run_ctx *rc)
{
	widget_world *w;
	int a, id, code;
	if ((code = attr_choice(s, "do", user_actions, true, &a)) < 0 || (code = run_after(s, rc)) < 0 ||
	    (code = world_of(&w, rc)) < 0 || (code = run_tab(&id, rc, s)) < 0)
		return code;
	/* Focusing the window is the browser's; the page hears the focus event itself. */
	code = a == 2 ? bsim_tab_focus(rc->browser, id) : widget_user_input(w, id, a == 1);
	if (code < 0)
		return widget_failed(s, code, "the user's input could not be delivered");
	return 0;
}

/* ---- <expect chat= minimized= unread= transcript= owner= restore= invite= console= tab?> ---- */

static const char *const expect_attrs[] = {"chat", "minimized", "unread", "transcript", "owner", "origin", "restore",
					   "reason", "invite", "console", "tab", NULL};
static const char *const chat_values[] = {"none", "open", "active", "restored", "ended", "restoreTimeout", "restoreFailed", NULL};
static const char *const restore_values[] = {"none", "restored", "timeout", "failed", NULL};
static const char *const restore_reasons[] = {"stale-ping", "ended", "unknown", "rejected", "network", "slow",
					      "missing-session", "missing-keys", "missing-member", "status", NULL};
static const char *const shown_values[] = {"shown", "none", NULL};
static const char *const open_values[] = {"open", "closed", NULL};

static int widget_expect_prepare(step *s)
{
	int code, v, n;
	if ((code = check_allowed(s, expect_attrs)) < 0 || (code = attr_choice(s, "chat", chat_values, false, &v)) < 0 ||
	    (code = attr_choice(s, "restore", restore_values, false, &v)) < 0 ||
	    (code = attr_choice(s, "reason", restore_reasons, false, &v)) < 0 ||
	    (code = attr_choice(s, "invite", shown_values, false, &v)) < 0 ||
	    (code = attr_choice(s, "console", open_values, false, &v)) < 0 ||
	    (code = step_attr_bool(s, "minimized", 0, &v)) < 0)
		return code;
	if ((code = step_attr_count(s, "unread", &n)) < 0 && code != BSIM_ENOTFOUND)
		return code;
	if ((code = step_attr_count(s, "transcript", &n)) < 0 && code != BSIM_ENOTFOUND)
		return code;
	if (step_attr(s, "reason") && !step_attr(s, "restore"))
		return step_error(s, BSIM_EINVAL, "reason=\"...\" goes with restore=\"...\" (e.g. restore=\"failed\" reason=\"network\")");
	if (step_attr(s, "owner") && step_attr(s, "tab"))
		return step_error(s, BSIM_EINVAL, "owner=\"TAB\" names the tab itself; leave tab= out");
	const char *origin = step_attr(s, "origin");
	if (origin && (!step_attr(s, "owner") || (strncmp(origin, "https://", 8) != 0 && strncmp(origin, "http://", 7) != 0) ||
		       origin_len(origin) != strlen(origin)))
		return step_error(s, BSIM_EINVAL, "origin=\"%s\" goes with owner= and is an origin such as https://www.testsite.com (no path)",
				  origin);
	if (step_attr(s, "owner") && !origin && strcmp(step_attr(s, "owner"), "gone") == 0)
		return step_error(s, BSIM_EINVAL, "owner=\"gone\" asks about one origin's key: add origin=\"https://...\"");
	return 0;
}

/* A chat= value holds for a view: active covers a restored chat too; none covers a restore that did not happen. */
static bool chat_holds(int want, const widget_view *v)
{
	switch (want) {
	case WIDGET_CHAT_NONE: return !v->live && v->chat != WIDGET_CHAT_OPEN && v->chat != WIDGET_CHAT_ENDED;
	case WIDGET_CHAT_ACTIVE: return v->live;
	default: return (int)v->chat == want;
	}
}

typedef struct name_of_ctx {
	int id;
	const char *name;
} name_of_ctx;

static void find_name(const char *key, void *value, void *ud)
{
	name_of_ctx *c = ud;
	if ((int)(intptr_t)value == c->id && (!c->name || strcmp(key, c->name) < 0))
		c->name = key;
}

static const char *tab_name(run_ctx *rc, int id)
{
	name_of_ctx c = {id, NULL};
	strmap_foreach(&rc->tabs, find_name, &c);
	return c.name ? c.name : "?";
}

typedef struct held_ctx {
	const char *name;
	buf *desc;
	size_t n;
} held_ctx;

static int visit_held(const bsim_cookie_view *v, void *ud)
{
	held_ctx *h = ud;
	if (strcmp(v->name, h->name) == 0)
		buf_printf(h->desc, "%sdomain=\"%s%s\" path=\"%s\"%s", h->n++ ? "; " : "", v->host_only ? "" : ".", v->domain,
			   v->path, v->secure ? " secure=\"true\"" : "");
	return 0;
}

/* owner="TAB|none|gone" origin="ORIGIN": the inFocus key in ORIGIN's localStorage names that tab's page, nobody
 * (absent or ""), or a page that is gone (a GUID no page of the origin holds: it closed or navigated away, F.30). */
static int check_owner_of_origin(step *s, run_ctx *rc, widget_world *w, buf *was)
{
	const char *want = step_attr(s, "owner"), *origin = step_attr(s, "origin");
	size_t n = bsim_browser_tab_count(rc->browser), olen = strlen(origin);
	int reader = -1, owner = -1;
	for (size_t i = 0; i < n; i++) {
		int id = bsim_browser_tab_at(rc->browser, i);
		const char *url = bsim_tab_url(rc->browser, id);
		if (!url || origin_len(url) != olen || strncmp(url, origin, olen) != 0)
			continue;
		if (reader < 0)
			reader = id;
		widget_view v;
		int code = widget_view_of(w, id, &v);
		if (code < 0)
			return code;
		if (v.loaded && v.owns_key)
			owner = id;
	}
	if (reader < 0)
		return step_error(s, BSIM_ENOTFOUND, "origin=\"%s\": no open tab shows a page of that origin, so its localStorage cannot be read; check while one does",
				  origin);
	char *value = NULL;
	int code = bsim_storage_get(&value, rc->browser, reader, BSIM_STORAGE_LOCAL, WIDGET_FOCUS_KEY);
	if (code < 0 && code != BSIM_ENOTFOUND)
		return code;
	const char *got = !value || !*value ? "none" : owner >= 0 ? tab_name(rc, owner) : "gone";
	free(value);
	buf_puts(was, got);
	return strcmp(got, want) == 0 ? 0 : STEP_FAILED;
}

/* owner="TAB": that page's GUID is in its origin's _genesys.widgets.inFocus, and no other widget page's is in its own.
 * owner="none": no page's is. */
static int check_owner(step *s, run_ctx *rc, widget_world *w, buf *was, buf *why, const char **cause)
{
	const char *want = step_attr(s, "owner");
	if (step_attr(s, "origin"))
		return check_owner_of_origin(s, rc, w, was);
	size_t n = bsim_browser_tab_count(rc->browser);
	bool ok = true, want_focused = false;
	size_t believers = 0;
	const char *first_origin = NULL;
	bool split = false;
	for (size_t i = 0; i < n; i++) {
		int id = bsim_browser_tab_at(rc->browser, i);
		widget_view v;
		int code = widget_view_of(w, id, &v);
		if (code < 0)
			return code;
		if (!v.loaded || !v.owns_key)
			continue;
		const char *name = tab_name(rc, id);
		buf_printf(was, "%s%s", believers++ ? " " : "", name);
		if (strcmp(name, want) == 0)
			want_focused = true;
		else
			ok = false;
		/* F.32: an origin of its own means a localStorage, and an inFocus key, of its own. */
		const char *o = v.origin_url;
		const char *p = o ? strstr(o, "://") : NULL;
		size_t olen = p ? (size_t)(strcspn(p + 3, "/") + (size_t)(p + 3 - o)) : 0;
		if (first_origin && o && strncmp(first_origin, o, olen) != 0)
			split = true;
		if (!first_origin)
			first_origin = o;
	}
	if (!believers)
		buf_puts(was, "no tab");
	if (strcmp(want, "none") == 0 ? believers == 0 : ok && want_focused)
		return 0;
	if (split) {
		buf_puts(why, "\n  these tabs are on different origins: localStorage, and so _genesys.widgets.inFocus, is per origin, so each tab's key names that tab and both own the chat (F.32, I.6)");
		*cause = "widget-focus-split";
	}
	return STEP_FAILED;
}

static int widget_expect_check(step *s, run_ctx *rc)
{
	widget_world *w;
	int id, code, want;
	if ((code = world_of(&w, rc)) < 0)
		return code;
	buf was = BUF_INIT, why = BUF_INIT, asked = BUF_INIT;
	const char *subject = NULL, *cause = NULL;
	char subject_name[256];
	bool failed = false, hidden_check = false;
	widget_view v;
	memset(&v, 0, sizeof v);
	if (step_attr(s, "owner")) {
		code = check_owner(s, rc, w, &was, &why, &cause);
		if (code < 0)
			goto out;
		failed = code == STEP_FAILED;
		goto report;
	}
	if ((code = run_tab(&id, rc, s)) < 0 || (code = widget_view_of(w, id, &v)) < 0)
		goto out;
	code = 0;
#define MISMATCH(...) do { buf_printf(&was, "%s", was.len ? " " : ""); buf_printf(&was, __VA_ARGS__); failed = true; } while (0)
	if ((code = attr_choice(s, "chat", chat_values, false, &want)) < 0)
		goto out;
	if (want >= 0 && !chat_holds(want, &v)) {
		MISMATCH("chat=\"%s\"", widget_chat_state_name(v.chat));
		if (!v.loaded) {
			buf_printf(&why, "\n  the page has no widget: %s", widget_deployed(w) ? "its host is not on the deployed site" : "no <deploy> step came before it");
		} else if (v.reason[0]) {
			buf_printf(&why, "\n  %s", v.reason);
		}
		if (want == WIDGET_CHAT_NONE && v.live && v.loaded_by_session_restore) {
			buf_puts(&why, "\n  the page came back by session restore, and with it the chat's session cookies");
			cause = "tab-restored";
		} else if (v.missing_cookie && !v.missing_is_stale) {
			subject = v.missing_cookie;
			hidden_check = true;
		}
		if (!strcmp(v.restore, "timeout"))
			cause = "widget-restore-timeout";
		else if (!strcmp(v.restore, "failed"))
			cause = "widget-restore-failed";
	}
	int b;
	if (step_attr(s, "minimized")) {
		if ((code = step_attr_bool(s, "minimized", 0, &b)) < 0)
			goto out;
		if (!b != !v.minimized) {
			MISMATCH("minimized=\"%s\"", v.minimized ? "true" : "false");
			if (!subject) {
				widget_cookie_name(w, "webchat.state.minimized", subject_name, sizeof subject_name);
				subject = subject_name;
			}
		}
	}
	int n = 0;
	if (step_attr_count(s, "unread", &n) == 0 && n != v.unread) {
		MISMATCH("unread=\"%d\"", v.unread);
		buf_puts(&why, "\n  the badge is the larger of asyncUnreadMessageCount and the lines rendered since lastMessageCountRead (E.27, I.4)");
		if (!subject) {
			widget_cookie_name(w, "webchat.state.asyncUnreadMessageCount", subject_name, sizeof subject_name);
			subject = subject_name;
		}
	}
	if (step_attr_count(s, "transcript", &n) == 0 && n != v.transcript)
		MISMATCH("transcript=\"%d\"", v.transcript);
	if ((code = attr_choice(s, "restore", restore_values, false, &want)) < 0)
		goto out;
	if (want >= 0) {
		const char *reason = step_attr(s, "reason");
		if (strcmp(restore_values[want], v.restore) != 0 || (reason && strcmp(reason, v.restore_code) != 0)) {
			if (reason)
				MISMATCH("restore=\"%s\" reason=\"%s\"", v.restore, v.restore_code);
			else
				MISMATCH("restore=\"%s\"", v.restore);
			if (v.reason[0])
				buf_printf(&why, "\n  %s", v.reason);
			if (v.missing_cookie && !v.missing_is_stale && !subject) {
				subject = v.missing_cookie;
				hidden_check = true;
			}
		}
	}
	if ((code = attr_choice(s, "invite", shown_values, false, &want)) < 0)
		goto out;
	if (want >= 0 && (want == 0) != v.invite_shown)
		MISMATCH("invite=\"%s\"", v.invite_shown ? "shown" : "none");
	if ((code = attr_choice(s, "console", open_values, false, &want)) < 0)
		goto out;
	if (want >= 0 && (want == 0) != v.console_open)
		MISMATCH("console=\"%s\"", v.console_open ? "open" : "closed");
#undef MISMATCH
	/* The page does not see a cookie the jar holds (a Domain too narrow, another path, Secure on http). */
	if (failed && hidden_check && subject) {
		buf desc = BUF_INIT;
		held_ctx h = {subject, &desc, 0};
		if (bsim_jar_foreach(bsim_browser_jar(rc->browser), visit_held, &h) >= 0 && h.n) {
			buf_printf(&why, "\n  the jar holds %s (%s), but document.cookie on %s does not show it", subject,
				   buf_cstr(&desc), v.origin_url ? v.origin_url : "the page");
			cause = "widget-cookie-hidden";
			subject = NULL;
		}
		buf_free(&desc);
	}
report:
	code = 0;
	if (failed) {
		for (size_t i = 0; i < s->n_attrs; i++)
			buf_printf(&asked, "%s%s=\"%s\"", i ? " " : "", s->attr_names[i], s->attr_values[i]);
		if (buf_status(&asked) < 0 || buf_status(&was) < 0 || buf_status(&why) < 0) {
			code = error_oom();
			goto out;
		}
		/* One mismatch reads as its bare value, like the other expectations: chat="restored" (was: none). */
		const char *w0 = buf_cstr(&was);
		const char *eq = strchr(w0, '=');
		bool single = s->n_attrs - (step_attr(s, "tab") != NULL) == 1 && eq && eq[1] == '"' && !strchr(eq + 2, ' ');
		char bare[256];
		if (single) {
			snprintf(bare, sizeof bare, "%s", eq + 2);
			bare[strcspn(bare, "\"")] = '\0';
		}
		code = run_fail(rc, s, subject, "%s (was: %s)%s", buf_cstr(&asked), single ? bare : w0, buf_cstr(&why));
		/* run_fail put the trace's cause after our lines; our own cause code goes beside it. */
		if (cause && run_add_cause(rc, cause) < 0)
			code = BSIM_ENOMEM;
	}
out:
	buf_free(&was);
	buf_free(&why);
	buf_free(&asked);
	return code;
}

/* ---- <expect sent="REQUEST" count? tab?> and <expect event="WebChatService.X" count? tab?> ---- */

static const char *const request_values[] = {"start", "poll", "restore", "send", "disconnect", "customNotice", NULL};

/* The index of the step's event= among the widget's events, or -1. */
static int event_index(const step *s)
{
	const char *v = step_attr(s, "event");
	for (int i = 0; widget_event_name((widget_event)i); i++)
		if (strcmp(widget_event_name((widget_event)i), v) == 0)
			return i;
	return -1;
}

static int log_prepare(step *s)
{
	static const char *const allowed[] = {"sent", "event", "count", "tab", NULL};
	int code, v, n;
	if ((code = check_allowed(s, allowed)) < 0)
		return code;
	if (step_attr(s, "sent") && (code = attr_choice(s, "sent", request_values, true, &v)) < 0)
		return code;
	if (step_attr(s, "event") && event_index(s) < 0) {
		buf list = BUF_INIT;
		for (int i = 0; widget_event_name((widget_event)i); i++)
			buf_printf(&list, "%s%s", i ? widget_event_name((widget_event)(i + 1)) ? ", " : " or " : "",
				   widget_event_name((widget_event)i));
		code = step_error(s, BSIM_EINVAL, "event=\"%s\": bsim checks event=\"storage\" and the widget's %s", step_attr(s, "event"),
				  buf_cstr(&list));
		buf_free(&list);
		return code;
	}
	if ((code = step_attr_count(s, "count", &n)) < 0 && code != BSIM_ENOTFOUND)
		return code;
	return 0;
}

/* With count=, exactly that many; without, at least one. */
static int log_check(step *s, run_ctx *rc)
{
	widget_world *w;
	int id, code, want = -1, got;
	if ((code = world_of(&w, rc)) < 0 || (code = run_tab(&id, rc, s)) < 0 || (code = widget_sync(w)) < 0)
		return code;
	if (step_attr_count(s, "count", &want) < 0)
		want = -1;
	if (step_attr(s, "sent")) {
		int r;
		if ((code = attr_choice(s, "sent", request_values, true, &r)) < 0)
			return code;
		got = widget_sent_count(w, id, (widget_request)r);
	} else {
		got = widget_event_count(w, id, (widget_event)event_index(s));
	}
	if (want >= 0 ? got == want : got > 0)
		return 0;
	buf asked = BUF_INIT;
	for (size_t i = 0; i < s->n_attrs; i++)
		buf_printf(&asked, "%s%s=\"%s\"", i ? " " : "", s->attr_names[i], s->attr_values[i]);
	code = buf_status(&asked) < 0 ? error_oom()
				      : run_fail(rc, s, NULL, "%s (was: %d)\n  counted over every page tab \"%s\" loaded", buf_cstr(&asked), got,
						 rc->last_tab);
	buf_free(&asked);
	return code;
}

/* ---- registration ---- */

static const step_kind widget_kinds[] = {
	{"deploy", deploy_prepare, deploy_run, NULL},
	{"webchat", webchat_prepare, webchat_run, NULL},
	{"agent", agent_prepare, agent_run, NULL},
	{"backend", backend_prepare, backend_run, NULL},
	{"invite", invite_prepare, invite_run, NULL},
	{"console", console_prepare, console_run, NULL},
	{"user", user_prepare, user_run, NULL},
};

static const expect_kind widget_expects[] = {
	{"chat", widget_expect_prepare, widget_expect_check, NULL},
	{"minimized", widget_expect_prepare, widget_expect_check, NULL},
	{"unread", widget_expect_prepare, widget_expect_check, NULL},
	{"transcript", widget_expect_prepare, widget_expect_check, NULL},
	{"owner", widget_expect_prepare, widget_expect_check, NULL},
	{"restore", widget_expect_prepare, widget_expect_check, NULL},
	{"invite", widget_expect_prepare, widget_expect_check, NULL},
	{"console", widget_expect_prepare, widget_expect_check, NULL},
	{"sent", log_prepare, log_check, NULL},
};

static const expect_kind widget_events = {"event", log_prepare, log_check, NULL};

void widget_steps_register(void)
{
	for (size_t i = 0; i < sizeof widget_kinds / sizeof *widget_kinds; i++)
		step_kind_register(&widget_kinds[i]);
	for (size_t i = 0; i < sizeof widget_expects / sizeof *widget_expects; i++)
		expect_kind_register(&widget_expects[i]);
	expect_event_extend(&widget_events);
}
