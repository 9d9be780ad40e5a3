/*
 * fuzz_interchange.c: the importers of sim/interchange/, built twice:
 * fuzz_storage_state (Playwright storageState JSON) and fuzz_cookies_txt
 * (Netscape cookies.txt), FUZZ_FORMAT naming the format. The whole input
 * is the file.
 *
 * Invariants: a refused file leaves the browser exactly as it was (its
 * cookies, their creation order and its localStorage) and says where in
 * the file the problem is; an accepted one leaves a jar that keeps
 * fuzz_check_jar's invariants; and import, export, import gives the same
 * jar (expired cookies aside, which an export leaves out), whose export
 * is the same text again. An import never yields a cookie a Set-Cookie
 * could not: each cookie, written back as a header, parses to itself. What
 * bsim exports, bsim imports unchanged: the input's first line, set as a
 * Set-Cookie by a page and by a cross-site frame, goes out and comes back
 * the same (or the export refuses it, naming the cookie).
 */
#include <stdlib.h>
#include <string.h>

#include "cookie/parse.h"
#include "cookie/preset.h"
#include "fuzz_support.h"
#include "interchange/interchange.h"
#include "util/buf.h"

#ifndef FUZZ_FORMAT
#error "FUZZ_FORMAT names the interchange format (tests/fuzz/meson.build)"
#endif

#define NAME (FUZZ_FORMAT == INTERCHANGE_STORAGE_STATE ? "fuzz.json" : "fuzz.txt")

/* Larger inputs only repeat what a few hundred cookies show, more slowly. */
#define MAX_INPUT (256 * 1024)

static char *render(bsim_browser *b, size_t *len)
{
	char *text = NULL;
	if (FUZZ_FORMAT == INTERCHANGE_STORAGE_STATE)
		FUZZ_OK(storage_state_render(&text, len, b));
	else
		FUZZ_OK(cookies_txt_render(&text, len, b));
	return text;
}

/* The cookie as a Set-Cookie header, parsed back: the same name, value, domain and path, or it came from nowhere. */
static int check_settable(const bsim_cookie_view *c, void *ud)
{
	const cookie_preset *p = ud;
	buf h = BUF_INIT;
	/* A nameless cookie is its value alone, or "=value" when the value holds '=' (RFC 6265bis §5.6 step 3). */
	if (*c->name || strchr(c->value, '='))
		buf_printf(&h, "%s=", c->name);
	buf_printf(&h, "%s; Domain=%s; Path=%s", c->value, c->domain, c->path);
	FUZZ_CHECK(buf_status(&h) == 0, "out of memory");
	parsed_cookie pc;
	bsim_cookie_reason why = cookie_parse(&pc, buf_cstr(&h), h.len, p);
	FUZZ_CHECK(why == BSIM_REASON_NONE, "an import yielded a cookie no Set-Cookie could (%s): %.300s",
		   bsim_cookie_reason_code(why), buf_cstr(&h));
	FUZZ_CHECK(pc.name_len == strlen(c->name) && memcmp(pc.name, c->name, pc.name_len) == 0 &&
			   pc.value_len == strlen(c->value) && memcmp(pc.value, c->value, pc.value_len) == 0,
		   "an imported cookie's name or value reads back otherwise from a Set-Cookie: %.300s", buf_cstr(&h));
	FUZZ_CHECK(pc.has_domain && pc.domain_len == strlen(c->domain) && memcmp(pc.domain, c->domain, pc.domain_len) == 0 &&
			   pc.has_path && pc.path_len == strlen(c->path) && memcmp(pc.path, c->path, pc.path_len) == 0,
		   "an imported cookie's domain or path reads back otherwise from a Set-Cookie: %.300s", buf_cstr(&h));
	buf_free(&h);
	return 0;
}

/* What bsim exports, bsim imports unchanged: cookies a page and a cross-site frame set from the input's first line. */
static void check_set_cookie_round_trip(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char *line = fuzz_strndup(data, nl ? (size_t)(nl - data) : size);
	bsim_browser *a = fuzz_browser(BSIM_ENGINE_CHROMIUM);
	const char *headers[] = {line};
	bsim_response resp = {headers, 1};
	int tab;
	FUZZ_OK(bsim_tab_open(&tab, a, "https://www.testsite.com/", &resp));
	int rc = bsim_script_cookie_set_framed(a, tab, "https://chat.example/w", line);
	FUZZ_CHECK(rc == 0, "a framed write failed: %s", bsim_error_last()->message);
	char *text = NULL;
	size_t len = 0;
	rc = FUZZ_FORMAT == INTERCHANGE_STORAGE_STATE ? storage_state_render(&text, &len, a) : cookies_txt_render(&text, &len, a);
	if (rc < 0) {
		/* Bytes JSON cannot carry, a TAB cookies.txt cannot: refused by name, never "out of memory". */
		FUZZ_CHECK(rc == BSIM_EINVAL && strncmp(bsim_error_last()->message, "cookie ", 7) == 0,
			   "an export failed with %d: %s", rc, bsim_error_last()->message);
	} else {
		bsim_browser *b = fuzz_browser(BSIM_ENGINE_CHROMIUM);
		FUZZ_CHECK(interchange_import_data(b, NAME, text, len, FUZZ_FORMAT) == 0,
			   "bsim refuses its export of a page's cookies: %s\n%.2000s", bsim_error_last()->message, text);
		bsim_samesite as = FUZZ_FORMAT == INTERCHANGE_STORAGE_STATE ? BSIM_SAMESITE_LAX : BSIM_SAMESITE_UNSPECIFIED;
		char *sa = fuzz_snapshot_as(a, false, as), *sb = fuzz_snapshot_as(b, false, as);
		/* cookies.txt has no partition: compare only where the format keeps everything. */
		if (FUZZ_FORMAT == INTERCHANGE_STORAGE_STATE)
			FUZZ_CHECK(strcmp(sa, sb) == 0, "a page's cookies changed through export and import:\n%.2000s\n--- became\n%.2000s",
				   sa, sb);
		free(sa);
		free(sb);
		bsim_browser_free(b);
	}
	free(text);
	free(line);
	bsim_browser_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	const char *text = (const char *)data;
	check_set_cookie_round_trip(data, size);

	/* Into a browser that has state: all or nothing. */
	bsim_browser *p = fuzz_browser(BSIM_ENGINE_CHROMIUM);
	fuzz_populate(p);
	char *before = fuzz_snapshot(p, true);
	int rc = interchange_import_data(p, NAME, text, size, FUZZ_FORMAT);
	if (rc < 0) {
		FUZZ_CHECK(rc == BSIM_EINVAL || rc == BSIM_ELIMIT, "import failed with %d: %s", rc,
			   bsim_error_last()->message);
		const char *msg = bsim_error_last()->message;
		FUZZ_CHECK(strncmp(msg, NAME, strlen(NAME)) == 0 && strstr(msg, "error: "),
			   "an import error that does not name its file: \"%.300s\"", msg);
		char *after = fuzz_snapshot(p, true);
		FUZZ_CHECK(strcmp(before, after) == 0, "a refused import changed the browser:\n%.2000s\n--- became\n%.2000s",
			   before, after);
		free(after);
	} else {
		fuzz_check_jar(bsim_browser_jar(p), false);
		bsim_jar_foreach(bsim_browser_jar(p), check_settable, (void *)cookie_preset_get(BSIM_ENGINE_CHROMIUM));
	}
	free(before);
	bsim_browser_free(p);
	if (rc < 0)
		return 0;

	/* Import, export, import: the same jar, the same text. */
	bsim_browser *a = fuzz_browser(BSIM_ENGINE_CHROMIUM);
	FUZZ_CHECK(interchange_import_data(a, NAME, text, size, FUZZ_FORMAT) == 0,
		   "accepted once, refused on a fresh browser: %s", bsim_error_last()->message);
	size_t len1 = 0, len2 = 0;
	char *t1 = render(a, &len1);
	bsim_browser *b = fuzz_browser(BSIM_ENGINE_CHROMIUM);
	FUZZ_CHECK(interchange_import_data(b, NAME, t1, len1, FUZZ_FORMAT) == 0,
		   "bsim refuses its own export: %s\n%.2000s", bsim_error_last()->message, t1);
	fuzz_check_jar(bsim_browser_jar(b), false);
	/*
	 * storageState cannot say "unspecified": the export writes what
	 * Playwright reports for the engine ("Lax" on Chromium,
	 * storage_state.c), so that is what the re-import holds.
	 */
	bsim_samesite as = FUZZ_FORMAT == INTERCHANGE_STORAGE_STATE ? BSIM_SAMESITE_LAX : BSIM_SAMESITE_UNSPECIFIED;
	char *sa = fuzz_snapshot_as(a, false, as), *sb = fuzz_snapshot_as(b, false, as);
	FUZZ_CHECK(strcmp(sa, sb) == 0, "import, export, import changed the state:\n%.2000s\n--- became\n%.2000s", sa,
		   sb);
	char *t2 = render(b, &len2);
	FUZZ_CHECK(len1 == len2 && memcmp(t1, t2, len1) == 0, "export of the re-import differs:\n%.2000s\n--- and\n%.2000s",
		   t1, t2);
	free(sa);
	free(sb);
	free(t1);
	free(t2);
	bsim_browser_free(a);
	bsim_browser_free(b);
	return 0;
}
