/*
 * har_widget.c: the Genesys widget's own cookie Domain, as the HAR import
 * needs it to reproduce the widget's document.cookie writes (which a
 * capture never shows) with the Domain the widget would have given them, so
 * that a browser's refusal reproduces. The derivation itself is the widget
 * model's (sim/widgets/domain.c, widget-behaviour.md section H, with the
 * whole second-level table); this adapts it to the importer's version
 * names ("9" or "8.5") and its "" for host-only.
 *
 * It also tells whether a capture shows the widget at all (its script, its
 * chat API, its cookies), where a chat started, and which widget build the
 * capture suggests, so that an import can deploy the widget model itself.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interchange/har.h"
#include "util/error.h"
#include "widgets/domain.h"
#include "widgets/version.h"

int har_widget_domain(char **out, const char *url, const char *version)
{
	*out = NULL;
	const widget_version *v = NULL;
	if (version && strncmp(version, "8.", 2) == 0)
		v = widget_version_find("8.5");
	if (!v)
		v = widget_version_default();
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
		const char *preset = strncmp(v, "8.", 2) == 0		? "8.5"
				     : strncmp(v, "9.0.005", 7) == 0 ? "9.0.005.00"
				     : strncmp(v, "9.", 2) == 0	? NULL
								: "";
		if (preset && !*preset)
			continue; /* a number that is not a widget release (a cache-busting path) */
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
			if (har_widget_domain(&d9, e->url, "9") < 0)
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
