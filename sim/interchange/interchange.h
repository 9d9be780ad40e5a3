/*
 * interchange.h: moving a browser's state to and from the files other tools
 * write, so that a state captured in a real browser test can seed a bsim run
 * and a bsim run's state can seed one:
 *
 *   - Playwright's storageState JSON: cookies and each origin's localStorage
 *     (storage_state.c);
 *   - the Netscape cookies.txt that curl and wget read and write: cookies
 *     only (cookies_txt.c).
 *
 * Interchange sits above the browser and uses only its public API
 * (include/bsim/). An import is the state a real browser had: no storage
 * rule runs, only what Playwright's addCookies asks of a cookie (Chromium's
 * CanonicalCookie::CreateSanitizedCookie: characters a Set-Cookie header
 * could carry, by the Set-Cookie parser's own rules, and a domain), what
 * bsim_jar_restore checks of every cookie a browser could hold, and then
 * the engine's storage limits (bsim_jar_import), as loading the same file
 * with addCookies does. Every cookie is created now on the virtual clock, in file
 * order (neither format keeps creation times; a jar curl wrote is read
 * bottom up, cookies_txt.c), and merged into what the
 * browser holds: an equivalent cookie is replaced, an existing
 * localStorage key overwritten. A malformed file changes nothing: it is read
 * whole and applied to a scratch browser first. An export is written to a
 * temporary file renamed over the target, so a failed export leaves no
 * partial file.
 *
 * Errors are BSIM_EINVAL for a malformed file, naming the file and the place
 * in it: FILE:LINE:COL for JSON syntax, the JSON path for a bad value
 * (cookies[3].expires), FILE:LINE for cookies.txt; BSIM_EIO when it cannot
 * be read or written; BSIM_ELIMIT past a limit below.
 */
#ifndef BSIM_INTERCHANGE_H
#define BSIM_INTERCHANGE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bsim/browser.h"
#include "util/error.h"
#include "util/timefmt.h"

typedef enum interchange_format {
	INTERCHANGE_AUTO = 0,          /* import: by content, then extension; export: by extension */
	INTERCHANGE_STORAGE_STATE = 1, /* Playwright storageState JSON */
	INTERCHANGE_COOKIES_TXT = 2    /* Netscape cookies.txt */
} interchange_format;

/*
 * The largest file read: a storageState holds localStorage too, at the
 * engines' 5-10 MiB quota per origin, so a few origins' worth; a cookies.txt
 * of 3300 cookies (the largest engine jar) is under 15 MiB.
 */
#define INTERCHANGE_MAX_FILE_BYTES (64 * 1024 * 1024)

/* Cookies in one file: 30 times the largest engine's global cap (3300, browser-rules.md L3). */
#define INTERCHANGE_MAX_COOKIES 100000

/* localStorage items in one file: the most a 64 MiB file of short items could name. */
#define INTERCHANGE_MAX_LOCAL_ITEMS 1000000

/*
 * Longest origin accepted: "https://" + a 253-byte host name + ":65535",
 * rounded up.
 */
#define INTERCHANGE_MAX_ORIGIN 300

/*
 * Longest JSON path an error names (log.entries[99999].response.headers[999].value
 * and the like are under 60 bytes); a longer one is cut, never overrun.
 */
#define INTERCHANGE_PATH_MAX 192

/*
 * The range of a cookie's expiry in either format, in Unix seconds, for
 * every reader and writer: up to 9999-12-31T23:59:59Z, the latest instant
 * Playwright's addCookies takes (kMaxCookieExpiresDateInSeconds) and the
 * last second of a four-digit year, as the virtual clock (TIME_INSTANT_MAX_MS);
 * from 1, since 0 is a session cookie in cookies.txt. An export clamps
 * every expiry into this range, so whatever bsim writes it reads back.
 */
#define INTERCHANGE_EXPIRES_MIN_S INT64_C(1)
#define INTERCHANGE_EXPIRES_MAX_S (TIME_INSTANT_MAX_MS / 1000)

/* A persistent cookie's expiry (ms) clamped into the range above, still in ms. */
bsim_time ic_expires_clamp(bsim_time expires_ms);

/* "storageState" or "cookies.txt" (for messages). */
const char *interchange_format_name(interchange_format fmt);

/*
 * Which format data (len bytes) read from path is. Content decides: JSON
 * starts with '{' (after a UTF-8 byte order mark and white space); a '#'
 * line or a TAB-separated line is cookies.txt. When content cannot tell (an
 * empty file, a line of neither kind) the extension does: ".json" is
 * storageState, anything else cookies.txt.
 */
interchange_format interchange_detect(const char *path, const char *data, size_t len);

/*
 * Read path and merge its cookies (and localStorage, for storageState) into
 * the browser. On any error the browser is unchanged.
 */
int interchange_import(bsim_browser *b, const char *path);

/* As interchange_import, from memory; `name` names the data in errors. fmt may be INTERCHANGE_AUTO. */
int interchange_import_data(bsim_browser *b, const char *name, const char *data, size_t len,
			    interchange_format fmt);

/*
 * Write the browser's cookies (in creation order; expired ones left out)
 * and, for storageState, its localStorage to path, atomically. With
 * INTERCHANGE_AUTO a ".json" name gets storageState, any other cookies.txt.
 */
int interchange_export(bsim_browser *b, const char *path, interchange_format fmt);

/*
 * Persistent cookies an export of b writes that expire at or before
 * real_now (Unix ms): a real browser loading the file drops them at once.
 * *total gets how many persistent cookies it writes.
 */
size_t interchange_expired_at(bsim_browser *b, bsim_time real_now, size_t *total);

/*
 * After an export to path: warn on `to` when cookies in it are already
 * expired in real time, saying how many and how to move the virtual clock
 * (--now, now=). The one wall-clock read in bsim: the warning is about
 * using the file in a real browser today. It never changes the file, so
 * an export stays deterministic.
 */
void interchange_warn_if_expired(FILE *to, bsim_browser *b, const char *path);

/* The text an export writes. *out allocated (NUL-terminated); the caller frees it. */
int interchange_render(char **out, size_t *len, bsim_browser *b, interchange_format fmt);

/* ---- shared by the format files (interchange.c applies what they parse) ---- */

/* One cookie read from a file; strings owned. */
typedef struct ic_cookie {
	char *name, *value, *domain, *path, *partition_key;
	int host_only, secure, http_only, persistent;
	bsim_samesite same_site;
	bsim_time expires;
	int cross_site_ancestor; /* storageState's _crHasCrossSiteAncestor: 1, 0, or -1 when absent */
	int line;       /* cookies.txt: its line; 0 for JSON */
	char where[96]; /* JSON: its path ("cookies[3]"); "" for cookies.txt */
} ic_cookie;

/* One localStorage item: origin in bsim's form ("https://www.shop.com:443"). */
typedef struct ic_item {
	char *origin, *key, *value;
	char where[96]; /* its JSON path ("origins[0].localStorage[2]") */
} ic_item;

typedef struct ic_state {
	ic_cookie *cookies;
	size_t n_cookies, cap_cookies;
	ic_item *items;
	size_t n_items, cap_items;
} ic_state;

#define IC_STATE_INIT {NULL, 0, 0, NULL, 0, 0}

/* Append a zeroed cookie/item; NULL on out of memory or past the limit (error set, naming the file). */
ic_cookie *ic_state_add_cookie(ic_state *s, const char *name);
ic_item *ic_state_add_item(ic_state *s, const char *name);
void ic_state_free(ic_state *s);

/*
 * Raise BSIM_EINVAL (or `code`) about a place in file `name`:
 * "NAME:LINE:COL: error: ..." when line > 0 (col 0 leaves the column out),
 * else "NAME: error: WHERE: ..." (WHERE a JSON path; "" leaves it out).
 */
int ic_error(int code, const char *name, int line, int col, const char *where, const char *fmt, ...)
	BSIM_PRINTF(6, 7);

/*
 * Read a whole regular file of at most max bytes; *out allocated and
 * NUL-terminated. BSIM_EIO naming path and the system's reason; BSIM_ELIMIT
 * past max.
 */
int ic_read_file(const char *path, size_t max, const char *max_name, char **out, size_t *len);

/*
 * ic_error at a JSON path: PATH.MEMBER (MEMBER may be NULL, PATH ""), for
 * the JSON readers' own varargs wrappers.
 */
int ic_path_verror(int code, const char *name, const char *path, const char *member, const char *fmt, va_list ap)
	BSIM_PRINTF(5, 0);

struct json_t;

/* Step *data past a leading UTF-8 byte order mark, if there is one (editors add it; scenarios and
 * every interchange format allow it). */
void ic_skip_bom(const char **data, size_t *len);

/*
 * A JSON number as a person wrote it, for a message: whole numbers in
 * full, fractions to three places, never with an exponent (1e+300 would
 * hide what was wrong); cut with "..." past outlen.
 */
void ic_number_text(char *out, size_t outlen, const struct json_t *number);

/* What a JSON value is, for "expected X, got an array": "an object", "null", ... */
const char *ic_json_kind(const struct json_t *v);

/* Parsers: fill s from data; BSIM_EINVAL with the place on malformed input. */
int storage_state_parse(ic_state *s, const char *name, const char *data, size_t len, bsim_engine engine);
int cookies_txt_parse(ic_state *s, const char *name, const char *data, size_t len);

/* Writers: the browser's state as the format's text. *out allocated. */
int storage_state_render(char **out, size_t *len, bsim_browser *b);
int cookies_txt_render(char **out, size_t *len, bsim_browser *b);

/*
 * An origin as Playwright writes it ("https://www.shop.com", default port
 * left out) into bsim's form ("https://www.shop.com:443"), and back. Only
 * http and https origins have this form; bsim's "file://..." origins pass
 * through unchanged. *out allocated. BSIM_EINVAL (message without place)
 * for anything that is not an origin.
 */
int ic_origin_to_bsim(char **out, const char *origin);
int ic_origin_from_bsim(char **out, const char *origin);

#endif
