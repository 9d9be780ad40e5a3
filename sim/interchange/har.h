/*
 * har.h (internal): a HAR 1.2 capture as bsim reads it, and the pieces of
 * the import that tests pin one by one. A support engineer receives a
 * capture exported from a customer's browser (Chrome, Firefox or Safari);
 * har.c reads it into a har_log (entries in startedDateTime order, each
 * marked navigation or subresource), and the scenario layer's HAR reader
 * (sim/scenario/read/har.c) turns that into a scenario file
 * (include/bsim/har.h is the public entry point).
 *
 * Every string is copied out of the JSON and owned by the har_log. Errors
 * name the file and the JSON path of the bad value
 * ("log.entries[12].response.headers[3].value: expected a string, got a
 * number"), or the line and column of a JSON syntax error.
 */
#ifndef BSIM_INTERCHANGE_HAR_H
#define BSIM_INTERCHANGE_HAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bsim/cookie.h"
#include "bsim/har.h"

/*
 * The largest capture read. A busy page's HAR with response bodies runs to
 * tens of MiB (DevTools keeps bodies it has cached); 256 MiB is past any
 * capture a customer can attach to a ticket, and jansson needs a few times
 * the file's size in memory.
 */
#define HAR_MAX_FILE_BYTES (256 * 1024 * 1024)

/*
 * Entries in one capture: a long session of a heavy single-page site (a
 * request a second for several hours) stays under this; more is either not
 * a browser's export or too big to reason about as one scenario.
 */
#define HAR_MAX_ENTRIES 100000

/* Pages in one capture: one per top-level load; far more than any session a person clicks through. */
#define HAR_MAX_PAGES 10000

/*
 * Headers of one request or response: servers refuse far fewer (Apache's
 * LimitRequestFields is 100); a response flooding cookies can carry a few
 * hundred Set-Cookie lines, so the bound sits well above that.
 */
#define HAR_MAX_HEADERS 2000

/* Cookies listed under one request or response: the same reasoning as HAR_MAX_HEADERS. */
#define HAR_MAX_COOKIES 2000

/*
 * One header's name plus value: nginx refuses a request header line over
 * 8 KiB by default (large_client_header_buffers), and no browser stores a
 * cookie over 4096 bytes, so 64 KiB is past anything a real exchange holds.
 */
#define HAR_MAX_HEADER_BYTES (64 * 1024)

/* A URL: the limit the URL layer applies (Chromium's 2 MB, net/url.h). */
#define HAR_MAX_URL_BYTES (2 * 1024 * 1024)

/* Any other string read (names, titles, versions): far past what an exporter writes. */
#define HAR_MAX_STRING_BYTES (64 * 1024)

/*
 * JSON nesting: a HAR is six levels deep where bsim reads it (log, entries,
 * entry, request, headers, header); response bodies and exporter extensions
 * go deeper, but a hostile file nesting thousands of arrays would only
 * exhaust the parser's stack. jansson itself stops at 2048.
 */
#define HAR_MAX_DEPTH 64

/*
 * The memory jansson's tree of a capture may take, estimated from the text
 * before jansson parses it (har.c counts every value in one pass). The
 * file-size limit alone does not bound it: jansson spends about 40 bytes
 * on a one-byte number and 230 on an empty object, so 64 MiB of small
 * numbers took 1.35 GiB and a million small entries 1.97 GiB before any
 * other limit was looked at. With the text itself (up to
 * HAR_MAX_FILE_BYTES) this keeps an import under the 1 GiB docs/limits.md
 * promises; a real capture of 256 MiB is mostly response bodies, whose
 * strings cost their length.
 */
#define HAR_MAX_TREE_BYTES ((size_t)512 * 1024 * 1024)

/*
 * What each JSON value costs in jansson 2.14's tree, malloc's own overhead
 * included, measured with json_set_alloc_funcs on 100,000 values of each
 * kind: an integer or real 42 bytes, a string 90 plus its length, an empty
 * object 234, an empty array 138, an object member about 84 beyond its
 * value plus its key; true, false and null are shared (8 for the slot).
 * Rounded up, so the estimate errs toward refusing.
 */
#define HAR_COST_NUMBER 48
#define HAR_COST_LITERAL 16
#define HAR_COST_STRING 96
#define HAR_COST_OBJECT 240
#define HAR_COST_ARRAY 144
#define HAR_COST_MEMBER 96

typedef struct har_header {
	char *name, *value;
} har_header;

/* A cookie object of request.cookies[] or response.cookies[]; absent members are NULL / -1. */
typedef struct har_cookie {
	char *name, *value, *domain, *path, *same_site;
	/*
	 * expires as the exporter wrote it when it is an ISO 8601 string, else
	 * NULL (left out, null, another type: HAR 1.2 makes it optional, and the
	 * cookie is then read as a session cookie).
	 */
	char *expires;
	int secure;    /* 1, 0, or -1 when not given */
	int http_only; /* 1, 0, or -1 when not given */
} har_cookie;

typedef struct har_entry {
	size_t index;       /* its place in log.entries, for messages */
	int64_t started_ms; /* startedDateTime, Unix milliseconds */
	char *method, *url, *pageref, *resource_type, *initiator_type, *redirect_url, *mime_type;
	int status;
	har_header *req_headers, *resp_headers;
	size_t n_req_headers, n_resp_headers;
	har_cookie *req_cookies, *resp_cookies;
	size_t n_req_cookies, n_resp_cookies;
	bool navigation;    /* a top-level document load (har_mark_navigations) */
	bool from_cache;    /* Chrome's _fromCache: served without a request, so it shows no Cookie header */
	int64_t req_headers_size, resp_headers_size; /* headersSize; -1 when absent, -1 or not a number */
} har_entry;

typedef struct har_page {
	char *id, *title;
	int64_t started_ms;
} har_page;

typedef struct har_log {
	char *creator_name, *creator_version; /* log.creator */
	char *browser_name, *browser_version; /* log.browser, NULL when absent (Chrome writes none) */
	har_page *pages;
	size_t n_pages;
	har_entry *entries; /* sorted by started_ms, file order breaking ties */
	size_t n_entries;
} har_log;

/*
 * Read a HAR capture from data[0..len) ("name" names it in errors) into
 * *out, sorted and with navigations marked. BSIM_EINVAL with the JSON path
 * for anything that is not a HAR a browser exports; BSIM_ELIMIT past a
 * limit above. On success free with har_log_free.
 */
int har_parse(har_log **out, const char *name, const char *data, size_t len);
void har_log_free(har_log *h);

/*
 * Give every request whose cookies[] is empty the pairs of its Cookie
 * header(s), without Domain or flags (har_cookie_header.c): Playwright's
 * recordHar in minimal mode writes headers but no cookies[]. Counts the
 * requests that had cookies[] and those read from the header. 0, or
 * BSIM_ELIMIT past HAR_MAX_COOKIES, or BSIM_ENOMEM.
 */
int har_request_cookies_from_headers(har_log *h, size_t *from_lists, size_t *from_headers);

/*
 * Mark the top-level navigations, in this order of evidence: the request's
 * Sec-Fetch-Dest header (document: yes; anything else: no); Chrome's
 * _resourceType (document: yes, unless _initiator.type is "parser", an
 * iframe's document; anything else: no); the target of a 3xx
 * navigation's redirectURL (a redirect chain); else an HTML response to a
 * GET or POST that opens its page (the first entry with that pageref), or
 * any HTML response when the capture has no pages.
 */
void har_mark_navigations(har_log *h);

/*
 * The engine whose browser wrote the capture: log.browser.name, then
 * log.creator.name (Firefox; "WebKit Web Inspector" is Safari), then the
 * first User-Agent request header (Firefox/, Chrome/ or Chromium/, then
 * Safari/). *why says which of those decided ("log.browser.name \"Firefox\"").
 * Chromium when nothing tells.
 */
bsim_engine har_guess_engine(const har_log *h, char *why, size_t whylen);

/*
 * Whether the capture holds no cookie data at all (no Cookie or Set-Cookie
 * header, every cookies[] empty) although it has navigations: what Chrome
 * 130 and later export by default ("Allow to generate HAR with sensitive
 * data" off), and what Firefox's and Safari's privacy settings can do.
 */
bool har_looks_sanitized(const har_log *h);

/*
 * For the message about a sanitized capture: what shows it. Chrome's
 * sanitized export (DevTools front_end/models/har/Log.ts, the sanitize build
 * option) removes the Cookie, Authorization and Set-Cookie headers and
 * empties cookies[], and leaves one trace: headersSize, computed from the
 * raw header text, still counts the removed lines (HTTP/1.x only; HTTP/2
 * entries have -1). Writes that evidence ("log.entries[3].request.headersSize
 * counts 41 bytes ...") or, without it, what the creator suggests, to out.
 */
void har_sanitized_how(const har_log *h, char *out, size_t outlen);

/*
 * Bytes headersSize counts beyond the headers an entry lists (request or
 * response), less a generous allowance for the start line; 0 when none or
 * unknown (headersSize -1).
 */
int64_t har_unlisted_header_bytes(const har_entry *e, bool response);

/* A header's value by name (ASCII case-insensitive), the first one; NULL when absent. */
const char *har_header_get(const har_header *headers, size_t n, const char *name);

/* The first place needle occurs in hay, ignoring ASCII case (strcasestr is a GNU extension); NULL when absent. */
const char *har_find_ci(const char *hay, const char *needle);

#endif
