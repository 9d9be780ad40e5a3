/*
 * model.c: the widget as a page script. Follows the browser through its
 * page events (a page load runs the widget on the tab, an unload ends it), reads and
 * writes the widget's cookies only through document.cookie with the
 * attributes the widget's writer uses (widget-behaviour.md B.6-B.8, I.1,
 * I.12), decides a restore on every page load as the widget's code does
 * (model_restore.c), and advances the virtual clock through the widget's
 * and the backend's timers in time order. What a running chat does (start,
 * polls, messages, badge, invite, console) is in model_chat.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/grow.h"
#include "util/hex.h"
#include "util/timefmt.h"
#include "widgets/domain.h"
#include "widgets/mutation.h"
#include "widgets/widgets_internal.h"

/* B.5: every cookie name starts with this. */
#define WIDGET_PREFIX "_genesys.widgets."
/* A JavaScript day, js-cookie's unit for expires (B.6) and the past expiry of a delete (I.12). */
#define DAY_MS 86400000LL

/* ---- configuration ---- */

void widget_config_init(widget_config *c)
{
	memset(c, 0, sizeof *c);
	c->version = widget_version_default();
	c->transport = WIDGET_TRANSPORT_GMS;
	c->restore_timeout_ms = WIDGET_RESTORE_TIMEOUT_MS;
	c->request_timeout_ms = WIDGET_REQUEST_TIMEOUT_MS;
	c->metadata_enabled = true;
	c->invite_on_restore_timeout = true;
	c->opt_secure = -1;
	c->opt_expires_days = -1;
}

void widget_config_clear(widget_config *c)
{
	free(c->site);
	free(c->frame_url);
	free(c->deployment_id);
	free(c->opt_domain);
	free(c->opt_path);
	free(c->opt_samesite);
	widget_config_init(c);
}

/* ---- the world ---- */

int widget_world_new(widget_world **out, bsim_browser *b)
{
	widget_world *w = calloc(1, sizeof *w);
	if (!w)
		return error_oom();
	w->b = b;
	widget_config_init(&w->cfg);
	w->be.last_live = SIZE_MAX;
	w->be.latency_ms = WIDGET_LATENCY_DEFAULT_MS;
	w->work = WIDGET_WORK_RECORDED;
	w->scratch = (buf)BUF_INIT;
	/* Pages loaded before the world have no widget: it hears the pages loaded from now on. */
	int rc = bsim_browser_on_page(b, widget_page_heard, w);
	if (rc < 0) {
		free(w);
		return rc;
	}
	*out = w;
	return 0;
}

static void page_clear(widget_page *p)
{
	widget_focus_free(p->focus);
	free(p->href);
	free(p->domain);
	memset(p, 0, sizeof *p);
}

void widget_world_free(widget_world *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < WIDGET_PAGES_MAX; i++)
		if (w->pages[i].used)
			page_clear(&w->pages[i]);
	bsim_browser_off_page(w->b, widget_page_heard, w);
	free(w->tasks);
	widget_config_clear(&w->cfg);
	backend_free(&w->be);
	buf_free(&w->scratch);
	free(w);
}

int widget_deploy(widget_world *w, widget_config *cfg)
{
	widget_config_clear(&w->cfg);
	w->cfg = *cfg;
	widget_config_init(cfg);
	w->deployed = true;
	return 0;
}

bool widget_deployed(const widget_world *w)
{
	return w && w->deployed;
}

widget_page *page_of_tab(widget_world *w, int tab)
{
	for (size_t i = 0; i < WIDGET_PAGES_MAX; i++)
		if (w->pages[i].used && w->pages[i].tab == tab)
			return &w->pages[i];
	return NULL;
}

void page_note(widget_page *p, const char *missing, bool stale, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->reason, sizeof p->reason, fmt, ap);
	va_end(ap);
	snprintf(p->missing, sizeof p->missing, "%s", missing ? missing : "");
	p->missing_stale = stale;
}

/* ---- what each tab's pages sent and published ---- */

static const char *const request_names[WIDGET_REQUEST_COUNT] = {"start", "poll", "restore", "send", "disconnect",
								  "customNotice"};
static const char *const event_names[WIDGET_EVENT_COUNT] = {
	"WebChatService.restored", "WebChatService.restoreFailed", "WebChatService.restoreTimeout",
	"WebChatService.ended", "WebChatService.error", "WebChatService.sleeping", "WebChatService.waking"};

const char *widget_request_name(widget_request r)
{
	return (unsigned)r < WIDGET_REQUEST_COUNT ? request_names[r] : NULL;
}

const char *widget_event_name(widget_event e)
{
	return (unsigned)e < WIDGET_EVENT_COUNT ? event_names[e] : NULL;
}

static widget_tab_log *tab_log(widget_world *w, int tab, bool add)
{
	for (size_t i = 0; i < w->n_logs; i++)
		if (w->logs[i].tab == tab)
			return &w->logs[i];
	if (!add || w->n_logs == WIDGET_PAGES_MAX)
		return NULL; /* past the page limit a tab's requests go uncounted, as its page has no widget */
	widget_tab_log *l = &w->logs[w->n_logs++];
	memset(l, 0, sizeof *l);
	l->tab = tab;
	return l;
}

void page_sent(widget_world *w, const widget_page *p, widget_request r)
{
	widget_tab_log *l = tab_log(w, p->tab, true);
	if (l)
		l->sent[r]++;
}

void page_event(widget_world *w, const widget_page *p, widget_event e)
{
	widget_tab_log *l = tab_log(w, p->tab, true);
	if (l)
		l->events[e]++;
}

int widget_sent_count(const widget_world *w, int tab, widget_request r)
{
	widget_tab_log *l = tab_log((widget_world *)w, tab, false);
	return l ? l->sent[r] : 0;
}

int widget_event_count(const widget_world *w, int tab, widget_event e)
{
	widget_tab_log *l = tab_log((widget_world *)w, tab, false);
	return l ? l->events[e] : 0;
}

size_t pages_of_chat(widget_world *w, const char *id, widget_page **out)
{
	/* Front (document focus) first, then visible, then hidden: a hidden tab's timers run at most once a second
	 * and its polls come ~3 s apart against the front tab's 1.5-2.2 s (I.6), so the front page reads first. */
	size_t n = 0;
	for (int rank = 0; rank < 3; rank++)
		for (size_t i = 0; i < WIDGET_PAGES_MAX; i++) {
			widget_page *p = &w->pages[i];
			if (!p->used || !p->live || strcmp(p->session_id, id) != 0)
				continue;
			int r = bsim_tab_has_focus(w->b, p->tab) ? 0 : bsim_tab_visible(w->b, p->tab) ? 1 : 2;
			if (r == rank)
				out[n++] = p;
		}
	return n;
}

/* ---- cookies through document.cookie ---- */

void widget_cookie_name(const widget_world *w, const char *short_name, char *out, size_t outlen)
{
	/* B.7: main.deploymentID prefixes every cookie name (not the inFocus key). */
	if (w->cfg.deployment_id)
		snprintf(out, outlen, "%s." WIDGET_PREFIX "%s", w->cfg.deployment_id, short_name);
	else
		snprintf(out, outlen, WIDGET_PREFIX "%s", short_name);
}

void widget_cookie_attributes(buf *out, const widget_config *c, const char *derived_domain, int64_t now_ms,
			      int64_t expires_ms)
{
	bool opts = c->version->cookie_options;
	const char *path = opts && c->opt_path ? c->opt_path : "/";
	const char *domain = derived_domain;
	if (opts && c->opt_domain)
		domain = c->opt_domain[0] ? c->opt_domain : NULL;
	const char *same_site = c->version->samesite;
	if (opts && c->opt_samesite)
		same_site = c->opt_samesite;
	buf_puts(out, "; path=");
	buf_puts(out, path);
	if (domain) {
		buf_puts(out, "; domain=");
		buf_puts(out, domain);
	}
	if (same_site) {
		buf_puts(out, "; sameSite=");
		buf_puts(out, same_site);
	}
	if (opts && c->opt_secure == 1)
		buf_puts(out, "; secure");
	/* A number of days makes every cookie persistent (B.6, I.11), against the product page's "session cookies". */
	if (expires_ms == INT64_MIN && opts && c->opt_expires_days >= 0)
		expires_ms = now_ms + c->opt_expires_days * DAY_MS;
	if (expires_ms != INT64_MIN) {
		char date[40];
		time_format_imf(expires_ms / 1000, date, sizeof date);
		buf_printf(out, "; expires=%s", date);
	}
}

/* The attributes of every write and delete on p's page. */
static void put_attributes(widget_world *w, widget_page *p, buf *out, int64_t expires_ms)
{
	widget_cookie_attributes(out, &w->cfg, p->domain, bsim_browser_now(w->b), expires_ms);
}

/* document.cookie = s, from the page itself or from the widget's iframe in it (G.37, [XD]). */
static int script_set(widget_world *w, widget_page *p, const char *s)
{
	if (w->cfg.frame_url)
		return bsim_script_cookie_set_framed(w->b, p->tab, w->cfg.frame_url, s);
	return bsim_script_cookie_set(w->b, p->tab, s);
}

int page_cookie_set(widget_world *w, widget_page *p, const char *short_name, const char *value)
{
	if (widget_mutated(short_name, WIDGET_MUT_NOWRITE))
		return 0;
	if (widget_mutated(short_name, WIDGET_MUT_WRONG))
		value = WIDGET_MUTANT_VALUE;
	char name[256];
	widget_cookie_name(w, short_name, name, sizeof name);
	buf_clear(&w->scratch);
	buf_puts(&w->scratch, name);
	buf_putc(&w->scratch, '=');
	widget_value_encode(&w->scratch, value);
	put_attributes(w, p, &w->scratch, INT64_MIN);
	if (buf_status(&w->scratch) < 0)
		return error_oom();
	/* B.8 / G.34: writes are never checked; a refusal is in the trace. */
	return script_set(w, p, buf_cstr(&w->scratch));
}

int page_cookie_delete(widget_world *w, widget_page *p, const char *short_name)
{
	if (widget_mutated(short_name, WIDGET_MUT_NODELETE))
		return 0;
	char name[256];
	widget_cookie_name(w, short_name, name, sizeof name);
	buf_clear(&w->scratch);
	buf_printf(&w->scratch, "%s=", name);
	/* I.12: a delete rewrites the cookie empty, same Domain and Path, expiring a day ago. */
	put_attributes(w, p, &w->scratch, bsim_browser_now(w->b) - DAY_MS);
	if (buf_status(&w->scratch) < 0)
		return error_oom();
	return script_set(w, p, buf_cstr(&w->scratch));
}

int page_cookie_get(widget_world *w, widget_page *p, const char *short_name, char **out)
{
	char name[256];
	widget_cookie_name(w, short_name, name, sizeof name);
	size_t nlen = strlen(name);
	*out = NULL;
	char *all = NULL;
	int rc = w->cfg.frame_url ? bsim_script_cookie_get_framed(&all, w->b, p->tab, w->cfg.frame_url)
				  : bsim_script_cookie_get(&all, w->b, p->tab);
	if (rc < 0)
		return rc;
	/* js-cookie takes the first pair with the name (B.8): a same-name cookie under another Domain may win. */
	for (const char *q = all; q && *q;) {
		const char *end = strstr(q, "; ");
		size_t len = end ? (size_t)(end - q) : strlen(q);
		if (len > nlen && q[nlen] == '=' && memcmp(q, name, nlen) == 0) {
			size_t vlen = len - nlen - 1;
			if (vlen > WIDGET_VALUE_MAX)
				vlen = WIDGET_VALUE_MAX;
			char *v = malloc(vlen + 1);
			if (!v) {
				free(all);
				return error_oom();
			}
			/* js-cookie decodes %XX sequences on read. */
			size_t o = 0;
			const char *s = q + nlen + 1;
			for (size_t i = 0; i < vlen; i++) {
				int c = s[i] == '%' ? hex_escape_value(s + i, vlen - i) : -1;
				if (c >= 0) {
					v[o++] = (char)c;
					i += 2;
				} else {
					v[o++] = s[i];
				}
			}
			v[o] = '\0';
			*out = v;
			break;
		}
		q = end ? end + 2 : NULL;
	}
	free(all);
	return 0;
}

void widget_value_encode(buf *out, const char *value)
{
	/*
	 * js-cookie 2.x's writer: encodeURIComponent, then these decoded back:
	 * # $ & + : < > = / ? @ [ ] ^ ` { } |. On the widget's JSON that leaves
	 * exactly what I.12 saw: '"' as %22 and ',' as %2C; a ';' or a space in
	 * a value stays encoded, so it can never end the cookie's value.
	 */
	static const char keep[] = "#$&+:<>=/?@[]^`{}|-_.!~*'()";
	static const char hex[] = "0123456789ABCDEF";
	/* Runs of kept bytes are copied at once: every poll encodes several values (bench/runner's widget share). */
	const unsigned char *run = (const unsigned char *)value;
	for (const unsigned char *c = run;; c++) {
		if (*c && ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
			   strchr(keep, *c)))
			continue;
		buf_put(out, (const char *)run, (size_t)(c - run));
		if (!*c)
			break;
		char esc[3] = {'%', hex[*c >> 4], hex[*c & 15]};
		buf_put(out, esc, sizeof esc);
		run = c + 1;
	}
}

/* ---- page load and restore ---- */

/* A page on the deployed site: host equal to site or below it; no site: every page. */
static bool on_site(const widget_world *w, const char *href)
{
	if (!w->cfg.site)
		return strncmp(href, "about:", 6) != 0;
	char *host = NULL;
	if (widget_uri_hostname(&host, href) < 0 || !host)
		return false;
	size_t hl = strlen(host), sl = strlen(w->cfg.site);
	bool ok = hl >= sl && strcasecmp(host + hl - sl, w->cfg.site) == 0 && (hl == sl || host[hl - sl - 1] == '.');
	free(host);
	return ok;
}

void page_unload(widget_world *w, int tab)
{
	widget_page *p = page_of_tab(w, tab);
	if (p) {
		page_drop_flights(w, p);
		page_clear(p);
	}
}

/* F.31: a sleeping page wakes on App.focus and polls at once. */
static void page_focus_changed(widget_focus *f, bool focused, void *userdata)
{
	(void)f;
	widget_page *p = userdata;
	if (!p->live || !p->world->cfg.sleep_enabled || p->world->cfg.transport == WIDGET_TRANSPORT_V2_SOCKETS)
		return;
	if (!focused) {
		/* The loop's next tick sees the page sleeping: no poll until 30 s after the last (v3: none). */
		page_event(p->world, p, WIDGET_EV_SLEEPING);
		chat_schedule_poll(p->world, p);
		return;
	}
	bsim_time now = bsim_browser_now(p->world->b);
	/* The legacy controller's wake command: publish waking, set the rate back to pollRate (3 s, equal to
	 * pollRateMax by default), and tell the server the customer is back (customNotice, "cancel-idle-timer").
	 * The loop's next tick polls, the last poll being 30 s old (t-sleep-unfocused: customNotice 45-47 ms after
	 * the focus, the poll 81-103 ms after it; the model sends the notice at once and polls at the next tick). */
	page_event(p->world, p, WIDGET_EV_WAKING);
	if (page_request(p->world, p, WIDGET_REQ_CUSTOM_NOTICE) < 0)
		page_sent(p->world, p, WIDGET_REQ_CUSTOM_NOTICE); /* past the flight limit it is still counted */
	p->poll_rate = WIDGET_POLL_RATE_MAX_MS;
	if (p->next_poll > now && !page_awaits(p, WIDGET_REQ_POLL))
		p->next_poll = chat_tick_at(p, now + 1);
}

int page_load(widget_world *w, int tab, bool by_session_restore)
{
	/* A restored tab's page was kept through the close (no unload ran): the new load replaces it. */
	page_unload(w, tab);
	const char *href = bsim_tab_url(w->b, tab);
	if (!href || !w->deployed || !on_site(w, href))
		return 0;
	widget_page *p = NULL;
	for (size_t i = 0; i < WIDGET_PAGES_MAX && !p; i++)
		if (!w->pages[i].used)
			p = &w->pages[i];
	if (!p)
		return error_set(BSIM_ELIMIT, "the widget follows at most %d pages at once", WIDGET_PAGES_MAX);
	memset(p, 0, sizeof *p);
	p->used = true;
	p->tab = tab;
	if ((size_t)(p - w->pages) >= w->pages_end)
		w->pages_end = (size_t)(p - w->pages) + 1;
	p->next_poll = p->next_invite = p->next_restore = p->next_start = WIDGET_NEVER;
	p->by_session_restore = by_session_restore;
	if (!(p->href = strdup(href)))
		return error_oom();
	/* location.href is canonical (lower case, no default port); the tab keeps the URL as written. In an
	 * iframe, location.href is the frame's. */
	int rc = widget_page_cookie_domain(&p->domain, w->cfg.frame_url ? w->cfg.frame_url : href, w->cfg.version);
	/* F.30: a fresh GUID per page load, and the handler's first run at App init. */
	if (rc >= 0)
		rc = widget_focus_load(&p->focus, w->b, tab);
	if (rc < 0)
		return rc;
	p->world = w;
	widget_focus_set_change_fn(p->focus, page_focus_changed, p);
	/* C.21: App marks the tab's sessionStorage at init (undocumented; the value is a guess). A page
	 * whose storage throws still runs here: G.35 is not modelled. */
	rc = widget_mutated("Widgets.ready", WIDGET_MUT_NOWRITE)
		     ? 0
		     : bsim_storage_set(w->b, tab, BSIM_STORAGE_SESSION, "Widgets.ready",
					widget_mutated("Widgets.ready", WIDGET_MUT_WRONG) ? WIDGET_MUTANT_VALUE : "true");
	if (rc < 0 && rc != BSIM_EQUOTA && rc != BSIM_ESECURITY)
		return rc;
	if ((rc = chat_console_load(w, p)) < 0)
		return rc;
	p->next_restore = bsim_browser_now(w->b) + w->work.restore_after_load;
	/* C.18, J.1: the idle timer is armed only while autoInvite.disabled is absent, and only for 5 s or more. */
	if (!p->live && w->cfg.auto_invite_seconds >= WIDGET_INVITE_MIN_SECONDS) {
		char *disabled = NULL;
		if ((rc = page_cookie_get(w, p, "webchat.autoInvite.disabled", &disabled)) < 0)
			return rc;
		if (!disabled)
			p->next_invite = bsim_browser_now(w->b) + w->cfg.auto_invite_seconds * 1000LL;
		free(disabled);
	}
	return 0;
}

/* ---- the agent and the backend ---- */

static int agent_chat(widget_world *w, chat_session **out);

int widget_agent(widget_world *w, widget_agent_action a, const char *text, int64_t idle_ms)
{
	(void)text;
	/* Pages loaded or gone since the last look must hear the agent as they are now. */
	chat_session *s = NULL;
	int rc = agent_chat(w, &s);
	if (rc < 0)
		return rc;
	switch (a) {
	case WIDGET_AGENT_SAY:
		/* A server sends the agent's ParticipantJoined before the agent's first line: join one when none has. */
		if (!s->agent_present && (rc = backend_agent_join(s, NULL)) < 0)
			return rc;
		if ((rc = backend_add_line(s, LINE_AGENT)) < 0)
			return rc;
		break;
	case WIDGET_AGENT_TYPING:
		return 0; /* a typing notice is no transcript line and no cookie */
	case WIDGET_AGENT_END:
		return chat_ended_by_server(w, s);
	case WIDGET_AGENT_IDLE:
		s->idle_limit_ms = idle_ms;
		s->last_customer_at = bsim_browser_now(w->b);
		return 0;
	}
	return widget_push(w, s);
}

/* The chat the agent acts on: the most recent live one. */
/*
 * The server has a chat once a start reached it: an agent (or a fault) that
 * acts while the only start is still in flight waits for its answer, as a
 * real agent can only pick up a chat the server has.
 */
static int await_start(widget_world *w)
{
	for (size_t i = 0; i < WIDGET_PAGES_MAX; i++)
		if (w->pages[i].used && w->pages[i].starting)
			return widget_run_until_started(w, &w->pages[i]);
	return 0;
}

static int agent_chat(widget_world *w, chat_session **out)
{
	int rc = widget_catch_up(w);
	if (rc >= 0 && (w->be.last_live == SIZE_MAX || w->be.last_live >= w->be.n || w->be.sessions[w->be.last_live].ended))
		rc = await_start(w);
	if (rc < 0)
		return rc;
	if (w->be.last_live == SIZE_MAX || w->be.last_live >= w->be.n)
		return error_set(BSIM_ENOTFOUND, "no chat has started yet: start one with <webchat do=\"start\"/> before the agent acts");
	*out = &w->be.sessions[w->be.last_live];
	if ((*out)->ended)
		return error_set(BSIM_ENOTFOUND, "chat %s has ended: the agent can no longer act on it", (*out)->id);
	return 0;
}

int widget_agent_join(widget_world *w, const char *name)
{
	chat_session *s = NULL;
	int rc = agent_chat(w, &s);
	if (rc >= 0 && s->agent_present)
		rc = error_set(BSIM_EINVAL, "agent %s is already in chat %s: <agent leave=\"true\"/> first", s->agent, s->id);
	if (rc >= 0)
		rc = backend_agent_join(s, name);
	return rc < 0 ? rc : widget_push(w, s);
}

int widget_agent_leave(widget_world *w)
{
	chat_session *s = NULL;
	int rc = agent_chat(w, &s);
	if (rc >= 0 && !s->agent_present)
		rc = error_set(BSIM_EINVAL, "no agent is in chat %s to leave it", s->id);
	if (rc >= 0)
		rc = backend_agent_leave(s);
	return rc < 0 ? rc : widget_push(w, s);
}

int widget_backend_chat(widget_world *w, const char *id, const char *secure_key)
{
	int rc = widget_catch_up(w);
	size_t idx;
	return rc < 0 ? rc : backend_plant(&w->be, w->b, id, secure_key, &idx);
}

int widget_backend_status(widget_world *w, int status)
{
	int rc = widget_catch_up(w);
	if (rc >= 0)
		w->be.status = status;
	/* A reset connection fails the requests it holds at once, as a server going down does. */
	if (rc >= 0 && status == WIDGET_STATUS_RESET)
		widget_fail_flights(w);
	return rc;
}

int widget_backend_latency(widget_world *w, int64_t latency_ms, int64_t jitter_ms)
{
	int rc = widget_catch_up(w);
	if (rc >= 0) {
		w->be.latency_ms = latency_ms;
		w->be.jitter_ms = jitter_ms;
	}
	return rc;
}

int widget_backend(widget_world *w, widget_backend_fault f, int64_t delay_ms)
{
	int sync = widget_catch_up(w);
	if (sync < 0)
		return sync;
	switch (f) {
	case WIDGET_BACKEND_DOWN:
		w->be.down = true;
		/* The connections it held are reset: every request in flight fails now (t-server-down-mid-poll:
		 * the poll in flight ended with net::ERR_EMPTY_RESPONSE when the server went down). */
		widget_fail_flights(w);
		break;
	case WIDGET_BACKEND_UP: w->be.down = false; w->be.delay_ms = 0; w->be.status = 0; break;
	case WIDGET_BACKEND_SLOW: w->be.delay_ms = delay_ms; break;
	case WIDGET_BACKEND_FORGET:
	case WIDGET_BACKEND_WRONG_KEYS:
		if ((w->be.last_live == SIZE_MAX || w->be.last_live >= w->be.n) && (sync = await_start(w)) < 0)
			return sync;
		if (w->be.last_live == SIZE_MAX || w->be.last_live >= w->be.n)
			return error_set(BSIM_ENOTFOUND, "no chat has started yet: the backend has nothing to forget");
		if (f == WIDGET_BACKEND_WRONG_KEYS) {
			w->be.sessions[w->be.last_live].wrong_keys = true;
			break;
		}
		/* A chat the server forgot ends in every page at its next poll (error 102), before the next load. */
		w->be.sessions[w->be.last_live].forgotten = true;
		return widget_push(w, &w->be.sessions[w->be.last_live]);
	}
	return 0;
}

/* ---- views ---- */

static const char *const state_names[] = {"none", "open", "active", "restored", "ended", "restoreTimeout", "restoreFailed"};

const char *widget_chat_state_name(widget_chat_state s)
{
	return (unsigned)s < sizeof state_names / sizeof *state_names ? state_names[s] : "?";
}

int widget_chat_state_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof state_names / sizeof *state_names; i++)
		if (strcmp(state_names[i], name) == 0)
			return (int)i;
	return -1;
}

int widget_view_of(widget_world *w, int tab, widget_view *out)
{
	memset(out, 0, sizeof *out);
	out->reason = "";
	int rc = widget_catch_up(w);
	if (rc < 0)
		return rc;
	widget_page *p = page_of_tab(w, tab);
	if (!p)
		return 0;
	out->loaded = true;
	out->live = p->live;
	out->restored = p->live && p->restored;
	if (p->live)
		out->chat = p->restored ? WIDGET_CHAT_RESTORED : WIDGET_CHAT_ACTIVE;
	else if (p->ended)
		out->chat = WIDGET_CHAT_ENDED;
	else if (p->restore == RESTORE_TIMEOUT)
		out->chat = WIDGET_CHAT_RESTORE_TIMEOUT;
	else if (p->restore == RESTORE_FAILED)
		out->chat = WIDGET_CHAT_RESTORE_FAILED;
	else if (p->open)
		out->chat = WIDGET_CHAT_OPEN;
	out->minimized = p->minimized;
	out->unread = p->badge;
	out->transcript = p->transcript;
	out->invite_shown = p->invite_shown;
	out->console_open = p->console_open;
	out->focused = p->focus && widget_focus_focused(p->focus);
	out->loaded_by_session_restore = p->by_session_restore;
	out->reason = p->reason;
	out->missing_cookie = p->missing[0] ? p->missing : NULL;
	out->missing_is_stale = p->missing_stale;
	static const char *const restores[] = {"none", "restored", "timeout", "failed"};
	out->restore = restores[p->restore];
	out->restore_code = p->restore_code ? p->restore_code : "";
	out->origin_url = p->href;
	bool owns = false;
	if (p->focus && (rc = widget_focus_owns_key(&owns, p->focus)) < 0 && rc != BSIM_ENOTFOUND && rc != BSIM_ESECURITY)
		return rc;
	out->owns_key = owns;
	widget_view_timing(w, p, out);
	return 0;
}

int widget_user_input(widget_world *w, int tab, bool key)
{
	int rc = widget_catch_up(w);
	if (rc < 0)
		return rc;
	widget_page *p = page_of_tab(w, tab);
	if (!p || !p->focus)
		return 0; /* a page without the widget: nothing listens */
	/* A click or a key press happens in the window's active tab: the window comes forward first. */
	if ((rc = bsim_tab_focus(w->b, tab)) < 0)
		return rc;
	return widget_focus_on_event(p->focus, key ? WIDGET_FOCUS_KEYDOWN : WIDGET_FOCUS_MOUSEDOWN, NULL);
}
