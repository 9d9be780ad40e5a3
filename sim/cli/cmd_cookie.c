/*
 * cmd_cookie.c: `bsim cookie`, the cookie jar on the command line.
 *
 * Reads an op file (cookie_ops.h), checks all of it, then replays it
 * through one engine's jar on a virtual clock and prints what the browser
 * would send (get), show to scripts (read) and hold (dump); with --explain
 * also every refusal, removal and expiry the jar reports, in order among
 * those outputs. All output is built in memory and written only once the
 * whole run succeeded, so a failure never leaves half a result on stdout.
 * The formats are documented in docs/cookie-command.md; the real-browser
 * oracle prints the same --json lines, so field names never change.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bsim/cookie.h"
#include "cli/cli.h"
#include "cli/cookie_ops.h"
#include "cli/jsonw.h"
#include "util/buf.h"
#include "util/timefmt.h"

/*
 * The default start of the virtual clock: 2015-01-01T00:00:00Z. Fixed,
 * never the wall clock, so that runs repeat; and inside the window the
 * public cookie suites assume (after 2007-08-07, before 2019-08-07).
 */
#define COOKIE_DEFAULT_NOW_MS INT64_C(1420070400000)
#define COOKIE_DEFAULT_NOW_TEXT "2015-01-01T00:00:00Z"

/* Room for an ISO 8601 instant as timefmt.h writes it. */
#define TIME_TEXT_MAX 32

typedef struct options {
	bsim_engine engine;
	bsim_time now;
	bool explain;
	bool json;
	const char *path; /* "-" for stdin */
} options;

typedef struct run {
	const options *opt;
	const char *file;     /* the name messages use */
	const cookie_op *op;  /* the op being run, for the line events belong to */
	buf out;
} run;

void cmd_cookie_help(FILE *f)
{
	fputs("Usage: bsim cookie [OPTIONS] FILE\n"
	      "       bsim cookie [OPTIONS] -      (operations from standard input)\n"
	      "\n"
	      "Replays cookie operations, one a line, through a simulated browser's cookie\n"
	      "jar on a virtual clock, and prints what the browser would do.\n"
	      "\n"
	      "Operations:\n"
	      "  set URL VALUE      a response to a top-level navigation to URL carries the\n"
	      "                     header Set-Cookie: VALUE\n"
	      "  script URL STRING  a script on the page URL assigns STRING to document.cookie\n"
	      "  get URL            print the Cookie header a top-level GET to URL sends\n"
	      "                     (an empty line: no Cookie header)\n"
	      "  read URL           print what document.cookie returns on URL (empty line: none)\n"
	      "  wait SECONDS       advance the virtual clock\n"
	      "  close              close the browser: session cookies go\n"
	      "  dump               print the jar, one cookie a line, in creation order\n"
	      "VALUE and STRING are the rest of the line after the one space that follows\n"
	      "the URL, byte for byte (leading spaces count). Lines whose first non-blank\n"
	      "character is # are comments; blank lines are ignored.\n"
	      "\n"
	      "Options:\n"
	      "  --engine NAME   chromium (default), firefox or safari\n"
	      "  --now TIME      start of the virtual clock, ISO 8601\n"
	      "                  (default " COOKIE_DEFAULT_NOW_TEXT ")\n"
	      "  --explain       also print each refusal, eviction and expiry, with its\n"
	      "                  reason code, where it happens among the outputs\n"
	      "  --json          print one JSON object a line instead of text\n"
	      "  -h, --help      show this help\n"
	      "\n"
	      "The whole input is checked before anything runs: a bad line is reported as\n"
	      "FILE:LINE: error: ... on stderr and nothing is printed on stdout.\n"
	      "Exit status: 0 success, 2 usage or input error, 3 internal error.\n"
	      "Formats: docs/cookie-command.md.\n",
	      f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("bsim cookie: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nRun 'bsim cookie --help' for usage.\n", stderr);
	return CLI_EXIT_USAGE;
}

static int internal_error(const char *what)
{
	const bsim_error *e = bsim_error_last();
	fprintf(stderr, "bsim cookie: internal error: %s: %s\n", what,
		*e->message ? e->message : "out of memory");
	return CLI_EXIT_INTERNAL;
}

/* "--name VALUE" or "--name=VALUE". Returns the value, or NULL (with *i unchanged) if argv[*i] is not it. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int parse_options(options *opt, int argc, char **argv)
{
	*opt = (options){BSIM_ENGINE_CHROMIUM, COOKIE_DEFAULT_NOW_MS, false, false, NULL};
	bool options_done = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool missing = false;
		const char *v;
		if (options_done || a[0] != '-' || strcmp(a, "-") == 0) {
			if (opt->path)
				return usage_error("expected one op file, got a second: \"%s\"", a);
			opt->path = a;
		} else if (strcmp(a, "--") == 0) {
			options_done = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_cookie_help(stdout);
			return -1;
		} else if (strcmp(a, "--explain") == 0) {
			opt->explain = true;
		} else if (strcmp(a, "--json") == 0) {
			opt->json = true;
		} else if ((v = option_value(argc, argv, &i, "--engine", &missing))) {
			if (bsim_engine_from_name(&opt->engine, v) < 0)
				return usage_error("unknown engine \"%s\"; expected chromium, firefox or safari", v);
		} else if ((v = option_value(argc, argv, &i, "--now", &missing))) {
			int64_t ms;
			if (!time_parse_iso8601(v, &ms) || ms > COOKIE_OPS_CLOCK_MAX_MS)
				return usage_error("--now \"%s\" is not an ISO 8601 instant up to year 9999; "
						   "write e.g. " COOKIE_DEFAULT_NOW_TEXT, v);
			opt->now = ms;
		} else if (missing) {
			return usage_error("%s needs a value", a);
		} else {
			return usage_error("unknown option \"%s\"", a);
		}
	}
	if (!opt->path)
		return usage_error("%s", "expected an op file (or - for standard input)");
	return 0;
}

static const char *same_site_name(bsim_samesite s)
{
	switch (s) {
	case BSIM_SAMESITE_NONE: return "none";
	case BSIM_SAMESITE_LAX: return "lax";
	case BSIM_SAMESITE_STRICT: return "strict";
	default: return "unspecified";
	}
}

static const char *priority_name(bsim_priority p)
{
	switch (p) {
	case BSIM_PRIORITY_LOW: return "low";
	case BSIM_PRIORITY_HIGH: return "high";
	default: return "medium";
	}
}

/* What --explain reports: refusals and every way a cookie leaves the jar. Stores are for dump. */
static const char *event_kind_name(bsim_cookie_event_kind kind)
{
	switch (kind) {
	case BSIM_COOKIE_REFUSED: return "refused";
	case BSIM_COOKIE_EVICTED: return "evicted";
	case BSIM_COOKIE_EXPIRED: return "expired";
	case BSIM_COOKIE_SESSION_ENDED: return "session-ended";
	case BSIM_COOKIE_DELETED: return "deleted";
	default: return NULL;
	}
}

static void put_time(buf *b, bsim_time t)
{
	char text[TIME_TEXT_MAX];
	time_format_iso8601(t, text, sizeof text);
	buf_puts(b, text);
}

/* The start of a JSON line: the op that produced it. */
static void json_line_start(run *r, const char *type)
{
	buf_putc(&r->out, '{');
	jsonw_member_str(&r->out, "type", type, true);
	jsonw_member_str(&r->out, "op", cookie_op_name(r->op->kind), false);
	jsonw_member_int(&r->out, "line", r->op->line, false);
}

static void on_event(const bsim_cookie_event *ev, void *userdata)
{
	run *r = userdata;
	const char *kind = event_kind_name(ev->kind);
	if (!kind)
		return;
	const bsim_cookie_view *c = ev->cookie;
	const char *code = bsim_cookie_reason_code(ev->reason);
	const char *message = ev->message ? ev->message : "";
	buf *b = &r->out;
	if (r->opt->json) {
		json_line_start(r, "event");
		jsonw_member_str(b, "kind", kind, false);
		jsonw_member_str(b, "reason", code, false);
		jsonw_member_str(b, "message", message, false);
		jsonw_member_str(b, "url", ev->url, false);
		jsonw_member_str(b, "name", c ? c->name : NULL, false);
		jsonw_member_str(b, "domain", c ? c->domain : NULL, false);
		jsonw_member_str(b, "path", c ? c->path : NULL, false);
		jsonw_key(b, "at", false);
		buf_putc(b, '"');
		put_time(b, ev->at);
		buf_puts(b, "\"}\n");
	} else {
		buf_printf(b, "%s:%d: %s [%s] %s\n", r->file, r->op->line, kind, code, message);
	}
}

static int dump_cookie(const bsim_cookie_view *c, void *userdata)
{
	run *r = userdata;
	buf *b = &r->out;
	const char *domain = c->domain ? c->domain : "";
	if (r->opt->json) {
		json_line_start(r, "cookie");
		jsonw_member_str(b, "name", c->name, false);
		jsonw_member_str(b, "value", c->value, false);
		jsonw_member_str(b, "domain", domain, false);
		jsonw_member_bool(b, "host_only", c->host_only, false);
		jsonw_member_str(b, "path", c->path, false);
		jsonw_member_bool(b, "secure", c->secure, false);
		jsonw_member_bool(b, "http_only", c->http_only, false);
		jsonw_member_str(b, "same_site", same_site_name(c->same_site), false);
		jsonw_member_str(b, "priority", priority_name(c->priority), false);
		jsonw_member_bool(b, "persistent", c->persistent, false);
		jsonw_key(b, "expires", false);
		if (c->persistent) {
			buf_putc(b, '"');
			put_time(b, c->expires);
			buf_putc(b, '"');
		} else {
			buf_puts(b, "null");
		}
		jsonw_member_str(b, "partition_key", c->partition_key, false);
		buf_puts(b, "}\n");
		return 0;
	}
	buf_printf(b, "%s=%s; ", c->name ? c->name : "", c->value ? c->value : "");
	if (c->host_only)
		buf_printf(b, "Host=%s", domain);
	else
		buf_printf(b, "Domain=.%s", domain);
	buf_printf(b, "; Path=%s; ", c->path ? c->path : "");
	if (c->persistent) {
		buf_puts(b, "Expires=");
		put_time(b, c->expires);
	} else {
		buf_puts(b, "Session");
	}
	if (c->secure)
		buf_puts(b, "; Secure");
	if (c->http_only)
		buf_puts(b, "; HttpOnly");
	if (c->same_site == BSIM_SAMESITE_NONE)
		buf_puts(b, "; SameSite=None");
	else if (c->same_site == BSIM_SAMESITE_LAX)
		buf_puts(b, "; SameSite=Lax");
	else if (c->same_site == BSIM_SAMESITE_STRICT)
		buf_puts(b, "; SameSite=Strict");
	if (c->priority == BSIM_PRIORITY_LOW)
		buf_puts(b, "; Priority=Low");
	else if (c->priority == BSIM_PRIORITY_HIGH)
		buf_puts(b, "; Priority=High");
	if (c->partition_key)
		buf_printf(b, "; Partitioned=%s", c->partition_key);
	buf_putc(b, '\n');
	return 0;
}

/* The result of a get or read: one line. */
static void put_value(run *r, const char *value)
{
	buf *b = &r->out;
	if (r->opt->json) {
		json_line_start(r, "value");
		jsonw_member_str(b, "url", r->op->url, false);
		jsonw_member_str(b, "value", value, false);
		buf_puts(b, "}\n");
	} else {
		buf_puts(b, value);
		buf_putc(b, '\n');
	}
}

static int run_op(run *r, bsim_jar *jar, const cookie_op *op)
{
	bsim_cookie_ctx ctx = BSIM_COOKIE_CTX_NAVIGATE;
	char *value = NULL;
	int rc = 0;
	r->op = op;
	switch (op->kind) {
	case COOKIE_OP_SET:
		rc = bsim_jar_set_cookie(jar, op->url, op->value, op->value_len, &ctx);
		break;
	case COOKIE_OP_SCRIPT:
		rc = bsim_jar_script_set(jar, op->url, op->value, op->value_len, &ctx);
		break;
	case COOKIE_OP_GET:
		rc = bsim_jar_cookie_header(&value, jar, op->url, &ctx);
		break;
	case COOKIE_OP_READ:
		rc = bsim_jar_script_get(&value, jar, op->url, &ctx);
		break;
	case COOKIE_OP_WAIT:
		bsim_jar_set_time(jar, bsim_jar_time(jar) + op->wait_ms);
		break;
	case COOKIE_OP_CLOSE:
		bsim_jar_end_session(jar);
		break;
	case COOKIE_OP_DUMP:
		rc = bsim_jar_foreach(jar, dump_cookie, r);
		break;
	}
	if (rc == 0 && value)
		put_value(r, value);
	free(value);
	if (rc == 0)
		rc = buf_status(&r->out);
	return rc;
}

int cmd_cookie(int argc, char **argv)
{
	options opt;
	int rc = parse_options(&opt, argc, argv);
	if (rc != 0)
		return rc < 0 ? CLI_EXIT_OK : rc;

	bool from_stdin = strcmp(opt.path, "-") == 0;
	const char *file = from_stdin ? "<stdin>" : opt.path;
	cookie_op_list ops = COOKIE_OP_LIST_INIT;
	buf diag = BUF_INIT;
	bsim_jar *jar = NULL;
	run r = {.opt = &opt, .file = file, .out = BUF_INIT};
	int exit_code = CLI_EXIT_OK;

	FILE *f = from_stdin ? stdin : fopen(opt.path, "rb");
	if (!f) {
		fprintf(stderr, "bsim cookie: error: cannot open \"%s\": %s\n", opt.path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	rc = cookie_ops_read(&ops, f, file, &diag);
	if (!from_stdin)
		fclose(f);
	if (rc == 0)
		rc = cookie_ops_parse(&ops, file, opt.engine, opt.now, &diag);
	if (rc != 0) {
		if (diag.len) {
			fputs(buf_cstr(&diag), stderr);
			exit_code = CLI_EXIT_USAGE;
		} else {
			exit_code = internal_error("reading the op file");
		}
		goto out;
	}

	if ((rc = bsim_jar_new(&jar, opt.engine)) < 0) {
		exit_code = internal_error("creating the cookie jar");
		goto out;
	}
	bsim_jar_set_time(jar, opt.now);
	if (opt.explain)
		bsim_jar_set_observer(jar, on_event, &r);
	for (size_t i = 0; i < ops.count; i++) {
		rc = run_op(&r, jar, &ops.ops[i]);
		if (rc == BSIM_EINVAL) {
			/* Checked before the run; reaching here means the jar refused what its parser allowed. */
			fprintf(stderr, "%s:%d: error: %s\n", file, ops.ops[i].line, bsim_error_last()->message);
			exit_code = CLI_EXIT_USAGE;
			goto out;
		}
		if (rc < 0) {
			char what[64];
			snprintf(what, sizeof what, "line %d (%s)", ops.ops[i].line,
				 cookie_op_name(ops.ops[i].kind));
			exit_code = internal_error(what);
			goto out;
		}
	}
	if (r.out.len && fwrite(r.out.ptr, 1, r.out.len, stdout) != r.out.len) {
		fprintf(stderr, "bsim cookie: error: could not write the output: %s\n", strerror(errno));
		exit_code = CLI_EXIT_INTERNAL;
	}
out:
	bsim_jar_free(jar);
	buf_free(&r.out);
	buf_free(&diag);
	cookie_op_list_free(&ops);
	return exit_code;
}
