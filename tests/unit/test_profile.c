/*
 * test_profile.c: the SQLite profile (sim/browser/profile.h) tested
 * directly on a jar and a storage map: a save and a load give back every
 * field of every cookie and every localStorage item; a save that fails at
 * any step leaves the old profile byte for byte; a corrupt, foreign or newer
 * file is refused with its exact message and neither it nor the browser's
 * state changes; a load never writes anything beside the file.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsim/browser.h"
#include "bsim/cookie.h"
#include "browser/profile.h"
#include "browser/storage.h"
#include "support.h"

#define T0 ((bsim_time)1420070400000) /* 2015-01-01T00:00:00Z */
#define DAY ((bsim_time)86400 * 1000)

/* ---- a scratch directory per test ---- */

static const char *dir;
static char path_buf[4][256];

static void make_dir(void)
{
	dir = support_temp_dir("profile");
	cr_assert(dir, "cannot make a scratch directory: %s", strerror(errno));
}

TestSuite(profile, .init = make_dir, .fini = support_temp_dirs_remove);

/* A path in the scratch directory; slot picks one of four buffers. */
static const char *in_dir(int slot, const char *name)
{
	snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", dir, name);
	return path_buf[slot];
}

/* The names in the scratch directory, sorted and joined by spaces. */
static char *dir_listing(void)
{
	char *s = support_dir_listing(dir);
	cr_assert(s, "cannot list %s", dir);
	return s;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	cr_assert(fread(p, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void write_all(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert(f);
	cr_assert(fwrite(data, 1, len, f) == len);
	fclose(f);
}

/* ---- building state ---- */

static bsim_jar *new_jar(bsim_engine e)
{
	bsim_jar *j = NULL;
	cr_assert_eq(bsim_jar_new(&j, e), 0, "%s", bsim_error_last()->message);
	bsim_jar_set_time(j, T0 + 10 * DAY);
	return j;
}

static storage_map *new_map(bsim_engine e)
{
	storage_map *m = NULL;
	cr_assert_eq(storage_map_new(&m, e, STORAGE_LOCAL), 0, "%s", bsim_error_last()->message);
	return m;
}

static void restore(bsim_jar *j, bsim_cookie_view v)
{
	int rc = bsim_jar_restore(j, &v);
	cr_assert_eq(rc, 0, "restore %s: %s", v.name, bsim_error_last()->message);
}

static void local_set(storage_map *m, const char *origin, const char *key, const char *value)
{
	storage_change ch = {false, NULL};
	int rc = storage_map_set(m, origin, NULL, key, value, &ch);
	cr_assert_eq(rc, 0, "local set %s %s: %s", origin, key, bsim_error_last()->message);
	free(ch.old_value);
}

/* Cookies covering every field and each of its values. */
static void fill_jar(bsim_jar *j)
{
	restore(j, (bsim_cookie_view){.name = "sid", .value = "abc123", .domain = "www.shop.com", .path = "/",
				      .host_only = 1, .secure = 1, .http_only = 1, .persistent = 1,
				      .same_site = BSIM_SAMESITE_STRICT, .priority = BSIM_PRIORITY_HIGH,
				      .expires = T0 + 400 * DAY, .creation = T0 + 1000, .last_access = T0 + 5 * DAY});
	restore(j, (bsim_cookie_view){.name = "theme", .value = "dark mode é", .domain = "shop.com", .path = "/cart",
				      .host_only = 0, .persistent = 0, .same_site = BSIM_SAMESITE_UNSPECIFIED,
				      .priority = BSIM_PRIORITY_LOW, .creation = T0 + 2000, .last_access = T0 + 2000});
	restore(j, (bsim_cookie_view){.name = "chat", .value = "", .domain = "widget.example", .path = "/a/b",
				      .host_only = 1, .secure = 1, .persistent = 1, .same_site = BSIM_SAMESITE_NONE,
				      .priority = BSIM_PRIORITY_MEDIUM, .partition_key = "https://shop.com",
				      .expires = T0 + 30 * DAY + 123, .creation = T0 + 3000, .last_access = T0 + 4000});
	restore(j, (bsim_cookie_view){.name = "", .value = "nameless", .domain = "shop.com", .path = "/",
				      .host_only = 1, .persistent = 1, .same_site = BSIM_SAMESITE_LAX,
				      .priority = BSIM_PRIORITY_MEDIUM, .expires = T0 + 11 * DAY, .creation = T0 + 500,
				      .last_access = T0 + 500});
	/* Created with a real Set-Cookie, as a page would. */
	const char *h = "pref=1; Max-Age=3600; Path=/; SameSite=Lax";
	cr_assert_eq(bsim_jar_set_cookie(j, "https://www.shop.com/", h, strlen(h), NULL), 0);
}

static void fill_map(storage_map *m)
{
	local_set(m, "https://www.shop.com:443", "genesys.widgets.state", "{\"open\":true}");
	local_set(m, "https://www.shop.com:443", "a", "");
	local_set(m, "https://www.shop.com:443", "ключ", "значение");
	local_set(m, "http://store.shop.com:8080", "z", "last");
}

/* ---- snapshots to compare ---- */

typedef struct cookie_copy {
	char *name, *value, *domain, *path, *partition_key;
	int host_only, secure, http_only, persistent;
	bsim_samesite same_site;
	bsim_priority priority;
	bsim_time expires, creation, last_access;
} cookie_copy;

typedef struct snapshot {
	cookie_copy cookies[64];
	size_t n;
	char items[64][3][128];
	size_t n_items;
} snapshot;

static int copy_cookie(const bsim_cookie_view *v, void *ud)
{
	snapshot *s = ud;
	cr_assert(s->n < 64);
	cookie_copy *c = &s->cookies[s->n++];
	c->name = strdup(v->name);
	c->value = strdup(v->value);
	c->domain = strdup(v->domain);
	c->path = strdup(v->path);
	c->partition_key = v->partition_key ? strdup(v->partition_key) : NULL;
	c->host_only = v->host_only;
	c->secure = v->secure;
	c->http_only = v->http_only;
	c->persistent = v->persistent;
	c->same_site = v->same_site;
	c->priority = v->priority;
	c->expires = v->persistent ? v->expires : 0;
	c->creation = v->creation;
	c->last_access = v->last_access;
	return 0;
}

static int copy_origin(const char *origin, const storage_area *a, void *ud)
{
	snapshot *s = ud;
	for (size_t i = 0; i < storage_area_length(a); i++) {
		cr_assert(s->n_items < 64);
		const char *k = storage_area_key(a, i);
		snprintf(s->items[s->n_items][0], 128, "%s", origin);
		snprintf(s->items[s->n_items][1], 128, "%s", k);
		snprintf(s->items[s->n_items][2], 128, "%s", storage_area_get(a, k));
		s->n_items++;
	}
	return 0;
}

static snapshot *take(bsim_jar *j, storage_map *m)
{
	snapshot *s = calloc(1, sizeof *s);
	cr_assert_eq(bsim_jar_foreach(j, copy_cookie, s), 0);
	if (m)
		cr_assert_eq(storage_map_foreach(m, copy_origin, s), 0);
	return s;
}

static void free_snapshot(snapshot *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->cookies[i].name);
		free(s->cookies[i].value);
		free(s->cookies[i].domain);
		free(s->cookies[i].path);
		free(s->cookies[i].partition_key);
	}
	free(s);
}

static void expect_same(const snapshot *a, const snapshot *b)
{
	cr_expect_eq(a->n, b->n, "cookie count %zu != %zu", a->n, b->n);
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		const cookie_copy *x = &a->cookies[i], *y = &b->cookies[i];
		cr_expect_str_eq(x->name, y->name, "cookie %zu name", i);
		cr_expect_str_eq(x->value, y->value, "cookie %zu value", i);
		cr_expect_str_eq(x->domain, y->domain, "cookie %zu domain", i);
		cr_expect_str_eq(x->path, y->path, "cookie %zu path", i);
		cr_expect_eq(!x->partition_key, !y->partition_key, "cookie %zu partition_key presence", i);
		if (x->partition_key && y->partition_key)
			cr_expect_str_eq(x->partition_key, y->partition_key, "cookie %zu partition_key", i);
		cr_expect_eq(x->host_only, y->host_only, "cookie %zu host_only", i);
		cr_expect_eq(x->secure, y->secure, "cookie %zu secure", i);
		cr_expect_eq(x->http_only, y->http_only, "cookie %zu http_only", i);
		cr_expect_eq(x->persistent, y->persistent, "cookie %zu persistent", i);
		cr_expect_eq(x->same_site, y->same_site, "cookie %zu same_site", i);
		cr_expect_eq(x->priority, y->priority, "cookie %zu priority", i);
		cr_expect_eq(x->expires, y->expires, "cookie %zu expires", i);
		cr_expect_eq(x->creation, y->creation, "cookie %zu creation", i);
		cr_expect_eq(x->last_access, y->last_access, "cookie %zu last_access", i);
	}
	cr_expect_eq(a->n_items, b->n_items, "item count %zu != %zu", a->n_items, b->n_items);
	for (size_t i = 0; i < a->n_items && i < b->n_items; i++)
		for (int k = 0; k < 3; k++)
			cr_expect_str_eq(a->items[i][k], b->items[i][k], "item %zu field %d", i, k);
}

/* ---- round trips ---- */

Test(profile, round_trip_keeps_every_field_of_every_cookie_and_item)
{
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
		bsim_jar *j = new_jar((bsim_engine)e);
		storage_map *m = new_map((bsim_engine)e);
		fill_jar(j);
		fill_map(m);
		snapshot *before = take(j, m);
		cr_assert_eq(before->n, 5);
		cr_assert_eq(before->n_items, 4);
		const char *p = in_dir(0, "profile.db");
		cr_assert_eq(profile_save(p, j, m, (bsim_engine)e), 0, "%s", bsim_error_last()->message);

		bsim_jar *j2 = new_jar((bsim_engine)e);
		storage_map *m2 = new_map((bsim_engine)e);
		cr_assert_eq(profile_load(p, j2, &m2, (bsim_engine)e), 0, "%s", bsim_error_last()->message);
		snapshot *after = take(j2, m2);
		expect_same(before, after);
		free_snapshot(before);
		free_snapshot(after);
		bsim_jar_free(j);
		bsim_jar_free(j2);
		storage_map_free(m);
		storage_map_free(m2);
	}
}

Test(profile, load_replaces_what_the_jar_and_storage_held)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m = new_map(BSIM_ENGINE_CHROMIUM);
	fill_jar(j);
	fill_map(m);
	const char *p = in_dir(0, "profile.db");
	cr_assert_eq(profile_save(p, j, m, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	snapshot *saved = take(j, m);

	bsim_jar *j2 = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m2 = new_map(BSIM_ENGINE_CHROMIUM);
	restore(j2, (bsim_cookie_view){.name = "old", .value = "1", .domain = "other.com", .path = "/", .host_only = 1,
				       .creation = T0, .last_access = T0});
	local_set(m2, "https://other.com:443", "old", "1");
	cr_assert_eq(profile_load(p, j2, &m2, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	snapshot *loaded = take(j2, m2);
	expect_same(saved, loaded);
	free_snapshot(saved);
	free_snapshot(loaded);
	bsim_jar_free(j);
	bsim_jar_free(j2);
	storage_map_free(m);
	storage_map_free(m2);
}

Test(profile, empty_state_round_trips)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_FIREFOX);
	storage_map *m = new_map(BSIM_ENGINE_FIREFOX);
	const char *p = in_dir(0, "empty.db");
	cr_assert_eq(profile_save(p, j, m, BSIM_ENGINE_FIREFOX), 0, "%s", bsim_error_last()->message);
	restore(j, (bsim_cookie_view){.name = "x", .value = "1", .domain = "a.com", .path = "/", .host_only = 1});
	cr_assert_eq(profile_load(p, j, &m, BSIM_ENGINE_FIREFOX), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(bsim_jar_count(j), 0);
	snapshot *s = take(j, m);
	cr_expect_eq(s->n_items, 0);
	free_snapshot(s);
	bsim_jar_free(j);
	storage_map_free(m);
}

Test(profile, expired_cookies_are_left_out)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	restore(j, (bsim_cookie_view){.name = "gone", .value = "1", .domain = "a.com", .path = "/", .host_only = 1,
				      .persistent = 1, .expires = T0 + DAY, .creation = T0, .last_access = T0});
	restore(j, (bsim_cookie_view){.name = "kept", .value = "1", .domain = "a.com", .path = "/", .host_only = 1,
				      .persistent = 1, .expires = T0 + 100 * DAY, .creation = T0, .last_access = T0});
	const char *p = in_dir(0, "p.db");
	cr_assert_eq(profile_save(p, j, NULL, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	bsim_jar *j2 = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m2 = new_map(BSIM_ENGINE_CHROMIUM);
	cr_assert_eq(profile_load(p, j2, &m2, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	snapshot *s = take(j2, NULL);
	cr_assert_eq(s->n, 1);
	cr_expect_str_eq(s->cookies[0].name, "kept");
	free_snapshot(s);
	bsim_jar_free(j);
	bsim_jar_free(j2);
	storage_map_free(m2);
}

/*
 * Found by tests/fuzz (fuzz_set_cookie): Firefox stores an HTAB inside a
 * value (P1; RFC 6265bis §5.6 step 1 voids every CTL but HTAB), and bsim
 * refused to load the profile it had saved ("contains a control
 * character"). A path with one is refused by Set-Cookie now (Firefox
 * CookieValidation) but a restored jar may hold it. Any other control
 * character is still refused.
 */
Test(profile, p1_a_firefox_cookie_with_an_htab_inside_round_trips)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_FIREFOX);
	bsim_cookie_view pathed = {.name = "a", .value = "b", .domain = "[::1]", .path = "/x\ty", .host_only = 1};
	cr_assert_eq(bsim_jar_restore(j, &pathed), 0, "%s", bsim_error_last()->message);
	static const char tabbed[] = "t=1\t2; Path=/";
	cr_assert_eq(bsim_jar_set_cookie(j, "https://[::1]/", tabbed, sizeof tabbed - 1, NULL), 0);
	cr_assert_eq(bsim_jar_count(j), 2, "Firefox keeps both cookies");
	const char *p = in_dir(0, "tab.db");
	cr_assert_eq(profile_save(p, j, NULL, BSIM_ENGINE_FIREFOX), 0, "%s", bsim_error_last()->message);
	bsim_jar *j2 = new_jar(BSIM_ENGINE_FIREFOX);
	storage_map *m2 = new_map(BSIM_ENGINE_FIREFOX);
	cr_assert_eq(profile_load(p, j2, &m2, BSIM_ENGINE_FIREFOX), 0, "%s", bsim_error_last()->message);
	snapshot *s = take(j2, NULL);
	cr_assert_eq(s->n, 2);
	cr_expect_str_eq(s->cookies[0].path, "/x\ty");
	cr_expect_str_eq(s->cookies[1].value, "1\t2");
	free_snapshot(s);

	bsim_cookie_view bad = {.name = "c", .value = "1\0012", .domain = "a.com", .path = "/", .host_only = 1};
	cr_expect_eq(bsim_jar_restore(j2, &bad), BSIM_EINVAL);
	cr_expect_str_eq(bsim_error_last()->message, "cookie c contains a control character");
	bsim_jar_free(j);
	bsim_jar_free(j2);
	storage_map_free(m2);
}

Test(profile, a_profile_moves_between_engines)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_SAFARI);
	fill_jar(j);
	const char *p = in_dir(0, "p.db");
	cr_assert_eq(profile_save(p, j, NULL, BSIM_ENGINE_SAFARI), 0, "%s", bsim_error_last()->message);
	bsim_jar *j2 = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m2 = new_map(BSIM_ENGINE_CHROMIUM);
	cr_expect_eq(profile_load(p, j2, &m2, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(bsim_jar_count(j2), 5);
	bsim_jar_free(j);
	bsim_jar_free(j2);
	storage_map_free(m2);
}

Test(profile, the_schema_is_the_documented_one)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_FIREFOX);
	fill_jar(j);
	const char *p = in_dir(0, "p.db");
	cr_assert_eq(profile_save(p, j, NULL, BSIM_ENGINE_FIREFOX), 0, "%s", bsim_error_last()->message);
	sqlite3 *db = NULL;
	cr_assert_eq(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT group_concat(key || '=' || value, ' ') FROM meta", -1, &st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "schema_version=1 engine=firefox");
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT group_concat(name, ' ') FROM (SELECT name FROM cookies ORDER BY seq)", -1,
					&st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	/* Creation order, not insertion into the jar's buckets. */
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "sid theme chat  pref");
	sqlite3_finalize(st);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT same_site, priority, partition_key, expires IS NULL FROM cookies WHERE name = 'chat'",
					-1, &st, NULL),
		     SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 0), "none");
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 1), "medium");
	cr_expect_str_eq((const char *)sqlite3_column_text(st, 2), "https://shop.com");
	cr_expect_eq(sqlite3_column_int(st, 3), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	struct stat sb;
	cr_assert_eq(stat(p, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600, "a profile holds credentials: mode %o", sb.st_mode & 0777);
	bsim_jar_free(j);
}

/* ---- atomic saves ---- */

/* An old profile at p, its bytes in *old. */
static char *old_profile(const char *p, size_t *len)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	restore(j, (bsim_cookie_view){.name = "old", .value = "1", .domain = "a.com", .path = "/", .host_only = 1,
				      .creation = T0, .last_access = T0});
	cr_assert_eq(profile_save(p, j, NULL, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	bsim_jar_free(j);
	return read_all(p, len);
}

static void expect_unchanged(const char *p, const char *old, size_t old_len)
{
	size_t len;
	char *now = read_all(p, &len);
	cr_expect_eq(len, old_len, "the profile changed size: %zu -> %zu", old_len, len);
	cr_expect(len == old_len && memcmp(now, old, len) == 0, "the profile's bytes changed");
	free(now);
}

Test(profile, a_save_failing_at_any_step_leaves_the_old_profile)
{
	static const struct {
		profile_fault fault;
		const char *message; /* after "cannot save profile P: " */
	} cases[] = {
		{PROFILE_FAULT_COMMIT, "committing: failure injected by a test"},
		{PROFILE_FAULT_FSYNC, "flushing"},
		{PROFILE_FAULT_RENAME, "cannot replace it with"},
	};
	const char *p = in_dir(0, "p.db");
	size_t old_len;
	char *old = old_profile(p, &old_len);
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m = new_map(BSIM_ENGINE_CHROMIUM);
	fill_jar(j);
	fill_map(m);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		profile_set_fault(cases[i].fault);
		int rc = profile_save(p, j, m, BSIM_ENGINE_CHROMIUM);
		profile_set_fault(PROFILE_FAULT_NONE);
		cr_expect_eq(rc, BSIM_EIO, "case %zu: rc %d", i, rc);
		char prefix[512];
		snprintf(prefix, sizeof prefix, "cannot save profile %s: %s", p, cases[i].message);
		cr_expect(strncmp(bsim_error_last()->message, prefix, strlen(prefix)) == 0, "case %zu: %s", i,
			  bsim_error_last()->message);
		expect_unchanged(p, old, old_len);
		char *ls = dir_listing();
		cr_expect_str_eq(ls, "p.db ", "case %zu: the temporary file was left behind", i);
		free(ls);
	}
	/* And a save that succeeds after them replaces it. */
	cr_assert_eq(profile_save(p, j, m, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	size_t len;
	char *now = read_all(p, &len);
	cr_expect(len != old_len || memcmp(now, old, len) != 0);
	free(now);
	free(old);
	bsim_jar_free(j);
	storage_map_free(m);
}

Test(profile, a_full_disk_leaves_the_old_profile)
{
	const char *p = in_dir(0, "p.db");
	size_t old_len;
	char *old = old_profile(p, &old_len);
	bsim_jar *j = new_jar(BSIM_ENGINE_SAFARI);
	char value[4000];
	memset(value, 'v', sizeof value - 1);
	value[sizeof value - 1] = '\0';
	for (int i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof name, "c%d", i);
		restore(j, (bsim_cookie_view){.name = name, .value = value, .domain = "a.com", .path = "/",
					      .host_only = 1, .creation = T0, .last_access = T0});
	}
	/* A file size limit far below the new profile's ~400 KB: writes past it fail as on a full disk. */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit was, lim = {64 * 1024, 64 * 1024};
	getrlimit(RLIMIT_FSIZE, &was);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	int rc = profile_save(p, j, NULL, BSIM_ENGINE_SAFARI);
	setrlimit(RLIMIT_FSIZE, &was);
	cr_expect_eq(rc, BSIM_EIO, "rc %d: %s", rc, bsim_error_last()->message);
	char prefix[512];
	snprintf(prefix, sizeof prefix, "cannot save profile %s: ", p);
	cr_expect(strncmp(bsim_error_last()->message, prefix, strlen(prefix)) == 0, "%s", bsim_error_last()->message);
	expect_unchanged(p, old, old_len);
	char *ls = dir_listing();
	cr_expect_str_eq(ls, "p.db ");
	free(ls);
	free(old);
	bsim_jar_free(j);
}

Test(profile, a_save_into_a_missing_directory_creates_nothing)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	fill_jar(j);
	const char *p = in_dir(0, "no-such-dir/p.db");
	cr_assert_eq(profile_save(p, j, NULL, BSIM_ENGINE_CHROMIUM), BSIM_EIO);
	char want[512];
	snprintf(want, sizeof want, "cannot save profile %s: cannot create a temporary file in %s/no-such-dir: No such file or directory",
		 p, dir);
	cr_expect_str_eq(bsim_error_last()->message, want);
	char *ls = dir_listing();
	cr_expect_str_eq(ls, "");
	free(ls);
	bsim_jar_free(j);
}

Test(profile, a_save_over_a_directory_fails_and_cleans_up)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	fill_jar(j);
	const char *p = in_dir(0, "taken");
	cr_assert_eq(mkdir(p, 0700), 0);
	cr_assert_eq(mkdir(in_dir(1, "taken/inside"), 0700), 0);
	cr_expect_eq(profile_save(p, j, NULL, BSIM_ENGINE_CHROMIUM), BSIM_EIO);
	cr_expect(strstr(bsim_error_last()->message, "it is a directory; expected a file name") != NULL, "%s",
		  bsim_error_last()->message);
	char *ls = dir_listing();
	cr_expect_str_eq(ls, "taken ");
	free(ls);
	rmdir(in_dir(1, "taken/inside"));
	bsim_jar_free(j);
}

/* ---- corrupt, foreign and newer files ---- */

/* A good profile at p. */
static void good_profile(const char *p)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m = new_map(BSIM_ENGINE_CHROMIUM);
	fill_jar(j);
	fill_map(m);
	cr_assert_eq(profile_save(p, j, m, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	bsim_jar_free(j);
	storage_map_free(m);
}

static void run_sql(const char *p, const char *sql)
{
	sqlite3 *db = NULL;
	cr_assert_eq(sqlite3_open(p, &db), SQLITE_OK);
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, err ? err : "");
	sqlite3_close(db);
}

static void make_empty(const char *p) { write_all(p, "", 0); }
static void make_garbage(const char *p)
{
	const char *g = "name\tvalue\nnot a database at all\n";
	write_all(p, g, strlen(g));
}
static void make_header_only(const char *p) { write_all(p, "SQLite format 3\0\x10\0", 18); }

static void cut_to(const char *p, size_t keep)
{
	size_t len;
	char *data = read_all(p, &len);
	cr_assert(keep < len);
	write_all(p, data, keep);
	free(data);
}

static void make_truncated_mid_page(const char *p) { good_profile(p); cut_to(p, 4096 + 1000); }
static void make_truncated_at_page(const char *p) { good_profile(p); cut_to(p, 8192); }

static void make_damaged_pages(const char *p)
{
	good_profile(p);
	size_t len;
	char *data = read_all(p, &len);
	/* Scribble over every page after the first (the schema stays readable, the tables do not). */
	for (size_t i = 4096 + 8; i < len; i++)
		data[i] = (char)(i * 7);
	write_all(p, data, len);
	free(data);
}

static void make_firefox(const char *p)
{
	run_sql(p, "CREATE TABLE moz_cookies (id INTEGER PRIMARY KEY, originAttributes TEXT NOT NULL DEFAULT '',"
		   " name TEXT, value TEXT, host TEXT, path TEXT, expiry INTEGER, lastAccessed INTEGER,"
		   " creationTime INTEGER, isSecure INTEGER, isHttpOnly INTEGER); PRAGMA user_version = 17;"
		   "INSERT INTO moz_cookies VALUES (1, '', 'a', 'b', '.shop.com', '/', 1, 1, 1, 0, 0);");
}

static void make_chromium(const char *p)
{
	run_sql(p, "CREATE TABLE meta(key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value LONGVARCHAR);"
		   "INSERT INTO meta VALUES ('version', '24'), ('last_compatible_version', '24');"
		   "CREATE TABLE cookies(creation_utc INTEGER NOT NULL, host_key TEXT NOT NULL, name TEXT NOT NULL,"
		   " value TEXT NOT NULL, path TEXT NOT NULL, expires_utc INTEGER NOT NULL);");
}

static void make_newer(const char *p) { good_profile(p); run_sql(p, "UPDATE meta SET value = '2' WHERE key = 'schema_version'"); }
static void make_bad_version(const char *p) { good_profile(p); run_sql(p, "UPDATE meta SET value = 'one' WHERE key = 'schema_version'"); }
static void make_unknown_engine(const char *p) { good_profile(p); run_sql(p, "UPDATE meta SET value = 'opera' WHERE key = 'engine'"); }
static void make_no_table(const char *p) { good_profile(p); run_sql(p, "DROP TABLE local_storage"); }
static void make_no_column(const char *p) { good_profile(p); run_sql(p, "ALTER TABLE cookies DROP COLUMN priority"); }
static void make_view(const char *p) { good_profile(p); run_sql(p, "CREATE VIEW v AS SELECT name FROM cookies"); }
static void make_trigger(const char *p)
{
	good_profile(p);
	run_sql(p, "CREATE TRIGGER t AFTER UPDATE ON meta BEGIN DELETE FROM cookies; END");
}
static void make_virtual_table(const char *p)
{
	good_profile(p);
	run_sql(p, "DROP TABLE cookies; CREATE VIRTUAL TABLE cookies USING fts5(name, value)");
}
static void make_extra_index(const char *p) { good_profile(p); run_sql(p, "CREATE INDEX by_name ON cookies(name)"); }
static void make_newer_with_table(const char *p)
{
	make_newer(p);
	run_sql(p, "CREATE TABLE session_storage(origin TEXT, key TEXT, value TEXT)");
}
static void make_bad_path(const char *p) { good_profile(p); run_sql(p, "UPDATE cookies SET path = 'cart' WHERE seq = 2"); }

static void make_bad_flag(const char *p)
{
	good_profile(p);
	run_sql(p, "UPDATE cookies SET secure = 7 WHERE seq = 1");
}

static void make_bad_same_site(const char *p)
{
	good_profile(p);
	run_sql(p, "UPDATE cookies SET same_site = 'sometimes' WHERE seq = 3");
}

static void make_text_expires(const char *p) { good_profile(p); run_sql(p, "UPDATE cookies SET expires = 'soon' WHERE seq = 1"); }
static void make_bad_domain(const char *p) { good_profile(p); run_sql(p, "UPDATE cookies SET domain = 'Shop.COM' WHERE seq = 2"); }
static void make_long_value(const char *p)
{
	good_profile(p);
	run_sql(p, "UPDATE cookies SET value = replace(hex(zeroblob(2500)), '0', 'x') WHERE seq = 4");
}

static void make_repeated_cookie(const char *p)
{
	good_profile(p);
	run_sql(p, "INSERT INTO cookies SELECT 99, name, 'again', domain, path, host_only, secure, http_only,"
		   " persistent, same_site, priority, partition_key, expires, creation, last_access FROM cookies WHERE seq = 1");
}

static void make_blob_item(const char *p) { good_profile(p); run_sql(p, "UPDATE local_storage SET value = x'00ff' WHERE key = 'a'"); }

typedef struct corrupt_case {
	const char *name;
	void (*make)(const char *p);
	const char *message; /* after "profile P " */
} corrupt_case;

static const corrupt_case corrupt_cases[] = {
	{"empty", make_empty, "is empty, not an SQLite database"},
	{"garbage", make_garbage, "is not an SQLite database (it does not begin with \"SQLite format 3\")"},
	{"header only", make_header_only, "is truncated: 18 bytes, shorter than the 100-byte SQLite header"},
	{"truncated mid-page", make_truncated_mid_page, "is truncated: 5096 bytes is not a whole number of 4096-byte pages"},
	{"truncated at a page", make_truncated_at_page, "is truncated: its header promises "},
	{"damaged pages", make_damaged_pages, "is corrupt: SQLite's integrity check says \"*** in database main *** "},
	{"firefox cookies.sqlite", make_firefox, "is an SQLite database but not a bsim profile: it has no \"meta\" table"},
	{"chromium Cookies", make_chromium, "is not a bsim profile: its \"meta\" table is not the one bsim writes (schema 1)"},
	{"newer schema", make_newer, "was written by a newer bsim (schema 2; this build reads up to 1): upgrade bsim"},
	{"bad schema version", make_bad_version, "has schema_version \"one\" in its meta table, which no bsim writes"},
	{"unknown engine", make_unknown_engine,
	 "names engine \"opera\" in its meta table; bsim knows chromium, firefox and safari"},
	{"missing table", make_no_table,
	 "is not a complete bsim profile: it has no \"local_storage\" table (schema 1 has one)"},
	{"missing column", make_no_column,
	 "is not a profile bsim wrote: its table \"cookies\" is not defined as schema 1 defines it; "
	 "bsim reads only files whose schema is exactly the one it writes"},
	{"view", make_view,
	 "is not a profile bsim wrote: it has a view \"v\", which would run SQL from the file; "
	 "bsim reads only files whose schema is exactly the one it writes (schema 1), and runs no SQL a file carries"},
	{"trigger", make_trigger, "is not a profile bsim wrote: it has a trigger \"t\", which would run SQL from the file"},
	{"virtual table", make_virtual_table,
	 "is not a profile bsim wrote: it has a virtual table \"cookies\", which would run SQL from the file"},
	{"extra index", make_extra_index,
	 "is not a profile bsim wrote: it has an index \"by_name\" that schema 1 does not have"},
	{"newer schema with a new table", make_newer_with_table,
	 "was written by a newer bsim (schema 2; this build reads up to 1): upgrade bsim"},
	{"bad path", make_bad_path,
	 "has a bad cookie in row 2 (\"theme\" on \"shop.com\"): cookie theme: path \"cart\" does not start with '/'"},
	{"bad flag", make_bad_flag, "has a bad cookie in row 1 (\"sid\" on \"www.shop.com\"): secure is 7, expected 0 or 1"},
	{"bad same_site", make_bad_same_site,
	 "has a bad cookie in row 3 (\"chat\" on \"widget.example\"): same_site is \"sometimes\", expected unspecified, none, lax or strict"},
	{"text expires", make_text_expires,
	 "has a bad cookie in row 1 (\"sid\" on \"www.shop.com\"): expires is text, expected an integer"},
	{"domain not canonical", make_bad_domain,
	 "has a bad cookie in row 2 (\"theme\" on \"Shop.COM\"): cookie theme: domain \"Shop.COM\" is not canonical (expected \"shop.com\")"},
	{"value too long", make_long_value,
	 "has a bad cookie in row 4 (\"\" on \"shop.com\"): cookie (nameless): name and value are 5000 bytes, over the limit of 4096"},
	{"repeated cookie", make_repeated_cookie,
	 "has a bad cookie in row 6 (\"sid\" on \"www.shop.com\"): it repeats the name, domain, host-only flag, path and partition of an earlier row"},
	{"blob in localStorage", make_blob_item, "has a bad localStorage item in row "},
};

Test(profile, corrupt_foreign_and_newer_files_are_refused_and_left_alone)
{
	for (size_t i = 0; i < sizeof corrupt_cases / sizeof corrupt_cases[0]; i++) {
		const corrupt_case *c = &corrupt_cases[i];
		char name[32];
		snprintf(name, sizeof name, "case%zu.db", i);
		const char *p = in_dir(0, name);
		c->make(p);
		size_t old_len;
		char *old = read_all(p, &old_len);
		char *listing = dir_listing();

		bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
		storage_map *m = new_map(BSIM_ENGINE_CHROMIUM);
		restore(j, (bsim_cookie_view){.name = "mine", .value = "1", .domain = "mine.com", .path = "/",
					      .host_only = 1, .creation = T0, .last_access = T0});
		local_set(m, "https://mine.com:443", "k", "v");
		storage_map *m_before = m;
		snapshot *before = take(j, m);

		int rc = profile_load(p, j, &m, BSIM_ENGINE_CHROMIUM);
		cr_expect_eq(rc, BSIM_ECORRUPT, "%s: rc %d (%s)", c->name, rc, bsim_error_last()->message);
		char want[1024];
		snprintf(want, sizeof want, "profile %s %s", p, c->message);
		cr_expect(strncmp(bsim_error_last()->message, want, strlen(want)) == 0, "%s:\n got  %s\n want %s", c->name,
			  bsim_error_last()->message, want);
		cr_expect_str_eq(bsim_error_last()->file ? bsim_error_last()->file : "", p, "%s: error file", c->name);

		cr_expect_eq(m, m_before, "%s: the storage map was replaced", c->name);
		snapshot *after = take(j, m);
		expect_same(before, after);
		expect_unchanged(p, old, old_len);
		char *listing2 = dir_listing();
		cr_expect_str_eq(listing2, listing, "%s: a load left files behind", c->name);
		free(listing);
		free(listing2);
		free(old);
		free_snapshot(before);
		free_snapshot(after);
		bsim_jar_free(j);
		storage_map_free(m);
		unlink(p);
	}
}

Test(profile, a_missing_file_is_an_io_error_and_is_not_created)
{
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m = new_map(BSIM_ENGINE_CHROMIUM);
	const char *p = in_dir(0, "absent.db");
	cr_expect_eq(profile_load(p, j, &m, BSIM_ENGINE_CHROMIUM), BSIM_EIO);
	char want[512];
	snprintf(want, sizeof want, "cannot read profile %s: No such file or directory", p);
	cr_expect_str_eq(bsim_error_last()->message, want);
	char *ls = dir_listing();
	cr_expect_str_eq(ls, "");
	free(ls);
	bsim_jar_free(j);
	storage_map_free(m);
}

Test(profile, a_load_never_writes)
{
	const char *p = in_dir(0, "p.db");
	good_profile(p);
	cr_assert_eq(chmod(p, 0400), 0);
	struct stat st0, st1;
	cr_assert_eq(stat(p, &st0), 0);
	size_t old_len;
	char *old = read_all(p, &old_len);
	sleep(1); /* so a write would show in the modification time */
	for (int i = 0; i < 2; i++) {
		bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
		storage_map *m = new_map(BSIM_ENGINE_CHROMIUM);
		cr_expect_eq(profile_load(p, j, &m, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
		bsim_jar_free(j);
		storage_map_free(m);
	}
	cr_assert_eq(stat(p, &st1), 0);
	cr_expect_eq(st0.st_mtim.tv_sec, st1.st_mtim.tv_sec);
	cr_expect_eq(st0.st_mtim.tv_nsec, st1.st_mtim.tv_nsec);
	cr_expect_eq(st0.st_mode, st1.st_mode);
	expect_unchanged(p, old, old_len);
	char *ls = dir_listing();
	cr_expect_str_eq(ls, "p.db ", "no journal, -wal or -shm beside the profile");
	free(ls);
	free(old);
}

Test(profile, a_path_with_uri_characters_loads)
{
	const char *p = in_dir(0, "odd ?name#%20.db");
	good_profile(p);
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m = new_map(BSIM_ENGINE_CHROMIUM);
	cr_expect_eq(profile_load(p, j, &m, BSIM_ENGINE_CHROMIUM), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(bsim_jar_count(j), 5);
	char *ls = dir_listing();
	cr_expect_str_eq(ls, "odd ?name#%20.db ");
	free(ls);
	bsim_jar_free(j);
	storage_map_free(m);
}

Test(profile, a_file_past_the_size_limit_is_refused_unread)
{
	const char *p = in_dir(0, "huge.db");
	FILE *f = fopen(p, "wb");
	cr_assert(f);
	fclose(f);
	/* Sparse: 600 MiB that take no disk. */
	cr_assert_eq(truncate(p, (off_t)600 * 1024 * 1024), 0);
	bsim_jar *j = new_jar(BSIM_ENGINE_CHROMIUM);
	storage_map *m = new_map(BSIM_ENGINE_CHROMIUM);
	cr_expect_eq(profile_load(p, j, &m, BSIM_ENGINE_CHROMIUM), BSIM_ELIMIT);
	char want[512];
	snprintf(want, sizeof want, "profile %s is 629145600 bytes, over the 536870912 bytes a bsim profile may take", p);
	cr_expect_str_eq(bsim_error_last()->message, want);
	bsim_jar_free(j);
	storage_map_free(m);
}

/* ---- through the browser (include/bsim/browser.h) ---- */

static bsim_browser *browser_on(const char *profile)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.open_resolution = 1;
	o.profile_path = profile;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0, "%s", bsim_error_last()->message);
	return b;
}

Test(profile, a_restart_goes_through_the_profile_file)
{
	const char *p = in_dir(0, "browser.db");
	bsim_browser *b = browser_on(p);
	const char *set[] = {"keep=1; Max-Age=86400", "session=1"};
	bsim_response r = {set, 2};
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://www.shop.com/", &r), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(bsim_storage_set(b, tab, BSIM_STORAGE_LOCAL, "k", "v"), 0);
	cr_assert_eq(bsim_browser_close(b), 0, "%s", bsim_error_last()->message);
	bsim_browser_free(b);

	/* A new browser on the same profile: persistent cookies and localStorage, no session cookie (C1, W7). */
	b = browser_on(p);
	cr_assert_eq(bsim_tab_open(&tab, b, "https://www.shop.com/", NULL), 0, "%s", bsim_error_last()->message);
	char *cookie = NULL, *item = NULL;
	cr_assert_eq(bsim_script_cookie_get(&cookie, b, tab), 0);
	cr_expect_str_eq(cookie, "keep=1");
	cr_assert_eq(bsim_storage_get(&item, b, tab, BSIM_STORAGE_LOCAL, "k"), 0);
	cr_expect_str_eq(item ? item : "(null)", "v");
	free(cookie);
	free(item);
	bsim_browser_free(b);
}

Test(profile, a_browser_refuses_a_corrupt_profile_and_keeps_its_state)
{
	const char *p = in_dir(0, "newer.db");
	good_profile(p);
	run_sql(p, "UPDATE meta SET value = '7' WHERE key = 'schema_version'");
	bsim_browser *b = browser_on(NULL);
	const char *set[] = {"mine=1; Max-Age=86400"};
	bsim_response r = {set, 1};
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://mine.com/", &r), 0, "%s", bsim_error_last()->message);
	cr_expect_eq(bsim_browser_load_profile(b, p), BSIM_ECORRUPT);
	char want[512];
	snprintf(want, sizeof want, "profile %s was written by a newer bsim (schema 7; this build reads up to 1): upgrade bsim", p);
	cr_expect_str_eq(bsim_error_last()->message, want);
	char *cookie = NULL;
	cr_assert_eq(bsim_script_cookie_get(&cookie, b, tab), 0);
	cr_expect_str_eq(cookie, "mine=1");
	free(cookie);
	bsim_browser_free(b);
}
