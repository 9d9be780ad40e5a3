/*
 * explain.c: the events a jar reports, each with one sentence a QA engineer
 * understands: the cookie, the URL, the attribute at fault, the rule and the
 * engine, e.g.
 *   cookie _genesys.widgets.webchat.state.session refused on https://foo.github.io/:
 *   Domain ".github.io" is a public suffix (RFC 6265bis §5.7 step 9; chromium)
 * Sentences are built only when an observer is set (jar_observed), so a jar nobody watches
 * pays nothing for them.
 */
#include <stdio.h>
#include <string.h>

#include "cookie/jar_internal.h"
#include "util/timefmt.h"

/* Names and values longer than this are shortened in sentences (never in the jar). */
#define EXPLAIN_TEXT_MAX 80

/* Writes s[0..len) with control and non-ASCII bytes as \xHH, shortened to EXPLAIN_TEXT_MAX. */
static void put_text(buf *b, const char *s, size_t len)
{
	size_t shown = len > EXPLAIN_TEXT_MAX ? EXPLAIN_TEXT_MAX : len;
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F || c >= 0x80)
			buf_printf(b, "\\x%02X", c);
		else
			buf_putc(b, (char)c);
	}
	if (shown < len)
		buf_printf(b, "... (%zu bytes)", len);
}

static void put_cookie_name(buf *b, const char *name, size_t name_len, const char *value, size_t value_len)
{
	if (name_len) {
		put_text(b, name, name_len);
		return;
	}
	buf_puts(b, "without a name (value \"");
	put_text(b, value, value_len);
	buf_puts(b, "\")");
}

static void put_rule(buf *b, const bsim_jar *jar, bsim_cookie_reason reason)
{
	buf_printf(b, " (%s; %s)", bsim_cookie_reason_rule(reason), jar->preset->name);
}

static void emit(bsim_jar *jar, int actor, bsim_cookie_event_kind kind, bsim_cookie_reason reason, const url *u,
		 const bsim_cookie_view *v)
{
	bsim_cookie_event ev;
	ev.kind = kind;
	ev.reason = reason;
	ev.message = buf_status(&jar->msg) < 0 ? "(out of memory while explaining)" : buf_cstr(&jar->msg);
	ev.url = u ? u->text : NULL;
	ev.cookie = v;
	ev.at = jar->now;
	if (jar->observer)
		jar->observer(&ev, jar->observer_data);
	if (jar->actor_observer)
		jar->actor_observer(&ev, actor, jar->actor_observer_data);
}

void cookie_view_of(bsim_cookie_view *v, const cookie *c)
{
	v->name = cookie_name(c);
	v->value = cookie_value(c);
	v->domain = cookie_domain(c);
	v->path = cookie_path(c);
	v->host_only = c->host_only;
	v->secure = c->secure;
	v->http_only = c->http_only;
	v->persistent = c->persistent;
	v->same_site = (bsim_samesite)c->same_site;
	v->priority = (bsim_priority)c->priority;
	v->partition_key = c->partition_key;
	v->expires = c->expires;
	v->creation = c->creation;
	v->last_access = c->last_access;
	v->creation_seq = c->seq;
}

/* A view of a refused cookie: its strings are copied into scratch, NUL-terminated. */
void cookie_view_of_parsed(bsim_cookie_view *v, const parsed_cookie *pc, buf *scratch)
{
	memset(v, 0, sizeof *v);
	buf_clear(scratch);
	buf_put(scratch, pc->name, pc->name_len);
	buf_putc(scratch, '\0');
	buf_put(scratch, pc->value, pc->value_len);
	buf_putc(scratch, '\0');
	buf_put(scratch, pc->has_domain ? pc->domain : "", pc->has_domain ? pc->domain_len : 0);
	buf_putc(scratch, '\0');
	buf_put(scratch, pc->has_path ? pc->path : "", pc->has_path ? pc->path_len : 0);
	if (buf_status(scratch) < 0) {
		v->name = v->value = v->domain = v->path = "";
		return;
	}
	const char *s = buf_cstr(scratch);
	v->name = s;
	v->value = s + pc->name_len + 1;
	v->domain = v->value + pc->value_len + 1;
	v->path = v->domain + (pc->has_domain ? pc->domain_len : 0) + 1;
	v->host_only = !pc->has_domain;
	v->secure = pc->secure;
	v->http_only = pc->http_only;
	v->persistent = pc->has_max_age || pc->has_expires;
	v->same_site = pc->same_site;
	v->priority = pc->priority;
}

static void put_domain_attr(buf *b, const parsed_cookie *pc)
{
	buf_puts(b, "Domain \".");
	put_text(b, pc->domain, pc->domain_len);
	buf_putc(b, '"');
}

static void refusal_detail(buf *b, const bsim_jar *jar, const url *u, const parsed_cookie *pc,
			   bsim_cookie_reason reason)
{
	const char *host = u->host[0] ? u->host : "(none)";
	switch (reason) {
	case BSIM_REASON_CONTROL_CHAR: {
		/* Name the byte: a NUL, CR or LF is a different bug from a stray tab. */
		const char *s = pc->name_len ? pc->name : pc->value;
		size_t n = pc->name_len ? pc->name_len + 1 + pc->value_len : pc->value_len;
		int found = -1;
		for (size_t i = 0; i < n && s && found < 0; i++) {
			unsigned char ch = (unsigned char)s[i];
			if (ch < 0x20 || ch == 0x7F)
				found = ch;
		}
		if (found < 0 && pc->has_path && memchr(pc->path, '\t', pc->path_len))
			buf_printf(b, "its Path contains a tab, which %s refuses", jar->preset->name);
		else if (found == '\t')
			buf_printf(b, "it contains a tab inside its name, value or an attribute, which %s refuses",
				   jar->preset->name);
		else if (found >= 0)
			buf_printf(b, "it contains the control character 0x%02X", (unsigned)found);
		else
			buf_puts(b, "it contains a control character");
		break;
	}
	case BSIM_REASON_EMPTY:
		buf_puts(b, "its name and value are both empty");
		break;
	case BSIM_REASON_EMPTY_NAME:
		buf_printf(b, "its name is empty (it starts with '='), which %s refuses", jar->preset->name);
		break;
	case BSIM_REASON_TOO_LARGE:
		buf_printf(b, "its name and value are %zu bytes together, over the limit of %d",
			   pc->name_len + pc->value_len, COOKIE_MAX_NAME_VALUE);
		break;
	case BSIM_REASON_HIDDEN_PREFIX:
		buf_puts(b, "a cookie without a name may not have a value that starts like a __Secure- or __Host- name");
		break;
	case BSIM_REASON_SCHEME:
		buf_printf(b, "a %s: page cannot use cookies in %s; serve the page over http(s) with a host name",
			   url_scheme_name(u->scheme), jar->preset->name);
		break;
	case BSIM_REASON_PUBLIC_SUFFIX:
		put_domain_attr(b, pc);
		if (strcmp(u->host, "localhost") == 0 || (u->kind == HOST_KIND_LOCALHOST_SUB))
			buf_puts(b, " is a public suffix: browsers treat localhost like a top-level domain");
		else
			buf_puts(b, " is a public suffix");
		break;
	case BSIM_REASON_DOMAIN_MISMATCH:
		put_domain_attr(b, pc);
		buf_printf(b, " does not cover the host %s", host);
		break;
	case BSIM_REASON_IP_DOMAIN:
		put_domain_attr(b, pc);
		buf_printf(b, " on the IP address %s: an IP host only takes cookies without Domain, or with Domain equal to the address",
			   host);
		break;
	case BSIM_REASON_NO_REGISTRABLE:
		put_domain_attr(b, pc);
		if (u->kind == HOST_KIND_LOCALHOST && jar->preset->localhost_domain_refused)
			buf_printf(b, " on %s: %s refuses a Domain attribute on localhost", host, jar->preset->name);
		else
			buf_printf(b, " on %s: the host (%s) has no registrable domain, so Domain may only name the host itself",
				   host, host_kind_name(u->kind));
		break;
	case BSIM_REASON_NON_ASCII_DOMAIN:
		put_domain_attr(b, pc);
		buf_puts(b, " contains non-ASCII characters");
		break;
	case BSIM_REASON_TRAILING_DOT:
		put_domain_attr(b, pc);
		buf_printf(b, " lacks the trailing dot of the host %s, so it does not cover it", host);
		break;
	case BSIM_REASON_SECURE_FROM_INSECURE:
		buf_printf(b, "the Secure attribute needs a secure page, and %s is not one", u->text);
		break;
	case BSIM_REASON_OVERWRITE_SECURE:
		buf_puts(b, "a Secure cookie of the same name covers this domain and path, and an insecure page may not overwrite it");
		break;
	case BSIM_REASON_HTTPONLY_FROM_SCRIPT:
		buf_puts(b, "a page script cannot set an HttpOnly cookie");
		break;
	case BSIM_REASON_OVERWRITE_HTTPONLY:
		buf_puts(b, "a page script cannot overwrite the HttpOnly cookie of the same name, domain and path");
		break;
	case BSIM_REASON_SAMESITE_NONE_INSECURE:
		buf_puts(b, "SameSite=None requires the Secure attribute");
		break;
	case BSIM_REASON_SAMESITE_CROSS_SITE:
		buf_puts(b, "only SameSite=None cookies can be set from a cross-site context (an iframe or subresource of another site)");
		break;
	case BSIM_REASON_PREFIX_SECURE:
		buf_puts(b, "a __Secure- cookie needs the Secure attribute");
		break;
	case BSIM_REASON_PREFIX_HOST:
		buf_puts(b, "a __Host- cookie needs Secure, no Domain, and Path=/");
		break;
	case BSIM_REASON_PREFIX_HTTP:
		buf_puts(b, "a __Http- or __Host-Http- cookie needs Secure and HttpOnly, so only a server can set it");
		break;
	case BSIM_REASON_PARTITIONED_INSECURE:
		buf_puts(b, "a Partitioned cookie needs the Secure attribute");
		break;
	case BSIM_REASON_THIRD_PARTY_BLOCKED:
		buf_printf(b, "%s blocks cookies in third-party contexts", jar->preset->name);
		break;
	case BSIM_REASON_DOMAIN_LIMIT:
		buf_printf(b, "the site already holds %d cookies and none could be evicted for a non-Secure one",
			   jar->preset->domain_max);
		break;
	default:
		buf_puts(b, bsim_cookie_reason_code(reason));
		break;
	}
}

void explain_refused(bsim_jar *jar, int actor, const url *u, const parsed_cookie *pc, bsim_cookie_reason reason,
		     const char *detail)
{
	buf *b = &jar->msg;
	buf_clear(b);
	buf_puts(b, "cookie ");
	put_cookie_name(b, pc->name, pc->name_len, pc->value, pc->value_len);
	buf_printf(b, " refused on %s: ", u->text);
	refusal_detail(b, jar, u, pc, reason);
	if (detail)
		buf_printf(b, " (%s)", detail);
	put_rule(b, jar, reason);
	buf tmp = BUF_INIT;
	bsim_cookie_view v;
	cookie_view_of_parsed(&v, pc, &tmp);
	emit(jar, actor, BSIM_COOKIE_REFUSED, reason, u, &v);
	buf_free(&tmp);
}

static void put_scope(buf *b, const cookie *c)
{
	/* Appends, not printf: every stored cookie's sentence has one. */
	buf_puts(b, c->host_only ? " (host " : " (domain .");
	buf_puts(b, cookie_domain(c));
	buf_puts(b, ", path ");
	buf_puts(b, cookie_path(c));
	buf_putc(b, ')');
}

void explain_removed(bsim_jar *jar, int actor, const cookie *c, bsim_cookie_event_kind kind, bsim_cookie_reason reason,
		     const char *detail)
{
	buf *b = &jar->msg;
	char when[40];
	buf_clear(b);
	buf_puts(b, kind == BSIM_COOKIE_SESSION_ENDED ? "session cookie " : "cookie ");
	put_cookie_name(b, cookie_name(c), c->name_len, cookie_value(c), c->value_len);
	put_scope(b, c);
	switch (kind) {
	case BSIM_COOKIE_EXPIRED:
		time_format_iso8601(c->expires, when, sizeof when);
		buf_printf(b, " expired at %s", when);
		break;
	case BSIM_COOKIE_SESSION_ENDED:
		buf_puts(b, " dropped: the browser closed");
		break;
	case BSIM_COOKIE_EVICTED:
		if (reason == BSIM_REASON_DOMAIN_LIMIT)
			buf_printf(b, " evicted: its site went over %s's limit of %d cookies (purged to %d, least recently used first)",
				   jar->preset->name, jar->preset->domain_max, jar->preset->domain_purge_to);
		else
			buf_printf(b, " evicted: the jar went over %s's limit of %d cookies (purged to %d among cookies unused for %lld days)",
				   jar->preset->name, jar->preset->global_max, jar->preset->global_purge_to,
				   (long long)(jar->preset->global_safe_age_ms / 86400000));
		break;
	default:
		buf_puts(b, " removed");
		break;
	}
	if (detail)
		buf_printf(b, " (%s)", detail);
	put_rule(b, jar, reason);
	bsim_cookie_view v;
	cookie_view_of(&v, c);
	emit(jar, actor, kind, reason, NULL, &v);
}

void explain_stored(bsim_jar *jar, int actor, const url *u, const cookie *c, bsim_cookie_event_kind kind)
{
	buf *b = &jar->msg;
	char when[40];
	buf_clear(b);
	buf_puts(b, "cookie ");
	put_cookie_name(b, cookie_name(c), c->name_len, cookie_value(c), c->value_len);
	buf_puts(b, kind == BSIM_COOKIE_REPLACED ? " replaced" : " stored");
	put_scope(b, c);
	if (c->persistent) {
		time_format_iso8601(c->expires, when, sizeof when);
		buf_puts(b, " until ");
		buf_puts(b, when);
	} else {
		buf_puts(b, " for the session");
	}
	buf_puts(b, " from ");
	buf_puts(b, u->text);
	bsim_cookie_view v;
	cookie_view_of(&v, c);
	emit(jar, actor, kind, BSIM_REASON_NONE, u, &v);
}

void explain_unchanged(bsim_jar *jar, int actor, const url *u, const cookie *c)
{
	buf_clear(&jar->msg);
	buf_puts(&jar->msg, "cookie rewritten with the value and attributes it had: only its last-access time moved");
	bsim_cookie_view v;
	cookie_view_of(&v, c);
	emit(jar, actor, BSIM_COOKIE_UNCHANGED, BSIM_REASON_NONE, u, &v);
}

void explain_deleted_by_expired(bsim_jar *jar, int actor, const url *u, const parsed_cookie *pc, bool removed)
{
	buf *b = &jar->msg;
	buf_clear(b);
	buf_puts(b, "cookie ");
	put_cookie_name(b, pc->name, pc->name_len, pc->value, pc->value_len);
	buf_printf(b, " from %s arrived already expired: %s (RFC 6265bis §5.7 step 23; %s)", u->text,
		   removed ? "it deleted the stored cookie of the same name, domain and path"
			   : "nothing was stored", jar->preset->name);
	buf tmp = BUF_INIT;
	bsim_cookie_view v;
	cookie_view_of_parsed(&v, pc, &tmp);
	emit(jar, actor, BSIM_COOKIE_DELETED, BSIM_REASON_EXPIRED, u, &v);
	buf_free(&tmp);
}
