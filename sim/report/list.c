/*
 * list.c: the listing of `bsim list` (report.h, bsim_report_list), one
 * chosen scenario a line: FILE:LINE, name, engine and tags. Names and tags
 * come from scenario files, so they are escaped as the terminal report
 * escapes them (report_put_terminal_text): a control or bidirectional
 * character in a name cannot rewrite the line a person reads.
 */
#include <stdio.h>
#include <string.h>

#include "bsim/report.h"
#include "report/report_util.h"
#include "util/buf.h"

static void put_clean(buf *b, const char *s)
{
	report_put_terminal_text(b, s, strlen(s), 0);
}

int bsim_report_list(FILE *out, const bsim_scenario *const *scenarios, size_t n)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		const bsim_scenario *sc = scenarios[i];
		put_clean(&b, bsim_scenario_file(sc));
		buf_printf(&b, ":%d  ", bsim_scenario_line(sc));
		put_clean(&b, bsim_scenario_name(sc));
		buf_printf(&b, " [%s]", bsim_engine_name(bsim_scenario_engine(sc)));
		size_t n_tags = bsim_scenario_tag_count(sc);
		for (size_t t = 0; t < n_tags; t++) {
			buf_puts(&b, t ? " " : "  tags: ");
			put_clean(&b, bsim_scenario_tag(sc, t));
		}
		buf_putc(&b, '\n');
	}
	int rc = buf_status(&b);
	if (rc == 0 && b.len && fwrite(b.ptr, 1, b.len, out) != b.len)
		rc = error_set(BSIM_EIO, "cannot write the listing");
	buf_free(&b);
	return rc;
}
