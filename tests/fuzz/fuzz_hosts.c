/*
 * fuzz_hosts.c: the hosts-file parser (bsim_browser_add_hosts in
 * sim/browser/browser.c), on the whole input as the text of a <hosts>
 * element or a hosts file.
 *
 * Invariants: a refusal carries the file and line in the error's fields
 * (rendered "hosts:N:" by error_render) and not in its message, and is an
 * input error, never a crash; an accepted file makes every plain name it
 * lists resolve, written with or without one trailing dot (an absolute DNS
 * name is the same host: the hosts file and a URL's lookup must agree, or
 * the error would advise adding the very line already there).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "net/url.h"

/* A hosts file bsim reads is a few lines; longer inputs only slow the search. */
#define MAX_INPUT 4096

/* Letters, digits, '-' and '.': a name whose spelling a URL keeps, so the URL names what the line named. */
static bool plain_name(const char *s, size_t n) /* s is NUL-terminated after its n bytes */
{
	/* An empty label ("a..") is no DNS name: only one trailing dot is the same host. */
	if (!n || s[0] == '.' || s[0] == '-' || strstr(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.", s[i]))
			return false;
	return true;
}

/* "http://NAME/" (and the same with one trailing dot added or taken away) resolves, when it is a URL at all. */
static void check_resolves(bsim_browser *b, const char *name, size_t n)
{
	char text[300];
	for (int toggle = 0; toggle < 2; toggle++) {
		size_t len = n;
		const char *dot = "";
		if (toggle && name[n - 1] == '.')
			len--;
		else if (toggle)
			dot = ".";
		if (!len || len > 250)
			return;
		snprintf(text, sizeof text, "http://%.*s%s/", (int)len, name, dot);
		url *u = NULL;
		if (url_parse(&u, text) < 0)
			continue;
		url_free(u);
		FUZZ_CHECK(bsim_browser_resolve(b, text) == 0, "the hosts file names \"%.*s\" but %s does not resolve: %s",
			   (int)n, name, text, bsim_error_last()->message);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	char *text = malloc(size + 1);
	FUZZ_CHECK(text, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';

	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	bsim_browser *b = NULL;
	FUZZ_OK(bsim_browser_new(&b, &o));
	int rc = bsim_browser_add_hosts(b, text, "hosts");
	if (rc < 0) {
		FUZZ_CHECK(rc == BSIM_EINVAL || rc == BSIM_ELIMIT, "a hosts file refused with %d: %s", rc,
			   bsim_error_last()->message);
		const bsim_error *e = bsim_error_last();
		FUZZ_CHECK(e->file && strcmp(e->file, "hosts") == 0 && e->line > 0,
			   "a refusal that does not carry the file and line: \"%.300s\"", e->message);
		FUZZ_CHECK(strncmp(e->message, "hosts:", 6) != 0,
			   "a refusal that writes its location into the message: \"%.300s\"", e->message);
	} else {
		/* Every line: an address, then names, up to a '#'. */
		for (char *line = text; line && *line;) {
			char *eol = strchr(line, '\n');
			if (eol)
				*eol = '\0';
			char *hash = strchr(line, '#');
			if (hash)
				*hash = '\0';
			char *save = NULL, *tok = strtok_r(line, " \t\r", &save);
			if (tok)
				while ((tok = strtok_r(NULL, " \t\r", &save)))
					if (plain_name(tok, strlen(tok)))
						check_resolves(b, tok, strlen(tok));
			line = eol ? eol + 1 : NULL;
		}
	}
	bsim_browser_free(b);
	free(text);
	return 0;
}
