/*
 * version.c: the widget version table. Each row cites the widget bundle
 * (widget-behaviour.md sources C18, C05, C85) its attributes were read from.
 */
#include "widgets/version.h"

#include <string.h>

#include "util/suggest.h"

static const widget_version versions[] = {
	{
		.name = "9.0.018.07",
		/* B.6, I.1 [C18]: js-cookie defaults carry sameSite: strict; the
		 * site's _genesys.widgets.main.cookieOptions is merged last. */
		.samesite = "strict",
		.cookie_options = true,
		/* A.2, H [C18]: Domain only if the derived domain has a dot. */
		.always_dot_domain = false,
		/* H [C18]: URI.js 1.19.11 SecondLevelDomains. */
		.sld = WIDGET_SLD_URIJS_1_19_11,
		.source = "widgets.min.js 9.0.018.07 (github.com/panchts/LiveWebChatUI)",
	},
	{
		.name = "9.0.005.00",
		/* B.6 [C05]: no SameSite and no cookieOptions in this build. */
		.samesite = NULL,
		.cookie_options = false,
		.always_dot_domain = false,
		/* H [C05]: URI.js 1.17.0, without the com/net/org/de rows. */
		.sld = WIDGET_SLD_URIJS_1_17_0,
		.source = "widgets.min.js 9.0.005.00 (github.com/rodgau/altocloud2 @86ae755)",
	},
	{
		.name = "8.5",
		/* B.6 [C05, C85]: SameSite and cookieOptions came with 9.0.018. */
		.samesite = NULL,
		.cookie_options = false,
		/* A.4 [C85]: always Domain=. + domain(), even ".localhost" and ".". */
		.always_dot_domain = true,
		/* Guess (docs/widget-model.md): the URI.js release of 8.5.007.03 is
		 * not recorded; the older table is the likelier. */
		.sld = WIDGET_SLD_URIJS_1_17_0,
		.source = "widgets.min.js 8.5.007.03 (github.com/givankin/g-widgets-tmp)",
	},
};

#define VERSION_COUNT (sizeof versions / sizeof versions[0])

const widget_version *widget_version_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < VERSION_COUNT; i++)
		if (strcmp(versions[i].name, name) == 0)
			return &versions[i];
	return NULL;
}

const char *widget_version_suggest(const char *name)
{
	const char *names[VERSION_COUNT];
	for (size_t i = 0; i < VERSION_COUNT; i++)
		names[i] = versions[i].name;
	return name ? suggest_closest(name, names, VERSION_COUNT) : NULL;
}

const widget_version *widget_version_default(void)
{
	return &versions[0];
}

size_t widget_version_count(void)
{
	return VERSION_COUNT;
}

const widget_version *widget_version_at(size_t i)
{
	return i < VERSION_COUNT ? &versions[i] : NULL;
}

const char *widget_version_names(void)
{
	return "9.0.018.07, 9.0.005.00, 8.5";
}
