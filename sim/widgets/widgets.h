/*
 * widgets.h (internal): the Genesys Widgets model as the scenario layer
 * drives it. One widget_world per scenario run holds the site's deployment
 * (widget_config), the scripted chat backend, and one widget page per tab
 * whose page loads the widget. The model is a page script: it reads and
 * writes its state only through the browser's script view
 * (document.cookie, localStorage, sessionStorage), never the jar, so a
 * cookie the browser refuses is lost exactly as in a real browser and the
 * trace says why (docs/widget-model.md).
 */
#ifndef BSIM_WIDGETS_WIDGETS_H
#define BSIM_WIDGETS_WIDGETS_H

#include <stdbool.h>
#include <stdint.h>

#include "bsim/script.h"
#include "util/buf.h"
#include "widgets/version.h"

typedef enum widget_transport {
	WIDGET_TRANSPORT_GMS = 0,     /* the default GMS REST transport */
	WIDGET_TRANSPORT_V3_REST,     /* pureengage-v3-rest */
	WIDGET_TRANSPORT_V2_SOCKETS,  /* purecloud-v2-sockets */
} widget_transport;

/* Defaults as shipped (widget-behaviour.md sections B-J); docs/widget-model.md "Options". */
#define WIDGET_RESTORE_TIMEOUT_MS 60000  /* webchat.restoreTimeout, D.23 */
#define WIDGET_START_LOCK_MS 2000        /* chatStartLock younger than this refuses a start, F.31 */
#define WIDGET_REQUEST_TIMEOUT_MS 30000  /* guess: a restore request slower than this fails */
#define WIDGET_INVITE_MIN_SECONDS 5      /* Watchman publishes idle:N only for N >= 5, J.1 */
/* Largest main.cookieOptions.expires in days: ten years, past any real deployment. */
#define WIDGET_EXPIRES_DAYS_MAX 3650

typedef struct widget_config {
	const widget_version *version;
	char *site;                    /* pages on this host or below it load the widget; NULL: every page */
	char *frame_url;               /* the widget runs in an iframe of this URL inside each page (cross-domain
	                                * deployment); NULL: in the page itself */
	widget_transport transport;
	int64_t restore_timeout_ms;
	int64_t request_timeout_ms;
	bool metadata_enabled;         /* webchat.metaDataEnabled, default true */
	bool invite_on_restore_timeout;/* webchat.inviteOnRestoreTimeout, default true */
	bool sleep_enabled;            /* webchat.sleepEnabled / transport.sleepEnabled, default false */
	bool minimize_on_mobile_restore;
	bool mobile;                   /* the page is a mobile layout */
	bool async;                    /* async chat mode: no ping, state.open "false" keeps a restore hidden */
	int auto_invite_seconds;       /* webchat.autoInvite.timeToInviteSeconds; 0: auto-invite off */
	char *deployment_id;           /* main.deploymentID: prefixes every cookie name */
	/* main.cookieOptions, merged last where the version honours them (B.6). */
	char *opt_domain;              /* NULL: not given; "": no Domain (host-only) */
	char *opt_path;
	char *opt_samesite;
	int opt_secure;                /* -1 not given */
	int opt_expires_days;          /* -1 not given */
} widget_config;

/* The attributes the widget appends to a cookie written on a page whose derived Domain is derived_domain
 * (NULL: none): "; path=/", Domain, the version's SameSite, then main.cookieOptions merged last where the
 * version honours them (B.6, I.1). expires_ms is a delete's past expiry, or INT64_MIN for a write, which
 * expires `expires` days after now_ms when cookieOptions give it. */
void widget_cookie_attributes(buf *out, const widget_config *c, const char *derived_domain, int64_t now_ms,
			      int64_t expires_ms);

typedef struct widget_world widget_world;

/* A world for one run on browser b (borrowed). *out freed with widget_world_free. */
int widget_world_new(widget_world **out, bsim_browser *b);
void widget_world_free(widget_world *w);
/* Default options (version default, GMS). Frees nothing: use widget_config_clear on a filled one. */
void widget_config_init(widget_config *c);
void widget_config_clear(widget_config *c);
/* Deploy: pages loaded from now on use cfg (taken over: cfg is left empty). */
int widget_deploy(widget_world *w, widget_config *cfg);
bool widget_deployed(const widget_world *w);

/* Follow the browser: run the widget's handlers for the page loads and unloads heard since the last call, in
 * the order the browser told them (bsim_page_event). */
int widget_sync(widget_world *w);
/* Advance the virtual clock to `to`, firing the widget's and the backend's timers in time order. */
int widget_advance(widget_world *w, bsim_time to);
/* The instant of the model's next due event, or BSIM_TIME_NEVER. */
bsim_time widget_next_due(widget_world *w);
/* Nothing the pages wait for is pending: no page event unhandled, no request in flight, no news unfetched. */
bool widget_settled(widget_world *w);

/* ---- what a user does (webchat, invite, console) on a tab ---- */

typedef enum widget_action {
	WIDGET_OPEN, WIDGET_START, WIDGET_SEND, WIDGET_MINIMIZE, WIDGET_MAXIMIZE, WIDGET_CLOSE, WIDGET_END,
	WIDGET_PREFILTER, WIDGET_ZOOM,
	WIDGET_INVITE_OFFER, WIDGET_INVITE_ACCEPT, WIDGET_INVITE_DECLINE,
	WIDGET_CONSOLE_OPEN, WIDGET_CONSOLE_CLOSE, WIDGET_CONSOLE_COMMAND, WIDGET_CONSOLE_EVENT,
	WIDGET_CONSOLE_OPTIONS, WIDGET_CONSOLE_SUBSCRIBE, WIDGET_CONSOLE_MOVE,
} widget_action;

/*
 * Do it on the page of tab. arg1/arg2 are the action's values (a message,
 * a plugin and command, a position), or NULL. BSIM_ENOTFOUND with a
 * message when the tab's page has no widget.
 */
int widget_act(widget_world *w, int tab, widget_action a, const char *arg1, const char *arg2);
/* After widget_act: run the clock until the tab's page has the answer to what a (a start or a send) asked; else 0. */
int widget_await_answer(widget_world *w, int tab, widget_action a);

/* ---- the agent and the backend ---- */

typedef enum widget_agent_action { WIDGET_AGENT_SAY, WIDGET_AGENT_TYPING, WIDGET_AGENT_END, WIDGET_AGENT_IDLE } widget_agent_action;
/* On the most recent live chat (BSIM_ENOTFOUND when there is none). idle_ms: WIDGET_AGENT_IDLE's inactivity limit. */
int widget_agent(widget_world *w, widget_agent_action a, const char *text, int64_t idle_ms);

typedef enum widget_backend_fault {
	WIDGET_BACKEND_DOWN, WIDGET_BACKEND_UP, WIDGET_BACKEND_SLOW, WIDGET_BACKEND_FORGET, WIDGET_BACKEND_WRONG_KEYS
} widget_backend_fault;
int widget_backend(widget_world *w, widget_backend_fault f, int64_t delay_ms);
/* Every request is answered with this HTTP status from now on (404, 500 ...; WIDGET_STATUS_RESET: the
 * connection is reset); 0 answers normally again. */
#define WIDGET_STATUS_RESET (-1)
int widget_backend_status(widget_world *w, int status);
/* The server answers each request after latency_ms, plus up to jitter_ms drawn from the seeded generator. */
int widget_backend_latency(widget_world *w, int64_t latency_ms, int64_t jitter_ms);
/* An agent joins the most recent live chat under a nickname, or leaves it: server messages the pages render
 * as "<name> Connected" / "<name> Disconnected" at their next poll (bsim: at once). */
int widget_agent_join(widget_world *w, const char *name);
int widget_agent_leave(widget_world *w);
/* A chat on the server that no page started (a customer's chat a support engineer plants cookies for): id and
 * secure key as given (NULL: generated); its transcript holds the customer's join. */
int widget_backend_chat(widget_world *w, const char *id, const char *secure_key);

/* ---- what the widget sent and published, per tab (over every page the tab loaded) ---- */

typedef enum widget_request {
	WIDGET_REQ_START, WIDGET_REQ_POLL, WIDGET_REQ_RESTORE, WIDGET_REQ_SEND, WIDGET_REQ_DISCONNECT,
	WIDGET_REQ_CUSTOM_NOTICE, WIDGET_REQUEST_COUNT
} widget_request;
typedef enum widget_event {
	WIDGET_EV_RESTORED, WIDGET_EV_RESTORE_FAILED, WIDGET_EV_RESTORE_TIMEOUT, WIDGET_EV_ENDED, WIDGET_EV_ERROR,
	WIDGET_EV_SLEEPING, WIDGET_EV_WAKING, WIDGET_EVENT_COUNT
} widget_event;
/* Names as the scenario language writes them ("poll", "WebChatService.restored"); NULL past the end. */
const char *widget_request_name(widget_request r);
const char *widget_event_name(widget_event e);
/* How many of r tab's pages sent / of e they published. */
int widget_sent_count(const widget_world *w, int tab, widget_request r);
int widget_event_count(const widget_world *w, int tab, widget_event e);

/* ---- what an expectation looks at ---- */

typedef enum widget_chat_state {
	WIDGET_CHAT_NONE = 0, WIDGET_CHAT_OPEN, WIDGET_CHAT_ACTIVE, WIDGET_CHAT_RESTORED, WIDGET_CHAT_ENDED,
	WIDGET_CHAT_RESTORE_TIMEOUT, WIDGET_CHAT_RESTORE_FAILED,
} widget_chat_state;

const char *widget_chat_state_name(widget_chat_state s);
/* -1 for an unknown name. */
int widget_chat_state_from_name(const char *name);

typedef struct widget_view {
	bool loaded;                 /* the page has the widget */
	widget_chat_state chat;      /* what chat= compares */
	bool live;                   /* a chat runs in the page (active or restored) */
	bool restored;               /* the live chat came from a restore */
	bool minimized;
	int unread;                  /* the badge shown, 0 hidden */
	int transcript;              /* transcript lines rendered in the page */
	bool invite_shown;
	bool console_open;
	bool focused;                /* the page believes it is focused (App.focus) */
	bool loaded_by_session_restore;
	const char *reason;          /* why the last restore or chat ended as it did ("" if nothing to say) */
	const char *missing_cookie;  /* the cookie whose absence or staleness decided it, full name, or NULL */
	bool missing_is_stale;       /* it was there but too old */
	const char *restore;         /* the page's restore: "none", "restored", "timeout", "failed" */
	const char *restore_code;    /* why: "stale-ping", "ended", "unknown", "rejected", "network", "slow",
	                              * "missing-session", "missing-keys", "missing-member", or "" */
	bool owns_key;               /* the page's GUID is in its origin's _genesys.widgets.inFocus */
	const char *origin_url;      /* the page's URL */
	/* When, for an expectation that failed on time: */
	bool sleeping;               /* sleepEnabled and not focused: it polls every 30 s (F.31) */
	bsim_time next_poll;         /* its next poll, as the browser runs its timers; BSIM_TIME_NEVER none */
	int unfetched;               /* server messages of its chat it has not polled for yet */
	int others_minimized;        /* other live pages of its chat that are minimized: each counts every line too (I.5) */
} widget_view;

/* A user's input in the page of tab (F.30): click (mousedown) or key (keydown). */
int widget_user_input(widget_world *w, int tab, bool key);

/* The view of tab's page (loaded=false when it has no widget). */
int widget_view_of(widget_world *w, int tab, widget_view *out);
/* The full cookie name the widget uses for a short name ("webchat.state.session"), deploymentID prefix included, into out. */
void widget_cookie_name(const widget_world *w, const char *short_name, char *out, size_t outlen);

#endif
