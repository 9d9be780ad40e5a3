/*
 * cookie_options.h: a site's main.cookieOptions (widget-behaviour.md B.6),
 * checked against what the widget does with each member, into the opt_*
 * members of a widget_config (cookie_options.c).
 */
#ifndef BSIM_WIDGETS_COOKIE_OPTIONS_H
#define BSIM_WIDGETS_COOKIE_OPTIONS_H

#include <jansson.h>

#include "widgets/widgets.h"

/*
 * root (a JSON value as the site's configuration gives it) into c's opt_*
 * members: domain and path (strings), sameSite ("strict", "lax" or "none",
 * any case), secure (true or false), expires (whole days, 0 to
 * WIDGET_EXPIRES_DAYS_MAX). BSIM_EINVAL with "JSONPATH: what was expected"
 * (e.g. "$.secure: expected true or false") for anything else, BSIM_ENOMEM.
 */
int widget_cookie_options_from_json(widget_config *c, json_t *root);

/*
 * One member (its main.cookieOptions name: "domain", "path", "sameSite",
 * "secure", "expires") given as text, as a scenario's <deploy cookie-*>
 * attribute gives it: "true"/"false" for secure, decimal digits for expires.
 * Checked and stored by the same rules as widget_cookie_options_from_json;
 * BSIM_EINVAL says only what was expected (e.g. "expected true or false"),
 * for the caller to wrap with where the text came from; BSIM_ENOMEM.
 */
int widget_cookie_option_from_text(widget_config *c, const char *member, const char *text);

#endif
