/*
 * select.c: which scenarios of a loaded suite a run runs (scenario.h,
 * "Choosing scenarios"): by FILE:LINE, --engine and --filter, then one
 * shard of a CI matrix. `bsim list` and `bsim run` with the same options
 * choose through here, so the listing shows exactly what the run runs.
 *
 * A shard is chosen by a stable hash of the scenario file's path, so every
 * machine of a CI matrix agrees on the split without talking to the
 * others, and all the scenarios of one file (which share fragments and
 * setup) land on the same machine.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/scenario.h"
#include "util/error.h"

/* FNV-1a, 64 bits (the offset basis and prime of draft-eastlake-fnv): stable across machines and releases. */
#define FNV1A_OFFSET UINT64_C(14695981039346656037)
#define FNV1A_PRIME UINT64_C(1099511628211)

/* The line spans a refused FILE:LINE names: enough for a file of ~40 scenarios; more are left out. */
#define SELECT_SPANS_MAX 512

/*
 * The shard hash: FNV-1a over the path as given, less any leading "./" and
 * with runs of '/' read as one, so `./scenarios//a.xml` and
 * `scenarios/a.xml` land in the same shard.
 */
static uint64_t shard_hash(const char *path)
{
	while (path[0] == '.' && path[1] == '/') {
		path += 2;
		while (*path == '/')
			path++;
	}
	uint64_t h = FNV1A_OFFSET;
	for (const char *p = path; *p; p++) {
		if (*p == '/' && p[1] == '/')
			continue;
		h ^= (unsigned char)*p;
		h *= FNV1A_PRIME;
	}
	return h;
}

static bool filter_matches(const bsim_scenario *sc, const char *filter)
{
	if (strncmp(filter, "tag:", 4) == 0) {
		size_t n = bsim_scenario_tag_count(sc);
		for (size_t i = 0; i < n; i++)
			if (strcmp(bsim_scenario_tag(sc, i), filter + 4) == 0)
				return true;
		return false;
	}
	return strstr(bsim_scenario_name(sc), filter) != NULL;
}

static bool contains_line(const bsim_scenario *sc, int line)
{
	return line >= bsim_scenario_line(sc) && line <= bsim_scenario_end_line(sc);
}

/* A scenario of a file named only as FILE:LINE is chosen when it holds one of those lines. */
static bool location_matches(const bsim_select_options *o, const bsim_scenario *sc)
{
	const char *file = bsim_scenario_file(sc);
	bool named = false;
	for (size_t i = 0; i < o->n_lines; i++) {
		if (strcmp(o->lines[i].file, file) != 0)
			continue;
		if (contains_line(sc, o->lines[i].line))
			return true;
		named = true;
	}
	if (!named)
		return true;
	for (size_t i = 0; i < o->n_whole_files; i++)
		if (strcmp(o->whole_files[i], file) == 0)
			return true;
	return false;
}

/* Chosen before sharding: by FILE:LINE, --engine and --filter. */
static bool selected_unsharded(const bsim_select_options *o, const bsim_scenario *sc)
{
	if (o->engine_set && bsim_scenario_engine(sc) != o->engine)
		return false;
	if (o->n_lines && !location_matches(o, sc))
		return false;
	if (o->n_filters == 0)
		return true;
	for (size_t i = 0; i < o->n_filters; i++)
		if (filter_matches(sc, o->filters[i]))
			return true;
	return false;
}

unsigned bsim_shard_of(const char *path, unsigned count)
{
	return count ? (unsigned)(shard_hash(path) % count) + 1 : 1;
}

int bsim_suite_select(const bsim_scenario ***out, size_t *n_out, size_t *n_unsharded, const bsim_suite *suite,
		      const bsim_select_options *opts)
{
	static const bsim_select_options defaults = BSIM_SELECT_OPTIONS_INIT;
	const bsim_select_options *o = opts ? opts : &defaults;
	if (o->shard_count > BSIM_SHARDS_MAX || (o->shard_count && (o->shard_index < 1 || o->shard_index > o->shard_count)))
		return error_set(BSIM_EINVAL, "shard %u/%u: expected I/N with 1 <= I <= N <= %d", o->shard_index,
				 o->shard_count, BSIM_SHARDS_MAX);
	size_t total = bsim_suite_count(suite);
	const bsim_scenario **chosen = calloc(total ? total : 1, sizeof *chosen);
	if (!chosen)
		return error_oom();
	size_t n = 0, unsharded = 0;
	for (size_t i = 0; i < total; i++) {
		const bsim_scenario *sc = bsim_suite_at(suite, i);
		if (!selected_unsharded(o, sc))
			continue;
		unsharded++;
		if (!o->shard_count || bsim_shard_of(bsim_scenario_file(sc), o->shard_count) == o->shard_index)
			chosen[n++] = sc;
	}
	*out = chosen;
	*n_out = n;
	if (n_unsharded)
		*n_unsharded = unsharded;
	return 0;
}

int bsim_suite_check_line(const bsim_suite *suite, const char *file, int line)
{
	size_t total = bsim_suite_count(suite);
	char spans[SELECT_SPANS_MAX] = "";
	size_t used = 0;
	int last_line = 0;
	for (size_t i = 0; i < total; i++) {
		const bsim_scenario *sc = bsim_suite_at(suite, i);
		if (strcmp(bsim_scenario_file(sc), file) != 0)
			continue;
		if (contains_line(sc, line))
			return 0;
		/* The copies of one scenario (one per engine) share its lines: name them once. */
		if (bsim_scenario_line(sc) == last_line || used >= sizeof spans - 32)
			continue;
		last_line = bsim_scenario_line(sc);
		used += (size_t)snprintf(spans + used, sizeof spans - used, "%s%d-%d", used ? ", " : "",
					 bsim_scenario_line(sc), bsim_scenario_end_line(sc));
	}
	if (used)
		return error_set_at(BSIM_ENOTFOUND, file, line, 0,
				    "no scenario there; the scenarios of %s are on lines %s", file, spans);
	return error_set_at(BSIM_ENOTFOUND, file, line, 0, "%s holds no scenario", file);
}
