/*
 * fuzz_har.c: the HAR importer (bsim import-har: the parser in
 * sim/interchange/har*.c, the reader in sim/scenario/read/har*.c, the
 * writer in sim/scenario/write/), the whole input as one capture.
 *
 * Invariants: a refused capture gets BSIM_EINVAL or BSIM_ELIMIT with a
 * message that names the capture and no scenario text; an accepted one
 * gives a scenario that bsim's own loader accepts (schema and all: an
 * importer that writes a file bsim refuses has failed the support engineer
 * who ran it), the same scenario on a second import (determinism), and
 * with --no-widget a scenario that loads too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/har.h"
#include "bsim/scenario.h"
#include "fuzz_support.h"

#define NAME "fuzz.har"

/* Larger captures only repeat entries; the parser's own limits are tested by the hostile table. */
#define MAX_INPUT (256 * 1024)

static void check_loads(const char *xml, size_t len, const char *what)
{
	char path[128];
	snprintf(path, sizeof path, "%s/imported.xml", fuzz_tmpdir());
	FILE *f = fopen(path, "wb");
	FUZZ_CHECK(f && fwrite(xml, 1, len, f) == len && fclose(f) == 0, "cannot write %s", path);
	const char *paths[] = {path};
	bsim_suite *suite = NULL;
	int rc = bsim_suite_load(&suite, paths, 1);
	if (rc != 0) {
		const bsim_error *e = suite && bsim_suite_error_count(suite) ? bsim_suite_error_at(suite, 0) : NULL;
		FUZZ_CHECK(0, "bsim refuses the scenario import-har wrote (%s): %s\n%.3000s", what,
			   e && e->message ? e->message : bsim_error_last()->message, xml);
	}
	bsim_suite_free(suite);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	const char *text = (const char *)data;
	bsim_har_options opts = BSIM_HAR_OPTIONS_INIT;
	char *xml = NULL;
	size_t len = 0;
	int rc = bsim_har_import_mem(&xml, &len, NULL, NAME, text, size, &opts);
	if (rc < 0) {
		FUZZ_CHECK(rc == BSIM_EINVAL || rc == BSIM_ELIMIT, "import failed with %d: %s", rc,
			   bsim_error_last()->message);
		FUZZ_CHECK(!xml, "a refused capture still gave scenario text");
		const char *msg = bsim_error_last()->message;
		FUZZ_CHECK(msg && strstr(msg, NAME), "an import error that does not name the capture: \"%.300s\"",
			   msg ? msg : "(null)");
		return 0;
	}
	FUZZ_CHECK(xml && len == strlen(xml), "an accepted capture without scenario text");
	check_loads(xml, len, "widget model");

	char *again = NULL;
	size_t again_len = 0;
	FUZZ_OK(bsim_har_import_mem(&again, &again_len, NULL, NAME, text, size, &opts));
	FUZZ_CHECK(again_len == len && memcmp(again, xml, len) == 0, "two imports of one capture differ");
	free(again);
	free(xml);

	opts.widget = 0;
	xml = NULL;
	FUZZ_OK(bsim_har_import_mem(&xml, &len, NULL, NAME, text, size, &opts));
	check_loads(xml, len, "--no-widget");
	free(xml);
	return 0;
}
