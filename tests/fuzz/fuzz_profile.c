/*
 * fuzz_profile.c: the SQLite profile loader (sim/browser/profile_load.c).
 * The input bytes are written to a file in a private directory and loaded
 * as a profile into a browser that already has state, as a mutated or
 * truncated database a user hands bsim would be.
 *
 * Invariants: a refused profile leaves the browser unchanged (cookies,
 * their order and localStorage) and the file unchanged, with an error that
 * names the file; an accepted one gives a jar that keeps fuzz_check_jar's
 * invariants, and saving it and loading the save into a fresh browser
 * gives the same state. Loading a profile runs no SQL from the file: the
 * loader's SQLite authorizer never has to refuse anything (a view, a
 * trigger, a virtual table, a function), because the schema check refused
 * every file that carries such SQL before any table was read. The seeds
 * include such files (make-seeds); tests/fuzz/run's -timeout catches a
 * load that would run for ever.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "browser/profile.h"
#include "fuzz_support.h"

/* A profile bsim writes for a scenario is a few pages; bigger inputs only slow the search. */
#define MAX_INPUT (256 * 1024)

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	FUZZ_CHECK(f, "cannot write %s", path);
	FUZZ_CHECK(fwrite(data, 1, size, f) == size && fclose(f) == 0, "cannot write %s", path);
}

static bool file_is(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	uint8_t *got = malloc(size + 1);
	FUZZ_CHECK(got, "out of memory");
	size_t n = fread(got, 1, size + 1, f);
	fclose(f);
	bool same = n == size && (size == 0 || memcmp(got, data, size) == 0);
	free(got);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	char in[128], out[128];
	snprintf(in, sizeof in, "%s/in.sqlite", fuzz_tmpdir());
	snprintf(out, sizeof out, "%s/out.sqlite", fuzz_tmpdir());
	write_file(in, data, size);

	bsim_browser *p = fuzz_browser(BSIM_ENGINE_CHROMIUM);
	fuzz_populate(p);
	char *before = fuzz_snapshot(p, true);
	unsigned long refused = profile_load_refused_actions();
	int rc = bsim_browser_load_profile(p, in);
	FUZZ_CHECK(profile_load_refused_actions() == refused,
		   "loading the profile asked SQLite to run SQL from the file (the authorizer refused it): %s",
		   rc < 0 ? bsim_error_last()->message : "and the load succeeded");
	if (rc < 0) {
		FUZZ_CHECK(rc == BSIM_ECORRUPT || rc == BSIM_EIO, "load failed with %d: %s", rc, bsim_error_last()->message);
		FUZZ_CHECK(strstr(bsim_error_last()->message, in), "a load error that does not name the file: \"%.300s\"",
			   bsim_error_last()->message);
		char *after = fuzz_snapshot(p, true);
		FUZZ_CHECK(strcmp(before, after) == 0, "a refused profile changed the browser:\n%.2000s\n--- became\n%.2000s",
			   before, after);
		free(after);
		FUZZ_CHECK(file_is(in, data, size), "a refused profile was changed on disk");
	} else {
		fuzz_check_jar(bsim_browser_jar(p), false);
		FUZZ_OK(bsim_browser_save_profile(p, out));
		bsim_browser *q = fuzz_browser(BSIM_ENGINE_CHROMIUM);
		FUZZ_CHECK(bsim_browser_load_profile(q, out) == 0, "bsim refuses its own save: %s",
			   bsim_error_last()->message);
		char *sp = fuzz_snapshot(p, false), *sq = fuzz_snapshot(q, false);
		FUZZ_CHECK(strcmp(sp, sq) == 0, "load, save, load changed the state:\n%.2000s\n--- became\n%.2000s", sp, sq);
		free(sp);
		free(sq);
		bsim_browser_free(q);
		unlink(out);
	}
	free(before);
	bsim_browser_free(p);
	return 0;
}
