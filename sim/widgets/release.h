/*
 * release.h (internal): widget releases as people and captures name them
 * ("9", "8.5.007.03", a script URL's "9.0.005"), mapped onto the presets
 * of version.h that model their cookie behaviour. The one place that
 * decides which release names bsim accepts: `bsim import-har
 * --widget-version` validates with it and the HAR reader maps with it.
 */
#ifndef BSIM_WIDGETS_RELEASE_H
#define BSIM_WIDGETS_RELEASE_H

#include "widgets/version.h"

/*
 * The preset modelling release `name`: every 8.x build behaves as 8.5
 * (Domain=. + derived, no SameSite: widget-behaviour.md A.4, B.6); 9.0.005
 * and its builds ("9.0.005.00") as 9.0.005.00 (URI.js 1.17.0, no
 * SameSite); "9" and every other 9.x build as the default, 9.0.018.07.
 * NULL for a name that is no widget release bsim models.
 */
const widget_version *widget_version_of_release(const char *name);

#endif
