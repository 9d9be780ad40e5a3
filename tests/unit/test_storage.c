/*
 * test_storage.c: Web Storage areas and maps (sim/browser/storage.h):
 * UTF-16 counting and each engine's quota (W2), refusals that keep the old
 * value (W3), which writes count as changes (W4), key() order, and the deep
 * copy window.open makes (W5). Test names carry the browser-rules.md row.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/error.h"
#include "browser/storage.h"

#define O_WWW "https://www.shop.com:443"
#define SITE "https://shop.com"

static const bsim_engine engines[] = {BSIM_ENGINE_CHROMIUM, BSIM_ENGINE_FIREFOX, BSIM_ENGINE_SAFARI};
#define N_ENGINES (sizeof engines / sizeof engines[0])

static storage_map *map_for(bsim_engine e, storage_kind k)
{
	storage_map *m = NULL;
	int rc = storage_map_new(&m, e, k);
	cr_assert_eq(rc, 0, "storage_map_new: %s", bsim_error_last()->message);
	cr_assert_not_null(m);
	return m;
}

/* setItem that must succeed; returns whether it counted as a change. */
static bool set_ok(storage_map *m, const char *origin, const char *site, const char *key, const char *value)
{
	storage_change ch = {true, NULL};
	int rc = storage_map_set(m, origin, site, key, value, &ch);
	cr_assert_eq(rc, 0, "set %s on %s: %s", key, origin, bsim_error_last()->message);
	free(ch.old_value);
	return ch.changed;
}

/* `count` copies of the UTF-8 text `unit`, allocated. */
static char *repeat(const char *unit, size_t count)
{
	size_t ul = strlen(unit);
	char *s = malloc(ul * count + 1);
	cr_assert_not_null(s);
	for (size_t i = 0; i < count; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * count] = '\0';
	return s;
}

/* ---- W2: counting ---- */

typedef struct count_row {
	const char *name;
	const char *text;
	size_t chromium; /* bytes: 2 per UTF-16 unit */
	size_t firefox;  /* UTF-16 units */
	size_t safari;   /* bytes: 1 per char when all Latin-1, else 2 per unit */
} count_row;

static const count_row count_rows[] = {
	{"empty", "", 0, 0, 0},
	{"ascii", "abc", 6, 3, 3},
	{"utf8_2byte_latin1", "\xc3\xa9", 2, 1, 1},            /* é U+00E9 */
	{"utf8_2byte_greek", "\xce\xb1", 2, 1, 2},             /* α U+03B1 */
	{"utf8_3byte", "\xe2\x82\xac", 2, 1, 2},               /* € U+20AC */
	{"utf8_4byte_astral", "\xf0\x9f\x98\x80", 4, 2, 4},    /* 😀 U+1F600: a surrogate pair */
	{"mixed", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10, 5, 10},
	{"latin1_mixed", "caf\xc3\xa9", 8, 4, 4},
	/* Invalid UTF-8: one U+FFFD per maximal invalid subsequence (WHATWG decoder). */
	{"invalid_lone_ff", "\xff", 2, 1, 2},
	{"invalid_lone_continuation", "\x80", 2, 1, 2},
	{"invalid_truncated_2", "\xc3", 2, 1, 2},
	{"invalid_truncated_3", "\xe2\x82", 2, 1, 2},
	{"invalid_truncated_then_ascii", "\xe2\x82" "A", 4, 2, 4},
	{"invalid_overlong", "\xc0\x80", 4, 2, 4},
	{"invalid_overlong_3byte", "\xe0\x80\x80", 6, 3, 6},
	{"invalid_surrogate", "\xed\xa0\x80", 6, 3, 6},
	{"invalid_above_10ffff", "\xf4\x90\x80\x80", 8, 4, 8},
	{"invalid_in_ascii", "a\xff" "b", 6, 3, 6},
};

Test(storage, w2_utf16_counting_table)
{
	for (size_t i = 0; i < sizeof count_rows / sizeof count_rows[0]; i++) {
		const count_row *r = &count_rows[i];
		size_t want[N_ENGINES] = {r->chromium, r->firefox, r->safari};
		for (size_t e = 0; e < N_ENGINES; e++) {
			storage_map *m = map_for(engines[e], STORAGE_LOCAL);
			/* The empty key counts nothing, so the usage is the value's alone. */
			set_ok(m, O_WWW, SITE, "", r->text);
			storage_area *a = storage_map_find(m, O_WWW);
			cr_expect_eq(storage_area_usage(a), want[e], "%s in %s: usage %zu, expected %zu", r->name,
				     bsim_engine_name(engines[e]), storage_area_usage(a), want[e]);
			cr_expect_str_eq(storage_area_get(a, ""), r->text, "%s: stored as given", r->name);
			storage_map_free(m);
		}
	}
}

Test(storage, w2_key_and_value_both_count)
{
	for (size_t e = 0; e < N_ENGINES; e++) {
		storage_map *m = map_for(engines[e], STORAGE_LOCAL);
		set_ok(m, O_WWW, SITE, "key", "value");
		size_t want = engines[e] == BSIM_ENGINE_FIREFOX ? 8 : engines[e] == BSIM_ENGINE_SAFARI ? 8 : 16;
		cr_expect_eq(storage_area_usage(storage_map_find(m, O_WWW)), want, "%s",
			     bsim_engine_name(engines[e]));
		/* Overwriting counts the key once. */
		set_ok(m, O_WWW, SITE, "key", "v");
		want = engines[e] == BSIM_ENGINE_CHROMIUM ? 8 : 4;
		cr_expect_eq(storage_area_usage(storage_map_find(m, O_WWW)), want, "%s after overwrite",
			     bsim_engine_name(engines[e]));
		storage_change ch;
		cr_assert_eq(storage_map_remove(m, O_WWW, "key", &ch), 0);
		free(ch.old_value);
		cr_expect_eq(storage_area_usage(storage_map_find(m, O_WWW)), 0);
		storage_map_free(m);
	}
}

/* ---- W2: quotas per engine and kind, at the limit and one unit over ---- */

typedef struct quota_row {
	const char *name;
	bsim_engine engine;
	storage_kind kind;
	size_t quota;      /* storage_map_quota */
	const char *unit;  /* storage_map_quota_unit */
	const char *fill;  /* the value is made of this text */
	size_t fill_cost;  /* what one `fill` costs in this engine */
	size_t site_quota; /* storage_map_site_quota */
} quota_row;

static const quota_row quota_rows[] = {
	{"chromium_local_ascii", BSIM_ENGINE_CHROMIUM, STORAGE_LOCAL, 10485760, "bytes", "a", 2, 0},
	{"chromium_session_ascii", BSIM_ENGINE_CHROMIUM, STORAGE_SESSION, 10485760, "bytes", "a", 2, 0},
	{"chromium_local_euro", BSIM_ENGINE_CHROMIUM, STORAGE_LOCAL, 10485760, "bytes", "\xe2\x82\xac", 2, 0},
	{"firefox_local_ascii", BSIM_ENGINE_FIREFOX, STORAGE_LOCAL, 5242880, "UTF-16 code units", "a", 1, 26214400},
	{"firefox_session_ascii", BSIM_ENGINE_FIREFOX, STORAGE_SESSION, 5242880, "UTF-16 code units", "a", 1, 0},
	{"firefox_local_euro", BSIM_ENGINE_FIREFOX, STORAGE_LOCAL, 5242880, "UTF-16 code units", "\xe2\x82\xac", 1,
	 26214400},
	{"safari_local_ascii", BSIM_ENGINE_SAFARI, STORAGE_LOCAL, 5242880, "bytes", "a", 1, 0},
	{"safari_session_ascii", BSIM_ENGINE_SAFARI, STORAGE_SESSION, 5242880, "bytes", "a", 1, 0},
	{"safari_local_euro", BSIM_ENGINE_SAFARI, STORAGE_LOCAL, 5242880, "bytes", "\xe2\x82\xac", 2, 0},
};

/*
 * The key "k" costs 1 unit in firefox and safari, 2 bytes in chromium; the
 * value fills the rest. Exactly at the quota is accepted; the smallest step
 * over (one more character) is refused with BSIM_EQUOTA.
 */
Test(storage, w2_quota_at_limit_and_one_over_table)
{
	for (size_t i = 0; i < sizeof quota_rows / sizeof quota_rows[0]; i++) {
		const quota_row *r = &quota_rows[i];
		storage_map *m = map_for(r->engine, r->kind);
		cr_expect_eq(storage_map_quota(m), r->quota, "%s: quota %zu", r->name, storage_map_quota(m));
		cr_expect_eq(storage_map_site_quota(m), r->site_quota, "%s: site quota", r->name);
		cr_expect_str_eq(storage_map_quota_unit(m), r->unit, "%s: unit", r->name);
		size_t key_cost = r->engine == BSIM_ENGINE_CHROMIUM ? 2 : 1;
		size_t room = r->quota - key_cost;
		size_t n = room / r->fill_cost;
		/* With a 2-byte fill in safari the room is odd: the key plus n fills fall 1 short. */
		size_t exact = key_cost + n * r->fill_cost;
		char *at = repeat(r->fill, n);
		storage_change ch;
		int rc = storage_map_set(m, O_WWW, SITE, "k", at, &ch);
		cr_expect_eq(rc, 0, "%s: %zu at the limit refused: %s", r->name, exact, bsim_error_last()->message);
		free(ch.old_value);
		cr_expect_eq(storage_area_usage(storage_map_find(m, O_WWW)), exact, "%s: usage", r->name);
		free(at);

		char *over = repeat(r->fill, n + 1);
		rc = storage_map_set(m, O_WWW, SITE, "k", over, &ch);
		cr_expect_eq(rc, BSIM_EQUOTA, "%s: one over accepted (rc %d)", r->name, rc);
		cr_expect_not(ch.changed, "%s", r->name);
		cr_expect_null(ch.old_value, "%s", r->name);
		cr_expect_eq(storage_area_usage(storage_map_find(m, O_WWW)), exact, "%s: usage after refusal", r->name);
		free(over);
		storage_map_free(m);
	}
}

Test(storage, w2_quota_exact_fit_with_odd_bytes_safari)
{
	/* 5 MiB = "k" (1 byte) + 2621439 "€" (2 bytes each) + "a" would mix widths in one
	 * string (counting 2 each); use two items to reach the exact byte instead. */
	storage_map *m = map_for(BSIM_ENGINE_SAFARI, STORAGE_LOCAL);
	char *euros = repeat("\xe2\x82\xac", 2621439); /* 5242878 bytes */
	set_ok(m, O_WWW, NULL, "", euros);
	set_ok(m, O_WWW, NULL, "k", ""); /* 1 byte: 5242879 */
	set_ok(m, O_WWW, NULL, "l", ""); /* 5242880: exactly the quota */
	storage_change ch;
	cr_expect_eq(storage_map_set(m, O_WWW, NULL, "m", "", &ch), BSIM_EQUOTA);
	free(euros);
	storage_map_free(m);
}

Test(storage, w2_same_size_overwrite_at_full_quota_is_accepted)
{
	for (size_t e = 0; e < N_ENGINES; e++) {
		storage_map *m = map_for(engines[e], STORAGE_LOCAL);
		size_t n = storage_map_quota(m) / (engines[e] == BSIM_ENGINE_CHROMIUM ? 2 : 1) - 1;
		char *full = repeat("a", n);
		set_ok(m, O_WWW, SITE, "k", full);
		/* Only a write that grows the usage is checked (Blink SetItemInternal, Firefox ProcessUsageDelta). */
		full[0] = 'b';
		cr_expect(set_ok(m, O_WWW, SITE, "k", full), "%s", bsim_engine_name(engines[e]));
		/* Shrinking is always allowed. */
		full[n - 1] = '\0';
		cr_expect(set_ok(m, O_WWW, SITE, "k", full), "%s", bsim_engine_name(engines[e]));
		/* ...and the freed unit can be used again. */
		cr_expect(set_ok(m, O_WWW, SITE, "", "z"), "%s", bsim_engine_name(engines[e]));
		storage_change ch;
		cr_expect_eq(storage_map_set(m, O_WWW, SITE, "", "zz", &ch), BSIM_EQUOTA, "%s",
			     bsim_engine_name(engines[e]));
		free(full);
		storage_map_free(m);
	}
}

Test(storage, w2_local_and_session_are_separate_areas)
{
	storage_map *local = map_for(BSIM_ENGINE_CHROMIUM, STORAGE_LOCAL);
	storage_map *session = map_for(BSIM_ENGINE_CHROMIUM, STORAGE_SESSION);
	char *big = repeat("a", 5242879);
	set_ok(local, O_WWW, SITE, "k", big);
	set_ok(session, O_WWW, SITE, "k", big);
	cr_expect_eq(storage_area_usage(storage_map_find(local, O_WWW)), 10485760);
	cr_expect_eq(storage_area_usage(storage_map_find(session, O_WWW)), 10485760);
	free(big);
	storage_map_free(local);
	storage_map_free(session);
}

Test(storage, w2_each_origin_has_its_own_quota_chromium)
{
	storage_map *m = map_for(BSIM_ENGINE_CHROMIUM, STORAGE_LOCAL);
	char *big = repeat("a", 5242879);
	const char *origins[] = {"https://a.shop.com:443", "https://b.shop.com:443", "https://c.shop.com:443",
				 "https://d.shop.com:443", "https://e.shop.com:443", "https://f.shop.com:443"};
	for (size_t i = 0; i < 6; i++)
		set_ok(m, origins[i], SITE, "k", big);
	cr_expect_eq(storage_map_site_usage(m, SITE), 0, "chromium keeps no site total");
	free(big);
	storage_map_free(m);
}

/* ---- W2: Firefox's cap on all origins of one site ---- */

static const char *const site_origins[] = {
	"https://a.shop.com:443", "https://b.shop.com:443", "https://c.shop.com:443",
	"https://d.shop.com:443", "https://e.shop.com:443", "https://f.shop.com:443",
};

Test(storage, w2_site_quota_at_limit_and_one_over_firefox)
{
	storage_map *m = map_for(BSIM_ENGINE_FIREFOX, STORAGE_LOCAL);
	/* Five full origins: 5 x 5242880 = 26214400, exactly the site quota. */
	char *full = repeat("a", 5242879);
	for (size_t i = 0; i < 5; i++)
		set_ok(m, site_origins[i], SITE, "k", full);
	cr_expect_eq(storage_map_site_usage(m, SITE), 26214400);

	storage_change ch;
	int rc = storage_map_set(m, site_origins[5], SITE, "", "x", &ch);
	cr_expect_eq(rc, BSIM_EQUOTA);
	cr_expect_str_eq(bsim_error_last()->message,
			 "localStorage quota exceeded on https://f.shop.com:443: 26214400 UTF-16 code units per site "
			 "https://shop.com in firefox (QuotaExceededError)");
	cr_expect_null(storage_map_find(m, site_origins[5]), "a refused write creates no area");
	/* The empty string costs nothing, so it still fits. */
	cr_expect(set_ok(m, site_origins[5], SITE, "", ""));

	/* Another site is not affected. */
	cr_expect(set_ok(m, "https://www.other.com:443", "https://other.com", "k", "v"));

	/* Removing from one origin frees room for the others. */
	cr_assert_eq(storage_map_remove(m, site_origins[0], "k", &ch), 0);
	free(ch.old_value);
	cr_expect_eq(storage_map_site_usage(m, SITE), 26214400 - 5242880);
	cr_expect(set_ok(m, site_origins[5], SITE, "x", ""));
	cr_expect_eq(storage_map_site_usage(m, SITE), 26214400 - 5242880 + 1);

	/* clear() gives it back too. */
	cr_assert_eq(storage_map_clear(m, site_origins[1], &ch), 0);
	cr_expect_eq(storage_map_site_usage(m, SITE), 26214400 - 2 * 5242880 + 1);
	free(full);
	storage_map_free(m);
}

Test(storage, w2_no_site_quota_for_session_storage_firefox)
{
	storage_map *m = map_for(BSIM_ENGINE_FIREFOX, STORAGE_SESSION);
	char *full = repeat("a", 5242879);
	for (size_t i = 0; i < 6; i++)
		set_ok(m, site_origins[i], SITE, "k", full);
	cr_expect_eq(storage_map_site_usage(m, SITE), 0);
	free(full);
	storage_map_free(m);
}

Test(storage, w2_site_joined_late_brings_its_usage_firefox)
{
	/* A profile load writes without a site; the first page write names it. */
	storage_map *m = map_for(BSIM_ENGINE_FIREFOX, STORAGE_LOCAL);
	set_ok(m, site_origins[0], NULL, "k", "vvvv"); /* 5 units */
	cr_expect_eq(storage_map_site_usage(m, SITE), 0);
	set_ok(m, site_origins[0], SITE, "l", "w"); /* +2 */
	cr_expect_eq(storage_map_site_usage(m, SITE), 7);
	/* Later writes without a site still count in the site it joined. */
	set_ok(m, site_origins[0], NULL, "m", "");
	cr_expect_eq(storage_map_site_usage(m, SITE), 8);
	storage_map_free(m);
}

/* ---- W3: over quota, QuotaExceededError and the old value stays ---- */

typedef struct w3_row {
	bsim_engine engine;
	storage_kind kind;
	size_t fill; /* ASCII characters in the value that is one unit over with key "k" */
	const char *message;
} w3_row;

static void w3_case(const w3_row *r)
{
	storage_map *m = map_for(r->engine, r->kind);
	set_ok(m, O_WWW, SITE, "k", "old");
	set_ok(m, O_WWW, SITE, "other", "x");
	size_t before = storage_area_usage(storage_map_find(m, O_WWW));
	char *big = repeat("a", r->fill);
	storage_change ch = {true, (char *)"sentinel"};
	int rc = storage_map_set(m, O_WWW, SITE, "k", big, &ch);
	cr_expect_eq(rc, BSIM_EQUOTA, "%s: rc %d", bsim_engine_name(r->engine), rc);
	cr_expect_eq(bsim_error_last()->code, BSIM_EQUOTA);
	cr_expect_str_eq(bsim_error_last()->message, r->message);
	cr_expect_not(ch.changed);
	cr_expect_null(ch.old_value);
	storage_area *a = storage_map_find(m, O_WWW);
	cr_expect_str_eq(storage_area_get(a, "k"), "old");
	cr_expect_eq(storage_area_length(a), 2);
	cr_expect_eq(storage_area_usage(a), before);
	cr_expect_str_eq(storage_area_key(a, 0), "k", "the refused key keeps its place");
	/* A new key refused over quota is not added. */
	rc = storage_map_set(m, O_WWW, SITE, "new", big, &ch);
	cr_expect_eq(rc, BSIM_EQUOTA);
	cr_expect_null(storage_area_get(a, "new"));
	cr_expect_eq(storage_area_length(a), 2);
	free(big);
	storage_map_free(m);
}

Test(storage, w3_over_quota_keeps_old_value_chromium)
{
	w3_row r = {BSIM_ENGINE_CHROMIUM, STORAGE_LOCAL, 5242880,
		    "localStorage quota exceeded on https://www.shop.com:443: 10485760 bytes per origin in chromium "
		    "(QuotaExceededError)"};
	w3_case(&r);
}

Test(storage, w3_over_quota_keeps_old_value_firefox)
{
	w3_row r = {BSIM_ENGINE_FIREFOX, STORAGE_LOCAL, 5242880,
		    "localStorage quota exceeded on https://www.shop.com:443: 5242880 UTF-16 code units per origin in "
		    "firefox (QuotaExceededError)"};
	w3_case(&r);
}

Test(storage, w3_over_quota_keeps_old_value_safari)
{
	w3_row r = {BSIM_ENGINE_SAFARI, STORAGE_LOCAL, 5242880,
		    "localStorage quota exceeded on https://www.shop.com:443: 5242880 bytes per origin in safari "
		    "(QuotaExceededError)"};
	w3_case(&r);
}

Test(storage, w3_over_quota_keeps_old_value_session_chromium)
{
	w3_row r = {BSIM_ENGINE_CHROMIUM, STORAGE_SESSION, 5242880,
		    "sessionStorage quota exceeded on https://www.shop.com:443: 10485760 bytes per origin in chromium "
		    "(QuotaExceededError)"};
	w3_case(&r);
}

Test(storage, w3_over_quota_keeps_old_value_session_firefox)
{
	w3_row r = {BSIM_ENGINE_FIREFOX, STORAGE_SESSION, 5242880,
		    "sessionStorage quota exceeded on https://www.shop.com:443: 5242880 UTF-16 code units per origin "
		    "in firefox (QuotaExceededError)"};
	w3_case(&r);
}

Test(storage, w3_over_quota_keeps_old_value_session_safari)
{
	w3_row r = {BSIM_ENGINE_SAFARI, STORAGE_SESSION, 5242880,
		    "sessionStorage quota exceeded on https://www.shop.com:443: 5242880 bytes per origin in safari "
		    "(QuotaExceededError)"};
	w3_case(&r);
}

Test(storage, w3_refused_first_write_creates_no_area)
{
	for (size_t e = 0; e < N_ENGINES; e++) {
		storage_map *m = map_for(engines[e], STORAGE_LOCAL);
		char *big = repeat("a", 5242880);
		storage_change ch;
		cr_expect_eq(storage_map_set(m, O_WWW, SITE, "k", big, &ch), BSIM_EQUOTA);
		cr_expect_null(storage_map_find(m, O_WWW), "%s", bsim_engine_name(engines[e]));
		free(big);
		storage_map_free(m);
	}
}

/* ---- W4: which writes are changes ---- */

typedef enum op { OP_SET, OP_REMOVE, OP_CLEAR } op;

typedef struct change_row {
	const char *name;
	op op;
	const char *key, *value;
	bool changed;
	const char *old_value; /* NULL: none */
} change_row;

/* Run in order on one area that starts empty. */
static const change_row change_rows[] = {
	{"clear_never_written_origin", OP_CLEAR, NULL, NULL, false, NULL},
	{"remove_never_written_origin", OP_REMOVE, "a", NULL, false, NULL},
	{"set_new_key", OP_SET, "a", "1", true, NULL},
	{"set_same_value", OP_SET, "a", "1", false, "1"},
	{"set_other_value", OP_SET, "a", "2", true, "1"},
	{"set_empty_value", OP_SET, "a", "", true, "2"},
	{"set_empty_again", OP_SET, "a", "", false, ""},
	{"remove_absent_key", OP_REMOVE, "b", NULL, false, NULL},
	{"remove_present_key", OP_REMOVE, "a", NULL, true, ""},
	{"remove_again", OP_REMOVE, "a", NULL, false, NULL},
	{"clear_empty_area", OP_CLEAR, NULL, NULL, false, NULL},
	{"set_after_clear", OP_SET, "c", "3", true, NULL},
	{"clear_full_area", OP_CLEAR, NULL, NULL, true, NULL},
	{"clear_again", OP_CLEAR, NULL, NULL, false, NULL},
};

Test(storage, w4_which_writes_are_changes_table)
{
	for (size_t e = 0; e < N_ENGINES; e++) {
		storage_map *m = map_for(engines[e], STORAGE_LOCAL);
		for (size_t i = 0; i < sizeof change_rows / sizeof change_rows[0]; i++) {
			const change_row *r = &change_rows[i];
			storage_change ch = {!r->changed, (char *)"sentinel"};
			int rc = r->op == OP_SET      ? storage_map_set(m, O_WWW, SITE, r->key, r->value, &ch)
				 : r->op == OP_REMOVE ? storage_map_remove(m, O_WWW, r->key, &ch)
						      : storage_map_clear(m, O_WWW, &ch);
			cr_assert_eq(rc, 0, "%s: %s", r->name, bsim_error_last()->message);
			cr_expect_eq(ch.changed, r->changed, "%s in %s: changed %d", r->name,
				     bsim_engine_name(engines[e]), ch.changed);
			if (r->old_value)
				cr_expect(ch.old_value && strcmp(ch.old_value, r->old_value) == 0,
					  "%s: old value \"%s\", expected \"%s\"", r->name,
					  ch.old_value ? ch.old_value : "(null)", r->old_value);
			else
				cr_expect_null(ch.old_value, "%s: old value \"%s\"", r->name, ch.old_value);
			free(ch.old_value);
			if (i == 1)
				cr_expect_null(storage_map_find(m, O_WWW), "remove and clear create no area");
		}
		storage_area *a = storage_map_find(m, O_WWW);
		cr_expect_not_null(a, "an emptied area is kept");
		cr_expect_eq(storage_area_length(a), 0);
		cr_expect_eq(storage_area_usage(a), 0);
		storage_map_free(m);
	}
}

/* ---- key() order ---- */

static void expect_keys(const storage_area *a, const char *const *want, size_t n, const char *what)
{
	cr_expect_eq(storage_area_length(a), n, "%s: length %zu", what, storage_area_length(a));
	for (size_t i = 0; i < n; i++) {
		const char *k = storage_area_key(a, i);
		cr_expect(k && strcmp(k, want[i]) == 0, "%s: key(%zu) = %s, expected %s", what, i, k ? k : "(null)",
			  want[i]);
	}
	cr_expect_null(storage_area_key(a, n), "%s: key(length)", what);
}

Test(storage, key_order_is_insertion_order_all_engines)
{
	for (size_t e = 0; e < N_ENGINES; e++) {
		storage_map *m = map_for(engines[e], STORAGE_LOCAL);
		set_ok(m, O_WWW, SITE, "zeta", "1");
		set_ok(m, O_WWW, SITE, "alpha", "2");
		set_ok(m, O_WWW, SITE, "mid", "3");
		storage_area *a = storage_map_find(m, O_WWW);
		const char *k1[] = {"zeta", "alpha", "mid"};
		expect_keys(a, k1, 3, "inserted");
		/* Stable while unchanged: read again, backwards then forwards. */
		cr_expect_str_eq(storage_area_key(a, 2), "mid");
		cr_expect_str_eq(storage_area_key(a, 0), "zeta");
		expect_keys(a, k1, 3, "read again");
		/* Overwriting keeps the place. */
		set_ok(m, O_WWW, SITE, "zeta", "changed");
		expect_keys(a, k1, 3, "overwritten");
		/* Removing closes the gap; adding again goes last. */
		storage_change ch;
		cr_assert_eq(storage_map_remove(m, O_WWW, "zeta", &ch), 0);
		free(ch.old_value);
		const char *k2[] = {"alpha", "mid"};
		expect_keys(a, k2, 2, "removed");
		set_ok(m, O_WWW, SITE, "zeta", "back");
		const char *k3[] = {"alpha", "mid", "zeta"};
		expect_keys(a, k3, 3, "re-added");
		cr_expect_null(storage_area_key(a, (size_t)-1));
		storage_map_free(m);
	}
}

Test(storage, key_order_many_keys_any_access_pattern)
{
	enum { N = 20000 };
	storage_map *m = map_for(BSIM_ENGINE_CHROMIUM, STORAGE_LOCAL);
	char key[32];
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof key, "k%05d", (i * 7919) % N);
		set_ok(m, O_WWW, SITE, key, "v");
	}
	storage_area *a = storage_map_find(m, O_WWW);
	cr_assert_eq(storage_area_length(a), N);
	/* Forwards, backwards, then strided: one failure report, not one per key. */
	long bad = -1;
	for (int i = 0; i < N && bad < 0; i++) {
		snprintf(key, sizeof key, "k%05d", (i * 7919) % N);
		const char *k = storage_area_key(a, (size_t)i);
		if (!k || strcmp(k, key) != 0)
			bad = i;
	}
	for (int i = N - 1; i >= 0 && bad < 0; i--) {
		snprintf(key, sizeof key, "k%05d", (i * 7919) % N);
		const char *k = storage_area_key(a, (size_t)i);
		if (!k || strcmp(k, key) != 0)
			bad = i;
	}
	for (int j = 0; j < N && bad < 0; j++) {
		int i = (int)(((long)j * 12289) % N);
		snprintf(key, sizeof key, "k%05d", (i * 7919) % N);
		const char *k = storage_area_key(a, (size_t)i);
		if (!k || strcmp(k, key) != 0)
			bad = i;
	}
	cr_expect_eq(bad, -1, "key(%ld) out of insertion order", bad);
	/* Remove every other key; the rest keep their order. */
	for (int i = 0; i < N; i += 2) {
		storage_change ch;
		snprintf(key, sizeof key, "k%05d", (i * 7919) % N);
		cr_assert_eq(storage_map_remove(m, O_WWW, key, &ch), 0);
		free(ch.old_value);
	}
	cr_assert_eq(storage_area_length(a), N / 2);
	for (int i = 1; i < N && bad < 0; i += 2) {
		snprintf(key, sizeof key, "k%05d", (i * 7919) % N);
		const char *k = storage_area_key(a, (size_t)(i / 2));
		if (!k || strcmp(k, key) != 0)
			bad = i;
	}
	cr_expect_eq(bad, -1, "after removals, key for insertion %ld out of order", bad);
	storage_map_free(m);
}

/* ---- the map ---- */

typedef struct seen {
	char origins[8][64];
	size_t n;
	size_t stop_after;
} seen;

static int record_origin(const char *origin, const storage_area *a, void *ud)
{
	seen *s = ud;
	(void)a;
	snprintf(s->origins[s->n], sizeof s->origins[s->n], "%s", origin);
	s->n++;
	return s->stop_after && s->n == s->stop_after ? 42 : 0;
}

Test(storage, w1_map_keys_by_origin_and_visits_sorted)
{
	storage_map *m = map_for(BSIM_ENGINE_FIREFOX, STORAGE_LOCAL);
	cr_expect_null(storage_map_find(m, O_WWW), "nothing written yet");
	const char *origins[] = {"https://www.shop.com:443", "http://www.shop.com:80", "https://store.shop.com:443",
				 "https://www.shop.com:8443", "file://"};
	for (size_t i = 0; i < 5; i++)
		set_ok(m, origins[i], NULL, "k", origins[i]);
	/* W1: each origin its own area. */
	for (size_t i = 0; i < 5; i++)
		cr_expect_str_eq(storage_area_get(storage_map_find(m, origins[i]), "k"), origins[i]);
	seen s = {.n = 0, .stop_after = 0};
	cr_expect_eq(storage_map_foreach(m, record_origin, &s), 0);
	const char *sorted[] = {"file://", "http://www.shop.com:80", "https://store.shop.com:443",
				"https://www.shop.com:443", "https://www.shop.com:8443"};
	cr_assert_eq(s.n, 5);
	for (size_t i = 0; i < 5; i++)
		cr_expect_str_eq(s.origins[i], sorted[i]);
	/* A visitor's non-zero return stops the walk and is returned. */
	seen t = {.n = 0, .stop_after = 2};
	cr_expect_eq(storage_map_foreach(m, record_origin, &t), 42);
	cr_expect_eq(t.n, 2);
	/* An empty map visits nothing. */
	storage_map *e = map_for(BSIM_ENGINE_FIREFOX, STORAGE_LOCAL);
	seen u = {.n = 0, .stop_after = 0};
	cr_expect_eq(storage_map_foreach(e, record_origin, &u), 0);
	cr_expect_eq(u.n, 0);
	storage_map_free(e);
	storage_map_free(m);
}

Test(storage, w5_clone_is_a_deep_copy_that_diverges)
{
	storage_map *m = map_for(BSIM_ENGINE_FIREFOX, STORAGE_SESSION);
	set_ok(m, O_WWW, SITE, "b", "1");
	set_ok(m, O_WWW, SITE, "a", "2");
	set_ok(m, "https://store.shop.com:443", SITE, "x", "y");
	storage_map *c = NULL;
	cr_assert_eq(storage_map_clone(&c, m), 0, "%s", bsim_error_last()->message);
	storage_area *ca = storage_map_find(c, O_WWW);
	cr_assert_not_null(ca);
	cr_expect_neq(ca, storage_map_find(m, O_WWW));
	const char *k[] = {"b", "a"};
	expect_keys(ca, k, 2, "clone keeps key order");
	cr_expect_eq(storage_area_usage(ca), storage_area_usage(storage_map_find(m, O_WWW)));
	cr_expect_str_eq(storage_area_get(storage_map_find(c, "https://store.shop.com:443"), "x"), "y");
	cr_expect_eq(storage_map_quota(c), storage_map_quota(m));
	/* Then they diverge. */
	set_ok(c, O_WWW, SITE, "b", "changed in the new tab");
	set_ok(m, O_WWW, SITE, "a", "changed in the opener");
	cr_expect_str_eq(storage_area_get(storage_map_find(m, O_WWW), "b"), "1");
	cr_expect_str_eq(storage_area_get(ca, "a"), "2");
	storage_map_free(m);
	cr_expect_str_eq(storage_area_get(ca, "b"), "changed in the new tab", "the copy outlives the original");
	storage_map_free(c);
}

Test(storage, w5_clone_keeps_site_totals_firefox)
{
	storage_map *m = map_for(BSIM_ENGINE_FIREFOX, STORAGE_LOCAL);
	char *full = repeat("a", 5242879);
	for (size_t i = 0; i < 5; i++)
		set_ok(m, site_origins[i], SITE, "k", full);
	storage_map *c = NULL;
	cr_assert_eq(storage_map_clone(&c, m), 0);
	cr_expect_eq(storage_map_site_usage(c, SITE), 26214400);
	storage_change ch;
	cr_expect_eq(storage_map_set(c, site_origins[5], SITE, "", "x", &ch), BSIM_EQUOTA);
	free(full);
	storage_map_free(m);
	storage_map_free(c);
}

Test(storage, clone_of_empty_map)
{
	storage_map *m = map_for(BSIM_ENGINE_SAFARI, STORAGE_SESSION);
	storage_map *c = NULL;
	cr_assert_eq(storage_map_clone(&c, m), 0);
	cr_expect_null(storage_map_find(c, O_WWW));
	storage_map_free(m);
	storage_map_free(c);
}

Test(storage, limit_origins_per_map)
{
	storage_map *m = map_for(BSIM_ENGINE_CHROMIUM, STORAGE_SESSION);
	char origin[64];
	int failed_at = -1;
	for (int i = 0; i < STORAGE_MAX_ORIGINS && failed_at < 0; i++) {
		snprintf(origin, sizeof origin, "https://h%d.example:443", i);
		storage_change ch;
		if (storage_map_set(m, origin, NULL, "k", "v", &ch) != 0)
			failed_at = i;
		free(ch.old_value);
	}
	cr_expect_eq(failed_at, -1, "origin %d refused below the limit", failed_at);
	storage_change ch;
	cr_expect_eq(storage_map_set(m, "https://one-more.example:443", NULL, "k", "v", &ch), BSIM_ELIMIT);
	cr_expect_null(storage_map_find(m, "https://one-more.example:443"));
	/* Existing origins still take writes. */
	cr_expect(set_ok(m, "https://h0.example:443", NULL, "k", "w"));
	storage_map_free(m);
}

Test(storage, bad_arguments_are_einval)
{
	storage_map *m = map_for(BSIM_ENGINE_CHROMIUM, STORAGE_LOCAL);
	storage_change ch;
	cr_expect_eq(storage_map_set(m, NULL, NULL, "k", "v", &ch), BSIM_EINVAL);
	cr_expect_eq(storage_map_set(m, O_WWW, NULL, NULL, "v", &ch), BSIM_EINVAL);
	cr_expect_eq(storage_map_set(m, O_WWW, NULL, "k", NULL, &ch), BSIM_EINVAL);
	cr_expect_eq(storage_map_set(m, O_WWW, NULL, "k", "v", NULL), BSIM_EINVAL);
	cr_expect_eq(storage_map_remove(m, O_WWW, NULL, &ch), BSIM_EINVAL);
	cr_expect_eq(storage_map_clear(NULL, O_WWW, &ch), BSIM_EINVAL);
	cr_expect_eq(storage_map_foreach(m, NULL, NULL), BSIM_EINVAL);
	storage_map *x = (storage_map *)1;
	cr_expect_eq(storage_map_new(&x, (bsim_engine)7, STORAGE_LOCAL), BSIM_EINVAL);
	cr_expect_null(x);
	cr_expect_eq(storage_map_new(&x, BSIM_ENGINE_SAFARI, (storage_kind)5), BSIM_EINVAL);
	cr_expect_null(storage_map_find(m, O_WWW), "failed calls create nothing");
	cr_expect_eq(storage_area_length(NULL), 0);
	cr_expect_null(storage_area_key(NULL, 0));
	cr_expect_null(storage_area_get(NULL, "k"));
	storage_map_free(m);
	storage_map_free(NULL);
}
