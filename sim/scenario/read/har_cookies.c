/*
 * har_cookies.c: the widget's cookies in an imported capture
 * (har_import.h). A capture never shows the widget's document.cookie
 * writes, only the Cookie headers that later carried them: each is
 * reproduced as a script write on the page before, with the Domain the
 * capture lists or else the one the widget derives, so that a browser's
 * refusal reproduces. Expectations are derived from what the customer's
 * browser sent (the restore cookies it carried, or went without although
 * their Domain covered the host), each marked "derived" in a comment so a
 * reader can tell the capture's facts from bsim's inferences.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario/read/har_import.h"
#include "scenario/write/xml.h"
#include "util/error.h"

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

bool har_is_widget_cookie(const char *name)
{
	/* widget-behaviour.md B.7: main.deploymentID prefixes every name as "<id>._genesys.widgets.". */
	const char *p = strstr(name, "_genesys.widgets.");
	return p && (p == name || p[-1] == '.');
}

/* The cookies whose absence loses the chat (widget-behaviour.md D.23): the ones a "lost" expectation checks. */
bool har_restore_needs(const char *name)
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

widget_cookie *har_known_get(har_import *w, const char *name)
{
	for (size_t i = 0; i < w->n_known; i++)
		if (strcmp(w->known[i].name, name) == 0)
			return &w->known[i];
	return NULL;
}

int har_known_set(har_import *w, const char *name, const char *value, const char *domain, bool secure)
{
	const char *page = w->page_url ? w->page_url : "";
	widget_cookie *k = har_known_get(w, name);
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

static void put_write(har_import *w, const char *name, const char *value, const char *domain, const char *path,
		      bool secure, const char *same_site)
{
	buf *b = &w->out;
	buf c = BUF_INIT;
	buf_printf(&c, "%s=%s", name, value);
	if (*domain)
		buf_printf(&c, "; Domain=%s", domain);
	buf_printf(&c, "; Path=%s", path ? path : "/");
	if (same_site && *same_site)
		buf_printf(&c, "; SameSite=%s", same_site);
	if (secure)
		buf_puts(&c, "; Secure");
	if (buf_status(&c) < 0)
		b->failed = true;
	scenario_xml_open(b, 1, "cookie");
	scenario_xml_attr(b, "tab", w->tab);
	scenario_xml_attr(b, "write", buf_cstr(&c));
	scenario_xml_end(b, false);
	buf_free(&c);
	w->sum->widget_writes++;
}

/*
 * The page should see name=value. With the widget model, which writes its
 * own values (seeded ids), the jar should hold the cookie instead, with the
 * Domain the capture lists when it lists one (Chrome's cookies[]): the
 * widget model then stored it where the customer's browser did.
 */
static void put_expect_pair(har_import *w, const char *name, const char *value, const char *domain)
{
	buf *b = &w->out;
	scenario_xml_open(b, 1, "expect");
	if (w->widget) {
		scenario_xml_attr(b, "cookie", name);
		/* Only a Domain that names a host ("." or ".." from an edited capture names none). */
		const char *host = domain ? domain + (domain[0] == '.') : NULL;
		if (host && *host && *host != '.')
			scenario_xml_attr(b, "domain", domain);
	} else {
		buf pair = BUF_INIT;
		buf_printf(&pair, "%s=%s", name, value);
		if (buf_status(&pair) < 0)
			b->failed = true;
		scenario_xml_attr(b, "tab", w->tab);
		scenario_xml_attr(b, "document-cookie-contains", buf_cstr(&pair));
		buf_free(&pair);
	}
	scenario_xml_end(b, false);
	w->sum->derived_expects++;
}

/*
 * SameSite as js-cookie writes it for the widget (widget-behaviour.md I.1):
 * the release's own (widgets/version.c: 9.x "strict", 8.5 none), spelt as
 * a capture's cookies[] spell it.
 */
static const char *widget_same_site(const har_import *w)
{
	static const char *const spelt[] = {"Strict", "Lax", "None"};
	const char *same_site = w->cookie_version->samesite;
	for (size_t i = 0; same_site && i < sizeof spelt / sizeof *spelt; i++)
		if (strcasecmp(same_site, spelt[i]) == 0)
			return spelt[i];
	return same_site;
}

/* Where a request's widget cookie lives: the Domain the capture lists (Chrome's cookies[] have it),
 * else the one the widget derives. */
static int carried_domain(const har_import *w, const har_cookie *c, char **domain)
{
	*domain = NULL;
	if (!c->domain)
		return har_widget_domain(domain, w->page_url, w->cookie_version);
	*domain = strdup(c->domain[0] == '.' ? c->domain : "");
	return *domain ? 0 : error_oom();
}

/*
 * The widget cookies a request carried that no earlier step gives the
 * browser: the widget wrote them on the current page with document.cookie.
 * Reproduce each as a script write, with the Domain the capture lists or
 * else the one the widget derives.
 */
int har_reproduce_script_writes(har_import *w, const har_entry *e)
{
	int rc = 0;
	bool said = false;
	for (size_t i = 0; i < e->n_req_cookies && rc == 0; i++) {
		const har_cookie *c = &e->req_cookies[i];
		if (!har_is_widget_cookie(c->name))
			continue;
		widget_cookie *k = har_known_get(w, c->name);
		if (k && strcmp(k->value, c->value) == 0)
			continue;
		char *domain;
		if ((rc = carried_domain(w, c, &domain)) < 0)
			return rc;
		/*
		 * Once the widget model runs a chat, it writes these itself: only learn
		 * where they live. Before that (a chat from before the capture began),
		 * the model has nothing to restore from, so the writes are replayed.
		 */
		if (!(w->widget && w->chat_started)) {
			if (!said)
				scenario_xml_comment(&w->out,
						     "the widget wrote these on this page with document.cookie (a capture never "
						     "shows such writes; log.entries[%zu] was the first request to send them)",
						     e->index);
			said = true;
			put_write(w, c->name, c->value, domain, c->path, c->secure == 1,
				  c->same_site ? c->same_site : widget_same_site(w));
		}
		rc = har_known_set(w, c->name, c->value, domain, c->secure == 1);
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
void har_expect_carried(har_import *w, const har_entry *e, bool before, bool *done)
{
	bool any = false;
	for (size_t i = 0; i < e->n_req_cookies && i < HAR_MAX_COOKIES; i++) {
		const har_cookie *c = &e->req_cookies[i];
		if (done[i] || !har_is_widget_cookie(c->name) || !har_restore_needs(c->name))
			continue;
		if (before) {
			widget_cookie *k = har_known_get(w, c->name);
			if (!k || !w->page_url || !domain_covers(k->domain, k->page, w->page_url) ||
			    (k->secure && strncasecmp(w->page_url, "http:", 5) == 0))
				continue;
		}
		if (!any)
			scenario_xml_comment(&w->out, "derived: the customer's browser sent these widget cookies with log.entries[%zu]%s",
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
void har_expect_lost(har_import *w, const har_entry *e)
{
	/*
	 * A request that never went out (served from the cache, or no response:
	 * Chrome then shows "provisional" headers without Cookie) proves nothing.
	 */
	if (e->from_cache || e->status == 0)
		return;
	for (size_t i = 0; i < w->n_known; i++) {
		widget_cookie *k = &w->known[i];
		if (k->lost || !har_restore_needs(k->name) || request_carries(e, k->name) ||
		    !domain_covers(k->domain, k->page, e->url))
			continue;
		if (k->secure && strncasecmp(e->url, "http:", 5) == 0) {
			/* RFC 6265bis §5.8.3: a Secure cookie is withheld from http by design, not lost. */
			scenario_xml_comment(&w->out, "%s is Secure: log.entries[%zu] on http went without it by design (not expected here)",
				k->name, e->index);
			k->lost = true;
			continue;
		}
		scenario_xml_comment(&w->out,
			"derived: log.entries[%zu] went without %s although its Domain (%s) covers this host; "
			"the chat could not restore here. Expected anyway, so that bsim says why the browser lost it.",
			e->index, k->name, *k->domain ? k->domain : "host-only");
		put_expect_pair(w, k->name, k->value, NULL);
		k->lost = true;
	}
}

/*
 * A chat ran on the page but no request ever carried its cookies: the
 * browser refused them (the github.io case). Write what the widget writes
 * when a chat starts, with the Domain it derives, and expect them back.
 */
int har_reproduce_refused_chat(har_import *w, const har_entry *chat)
{
	char *domain = NULL;
	int rc = har_widget_domain(&domain, w->page_url, w->cookie_version);
	if (rc < 0)
		return rc;
	scenario_xml_comment(&w->out,
		"derived: a chat ran on this page (log.entries[%zu]) but %s. These are the writes the widget %s "
		"makes when a chat starts, with the Domain it derives (%s), placeholder values.",
		chat->index,
		w->sanitized_skip ? "the capture holds no cookie data to show what became of its cookies"
				  : "none of its requests, nor the next navigation, carried the widget's session cookie",
		w->version, *domain ? domain : "host-only");
	for (size_t i = 0; i < sizeof started_chat_cookies / sizeof *started_chat_cookies; i++)
		put_write(w, started_chat_cookies[i].name, started_chat_cookies[i].value, domain, "/", false,
			  widget_same_site(w));
	scenario_xml_comment(&w->out, "derived: the widget reads them back at its first poll; the customer's browser had none");
	for (size_t i = 0; i < sizeof started_chat_cookies / sizeof *started_chat_cookies && rc == 0; i++) {
		put_expect_pair(w, started_chat_cookies[i].name, started_chat_cookies[i].value, NULL);
		rc = har_known_set(w, started_chat_cookies[i].name, started_chat_cookies[i].value, domain, false);
	}
	/* Expected once here; a later navigation need not repeat it. */
	for (size_t i = 0; i < w->n_known; i++)
		w->known[i].lost = true;
	free(domain);
	return rc;
}

int har_learn_set_cookies(har_import *w, const har_entry *e)
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
			rc = har_known_set(w, name, value, domain, har_find_ci(v, "secure") != NULL);
		}
		free(name);
		free(value);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int har_known_chat_start(har_import *w, const char *domain)
{
	int rc = 0;
	for (size_t i = 0; i < sizeof started_chat_cookies / sizeof *started_chat_cookies && rc == 0; i++)
		rc = har_known_set(w, started_chat_cookies[i].name, "", domain, false);
	return rc;
}

void har_known_free(har_import *w)
{
	for (size_t i = 0; i < w->n_known; i++) {
		free(w->known[i].name);
		free(w->known[i].value);
		free(w->known[i].domain);
		free(w->known[i].page);
	}
	w->n_known = 0;
}
