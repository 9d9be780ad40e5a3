/*
 * har_text.c: the capture's own text in the imported scenario
 * (har_import.h): URLs as redaction leaves them, waits on the virtual
 * clock, Set-Cookie headers replayed as captured (values redacted; an
 * Expires date moved back only by what the max-gap option cut before it),
 * and the header comment, the <scenario> element (its now= the capture's
 * first navigation), the hosts file and each navigation step. The XML
 * itself is laid out by scenario/write/xml.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bsim/browser.h"
#include "cookie/date.h"
#include "scenario/read/har_import.h"
#include "scenario/write/xml.h"
#include "util/timefmt.h"

/* How much of a URL the scenario writes: with --redact, the query and fragment go (they carry tokens; cookies ignore them). */
size_t har_url_len(const har_import *w, const char *url)
{
	/* HAR URLs have no fragment (ecosystem.md); a stray one would not be sent either. */
	return strcspn(url, w->o->redact ? "?#" : "#");
}

/* ---- the clock ---- */

/* Wait until the capture's instant `at` (never backwards; capped by max_gap). */
void har_wait_until(har_import *w, int64_t at)
{
	int64_t gap = at - w->t0 - w->vt;
	if (gap <= 0)
		return;
	int64_t waited = gap;
	if (w->o->max_gap_ms >= 0 && gap > w->o->max_gap_ms)
		waited = w->o->max_gap_ms;
	buf note = BUF_INIT;
	if (waited != gap) {
		buf_puts(&note, "captured: ");
		scenario_xml_duration(&note, gap);
		buf_puts(&note, ", cut by the max-gap option");
	}
	if (buf_status(&note) < 0)
		w->out.failed = true;
	scenario_xml_wait(&w->out, waited, waited != gap ? buf_cstr(&note) : NULL);
	buf_free(&note);
	/* Later instants keep their captured spacing: the time cut off is cut from the whole rest. */
	w->t0 += gap - waited;
	w->vt += waited;
}

/* ---- Set-Cookie headers ---- */

/* The capture's time the max-gap option has cut so far: the scenario's clock is that far behind the capture's. */
static int64_t cut_so_far(const har_import *w)
{
	return w->t0 - w->start;
}

/* The date of an "Expires=..." attribute a (alen bytes, leading white space skipped), in seconds; false when it is none. */
static bool expires_date(const char *a, size_t alen, int64_t *when)
{
	return alen > 8 && strncasecmp(a, "expires=", 8) == 0 &&
	       cookie_date_parse(a + 8, alen - 8, COOKIE_DATE_RFC6265BIS, when);
}

/* Whether the Set-Cookie header line header[0..len) has an Expires date a cut would move. */
static bool has_expires_date(const char *header, size_t len)
{
	const char *end = header + len;
	for (const char *p = memchr(header, ';', len); p; p = memchr(p + 1, ';', (size_t)(end - p - 1))) {
		const char *a = p + 1;
		while (a < end && (*a == ' ' || *a == '\t'))
			a++;
		const char *semi = memchr(a, ';', (size_t)(end - a));
		int64_t when;
		if (expires_date(a, (size_t)((semi ? semi : end) - a), &when))
			return true;
	}
	return false;
}

/*
 * A Set-Cookie value as the scenario replays it (raw text, escaped when
 * written): as captured, except that
 * with --redact a value outside the widget's cookies becomes as many 'x' as
 * it had bytes (size limits still reproduce), and that after a gap the
 * max-gap option cut, an Expires date moves back by the time cut, so the
 * cookie keeps the lifetime it had in the capture (the server wrote it on
 * the capture's clock, which the scenario's now runs behind).
 */
static void put_set_cookie(buf *b, const har_import *w, const char *header)
{
	size_t pair = strcspn(header, ";");
	const char *eq = memchr(header, '=', pair);
	if (w->o->redact && eq) {
		char name[512];
		size_t nlen = (size_t)(eq - header);
		snprintf(name, sizeof name, "%.*s", (int)(nlen < sizeof name ? nlen : sizeof name - 1), header);
		/* Surrounding white space is not part of the name (RFC 6265bis §5.6 step 5). */
		char *nm = name + strspn(name, " \t");
		if (!har_is_widget_cookie(nm)) {
			buf_put(b, header, nlen + 1);
			for (size_t i = nlen + 1; i < pair; i++)
				buf_putc(b, 'x');
			header += pair;
			goto attributes;
		}
	}
	buf_put(b, header, pair);
	header += pair;
attributes:
	while (*header == ';') {
		header++;
		size_t alen = strcspn(header, ";");
		const char *a = header + strspn(header, " \t");
		int64_t when;
		if (cut_so_far(w) > 0 && expires_date(a, alen - (size_t)(a - header), &when)) {
			char date[40];
			time_format_imf(when - cut_so_far(w) / 1000, date, sizeof date);
			buf_printf(b, "; Expires=%s", date);
		} else {
			buf_put(b, header - 1, alen + 1);
		}
		header += alen;
	}
}

/* A response cookies[] object as the Set-Cookie header it came from (for exporters that list no headers). */
static void put_cookie_object(buf *b, const har_import *w, const har_cookie *c)
{
	buf h = BUF_INIT;
	buf_printf(&h, "%s=%s", c->name, c->value);
	if (c->domain)
		buf_printf(&h, "; Domain=%s", c->domain);
	if (c->path)
		buf_printf(&h, "; Path=%s", c->path);
	/*
	 * A persistent cookie's expiry. Chrome writes 1969-12-31T23:59:59.000Z
	 * for a session cookie: an instant before 1970 means none. A pause cut
	 * by --max-gap moves it back as it moves a header's Expires.
	 */
	int64_t ms;
	if (c->expires && time_parse_iso8601(c->expires, &ms) && ms >= 0) {
		char date[40];
		time_format_imf((ms - cut_so_far(w)) / 1000, date, sizeof date);
		buf_printf(&h, "; Expires=%s", date);
	}
	if (c->secure == 1)
		buf_puts(&h, "; Secure");
	if (c->http_only == 1)
		buf_puts(&h, "; HttpOnly");
	if (c->same_site)
		buf_printf(&h, "; SameSite=%s", c->same_site);
	if (buf_status(&h) == 0)
		put_set_cookie(b, w, buf_cstr(&h));
	buf_free(&h);
}

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

size_t har_set_cookie_lines(const har_entry *e)
{
	size_t n = har_count_set_cookie_lines(e, not_blank);
	return n ? n : e->n_resp_cookies;
}

/* How many of the navigation's Set-Cookie lines carry an Expires date. */
static size_t expires_lines(const har_entry *e)
{
	return har_count_set_cookie_lines(e, has_expires_date);
}

/* One <set-cookie> child holding the header line as replayed. */
static void put_set_cookie_child(har_import *w, const char *header)
{
	buf raw = BUF_INIT;
	put_set_cookie(&raw, w, header);
	if (buf_status(&raw) < 0)
		w->out.failed = true;
	scenario_xml_text_element(&w->out, 2, "set-cookie", buf_cstr(&raw));
	buf_free(&raw);
}

/* The navigation's Set-Cookie headers, each line of a newline-joined one (some exporters join them) as its own. */
static int put_set_cookie_children(har_import *w, const har_entry *e, size_t n_set)
{
	if (!n_set) {
		for (size_t i = 0; i < e->n_resp_cookies; i++) {
			buf raw = BUF_INIT;
			put_cookie_object(&raw, w, &e->resp_cookies[i]);
			if (buf_status(&raw) < 0)
				w->out.failed = true;
			scenario_xml_text_element(&w->out, 2, "set-cookie", buf_cstr(&raw));
			buf_free(&raw);
		}
		return 0;
	}
	for (size_t i = 0; i < e->n_resp_headers; i++) {
		if (strcasecmp(e->resp_headers[i].name, "set-cookie") != 0)
			continue;
		const char *v = e->resp_headers[i].value;
		while (*v) {
			size_t line = strcspn(v, "\n");
			char *one = strndup(v, line);
			if (!one)
				return error_oom();
			if (one[strspn(one, " \t\r")])
				put_set_cookie_child(w, one);
			free(one);
			v += line + (v[line] == '\n');
		}
	}
	return 0;
}

int har_put_navigation(har_import *w, const har_entry *e)
{
	buf *b = &w->out;
	const bool opens = !w->tab_open;
	const char *element = opens ? "tab" : "navigate";
	if (cut_so_far(w) > 0 && expires_lines(e)) {
		char cut[32];
		buf d = buf_on(cut, sizeof cut);
		scenario_xml_duration(&d, cut_so_far(w));
		scenario_xml_comment(b, "Expires dates below are moved back %s from the captured ones: the max-gap option cut "
				     "that much before this step", buf_cstr(&d));
		buf_free(&d);
	}
	scenario_xml_open(b, 1, element);
	scenario_xml_attr(b, opens ? "name" : "tab", w->tab);
	scenario_xml_attr_n(b, "url", e->url, har_url_len(w, e->url));
	size_t n_set = 0;
	for (size_t i = 0; i < e->n_resp_headers; i++)
		if (strcasecmp(e->resp_headers[i].name, "set-cookie") == 0)
			n_set++;
	size_t n_children = n_set ? n_set : e->n_resp_cookies;
	scenario_xml_end(b, n_children > 0);
	if (n_children) {
		int rc = put_set_cookie_children(w, e, n_set);
		if (rc < 0)
			return rc;
		scenario_xml_close(b, 1, element);
	}
	w->tab_open = true;
	w->page_url = e->url;
	w->sum->navigations++;
	return 0;
}

/* ---- the whole scenario ---- */

void har_put_header(har_import *w, const char *name)
{
	const har_log *h = w->h;
	buf *b = &w->out;
	char start[40];
	time_format_iso8601(w->start, start, sizeof start);
	buf c = BUF_INIT;
	buf_printf(&c, "Imported by bsim import-har from %s.\n", name);
	buf_printf(&c, "     Captured with %s%s%s", h->creator_name, h->creator_version ? " " : "",
		   h->creator_version ? h->creator_version : "");
	if (h->browser_name)
		buf_printf(&c, " (browser: %s%s%s)", h->browser_name, h->browser_version ? " " : "",
			   h->browser_version ? h->browser_version : "");
	buf_printf(&c, "; %zu pages, %zu entries, %zu top-level navigations.\n", h->n_pages, h->n_entries,
		   w->sum->navigations);
	buf_printf(&c, "     Engine: %s, %s %s.\n", bsim_engine_name(w->sum->engine),
		   w->sum->engine_guessed ? "guessed from" : "chosen with the engine option; the capture's guess came from", w->sum->engine_why);
	buf_printf(&c, "     Clock: the scenario starts at the capture's first navigation, %s (its now=,\n"
		       "     00:00:00 in reports); Set-Cookie headers are replayed as captured.",
		   start);
	if (w->o->max_gap_ms >= 0) {
		buf_puts(&c, "\n     Gaps longer than ");
		scenario_xml_duration(&c, w->o->max_gap_ms);
		buf_puts(&c, " are cut to it (the max-gap option); an Expires date after a cut moves back by\n"
			     "     the time cut before it, so the cookie keeps the lifetime it had in the capture.");
	}
	if (w->widget)
		buf_printf(&c,
			   "\n     Widget: bsim's widget model, deployed because %s; version %s (%s).\n"
			   "     It writes its own cookies through document.cookie, as on the customer's pages.\n",
			   w->sum->widget_why, w->sum->widget_version, w->sum->widget_version_why);
	else
		buf_printf(&c, "\n     Widget cookie writes use the Domain widget version %s derives%s.\n", w->version,
			   w->o->widget ? "" : " (the widget model is off: the no-widget option)");
	buf_puts(&c, w->o->redact ? "     Redacted: cookie values outside _genesys.widgets.* are replaced by as many x's;\n"
				    "     query strings are dropped.\n"
				  : "     Not redacted (the no-redact option): this file may hold the customer's secrets.\n");
	char how[300];
	if (w->sum->sanitized)
		har_sanitized_how(w->h, how, sizeof how);
	if (w->sum->sanitized)
		buf_printf(&c, "     WARNING: the capture holds no cookie data at all: %s\n"
			       "     (Chrome 130 and later drop Cookie, Authorization and Set-Cookie unless DevTools' setting\n"
			       "     \"Allow to generate HAR with sensitive data\" is on). Only the navigations, and the\n"
			       "     widget's own writes where a chat started, are replayed; ask for a capture with cookies.\n",
			   how);
	buf_puts(&c, "     Steps after a \"derived\" comment are bsim's inference, not the capture's record.");
	if (buf_status(&c) < 0)
		b->failed = true;
	scenario_xml_prolog(b, buf_cstr(&c));
	buf_free(&c);
}

void har_put_scenario_open(har_import *w, const char *name)
{
	buf *b = &w->out;
	const har_log *h = w->h;
	const char *title = NULL;
	for (size_t i = 0; i < h->n_pages && !title; i++)
		if (h->pages[i].title && *h->pages[i].title)
			title = h->pages[i].title;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	buf n = BUF_INIT;
	if (w->o->name)
		buf_puts(&n, w->o->name);
	else
		buf_printf(&n, "imported from %s%s%.80s", base, title ? ": " : "", title ? title : "");
	if (buf_status(&n) < 0)
		b->failed = true;
	char now[40];
	time_format_iso8601(w->start, now, sizeof now);
	scenario_xml_open(b, 0, "scenario");
	scenario_xml_attr(b, "name", buf_cstr(&n));
	buf_free(&n);
	scenario_xml_attr(b, "engine", bsim_engine_name(w->sum->engine));
	scenario_xml_attr(b, "now", now);
	if (w->o->expect_failure)
		scenario_xml_attr(b, "expect-failure", w->o->expect_failure);
	if (w->o->session_restore)
		scenario_xml_attr(b, "session-restore", "true");
	scenario_xml_attr(b, "tags", "imported-har");
	scenario_xml_end(b, true);
}

/* Host names of the navigations, each once, in order of first appearance (IP literals and localhost resolve by themselves). */
void har_put_hosts(har_import *w)
{
	buf names = BUF_INIT;
	for (size_t i = 0; i < w->h->n_entries; i++) {
		const har_entry *e = &w->h->entries[i];
		if (!e->navigation)
			continue;
		const char *p = strstr(e->url, "//");
		if (!p)
			continue;
		p += 2;
		size_t n = strcspn(p, "/?#");
		const char *at = memchr(p, '@', n);
		if (at) {
			n -= (size_t)(at + 1 - p);
			p = at + 1;
		}
		if (n && p[0] == '[')
			continue;
		const char *colon = memchr(p, ':', n);
		if (colon)
			n = (size_t)(colon - p);
		char host[256];
		if (!n || n >= sizeof host)
			continue;
		snprintf(host, sizeof host, "%.*s", (int)n, p);
		if (strcasecmp(host, "localhost") == 0 || strspn(host, "0123456789.") == n)
			continue;
		/* Only names a hosts file can hold. */
		if (strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != n)
			continue;
		char padded[260];
		snprintf(padded, sizeof padded, " %s ", host);
		buf probe = BUF_INIT;
		buf_printf(&probe, " %s ", buf_cstr(&names));
		bool seen = strstr(buf_cstr(&probe), padded) != NULL;
		buf_free(&probe);
		if (!seen)
			buf_printf(&names, "%s%s", names.len ? " " : "", host);
	}
	if (names.len) {
		buf line = BUF_INIT;
		buf_printf(&line, "127.0.0.1 %s", buf_cstr(&names));
		if (buf_status(&line) < 0)
			w->out.failed = true;
		scenario_xml_text_element(&w->out, 1, "hosts", buf_cstr(&line));
		buf_free(&line);
	}
	buf_free(&names);
}

