/*
 * har_pages.c: an imported capture written page by page (har_import.h):
 * the top-level navigations in order with their responses' Set-Cookie
 * headers, spaced on the virtual clock as captured; on each page the
 * widget's reproduced writes, the chat the customer started, and the
 * expectations derived from what the browser sent with the next request.
 *
 * The capture's clock maps onto the scenario's: its first navigation is the
 * scenario's start (bsim's fixed 2015-01-01T00:00:00Z), and every Expires
 * date in a replayed Set-Cookie header is shifted by the same amount, so a
 * cookie that had an hour to live still has an hour.
 *
 * Where the capture shows the widget, the scenario deploys bsim's widget
 * model instead of writing the widget's cookies by hand: it starts the chat
 * where the capture's start request is and expects it restored on the next
 * page that loads the widget, so a failure is the widget's own, with the
 * jar's reason (docs/har-import.md, "The widget model").
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scenario/read/har_import.h"
#include "scenario/write/xml.h"
#include "util/error.h"

/*
 * The page from navigation `nav` up to (not including) the next one: did a
 * chat run on it (the first chat request, or NULL) and did any of its
 * requests, or the next navigation's, carry the widget's session cookie.
 */
static const har_entry *page_chat(const har_log *h, size_t nav, size_t *next, bool *carried)
{
	const har_entry *chat = NULL;
	*carried = false;
	size_t i = nav + 1;
	for (; i < h->n_entries && !h->entries[i].navigation; i++) {
		const har_entry *e = &h->entries[i];
		if (!chat && har_is_chat_request(e))
			chat = e;
		for (size_t j = 0; j < e->n_req_cookies; j++)
			if (har_is_widget_cookie(e->req_cookies[j].name) && har_restore_needs(e->req_cookies[j].name))
				*carried = true;
		const char *hdr = har_header_get(e->req_headers, e->n_req_headers, "cookie");
		if (hdr && strstr(hdr, "webchat.state.session="))
			*carried = true;
	}
	*next = i;
	if (i < h->n_entries) {
		const har_entry *n = &h->entries[i];
		for (size_t j = 0; j < n->n_req_cookies; j++)
			if (har_restore_needs(n->req_cookies[j].name))
				*carried = true;
	}
	return chat;
}

/*
 * Whether the request starts the page's chat. Without a recognisable start
 * request (a transport bsim does not know the shape of), the first chat
 * request of a page that did not restore one stands for it.
 */
static bool starts_chat(const har_import *w, const har_entry *nav, const har_entry *e)
{
	return har_is_chat_start(e) || (!w->any_chat_start && har_is_chat_request(e) && !har_carries_session(nav) &&
					!(w->sanitized_skip && w->chat_started));
}

/* Whether the request carries a widget cookie no step gave the browser, or with another value. */
static bool carries_news(har_import *w, const har_entry *e)
{
	for (size_t k = 0; k < e->n_req_cookies; k++) {
		const har_cookie *c = &e->req_cookies[k];
		widget_cookie *kn = har_known_get(w, c->name);
		if (har_is_widget_cookie(c->name) && (!kn || strcmp(kn->value, c->value) != 0))
			return true;
	}
	return false;
}

/*
 * The page's subresources [nav + 1, next): the chat start, the widget's
 * script writes they reveal, and a count of their Set-Cookie headers, which
 * a scenario does not replay.
 */
static int page_subresources(har_import *w, size_t nav, size_t next)
{
	const har_log *h = w->h;
	size_t skipped_set = 0;
	bool page_started = false;
	int rc = 0;
	for (size_t j = nav + 1; j < next && rc == 0; j++) {
		const har_entry *e = &h->entries[j];
		if (w->widget && !page_started && starts_chat(w, &h->entries[nav], e)) {
			page_started = true;
			if ((rc = har_put_chat_start(w, e)) < 0)
				return rc;
		}
		for (size_t k = 0; k < e->n_resp_headers; k++)
			skipped_set += strcasecmp(e->resp_headers[k].name, "set-cookie") == 0;
		if (w->sanitized_skip || !carries_news(w, e))
			continue;
		/* Once the model's chat runs these are only learnt: no step, so no wait for them. */
		if (!(w->widget && w->chat_started))
			har_wait_until(w, e->started_ms);
		rc = har_reproduce_script_writes(w, e);
	}
	if (rc == 0 && skipped_set)
		scenario_xml_comment(&w->out,
				     "%zu Set-Cookie header%s of this page's subresources not replayed (a scenario replays "
				     "top-level navigations)",
				     skipped_set, skipped_set == 1 ? "" : "s");
	return rc;
}

/* The closed-before option: the customer closed the browser before this navigation; a new tab follows. */
static void put_close_browser(har_import *w, const har_entry *nav)
{
	har_wait_until(w, nav->started_ms);
	scenario_xml_comment(&w->out, "the customer closed the browser before %s (the closed-before option)", nav->pageref);
	scenario_xml_open(&w->out, 1, "close-browser");
	scenario_xml_end(&w->out, false);
	w->closed_done = true;
	w->tab_open = false;
	w->tab[0]++;
}

/* The page from navigation i up to next: its navigation step, what the page did, what it shows was sent. */
static int page_steps(har_import *w, size_t i, size_t next, const har_entry *chat, bool carried)
{
	const har_entry *nav = &w->h->entries[i];
	int rc = 0;
	/* The widget cookies the navigation carries but no step has given: written on the page before it. */
	if (w->tab_open && !w->sanitized_skip && (rc = har_reproduce_script_writes(w, nav)) < 0)
		return rc;
	if (w->o->closed_before && nav->pageref && !w->closed_done && strcmp(nav->pageref, w->o->closed_before) == 0)
		put_close_browser(w, nav);
	har_wait_until(w, nav->started_ms);
	bool done[HAR_MAX_COOKIES] = {false};
	if (w->tab_open && !w->sanitized_skip)
		har_expect_carried(w, nav, true, done);
	if (nav->status >= 300 && nav->status < 400)
		scenario_xml_comment(&w->out, "log.entries[%zu]: %d redirect", nav->index, nav->status);
	if ((rc = har_put_navigation(w, nav)) < 0 || (rc = har_learn_set_cookies(w, nav)) < 0)
		return rc;
	const har_entry *shown = w->widget && w->expect_restore ? har_page_widget(w->h, i, next) : NULL;
	if (shown)
		har_put_expect_restored(w, nav, shown);
	if (!w->sanitized_skip) {
		/* Carried from before the capture began: the page's state at its first load. */
		if ((rc = har_reproduce_script_writes(w, nav)) < 0)
			return rc;
		har_expect_carried(w, nav, false, done);
		har_expect_lost(w, nav);
	}
	if ((rc = page_subresources(w, i, next)) < 0)
		return rc;
	/*
	 * Also in a sanitized capture: the writes are the widget's own, and they fail
	 * only where the browser refuses them, which is what such a capture cannot show.
	 */
	if (chat && !carried && !w->widget) {
		har_wait_until(w, chat->started_ms);
		rc = har_reproduce_refused_chat(w, chat);
	}
	return rc;
}

int har_write_scenario(har_import *w, const char *name)
{
	const har_log *h = w->h;
	int rc = 0;
	size_t first = 0;
	while (first < h->n_entries && !h->entries[first].navigation)
		first++;
	w->start = w->t0 = h->entries[first].started_ms;
	for (size_t i = 0; i < h->n_entries; i++)
		w->sum->navigations += h->entries[i].navigation;
	har_put_header(w, name);
	w->sum->navigations = 0;
	har_put_scenario_open(w, name);
	har_put_hosts(w);
	snprintf(w->tab, sizeof w->tab, "a");
	if (w->widget)
		har_put_deploy(w);
	for (size_t i = first; i < h->n_entries && rc == 0;) {
		size_t next;
		bool carried;
		const har_entry *chat = page_chat(h, i, &next, &carried);
		rc = page_steps(w, i, next, chat, carried);
		i = next;
	}
	scenario_xml_close(&w->out, 0, "scenario");
	if (rc == 0 && buf_status(&w->out) < 0)
		rc = error_oom();
	return rc;
}
