/*
 * cmd_widget.c: `bsim widget domain URL...`, a support engineer's first
 * question about a site: which cookie Domain will the Genesys Widgets
 * derive on this page, and will each browser keep a cookie the widget
 * writes with it? For every URL the page's location.href goes through the
 * widget's own derivation (sim/widgets/domain.c, the chosen version), then a
 * fresh browser per engine loads the page and the page writes the widget's
 * session cookie through document.cookie with the version's attributes,
 * exactly as the widget would; the jar's verdict and reason are printed.
 * --cookie-options applies a site's main.cookieOptions on top, merged last
 * as the widget does (B.6, G.10), through the model's own attribute writer.
 * Options and wiring only. Every URL is checked before anything is
 * printed, and output is written once complete, so an error never leaves
 * half a result on stdout.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "bsim/browser.h"
#include "cli/cli.h"
#include "util/jsonw.h"
#include "util/buf.h"
#include "widgets/domain.h"
#include "widgets/version.h"
#include "widgets/widgets.h"

/* The cookie the probe writes: the one a restore needs first (widget-behaviour.md D). */
#define PROBE_NAME "_genesys.widgets.webchat.state.session"
#define PROBE_VALUE "bsim-probe"

/* Longest --cookie-options JSON: main.cookieOptions has five short members; a bound on what is parsed. */
#define WIDGET_COOKIE_OPTIONS_MAX 4096

/* Most URLs one call takes: far more than a person types, and a bound on the work. */
#define WIDGET_DOMAIN_MAX_URLS 10000

typedef struct options {
	const widget_version *version;
	widget_config cfg; /* version and main.cookieOptions (--cookie-options) */
	bool has_cookie_options;
	bool json;
	char **urls;
	size_t n_urls;
} options;

/* What one engine did with the probe cookie. */
typedef struct verdict {
	bool seen;
	bool stored;
	bsim_cookie_reason reason;
	char *message;       /* the jar's sentence, for a refusal */
	char *stored_domain; /* where the jar keeps it (canonical host, no dot) */
	bool host_only;
} verdict;

/* One URL, checked: its href, derived Domain and the string the widget writes. */
typedef struct probe {
	const char *url;
	char *href;
	char *domain; /* NULL: host-only */
	char *written_domain; /* the Domain attribute written after main.cookieOptions; NULL: none */
	char *cookie;
	verdict v[BSIM_ENGINE_COUNT];
} probe;

void cmd_widget_help(FILE *f)
{
	fputs("Usage: bsim widget domain [OPTIONS] URL...\n"
	      "\n"
	      "For each URL, the cookie Domain the Genesys Widgets derive from the page's\n"
	      "location.href (with their own second-level-domain table, not the public\n"
	      "suffix list), and whether Chromium, Firefox and Safari keep a cookie the\n"
	      "widget writes with it through document.cookie on that page (Path=/, and\n"
	      "the version's SameSite). One line per URL:\n"
	      "\n"
	      "  URL DOMAIN chromium=RESULT firefox=RESULT safari=RESULT[ | ENGINE: WHY]...\n"
	      "\n"
	      "DOMAIN is the Domain attribute the widget writes (\".example.co.uk\") or\n"
	      "host-only (no Domain attribute); RESULT is stored or refused:REASON-CODE,\n"
	      "and each refusal's sentence follows a \" | \". `cut -d' ' -f2` gives the\n"
	      "Domain.\n"
	      "\n"
	      "Options:\n"
	      "  --version VERSION  the widget version: 9.0.018.07 (default), 9.0.005.00\n"
	      "                     or 8.5 (which always writes Domain=. + the domain)\n"
	      "  --cookie-options JSON\n"
	      "                     the site's main.cookieOptions, merged last as the widget\n"
	      "                     does (9.0.018.07 only; older versions ignore them):\n"
	      "                     {\"domain\": \".x.com\" or \"\" for host-only, \"path\": \"/\",\n"
	      "                     \"sameSite\": \"strict|lax|none\", \"secure\": true,\n"
	      "                     \"expires\": DAYS}; DOMAIN is then the Domain written\n"
	      "  --json             one JSON object a line instead of text\n"
	      "  -h, --help         show this help\n"
	      "\n"
	      "Exit status: 0 every engine keeps the cookie on every URL, 1 some engine\n"
	      "refuses it somewhere, 2 usage error or a URL a browser would not load\n"
	      "(nothing is printed then), 3 internal error.\n"
	      "More: docs/widget-model.md, Cookie Domain.\n",
	      f);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("bsim widget: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nRun 'bsim widget --help' for usage.\n", stderr);
	return CLI_EXIT_USAGE;
}

/* A --cookie-options problem: the JSON path, what was expected, what to do. */
static int cookie_options_error(const char *path, const char *expected)
{
	fprintf(stderr,
		"bsim widget: error: --cookie-options: %s: %s\n"
		"Give the site's main.cookieOptions as JSON, e.g. --cookie-options '{\"secure\":true,\"sameSite\":\"none\"}'\n",
		path, expected);
	return CLI_EXIT_USAGE;
}

/* A string member for a cookie attribute: no ';' or control character, which would end or break the attribute. */
static int cookie_options_string(json_t *v, const char *path, char **out)
{
	if (!json_is_string(v))
		return cookie_options_error(path, "expected a string");
	const char *t = json_string_value(v);
	for (const char *c = t; *c; c++)
		if (*c == ';' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return cookie_options_error(path, "expected an attribute value without ';' or control characters");
	if (!(*out = strdup(t)))
		return BSIM_ENOMEM;
	return 0;
}

/* --cookie-options JSON into c's opt_* members (B.6: domain, path, sameSite, secure, expires in days). */
static int parse_cookie_options(widget_config *c, const char *text)
{
	if (strlen(text) > WIDGET_COOKIE_OPTIONS_MAX) {
		char what[96];
		snprintf(what, sizeof what, "longer than %d bytes (WIDGET_COOKIE_OPTIONS_MAX)", WIDGET_COOKIE_OPTIONS_MAX);
		return cookie_options_error("$", what);
	}
	json_error_t err;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		char where[64];
		snprintf(where, sizeof where, "column %d", err.column);
		fprintf(stderr, "bsim widget: error: --cookie-options: %s: not JSON: %s\n"
				"Give the site's main.cookieOptions as a JSON object, e.g. '{\"domain\":\".example.com\"}'\n",
			where, err.text);
		return CLI_EXIT_USAGE;
	}
	int rc = 0;
	if (!json_is_object(root)) {
		rc = cookie_options_error("$", "expected an object");
		goto out;
	}
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		char path[64];
		snprintf(path, sizeof path, "$.%.40s", key);
		if (strcmp(key, "domain") == 0) {
			rc = cookie_options_string(v, path, &c->opt_domain);
		} else if (strcmp(key, "path") == 0) {
			rc = cookie_options_string(v, path, &c->opt_path);
		} else if (strcmp(key, "sameSite") == 0) {
			const char *t = json_is_string(v) ? json_string_value(v) : "";
			if (strcasecmp(t, "strict") != 0 && strcasecmp(t, "lax") != 0 && strcasecmp(t, "none") != 0)
				rc = cookie_options_error(path, "expected \"strict\", \"lax\" or \"none\"");
			else if (!(c->opt_samesite = strdup(t)))
				rc = BSIM_ENOMEM;
		} else if (strcmp(key, "secure") == 0) {
			if (!json_is_boolean(v))
				rc = cookie_options_error(path, "expected true or false");
			else
				c->opt_secure = json_is_true(v);
		} else if (strcmp(key, "expires") == 0) {
			/* js-cookie 2.x takes a number as days from now (B.6). */
			if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > WIDGET_EXPIRES_DAYS_MAX) {
				char what[96];
				snprintf(what, sizeof what, "expected a whole number of days from 0 to %d", WIDGET_EXPIRES_DAYS_MAX);
				rc = cookie_options_error(path, what);
			} else {
				c->opt_expires_days = (int)json_integer_value(v);
			}
		} else {
			rc = cookie_options_error(path, "unknown member; main.cookieOptions has domain, path, sameSite, secure "
						       "and expires");
		}
		if (rc != 0)
			break;
	}
out:
	json_decref(root);
	return rc;
}

static int internal_error(const char *what)
{
	const bsim_error *e = bsim_error_last();
	fprintf(stderr, "bsim widget: internal error: %s: %s\n", what, *e->message ? e->message : "out of memory");
	return CLI_EXIT_INTERNAL;
}

/* Returns 0 to go on, -1 after --help, or an exit code. */
static int parse_options(options *opt, int argc, char **argv)
{
	*opt = (options){.version = widget_version_default()};
	widget_config_init(&opt->cfg);
	if (argc < 2)
		return usage_error("%s", "expected a widget command: domain");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_widget_help(stdout);
		return -1;
	}
	if (strcmp(argv[1], "domain") != 0)
		return usage_error("unknown widget command \"%s\"; expected domain", argv[1]);
	opt->urls = calloc((size_t)argc, sizeof *opt->urls);
	if (!opt->urls)
		return internal_error("reading the arguments");
	bool options_done = false;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (options_done || a[0] != '-') {
			if (opt->n_urls == WIDGET_DOMAIN_MAX_URLS) {
				fprintf(stderr, "bsim widget: error: more than %d URLs (WIDGET_DOMAIN_MAX_URLS); "
						"split the list over several calls\n", WIDGET_DOMAIN_MAX_URLS);
				return CLI_EXIT_USAGE;
			}
			opt->urls[opt->n_urls++] = argv[i];
		} else if (strcmp(a, "--") == 0) {
			options_done = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			cmd_widget_help(stdout);
			return -1;
		} else if (strcmp(a, "--json") == 0) {
			opt->json = true;
		} else if (strcmp(a, "--cookie-options") == 0 || strncmp(a, "--cookie-options=", 17) == 0) {
			const char *v = a[16] == '=' ? a + 17 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v)
				return usage_error("%s needs a value", "--cookie-options");
			if (opt->has_cookie_options)
				return usage_error("%s is given twice; give one JSON object", "--cookie-options");
			opt->has_cookie_options = true;
			int rc = parse_cookie_options(&opt->cfg, v);
			if (rc == BSIM_ENOMEM)
				return internal_error("reading --cookie-options");
			if (rc != 0)
				return rc;
		} else if (strcmp(a, "--version") == 0 || strncmp(a, "--version=", 10) == 0) {
			const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v)
				return usage_error("%s needs a value", "--version");
			if (!(opt->version = widget_version_find(v))) {
				fprintf(stderr,
					"bsim widget: error: unknown widget version \"%s\"; expected one of %s\n"
					"Run 'bsim widget --help' for usage.\n",
					v, widget_version_names());
				return CLI_EXIT_USAGE;
			}
		} else {
			return usage_error("unknown option \"%s\"", a);
		}
	}
	if (!opt->n_urls)
		return usage_error("%s", "expected at least one URL, e.g. https://www.example.co.uk/");
	opt->cfg.version = opt->version;
	if (opt->has_cookie_options && !opt->version->cookie_options)
		fprintf(stderr, "bsim widget: note: widget %s ignores main.cookieOptions (only 9.0.018.07 merges them); "
				"the result is for the defaults\n", opt->version->name);
	return 0;
}

static void probe_free(probe *p)
{
	free(p->href);
	free(p->domain);
	free(p->written_domain);
	free(p->cookie);
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
		free(p->v[e].message);
		free(p->v[e].stored_domain);
	}
}

/* The document.cookie string the widget assigns (I.1: name=value; path=/; domain=.d; sameSite=strict, then
 * main.cookieOptions), on a browser whose clock reads now_ms (an `expires` counts from it). */
static char *widget_cookie_string(const char *domain, const widget_config *c, int64_t now_ms)
{
	buf b = BUF_INIT;
	buf_printf(&b, "%s=%s", PROBE_NAME, PROBE_VALUE);
	widget_cookie_attributes(&b, c, domain, now_ms, INT64_MIN);
	if (buf_status(&b) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void on_cookie_event(const bsim_cookie_event *ev, void *userdata)
{
	verdict *v = userdata;
	if (!ev->cookie || !ev->cookie->name || strcmp(ev->cookie->name, PROBE_NAME) != 0)
		return;
	if (ev->kind == BSIM_COOKIE_STORED || ev->kind == BSIM_COOKIE_REPLACED) {
		v->seen = v->stored = true;
		free(v->stored_domain);
		v->stored_domain = strdup(ev->cookie->domain ? ev->cookie->domain : "");
		v->host_only = ev->cookie->host_only;
	} else if (ev->kind == BSIM_COOKIE_REFUSED) {
		v->seen = true;
		v->stored = false;
		v->reason = ev->reason;
		free(v->message);
		v->message = strdup(ev->message ? ev->message : "");
	}
}

/* Load the page in a fresh browser of engine e and let it write the cookie. */
static int try_engine(probe *p, bsim_engine e, const widget_config *cfg)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.engine = e;
	o.open_resolution = 1; /* the question is the cookie, not the DNS */
	bsim_browser *b = NULL;
	int rc = bsim_browser_new(&b, &o);
	if (rc < 0)
		return rc;
	verdict *v = &p->v[e];
	bsim_browser_set_cookie_observer(b, on_cookie_event, v);
	int tab = -1;
	/* Every fresh browser's virtual clock starts at the same instant, so the string is the same on each engine. */
	free(p->cookie);
	if (!(p->cookie = widget_cookie_string(p->domain, cfg, bsim_browser_now(b)))) {
		bsim_browser_free(b);
		return BSIM_ENOMEM;
	}
	if ((rc = bsim_tab_open(&tab, b, p->url, NULL)) == 0)
		rc = bsim_script_cookie_set(b, tab, p->cookie);
	bsim_browser_free(b);
	if (rc == 0 && !v->seen) {
		/* A write the browser ignores without a cookie event (a cookie-averse page). */
		v->message = strdup("the page's document.cookie write was ignored");
		v->reason = BSIM_REASON_NONE;
	}
	if (rc == 0 && ((!v->stored && !v->message) || (v->stored && !v->stored_domain)))
		rc = BSIM_ENOMEM;
	return rc;
}

static void print_text(buf *out, const probe *p)
{
	buf_printf(out, "%s %s", p->url, p->written_domain ? p->written_domain : "host-only");
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
		const verdict *v = &p->v[e];
		if (v->stored)
			buf_printf(out, " %s=stored", bsim_engine_name((bsim_engine)e));
		else
			buf_printf(out, " %s=refused:%s", bsim_engine_name((bsim_engine)e),
				   v->reason == BSIM_REASON_NONE ? "ignored" : bsim_cookie_reason_code(v->reason));
	}
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++)
		if (!p->v[e].stored)
			buf_printf(out, " | %s: %s", bsim_engine_name((bsim_engine)e), p->v[e].message);
	buf_putc(out, '\n');
}

static void print_json(buf *out, const probe *p, const widget_version *ver, bool cookie_options)
{
	buf_putc(out, '{');
	jsonw_member_str(out, "url", p->url, true);
	jsonw_member_str(out, "href", p->href, false);
	jsonw_member_str(out, "version", ver->name, false);
	jsonw_member_str(out, "domain", p->written_domain, false);
	jsonw_member_bool(out, "host_only", p->written_domain == NULL, false);
	/* What the widget derived before main.cookieOptions replaced it. */
	if (cookie_options)
		jsonw_member_str(out, "derived_domain", p->domain, false);
	jsonw_member_str(out, "cookie", p->cookie, false);
	jsonw_key(out, "engines", false);
	buf_putc(out, '{');
	for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
		const verdict *v = &p->v[e];
		jsonw_key(out, bsim_engine_name((bsim_engine)e), e == 0);
		buf_putc(out, '{');
		jsonw_member_bool(out, "stored", v->stored, true);
		if (v->stored) {
			/* Where the browser keeps it: which hosts will see it. */
			jsonw_member_str(out, "stored_domain", v->stored_domain, false);
			jsonw_member_bool(out, "stored_host_only", v->host_only, false);
		} else {
			bool known = v->reason != BSIM_REASON_NONE;
			jsonw_member_str(out, "reason", known ? bsim_cookie_reason_code(v->reason) : "ignored", false);
			jsonw_member_str(out, "rule", known ? bsim_cookie_reason_rule(v->reason) : NULL, false);
			jsonw_member_str(out, "message", v->message, false);
		}
		buf_putc(out, '}');
	}
	buf_puts(out, "}}\n");
}

int cmd_widget(int argc, char **argv)
{
	options opt;
	int rc = parse_options(&opt, argc, argv);
	if (rc != 0) {
		free(opt.urls);
		widget_config_clear(&opt.cfg);
		return rc < 0 ? CLI_EXIT_OK : rc;
	}
	int exit_code = CLI_EXIT_OK;
	probe *probes = calloc(opt.n_urls, sizeof *probes);
	buf out = BUF_INIT;
	if (!probes) {
		exit_code = internal_error("allocating");
		goto out;
	}
	/* Every URL first: a bad one stops the call before anything is printed. */
	for (size_t i = 0; i < opt.n_urls; i++) {
		probe *p = &probes[i];
		p->url = opt.urls[i];
		if ((rc = widget_location_href(&p->href, p->url)) < 0 ||
		    (rc = widget_cookie_domain(&p->domain, p->href, opt.version)) < 0) {
			if (rc == BSIM_ENOMEM) {
				exit_code = internal_error("deriving the Domain");
			} else {
				fprintf(stderr,
					"bsim widget domain: error: URL %zu \"%s\": %s\n"
					"Give the page's address as a browser shows it, e.g. "
					"https://www.example.co.uk/cart\n",
					i + 1, p->url, bsim_error_last()->message);
				exit_code = CLI_EXIT_USAGE;
			}
			goto out;
		}
		/* B.6: main.cookieOptions.domain, merged last, replaces the derived one ("" removes it). */
		const char *written = p->domain;
		if (opt.cfg.version->cookie_options && opt.cfg.opt_domain)
			written = opt.cfg.opt_domain[0] ? opt.cfg.opt_domain : NULL;
		if (written && !(p->written_domain = strdup(written))) {
			exit_code = internal_error("building the cookie");
			goto out;
		}
	}
	for (size_t i = 0; i < opt.n_urls; i++) {
		probe *p = &probes[i];
		for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
			if ((rc = try_engine(p, (bsim_engine)e, &opt.cfg)) < 0) {
				if (rc == BSIM_EINVAL || rc == BSIM_ERESOLVE) {
					fprintf(stderr, "bsim widget domain: error: URL %zu \"%s\": %s\n", i + 1, p->url,
						bsim_error_last()->message);
					exit_code = CLI_EXIT_USAGE;
				} else {
					exit_code = internal_error("loading the page");
				}
				goto out;
			}
			if (!p->v[e].stored)
				exit_code = CLI_EXIT_FAILED;
		}
		if (opt.json)
			print_json(&out, p, opt.version, opt.has_cookie_options && opt.version->cookie_options);
		else
			print_text(&out, p);
	}
	if (buf_status(&out) < 0) {
		exit_code = internal_error("writing the output");
		goto out;
	}
	fwrite(buf_cstr(&out), 1, strlen(buf_cstr(&out)), stdout);
out:
	for (size_t i = 0; probes && i < opt.n_urls; i++)
		probe_free(&probes[i]);
	free(probes);
	buf_free(&out);
	free(opt.urls);
	widget_config_clear(&opt.cfg);
	return exit_code;
}
