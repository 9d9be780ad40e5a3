/*
 * domain_probe.h: what `bsim widget domain URL` computes (domain_probe.c):
 * the cookie Domain the Genesys Widgets derive on a page, and what each
 * browser does with a cookie the widget writes there. It sits in the
 * scenario layer because it wires a fresh browser to the widget's rules,
 * as a scenario's <deploy> does.
 */
#ifndef BSIM_SCENARIO_DOMAIN_PROBE_H
#define BSIM_SCENARIO_DOMAIN_PROBE_H

#include <stdbool.h>

#include "bsim/cookie.h"

/* widgets/widgets.h defines it; declared here so that the report of the probe
 * (report/widget_domain.c) does not reach the script view through this header. */
struct widget_config;

/* The cookie the probe writes: the one a restore needs first (widget-behaviour.md D). */
#define DOMAIN_PROBE_NAME "_genesys.widgets.webchat.state.session"
#define DOMAIN_PROBE_VALUE "bsim-probe"

/* What one engine did with the probe cookie. */
typedef struct domain_verdict {
	bool seen;
	bool stored;
	bsim_cookie_reason reason; /* a refusal's; BSIM_REASON_NONE: the write was ignored without a cookie event */
	char *message;             /* the jar's sentence, for a refusal */
	char *stored_domain;       /* where the jar keeps it (canonical host, no dot) */
	bool host_only;
} domain_verdict;

/* One URL: its href, derived Domain, the Domain written and the string the widget writes. */
typedef struct domain_probe {
	const char *url;      /* borrowed */
	char *href;
	char *domain;         /* derived; NULL: host-only */
	char *written_domain; /* the Domain attribute written after main.cookieOptions; NULL: none */
	char *cookie;         /* the document.cookie string (after domain_probe_engine) */
	domain_verdict v[BSIM_ENGINE_COUNT];
} domain_probe;

/*
 * Fill p for url (borrowed) with what the widget of cfg derives there:
 * href, Domain, and the Domain written once main.cookieOptions is merged
 * (B.6). BSIM_EINVAL for a URL a browser would not load as a page.
 */
int domain_probe_derive(domain_probe *p, const char *url, const struct widget_config *cfg);

/*
 * Load the page in a fresh browser of engine e and let it write the
 * widget's cookie through document.cookie, as the widget would; p->v[e]
 * says what the jar did. BSIM_EINVAL or BSIM_ERESOLVE for a page that does
 * not load; otherwise only memory errors.
 */
int domain_probe_engine(domain_probe *p, bsim_engine e, const struct widget_config *cfg);

/* Free what p holds (not p). */
void domain_probe_clear(domain_probe *p);

#endif
