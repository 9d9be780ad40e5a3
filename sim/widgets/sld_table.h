/*
 * sld_table.h (internal): the second-level-domain table the widget's
 * bundled URI.js uses to derive the cookie Domain. The rows are generated at
 * build time by scripts/gen_sld_table.py from sim/widgets/data/
 * widget-sld-table.tsv; the labels string is the bundle's verbatim, spaces
 * included, because the widget matches a label only where " label " occurs.
 */
#ifndef BSIM_WIDGETS_SLD_TABLE_H
#define BSIM_WIDGETS_SLD_TABLE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct widget_sld_row {
	const char *tld;    /* top-level label, exact case as in the bundle */
	const char *labels; /* second-level labels, space-separated, verbatim */
	bool in_1_17_0;     /* present in URI.js 1.17.0 (widget 9.0.005.00) */
} widget_sld_row;

extern const widget_sld_row widget_sld_rows[];
extern const size_t widget_sld_row_count;

#endif
