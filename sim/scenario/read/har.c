/*
 * har.c: the HAR reader of the scenario layer (include/bsim/har.h,
 * docs/har-import.md). A capture parsed by interchange/har.h becomes a
 * scenario file: the top-level navigations in order with their responses'
 * Set-Cookie headers, spaced on the virtual clock as captured; the
 * widget's document.cookie writes reproduced from the Cookie headers that
 * later carried them, or bsim's widget model deployed where the capture
 * shows the widget; and expectations derived from what the customer's
 * browser sent (har_import.h names the files that do each part).
 *
 * This file holds the entry points: the options and the summary, and the
 * checks a capture must pass before anything is written, each naming the
 * JSON path of what failed, so that a capture that cannot become a
 * scenario that loads is refused here rather than written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interchange/interchange.h"
#include "net/url.h"
#include "scenario/read/har_import.h"
#include "scenario/scenario_internal.h"
#include "scenario/write/xml.h"
#include "util/error.h"
#include "widgets/release.h"

/*
 * The release whose Domain and SameSite the import's own cookie writes
 * follow: 8.x as 8.5, any other as the default 9.x build, which the
 * scenario's comments call "8.5" and "9".
 */
static void cookie_release(har_import *w, const char *release)
{
	const widget_version *v85 = widget_version_of_release("8.5");
	bool is_85 = widget_version_of_release(release) == v85;
	w->cookie_version = is_85 ? v85 : widget_version_default();
	w->version = is_85 ? "8.5" : "9";
}

/*
 * Every navigation must be a page bsim's browser can load, as the scenario
 * will write it (the query dropped when redacting), and within what a step
 * takes: refused here, with the JSON path, rather than in a scenario that
 * does not load.
 */
static int check_navigations(const har_import *w, const char *name)
{
	if (w->o->closed_before) {
		bool found = false;
		for (size_t i = 0; i < w->h->n_entries && !found; i++)
			found = w->h->entries[i].navigation && w->h->entries[i].pageref &&
				strcmp(w->h->entries[i].pageref, w->o->closed_before) == 0;
		if (!found) {
			buf pages = BUF_INIT;
			for (size_t i = 0; i < w->h->n_entries; i++) {
				const har_entry *e = &w->h->entries[i];
				if (e->navigation && e->pageref && !strstr(buf_cstr(&pages), e->pageref))
					buf_printf(&pages, "%s%s", pages.len ? ", " : "", e->pageref);
			}
			int rc = buf_status(&pages) < 0
					 ? error_oom()
					 : ic_error(BSIM_EINVAL, name, 0, 0, NULL,
						    "closed before \"%.80s\": no navigation of the capture has that pageref "
						    "(its pages: %s)",
						    w->o->closed_before, pages.len ? buf_cstr(&pages) : "none named");
			buf_free(&pages);
			return rc;
		}
	}
	for (size_t i = 0; i < w->h->n_entries; i++) {
		const har_entry *e = &w->h->entries[i];
		if (!e->navigation)
			continue;
		char where[64];
		snprintf(where, sizeof where, "log.entries[%zu].request.url", e->index);
		buf b = BUF_INIT;
		scenario_xml_escaped(&b, e->url, har_url_len(w, e->url), false);
		if (buf_status(&b) < 0)
			return error_oom();
		url *u = NULL;
		int rc = url_parse(&u, buf_cstr(&b));
		url_free(u);
		if (rc == BSIM_ENOMEM) {
			buf_free(&b);
			return rc;
		}
		if (rc < 0) {
			buf_free(&b);
			return error_wrap_at(BSIM_EINVAL, name, 0, 0,
					     "%s: error: %s: a top-level navigation to \"%.80s\", which is not a page bsim can load",
					     name, where, e->url);
		}
		buf_free(&b);
		size_t n = har_set_cookie_lines(e);
		if (n > STEP_MAX_SET_COOKIE) {
			snprintf(where, sizeof where, "log.entries[%zu].response.headers", e->index);
			return ic_error(BSIM_ELIMIT, name, 0, 0, where,
					"%zu Set-Cookie headers, more than the %d one scenario step replays", n,
					STEP_MAX_SET_COOKIE);
		}
	}
	return 0;
}

int bsim_har_import_mem(char **xml, size_t *xml_len, bsim_har_summary *summary, const char *name, const char *data,
			size_t len, const bsim_har_options *opts)
{
	*xml = NULL;
	*xml_len = 0;
	bsim_har_options defaults = BSIM_HAR_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version != BSIM_HAR_OPTIONS_VERSION)
		return error_set(BSIM_EINVAL, "bsim_har_options version %u, this bsim knows %u", opts->version,
				 BSIM_HAR_OPTIONS_VERSION);
	bsim_har_summary local;
	bsim_har_summary *sum = summary ? summary : &local;
	memset(sum, 0, sizeof *sum);
	har_log *h = NULL;
	int rc = har_parse(&h, name, data, len);
	if (rc == 0 && (rc = har_request_cookies_from_headers(h, &sum->cookies_from_lists, &sum->cookies_from_headers)) < 0)
		har_log_free(h);
	if (rc < 0)
		return rc;
	har_import w;
	memset(&w, 0, sizeof w);
	w.h = h;
	w.o = opts;
	w.sum = sum;
	w.out = (buf)BUF_INIT;
	cookie_release(&w, opts->widget_version);
	sum->entries = h->n_entries;
	sum->pages = h->n_pages;
	if (opts->engine >= 0 && opts->engine < BSIM_ENGINE_COUNT) {
		sum->engine = (bsim_engine)opts->engine;
		char why[160];
		har_guess_engine(h, why, sizeof why);
		snprintf(sum->engine_why, sizeof sum->engine_why, "%s", why);
	} else {
		sum->engine = har_guess_engine(h, sum->engine_why, sizeof sum->engine_why);
		sum->engine_guessed = 1;
	}
	sum->sanitized = har_looks_sanitized(h);
	w.sanitized_skip = sum->sanitized;
	if (sum->sanitized)
		har_sanitized_how(h, sum->sanitized_how, sizeof sum->sanitized_how);
	if (opts->widget && har_widget_seen(h, sum->widget_why, sizeof sum->widget_why)) {
		w.widget = true;
		sum->widget_model = 1;
		if (opts->widget_version) {
			/* The option names a release: its preset, NULL for the default build. */
			const widget_version *v = widget_version_of_release(opts->widget_version);
			w.deploy_version = v && v != widget_version_default() ? v->name : NULL;
			snprintf(sum->widget_version_why, sizeof sum->widget_version_why, "the widget-version option");
		} else {
			w.deploy_version =
				har_guess_widget_version(h, sum->widget_version_why, sizeof sum->widget_version_why);
		}
		if (w.deploy_version)
			cookie_release(&w, w.deploy_version);
		snprintf(sum->widget_version, sizeof sum->widget_version, "%s",
			 w.deploy_version ? w.deploy_version : widget_version_default()->name);
		for (size_t i = 0; i < h->n_entries && !w.any_chat_start; i++)
			w.any_chat_start = har_is_chat_start(&h->entries[i]);
	}
	size_t navs = 0;
	for (size_t i = 0; i < h->n_entries; i++)
		navs += h->entries[i].navigation;
	if (!navs) {
		rc = ic_error(BSIM_EINVAL, name, 0, 0, "log.entries",
			      "no top-level navigation among %zu entries (no document request): record the capture with "
			      "the network panel open before the page loads, then Save all as HAR",
			      h->n_entries);
		goto out;
	}
	if ((rc = check_navigations(&w, name)) < 0 || (rc = har_write_scenario(&w, name)) < 0)
		goto out;
	*xml_len = w.out.len;
	*xml = buf_detach(&w.out);
	if (!*xml)
		rc = error_oom();
out:
	har_known_free(&w);
	buf_free(&w.out);
	har_log_free(h);
	return rc;
}

int bsim_har_import_file(char **xml, size_t *xml_len, bsim_har_summary *summary, const char *path,
			 const bsim_har_options *opts)
{
	*xml = NULL;
	*xml_len = 0;
	char *data = NULL;
	size_t len = 0;
	int rc = ic_read_file(path, HAR_MAX_FILE_BYTES, "HAR_MAX_FILE_BYTES", &data, &len);
	if (rc < 0)
		return rc;
	rc = bsim_har_import_mem(xml, xml_len, summary, path, data, len, opts);
	free(data);
	return rc;
}
