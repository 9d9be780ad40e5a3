/*
 * har_write.c: the text of a scenario imported from a HAR capture
 * (har_writer.h): XML escaping, comments, URLs as redaction leaves them,
 * durations and waits on the virtual clock, Set-Cookie headers replayed
 * as captured (values redacted; an Expires date moved back only by what
 * the max-gap option cut before it), and the header comment, the
 * <scenario> element (its now= the capture's first navigation), the hosts
 * file and each navigation step.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bsim/browser.h"
#include "cookie/date.h"
#include "interchange/har_writer.h"
#include "util/timefmt.h"
#include "util/utf8.h"

/* ---- text ---- */

void harw_escaped_n(buf *b, const char *s, size_t n, bool attribute)
{
	for (size_t i = 0; i < n;) {
		char c = s[i];
		size_t len = utf8_sequence_len((const unsigned char *)s + i, n - i);
		if (len > 1) {
			buf_put(b, s + i, len);
			i += len;
			continue;
		}
		i++;
		switch (c) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, attribute ? "&quot;" : "\""); break;
		/* An attribute's white space would be normalized away on reading; text keeps tabs and newlines, not CR. */
		case '\t': buf_puts(b, attribute ? "&#9;" : "\t"); break;
		case '\n': buf_puts(b, attribute ? "&#10;" : "\n"); break;
		case '\r': buf_puts(b, "&#13;"); break;
		default:
			/* XML 1.0 cannot hold the other C0 controls (no browser header carries them), nor broken UTF-8. */
			buf_putc(b, len == 1 && (unsigned char)c >= 0x20 ? c : '?');
		}
	}
}

void harw_escaped(buf *b, const char *s, bool attribute)
{
	harw_escaped_n(b, s, strlen(s), attribute);
}

/* Text inside <!-- -->: "--" may not appear there; a lone '-' may not end it. */
void harw_comment_text(buf *b, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t len = utf8_sequence_len((const unsigned char *)s + i, n - i);
		if (s[i] == '-' && (s[i + 1] == '-' || s[i + 1] == '\0'))
			buf_puts(b, "- ");
		else if (len > 1)
			buf_put(b, s + i, len);
		else if (len == 1 && ((unsigned char)s[i] >= 0x20 || s[i] == '\n'))
			buf_putc(b, s[i]);
		else
			buf_putc(b, '?');
		i += len ? len : 1;
	}
}

void harw_comment(writer *w, const char *fmt, ...) BSIM_PRINTF(2, 3);

void harw_comment(writer *w, const char *fmt, ...)
{
	char text[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	buf_puts(&w->out, "  <!-- ");
	harw_comment_text(&w->out, text);
	buf_puts(&w->out, " -->\n");
}

/* A URL as the scenario writes it: with --redact, the query and fragment go (they carry tokens; cookies ignore them). */
void harw_url(buf *b, const writer *w, const char *url, bool attribute)
{
	/* HAR URLs have no fragment (ecosystem.md); a stray one would not be sent either. */
	harw_escaped_n(b, url, strcspn(url, w->o->redact ? "?#" : "#"), attribute);
}

/* "2s", "1500ms": the shortest form the scenario language reads exactly. */
void harw_duration(buf *b, int64_t ms)
{
	if (ms % 1000)
		buf_printf(b, "%lldms", (long long)ms);
	else
		buf_printf(b, "%llds", (long long)(ms / 1000));
}

/* ---- the clock ---- */

/* Wait until the capture's instant `at` (never backwards; capped by max_gap). */
void harw_wait_until(writer *w, int64_t at)
{
	int64_t gap = at - w->t0 - w->vt;
	if (gap <= 0)
		return;
	int64_t waited = gap;
	if (w->o->max_gap_ms >= 0 && gap > w->o->max_gap_ms)
		waited = w->o->max_gap_ms;
	buf_puts(&w->out, "  <wait for=\"");
	harw_duration(&w->out, waited);
	buf_puts(&w->out, "\"/>");
	if (waited != gap) {
		buf_puts(&w->out, " <!-- captured: ");
		harw_duration(&w->out, gap);
		buf_puts(&w->out, ", cut by the max-gap option -->");
	}
	buf_putc(&w->out, '\n');
	/* Later instants keep their captured spacing: the time cut off is cut from the whole rest. */
	w->t0 += gap - waited;
	w->vt += waited;
}

/* ---- Set-Cookie headers ---- */

/* The capture's time the max-gap option has cut so far: the scenario's clock is that far behind the capture's. */
static int64_t cut_so_far(const writer *w)
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
 * A Set-Cookie value as the scenario replays it: as captured, except that
 * with --redact a value outside the widget's cookies becomes as many 'x' as
 * it had bytes (size limits still reproduce), and that after a gap the
 * max-gap option cut, an Expires date moves back by the time cut, so the
 * cookie keeps the lifetime it had in the capture (the server wrote it on
 * the capture's clock, which the scenario's now runs behind).
 */
static void put_set_cookie(buf *b, const writer *w, const char *header)
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
			harw_escaped_n(b, header, nlen + 1, false);
			for (size_t i = nlen + 1; i < pair; i++)
				buf_putc(b, 'x');
			header += pair;
			goto attributes;
		}
	}
	harw_escaped_n(b, header, pair, false);
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
			harw_escaped_n(b, header - 1, alen + 1, false);
		}
		header += alen;
	}
}

/* A response cookies[] object as the Set-Cookie header it came from (for exporters that list no headers). */
static void put_cookie_object(buf *b, const writer *w, const har_cookie *c)
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

/* How many of the navigation's Set-Cookie lines carry an Expires date. */
static size_t expires_lines(const har_entry *e)
{
	return har_count_set_cookie_lines(e, has_expires_date);
}

int harw_navigation(writer *w, const har_entry *e)
{
	buf *b = &w->out;
	const bool opens = !w->tab_open;
	if (cut_so_far(w) > 0 && expires_lines(e)) {
		buf_puts(b, "  <!-- Expires dates below are moved back ");
		harw_duration(b, cut_so_far(w));
		buf_puts(b, " from the captured ones: the max-gap option cut that much before this step -->\n");
	}
	if (opens)
		buf_printf(b, "  <tab name=\"%s\" url=\"", w->tab);
	else
		buf_printf(b, "  <navigate tab=\"%s\" url=\"", w->tab);
	harw_url(b, w, e->url, true);
	buf_putc(b, '"');
	/* Set-Cookie headers, each line of a newline-joined one (some exporters join them) as its own. */
	size_t n_set = 0;
	for (size_t i = 0; i < e->n_resp_headers; i++)
		if (strcasecmp(e->resp_headers[i].name, "set-cookie") == 0)
			n_set++;
	size_t n_children = n_set ? n_set : e->n_resp_cookies;
	if (!n_children) {
		buf_puts(b, "/>\n");
	} else {
		buf_puts(b, ">\n");
		if (n_set) {
			for (size_t i = 0; i < e->n_resp_headers; i++) {
				if (strcasecmp(e->resp_headers[i].name, "set-cookie") != 0)
					continue;
				const char *v = e->resp_headers[i].value;
				while (*v) {
					size_t line = strcspn(v, "\n");
					char *one = strndup(v, line);
					if (!one)
						return error_oom();
					if (one[strspn(one, " \t\r")]) {
						buf_puts(b, "    <set-cookie>");
						put_set_cookie(b, w, one);
						buf_puts(b, "</set-cookie>\n");
					}
					free(one);
					v += line + (v[line] == '\n');
				}
			}
		} else {
			for (size_t i = 0; i < e->n_resp_cookies; i++) {
				buf_puts(b, "    <set-cookie>");
				put_cookie_object(b, w, &e->resp_cookies[i]);
				buf_puts(b, "</set-cookie>\n");
			}
		}
		buf_printf(b, "  </%s>\n", opens ? "tab" : "navigate");
	}
	w->tab_open = true;
	w->page_url = e->url;
	w->sum->navigations++;
	return 0;
}

/* Server-set widget cookies become known too, so a later request carrying them is not taken for a script write. */
/* ---- the whole scenario ---- */

void harw_header(writer *w, const char *name)
{
	const har_log *h = w->h;
	buf *b = &w->out;
	char start[40];
	time_format_iso8601(w->start, start, sizeof start);
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- ");
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
		harw_duration(&c, w->o->max_gap_ms);
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
	if (buf_status(&c) == 0)
		harw_comment_text(b, buf_cstr(&c));
	buf_free(&c);
	buf_puts(b, " -->\n");
}

void harw_scenario_open(writer *w, const char *name)
{
	buf *b = &w->out;
	const har_log *h = w->h;
	const char *title = NULL;
	for (size_t i = 0; i < h->n_pages && !title; i++)
		if (h->pages[i].title && *h->pages[i].title)
			title = h->pages[i].title;
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	buf_puts(b, "<scenario name=\"");
	buf n = BUF_INIT;
	if (w->o->name)
		buf_puts(&n, w->o->name);
	else
		buf_printf(&n, "imported from %s%s%.80s", base, title ? ": " : "", title ? title : "");
	if (buf_status(&n) == 0)
		harw_escaped(b, buf_cstr(&n), true);
	buf_free(&n);
	char now[40];
	time_format_iso8601(w->start, now, sizeof now);
	buf_printf(b, "\" engine=\"%s\" now=\"%s\"", bsim_engine_name(w->sum->engine), now);
	if (w->o->expect_failure) {
		buf_puts(b, " expect-failure=\"");
		harw_escaped(b, w->o->expect_failure, true);
		buf_putc(b, '"');
	}
	if (w->o->session_restore)
		buf_puts(b, " session-restore=\"true\"");
	buf_puts(b, " tags=\"imported-har\">\n");
}

/* Host names of the navigations, each once, in order of first appearance (IP literals and localhost resolve by themselves). */
void harw_hosts(writer *w)
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
	if (names.len)
		buf_printf(&w->out, "  <hosts>127.0.0.1 %s</hosts>\n", buf_cstr(&names));
	buf_free(&names);
}

/* Set-Cookie lines a navigation's response replays (blank ones are dropped). */
