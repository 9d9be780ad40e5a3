/*
 * fetch.h: one HTTP(S) request to a real server, with libcurl, and nothing
 * a browser decides: no cookie engine (the caller supplies the Cookie
 * header and reads the Set-Cookie headers back), no redirects (the caller
 * follows each Location itself, through its own jar), no proxy from the
 * environment, and no name resolution beyond the one address the caller
 * pins (CURLOPT_RESOLVE). The browser's live navigation (browser/live.c)
 * is built on it.
 */
#ifndef BSIM_NET_FETCH_H
#define BSIM_NET_FETCH_H

#include <stddef.h>

/* How long a connection may take to open (TCP and TLS handshake): a loopback test server answers in milliseconds. */
#define FETCH_CONNECT_TIMEOUT_MS 5000
/* How long a whole request may take, body included: long enough for a slow CI machine, short enough
 * that a hung server fails the step. */
#define FETCH_TIMEOUT_MS 30000
/* Response header lines kept: browsers cap a site at 180 cookies; a response with more lines than this is not a page. */
#define FETCH_HEADER_LINES_MAX 1000
/* Bytes of response headers read: libcurl refuses a single line over 100 KiB (CURL_MAX_HTTP_HEADER);
 * the whole block gets twice that. */
#define FETCH_HEADER_BYTES_MAX (200 * 1024)
/* One response header line: libcurl's own limit (CURL_MAX_HTTP_HEADER in curl.h, 100 KiB), which it reports as "Out of memory". */
#define FETCH_HEADER_LINE_MAX (100 * 1024)
/* Bytes of body read (and thrown away): the page's cookies are in its headers, and this bounds a hostile server. */
#define FETCH_BODY_MAX (16 * 1024 * 1024)

typedef struct fetch_request {
	const char *url;          /* absolute http: or https: URL */
	const char *method;       /* "GET", "POST", ... */
	const char *cookie;       /* the Cookie header's value, or NULL / "" for none */
	/* the address the URL's host resolves to (an IPv4 literal, or an IPv6 one with or without brackets),
	 * or NULL to let libcurl resolve */
	const char *address;
	const char *ca_file;      /* PEM certificates to trust instead of the system's, or NULL */
	int insecure;             /* 1: accept any certificate (self-signed test servers) */
} fetch_request;

typedef struct fetch_response {
	long status;              /* the HTTP status code */
	char **headers;           /* "Name: value" lines of the response, in order */
	size_t n_headers;
	size_t cap_headers;       /* room in headers (util/grow.h) */
	size_t body_bytes;        /* how much body arrived (it is not kept) */
} fetch_response;

/*
 * The response headers as they arrive, one line at a time (libcurl's
 * header callback, and the fuzzer without a network). fetch_header_line
 * takes one line with its CRLF and returns len, or 0 when a limit of this
 * file was hit (limit_what says which) or memory ran out.
 */
typedef struct fetch_headers {
	fetch_response *r;
	size_t header_bytes;
	int over_limit;           /* 1: a limit was hit; the transfer is aborted */
	const char *limit_what;
	int complete;             /* 1: the blank line ending the final response's headers arrived */
} fetch_headers;
size_t fetch_header_line(fetch_headers *c, const char *data, size_t len);

/*
 * Perform req. On success *out holds the response (free with
 * fetch_response_free), whatever its status. On failure: BSIM_EIO with
 * "URL: libcurl's message" for connection, TLS and protocol errors,
 * BSIM_ELIMIT for a timeout or a response over the limits above,
 * BSIM_EINVAL for a request libcurl refuses; out is left empty.
 */
int fetch_perform(fetch_response *out, const fetch_request *req);
void fetch_response_free(fetch_response *r);

/*
 * Copy msg (a libcurl message) into dst (size bytes, always terminated)
 * without the elapsed time libcurl puts in it (" after 3 ms"), so that the
 * same failure reads the same on every run. Returns the length written.
 */
size_t fetch_message_without_time(char *dst, size_t size, const char *msg);

/*
 * The value of the i-th header named `name` (case-insensitive) from index
 * *from on, or NULL; *from is moved past it. Borrowed from r.
 */
const char *fetch_header_next(const fetch_response *r, const char *name, size_t *from);

#endif
