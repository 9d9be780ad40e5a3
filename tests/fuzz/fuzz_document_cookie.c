/*
 * fuzz_document_cookie.c: document.cookie writes through the browser's
 * script view (sim/browser/script.c into the jar's storage model), as the
 * widget and page scripts make them.
 *
 * Input: one control byte, then one assignment a line. The control byte
 * picks the engine and the page; a line that starts with "@wait " moves
 * the virtual clock by that many seconds (so expiry is reached), "@nav N"
 * loads page N in the tab, anything else is assigned to document.cookie.
 *
 * Invariants: each assignment ends in exactly one of stored, replaced,
 * deleted or refused; the jar keeps fuzz_check_jar's invariants with the
 * engine's limits; and document.cookie never shows a control character
 * other than HTAB, and no script ever stores an HttpOnly cookie.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"

/* Assignments per input: past a domain's 180-cookie cap. */
#define MAX_WRITES 400

static const char *const pages[] = {
	"https://www.testsite.com/chat/",
	"http://www.testsite.com/",
	"https://shop.example.github.io/",
	"http://localhost:3000/widget.html",
	"http://192.168.0.10/",
	"file:///home/user/site/index.html",
	"https://portal.testsite.co.uk/a/b",
	"http://intranet/",
};
#define N_PAGES (sizeof pages / sizeof pages[0])

typedef struct counter {
	fuzz_events ev;
} counter;

static void observe(const bsim_cookie_event *ev, void *userdata)
{
	fuzz_count_event(ev, userdata);
}

static int count_http_only(const bsim_cookie_view *c, void *userdata)
{
	if (c->http_only)
		++*(size_t *)userdata;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	bsim_browser *b = fuzz_browser((bsim_engine)(ctl % BSIM_ENGINE_COUNT));
	counter c;
	memset(&c, 0, sizeof c);
	bsim_browser_set_cookie_observer(b, observe, &c.ev);
	int tab;
	FUZZ_OK(bsim_tab_open(&tab, b, pages[(ctl / 3) % N_PAGES], NULL));

	char *text = fuzz_strndup(data + 1, size - 1);
	char *end = text + (size - 1);
	size_t writes = 0;
	char *line = text;
	for (int n = 0; line <= end && n < MAX_WRITES; n++) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		if (!nl)
			nl = end;
		*nl = '\0';
		size_t len = (size_t)(nl - line);
		if (len > 6 && memcmp(line, "@wait ", 6) == 0) {
			/* At most a year a step: far enough for every expiry, never near overflow. */
			long s = strtol(line + 6, NULL, 10);
			if (s >= 0 && s <= 366L * 86400)
				FUZZ_OK(bsim_browser_wait(b, (bsim_time)s * 1000));
		} else if (len > 5 && memcmp(line, "@nav ", 5) == 0) {
			unsigned long i = strtoul(line + 5, NULL, 10);
			/* A refused navigation is a result, not a failure of the harness. */
			(void)bsim_tab_navigate(b, tab, pages[i % N_PAGES], NULL);
		} else {
			size_t before = fuzz_outcomes(&c.ev);
			/* A NUL inside ends the string, as a JavaScript string passed through C would. */
			FUZZ_OK(bsim_script_cookie_set(b, tab, line));
			size_t got = fuzz_outcomes(&c.ev) - before;
			FUZZ_CHECK(got == 1, "one document.cookie write had %zu outcomes", got);
			writes++;
			char *seen = NULL;
			FUZZ_OK(bsim_script_cookie_get(&seen, b, tab));
			for (const char *p = seen; *p; p++)
				FUZZ_CHECK(((unsigned char)*p >= 0x20 || *p == '\t') && *p != 0x7F,
					   "document.cookie shows a control character other than HTAB");
			free(seen);
		}
		line = nl + 1;
	}
	FUZZ_CHECK(fuzz_outcomes(&c.ev) == writes, "stored + refused %zu != offered %zu", fuzz_outcomes(&c.ev),
		   writes);
	size_t http_only = 0;
	FUZZ_OK(bsim_jar_foreach(bsim_browser_jar(b), count_http_only, &http_only));
	FUZZ_CHECK(http_only == 0, "a script stored %zu HttpOnly cookies", http_only);
	fuzz_check_jar(bsim_browser_jar(b), true);
	free(text);
	bsim_browser_free(b);
	return 0;
}
