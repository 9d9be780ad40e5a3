/*
 * process.c: the content-process copy of the jar that Firefox's
 * document.cookie reads (preset process_cookie_copy, browser-rules.md R2,
 * S3, S4). The parent process holds the real store; each content process
 * keeps a copy of its site's cookies (CookieServiceChild), filled when a
 * page loads (CookieServiceParent::TrackCookieLoad: no HttpOnly cookie, a
 * Secure one with its value cleared on an http page) and told of every
 * later change the parent makes (CookieServiceParent::AddCookie, only to
 * processes already on that site). A page's write goes to the copy first and
 * then to the parent, which may refuse it without telling the copy.
 *
 * bsim models one content process: the one of the tab's page, keyed by the
 * page's scheme and site (Fission puts http and https of a site, and every
 * other site, in processes of their own). A top-level page of another scheme
 * or site starts a new one, which reads the parent's order and has heard of
 * no HttpOnly cookie. The copy differs from the store in three ways only:
 * the document.cookie order of cookies the page itself changed
 * (cookie.script_seq, valid for the process generation cookie.script_gen),
 * which HttpOnly cookies the process was told of (cookie.known_gen), and the
 * writes the parent refused that the copy kept (jar->copies).
 */
#include <stdlib.h>
#include <string.h>

#include "cookie/jar_internal.h"
#include "util/error.h"
#include "util/grow.h"

static void site_key_of(const url *u, const char **key, size_t *len)
{
	if (u->scheme == URL_SCHEME_FILE) {
		*key = "";
		*len = 0;
	} else {
		cookie_key_of(u, key, len);
	}
}

static void drop_copies(bsim_jar *jar)
{
	for (uint32_t i = 0; i < jar->n_copies; i++)
		cookie_free(jar->copies[i]);
	jar->n_copies = 0;
}

void process_enter(bsim_jar *jar, const url *u)
{
	if (!jar->preset->process_cookie_copy)
		return;
	const char *key;
	size_t len;
	site_key_of(u, &key, &len);
	if (jar->process_live && jar->process_scheme == (int)u->scheme && jar->process_site.len == len &&
	    memcmp(buf_cstr(&jar->process_site), key, len) == 0)
		return;
	/* A new process: the old one's copy goes with it. */
	drop_copies(jar);
	buf_clear(&jar->process_site);
	buf_put(&jar->process_site, key, len);
	/* Out of memory: no process, so nothing is copied or known (the store's view). */
	jar->process_live = buf_status(&jar->process_site) == 0;
	jar->process_scheme = (int)u->scheme;
	if (++jar->process_gen == 0)
		jar->process_gen = 1; /* 0 means "no process" in cookie.known_gen and script_gen */
}

void process_end(bsim_jar *jar)
{
	drop_copies(jar);
	jar->process_live = false;
	if (++jar->process_gen == 0)
		jar->process_gen = 1;
}

void process_free(bsim_jar *jar)
{
	drop_copies(jar);
	free(jar->copies);
	buf_free(&jar->process_site);
}

uint32_t process_told(const bsim_jar *jar, const char *key, size_t len)
{
	if (!jar->process_live || jar->process_site.len != len || memcmp(buf_cstr(&jar->process_site), key, len) != 0)
		return 0;
	return jar->process_gen;
}

bool process_knows(const bsim_jar *jar, const cookie *c)
{
	return jar->process_live && c->known_gen == jar->process_gen;
}

void process_changed(bsim_jar *jar, const cookie *c)
{
	for (uint32_t i = 0; i < jar->n_copies; i++) {
		if (cookie_equivalent(jar->copies[i], c)) {
			cookie_free(jar->copies[i]);
			jar->copies[i] = jar->copies[--jar->n_copies];
			return;
		}
	}
}

int process_keep(bsim_jar *jar, cookie *c)
{
	/* CookieServiceChild::RecordDocumentCookie: the entry of the same name, host and path goes,
	 * and an expired write only removes it. */
	process_changed(jar, c);
	if (cookie_is_expired(jar, c)) {
		cookie_free(c);
		return 0;
	}
	int rc = ARRAY_GROW(&jar->copies, &jar->cap_copies, (size_t)jar->n_copies + 1);
	if (rc < 0) {
		cookie_free(c);
		return rc;
	}
	c->script_seq = jar->next_seq++;
	c->script_gen = jar->process_gen;
	jar->copies[jar->n_copies++] = c;
	return 0;
}

const cookie *process_copy_of(const bsim_jar *jar, const cookie *c)
{
	for (uint32_t i = 0; i < jar->n_copies; i++)
		if (cookie_equivalent(jar->copies[i], c))
			return jar->copies[i];
	return NULL;
}

uint64_t process_order(bsim_jar *jar, cookie *c)
{
	/* A copy loaded after the page's write reads the parent's (creation) order. */
	if (c->script_gen != jar->process_gen) {
		c->script_seq = c->seq;
		c->script_gen = jar->process_gen;
	}
	return c->script_seq;
}
