/*
 * har_scenario.c: a parsed HAR capture (har.h) written as a bsim scenario
 * (include/bsim/har.h, docs/har-import.md): the top-level navigations in
 * order with their responses' Set-Cookie headers, spaced on the virtual
 * clock as captured; the widget's document.cookie writes reproduced from
 * the Cookie headers that later carried them; and expectations derived
 * from what the customer's browser sent, each marked "derived" in an XML
 * comment so a reader can tell the capture's facts from bsim's inferences.
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
 *
 * This file decides what the capture means; har_write.c writes the text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "interchange/har.h"
#include "interchange/har_writer.h"
#include "interchange/interchange.h"
#include "net/url.h"
#include "util/buf.h"
#include "widgets/version.h"

/*
 * Set-Cookie headers replayed with one navigation: the most one scenario
 * step takes (sim/scenario/steps.c, STEP_MAX_SET_COOKIE).
 */
#define HAR_MAX_SET_COOKIE_REPLAYED 1000

/*
 * What the widget writes when a chat starts (widget-behaviour.md I.1, I.13):
 * session and keys are the two a restore needs (item 23), so they are the
 * ones reproduced where the capture shows a chat but no cookie. Values are
 * placeholders in the widget's formats (JSON with `"` and `,` escaped, I.12).
 */
static const struct {
	const char *name, *value;
} started_chat_cookies[] = {
	{"_genesys.widgets.webchat.state.keys",
	 "{%22secureKey%22:%22placeholder%22%2C%22alias%22:%22000%22%2C%22userId%22:%22placeholder%22}"},
	{"_genesys.widgets.webchat.state.session", "placeholder-chat-id"},
};

/* The cookies whose absence loses the chat (widget-behaviour.md D.23): the ones a "lost" expectation checks. */
static bool restore_needs(const char *name)
{
	size_t n = strlen(name);
	static const char *const needed[] = {"webchat.state.session", "webchat.state.keys"};
	for (size_t i = 0; i < 2; i++) {
		size_t k = strlen(needed[i]);
		if (n >= k && strcmp(name + n - k, needed[i]) == 0)
			return true;
	}
	return false;
}

/* ---- widget cookies ---- */

static widget_cookie *known_get(writer *w, const char *name)
{
	for (size_t i = 0; i < w->n_known; i++)
		if (strcmp(w->known[i].name, name) == 0)
			return &w->known[i];
	return NULL;
}

static int known_set(writer *w, const char *name, const char *value, const char *domain, bool secure)
{
	const char *page = w->page_url ? w->page_url : "";
	widget_cookie *k = known_get(w, name);
	if (!k) {
		if (w->n_known == HAR_MAX_WIDGET_COOKIES)
			return 0; /* past the widget's own names: not the widget; nothing more is tracked */
		k = &w->known[w->n_known++];
		memset(k, 0, sizeof *k);
		if (!(k->name = strdup(name)))
			return error_oom();
	}
	free(k->value);
	free(k->domain);
	free(k->page);
	k->value = strdup(value);
	k->domain = strdup(domain);
	k->page = strdup(page);
	k->secure = secure;
	k->lost = false;
	return k->value && k->domain && k->page ? 0 : error_oom();
}

/* Whether a top-level request to url would carry a cookie of this Domain ("" host-only on page_url). */
static bool domain_covers(const char *domain, const char *cookie_page, const char *url)
{
	char host[256], page_host[256];
	const char *p = strstr(url, "//"), *q = strstr(cookie_page, "//");
	if (!p || !q)
		return false;
	p += 2;
	q += 2;
	size_t n = strcspn(p, "/?#:"), m = strcspn(q, "/?#:");
	snprintf(host, sizeof host, "%.*s", (int)n, p);
	snprintf(page_host, sizeof page_host, "%.*s", (int)m, q);
	if (!*domain || strcmp(domain, ".") == 0)
		return strcasecmp(host, page_host) == 0;
	const char *d = domain + (domain[0] == '.');
	size_t hl = strlen(host), dl = strlen(d);
	/* RFC 6265bis §5.1.3 domain-match. */
	return strcasecmp(host, d) == 0 || (hl > dl && host[hl - dl - 1] == '.' && strcasecmp(host + hl - dl, d) == 0);
}

static void put_write(writer *w, const char *name, const char *value, const char *domain, const char *path,
		      bool secure, const char *same_site)
{
	buf *b = &w->out;
	buf_printf(b, "  <cookie tab=\"%s\" write=\"", w->tab);
	buf c = BUF_INIT;
	buf_printf(&c, "%s=%s", name, value);
	if (*domain)
		buf_printf(&c, "; Domain=%s", domain);
	buf_printf(&c, "; Path=%s", path ? path : "/");
	if (same_site && *same_site)
		buf_printf(&c, "; SameSite=%s", same_site);
	if (secure)
		buf_puts(&c, "; Secure");
	if (buf_status(&c) == 0)
		harw_escaped(b, buf_cstr(&c), true);
	buf_free(&c);
	buf_puts(b, "\"/>\n");
	w->sum->widget_writes++;
}

/*
 * The page should see name=value. With the widget model, which writes its
 * own values (seeded ids), the jar should hold the cookie instead, with the
 * Domain the capture lists when it lists one (Chrome's cookies[]): the
 * widget model then stored it where the customer's browser did.
 */
static void put_expect_pair(writer *w, const char *name, const char *value, const char *domain)
{
	buf *b = &w->out;
	if (w->widget) {
		buf_puts(b, "  <expect cookie=\"");
		harw_escaped(b, name, true);
		buf_putc(b, '"');
		/* Only a Domain that names a host ("." or ".." from an edited capture names none). */
		const char *host = domain ? domain + (domain[0] == '.') : NULL;
		if (host && *host && *host != '.') {
			buf_puts(b, " domain=\"");
			harw_escaped(b, domain, true);
			buf_putc(b, '"');
		}
		buf_puts(b, "/>\n");
		w->sum->derived_expects++;
		return;
	}
	buf_printf(b, "  <expect tab=\"%s\" document-cookie-contains=\"", w->tab);
	harw_escaped(b, name, true);
	buf_putc(b, '=');
	harw_escaped(b, value, true);
	buf_puts(b, "\"/>\n");
	w->sum->derived_expects++;
}

/* SameSite as js-cookie writes it for the widget: 9.x writes sameSite=strict (I.1); 8.5 and 9.0.005 none. */
static const char *widget_same_site(const writer *w)
{
	return strncmp(w->version, "8.", 2) == 0 ? NULL : "Strict";
}

/*
 * The widget cookies a request carried that no earlier step gives the
 * browser: the widget wrote them on the current page with document.cookie.
 * Reproduce each as a script write, with the Domain the capture lists
 * (Chrome's request cookies[] have it) or else the one the widget derives.
 */
static int reproduce_script_writes(writer *w, const har_entry *e)
{
	int rc = 0;
	bool said = false;
	for (size_t i = 0; i < e->n_req_cookies && rc == 0; i++) {
		const har_cookie *c = &e->req_cookies[i];
		if (!har_is_widget_cookie(c->name))
			continue;
		widget_cookie *k = known_get(w, c->name);
		if (k && strcmp(k->value, c->value) == 0)
			continue;
		/*
		 * Once the widget model runs a chat, it writes these itself: only learn
		 * where they live. Before that (a chat from before the capture began),
		 * the model has nothing to restore from, so the writes are replayed.
		 */
		if (w->widget && w->chat_started) {
			char *domain = NULL;
			if (c->domain)
				domain = strdup(c->domain[0] == '.' ? c->domain : "");
			else if ((rc = har_widget_domain(&domain, w->page_url, w->version)) < 0)
				return rc;
			if (!domain)
				return error_oom();
			rc = known_set(w, c->name, c->value, domain, c->secure == 1);
			free(domain);
			continue;
		}
		if (!said)
			harw_comment(w, "the widget wrote these on this page with document.cookie (a capture never shows such "
				   "writes; log.entries[%zu] was the first request to send them)",
				e->index);
		said = true;
		char *domain = NULL;
		if (c->domain)
			domain = strdup(c->domain[0] == '.' ? c->domain : "");
		else if ((rc = har_widget_domain(&domain, w->page_url, w->version)) < 0)
			return rc;
		if (!domain)
			return error_oom();
		put_write(w, c->name, c->value, domain, c->path, c->secure == 1, c->same_site ? c->same_site
										       : widget_same_site(w));
		rc = known_set(w, c->name, c->value, domain, c->secure == 1);
		free(domain);
	}
	return rc;
}

/*
 * The restore cookies (session, keys) a navigation's request carried, as
 * expectations: the customer's browser sent them, so bsim's must hold them.
 * Checked on the page the request left from (before = true), where that
 * page sees them, since that is when the browser sent them; the rest on the
 * new page (before = false), `done` remembering which were checked.
 */
static void expect_carried(writer *w, const har_entry *e, bool before, bool *done)
{
	bool any = false;
	for (size_t i = 0; i < e->n_req_cookies && i < HAR_MAX_COOKIES; i++) {
		const har_cookie *c = &e->req_cookies[i];
		if (done[i] || !har_is_widget_cookie(c->name) || !restore_needs(c->name))
			continue;
		if (before) {
			widget_cookie *k = known_get(w, c->name);
			if (!k || !w->page_url || !domain_covers(k->domain, k->page, w->page_url) ||
			    (k->secure && strncasecmp(w->page_url, "http:", 5) == 0))
				continue;
		}
		if (!any)
			harw_comment(w, "derived: the customer's browser sent these widget cookies with log.entries[%zu]%s",
				e->index, before ? " (checked as it leaves this page)" : "");
		any = true;
		done[i] = true;
		put_expect_pair(w, c->name, c->value, c->domain);
	}
}

static bool request_carries(const har_entry *e, const char *name)
{
	for (size_t i = 0; i < e->n_req_cookies; i++)
		if (strcmp(e->req_cookies[i].name, name) == 0)
			return true;
	const char *hdr = har_header_get(e->req_headers, e->n_req_headers, "cookie");
	size_t n = strlen(name);
	for (const char *p = hdr; p && (p = strstr(p, name)); p += n)
		if ((p == hdr || p[-1] == ' ' || p[-1] == ';') && p[n] == '=')
			return true;
	return false;
}

/*
 * A later navigation to a host the widget's cookies cover went without
 * them: expect them anyway, so bsim fails and says why the browser lost
 * them (refused, evicted, ended with the session ...).
 */
static void expect_lost(writer *w, const har_entry *e)
{
	/*
	 * A request that never went out (served from the cache, or no response:
	 * Chrome then shows "provisional" headers without Cookie) proves nothing.
	 */
	if (e->from_cache || e->status == 0)
		return;
	for (size_t i = 0; i < w->n_known; i++) {
		widget_cookie *k = &w->known[i];
		if (k->lost || !restore_needs(k->name) || request_carries(e, k->name) ||
		    !domain_covers(k->domain, k->page, e->url))
			continue;
		if (k->secure && strncasecmp(e->url, "http:", 5) == 0) {
			/* RFC 6265bis §5.8.3: a Secure cookie is withheld from http by design, not lost. */
			harw_comment(w, "%s is Secure: log.entries[%zu] on http went without it by design (not expected here)",
				k->name, e->index);
			k->lost = true;
			continue;
		}
		harw_comment(w,
			"derived: log.entries[%zu] went without %s although its Domain (%s) covers this host; "
			"the chat could not restore here. Expected anyway, so that bsim says why the browser lost it.",
			e->index, k->name, *k->domain ? k->domain : "host-only");
		put_expect_pair(w, k->name, k->value, NULL);
		k->lost = true;
	}
}

/* ---- pages ---- */

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
			if (har_is_widget_cookie(e->req_cookies[j].name) && restore_needs(e->req_cookies[j].name))
				*carried = true;
		const char *hdr = har_header_get(e->req_headers, e->n_req_headers, "cookie");
		if (hdr && strstr(hdr, "webchat.state.session="))
			*carried = true;
	}
	*next = i;
	if (i < h->n_entries) {
		const har_entry *n = &h->entries[i];
		for (size_t j = 0; j < n->n_req_cookies; j++)
			if (restore_needs(n->req_cookies[j].name))
				*carried = true;
	}
	return chat;
}

/*
 * A chat ran on the page but no request ever carried its cookies: the
 * browser refused them (the github.io case). Write what the widget writes
 * when a chat starts, with the Domain it derives, and expect them back.
 */
static int reproduce_refused_chat(writer *w, const har_entry *chat)
{
	char *domain = NULL;
	int rc = har_widget_domain(&domain, w->page_url, w->version);
	if (rc < 0)
		return rc;
	harw_comment(w,
		"derived: a chat ran on this page (log.entries[%zu]) but %s. These are the writes the widget %s "
		"makes when a chat starts, with the Domain it derives (%s), placeholder values.",
		chat->index,
		w->sanitized_skip ? "the capture holds no cookie data to show what became of its cookies"
				  : "none of its requests, nor the next navigation, carried the widget's session cookie",
		w->version, *domain ? domain : "host-only");
	for (size_t i = 0; i < sizeof started_chat_cookies / sizeof *started_chat_cookies; i++)
		put_write(w, started_chat_cookies[i].name, started_chat_cookies[i].value, domain, "/", false,
			  widget_same_site(w));
	harw_comment(w, "derived: the widget reads them back at its first poll; the customer's browser had none");
	for (size_t i = 0; i < sizeof started_chat_cookies / sizeof *started_chat_cookies && rc == 0; i++) {
		put_expect_pair(w, started_chat_cookies[i].name, started_chat_cookies[i].value, NULL);
		rc = known_set(w, started_chat_cookies[i].name, started_chat_cookies[i].value, domain, false);
	}
	/* Expected once here; a later navigation need not repeat it. */
	for (size_t i = 0; i < w->n_known; i++)
		w->known[i].lost = true;
	free(domain);
	return rc;
}

static int learn_set_cookies(writer *w, const har_entry *e)
{
	for (size_t i = 0; i < e->n_resp_headers; i++) {
		if (strcasecmp(e->resp_headers[i].name, "set-cookie") != 0)
			continue;
		const char *v = e->resp_headers[i].value;
		size_t pair = strcspn(v, ";\n");
		const char *eq = memchr(v, '=', pair);
		if (!eq)
			continue;
		char *name = strndup(v, (size_t)(eq - v)), *value = strndup(eq + 1, pair - (size_t)(eq - v) - 1);
		int rc = name && value ? 0 : error_oom();
		if (rc == 0 && har_is_widget_cookie(name)) {
			const char *d = har_find_ci(v, "domain=");
			char domain[256] = "";
			if (d)
				snprintf(domain, sizeof domain, "%s%.*s", d[7] == '.' ? "" : ".", (int)strcspn(d + 7, ";\n"),
					 d + 7);
			rc = known_set(w, name, value, domain, har_find_ci(v, "secure") != NULL);
		}
		free(name);
		free(value);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- the widget model ---- */

/* Whether the request carried the widget's session cookie (by name suffix: a deploymentID may prefix it). */
static bool carries_session(const har_entry *e)
{
	for (size_t j = 0; j < e->n_req_cookies; j++)
		if (har_is_widget_cookie(e->req_cookies[j].name) && restore_needs(e->req_cookies[j].name) &&
		    strstr(e->req_cookies[j].name, "session"))
			return true;
	const char *hdr = har_header_get(e->req_headers, e->n_req_headers, "cookie");
	return hdr && strstr(hdr, "webchat.state.session=");
}

/* The first entry of the page [nav, next) that shows the widget (its script or a chat request), or NULL. */
static const har_entry *page_widget(const har_log *h, size_t nav, size_t next)
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
static void put_deploy(writer *w)
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
	harw_comment(w, "derived: the capture shows the Genesys widget (%s): bsim's widget model runs on the pages, "
		   "version %s (%s)%s",
		w->sum->widget_why, w->sum->widget_version, w->sum->widget_version_why,
		secure ? "; cookie-secure because the capture lists a widget cookie as Secure" : "");
	if (secure)
		harw_comment(w, "log.entries[%zu] lists %s as Secure: the site's main.cookieOptions sets secure", secure->index,
			secure_name);
	buf_puts(&w->out, "  <deploy");
	if (w->deploy_version)
		buf_printf(&w->out, " version=\"%s\"", w->deploy_version);
	if (secure)
		buf_puts(&w->out, " cookie-secure=\"true\"");
	buf_puts(&w->out, "/>\n");
}

/*
 * A chat started at e: the customer started it on this page. The widget
 * model then writes its cookies itself (widget-behaviour.md I.1, I.13);
 * session and keys are remembered with the Domain it derives, for the
 * cookie-level expectations of later pages.
 */
static int put_chat_start(writer *w, const har_entry *e)
{
	harw_wait_until(w, e->started_ms);
	char *domain = NULL;
	int rc = har_widget_domain(&domain, w->page_url, w->version);
	if (rc < 0)
		return rc;
	harw_comment(w, "derived: log.entries[%zu] starts a chat: the customer started it here; the widget writes its "
		   "cookies (Domain %s) with document.cookie",
		e->index, *domain ? domain : "host-only");
	buf_printf(&w->out, "  <webchat tab=\"%s\" do=\"start\"/>\n", w->tab);
	w->sum->chat_starts++;
	w->chat_started = true;
	w->expect_restore = true;
	for (size_t i = 0; i < sizeof started_chat_cookies / sizeof *started_chat_cookies && rc == 0; i++)
		rc = known_set(w, started_chat_cookies[i].name, "", domain, false);
	free(domain);
	return rc;
}

/* The first page showing the widget after a chat started: the widget restores a running chat there. */
static void put_expect_restored(writer *w, const har_entry *nav, const har_entry *shown)
{
	harw_comment(w,
		"derived: a chat was running and this page loads the widget (log.entries[%zu]), which restores it; %s "
		"log.entries[%zu]",
		shown->index, w->sanitized_skip ? "the capture holds no cookie data to show what was sent with"
			      : carries_session(nav) ? "the customer's browser sent the session cookie with"
						     : "the customer's browser did not send the session cookie with",
		nav->index);
	buf_printf(&w->out, "  <expect tab=\"%s\" chat=\"restored\"/>\n", w->tab);
	w->sum->derived_expects++;
	w->expect_restore = false;
}

/* ---- the whole scenario ---- */

size_t har_count_set_cookie_lines(const har_entry *e, bool (*counts)(const char *line, size_t len))
{
	size_t n = 0;
	for (size_t i = 0; i < e->n_resp_headers; i++) {
		if (strcasecmp(e->resp_headers[i].name, "set-cookie") != 0)
			continue;
		for (const char *v = e->resp_headers[i].value; *v;) {
			size_t line = strcspn(v, "\n");
			n += counts(v, line);
			v += line + (v[line] == '\n');
		}
	}
	return n;
}

static bool not_blank(const char *line, size_t len)
{
	return strspn(line, " \t\r") < len;
}

static size_t set_cookie_lines(const har_entry *e)
{
	size_t n = har_count_set_cookie_lines(e, not_blank);
	return n ? n : e->n_resp_cookies;
}

/*
 * Every navigation must be a page bsim's browser can load, as the scenario
 * will write it (the query dropped when redacting), and within what a step
 * takes: refused here, with the JSON path, rather than in a scenario that
 * does not load.
 */
static int check_navigations(const writer *w, const char *name)
{
	if (w->o->closed_before) {
		bool found = false;
		for (size_t i = 0; i < w->h->n_entries && !found; i++)
			found = w->h->entries[i].navigation && w->h->entries[i].pageref &&
				strcmp(w->h->entries[i].pageref, w->o->closed_before) == 0;
		if (!found) {
			buf pages = BUF_INIT;
			for (size_t i = 0; i < w->h->n_entries; i++) {
				const har_entry *e = &w->h->entries[i];
				if (e->navigation && e->pageref && !strstr(buf_cstr(&pages), e->pageref))
					buf_printf(&pages, "%s%s", pages.len ? ", " : "", e->pageref);
			}
			int rc = buf_status(&pages) < 0
					 ? error_oom()
					 : ic_error(BSIM_EINVAL, name, 0, 0, NULL,
						    "closed before \"%.80s\": no navigation of the capture has that pageref "
						    "(its pages: %s)",
						    w->o->closed_before, pages.len ? buf_cstr(&pages) : "none named");
			buf_free(&pages);
			return rc;
		}
	}
	for (size_t i = 0; i < w->h->n_entries; i++) {
		const har_entry *e = &w->h->entries[i];
		if (!e->navigation)
			continue;
		char where[64];
		snprintf(where, sizeof where, "log.entries[%zu].request.url", e->index);
		buf b = BUF_INIT;
		harw_url(&b, w, e->url, false);
		if (buf_status(&b) < 0)
			return error_oom();
		url *u = NULL;
		int rc = url_parse(&u, buf_cstr(&b));
		url_free(u);
		if (rc == BSIM_ENOMEM) {
			buf_free(&b);
			return rc;
		}
		if (rc < 0) {
			char msg[400];
			snprintf(msg, sizeof msg, "%s", bsim_error_last()->message);
			rc = ic_error(BSIM_EINVAL, name, 0, 0, where,
				      "a top-level navigation to \"%.80s\", which is not a page bsim can load: %s", e->url, msg);
			buf_free(&b);
			return rc;
		}
		buf_free(&b);
		size_t n = set_cookie_lines(e);
		if (n > HAR_MAX_SET_COOKIE_REPLAYED) {
			snprintf(where, sizeof where, "log.entries[%zu].response.headers", e->index);
			return ic_error(BSIM_ELIMIT, name, 0, 0, where,
					"%zu Set-Cookie headers, more than the %d one scenario step replays", n,
					HAR_MAX_SET_COOKIE_REPLAYED);
		}
	}
	return 0;
}

static int write_scenario(writer *w, const char *name)
{
	const har_log *h = w->h;
	int rc = 0;
	size_t first = 0;
	while (first < h->n_entries && !h->entries[first].navigation)
		first++;
	w->start = w->t0 = h->entries[first].started_ms;
	for (size_t i = 0; i < h->n_entries; i++)
		w->sum->navigations += h->entries[i].navigation;
	harw_header(w, name);
	w->sum->navigations = 0;
	harw_scenario_open(w, name);
	harw_hosts(w);
	snprintf(w->tab, sizeof w->tab, "a");
	if (w->widget)
		put_deploy(w);

	for (size_t i = first; i < h->n_entries && rc == 0;) {
		const har_entry *nav = &h->entries[i];
		size_t next;
		bool carried;
		const har_entry *chat = page_chat(h, i, &next, &carried);

		/* The widget cookies the navigation carries but no step has given: written on the page before it. */
		if (w->tab_open && !w->sanitized_skip)
			rc = reproduce_script_writes(w, nav);
		if (rc < 0)
			break;
		if (w->o->closed_before && nav->pageref && !w->closed_done &&
		    strcmp(nav->pageref, w->o->closed_before) == 0) {
			harw_wait_until(w, nav->started_ms);
			harw_comment(w, "the customer closed the browser before %s (the closed-before option)", nav->pageref);
			buf_puts(&w->out, "  <close-browser/>\n");
			w->closed_done = true;
			w->tab_open = false;
			w->tab[0]++;
		}
		harw_wait_until(w, nav->started_ms);
		bool done[HAR_MAX_COOKIES] = {false};
		if (w->tab_open && !w->sanitized_skip)
			expect_carried(w, nav, true, done);
		if (nav->status >= 300 && nav->status < 400)
			harw_comment(w, "log.entries[%zu]: %d redirect", nav->index, nav->status);
		if ((rc = harw_navigation(w, nav)) < 0 || (rc = learn_set_cookies(w, nav)) < 0)
			break;
		const har_entry *shown = w->widget && w->expect_restore ? page_widget(h, i, next) : NULL;
		if (shown)
			put_expect_restored(w, nav, shown);
		if (!w->sanitized_skip) {
			/* Carried from before the capture began: the page's state at its first load. */
			rc = reproduce_script_writes(w, nav);
			if (rc < 0)
				break;
			expect_carried(w, nav, false, done);
			expect_lost(w, nav);
		}
		size_t skipped_set = 0;
		bool page_started = false;
		for (size_t j = i + 1; j < next && rc == 0; j++) {
			const har_entry *e = &h->entries[j];
			/*
			 * Without a recognisable start request (a transport bsim does not
			 * know the shape of), the first chat request of a page that did not
			 * restore one stands for it.
			 */
			if (w->widget && !page_started &&
			    (har_is_chat_start(e) ||
			     (!w->any_chat_start && har_is_chat_request(e) && !carries_session(nav) &&
			      !(w->sanitized_skip && w->chat_started)))) {
				page_started = true;
				if ((rc = put_chat_start(w, e)) < 0)
					break;
			}
			for (size_t k = 0; k < e->n_resp_headers; k++)
				skipped_set += strcasecmp(e->resp_headers[k].name, "set-cookie") == 0;
			if (w->sanitized_skip)
				continue;
			bool news = false;
			for (size_t k = 0; k < e->n_req_cookies && !news; k++) {
				const har_cookie *c = &e->req_cookies[k];
				widget_cookie *kn = known_get(w, c->name);
				news = har_is_widget_cookie(c->name) && (!kn || strcmp(kn->value, c->value) != 0);
			}
			if (news) {
				/* Once the model's chat runs these are only learnt: no step, so no wait for them. */
				if (!(w->widget && w->chat_started))
					harw_wait_until(w, e->started_ms);
				rc = reproduce_script_writes(w, e);
			}
		}
		if (rc < 0)
			break;
		if (skipped_set)
			harw_comment(w, "%zu Set-Cookie header%s of this page's subresources not replayed (a scenario replays "
				   "top-level navigations)",
				skipped_set, skipped_set == 1 ? "" : "s");
		/*
		 * Also in a sanitized capture: the writes are the widget's own, and they fail
		 * only where the browser refuses them, which is what such a capture cannot show.
		 */
		if (chat && !carried && !w->widget) {
			harw_wait_until(w, chat->started_ms);
			rc = reproduce_refused_chat(w, chat);
		}
		i = next;
	}
	buf_puts(&w->out, "</scenario>\n");
	if (rc == 0 && buf_status(&w->out) < 0)
		rc = error_oom();
	return rc;
}

int bsim_har_import_mem(char **xml, size_t *xml_len, bsim_har_summary *summary, const char *name, const char *data,
			size_t len, const bsim_har_options *opts)
{
	*xml = NULL;
	*xml_len = 0;
	bsim_har_options defaults = BSIM_HAR_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version != BSIM_HAR_OPTIONS_VERSION)
		return error_set(BSIM_EINVAL, "bsim_har_options version %u, this bsim knows %u", opts->version,
				 BSIM_HAR_OPTIONS_VERSION);
	bsim_har_summary local;
	bsim_har_summary *sum = summary ? summary : &local;
	memset(sum, 0, sizeof *sum);
	har_log *h = NULL;
	int rc = har_parse(&h, name, data, len);
	if (rc == 0 && (rc = har_request_cookies_from_headers(h, &sum->cookies_from_lists, &sum->cookies_from_headers)) < 0)
		har_log_free(h);
	if (rc < 0)
		return rc;
	writer w;
	memset(&w, 0, sizeof w);
	w.h = h;
	w.o = opts;
	w.sum = sum;
	w.out = (buf)BUF_INIT;
	w.version = opts->widget_version && strncmp(opts->widget_version, "8.", 2) == 0 ? "8.5" : "9";
	sum->entries = h->n_entries;
	sum->pages = h->n_pages;
	if (opts->engine >= 0 && opts->engine < BSIM_ENGINE_COUNT) {
		sum->engine = (bsim_engine)opts->engine;
		char why[160];
		har_guess_engine(h, why, sizeof why);
		snprintf(sum->engine_why, sizeof sum->engine_why, "%s", why);
	} else {
		sum->engine = har_guess_engine(h, sum->engine_why, sizeof sum->engine_why);
		sum->engine_guessed = 1;
	}
	sum->sanitized = har_looks_sanitized(h);
	w.sanitized_skip = sum->sanitized;
	if (sum->sanitized)
		har_sanitized_how(h, sum->sanitized_how, sizeof sum->sanitized_how);
	if (opts->widget && har_widget_seen(h, sum->widget_why, sizeof sum->widget_why)) {
		w.widget = true;
		sum->widget_model = 1;
		if (opts->widget_version) {
			/* The option names a build: 8.x is 8.5's behaviour, 9.0.005 has its own preset, other 9.x the default. */
			w.deploy_version = strncmp(opts->widget_version, "8.", 2) == 0		  ? "8.5"
					   : strncmp(opts->widget_version, "9.0.005", 7) == 0 ? "9.0.005.00"
											      : NULL;
			snprintf(sum->widget_version_why, sizeof sum->widget_version_why, "the widget-version option");
		} else {
			w.deploy_version =
				har_guess_widget_version(h, sum->widget_version_why, sizeof sum->widget_version_why);
		}
		if (w.deploy_version && strncmp(w.deploy_version, "8.", 2) == 0)
			w.version = "8.5";
		snprintf(sum->widget_version, sizeof sum->widget_version, "%s",
			 w.deploy_version ? w.deploy_version : widget_version_default()->name);
		for (size_t i = 0; i < h->n_entries && !w.any_chat_start; i++)
			w.any_chat_start = har_is_chat_start(&h->entries[i]);
	}
	size_t navs = 0;
	for (size_t i = 0; i < h->n_entries; i++)
		navs += h->entries[i].navigation;
	if (!navs) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, "log.entries",
			      "no top-level navigation among %zu entries (no document request): record the capture with "
			      "the network panel open before the page loads, then Save all as HAR",
			      h->n_entries);
		goto out;
	}
	if ((rc = check_navigations(&w, name)) < 0 || (rc = write_scenario(&w, name)) < 0)
		goto out;
	*xml_len = w.out.len;
	*xml = buf_detach(&w.out);
	if (!*xml)
		rc = error_oom();
out:
	for (size_t i = 0; i < w.n_known; i++) {
		free(w.known[i].name);
		free(w.known[i].value);
		free(w.known[i].domain);
		free(w.known[i].page);
	}
	buf_free(&w.out);
	har_log_free(h);
	return rc;
}

int bsim_har_import_file(char **xml, size_t *xml_len, bsim_har_summary *summary, const char *path,
			 const bsim_har_options *opts)
{
	*xml = NULL;
	*xml_len = 0;
	char *data = NULL;
	size_t len = 0;
	int rc = ic_read_file(path, HAR_MAX_FILE_BYTES, "HAR_MAX_FILE_BYTES", &data, &len);
	if (rc < 0)
		return rc;
	rc = bsim_har_import_mem(xml, xml_len, summary, path, data, len, opts);
	free(data);
	return rc;
}
