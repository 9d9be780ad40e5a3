/*
 * cmd_widget.c: `bsim widget domain URL...`, a support engineer's first
 * question about a site: which cookie Domain will the Genesys Widgets
 * derive on this page, and will each browser keep a cookie the widget
 * writes with it? Options and wiring only: the derivation and each
 * browser's verdict are computed in sim/scenario/run/domain_probe.c,
 * main.cookieOptions (--cookie-options) are checked by the widget's own
 * rules (sim/widgets/cookie_options.c). Every URL is checked before
 * anything is printed, and output is written once complete, so an error
 * never leaves half a result on stdout.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bsim/browser.h"
#include "cli/cli.h"
#include "report/widget_domain.h"
#include "scenario/run/domain_probe.h"
#include "util/buf.h"
#include "widgets/cookie_options.h"
#include "widgets/version.h"
#include "widgets/widgets.h"

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

/* A --cookie-options problem: the JSON path, what was expected, what to do. */
static int cookie_options_error(const char *what, const char *example)
{
	return cli_error("widget", "--cookie-options: %s\nGive the site's main.cookieOptions as %s", what, example);
}

/* --cookie-options JSON into c's opt_* members, by the widget's rules (B.6). */
static int parse_cookie_options(widget_config *c, const char *text)
{
	static const char example[] = "JSON, e.g. --cookie-options '{\"secure\":true,\"sameSite\":\"none\"}'";
	char what[96];
	if (strlen(text) > WIDGET_COOKIE_OPTIONS_MAX) {
		snprintf(what, sizeof what, "$: longer than %d bytes (WIDGET_COOKIE_OPTIONS_MAX)", WIDGET_COOKIE_OPTIONS_MAX);
		return cookie_options_error(what, example);
	}
	json_error_t err;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (!root) {
		char where[256];
		snprintf(where, sizeof where, "column %d: not JSON: %s", err.column, err.text);
		return cookie_options_error(where, "a JSON object, e.g. '{\"domain\":\".example.com\"}'");
	}
	int rc = widget_cookie_options_from_json(c, root);
	json_decref(root);
	if (rc == BSIM_ENOMEM)
		return cli_internal_error("widget", "reading --cookie-options");
	if (rc < 0)
		return cookie_options_error(bsim_error_last()->message, example);
	return 0;
}

/* Returns 0 to go on, -1 after --help, or an exit code. */
static int parse_options(options *opt, int argc, char **argv)
{
	*opt = (options){.version = widget_version_default()};
	widget_config_init(&opt->cfg);
	if (argc < 2)
		return cli_usage_error("widget", "%s", "expected a widget command: domain");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cmd_widget_help(stdout);
		return -1;
	}
	if (strcmp(argv[1], "domain") != 0)
		return cli_usage_error("widget", "unknown widget command \"%s\"; expected domain", argv[1]);
	opt->urls = calloc((size_t)argc, sizeof *opt->urls);
	if (!opt->urls)
		return cli_internal_error("widget", "reading the arguments");
	bool options_done = false;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (options_done || a[0] != '-') {
			if (opt->n_urls == WIDGET_DOMAIN_MAX_URLS)
				return cli_error("widget", "more than %d URLs (WIDGET_DOMAIN_MAX_URLS); split the list over several calls",
						 WIDGET_DOMAIN_MAX_URLS);
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
				return cli_usage_error("widget", "%s needs a value", "--cookie-options");
			if (opt->has_cookie_options)
				return cli_usage_error("widget", "%s is given twice; give one JSON object", "--cookie-options");
			opt->has_cookie_options = true;
			int rc = parse_cookie_options(&opt->cfg, v);
			if (rc != 0)
				return rc;
		} else if (strcmp(a, "--version") == 0 || strncmp(a, "--version=", 10) == 0) {
			const char *v = a[9] == '=' ? a + 10 : (i + 1 < argc ? argv[++i] : NULL);
			if (!v)
				return cli_usage_error("widget", "%s needs a value", "--version");
			if (!(opt->version = widget_version_find(v))) {
				return cli_usage_error("widget", "unknown widget version \"%s\"; expected one of %s", v,
						       widget_version_names());
			}
		} else {
			return cli_usage_error("widget", "unknown option \"%s\"", a);
		}
	}
	if (!opt->n_urls)
		return cli_usage_error("widget", "%s", "expected at least one URL, e.g. https://www.example.co.uk/");
	opt->cfg.version = opt->version;
	if (opt->has_cookie_options && !opt->version->cookie_options)
		fprintf(stderr, "bsim widget: note: widget %s ignores main.cookieOptions (only 9.0.018.07 merges them); "
				"the result is for the defaults\n", opt->version->name);
	return 0;
}

/* A URL the browser or the widget would not take: which, why, and what to give instead. */
static int bad_url(size_t i, const char *url, bool hint)
{
	fprintf(stderr, "bsim widget domain: error: URL %zu \"%s\": %s\n%s", i + 1, url, bsim_error_last()->message,
		hint ? "Give the page's address as a browser shows it, e.g. https://www.example.co.uk/cart\n" : "");
	return CLI_EXIT_USAGE;
}

/* Every engine's verdict on each URL, printed into out; the exit code. */
static int probe_all(const options *opt, domain_probe *probes, buf *out)
{
	int exit_code = CLI_EXIT_OK;
	for (size_t i = 0; i < opt->n_urls; i++) {
		domain_probe *p = &probes[i];
		for (int e = 0; e < BSIM_ENGINE_COUNT; e++) {
			int rc = domain_probe_engine(p, (bsim_engine)e, &opt->cfg);
			if (rc == BSIM_EINVAL || rc == BSIM_ERESOLVE)
				return bad_url(i, p->url, false);
			if (rc < 0)
				return cli_internal_error("widget", "loading the page");
			if (!p->v[e].stored)
				exit_code = CLI_EXIT_FAILED;
		}
		if (opt->json)
			report_widget_domain_json(out, p, opt->version, opt->has_cookie_options && opt->version->cookie_options);
		else
			report_widget_domain_text(out, p);
	}
	return exit_code;
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
	domain_probe *probes = calloc(opt.n_urls, sizeof *probes);
	buf out = BUF_INIT;
	if (!probes) {
		exit_code = cli_internal_error("widget", "allocating");
		goto out;
	}
	/* Every URL first: a bad one stops the call before anything is printed. */
	for (size_t i = 0; i < opt.n_urls; i++) {
		if ((rc = domain_probe_derive(&probes[i], opt.urls[i], &opt.cfg)) < 0) {
			exit_code = rc == BSIM_ENOMEM ? cli_internal_error("widget", "deriving the Domain")
						      : bad_url(i, opt.urls[i], true);
			goto out;
		}
	}
	exit_code = probe_all(&opt, probes, &out);
	if (exit_code != CLI_EXIT_OK && exit_code != CLI_EXIT_FAILED)
		goto out;
	if (buf_status(&out) < 0) {
		exit_code = cli_internal_error("widget", "writing the output");
		goto out;
	}
	fwrite(buf_cstr(&out), 1, strlen(buf_cstr(&out)), stdout);
out:
	for (size_t i = 0; probes && i < opt.n_urls; i++)
		domain_probe_clear(&probes[i]);
	free(probes);
	buf_free(&out);
	free(opt.urls);
	widget_config_clear(&opt.cfg);
	return exit_code;
}
