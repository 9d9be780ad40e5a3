/*
 * expect_cookie.c: the <expect> variants that look at cookies as a page
 * and a server see them (docs/scenario-language.md, "Expectations"):
 * document-cookie=, document-cookie-contains= and document-cookie-lacks=
 * (what the page's script reads), and cookie-header= (the Cookie header a
 * request to a URL would carry, exactly or against a server's size limit).
 * When a cookie is missing but the jar holds it, the failure says so: the
 * cookie was stored but this page or request does not get it (a Domain too
 * narrow, another path, Secure on http). cookie= (the jar's own view) and
 * the other variants are in expect.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/url.h"
#include "scenario/run/expect_internal.h"

/* ---- document-cookie=, document-cookie-contains=, document-cookie-lacks= ---- */

/* The next "; "-separated pair of a cookie string; its name is up to '=' (all of it for a nameless cookie). */
static bool next_pair(const char **p, const char **pair, size_t *len, size_t *name_len)
{
	while (**p == ' ' || **p == ';')
		(*p)++;
	if (!**p)
		return false;
	const char *end = strstr(*p, "; ");
	*pair = *p;
	*len = end ? (size_t)(end - *p) : strlen(*p);
	const char *eq = memchr(*p, '=', *len);
	*name_len = eq ? (size_t)(eq - *p) : *len;
	*p += *len;
	return true;
}

static bool has_pair(const char *s, const char *pair, size_t len)
{
	const char *p = s, *q;
	size_t l, nl;
	while (next_pair(&p, &q, &l, &nl))
		if (l == len && memcmp(q, pair, len) == 0)
			return true;
	return false;
}

static bool has_name(const char *s, const char *name, size_t len)
{
	const char *p = s, *q;
	size_t l, nl;
	while (next_pair(&p, &q, &l, &nl))
		if (nl == len && memcmp(q, name, len) == 0)
			return true;
	return false;
}

/* The name of the first pair of `want` that `got` lacks, into out; false when none. */
static bool first_missing(const char *want, const char *got, char *out, size_t outlen)
{
	const char *p = want, *q;
	size_t l, nl;
	while (next_pair(&p, &q, &l, &nl)) {
		if (!has_pair(got, q, l)) {
			snprintf(out, outlen, "%.*s", (int)nl, q);
			return true;
		}
	}
	return false;
}

typedef struct held {
	const char *name;
	size_t n;
	buf desc;
} held;

static int visit_held(const bsim_cookie_view *v, void *ud)
{
	held *h = ud;
	if (strcmp(v->name, h->name) != 0)
		return 0;
	if (h->n++)
		buf_puts(&h->desc, "; ");
	expect_put_cookie(&h->desc, v);
	return 0;
}

/*
 * The page does not see a cookie the jar holds (HttpOnly, another path or
 * host, Secure on http): say so under the failure, with the cookie's
 * attributes, since the trace has no entry for a cookie that is merely hidden.
 */
static void note_hidden(run_ctx *rc, const char *name, const char *where)
{
	held h = {name, 0, BUF_INIT};
	if (bsim_jar_foreach(bsim_browser_jar(rc->browser), visit_held, &h) >= 0 && h.n &&
	    buf_status(&h.desc) == 0)
		buf_printf(&rc->failure, "\n  the jar holds %s (%s), but %s does not show it", name, buf_cstr(&h.desc),
			   where);
	buf_free(&h.desc);
}

int expect_document_cookie_prepare(step *s)
{
	const char *pair = step_attr(s, "document-cookie-contains");
	if (!step_attr(s, "document-cookie") && pair && !*pair)
		return step_error(s, BSIM_EINVAL, "document-cookie-contains=\"\" names no pair; write name=value");
	return 0;
}

int expect_document_cookie_check(step *s, run_ctx *rc)
{
	int id;
	int code = run_tab(&id, rc, s);
	if (code < 0)
		return code;
	char *got = NULL;
	if ((code = bsim_script_cookie_get(&got, rc->browser, id)) < 0)
		return code == BSIM_ENOMEM ? code : step_wrap(s, code, "document.cookie could not be read");
	buf was = BUF_INIT;
	buf_printf(&was, "\"%s\"", got);
	char where[600];
	snprintf(where, sizeof where, "document.cookie on %.500s", bsim_tab_url(rc->browser, id));
	const char *v;
	char missing[256];
	if ((v = step_attr(s, "document-cookie"))) {
		if (strcmp(got, v) != 0) {
			bool named = first_missing(v, got, missing, sizeof missing);
			code = expect_fail_was(rc, s, named ? missing : NULL, buf_cstr(&was));
			if (named && !has_name(got, missing, strlen(missing)) && !strchr(buf_cstr(&rc->failure), '\n'))
				note_hidden(rc, missing, where);
		}
	} else if ((v = step_attr(s, "document-cookie-contains"))) {
		if (!has_pair(got, v, strlen(v))) {
			const char *eq = strchr(v, '=');
			snprintf(missing, sizeof missing, "%.*s", (int)(eq ? (size_t)(eq - v) : strlen(v)), v);
			code = expect_fail_was(rc, s, missing, buf_cstr(&was));
			if (!has_name(got, missing, strlen(missing)) && !strchr(buf_cstr(&rc->failure), '\n'))
				note_hidden(rc, missing, where);
		}
	} else {
		v = step_attr(s, "document-cookie-lacks");
		if (has_name(got, v, strlen(v)))
			code = expect_fail_was(rc, s, NULL, buf_cstr(&was));
	}
	if (code >= 0 && buf_status(&was) < 0)
		code = error_oom();
	buf_free(&was);
	free(got);
	return code;
}

/* ---- cookie-header="URL" equals="..." ---- */

/*
 * Largest max-size= accepted: 1 MiB is far past every server's default
 * header limit (the largest common one, IIS's MaxRequestBytes, is 16 KiB),
 * so a bigger value is a typo.
 */
#define EXPECT_HEADER_SIZE_MAX (1024 * 1024)

/* max-size="8190" or "8k" (k = 1024 bytes, as nginx writes its sizes). */
static int attr_header_size(const step *s, size_t *out)
{
	const char *v = step_attr(s, "max-size");
	char *end;
	long n = strtol(v, &end, 10);
	if (*end == 'k' || *end == 'K') {
		/* Checked before multiplying, so a huge value cannot overflow. */
		n = n > EXPECT_HEADER_SIZE_MAX / 1024 ? EXPECT_HEADER_SIZE_MAX + 1L : n * 1024;
		end++;
	}
	if (!*v || *v < '0' || *v > '9' || *end || n < 1 || n > EXPECT_HEADER_SIZE_MAX)
		return step_error(s, BSIM_EINVAL,
				  "max-size=\"%s\" is not a header size: give bytes (8190) or KiB (8k), at most 1024k", v);
	*out = (size_t)n;
	return 0;
}

int expect_cookie_header_prepare(step *s)
{
	int rc;
	if (!step_attr(s, "equals") && !step_attr(s, "max-size"))
		return step_error(s, BSIM_EINVAL,
				  "<expect cookie-header=...> needs equals=\"...\" (\"\" when no cookie is sent) or max-size=\"8k\"");
	size_t size;
	if (step_attr(s, "max-size") && (rc = attr_header_size(s, &size)) < 0)
		return rc;
	url *u;
	if ((rc = url_parse(&u, step_attr(s, "cookie-header"))) < 0)
		return step_wrap(s, rc == BSIM_ERROR ? BSIM_ERROR : BSIM_EINVAL, "cookie-header=\"%s\" is not a URL",
				 step_attr(s, "cookie-header"));
	url_free(u);
	return 0;
}

/* The largest pairs of a Cookie header, for a max-size= failure: what to shrink first. */
static void put_largest_pairs(buf *b, const char *header)
{
	enum { SHOWN = 3 };
	const char *q[SHOWN] = {0};
	size_t len[SHOWN] = {0}, name_len[SHOWN] = {0};
	const char *p = header, *pair;
	size_t l, nl;
	while (next_pair(&p, &pair, &l, &nl)) {
		for (int i = 0; i < SHOWN; i++) {
			if (l <= len[i])
				continue;
			memmove(&q[i + 1], &q[i], (SHOWN - 1 - (size_t)i) * sizeof *q);
			memmove(&len[i + 1], &len[i], (SHOWN - 1 - (size_t)i) * sizeof *len);
			memmove(&name_len[i + 1], &name_len[i], (SHOWN - 1 - (size_t)i) * sizeof *name_len);
			q[i] = pair;
			len[i] = l;
			name_len[i] = nl;
			break;
		}
	}
	buf_puts(b, "; the largest:");
	for (int i = 0; i < SHOWN && q[i]; i++)
		buf_printf(b, "%s %.*s (%zu bytes)", i ? "," : "", (int)name_len[i], q[i], len[i]);
}

/*
 * max-size=: the header field "Cookie: VALUE" a request carries must fit
 * the size a server accepts (nginx's 8 KiB line, Apache's 8190-byte field;
 * live.c warns about those on every live request).
 */
static int cookie_header_size_check(step *s, run_ctx *rc, const char *got)
{
	size_t max = 0;
	int code = attr_header_size(s, &max);
	if (code < 0)
		return code;
	size_t field = *got ? strlen("Cookie: ") + strlen(got) : 0;
	if (field <= max)
		return 0;
	buf was = BUF_INIT;
	buf_printf(&was, "%zu bytes", field);
	put_largest_pairs(&was, got);
	code = buf_status(&was) < 0 ? error_oom() : expect_fail_was(rc, s, NULL, buf_cstr(&was));
	buf_free(&was);
	return code;
}

int expect_cookie_header_check(step *s, run_ctx *rc)
{
	const char *want = step_attr(s, "equals");
	char *got = NULL;
	/* A top-level GET typed by the user: a first-party navigation. */
	bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;
	int code = bsim_jar_cookie_header(&got, bsim_browser_jar(rc->browser), step_attr(s, "cookie-header"), &ctx);
	if (code < 0)
		return code == BSIM_ENOMEM ? code : step_wrap(s, code, "the Cookie header could not be computed");
	if (step_attr(s, "max-size") && (code = cookie_header_size_check(s, rc, got)) != 0) {
		free(got);
		return code;
	}
	if (want && strcmp(got, want) != 0) {
		char missing[256];
		bool named = first_missing(want, got, missing, sizeof missing);
		buf was = BUF_INIT;
		buf_printf(&was, "\"%s\"", got);
		code = buf_status(&was) < 0 ? error_oom() : expect_fail_was(rc, s, named ? missing : NULL, buf_cstr(&was));
		buf_free(&was);
		if (named && !has_name(got, missing, strlen(missing)) && !strchr(buf_cstr(&rc->failure), '\n')) {
			char where[600];
			snprintf(where, sizeof where, "the request to %.500s", step_attr(s, "cookie-header"));
			note_hidden(rc, missing, where);
		}
	}
	free(got);
	return code;
}
