/*
 * test_cli_live.c: live navigation end to end, against a real HTTP(S)
 * server on 127.0.0.1 started by each test (tests/live/server.py, Python's
 * standard library; no mock of HTTP). The scenarios are templates under
 * tests/live/scenarios/ whose @PORT@ (and @TLS_PORT@, @STATUS@, ...) the
 * test fills in; the real bsim binary runs them, and the server's log (one
 * JSON line per request: method, Host, path, Cookie header) shows what the
 * browser sent. HTTPS tests make a certificate with the openssl command and
 * skip, saying so, when it is missing.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/fetch.h"
#include "support.h"

/* How long the server may take to print its port: Python starts in well under a second. */
#define SERVER_START_MS 15000

typedef struct server {
	pid_t pid;
	int port;
	char port_text[16]; /* port in decimal, for a scenario template's @PORT@ */
	char dir[64];       /* the test's temporary directory: log, certificate, scenario files */
	char log[128];
	bool tls;
	int out;            /* the read end of the server's stdout */
	int in;             /* the write end of its stdin: closing it stops the server */
} server;

static void make_dir(server *s)
{
	snprintf(s->dir, sizeof s->dir, "/tmp/bsim-live-XXXXXX");
	cr_assert_not_null(mkdtemp(s->dir), "cannot create a temporary directory: %s", strerror(errno));
	snprintf(s->log, sizeof s->log, "%s/requests.jsonl", s->dir);
}

/* A self-signed certificate for www.testsite.com and *.testsite.com; false when openssl is missing. */
static bool make_certificate(const char *dir)
{
	if (system("command -v openssl >/dev/null 2>&1") != 0)
		return false;
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s/key.pem -out %s/cert.pem -days 2 "
		 "-subj /CN=www.testsite.com -addext subjectAltName=DNS:www.testsite.com,DNS:*.testsite.com "
		 ">%s/openssl.log 2>&1",
		 dir, dir, dir);
	cr_assert_eq(system(cmd), 0, "openssl could not make a test certificate (see %s/openssl.log)", dir);
	return true;
}

/* Start tests/live/server.py (HTTPS with dir's certificate when tls) and read its port. */
static void server_start(server *s, const char *dir, bool tls)
{
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	snprintf(s->log, sizeof s->log, "%s/%s.jsonl", dir, tls ? "tls-requests" : "requests");
	s->tls = tls;
	int out[2], in[2];
	cr_assert_eq(pipe(out), 0);
	cr_assert_eq(pipe(in), 0);
	/* Only this server gets these ends: bsim and a second server must not hold them open. */
	for (int i = 0; i < 2; i++) {
		fcntl(out[i], F_SETFD, FD_CLOEXEC);
		fcntl(in[i], F_SETFD, FD_CLOEXEC);
	}
	char script[4096], cert[128], key[128];
	snprintf(script, sizeof script, "%s", support_source_path("tests/live/server.py"));
	snprintf(cert, sizeof cert, "%s/cert.pem", dir);
	snprintf(key, sizeof key, "%s/key.pem", dir);
	s->pid = fork();
	cr_assert_neq(s->pid, -1, "fork: %s", strerror(errno));
	if (s->pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		/* The server exits when this pipe closes: with server_stop, or with the test process if it dies. */
		dup2(in[0], STDIN_FILENO);
		close(out[0]);
		close(out[1]);
		close(in[0]);
		close(in[1]);
		if (tls)
			execlp("python3", "python3", script, "--log", s->log, "--cert", cert, "--key", key, (char *)NULL);
		else
			execlp("python3", "python3", script, "--log", s->log, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	close(in[0]);
	s->in = in[1];
	/* Read up to the newline: the port may arrive in pieces. The pipe stays open until
	 * server_stop, so the server never writes into a closed pipe. */
	struct pollfd p = {out[0], POLLIN, 0};
	char line[32] = "";
	size_t n = 0;
	while (n < sizeof line - 1 && !memchr(line, '\n', n) && poll(&p, 1, SERVER_START_MS) == 1) {
		ssize_t got = read(out[0], line + n, sizeof line - 1 - n);
		if (got <= 0)
			break;
		n += (size_t)got;
		line[n] = '\0';
	}
	s->out = out[0];
	char *end;
	long port = strtol(line, &end, 10);
	cr_assert(end != line && (*end == '\n' || *end == '\r') && port > 0 && port <= 65535,
		  "tests/live/server.py did not print its port (got \"%s\")", line);
	s->port = (int)port;
	snprintf(s->port_text, sizeof s->port_text, "%d", s->port);
}

static void server_stop(server *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		close(s->out);
		close(s->in);
		s->pid = 0;
	}
}

/*
 * The setup every live test shares: a fresh temporary directory (s->dir)
 * with a plain HTTP server on 127.0.0.1 logging into it. The test ends with
 * server_stop and remove_dir(s->dir).
 */
static void live_start(server *s)
{
	char dir[sizeof s->dir];
	make_dir(s);
	snprintf(dir, sizeof dir, "%s", s->dir);
	server_start(s, dir, false);
}

/* The server's log, one request a line, in order. Caller decrefs. */
static json_t *server_requests(const server *s)
{
	json_t *all = json_array();
	FILE *f = fopen(s->log, "r");
	if (!f)
		return all;
	char line[65536];
	while (fgets(line, sizeof line, f)) {
		json_error_t err;
		json_t *j = json_loads(line, 0, &err);
		cr_assert_not_null(j, "bad log line %s: %s", line, err.text);
		json_array_append_new(all, j);
	}
	fclose(f);
	return all;
}

/* The first logged request whose path starts with `path` (and whose Host starts with host, when given). */
static json_t *find_request(json_t *all, const char *host, const char *path)
{
	size_t i;
	json_t *req;
	json_array_foreach(all, i, req)
	{
		if (strncmp(support_json_str(req, "path"), path, strlen(path)) != 0)
			continue;
		if (host && strncmp(support_json_str(req, "host"), host, strlen(host)) != 0)
			continue;
		return req;
	}
	return NULL;
}

/*
 * tests/live/scenarios/NAME.xml.in with each "@KEY@" replaced (pairs of
 * key, value, NULL-terminated), written as dir/NAME.xml. Returns that path
 * (static storage).
 */
static const char *instantiate(const char *dir, const char *name, ...)
{
	char rel[256];
	snprintf(rel, sizeof rel, "tests/live/scenarios/%s.xml.in", name);
	char *text = NULL;
	cr_assert_eq(support_read_file(support_source_path(rel), &text, NULL), 0, "cannot read %s", rel);
	va_list ap;
	va_start(ap, name);
	const char *key;
	while ((key = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		char pattern[64];
		snprintf(pattern, sizeof pattern, "@%s@", key);
		char *hit;
		while ((hit = strstr(text, pattern))) {
			size_t before = (size_t)(hit - text), plen = strlen(pattern), vlen = strlen(value);
			char *next = malloc(strlen(text) - plen + vlen + 1);
			cr_assert_not_null(next);
			memcpy(next, text, before);
			memcpy(next + before, value, vlen);
			memcpy(next + before + vlen, hit + plen, strlen(hit + plen) + 1);
			free(text);
			text = next;
		}
	}
	va_end(ap);
	static char path[256];
	snprintf(path, sizeof path, "%s/%s.xml", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
	free(text);
	return path;
}

static void remove_dir(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* ---- cookies across sub-domains ------------------------------------ */

Test(live, domain_cookie_reaches_sibling_host_only_cookie_does_not)
{
	server s;
	live_start(&s);
	const char *dir = s.dir, *port = s.port_text;
	const char *file = instantiate(dir, "subdomains", "PORT", port, NULL);
	support_run r = support_run_args("run", "--no-timing", file, NULL);
	server_stop(&s);
	cr_expect_eq(r.status, 0, "stdout:\n%s\nstderr:\n%s", r.out, r.err);
	cr_expect(strstr(r.out, "3 passed, 0 failed") != NULL, "%s", r.out);

	json_t *all = server_requests(&s);
	/* One scenario per engine: 3 x (set on www, echo on store, echo on www). */
	cr_expect_eq(json_array_size(all), 9, "requests: %zu", json_array_size(all));
	size_t i;
	json_t *req;
	size_t store = 0, www = 0;
	json_array_foreach(all, i, req)
	{
		const char *host = support_json_str(req, "host"), *path = support_json_str(req, "path");
		const char *cookie = support_json_str(req, "cookie");
		if (strcmp(path, "/echo") != 0)
			continue;
		if (strncmp(host, "store.", 6) == 0) {
			store++;
			cr_expect(cookie && strcmp(cookie, "site=1") == 0, "store got Cookie: %s", cookie ? cookie : "(none)");
		} else {
			www++;
			cr_expect(cookie && strcmp(cookie, "site=1; host=2") == 0, "www got Cookie: %s",
				  cookie ? cookie : "(none)");
		}
	}
	cr_expect_eq(store, 3);
	cr_expect_eq(www, 3);
	json_decref(all);
	support_run_free(&r);
	remove_dir(dir);
}

/* ---- redirects: one hop at a time, through the jar ------------------ */

Test(live, redirects_store_each_hops_cookie_and_keep_or_change_the_method)
{
	static const struct {
		const char *status;
		const char *method_after; /* Fetch §4.4 HTTP-redirect fetch step 12 */
	} table[] = {
		{"301", "GET"}, {"302", "GET"}, {"303", "GET"}, {"307", "POST"}, {"308", "POST"},
	};
	for (size_t t = 0; t < sizeof table / sizeof *table; t++) {
		server s;
		live_start(&s);
		const char *dir = s.dir, *port = s.port_text;
		const char *file = instantiate(dir, "redirect", "PORT", port, "STATUS", table[t].status, NULL);
		support_run r = support_run_args("run", "--no-timing", file, NULL);
		server_stop(&s);
		cr_expect_eq(r.status, 0, "%s: stdout:\n%s\nstderr:\n%s", table[t].status, r.out, r.err);

		json_t *all = server_requests(&s);
		json_t *first = find_request(all, "store.", "/redirect");
		json_t *landing = find_request(all, "www.", "/landing");
		cr_expect_not_null(first, "%s: the redirecting request never reached the server", table[t].status);
		cr_expect_not_null(landing, "%s: the redirect was not followed", table[t].status);
		if (first && landing) {
			cr_expect_str_eq(support_json_str(first, "method"), "POST");
			cr_expect_str_eq(support_json_str(landing, "method"), table[t].method_after, "%s", table[t].status);
			char want[32];
			snprintf(want, sizeof want, "hop=%s", table[t].status);
			const char *cookie = support_json_str(landing, "cookie");
			cr_expect(cookie && strcmp(cookie, want) == 0, "%s: the redirected request carried Cookie: %s",
				  table[t].status, cookie ? cookie : "(none)");
		}
		json_decref(all);
		support_run_free(&r);
		remove_dir(dir);
	}
}

Test(live, a_redirect_loop_stops_after_twenty_with_a_located_error)
{
	server s;
	live_start(&s);
	const char *dir = s.dir, *port = s.port_text;
	const char *file = instantiate(dir, "loop", "PORT", port, NULL);
	char located[300];
	snprintf(located, sizeof located, "%s:4:3: error: cannot open tab", file);
	support_run r = support_run_args("run", "--no-timing", file, NULL);
	server_stop(&s);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, located) != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "more than 20 redirects") != NULL, "%s", r.out);
	json_t *all = server_requests(&s);
	/* The first request and 20 redirected ones; the 21st Location is not followed. */
	cr_expect_eq(json_array_size(all), 21);
	json_decref(all);
	support_run_free(&r);
	remove_dir(dir);
}

/* ---- failures before and during the request ------------------------- */

/* libcurl's messages with the elapsed time cut out (fetch_message_without_time), as lib/connect.c and lib/multi.c word them. */
Test(live, libcurl_messages_lose_their_elapsed_time)
{
	static const struct {
		const char *in, *out;
	} rows[] = {
		{"Failed to connect to www.testsite.com port 1 after 0 ms: Couldn't connect to server",
		 "Failed to connect to www.testsite.com port 1: Couldn't connect to server"},
		{"Failed to connect to h port 80 after 12034 ms: Connection timed out", "Failed to connect to h port 80: Connection timed out"},
		{"Connection timed out after 5001 milliseconds", "Connection timed out"},
		{"Resolving timed out after 5000 milliseconds", "Resolving timed out"},
		{"Operation timed out after 30000 milliseconds with 0 out of 12 bytes received",
		 "Operation timed out with 0 out of 12 bytes received"},
		/* Not a time: kept as is. */
		{"Could not resolve host: after", "Could not resolve host: after"},
		{"redirect after 3 msec", "redirect after 3 msec"},
		{"after 3 ms", "after 3 ms"},
		{"a after x ms", "a after x ms"},
		{"", ""},
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		char got[256];
		size_t n = fetch_message_without_time(got, sizeof got, rows[i].in);
		cr_expect_str_eq(got, rows[i].out, "row %zu", i);
		cr_expect_eq(n, strlen(rows[i].out), "row %zu", i);
	}
	/* A short buffer is cut, never overrun, and always terminated. */
	char small[8];
	cr_expect_eq(fetch_message_without_time(small, sizeof small, "Failed to connect"), 7);
	cr_expect_str_eq(small, "Failed ");
}

Test(live, connection_refused_names_the_url_and_libcurls_message)
{
	/* A port that was just free: the stopped server's. */
	server s;
	live_start(&s);
	server_stop(&s);
	const char *dir = s.dir, *port = s.port_text;
	const char *file = instantiate(dir, "refused", "DEAD_PORT", port, NULL);
	char url[128];
	snprintf(url, sizeof url, "http://www.testsite.com:%s/: ", port);
	support_run r = support_run_args("run", "--no-timing", file, NULL);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, ":4:3: error: cannot open tab") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, url) != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "onnect") != NULL, "libcurl's message is missing: %s", r.out);
	/* Determinism: libcurl's "after N ms" is cut, so every run reads the same. */
	cr_expect(strstr(r.out, " after ") == NULL, "the elapsed time is in the message: %s", r.out);
	for (int i = 0; i < 5; i++) {
		support_run again = support_run_args("run", "--no-timing", file, NULL);
		cr_expect_str_eq(again.out, r.out);
		support_run_free(&again);
	}
	support_run_free(&r);
	remove_dir(dir);
}

Test(live, a_host_outside_the_hosts_file_is_never_requested)
{
	server s;
	live_start(&s);
	const char *dir = s.dir, *port = s.port_text;
	const char *file = instantiate(dir, "unresolved", "PORT", port, NULL);
	support_run r = support_run_args("run", "--no-timing", file, NULL);
	server_stop(&s);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.out, ":5:3: error: cannot navigate tab \"a\"") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "elsewhere.testsite.com is not in the hosts file") != NULL, "%s", r.out);
	json_t *all = server_requests(&s);
	cr_expect_eq(json_array_size(all), 1, "only the www request may reach the server");
	json_decref(all);
	support_run_free(&r);
	remove_dir(dir);
}

/*
 * A redirect is the server's word, not the scenario's: it reaches only a
 * name the hosts file maps, at the port the navigation started on. Each
 * target here is refused with the host and the rule, and never requested.
 */
Test(live, a_redirect_outside_the_hosts_file_is_refused_naming_host_and_rule)
{
	static const struct {
		const char *target; /* %d: the server's port */
		const char *why;
		const char *allow;  /* what the message tells the user to pass, %d: the port */
	} table[] = {
		{"http://127.0.0.2:%d/x", "127.0.0.2 is an IP address, not a name the hosts file maps", "127.0.0.2:%d"},
		{"http://2130706433:%d/x", "127.0.0.1 is an IP address, not a name the hosts file maps", "127.0.0.1:%d"},
		{"http://[::ffff:127.0.0.1]:%d/x", "[::ffff:7f00:1] is an IP address, not a name the hosts file maps",
		 "[::ffff:7f00:1]:%d"},
		{"http://localhost:1/x", "localhost is not in the hosts file", "localhost:1"},
		{"http://www.testsite.com:1/x", "port 1 is not the port the navigation started on (%d)",
		 "www.testsite.com:1"},
	};
	for (size_t t = 0; t < sizeof table / sizeof *table; t++) {
		server s;
		live_start(&s);
		const char *dir = s.dir, *port = s.port_text;
		char target[128], why[200], allow[100], want[800];
		snprintf(target, sizeof target, table[t].target, s.port);
		snprintf(why, sizeof why, table[t].why, s.port);
		snprintf(allow, sizeof allow, table[t].allow, s.port);
		const char *file = instantiate(dir, "redirect-elsewhere", "PORT", port, "TARGET", target, NULL);
		snprintf(want, sizeof want,
			 ", which a live navigation does not follow: %s (a redirect may reach only a name the scenario's "
			 "hosts file maps, at the port the navigation started on); to follow it, run bsim with "
			 "--allow-redirect-host %s\n",
			 why, allow);
		support_run r = support_run_args("run", "--no-timing", "--engine", "chromium", file, NULL);
		server_stop(&s);
		cr_expect_eq(r.status, 1, "%s: exit %d", target, r.status);
		cr_expect(strstr(r.out, ":9:3: error: cannot open tab \"a\"") != NULL, "%s:\n%s", target, r.out);
		cr_expect(strstr(r.out, want) != NULL, "%s: the output lacks\n%s\n%s", target, want, r.out);
		json_t *all = server_requests(&s);
		cr_expect_eq(json_array_size(all), 1, "%s: only the redirecting request may reach the server", target);
		json_decref(all);
		support_run_free(&r);
		remove_dir(dir);
	}
}

/* The user's command line, not the file, widens the rule: --allow-redirect-host HOST[:PORT]. */
Test(live, allow_redirect_host_on_the_command_line_follows_the_redirect)
{
	server s;
	live_start(&s);
	const char *dir = s.dir, *port = s.port_text;
	char target[128], allow[64];
	snprintf(target, sizeof target, "http://localhost:%d/landing", s.port);
	snprintf(allow, sizeof allow, "localhost:%d", s.port);
	const char *file = instantiate(dir, "redirect-elsewhere", "PORT", port, "TARGET", target, NULL);
	support_run r = support_run_args("run", "--no-timing", "--engine", "chromium", "--allow-redirect-host", allow, file, NULL);
	cr_expect_eq(r.status, 0, "stdout:\n%s\nstderr:\n%s", r.out, r.err);
	support_run any = support_run_args("run", "--no-timing", "--engine", "chromium", "--allow-redirect-host", "LOCALHOST",
				   file, NULL);
	cr_expect_eq(any.status, 0, "a host without a port allows every port:\n%s%s", any.out, any.err);
	support_run other = support_run_args("run", "--no-timing", "--engine", "chromium", "--allow-redirect-host",
				     "localhost:1", file, NULL);
	cr_expect_eq(other.status, 1, "another port stays refused:\n%s", other.out);
	support_run bad = support_run_args("run", "--allow-redirect-host", "http://x/", file, NULL);
	cr_expect_eq(bad.status, 2);
	cr_expect(strstr(bad.err, "bsim run: error: --allow-redirect-host: \"http://x/\" is not HOST or HOST:PORT") !=
			  NULL,
		  "%s", bad.err);
	server_stop(&s);
	json_t *all = server_requests(&s);
	cr_expect_not_null(find_request(all, "localhost", "/landing"), "the allowed redirect was not followed");
	json_decref(all);
	support_run_free(&r);
	support_run_free(&any);
	support_run_free(&other);
	support_run_free(&bad);
	remove_dir(dir);
}

/* libcurl reports a header line over CURL_MAX_HTTP_HEADER as "Out of memory": bsim names the limit and the place. */
Test(live, a_response_header_line_over_libcurls_limit_names_the_limit)
{
	server s;
	live_start(&s);
	const char *dir = s.dir, *port = s.port_text;
	const char *file = instantiate(dir, "header-line", "PORT", port, NULL);
	support_run r = support_run_args("run", "--no-timing", "--engine", "chromium", file, NULL);
	server_stop(&s);
	cr_expect_eq(r.status, 1, "%s%s", r.out, r.err);
	char want[400];
	snprintf(want, sizeof want,
		 "/header?size=200000: the response was cut off: header 3, the one after Date, is longer than 102400 "
		 "bytes, the most libcurl reads in one line (CURL_MAX_HTTP_HEADER)\n");
	cr_expect(strstr(r.out, want) != NULL, "the output lacks\n%s\n%s", want, r.out);
	cr_expect(strstr(r.out, "Out of memory") == NULL, "%s", r.out);
	support_run_free(&r);
	remove_dir(dir);
}

/* ---- Cookie header size ---------------------------------------------- */

Test(live, a_cookie_header_over_server_limits_warns_and_max_size_fails)
{
	server s;
	live_start(&s);
	const char *dir = s.dir, *port = s.port_text;
	const char *file = instantiate(dir, "header-size", "PORT", port, NULL);
	support_run r = support_run_args("run", "--no-timing", file, NULL);
	server_stop(&s);
	cr_expect_eq(r.status, 1);
	/* The request to /echo carries c1, c2 and c3: 3 x 3003 bytes + "; " x 2 + "Cookie: ". */
	cr_expect(strstr(r.out, "  warning: the Cookie header sent to http://www.testsite.com:") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "/echo is 9021 bytes; nginx answers 400 Bad Request") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "/echo is 9021 bytes; Apache httpd answers 400 Bad Request") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "max-size=\"8k\" (was: 9021 bytes; the largest: c1 (3003 bytes), c2 (3003 bytes), c3 (3003 bytes))") != NULL,
		  "%s", r.out);
	/* The 16k expectation before it passed: the failure is at line 13. */
	cr_expect(strstr(r.out, ":13:3: expectation failed") != NULL, "%s", r.out);
	json_t *all = server_requests(&s);
	json_t *echo = find_request(all, NULL, "/echo");
	cr_expect(echo && strlen(support_json_str(echo, "cookie")) == 9021 - strlen("Cookie: "));
	json_decref(all);
	support_run_free(&r);
	remove_dir(dir);
}

/* ---- HTTPS -------------------------------------------------------------- */

Test(live, https_with_ca_file_or_insecure_and_untrusted_fails_with_tls_error)
{
	server plain, tls;
	make_dir(&plain);
	char dir[64];
	snprintf(dir, sizeof dir, "%s", plain.dir);
	if (!make_certificate(dir)) {
		remove_dir(dir);
		cr_skip_test("the openssl command is not installed: HTTPS live tests need it to make a certificate");
	}
	server_start(&plain, dir, false);
	server_start(&tls, dir, true);
	const char *port = plain.port_text, *tls_port = tls.port_text;
	char ca[160];
	snprintf(ca, sizeof ca, "ca-file=\"%s/cert.pem\"", dir);
	static const struct {
		const char *name;
		const char *attrs; /* NULL: the CA file */
		int status;
	} table[] = {
		{"insecure", "insecure=\"true\"", 0},
		{"ca-file", NULL, 0},
		{"untrusted", "", 1},
	};
	for (size_t t = 0; t < sizeof table / sizeof *table; t++) {
		const char *file = instantiate(dir, "https", "PORT", port, "TLS_PORT", tls_port, "TLS",
					       table[t].attrs ? table[t].attrs : ca, NULL);
		support_run r = support_run_args("run", "--no-timing", file, NULL);
		cr_expect_eq(r.status, table[t].status, "%s: %s", table[t].name, r.out);
		if (table[t].status)
			cr_expect(strstr(r.out, "certificate") != NULL,
				  "%s: no TLS message in %s", table[t].name, r.out);
		support_run_free(&r);
	}
	server_stop(&plain);
	server_stop(&tls);
	/* The Secure cookie went to https only. */
	json_t *secure = server_requests(&tls), *clear = server_requests(&plain);
	json_t *echo = find_request(secure, NULL, "/echo");
	cr_expect(echo && support_json_str(echo, "cookie") && strcmp(support_json_str(echo, "cookie"), "sec=1; plain=2") == 0);
	echo = find_request(clear, NULL, "/echo");
	cr_expect(echo && support_json_str(echo, "cookie") && strcmp(support_json_str(echo, "cookie"), "plain=2") == 0);
	json_decref(secure);
	json_decref(clear);
	remove_dir(dir);
}

/* ---- bsim run --live ----------------------------------------------------- */

Test(live, run_live_fetches_only_navigations_without_a_scripted_response)
{
	server s;
	live_start(&s);
	const char *dir = s.dir, *port = s.port_text;
	const char *file = instantiate(dir, "run-live", "PORT", port, NULL);
	support_run scripted = support_run_args("run", "--no-timing", file, NULL);
	json_t *before = server_requests(&s);
	cr_expect_eq(scripted.status, 0, "%s", scripted.out);
	cr_expect_eq(json_array_size(before), 0, "a scripted run reached the server");
	support_run live = support_run_args("run", "--no-timing", "--live", "--trace=all", file, NULL);
	server_stop(&s);
	cr_expect_eq(live.status, 0, "%s", live.out);
	/* The trace keeps the status and the headers, but not the server's clock (Date). */
	cr_expect(strstr(live.out, "live-response  http://www.testsite.com:") != NULL, "%s", live.out);
	cr_expect(strstr(live.out, "/set?c=live%3D1 answered 200: ") != NULL, "%s", live.out);
	cr_expect(strstr(live.out, "Set-Cookie: live=1") != NULL, "%s", live.out);
	cr_expect(strstr(live.out, "Date:") == NULL, "%s", live.out);
	json_t *after = server_requests(&s);
	cr_expect_eq(json_array_size(after), 1, "only the <tab> step fetches live");
	cr_expect_not_null(find_request(after, NULL, "/set"));
	json_decref(before);
	json_decref(after);
	support_run_free(&scripted);
	support_run_free(&live);
	remove_dir(dir);
}

/* ---- attributes checked when the file loads (no server needed) ------------ */

Test(live, bad_live_attributes_are_located_load_errors)
{
	static const struct {
		const char *step;
		const char *error; /* a piece of the message */
	} table[] = {
		{"<tab name=\"a\" url=\"http://www.testsite.com/\" fetch=\"live\"><set-cookie>a=1</set-cookie></tab>",
		 "takes its Set-Cookie headers from the server"},
		{"<navigate url=\"http://www.testsite.com/\" fetch=\"scripted\" method=\"POST\"/>",
		 "method= applies to live fetching"},
		{"<navigate url=\"http://www.testsite.com/\" fetch=\"live\" ca-file=\"\"/>", "ca-file=\"\" names no file"},
		{"<navigate url=\"http://www.testsite.com/\" fetch=\"sometimes\"/>", "fetch"},
		{"<navigate url=\"http://www.testsite.com/\" fetch=\"live\" method=\"get\"/>", "method"},
		{"<expect cookie-header=\"http://www.testsite.com/\" max-size=\"huge\"/>", "max-size"},
		{"<expect cookie-header=\"http://www.testsite.com/\" max-size=\"99999999999999999999k\"/>",
		 "max-size=\"99999999999999999999k\" is not a header size"},
	};
	server s;
	make_dir(&s);
	for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
		char path[128], text[1024];
		snprintf(path, sizeof path, "%s/bad%zu.xml", s.dir, i);
		snprintf(text, sizeof text,
			 "<scenario name=\"bad\">\n  <tab name=\"t\" url=\"http://www.testsite.com/\"/>\n  %s\n</scenario>\n",
			 table[i].step);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs(text, f);
		fclose(f);
		char located[160];
		snprintf(located, sizeof located, "%s:3:3: error: ", path);
		support_run r = support_run_args("check", path, NULL);
		cr_expect_eq(r.status, 2, "case %zu: %s", i, r.err);
		cr_expect(strstr(r.err, located) != NULL, "case %zu: not located at line 3: %s", i, r.err);
		cr_expect(strstr(r.err, table[i].error) != NULL, "case %zu: lacks \"%s\": %s", i, table[i].error, r.err);
		support_run_free(&r);
	}
	remove_dir(s.dir);
}

/* ---- bsim explain on a live scenario ---------------------------------------- */

Test(live, explain_tells_which_live_requests_carried_a_cookie)
{
	server s;
	live_start(&s);
	const char *dir = s.dir, *port = s.port_text;
	const char *file = instantiate(dir, "subdomains", "PORT", port, NULL);
	support_run r = support_run_args("explain", "--engine", "chromium", "--cookie", "host", file, NULL);
	server_stop(&s);
	cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
	char stored[200], not_sent[200], sent[200];
	snprintf(stored, sizeof stored, "tab 1  cookie host stored (host www.testsite.com, path /) for the session from http://www.testsite.com:%s/set", port);
	snprintf(not_sent, sizeof not_sent, "cookie host not sent to http://store.testsite.com:%s/echo: it is host-only for www.testsite.com", port);
	snprintf(sent, sizeof sent, "cookie host sent to http://www.testsite.com:%s/echo", port);
	cr_expect(strstr(r.out, stored) != NULL, "%s", r.out);
	cr_expect(strstr(r.out, not_sent) != NULL, "%s", r.out);
	cr_expect(strstr(r.out, sent) != NULL, "%s", r.out);
	support_run_free(&r);
	remove_dir(dir);
}
