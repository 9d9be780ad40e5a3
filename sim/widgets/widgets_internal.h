/*
 * widgets_internal.h (internal): what model.c (pages, cookies, the
 * clock), model_restore.c (the restore at each load), model_chat.c (start,
 * polls, messages, badge, invite, console) and backend.c (the scripted
 * chat server) share.
 */
#ifndef BSIM_WIDGETS_INTERNAL_H
#define BSIM_WIDGETS_INTERNAL_H

#include <stddef.h>

#include "util/buf.h"
#include "widgets/focus.h"
#include "widgets/widgets.h"

/* Longest widget cookie value read back; a browser caps a cookie at 4096 bytes anyway. */
#define WIDGET_VALUE_MAX 4096
/* Most pages the model follows at once (tabs of one browser); past it a page loads without the widget. */
#define WIDGET_PAGES_MAX 256
/* Most chats the backend keeps for one run. */
#define WIDGET_SESSIONS_MAX 1024
/* Transcript lines one chat keeps: far past a scenario's, and a bound on memory. */
#define WIDGET_TRANSCRIPT_MAX 100000

/*
 * The legacy controller's poll loop (widgets.min.js 9.0.018.07, defaults of
 * pollRate, pollRateMin, pollRateMax, pollRateMult, pollRateSleep): a timer
 * ticks every pollRateMin / 2 = 250 ms from the moment polling starts; a
 * tick polls when the time since the last poll is at least the rate, which
 * starts at 500 ms and grows x1.2 (truncated) after each poll up to 3 s,
 * and drops back to 500 ms after the customer sends. On the tick grid that
 * is a first poll 250 ms in, then 750, 750, 1000, 1250, 1250, 1500, 2000,
 * 2250, 2750, 3000, 3000 ... ms (I.13). A sleeping page polls every 30 s (F.31).
 */
#define WIDGET_POLL_TICK_MS 250
#define WIDGET_POLL_RATE_MIN_MS 500
#define WIDGET_POLL_RATE_MAX_MS 3000
#define WIDGET_POLL_RATE_MULT_NUM 6   /* pollRateMult 1.2 = 6 / 5 */
#define WIDGET_POLL_RATE_MULT_DEN 5
#define WIDGET_POLL_SLEEP_MS 30000
/*
 * A hidden tab's timers wake at most once a second, on whole seconds:
 * Chromium's background timer throttling (third_party/blink/renderer/
 * platform/scheduler: kDefaultThrottledWakeUpInterval, 1 s, aligned) and
 * Firefox's dom.min_background_timeout_value (1000 ms). So a hidden page's
 * poll loop, ticking every 250 ms in front, runs on whole seconds: its polls
 * come up to a second later (I.6: ~3 s apart against the front tab's).
 */
#define WIDGET_HIDDEN_TIMER_ALIGN_MS 1000
/* The chat server's answer time when the scenario gives none: the fake server of the recorded runs answered a
 * loopback request in about 100 ms with the widget's own work (tests/widget-oracle/TIMING.md). */
#define WIDGET_LATENCY_DEFAULT_MS 100
/* The widget's App starts its restore this long after the load event: the recorded runs' median, 33 ms
 * (tests/widget-oracle/TIMING.md, "Restore"). */
#define WIDGET_RESTORE_AFTER_LOAD_MS 33
/*
 * The widget's own work around a start and a restore, as the recorded runs
 * timed it (tests/widget-oracle/TIMING.md; medians over the runs that time
 * requests): the chat form's submit sends the start request 172 ms after
 * the click (141-317 ms, n 10); WebChatService.started comes 65 ms after
 * the start's answer (45-91 ms) and restored 39 ms after the restore's. The
 * model counts that work into when the answer takes effect.
 */
#define WIDGET_START_SUBMIT_MS 172
#define WIDGET_START_WORK_MS 65
#define WIDGET_RESTORE_WORK_MS 39
/* The widget's own work times, set from the figures above; a unit test of what (not when) zeroes them. */
typedef struct widget_work {
	bsim_time start_submit, start_answer, restore_after_load, restore_answer;
} widget_work;
#define WIDGET_WORK_RECORDED                                                                             \
	((widget_work){WIDGET_START_SUBMIT_MS, WIDGET_START_WORK_MS, WIDGET_RESTORE_AFTER_LOAD_MS, WIDGET_RESTORE_WORK_MS})

/* Requests one page may have in flight at once (a restore or start, a poll, a send, a disconnect). */
#define WIDGET_FLIGHTS_MAX 6
/* No timer: a time far past any scenario. */
#define WIDGET_NEVER INT64_MAX

/* ---- the backend (backend.c) ---- */

typedef enum line_kind { LINE_AGENT = 'a', LINE_CUSTOMER = 'c', LINE_SYSTEM = 's' } line_kind;

typedef struct chat_session {
	char id[40];
	char secure_key[40];
	char user_id[24];
	char alias[8];
	bool ended;
	bool agent_present; /* an agent joined and has not left */
	char agent[64];     /* the agent's nickname ("<agent> Connected") */
	bool forgotten;     /* the server lost it: a refresh answers error 102 (J.3e) */
	bool wrong_keys;    /* the server rejects the keys the page holds */
	char *lines;        /* one line_kind per server message (position - 1); the customer's own join is the first */
	size_t n_lines, cap_lines;
	int64_t idle_limit_ms;  /* agent idle: end after this long without a customer line; 0 none */
	int64_t last_customer_at;
} chat_session;

typedef enum backend_answer {
	BACKEND_OK = 0,
	BACKEND_ENDED,       /* 200 with chatEnded */
	BACKEND_UNKNOWN,     /* 200 with error 102: no such chat */
	BACKEND_REJECTED,    /* 4xx: wrong keys */
	BACKEND_NETWORK,     /* unreachable */
	BACKEND_TIMEOUT,     /* slower than the widget waits */
	BACKEND_STATUS,      /* an HTTP error status (404, 500 ...): the request failed (I.10, I.14) */
} backend_answer;

typedef struct chat_backend {
	chat_session *sessions;
	size_t n, cap;
	bool down;
	int status;          /* every request is answered with this HTTP status (404, 500 ...); 0: none */
	int64_t delay_ms;    /* every answer takes this long ("slow") */
	int64_t latency_ms;  /* the server's answer time (<backend latency=>), WIDGET_LATENCY_DEFAULT_MS */
	int64_t jitter_ms;   /* plus up to this much, drawn from the seeded generator (<backend jitter=>) */
	size_t last_live;    /* index of the chat the agent acts on; SIZE_MAX none */
} chat_backend;

void backend_free(chat_backend *be);
/* A new chat; *out is its index. */
int backend_start(chat_backend *be, bsim_browser *b, size_t *out);
chat_session *backend_find(chat_backend *be, const char *id);
/* What a refresh (restore) or poll of chat id with keys gets; timed_out: the widget gave up waiting first. */
backend_answer backend_refresh(chat_backend *be, const char *id, const char *secure_key, bool timed_out,
			       chat_session **out);
int backend_add_line(chat_session *s, line_kind k);
/* A chat the server holds without any page (a support engineer's planted cookies name it): id and secure key as
 * given, NULL for generated ones. *out is its index. */
int backend_plant(chat_backend *be, bsim_browser *b, const char *id, const char *secure_key, size_t *out);
/* An agent joins (ParticipantJoined, "<name> Connected") or leaves (ParticipantLeft, "<name> Disconnected"). */
int backend_agent_join(chat_session *s, const char *name);
int backend_agent_leave(chat_session *s);
const char *backend_answer_name(backend_answer a);

/* ---- a page that loaded the widget ---- */

typedef enum restore_outcome { RESTORE_NONE = 0, RESTORE_OK, RESTORE_TIMEOUT, RESTORE_FAILED } restore_outcome;

/* A request the page sent and whose answer has not reached it yet (clock.c). */
typedef struct page_flight {
	bool used;
	widget_request kind;
	bsim_time sent_at;
	bsim_time due;       /* when the answer reaches the page */
	uint64_t seq;        /* send order: answers due at one instant come in it */
	bool timed_out;      /* the server's answer would come later than the request timeout: the widget gives up then */
} page_flight;

typedef struct widget_page {
	int tab;
	bool used;
	widget_focus *focus;    /* the page's in-focus arbitration (focus.c) */
	widget_world *world;    /* back to the world, for the focus listener */
	char *href;
	char *domain;           /* the Domain attribute written (".x.com"), or NULL: host-only */
	bool by_session_restore;
	bool open, live, restored, ended, minimized;
	restore_outcome restore;
	const char *restore_code; /* a restore= reason code (widget_view.restore_code), or NULL */
	int n_rendered;         /* E.27 N: non-client lines rendered in the page */
	int transcript;         /* lines rendered: system lines, the agent's and the customer's */
	size_t position;        /* server messages the page has (the next transcript position is this + 1) */
	size_t indexed;         /* server messages state.index covers: the customer's own line is the server's too */
	int64_t poll_origin;    /* when the poll loop's 250 ms ticks started */
	int64_t last_poll;      /* when the page last polled (g in the widget's loop); INT64_MIN: not yet */
	int64_t poll_rate;      /* r: the least time between polls */
	int badge;
	char session_id[40];
	page_flight flights[WIDGET_FLIGHTS_MAX];
	/* What a restore in flight asks the server about (read from the cookies when it was sent). */
	char req_session[40], req_key[64], req_member[24];
	bool starting;          /* a start was submitted: its request is about to go or in flight */
	int own_unseen;         /* the customer's own lines shown at their send, not yet brought back by a poll */
	int64_t next_start;     /* when the submitted chat form sends its start (WIDGET_START_SUBMIT_MS after the click) */
	int64_t next_restore;   /* when the App's init asks the server to restore (WIDGET_RESTORE_AFTER_LOAD_MS after the load) */
	int64_t next_poll;
	int64_t next_invite;
	bool invite_shown;
	bool console_open;
	int metadata_restores;
	char reason[256];
	char missing[160];      /* full cookie name, or "" */
	bool missing_stale;
} widget_page;

/* What one tab's pages sent and published, over every page the tab loaded (<expect sent=> and <expect event=>). */
typedef struct widget_tab_log {
	int tab;
	int sent[WIDGET_REQUEST_COUNT];
	int events[WIDGET_EVENT_COUNT];
} widget_tab_log;

/* A page event the browser told, waiting for the widget's handler (clock.c). */
typedef struct page_task {
	bsim_page_event_kind kind;
	int tab;
	bsim_time due;   /* LOAD: the document's load event; UNLOAD: at once */
	bool restored;   /* LOAD by session restore */
	bool persisted;  /* UNLOAD of a tab the browser keeps for session restore */
} page_task;

struct widget_world {
	bsim_browser *b;
	widget_tab_log logs[WIDGET_PAGES_MAX];
	size_t n_logs;
	widget_config cfg;
	bool deployed;
	chat_backend be;
	widget_page pages[WIDGET_PAGES_MAX];
	size_t pages_end;       /* pages past this slot have never been used: the clock's scans stop here */
	page_task *tasks;       /* page events heard, in order, not yet handled (widget_sync) */
	size_t n_tasks, cap_tasks;
	bool tasks_lost;        /* a page event could not be queued (out of memory) */
	uint64_t flight_seq;    /* requests sent so far, for the order of answers due at one instant */
	widget_work work;       /* the widget's own work times (WIDGET_WORK_RECORDED) */
	bool answer_timed_out;  /* while an answer is handled: its request timed out (page_flight.timed_out) */
	buf scratch;
};

/* model.c: cookies through document.cookie */
/* Read the widget cookie short_name on p's page: *out malloc'd, NULL when absent. */
int page_cookie_get(widget_world *w, widget_page *p, const char *short_name, char **out);
/* value is raw: encoded as the widget's writer does. */
int page_cookie_set(widget_world *w, widget_page *p, const char *short_name, const char *value);
int page_cookie_delete(widget_world *w, widget_page *p, const char *short_name);
/* A value as the widget's cookie writer (js-cookie 2.x) encodes it; on JSON, '"' and ',' (I.12). */
void widget_value_encode(buf *out, const char *value);
widget_page *page_of_tab(widget_world *w, int tab);
void page_note(widget_page *p, const char *missing, bool stale, const char *fmt, ...) BSIM_PRINTF(4, 5);

/* The widget sent request r from p's page / published event e there (counted per tab). */
void page_sent(widget_world *w, const widget_page *p, widget_request r);
void page_event(widget_world *w, const widget_page *p, widget_event e);
/* The live pages of chat id, the front one first: it polls fastest, so it reads shared counters first (I.5, I.6). */
size_t pages_of_chat(widget_world *w, const char *id, widget_page **out);

/* model.c: a document's life */
int page_load(widget_world *w, int tab, bool by_session_restore);
void page_unload(widget_world *w, int tab);

/* clock.c: the page's event loop */
/* The view's fields that explain a failure in time: sleeping, the next poll, unfetched news, other minimized pages. */
void widget_view_timing(widget_world *w, const widget_page *p, widget_view *out);
/* Before the model is acted on or looked at: everything due by now runs (widget_advance to now). */
int widget_catch_up(widget_world *w);
/* The browser's page events, queued until their instant (a load at its load event). */
void widget_page_heard(const bsim_page_event *ev, void *userdata);
/* The server has news for chat s: v2's socket pushes it to the chat's pages at once; REST pages poll for it. */
int widget_push(widget_world *w, chat_session *s);
/* The page sends request r: counted (<expect sent=>), traced, answered after the server's latency. */
int page_request(widget_world *w, widget_page *p, widget_request r);
/* The server's connections are reset: every request in flight is answered now (with the server's state: an error). */
void widget_fail_flights(widget_world *w);
/* A request of kind r is in flight from p. */
bool page_awaits(const widget_page *p, widget_request r);
/* The browser quits and keeps the tab's page for session restore: its requests are dropped, its timers stop. */
void page_freeze(widget_world *w, int tab);
/* The page goes: every request in flight is dropped, each traced with what was pending. */
void page_drop_flights(widget_world *w, widget_page *p);
/* The server ended chat s (the agent, the idle limit): its pages learn it at their next poll. */
int chat_ended_by_server(widget_world *w, chat_session *s);
/* Advance the clock until p's submitted start has been answered (the agent waits for the chat it acts on). */
int widget_run_until_started(widget_world *w, widget_page *p);

/* model_chat.c */
/* Transport-specific names: the session, keys, index and open cookies. */
const char *tp_session(const widget_world *w);
const char *tp_keys(const widget_world *w);
const char *tp_index(const widget_world *w);
const char *tp_open(const widget_world *w);
int chat_start(widget_world *w, widget_page *p);
int chat_poll(widget_world *w, widget_page *p);
/* The answers: a poll's, a start's, a send's. */
int chat_poll_answer(widget_world *w, widget_page *p);
int chat_start_answer(widget_world *w, widget_page *p);
int chat_send_answer(widget_world *w, widget_page *p);
int chat_end_local(widget_world *w, widget_page *p, bool by_agent);
/* Render the lines the server has past the page's position (a poll's reply). */
int chat_fetch_lines(widget_world *w, widget_page *p, const chat_session *s);
/* Render one line in the page (a system line, the agent's or the customer's): transcript, N, the badge. */
int chat_deliver(widget_world *w, widget_page *p, line_kind k);
/* Polling starts (at a start or a restore): ticks from now, the first poll at the first tick. */
void chat_start_polling(widget_world *w, widget_page *p);
int chat_badge(widget_world *w, widget_page *p);
int chat_write_metadata(widget_world *w, widget_page *p);
int chat_write_autoload(widget_world *w, widget_page *p, bool active);
int chat_set_session_cookies(widget_world *w, widget_page *p, const chat_session *s);
int chat_delete_session_cookies(widget_world *w, widget_page *p, bool all);
void chat_schedule_poll(widget_world *w, widget_page *p);
/* The poll loop's first tick at or after t. */
int64_t chat_tick_at(const widget_page *p, int64_t t);
int chat_invite_fire(widget_world *w, widget_page *p);
int chat_console_load(widget_world *w, widget_page *p);

/* model_restore.c */
int page_restore(widget_world *w, widget_page *p);
int page_restore_answer(widget_world *w, widget_page *p);

#endif
