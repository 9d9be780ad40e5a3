/*
 * domain.h (internal): the cookie Domain the Genesys Widgets derive from the
 * page's location.href, exactly as the bundled URI.js domain() and the
 * widget's cookie writer do it (widget-behaviour.md A.2, A.4, H). It is not
 * the Public Suffix List: where the widget's table and the browser's list
 * disagree (github.io, vercel.app, www.nhs.uk) the widget derives a Domain
 * the browser refuses or that is too narrow, and bsim shows exactly that.
 */
#ifndef BSIM_WIDGETS_DOMAIN_H
#define BSIM_WIDGETS_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "bsim/script.h"
#include "widgets/version.h"

/* Longest href the derivation reads: the longest URL a browser loads
 * (BSIM_URL_MAX_LEN, Chromium's cap), so no location.href is refused and
 * untrusted input costs at most one bounded scan. Longer input is BSIM_ELIMIT. */
#define WIDGET_HREF_MAX_LEN BSIM_URL_MAX_LEN

/*
 * The hostname URI.js parses out of href (H.1): after "//" and any
 * "user@", up to '/', '?' or '#'; ":port" and "[ ]" dropped; case, a
 * trailing dot and punycode kept. Empty when there is no authority
 * (file:///, about:blank). *out is malloc'd. 0 or a negative BSIM_E* code.
 */
int widget_uri_hostname(char **out, const char *href);

/*
 * URI.js domain() of href (H.2-H.5): "" for no host or an IP address, else
 * the label before the top-level part plus that part, where the top-level
 * part is two labels when the version's second-level table lists them.
 * *out is malloc'd. 0 or a negative BSIM_E* code.
 */
int widget_uri_domain(char **out, const char *href, widget_sld_table table);

/*
 * The Domain attribute value the widget writes on every cookie of the page
 * at href: *out is malloc'd and includes the leading dot (".example.co.uk"),
 * or NULL when the widget writes host-only cookies (no Domain attribute:
 * the derived domain has no dot). Version 8.5 always writes "." + derived
 * (".localhost", and "." alone for an IP address). Ignores
 * main.cookieOptions, which the caller merges last where the version
 * honours it. 0 or a negative BSIM_E* code.
 */
int widget_cookie_domain(char **out, const char *href, const widget_version *v);

/*
 * location.href of a page at url as the browser hands it to the widget
 * (bsim_script_location_href: the host canonical, the default port
 * dropped, user info and fragment left out, which the derivation ignores
 * anyway). *out is malloc'd. BSIM_EINVAL with the URL parser's message for
 * a URL the browser would not load.
 */
int widget_location_href(char **out, const char *url);

/* widget_location_href, then widget_cookie_domain: what the widget derives on a page loaded from url. */
int widget_page_cookie_domain(char **out, const char *url, const widget_version *v);

/*
 * URI.js SLD.get on a hostname (H.4): when the last two labels form a
 * second-level domain in the table, *sld_start is the offset of the first
 * of them ("example.co.uk" -> 8) and the result is true. The top-level
 * label is looked up in exact case and the second-level one must occur as
 * " label " in the row, as the widget does.
 */
bool widget_sld_get(const char *host, size_t len, widget_sld_table table, size_t *sld_start);

#endif
