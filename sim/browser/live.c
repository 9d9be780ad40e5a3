/*
 * live.c: a top-level navigation fetched from a real HTTP(S) server, as a
 * browser fetches it: the jar writes each request's Cookie header and
 * stores each response's Set-Cookie headers before the next request, and
 * redirects are followed here, one hop at a time (libcurl follows none),
 * so the cookies a redirect sets reach the request it redirects to. The
 * hosts file pins every name to its address (CURLOPT_RESOLVE), so
 * www.testsite.com can be a test server on 127.0.0.1; a name it lacks is
 * refused rather than looked up, unless the caller allows the network.
 * A redirect is the server's choice, not the scenario's: it may reach only
 * a name the hosts file maps, at the port the navigation started on (or
 * the start URL's own host and port), unless the user's command line
 * allows the target (bsim_live_options.allow_redirect), so a test server
 * cannot make bsim request 127.0.0.2, localhost:6379 or [::ffff:127.0.0.1].
 * Time on the wire never touches the virtual clock: a run stays
 * deterministic whatever the server's speed.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "browser/browser_internal.h"
#include "net/fetch.h"
#include "util/error.h"

/*
 * Cookie header sizes common servers refuse (with 400 Bad Request), largest
 * rule first so a warning names the first one crossed. The size counted is
 * the header field line "Cookie: VALUE", plus CRLF where the server counts it.
 */
typedef struct header_limit {
	const char *server;
	const char *rule;
	size_t max;
	bool counts_crlf;
} header_limit;

static const header_limit header_limits[] = {
	/* nginx ngx_http_core_module, large_client_header_buffers default "4 8k": a header line must fit one 8 KiB buffer. */
	{"nginx", "large_client_header_buffers 4 8k: one header line must fit 8192 bytes", 8192, true},
	/* Apache httpd core, LimitRequestFieldSize default 8190 (DEFAULT_LIMIT_REQUEST_FIELDSIZE in httpd.h). */
	{"Apache httpd", "LimitRequestFieldSize 8190: one header field at most 8190 bytes", 8190, false},
};

/* Trace the servers whose default limit the Cookie header of this request exceeds. */
static void warn_header_size(bsim_browser *b, int tab_id, const char *url, size_t cookie_len)
{
	if (!cookie_len)
		return;
	size_t field = strlen("Cookie: ") + cookie_len;
	for (size_t i = 0; i < sizeof header_limits / sizeof *header_limits; i++) {
		const header_limit *l = &header_limits[i];
		size_t counted = field + (l->counts_crlf ? 2 : 0);
		if (counted <= l->max)
			continue;
		trace_add(b, BSIM_TRACE_NAVIGATION, tab_id, "request-header-large", NULL,
			  "the Cookie header sent to %s is %zu bytes; %s answers 400 Bad Request above its default (%s)",
			  url, field, l->server, l->rule);
	}
}

/* What libcurl's failure is, as a trace detail (navigation-failed:DETAIL). */
static const char *failure_detail(int code)
{
	switch (code) {
	case BSIM_ELIMIT: return "live-limit";
	case BSIM_ERESOLVE: return "unresolved";
	default: return "live";
	}
}

/* The address the hosts file gives url's host; NULL (and 0) when libcurl may resolve it itself. */
static int address_for(const char **out, bsim_browser *b, const url *u, const bsim_live_options *opts)
{
	*out = NULL;
	if (u->kind == HOST_KIND_IPV4 || u->kind == HOST_KIND_IPV6)
		return 0;
	/* Browsers resolve localhost and *.localhost to loopback without asking DNS (RFC 6761 §6.3). */
	if (u->kind == HOST_KIND_LOCALHOST || u->kind == HOST_KIND_LOCALHOST_SUB) {
		*out = "127.0.0.1";
		return 0;
	}
	const char *ip = browser_hosts_lookup(b, u->host);
	if (ip) {
		*out = ip;
		return 0;
	}
	if (opts->allow_network)
		return 0;
	return error_set(BSIM_ERESOLVE,
			 "%s: %s is not in the hosts file, and a live navigation reaches only the hosts it names; add a line such as \"127.0.0.1 %.*s\" to the hosts, or allow the network (network=\"true\")",
			 u->text, u->host, (int)browser_hosts_key_len(u->host), u->host);
}

/* An allow_redirect entry: "HOST" or "HOST:PORT", parsed as the authority of an http URL. *port is -1 without one. */
static int parse_redirect_entry(url **out, int *port, const char *entry)
{
	*out = NULL;
	*port = -1;
	if (!*entry || strpbrk(entry, "/?#@ \t"))
		return error_set(BSIM_EINVAL, "\"%s\" is not HOST or HOST:PORT", entry);
	const char *colon = strrchr(entry, ':');
	const char *bracket = strrchr(entry, ']');
	bool has_port = colon && (!bracket || colon > bracket) && (entry[0] == '[' || colon == strchr(entry, ':'));
	char text[600];
	if ((size_t)snprintf(text, sizeof text, "http://%s/", entry) >= sizeof text)
		return error_set(BSIM_EINVAL, "\"%.80s...\" is longer than a host and port", entry);
	if (url_parse(out, text) < 0)
		return error_set(BSIM_EINVAL, "\"%s\" is not HOST or HOST:PORT", entry);
	if (has_port)
		*port = (*out)->port;
	return 0;
}

int bsim_live_redirect_entry_check(const char *entry)
{
	url *u = NULL;
	int port;
	int rc = parse_redirect_entry(&u, &port, entry ? entry : "");
	url_free(u);
	return rc;
}

/* Whether opts->allow_redirect names target's host (and its port, when the entry gives one). */
static bool redirect_allowed_by_user(const url *target, const bsim_live_options *opts)
{
	if (opts->version < 2)
		return false;
	for (size_t i = 0; i < opts->n_allow_redirect; i++) {
		url *u = NULL;
		int port;
		if (parse_redirect_entry(&u, &port, opts->allow_redirect[i]) < 0)
			continue;
		bool match = strcmp(u->host, target->host) == 0 && (port < 0 || port == target->port);
		url_free(u);
		if (match)
			return true;
	}
	return false;
}

/*
 * The redirect rule: a hop may go to the start URL's own host and port
 * (the scenario named it), or to a name the hosts file maps at the start
 * URL's port, or to what the user allowed. Otherwise BSIM_EINVAL naming the
 * host, the rule and the option that allows it.
 */
static int check_redirect(bsim_browser *b, const char *from, const url *target, const url *start,
			  const bsim_live_options *opts)
{
	if (strcmp(target->host, start->host) == 0 && target->port == start->port)
		return 0;
	bool named = target->kind != HOST_KIND_IPV4 && target->kind != HOST_KIND_IPV6 && browser_hosts_lookup(b, target->host);
	if (named && target->port == start->port)
		return 0;
	if (redirect_allowed_by_user(target, opts))
		return 0;
	char why[400];
	if (named)
		snprintf(why, sizeof why, "port %d is not the port the navigation started on (%d)", target->port,
			 start->port);
	else if (target->kind == HOST_KIND_IPV4 || target->kind == HOST_KIND_IPV6)
		snprintf(why, sizeof why, "%s is an IP address, not a name the hosts file maps", target->host);
	else
		snprintf(why, sizeof why, "%s is not in the hosts file", target->host);
	return error_set(BSIM_EINVAL,
			 "%s redirects to %s, which a live navigation does not follow: %s (a redirect may reach only "
			 "a name the scenario's hosts file maps, at the port the navigation started on); to follow it, "
			 "run bsim with --allow-redirect-host %s:%d",
			 from, target->text, why, target->host, target->port);
}

/* The redirect target: Location resolved against the URL that answered (RFC 9110 §10.2.2). *out allocated. */
static int resolve_location(char **out, const char *base, const char *location)
{
	CURLU *h = curl_url();
	char *full = NULL;
	int rc = 0;
	if (!h)
		return error_oom();
	if (curl_url_set(h, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(h, CURLUPART_URL, location, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		rc = error_set(BSIM_EINVAL, "%s redirects to \"%s\", which is not a URL", base, location);
		goto out;
	}
	if (!(*out = strdup(full)))
		rc = error_oom();
out:
	curl_free(full);
	curl_url_cleanup(h);
	return rc;
}

/*
 * The response's status and headers, as one trace entry (the trace keeps
 * 1 KiB of it). Date is left out: it is the server's wall clock, and a
 * trace must read the same on every run of the same exchange.
 */
static void trace_response(bsim_browser *b, int tab_id, const char *url, const fetch_response *r)
{
	buf m = BUF_INIT;
	buf_printf(&m, "%s answered %ld", url, r->status);
	size_t shown = 0;
	for (size_t i = 0; i < r->n_headers; i++) {
		if (strncasecmp(r->headers[i], "date:", 5) == 0)
			continue;
		buf_printf(&m, "%s%s", shown++ ? " | " : ": ", r->headers[i]);
	}
	if (buf_status(&m) == 0)
		trace_add(b, BSIM_TRACE_NAVIGATION, tab_id, "live-response", NULL, "%s", buf_cstr(&m));
	buf_free(&m);
}

static bool is_redirect(long status)
{
	/* The statuses browsers follow with Location (Fetch, "HTTP-redirect fetch"). */
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static bool is_unsafe(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

int live_fetch(bsim_browser *b, int tab_id, const url *initiator, const char *start,
	       const bsim_live_options *opts, char **final)
{
	char method[16];
	snprintf(method, sizeof method, "%s", opts->method ? opts->method : "GET");
	char *current = strdup(start), *cookie = NULL;
	fetch_response resp = {0};
	url *u = NULL, *first = NULL;
	char *from = NULL;
	int rc = 0;
	if (!current)
		return error_oom();
	for (int hop = 0;; hop++) {
		if (hop == 1) {
			first = u;
		} else {
			url_free(u);
		}
		u = NULL;
		if ((rc = url_parse(&u, current)) < 0)
			goto fail;
		if (hop > 0 && (rc = check_redirect(b, from, u, first, opts)) < 0)
			goto fail;
		if (u->scheme != URL_SCHEME_HTTP && u->scheme != URL_SCHEME_HTTPS) {
			rc = error_set(BSIM_EINVAL, "%s: a live navigation fetches http: and https: URLs only", current);
			goto fail;
		}
		const char *address;
		if ((rc = address_for(&address, b, u, opts)) < 0)
			goto fail;
		/*
		 * RFC 6265bis §5.2: a navigation is same-site when its initiator
		 * is; every hop keeps the navigation's initiator, as Chromium
		 * does while its redirect-chain check is off by default.
		 */
		jar_call call = {initiator, true, is_unsafe(method), tab_id};
		/* Cookies that expired are swept while the header is made: the clock's doing, not the tab's. */
		jar_call header_call = call;
		header_call.actor = JAR_NO_ACTOR;
		free(cookie);
		cookie = NULL;
		if ((rc = jar_cookie_header(&cookie, b->jar, u, &header_call)) < 0)
			goto fail;
		trace_add(b, BSIM_TRACE_NAVIGATION, tab_id, "live-request", NULL, "%s %s (Cookie: %zu bytes)", method,
			  current, strlen(cookie));
		warn_header_size(b, tab_id, current, strlen(cookie));
		if ((rc = browser_trace_request(b, u, &call)) < 0)
			goto fail;
		fetch_request req = {current, method, cookie, address, opts->ca_file, opts->insecure};
		if ((rc = fetch_perform(&resp, &req)) < 0)
			goto fail;
		trace_response(b, tab_id, current, &resp);
		/* Every Set-Cookie of this hop is stored before the next request is made. */
		size_t at = 0;
		const char *v;
		while ((v = fetch_header_next(&resp, "set-cookie", &at)))
			if ((rc = jar_set_cookie(b->jar, u, v, strlen(v), &call)) < 0)
				break;
		if (rc < 0)
			goto fail;
		at = 0;
		const char *location = fetch_header_next(&resp, "location", &at);
		if (!is_redirect(resp.status) || !location)
			break;
		if (hop == BSIM_LIVE_REDIRECT_MAX) {
			rc = error_set(BSIM_ELIMIT, "%s: more than %d redirects (BSIM_LIVE_REDIRECT_MAX, as in Chromium and Firefox)",
				       start, BSIM_LIVE_REDIRECT_MAX);
			goto fail;
		}
		char *next;
		if ((rc = resolve_location(&next, current, location)) < 0)
			goto fail;
		/* Fetch §4.4 step 12: 301/302 turn POST into GET, 303 turns everything but HEAD into GET; 307/308 keep it. */
		if (((resp.status == 301 || resp.status == 302) && strcmp(method, "POST") == 0) ||
		    (resp.status == 303 && strcmp(method, "HEAD") != 0))
			snprintf(method, sizeof method, "GET");
		trace_add(b, BSIM_TRACE_NAVIGATION, tab_id, "live-redirect", NULL, "%s redirects (%ld) to %s", current,
			  resp.status, next);
		free(from);
		from = current;
		current = next;
		fetch_response_free(&resp);
	}
	fetch_response_free(&resp);
	url_free(u);
	url_free(first);
	free(from);
	free(cookie);
	*final = current;
	return 0;
fail:
	if (rc != BSIM_ENOMEM) {
		char code[64];
		snprintf(code, sizeof code, "navigation-failed:%s", failure_detail(rc));
		trace_add(b, BSIM_TRACE_NAVIGATION, tab_id, code, NULL, "tab %d could not load %s: %s", tab_id, start,
			  bsim_error_last()->message);
	}
	fetch_response_free(&resp);
	url_free(u);
	url_free(first);
	free(from);
	free(cookie);
	free(current);
	return rc;
}
