/*
 * widget_domain.h: the output of `bsim widget domain` (widget_domain.c),
 * one line per URL probed, as text or as JSON (docs/widget-model.md,
 * Cookie Domain).
 */
#ifndef BSIM_REPORT_WIDGET_DOMAIN_H
#define BSIM_REPORT_WIDGET_DOMAIN_H

#include <stdbool.h>

#include "scenario/run/domain_probe.h"
#include "util/buf.h"
#include "widgets/version.h"

/* "URL DOMAIN chromium=RESULT firefox=RESULT safari=RESULT[ | ENGINE: WHY]...\n" onto out. */
void report_widget_domain_text(buf *out, const domain_probe *p);
/* One JSON object and a newline onto out; derived_domain is given when cookie_options replaced it (ver honours them). */
void report_widget_domain_json(buf *out, const domain_probe *p, const widget_version *ver, bool cookie_options);

#endif
