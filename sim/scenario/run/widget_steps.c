/*
 * widget_steps.c: the widget's steps in the scenario language
 * (docs/scenario-language.md, "The chat widget"): <deploy>, <webchat>,
 * <agent>, <backend>, <invite>, <console>, <user>; its <expect> variants
 * are in widget_expect.c. They plug into the registries; the widget model
 * (sim/widgets/) runs as the run's extension: it follows every step
 * through the browser's trace and moves the virtual clock through its
 * polls and timers when a <wait> or an after= advances it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run/widget_steps.h"
#include "widgets/cookie_options.h"
#include "widgets/widgets.h"

/* Longest value a widget step passes to the page (a message, a prefilter, Console options): sixteen times
 * what one cookie can hold (4096 bytes), so an oversized value still reaches the browser to be refused, and
 * a hostile file cannot make every poll copy megabytes. */
#define WIDGET_ARG_MAX (16 * 4096)
/* Longest agent nickname, planted chat id or secure key: what the backend keeps (chat_session's fields). */
#define WIDGET_NAME_MAX 39

/* ---- shared ---- */

/* Every value fits WIDGET_ARG_MAX (step_prepare has checked the attribute names against the schema). */
int widget_check_lengths(const step *s)
{
	for (size_t i = 0; i < s->n_attrs; i++)
		if (strlen(s->attr_values[i]) > WIDGET_ARG_MAX)
			return step_error(s, BSIM_ELIMIT, "%s= is %zu bytes long; a widget step takes at most %d", s->attr_names[i],
					  strlen(s->attr_values[i]), WIDGET_ARG_MAX);
	return 0;
}

/* The index of the attribute's value in `choices` (NULL-terminated), or a located error naming them. */
int widget_attr_choice(const step *s, const char *name, const char *const *choices, bool required, int *out)
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

static bsim_time ext_next_due(run_ctx *rc)
{
	return widget_next_due(rc->ext.data);
}

static bool ext_settled(run_ctx *rc)
{
	return widget_settled(rc->ext.data);
}

/* The run's widget world, made at the first widget step. */
int widget_world_of(widget_world **out, run_ctx *rc)
{
	if (!rc->ext.data) {
		widget_world *w;
		int code = widget_world_new(&w, rc->browser);
		if (code < 0)
			return code;
		rc->ext = (run_ext){w, ext_free, ext_advance, ext_after_step, ext_next_due, ext_settled};
	}
	*out = rc->ext.data;
	return 0;
}

/* A model call failed: the step could not run; the message names the step's action. */
static int widget_failed(const step *s, int code, const char *what)
{
	if (code == BSIM_ENOMEM)
		return code;
	return step_wrap(s, code, "%s", what);
}

/* ---- <deploy site? version? ...> ---- */

static const char *const transports[] = {"gms", "pureengage-v3-rest", "purecloud-v2-sockets", NULL};
/* The <deploy> attributes that give main.cookieOptions, and the member each gives (widget-model.md "Options"). */
static const struct {
	const char *attr, *member;
} cookie_attrs[] = {
	{"cookie-domain", "domain"}, {"cookie-path", "path"}, {"cookie-samesite", "sameSite"},
	{"cookie-secure", "secure"}, {"cookie-expires", "expires"},
};

static char *dup_attr(const step *s, const char *name)
{
	const char *v = step_attr(s, name);
	return v ? strdup(v) : NULL;
}

/* Fill c from the step's attributes (defaults as shipped for the rest). */
static int deploy_config(const step *s, widget_config *c)
{
	widget_config_init(c);
	int code, b, t = 0;
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
	if ((code = widget_attr_choice(s, "transport", transports, false, &t)) < 0)
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
	/* main.cookieOptions: checked by the widget's own rules (sim/widgets/cookie_options.c), as
	 * `bsim widget domain --cookie-options` checks them. */
	for (size_t i = 0; i < sizeof cookie_attrs / sizeof *cookie_attrs; i++) {
		v = step_attr(s, cookie_attrs[i].attr);
		if (v && (code = widget_cookie_option_from_text(c, cookie_attrs[i].member, v)) < 0)
			return code == BSIM_ENOMEM ? code
						   : step_wrap(s, code, "<%s> %s=\"%s\"", s->element, cookie_attrs[i].attr, v);
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
	if ((site && !c->site) || (step_attr(s, "deployment-id") && !c->deployment_id))
		return error_oom();
	return 0;
}

static int deploy_prepare(step *s)
{
	widget_config c;
	int code = widget_check_lengths(s);
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
		code = widget_world_of(&w, rc);
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
	int a, code;
	if ((code = widget_check_lengths(s)) < 0 || (code = widget_attr_choice(s, "do", webchat_actions, true, &a)) < 0 ||
	    (code = after_ok(s)) < 0)
		return code;
	if (webchat_map[a] == WIDGET_PREFILTER && !step_attr(s, "pattern"))
		return step_error(s, BSIM_EINVAL, "<webchat do=\"prefilter\"> needs pattern=\"...\" (a regular expression)");
	int no_wait;
	if ((code = step_attr_bool(s, "no-wait-after", 0, &no_wait)) < 0)
		return code;
	if (step_attr(s, "no-wait-after") && webchat_map[a] != WIDGET_START && webchat_map[a] != WIDGET_SEND)
		return step_error(s, BSIM_EINVAL, "no-wait-after= goes with do=\"start\" or do=\"send\", the actions that wait for an answer");
	return 0;
}

/* Run a page action on the step's tab; *tab_out (may be NULL) is that tab. */
static int page_action(step *s, run_ctx *rc, widget_action a, const char *arg1, const char *arg2, const char *what,
		       int *tab_out)
{
	widget_world *w;
	int id, code;
	if ((code = widget_world_of(&w, rc)) < 0 || (code = run_tab(&id, rc, s)) < 0)
		return code;
	if (tab_out)
		*tab_out = id;
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
	int code = widget_attr_choice(s, "do", webchat_actions, true, &a);
	if (code < 0)
		return code;
	const char *arg = step_attr(s, "text");
	if (webchat_map[a] == WIDGET_PREFILTER)
		arg = step_attr(s, "pattern");
	else if (webchat_map[a] == WIDGET_ZOOM)
		arg = step_attr(s, "level");
	char what[64];
	snprintf(what, sizeof what, "webchat %s", webchat_actions[a]);
	int id;
	if ((code = page_action(s, rc, webchat_map[a], arg, NULL, what, &id)) < 0)
		return code;
	/* The customer's start and send end when the page has the answer, as a chat window shows it, unless the
	 * scenario races them (no-wait-after="true"). */
	int no_wait = 0;
	if ((code = step_attr_bool(s, "no-wait-after", 0, &no_wait)) < 0 || no_wait)
		return code;
	return widget_await_answer(rc->ext.data, id, webchat_map[a]);
}

/* ---- <agent say= | do="typing|end" | idle=, after?> ---- */

static const char *const agent_actions[] = {"typing", "end", NULL};

static int agent_prepare(step *s)
{
	int code, a;
	int64_t ms;
	if ((code = widget_check_lengths(s)) < 0 || (code = after_ok(s)) < 0 ||
	    (code = widget_attr_choice(s, "do", agent_actions, false, &a)) < 0)
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
	if ((code = widget_world_of(&w, rc)) < 0 ||
	    (code = widget_attr_choice(s, "do", agent_actions, false, &a)) < 0)
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

/* latency="120ms" jitter="40ms": the server's answer time, and the most drawn on top of it per request. */
static int backend_latency_of(const step *s, int64_t *latency, int64_t *jitter)
{
	int code = step_attr_duration(s, "latency", latency);
	*jitter = 0;
	if (code >= 0 && step_attr(s, "jitter"))
		code = step_attr_duration(s, "jitter", jitter);
	return code;
}

static int backend_prepare(step *s)
{
	int code, a;
	int64_t ms;
	if ((code = widget_check_lengths(s)) < 0 || (code = after_ok(s)) < 0)
		return code;
	int n = (step_attr(s, "do") != NULL) + (step_attr(s, "status") != NULL) + (step_attr(s, "chat") != NULL) +
		(step_attr(s, "latency") != NULL);
	if (n != 1)
		return step_error(s, BSIM_EINVAL,
				  "<backend> does one thing: do=\"...\", status=\"...\", latency=\"...\" or chat=\"ID\" (it has %d of them)", n);
	if (step_attr(s, "jitter") && !step_attr(s, "latency"))
		return step_error(s, BSIM_EINVAL, "jitter=\"...\" goes with latency=\"DURATION\"");
	if (step_attr(s, "latency"))
		return backend_latency_of(s, &ms, &ms);
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
	if ((code = widget_attr_choice(s, "do", backend_actions, true, &a)) < 0)
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
	if ((code = widget_world_of(&w, rc)) < 0)
		return code;
	if (step_attr(s, "latency")) {
		int64_t jitter;
		if ((code = backend_latency_of(s, &ms, &jitter)) < 0)
			return code;
		return widget_backend_latency(w, ms, jitter);
	}
	if (step_attr(s, "status") || step_attr(s, "chat")) {
		if (step_attr(s, "status"))
			code = backend_status(s, &a) < 0 ? BSIM_EINVAL : widget_backend_status(w, a);
		else
			code = widget_backend_chat(w, step_attr(s, "chat"), step_attr(s, "secure-key"));
		return code < 0 ? widget_failed(s, code, "the backend cannot do that") : 0;
	}
	if ((code = widget_attr_choice(s, "do", backend_actions, true, &a)) < 0)
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
	int code, a;
	if ((code = widget_check_lengths(s)) < 0 || (code = after_ok(s)) < 0)
		return code;
	return widget_attr_choice(s, "do", invite_actions, true, &a);
}

static int invite_run(step *s, run_ctx *rc)
{
	int a;
	int code = widget_attr_choice(s, "do", invite_actions, true, &a);
	if (code < 0)
		return code;
	static const widget_action map[] = {WIDGET_INVITE_OFFER, WIDGET_INVITE_ACCEPT, WIDGET_INVITE_DECLINE};
	return page_action(s, rc, map[a], NULL, NULL, "invite", NULL);
}

/* ---- <console do=... plugin? command? event? value? x? y? tab? after?> ---- */

static const char *const console_actions[] = {"open", "close", "command", "event", "options", "subscribe", "move", NULL};

static int console_prepare(step *s)
{
	int code, a;
	if ((code = widget_check_lengths(s)) < 0 || (code = after_ok(s)) < 0 ||
	    (code = widget_attr_choice(s, "do", console_actions, true, &a)) < 0)
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
	int code = widget_attr_choice(s, "do", console_actions, true, &a);
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
	return page_action(s, rc, map[a], a1, a2, "console", NULL);
}

/* ---- <user do="click|key|focus" tab? after?> ---- */

static const char *const user_actions[] = {"click", "key", "focus", NULL};

static int user_prepare(step *s)
{
	int code, a;
	if ((code = widget_check_lengths(s)) < 0 || (code = after_ok(s)) < 0)
		return code;
	return widget_attr_choice(s, "do", user_actions, true, &a);
}

static int user_run(step *s, run_ctx *rc)
{
	widget_world *w;
	int a, id, code;
	if ((code = widget_attr_choice(s, "do", user_actions, true, &a)) < 0 ||
	    (code = widget_world_of(&w, rc)) < 0 || (code = run_tab(&id, rc, s)) < 0)
		return code;
	/* Focusing the window is the browser's; the page hears the focus event itself. */
	code = a == 2 ? bsim_tab_focus(rc->browser, id) : widget_user_input(w, id, a == 1);
	if (code < 0)
		return widget_failed(s, code, "the user's input could not be delivered");
	return 0;
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

void widget_steps_register(void)
{
	for (size_t i = 0; i < sizeof widget_kinds / sizeof *widget_kinds; i++)
		step_kind_register(&widget_kinds[i]);
	widget_expect_register();
}
