/*
 * har_widget.c: the Genesys widget in an imported capture (har_import.h):
 * whether a capture shows it at all (its script, its chat API, its
 * cookies), where a chat started, which widget release the capture
 * suggests, and the steps that deploy bsim's widget model, start its chat
 * and expect it restored. The widget's own knowledge stays the widget
 * model's: the Domain it derives (widgets/domain.h, widget-behaviour.md
 * section H, with the whole second-level table) and which preset models a
 * release (widgets/release.h); this adapts them to the import ("" for
 * host-only).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/read/har_import.h"
#include "scenario/write/xml.h"
#include "util/error.h"
#include "widgets/domain.h"
#include "widgets/release.h"

int har_widget_domain(char **out, const char *url, const widget_version *v)
{
	*out = NULL;
	char *d = NULL;
	int err = widget_page_cookie_domain(&d, url, v);
	if (err < 0)
		return err;
	*out = d ? d : strdup("");
	return *out ? 0 : error_oom();
}

/* ---- the widget in a capture ---- */

/*
 * The widget's chat requests, by a piece of their URL: the GMS chat API
 * (/genesys/2/chat/), the Genesys Engage v3 REST transport and the Genesys
 * Cloud v2 web-chat API (widget-behaviour.md section C, transports). A page
 * that made one of them had a chat running.
 */
static const char *const chat_api_markers[] = {"/genesys/2/chat/", "/gms/2/chat/", "/api/v2/webchat",
					       "/webchat/v3/", "/webdeployments/"};

/* The widget's own scripts: the bundle and its bus (widget-behaviour.md section B, loading). */
static const char *const script_markers[] = {"widgets.min.js", "cxbus.min.js", "/cxbus.js"};

bool har_is_chat_request(const har_entry *e)
{
	for (size_t i = 0; i < sizeof chat_api_markers / sizeof *chat_api_markers; i++)
		if (strstr(e->url, chat_api_markers[i]))
			return true;
	return false;
}

bool har_is_widget_script(const har_entry *e)
{
	const char *end = e->url + strcspn(e->url, "?#");
	for (size_t i = 0; i < sizeof script_markers / sizeof *script_markers; i++) {
		const char *p = har_find_ci(e->url, script_markers[i]);
		if (p && p < end)
			return true;
	}
	return false;
}

bool har_is_chat_start(const har_entry *e)
{
	if (!e->method || strcmp(e->method, "POST") != 0)
		return false;
	/*
	 * GMS: POST /genesys/2/chat/{serviceName} requests a chat; every later
	 * call adds the chat's id (/{chatId}/refresh, /send ...). Genesys Engage
	 * and Cloud's guest API: POST .../guest/conversations.
	 */
	static const char *const gms[] = {"/genesys/2/chat/", "/gms/2/chat/"};
	size_t path_end = strcspn(e->url, "?#");
	for (size_t i = 0; i < 2; i++) {
		const char *p = strstr(e->url, gms[i]);
		if (!p || (size_t)(p - e->url) >= path_end)
			continue;
		p += strlen(gms[i]);
		size_t seg = strcspn(p, "/?#");
		return seg > 0 && (p[seg] != '/' || p[seg + 1] == '\0' || p[seg + 1] == '?' || p[seg + 1] == '#');
	}
	const char *c = strstr(e->url, "/guest/conversations");
	return c && (size_t)(c - e->url) + strlen("/guest/conversations") == path_end;
}

static bool request_has_widget_cookie(const har_entry *e)
{
	for (size_t j = 0; j < e->n_req_cookies; j++)
		if (har_is_widget_cookie(e->req_cookies[j].name))
			return true;
	const char *hdr = har_header_get(e->req_headers, e->n_req_headers, "cookie");
	return hdr && strstr(hdr, "_genesys.widgets.");
}

bool har_widget_seen(const har_log *h, char *why, size_t whylen)
{
	for (size_t i = 0; i < h->n_entries; i++) {
		const har_entry *e = &h->entries[i];
		const char *what = har_is_widget_script(e)	 ? "loads the widget's script"
				   : har_is_chat_request(e)	 ? "is a chat API request"
				   : request_has_widget_cookie(e) ? "carries _genesys.widgets.* cookies"
								  : NULL;
		if (what) {
			snprintf(why, whylen, "log.entries[%zu] %s", e->index, what);
			return true;
		}
	}
	snprintf(why, whylen, "no widget script, chat request or widget cookie");
	return false;
}

/* The version a script URL names ("/widgets/8.5.007.03/widgets.min.js", "widgets-9.0.005.min.js"), or NULL. */
static const char *version_in_url(const char *url, char *buf, size_t buflen)
{
	size_t end = strcspn(url, "?#");
	for (size_t i = 0; i < end; i++) {
		bool start = (url[i] >= '0' && url[i] <= '9') && (i == 0 || url[i - 1] == '/' || url[i - 1] == '-' ||
								  url[i - 1] == '_' || url[i - 1] == 'v');
		if (!start)
			continue;
		size_t n = strspn(url + i, "0123456789.");
		if (i + n > end)
			n = end - i;
		while (n > 0 && url[i + n - 1] == '.') /* "9.0.005.min.js": the dot before "min" ends it */
			n--;
		if (n >= 3 && memchr(url + i, '.', n) && n < buflen) {
			memcpy(buf, url + i, n);
			buf[n] = '\0';
			return buf;
		}
		i += n;
	}
	return NULL;
}

const char *har_guess_widget_version(const har_log *h, char *why, size_t whylen)
{
	char v[32];
	for (size_t i = 0; i < h->n_entries; i++) {
		const har_entry *e = &h->entries[i];
		if (!har_is_widget_script(e) || !version_in_url(e->url, v, sizeof v))
			continue;
		const widget_version *release = widget_version_of_release(v);
		if (!release)
			continue; /* a number that is not a widget release (a cache-busting path) */
		const char *preset = release == widget_version_default() ? NULL : release->name;
		snprintf(why, whylen, "the script URL of log.entries[%zu] names %s", e->index, v);
		return preset;
	}
	/*
	 * 8.5 writes Domain=. + the derived name even where 9.x writes host-only
	 * (a single-label host such as localhost: widget-behaviour.md A.4): a
	 * widget cookie listed with such a Domain is 8.5's signature.
	 */
	for (size_t i = 0; i < h->n_entries; i++) {
		const har_entry *e = &h->entries[i];
		for (size_t j = 0; j < e->n_req_cookies; j++) {
			const har_cookie *c = &e->req_cookies[j];
			if (!har_is_widget_cookie(c->name) || !c->domain || c->domain[0] != '.')
				continue;
			char *d9 = NULL;
			if (har_widget_domain(&d9, e->url, widget_version_default()) < 0)
				continue;
			bool sig = *d9 == '\0';
			free(d9);
			if (sig) {
				snprintf(why, whylen, "log.entries[%zu] lists %s with Domain=%s, which only 8.5 writes there",
					 e->index, c->name, c->domain);
				return "8.5";
			}
		}
	}
	snprintf(why, whylen, "nothing in the capture names a version: the default");
	return NULL;
}

/* ---- the widget model's steps ---- */

/* Whether the request carried the widget's session cookie (by name suffix: a deploymentID may prefix it). */
bool har_carries_session(const har_entry *e)
{
	for (size_t j = 0; j < e->n_req_cookies; j++)
		if (har_is_widget_cookie(e->req_cookies[j].name) && har_restore_needs(e->req_cookies[j].name) &&
		    strstr(e->req_cookies[j].name, "session"))
			return true;
	const char *hdr = har_header_get(e->req_headers, e->n_req_headers, "cookie");
	return hdr && strstr(hdr, "webchat.state.session=");
}

/* The first entry of the page [nav, next) that shows the widget (its script or a chat request), or NULL. */
const har_entry *har_page_widget(const har_log *h, size_t nav, size_t next)
{
	for (size_t i = nav; i < next; i++)
		if (har_is_widget_script(&h->entries[i]) || har_is_chat_request(&h->entries[i]))
			return &h->entries[i];
	return NULL;
}

/*
 * <deploy>: the widget model on every page, as the capture's pages loaded
 * it. The version the capture suggests (or the option's); cookie-secure
 * when the capture lists a widget cookie as Secure, which the widget only
 * writes when the site's main.cookieOptions asks (widget-behaviour.md I.1).
 */
void har_put_deploy(har_import *w)
{
	const har_log *h = w->h;
	const har_entry *secure = NULL;
	const char *secure_name = NULL;
	for (size_t i = 0; i < h->n_entries && !secure && !w->sanitized_skip; i++)
		for (size_t j = 0; j < h->entries[i].n_req_cookies && !secure; j++)
			if (har_is_widget_cookie(h->entries[i].req_cookies[j].name) &&
			    h->entries[i].req_cookies[j].secure == 1) {
				secure = &h->entries[i];
				secure_name = h->entries[i].req_cookies[j].name;
			}
	scenario_xml_comment(&w->out, "derived: the capture shows the Genesys widget (%s): bsim's widget model runs on the pages, "
		   "version %s (%s)%s",
		w->sum->widget_why, w->sum->widget_version, w->sum->widget_version_why,
		secure ? "; cookie-secure because the capture lists a widget cookie as Secure" : "");
	if (secure)
		scenario_xml_comment(&w->out, "log.entries[%zu] lists %s as Secure: the site's main.cookieOptions sets secure", secure->index,
			secure_name);
	scenario_xml_open(&w->out, 1, "deploy");
	if (w->deploy_version)
		scenario_xml_attr(&w->out, "version", w->deploy_version);
	if (secure)
		scenario_xml_attr(&w->out, "cookie-secure", "true");
	scenario_xml_end(&w->out, false);
}

/*
 * A chat started at e: the customer started it on this page. The widget
 * model then writes its cookies itself (widget-behaviour.md I.1, I.13);
 * session and keys are remembered with the Domain it derives, for the
 * cookie-level expectations of later pages.
 */
int har_put_chat_start(har_import *w, const har_entry *e)
{
	har_wait_until(w, e->started_ms);
	char *domain = NULL;
	int rc = har_widget_domain(&domain, w->page_url, w->cookie_version);
	if (rc < 0)
		return rc;
	scenario_xml_comment(&w->out, "derived: log.entries[%zu] starts a chat: the customer started it here; the widget writes its "
		   "cookies (Domain %s) with document.cookie",
		e->index, *domain ? domain : "host-only");
	scenario_xml_open(&w->out, 1, "webchat");
	scenario_xml_attr(&w->out, "tab", w->tab);
	scenario_xml_attr(&w->out, "do", "start");
	scenario_xml_end(&w->out, false);
	w->sum->chat_starts++;
	w->chat_started = true;
	w->expect_restore = true;
	rc = har_known_chat_start(w, domain);
	free(domain);
	return rc;
}

/* The first page showing the widget after a chat started: the widget restores a running chat there. */
void har_put_expect_restored(har_import *w, const har_entry *nav, const har_entry *shown)
{
	scenario_xml_comment(&w->out,
		"derived: a chat was running and this page loads the widget (log.entries[%zu]), which restores it; %s "
		"log.entries[%zu]",
		shown->index, w->sanitized_skip ? "the capture holds no cookie data to show what was sent with"
			      : har_carries_session(nav) ? "the customer's browser sent the session cookie with"
						     : "the customer's browser did not send the session cookie with",
		nav->index);
	scenario_xml_open(&w->out, 1, "expect");
	scenario_xml_attr(&w->out, "tab", w->tab);
	scenario_xml_attr(&w->out, "chat", "restored");
	scenario_xml_end(&w->out, false);
	w->sum->derived_expects++;
	w->expect_restore = false;
}
