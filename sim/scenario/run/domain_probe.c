/*
 * domain_probe.c: the cookie Domain the widget derives on a page and each
 * browser's verdict on it (domain_probe.h). The page's location.href goes
 * through the widget's own derivation (sim/widgets/domain.c, the chosen
 * version), then a fresh browser per engine loads the page and the page
 * writes the widget's session cookie through document.cookie with the
 * version's attributes and main.cookieOptions merged last (B.6, G.10),
 * through the model's own attribute writer; the jar's verdict and reason
 * are what its cookie events say.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/run/domain_probe.h"
#include "util/buf.h"
#include "util/error.h"
#include "bsim/browser.h"
#include "widgets/domain.h"
#include "widgets/widgets.h"

int domain_probe_derive(domain_probe *p, const char *url, const widget_config *cfg)
{
	p->url = url;
	int rc;
	if ((rc = widget_location_href(&p->href, url)) < 0 || (rc = widget_cookie_domain(&p->domain, p->href, cfg->version)) < 0)
		return rc;
	/* B.6: main.cookieOptions.domain, merged last, replaces the derived one ("" removes it). */
	const char *written = p->domain;
	if (cfg->version->cookie_options && cfg->opt_domain)
		written = cfg->opt_domain[0] ? cfg->opt_domain : NULL;
	if (written && !(p->written_domain = strdup(written)))
		return error_oom();
	return 0;
}

/* The document.cookie string the widget assigns (I.1: name=value; path=/; domain=.d; sameSite=strict, then
 * main.cookieOptions), on a browser whose clock reads now_ms (an `expires` counts from it). */
static char *widget_cookie_string(const char *domain, const widget_config *c, int64_t now_ms)
{
	buf b = BUF_INIT;
	buf_printf(&b, "%s=%s", DOMAIN_PROBE_NAME, DOMAIN_PROBE_VALUE);
	widget_cookie_attributes(&b, c, domain, now_ms, INT64_MIN);
	if (buf_status(&b) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

static void on_cookie_event(const bsim_cookie_event *ev, void *userdata)
{
	domain_verdict *v = userdata;
	if (!ev->cookie || !ev->cookie->name || strcmp(ev->cookie->name, DOMAIN_PROBE_NAME) != 0)
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

int domain_probe_engine(domain_probe *p, bsim_engine e, const widget_config *cfg)
{
	bsim_browser_options o = BSIM_BROWSER_OPTIONS_INIT;
	o.engine = e;
	o.open_resolution = 1; /* the question is the cookie, not the DNS */
	bsim_browser *b = NULL;
	int rc = bsim_browser_new(&b, &o);
	if (rc < 0)
		return rc;
	domain_verdict *v = &p->v[e];
	bsim_browser_set_cookie_observer(b, on_cookie_event, v);
	int tab = -1;
	/* Every fresh browser's virtual clock starts at the same instant, so the string is the same on each engine. */
	free(p->cookie);
	if (!(p->cookie = widget_cookie_string(p->domain, cfg, bsim_browser_now(b)))) {
		bsim_browser_free(b);
		return error_oom();
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
		rc = error_oom();
	return rc;
}

void domain_probe_clear(domain_probe *p)
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
