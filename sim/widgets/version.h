/*
 * version.h (internal): Genesys Widgets versions as presets, like the
 * browser engines. A version fixes what the widget's own code does with its
 * cookies: the SameSite it writes, whether the site's main.cookieOptions
 * are honoured, how the Domain is chosen and which URI.js second-level
 * table decides it. A scenario runs one deployment across versions to show
 * which upgrade fixes a customer's bug.
 */
#ifndef BSIM_WIDGETS_VERSION_H
#define BSIM_WIDGETS_VERSION_H

#include <stdbool.h>
#include <stddef.h>

/* Which URI.js SecondLevelDomains list the widget bundles. */
typedef enum {
	WIDGET_SLD_URIJS_1_19_11, /* the whole table */
	WIDGET_SLD_URIJS_1_17_0,  /* the same without the com, net, org, de rows */
} widget_sld_table;

typedef struct widget_version {
	const char *name;       /* "9.0.018.07" (default), "9.0.005.00", "8.5" */
	const char *samesite;   /* "strict" or NULL (none written) */
	bool cookie_options;    /* main.cookieOptions honoured (merged last) */
	bool always_dot_domain; /* 8.5: Domain=. + derived, no dot check */
	widget_sld_table sld;
	const char *source;     /* where this row's facts come from */
} widget_version;

/* The preset named name, or NULL if unknown (no error is raised). */
const widget_version *widget_version_find(const char *name);
/* The version a name that is none most likely means ("9.0.18.07": 9.0.018.07), or NULL. */
const char *widget_version_suggest(const char *name);
/* 9.0.018.07, the build sites serve today. */
const widget_version *widget_version_default(void);
size_t widget_version_count(void);
/* Row i in table order (default first), NULL past the end. */
const widget_version *widget_version_at(size_t i);
/* "9.0.018.07, 9.0.005.00, 8.5": for error messages that list the choices. */
const char *widget_version_names(void);

#endif
