/*
 * release.c: which preset models a widget release named by its number
 * (release.h). Only the major lines are told apart, as the widget's
 * cookie code changed only between them (version.c cites the bundles).
 */
#include "widgets/release.h"

#include <string.h>

const widget_version *widget_version_of_release(const char *name)
{
	if (!name)
		return NULL;
	if (strncmp(name, "8.", 2) == 0)
		return widget_version_find("8.5");
	if (strncmp(name, "9.0.005", 7) == 0)
		return widget_version_find("9.0.005.00");
	if (strcmp(name, "9") == 0 || strncmp(name, "9.", 2) == 0)
		return widget_version_default();
	return NULL;
}
