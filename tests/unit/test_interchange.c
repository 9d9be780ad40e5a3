/*
 * test_interchange.c: Playwright storageState and Netscape cookies.txt
 * (sim/interchange/interchange.h) against a real bsim_browser: files as
 * Playwright, curl and wget2 write them import with Playwright's and curl's
 * conventions; both formats round-trip; every malformed input is refused
 * with its place (JSON path, FILE:LINE or FILE:LINE:COL) and leaves the
 * browser exactly as it was; an export is atomic.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bsim/browser.h"
#include "interchange/interchange.h"
#include "support.h"
#include "util/buf.h"

#define NOW ((bsim_time)1420070400000) /* the browser's default start: 2015-01-01T00:00:00Z */
#define EXP_2026 ((bsim_time)1767225600000) /* 2026-01-01T00:00:00Z */

static const char *dir;

static void make_dir(void)
{
	dir = support_temp_dir("interchange");
	cr_assert(dir, "cannot make a scratch directory: %s", strerror(errno));
}

TestSuite(interchange, .init = make_dir, .fini = support_temp_dirs_remove);

static char *in_dir(const char *name)
{
	char *p = malloc(512);
	snprintf(p, 512, "%s/%s", dir, name);
	return p;
}

static char *listing(void)
{
	char *s = support_dir_listing(dir);
	cr_assert(s, "cannot list %s", dir);
	return s;
}

static const char *fixture(const char *name)
{
	static char p[1024];
	snprintf(p, sizeof p, "%s", support_source_path("tests/fixtures/interchange/"));
	support_append(p, sizeof p, name);
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	char *data = NULL;
	size_t n = 0;
	cr_assert_eq(support_read_file(path, &data, &n), 0, "read %s", path);
	if (len)
		*len = n;
	return data;
}

static bsim_browser *browser(bsim_engine e)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.engine = e;
	o.open_resolution = 1;
	bsim_browser *b = NULL;
	cr_assert_eq(bsim_browser_new(&b, &o), 0, "%s", bsim_error_last()->message);
	return b;
}

/* ---- a printable picture of a browser's state ---- */

/* Room for a picture: the largest state a test here builds takes a few KiB. */
#define PICTURE_SIZE 32768

static int print_cookie(const bsim_cookie_view *c, void *ud)
{
	static const char *const ss[] = {"unspecified", "none", "lax", "strict"};
	char line[6000];
	snprintf(line, sizeof line, "%s=%s domain=%s%s path=%s%s%s %s%lld samesite=%s prio=%d pk=%s created=%lld\n",
		 c->name, c->value, c->host_only ? "" : ".", c->domain, c->path, c->secure ? " secure" : "",
		 c->http_only ? " httponly" : "", c->persistent ? "expires=" : "session",
		 c->persistent ? (long long)c->expires : 0LL, ss[c->same_site & 3], (int)c->priority,
		 c->partition_key ? c->partition_key : "-", (long long)c->creation);
	support_append(ud, PICTURE_SIZE, line);
	return 0;
}

static int print_item(const char *origin, const char *key, const char *value, void *ud)
{
	char line[1024];
	snprintf(line, sizeof line, "%s %s=%s\n", origin, key, value);
	support_append(ud, PICTURE_SIZE, line);
	return 0;
}

/* Cookies in creation order, then localStorage; allocated. */
static char *picture(bsim_browser *b)
{
	char *s = calloc(1, PICTURE_SIZE);
	cr_assert_eq(bsim_jar_foreach(bsim_browser_jar(b), print_cookie, s), 0);
	support_append(s, PICTURE_SIZE, "--\n");
	cr_assert_eq(bsim_browser_local_foreach(b, print_item, s), 0);
	return s;
}

static void import_ok(bsim_browser *b, const char *path)
{
	int rc = interchange_import(b, path);
	cr_assert_eq(rc, 0, "import %s: %s", path, bsim_error_last()->message);
}

/* ---- files as real tools write them ---- */

Test(interchange, playwright_storage_state_imports_with_playwright_conventions)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	import_ok(b, fixture("playwright-chromium.json"));
	char *got = picture(b);
	/*
	 * A leading dot is the only sign of a domain cookie; -1 is a session
	 * cookie; fractional seconds keep their milliseconds; every cookie is
	 * created now, in file order; origins gain their default port.
	 */
	cr_expect_str_eq(got,
			 "_genesys.widgets.webchat.state.session={\"state\":\"open\"} domain=.shop.com path=/ secure session0 samesite=none prio=1 pk=- created=1420070400000\n"
			 "sid=a1b2c3 domain=www.shop.com path=/ secure httponly expires=1767225600527 samesite=strict prio=1 pk=- created=1420070400000\n"
			 "cart=3 items domain=store.shop.com path=/cart expires=1767225600000 samesite=lax prio=1 pk=- created=1420070400000\n"
			 "--\n"
			 "http://localhost:8080 debug=1\n"
			 "https://www.shop.com:443 _genesys.widgets.webchat.state.keys={\"chatId\":\"7c1f\"}\n"
			 "https://www.shop.com:443 theme=dark\n");
	free(got);
	bsim_browser_free(b);
}

Test(interchange, curl_cookie_jar_imports_with_curl_conventions)
{
	bsim_browser *b = browser(BSIM_ENGINE_FIREFOX);
	import_ok(b, fixture("curl-cookies.txt"));
	char *got = picture(b);
	/*
	 * #HttpOnly_ marks HttpOnly; TRUE means a domain cookie; 0 is a session
	 * cookie; no SameSite in the format. libcurl's header: curl wrote the
	 * newest cookie first, so creation order is the file read bottom up.
	 */
	cr_expect_str_eq(got,
			 "_genesys.widgets.webchat.state.session={\"state\":\"open\"} domain=.shop.com path=/ expires=1767225600000 samesite=unspecified prio=1 pk=- created=1420070400000\n"
			 "cart=3 items domain=www.shop.com path=/cart session0 samesite=unspecified prio=1 pk=- created=1420070400000\n"
			 "sid=a1b2c3 domain=.shop.com path=/ secure httponly expires=1767225600000 samesite=unspecified prio=1 pk=- created=1420070400000\n"
			 "--\n");
	free(got);
	bsim_browser_free(b);
}

Test(interchange, wget2_and_headerless_crlf_files_import)
{
	bsim_browser *b = browser(BSIM_ENGINE_SAFARI);
	import_ok(b, fixture("wget2-cookies.txt"));
	import_ok(b, fixture("no-header-crlf.txt"));
	char *got = picture(b);
	/* The second file's sid replaces the first's; curl's rules fill a missing path ("/") and value (""). */
	cr_expect_str_eq(got,
			 "pref=dark domain=www.shop.com path=/ secure expires=1767225600000 samesite=unspecified prio=1 pk=- created=1420070400000\n"
			 "sid=a1b2c3 domain=.shop.com path=/ expires=1767225600000 samesite=unspecified prio=1 pk=- created=1420070400000\n"
			 "nopath=x domain=www.shop.com path=/ session0 samesite=unspecified prio=1 pk=- created=1420070400000\n"
			 "novalue= domain=www.shop.com path=/ session0 samesite=unspecified prio=1 pk=- created=1420070400000\n"
			 "--\n");
	free(got);
	bsim_browser_free(b);
}

/* ---- round trips ---- */

/* A browser holding every kind of cookie and some localStorage, built through pages. */
static bsim_browser *busy_browser(bsim_engine e)
{
	bsim_browser *b = browser(e);
	const char *set[] = {
		"sid=abc; Secure; HttpOnly; SameSite=Strict; Max-Age=86400",
		"theme=dark; Domain=shop.com; Path=/; SameSite=Lax",
		"cart=3 items; Path=/cart; Expires=Wed, 01 Jan 2025 00:00:00 GMT",
		"open=1; SameSite=None; Secure; Domain=shop.com",
		"plain=1",
	};
	bsim_response r = {set, sizeof set / sizeof set[0]};
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://www.shop.com/cart/view", &r), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(bsim_storage_set(b, tab, BSIM_STORAGE_LOCAL, "_genesys.widgets.webchat.state.keys", "{\"id\":1}"), 0);
	cr_assert_eq(bsim_storage_set(b, tab, BSIM_STORAGE_LOCAL, "empty", ""), 0);
	cr_assert_eq(bsim_browser_local_set(b, "http://localhost:8080", "debug", "1 é"), 0, "%s",
		     bsim_error_last()->message);
	cr_assert_eq(bsim_browser_wait(b, 5000), 0);
	return b;
}

/*
 * Drop from a picture what a format cannot carry: " created=N" always;
 * with unspecified set, "samesite=unspecified" becomes it; with txt, every
 * samesite and the localStorage part go.
 */
static void normalize(char *s, const char *unspecified, int txt)
{
	size_t size = strlen(s) + 64 * 64;
	char *out = calloc(1, size), *o = out;
	for (const char *p = s; *p;) {
		if (strncmp(p, " created=", 9) == 0) {
			p += 9;
			while (*p >= '0' && *p <= '9')
				p++;
		} else if (strncmp(p, "samesite=", 9) == 0 && (txt || (unspecified && strncmp(p + 9, "unspecified", 11) == 0))) {
			o += snprintf(o, size - (size_t)(o - out), "samesite=%s", txt ? "-" : unspecified);
			p += 9;
			while (*p && *p != ' ')
				p++;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	if (txt && strstr(out, "--\n"))
		strstr(out, "--\n")[3] = '\0';
	memcpy(s, out, strlen(out) + 1); /* never longer than s: only deletions and shorter samesite words */
	free(out);
}

Test(interchange, both_formats_round_trip_and_export_stably)
{
	static const struct {
		const char *file;
		interchange_format fmt;
	} cases[] = {
		{"state.json", INTERCHANGE_STORAGE_STATE},
		{"cookies.txt", INTERCHANGE_COOKIES_TXT},
	};
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			bsim_browser *a = busy_browser((bsim_engine)e);
			char *p = in_dir(cases[i].file);
			cr_assert_eq(interchange_export(a, p, INTERCHANGE_AUTO), 0, "%s", bsim_error_last()->message);
			size_t len1;
			char *first = slurp(p, &len1);

			bsim_browser *b = browser((bsim_engine)e);
			cr_assert_eq(bsim_browser_wait(b, 5000), 0);
			import_ok(b, p);
			/* Exporting what was imported gives the same bytes. */
			char *p2 = in_dir("again");
			cr_assert_eq(interchange_export(b, p2, cases[i].fmt), 0, "%s", bsim_error_last()->message);
			size_t len2;
			char *second = slurp(p2, &len2);
			cr_expect_str_eq(second, first, "%s, %s: export, import, export differ", bsim_engine_name((bsim_engine)e),
					 cases[i].file);

			/*
			 * Same cookies in the same order with the same attributes, but
			 * for what the format cannot carry: creation (an import's is
			 * now), SameSite (storageState writes what the engine applies;
			 * cookies.txt has none) and localStorage (not in cookies.txt).
			 */
			char *pa = picture(a), *pb = picture(b);
			cr_expect(strlen(pa) > 100);
			const char *unspecified = cases[i].fmt == INTERCHANGE_COOKIES_TXT ? NULL
						  : e == BSIM_ENGINE_CHROMIUM                  ? "lax"
											       : "none";
			normalize(pa, unspecified, cases[i].fmt == INTERCHANGE_COOKIES_TXT);
			normalize(pb, unspecified, cases[i].fmt == INTERCHANGE_COOKIES_TXT);
			cr_expect_str_eq(pb, pa, "%s, %s: the imported state differs", bsim_engine_name((bsim_engine)e),
					 cases[i].file);
			cr_expect_eq(bsim_jar_count(bsim_browser_jar(a)), bsim_jar_count(bsim_browser_jar(b)));
			free(pa);
			free(pb);
			free(first);
			free(second);
			free(p);
			free(p2);
			bsim_browser_free(a);
			bsim_browser_free(b);
		}
	}
}

Test(interchange, storage_state_export_is_exactly_what_playwright_writes)
{
	/* Whole-second and millisecond expiries, a session cookie, both domain kinds: the file comes back byte for byte. */
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	import_ok(b, fixture("playwright-canonical.json"));
	char *text = NULL;
	size_t len = 0;
	cr_assert_eq(interchange_render(&text, &len, b, INTERCHANGE_STORAGE_STATE), 0, "%s", bsim_error_last()->message);
	char *want = slurp(fixture("playwright-canonical.json"), NULL);
	cr_expect_str_eq(text, want);
	cr_expect_eq(len, strlen(want));
	free(text);
	free(want);
	bsim_browser_free(b);
}

/*
 * curl's format byte for byte, oldest cookie first: the order curl reads a
 * file in (curl writes newest first, and then reads its own jar reversed).
 */
Test(interchange, cookies_txt_export_is_curls_format_oldest_first)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	import_ok(b, fixture("curl-cookies.txt"));
	char *text = NULL;
	size_t len = 0;
	cr_assert_eq(interchange_render(&text, &len, b, INTERCHANGE_COOKIES_TXT), 0, "%s", bsim_error_last()->message);
	char *want = slurp(fixture("curl-cookies.txt"), NULL);
	/* Only the header's last line names the writer. */
	char *gen = strstr(want, "libcurl!");
	cr_assert(gen);
	char expected[4096];
	snprintf(expected, sizeof expected, "%.*sbsim. Edit at your own risk.\n\n", (int)(gen - want), want);
	/* The cookie lines, last first. */
	char *lines = strstr(gen, "\n\n") + 2;
	for (char *end = lines + strlen(lines); end > lines;) {
		char *start = end - 1;
		while (start > lines && start[-1] != '\n')
			start--;
		support_append_n(expected, sizeof expected, start, (size_t)(end - start));
		end = start;
	}
	cr_expect_str_eq(text, expected);
	free(text);
	free(want);
	bsim_browser_free(b);
}

Test(interchange, unspecified_samesite_is_written_as_the_engine_applies_it)
{
	static const char *const want[BSIM_ENGINE_COUNT] = {"\"sameSite\": \"Lax\"", "\"sameSite\": \"None\"",
							    "\"sameSite\": \"None\""};
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
		bsim_browser *b = browser((bsim_engine)e);
		const char *txt = "www.shop.com\tFALSE\t/\tFALSE\t0\tplain\t1\n";
		cr_assert_eq(interchange_import_data(b, "c.txt", txt, strlen(txt), INTERCHANGE_AUTO), 0, "%s",
			     bsim_error_last()->message);
		char *text = NULL;
		size_t len;
		cr_assert_eq(interchange_render(&text, &len, b, INTERCHANGE_STORAGE_STATE), 0);
		cr_expect(strstr(text, want[e]) != NULL, "%s: %s", bsim_engine_name((bsim_engine)e), text);
		cr_expect(strstr(text, "\"expires\": -1,") != NULL, "-1 written as an integer: %s", text);
		free(text);
		bsim_browser_free(b);
	}
}

Test(interchange, a_partitioned_cookie_keeps_its_partition_key_in_storage_state)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	const char *json = "{\"cookies\": [{\"name\": \"c\", \"value\": \"1\", \"domain\": \"chat.example\", \"path\": \"/\","
			   " \"expires\": -1, \"httpOnly\": false, \"secure\": true, \"sameSite\": \"None\","
			   " \"partitionKey\": \"https://shop.com\"}]}";
	cr_assert_eq(interchange_import_data(b, "s.json", json, strlen(json), INTERCHANGE_AUTO), 0, "%s",
		     bsim_error_last()->message);
	char *got = picture(b);
	cr_expect(strstr(got, "pk=https://shop.com") != NULL, "%s", got);
	char *text = NULL;
	size_t len;
	cr_assert_eq(interchange_render(&text, &len, b, INTERCHANGE_STORAGE_STATE), 0);
	cr_expect(strstr(text, "\"partitionKey\": \"https://shop.com\"") != NULL, "%s", text);
	free(text);
	free(got);
	bsim_browser_free(b);
}

/*
 * Chromium keys a partitioned cookie by top-level site and cross-site
 * ancestor bit; Playwright writes the bit as _crHasCrossSiteAncestor and
 * reads a missing one as true. Without it a first-party partitioned
 * cookie bsim exported was never sent by the real browser.
 */
Test(interchange, the_cross_site_ancestor_bit_goes_out_as_playwright_writes_it)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	const char *set[] = {"fp=1; Secure; Partitioned; SameSite=None; Path=/"};
	bsim_response r = {set, 1};
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://www.shop.com/", &r), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(bsim_script_cookie_set_framed(b, tab, "https://chat.example/w",
						   "xs=1; Secure; Partitioned; SameSite=None; Path=/"), 0);
	cr_assert_eq(bsim_script_cookie_set(b, tab, "plain=1"), 0);
	char *text = NULL;
	size_t len;
	cr_assert_eq(interchange_render(&text, &len, b, INTERCHANGE_STORAGE_STATE), 0, "%s", bsim_error_last()->message);
	const char *fp = strstr(text, "\"name\": \"fp\""), *xs = strstr(text, "\"name\": \"xs\"");
	cr_assert(fp && xs, "%s", text);
	cr_expect(strstr(fp, "\"partitionKey\": \"https://shop.com\",\n      \"_crHasCrossSiteAncestor\": false\n"), "%s", text);
	cr_expect(strstr(xs, "\"partitionKey\": \"https://shop.com\",\n      \"_crHasCrossSiteAncestor\": true\n"), "%s", text);
	/* As Playwright writes it: an unpartitioned cookie has neither member. */
	const char *plain = strstr(text, "\"name\": \"plain\"");
	cr_expect(plain && !strstr(plain, "partitionKey") && !strstr(plain, "_crHas"), "%s", text);
	/* And back: the same cookies, written the same way. */
	bsim_browser *b2 = browser(BSIM_ENGINE_CHROMIUM);
	cr_assert_eq(interchange_import_data(b2, "s.json", text, len, INTERCHANGE_AUTO), 0, "%s", bsim_error_last()->message);
	char *again = NULL;
	cr_assert_eq(interchange_render(&again, &len, b2, INTERCHANGE_STORAGE_STATE), 0);
	cr_expect_str_eq(again, text);
	free(again);
	free(text);
	bsim_browser_free(b);
	bsim_browser_free(b2);
}

/*
 * Each combination of site and bit, as Chromium 156 took them from addCookies
 * (tests/oracle/interchange.js checks the same rows in the real browser):
 * a cookie is sent where Chromium sends it, or nowhere bsim models.
 */
Test(interchange, an_imported_cross_site_ancestor_bit_picks_the_partition)
{
	static const struct {
		const char *domain, *bit; /* bit: the member's JSON, or NULL for none */
		const char *top_sends, *framed_sends, *written_bit;
	} rows[] = {
		{"www.shop.com", "false", "c=1", "c=1", "false"}, /* a same-site frame has no cross-site ancestor */
		{"www.shop.com", "true", "", "", "true"},
		{"www.shop.com", NULL, "", "", "true"}, /* Playwright's default */
		{"chat.example", "true", "", "c=1", "true"},
		{"chat.example", NULL, "", "c=1", "true"},
		{"chat.example", "false", "", "", "false"},
	};
	bsim_cookie_ctx framed = {"https://www.shop.com/", 0, 0};
	bsim_cookie_ctx nav = BSIM_COOKIE_CTX_NAVIGATE;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
		char json[512], member[64] = "";
		if (rows[i].bit)
			snprintf(member, sizeof member, ", \"_crHasCrossSiteAncestor\": %s", rows[i].bit);
		snprintf(json, sizeof json,
			 "{\"cookies\": [{\"name\": \"c\", \"value\": \"1\", \"domain\": \"%s\", \"path\": \"/\", \"expires\": -1,"
			 " \"httpOnly\": false, \"secure\": true, \"sameSite\": \"None\", \"partitionKey\": \"https://shop.com\"%s}]}",
			 rows[i].domain, member);
		cr_assert_eq(interchange_import_data(b, "s.json", json, strlen(json), INTERCHANGE_AUTO), 0, "row %zu: %s", i,
			     bsim_error_last()->message);
		char url[64], *top = NULL, *in_frame = NULL;
		snprintf(url, sizeof url, "https://%s/", rows[i].domain);
		cr_assert_eq(bsim_jar_cookie_header(&top, bsim_browser_jar(b), url, &nav), 0);
		cr_assert_eq(bsim_jar_cookie_header(&in_frame, bsim_browser_jar(b), url, &framed), 0);
		cr_expect_str_eq(top, rows[i].top_sends, "row %zu: top-level", i);
		cr_expect_str_eq(in_frame, rows[i].framed_sends, "row %zu: framed in www.shop.com", i);
		char *text = NULL;
		size_t len;
		cr_assert_eq(interchange_render(&text, &len, b, INTERCHANGE_STORAGE_STATE), 0);
		char want[128];
		snprintf(want, sizeof want, "\"partitionKey\": \"https://shop.com\",\n      \"_crHasCrossSiteAncestor\": %s\n",
			 rows[i].written_bit);
		cr_expect(strstr(text, want), "row %zu: %s", i, text);
		free(text);
		free(top);
		free(in_frame);
		bsim_browser_free(b);
	}
}

/* Playwright's member is Chromium's: Firefox and WebKit have no ancestor bit and keep the partition as keyed. */
Test(interchange, other_engines_ignore_the_cross_site_ancestor_bit)
{
	bsim_browser *b = browser(BSIM_ENGINE_FIREFOX);
	const char *json = "{\"cookies\": [{\"name\": \"c\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"/\","
			   " \"secure\": true, \"sameSite\": \"None\", \"partitionKey\": \"shop.com\","
			   " \"_crHasCrossSiteAncestor\": true}]}";
	cr_assert_eq(interchange_import_data(b, "s.json", json, strlen(json), INTERCHANGE_AUTO), 0, "%s",
		     bsim_error_last()->message);
	char *got = picture(b);
	cr_expect(strstr(got, "pk=shop.com created"), "%s", got);
	free(got);
	bsim_browser_free(b);
}

/*
 * A Set-Cookie may carry any octet but CTLs; JSON text cannot carry a byte
 * that is not UTF-8. The export said "out of memory" (exit 3); now it names
 * the cookie and the way out, and writes nothing.
 */
Test(interchange, a_cookie_that_is_not_utf8_is_refused_by_storage_state_by_name)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	const char *set[] = {"bin=ok\xff\xfe; Path=/"};
	bsim_response r = {set, 1};
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://www.shop.com/", &r), 0, "%s", bsim_error_last()->message);
	cr_assert_eq(bsim_jar_count(bsim_browser_jar(b)), 1);
	char *json = in_dir("bin.json"), *txt = in_dir("bin.txt");
	cr_expect_eq(interchange_export(b, json, INTERCHANGE_AUTO), BSIM_EINVAL);
	cr_expect_str_eq(bsim_error_last()->message,
			 "cookie \"bin\" on www.shop.com: its value holds byte 0xFF (at byte 3), which is not UTF-8 and "
			 "which storageState (JSON text) cannot carry; export to a .txt file (cookies.txt) instead, or "
			 "change that value");
	char *ls = listing();
	cr_expect_str_eq(ls, "");
	free(ls);
	cr_assert_eq(interchange_export(b, txt, INTERCHANGE_AUTO), 0, "%s", bsim_error_last()->message);
	bsim_browser *b2 = browser(BSIM_ENGINE_CHROMIUM);
	import_ok(b2, txt);
	cr_expect_eq(bsim_jar_count(bsim_browser_jar(b2)), 1);
	char *sent = NULL;
	cr_assert_eq(bsim_script_cookie_get(&sent, b, tab), 0);
	cr_expect_str_eq(sent, "bin=ok\xff\xfe");
	free(sent);
	free(json);
	free(txt);
	bsim_browser_free(b);
	bsim_browser_free(b2);
}

/*
 * One expiry range for every reader and writer (INTERCHANGE_EXPIRES_*_S):
 * a clock near either end of what now= takes made storageState write an
 * expires its own import refused.
 */
Test(interchange, expiry_past_either_end_is_clamped_so_bsim_reads_what_it_writes)
{
	static const struct {
		bsim_time start;
		const char *json_expires, *txt_expires;
	} rows[] = {
		{INT64_C(253402300000000), "\"expires\": 253402300799,", "\t253402300799\t"}, /* 9999-12-31, plus a day */
		{INT64_C(-62135596800000), "\"expires\": 1,", "\t1\t"},                      /* 0001-01-01, plus a day */
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
		o.start_time = rows[i].start;
		o.open_resolution = 1;
		bsim_browser *b = NULL;
		cr_assert_eq(bsim_browser_new(&b, &o), 0);
		const char *set[] = {"a=1; Max-Age=86400; Path=/"};
		bsim_response r = {set, 1};
		int tab = -1;
		cr_assert_eq(bsim_tab_open(&tab, b, "https://www.shop.com/", &r), 0, "%s", bsim_error_last()->message);
		for (int f = INTERCHANGE_STORAGE_STATE; f <= INTERCHANGE_COOKIES_TXT; f++) {
			char *text = NULL;
			size_t len;
			cr_assert_eq(interchange_render(&text, &len, b, (interchange_format)f), 0, "%s",
				     bsim_error_last()->message);
			const char *want = f == INTERCHANGE_STORAGE_STATE ? rows[i].json_expires : rows[i].txt_expires;
			cr_expect(strstr(text, want), "row %zu: no %s in\n%s", i, want, text);
			cr_expect(!strstr(text, "e+"), "row %zu: an exponent in\n%s", i, text);
			bsim_browser *c = NULL;
			cr_assert_eq(bsim_browser_new(&c, &o), 0);
			cr_expect_eq(interchange_import_data(c, "x", text, len, (interchange_format)f), 0, "row %zu: %s", i,
				     bsim_error_last()->message);
			bsim_browser_free(c);
			free(text);
		}
		bsim_browser_free(b);
	}
}

/* An editor's UTF-8 byte order mark, accepted in scenarios and cookies.txt, is accepted in storageState too. */
Test(interchange, a_byte_order_mark_is_skipped_in_storage_state)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	const char *json = "\xEF\xBB\xBF{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"/\"}]}";
	cr_expect_eq(interchange_import_data(b, "s.json", json, strlen(json), INTERCHANGE_STORAGE_STATE), 0, "%s",
		     bsim_error_last()->message);
	cr_expect_eq(interchange_import_data(b, "s.json", json, strlen(json), INTERCHANGE_AUTO), 0, "%s",
		     bsim_error_last()->message);
	cr_expect_eq(bsim_jar_count(bsim_browser_jar(b)), 1);
	bsim_browser_free(b);
}

Test(interchange, an_import_merges_into_what_the_browser_holds)
{
	bsim_browser *b = busy_browser(BSIM_ENGINE_CHROMIUM);
	size_t before = bsim_jar_count(bsim_browser_jar(b));
	const char *txt = "www.shop.com\tFALSE\t/cart\tTRUE\t1767225600\tsid\treplaced\nnew.com\tFALSE\t/\tFALSE\t0\tn\t1\n";
	cr_assert_eq(interchange_import_data(b, "c.txt", txt, strlen(txt), INTERCHANGE_COOKIES_TXT), 0, "%s",
		     bsim_error_last()->message);
	cr_expect_eq(bsim_jar_count(bsim_browser_jar(b)), before + 1);
	char *got = picture(b);
	cr_expect(strstr(got, "sid=replaced domain=www.shop.com") != NULL, "%s", got);
	cr_expect(strstr(got, "sid=abc") == NULL, "%s", got);
	free(got);
	bsim_browser_free(b);
}

/*
 * browser-rules.md L2 through an import: Playwright's addCookies (which
 * loading a storageState uses) runs the browser's per-site cap. Chromium
 * 156, 200 cookies added for one host: 169 remain (the 181st purged the
 * oldest to 150, then 19 more). The firefox preset's cap ends the same way
 * here (all non-secure; not checked in Firefox); Safari has none.
 */
Test(interchange, an_import_runs_the_engines_per_site_cap_as_playwright_addcookies_does)
{
	static const struct {
		bsim_engine engine;
		size_t kept;
		bool c0_kept;
	} rows[] = {
		{BSIM_ENGINE_CHROMIUM, 169, false},
		{BSIM_ENGINE_FIREFOX, 169, false},
		{BSIM_ENGINE_SAFARI, 200, true},
	};
	char *txt = calloc(1, 200 * 64);
	cr_assert_not_null(txt);
	for (int i = 0; i < 200; i++) {
		char line[64];
		snprintf(line, sizeof line, "www.shop.com\tFALSE\t/\tFALSE\t0\tc%d\tv\n", i);
		support_append(txt, 200 * 64, line);
	}
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		bsim_browser *b = browser(rows[r].engine);
		cr_assert_eq(interchange_import_data(b, "many.txt", txt, strlen(txt), INTERCHANGE_COOKIES_TXT), 0, "%s",
			     bsim_error_last()->message);
		const char *e = bsim_engine_name(rows[r].engine);
		cr_expect_eq(bsim_jar_count(bsim_browser_jar(b)), rows[r].kept, "%s", e);
		char *got = picture(b);
		cr_expect_eq(strstr(got, "c0=v ") != NULL, rows[r].c0_kept, "%s: the oldest cookie", e);
		cr_expect(strstr(got, "c199=v ") != NULL, "%s: the newest cookie is kept", e);
		free(got);
		bsim_browser_free(b);
	}
	free(txt);
}

/*
 * browser-rules.md L3 through an import. Chromium 156, Playwright
 * addCookies: 3,400 cookies over 20 sites (170 each, under the per-site
 * cap) leave 3,099: the 3,301st purged to 3,000, the first-added site's
 * cookies first, though none was 30 days old; a cookie a page set and read
 * stays. Firefox (33-day protection, not checked for imports) and Safari
 * (no global cap) keep all.
 */
Test(interchange, chromium_purges_imported_cookies_as_never_used)
{
	static const struct {
		bsim_engine engine;
		size_t kept;
	} rows[] = {
		{BSIM_ENGINE_CHROMIUM, 3099 + 1},
		{BSIM_ENGINE_FIREFOX, 3400 + 1},
		{BSIM_ENGINE_SAFARI, 3400 + 1},
	};
	buf txt = BUF_INIT;
	for (int site = 0; site < 20; site++)
		for (int i = 0; i < 170; i++)
			buf_printf(&txt, "www.site%d.com\tFALSE\t/\tFALSE\t0\ts%dk%d\tv\n", site, site, i);
	cr_assert_eq(buf_status(&txt), 0);
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		bsim_browser *b = browser(rows[r].engine);
		bsim_jar *jar = bsim_browser_jar(b);
		const char *e = bsim_engine_name(rows[r].engine);
		cr_assert_eq(bsim_jar_script_set(jar, "https://www.keep.com/", "mine=1", 6, NULL), 0, "%s",
			     bsim_error_last()->message);
		cr_assert_eq(interchange_import_data(b, "many.txt", txt.ptr, txt.len, INTERCHANGE_COOKIES_TXT), 0,
			     "%s", bsim_error_last()->message);
		cr_expect_eq(bsim_jar_count(jar), rows[r].kept, "%s: %zu kept", e, bsim_jar_count(jar));
		char *h = NULL;
		cr_assert_eq(bsim_jar_cookie_header(&h, jar, "https://www.keep.com/", NULL), 0);
		cr_expect_str_eq(h, "mine=1", "%s: the page's own cookie stays", e);
		free(h);
		cr_assert_eq(bsim_jar_cookie_header(&h, jar, "https://www.site0.com/", NULL), 0);
		cr_expect_eq(*h == '\0', rows[r].engine == BSIM_ENGINE_CHROMIUM, "%s: the first site's cookies: \"%.40s\"",
			     e, h);
		free(h);
		bsim_browser_free(b);
	}
	buf_free(&txt);
}

/* ---- telling the formats apart ---- */

Test(interchange, the_format_is_told_by_content_then_extension)
{
	static const struct {
		const char *path, *data;
		interchange_format want;
	} cases[] = {
		{"state.json", "{\"cookies\": []}", INTERCHANGE_STORAGE_STATE},
		{"state.txt", "  \n{\"cookies\": []}", INTERCHANGE_STORAGE_STATE},
		{"cookies", "\xEF\xBB\xBF{}", INTERCHANGE_STORAGE_STATE},
		{"jar.json", "# Netscape HTTP Cookie File\n", INTERCHANGE_COOKIES_TXT},
		{"jar.json", "a.com\tFALSE\t/\tFALSE\t0\tn\tv\n", INTERCHANGE_COOKIES_TXT},
		{"jar", "", INTERCHANGE_COOKIES_TXT},
		{"state.JSON", "", INTERCHANGE_STORAGE_STATE},
		{"state.json", "nonsense", INTERCHANGE_STORAGE_STATE},
		{"cookies.txt", "nonsense", INTERCHANGE_COOKIES_TXT},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_expect_eq(interchange_detect(cases[i].path, cases[i].data, strlen(cases[i].data)), cases[i].want,
			     "case %zu (%s)", i, cases[i].path);
}

Test(interchange, origins_convert_between_playwright_and_bsim)
{
	static const struct {
		const char *in, *bsim, *back; /* bsim NULL: refused with message `back` */
	} cases[] = {
		{"https://www.shop.com", "https://www.shop.com:443", "https://www.shop.com"},
		{"http://www.shop.com", "http://www.shop.com:80", "http://www.shop.com"},
		{"HTTPS://WWW.Shop.COM:8443", "https://www.shop.com:8443", "https://www.shop.com:8443"},
		{"http://localhost:8080", "http://localhost:8080", "http://localhost:8080"},
		{"http://[::1]:3000", "http://[::1]:3000", "http://[::1]:3000"},
		{"https://127.0.0.1:443", "https://127.0.0.1:443", "https://127.0.0.1"},
		{"file://", "file://", "file://"},
		{"ftp://x.com", NULL, "\"ftp://x.com\" is not an http or https origin"},
		{"https://x.com/", NULL, "\"https://x.com/\" is not an origin: it has a path, query or fragment"},
		{"https://x.com:0", NULL, "\"https://x.com:0\" has a port out of range (1-65535)"},
		{"https://x.com:http", NULL, "\"https://x.com:http\" has a bad port"},
		{"https://", NULL, "\"https://\" has no host"},
		{"www.shop.com", NULL, "\"www.shop.com\" is not an origin (scheme://host[:port])"},
		{"https://bücher.de", NULL, "\"https://bücher.de\" has a non-ASCII host; write it in punycode (xn--...)"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = NULL;
		int rc = ic_origin_to_bsim(&out, cases[i].in);
		if (!cases[i].bsim) {
			cr_expect_eq(rc, BSIM_EINVAL, "%s", cases[i].in);
			cr_expect_str_eq(bsim_error_last()->message, cases[i].back);
			continue;
		}
		cr_assert_eq(rc, 0, "%s: %s", cases[i].in, bsim_error_last()->message);
		cr_expect_str_eq(out, cases[i].bsim);
		char *back = NULL;
		cr_assert_eq(ic_origin_from_bsim(&back, out), 0);
		cr_expect_str_eq(back, cases[i].back);
		free(out);
		free(back);
	}
}

/* ---- malformed input ---- */

typedef struct bad_case {
	const char *name; /* the file name, which also picks the format */
	const char *data;
	const char *message;
} bad_case;

static const char good_cookie[] =
	"{\"name\": \"ok\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"/\", \"expires\": -1}";

static const bad_case bad_cases[] = {
	/* storageState: syntax, with line and column */
	{"s.json", "{\"cookies\": [", "s.json:1:13: error: ']' expected near end of file"},
	{"s.json", "{\n  \"cookies\": [],\n  \"cookies\": []\n}", "s.json:3:11: error: duplicate object key near '\"cookies\"'"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\\u0000b\"}]}",
	 "s.json:1:32: error: a string holds \\u0000 (NUL), which no cookie or storage item holds"},
	{"s.json", "", "s.json:1: error: '[' or '{' expected near end of file"},
	/* storageState: shape, with the JSON path */
	{"s.json", "[]", "s.json: error: expected a storageState object {\"cookies\": [...], \"origins\": [...]}, got an array"},
	{"s.json", "{\"cookie\": []}", "s.json: error: not a Playwright storageState: it has neither \"cookies\" nor \"origins\""},
	{"s.json", "{\"cookies\": {}}", "s.json: error: cookies: expected an array, got an object"},
	{"s.json", "{\"origins\": 3}", "s.json: error: origins: expected an array, got a number"},
	{"s.json", "{\"cookies\": [\"sid=1\"]}", "s.json: error: cookies[0]: expected a cookie object, got a string"},
	{"s.json", "{\"cookies\": [{\"value\": \"1\", \"domain\": \"a.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0].name: missing (a storageState cookie has one)"},
	{"s.json", "{\"cookies\": [{\"name\": 1, \"value\": \"1\", \"domain\": \"a.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0].name: expected a string, got a number"},
	{"s.json", "{\"cookies\": [%G, %G, %G, {\"name\": \"a\", \"value\": \"1\", \"domain\": \"a.com\", \"path\": \"/\", \"expires\": \"2026\"}]}",
	 "s.json: error: cookies[3].expires: expected a number, got a string"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"a.com\", \"path\": \"/\", \"expires\": -5}]}",
	 "s.json: error: cookies[0].expires: -5 is neither -1 (a session cookie) nor Unix seconds from 0 to 253402300799"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"a.com\", \"path\": \"/\", \"httpOnly\": \"yes\"}]}",
	 "s.json: error: cookies[0].httpOnly: expected true or false, got a string"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"a.com\", \"path\": \"/\", \"sameSite\": \"lax\"}]}",
	 "s.json: error: cookies[0].sameSite: \"lax\" is not Strict, Lax or None"},
	/* storageState: cookies no browser could hold (bsim_jar_restore's reasons) */
	{"s.json", "{\"cookies\": [%G, {\"name\": \"a\", \"value\": \"1\", \"domain\": \"Shop.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[1]: cookie a: domain \"Shop.com\" is not canonical (expected \"shop.com\")"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"cart\"}]}",
	 "s.json: error: cookies[0]: cookie a: path \"cart\" does not start with '/'"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"x\\u0001y\", \"domain\": \"shop.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0].value: \"x\\x01y\" holds a control character, which voids a Set-Cookie (RFC 6265bis §5.6 step 1)"},
	{"s.json", "{\"cookies\": [{\"name\": \"\", \"value\": \"\", \"domain\": \"shop.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0]: cookie has neither a name nor a value"},
	/* storageState: what a Set-Cookie could not carry (CanonicalCookie::CreateSanitizedCookie) */
	{"s.json", "{\"cookies\": [%G, {\"name\": \"a;b\", \"value\": \"c\", \"domain\": \"shop.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[1].name: \"a;b\" holds ';', which ends a cookie in a Set-Cookie or Cookie header (RFC 6265bis §5.6 step 2)"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"x; Domain=evil.com\", \"domain\": \"shop.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0].value: \"x; Domain=evil.com\" holds ';', which ends a cookie in a Set-Cookie or Cookie header (RFC 6265bis §5.6 step 2)"},
	{"s.json", "{\"cookies\": [{\"name\": \"a=b\", \"value\": \"c\", \"domain\": \"shop.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0].name: \"a=b\" holds '=', which ends a cookie's name (RFC 6265bis §5.6 step 3)"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \" padded\", \"domain\": \"shop.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0].value: \" padded\" starts or ends with a space or TAB, which a Set-Cookie parser trims (RFC 6265bis §5.6 step 4)"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\\t2\", \"domain\": \"shop.com\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0].value: \"1\\x092\" holds a TAB, which this engine refuses inside a cookie (browser-rules.md P1)"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"/a;b\"}]}",
	 "s.json: error: cookies[0].path: \"/a;b\" holds ';', which ends a cookie in a Set-Cookie or Cookie header (RFC 6265bis §5.6 step 2)"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"\", \"path\": \"/\"}]}",
	 "s.json: error: cookies[0].domain: \"\" is empty; a cookie belongs to a host (Playwright's addCookies refuses a cookie without a domain)"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"/\", \"expires\": 1e20}]}",
	 "s.json: error: cookies[0].expires: 100000000000000000000 is neither -1 (a session cookie) nor Unix seconds from 0 to 253402300799"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"/\", \"expires\": 253402300800.5}]}",
	 "s.json: error: cookies[0].expires: 253402300800.5 is neither -1 (a session cookie) nor Unix seconds from 0 to 253402300799"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"/\", \"_crHasCrossSiteAncestor\": 0}]}",
	 "s.json: error: cookies[0]._crHasCrossSiteAncestor: expected true or false, got a number"},
	{"s.json", "{\"cookies\": [{\"name\": \"a\", \"value\": \"1\", \"domain\": \"shop.com\", \"path\": \"/\", \"partitionKey\": \"https://shop.com (cross-site ancestor)\"}]}",
	 "s.json: error: cookies[0].partitionKey: \"https://shop.com (cross-site ancestor)\" is not a top-level site (such as https://shop.com)"},
	/* storageState: origins */
	{"s.json", "{\"origins\": [{\"origin\": \"ftp://x.com\", \"localStorage\": []}]}",
	 "s.json: error: origins[0].origin: \"ftp://x.com\" is not an http or https origin"},
	{"s.json", "{\"origins\": [{\"localStorage\": []}]}", "s.json: error: origins[0].origin: missing (a storageState item has one)"},
	{"s.json", "{\"origins\": [{\"origin\": \"https://x.com\", \"localStorage\": {}}]}",
	 "s.json: error: origins[0].localStorage: expected an array, got an object"},
	{"s.json", "{\"origins\": [{\"origin\": \"https://x.com\", \"localStorage\": [{\"name\": \"k\", \"value\": \"v\"}, {\"name\": \"k2\"}]}]}",
	 "s.json: error: origins[0].localStorage[1].value: missing (a storageState item has one)"},
	{"s.json", "{\"origins\": [{\"origin\": \"https://x.com\", \"localStorage\": [7]}]}",
	 "s.json: error: origins[0].localStorage[0]: expected a {name, value} object, got a number"},
	{"s.json", "{\"origins\": [{\"origin\": \"https://x.com\", \"localStorage\": []}, {\"origin\": \"https://x.com:443\", \"localStorage\": []}]}",
	 "s.json: error: origins[1].origin: https://x.com:443 is listed twice (also origins[0])"},
	{"s.json", "{\"origins\": [{\"origin\": \"https://x.com\", \"localStorage\": [{\"name\": \"k\", \"value\": \"1\"}, {\"name\": \"k\", \"value\": \"2\"}]}]}",
	 "s.json: error: origins[0].localStorage[1].name: \"k\" appears twice (also origins[0].localStorage[0])"},
	/* cookies.txt, with FILE:LINE (and the column of a bad byte) */
	{"c.txt", "# Netscape HTTP Cookie File\n\nshop.com FALSE / FALSE 0 a 1\n",
	 "c.txt:3: error: not a cookie line: it has no TAB (the 7 fields domain, include subdomains, path, secure, expires, name, value are separated by TABs)"},
	{"c.txt", "shop.com\tFALSE\t/\tFALSE\t0\n",
	 "c.txt:1: error: expected 7 TAB-separated fields (domain, include subdomains, path, secure, expires, name, value), found 5"},
	{"c.txt", "shop.com\tFALSE\t/\tFALSE\t0\ta\t1\textra\tmore\n",
	 "c.txt:1: error: expected 7 TAB-separated fields (domain, include subdomains, path, secure, expires, name, value), found more than 7"},
	{"c.txt", "shop.com\tyes\t/\tFALSE\t0\ta\t1\n",
	 "c.txt:1: error: second field (include subdomains) is \"yes\"; expected TRUE or FALSE"},
	{"c.txt", "shop.com\tFALSE\t/\t1\t0\ta\t1\n", "c.txt:1: error: fourth field (secure) is \"1\"; expected TRUE or FALSE"},
	{"c.txt", "shop.com\tFALSE\t/\tFALSE\tsoon\ta\t1\n",
	 "c.txt:1: error: the expires field is \"soon\"; expected Unix seconds (0 for a session cookie)"},
	{"c.txt", "shop.com\tFALSE\t/\tFALSE\t-1\ta\t1\n",
	 "c.txt:1: error: the expires field is \"-1\"; expected Unix seconds (0 for a session cookie)"},
	{"c.txt", "shop.com\tFALSE\t/\tFALSE\t\ta\t1\n",
	 "c.txt:1: error: the expires field is empty; expected Unix seconds (0 for a session cookie)"},
	{"c.txt", "# ok\nshop.com\tFALSE\t/\tFALSE\t0\ta\t1\x01\n", "c.txt:2:29: error: control character 0x01; a cookies.txt line holds none"},
	{"c.txt", "shop.com\tFALSE\t/\tFALSE\t0\ta\t1\nshop.com\tFALSE\t/\tFALSE\t0\tb\t1\nShop.com\tFALSE\t/\tFALSE\t0\tc\t1\n",
	 "c.txt:3: error: cookie c: domain \"Shop.com\" is not canonical (expected \"shop.com\")"},
	{"c.txt", "shop.com\tFALSE\tcart\tFALSE\t0\ta\t1\n", "c.txt:1: error: cookie a: path \"cart\" does not start with '/'"},
	{"c.txt", "shop.com\tFALSE\t/\tFALSE\t0\ta\t1\nshop.com\tFALSE\t/\tFALSE\t0\tb\tx; admin=1\n",
	 "c.txt:2: error: the value field \"x; admin=1\" holds ';', which ends a cookie in a Set-Cookie or Cookie header (RFC 6265bis §5.6 step 2)"},
	{"c.txt", "\tFALSE\t/\tFALSE\t0\ta\t1\n",
	 "c.txt:1: error: the domain field \"\" is empty; a cookie belongs to a host (Playwright's addCookies refuses a cookie without a domain)"},
};

/* %G in a case stands for a good cookie, so that a bad one is not the first. */
static char *expand(const char *t)
{
	size_t size = strlen(t) * 40 + 1;
	char *out = calloc(1, size);
	for (const char *p = t; *p; p++) {
		if (p[0] == '%' && p[1] == 'G') {
			support_append(out, size, good_cookie);
			p++;
		} else {
			support_append_n(out, size, p, 1);
		}
	}
	return out;
}

Test(interchange, malformed_input_names_its_place_and_changes_nothing)
{
	bsim_browser *b = busy_browser(BSIM_ENGINE_CHROMIUM);
	char *before = picture(b);
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const bad_case *c = &bad_cases[i];
		char *data = expand(c->data);
		int rc = interchange_import_data(b, c->name, data, strlen(data), INTERCHANGE_AUTO);
		cr_expect_eq(rc, BSIM_EINVAL, "case %zu: rc %d (%s)", i, rc, bsim_error_last()->message);
		cr_expect_str_eq(bsim_error_last()->message, c->message, "case %zu:\n got  %s\n want %s", i,
				 bsim_error_last()->message, c->message);
		cr_expect_str_eq(bsim_error_last()->file ? bsim_error_last()->file : "", c->name, "case %zu: file", i);
		char *after = picture(b);
		cr_expect_str_eq(after, before, "case %zu changed the browser", i);
		free(after);
		free(data);
	}
	free(before);
	bsim_browser_free(b);
}

Test(interchange, an_over_quota_import_changes_nothing)
{
	bsim_browser *b = busy_browser(BSIM_ENGINE_FIREFOX);
	char *before = picture(b);
	/* Firefox's 5120 Ki UTF-16 code units per origin (browser-rules.md W2): one 3 M-character item fits, two do not. */
	size_t n = 3000 * 1000;
	char *big = malloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	size_t cap = 3 * n + 512;
	char *json = malloc(cap);
	snprintf(json, cap,
		 "{\"cookies\": [%s], \"origins\": [{\"origin\": \"https://www.shop.com\", \"localStorage\": ["
		 "{\"name\": \"a\", \"value\": \"%s\"}, {\"name\": \"b\", \"value\": \"%s\"}]}]}",
		 good_cookie, big, big);
	int rc = interchange_import_data(b, "big.json", json, strlen(json), INTERCHANGE_AUTO);
	cr_expect_eq(rc, BSIM_EQUOTA, "rc %d: %s", rc, bsim_error_last()->message);
	cr_expect(strncmp(bsim_error_last()->message, "big.json: error: origins[0].localStorage[1]: localStorage quota exceeded",
			 strlen("big.json: error: origins[0].localStorage[1]: localStorage quota exceeded")) == 0, "%s",
		  bsim_error_last()->message);
	char *after = picture(b);
	cr_expect_str_eq(after, before);
	free(after);
	free(before);
	free(big);
	free(json);
	bsim_browser_free(b);
}

Test(interchange, reading_errors)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	char *p = in_dir("absent.json");
	cr_expect_eq(interchange_import(b, p), BSIM_EIO);
	char want[600];
	snprintf(want, sizeof want, "cannot read %s: No such file or directory", p);
	cr_expect_str_eq(bsim_error_last()->message, want);
	cr_expect_eq(interchange_import(b, dir), BSIM_EIO);
	/* A bad file on disk names itself. */
	char *q = in_dir("bad.txt");
	FILE *f = fopen(q, "w");
	fputs("# Netscape HTTP Cookie File\nshop.com\tMAYBE\t/\tFALSE\t0\ta\t1\n", f);
	fclose(f);
	cr_expect_eq(interchange_import(b, q), BSIM_EINVAL);
	snprintf(want, sizeof want, "%s:2: error: second field (include subdomains) is \"MAYBE\"; expected TRUE or FALSE", q);
	cr_expect_str_eq(bsim_error_last()->message, want);
	cr_expect_eq(bsim_error_last()->line, 2);
	free(p);
	free(q);
	bsim_browser_free(b);
}

/* ---- atomic exports ---- */

Test(interchange, a_failed_export_leaves_no_partial_file)
{
	bsim_browser *b = busy_browser(BSIM_ENGINE_CHROMIUM);
	char *p = in_dir("missing/state.json");
	cr_expect_eq(interchange_export(b, p, INTERCHANGE_AUTO), BSIM_EIO);
	char want[600];
	snprintf(want, sizeof want, "cannot write %s: cannot create a temporary file in %s/missing: No such file or directory",
		 p, dir);
	cr_expect_str_eq(bsim_error_last()->message, want);
	char *ls = listing();
	cr_expect_str_eq(ls, "");
	free(ls);
	/* A directory in the way: the rename fails and the temporary file goes. */
	char *d = in_dir("taken.txt");
	cr_assert_eq(mkdir(d, 0700), 0);
	char *inner = in_dir("taken.txt/x");
	cr_assert_eq(mkdir(inner, 0700), 0);
	cr_expect_eq(interchange_export(b, d, INTERCHANGE_AUTO), BSIM_EIO);
	ls = listing();
	cr_expect_str_eq(ls, "taken.txt ");
	free(ls);
	rmdir(inner);
	free(inner);
	free(d);
	free(p);
	bsim_browser_free(b);
}

/*
 * Found by tests/fuzz: a Firefox cookie with an HTAB inside its value
 * (P1) went into a cookies.txt line as an eighth field, so bsim could not
 * read its own export. storageState carries it; cookies.txt refuses it
 * with the reason and leaves no file.
 */
Test(interchange, a_cookie_with_an_htab_exports_to_storage_state_and_not_to_cookies_txt)
{
	bsim_browser *b = browser(BSIM_ENGINE_FIREFOX);
	const char *set[] = {"t=1\t2; Path=/; SameSite=Lax"};
	bsim_response r = {set, 1};
	int tab = -1;
	cr_assert_eq(bsim_tab_open(&tab, b, "https://www.shop.com/", &r), 0, "%s", bsim_error_last()->message);
	char *json = in_dir("tab.json");
	cr_assert_eq(interchange_export(b, json, INTERCHANGE_AUTO), 0, "%s", bsim_error_last()->message);
	bsim_browser *b2 = browser(BSIM_ENGINE_FIREFOX);
	import_ok(b2, json);
	char *want = picture(b), *got = picture(b2);
	cr_expect_str_eq(got, want);
	cr_expect(strstr(got, "t=1\t2 "), "%s", got);

	char *txt = in_dir("tab.txt");
	cr_expect_eq(interchange_export(b, txt, INTERCHANGE_AUTO), BSIM_EINVAL);
	cr_expect_str_eq(bsim_error_last()->message,
			 "cookie t on www.shop.com holds a TAB, which cookies.txt uses between fields; "
			 "export to a .json file (storageState) instead");
	char *ls = listing();
	cr_expect_str_eq(ls, "tab.json ");
	free(ls);
	free(want);
	free(got);
	free(json);
	free(txt);
	bsim_browser_free(b);
	bsim_browser_free(b2);
}

/*
 * Found by tests/fuzz (fuzz_cookies_txt): "..shop.com" lost one dot to the
 * cookies.txt convention and kept the other, so a host-only cookie held
 * ".shop.com", which its own export turned into another cookie. A domain
 * with a leading dot left is refused, and the import changes nothing.
 */
Test(interchange, a_domain_that_keeps_a_leading_dot_is_refused)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	static const char txt[] = "..shop.com\tFALSE\t/\tFALSE\t0\tsid\tabc123\n";
	cr_expect_eq(interchange_import_data(b, "c.txt", txt, sizeof txt - 1, INTERCHANGE_COOKIES_TXT), BSIM_EINVAL);
	cr_expect(strstr(bsim_error_last()->message, "domain \".shop.com\" starts with a dot"), "%s",
		  bsim_error_last()->message);
	cr_expect_eq(bsim_jar_count(bsim_browser_jar(b)), 0);
	bsim_browser_free(b);
}

Test(interchange, an_export_replaces_the_old_file_whole)
{
	bsim_browser *b = busy_browser(BSIM_ENGINE_FIREFOX);
	char *p = in_dir("cookies.txt");
	FILE *f = fopen(p, "w");
	for (int i = 0; i < 2000; i++)
		fputs("old old old old old old old old old old old old old old old old old\n", f);
	fclose(f);
	cr_assert_eq(interchange_export(b, p, INTERCHANGE_AUTO), 0, "%s", bsim_error_last()->message);
	char *text = slurp(p, NULL);
	cr_expect(strncmp(text, "# Netscape HTTP Cookie File\n", 28) == 0);
	cr_expect(strstr(text, "old old") == NULL);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600, "cookies are credentials: mode %o", st.st_mode & 0777);
	char *ls = listing();
	cr_expect_str_eq(ls, "cookies.txt ");
	free(ls);
	free(text);
	free(p);
	bsim_browser_free(b);
}

/* ---- limits ---- */

Test(interchange, limits_are_named_in_the_error)
{
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	/* A line past curl's 5000 bytes. */
	char *line = malloc(6000);
	snprintf(line, 6000, "shop.com\tFALSE\t/\tFALSE\t0\tbig\t");
	size_t n = strlen(line);
	memset(line + n, 'v', 5001 - n);
	line[5001] = '\0';
	cr_expect_eq(interchange_import_data(b, "c.txt", line, strlen(line), INTERCHANGE_COOKIES_TXT), BSIM_ELIMIT);
	cr_expect_str_eq(bsim_error_last()->message, "c.txt:1: error: line is 5001 bytes, longer than the 5000 bytes curl reads");
	free(line);

	/* A file past 64 MiB is refused before it is read (a sparse file takes no disk). */
	char *p = in_dir("huge.json");
	FILE *f = fopen(p, "w");
	fclose(f);
	cr_assert_eq(truncate(p, (off_t)65 * 1024 * 1024), 0);
	cr_expect_eq(interchange_import(b, p), BSIM_ELIMIT);
	char want[600];
	snprintf(want, sizeof want, "%s: error: 68157440 bytes, over the 67108864 bytes bsim imports from one file "
		 "(INTERCHANGE_MAX_FILE_BYTES); split the file and import the parts in turn", p);
	cr_expect_str_eq(bsim_error_last()->message, want);
	cr_expect_eq(bsim_jar_count(bsim_browser_jar(b)), 0);
	free(p);
	bsim_browser_free(b);
}

/* ---- files the real tools wrote ---- */

/*
 * Written by playwright-core 1.65.1 driving Debian's Chromium 156
 * (context.storageState after a page on http://www.shop.test/ received
 * Set-Cookie headers and wrote document.cookie and localStorage); and by
 * curl 7.88.1 (-c) from the same kind of response on www.shop.example.com.
 * Imported, then exported and imported again, they give the same state.
 */
static const struct real_file {
	const char *fixture;
	interchange_format fmt;
	const char *again;
	const char *expect[4];
} real_files[] = {
	{"real-playwright-1.65.1-chromium-156.json", INTERCHANGE_STORAGE_STATE, "again.json",
	 {"_genesys.widgets.webchat.state.session=7f3c2a90 domain=.shop.test path=/ session0",
	  "sid=abc123 domain=www.shop.test path=/ httponly session0",
	  "pref=dark domain=www.shop.test path=/account expires=1795601084055",
	  "http://www.shop.test:80 _genesys.widgets.inFocus=guid-1"}},
	{"real-curl-7.88.1.txt", INTERCHANGE_COOKIES_TXT, "again.txt",
	 {"pref=dark domain=www.shop.example.com path=/account expires=1795601090000",
	  "sid=abc123 domain=www.shop.example.com path=/ httponly session0",
	  "_genesys.widgets.webchat.state.session=7f3c2a90 domain=.shop.example.com path=/ session0", NULL}},
};

Test(interchange, files_the_real_tools_wrote_import_and_round_trip)
{
	for (size_t i = 0; i < sizeof real_files / sizeof real_files[0]; i++) {
		const struct real_file *f = &real_files[i];
		bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
		import_ok(b, fixture(f->fixture));
		char *got = picture(b);
		for (size_t k = 0; k < 4 && f->expect[k]; k++)
			cr_expect(strstr(got, f->expect[k]), "%s: no \"%s\" in\n%s", f->fixture, f->expect[k], got);
		char *out = in_dir(f->again);
		cr_assert_eq(interchange_export(b, out, f->fmt), 0, "%s", bsim_error_last()->message);
		bsim_browser *c = browser(BSIM_ENGINE_CHROMIUM);
		import_ok(c, out);
		char *again = picture(c);
		cr_expect_str_eq(again, got, "%s does not round-trip", f->fixture);
		free(again);
		free(got);
		free(out);
		bsim_browser_free(c);
		bsim_browser_free(b);
	}
}

/* ---- a jar written by the real curl ---- */

/*
 * A loopback HTTP server for curl: each request for /a,b,... answers with
 * one Set-Cookie per name, in that order, and closes.
 */
typedef struct cookie_server {
	int fd, requests;
	pthread_t thread;
} cookie_server;

static void *serve_cookies(void *arg)
{
	cookie_server *s = arg;
	for (int n = 0; n < s->requests; n++) {
		int c = accept(s->fd, NULL, NULL);
		if (c < 0)
			break;
		char req[2048] = "";
		size_t got = 0;
		while (got < sizeof req - 1 && !strstr(req, "\r\n\r\n")) {
			ssize_t k = read(c, req + got, sizeof req - 1 - got);
			if (k <= 0)
				break;
			got += (size_t)k;
			req[got] = '\0';
		}
		char names[256] = "", resp[2048];
		sscanf(req, "GET /%255[^ ]", names);
		int len = snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n");
		char *save = NULL;
		for (char *name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save))
			len += snprintf(resp + len, sizeof resp - (size_t)len, "Set-Cookie: %s=1; Path=/; Max-Age=3600\r\n", name);
		len += snprintf(resp + len, sizeof resp - (size_t)len, "\r\n");
		cr_assert_eq(write(c, resp, (size_t)len), len);
		close(c);
	}
	return NULL;
}

/*
 * curl writes its jar newest first (lib/cookie.c cookie_output) and reads
 * a file oldest first: bsim read curl's jar in reverse creation order. One
 * curl run sets a, b, then c, then d; bsim must find them in that order.
 */
Test(interchange, a_jar_the_real_curl_wrote_imports_in_creation_order)
{
	if (system("command -v curl >/dev/null 2>&1") != 0)
		cr_skip_test("curl is not installed (apt-get install curl): the jar it writes cannot be checked");
	cookie_server s = {socket(AF_INET, SOCK_STREAM, 0), 3, 0};
	cr_assert(s.fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof a;
	cr_assert_eq(bind(s.fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(s.fd, 4), 0);
	cr_assert_eq(getsockname(s.fd, (struct sockaddr *)&a, &alen), 0);
	cr_assert_eq(pthread_create(&s.thread, NULL, serve_cookies, &s), 0);
	char *jar = in_dir("curl-jar.txt"), cmd[1024];
	int port = ntohs(a.sin_port);
	snprintf(cmd, sizeof cmd,
		 "curl -s -o /dev/null -o /dev/null -o /dev/null -c '%s' http://127.0.0.1:%d/a,b http://127.0.0.1:%d/c "
		 "http://127.0.0.1:%d/d",
		 jar, port, port, port);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	pthread_join(s.thread, NULL);
	close(s.fd);

	size_t len;
	char *text = slurp(jar, &len);
	cr_assert(strstr(text, "generated by libcurl"), "%s", text);
	/* What curl wrote: the newest first. */
	cr_expect(strstr(text, "\td\t1\n") < strstr(text, "\ta\t1\n"), "%s", text);
	bsim_browser *b = browser(BSIM_ENGINE_CHROMIUM);
	import_ok(b, jar);
	char *got = picture(b);
	const char *at[4];
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof name, "%c=1 ", 'a' + i);
		at[i] = strstr(got, name);
		cr_assert(at[i], "no %s in\n%s", name, got);
		if (i)
			cr_expect(at[i - 1] < at[i], "%c before %c in\n%s", 'a' + i - 1, 'a' + i, got);
	}
	/* bsim writes oldest first, the order curl reads in. */
	char *again = in_dir("again.txt");
	cr_assert_eq(interchange_export(b, again, INTERCHANGE_COOKIES_TXT), 0, "%s", bsim_error_last()->message);
	char *out = slurp(again, NULL);
	cr_expect(strstr(out, "\ta\t1\n") < strstr(out, "\td\t1\n"), "%s", out);
	free(out);
	free(again);
	free(got);
	free(text);
	free(jar);
	bsim_browser_free(b);
}
