/*
 * har_widget.c: the Genesys widget's own cookie Domain, as the HAR import
 * needs it to reproduce the widget's document.cookie writes (which a
 * capture never shows) with the Domain the widget would have given them, so
 * that a browser's refusal reproduces. The derivation itself is the widget
 * model's (sim/widgets/domain.c, widget-behaviour.md section H, with the
 * whole second-level table); this adapts it to the importer's version
 * names ("9" or "8.5") and its "" for host-only.
 */
#include <stdlib.h>
#include <string.h>

#include "interchange/har.h"
#include "util/error.h"
#include "widgets/domain.h"
#include "widgets/version.h"

int har_widget_domain(char **out, const char *url, const char *version)
{
	*out = NULL;
	const widget_version *v = NULL;
	if (version && strncmp(version, "8.", 2) == 0)
		v = widget_version_find("8.5");
	if (!v)
		v = widget_version_default();
	char *d = NULL;
	int err = widget_page_cookie_domain(&d, url, v);
	if (err < 0)
		return err;
	*out = d ? d : strdup("");
	return *out ? 0 : error_oom();
}
