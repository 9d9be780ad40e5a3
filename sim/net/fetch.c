/*
 * fetch.c: one HTTP(S) request with libcurl for the browser's live
 * navigation (see fetch.h for what it leaves to the browser). libcurl's
 * cookie engine stays off (no CURLOPT_COOKIEFILE/COOKIEJAR), redirects are
 * not followed (CURLOPT_FOLLOWLOCATION off), proxies from the environment
 * are ignored (a test must reach the server it names), and only http and
 * https are spoken. Every limit is a named constant in fetch.h.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "net/fetch.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/grow.h"

_Static_assert(FETCH_HEADER_LINE_MAX == CURL_MAX_HTTP_HEADER, "FETCH_HEADER_LINE_MAX names libcurl's own limit");

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

/* curl_global_init is not safe to race with itself on every libcurl build; -j runs scenarios on threads. */
static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/*
 * libcurl's messages carry the time spent ("Failed to connect to h port 1
 * after 2 ms", "Resolving timed out after 2000 milliseconds"). A run's
 * messages must be the same byte for byte every time (a report, a replay,
 * two runs compared), so the elapsed time is cut out: " after N ms" and
 * " after N milliseconds" wherever they occur. Our own timeouts are
 * named by the caller instead.
 */
size_t fetch_message_without_time(char *dst, size_t size, const char *msg)
{
	static const char *const units[] = {" milliseconds", " ms"};
	size_t n = 0;
	if (!size)
		return 0;
	for (const char *p = msg; *p;) {
		if (strncmp(p, " after ", 7) == 0 && p[7] >= '0' && p[7] <= '9') {
			const char *q = p + 7;
			while (*q >= '0' && *q <= '9')
				q++;
			size_t skip = 0;
			for (size_t i = 0; i < sizeof units / sizeof *units && !skip; i++) {
				size_t len = strlen(units[i]);
				/* The unit ends the word: "ms:" or "ms " or the end, not "msec". */
				if (strncmp(q, units[i], len) == 0 &&
				    !((q[len] >= 'a' && q[len] <= 'z') || (q[len] >= 'A' && q[len] <= 'Z')))
					skip = (size_t)(q - p) + len;
			}
			if (skip) {
				p += skip;
				continue;
			}
		}
		if (n + 1 < size)
			dst[n++] = *p;
		p++;
	}
	dst[n] = '\0';
	return n;
}

static void drop_headers(fetch_response *r)
{
	for (size_t i = 0; i < r->n_headers; i++)
		free(r->headers[i]);
	free(r->headers);
	r->headers = NULL;
	r->n_headers = 0;
	r->cap_headers = 0;
}

size_t fetch_header_line(fetch_headers *c, const char *data, size_t len)
{
	c->header_bytes += len;
	if (c->header_bytes > FETCH_HEADER_BYTES_MAX) {
		c->over_limit = true;
		c->limit_what = "its headers are larger than " "200 KiB (FETCH_HEADER_BYTES_MAX)";
		return 0;
	}
	/* A new status line (after a 1xx interim response) starts the headers of the response that counts. */
	if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		drop_headers(c->r);
		c->complete = 0;
		return len;
	}
	/* A NUL would cut the line short where it is kept (and a header's value with it): refuse the response. */
	if (memchr(data, '\0', len)) {
		c->over_limit = true;
		c->limit_what = "a header line holds a NUL byte, which no HTTP header may (RFC 9110 §5.5)";
		return 0;
	}
	size_t keep = len;
	while (keep && (data[keep - 1] == '\r' || data[keep - 1] == '\n'))
		keep--;
	if (!keep) {
		/* The blank line: the headers of this response are complete (a 1xx's are followed by more). */
		c->complete = 1;
		return len;
	}
	if (c->r->n_headers >= FETCH_HEADER_LINES_MAX) {
		c->over_limit = true;
		c->limit_what = "it has more than 1000 header lines (FETCH_HEADER_LINES_MAX)";
		return 0;
	}
	if (ARRAY_GROW(&c->r->headers, &c->r->cap_headers, c->r->n_headers + 1) < 0)
		return 0;
	char *line = strndup(data, keep);
	if (!line)
		return 0;
	c->r->headers[c->r->n_headers++] = line;
	return len;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
	return fetch_header_line(ud, data, size * n);
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
	(void)data;
	fetch_headers *c = ud;
	size_t len = size * n;
	if (c->r->body_bytes + len > FETCH_BODY_MAX) {
		c->over_limit = true;
		c->limit_what = "its body is larger than 16 MiB (FETCH_BODY_MAX)";
		return 0;
	}
	c->r->body_bytes += len;
	return len;
}

/* "host:port:address" for CURLOPT_RESOLVE; libcurl takes an IPv6 address in brackets. */
static int resolve_entry(buf *out, CURLU *u, const char *address)
{
	char *host = NULL, *port = NULL;
	int rc = 0;
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		rc = error_set(BSIM_EINVAL, "cannot read the host and port of the URL");
		goto out;
	}
	bool v6 = strchr(address, ':') && address[0] != '[';
	buf_printf(out, "%s:%s:%s%s%s", host, port, v6 ? "[" : "", address, v6 ? "]" : "");
	rc = buf_status(out);
out:
	curl_free(host);
	curl_free(port);
	return rc;
}

/* Every option of one request: its URL, headers, method, TLS, limits and where the response goes. */
static void set_options(CURL *h, CURLU *u, struct curl_slist *headers, const fetch_request *req, fetch_headers *c,
			char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_CURLU, u);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	/* "" disables proxies, including those named by http_proxy and friends. */
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "bsim");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)FETCH_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)FETCH_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	} else if (strcmp(req->method, "HEAD") == 0) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else {
		/* A form submission with an empty body: the method is what cookie rules look at (SameSite Lax). */
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
		if (strcmp(req->method, "POST") != 0)
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	}
	if (req->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, req->ca_file);
	if (req->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}

}

/* What a finished transfer's outcome cc means for bsim: 0, or the error raised, naming the URL and the limit hit. */
static int perform_error(const fetch_request *req, const fetch_response *out, const fetch_headers *c, CURLcode cc,
			 const char *errbuf)
{
	char said[CURL_ERROR_SIZE];
	fetch_message_without_time(said, sizeof said, *errbuf ? errbuf : curl_easy_strerror(cc));
	if (c->over_limit)
		return error_set(BSIM_ELIMIT, "%s: the response was cut off: %s", req->url, c->limit_what);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return error_set(BSIM_ELIMIT, "%s: %s (timeouts: %d ms to connect, %d ms in all)", req->url,
				 said, FETCH_CONNECT_TIMEOUT_MS, FETCH_TIMEOUT_MS);
	/*
	 * libcurl stops at a header line over CURL_MAX_HTTP_HEADER with
	 * CURLE_OUT_OF_MEMORY and no message, before the line reaches
	 * on_header: while the headers are incomplete, that is the cause.
	 */
	if (cc == CURLE_OUT_OF_MEMORY && !c->complete && !*errbuf) {
		if (out->n_headers) {
			/* Named by the header before it (its name only: a value such as Date differs every run). */
			const char *last = out->headers[out->n_headers - 1];
			int name_len = (int)strcspn(last, ":");
			return error_set(BSIM_ELIMIT,
					 "%s: the response was cut off: header %zu, the one after %.*s, is longer than %d "
					 "bytes, the most libcurl reads in one line (CURL_MAX_HTTP_HEADER)",
					 req->url, out->n_headers + 1, name_len > 60 ? 60 : name_len, last,
					 FETCH_HEADER_LINE_MAX);
		}
		return error_set(BSIM_ELIMIT,
				 "%s: the response was cut off: its first header line is longer than %d bytes, the "
				 "most libcurl reads in one line (CURL_MAX_HTTP_HEADER)",
				 req->url, FETCH_HEADER_LINE_MAX);
	}
	if (cc == CURLE_WRITE_ERROR && !c->over_limit)
		return error_oom();
	if (cc != CURLE_OK)
		return error_set(BSIM_EIO, "%s: %s", req->url, said);
	return 0;
}

int fetch_perform(fetch_response *out, const fetch_request *req)
{
	*out = (fetch_response){0};
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return error_set(BSIM_ERROR, "libcurl could not start: %s", curl_easy_strerror(curl_init_rc));

	int rc = 0;
	CURL *h = NULL;
	CURLU *u = NULL;
	struct curl_slist *resolve = NULL, *headers = NULL;
	buf entry = BUF_INIT, cookie = BUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	fetch_headers c = {out, 0, 0, NULL, 0};

	if (!(h = curl_easy_init()) || !(u = curl_url())) {
		rc = error_oom();
		goto out;
	}
	if (curl_url_set(u, CURLUPART_URL, req->url, 0) != CURLUE_OK) {
		rc = error_set(BSIM_EINVAL, "%s: libcurl cannot request this URL", req->url);
		goto out;
	}
	if (req->address) {
		if ((rc = resolve_entry(&entry, u, req->address)) < 0)
			goto out;
		if (!(resolve = curl_slist_append(NULL, buf_cstr(&entry)))) {
			rc = error_oom();
			goto out;
		}
		curl_easy_setopt(h, CURLOPT_RESOLVE, resolve);
	}
	if (req->cookie && *req->cookie) {
		buf_printf(&cookie, "Cookie: %s", req->cookie);
		if (buf_status(&cookie) < 0 || !(headers = curl_slist_append(NULL, buf_cstr(&cookie)))) {
			rc = error_oom();
			goto out;
		}
	}
	/* libcurl adds "Expect: 100-continue" to some POSTs; a browser never sends it. */
	struct curl_slist *more = curl_slist_append(headers, "Expect:");
	if (!more) {
		rc = error_oom();
		goto out;
	}
	headers = more;

	set_options(h, u, headers, req, &c, errbuf);
	CURLcode cc = curl_easy_perform(h);
	if ((rc = perform_error(req, out, &c, cc, errbuf)) < 0)
		goto out;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
out:
	if (rc < 0)
		fetch_response_free(out);
	curl_slist_free_all(resolve);
	curl_slist_free_all(headers);
	buf_free(&entry);
	buf_free(&cookie);
	curl_easy_cleanup(h);
	curl_url_cleanup(u);
	return rc;
}

void fetch_response_free(fetch_response *r)
{
	drop_headers(r);
	*r = (fetch_response){0};
}

const char *fetch_header_next(const fetch_response *r, const char *name, size_t *from)
{
	size_t n = strlen(name);
	for (size_t i = *from; i < r->n_headers; i++) {
		const char *line = r->headers[i];
		if (strncasecmp(line, name, n) != 0 || line[n] != ':')
			continue;
		*from = i + 1;
		const char *v = line + n + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		return v;
	}
	*from = r->n_headers;
	return NULL;
}
