/*
 * har_widget.c: the Genesys widget's own cookie Domain derivation, as the
 * HAR import needs it to reproduce the widget's document.cookie writes
 * (which a capture never shows) with the Domain the widget would have
 * given them, so that a browser's refusal reproduces.
 *
 * This is a stand-in with one call site (har_widget_domain, used by
 * har_scenario.c): the widget model's widget_cookie_domain
 * (sim/widgets/domain.h, with the full second-level table) replaces it when
 * it lands. Until then it follows widget-behaviour.md section H (URI.js
 * domain(): last label plus one, three labels when the last two are in the
 * second-level table) with only the table rows field captures have needed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interchange/har.h"
#include "util/buf.h"

/*
 * Rows of URI.js's second-level-domain table (widget-behaviour.md H.4):
 * for a top-level label, the second-level labels under which the widget
 * keeps three labels. A subset; the widget model carries the whole table.
 */
static const struct {
	const char *tld;
	const char *second; /* " a b c " as in the table: spaces around every label */
} sld_rows[] = {
	{"uk", " ac co gov ltd me net nhs org plc police sch "},
	{"au", " asn com edu gov id net org "},
	{"jp", " ac ad co ed go gr lg ne or "},
	{"br", " com edu gov net org "},
	{"nz", " ac co geek gen govt net org school "},
};

static bool in_sld_table(const char *tld, size_t tld_len, const char *l2, size_t l2_len)
{
	for (size_t i = 0; i < sizeof sld_rows / sizeof *sld_rows; i++) {
		if (strlen(sld_rows[i].tld) != tld_len || strncmp(sld_rows[i].tld, tld, tld_len) != 0)
			continue;
		char want[72];
		if (l2_len > 64)
			return false;
		snprintf(want, sizeof want, " %.*s ", (int)l2_len, l2);
		return strstr(sld_rows[i].second, want) != NULL;
	}
	return false;
}

/* H.2: four groups of 1-3 digits. */
static bool is_ipv4(const char *h)
{
	int groups = 0;
	while (*h) {
		size_t d = strspn(h, "0123456789");
		if (d < 1 || d > 3)
			return false;
		groups++;
		h += d;
		if (*h == '.')
			h++;
		else if (*h)
			return false;
	}
	return groups == 4;
}

int har_widget_domain(char **out, const char *url, const char *version)
{
	*out = NULL;
	bool v85 = version && strncmp(version, "8.", 2) == 0;
	/* H.1: the host is after "//" and any "user@", up to "/"; ":port" and "[ ]" dropped. */
	const char *p = strstr(url, "//");
	char host[256] = "";
	if (p) {
		p += 2;
		size_t end = strcspn(p, "/?#");
		const char *at = memchr(p, '@', end);
		if (at) {
			end -= (size_t)(at + 1 - p);
			p = at + 1;
		}
		bool ipv6 = end && p[0] == '[';
		if (!ipv6) {
			const char *colon = memchr(p, ':', end);
			if (colon)
				end = (size_t)(colon - p);
		}
		if (ipv6 || end >= sizeof host)
			end = 0; /* H.2: IPv6 gives "" */
		for (size_t i = 0; i < end; i++)
			host[i] = (char)tolower((unsigned char)p[i]); /* location.href is lowercased */
		host[end] = '\0';
	}
	const char *result = host;
	char derived[256];
	if (!*host || is_ipv4(host)) {
		result = "";
	} else {
		size_t n = strlen(host), dots = 0;
		for (size_t i = 0; i < n; i++)
			dots += host[i] == '.';
		if (dots > 1) {
			/* H.4: tld = last label, or L2.tld when the table row names L2. */
			const char *last = strrchr(host, '.');
			const char *tld = last + 1;
			const char *l2 = last;
			while (l2 > host && l2[-1] != '.')
				l2--;
			const char *tld_start = tld;
			if (in_sld_table(tld, strlen(tld), l2, (size_t)(last - l2)))
				tld_start = l2;
			/* H.5: the label before tld_start, plus tld. */
			const char *label = tld_start > host ? tld_start - 1 : host;
			while (label > host && label[-1] != '.')
				label--;
			snprintf(derived, sizeof derived, "%s", label);
			result = derived;
		}
	}
	buf b = BUF_INIT;
	/* H.6 (9.x): a Domain only when the result has a dot; A.4 (8.5): always "." + result. */
	if (v85 || strchr(result, '.')) {
		buf_putc(&b, '.');
		buf_puts(&b, result);
	}
	if (buf_status(&b) < 0) {
		buf_free(&b);
		return error_oom();
	}
	*out = buf_detach(&b);
	return *out ? 0 : error_oom();
}
