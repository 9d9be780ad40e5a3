/*
 * bench_browser.c: the simulated browser's speed on the work a scenario
 * does (issue: the simulated browser). Phases, each timed with the
 * monotonic wall clock (a benchmark measures real time; the browser itself
 * only ever sees its virtual clock):
 *   tabs     open 50 tabs across 10 origins
 *   storage  10k localStorage writes, each firing storage events in the
 *            other tabs of its origin (4 listeners per origin)
 *   save     the persistent state (10k cookies, 1 MiB of localStorage) to
 *            an SQLite profile
 *   load     the same profile into a fresh browser
 *   restart  close and start again through the profile
 * Each phase runs RUNS times; the median is printed with operations per
 * second. Target: save and load of 10k cookies under 50 ms each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bsim/browser.h"

#define RUNS 7
#define TABS 50
#define ORIGINS 10
#define WRITES 10000
#define COOKIES 10000
/* 1 MiB of localStorage values, spread over the origins. */
#define LOCAL_BYTES (1024 * 1024)
#define LOCAL_ITEMS 256

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return v[n / 2];
}

static void die(const char *what)
{
	fprintf(stderr, "bench-browser: %s: %s\n", what, bsim_error_last()->message);
	exit(1);
}

static long events;

static void on_storage(const bsim_storage_event *ev, void *ud)
{
	(void)ev;
	(void)ud;
	events++;
}

static bsim_browser *new_browser(const char *profile)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.open_resolution = 1;
	o.profile_path = profile;
	bsim_browser *b;
	if (bsim_browser_new(&b, &o) < 0)
		die("new browser");
	return b;
}

static void origin_url(char *out, size_t n, int i)
{
	snprintf(out, n, "https://site%d.example.com/page", i % ORIGINS);
}

static void fill_state(bsim_browser *b)
{
	bsim_jar *jar = bsim_browser_jar(b);
	char url[128], h[256];
	for (int i = 0; i < COOKIES; i++) {
		/* 100 sites x 100 cookies stays under every engine's per-site limit. */
		snprintf(url, sizeof url, "https://www.shop%d.example/", i % 100);
		snprintf(h, sizeof h, "c%d=value-%d; Domain=shop%d.example; Path=/; Max-Age=86400; Secure; SameSite=Lax",
			 i, i, i % 100);
		if (bsim_jar_set_cookie(jar, url, h, strlen(h), NULL) < 0)
			die("set cookie");
	}
	char *value = malloc(LOCAL_BYTES / LOCAL_ITEMS + 1);
	memset(value, 'x', LOCAL_BYTES / LOCAL_ITEMS);
	value[LOCAL_BYTES / LOCAL_ITEMS] = '\0';
	char origin[64], key[32];
	for (int i = 0; i < LOCAL_ITEMS; i++) {
		snprintf(origin, sizeof origin, "https://site%d.example.com:443", i % ORIGINS);
		snprintf(key, sizeof key, "k%d", i);
		if (bsim_browser_local_set(b, origin, key, value) < 0)
			die("local set");
	}
	free(value);
}

int main(void)
{
	double t_tabs[RUNS], t_storage[RUNS], t_save[RUNS], t_load[RUNS], t_restart[RUNS];
	char profile[] = "/tmp/bsim-bench-profile-XXXXXX";
	int fd = mkstemp(profile);
	if (fd < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);

	for (int r = 0; r < RUNS; r++) {
		bsim_browser *b = new_browser(NULL);
		int ids[TABS];
		char url[128];
		double t0 = now_s();
		for (int i = 0; i < TABS; i++) {
			origin_url(url, sizeof url, i);
			if (bsim_tab_open(&ids[i], b, url, NULL) < 0)
				die("open tab");
		}
		t_tabs[r] = now_s() - t0;
		for (int i = 0; i < TABS; i++)
			bsim_tab_on_storage(b, ids[i], on_storage, NULL);
		char key[32], val[32];
		events = 0;
		t0 = now_s();
		for (int i = 0; i < WRITES; i++) {
			snprintf(key, sizeof key, "k%d", i % 100);
			snprintf(val, sizeof val, "v%d", i);
			if (bsim_storage_set(b, ids[i % TABS], BSIM_STORAGE_LOCAL, key, val) < 0)
				die("storage set");
		}
		t_storage[r] = now_s() - t0;
		bsim_browser_free(b);

		b = new_browser(NULL);
		fill_state(b);
		unlink(profile);
		t0 = now_s();
		if (bsim_browser_save_profile(b, profile) < 0)
			die("save");
		t_save[r] = now_s() - t0;
		bsim_browser_free(b);

		b = new_browser(NULL);
		t0 = now_s();
		if (bsim_browser_load_profile(b, profile) < 0)
			die("load");
		t_load[r] = now_s() - t0;
		if (bsim_jar_count(bsim_browser_jar(b)) != COOKIES) {
			fprintf(stderr, "bench-browser: loaded %zu cookies, saved %d\n", bsim_jar_count(bsim_browser_jar(b)),
				COOKIES);
			return 1;
		}
		bsim_browser_free(b);

		b = new_browser(profile);
		t0 = now_s();
		if (bsim_browser_restart(b) < 0)
			die("restart");
		t_restart[r] = now_s() - t0;
		bsim_browser_free(b);
	}
	unlink(profile);

	double tabs = median(t_tabs, RUNS), storage = median(t_storage, RUNS), save = median(t_save, RUNS),
	       load = median(t_load, RUNS), restart = median(t_restart, RUNS);
	printf("bench-browser: medians of %d runs\n", RUNS);
	printf("  open %d tabs over %d origins   %8.3f ms   %10.0f tabs/s\n", TABS, ORIGINS, tabs * 1e3, TABS / tabs);
	printf("  %d storage writes + events %8.3f ms   %10.0f writes/s (%ld events in the last run)\n", WRITES,
	       storage * 1e3, WRITES / storage, events);
	printf("  save %d cookies + 1 MiB    %8.3f ms\n", COOKIES, save * 1e3);
	printf("  load %d cookies + 1 MiB    %8.3f ms\n", COOKIES, load * 1e3);
	printf("  close + start via profile   %8.3f ms\n", restart * 1e3);
	printf("RESULT tabs_per_s=%.0f writes_per_s=%.0f save_ms=%.3f load_ms=%.3f restart_ms=%.3f\n", TABS / tabs,
	       WRITES / storage, save * 1e3, load * 1e3, restart * 1e3);
	return 0;
}
