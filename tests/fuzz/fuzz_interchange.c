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
 * is the same text again.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "interchange/interchange.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	const char *text = (const char *)data;

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
